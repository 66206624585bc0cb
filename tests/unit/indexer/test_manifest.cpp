// The CSV manifest reader: RFC 4180 fields, and the problems it reports instead of ignoring.
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "tongwen/errors.h"
#include "tongwen/manifest.h"

using namespace tongwen;
namespace bdata = boost::unit_test::data;

namespace {

struct CsvCase {
  const char* name;
  std::string text;
  std::vector<std::vector<std::string>> records;
};
std::ostream& operator<<(std::ostream& o, const CsvCase& c) {
  return o << c.name;
}

const CsvCase kCsvCases[] = {
    {"plain", "a,b\n1,2\n", {{"a", "b"}, {"1", "2"}}},
    {"no final line break", "a,b\n1,2", {{"a", "b"}, {"1", "2"}}},
    {"crlf", "a,b\r\n1,2\r\n", {{"a", "b"}, {"1", "2"}}},
    {"byte order mark", "\xEF\xBB\xBFpath\nx\n", {{"path"}, {"x"}}},
    {"quoted comma", "\"a,b\",c\n", {{"a,b", "c"}}},
    {"doubled quote", "\"say \"\"hi\"\"\",x\n", {{"say \"hi\"", "x"}}},
    {"line break inside quotes", "\"one\ntwo\",x\r\ny,z\n", {{"one\ntwo", "x"}, {"y", "z"}}},
    {"crlf inside quotes kept", "\"one\r\ntwo\"\n", {{"one\r\ntwo"}}},
    {"empty fields", ",,\n", {{"", "", ""}}},
    {"empty quoted field", "\"\",a\n", {{"", "a"}}},
    {"chinese", "path,title\n演讲.txt,人工智能治理\n", {{"path", "title"}, {"演讲.txt", "人工智能治理"}}},
};

}  // namespace

BOOST_DATA_TEST_CASE(csv_fields_follow_rfc_4180, bdata::make(kCsvCases), c) {
  auto records = parse_csv(c.text);
  BOOST_REQUIRE_EQUAL(records.size(), c.records.size());
  for (std::size_t i = 0; i < records.size(); ++i)
    BOOST_TEST(records[i].fields == c.records[i], "record " << i);
}

BOOST_AUTO_TEST_CASE(csv_records_know_the_line_they_start_on) {
  auto records = parse_csv("h\n\"a\nb\nc\"\nd\n");
  BOOST_REQUIRE_EQUAL(records.size(), 3u);
  BOOST_TEST(records[0].line == 1u);
  BOOST_TEST(records[1].line == 2u);
  BOOST_TEST(records[2].line == 5u);
  std::size_t open = 0;
  parse_csv("h\nx\n\"never closed\n", &open);
  BOOST_TEST(open == 3u);
}

BOOST_AUTO_TEST_CASE(manifest_rows_become_overrides_relative_to_the_manifest) {
  Manifest m = parse_manifest("/data/m.csv",
                              "Path, TITLE ,speakers,translation_of,lang\n"
                              "talks/a.txt,\"Title, with comma\",Ann Lee; Bo Chen,b-en,\n"
                              "/abs/b.txt,,,,en\n");
  BOOST_TEST(m.problems.empty());
  BOOST_REQUIRE_EQUAL(m.rows.size(), 2u);
  BOOST_TEST(m.rows[0].path == "/data/talks/a.txt");
  BOOST_TEST(m.rows[0].line == 2u);
  BOOST_TEST(m.rows[0].overrides.at("title") == "Title, with comma");
  BOOST_TEST(m.rows[0].overrides.at("speakers") == "Ann Lee; Bo Chen");
  BOOST_TEST(m.rows[0].overrides.at("translation-of") == "b-en");
  BOOST_TEST(m.rows[0].overrides.count("lang") == 0u);  // empty cells override nothing
  BOOST_TEST(m.rows[1].path == "/abs/b.txt");
  BOOST_TEST(m.rows[1].overrides.at("lang") == "en");
}

BOOST_AUTO_TEST_CASE(manifest_problems_name_the_line) {
  Manifest m = parse_manifest("/d/m.csv",
                              "path,title,colour\n"
                              "a.txt,A,red\n"
                              "b.txt,B,blue,extra\n"
                              ",C,\n"
                              "./a.txt,Again,\n");
  BOOST_REQUIRE_EQUAL(m.rows.size(), 1u);
  BOOST_REQUIRE_EQUAL(m.problems.size(), 4u);
  BOOST_TEST(m.problems[0].message.find("/d/m.csv line 1: unknown column \"colour\"") == 0u,
             m.problems[0].message);
  BOOST_TEST(m.problems[0].path == "/d/m.csv");
  BOOST_TEST(m.problems[1].message.find("/d/m.csv line 3: the row has 4 cells") == 0u, m.problems[1].message);
  BOOST_TEST(m.problems[2].message.find("/d/m.csv line 4: the path cell is empty") == 0u,
             m.problems[2].message);
  BOOST_TEST(m.problems[3].message.find("/d/m.csv line 5: \"./a.txt\" is already listed on line 2") == 0u,
             m.problems[3].message);
  BOOST_TEST(m.problems[3].path == "/d/a.txt");
}

BOOST_AUTO_TEST_CASE(a_manifest_without_a_path_column_or_not_utf8_is_refused) {
  BOOST_CHECK_THROW(parse_manifest("m.csv", "file,title\na.txt,A\n"), UserError);
  BOOST_CHECK_THROW(parse_manifest("m.csv", "path,title\na.txt,\xff\xfe\n"), UserError);
  BOOST_CHECK_THROW(parse_manifest("m.csv", ""), UserError);
  BOOST_CHECK_THROW(read_manifest("/no/such/manifest.csv"), UserError);
}
