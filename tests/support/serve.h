// `tongwen serve --port 0` in a child process, and a small HTTP client for it: what the
// integration tests of the HTTP API share.
#pragma once

#include <Poco/Net/HTTPResponse.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tongwen::test {

struct Reply {
  int status = 0;
  std::string body;
  Poco::Net::HTTPResponse headers;
};

class Serve {
 public:
  // `sets` are `--set key=value` pairs; `env` is added to the child's environment.
  Serve(const std::string& data, const std::vector<std::string>& sets,
        const std::map<std::string, std::string>& env = {});
  ~Serve();
  Serve(const Serve&) = delete;
  Serve& operator=(const Serve&) = delete;

  Reply request(const std::string& method, const std::string& target, const std::string& body = "",
                const std::string& token = "", const std::string& content_type = "application/octet-stream",
                bool chunked = false);
  Reply get(const std::string& target) { return request("GET", target); }
  // Total hits for a query, as the server sees it now.
  int hits(const std::string& q);
  // Polls until the query has `want` hits; returns the seconds it took (or -1 after `limit`).
  double wait_for_hits(const std::string& q, int want, double limit = 10);
  // SIGKILL, as an operator's kill -9 or the OOM killer would; the destructor then only reaps.
  void kill();
  bool running() const;
  int port() const { return port_; }

 private:
  Poco::Pipe out_;
  std::unique_ptr<Poco::ProcessHandle> handle_;
  std::unique_ptr<Poco::PipeInputStream> stream_;
  int port_ = 0;
  bool killed_ = false;
};

// The "code" of an error answer ({"error": {"code": ...}}).
std::string error_code(const Reply& r);

}  // namespace tongwen::test
