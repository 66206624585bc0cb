#include <Poco/String.h>
#include <pthread.h>
#include <cerrno>
#include <csignal>
#include <cstring>

#include <fstream>
#include <iostream>

#include "cli.h"
#include "index_align_service.h"
#include "index_write_service.h"
#include "tongwen/errors.h"
#include "tongwen/http_server.h"
#include "tongwen/search.h"

namespace tongwen::cli {

namespace {

// The write token, from server.token or the file server.token_file names. Spaces around a token
// cannot be sent (the server trims the Authorization header with Poco::trim), so they are dropped
// by the same rule; a token of only spaces would switch writes on with a credential no request can
// carry, so it is refused.
void read_token(Settings& s) {
  if (!s.server.token_file.empty()) {
    const std::string& file = s.server.token_file;
    if (!s.server.token.empty())
      throw UserError("config", "both server.token and server.token_file (" + file + ") are set: use one");
    std::ifstream in(file, std::ios::binary);
    if (!in)
      throw UserError("config", "server.token_file: cannot read " + file + ": " + std::strerror(errno));
    s.server.token =
        Poco::trim(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
    if (s.server.token.empty())
      throw UserError("config",
                      "server.token_file: " + file + " is empty or only whitespace: put the token in it");
    return;
  }
  if (s.server.token.empty()) return;
  s.server.token = Poco::trim(s.server.token);
  if (s.server.token.empty())
    throw UserError("config", "server.token (TONGWEN_TOKEN) is only whitespace: set a real token, or none");
}

}  // namespace

int cmd_serve(const Global& g, const std::vector<std::string>& argv) {
  Args a = parse(argv, {"port", "host"}, {"help"});
  if (a.has("help")) {
    std::cout << R"(usage: tongwen serve [--port N] [--host ADDR]

Serves the web page at / and the JSON API (see README "HTTP API") until interrupted.
Binds 127.0.0.1:8080 unless configured otherwise (server.host, server.port, TONGWEN_PORT);
--port 0 picks a free port. Writes (POST/DELETE /api/documents) need server.token, or
server.token_file naming a file that holds it.
)";
    return kOk;
  }
  std::vector<std::pair<std::string, std::string>> extra;
  if (a.has("port")) extra.emplace_back("server.port", a.get("port"));
  if (a.has("host")) extra.emplace_back("server.host", a.get("host"));
  Settings s = settings(g, extra);
  read_token(s);

  // Block the termination signals in every thread; this one waits for them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  SearchService search(s.index_dir(), s);
  IndexWriteService writer(s);
  IndexAlignService aligner(s);
  HttpServer server(search, &writer, s, &aligner);
  server.start();
  std::cout << "tongwen: serving " << search.stats().documents << " documents from " << s.index_dir()
            << " on " << server.url() << "/"
            << (s.server.token.empty() ? "  (writes disabled: no server.token)" : "") << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  std::cout << "tongwen: stopping" << std::endl;
  server.stop();
  return kOk;
}

}  // namespace tongwen::cli
