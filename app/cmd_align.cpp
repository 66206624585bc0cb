// `tongwen align A B`: the alignment of two files (converted on the fly) or two indexed documents.
#include <Poco/File.h>
#include <Poco/JSON/Array.h>

#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "cli.h"
#include "tongwen/align.h"
#include "tongwen/converter.h"
#include "tongwen/errors.h"
#include "tongwen/index_reader.h"
#include "tongwen/json.h"
#include "tongwen/schema.h"

namespace tongwen::cli {

namespace {

const char* kHelp = R"HELP(usage: tongwen align A B [--json | --tsv] [--text]

Aligns two versions of a text: paragraphs, then sentences inside them, with 1-1, 1-2, 2-1, 1-0
and 0-1 links (and larger ones where a translator merged more), each with a confidence.

A and B are either two files (converted on the fly, nothing is read from or written to the index)
or two document ids in the index (--data DIR); for ids the alignment stored at ingest is used
when there is one, otherwise it is computed. Files that hold several documents (a TED set, a WMT
test set) are paired by translation group, and every pair is printed.

A's document is the source side. Documents whose paragraphs all carry source ids (TED/WMT
segments, TMX units) are paired by those ids; --text ignores them and aligns from the text.

output:
  --tsv    (default) one line per sentence link: type, confidence, source sentence(s), target
           sentence(s); several sentences of one side are joined with " | ". A line
           "# SOURCE-ID -> TARGET-ID (METHOD)" starts each pair.
  --json   the alignment object(s): source_id, target_id, languages, method, the sentences of
           both sides (paragraph, begin, end in code points, text) and the paragraph and sentence
           links [{src, tgt, type, confidence}]; an array when there are several pairs
)HELP";

std::string clean(std::string s) {
  for (char& c : s)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return s;
}

void print_tsv(const Alignment& a, const Document& src, const Document& tgt) {
  std::ostringstream low;
  low << std::fixed << std::setprecision(1) << 100 * low_confidence_share(a);
  std::cout << "# " << a.source_id << " -> " << a.target_id << " (" << a.method << "; " << low.str()
            << "% of links below confidence " << kLowConfidence << ")\n";
  auto side = [](const std::vector<int>& ids, const std::vector<SentenceRef>& refs, const Document& d) {
    std::string out;
    for (int k : ids) {
      if (!out.empty()) out += " | ";
      out += clean(sentence_text(d, refs[static_cast<std::size_t>(k)]));
    }
    return out;
  };
  for (const auto& l : a.sentence_links) {
    std::ostringstream conf;
    conf << std::fixed << std::setprecision(3) << l.confidence;
    std::cout << l.type() << '\t' << conf.str() << '\t' << side(l.src, a.source_sentences, src) << '\t'
              << side(l.tgt, a.target_sentences, tgt) << '\n';
  }
}

struct Aligned {
  Alignment alignment;
  Document source, target;
  std::string lexicon;  // which lexicon the alignment used (ArchiveModels::lexicon_label)
};

Poco::JSON::Object::Ptr aligned_json(const Aligned& r) {
  Poco::JSON::Object::Ptr o = alignment_to_object(r.alignment, &r.source, &r.target);
  o->set("lexicon", r.lexicon);
  return o;
}

// Pairs the documents of two files: one each, or by translation group.
std::vector<std::pair<Document, Document>> pair_files(std::vector<Document> a, std::vector<Document> b,
                                                      const std::string& path_a, const std::string& path_b) {
  std::vector<std::pair<Document, Document>> out;
  if (a.size() == 1 && b.size() == 1) {
    out.emplace_back(std::move(a[0]), std::move(b[0]));
    return out;
  }
  std::map<std::string, Document*> by_group;
  for (auto& d : b) by_group.emplace(d.translation_group, &d);
  for (auto& d : a) {
    auto it = by_group.find(d.translation_group);
    if (it != by_group.end() && it->second->id != d.id) out.emplace_back(d, *it->second);
  }
  if (out.empty())
    throw UserError("bad_parameter", path_a + " and " + path_b + " hold " + std::to_string(a.size()) +
                                         " and " + std::to_string(b.size()) +
                                         " documents with no translation group in common: nothing to align");
  return out;
}

}  // namespace

int cmd_align(const Global& g, const std::vector<std::string>& argv) {
  Args a = parse(argv, {}, {"help", "json", "tsv", "text"});
  if (a.has("help")) {
    std::cout << kHelp;
    return kOk;
  }
  if (a.positional.size() != 2)
    throw UsageError("align takes two files or two document ids (see tongwen align --help)");
  if (a.has("json") && a.has("tsv")) throw UsageError("--json and --tsv exclude each other");
  Settings s = settings(g);
  std::shared_ptr<const Lexicon> glossary = alignment_lexicon(Glossary::configured(s));
  const std::string& A = a.positional[0];
  const std::string& B = a.positional[1];

  // The archive's models, whenever there is an index (--data or the default data folder).
  bool have_index = Poco::File(s.index_dir()).exists();
  stored::Archive db;
  ArchiveModels models;
  if (have_index) {
    try {
      db = stored::open_archive(s.index_dir(), s);
      models = ArchiveModels::read(db);
    } catch (const Xapian::Error& e) {
      throw EnvironmentError("index", "cannot open index " + s.index_dir() + ": " + e.get_description());
    }
  }
  models.set_dictionary(alignment_dictionary(s));  // for language pairs the archive has no table for

  std::vector<Aligned> results;
  bool files =
      Poco::File(A).exists() && Poco::File(B).exists() && Poco::File(A).isFile() && Poco::File(B).isFile();
  if (files) {
    ConvertOptions opt;
    opt.limits = ConvertLimits::from(s);
    auto pairs = pair_files(convert_file(A, opt).documents, convert_file(B, opt).documents, A, B);
    for (auto& [src, tgt] : pairs) {
      AlignOptions ao = models.options(src, tgt, glossary.get());
      ao.ignore_anchors = a.has("text");
      std::string lexicon = models.lexicon_label(src, tgt);
      results.push_back(Aligned{align_documents(src, tgt, ao), std::move(src), std::move(tgt), lexicon});
    }
  } else {
    if (!have_index)
      throw UserError("not_found", "\"" + A + "\" and \"" + B +
                                       "\" are not both files, and there is no index at " + s.index_dir() +
                                       " to look them up as document ids");
    auto load = [&](const std::string& id) {
      auto doc = stored::load(db.db(), id);
      if (!doc) throw UserError("not_found", "no file and no indexed document named \"" + id + "\"");
      return std::move(*doc);
    };
    Document src = load(A), tgt = load(B);
    std::optional<Alignment> stored = a.has("text") ? std::nullopt : stored::alignment(db, A, B);
    Alignment al;
    std::string lexicon = models.lexicon_label(src, tgt);
    if (stored) {
      al = *stored;
      lexicon = "stored at ingest";
    } else {
      AlignOptions ao = models.options(src, tgt, glossary.get());
      ao.ignore_anchors = a.has("text");
      al = align_documents(src, tgt, ao);
    }
    results.push_back(Aligned{std::move(al), std::move(src), std::move(tgt), lexicon});
  }
  for (const auto& r : results) {
    std::cerr << "lexicon: " << r.lexicon;
    if (results.size() > 1) std::cerr << " (" << r.source.id << " -> " << r.target.id << ")";
    // What to check first: the share of links the aligner is unsure of.
    std::size_t low = 0;
    for (const auto& l : r.alignment.sentence_links) low += l.confidence < kLowConfidence;
    std::cerr << "; " << low << " of " << r.alignment.sentence_links.size() << " links below confidence "
              << kLowConfidence << "\n";
  }

  if (a.has("json")) {
    if (results.size() == 1) {
      std::cout << json_text(aligned_json(results[0]), true) << "\n";
    } else {
      Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
      for (const auto& r : results) arr->add(aligned_json(r));
      std::cout << json_text(arr, true) << "\n";
    }
  } else {
    for (const auto& r : results) print_tsv(r.alignment, r.source, r.target);
  }
  return kOk;
}

}  // namespace tongwen::cli
