// The two alignment paths for texts that are not in the index, as a translator uses them:
// `tongwen align A B` (with an archive at hand and without one) and POST /api/align against a
// real `tongwen serve`. Both must use the archive's lexicon when there is one, and say which.
#include <boost/test/unit_test.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <set>

#include "fixtures.h"
#include "serve.h"
#include "tongwen/alignment.h"

using namespace tongwen;
using tongwen::test::run_tongwen;
using tongwen::test::TempDir;

namespace {

// A data folder loaded with `paths`, plus copies of one bundled speech's two versions outside it
// (so `align` takes them as files, not ids).
struct Archive {
  TempDir dir;
  std::string data, en, zh;
  explicit Archive(const std::vector<std::string>& paths) {
    data = dir / "data";
    std::vector<std::string> args = {"ingest", "--data", data};
    args.insert(args.end(), paths.begin(), paths.end());
    auto r = run_tongwen(args);
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    en = dir.write("draft/speech.en.txt", test::read(test::corpus_dir() + "/2021/liu-belt-road.en.txt"));
    zh = dir.write("draft/speech.zh.txt", test::read(test::corpus_dir() + "/2021/liu-belt-road.zh.txt"));
  }
};

// The bundled corpus and 8 TED talks (IWSLT15 dev2010): their segment ids give the archive
// anchored Chinese-English pairs, from which it learns its translation table.
Archive& with_table() {
  static Archive a({test::corpus_dir(),
                    test::corpus_real() + "/iwslt-ted-zh-en/iwslt15/IWSLT15.TED.dev2010.zh-en.zh.xml",
                    test::corpus_real() + "/iwslt-ted-zh-en/iwslt15/IWSLT15.TED.dev2010.zh-en.en.xml"});
  return a;
}

Poco::JSON::Object::Ptr parse(const std::string& s) {
  return Poco::JSON::Parser().parse(s).extract<Poco::JSON::Object::Ptr>();
}

// Paragraph bodies of a corpus file: the text after its header block (up to the first blank line).
std::string body_of(const std::string& path) {
  std::string all = test::read(path);
  auto end = all.find("\n\n");
  return end == std::string::npos ? all : all.substr(end + 2);
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20) {
      out += ' ';
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// Links (or rows) whose confidence is below kLowConfidence.
std::size_t below_low_confidence(const Poco::JSON::Array::Ptr& links) {
  std::size_t low = 0;
  for (std::size_t i = 0; i < links->size(); ++i)
    low += links->getObject(static_cast<unsigned>(i))->getValue<double>("confidence") < kLowConfidence;
  return low;
}

}  // namespace

BOOST_AUTO_TEST_CASE(file_to_file_alignment_uses_the_archive_lexicon_when_there_is_an_index,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  Archive& a = with_table();
  auto with = run_tongwen({"align", "--data", a.data, a.en, a.zh, "--json"});
  BOOST_REQUIRE_MESSAGE(with.exit_code == 0, with.err);
  BOOST_TEST(with.err.find("lexicon: archive (") != std::string::npos, with.err);
  auto o = parse(with.out);
  std::string label = o->getValue<std::string>("lexicon");
  BOOST_TEST(label.rfind("archive (", 0) == 0, label);
  // The share of low-confidence links: the JSON's figure is the links' own, and stderr counts them.
  {
    auto links = o->getArray("sentence_links");
    BOOST_REQUIRE(links->size() > 0u);
    std::size_t low = below_low_confidence(links);
    BOOST_TEST(o->getValue<double>("low_confidence") == double(low) / double(links->size()),
               boost::test_tools::tolerance(1e-9));
    std::string summary =
        "; " + std::to_string(low) + " of " + std::to_string(links->size()) + " links below confidence 0.5";
    BOOST_TEST(with.err.find(summary) != std::string::npos, with.err);
  }
  // "archive (N pairs)" with N > 0: the table learned from the bundled corpus's aligned versions.
  BOOST_TEST(std::stoi(label.substr(9)) > 0, label);

  TempDir empty;
  auto without =
      run_tongwen({"--set", "align.dictionary=", "align", "--data", empty / "none", a.en, a.zh, "--json"});
  BOOST_REQUIRE_MESSAGE(without.exit_code == 0, without.err);
  BOOST_TEST(without.err.find("lexicon: glossary only") != std::string::npos, without.err);
  BOOST_TEST(parse(without.out)->getValue<std::string>("lexicon") == "glossary only");
  // --data changes what the aligner knows, so it changes the output (before, it was ignored and
  // the two outputs were byte-identical).
  BOOST_TEST(with.out != without.out);
}

BOOST_AUTO_TEST_CASE(post_api_align_answers_the_parallel_view_without_a_token,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  Archive& a = with_table();
  test::Serve serve(a.data, {"server.max_upload_mb=1"}, {{"TONGWEN_TOKEN", "t0ken-for-writes"}});
  std::string en = body_of(a.en), zh = body_of(a.zh);
  std::string body = "{\"a\":{\"text\":" + json_string(en) +
                     ",\"lang\":\"en\"},\"b\":{\"text\":" + json_string(zh) + ",\"lang\":\"zh-Hans\"}}";
  auto r = serve.request("POST", "/api/align", body, "", "application/json");
  BOOST_REQUIRE_MESSAGE(r.status == 200, r.body.substr(0, 300));
  auto o = parse(r.body);
  BOOST_TEST(o->getValue<std::string>("lexicon").rfind("archive (", 0) == 0, r.body.substr(0, 200));
  auto rows = o->getArray("rows");
  BOOST_REQUIRE(rows->size() > 0u);
  BOOST_TEST(
      o->getValue<double>("low_confidence") == double(below_low_confidence(rows)) / double(rows->size()),
      boost::test_tools::tolerance(1e-9));
  // Every sentence of both texts is in exactly one row, in the order of the texts.
  std::string joined_en, joined_zh;
  for (std::size_t i = 0; i < rows->size(); ++i) {
    auto row = rows->getObject(static_cast<unsigned>(i));
    for (const auto& s : *row->getArray("source")) joined_en += s.toString();
    for (const auto& s : *row->getArray("target")) joined_zh += s.toString();
  }
  auto squeeze = [](const std::string& s) {
    std::string out;
    for (char c : s)
      if (c != ' ' && c != '\n' && c != '\t') out += c;
    return out;
  };
  BOOST_TEST(squeeze(joined_en) == squeeze(en));
  BOOST_TEST(squeeze(joined_zh) == squeeze(zh));

  // Bounded by server.max_upload_mb: 413 in the JSON error shape, nothing else broken.
  std::string big = "{\"a\":{\"text\":\"" + std::string(1200000, 'x') + "\"},\"b\":{\"text\":\"y\"}}";
  auto too_big = serve.request("POST", "/api/align", big, "", "application/json");
  BOOST_TEST(too_big.status == 413);
  BOOST_TEST(test::error_code(too_big) == "too_large");
  // Malformed bodies are 400s naming the problem; GET is not allowed.
  auto bad = serve.request("POST", "/api/align", "{\"a\":{\"text\":\"x\"}}", "", "application/json");
  BOOST_TEST(bad.status == 400);
  BOOST_TEST(bad.body.find("\\\"b\\\"") != std::string::npos, bad.body);
  BOOST_TEST(serve.get("/api/align").status == 405);
  BOOST_TEST(serve.get("/healthz").status == 200);
}

BOOST_AUTO_TEST_CASE(an_archive_without_anchored_pairs_says_glossary_only) {
  // The bundled corpus alone: its versions are aligned by length and anchors, not by segment ids,
  // so there is no learned table (fewer than 200 anchored pairs), and `align` says so.
  Archive a({test::corpus_dir()});
  auto r = run_tongwen({"--set", "align.dictionary=", "align", "--data", a.data, a.en, a.zh, "--json"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  BOOST_TEST(r.err.find("lexicon: glossary only") != std::string::npos, r.err);
  BOOST_TEST(parse(r.out)->getValue<std::string>("lexicon") == "glossary only");
}

BOOST_AUTO_TEST_CASE(without_a_table_the_dictionary_is_used_and_named) {
  // A dictionary in the form scripts/setup writes from CC-CEDICT, hand-made for the bundled speech:
  // with no archive at all, `align` falls back on it and says so; its output is not the
  // glossary-only one. A dictionary set but missing stops the command, naming the key.
  TempDir tmp;
  std::string dict =
      tmp.write("dict.tsv",
                "# test dictionary\n合作\tcooperation/to cooperate\n发展\tdevelopment/to develop\n"
                "经济\teconomy/economic\n世界\tworld\n和平\tpeace\n国家\tcountry; nation\n"
                "人民\tthe people\n共同\tcommon; joint\n倡议\tinitiative\n机遇\topportunity\n"
                "吃\tvariant of 喫[chi1]\n");
  std::string en =
      tmp.write("draft/speech.en.txt", test::read(test::corpus_dir() + "/2021/liu-belt-road.en.txt"));
  std::string zh =
      tmp.write("draft/speech.zh.txt", test::read(test::corpus_dir() + "/2021/liu-belt-road.zh.txt"));
  struct {
    std::string en, zh;
  } a{en, zh};
  auto with = run_tongwen(
      {"--set", "align.dictionary=" + dict, "align", "--data", tmp / "none", a.en, a.zh, "--json"});
  BOOST_REQUIRE_MESSAGE(with.exit_code == 0, with.err);
  // Ten words with translations; the pointer-only entry (吃: a variant) adds none.
  BOOST_TEST(with.err.find("lexicon: glossary + dictionary (13 pairs)") != std::string::npos, with.err);
  BOOST_TEST(parse(with.out)->getValue<std::string>("lexicon") == "glossary + dictionary (13 pairs)");
  auto without =
      run_tongwen({"--set", "align.dictionary=", "align", "--data", tmp / "none", a.en, a.zh, "--json"});
  BOOST_REQUIRE_MESSAGE(without.exit_code == 0, without.err);
  BOOST_TEST(parse(without.out)->getValue<std::string>("lexicon") == "glossary only");
  BOOST_TEST(with.out != without.out);
  auto missing = run_tongwen(
      {"--set", "align.dictionary=" + (tmp / "no-such.tsv"), "align", "--data", tmp / "none", a.en, a.zh});
  BOOST_TEST(missing.exit_code == 2, missing.err);
  BOOST_TEST(
      missing.err.find("align.dictionary = " + (tmp / "no-such.tsv") + ": no such file") != std::string::npos,
      missing.err);
}
