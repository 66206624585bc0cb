// The foundation's two converters: the project's text format and IWSLT/TED XML.
#include <boost/test/unit_test.hpp>

#include <Poco/DirectoryIterator.h>

#include <map>
#include <set>

#include "fixtures.h"
#include "tongwen/converter.h"
#include "tongwen/errors.h"

using namespace tongwen;

namespace {

ConvertResult convert_text(const test::TempDir& dir, const std::string& name, const std::string& content) {
  return convert_file(dir.write(name, content), ConvertOptions{});
}

std::string error_of(const std::string& path) {
  try {
    convert_file(path, ConvertOptions{});
  } catch (const ConvertError& e) {
    return e.code() + ": " + e.what();
  }
  return "no error";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(text_format)

BOOST_AUTO_TEST_CASE(reads_the_metadata_header_and_paragraphs) {
  test::TempDir dir;
  auto r = convert_text(dir, "talk.zh.txt",
                        "title: 人工智能治理\n"
                        "speakers: 王建国 (清华大学); Li Na\n"
                        "topics: 人工智能/治理; 开放科学\n"
                        "event: 2023国际科技创新论坛\n"
                        "date: 2023-05-17\n"
                        "lang: zh-Hans\n"
                        "type: speech\n"
                        "id: 2023-wang-ai-zh\n"
                        "translation-of: 2023-wang-ai-en\n"
                        "\n"
                        "第一段，\n第二行。\n"
                        "\n"
                        "[Li Na] Second paragraph,\nwrapped.\n"
                        "\n"
                        "【王建国】第三段。\n");
  BOOST_REQUIRE_EQUAL(r.documents.size(), 1u);
  const Document& d = r.documents[0];
  BOOST_TEST(r.format == "text");
  BOOST_TEST(d.id == "2023-wang-ai-zh");
  BOOST_TEST(d.title == "人工智能治理");
  BOOST_REQUIRE_EQUAL(d.speakers.size(), 2u);
  BOOST_TEST(d.speakers[0].name == "王建国");
  BOOST_TEST(d.speakers[0].affiliation == "清华大学");
  BOOST_TEST(d.speakers[1].name == "Li Na");
  BOOST_TEST(d.topics == (std::vector<std::string>{"人工智能/治理", "开放科学"}),
             boost::test_tools::per_element());
  BOOST_TEST(d.date == "2023-05-17");
  BOOST_TEST(d.year() == "2023");
  BOOST_TEST(d.lang == "zh-Hans");
  BOOST_TEST(d.translation_of == "2023-wang-ai-en");
  BOOST_TEST(d.translation_group == "2023-wang-ai-en");
  BOOST_REQUIRE_EQUAL(d.paragraphs.size(), 3u);
  BOOST_TEST(d.paragraphs[0].text == "第一段，第二行。");  // Chinese lines join without a space
  BOOST_TEST(d.paragraphs[1].text == "Second paragraph, wrapped.");
  BOOST_TEST(d.paragraphs[1].speaker == "Li Na");
  BOOST_TEST(d.paragraphs[1].lang == "en");  // differs from the document's language
  BOOST_TEST(d.paragraphs[2].speaker == "王建国");
  BOOST_TEST(d.paragraphs[2].text == "第三段。");
  BOOST_TEST(d.source.format == "text");
  BOOST_TEST(d.source.sha256.size() == 64u);
  BOOST_TEST(d.source.encoding == "UTF-8");
}

BOOST_AUTO_TEST_CASE(a_header_without_title_is_an_error_naming_the_file) {
  test::TempDir dir;
  std::string path = dir.write("no-title.txt", "speakers: A\nlang: en\n\nSome text.\n");
  std::string err = error_of(path);
  BOOST_TEST(err.rfind("missing_field: " + path + ": ", 0) == 0, err);
  BOOST_TEST(err.find("title") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_unknown_header_field_is_an_error) {
  test::TempDir dir;
  std::string path = dir.write("typo.txt", "title: T\nspeakrs: A\n\nText.\n");
  std::string err = error_of(path);
  BOOST_TEST(err.find("bad_metadata") == 0, err);
  BOOST_TEST(err.find("speakrs") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(text_without_a_header_takes_its_title_from_the_first_line) {
  test::TempDir dir;
  auto r = convert_text(dir, "plain.txt", "A short title\n\nThe body of the text.\n\nMore text.\n");
  BOOST_TEST(r.documents[0].title == "A short title");
  BOOST_TEST(r.documents[0].paragraphs.size() == 2u);
  BOOST_TEST(r.documents[0].lang == "en");
}

BOOST_AUTO_TEST_CASE(empty_and_invalid_files_are_refused_with_their_path) {
  test::TempDir dir;
  std::string empty = dir.write("empty.txt", "");
  BOOST_TEST(error_of(empty) == "empty: " + empty + ": file is empty");
  std::string header_only = dir.write("header-only.txt", "title: Only a title\nlang: en\n");
  BOOST_TEST(error_of(header_only).find("no_text: " + header_only) == 0, error_of(header_only));
}

BOOST_AUTO_TEST_CASE(versions_named_name_lang_ext_form_a_translation_group) {
  test::TempDir dir;
  auto zh = convert_text(dir, "keynote.zh.txt", "开放科学的未来\n\n开放科学需要共享数据。\n").documents[0];
  auto en =
      convert_text(dir, "keynote.en.txt", "The future of open science\n\nOpen science needs shared data.\n")
          .documents[0];
  BOOST_TEST(zh.lang == "zh-Hans");
  BOOST_TEST(en.lang == "en");
  BOOST_TEST(zh.translation_group == en.translation_group);
  BOOST_TEST(zh.id != en.id);
  // Stable: converting again gives the same id.
  BOOST_TEST(convert_file(dir / "keynote.zh.txt", ConvertOptions{}).documents[0].id == zh.id);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ted_xml)

BOOST_AUTO_TEST_CASE(converts_every_talk_with_speakers_topics_and_groups,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  std::string dir = test::corpus_real() + "/iwslt-ted-zh-en";
  std::map<std::string, Document> docs;
  for (const char* sub : {"/iwslt15", "/iwslt17"}) {
    for (Poco::DirectoryIterator it(dir + sub), end; it != end; ++it) {
      if (!it.name().ends_with(".xml")) continue;
      auto r = convert_file(it->path(), ConvertOptions{});
      BOOST_TEST(r.format == "ted-xml");
      for (auto& d : r.documents) docs[d.id] = d;
    }
  }
  // 58 talks, each in Chinese and English (README of the folder).
  BOOST_TEST(docs.size() == 116u);
  std::size_t with_speaker = 0, segs_zh = 0, segs_en = 0;
  for (const auto& [id, d] : docs) {
    BOOST_TEST_CONTEXT(id) {
      BOOST_TEST(!d.topics.empty());
      BOOST_TEST(d.translation_group == "ted-" + d.extra.at("talkid"));
      auto other = docs.find(id.ends_with("-zh") ? d.translation_group + "-en" : d.translation_group + "-zh");
      BOOST_REQUIRE(other != docs.end());
      BOOST_TEST(other->second.paragraphs.size() == d.paragraphs.size());  // aligned seg by seg
      BOOST_TEST(d.paragraphs.front().anchor == "1");
      if (!d.speakers.empty()) ++with_speaker;
      (d.lang == "en" ? segs_en : segs_zh) += d.paragraphs.size();
    }
  }
  BOOST_TEST(segs_zh == segs_en);
  BOOST_TEST(segs_zh == 6255u);  // README: 6,255 segment pairs
  // Every English title names its speaker; Chinese titles without one borrow it from the English file.
  BOOST_TEST(with_speaker == docs.size());
  const Document& wade = docs.at("ted-69-en");
  BOOST_TEST(wade.speakers[0].name == "Wade Davis");
  BOOST_TEST(wade.title == "Dreams from endangered cultures");
  BOOST_TEST(docs.at("ted-69-zh").speakers[0].name == "Wade Davis");
  BOOST_TEST(docs.at("ted-69-zh").translation_of == "ted-69-en");
  BOOST_TEST(wade.paragraphs[0].text.rfind("You know, one of the intense pleasures of travel", 0) == 0);
  // IWSLT17 Chinese titles carry the speaker's Chinese name before a colon.
  BOOST_TEST(docs.at("ted-2227-zh").speakers[0].name == "露西安娜·沃克薇姿");
  BOOST_TEST(docs.at("ted-2227-zh").extra.at("translator") == "Huazhe Xie");
}

BOOST_AUTO_TEST_CASE(malformed_xml_names_the_file_and_line) {
  test::TempDir dir;
  std::string path = dir.write("bad.xml",
                               "<?xml version=\"1.0\"?>\n<mteval>\n<srcset srclang=\"english\">\n<doc "
                               "docid=\"1\">\n<seg id=\"1\">x</doc>\n");
  std::string err = error_of(path);
  BOOST_TEST(err.rfind("malformed: " + path + ": malformed XML at line", 0) == 0, err);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(udhr_xml)

BOOST_AUTO_TEST_CASE(three_scripts_form_one_group_with_shared_anchors,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  std::map<std::string, Document> docs;
  for (const char* f : {"udhr_cmn_hans", "udhr_cmn_hant", "udhr_eng"}) {
    auto r = convert_file(test::corpus_real() + "/udhr-un/" + f + ".xml", ConvertOptions{});
    BOOST_TEST(r.format == "udhr-xml");
    docs[r.documents.at(0).lang] = r.documents.at(0);
  }
  BOOST_REQUIRE_EQUAL(docs.size(), 3u);
  BOOST_TEST(docs["zh-Hans"].title == "世界人权宣言");
  BOOST_TEST(docs["zh-Hant"].title == "世界人權宣言");
  BOOST_TEST(docs["en"].title == "Universal Declaration of Human Rights");
  for (auto& [lang, d] : docs) {
    BOOST_TEST_CONTEXT(lang) {
      BOOST_TEST(d.translation_group == "udhr");
      std::set<std::string> articles;
      for (const auto& p : d.paragraphs)
        if (p.kind == "heading" && p.anchor.rfind("a", 0) == 0) articles.insert(p.anchor);
      BOOST_TEST(articles.size() == 30u);
      BOOST_TEST(d.paragraphs.front().anchor == "preamble");
    }
  }
  BOOST_TEST(docs["zh-Hant"].translation_of == "udhr-eng");
  BOOST_TEST(docs["en"].translation_of.empty());
}

BOOST_AUTO_TEST_SUITE_END()
