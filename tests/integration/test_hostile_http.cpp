// Hostile clients against a real `tongwen serve`, on raw sockets: bodies shorter than their
// Content-Length, chunked bodies cut off or with malformed chunk sizes, clients that go silent in
// the middle of a body. Each must be refused in the one JSON error shape with its right status
// line, and must store nothing (the document count is unchanged).
#include <boost/test/unit_test.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <string>
#include <thread>

#include "fixtures.h"
#include "serve.h"

using namespace tongwen;
using tongwen::test::TempDir;

namespace {

using test::Serve;

const std::string kToken = "correct-horse-battery-staple";

std::string seeded(const TempDir& dir) {
  dir.write("seed/seed.txt", "title: Seed\nlang: en\n\nThe seed document about innovation.\n");
  auto r = test::run_tongwen({"--data", dir / "data", "ingest", "--quiet", dir / "seed"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return dir / "data";
}

// What came back on a raw connection: the status line, the status and the body (empty if none).
struct Raw {
  std::string status_line;
  int status = 0;
  std::string body;
};

Raw parse(const std::string& text) {
  Raw r;
  auto eol = text.find("\r\n");
  if (eol == std::string::npos) return r;
  r.status_line = text.substr(0, eol);
  if (r.status_line.size() >= 12) r.status = std::stoi(r.status_line.substr(9, 3));
  auto head_end = text.find("\r\n\r\n");
  if (head_end != std::string::npos) r.body = text.substr(head_end + 4);
  return r;
}

enum class End { half_close, silent, stay };

// Sends `head` and `body` as they are, then half-closes the connection (the client has nothing
// more to send), goes silent, or just waits; reads the answer until the server closes or
// `wait_s` seconds pass.
Raw raw_request(int port, const std::string& head, const std::string& body, End end, double wait_s = 10) {
  Poco::Net::StreamSocket s;
  s.connect(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
  s.setReceiveTimeout(Poco::Timespan(static_cast<long>(wait_s * 1e6)));
  std::string out = head + body;
  std::size_t sent = 0;
  while (sent < out.size()) {
    int n = s.sendBytes(out.data() + sent, static_cast<int>(out.size() - sent));
    BOOST_REQUIRE(n > 0);
    sent += static_cast<std::size_t>(n);
  }
  if (end == End::half_close) s.shutdownSend();
  std::string got;
  char buf[4096];
  try {
    for (;;) {
      int n = s.receiveBytes(buf, sizeof buf);
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
      Raw r = parse(got);
      // A complete answer: stop (the server may keep the connection open).
      auto cl = got.find("Content-Length: ");
      if (r.status && cl != std::string::npos &&
          r.body.size() >= std::stoul(got.substr(cl + 16, got.find("\r\n", cl) - cl - 16)))
        break;
    }
  } catch (const Poco::Exception&) {
    // timeout or reset: whatever arrived is the answer
  }
  return parse(got);
}

std::string upload_head(const std::string& framing) {
  return "POST /api/documents?filename=cut.txt HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + kToken +
         "\r\nContent-Type: text/plain\r\n" + framing + "\r\n";
}

std::string text_of(std::size_t bytes) {
  std::string t = "title: Cut\nlang: en\n\n";
  while (t.size() < bytes) t += "The platypus is a monotreme of eastern Australia. ";
  t.resize(bytes);
  return t;
}

int documents(Serve& serve) {
  auto r = serve.get("/healthz");
  BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
  Poco::JSON::Parser p;
  return p.parse(r.body).extract<Poco::JSON::Object::Ptr>()->getValue<int>("documents");
}

// Waits (the server reopens its index every server.reopen_seconds) until the count is `want`.
int documents_once(Serve& serve, int want) {
  int n = documents(serve);
  for (int i = 0; i < 100 && n != want; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    n = documents(serve);
  }
  return n;
}

// The one error shape, with the expected code.
void check_error(const Raw& r, int status, const std::string& reason, const std::string& code) {
  BOOST_TEST(r.status == status, r.status_line);
  BOOST_TEST(r.status_line == "HTTP/1.1 " + std::to_string(status) + " " + reason);  // not "400 OK"
  Poco::JSON::Object::Ptr o;
  try {
    Poco::JSON::Parser p;
    o = p.parse(r.body).extract<Poco::JSON::Object::Ptr>()->getObject("error");
  } catch (const Poco::Exception& e) {
    BOOST_FAIL("not the JSON error shape: " << r.body);
  }
  BOOST_REQUIRE(o);
  BOOST_TEST(o->getValue<std::string>("code") == code);
  BOOST_TEST(!o->getValue<std::string>("message").empty());
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_body_shorter_than_its_content_length_is_refused_and_stores_nothing) {
  TempDir dir;
  std::string data = seeded(dir);
  Serve serve(data, {"server.token=" + kToken, "server.body_timeout_ms=800"});
  const int before = documents(serve);

  // 200,000 of 700,000 bytes, then the client closes its side.
  Raw r =
      raw_request(serve.port(), upload_head("Content-Length: 700000\r\n"), text_of(200000), End::half_close);
  check_error(r, 400, "Bad Request", "bad_request");
  BOOST_TEST(r.body.find("200000 of the 700000") != std::string::npos, r.body);
  BOOST_TEST(documents(serve) == before);

  // The same, then the client goes silent past server.body_timeout_ms.
  auto start = std::chrono::steady_clock::now();
  r = raw_request(serve.port(), upload_head("Content-Length: 700000\r\n"), text_of(200000), End::silent);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  check_error(r, 408, "Request Time-out", "request_timeout");
  BOOST_TEST(secs < 5.0);  // the body timeout, not the 30 s default
  BOOST_TEST(documents(serve) == before);

  // The same bytes sent whole are stored: the refusals above are about the framing only.
  std::string whole = text_of(200000);
  r = raw_request(serve.port(), upload_head("Content-Length: " + std::to_string(whole.size()) + "\r\n"),
                  whole, End::stay);
  BOOST_TEST(r.status == 201, r.status_line << " " << r.body);
  BOOST_TEST(r.status_line == "HTTP/1.1 201 Created");
  // Once the stored upload is visible, nothing refused above is: one document, one platypus.
  BOOST_TEST(documents_once(serve, before + 1) == before + 1);
  BOOST_TEST(serve.hits("platypus") == 1);
}

BOOST_AUTO_TEST_CASE(a_chunked_body_cut_off_or_with_bad_chunk_sizes_is_refused_and_stores_nothing) {
  TempDir dir;
  std::string data = seeded(dir);
  Serve serve(data, {"server.token=" + kToken, "server.body_timeout_ms=800"});
  const int before = documents(serve);
  const std::string chunked = "Transfer-Encoding: chunked\r\n";
  std::string part = text_of(5000);
  char size[16];
  std::snprintf(size, sizeof size, "%zx", part.size());
  const std::string one_chunk = std::string(size) + "\r\n" + part + "\r\n";

  // A whole chunk, then the client closes without the terminating 0-chunk.
  Raw r = raw_request(serve.port(), upload_head(chunked), one_chunk, End::half_close);
  check_error(r, 400, "Bad Request", "bad_request");
  BOOST_TEST(documents(serve) == before);

  // Half a chunk, then close.
  r = raw_request(serve.port(), upload_head(chunked), one_chunk.substr(0, 2000), End::half_close);
  check_error(r, 400, "Bad Request", "bad_request");
  BOOST_TEST(documents(serve) == before);

  // A whole chunk, then silence past the body timeout.
  r = raw_request(serve.port(), upload_head(chunked), one_chunk, End::silent);
  check_error(r, 408, "Request Time-out", "request_timeout");
  BOOST_TEST(documents(serve) == before);

  // Chunk sizes that are not hexadecimal numbers that fit.
  for (const std::string bad : {"ZZZ", "FFFFFFFFFFFFFFFF", "-5"}) {
    r = raw_request(serve.port(), upload_head(chunked), bad + "\r\n" + part + "\r\n0\r\n\r\n", End::stay);
    BOOST_TEST_CONTEXT("chunk size " << bad) check_error(r, 400, "Bad Request", "bad_request");
  }
  BOOST_TEST(documents(serve) == before);

  // The same chunk, terminated, is stored.
  r = raw_request(serve.port(), upload_head(chunked), one_chunk + "0\r\n\r\n", End::stay);
  BOOST_TEST(r.status == 201, r.status_line << " " << r.body);
  // Once the stored upload is visible, nothing refused above is: one document, one platypus.
  BOOST_TEST(documents_once(serve, before + 1) == before + 1);
  BOOST_TEST(serve.hits("platypus") == 1);
}

BOOST_AUTO_TEST_CASE(requests_poco_cannot_frame_get_their_status_in_the_json_error_shape) {
  TempDir dir;
  std::string data = seeded(dir);
  Serve serve(data, {"server.token=" + kToken, "server.body_timeout_ms=800"});
  const int before = documents(serve);
  const std::string body = text_of(300);
  const std::string get = "GET /api/search?q=innovation HTTP/1.1\r\nHost: x\r\n";

  check_error(raw_request(serve.port(), upload_head("Content-Length: abc\r\n"), body, End::stay), 400,
              "Bad Request", "bad_request");
  check_error(
      raw_request(serve.port(), upload_head("Content-Length: 99999999999999999999999\r\n"), body, End::stay),
      400, "Bad Request", "bad_request");
  check_error(raw_request(serve.port(), upload_head("Content-Length: -5\r\n"), body, End::stay), 400,
              "Bad Request", "bad_request");
  Raw r = raw_request(serve.port(), upload_head("Content-Length: 300\r\nContent-Length: 10\r\n"), body,
                      End::stay);
  check_error(r, 400, "Bad Request", "bad_request");
  BOOST_TEST(r.body.find("two different Content-Length") != std::string::npos, r.body);
  check_error(raw_request(serve.port(), upload_head("Content-Length: 300\r\nTransfer-Encoding: chunked\r\n"),
                          body, End::stay),
              400, "Bad Request", "bad_request");
  // A write with neither Content-Length nor chunked: 411 at once, not a thread held for 30 s.
  check_error(raw_request(serve.port(), upload_head(""), body, End::stay), 411, "Length Required",
              "length_required");

  check_error(
      raw_request(serve.port(), "GET /api/search?q=" + std::string(100 * 1024, 'a') + " HTTP/1.1\r\n\r\n", "",
                  End::stay),
      414, "Request-URI Too Large", "uri_too_long");
  check_error(
      raw_request(serve.port(), get + "X-Big: " + std::string(100 * 1024, 'b') + "\r\n\r\n", "", End::stay),
      431, "Request Header Fields Too Large", "headers_too_large");
  std::string many = get;
  for (int i = 0; i < 200; ++i) many += "X-Field-" + std::to_string(i) + ": v\r\n";
  check_error(raw_request(serve.port(), many + "\r\n", "", End::stay), 431, "Request Header Fields Too Large",
              "headers_too_large");

  // Same values twice are no ambiguity, and a plain request still works.
  r = raw_request(serve.port(), get + "\r\n", "", End::stay);
  BOOST_TEST(r.status == 200, r.status_line);
  BOOST_TEST(documents(serve) == before);
}

BOOST_AUTO_TEST_CASE(a_token_of_only_whitespace_refuses_to_start) {
  TempDir dir;
  std::string data = seeded(dir);
  auto r = test::run_tongwen({"--data", data, "--set", "server.token= \t ", "serve", "--port", "0"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("server.token") != std::string::npos, r.err);
}
