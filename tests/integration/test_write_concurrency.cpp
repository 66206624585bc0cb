// Writes racing reads against a real `tongwen serve`: uploads and deletes from several clients
// while others search and read documents, an upload larger than Xapian's auto-flush batch, and a
// server killed in the middle of an upload. Readers must never see an error for a commit they
// raced, nor half an upload; a killed upload leaves nothing behind.
#include <boost/test/unit_test.hpp>

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <xapian.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "fixtures.h"
#include "serve.h"

using namespace tongwen;
using tongwen::test::Reply;
using tongwen::test::Serve;
using tongwen::test::TempDir;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kToken = "concurrency-test-token";

std::string loaded_corpus(const TempDir& dir) {
  auto r = test::run_tongwen({"--data", dir / "data", "ingest", "--quiet", test::corpus_dir()});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return dir / "data";
}

// `rows` JSON Lines documents that all contain `word` (and nothing else in the corpus does).
std::string jsonl(const std::string& prefix, const std::string& word, int rows) {
  std::string out;
  for (int i = 0; i < rows; ++i)
    out += "{\"id\":\"" + prefix + std::to_string(i) + "\",\"title\":\"Row " + std::to_string(i) +
           "\",\"lang\":\"en\",\"text\":\"The " + word + " row number " + std::to_string(i) +
           " of a large upload.\"}\n";
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(uploads_and_deletes_racing_searches_never_fail_a_read) {
  const int kWriters = 4, kRounds = 40;
  TempDir dir;
  std::string data = loaded_corpus(dir);
  Serve serve(data, {"server.token=" + kToken, "server.reopen_seconds=0"});
  // Reads long enough to span several commits: 4,000 more documents that all match "common".
  Reply seed =
      serve.request("POST", "/api/documents?filename=common.jsonl", jsonl("c-", "common", 4000), kToken);
  BOOST_REQUIRE_MESSAGE(seed.status == 201, seed.body);
  const int baseline = serve.hits("innovation");
  BOOST_REQUIRE(baseline > 0);

  std::atomic<bool> writing{true};
  std::mutex mu;
  std::map<int, int> read_status, write_status;
  std::vector<std::string> read_errors;
  std::atomic<int> reads{0};

  std::vector<std::thread> writers, readers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kRounds; ++i) {
        std::string name = "race-" + std::to_string(w) + "-" + std::to_string(i) + ".txt";
        std::string body = "title: Race " + std::to_string(i) + "\nlang: en\n\nInnovation under load, " +
                           "writer " + std::to_string(w) + " round " + std::to_string(i) + ".\n";
        Reply up = serve.request("POST", "/api/documents?filename=" + name, body, kToken);
        Reply del;
        if (up.status == 201) {
          Poco::JSON::Parser p;
          auto ids = p.parse(up.body).extract<Poco::JSON::Object::Ptr>()->getArray("ids");
          del = serve.request("DELETE", "/api/documents/" + ids->getElement<std::string>(0), "", kToken);
        }
        std::lock_guard<std::mutex> lock(mu);
        ++write_status[up.status];
        if (del.status) ++write_status[del.status];
      }
    });
  }
  const std::vector<std::string> targets = {"/api/search?q=common&sort=date&page=40",
                                            "/api/search?q=row%20number&speaker=Liu%20Yang",
                                            "/api/search?q=innovation&speaker=Liu%20Yang",
                                            "/api/search?q=%E5%88%9B%E6%96%B0",
                                            "/api/search?q=%22technology%20transfer%22&sort=date",
                                            "/api/facets/speaker"};
  for (int r = 0; r < 8; ++r) {
    readers.emplace_back([&, r] {
      for (std::size_t i = r; writing; ++i) {
        const std::string& target = targets[i % targets.size()];
        Reply got = serve.get(target);
        ++reads;
        std::lock_guard<std::mutex> lock(mu);
        ++read_status[got.status];
        if (got.status != 200 && read_errors.size() < 5) read_errors.push_back(target + " -> " + got.body);
      }
    });
  }
  for (auto& t : writers) t.join();
  writing = false;
  for (auto& t : readers) t.join();

  BOOST_TEST_MESSAGE(reads << " reads during " << 2 * kWriters * kRounds << " writes");
  BOOST_TEST(serve.running(), "the server died under concurrent writes");
  BOOST_TEST(read_status.size() == 1u);
  BOOST_TEST(read_status[200] == reads.load());
  for (auto& e : read_errors) BOOST_TEST_MESSAGE("read error: " << e);
  BOOST_TEST(write_status[201] == kWriters * kRounds);
  BOOST_TEST(write_status[200] == kWriters * kRounds);  // every delete found its upload
  BOOST_TEST(serve.hits("innovation") == baseline);
}

BOOST_AUTO_TEST_CASE(an_upload_larger_than_a_flush_batch_is_seen_whole_or_not_at_all) {
  TempDir dir;
  std::string data = loaded_corpus(dir);
  const int rows = 3000;
  // A small auto-flush batch makes the bug certain: without one transaction per upload, Xapian
  // commits every 100 documents and readers see the upload grow.
  Serve serve(data, {"server.token=" + kToken, "server.reopen_seconds=0"},
              {{"XAPIAN_FLUSH_THRESHOLD", "100"}});
  std::atomic<bool> done{false};
  std::set<int> seen;
  std::thread reader([&] {
    while (!done) {
      seen.insert(serve.hits("zebu"));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  Reply r = serve.request("POST", "/api/documents?filename=zebu.jsonl", jsonl("zebu-", "zebu", rows), kToken);
  done = true;
  reader.join();
  BOOST_TEST(r.status == 201, r.body);
  seen.insert(serve.hits("zebu"));
  for (int n : seen) BOOST_TEST((n == 0 || n == rows), "a reader saw " << n << " of " << rows << " rows");
  BOOST_TEST(serve.hits("zebu") == rows);
}

BOOST_AUTO_TEST_CASE(a_server_killed_during_an_upload_keeps_none_of_it) {
  TempDir dir;
  std::string data = loaded_corpus(dir);
  const int rows = 6000;
  const Xapian::doccount before = Xapian::Database(data + "/index").get_doccount();
  double full = 0;
  {
    // How long an upload of this size takes here, to kill the next one half-way.
    TempDir other;
    std::string data2 = loaded_corpus(other);
    Serve serve(data2, {"server.token=" + kToken}, {{"XAPIAN_FLUSH_THRESHOLD", "100"}});
    auto start = Clock::now();
    Reply r = serve.request("POST", "/api/documents?filename=yak.jsonl", jsonl("yak-", "yak", rows), kToken);
    full = std::chrono::duration<double>(Clock::now() - start).count();
    BOOST_REQUIRE_MESSAGE(r.status == 201, r.body);
  }
  {
    Serve serve(data, {"server.token=" + kToken}, {{"XAPIAN_FLUSH_THRESHOLD", "100"}});
    std::thread upload([&] {
      try {
        serve.request("POST", "/api/documents?filename=yak.jsonl", jsonl("yak-", "yak", rows), kToken);
      } catch (const Poco::Exception&) {
        // the connection dies with the server
      }
    });
    std::this_thread::sleep_for(std::chrono::duration<double>(full * 0.6));
    serve.kill();
    upload.join();
  }
  Xapian::Database db(data + "/index");
  Xapian::doccount after = db.get_doccount();
  BOOST_TEST_MESSAGE("killed at " << full * 0.6 << " s of " << full << " s: " << after - before << " of "
                                  << rows << " rows stored");
  BOOST_TEST((after == before || after == before + rows),
             "a killed upload left " << after - before << " rows");
  // Xapian's own checker (xapian-tools), in its own process: Database::check() inside an ASan
  // build trips over a new/delete size mismatch in libxapian itself.
  Poco::Process::Args args = {data + "/index"};
  Poco::Pipe out;
  auto checker = Poco::Process::launch("xapian-check", args, nullptr, &out, &out);
  Poco::PipeInputStream is(out);
  std::string report;
  Poco::StreamCopier::copyToString(is, report);
  BOOST_TEST(checker.wait() == 0, "xapian-check: " << report);
}
