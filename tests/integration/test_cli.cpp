// The `tongwen` command: help, exit codes, and a load with bad files in it.
#include <boost/test/unit_test.hpp>

#include "fixtures.h"
#include "tongwen/util.h"

using tongwen::test::run_tongwen;
using tongwen::test::TempDir;

BOOST_AUTO_TEST_CASE(every_command_has_help) {
  for (const char* cmd :
       {"ingest", "search", "serve", "convert", "formats", "delete", "config", "authorities"}) {
    BOOST_TEST_CONTEXT(cmd) {
      auto r = run_tongwen({cmd, "--help"});
      BOOST_TEST(r.exit_code == 0);
      BOOST_TEST(r.out.find(std::string("usage: tongwen ") + cmd) != std::string::npos, r.out);
    }
  }
  auto r = run_tongwen({"--help"});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.out.find("commands:") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(usage_and_configuration_errors_exit_2) {
  BOOST_TEST(run_tongwen({}).exit_code == 2);
  BOOST_TEST(run_tongwen({"frobnicate"}).exit_code == 2);
  BOOST_TEST(run_tongwen({"search", "--no-such-option", "x"}).exit_code == 2);
  auto r = run_tongwen({"--set", "server.port=eighty", "config"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("server.port expected a whole number") != std::string::npos, r.err);
  r = run_tongwen({"--set", "no.such.key=1", "config"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("unknown setting \"no.such.key\"") != std::string::npos, r.err);
  TempDir dir;
  // A glossary configured but missing stops every command that would use it, naming the key.
  for (const char* command : {"search", "ingest"}) {
    const std::string target =
        command == std::string("search") ? std::string("innovation") : tongwen::test::corpus_dir();
    r = run_tongwen(
        {"--data", dir.path(), "--set", "search.glossary=" + (dir / "no-such.tsv"), command, target});
    BOOST_TEST(r.exit_code == 2, command << ": " << r.err);
    BOOST_TEST(
        r.err.find("search.glossary = " + (dir / "no-such.tsv") + ": no such file") != std::string::npos,
        r.err);
  }
  r = run_tongwen({"search", "--data", dir.path(), "\"unclosed"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("unclosed quote") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(a_wildcard_over_its_bound_is_the_querys_fault) {
  TempDir dir;
  dir.write("in/p.en.txt", "title: Plans\nlang: en\n\nA plan for a planet, a plate and a platform.\n");
  BOOST_REQUIRE(run_tongwen({"--data", dir / "data", "ingest", dir / "in"}).exit_code == 0);
  auto r = run_tongwen({"--data", dir / "data", "--set", "search.max_wildcard_terms=2", "search", "pla*"});
  BOOST_TEST(r.exit_code == 2, r.err);  // a usage error, not an index error (3)
  BOOST_TEST(r.err.find("search.max_wildcard_terms (2)") != std::string::npos, r.err);
  BOOST_TEST(run_tongwen({"--data", dir / "data", "search", "pla*"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(a_load_with_bad_files_names_each_and_indexes_the_rest) {
  TempDir dir;
  dir.write("in/good.en.txt", "title: Open science\nlang: en\n\nOpen science shares data and methods.\n");
  dir.write("in/good.zh.txt", "title: 开放科学\nlang: zh-Hans\n\n开放科学共享数据和方法。\n");
  std::string empty = dir.write("in/empty.txt", "");
  std::string bad_utf8 = dir.write(
      "in/bad-utf8.txt", "title: Broken\n\nText with a cut sequence \xe5\x88 here and more text after it.\n");
  std::string bad_xml = dir.write(
      "in/bad.xml",
      "<?xml version=\"1.0\"?>\n<mteval><srcset srclang=\"english\"><doc docid=\"1\"><seg id=\"1\">x</doc>");
  std::string no_title =
      dir.write("in/no-title.txt", "speakers: Someone\nlang: en\n\nText without a title.\n");
  auto r = run_tongwen({"ingest", "--data", dir / "data", dir / "in"});
  BOOST_TEST(r.exit_code == 1);
  for (const auto& path : {empty, bad_utf8, bad_xml, no_title})
    BOOST_TEST(r.err.find("failed: " + path + ": ") != std::string::npos, path << "\n" << r.err);
  BOOST_TEST(r.err.find("failed: " + bad_utf8 +
                        ": is not valid UTF-8 (first invalid byte at line 3, byte 26)") != std::string::npos,
             r.err);
  BOOST_TEST(r.err.find("2 added") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("4 failed") != std::string::npos, r.err);

  auto s = run_tongwen({"search", "--data", dir / "data", "open", "science"});
  BOOST_TEST(s.exit_code == 0);
  BOOST_TEST(s.out.rfind("1 documents", 0) == 0, s.out);
  s = run_tongwen({"search", "--data", dir / "data", "开放科学"});
  BOOST_TEST(s.out.rfind("1 documents", 0) == 0, s.out);
  // Loading again: the good files are unchanged, the failed ones are skipped until they change.
  r = run_tongwen({"ingest", "--data", dir / "data", dir / "in"});
  BOOST_TEST(r.err.find("2 unchanged") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(convert_prints_the_document_as_json) {
  TempDir dir;
  std::string f = dir.write("talk.en.txt", "title: A talk\nspeakers: Ann Lee\nlang: en\n\nHello.\n");
  auto r = run_tongwen({"convert", f, "--compact"});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.out.find("\"format\":\"text\"") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("\"speakers\":[{\"name\":\"Ann Lee\"}]") != std::string::npos, r.out);
  r = run_tongwen({"convert", dir / "missing.txt"});
  BOOST_TEST(r.exit_code != 0);
  BOOST_TEST(r.err.find(dir / "missing.txt") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(authorities_lists_exports_and_reads_the_curated_file) {
  tongwen::test::TempDir dir;
  std::string bad = dir.write("bad.tsv", "speaker\tx\tX\n\nspeaker\tonly-two\n");
  // A wrong curated file stops the load before it starts, naming the line.
  auto r = run_tongwen({"ingest", "--data", dir / "data", "--set", "search.authorities=" + bad,
                        tongwen::test::corpus_dir() + "/2021"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("bad.tsv:3: a line needs 3 to 6") != std::string::npos, r.err);
  r = run_tongwen({"ingest", "--data", dir / "data", tongwen::test::corpus_dir()});
  BOOST_REQUIRE(r.exit_code == 0);
  r = run_tongwen({"authorities", "speaker", "--data", dir / "data"});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.out.find("speaker: 19 entities") == 0u, r.out);
  BOOST_TEST(r.out.find("liu yang\ten=Liu Yang\tzh-Hans=刘洋\t4 documents\tevidence 2") != std::string::npos,
             r.out);
  BOOST_TEST(r.out.find("speaker: 0 conflicts") != std::string::npos, r.out);
  r = run_tongwen({"authorities", "event", "--json", "--data", dir / "data"});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.out.find("\"zh-Hant\": \"2022國際科技創新論壇\"") != std::string::npos, r.out);
  // Export, rename one line, read it back as the curated file.
  r = run_tongwen({"authorities", "export", dir / "a.tsv", "--data", dir / "data"});
  BOOST_REQUIRE(r.exit_code == 0);
  std::string text = tongwen::read_file(dir / "a.tsv");
  auto at = text.find("speaker\tliu yang\tLiu Yang\t刘洋\t\t\n");
  BOOST_REQUIRE(at != std::string::npos);
  text.replace(at, std::string("speaker\tliu yang\tLiu Yang\t刘洋\t\t\n").size(),
               "speaker\tliu yang\tYang LIU\t刘洋\t\tLiu Yang\n");
  std::string curated = dir.write("curated.tsv", text);
  r = run_tongwen(
      {"authorities", "speaker", "--data", dir / "data", "--set", "search.authorities=" + curated});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.out.find("liu yang\ten=Yang LIU\tzh-Hans=刘洋\t4 documents") != std::string::npos, r.out);
  BOOST_TEST(run_tongwen({"authorities", "person", "--data", dir / "data"}).exit_code == 2);
}
