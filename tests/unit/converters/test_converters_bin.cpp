// DOCX, PDF, SRT/WebVTT, JSON Lines, Markdown and legacy-encoded text, sidecars: on real samples
// from ../shared/corpus-real (skipped loudly when absent) and on small files built here.
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <Poco/File.h>

#include <malloc.h>
#if defined(__SANITIZE_ADDRESS__)
// From libasan (sanitizer/allocator_interface.h, which Debian's g++ does not install).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "builders.h"
#include "fixtures.h"
#include "tongwen/converter.h"
#include "tongwen/encoding.h"
#include "tongwen/errors.h"

using namespace tongwen;

namespace {

// Bytes currently allocated on the heap.
std::size_t live_heap_bytes() {
#if defined(__SANITIZE_ADDRESS__)
  return __sanitizer_get_current_allocated_bytes();
#else
  return mallinfo2().uordblks;
#endif
}

std::string office(const std::string& name) {
  return test::corpus_real() + "/office/" + name;
}

Document only(const ConvertResult& r) {
  BOOST_REQUIRE_EQUAL(r.documents.size(), 1u);
  return r.documents[0];
}

// The document's text without any white space: PDF puts spaces between Chinese and digits
// ("2019 年") where DOCX and HTML have none.
std::string squeezed(const Document& d) {
  std::string out;
  for (const auto& p : d.paragraphs)
    for (char c : p.text)
      if (c != ' ' && c != '\t' && c != '\n') out.push_back(c);
  // U+3000 ideographic space
  for (auto p = out.find("\xE3\x80\x80"); p != std::string::npos; p = out.find("\xE3\x80\x80"))
    out.erase(p, 3);
  return out;
}

std::string squeezed(std::string s) {
  Document d;
  d.paragraphs.push_back(Paragraph{std::move(s), {}, {}, {}, {}});
  return squeezed(d);
}

// Share of byte bigrams two texts have in common (multiset intersection over the larger count).
double bigram_overlap(const std::string& a, const std::string& b) {
  std::map<std::string, long> ca, cb;
  for (std::size_t i = 0; i + 1 < a.size(); ++i) ++ca[a.substr(i, 2)];
  for (std::size_t i = 0; i + 1 < b.size(); ++i) ++cb[b.substr(i, 2)];
  long common = 0, na = 0, nb = 0;
  for (const auto& [k, n] : ca) {
    na += n;
    auto it = cb.find(k);
    if (it != cb.end()) common += std::min(n, it->second);
  }
  for (const auto& [k, n] : cb) nb += n;
  return static_cast<double>(common) / static_cast<double>(std::max(na, nb));
}

std::string chinese_number(int n) {
  static const char* digits[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
  if (n < 10) return digits[n];
  std::string tens = n / 10 == 1 ? "" : digits[n / 10];
  return tens + "十" + digits[n % 10];
}

std::string error_of(const std::string& path, const ConvertOptions& options = {}) {
  try {
    convert_file(path, options);
  } catch (const ConvertError& e) {
    return e.code() + ": " + e.what();
  }
  return "no error";
}

std::vector<std::string> texts(const Document& d) {
  std::vector<std::string> out;
  for (const auto& p : d.paragraphs) out.push_back(p.text);
  return out;
}

struct UdhrCase {
  std::string stem, title, author, lang, article_1, article_word;
};
std::ostream& operator<<(std::ostream& o, const UdhrCase& c) {
  return o << c.stem;
}

const std::vector<UdhrCase> udhr_cases = {
    {"udhr-cmn_hans", "世界人权宣言", "联合国大会", "zh-Hans", "人人生而自由,在尊严和权利上一律平等。", "条"},
    {"udhr-cmn_hant", "世界人權宣言", "聯合國大會", "zh-Hant", "人人生而自由，在尊嚴和權利上一律平等。",
     "條"},
    {"udhr-eng", "Universal Declaration of Human Rights", "United Nations General Assembly", "en",
     "All human beings are born free and equal in dignity and rights.", ""},
};

}  // namespace

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(docx_and_pdf)

BOOST_DATA_TEST_CASE(udhr_docx_and_pdf_carry_metadata_and_all_thirty_articles,
                     boost::unit_test::data::make(udhr_cases), c) {
  if (test::corpus_real().empty()) {
    BOOST_TEST_MESSAGE("SKIPPED: ../shared/corpus-real is absent (set TONGWEN_CORPUS_REAL to run this test)");
    return;
  }
  for (std::string ext : {"docx", "pdf"}) {
    BOOST_TEST_CONTEXT(c.stem << "." << ext) {
      auto r = convert_file(office(c.stem + "." + ext), ConvertOptions{});
      BOOST_TEST(r.format == ext);
      Document d = only(r);
      BOOST_TEST(d.title == c.title);
      BOOST_REQUIRE_EQUAL(d.speakers.size(), 1u);
      BOOST_TEST(d.speakers[0].name == c.author);
      BOOST_TEST(d.topics == (std::vector<std::string>{"human rights", "United Nations"}),
                 boost::test_tools::per_element());
      BOOST_TEST(d.lang == c.lang);
      // Counted by hand in the HTML source: title, the resolution line, the proclamation paragraph
      // (zh), preamble heading and clauses, 30 article headings and their paragraphs: 92.
      BOOST_TEST(d.paragraphs.size() >= 85u);
      BOOST_TEST(d.paragraphs.size() <= 100u);
      std::size_t headings = std::count_if(d.paragraphs.begin(), d.paragraphs.end(),
                                           [](const Paragraph& p) { return p.kind == "heading"; });
      BOOST_TEST(headings == 32u);  // title, preamble, 30 articles
      std::string all = squeezed(d);
      BOOST_TEST(all.find(squeezed(c.article_1)) != std::string::npos);
      for (int n = 1; n <= 30; ++n) {
        std::string marker =
            c.lang == "en" ? "Article " + std::to_string(n) : "第" + chinese_number(n) + c.article_word;
        bool found = std::any_of(d.paragraphs.begin(), d.paragraphs.end(),
                                 [&](const Paragraph& p) { return p.kind == "heading" && p.text == marker; });
        BOOST_TEST(found, "heading " << marker);
      }
      if (ext == "pdf") {
        BOOST_TEST(d.extra.at("pages") == (c.lang == "en" ? "6" : "5"));
        BOOST_TEST(d.paragraphs.front().anchor == "p1");
        BOOST_TEST(d.paragraphs.back().anchor == "p" + d.extra.at("pages"));
        BOOST_TEST(d.date.size() == 10u);  // from CreationDate
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(gov_work_reports_in_docx_pdf_and_html_hold_the_text_of_their_jsonl_record,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  auto records =
      convert_file(test::corpus_real() + "/cn-gov-work-reports-wikisource/government_work_reports.jsonl",
                   ConvertOptions{});
  bool have_html = ConverterRegistry::standard().find("html") != nullptr;
  for (std::string year : {"2019", "2024"}) {
    BOOST_TEST_CONTEXT(year) {
      const std::string title = year + "年中华人民共和国国务院政府工作报告";
      auto rec = std::find_if(records.documents.begin(), records.documents.end(),
                              [&](const Document& d) { return d.title == title; });
      BOOST_REQUIRE(rec != records.documents.end());
      std::map<std::string, std::string> text;
      for (std::string ext : {"docx", "pdf", "html"}) {
        if (ext == "html" && !have_html) continue;
        Document d = only(convert_file(office("gov-work-report-" + year + "." + ext), ConvertOptions{}));
        BOOST_TEST(d.title == title);
        if (ext != "html") {
          BOOST_REQUIRE_EQUAL(d.speakers.size(), 1u);
          BOOST_TEST(d.speakers[0].name == "国务院");
        }
        BOOST_TEST(d.lang == "zh-Hans");
        text[ext] = squeezed(d);
        // Every paragraph of the JSON Lines record is in the converted text (white space aside).
        std::size_t missing = 0;
        for (const auto& p : rec->paragraphs)
          if (text[ext].find(squeezed(p.text)) == std::string::npos) ++missing;
        BOOST_TEST(missing == 0u, ext << ": " << missing << " of " << rec->paragraphs.size()
                                      << " record paragraphs missing");
      }
      // The same document in three formats converts to nearly the same text.
      BOOST_TEST(bigram_overlap(text["docx"], text["pdf"]) > 0.95);
      if (have_html) BOOST_TEST(bigram_overlap(text["docx"], text["html"]) > 0.95);
    }
  }
  if (!have_html) BOOST_TEST_MESSAGE("no html converter registered: HTML part of the cross-check not run");
}

BOOST_AUTO_TEST_CASE(pdf_paragraphs_match_docx_paragraphs_one_for_one,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  // The layout heuristics rebuild the writer's paragraphs: same count and same text as the DOCX
  // made from the same HTML, for the documents whose every page has a text layer.
  for (std::string stem : {"udhr-cmn_hans", "udhr-cmn_hant", "udhr-eng", "gov-work-report-2019"}) {
    BOOST_TEST_CONTEXT(stem) {
      Document docx = only(convert_file(office(stem + ".docx"), ConvertOptions{}));
      Document pdf = only(convert_file(office(stem + ".pdf"), ConvertOptions{}));
      BOOST_REQUIRE_EQUAL(docx.paragraphs.size(), pdf.paragraphs.size());
      for (std::size_t i = 0; i < docx.paragraphs.size(); ++i)
        BOOST_TEST(squeezed(docx.paragraphs[i].text) == squeezed(pdf.paragraphs[i].text), "paragraph " << i);
    }
  }
}

BOOST_AUTO_TEST_CASE(docx_headings_tables_breaks_and_core_properties) {
  test::TempDir dir;
  std::string styles =
      "<w:style w:type=\"paragraph\" w:styleId=\"a3\"><w:name w:val=\"heading 1\"/></w:style>"
      "<w:style w:type=\"paragraph\" w:styleId=\"a5\"><w:name w:val=\"标题\"/></w:style>"
      "<w:style w:type=\"paragraph\" w:styleId=\"Body\"><w:name w:val=\"Body Text\"/></w:style>";
  std::string body =
      "<w:p><w:pPr><w:pStyle w:val=\"a5\"/></w:pPr><w:r><w:t>开放科学论坛</w:t></w:r></w:p>"
      "<w:p><w:pPr><w:pStyle w:val=\"a3\"/></w:pPr><w:r><w:t>第一部分</w:t></w:r></w:p>"
      "<w:p><w:pPr><w:pStyle w:val=\"Body\"/><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>"
      "<w:r><w:t xml:space=\"preserve\">数据 "
      "</w:t></w:r><w:r><w:t>共享</w:t><w:tab/><w:t>第二列</w:t><w:br/><w:t>下一行</w:t></w:r>"
      "<w:del><w:r><w:delText>删除的文字</w:delText></w:r></w:del>"
      "<w:r><w:fldChar w:fldCharType=\"begin\"/><w:instrText>PAGE</w:instrText></w:r></w:p>"
      "<w:p><w:pPr><w:outlineLvl w:val=\"1\"/></w:pPr><w:r><w:t>Outline heading</w:t></w:r></w:p>"
      "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>姓名</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>单位</w:t></w:r></"
      "w:p></w:tc></w:tr>"
      "<w:tr><w:tc><w:p><w:r><w:t>王建国</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>清华</w:t></w:r></w:p>"
      "<w:p><w:r><w:t>大学</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
      "<w:sdt><w:sdtContent><w:p><w:r><w:t>Inside a content control.</w:t></w:r></w:p></w:sdtContent></w:sdt>"
      "<w:p><w:r><w:t>   </w:t></w:r></w:p>";
  std::string core =
      "<dc:title>开放科学的未来</dc:title><dc:creator>王建国; Li Na</dc:creator>"
      "<cp:keywords>开放科学，数据共享、基础研究; Open science, AI</cp:keywords>"
      "<dcterms:created>2023-05-17T08:00:00Z</dcterms:created><dc:language>zh-CN</dc:language>"
      "<dc:subject>论坛</dc:subject><dc:description>An abstract.</dc:description>";
  std::string path = dir.write("forum.docx", test::docx_of(body, core, styles));
  Document d = only(convert_file(path, ConvertOptions{}));
  BOOST_TEST(d.title == "开放科学的未来");
  BOOST_REQUIRE_EQUAL(d.speakers.size(), 2u);
  BOOST_TEST(d.speakers[1].name == "Li Na");
  BOOST_TEST(d.topics == (std::vector<std::string>{"开放科学", "数据共享", "基础研究", "Open science", "AI"}),
             boost::test_tools::per_element());
  BOOST_TEST(d.date == "2023-05-17");
  BOOST_TEST(d.lang == "zh-Hans");  // zh-CN, and the text is Chinese
  BOOST_TEST(d.description == "An abstract.");
  BOOST_TEST(d.extra.at("subject") == "论坛");
  std::vector<std::string> expected = {
      "开放科学论坛", "第一部分",           "数据 共享\t第二列\n下一行", "Outline heading",
      "姓名 | 单位",  "王建国 | 清华 大学", "Inside a content control."};
  BOOST_TEST(texts(d) == expected, boost::test_tools::per_element());
  std::vector<std::string> kinds;
  for (const auto& p : d.paragraphs) kinds.push_back(p.kind);
  BOOST_TEST(kinds == (std::vector<std::string>{"heading", "heading", "", "heading", "", "", ""}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(
    docx_language_is_ignored_when_it_contradicts_the_text_and_title_falls_back_to_the_first_heading) {
  test::TempDir dir;
  // LibreOffice writes its UI language (en-US) into Chinese documents.
  std::string path = dir.write(
      "report.docx",
      test::docx_of(
          "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t>政府工作报告</w:t></w:r></w:p>"
          "<w:p><w:r><w:t>各位代表：现在，我代表国务院，向大会报告政府工作。</w:t></w:r></w:p>",
          "<dc:language>en-US</dc:language>"));
  Document d = only(convert_file(path, ConvertOptions{}));
  BOOST_TEST(d.lang == "zh-Hans");
  BOOST_TEST(d.title == "政府工作报告");
  BOOST_TEST(d.paragraphs.size() == 2u);
}

BOOST_AUTO_TEST_CASE(pdf_info_dictionary_and_lines_of_one_paragraph) {
  test::TempDir dir;
  std::string path = dir.write(
      "note.pdf",
      test::text_pdf({"Open science needs shared data,", "shared methods and shared credit."},
                     "/Title (Open science) /Author (Li Na; Wang Jianguo) /Keywords (open science, data) "
                     "/Subject (Forum note) /CreationDate (D:20230517093000+08'00')"));
  Document d = only(convert_file(path, ConvertOptions{}));
  BOOST_TEST(d.title == "Open science");
  BOOST_REQUIRE_EQUAL(d.speakers.size(), 2u);
  BOOST_TEST(d.speakers[1].name == "Wang Jianguo");
  BOOST_TEST(d.topics == (std::vector<std::string>{"open science", "data"}),
             boost::test_tools::per_element());
  BOOST_TEST(d.extra.at("subject") == "Forum note");
  BOOST_TEST(d.date == "2023-05-17");
  BOOST_TEST(texts(d) == (std::vector<std::string>{
                             "Open science needs shared data, shared methods and shared credit."}),
             boost::test_tools::per_element());
  BOOST_TEST(d.paragraphs[0].anchor == "p1");
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(subtitles)

std::string subtitle(const std::string& name) {
  return test::source_dir() + "/tests/data/subtitles/" + name;
}

BOOST_AUTO_TEST_CASE(srt_cues_join_into_paragraphs_split_at_pauses_and_speaker_changes) {
  auto r = convert_file(subtitle("open-science.zh.srt"), ConvertOptions{});
  BOOST_TEST(r.format == "srt");
  Document d = only(r);
  BOOST_TEST(d.lang == "zh-Hans");
  std::vector<std::string> expected = {
      "各位来宾，下午好。欢迎来到开放科学分论坛。",
      "谢谢主持人。今天我想谈谈数据共享，以及它对基础研究的意义。开放的数据让研究可以被重复和检验。",
      "您认为最大的障碍是什么？", "是激励机制。"};
  BOOST_TEST(texts(d) == expected, boost::test_tools::per_element());
  std::vector<std::string> speakers, anchors;
  for (const auto& p : d.paragraphs) {
    speakers.push_back(p.speaker);
    anchors.push_back(p.anchor);
    BOOST_TEST(p.kind == "cue");
  }
  BOOST_TEST(speakers == (std::vector<std::string>{"主持人", "王建国", "", ""}),
             boost::test_tools::per_element());
  BOOST_TEST(
      anchors == (std::vector<std::string>{"00:00:01.000", "00:00:09.500", "00:00:24.000", "00:00:24.000"}),
      boost::test_tools::per_element());
  BOOST_TEST(d.extra.at("duration") == "00:00:26.500");
}

BOOST_AUTO_TEST_CASE(webvtt_voices_title_language_and_the_srt_translation_form_one_group) {
  Document en = only(convert_file(subtitle("open-science.en.vtt"), ConvertOptions{}));
  Document zh = only(convert_file(subtitle("open-science.zh.srt"), ConvertOptions{}));
  BOOST_TEST(en.title == "Open science and data sharing");
  BOOST_TEST(en.lang == "en");
  std::vector<std::string> expected = {"Good afternoon, everyone. Welcome to the open science session.",
                                       "Thank you. Today I want to talk about data sharing and what it means "
                                       "for basic research. Open data lets research be repeated & checked.",
                                       "What is the biggest obstacle?", "The incentives."};
  BOOST_TEST(texts(en) == expected, boost::test_tools::per_element());
  std::vector<std::string> speakers;
  for (const auto& p : en.paragraphs) speakers.push_back(p.speaker);
  BOOST_TEST(speakers == (std::vector<std::string>{"Moderator", "Wang Jianguo", "Moderator", "Wang Jianguo"}),
             boost::test_tools::per_element());
  // talk.en.vtt and talk.zh.srt: the same talk, one translation group, aligned cue times.
  BOOST_TEST(en.translation_group == zh.translation_group);
  BOOST_REQUIRE_EQUAL(en.paragraphs.size(), zh.paragraphs.size());
  for (std::size_t i = 0; i < en.paragraphs.size(); ++i)
    BOOST_TEST(en.paragraphs[i].anchor == zh.paragraphs[i].anchor);
}

struct TimingCase {
  std::string line;
  bool ok;
};
std::ostream& operator<<(std::ostream& o, const TimingCase& c) {
  return o << c.line;
}

BOOST_DATA_TEST_CASE(srt_timing_lines,
                     boost::unit_test::data::make(std::vector<TimingCase>{
                         {"00:00:01,000 --> 00:00:02,000", true},
                         {"00:00:01.000 --> 00:00:02.000", true},
                         {"00:00:01,5 --> 00:00:02,25", true},
                         {"123:00:01,000 --> 123:00:02,000", true},
                         {"00:00:01,000 --> 00:00:02,000 X1:40 X2:600 Y1:20 Y2:50", true},
                         {"00:00:01 --> 00:00:02", false},
                         {"00:60:01,000 --> 00:61:02,000", false},
                         {"00:00:1,000 --> 00:00:02,000", false},
                         {"00:00:01,000 --> ", false},
                         {"aa:bb:cc,ddd --> 00:00:02,000", false},
                         {"00:00:05,000 --> 00:00:02,000", false},
                         {"99999999999999999999999999:00:01,000 --> 00:00:02,000", false},
                         {"00:00:01,0000000000000000000000000000 --> 00:00:02,000", false},
                     }),
                     c) {
  test::TempDir dir;
  std::string path = dir.write("t.srt", "1\n" + c.line + "\nText of the cue.\n");
  std::string err = error_of(path);
  if (c.ok) {
    BOOST_TEST(err == "no error");
  } else {
    BOOST_TEST(err.rfind("malformed: " + path + ": line 2: ", 0) == 0, err);
  }
}

BOOST_AUTO_TEST_CASE(srt_in_gbk_is_decoded_and_the_encoding_recorded) {
  test::TempDir dir;
  std::string utf8 =
      "1\n00:00:01,000 --> 00:00:02,000\n主持人：欢迎大家参加科技创新论坛。\n\n2\n00:00:02,500 --> "
      "00:00:04,000\n今天的主题是开放科学。\n";
  std::string path = dir.write("gbk.srt", encoding::from_utf8(utf8, "GBK"));
  Document d = only(convert_file(path, ConvertOptions{}));
  BOOST_TEST(d.source.encoding == "GB18030");  // the GB family is read as its superset
  BOOST_TEST(texts(d) == (std::vector<std::string>{"欢迎大家参加科技创新论坛。今天的主题是开放科学。"}),
             boost::test_tools::per_element());
  BOOST_TEST(d.paragraphs[0].speaker == "主持人");
}

BOOST_AUTO_TEST_CASE(long_continuous_speech_is_cut_at_sentence_ends) {
  test::TempDir dir;
  std::string srt;
  for (int i = 0; i < 120; ++i) {
    char t[64];
    std::snprintf(t, sizeof t, "00:%02d:%02d,000 --> 00:%02d:%02d,500", i / 60, i % 60, i / 60, i % 60);
    srt += std::to_string(i + 1) + "\n" + t + "\nThis is sentence number " + std::to_string(i) +
           " of a long talk.\n\n";
  }
  Document d = only(convert_file(dir.write("long.srt", srt), ConvertOptions{}));
  BOOST_TEST(d.paragraphs.size() > 2u);
  for (const auto& p : d.paragraphs) {
    BOOST_TEST(p.text.size() < 1600u);
    BOOST_TEST(p.text.ends_with("long talk."));
  }
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(json_lines)

BOOST_AUTO_TEST_CASE(government_work_reports_map_year_url_and_content,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  std::string path = test::corpus_real() + "/cn-gov-work-reports-wikisource/government_work_reports.jsonl";
  auto r = convert_file(path, ConvertOptions{});
  BOOST_TEST(r.format == "jsonl");
  BOOST_REQUIRE_EQUAL(r.documents.size(), 72u);  // README: 72 records
  std::size_t dated = 0;
  std::set<std::string> ids;
  for (const auto& d : r.documents) {
    BOOST_TEST_CONTEXT(d.title) {
      ids.insert(d.id);
      BOOST_TEST(d.extra.at("url").rfind("https://zh.wikisource.org/wiki/", 0) == 0);
      BOOST_TEST(d.extra.count("year") == 0u);
      if (!d.date.empty()) {
        ++dated;
        BOOST_TEST(d.title.rfind(d.date + "年", 0) == 0);  // "2019年中华人民共和国..." has year 2019
      }
      for (const auto& p : d.paragraphs) BOOST_TEST(p.text.find('\n') == std::string::npos);
    }
  }
  BOOST_TEST(dated == 52u);  // README: 20 records have year null
  BOOST_TEST(ids.size() == 72u);
  // Hard-wrapped lines join: the 2021 record has "政府工作报\n告".
  auto y2021 = std::find_if(r.documents.begin(), r.documents.end(),
                            [](const Document& d) { return d.date == "2021"; });
  BOOST_REQUIRE(y2021 != r.documents.end());
  BOOST_TEST(y2021->paragraphs.at(0).text == "政府工作报告");
  // The streaming entry point gives the same documents.
  std::vector<Document> streamed;
  auto s =
      convert_file_each(path, ConvertOptions{}, "", [&](Document&& d) { streamed.push_back(std::move(d)); });
  BOOST_TEST(s.format == "jsonl");
  BOOST_REQUIRE_EQUAL(streamed.size(), r.documents.size());
  for (std::size_t i = 0; i < streamed.size(); ++i)
    BOOST_TEST((streamed[i] == r.documents[i]), "document " << i);
}

BOOST_AUTO_TEST_CASE(benchmark_generator_records_keep_every_field) {
  std::string gen = test::source_dir() + "/../shared/bench-peers/gen-corpus.py";
  if (!Poco::File(gen).exists()) {
    BOOST_TEST_MESSAGE("SKIPPED: " << gen << " is absent");
    return;
  }
  test::TempDir dir;
  std::string path = dir / "c.jsonl";
  BOOST_REQUIRE(std::system(("python3 '" + gen + "' 200 > '" + path + "'").c_str()) == 0);
  std::vector<Document> docs;
  convert_file_each(path, ConvertOptions{}, "", [&](Document&& d) { docs.push_back(std::move(d)); });
  BOOST_REQUIRE_EQUAL(docs.size(), 200u);
  std::istringstream lines(test::read(path));
  std::string first;
  std::getline(lines, first);
  Document raw = document_from_json(first);
  const Document& d = docs[0];
  BOOST_TEST(d.id == raw.id);
  BOOST_TEST(d.title == raw.title);
  BOOST_TEST(d.event == raw.event);
  BOOST_TEST(d.date == raw.date);
  BOOST_TEST(d.type == raw.type);
  BOOST_TEST((d.speakers == raw.speakers));
  BOOST_TEST(d.topics == raw.topics, boost::test_tools::per_element());
  BOOST_TEST(texts(d) == texts(raw), boost::test_tools::per_element());
  for (const auto& x : docs) BOOST_TEST((x.lang == "zh" || x.lang == "en"), x.id << ": " << x.lang);
}

BOOST_AUTO_TEST_CASE(records_without_an_id_get_one_from_the_file_and_their_position) {
  test::TempDir dir;
  std::string path = dir.write("talks.jsonl",
                               "{\"title\": \"First\", \"text\": \"One.\\n\\nTwo.\"}\n"
                               "\n"
                               "{\"id\": \"given\", \"title\": \"Second\", \"paragraphs\": [{\"text\": "
                               "\"Three.\", \"speaker\": \"Li Na\"}]}\n"
                               "{\"title\": \"Third\", \"content\": \"Four.\", \"year\": 2021}\n");
  std::vector<Document> docs;
  convert_file_each(path, ConvertOptions{}, "", [&](Document&& d) { docs.push_back(std::move(d)); });
  BOOST_REQUIRE_EQUAL(docs.size(), 3u);
  BOOST_TEST(docs[0].id.rfind("talks-", 0) == 0);
  BOOST_TEST(docs[0].id.ends_with("-1"));
  BOOST_TEST(docs[1].id == "given");
  BOOST_TEST(docs[2].id.ends_with("-3"));
  BOOST_TEST(docs[0].id != docs[2].id);
  BOOST_TEST(texts(docs[0]) == (std::vector<std::string>{"One.", "Two."}), boost::test_tools::per_element());
  BOOST_TEST(docs[1].paragraphs[0].speaker == "Li Na");
  BOOST_TEST(docs[2].date == "2021");
}

BOOST_AUTO_TEST_CASE(a_bad_line_fails_the_file_after_the_good_lines_before_it) {
  test::TempDir dir;
  std::string path = dir.write("mixed.jsonl",
                               "{\"title\": \"A\", \"text\": \"a\"}\n{\"title\": \"B\", \"text\": "
                               "\"b\"}\n{oops}\n{\"title\": \"D\"}\n");
  std::vector<std::string> seen;
  std::string err;
  try {
    convert_file_each(path, ConvertOptions{}, "", [&](Document&& d) { seen.push_back(d.title); });
  } catch (const ConvertError& e) {
    err = e.code() + ": " + e.what();
  }
  BOOST_TEST(err.rfind("malformed: " + path + ": line 3: invalid JSON", 0) == 0, err);
  BOOST_TEST(seen == (std::vector<std::string>{"A", "B"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(streaming_holds_one_record_at_a_time) {
  test::TempDir dir;
  std::string path = dir / "big.jsonl";
  {
    std::ofstream out(path, std::ios::binary);
    std::string para(3000, 'x');
    for (int i = 0; i < 20000; ++i)  // ~60 MB
      out << "{\"id\": \"d" << i << "\", \"title\": \"Record " << i << "\", \"paragraphs\": [\"" << para
          << "\"]}\n";
  }
  std::size_t size = Poco::File(path).getSize();
  BOOST_REQUIRE(size > (55u << 20));
  // Live heap bytes (not RSS: under ASan freed memory sits in quarantine and RSS follows the total
  // allocated), sampled whenever a document is handed out.
  std::size_t before = live_heap_bytes(), peak = before, n = 0;
  convert_file_each(path, ConvertOptions{}, "", [&](Document&&) {
    ++n;
    peak = std::max(peak, live_heap_bytes());
  });
  BOOST_TEST(n == 20000u);
  std::size_t growth = peak > before ? peak - before : 0;
  // The whole file is ~60 MB; a streamed load holds one line and one document.
  BOOST_TEST(growth < (4u << 20), "live heap grew by " << growth << " bytes");
  BOOST_TEST_MESSAGE("streaming a " << size / (1 << 20) << " MB JSON Lines file: live heap grew by at most "
                                    << growth / 1024 << " KiB");
}

BOOST_AUTO_TEST_CASE(a_streamed_file_is_bounded_per_line_not_as_a_whole) {
  test::TempDir dir;
  std::string rec = "{\"title\": \"T\", \"text\": \"" + std::string(900, 'x') + "\"}\n";
  std::string body;
  for (int i = 0; i < 3000; ++i) body += rec;  // ~2.7 MB, over a 1 MB limit
  std::string path = dir.write("big.jsonl", body);
  ConvertOptions opt;
  opt.limits.max_file_bytes = 1 << 20;
  std::size_t n = 0;
  convert_file_each(path, opt, "", [&](Document&&) { ++n; });
  BOOST_TEST(n == 3000u);
  // Held whole, the same file is over the limit.
  BOOST_CHECK_THROW(convert_file(path, opt), ConvertError);
  // One line over the limit fails, naming the line, without reading it whole.
  std::string huge =
      dir.write("huge.jsonl", rec + rec + "{\"title\": \"" + std::string(3 << 20, 'y') + "\"}\n" + rec);
  try {
    convert_file_each(huge, opt, "", [&](Document&&) {});
    BOOST_FAIL("expected too_large");
  } catch (const ConvertError& e) {
    BOOST_TEST(e.code() == "too_large");
    BOOST_TEST(std::string(e.what()) ==
               huge + ": line 3 is over the limit of 1048576 bytes (convert.max_file_mb)");
  }
  // The last line needs no line end; blank lines are skipped.
  std::string tail = dir.write("tail.jsonl", "\n" + rec + "\r\n\n{\"title\": \"Last\", \"text\": \"z\"}");
  std::vector<std::string> titles;
  convert_file_each(tail, opt, "", [&](Document&& d) { titles.push_back(d.title); });
  BOOST_TEST((titles == std::vector<std::string>{"T", "Last"}));
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(markdown_and_text)

struct InlineCase {
  std::string markdown, text;
};
std::ostream& operator<<(std::ostream& o, const InlineCase& c) {
  return o << c.markdown;
}

BOOST_DATA_TEST_CASE(markdown_inline_markup_becomes_plain_text,
                     boost::unit_test::data::make(std::vector<InlineCase>{
                         {"**Bold** and *italic* words", "Bold and italic words"},
                         {"__Strong__ and _emphasis_", "Strong and emphasis"},
                         {"A [link to the forum](https://example.org) here", "A link to the forum here"},
                         {"A [reference link][ref] here", "A reference link here"},
                         {"An ![diagram](fig1.png) image", "An image"},
                         {"Run `tongwen convert` now", "Run tongwen convert now"},
                         {"~~Old~~ new", "Old new"},
                         {"snake_case_name stays", "snake_case_name stays"},
                         {"2 * 3 * 4 = 24", "2 * 3 * 4 = 24"},
                         {"Escaped \\*stars\\*", "Escaped *stars*"},
                         {"See <https://example.org>", "See https://example.org"},
                         {"这是**重点**内容", "这是重点内容"},
                     }),
                     c) {
  test::TempDir dir;
  std::string path = dir.write("inline.md", "# Title\n\n" + c.markdown + "\n");
  Document d = only(convert_file(path, ConvertOptions{}));
  BOOST_TEST(d.title == "Title");
  BOOST_REQUIRE_EQUAL(d.paragraphs.size(), 1u);
  BOOST_TEST(d.paragraphs[0].text == c.text);
}

BOOST_AUTO_TEST_CASE(markdown_front_matter_and_block_structure) {
  test::TempDir dir;
  std::string path = dir.write("talk.zh.md",
                               "---\n"
                               "title: \"开放科学的未来\"\n"
                               "author: [王建国, 'Li Na']\n"
                               "tags:\n"
                               "  - 开放科学\n"
                               "  - \"Data sharing\"\n"
                               "date: 2023-05-17T09:30:00+08:00\n"
                               "layout: post\n"
                               "---\n"
                               "\n"
                               "# 开放科学的未来\n"
                               "第一段，\n第二行。\n"
                               "\n"
                               "Underlined heading\n"
                               "==================\n"
                               "\n"
                               "- first item\n"
                               "- second item\n"
                               "  continued\n"
                               "1. numbered\n"
                               "\n"
                               "| Name | Role |\n"
                               "|------|------|\n"
                               "| Wang | Speaker |\n"
                               "\n"
                               "```\n"
                               "code line\n"
                               "```\n"
                               "\n"
                               "> A quoted line.\n"
                               "\n"
                               "---\n"
                               "\n"
                               "[Li Na] A turn by Li Na.\n"
                               "\n"
                               "[ref]: https://example.org\n");
  Document d = only(convert_file(path, ConvertOptions{}));
  BOOST_TEST(d.title == "开放科学的未来");
  BOOST_REQUIRE_EQUAL(d.speakers.size(), 2u);
  BOOST_TEST(d.speakers[1].name == "Li Na");
  BOOST_TEST(d.topics == (std::vector<std::string>{"开放科学", "Data sharing"}),
             boost::test_tools::per_element());
  BOOST_TEST(d.date == "2023-05-17");
  BOOST_TEST(d.extra.at("layout") == "post");
  BOOST_TEST(d.lang == "zh-Hans");  // from the file name
  std::vector<std::string> expected = {"开放科学的未来", "第一段，第二行。",      "Underlined heading",
                                       "first item",     "second item continued", "numbered",
                                       "Name | Role",    "Wang | Speaker",        "code line",
                                       "A quoted line.", "A turn by Li Na."};
  BOOST_TEST(texts(d) == expected, boost::test_tools::per_element());
  BOOST_TEST(d.paragraphs[0].kind == "heading");
  BOOST_TEST(d.paragraphs[2].kind == "heading");
  BOOST_TEST(d.paragraphs.back().speaker == "Li Na");
}

BOOST_AUTO_TEST_CASE(a_one_paragraph_text_file_keeps_its_text) {
  test::TempDir dir;
  Document d = only(convert_file(dir.write("note.txt", "Just one paragraph of text.\n"), ConvertOptions{}));
  BOOST_TEST(texts(d) == (std::vector<std::string>{"Just one paragraph of text."}),
             boost::test_tools::per_element());
  BOOST_TEST(d.title == "note");
}

struct LegacyCase {
  std::string file, utf8_file, encoding, declared;
};
std::ostream& operator<<(std::ostream& o, const LegacyCase& c) {
  return o << c.file;
}

BOOST_DATA_TEST_CASE(
    legacy_encoded_text_decodes_to_the_utf8_ground_truth,
    boost::unit_test::data::make(std::vector<LegacyCase>{
        {"cpython-cjkencodings/gb2312.txt", "cpython-cjkencodings/gb2312-utf8.txt", "GB18030", ""},
        {"cpython-cjkencodings/gbk.txt", "cpython-cjkencodings/gbk-utf8.txt", "GB18030", ""},
        {"cpython-cjkencodings/gb18030.txt", "cpython-cjkencodings/gb18030-utf8.txt", "GB18030", ""},
        {"cpython-cjkencodings/big5.txt", "cpython-cjkencodings/big5-utf8.txt", "Big5", ""},
        {"cpython-cjkencodings/hz.txt", "cpython-cjkencodings/hz-utf8.txt", "HZ-GB-2312", ""},
        // 23 bytes are too few to tell Big5-HKSCS from GB18030: declared here.
        {"cpython-cjkencodings/big5hkscs.txt", "cpython-cjkencodings/big5hkscs-utf8.txt", "Big5-HKSCS",
         "big5-hkscs"},
    }),
    c) {
  if (test::corpus_real().empty()) {
    BOOST_TEST_MESSAGE("SKIPPED: ../shared/corpus-real is absent");
    return;
  }
  std::string dir = test::corpus_real() + "/legacy-encodings/";
  ConvertOptions options;
  options.declared_encoding = c.declared;
  Document legacy = only(convert_file(dir + c.file, options));
  Document truth = only(convert_file(dir + c.utf8_file, ConvertOptions{}));
  BOOST_TEST(legacy.source.encoding == c.encoding);
  BOOST_TEST(truth.source.encoding == "UTF-8");
  BOOST_TEST(texts(legacy) == texts(truth), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(big5_and_euc_tw_plain_text_is_detected,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  std::string dir = test::corpus_real() + "/legacy-encodings/chardet-tests/";
  Document big5 = only(convert_file(dir + "Big5/_ude_1.txt", ConvertOptions{}));
  Document euc = only(convert_file(dir + "EUC-TW/_ude_euc-tw1.txt", ConvertOptions{}));
  BOOST_TEST(big5.source.encoding == "Big5");
  BOOST_TEST(euc.source.encoding == "EUC-TW");
  BOOST_TEST(big5.lang == "zh-Hant");
  BOOST_TEST(big5.title.rfind("維基大典", 0) == 0);
  // The README: the same text in both encodings.
  BOOST_TEST(texts(big5) == texts(euc), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(sidecars)

BOOST_AUTO_TEST_CASE(a_sidecar_overrides_title_speakers_and_topics_in_every_format) {
  test::TempDir dir;
  std::map<std::string, std::string> files = {
      {"a.txt", "title: Header title\nspeakers: Nobody\n\nSome text.\n"},
      {"b.md", "---\ntitle: Front matter title\n---\n\nSome text.\n"},
      {"c.docx", test::docx_of("<w:p><w:r><w:t>Some text.</w:t></w:r></w:p>",
                               "<dc:title>Core title</dc:title><dc:creator>Nobody</dc:creator>")},
      {"d.pdf", test::text_pdf({"Some text."}, "/Title (Info title) /Author (Nobody)")},
      {"e.srt", "1\n00:00:01,000 --> 00:00:02,000\nSome text.\n"},
      {"f.vtt", "WEBVTT - Header title\n\n00:01.000 --> 00:02.000\nSome text.\n"},
      {"g.jsonl", "{\"title\": \"Record title\", \"text\": \"Some text.\"}\n"},
  };
  for (const auto& [name, bytes] : files) {
    BOOST_TEST_CONTEXT(name) {
      std::string path = dir.write(name, bytes);
      std::string stem = name.substr(0, name.find('.'));
      dir.write(stem + ".meta.json",
                "{\"title\": \"Sidecar title\", \"speakers\": [{\"name\": \"王建国\", \"affiliation\": "
                "\"清华大学\"}, \"Li Na\"], "
                "\"topics\": [\"开放科学\", \"AI/Governance\"], \"event\": \"2023 Forum\", \"date\": "
                "\"2023-05-17\"}");
      Document d = only(convert_file(path, ConvertOptions{}));
      BOOST_TEST(d.title == "Sidecar title");
      BOOST_REQUIRE_EQUAL(d.speakers.size(), 2u);
      BOOST_TEST(d.speakers[0].name == "王建国");
      BOOST_TEST(d.speakers[0].affiliation == "清华大学");
      BOOST_TEST(d.speakers[1].name == "Li Na");
      BOOST_TEST(d.topics == (std::vector<std::string>{"开放科学", "AI/Governance"}),
                 boost::test_tools::per_element());
      BOOST_TEST(d.event == "2023 Forum");
      BOOST_TEST(d.date == "2023-05-17");
      BOOST_TEST(texts(d) == (std::vector<std::string>{"Some text."}), boost::test_tools::per_element());
      // Without the sidecar the file's own metadata stands.
      ConvertOptions no_sidecar;
      no_sidecar.use_sidecar = false;
      BOOST_TEST(only(convert_file(path, no_sidecar)).title != "Sidecar title");
    }
  }
}

BOOST_AUTO_TEST_CASE(an_invalid_sidecar_is_an_error_naming_the_sidecar) {
  test::TempDir dir;
  std::string path = dir.write("talk.docx", test::docx_of("<w:p><w:r><w:t>Some text.</w:t></w:r></w:p>"));
  std::string sidecar = dir.write("talk.meta.json", "{\"title\": ");
  std::string err = error_of(path);
  BOOST_TEST(err.rfind("bad_metadata: " + path + ": sidecar " + sidecar + ": invalid JSON", 0) == 0, err);
}

BOOST_AUTO_TEST_SUITE_END()
