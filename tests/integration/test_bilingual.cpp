// The translator's side on corpus/ (and TED where present): parallel view from the alignments
// stored at ingest, the bilingual concordance with the likely translation marked, TMX export and
// its round trip through the TMX converter, and the three HTTP endpoints.
#include <boost/test/unit_test.hpp>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <map>
#include <set>

#include "fixtures.h"
#include "tongwen/bilingual.h"
#include "tongwen/converter.h"
#include "tongwen/errors.h"
#include "tongwen/http_server.h"
#include "tongwen/ingest.h"
#include "tongwen/search.h"

using namespace tongwen;

namespace {

struct Fixture {
  test::TempDir dir;
  Settings settings;
  std::unique_ptr<SearchService> search;
  std::unique_ptr<BilingualService> bilingual;
  explicit Fixture(const std::vector<std::string>& paths) {
    settings.data_dir = dir.path();
    settings.server.port = 0;
    settings.search.glossary = test::config_dir() + "/glossary.tsv";
    IngestOptions opt;
    opt.paths = paths;
    auto sum = ingest(settings, opt, nullptr);
    BOOST_REQUIRE_EQUAL(sum.failed(), 0u);
    search = std::make_unique<SearchService>(settings.index_dir(), settings);
    bilingual = std::make_unique<BilingualService>(*search, settings);
  }
};

Fixture& corpus() {
  static Fixture f({test::corpus_dir()});
  return f;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string without_space(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '\n' && c != '\t') out.push_back(c);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(parallel_view_covers_both_texts_in_order) {
  auto v = corpus().bilingual->parallel("2023-wang-ai-governance-zh", "");
  BOOST_TEST(v.target.id == "2023-wang-ai-governance-en");
  BOOST_TEST(v.method == "length+anchors");
  BOOST_REQUIRE(!v.rows.empty());
  std::string src, tgt;
  std::size_t one_to_one = 0;
  int last_src = -1, last_tgt = -1;
  for (const auto& r : v.rows) {
    src += join(r.source, "");
    tgt += join(r.target, " ");
    if (r.type == "1-1") ++one_to_one;
    for (int p : r.source_paragraphs) {
      BOOST_TEST(p >= last_src);  // monotone
      last_src = p;
    }
    for (int p : r.target_paragraphs) {
      BOOST_TEST(p >= last_tgt);
      last_tgt = p;
    }
    BOOST_TEST(r.confidence >= 0.0);
    BOOST_TEST(r.confidence <= 1.0);
  }
  // Nothing lost: the sentences of the rows are the documents' text.
  std::string src_doc, tgt_doc;
  for (const auto& p : v.source.paragraphs) src_doc += p.text;
  for (const auto& p : v.target.paragraphs) tgt_doc += p.text;
  BOOST_TEST(without_space(src) == without_space(src_doc));
  BOOST_TEST(without_space(tgt) == without_space(tgt_doc));
  // The corpus translates sentence by sentence: most links are 1-1.
  BOOST_TEST(one_to_one * 10 >= v.rows.size() * 7, one_to_one << " of " << v.rows.size());
}

BOOST_AUTO_TEST_CASE(a_paragraph_split_in_translation_aligns_to_both_halves) {
  // corpus/README.md: 2021-liu-belt-road zh paragraph 4 is en paragraphs 4 and 5.
  auto v = corpus().bilingual->parallel("2021-liu-belt-road-zh", "2021-liu-belt-road-en");
  std::set<int> targets;
  for (const auto& r : v.rows)
    for (int p : r.source_paragraphs)
      if (p == 3) targets.insert(r.target_paragraphs.begin(), r.target_paragraphs.end());
  BOOST_TEST((targets == std::set<int>{3, 4}));
}

BOOST_AUTO_TEST_CASE(parallel_view_refuses_unknown_or_unrelated_documents) {
  auto& b = *corpus().bilingual;
  try {
    b.parallel("no-such-doc", "");
    BOOST_FAIL("expected not_found");
  } catch (const UserError& e) {
    BOOST_TEST(e.code() == "not_found");
  }
  try {
    b.parallel("2023-wang-ai-governance-zh", "2021-liu-belt-road-en");
    BOOST_FAIL("expected bad_parameter");
  } catch (const UserError& e) {
    BOOST_TEST(e.code() == "bad_parameter");
    BOOST_TEST(std::string(e.what()).find("not versions of one text") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(concordance_lines_pair_each_hit_sentence_with_its_translation) {
  ConcordanceRequest req;
  req.q = "人工智能";
  req.size = 100;
  auto r = corpus().bilingual->concordance(req);
  BOOST_TEST(r.total >= 10u);
  BOOST_TEST(r.lines.size() == std::min<std::size_t>(r.total, 100));
  std::size_t marked = 0;
  for (const auto& l : r.lines) {
    BOOST_TEST(l.lang.rfind("zh", 0) == 0);
    BOOST_TEST(l.aligned_lang == "en");
    BOOST_TEST(l.sentence.html.find("<mark>") != std::string::npos, l.sentence.html);
    BOOST_TEST(!l.aligned.text.empty());
    if (l.aligned.html.find("<mark>") != std::string::npos) ++marked;
  }
  BOOST_REQUIRE(!r.translations.empty());
  BOOST_TEST(r.translations[0].term == "artificial intelligence");
  BOOST_TEST(r.translations[0].source == "glossary");
  // The glossary term and the learned "AI" together mark the translation in most lines.
  BOOST_TEST(marked * 10 >= r.lines.size() * 8, marked << " of " << r.lines.size());
  // Facets count the documents.
  bool speaker_facet = false;
  for (const auto& [f, values] : r.facets)
    speaker_facet = speaker_facet || (f == "speaker" && !values.empty());
  BOOST_TEST(speaker_facet);
}

BOOST_AUTO_TEST_CASE(concordance_learns_a_translation_from_cooccurrence) {
  ConcordanceRequest req;
  req.q = "climate";
  auto r = corpus().bilingual->concordance(req);
  BOOST_REQUIRE(!r.translations.empty());
  BOOST_TEST(r.translations[0].term == "气候");
  BOOST_TEST(r.translations[0].source == "cooccurrence");
  // Filters narrow the documents.
  req.filters["year"] = {"2021"};
  auto narrowed = corpus().bilingual->concordance(req);
  BOOST_TEST(narrowed.total < r.total);
  for (const auto& l : narrowed.lines) BOOST_TEST(l.date.rfind("2021", 0) == 0);
}

BOOST_AUTO_TEST_CASE(concordance_pages_partition_the_lines_and_the_query_tmx_holds_every_line) {
  ConcordanceRequest req;
  req.q = "人工智能";
  req.size = 100;
  auto all = corpus().bilingual->concordance(req);
  BOOST_TEST(all.complete);  // the bundled corpus has far fewer than 2,000 matching documents
  BOOST_REQUIRE(all.total > 7u);
  std::vector<std::string> paged;
  req.size = 3;
  for (req.page = 1;; ++req.page) {
    auto r = corpus().bilingual->concordance(req);
    BOOST_TEST(r.total == all.total);
    BOOST_TEST(r.translations.size() == all.translations.size());
    for (const auto& l : r.lines) paged.push_back(l.doc_id + "|" + l.sentence.text);
    if (r.lines.size() < 3u) break;
  }
  std::vector<std::string> whole;
  for (const auto& l : all.lines) whole.push_back(l.doc_id + "|" + l.sentence.text);
  BOOST_TEST(paged == whole, boost::test_tools::per_element());
  // The query's TMX: every line's sentence is a segment.
  TmxRequest t;
  t.query.q = "人工智能";
  std::string tmx = corpus().bilingual->export_tmx(t);
  for (const auto& l : all.lines)
    BOOST_TEST(tmx.find("<seg>" + l.sentence.text + "</seg>") != std::string::npos, l.sentence.text);
}

BOOST_AUTO_TEST_CASE(tmx_export_round_trips_through_the_tmx_converter) {
  TmxRequest t;
  t.doc = "2023-wang-ai-governance-zh";
  std::string tmx = corpus().bilingual->export_tmx(t);
  BOOST_TEST(tmx.find("<tmx version=\"1.4\">") != std::string::npos);
  BOOST_TEST(tmx.find("creationtool=\"Tongwen\"") != std::string::npos);
  BOOST_TEST(tmx.find("srclang=\"zh-Hans\"") != std::string::npos);
  BOOST_TEST(tmx.find("<prop type=\"x-tongwen-speaker\">王建国</prop>") != std::string::npos);
  BOOST_TEST(tmx.find("<prop type=\"x-tongwen-date\">2023-05-17</prop>") != std::string::npos);
  BOOST_TEST(tmx.find("<prop type=\"x-tongwen-source-doc\">2023-wang-ai-governance-en</prop>") !=
             std::string::npos);

  // Expected pairs: the parallel view's rows with text on both sides.
  auto v = corpus().bilingual->parallel("2023-wang-ai-governance-zh", "");
  std::vector<std::pair<std::string, std::string>> expected;
  for (const auto& r : v.rows)
    if (!r.source.empty() && !r.target.empty())
      expected.emplace_back(join(r.source, ""), join(r.target, " "));

  test::TempDir dir;
  auto res = convert_file(dir.write("export.tmx", tmx), ConvertOptions{});
  BOOST_TEST(res.format == "tmx");
  BOOST_REQUIRE_EQUAL(res.documents.size(), 2u);
  const Document* zh = nullptr;
  const Document* en = nullptr;
  for (const auto& d : res.documents) (d.lang == "en" ? en : zh) = &d;
  BOOST_REQUIRE(zh && en);
  BOOST_TEST(zh->id != "2023-wang-ai-governance-zh");  // an import never replaces the original
  BOOST_TEST(zh->translation_group == en->translation_group);
  std::map<std::string, std::string> en_by_anchor;
  for (const auto& p : en->paragraphs) en_by_anchor[p.anchor] = p.text;
  std::vector<std::pair<std::string, std::string>> imported;
  for (const auto& p : zh->paragraphs) imported.emplace_back(p.text, en_by_anchor[p.anchor]);
  BOOST_TEST(imported.size() == expected.size());
  BOOST_TEST((imported == expected));
  BOOST_TEST(zh->paragraphs.at(0).speaker == "王建国");
}

BOOST_AUTO_TEST_CASE(tmx_export_of_a_query_holds_its_concordance_lines) {
  TmxRequest t;
  t.query.q = "开放科学";
  std::string tmx = corpus().bilingual->export_tmx(t);
  ConcordanceRequest req;
  req.q = "开放科学";
  req.size = 100;
  auto r = corpus().bilingual->concordance(req);
  std::size_t units = 0;
  for (std::size_t at = tmx.find("<tu "); at != std::string::npos; at = tmx.find("<tu ", at + 1)) ++units;
  BOOST_TEST(units == r.total);
  for (const auto& l : r.lines) BOOST_TEST(tmx.find(l.sentence.text) != std::string::npos, l.sentence.text);
}

BOOST_AUTO_TEST_CASE(ted_talks_align_by_their_segment_ids,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  test::TempDir copy;
  std::string ted = test::corpus_real() + "/iwslt-ted-zh-en/iwslt15/";
  for (const char* f : {"IWSLT15.TED.dev2010.zh-en.zh.xml", "IWSLT15.TED.dev2010.zh-en.en.xml"})
    copy.write(f, test::read(ted + f));
  Fixture fx({copy.path()});
  auto v = fx.bilingual->parallel("ted-69-en", "ted-69-zh");
  BOOST_TEST(v.method == "anchors");
  std::set<int> src_paras;
  for (const auto& r : v.rows) src_paras.insert(r.source_paragraphs.begin(), r.source_paragraphs.end());
  BOOST_TEST(src_paras.size() == v.source.paragraphs.size());
}

BOOST_AUTO_TEST_CASE(the_three_endpoints_answer_over_http) {
  HttpServer http(*corpus().search, nullptr, corpus().settings);
  http.start();
  auto get = [&](const std::string& target, std::string* body = nullptr, std::string* type = nullptr) {
    Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(http.port()));
    Poco::Net::HTTPRequest req("GET", target, Poco::Net::HTTPMessage::HTTP_1_1);
    s.sendRequest(req);
    Poco::Net::HTTPResponse resp;
    std::string b;
    Poco::StreamCopier::copyToString(s.receiveResponse(resp), b);
    if (body) *body = b;
    if (type) *type = resp.getContentType();
    return static_cast<int>(resp.getStatus());
  };
  std::string body, type;
  BOOST_TEST(get("/api/documents/2023-wang-ai-governance-zh/parallel", &body) == 200);
  BOOST_TEST(body.find("\"rows\":[") != std::string::npos);
  BOOST_TEST(get("/api/documents/2023-wang-ai-governance-zh/parallel?with=2023-wang-ai-governance-en") ==
             200);
  BOOST_TEST(get("/api/documents/nope/parallel") == 404);
  BOOST_TEST(get("/api/documents/2023-wang-ai-governance-zh/parallel?with=2021-liu-belt-road-en") == 400);
  BOOST_TEST(get("/api/concordance?q=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD", &body) == 200);
  BOOST_TEST(body.find("\"translations\":[{\"term\":\"artificial intelligence\"") != std::string::npos,
             body.substr(0, 300));
  BOOST_TEST(get("/api/concordance") == 400);
  BOOST_TEST(get("/api/concordance?q=x&lang=fr") == 400);
  BOOST_TEST(get("/api/export/tmx?doc=2023-wang-ai-governance-zh", &body, &type) == 200);
  BOOST_TEST(type == "application/x-tmx+xml; charset=utf-8");
  BOOST_TEST(body.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0) == 0);
  BOOST_TEST(get("/api/export/tmx") == 400);
  BOOST_TEST(get("/api/export/tmx?q=%E5%BC%80%E6%94%BE%E7%A7%91%E5%AD%A6&lang=zh") == 200);
}
