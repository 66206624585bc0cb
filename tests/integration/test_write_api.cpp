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
#include "tongwen/index_writer.h"

using namespace tongwen;
using tongwen::test::TempDir;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kToken = "correct-horse-battery-staple";

struct Reply {
  int status = 0;
  std::string body;
  Poco::Net::HTTPResponse headers;
};

// `tongwen serve --port 0` in a child process; the URL is read from its first line.
class Serve {
 public:
  Serve(const std::string& data, std::vector<std::string> sets) {
    std::vector<std::string> args = {"--data", data};
    for (auto& s : sets) {
      args.push_back("--set");
      args.push_back(s);
    }
    args.insert(args.end(), {"serve", "--port", "0"});
    Poco::Process::Args a(args.begin(), args.end());
    handle_ = std::make_unique<Poco::ProcessHandle>(
        Poco::Process::launch(test::tongwen_binary(), a, test::source_dir(), nullptr, &out_, nullptr));
    stream_ = std::make_unique<Poco::PipeInputStream>(out_);
    std::string line;
    std::getline(*stream_, line);
    auto at = line.find("http://127.0.0.1:");
    BOOST_REQUIRE_MESSAGE(at != std::string::npos, "tongwen serve did not start: " << line);
    port_ = std::stoi(line.substr(at + 17));
  }
  ~Serve() {
    Poco::Process::requestTermination(handle_->id());
    handle_->wait();
  }

  Reply request(const std::string& method, const std::string& target, const std::string& body = "",
                const std::string& token = "", const std::string& content_type = "application/octet-stream",
                bool chunked = false) {
    Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port_));
    s.setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest req(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) req.set("Authorization", "Bearer " + token);
    if (method == "POST" || method == "PUT") {
      req.setContentType(content_type);
      if (chunked)
        req.setChunkedTransferEncoding(true);
      else
        req.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    Reply r;
    try {
      std::ostream& os = s.sendRequest(req);
      os << body;
      std::istream& in = s.receiveResponse(r.headers);
      Poco::StreamCopier::copyToString(in, r.body);
    } catch (const Poco::Exception&) {
      // The server may answer 413/401 and close before the whole body is sent.
      std::istream& in = s.receiveResponse(r.headers);
      Poco::StreamCopier::copyToString(in, r.body);
    }
    r.status = r.headers.getStatus();
    return r;
  }
  Reply get(const std::string& target) { return request("GET", target); }
  // Total hits for a query, as the server sees it now.
  int hits(const std::string& q) {
    std::string target;
    Poco::URI::encode(q, "", target);
    Reply r = get("/api/search?q=" + target);
    BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
    Poco::JSON::Parser p;
    return p.parse(r.body).extract<Poco::JSON::Object::Ptr>()->getValue<int>("total");
  }
  // Polls until the query has `want` hits; returns the seconds it took (or -1 after `limit`).
  double wait_for_hits(const std::string& q, int want, double limit = 10) {
    auto start = Clock::now();
    for (;;) {
      double secs = std::chrono::duration<double>(Clock::now() - start).count();
      if (hits(q) == want) return secs;
      if (secs > limit) return -1;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

 private:
  Poco::Pipe out_;
  std::unique_ptr<Poco::ProcessHandle> handle_;
  std::unique_ptr<Poco::PipeInputStream> stream_;
  int port_ = 0;
};

std::string error_code(const Reply& r) {
  Poco::JSON::Parser p;
  return p.parse(r.body).extract<Poco::JSON::Object::Ptr>()->getObject("error")->getValue<std::string>(
      "code");
}

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
      "Content-Type: text/plain\r\n\r\nWombats dig long burrows.\n\r\n--" + boundary + "--\r\n";
  Reply r =
      serve.request("POST", "/api/documents", form, kToken, "multipart/form-data; boundary=" + boundary);
  BOOST_TEST(r.status == 201, r.body);
  BOOST_TEST(serve.wait_for_hits("wombat", 1) >= 0);
  Reply hit = serve.get("/api/search?q=burrows");
  BOOST_TEST(hit.body.find("\"title\":\"Wombat burrows\"") != std::string::npos, hit.body);
  BOOST_TEST(hit.body.find("Ann Lee") != std::string::npos, hit.body);

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
