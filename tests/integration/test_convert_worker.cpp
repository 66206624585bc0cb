// PDF and DOCX convert in a worker process (converters tongwen/convert_worker.h): a worker made to
// crash, hang or allocate without bound (the test-only trigger: TONGWEN_WORKER_TEST_FAULTS=1 and a
// marker in the file) costs that file, with its error code, and the load goes on.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <string>

#include "../unit/converters/builders.h"
#include "fixtures.h"
#include "serve.h"

using tongwen::test::run_tongwen;
using tongwen::test::TempDir;

namespace {

// Sets an environment variable for the tongwen processes a test case starts.
struct ScopedEnv {
  ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~ScopedEnv() { ::unsetenv(name_); }
  const char* name_;
};

std::string faulty_pdf(const std::string& fault) {
  return tongwen::test::text_pdf({"This page is never read."}) + "%tongwen-worker-test:" + fault + "\n";
}

std::string failure_line(const std::string& err, const std::string& path) {
  auto at = err.find("failed: " + path + ": ");
  return at == std::string::npos ? std::string() : err.substr(at, err.find('\n', at) - at);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_worker_that_crashes_hangs_or_blows_up_fails_its_file_and_the_load_goes_on) {
  TempDir dir;
  dir.write("in/good.pdf", tongwen::test::text_pdf({"Open science shares data and methods."}));
  dir.write("in/notes.en.txt", "title: Notes\nlang: en\n\nOpen science notes in plain text.\n");
  const std::string crash = dir.write("in/crash.pdf", faulty_pdf("crash"));
  const std::string hang = dir.write("in/hang.pdf", faulty_pdf("hang"));
  const std::string allocate = dir.write("in/allocate.pdf", faulty_pdf("allocate"));
  dir.write("in/later.pdf", tongwen::test::text_pdf({"A later page about open methods."}));
  ScopedEnv faults("TONGWEN_WORKER_TEST_FAULTS", "1");
  auto r = run_tongwen({"--data", dir / "data", "--set", "convert.timeout_seconds=1", "--set",
                        "convert.worker_memory_mb=400", "--set", "ingest.threads=2", "ingest", dir / "in"});
  BOOST_TEST(r.exit_code == 1, r.err);
  const std::string crashed = failure_line(r.err, crash);
  // A signal, or under AddressSanitizer its report and exit status.
  BOOST_TEST((crashed.find("the converter worker died of signal") != std::string::npos ||
              crashed.find("the converter worker exited with status") != std::string::npos),
             r.err);
  BOOST_TEST(failure_line(r.err, hang).find("(convert.timeout_seconds)") != std::string::npos, r.err);
  BOOST_TEST(failure_line(r.err, allocate).find("400 MB") != std::string::npos, r.err);
  BOOST_TEST(failure_line(r.err, allocate).find("(convert.worker_memory_mb)") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("3 added") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("3 failed") != std::string::npos, r.err);
  auto s = run_tongwen({"search", "--data", dir / "data", "open"});
  BOOST_TEST(s.out.rfind("3 documents", 0) == 0, s.out);
}

BOOST_AUTO_TEST_CASE(the_report_gives_each_failed_file_its_error_code) {
  TempDir dir;
  dir.write("in/good.pdf", tongwen::test::text_pdf({"Open science shares data and methods."}));
  dir.write("in/crash.pdf", faulty_pdf("crash"));
  dir.write("in/hang.pdf", faulty_pdf("hang"));
  dir.write("in/allocate.pdf", faulty_pdf("allocate"));
  ScopedEnv faults("TONGWEN_WORKER_TEST_FAULTS", "1");
  auto r =
      run_tongwen({"--data", dir / "data", "--set", "convert.timeout_seconds=1", "--set",
                   "convert.worker_memory_mb=400", "ingest", "--report", dir / "report.csv", dir / "in"});
  BOOST_TEST(r.exit_code == 1, r.err);
  // Columns: path,outcome,ids,format,encoding,languages,bytes,error_code,error
  const std::string report = tongwen::test::read(dir / "report.csv");
  auto row = [&](const std::string& name) {
    auto at = report.find(dir / ("in/" + name) + ",");
    return at == std::string::npos ? std::string() : report.substr(at, report.find('\n', at) - at);
  };
  for (auto [name, code] : {std::pair{"crash.pdf", "converter_crashed"}, std::pair{"hang.pdf", "timeout"},
                            std::pair{"allocate.pdf", "too_large"}}) {
    BOOST_TEST(row(name).find(",failed,") != std::string::npos, name << "\n" << report);
    BOOST_TEST(row(name).find(std::string(",") + code + ",") != std::string::npos, name << "\n" << report);
  }
  BOOST_TEST(row("good.pdf").find(",added,") != std::string::npos, report);
}

BOOST_AUTO_TEST_CASE(without_the_test_switch_the_marker_is_only_text) {
  TempDir dir;
  dir.write("in/crash.pdf", faulty_pdf("crash"));
  auto r = run_tongwen({"--data", dir / "data", "ingest", dir / "in"});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.err.find("1 added") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(in_process_conversion_when_workers_are_off) {
  TempDir dir;
  dir.write("in/good.pdf", tongwen::test::text_pdf({"Open science shares data and methods."}));
  auto r = run_tongwen({"--data", dir / "data", "--set", "convert.worker_memory_mb=0", "ingest", dir / "in"});
  BOOST_TEST(r.exit_code == 0, r.err);
  auto s = run_tongwen({"search", "--data", dir / "data", "open"});
  BOOST_TEST(s.out.rfind("1 documents", 0) == 0, s.out);
}

BOOST_AUTO_TEST_CASE(an_upload_that_crashes_its_worker_is_a_422_and_the_server_goes_on) {
  TempDir dir;
  dir.write("seed/seed.txt", "title: Seed\nlang: en\n\nThe seed document about innovation.\n");
  BOOST_REQUIRE(run_tongwen({"--data", dir / "data", "ingest", "--quiet", dir / "seed"}).exit_code == 0);
  const std::string token = "correct-horse-battery-staple";
  tongwen::test::Serve serve(dir / "data", {"server.token=" + token, "convert.timeout_seconds=1"},
                             {{"TONGWEN_WORKER_TEST_FAULTS", "1"}});
  for (const char* fault : {"crash", "hang"}) {
    auto r = serve.request("POST", std::string("/api/documents?filename=") + fault + ".pdf",
                           faulty_pdf(fault), token);
    BOOST_TEST(r.status == 422, fault << ": " << r.body);
    BOOST_TEST(
        tongwen::test::error_code(r) == (fault == std::string("crash") ? "converter_crashed" : "timeout"),
        r.body);
  }
  BOOST_TEST(serve.running());
  auto r = serve.request("POST", "/api/documents?filename=good.pdf",
                         tongwen::test::text_pdf({"Quokkas live on Rottnest Island."}), token);
  BOOST_TEST(r.status == 201, r.body);
  BOOST_TEST(serve.hits("quokkas") == 1);
}
