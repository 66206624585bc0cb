// Alignment quality, measured on real parallel data that comes aligned segment by segment: the 58
// IWSLT TED talks (zh <-> en) and the 305 WMT22 general-test documents (zh source <-> English
// reference A; 257 documents have that reference) in ../shared/corpus-real.
//
// The experiment. The segment ids are the gold alignment; we take that alignment away:
//   1. Each side's segments are trimmed and joined with one space into running paragraphs of 3 to
//      8 segments, cut at random points chosen independently for each side (std::mt19937 seeded
//      with 20261125; so paragraph ends do not match across the sides).
//   2. 5% of the English segments are dropped at random (same generator).
//   3. The two texts (no anchors: every Paragraph::anchor is empty) are aligned from the raw text
//      with align_documents(), zh as source.
// Scoring. Every predicted sentence (a SentenceRef span) maps to the segment(s) whose character
// span in its paragraph it overlaps (at least one code point in common). A predicted link between
// sentence groups yields the cross product of its source sentences' segments and its target
// sentences' segments as predicted pairs (a 1-0 or 0-1 link yields none); pairs are a set.
// Gold pairs are (i, i) for every segment id kept, with text, on both sides; a dropped segment
// gives no gold pair. Precision = |predicted ∩ gold| / |predicted|, recall = |predicted ∩ gold| /
// |gold|, F1 their harmonic mean, summed over all documents of a source (micro average).
// Every path is measured: see the bars below. The anchored
// alignment of the untouched pairs (paragraphs = segments, anchors = seg ids) must score F1 = 1.
//
// The test prints precision, recall and F1 per source, and the ten worst predicted links of each
// (most wrong pairs, then lowest confidence) with their text.
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <xapian.h>

#include "fixtures.h"
#include "realign.h"
#include "serve.h"
#include "tongwen/align.h"
#include "tongwen/config.h"
#include "tongwen/converter.h"
#include "tongwen/errors.h"
#include "tongwen/glossary.h"
#include "tongwen/json.h"
#include "tongwen/schema.h"
#include "tongwen/text.h"

namespace {

using namespace tongwen;

using namespace tongwen::test::realign;

// The paths by which two versions get aligned, each measured on the same texts:
//   by id       two indexed documents: align_documents with the archive's models and the glossary
//               (what the commit hook stores and `tongwen align ID ID` computes);
//   files+arch  `tongwen align A.txt B.txt` with an index at hand: the text converter, then the
//               models ArchiveModels::read() finds in that index, and the glossary;
//   files       the same without any index: the glossary only;
//   http        POST /api/align with the two texts to `tongwen serve` on that index (the first
//               fold's documents only: the server runs the same aligner as the file path).
//   dict        the same with the dictionary (align.dictionary, CC-CEDICT) as well, when installed.
enum PathKind {
  kById = 0,
  kFilesArchive = 1,
  kFilesGlossary = 2,
  kHttp = 3,
  kFilesDictionary = 4,
  kPaths = 5
};
const char* const kPathNames[kPaths] = {"by id", "file to file with archive", "file to file, glossary only",
                                        "HTTP POST /api/align (first fold)",
                                        "file to file, glossary + dictionary"};

struct Result {
  Score path[kPaths];
  std::map<std::string, Score> kind[kPaths];  // by kind of document (WMT: news, conversation, ...)
  Score anchored;
  std::size_t skipped = 0;  // pairs with an empty side (no gold pair): a clear error on every path
  std::size_t tiny = 0, tiny_pairs = 0;  // documents of 1-2 segments per side, pairs found without lexicon
  bool dictionary = false;               // the dictionary path was measured (align.dictionary installed)
};

// An archive as the indexer leaves it for alignment: a data folder whose index has the schema
// version, the learned translation table and the length statistics of the training pairs (as
// anchored 1-1 paragraph links contribute them), and no documents.
void write_archive(const std::string& data, const std::vector<std::pair<std::string, std::string>>& train) {
  Poco::File(data).createDirectories();
  Xapian::WritableDatabase db(data + "/index", Xapian::DB_CREATE_OR_OPEN);
  db.set_metadata(std::string(schema::kSchemaVersionKey), std::string(schema::kSchemaVersion));
  db.set_metadata(translation_table_key("en", "zh"), TranslationTable::learn(train).serialise());
  LengthStats st;  // oriented as LengthStats::key orders the pair: en, zh
  for (const auto& [zh, en] : train) {
    double x = static_cast<double>(alignment_length(en)), y = static_cast<double>(alignment_length(zh));
    if (x > 0 && y > 0) st.add(x, y);
  }
  db.set_metadata(LengthStats::key("en", "zh"), st.serialise());
  db.commit();
}

// A document as a plain-text file: a header with its title, then its paragraphs between blank lines.
std::string as_text_file(const Document& d) {
  std::string out = "title: " + d.id + "\nlang: " + d.lang + "\n\n";
  for (const auto& p : d.paragraphs) out += p.text + "\n\n";
  return out;
}

// The converted file's document, and the gold spans moved onto its text. The text converter keeps
// every paragraph but may take a speaker label off its start (WMT e-commerce titles begin with
// "【shop name】"): then the paragraph is the built one's tail and the spans shift by the cut.
std::pair<Document, Built> converted(const std::string& path, const Built& built) {
  auto docs = convert_file(path, ConvertOptions{}).documents;
  BOOST_REQUIRE_EQUAL(docs.size(), 1u);
  Built out{docs[0], {}};
  out.doc.id = built.doc.id;
  BOOST_REQUIRE_EQUAL(out.doc.paragraphs.size(), built.doc.paragraphs.size());
  for (std::size_t k = 0; k < out.doc.paragraphs.size(); ++k) {
    const std::string &got = out.doc.paragraphs[k].text, &want = built.doc.paragraphs[k].text;
    bool tail = got.size() <= want.size() && want.compare(want.size() - got.size(), got.size(), got) == 0;
    BOOST_REQUIRE_MESSAGE(tail, path << " paragraph " << k << " changed in conversion: " << got);
    auto cut = static_cast<std::uint32_t>(text::code_point_count(want.substr(0, want.size() - got.size())));
    auto it = built.spans.find(static_cast<int>(k));
    if (it == built.spans.end()) continue;
    for (const auto& [begin, end, sid] : it->second)
      if (end > cut) out.spans[static_cast<int>(k)].emplace_back(std::max(begin, cut) - cut, end - cut, sid);
  }
  return {out.doc, out};
}

// POST /api/align's rows back into an Alignment over the built documents: each row's sentences are
// found in their paragraphs in order.
Alignment from_rows(const std::string& body, const Built& zh, const Built& en, std::string& lexicon) {
  Poco::JSON::Parser parser;
  auto o = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
  lexicon = o->getValue<std::string>("lexicon");
  Alignment a;
  std::map<int, std::size_t> cursor_s, cursor_t;
  auto locate = [](const Document& d, int para, const std::string& sentence,
                   std::map<int, std::size_t>& cursor) {
    const std::string& text = d.paragraphs[static_cast<std::size_t>(para)].text;
    std::size_t at = text.find(sentence, cursor[para]);
    BOOST_REQUIRE_MESSAGE(at != std::string::npos, "sentence not in its paragraph: " << sentence);
    cursor[para] = at + sentence.size();
    auto b = static_cast<std::uint32_t>(text::code_point_count(text.substr(0, at)));
    return SentenceRef{para, b, b + static_cast<std::uint32_t>(text::code_point_count(sentence))};
  };
  auto rows = o->getArray("rows");
  for (std::size_t r = 0; r < rows->size(); ++r) {
    auto row = rows->getObject(static_cast<unsigned>(r));
    Link l;
    auto side = [&](const char* texts, const char* paras, const Built& b, std::vector<SentenceRef>& refs,
                    std::vector<int>& ids, std::map<int, std::size_t>& cursor) {
      auto t = row->getArray(texts);
      auto p = row->getArray(paras);
      for (std::size_t k = 0; k < t->size(); ++k) {
        ids.push_back(static_cast<int>(refs.size()));
        refs.push_back(locate(b.doc, p->getElement<int>(static_cast<unsigned>(k)),
                              t->getElement<std::string>(static_cast<unsigned>(k)), cursor));
      }
    };
    side("source", "source_paragraphs", zh, a.source_sentences, l.src, cursor_s);
    side("target", "target_paragraphs", en, a.target_sentences, l.tgt, cursor_t);
    l.confidence = row->getValue<double>("confidence");
    a.sentence_links.push_back(std::move(l));
  }
  return a;
}

std::string http_body(const Document& zh, const Document& en) {
  auto side = [](const Document& d) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    std::string t;
    for (const auto& p : d.paragraphs) t += p.text + "\n\n";
    o->set("text", t);
    o->set("lang", d.lang);
    return o;
  };
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("a", side(zh));
  o->set("b", side(en));
  return json_text(o, false);
}

// A pair with an empty side: the text file holds no text (the converter's error names the file),
// and POST /api/align answers 400 naming the side; by id, the other side's units all stay unlinked.
void empty_side(test::TempDir& tmp, const std::string& name, const Built& zh, const Built& en,
                test::Serve& serve) {
  const Built& empty = zh.doc.paragraphs.empty() ? zh : en;
  std::string path = tmp.write(name + "-empty.txt", as_text_file(empty.doc));
  try {
    convert_file(path, ConvertOptions{});
    BOOST_ERROR(path << " converted although it holds no text");
  } catch (const ConvertError& e) {
    BOOST_TEST(std::string(e.what()).find(path) != std::string::npos, e.what());
    BOOST_TEST(std::string(e.what()).find("no text") != std::string::npos, e.what());
  }
  auto reply = serve.request("POST", "/api/align", http_body(zh.doc, en.doc), "", "application/json");
  BOOST_TEST(reply.status == 400, reply.status << " " << reply.body);
  BOOST_TEST(test::error_code(reply) == "bad_parameter", reply.body);
  BOOST_TEST(
      reply.body.find(zh.doc.paragraphs.empty() ? "a has no text" : "b has no text") != std::string::npos,
      reply.body);
  Alignment a = align_documents(zh.doc, en.doc);
  for (const auto& l : a.sentence_links)
    BOOST_TEST((l.src.empty() || l.tgt.empty()), name << ": a link to nothing");
}

Result run(const std::string& source, const std::vector<Pair>& pairs,
           const std::vector<std::pair<std::string, std::string>>& other_archive,
           const std::function<std::string(const std::string&)>& kind_of) {
  Result r;
  auto glossary = alignment_lexicon(
      std::make_shared<const Glossary>(Glossary::load(test::config_dir() + "/glossary.tsv")));
  // The archive that teaches the aligner: the other source plus the other folds of this one
  // (kFolds folds by document position), never the document being aligned. One data folder each.
  test::TempDir tmp;
  std::vector<ArchiveModels> models(kFolds);
  for (int fold = 0; fold < static_cast<int>(kFolds); ++fold) {
    auto train = other_archive;
    auto own = training(pairs, fold);
    train.insert(train.end(), own.begin(), own.end());
    std::string data = tmp / ("archive" + std::to_string(fold));
    write_archive(data, train);
    models[static_cast<std::size_t>(fold)] = ArchiveModels::read(Xapian::Database(data + "/index"));
  }
  std::vector<BadLink> bad[kPaths], bad_anchored;
  std::mt19937 rng(20261125);
  for (const auto& p : pairs) {
    Built zh = anchored(p.name + "-zh", "zh-Hans", p.zh), en = anchored(p.name + "-en", "en", p.en);
    score(p.name, zh, en, align_documents(zh.doc, en.doc), r.anchored, bad_anchored);
  }
  std::vector<Built> zhs, ens;
  for (const auto& p : pairs) {
    zhs.push_back(joined(p.name + "-zh", "zh-Hans", p.zh, rng, 0.0));
    ens.push_back(joined(p.name + "-en", "en", p.en, rng, 0.05));
  }
  ArchiveModels none, dictionary;
  dictionary.set_dictionary(alignment_dictionary(Settings{}));
  const bool have_dictionary = dictionary.lexicon_label(zhs[0].doc, ens[0].doc) != "glossary only";
  if (!have_dictionary)
    BOOST_TEST_MESSAGE(source << ": no dictionary at " << Settings{}.align.dictionary
                              << " (scripts/setup installs it): its path is not measured");
  auto add = [&](PathKind path, std::size_t k, const Alignment& a, const Built* zb = nullptr,
                 const Built* eb = nullptr) {
    Score one;
    score(pairs[k].name, zb ? *zb : zhs[k], eb ? *eb : ens[k], a, one, bad[path]);
    for (Score* s : {&r.path[path], &r.kind[path][kind_of(pairs[k].name)]}) {
      s->predicted += one.predicted;
      s->gold += one.gold;
      s->correct += one.correct;
    }
  };
  double seconds[kPaths] = {0, 0, 0, 0, 0};
  std::vector<std::string> skipped;
  for (int fold = 0; fold < static_cast<int>(kFolds); ++fold) {
    const ArchiveModels& m = models[static_cast<std::size_t>(fold)];
    std::string data = tmp / ("archive" + std::to_string(fold));
    test::Serve serve(data, {"search.glossary=" + test::config_dir() + "/glossary.tsv"});
    for (std::size_t k = static_cast<std::size_t>(fold); k < pairs.size(); k += kFolds) {
      const Built &zh = zhs[k], &en = ens[k];
      if (zh.doc.paragraphs.empty() || en.doc.paragraphs.empty()) {
        // A one-segment document whose only English segment was dropped: nothing to align, and
        // every path says so, naming the empty side, instead of aligning against nothing.
        empty_side(tmp, pairs[k].name, zh, en, serve);
        skipped.push_back(pairs[k].name);
        continue;
      }
      auto timed = [&](PathKind path, auto&& f) {
        auto started = std::chrono::steady_clock::now();
        f();
        seconds[path] += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      };
      timed(kById, [&] {
        AlignOptions opt = m.options(zh.doc, en.doc, glossary.get());
        opt.ignore_anchors = true;
        add(kById, k, align_documents(zh.doc, en.doc, opt));
      });
      if (zh.doc.paragraphs.size() == 1 && en.doc.paragraphs.size() == 1 && pairs[k].zh.size() <= 2 &&
          pairs[k].en.size() <= 2) {
        // A document of one or two sentences per side loses no pair that the aligner without any
        // lexicon finds: the chance level must not take the true pair's lexical evidence away.
        AlignOptions plain, full = m.options(zh.doc, en.doc, glossary.get());
        plain.ignore_anchors = full.ignore_anchors = true;
        std::set<std::string> without, with;
        Score ignored;
        std::vector<BadLink> ignored_bad;
        score(pairs[k].name, zh, en, align_documents(zh.doc, en.doc, plain), ignored, ignored_bad, &without);
        score(pairs[k].name, zh, en, align_documents(zh.doc, en.doc, full), ignored, ignored_bad, &with);
        for (const auto& id : without)
          BOOST_TEST(with.count(id) == 1u, pairs[k].name << ": the archive's lexicon loses pair " << id);
        if (have_dictionary) {
          AlignOptions dict = dictionary.options(zh.doc, en.doc, glossary.get());
          dict.ignore_anchors = true;
          std::set<std::string> with_dict;
          score(pairs[k].name, zh, en, align_documents(zh.doc, en.doc, dict), ignored, ignored_bad,
                &with_dict);
          for (const auto& id : without)
            BOOST_TEST(with_dict.count(id) == 1u, pairs[k].name << ": the dictionary loses pair " << id);
        }
        ++r.tiny;
        r.tiny_pairs += without.size();
      }
      std::string fa = tmp.write(pairs[k].name + "-zh.txt", as_text_file(zh.doc));
      std::string fb = tmp.write(pairs[k].name + "-en.txt", as_text_file(en.doc));
      auto zc = converted(fa, zh), ec = converted(fb, en);
      const Document &za = zc.first, &eb = ec.first;
      const Built &zf = zc.second, &ef = ec.second;
      timed(kFilesArchive, [&] {
        BOOST_TEST(m.lexicon_label(za, eb).rfind("archive (", 0) == 0);
        add(kFilesArchive, k, align_documents(za, eb, m.options(za, eb, glossary.get())), &zf, &ef);
      });
      timed(kFilesGlossary, [&] {
        BOOST_TEST(none.lexicon_label(za, eb) == "glossary only");
        add(kFilesGlossary, k, align_documents(za, eb, none.options(za, eb, glossary.get())), &zf, &ef);
      });
      if (have_dictionary)
        timed(kFilesDictionary, [&] {
          BOOST_TEST(dictionary.lexicon_label(za, eb).rfind("glossary + dictionary (", 0) == 0);
          add(kFilesDictionary, k, align_documents(za, eb, dictionary.options(za, eb, glossary.get())), &zf,
              &ef);
        });
      // The server aligns as the file path does (its own text splitter aside): one fold is enough.
      if (fold == 0)
        timed(kHttp, [&] {
          auto reply = serve.request("POST", "/api/align", http_body(zh.doc, en.doc), "", "application/json");
          BOOST_REQUIRE_MESSAGE(reply.status == 200, reply.status << " " << reply.body);
          std::string lexicon;
          add(kHttp, k, from_rows(reply.body, zh, en, lexicon));
          BOOST_TEST(lexicon.rfind("archive (", 0) == 0);
        });
    }
  }
  std::string names;
  for (const auto& n : skipped) names += " " + n;
  BOOST_TEST_MESSAGE(source << ": " << skipped.size()
                            << " pairs skipped, one side empty after the drop:" << names);
  r.skipped = skipped.size();
  r.dictionary = have_dictionary;
  BOOST_TEST_MESSAGE(
      source << ": " << r.tiny << " documents of 1-2 segments per side, " << r.tiny_pairs
             << " pairs found without a lexicon, all kept with the archive's (and the dictionary's)");
  report(source + " anchored", r.anchored, bad_anchored, 0);
  for (int path = 0; path < kPaths; ++path) {
    report(source + " realigned from text, " + kPathNames[path], r.path[path], bad[path], seconds[path]);
    for (const auto& [kind, sc] : r.kind[path])
      BOOST_TEST_MESSAGE("  " << source << " " << kind << ", " << kPathNames[path] << ": F1 " << sc.f1()
                              << " (" << sc.gold << " gold pairs)");
  }
  return r;
}

std::string wmt_kind(const std::string& id) {
  if (id.find("CLIENT") != std::string::npos) return "conversation";
  if (id.rfind("ecommerce", 0) == 0) return "e-commerce";
  if (id.rfind("social", 0) == 0) return "social";
  return "news";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(alignment_quality, *boost::unit_test::precondition(test::NeedsCorpusReal()))

// Bars: what every path meets today, a little under the measured figure (the data and the random
// cuts are fixed, so the figures are exact). Measured (issue 14's targets in brackets): TED by id
// and file to file with archive 0.9534 [0.97], HTTP on the first fold 0.9374, glossary only 0.8118
// [0.90]; WMT by id 0.9400 and file to file with archive 0.9395 [0.95], HTTP on the first fold
// 0.9390, glossary only 0.8964 [0.93]; WMT conversational 0.9572 by id and with archive [0.93].
// With the dictionary (align.dictionary, CC-CEDICT) and no archive: TED 0.9569, WMT 0.9409 (WMT
// conversational 0.9527); without it installed (scripts/setup installs it) that path is not measured.
BOOST_AUTO_TEST_CASE(ted_talks_realign_on_every_path) {
  auto pairs = ted_pairs();
  BOOST_TEST(pairs.size() == 58u);
  Result r = run("TED", pairs, training(wmt_pairs(), -1), [](const std::string&) { return "talk"; });
  BOOST_TEST(r.anchored.f1() == 1.0);
  BOOST_TEST(r.path[kById].f1() >= 0.95);
  BOOST_TEST(r.path[kFilesArchive].f1() >= 0.95);
  BOOST_TEST(r.path[kHttp].f1() >= 0.93);
  BOOST_TEST(r.path[kFilesGlossary].f1() >= 0.81);
  if (r.dictionary) BOOST_TEST(r.path[kFilesDictionary].f1() >= 0.95);
  // The archive's lexicon is what lifts the file path: without it F1 drops by a sixth.
  BOOST_TEST(r.path[kFilesArchive].f1() > r.path[kFilesGlossary].f1() + 0.1);
}

BOOST_AUTO_TEST_CASE(wmt_documents_realign_on_every_path) {
  auto pairs = wmt_pairs();
  BOOST_TEST(pairs.size() == 257u);
  Result r = run("WMT", pairs, training(ted_pairs(), -1), wmt_kind);
  BOOST_TEST(r.anchored.f1() == 1.0);
  // Six one-segment conversations lose their only English segment to the 5% drop.
  BOOST_TEST(r.skipped == 6u);
  // The tiny-document check (no pair lost that the aligner without a lexicon finds) ran on the
  // one- and two-segment conversations.
  BOOST_TEST(r.tiny >= 100u);
  BOOST_TEST(r.path[kById].f1() >= 0.935);
  BOOST_TEST(r.path[kFilesArchive].f1() >= 0.935);
  BOOST_TEST(r.path[kHttp].f1() >= 0.935);
  BOOST_TEST(r.path[kFilesGlossary].f1() >= 0.89);
  if (r.dictionary) {
    BOOST_TEST(r.path[kFilesDictionary].f1() >= 0.935);
    BOOST_TEST(r.kind[kFilesDictionary]["conversation"].f1() >= 0.95);
  }
  BOOST_TEST(r.kind[kById]["conversation"].f1() >= 0.95);
  BOOST_TEST(r.kind[kFilesArchive]["conversation"].f1() >= 0.95);
}

BOOST_AUTO_TEST_SUITE_END()
