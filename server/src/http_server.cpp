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
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/String.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <xapian.h>

#include <iostream>
#include <mutex>
#include <optional>
#include <set>

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

void send_error(HTTPServerResponse& resp, HTTPResponse::HTTPStatus status, const std::string& code,
                const std::string& message) {
  if (resp.sent()) return;
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

// The sockets of the open connections, so that stop() can end idle keep-alive ones at once.
struct Connections {
  std::mutex mutex;
  std::set<Poco::Net::StreamSocket*> open;
  bool stopped = false;
};

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

// One connection: Poco's HTTPServerConnection loop, except that a request Poco cannot read is
// answered in the JSON error shape with its own status (not an empty 400 or a dropped
// connection), and ambiguous framing is refused before any handler runs.
class Connection : public Poco::Net::TCPServerConnection {
 public:
  Connection(const Poco::Net::StreamSocket& s, Poco::Net::HTTPServerParams::Ptr params, ApiContext& ctx,
             Connections& open)
      : TCPServerConnection(s), params_(std::move(params)), ctx_(ctx), open_(open) {}

  void run() override {
    {
      std::lock_guard<std::mutex> lock(open_.mutex);
      if (open_.stopped) return;
      open_.open.insert(&socket());
    }
    serve();
    std::lock_guard<std::mutex> lock(open_.mutex);
    open_.open.erase(&socket());
  }

 private:
  void serve() {
    Poco::Net::HTTPServerSession session(socket(), params_);
    while (session.hasMoreRequests()) {
      try {
        HTTPServerResponseImpl response(session);
        std::unique_ptr<Poco::Net::HTTPServerRequestImpl> request;
        try {
          request = std::make_unique<Poco::Net::HTTPServerRequestImpl>(response, session, params_.get());
        } catch (const Poco::Net::NoMessageException&) {
          return;  // the client closed between requests
        } catch (const Poco::Net::MessageException& e) {
          refuse(session, socket(), refusal_of(e));
          return;
        } catch (const Poco::SyntaxException& e) {  // Content-Length: abc, or over 2^63
          refuse(session, socket(),
                 {HTTPResponse::HTTP_BAD_REQUEST, "bad_request",
                  "Content-Length is not a number of bytes: " + e.displayText()});
          return;
        }
        response.setDate(Poco::Timestamp());
        response.setVersion(request->getVersion());
        response.setKeepAlive(params_->getKeepAlive() && request->getKeepAlive() && session.canKeepAlive());
        if (auto problem = framing_problem(*request)) {
          refuse(session, socket(), *problem);
          return;
        }
        if (request->getExpectContinue()) response.sendContinue();
        Handler(ctx_).handleRequest(*request, response);
        session.setKeepAlive(params_->getKeepAlive() && response.getKeepAlive() && session.canKeepAlive());
      } catch (const Poco::Exception&) {
        return;  // a timeout or a reset while reading or answering: nothing more to say
      }
      std::lock_guard<std::mutex> lock(open_.mutex);
      if (open_.stopped) return;
    }
  }

  Poco::Net::HTTPServerParams::Ptr params_;
  ApiContext& ctx_;
  Connections& open_;
};

class ConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
 public:
  ConnectionFactory(Poco::Net::HTTPServerParams::Ptr params, ApiContext& ctx, Connections& open)
      : params_(std::move(params)), ctx_(ctx), open_(open) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& s) override {
    return new Connection(s, params_, ctx_, open_);
  }

 private:
  Poco::Net::HTTPServerParams::Ptr params_;
  ApiContext& ctx_;
  Connections& open_;
};

}  // namespace

struct HttpServer::Impl {
  std::unique_ptr<BilingualService> bilingual;
  ApiContext ctx;
  Settings settings;
  std::unique_ptr<Poco::ThreadPool> pool;
  Connections connections;
  std::unique_ptr<Poco::Net::TCPServer> server;
  int port = 0;
};

HttpServer::HttpServer(SearchService& search, WriteService* writer, const Settings& settings,
                       AlignService* aligner)
    : impl_(std::make_unique<Impl>()) {
  impl_->ctx.aligner = aligner;
  impl_->ctx.search = &search;
  impl_->bilingual = std::make_unique<BilingualService>(search, search.stats().path, settings);
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
  Poco::Net::ServerSocket socket;
  try {
    // reusePort=false: a second server on the same port fails instead of silently sharing it.
    socket.bind(Poco::Net::SocketAddress(s.host, static_cast<Poco::UInt16>(s.port)), true, false);
    socket.listen(std::max(64, s.queue));
  } catch (const Poco::Exception& e) {
    throw EnvironmentError("address_in_use", "cannot listen on " + s.host + ":" + std::to_string(s.port) +
                                                 ": " + e.displayText());
  }
  impl_->port = socket.address().port();
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(s.threads);
  params->setMaxQueued(s.queue);
  params->setKeepAlive(s.keepalive_seconds > 0);
  params->setKeepAliveTimeout(Poco::Timespan(s.keepalive_seconds, 0));
  // Poco applies it to each receive (request line, headers and body): a client silent for longer
  // gets 408 (request_timeout) during a body and is dropped during its headers.
  params->setTimeout(Poco::Timespan(static_cast<long>(s.body_timeout_ms) * 1000));
  impl_->pool = std::make_unique<Poco::ThreadPool>(std::min(2, s.threads), s.threads);
  impl_->server = std::make_unique<Poco::Net::TCPServer>(
      new ConnectionFactory(params, impl_->ctx, impl_->connections), *impl_->pool, socket, params);
  impl_->server->start();
}

void HttpServer::stop() {
  if (impl_ && impl_->server) {
    impl_->server->stop();
    {
      // Idle keep-alive connections wait in a receive: ending their sockets lets them go now.
      std::lock_guard<std::mutex> lock(impl_->connections.mutex);
      impl_->connections.stopped = true;
      for (auto* s : impl_->connections.open) {
        try {
          s->shutdown();
        } catch (const Poco::Exception&) {
        }
      }
    }
    impl_->server.reset();
    impl_->pool->joinAll();
  }
}

int HttpServer::port() const {
  return impl_->port;
}

std::string HttpServer::url() const {
  return "http://" + impl_->settings.server.host + ":" + std::to_string(impl_->port);
}

}  // namespace tongwen
