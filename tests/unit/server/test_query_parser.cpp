// The query language, table-driven: input -> the Xapian query it builds, or the error and the
// character it names (the end-to-end tests only see hits; these pin the parser itself).
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "query_parser.h"
#include "tongwen/errors.h"

using namespace tongwen;

namespace {

std::string described(const std::string& q) {
  terms::QueryTerms qt;
  return parse_query(q, qt, nullptr, false).query.get_description();
}

std::string error_of(const std::string& q) {
  terms::QueryTerms qt;
  try {
    parse_query(q, qt, nullptr, false);
  } catch (const UserError& e) {
    return std::string(e.code()) + ": " + e.what();
  }
  return "(no error)";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(query_parser)

struct Case {
  const char* query;
  const char* built;  // Query::get_description() without the "Query(...)" wrapper
};

BOOST_AUTO_TEST_CASE(words_operators_and_fields) {
  const std::vector<Case> cases = {
      {"innovation", "Zinnov"},            // stemmed, over all text fields
      {"Ｉｎｎｏｖａｔｉｏｎ", "Zinnov"},  // full-width folds
      {"\"open science\"", "(open@1 PHRASE 2 science@2)"},
      {"AI 治理", "(Zai AND 治理@1)"},
      {"a OR b c", "(Za OR (Zb AND Zc))"},  // OR binds looser than AND
      {"(a OR b) c", "((Za OR Zb) AND Zc)"},
      {"（a OR b） c", "((Za OR Zb) AND Zc)"},  // full-width brackets
      {"NOT a", "(<alldocuments> AND_NOT Za)"},
      {"a -b", "(Za AND_NOT Zb)"},
      {"+a b", "(Za AND Zb)"},
      {"title:word", "ZSword"},
      {"speaker:Wang", "ZAwang"},
      {"topic:\"open science\"", "(Kopen@1 PHRASE 2 Kscience@2)"},
      {"lang:zh", "0 * Lzh"},  // filters do not weigh
      {"type:speech", "0 * XTspeech"},
      {"year:2023", "0 * Y2023"},
      {"date:2019..2023", "VALUE_RANGE 0 2019 2023~"},  // "2023~" sorts after every 2023-MM-DD
      {"date:2021-05..", "VALUE_GE 0 2021-05"},
      {"date:..2020", "VALUE_LE 0 2020~"},
      {"innovat*", "WILDCARD SYNONYM innovat"},
      {"人", "WILDCARD SYNONYM 人"},  // one character: its unigram or any bigram starting with it
      // A lone character after a word: ANDed, since a Xapian 1.4 phrase cannot hold its wildcard
      // (fuzz_query found Xapian::UnimplementedError escaping the parser).
      {"Q洋", "(q@1 AND WILDCARD SYNONYM 洋)"},
      {"", "<alldocuments>"},
  };
  for (const auto& c : cases)
    BOOST_TEST(described(c.query) == std::string("Query(") + c.built + ")", "query '" << c.query << "'");
}

BOOST_AUTO_TEST_CASE(chinese_strings_become_their_bigrams_in_order_in_simplified_form) {
  // Whatever operator holds them (phrase today), the terms are every bigram, Traditional mapped.
  const std::vector<std::pair<const char*, std::vector<const char*>>> cases = {
      {"人工智能治理", {"人工", "工智", "智能", "能治", "治理"}},
      {"智慧財產權", {"智慧", "慧财", "财产", "产权"}},
      {"“开放科学”", {"开放", "放科", "科学"}},
  };
  for (const auto& [q, bigrams] : cases) {
    std::string d = described(q);
    std::size_t at = 0;
    for (const char* b : bigrams) {
      auto found = d.find(b, at);
      BOOST_TEST(found != std::string::npos, "query '" << q << "': bigram " << b << " in order in " << d);
      if (found != std::string::npos) at = found;
    }
  }
}

BOOST_AUTO_TEST_CASE(malformed_queries_name_the_problem_and_the_character) {
  const std::vector<Case> cases = {
      {"\"open", "bad_query: unclosed quote starting at character 1"},
      {"(a OR b", "bad_query: unclosed '(' at character 1"},
      {"a)", "bad_query: unmatched ')' at character 2"},
      {"a OR", "bad_query: OR at character 3 needs a term after it"},
      {"AND a", "bad_query: AND at character 1 needs a term before it"},
      {"date:2023-13", "bad_query: date:2023-13 at character 1: month must be 01-12"},
      {"i*", "bad_query: wildcard \"i*\" at character 1 needs at least two letters before *"},
      {"lang:", "bad_query: field \"lang:\" at character 1 has no value"},
      {"\"\"", "bad_query: the query has no words to search for"},
  };
  for (const auto& c : cases) BOOST_TEST(error_of(c.query) == c.built, "query '" << c.query << "'");
  BOOST_TEST(
      error_of("foo:bar").rfind("bad_query: unknown field \"foo:\" at character 1 (known: title:", 0) == 0,
      error_of("foo:bar"));
}

BOOST_AUTO_TEST_SUITE_END()
