// A bulk load killed (kill -9) at random moments resumes to exactly the index a clean one-shot load
// builds: same ids, same stored documents, same load records, no duplicates, nothing lost.
#include <boost/test/unit_test.hpp>

#include <Poco/File.h>
#include <Poco/Process.h>

#include <chrono>
#include <fstream>
#include <random>
#include <thread>

#include "fixtures.h"
#include "load_corpus.h"

using namespace tongwen;
using tongwen::test::TempDir;

namespace {

std::size_t count_lines(const std::string& path) {
  std::ifstream in(path);
  std::size_t n = 0;
  std::string line;
  while (std::getline(in, line)) ++n;
  return n;
}

// Files the report shows as added so far (0 before the report exists).
std::size_t count_added(const std::string& path) {
  std::ifstream in(path);
  std::size_t n = 0;
  std::string line;
  while (std::getline(in, line)) n += line.find(",added,") != std::string::npos;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(resume)

// kill -9 at three random moments of a load (fixed seed), each time checking that the index opens
// and answers, then finish the load: the result equals a clean one-shot load.
BOOST_AUTO_TEST_CASE(a_killed_load_resumes_to_the_same_index_as_a_clean_load) {
  TempDir dir;
  std::size_t docs = test::write_generated_corpus(dir, "corpus", 42, 24, 40, 500, 1000);
  BOOST_TEST_MESSAGE("generated " << docs << " documents");
  const std::string corpus = dir / "corpus";
  auto args = [&](const std::string& data, const std::string& report) {
    return std::vector<std::string>{"--data",   data,   "--set", "ingest.batch_size=40", "ingest", "--quiet",
                                    "--report", report, corpus};
  };
  auto clean = test::run_tongwen(args(dir / "a", dir / "a-report.csv"));
  BOOST_REQUIRE_MESSAGE(clean.exit_code == 0, clean.err);
  auto a = test::snapshot(dir / "a/index");
  BOOST_REQUIRE_EQUAL(a.doccount, docs);
  BOOST_REQUIRE(a.duplicates.empty());
  const std::size_t rows = count_lines(dir / "a-report.csv") - 1;

  std::mt19937 rng(20261125);
  for (int k = 0; k < 3; ++k) {
    // A moment: after some files were added in this run, plus a random delay. The first kill
    // comes once the small JSON Lines files are done, so it lands inside the large one (whose
    // documents are committed 40 at a time); the others anywhere in what is left.
    std::size_t done =
        Poco::File(dir / "b/index").exists() ? test::snapshot(dir / "b/index").records.size() : 0;
    std::size_t after_added = k == 0 ? 24 : 1 + rng() % std::max<std::size_t>(1, (rows - done) * 8 / 10);
    int delay_ms = static_cast<int>(rng() % 150);
    std::string report = dir / ("b-report-" + std::to_string(k) + ".csv");
    auto a_args = args(dir / "b", report);
    Poco::Process::Args pargs(a_args.begin(), a_args.end());
    auto handle =
        Poco::Process::launch(test::tongwen_binary(), pargs, test::source_dir(), nullptr, nullptr, nullptr);
    bool killed = false;
    for (;;) {
      if (!Poco::Process::isRunning(handle)) break;
      if (count_added(report) >= after_added) {
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
        Poco::Process::kill(handle);  // SIGKILL
        killed = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    int status = handle.wait();
    BOOST_TEST_MESSAGE("kill " << k << ": after " << after_added << " files added + " << delay_ms
                               << " ms; the report had " << count_lines(report) - 1 << " rows");
    BOOST_REQUIRE_MESSAGE(killed, "the load finished before the kill point (status " << status << ")");

    // The index opens and answers; what it holds is a subset of the clean load, exactly.
    auto b = test::snapshot(dir / "b/index");
    BOOST_TEST(b.duplicates.empty());
    for (const auto& [id, data] : b.data) {
      auto it = a.data.find(id);
      BOOST_TEST((it != a.data.end() && it->second == data),
                 "document " << id << " differs from the clean load");
    }
    auto q = test::run_tongwen({"--data", dir / "b", "search", "innovation"});
    BOOST_TEST(q.exit_code == 0, q.err);
    std::size_t big = 0;
    for (const auto& [id, data] : b.data) big += id.rfind("gen-999-", 0) == 0;
    BOOST_TEST_MESSAGE("  index after the kill: " << b.doccount << " documents, " << big
                                                  << " of the 500 in the large file, " << b.records.size()
                                                  << " file records");
  }

  auto finish = test::run_tongwen(args(dir / "b", dir / "b-report-final.csv"));
  BOOST_REQUIRE_MESSAGE(finish.exit_code == 0, finish.err);
  auto b = test::snapshot(dir / "b/index");
  BOOST_TEST(b.duplicates.empty());
  BOOST_TEST(b.doccount == a.doccount);
  BOOST_TEST(b.data.size() == a.data.size());
  BOOST_TEST((b.data == a.data), "stored documents differ from the clean load");
  BOOST_TEST((b.records == a.records), "load records differ from the clean load");
  // And once more: nothing left to do.
  auto again = test::run_tongwen({"--data", dir / "b", "ingest", "--json", "--quiet", corpus});
  BOOST_TEST(again.exit_code == 0);
  BOOST_TEST(again.out.find("\"converted\": 0") != std::string::npos, again.out);
}

BOOST_AUTO_TEST_SUITE_END()
