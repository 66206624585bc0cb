// The HTTP JSON API and the web page, on Poco's HTTPServer.
#pragma once

#include <memory>
#include <string>

#include "tongwen/align_service.h"
#include "tongwen/config.h"
#include "tongwen/search.h"
#include "tongwen/write_service.h"

namespace tongwen {

class HttpServer {
 public:
  // writer may be null: writes then answer 503 ("writes are not enabled"); aligner likewise for
  // POST /api/align.
  HttpServer(SearchService& search, WriteService* writer, const Settings& settings,
             AlignService* aligner = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds (failing with EnvironmentError "address_in_use" rather than sharing the port) and
  // starts answering on the pool's threads.
  void start();
  void stop();
  // The bound port (useful with server.port = 0).
  int port() const;
  std::string url() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tongwen
