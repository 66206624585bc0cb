// The route table: every endpoint once, its method, its token, 404 and 405.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "api.h"
#include "tongwen/errors.h"

using namespace tongwen;

namespace {

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : path + "/") {
    if (c != '/') {
      cur.push_back(c);
    } else if (!cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
  }
  return out;
}

// The pattern that answers, or "!code" for the error.
std::string answer(const std::string& method, const std::string& path, PathArgs* args = nullptr) {
  try {
    auto [r, a] = match_route(method, segments(path));
    if (args) *args = a;
    return std::string(r->pattern);
  } catch (const UserError& e) {
    return "!" + e.code();
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(each_method_and_pattern_is_in_the_table_once) {
  std::set<std::string> seen;
  for (const Route& r : routes()) {
    BOOST_TEST(seen.insert(std::string(r.method) + " " + std::string(r.pattern)).second);
    BOOST_TEST((r.method == "GET" || r.method == "POST" || r.method == "DELETE"));
    BOOST_TEST(r.handle != nullptr);
    // Only writes need the token, and no read is a write: GET never does.
    if (r.method == "GET") BOOST_TEST(!r.token);
  }
  BOOST_TEST(seen.size() == routes().size());
}

BOOST_AUTO_TEST_CASE(paths_find_their_handler_and_arguments) {
  struct Row {
    const char* method;
    const char* path;
    const char* expected;  // pattern or !error code
    std::vector<std::string> args;
  };
  const std::vector<Row> rows{
      {"GET", "/healthz", "/healthz", {}},
      {"HEAD", "/healthz", "/healthz", {}},
      {"GET", "/api/search", "/api/search", {}},
      {"GET", "/api/facets/speaker", "/api/facets/{field}", {"speaker"}},
      {"GET", "/api/documents/abc", "/api/documents/{id}", {"abc"}},
      {"DELETE", "/api/documents/abc", "/api/documents/{id}", {"abc"}},
      {"POST", "/api/documents", "/api/documents", {}},
      {"GET", "/api/documents/a b/parallel", "/api/documents/{id}/parallel", {"a b"}},
      {"GET", "/api/concordance", "/api/concordance", {}},
      {"GET", "/api/export/tmx", "/api/export/tmx", {}},
      {"POST", "/api/align", "/api/align", {}},
      {"GET", "/api/loads", "/api/loads", {}},
      {"GET", "/api/loads/7", "/api/loads/{id}", {"7"}},
      {"POST", "/api/loads/7/undo", "/api/loads/{id}/undo", {"7"}},
      {"GET", "/api/loads/7/undo", "!method_not_allowed", {}},
      // The path exists under other methods: 405.
      {"GET", "/api/documents", "!method_not_allowed", {}},
      {"PUT", "/api/documents/abc", "!method_not_allowed", {}},
      {"POST", "/api/search", "!method_not_allowed", {}},
      {"GET", "/api/align", "!method_not_allowed", {}},
      {"HEAD", "/api/align", "!method_not_allowed", {}},
      // No such path: 404.
      {"GET", "/", "!not_found", {}},
      {"GET", "/api", "!not_found", {}},
      {"GET", "/api/nothing", "!not_found", {}},
      {"GET", "/api/documents/a/b", "!not_found", {}},
      {"GET", "/api/facets", "!not_found", {}},
  };
  for (const auto& row : rows) {
    PathArgs args;
    BOOST_TEST_CONTEXT(row.method << " " << row.path) {
      BOOST_TEST(answer(row.method, row.path, &args) == row.expected);
      if (row.expected[0] != '!') BOOST_TEST(args == row.args, boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(a_405_names_the_methods_the_path_takes) {
  try {
    match_route("PUT", segments("/api/documents/x"));
    BOOST_FAIL("PUT was routed");
  } catch (const UserError& e) {
    BOOST_TEST(e.code() == "method_not_allowed");
    std::string m = e.what();
    BOOST_TEST(m.find("GET") != std::string::npos);
    BOOST_TEST(m.find("DELETE") != std::string::npos);
    BOOST_TEST(m.find("/api/documents/x") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(filter_parameters_come_from_the_schema) {
  Params p{{"speaker", "刘洋"}, {"speaker", "Wang"}, {"lang", "en"}, {"year", ""}, {"q", "x"}};
  auto f = filter_params(p);
  BOOST_TEST(f.size() == 2u);  // an empty value is no filter; q is not a field
  BOOST_TEST(f["speaker"].size() == 2u);
  BOOST_TEST(f["lang"].front() == "en");
  BOOST_TEST(filter_params(p, {"lang"}).count("lang") == 0u);
  auto names = with_filters({"q"});
  for (const char* n : {"q", "speaker", "topic", "event", "year", "lang", "type"})
    BOOST_TEST((std::find(names.begin(), names.end(), n) != names.end()), n);
  BOOST_CHECK_THROW(check_params({{"nope", "1"}}, names), UserError);
  BOOST_CHECK_NO_THROW(check_params({{"_", "1"}, {"topic", "AI"}}, names));
}
