#include <boost/test/unit_test.hpp>

#include <cstdlib>

#include "fixtures.h"
#include "tongwen/config.h"
#include "tongwen/errors.h"

using namespace tongwen;

BOOST_AUTO_TEST_CASE(defaults_bind_to_localhost) {
  SettingsSources src;
  src.file = "/dev/null";
  src.use_environment = false;
  Settings s = load_settings(src);
  BOOST_TEST(s.server.host == "127.0.0.1");
  BOOST_TEST(s.server.port == 8080);
  BOOST_TEST(s.index_dir() == "data/index");
}

BOOST_AUTO_TEST_CASE(layers_file_then_environment_then_overrides) {
  test::TempDir dir;
  std::string file =
      dir.write("t.properties", "server.port = 9001\nsearch.snippet_chars = 90\ndata.dir = /tmp/x\n");
  SettingsSources src;
  src.file = file;
  src.use_environment = true;
  ::setenv("TONGWEN_PORT", "9002", 1);
  ::setenv("TONGWEN_DATA", "/tmp/y", 1);
  src.overrides = {{"data.dir", "/tmp/z"}};
  Settings s = load_settings(src);
  ::unsetenv("TONGWEN_PORT");
  ::unsetenv("TONGWEN_DATA");
  BOOST_TEST(s.server.port == 9002);         // environment beats file
  BOOST_TEST(s.search.snippet_chars == 90);  // file beats default
  BOOST_TEST(s.data_dir == "/tmp/z");        // command line beats environment
}

BOOST_AUTO_TEST_CASE(lists_every_problem_including_unknown_keys) {
  test::TempDir dir;
  std::string file =
      dir.write("bad.properties", "server.prot = 1\nserver.port = eighty\nsearch.expand = maybe\n");
  SettingsSources src;
  src.file = file;
  src.use_environment = false;
  try {
    load_settings(src);
    BOOST_FAIL("expected a configuration error");
  } catch (const UserError& e) {
    std::string m = e.what();
    BOOST_TEST(e.code() == "config");
    BOOST_TEST(m.find("unknown setting \"server.prot\"") != std::string::npos);
    BOOST_TEST(m.find("server.port expected a whole number") != std::string::npos);
    BOOST_TEST(m.find("search.expand expected true or false") != std::string::npos);
    BOOST_TEST(m.find(file) != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(the_shipped_configuration_file_is_valid) {
  SettingsSources src;
  src.file = test::config_dir() + "/tongwen.properties";
  src.use_environment = false;
  Settings s = load_settings(src);
  BOOST_TEST(s.server.host == "127.0.0.1");
}
