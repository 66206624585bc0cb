// The text pipeline: table tests of input -> normalised text and input -> tokens.
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <cstdint>
#include <memory>
#include <ostream>

#include "tongwen/text.h"

using tongwen::text::Analyzer;
using tongwen::text::Token;
using tongwen::text::TokenKind;

namespace {

struct Case {
  const char* input;
  const char* expected;
};
std::ostream& operator<<(std::ostream& o, const Case& c) {
  return o << c.input;
}

// Tokens rendered as "term/kind@pos" joined by spaces: kind w (word), b (bigram), l (last char).
std::string tokens(const char* input) {
  const auto& a = Analyzer::instance();
  std::string norm = a.normalize(input), out;
  a.segment(norm, [&](const Token& t) {
    if (!out.empty()) out += ' ';
    out += std::string(t.term) + "/" +
           (t.kind == TokenKind::Word        ? "w"
            : t.kind == TokenKind::CjkBigram ? "b"
                                             : "l") +
           "@" + std::to_string(t.position);
  });
  return out;
}

const Case kNormalize[] = {
    {"ＡＢＣ１２３", "abc123"},                  // full-width letters and digits
    {"Ｈｅｌｌｏ　Ｗｏｒｌｄ", "hello world"},   // ideographic space
    {"INNOVATION Policy", "innovation policy"},  // case folding
    {"Straße", "strasse"},                       // full case folding
    {"智慧財產權", "智慧财产权"},                // Traditional -> Simplified, per character
    {"世界人權宣言", "世界人权宣言"},
    {"臺灣與台灣", "台湾与台湾"},
    {"發展　髮型", "发展 发型"},
    {"ﬁnance", "finance"},                    // compatibility ligature
    {"㈱", "(株)"},                           // compatibility form
    {"人工智能，治理。", "人工智能,治理。"},  // full-width comma folds, 。 stays
    {"e\u0301cole", "\u00e9cole"},            // composition
};

const Case kTokens[] = {
    {"Innovation drives growth", "innovation/w@0 drives/w@1 growth/w@2"},
    {"人工智能", "人工/b@0 工智/b@1 智能/b@2 能/l@3"},
    {"创新", "创新/b@0 新/l@1"},
    {"新", "新/l@0"},
    {"AI治理", "ai/w@0 治理/b@1 理/l@2"},
    {"5G网络 and 6G", "5g/w@0 网络/b@1 络/l@2 and/w@3 6g/w@4"},
    {"知识产权。保护", "知识/b@0 识产/b@1 产权/b@2 权/l@3 保护/b@4 护/l@5"},
    {"ＡＩ　治理", "ai/w@0 治理/b@1 理/l@2"},
    {"COVID-19 vaccine", "covid/w@0 19/w@1 vaccine/w@2"},
    {"China's role", "china/w@0 s/w@1 role/w@2"},
    {"智慧財產權", "智慧/b@0 慧财/b@1 财产/b@2 产权/b@3 权/l@4"},
    {"", ""},
    {"，。！", ""},
    {"Café déjà vu", "café/w@0 déjà/w@1 vu/w@2"},
};

}  // namespace

BOOST_DATA_TEST_CASE(normalizes_width_case_and_script, boost::unit_test::data::make(kNormalize), c) {
  BOOST_TEST(Analyzer::instance().normalize(c.input) == c.expected);
}

BOOST_DATA_TEST_CASE(segments_words_and_cjk_bigrams, boost::unit_test::data::make(kTokens), c) {
  BOOST_TEST(tokens(c.input) == c.expected);
}

BOOST_AUTO_TEST_CASE(folds_traditional_to_simplified_tokens_identically) {
  BOOST_TEST(tokens("世界人權宣言") == tokens("世界人权宣言"));
  BOOST_TEST(tokens("數據安全與個人資訊") == tokens("数据安全与个人资讯"));
}

BOOST_AUTO_TEST_CASE(the_compiled_traditional_table_equals_icus_live_transliterator) {
  // The table is generated at build time (core/tools/gen_hant_hans.cpp); this catches a table
  // built against another ICU than the one the program runs with, or a generator that lost rows.
  UErrorCode st = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> tr(
      icu::Transliterator::createInstance("Hant-Hans", UTRANS_FORWARD, st));
  BOOST_REQUIRE(U_SUCCESS(st));
  const auto& a = tongwen::text::Analyzer::instance();
  std::size_t mapped = 0, mismatches = 0;
  for (auto [lo, hi] : {std::pair<UChar32, UChar32>{0x3400, 0x9FFF}, {0x20000, 0x2A6DF}}) {
    for (UChar32 c = lo; c <= hi; ++c) {
      icu::UnicodeString u(c);
      tr->transliterate(u);
      auto expected = u.countChar32() == 1 ? static_cast<char32_t>(u.char32At(0)) : static_cast<char32_t>(c);
      if (expected != static_cast<char32_t>(c)) ++mapped;
      if (a.to_simplified(static_cast<char32_t>(c)) != expected && ++mismatches <= 5)
        BOOST_TEST(static_cast<std::uint32_t>(a.to_simplified(static_cast<char32_t>(c))) ==
                       static_cast<std::uint32_t>(expected),
                   "U+" << std::hex << c);
    }
  }
  BOOST_TEST(mismatches == 0u);
  BOOST_TEST(mapped > 2000u);  // ICU 72 maps ~2,700 Traditional characters
  BOOST_TEST((a.to_simplified(U'權') == U'权'));
  BOOST_TEST((a.to_simplified(U'权') == U'权'));
}

BOOST_AUTO_TEST_CASE(maps_normalised_characters_back_to_original_offsets) {
  const auto& a = Analyzer::instance();
  // "ﬁ" (one code point) becomes "fi" (two); full-width Ａ one to one; 權 -> 权.
  auto m = a.normalize_mapped("ﬁＡ權x");
  BOOST_TEST(m.text == "fia权x");
  BOOST_REQUIRE_EQUAL(m.size(), 5u);
  BOOST_TEST(m.orig_begin[0] == 0u);
  BOOST_TEST(m.orig_end[0] == 1u);
  BOOST_TEST(m.orig_begin[1] == 0u);
  BOOST_TEST(m.orig_begin[2] == 1u);
  BOOST_TEST(m.orig_begin[3] == 2u);
  BOOST_TEST(m.orig_end[3] == 3u);
  BOOST_TEST(m.orig_begin[4] == 3u);
  BOOST_TEST(m.offset.back() == m.text.size());
}

BOOST_AUTO_TEST_CASE(skips_overlong_words_but_keeps_positions) {
  std::string s = "alpha " + std::string(100, 'x') + " omega";
  std::vector<std::pair<std::string, unsigned>> got;
  Analyzer::instance().segment(s, [&](const Token& t) { got.emplace_back(std::string(t.term), t.position); });
  BOOST_REQUIRE_EQUAL(got.size(), 2u);
  BOOST_TEST(got[1].first == "omega");
  BOOST_TEST(got[1].second == 2u);
}

BOOST_AUTO_TEST_CASE(treats_ill_formed_utf8_as_a_separator) {
  std::string s =
      "abc\xff\xfe"
      "def";
  BOOST_TEST(!tongwen::text::is_valid_utf8(s));
  std::vector<std::string> got;
  Analyzer::instance().segment(s, [&](const Token& t) { got.emplace_back(t.term); });
  BOOST_REQUIRE_EQUAL(got.size(), 2u);
  BOOST_TEST(got[0] == "abc");
  BOOST_TEST(got[1] == "def");
}

BOOST_AUTO_TEST_CASE(detects_language_from_script) {
  using tongwen::text::detect_language;
  BOOST_TEST(detect_language("人工智能的治理需要全球合作。") == "zh-Hans");
  BOOST_TEST(detect_language("人工智慧的治理需要全球合作與對話。") == "zh-Hant");
  BOOST_TEST(detect_language("Artificial intelligence needs global governance.") == "en");
  BOOST_TEST(detect_language("我们讨论了 AI governance 和 open science 的关系，以及数据共享的规则。") ==
             "zh-Hans");
  BOOST_TEST(detect_language(
                 "The Belt and Road (一带一路) initiative was discussed at length by the panel.") == "en");
  BOOST_TEST(detect_language("1234 —— !!!") == "und");
  BOOST_TEST(detect_language("Всеобщая декларация прав человека") == "other");
}

BOOST_AUTO_TEST_CASE(pinyin_reads_han_characters_toneless_one_syllable_each) {
  using tongwen::text::pinyin;
  BOOST_TEST(pinyin("刘洋") == "liu yang");
  BOOST_TEST(pinyin("劉洋") == "liu yang");  // Traditional characters have their readings too
  BOOST_TEST(pinyin("王建國") == "wang jian guo");
  BOOST_TEST(pinyin("黃怡君") == "huang yi jun");
  BOOST_TEST(pinyin("Liu Yang") == "Liu Yang");  // other characters are kept
  BOOST_TEST(pinyin("AI治理2023") == "AI zhi li 2023");
  BOOST_TEST(pinyin("").empty());
  // The compiled table equals ICU's live Han-Latin transliteration of each character alone.
  UErrorCode st = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> tr(
      icu::Transliterator::createInstance("Han-Latin; Latin-ASCII; Lower", UTRANS_FORWARD, st));
  BOOST_REQUIRE(U_SUCCESS(st));
  std::size_t mismatches = 0, read = 0;
  for (UChar32 c = 0x4E00; c <= 0x9FFF; c += 7) {
    icu::UnicodeString u(c);
    tr->transliterate(u);
    std::string expected, han;
    u.toUTF8String(expected);
    tongwen::text::append_utf8(han, static_cast<char32_t>(c));
    if (pinyin(han) != expected && ++mismatches <= 5)
      BOOST_TEST(pinyin(han) == expected, "U+" << std::hex << c);
    read += pinyin(han) != han;
  }
  BOOST_TEST(mismatches == 0u);
  BOOST_TEST(read > 2900u);  // nearly every unified ideograph has a reading
}
