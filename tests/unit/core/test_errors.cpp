// The one error table (core errors.h): every code the sources throw or report is in it, with the
// family of the class that throws it, and README's error table is the same table.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "fixtures.h"
#include "tongwen/errors.h"

namespace fs = std::filesystem;
using namespace tongwen;

namespace {

struct Use {
  std::string code, file;
  int family;  // 0 user (UserError, ConvertError), 1 environment, -1 either (report rows)
};

std::vector<Use> codes_in_sources() {
  static const std::regex thrown(R"(\b(UserError|EnvironmentError)\(\s*"([a-z_]+)\")");
  static const std::regex converter(R"(\bConvertError\(\s*[^,;"]+,\s*"([a-z_]+)\")");
  static const std::regex reported(R"((fail_with\(|error_code = |problem_code = )\s*"([a-z_]+)\")");
  std::vector<Use> uses;
  for (const char* dir : {"core", "converters", "indexer", "server", "app"}) {
    for (const auto& e : fs::recursive_directory_iterator(fs::path(TONGWEN_SOURCE_DIR) / dir)) {
      auto ext = e.path().extension();
      if (!e.is_regular_file() || (ext != ".cpp" && ext != ".h")) continue;
      std::string text = tongwen::test::read(e.path().string());
      std::string file = fs::relative(e.path(), TONGWEN_SOURCE_DIR).string();
      for (std::sregex_iterator it(text.begin(), text.end(), thrown), end; it != end; ++it)
        uses.push_back({(*it)[2], file, (*it)[1] == "UserError" ? 0 : 1});
      for (std::sregex_iterator it(text.begin(), text.end(), converter), end; it != end; ++it)
        uses.push_back({(*it)[1], file, 0});
      for (std::sregex_iterator it(text.begin(), text.end(), reported), end; it != end; ++it)
        uses.push_back({(*it)[2], file, -1});
    }
  }
  return uses;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_code_in_the_sources_is_in_the_table_with_its_family) {
  auto uses = codes_in_sources();
  // The scan itself must find what it is meant to (a broken regex would pass everything).
  BOOST_TEST(uses.size() > 100u);
  std::set<std::string> seen;
  for (const auto& u : uses) {
    seen.insert(u.code);
    const ErrorCode* c = find_error_code(u.code);
    BOOST_TEST(c != nullptr,
               u.file << " uses error code \"" << u.code << "\", which core/src/errors.cpp lacks");
    if (c && u.family >= 0)
      BOOST_TEST((c->family == ErrorFamily::user ? 0 : 1) == u.family,
                 u.file << " throws \"" << u.code << "\" from the other family than the table's");
  }
  for (const char* expected :
       {"bad_query", "not_found", "corrupt_index", "malformed", "manifest", "failed_before"})
    BOOST_TEST(seen.count(expected) == 1u, "the scan did not see " << expected);
}

BOOST_AUTO_TEST_CASE(table_entries_are_unique_and_well_formed) {
  std::set<std::string_view> codes;
  for (const auto& c : error_codes()) {
    BOOST_TEST(codes.insert(c.code).second, "duplicate code " << c.code);
    BOOST_TEST((c.http_status >= 400 && c.http_status <= 599), c.code);
    BOOST_TEST((c.exit_code >= 1 && c.exit_code <= 3), c.code);
    BOOST_TEST(!c.meaning.empty(), c.code);
    if (c.family == ErrorFamily::environment) BOOST_TEST(c.exit_code == 3, c.code);
  }
}

BOOST_AUTO_TEST_CASE(a_code_missing_from_the_table_falls_back_by_class) {
  BOOST_TEST(error_code_of(UserError("bad_query", "x")).http_status == 400);
  BOOST_TEST(error_code_of(EnvironmentError("locked", "x")).http_status == 503);
  BOOST_TEST(error_code_of(UserError("no_such_code", "x")).code == "malformed");
  BOOST_TEST(error_code_of(EnvironmentError("no_such_code", "x")).code == "internal");
  BOOST_TEST(error_code_of(ConvertError("a.txt", "too_large", "x")).http_status == 413);
}

BOOST_AUTO_TEST_CASE(readme_error_table_is_the_table) {
  std::string readme = tongwen::test::read((fs::path(TONGWEN_SOURCE_DIR) / "README.md").string());
  auto at = readme.find("### Error codes");
  BOOST_TEST_REQUIRE(at != std::string::npos, "README.md has no '### Error codes' section");
  std::istringstream in(readme.substr(at));
  static const std::regex row(R"(^\| `([a-z_]+)` \| (\d{3}) \| (\d) \| (.+) \|$)");
  std::string line;
  std::getline(in, line);
  std::vector<std::string> got, want;
  while (std::getline(in, line) && !line.starts_with("#")) {
    std::smatch m;
    if (std::regex_match(line, m, row))
      got.push_back(m[1].str() + " " + m[2].str() + " " + m[3].str() + " " + m[4].str());
  }
  for (const auto& c : error_codes())
    want.push_back(std::string(c.code) + " " + std::to_string(c.http_status) + " " +
                   std::to_string(c.exit_code) + " " + std::string(c.meaning));
  BOOST_TEST(got == want, boost::test_tools::per_element());
}
