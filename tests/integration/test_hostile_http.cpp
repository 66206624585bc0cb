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
#include <Poco/URI.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

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

Poco::Net::StreamSocket connect_from(int port, const std::string& from = "127.0.0.1") {
  Poco::Net::StreamSocket s(Poco::Net::SocketAddress::IPv4);
  s.impl()->bind(Poco::Net::SocketAddress(from, 0));
  s.connect(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
  return s;
}

// Sends all of `bytes`; false when the server stopped taking them (a reset or a closed socket).
bool send_all(Poco::Net::StreamSocket& s, const std::string& bytes) {
  std::size_t sent = 0;
  try {
    while (sent < bytes.size()) {
      int n = s.sendBytes(bytes.data() + sent, static_cast<int>(bytes.size() - sent));
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
  } catch (const Poco::Exception&) {
    return false;
  }
  return true;
}

// What the server sends on `s` until it closes, `wait_s` seconds pass or (with `whole`) one
// complete answer has arrived; closed tells whether the server closed (or reset) the connection.
struct Heard {
  Raw answer;
  bool closed = false;
};

Heard listen(Poco::Net::StreamSocket& s, double wait_s, bool whole = false) {
  Heard h;
  std::string got;
  char buf[4096];
  s.setReceiveTimeout(Poco::Timespan(static_cast<long>(wait_s * 1e6)));
  try {
    for (;;) {
      int n = s.receiveBytes(buf, sizeof buf);
      if (n <= 0) {
        h.closed = true;
        break;
      }
      got.append(buf, static_cast<std::size_t>(n));
      Raw r = parse(got);
      auto cl = got.find("Content-Length: ");
      if (whole && r.status && cl != std::string::npos &&
          r.body.size() >= std::stoul(got.substr(cl + 16, got.find("\r\n", cl) - cl - 16)))
        break;
    }
  } catch (const Poco::TimeoutException&) {
  } catch (const Poco::Exception&) {
    h.closed = true;  // reset: whatever arrived is the answer
  }
  h.answer = parse(got);
  return h;
}

// Sends `head` and `body` as they are, then half-closes the connection (the client has nothing
// more to send), goes silent, or just waits; reads the answer until the server closes, the answer
// is complete (the server may keep the connection open) or `wait_s` seconds pass.
double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

Raw raw_request(int port, const std::string& head, const std::string& body, End end, double wait_s = 10) {
  Poco::Net::StreamSocket s = connect_from(port);
  BOOST_REQUIRE(send_all(s, head + body));
  if (end == End::half_close) s.shutdownSend();
  return listen(s, wait_s, true).answer;
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

BOOST_AUTO_TEST_CASE(slow_and_idle_clients_never_starve_a_normal_client) {
  TempDir dir;
  std::string data = seeded(dir);
  // 4 workers: a thread per connection starved at 4 tricklers; here 200 trickle and 40 idle.
  Serve serve(data, {"server.threads=4", "server.header_timeout_ms=3000", "server.keepalive_timeout_ms=1000",
                     "server.max_connections=400", "server.max_connections_per_client=300"});
  const std::string get = "GET /api/search?q=innovation HTTP/1.1\r\nHost: x\r\n";

  std::vector<Poco::Net::StreamSocket> tricklers, idle, kept;
  auto opened = std::chrono::steady_clock::now();
  for (int i = 0; i < 200; ++i) {
    tricklers.push_back(connect_from(serve.port()));
    BOOST_REQUIRE(send_all(tricklers.back(), get));
  }
  for (int i = 0; i < 20; ++i) idle.push_back(connect_from(serve.port()));
  // Keep-alive connections that asked once and then say nothing.
  for (int i = 0; i < 20; ++i) {
    kept.push_back(connect_from(serve.port()));
    std::string req = get + "\r\n";
    BOOST_REQUIRE(send_all(kept.back(), req));
  }
  std::atomic<bool> done{false};
  std::thread trickle([&] {  // one header byte per trickler every 50 ms: never silent for long
    const std::string line = "X-Slow: drip\r\n";
    for (std::size_t k = 0; !done; ++k) {
      for (auto& t : tricklers) {
        try {
          t.sendBytes(&line[k % line.size()], 1);
        } catch (const Poco::Exception&) {
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });

  // A normal client, while all of them are open (before the 3 s header deadline).
  std::vector<double> ms;
  while (seconds_since(opened) < 2.2 && ms.size() < 200) {
    auto t = std::chrono::steady_clock::now();
    Raw r = raw_request(serve.port(), get + "Connection: close\r\n\r\n", "", End::stay, 5);
    ms.push_back(seconds_since(t) * 1000);
    BOOST_REQUIRE_MESSAGE(r.status == 200, r.status_line << " " << r.body);
  }
  std::sort(ms.begin(), ms.end());
  double p99 = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  BOOST_TEST_MESSAGE("normal requests beside 200 tricklers and 40 idle: "
                     << ms.size() << ", p50 " << ms[ms.size() / 2] << " ms, p99 " << p99 << " ms");
  BOOST_TEST(ms.size() >= 20u);
  BOOST_TEST(p99 < 500.0);  // generous for asan; scripts/bench measures the release figure

  // The kept connections had their answer and are closed 1 s (keep-alive timeout) later.
  for (auto& k : kept) {
    Heard h = listen(k, 3);
    BOOST_TEST(h.answer.status == 200);
    BOOST_TEST(h.closed);
  }
  // The header deadline is a total: tricklers that never fell silent get 408 after 3 s, and the
  // idle connections are closed without a word.
  for (std::size_t i = 0; i < tricklers.size(); i += 20) {
    Heard h = listen(tricklers[i], 5);
    BOOST_TEST_CONTEXT("trickler " << i) check_error(h.answer, 408, "Request Time-out", "request_timeout");
  }
  double waited = seconds_since(opened);
  BOOST_TEST(waited < 6.0);
  for (auto& s : idle) {
    Heard h = listen(s, 3);
    BOOST_TEST(h.closed);
    BOOST_TEST(h.answer.status == 0);
  }
  done = true;
  trickle.join();
}

BOOST_AUTO_TEST_CASE(connections_over_the_limits_get_503_too_many_connections) {
  TempDir dir;
  std::string data = seeded(dir);
  Serve serve(data, {"server.max_connections=5", "server.max_connections_per_client=3",
                     "server.header_timeout_ms=20000"});
  std::vector<Poco::Net::StreamSocket> open;
  for (int i = 0; i < 3; ++i) open.push_back(connect_from(serve.port(), "127.0.0.1"));
  // The fourth from the same address.
  auto over = connect_from(serve.port(), "127.0.0.1");
  Heard h = listen(over, 5);
  check_error(h.answer, 503, "Service Unavailable", "too_many_connections");
  BOOST_TEST(h.answer.body.find("server.max_connections_per_client") != std::string::npos, h.answer.body);
  BOOST_TEST(h.closed);
  // Two more from another address fill the total; a sixth from a third address is refused.
  for (int i = 0; i < 2; ++i) open.push_back(connect_from(serve.port(), "127.0.0.2"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // accepted before the next
  over = connect_from(serve.port(), "127.0.0.3");
  h = listen(over, 5);
  check_error(h.answer, 503, "Service Unavailable", "too_many_connections");
  BOOST_TEST(h.answer.body.find("server.max_connections)") != std::string::npos, h.answer.body);
  // One of them is served, then closes: its place is free again.
  std::string req = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  BOOST_REQUIRE(send_all(open[0], req));
  h = listen(open[0], 5);
  BOOST_TEST(h.answer.status == 200, h.answer.status_line);
  BOOST_TEST(h.closed);
  Raw r = raw_request(serve.port(), req, "", End::stay);
  BOOST_TEST(r.status == 200, r.status_line << " " << r.body);
}

BOOST_AUTO_TEST_CASE(a_chunked_upload_far_over_the_limit_gets_413_not_a_reset) {
  TempDir dir;
  std::string data = seeded(dir);
  Serve serve(data, {"server.token=" + kToken, "server.max_upload_mb=1"});
  const int before = documents(serve);
  // 200 MB in 64 KB chunks, sent until the server stops taking them.
  Poco::Net::StreamSocket s = connect_from(serve.port());
  BOOST_REQUIRE(send_all(s, upload_head("Transfer-Encoding: chunked\r\n")));
  std::string part = text_of(64 * 1024);
  char size[16];
  std::snprintf(size, sizeof size, "%zx", part.size());
  const std::string chunk = std::string(size) + "\r\n" + part + "\r\n";
  std::size_t sent = 0;
  auto start = std::chrono::steady_clock::now();
  while (sent < (200u << 20) && send_all(s, chunk)) sent += part.size();
  Heard h = listen(s, 10);
  BOOST_TEST_MESSAGE("sent " << (sent >> 20) << " MB before the server stopped reading, in "
                             << seconds_since(start) << " s");
  // The server reads its limit and a bounded drain (16 MB) past it, not 200 MB, then answers.
  BOOST_TEST(sent >= (17u << 20));
  BOOST_TEST(sent < (200u << 20));
  check_error(h.answer, 413, "Request Entity Too Large", "too_large");
  BOOST_TEST(h.answer.body.find("server.max_upload_mb") != std::string::npos, h.answer.body);
  BOOST_TEST(documents(serve) == before);
}

BOOST_AUTO_TEST_CASE(the_token_can_come_from_server_token_file_and_never_from_the_url) {
  TempDir dir;
  std::string data = seeded(dir);
  dir.write("secret/token", "  " + kToken + "\n\n");
  Serve serve(data, {"server.token_file=" + dir / "secret/token"});
  const int before = documents(serve);
  const std::string upload = "title: Quokka\nlang: en\n\nThe quokka lives on Rottnest Island.\n";

  // In the URL, under any name a client might try: not looked at.
  for (const std::string name : {"token", "access_token", "auth", "bearer"}) {
    auto r = serve.request("POST", "/api/documents?filename=q.txt&" + name + "=" + kToken, upload);
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST(r.status == 401, r.body);
      BOOST_TEST(test::error_code(r) == "unauthorized");
    }
    r = serve.request("DELETE", "/api/documents/seed?" + name + "=" + kToken);
    BOOST_TEST_CONTEXT(name) BOOST_TEST(r.status == 401, r.body);
  }
  BOOST_TEST(documents(serve) == before);
  // The file's token, without the whitespace around it, in the header.
  BOOST_TEST(serve.request("POST", "/api/documents?filename=q.txt", upload, kToken + "x").status == 401);
  auto r = serve.request("POST", "/api/documents?filename=q.txt", upload, kToken);
  BOOST_TEST(r.status == 201, r.body);
  BOOST_TEST(documents_once(serve, before + 1) == before + 1);
}

BOOST_AUTO_TEST_CASE(a_missing_or_empty_token_file_refuses_to_start) {
  TempDir dir;
  std::string data = seeded(dir);
  const std::string missing = dir / "no/such/token";
  auto r =
      test::run_tongwen({"--data", data, "--set", "server.token_file=" + missing, "serve", "--port", "0"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("server.token_file") != std::string::npos, r.err);
  BOOST_TEST(r.err.find(missing) != std::string::npos, r.err);

  dir.write("blank", " \n\t\n");
  r = test::run_tongwen(
      {"--data", data, "--set", "server.token_file=" + dir / "blank", "serve", "--port", "0"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("server.token_file") != std::string::npos, r.err);
  BOOST_TEST(r.err.find(dir / "blank") != std::string::npos, r.err);

  // Both set: which one would be meant is a guess.
  dir.write("token", kToken);
  r = test::run_tongwen({"--data", data, "--set", "server.token_file=" + dir / "token", "--set",
                         "server.token=" + kToken, "serve", "--port", "0"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("server.token_file") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(an_encoded_slash_is_part_of_the_id_not_a_path_separator) {
  TempDir dir;
  std::string data = seeded(dir);
  Serve serve(data, {"server.token=" + kToken});
  auto found = serve.get("/api/search?q=innovation");
  Poco::JSON::Parser parser;
  const std::string seed = parser.parse(found.body)
                               .extract<Poco::JSON::Object::Ptr>()
                               ->getArray("hits")
                               ->getObject(0)
                               ->getValue<std::string>("id");
  BOOST_REQUIRE_MESSAGE(seed.size() > 2 && seed.find('/') == std::string::npos, seed);
  BOOST_REQUIRE(serve.get("/api/documents/" + seed).status == 200);
  char escaped[8];
  std::snprintf(escaped, sizeof escaped, "%%%02X", static_cast<unsigned char>(seed[0]));
  auto r0 = serve.get("/api/documents/" + std::string(escaped) + seed.substr(1));
  BOOST_TEST(r0.status == 200, escaped << " " << r0.body);  // other escapes still decode

  // Each of these names one id with a slash in it: no such document (not another route, not
  // the document "seed").
  for (const std::string& id :
       {seed + "%2F", seed + "%2Fparallel", seed.substr(0, 2) + "%2F" + seed.substr(2), seed + "%2f"}) {
    BOOST_TEST_CONTEXT(id) {
      auto r = serve.get("/api/documents/" + id);
      BOOST_TEST(r.status == 404, r.body);
      BOOST_TEST(test::error_code(r) == "not_found");
      std::string decoded;
      Poco::URI::decode(id, decoded);
      BOOST_TEST(r.body.find("no document with id \\\"" + decoded + "\\\"") != std::string::npos, r.body);
      r = serve.request("DELETE", "/api/documents/" + id, "", kToken);
      BOOST_TEST(r.status == 404, r.body);
      BOOST_TEST(r.body.find("no document with id \\\"" + decoded + "\\\"") != std::string::npos, r.body);
    }
  }
  BOOST_TEST(serve.get("/api/documents/" + seed).status == 200);  // nothing was deleted
}

BOOST_AUTO_TEST_CASE(queries_over_a_bound_get_400_query_too_complex_naming_the_limit) {
  TempDir dir;
  dir.write("seed/more.txt",
            "title: More\nlang: en\n\nA platypus on a planet with a plan, a plate and a platform.\n");
  std::string data = seeded(dir);
  Serve serve(data, {"search.max_query_bytes=100", "search.max_query_terms=5", "search.max_query_depth=3",
                     "search.max_wildcard_terms=2"});
  auto search = [&](const std::string& q) {
    std::string e;
    Poco::URI::encode(q, "&=+?#/%", e);
    return serve.get("/api/search?q=" + e);
  };
  auto refused = [&](const std::string& q, const std::string& limit) {
    auto r = search(q);
    BOOST_TEST_CONTEXT(q) {
      BOOST_TEST(r.status == 400, r.body);
      BOOST_TEST(test::error_code(r) == "query_too_complex");
      BOOST_TEST(r.body.find(limit) != std::string::npos, r.body);
    }
  };
  // Within every bound.
  BOOST_TEST(search("platypus").status == 200);
  BOOST_TEST(search("((platypus OR planet))").status == 200);
  BOOST_TEST(search("platy*").status == 200);  // one word
  BOOST_TEST(search("platypus planet plan plate platform").status == 200);

  refused(std::string(101, 'a'), "search.max_query_bytes (100)");
  refused("platypus planet plan plate platform innovation", "search.max_query_terms (5)");
  refused("\"platypus planet plan\" \"plate platform innovation\"", "search.max_query_terms (5)");
  refused("((((platypus))))", "search.max_query_depth (3)");
  refused("NOT NOT NOT NOT platypus", "search.max_query_depth (3)");
  refused("pla*", "search.max_wildcard_terms (2)");  // platypus, planet, plan, plate, platform
  // A malformed query is still bad_query.
  auto r = search("(platypus");
  BOOST_TEST(test::error_code(r) == "bad_query", r.body);
}
