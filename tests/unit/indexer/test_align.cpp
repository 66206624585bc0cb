// The aligner on small handmade texts (link shapes), the sentence splitter (tables), the stored
// form (round trip), alignments kept current by the real ingest path, and the UDHR in three
// versions (zh-Hans, zh-Hant, en).
#include <xapian.h>

#include <boost/test/data/test_case.hpp>

#include <map>
#include <set>

#include "fixtures.h"
#include "tongwen/align.h"
#include "tongwen/alignment.h"
#include "tongwen/converter.h"
#include "tongwen/errors.h"
#include "tongwen/index_reader.h"
#include "tongwen/index_writer.h"
#include "tongwen/ingest.h"
#include "tongwen/sentences.h"
#include "tongwen/text.h"

namespace tongwen {
// For Boost.Test messages.
inline std::ostream& operator<<(std::ostream& o, const Link& l) {
  return o << l.type() << " conf " << l.confidence;
}
inline std::ostream& operator<<(std::ostream& o, const Alignment& a) {
  return o << a.source_id << " -> " << a.target_id << " (" << a.sentence_links.size() << " links)";
}
}  // namespace tongwen

namespace bdata = boost::unit_test::data;
using namespace tongwen;

namespace {

// Spans joined with a marker for the break before each: " / " sentence, " ~ " clause, " ^ " weak.
std::string show_split(const std::string& text, const std::string& lang) {
  auto cps = [&](std::uint32_t b, std::uint32_t e) {
    std::string out;
    std::size_t i = 0;
    for (std::uint32_t k = 0; i < text.size() && k < e; ++k) {
      std::size_t start = i;
      text::next_code_point(text, i);
      if (k >= b) out += text.substr(start, i - start);
    }
    return out;
  };
  std::string out;
  for (const auto& s : text::split_sentences(text, lang, true)) {
    if (s.before == text::BreakKind::Sentence) out += " / ";
    if (s.before == text::BreakKind::Clause) out += " ~ ";
    if (s.before == text::BreakKind::Weak) out += " ^ ";
    out += cps(s.begin, s.end);
  }
  return out;
}

struct SplitCase {
  const char* lang;
  const char* text;
  const char* expected;
};
std::ostream& operator<<(std::ostream& o, const SplitCase& c) {
  return o << c.text;
}

const SplitCase kSplitCases[] = {
    {"en", "Dr. Smith went to the U.S. Army base. He left.",
     "Dr. Smith went to the U.S. Army base. / He left."},
    {"en", "He said \"Hi!\" and left. Then he slept.", "He said \"Hi!\" and left. / Then he slept."},
    {"en", "Is it? Yes! Fine.", "Is it? / Yes! / Fine."},
    {"en", "J. K. Rowling wrote it. Mr. Jones agreed, e.g. Ms. Lee too.",
     "J. K. Rowling wrote it. / Mr. Jones agreed, e.g. Ms. Lee too."},
    {"en", "See No. 5 on p. 12 today. It is brand X. Now go.",
     "See No. 5 on p. 12 today. / It is brand ^ X. / Now go."},
    {"en", "Download the app now Follow our account [Authentic Book] History of Art",
     "Download the app now ^ Follow our account ^ [Authentic Book] ^ History of Art"},
    {"en", "We went to Los Angeles with Steve Lopez.", "We went to Los Angeles with Steve Lopez."},
    {"zh-Hans", "第一句。第二句？第三句！", "第一句。 / 第二句？ / 第三句！"},
    {"zh-Hans", "他说：“你好。”“我很好！”然后走了。", "他说：“你好。” / “我很好！” / 然后走了。"},
    {"zh-Hans", "有一天， 洛杉矶时报的专栏作家 Steve Lopez走在洛杉矶 大街上",
     "有一天， ~ 洛杉矶时报的专栏作家 ~ Steve Lopez走在洛杉矶 ~ 大街上"},
    {"zh-Hans", "这位此时却在想“哼，真倒霉，” “现在是八月啊，”",
     "这位此时却在想“哼，真倒霉，” ~ “现在是八月啊，”"},
    {"zh-Hant", "人人生而自由，在尊嚴和權利上一律平等。他們賦有理性和良心。",
     "人人生而自由，在尊嚴和權利上一律平等。 / 他們賦有理性和良心。"},
    {"zh-Hans", "第3.5版本发布了。价格是1,000元。", "第3.5版本发布了。 / 价格是1,000元。"},
    // List markers written on one line start a sentence; a spaced dash in prose does not.
    {"en", "-Supports Chinese and English -Maintains the structure",
     "-Supports Chinese and English / -Maintains the structure"},
    {"en", "• Open the settings page • Choose a language", "• Open the settings page / • Choose a language"},
    {"zh-Hans", "-支持中文和英文 -保持文档结构", "-支持中文和英文 ~ -保持文档结构"},
    {"en", "The costs - and they are high - fall on users.",
     "The costs - and they are high - fall on users."},
    {"en", "a well-known and long-standing rule", "a well-known and long-standing rule"},
    // Long lower-case chat without punctuation: candidate (weak) breaks before sentence openers,
    // an auxiliary only when it opens a question (`can you`), not after its subject (`i would`).
    {"en",
     "hi my parcel has not arrived yet the order number is 4471 can you check it for me i would like a "
     "refund",
     "hi ^ my parcel has not arrived yet ^ the order number is 4471 ^ can you check it for me ^ i would like "
     "a "
     "refund"},
    // Short lower-case text, or text with capitals, gets no such breaks.
    {"en", "ok thank you i will call", "ok thank you i will call"},
    {"en", "The order number is 4471 and i think the parcel is lost so i would like a refund today",
     "The order number is 4471 and i think the parcel is lost so i would like a refund today"},
};

BOOST_DATA_TEST_CASE(splits_chinese_and_english_sentences_clauses_and_weak_breaks, bdata::make(kSplitCases),
                     c) {
  BOOST_TEST(show_split(c.text, c.lang) == c.expected);
}

// Numbers as the aligner matches them across languages: the same value however each side writes it.
struct NumberCase {
  const char* text;
  const char* expected;  // values joined by " "
};
std::ostream& operator<<(std::ostream& o, const NumberCase& c) {
  return o << c.text;
}
const NumberCase kNumberCases[] = {
    {"In 2020, 1,000 people paid 3.50 dollars; 7 left.", "2020 1000 3.5"},
    {"46 percent of 20,000 cases, about 3 million in all", "46 20000 3000000"},
    {"twenty-five years, two hundred and fifty thousand votes, a thousand times, one of them",
     "25 250000 1000"},
    {"Ninety nine bottles and a million stars", "99 1000000"},
    {"两千五百台，百分之四十六，3.5亿元，二〇二〇年，十年，三千万人", "2500 46 350000000 2020 10 30000000"},
    {"2万人，第十五届，一百万", "20000 15 1000000"},
    // Words, not numbers: 一个, 十分 (very), 万一 (in case), 千万 (by all means), 百姓, 一一.
    {"一个人十分高兴，万一千万不要，百姓一一说", ""},
    {"G5 and 5G covid19 ten", "10"},
};

BOOST_DATA_TEST_CASE(reads_numbers_as_values_in_digits_chinese_numerals_and_english_words,
                     bdata::make(kNumberCases), c) {
  std::string got;
  for (const auto& n : alignment_numbers(c.text)) got += (got.empty() ? "" : " ") + n;
  BOOST_TEST(got == c.expected);
}

Document doc(const std::string& id, const std::string& lang, const std::vector<std::string>& paragraphs) {
  Document d;
  d.id = id;
  d.lang = lang;
  for (const auto& p : paragraphs) d.paragraphs.push_back(Paragraph{p, "", "", "", ""});
  return d;
}

std::vector<std::string> link_types(const Alignment& a) {
  std::vector<std::string> out;
  for (const auto& l : a.sentence_links) out.push_back(l.type());
  return out;
}

struct ShapeCase {
  const char* name;
  const char* zh;
  const char* en;
  std::vector<std::string> expected;
};
std::ostream& operator<<(std::ostream& o, const ShapeCase& c) {
  return o << c.name;
}

const ShapeCase kShapeCases[] = {
    {"one_to_one",
     "2019年我们在北京开会。2020年我们去了上海。",
     "In 2019 we met in Beijing. In 2020 we went to Shanghai.",
     {"1-1", "1-1"}},
    {"one_to_two",
     "Smith在2019年到了北京，在2020年又去了上海参加会议。",
     "Smith arrived in Beijing in 2019. In 2020 he went on to a meeting in Shanghai.",
     {"1-2"}},
    {"two_to_one",
     "Smith在2019年到了北京。他在2020年去了上海参加会议。",
     "Smith arrived in Beijing in 2019 and went on to a meeting in Shanghai in 2020.",
     {"2-1"}},
    {"one_to_zero",
     "2019年我们开始了这个项目。这一句在英文版里没有翻译，讲的是完全不同的另外一件事情。2020年我们完成了。",
     "We started the project in 2019. We finished it in 2020.",
     {"1-1", "1-0", "1-1"}},
    {"zero_to_one",
     "2019年我们开始了这个项目。2020年我们完成了。",
     "We started the project in 2019. This sentence has no Chinese counterpart and talks about something "
     "else "
     "entirely. We finished it in 2020.",
     {"1-1", "0-1", "1-1"}},
};

BOOST_DATA_TEST_CASE(aligns_handmade_pairs_with_the_expected_link_shapes, bdata::make(kShapeCases), c) {
  Alignment a = align_documents(doc("zh", "zh-Hans", {c.zh}), doc("en", "en", {c.en}));
  BOOST_TEST(a.method == "length+anchors");
  BOOST_TEST(link_types(a) == c.expected, boost::test_tools::per_element());
  BOOST_TEST_MESSAGE(c.name << ": " << to_json(a, nullptr, nullptr));
  for (const auto& l : a.sentence_links) {
    BOOST_TEST(l.confidence >= 0.0);
    BOOST_TEST(l.confidence <= 1.0);
  }
}

BOOST_AUTO_TEST_CASE(aligns_paragraphs_by_anchor_when_both_sides_carry_them) {
  Document zh = doc("zh", "zh-Hans", {"第一段。", "第二段，很长。第三句。", "只有中文有。"});
  Document en = doc("en", "en", {"Paragraph one.", "Paragraph two is long. Sentence three."});
  zh.paragraphs[0].anchor = "1";
  zh.paragraphs[1].anchor = "2";
  zh.paragraphs[2].anchor = "3";
  en.paragraphs[0].anchor = "1";
  en.paragraphs[1].anchor = "2";
  Alignment a = align_documents(zh, en);
  BOOST_TEST(a.method == "anchors");
  BOOST_REQUIRE(a.paragraph_links.size() == 3u);
  BOOST_TEST(a.paragraph_links[0] == (Link{{0}, {0}, 1.0}));
  BOOST_TEST(a.paragraph_links[1] == (Link{{1}, {1}, 1.0}));
  BOOST_TEST(a.paragraph_links[2] == (Link{{2}, {}, 1.0}));
  BOOST_TEST(link_types(a) == (std::vector<std::string>{"1-1", "1-1", "1-1", "1-0"}),
             boost::test_tools::per_element());
  AlignOptions text_only;
  text_only.ignore_anchors = true;
  BOOST_TEST(align_documents(zh, en, text_only).method == "length+anchors");
}

BOOST_AUTO_TEST_CASE(stored_form_round_trips_and_inverts) {
  Alignment a = align_documents(doc("a", "zh-Hans", {"2019年我们开始了。", "2020年我们完成了。"}),
                                doc("b", "en", {"We started in 2019.", "We finished in 2020."}));
  Alignment b = unserialise_alignment(serialise(a));
  BOOST_TEST(b.source_id == "a");
  BOOST_TEST(b.source_sentences == a.source_sentences);
  BOOST_TEST(b.target_sentences == a.target_sentences);
  BOOST_REQUIRE(b.sentence_links.size() == a.sentence_links.size());
  for (std::size_t k = 0; k < a.sentence_links.size(); ++k) {
    BOOST_TEST(b.sentence_links[k].src == a.sentence_links[k].src);
    BOOST_TEST(b.sentence_links[k].tgt == a.sentence_links[k].tgt);
    BOOST_TEST(std::abs(b.sentence_links[k].confidence - a.sentence_links[k].confidence) <= 0.00005);
  }
  BOOST_TEST(b.inverted().inverted() == b);
  BOOST_TEST(b.inverted().source_id == "b");
  BOOST_TEST(alignment_key("b", "a") == alignment_key("a", "b"));
  BOOST_CHECK_THROW(unserialise_alignment(serialise(a).substr(0, 10)), EnvironmentError);
  std::string json = to_json(a, nullptr, nullptr);
  BOOST_TEST(json.find("\"sentence_links\"") != std::string::npos);
  BOOST_TEST(json.find("\"type\":\"1-1\"") != std::string::npos);
}

// Ids and languages of every document in an index.
std::map<std::string, std::string> documents_in(const std::string& index) {
  Xapian::Database db(index);
  std::map<std::string, std::string> out;
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    Document d = unserialise(db.get_document(*it).get_data());
    out[d.lang] = d.id;
  }
  return out;
}

BOOST_AUTO_TEST_CASE(alignment_is_stored_at_ingest_recomputed_on_change_and_removed_with_a_member) {
  test::TempDir tmp;
  std::string zh_path = tmp.write(
      "docs/talk.zh.txt", "项目报告\n\n我们在2019年开始了这个项目。\n\n2020年我们完成了它，然后庆祝。\n");
  std::string en_path = tmp.write(
      "docs/talk.en.txt",
      "Project report\n\nWe started this project in 2019.\n\nIn 2020 we finished it and celebrated.\n");
  Settings s;
  s.data_dir = tmp / "data";
  IngestOptions opt;
  opt.paths = {tmp / "docs"};
  ingest(s, opt, nullptr);
  auto ids = documents_in(s.index_dir());
  BOOST_REQUIRE(ids.count("zh-Hans") && ids.count("en"));
  std::string key = alignment_key(ids["zh-Hans"], ids["en"]);
  std::string first;
  {
    Xapian::Database db(s.index_dir());
    first = db.get_metadata(key);
    BOOST_REQUIRE(!first.empty());
    auto stored = stored::alignment(db, ids["en"], ids["zh-Hans"]);
    BOOST_REQUIRE(stored.has_value());
    BOOST_TEST_MESSAGE(to_json(*stored, nullptr, nullptr));
    BOOST_TEST(stored->source_id == ids["en"]);
    BOOST_TEST(stored->sentence_links.size() == 2u);
  }
  // A changed version: a third sentence on the English side.
  tmp.write("docs/talk.en.txt",
            "Project report\n\nWe started this project in 2019.\n\nIn 2020 we finished it and celebrated. "
            "Then we rested.\n");
  ingest(s, opt, nullptr);
  {
    Xapian::Database db(s.index_dir());
    std::string second = db.get_metadata(key);
    BOOST_REQUIRE(!second.empty());
    BOOST_TEST(second != first);
    Alignment a = unserialise_alignment(second);
    std::size_t en_sentences =
        a.source_id == ids["en"] ? a.source_sentences.size() : a.target_sentences.size();
    BOOST_TEST(en_sentences == 3u);
  }
  // A member deleted: its alignments go with it.
  {
    IndexWriter w(s.index_dir());
    BOOST_REQUIRE(w.remove(ids["en"]));
    w.commit();
  }
  Xapian::Database db(s.index_dir());
  BOOST_TEST(db.get_metadata(key).empty());
  for (auto it = db.metadata_keys_begin("align:"); it != db.metadata_keys_end("align:"); ++it)
    BOOST_TEST_MESSAGE("left over: " << *it);
  BOOST_TEST((db.metadata_keys_begin("align:") == db.metadata_keys_end("align:")));
}

// Paragraph pairs (source paragraph, target paragraph) that an alignment's paragraph links make.
std::set<std::pair<int, int>> paragraph_pairs(const Alignment& a) {
  std::set<std::pair<int, int>> out;
  for (const auto& l : a.paragraph_links)
    for (int s : l.src)
      for (int t : l.tgt) out.insert({s, t});
  return out;
}

double f1(const std::set<std::pair<int, int>>& predicted, const std::set<std::pair<int, int>>& gold) {
  std::size_t correct = 0;
  for (const auto& p : predicted) correct += gold.count(p);
  if (correct == 0) return 0;
  double p = double(correct) / double(predicted.size()), r = double(correct) / double(gold.size());
  return 2 * p * r / (p + r);
}

BOOST_AUTO_TEST_CASE(udhr_aligns_across_simplified_traditional_and_english,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  std::string dir = test::corpus_real() + "/udhr-un/";
  std::map<std::string, Document> v;
  for (const char* f : {"udhr_cmn_hans.xml", "udhr_cmn_hant.xml", "udhr_eng.xml"}) {
    auto docs = convert_file(dir + f, ConvertOptions{}).documents;
    BOOST_REQUIRE(docs.size() == 1u);
    v[docs[0].lang] = docs[0];
  }
  BOOST_REQUIRE(v.count("zh-Hans") && v.count("zh-Hant") && v.count("en"));
  const std::pair<const char*, const char*> pairs[] = {
      {"zh-Hans", "zh-Hant"}, {"zh-Hans", "en"}, {"zh-Hant", "en"}};
  for (auto [a, b] : pairs) {
    Alignment anchored = align_documents(v[a], v[b]);
    BOOST_TEST(anchored.method == "anchors");
    AlignOptions text_only;
    text_only.ignore_anchors = true;
    Alignment from_text = align_documents(v[a], v[b], text_only);
    double score = f1(paragraph_pairs(from_text), paragraph_pairs(anchored));
    BOOST_TEST_MESSAGE("UDHR " << a << " <-> " << b << ": paragraph F1 from text vs anchors " << score);
    BOOST_TEST(score >= 0.95);
  }
}

}  // namespace
