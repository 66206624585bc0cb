#include "tongwen/http_server.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocketImpl.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <xapian.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "api.h"
#include "tongwen/bilingual.h"
#include "tongwen/errors.h"
#include "tongwen/json.h"
#include "web_assets.h"

namespace tongwen {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;
using Poco::Net::HTTPServerResponseImpl;

namespace {

// The one error shape: sets the status, type and the headers the status calls for on `resp`, and
// returns the body.
std::string error_answer(HTTPResponse& resp, HTTPResponse::HTTPStatus status, const std::string& code,
                         const std::string& message) {
  Poco::JSON::Object::Ptr err = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  err->set("code", code);
  err->set("message", message);
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
  body->set("error", err);
  std::string text = json_text(body);
  resp.setStatusAndReason(status);
  resp.setContentType("application/json; charset=utf-8");
  if (status == HTTPResponse::HTTP_SERVICE_UNAVAILABLE) resp.set("Retry-After", "5");
  if (status == HTTPResponse::HTTP_UNAUTHORIZED) resp.set("WWW-Authenticate", "Bearer");
  resp.setContentLength(static_cast<std::streamsize>(text.size()));
  return text;
}

void send_error(HTTPServerResponse& resp, HTTPResponse::HTTPStatus status, const std::string& code,
                const std::string& message) {
  if (resp.sent()) return;
  std::string text = error_answer(resp, status, code, message);
  resp.send() << text;
}

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(ApiContext& ctx) : ctx_(ctx) {}

  // Every request passes through here: nothing escapes to Poco, which would drop the connection.
  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& resp) override {
    try {
      resp.set("Cache-Control", "no-store");
      Poco::URI uri(req.getURI());
      std::string path = uri.getPath();
      if (const WebAsset* page = find_web_asset(path)) {
        if (req.getMethod() != "GET" && req.getMethod() != "HEAD")
          throw UserError("method_not_allowed", req.getMethod() + " is not allowed on " + path);
        resp.setContentType(std::string(page->content_type));
        resp.setContentLength(static_cast<std::streamsize>(page->body.size()));
        // The page's script and styles are files of their own: nothing inline is allowed.
        resp.set("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
        resp.set("X-Content-Type-Options", "nosniff");
        if (req.getMethod() == "HEAD")
          resp.send();
        else
          resp.send().write(page->body.data(), static_cast<std::streamsize>(page->body.size()));
        return;
      }
      ApiResponse r = route(ctx_, req, uri);
      resp.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(r.status));
      resp.setContentType(r.content_type);
      for (const auto& [k, v] : r.headers) resp.set(k, v);
      resp.setContentLength(static_cast<std::streamsize>(r.body.size()));
      if (req.getMethod() == "HEAD")
        resp.send();
      else
        resp.send() << r.body;
    } catch (const Error& e) {  // the one error table (core errors.h) gives the status
      send_error(resp, static_cast<HTTPResponse::HTTPStatus>(error_code_of(e).http_status), e.code(),
                 e.what());
    } catch (const Xapian::Error& e) {
      send_error(resp, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "index", e.get_description());
    } catch (const Poco::Exception& e) {
      send_error(resp, HTTPResponse::HTTP_BAD_REQUEST, "bad_request", e.displayText());
    } catch (const std::exception& e) {
      send_error(resp, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal", e.what());
    } catch (...) {
      send_error(resp, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal", "unexpected error");
    }
  }

 private:
  ApiContext& ctx_;
};

// A connection's socket. The front stage reads a request's head itself; Poco's session then gets
// those bytes (and any the last session read ahead) before the socket's own.
class PrefetchSocketImpl : public Poco::Net::StreamSocketImpl {
 public:
  explicit PrefetchSocketImpl(poco_socket_t fd) : StreamSocketImpl(fd) {}
  using StreamSocketImpl::receiveBytes;
  int receiveBytes(void* buffer, int length, int flags = 0) override {
    if (pending.empty() || length <= 0) return StreamSocketImpl::receiveBytes(buffer, length, flags);
    auto n = std::min(static_cast<std::size_t>(length), pending.size());
    std::memcpy(buffer, pending.data(), n);
    if ((flags & MSG_PEEK) == 0) pending.erase(0, n);
    return static_cast<int>(n);
  }
  std::string pending;
};

using Clock = std::chrono::steady_clock;

// The head of a request may be this large (request line and headers together); Poco's own limits
// (16 KB line, 8 KB field, 100 fields) apply within it.
constexpr std::size_t kMaxHead = 64 * 1024;
// How long a refused connection is read and dropped before it is closed.
constexpr auto kLinger = std::chrono::milliseconds(200);
constexpr std::size_t kLingerBytes = 1 << 20;

struct Conn {
  // idle: between keep-alive requests; head: a request's head is arriving; busy: with a worker;
  // closing: answered and half-closed, what still arrives is dropped.
  enum class State { idle, head, busy, closing };
  Conn(poco_socket_t fd, std::string client_)
      : impl(new PrefetchSocketImpl(fd)), socket(impl), client(std::move(client_)) {}
  PrefetchSocketImpl* impl;  // owned by socket
  Poco::Net::StreamSocket socket;
  std::string client;
  State state = State::head;
  Clock::time_point deadline;
  std::size_t dropped = 0;
  bool counted = false;
  bool keep = false;  // set by the worker: the connection may carry another request
};
using ConnPtr = std::shared_ptr<Conn>;

// The request's head is complete in `text` (an empty line ends it); `from` bytes were looked at
// before, so a head trickling in byte by byte costs linear time, not quadratic.
bool head_complete(const std::string& text, std::size_t from) {
  from = from > 3 ? from - 3 : 0;
  return text.find("\r\n\r\n", from) != std::string::npos || text.find("\n\n", from) != std::string::npos;
}

// A request Poco's header reader refused, or whose framing is ambiguous: the status, code and
// message of its answer.
struct Refusal {
  HTTPResponse::HTTPStatus status;
  std::string code, message;
};

// Poco 1.11 refuses a request line over 16 KB, a header field over 8 KB and more than 100 fields
// with a MessageException whose text says which.
Refusal refusal_of(const Poco::Net::MessageException& e) {
  const std::string& m = e.message();
  if (m.find("URI") != std::string::npos)
    return {HTTPResponse::HTTP_REQUEST_URI_TOO_LONG, "uri_too_long",
            "the request line is too long (at most 16 KB): " + m};
  if (m.find("ield") != std::string::npos)
    return {HTTPResponse::HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large",
            "the headers are too large (at most 100 fields of 8 KB each): " + m};
  return {HTTPResponse::HTTP_BAD_REQUEST, "bad_request", "the request cannot be read: " + m};
}

// Framing that Poco accepts but that a server must not guess at (RFC 9112 6.3): two different
// Content-Length headers, a negative one, Content-Length with chunked, a write with neither.
std::optional<Refusal> framing_problem(const HTTPServerRequest& req) {
  std::string length;
  for (const auto& [name, value] : req) {
    if (Poco::icompare(name, "Content-Length") != 0) continue;
    std::string v = Poco::trim(value);
    if (!length.empty() && v != length)
      return Refusal{HTTPResponse::HTTP_BAD_REQUEST, "bad_request",
                     "two different Content-Length headers (" + length + ", " + v + ")"};
    length = v;
  }
  bool chunked = req.getChunkedTransferEncoding();
  if (!length.empty() && (length[0] == '-' || length[0] == '+'))
    return Refusal{HTTPResponse::HTTP_BAD_REQUEST, "bad_request",
                   "Content-Length " + length + " is not a size"};
  if (!length.empty() && chunked)
    return Refusal{HTTPResponse::HTTP_BAD_REQUEST, "bad_request",
                   "both Content-Length and Transfer-Encoding: chunked"};
  if (req.has("Transfer-Encoding") && !chunked)
    return Refusal{HTTPResponse::HTTP_NOT_IMPLEMENTED, "bad_request",
                   "Transfer-Encoding " + req.get("Transfer-Encoding") + " is not supported (only chunked)"};
  const std::string& m = req.getMethod();
  if ((m == "POST" || m == "PUT" || m == "PATCH") && length.empty() && !chunked)
    return Refusal{HTTPResponse::HTTP_LENGTH_REQUIRED, "length_required",
                   m + " needs a Content-Length or Transfer-Encoding: chunked"};
  return std::nullopt;
}

// Answers a request that never reached a handler, then closes gently: what the client is still
// sending is read and dropped for a moment, since closing on unread data resets the connection
// and can destroy the answer on its way.
void refuse(Poco::Net::HTTPServerSession& session, Poco::Net::StreamSocket& socket, const Refusal& r) {
  try {
    {
      HTTPServerResponseImpl response(session);  // its body stream is flushed when it goes
      response.setVersion(HTTPResponse::HTTP_1_1);
      response.setKeepAlive(false);
      send_error(response, r.status, r.code, r.message);
    }
    socket.shutdownSend();
    socket.setReceiveTimeout(Poco::Timespan(0, 200000));
    char buf[16384];
    for (int i = 0; i < 64 && socket.receiveBytes(buf, sizeof buf) > 0; ++i) {
    }
  } catch (const Poco::Exception&) {
    // the client went away
  }
}

}  // namespace

// The server: one front thread accepts connections and reads each request's head on non-blocking
// sockets with deadlines (header, keep-alive idle), enforces the connection limits, and hands
// only requests whose head is complete to the worker threads, which run the handlers. A slow or
// idle client therefore holds a file descriptor, never a worker.
struct HttpServer::Impl {
  std::unique_ptr<BilingualService> bilingual;
  ApiContext ctx;
  Settings settings;
  Poco::Net::HTTPServerParams::Ptr params;
  std::unique_ptr<Poco::Net::ServerSocket> listener;
  int port = 0;
  int wake[2] = {-1, -1};  // a pipe: workers and stop() wake the front thread through it

  std::thread front;
  std::vector<std::thread> workers;

  // Front thread only.
  std::vector<ConnPtr> waiting;  // idle, head and closing connections
  std::map<std::string, int> per_client;
  int total = 0;
  Clock::time_point accept_pause;

  std::mutex mutex;  // guards what follows
  std::condition_variable ready_cv;
  std::deque<ConnPtr> ready;      // heads complete, waiting for a worker
  std::vector<ConnPtr> returned;  // done with by a worker
  std::vector<Conn*> busy;        // with a worker now: stop() ends their sockets
  bool stopped = false;

  void wake_front() {
    char c = 1;
    [[maybe_unused]] auto n = ::write(wake[1], &c, 1);
  }

  void forget(Conn& c) {
    if (!c.counted) return;
    c.counted = false;
    --total;
    if (--per_client[c.client] <= 0) per_client.erase(c.client);
  }

  // Answers in the one error shape from the front thread (the answer is small: the socket's empty
  // send buffer takes it whole), half-closes, and drops what still arrives for a moment, since
  // closing on unread data resets the connection and can destroy the answer on its way.
  void answer_and_close(Conn& c, HTTPResponse::HTTPStatus status, const std::string& code,
                        const std::string& message) {
    HTTPResponse resp;
    resp.setVersion(HTTPResponse::HTTP_1_1);
    resp.setKeepAlive(false);
    resp.set("Cache-Control", "no-store");
    resp.setDate(Poco::Timestamp());
    std::string body = error_answer(resp, status, code, message);
    std::ostringstream out;
    resp.write(out);
    std::string text = out.str() + body;
    poco_socket_t fd = c.impl->sockfd();
    [[maybe_unused]] auto n = ::send(fd, text.data(), text.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    ::shutdown(fd, SHUT_WR);
    forget(c);
    c.state = Conn::State::closing;
    c.deadline = Clock::now() + kLinger;
  }

  void dispatch(const ConnPtr& c) {
    c->state = Conn::State::busy;
    std::lock_guard<std::mutex> lock(mutex);
    ready.push_back(c);
    ready_cv.notify_one();
  }

  void accept_all() {
    const auto& s = settings.server;
    for (;;) {
      sockaddr_storage addr{};
      socklen_t len = sizeof addr;
      int fd = ::accept4(listener->impl()->sockfd(), reinterpret_cast<sockaddr*>(&addr), &len, SOCK_CLOEXEC);
      if (fd < 0) {
        // Out of descriptors: the pending connections wait in the backlog a moment, rather than
        // the front thread spinning on a listening socket that stays readable.
        if (errno == EMFILE || errno == ENFILE) accept_pause = Clock::now() + std::chrono::milliseconds(100);
        return;  // else EAGAIN: none left
      }
      std::string client;
      try {
        client = Poco::Net::SocketAddress(reinterpret_cast<sockaddr*>(&addr), len).host().toString();
      } catch (const Poco::Exception&) {
        client = "?";
      }
      auto c = std::make_shared<Conn>(fd, client);
      waiting.push_back(c);
      if (total >= s.max_connections) {
        answer_and_close(*c, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "too_many_connections",
                         "the server has " + std::to_string(total) +
                             " connections open, its limit (server.max_connections)");
        continue;
      }
      if (per_client[client] >= s.max_connections_per_client) {
        answer_and_close(*c, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "too_many_connections",
                         client + " has " + std::to_string(per_client[client]) +
                             " connections open, the limit per client (server.max_connections_per_client)");
        continue;
      }
      c->counted = true;
      ++total;
      ++per_client[client];
      c->state = Conn::State::head;
      c->deadline = Clock::now() + std::chrono::milliseconds(s.header_timeout_ms);
    }
  }

  // Reads what arrived on a waiting connection; false when it is to be closed.
  bool read_some(const ConnPtr& c) {
    char buf[16384];
    ssize_t n = ::recv(c->impl->sockfd(), buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    if (n == 0) return false;  // the client closed
    if (c->state == Conn::State::closing) {
      c->dropped += static_cast<std::size_t>(n);
      return c->dropped < kLingerBytes;
    }
    if (c->state == Conn::State::idle) {  // a new request starts: its head has a deadline in all
      c->state = Conn::State::head;
      c->deadline = Clock::now() + std::chrono::milliseconds(settings.server.header_timeout_ms);
    }
    std::size_t seen = c->impl->pending.size();
    c->impl->pending.append(buf, static_cast<std::size_t>(n));
    look_at_head(c, seen);
    return true;
  }

  // Hands a complete head to the workers, or refuses one over kMaxHead.
  void look_at_head(const ConnPtr& c, std::size_t seen) {
    std::string& p = c->impl->pending;
    if (head_complete(p, seen)) {
      dispatch(c);
    } else if (p.size() > kMaxHead) {
      auto eol = p.find('\n');
      if (eol == std::string::npos || eol > 16 * 1024)
        answer_and_close(*c, HTTPResponse::HTTP_REQUEST_URI_TOO_LONG, "uri_too_long",
                         "the request line is too long (at most 16 KB)");
      else
        answer_and_close(*c, HTTPResponse::HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large",
                         "the request line and headers are over " + std::to_string(kMaxHead / 1024) + " KB");
    }
  }

  // A deadline passed.
  void expire(const ConnPtr& c) {
    if (c->state == Conn::State::head && !c->impl->pending.empty()) {
      answer_and_close(*c, HTTPResponse::HTTP_REQUEST_TIMEOUT, "request_timeout",
                       "the request's headers did not arrive within server.header_timeout_ms (" +
                           std::to_string(settings.server.header_timeout_ms) + " ms)");
      return;
    }
    forget(*c);  // an idle connection, or one that sent nothing: closed without a word
    c->state = Conn::State::closing;
    c->deadline = Clock::time_point::min();
  }

  void take_back() {
    std::vector<ConnPtr> back;
    {
      std::lock_guard<std::mutex> lock(mutex);
      back.swap(returned);
    }
    for (auto& c : back) {
      waiting.push_back(c);
      if (!c->keep) {  // answered: half-close, and drop what still arrives for a moment
        ::shutdown(c->impl->sockfd(), SHUT_WR);
        forget(*c);
        c->state = Conn::State::closing;
        c->deadline = Clock::now() + kLinger;
        continue;
      }
      if (c->impl->pending.empty()) {
        c->state = Conn::State::idle;
        c->deadline = Clock::now() + std::chrono::milliseconds(settings.server.keepalive_timeout_ms);
      } else {  // the client sent its next request already
        c->state = Conn::State::head;
        c->deadline = Clock::now() + std::chrono::milliseconds(settings.server.header_timeout_ms);
        look_at_head(c, 0);
      }
    }
  }

  void run_front() {
    std::vector<pollfd> fds;
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (stopped) break;
      }
      // Connections handed to a worker or finished leave the waiting list; then those the workers
      // are done with come back (in this order: one back already must not be there twice).
      auto now = Clock::now();
      waiting.erase(std::remove_if(waiting.begin(), waiting.end(),
                                   [&](const ConnPtr& c) {
                                     return c->state == Conn::State::busy ||
                                            (c->state == Conn::State::closing && c->deadline <= now);
                                   }),
                    waiting.end());
      take_back();
      auto next = now + std::chrono::seconds(1);
      fds.clear();
      fds.push_back({wake[0], POLLIN, 0});
      fds.push_back({listener->impl()->sockfd(), static_cast<short>(now < accept_pause ? 0 : POLLIN), 0});
      if (now < accept_pause) next = std::min(next, accept_pause);
      for (auto& c : waiting) {
        fds.push_back({c->impl->sockfd(), POLLIN, 0});
        next = std::min(next, c->deadline);
      }
      auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count() + 1;
      int n = ::poll(fds.data(), fds.size(), static_cast<int>(std::max<long long>(0, wait_ms)));
      if (n < 0 && errno != EINTR) break;
      if (fds[0].revents & POLLIN) {
        char buf[256];
        while (::read(wake[0], buf, sizeof buf) > 0) {
        }
      }
      // `waiting` grows as connections are accepted: only the first ones were polled.
      std::size_t polled = fds.size() - 2;
      for (std::size_t i = 0; i < polled; ++i) {
        auto c = waiting[i];
        if (c->state == Conn::State::busy) continue;  // a worker's now: not to be read here
        if ((fds[i + 2].revents & (POLLIN | POLLHUP | POLLERR)) && !read_some(c)) {
          forget(*c);
          c->state = Conn::State::closing;
          c->deadline = Clock::time_point::min();
        }
      }
      if (fds[1].revents & POLLIN) accept_all();
      now = Clock::now();
      for (std::size_t i = 0; i < polled; ++i) {
        auto& c = waiting[i];
        if (c->state != Conn::State::busy && c->state != Conn::State::closing && c->deadline <= now)
          expire(c);
      }
    }
    for (auto& c : waiting) forget(*c);
    waiting.clear();
  }

  void run_worker() {
    for (;;) {
      ConnPtr c;
      {
        std::unique_lock<std::mutex> lock(mutex);
        ready_cv.wait(lock, [&] { return stopped || !ready.empty(); });
        if (stopped) return;
        c = ready.front();
        ready.pop_front();
        busy.push_back(c.get());
      }
      c->keep = serve_one(*c);
      {
        std::lock_guard<std::mutex> lock(mutex);
        busy.erase(std::find(busy.begin(), busy.end(), c.get()));
        if (stopped) return;
        returned.push_back(c);
      }
      wake_front();
    }
  }

  // One request on a connection whose head has arrived: Poco's HTTPServerConnection loop body,
  // except that a request Poco cannot read is answered in the JSON error shape with its own status
  // (not an empty 400 or a dropped connection), and ambiguous framing is refused before any
  // handler runs. True when the connection may carry another request.
  bool serve_one(Conn& c) {
    bool keep = false;
    Poco::Net::HTTPServerSession session(c.socket, params);  // sets the body's receive timeout
    c.socket.setSendTimeout(params->getTimeout());
    try {
      HTTPServerResponseImpl response(session);
      std::unique_ptr<Poco::Net::HTTPServerRequestImpl> request;
      try {
        request = std::make_unique<Poco::Net::HTTPServerRequestImpl>(response, session, params.get());
      } catch (const Poco::Net::NoMessageException&) {
        throw;
      } catch (const Poco::Net::MessageException& e) {
        refuse(session, c.socket, refusal_of(e));
        throw;
      } catch (const Poco::SyntaxException& e) {  // Content-Length: abc, or over 2^63
        refuse(session, c.socket,
               {HTTPResponse::HTTP_BAD_REQUEST, "bad_request",
                "Content-Length is not a number of bytes: " + e.displayText()});
        throw;
      }
      response.setDate(Poco::Timestamp());
      response.setVersion(request->getVersion());
      response.setKeepAlive(params->getKeepAlive() && request->getKeepAlive());
      if (auto problem = framing_problem(*request)) {
        refuse(session, c.socket, *problem);
        throw Poco::Net::MessageException(problem->message);
      }
      if (request->getExpectContinue()) response.sendContinue();
      Handler(ctx).handleRequest(*request, response);
      keep = params->getKeepAlive() && response.getKeepAlive();
    } catch (const Poco::Exception&) {
      keep = false;  // refused, or a timeout or a reset while reading or answering
    }
    // Bytes the session read ahead belong to the next request.
    Poco::Buffer<char> rest(0);
    session.drainBuffer(rest);
    if (keep) c.impl->pending.insert(0, rest.begin(), rest.size());
    session.detachSocket();
    return keep;
  }
};

HttpServer::HttpServer(SearchService& search, WriteService* writer, const Settings& settings,
                       AlignService* aligner)
    : impl_(std::make_unique<Impl>()) {
  impl_->ctx.aligner = aligner;
  impl_->ctx.search = &search;
  impl_->bilingual = std::make_unique<BilingualService>(search, settings);
  impl_->ctx.bilingual = impl_->bilingual.get();
  impl_->ctx.writer = writer;
  impl_->ctx.settings = settings;
  impl_->settings = settings;
}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::start() {
  const auto& s = impl_->settings.server;
  auto socket = std::make_unique<Poco::Net::ServerSocket>();
  try {
    // reusePort=false: a second server on the same port fails instead of silently sharing it.
    socket->bind(Poco::Net::SocketAddress(s.host, static_cast<Poco::UInt16>(s.port)), true, false);
    socket->listen(std::max(64, s.queue));
    socket->setBlocking(false);
  } catch (const Poco::Exception& e) {
    throw EnvironmentError("address_in_use", "cannot listen on " + s.host + ":" + std::to_string(s.port) +
                                                 ": " + e.displayText());
  }
  if (::pipe2(impl_->wake, O_NONBLOCK | O_CLOEXEC) != 0)
    throw EnvironmentError("io",
                           std::string("cannot make the server's wake-up pipe: ") + std::strerror(errno));
  impl_->port = socket->address().port();
  impl_->listener = std::move(socket);
  impl_->params = new Poco::Net::HTTPServerParams;
  impl_->params->setKeepAlive(s.keepalive_timeout_ms > 0);
  // Poco applies it to each receive of a body (and each send of an answer): a client silent for
  // longer gets 408 (request_timeout) during a body. Request heads are read by the front thread.
  impl_->params->setTimeout(Poco::Timespan(static_cast<long>(s.body_timeout_ms) * 1000));
  for (int i = 0; i < s.threads; ++i) impl_->workers.emplace_back([this] { impl_->run_worker(); });
  impl_->front = std::thread([this] { impl_->run_front(); });
}

void HttpServer::stop() {
  if (!impl_ || !impl_->front.joinable()) return;
  {
    // A worker waiting on a client (a body, a send) lets go at once.
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stopped = true;
    for (Conn* c : impl_->busy) ::shutdown(c->impl->sockfd(), SHUT_RDWR);
  }
  impl_->ready_cv.notify_all();
  impl_->wake_front();
  impl_->front.join();
  for (auto& w : impl_->workers) w.join();
  impl_->workers.clear();
  impl_->ready.clear();
  impl_->returned.clear();
  impl_->listener.reset();
  ::close(impl_->wake[0]);
  ::close(impl_->wake[1]);
}

int HttpServer::port() const {
  return impl_->port;
}

std::string HttpServer::url() const {
  return "http://" + impl_->settings.server.host + ":" + std::to_string(impl_->port);
}

}  // namespace tongwen
