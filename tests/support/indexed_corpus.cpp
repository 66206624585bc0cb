#include "indexed_corpus.h"

#include <set>

#include "tongwen/converter.h"

namespace tongwen::test {

IndexedCorpus::IndexedCorpus(const std::vector<std::string>& paths, int facet_limit) {
  settings_.data_dir = dir_.path();
  settings_.search.facet_limit = facet_limit;
  settings_.search.max_page_size = 1000;
  settings_.search.glossary = config_dir() + "/glossary.tsv";
  IngestOptions opt;
  opt.paths = paths;
  std::set<std::string> loaded;
  summary_ = ingest(settings_, opt, [&](const FileOutcome& o, const IngestProgress&) {
    if (o.outcome == "added" || o.outcome == "updated") loaded.insert(o.path);
  });
  std::vector<Document> docs;
  ConvertOptions copt;
  copt.limits = ConvertLimits::from(settings_);
  for (const auto& path : loaded)
    for (auto& d : convert_file(path, copt).documents) docs.push_back(std::move(d));
  truth_ = std::make_unique<BruteForce>(std::move(docs));
  {
    // The entities of the documents, as the search side learns them from the index.
    Xapian::Database db(settings_.index_dir());
    truth_->use_authorities(AuthorityTable::from_index(db, configured_authorities(settings_)));
  }
  search_ = std::make_unique<SearchService>(settings_.index_dir(), settings_);
}

std::set<std::string> IndexedCorpus::all_ids(SearchRequest req) {
  std::set<std::string> ids;
  req.size = 1000;
  req.facets = false;
  req.snippets = false;
  for (req.page = 1;; ++req.page) {
    auto r = search_->search(req);
    for (const auto& h : r.hits) ids.insert(h.id);
    if (r.hits.size() < static_cast<std::size_t>(req.size)) break;
  }
  return ids;
}

}  // namespace tongwen::test
