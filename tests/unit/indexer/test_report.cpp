// The load report and the progress display.
#include <boost/test/unit_test.hpp>

#include <iostream>
#include <sstream>

#include "fixtures.h"
#include "tongwen/errors.h"
#include "tongwen/manifest.h"
#include "tongwen/report.h"

using namespace tongwen;

namespace {

// Captures std::cerr for the lifetime of the object.
struct CaptureStderr {
  std::ostringstream text;
  std::streambuf* old = std::cerr.rdbuf(text.rdbuf());
  ~CaptureStderr() { std::cerr.rdbuf(old); }
};

FileOutcome awkward_row() {
  FileOutcome o;
  o.path = "talks/a, \"quoted\"\nname.txt";
  o.outcome = "failed";
  o.ids = {"a-1", "a-2"};
  o.format = "text";
  o.error_code = "malformed";
  o.error = "talks/a.txt: line 3: \"bad\", really";
  o.bytes = 42;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_csv_report_quotes_what_needs_quoting) {
  test::TempDir dir;
  {
    ReportWriter w(dir / "r.csv");
    w.write(awkward_row());
  }
  auto records = parse_csv(test::read(dir / "r.csv"));
  BOOST_REQUIRE_EQUAL(records.size(), 2u);
  BOOST_TEST(records[0].fields == (std::vector<std::string>{"path", "outcome", "ids", "format", "encoding",
                                                            "languages", "bytes", "error_code", "error"}));
  BOOST_TEST(records[1].fields[0] == awkward_row().path);
  BOOST_TEST(records[1].fields[2] == "a-1;a-2");
  BOOST_TEST(records[1].fields[8] == awkward_row().error);
}

BOOST_AUTO_TEST_CASE(the_report_format_follows_the_file_name_then_the_setting) {
  test::TempDir dir;
  {
    ReportWriter a(dir / "r.jsonl");
    a.write(awkward_row());
    ReportWriter b(dir / "r.txt", "jsonl");
    b.write(awkward_row());
  }
  for (const char* name : {"r.jsonl", "r.txt"}) {
    std::string text = test::read(dir / name);
    BOOST_TEST(text.find("{\"path\":") == 0u, text);
    BOOST_TEST(text.find("\"ids\":[\"a-1\",\"a-2\"]") != std::string::npos, text);
  }
  BOOST_CHECK_THROW(ReportWriter(dir / "no/such/folder/r.csv"), EnvironmentError);
}

BOOST_AUTO_TEST_CASE(progress_on_a_terminal_is_a_bar_with_rate_errors_and_eta) {
  CaptureStderr err;
  Progress p(true, true);
  IngestProgress at;
  at.files_done = 5;
  at.files_total = 10;
  at.documents = 500;
  at.bytes_done = 5 << 20;
  at.bytes_total = 10 << 20;
  at.failed = 1;
  at.seconds = 10;
  FileOutcome bad = awkward_row();
  p.update(bad, at);
  std::string s = err.text.str();
  BOOST_TEST(s.find("failed: " + bad.error) != std::string::npos, s);
  BOOST_TEST(s.find("[############............]") != std::string::npos, s);
  BOOST_TEST(s.find("5/10 files") != std::string::npos, s);
  BOOST_TEST(s.find("50 docs/s") != std::string::npos, s);
  BOOST_TEST(s.find("0.50 MB/s") != std::string::npos, s);
  BOOST_TEST(s.find("1 errors") != std::string::npos, s);
  BOOST_TEST(s.find("ETA 0m10s") != std::string::npos, s);
}

BOOST_AUTO_TEST_CASE(progress_elsewhere_is_a_plain_line_and_a_summary) {
  CaptureStderr err;
  Progress p(true, false);
  IngestProgress at;
  at.files_done = at.files_total = 3;
  at.documents = 30;
  at.seconds = 6;
  FileOutcome ok;
  ok.outcome = "added";
  p.update(ok, at);
  IngestSummary sum;
  sum.files = 3;
  sum.outcomes = {{"added", 2}, {"failed", 1}};
  sum.documents = 30;
  sum.seconds = 6;
  p.finish(sum);
  std::string s = err.text.str();
  BOOST_TEST(s.find("\033[") == std::string::npos, s);  // no terminal codes in a log
  BOOST_TEST(s.find("ingest: 3/3 files  30 docs  5 docs/s") == 0u, s);
  BOOST_TEST(s.find("ingest: 3 files (2 added, 1 failed), 30 documents") != std::string::npos, s);
}
