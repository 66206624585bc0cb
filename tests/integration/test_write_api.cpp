// Writes over HTTP against a real `tongwen serve`: the bearer token, uploads and deletes through
// the loader's path, 413/422/503, and a server that sees a bulk load's commits within seconds.
#include <boost/test/unit_test.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <chrono>
#include <memory>
#include <thread>

#include "fixtures.h"
#include "load_corpus.h"
#include "serve.h"
#include "tongwen/index_writer.h"

using namespace tongwen;
using tongwen::test::TempDir;
using Clock = std::chrono::steady_clock;

namespace {

using test::error_code;
using test::Reply;
using test::Serve;

const std::string kToken = "correct-horse-battery-staple";

Xapian::doccount doc_count(const std::string& data) {
  return Xapian::Database(data + "/index").get_doccount();
}

// An index with one document, so that the server has something to read.
std::string seeded(const TempDir& dir) {
  dir.write("seed/seed.txt", "title: Seed\nlang: en\n\nThe seed document about innovation.\n");
  auto r = test::run_tongwen({"--data", dir / "data", "ingest", "--quiet", dir / "seed"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return dir / "data";
}

const std::string kUpload = "title: Quokka report\nlang: en\n\nThe quokka lives on Rottnest Island.\n";

}  // namespace

BOOST_AUTO_TEST_CASE(writes_need_the_bearer_token_and_reads_do_not) {
  TempDir dir;
  std::string data = seeded(dir);
  Serve serve(data, {"server.token=" + kToken});
  BOOST_TEST(serve.hits("innovation") == 1);  // reads: no token

  Reply r = serve.request("POST", "/api/documents?filename=quokka.txt", kUpload);
  BOOST_TEST(r.status == 401);
  BOOST_TEST(r.headers.get("WWW-Authenticate", "") == "Bearer");
  BOOST_TEST(error_code(r) == "unauthorized");
  r = serve.request("POST", "/api/documents?filename=quokka.txt", kUpload, "wrong-token");
  BOOST_TEST(r.status == 401);
  r = serve.request("POST", "/api/documents?filename=quokka.txt", kUpload, kToken + "x");
  BOOST_TEST(r.status == 401);
  BOOST_TEST(doc_count(data) == 1u);  // nothing changed

  r = serve.request("POST", "/api/documents?filename=quokka.txt", kUpload, kToken);
  BOOST_TEST(r.status == 201, r.body);
  Poco::JSON::Parser p;
  auto o = p.parse(r.body).extract<Poco::JSON::Object::Ptr>();
  BOOST_TEST(o->getValue<std::string>("outcome") == "added");
  std::string id = o->getArray("ids")->getElement<std::string>(0);
  BOOST_TEST(r.headers.get("Location", "") == "/api/documents/" + id);
  double seen = serve.wait_for_hits("quokka", 1);
  BOOST_TEST(seen >= 0, "the upload never became searchable");
  BOOST_TEST(serve.get("/api/documents/" + id).status == 200);
  BOOST_TEST(doc_count(data) == 2u);

  // The same upload again changes nothing.
  r = serve.request("POST", "/api/documents?filename=quokka.txt", kUpload, kToken);
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body.find("\"unchanged\"") != std::string::npos, r.body);

  // Deletes: no token, a wrong one, then the right one.
  r = serve.request("DELETE", "/api/documents/" + id);
  BOOST_TEST(r.status == 401);
  r = serve.request("DELETE", "/api/documents/" + id, "", "nope");
  BOOST_TEST(r.status == 401);
  BOOST_TEST(doc_count(data) == 2u);
  r = serve.request("DELETE", "/api/documents/" + id, "", kToken);
  BOOST_TEST(r.status == 200, r.body);
  BOOST_TEST(doc_count(data) == 1u);
  BOOST_TEST(serve.wait_for_hits("quokka", 0) >= 0);
  r = serve.request("DELETE", "/api/documents/" + id, "", kToken);
  BOOST_TEST(r.status == 404);
}

BOOST_AUTO_TEST_CASE(a_form_upload_carries_metadata_and_a_bad_file_changes_nothing) {
  TempDir dir;
  std::string data = seeded(dir);
  Serve serve(data, {"server.token=" + kToken, "server.max_upload_mb=1"});
  const std::string boundary = "----tongwen-test-boundary";
  std::string form =
      "--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nWombat burrows\r\n" +
      "--" + boundary + "\r\nContent-Disposition: form-data; name=\"speakers\"\r\n\r\nAnn Lee\r\n" + "--" +
      boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"wombat.txt\"\r\n" +
      "Content-Type: text/plain\r\n\r\ntitle: The file's own title\nspeakers: Someone Else\n\n" +
      "Wombats dig long burrows.\n\r\n--" + boundary + "--\r\n";
  Reply r =
      serve.request("POST", "/api/documents", form, kToken, "multipart/form-data; boundary=" + boundary);
  BOOST_TEST(r.status == 201, r.body);
  BOOST_TEST(serve.wait_for_hits("wombat", 1) >= 0);
  Reply hit = serve.get("/api/search?q=burrows");
  BOOST_TEST(hit.body.find("\"title\":\"Wombat burrows\"") != std::string::npos, hit.body);
  BOOST_TEST(hit.body.find("Ann Lee") != std::string::npos, hit.body);
  // The form wins over the file's header, for the title as for the speakers (finding 9).
  BOOST_TEST(hit.body.find("own title") == std::string::npos, hit.body);
  BOOST_TEST(hit.body.find("Someone Else") == std::string::npos, hit.body);

  // A file the converter refuses: 422 naming the problem; nothing written.
  auto before = doc_count(data);
  r = serve.request("POST", "/api/documents?filename=talks.jsonl",
                    "{\"id\":\"t1\",\"title\":\"T\",\"text\":\"x\"}\n{broken\n", kToken);
  BOOST_TEST(r.status == 422, r.body);
  BOOST_TEST(r.body.find("line 2") != std::string::npos, r.body);
  BOOST_TEST(doc_count(data) == before);
  // An unknown metadata field is the caller's mistake too.
  r = serve.request("POST", "/api/documents?filename=x.txt&colour=red", kUpload, kToken);
  BOOST_TEST(r.status == 422, r.body);
  BOOST_TEST(r.body.find("colour") != std::string::npos, r.body);

  // Over server.max_upload_mb: 413, announced or chunked.
  std::string big(3 << 20, 'a');
  r = serve.request("POST", "/api/documents?filename=big.txt", big, kToken);
  BOOST_TEST(r.status == 413, r.body);
  r = serve.request("POST", "/api/documents?filename=big.txt", big, kToken, "text/plain", true);
  BOOST_TEST(r.status == 413, r.body);
  BOOST_TEST(doc_count(data) == before);
}

BOOST_AUTO_TEST_CASE(without_a_configured_token_writes_are_forbidden) {
  TempDir dir;
  std::string data = seeded(dir);
  Serve serve(data, {});
  Reply r = serve.request("POST", "/api/documents?filename=quokka.txt", kUpload, "anything");
  BOOST_TEST(r.status == 403, r.body);
  BOOST_TEST(error_code(r) == "forbidden");
  BOOST_TEST(serve.request("DELETE", "/api/documents/x", "", "anything").status == 403);
  BOOST_TEST(doc_count(data) == 1u);
  BOOST_TEST(serve.hits("innovation") == 1);
}

BOOST_AUTO_TEST_CASE(an_upload_during_a_bulk_load_waits_then_gets_503_and_succeeds_on_retry) {
  TempDir dir;
  std::string data = seeded(dir);
  Serve serve(data, {"server.token=" + kToken, "server.write_wait_seconds=1"});
  {
    IndexWriter bulk(data + "/index");  // holds the write lock, as `tongwen ingest` does
    auto start = Clock::now();
    Reply r = serve.request("POST", "/api/documents?filename=quokka.txt", kUpload, kToken);
    double waited = std::chrono::duration<double>(Clock::now() - start).count();
    BOOST_TEST(r.status == 503, r.body);
    BOOST_TEST(error_code(r) == "locked");
    BOOST_TEST(!r.headers.get("Retry-After", "").empty());
    BOOST_TEST(waited >= 0.9, "answered after " << waited << " s, before the configured wait");
    BOOST_TEST(bulk.doc_count() == 1u);
  }
  Reply r = serve.request("POST", "/api/documents?filename=quokka.txt", kUpload, kToken);
  BOOST_TEST(r.status == 201, r.body);
  BOOST_TEST(serve.wait_for_hits("quokka", 1) >= 0);
  BOOST_TEST(doc_count(data) == 2u);
}

BOOST_AUTO_TEST_CASE(serve_sees_a_bulk_loads_commit_within_seconds) {
  TempDir dir;
  std::string data = seeded(dir);
  Serve serve(data, {});
  BOOST_TEST(serve.hits("platypus") == 0);
  dir.write("more/platypus.txt", "title: Platypus\nlang: en\n\nThe platypus lays eggs.\n");
  auto r = test::run_tongwen({"--data", data, "ingest", "--quiet", dir / "more"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  double seen = serve.wait_for_hits("platypus", 1, 10);
  BOOST_TEST_MESSAGE("the server saw the commit after " << seen << " s (server.reopen_seconds = 1)");
  BOOST_TEST(seen >= 0, "the server did not see the new document within 10 s");
}

// Finding 5: a million-row JSON Lines upload answered every id (9.9 MB) and held every document
// and its analysis at once (3.3 GB). Rows are streamed into the one transaction in batches; the
// answer gives the count, the first 100 ids (kUploadIdsShown) and the load that lists them all.
BOOST_AUTO_TEST_CASE(a_many_row_upload_is_answered_with_a_count_and_the_first_ids) {
  TempDir dir;
  std::string data = seeded(dir);
  Serve serve(data, {"server.token=" + kToken});
  const std::size_t rows = 2250;  // more than two batches of IndexWriteService::kUploadBatch (1000)
  auto jsonl = [&](std::size_t broken_row) {
    std::string s;
    for (std::size_t i = 1; i <= rows; ++i)
      s += i == broken_row
               ? "{broken\n"
               : "{\"id\":\"row-" + std::to_string(i) + "\",\"title\":\"Row " + std::to_string(i) +
                     "\",\"lang\":\"en\",\"text\":\"Numbat sighting number " + std::to_string(i) + ".\"}\n";
    return s;
  };
  // A bad row near the end: 422, and none of the rows before it is kept.
  Reply r = serve.request("POST", "/api/documents?filename=rows.jsonl", jsonl(rows - 3), kToken);
  BOOST_TEST(r.status == 422, r.body);
  BOOST_TEST(r.body.find("line " + std::to_string(rows - 3)) != std::string::npos, r.body);
  BOOST_TEST(doc_count(data) == 1u);

  r = serve.request("POST", "/api/documents?filename=rows.jsonl", jsonl(0), kToken);
  BOOST_TEST(r.status == 201, r.body.substr(0, 500));
  BOOST_TEST(r.body.size() < 8000u, r.body.size() << " bytes");
  Poco::JSON::Parser p;
  auto o = p.parse(r.body).extract<Poco::JSON::Object::Ptr>();
  BOOST_TEST(o->getValue<std::string>("outcome") == "added");
  BOOST_TEST(o->getValue<std::size_t>("count") == rows);
  auto ids = o->getArray("ids");
  BOOST_REQUIRE_EQUAL(ids->size(), 100u);
  BOOST_TEST(ids->getElement<std::string>(0) == "row-1");
  BOOST_TEST(ids->getElement<std::string>(99) == "row-100");
  std::string load = o->getValue<std::string>("load");
  BOOST_TEST(o->getValue<std::string>("note").find("first 100 of the " + std::to_string(rows)) !=
             std::string::npos);
  BOOST_TEST(o->getValue<std::string>("note").find("/api/loads/" + load) != std::string::npos);
  BOOST_TEST(r.headers.get("Location", "") == "");
  BOOST_TEST(doc_count(data) == rows + 1);
  BOOST_TEST(serve.wait_for_hits("numbat", static_cast<int>(rows)) >= 0,
             "the upload never became searchable");
  Reply detail = serve.get("/api/loads/" + load);
  BOOST_TEST(detail.status == 200);
  BOOST_TEST(detail.body.find("\"row-" + std::to_string(rows) + "\"") != std::string::npos);

  // The same rows again: unchanged, nothing written.
  r = serve.request("POST", "/api/documents?filename=rows.jsonl", jsonl(0), kToken);
  BOOST_TEST(r.status == 200, r.body.substr(0, 500));
  BOOST_TEST(r.body.find("\"unchanged\"") != std::string::npos);
  BOOST_TEST(doc_count(data) == rows + 1);
}
