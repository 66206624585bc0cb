// The translator's read side: two versions of a text side by side (stored alignments), the
// bilingual concordance and TMX export. Reads only the index (alignments are computed and stored
// by the indexer at ingest: core/alignment.h describes the stored form).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tongwen/alignment.h"
#include "tongwen/config.h"
#include "tongwen/model.h"
#include "tongwen/search.h"

namespace tongwen {

struct ParallelRow {
  std::vector<std::string> source, target;                // sentences (empty side: 0-1 or 1-0)
  std::vector<int> source_paragraphs, target_paragraphs;  // paragraph of each sentence
  std::string type;                                       // "1-1", "1-2", "2-1", "1-0", "0-1", ...
  double confidence = 0;
};

struct ParallelView {
  Document source, target;
  std::string method;  // how the stored alignment was made: anchors | length+anchors | empty
  std::vector<ParallelRow> rows;
  double low_confidence = 0;  // share of rows below kLowConfidence (core/alignment.h)
  std::string lexicon;        // POST /api/align only: which lexicon aligned the texts
};

// The rows of an alignment of two documents.
ParallelView parallel_view(const Document& source, const Document& target, const Alignment& a);

struct ConcordanceRequest {
  std::string q;
  std::string lang;  // language of the query side: zh or en (default: from the query's script)
  std::map<std::string, std::vector<std::string>> filters;  // speaker, topic, event, year, type
  int page = 1, size = 20;
};

struct ConcordanceLine {
  std::string doc_id, title, date, lang;
  std::vector<std::string> speakers;
  Snippet sentence;  // the hit sentence, query matches marked
  std::string aligned_doc_id, aligned_lang;
  Snippet aligned;  // its aligned sentence(s), the likely translation marked
  std::string link_type;
  double confidence = 0;
};

struct TranslationCandidate {
  std::string term;
  std::string source;     // glossary | cooccurrence
  std::size_t lines = 0;  // aligned sentences that contain it
  double score = 0;
};

struct ConcordanceResult {
  std::size_t total = 0;  // hit sentences with an aligned counterpart
  std::size_t documents = 0;
  // false: more documents matched than the concordance reads (the best-ranked 2,000), so total,
  // documents and the lines are those of the documents read.
  bool complete = true;
  int page = 1, size = 20;
  std::vector<ConcordanceLine> lines;
  std::vector<TranslationCandidate> translations;
  std::vector<std::pair<std::string, std::vector<FacetCount>>> facets;  // over the documents
};

struct TmxRequest {
  std::string doc;           // export one document's aligned segments...
  std::string with;          // ...with this version only (default: every version in another language)
  ConcordanceRequest query;  // ...or the concordance lines of a query (when doc is empty)
  std::size_t max_units = 20000;
};

class BilingualService {
 public:
  // Reads through the search service's index handles and glossary.
  BilingualService(SearchService& search, const Settings& settings);
  ~BilingualService();
  BilingualService(const BilingualService&) = delete;
  BilingualService& operator=(const BilingualService&) = delete;

  // Throws UserError("not_found") for an unknown id, UserError("bad_parameter") when the two are
  // not versions of one text or no alignment is stored.
  ParallelView parallel(const std::string& id, const std::string& with);
  ConcordanceResult concordance(const ConcordanceRequest& request);
  // TMX 1.4, UTF-8. Throws UserError as above.
  std::string export_tmx(const TmxRequest& request);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tongwen
