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

// The write token, from server.token or the file server.token_file names. A token of only spaces
// would switch writes on with a credential no request can carry; spaces around a token cannot be
// sent either (the server trims the header's), so they are dropped.
void read_token(Settings& s) {
  if (!s.server.token_file.empty()) {
    const std::string& file = s.server.token_file;
    if (!s.server.token.empty())
      throw UserError("config", "both server.token and server.token_file (" + file + ") are set: use one");
    std::ifstream in(file, std::ios::binary);
    if (!in)
      throw UserError("config", "server.token_file: cannot read " + file + ": " + std::strerror(errno));
    s.server.token.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (s.server.token.find_first_not_of(" \t\r\n\f\v") == std::string::npos)
      throw UserError("config",
                      "server.token_file: " + file + " is empty or only whitespace: put the token in it");
  }
  if (s.server.token.empty()) return;
  const char* ws = " \t\r\n\f\v";
  auto first = s.server.token.find_first_not_of(ws);
  if (first == std::string::npos)
    throw UserError("config", "server.token (TONGWEN_TOKEN) is only whitespace: set a real token, or none");
  s.server.token = s.server.token.substr(first, s.server.token.find_last_not_of(ws) - first + 1);
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
