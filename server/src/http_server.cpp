#include "tongwen/http_server.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <xapian.h>

#include <iostream>

#include "api.h"
#include "tongwen/bilingual.h"
#include "tongwen/errors.h"
#include "tongwen/json.h"
#include "web_assets.h"

namespace tongwen {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

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

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(ApiContext& ctx) : ctx_(ctx) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new Handler(ctx_);  // routes itself, so no request is left unrouted (Poco's 501)
  }

 private:
  ApiContext& ctx_;
};

}  // namespace

struct HttpServer::Impl {
  std::unique_ptr<BilingualService> bilingual;
  ApiContext ctx;
  Settings settings;
  std::unique_ptr<Poco::ThreadPool> pool;
  std::unique_ptr<Poco::Net::HTTPServer> server;
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
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(s.threads);
  params->setMaxQueued(s.queue);
  params->setKeepAlive(s.keepalive_seconds > 0);
  params->setKeepAliveTimeout(Poco::Timespan(s.keepalive_seconds, 0));
  // Poco applies it to each receive (request line, headers and body): a client silent for longer
  // gets 408 (request_timeout) during a body and is dropped during its headers.
  params->setTimeout(Poco::Timespan(static_cast<long>(s.body_timeout_ms) * 1000));
  impl_->pool = std::make_unique<Poco::ThreadPool>(std::min(2, s.threads), s.threads);
  impl_->server =
      std::make_unique<Poco::Net::HTTPServer>(new Factory(impl_->ctx), *impl_->pool, socket, params);
  impl_->server->start();
}

void HttpServer::stop() {
  if (impl_ && impl_->server) {
    impl_->server->stopAll(true);
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
