// Issue 12: the bundled corpus loaded as one shard, as three local shards (tongwen ingest --shards
// 3) and as those three served by xapian-tcpsrv on loopback gives the same answers: hits (ids and
// order), totals, facet counts (multi-select included), snippets, document view, translations,
// parallel view and concordance. Faults: a remote shard killed (kill -9) while clients search over
// HTTP gives partial answers naming it, or 503 shards_missing with index.require_all_shards, and
// full answers again once it is restarted; a shard that accepts and says nothing costs at most
// about index.shard_timeout_ms.
#include <boost/test/unit_test.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

#include "fixtures.h"
#include "tongwen/bilingual.h"
#include "tongwen/errors.h"
#include "tongwen/http_server.h"
#include "tongwen/index_reader.h"
#include "tongwen/ingest.h"
#include "tongwen/search.h"

using namespace tongwen;

namespace {

Settings settings_in(const std::string& dir) {
  Settings s;
  s.data_dir = dir;
  s.search.facet_limit = 1000;
  s.search.max_page_size = 1000;
  s.search.glossary = test::config_dir() + "/glossary.tsv";
  return s;
}

IngestSummary load(const Settings& s, std::size_t shards) {
  IngestOptions opt;
  opt.paths = {test::corpus_dir()};
  opt.shards = shards;
  return ingest(s, opt, {});
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool listening(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// One xapian-tcpsrv serving one shard folder, stopped on destruction.
class TcpServer {
 public:
  TcpServer(const std::string& dir, int port) : dir_(dir), port_(port) { start(); }
  ~TcpServer() { stop(SIGTERM); }
  // kill -9 of the server and of its connection children (its process group): the machine is gone.
  void kill9() { stop(SIGKILL); }
  // SIGSTOP / SIGCONT to the server and its connection children: a machine that hangs.
  void signal(int sig) const {
    if (pid_ > 0) ::kill(-pid_, sig);
  }
  void start() {
    pid_ = ::fork();
    if (pid_ == 0) {
      // Its own process group: on SIGTERM xapian-tcpsrv signals its whole group (its connection
      // children), which would otherwise be this test and ctest.
      ::setpgid(0, 0);
      std::string p = std::to_string(port_);
      ::execlp("xapian-tcpsrv", "xapian-tcpsrv", "--quiet", "--interface", "127.0.0.1", "--port", p.c_str(),
               dir_.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::setpgid(pid_, pid_);  // also here: the group exists before kill9() may signal it
    for (int i = 0; i < 200 && !listening(port_); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  std::string location() const { return "tcp://127.0.0.1:" + std::to_string(port_); }

 private:
  void stop(int sig) {
    if (pid_ <= 0) return;  // never kill(-1) or kill(0)
    if (sig == SIGKILL)
      ::kill(-pid_, sig);
    else
      ::kill(pid_, sig);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  std::string dir_;
  pid_t pid_ = -1;
  int port_;
};

struct Request {
  std::string q;
  std::map<std::string, std::vector<std::string>> filters;
  std::string sort = "relevance";
  // Xapian 1.4 weighs a wildcard's expansion (OP_SYNONYM) with each shard's own statistics: its
  // scores differ between one shard and several, so it is compared sorted by date (ids, order,
  // totals, facets, snippets), scores left out.
  bool weights_equal = true;
};

const std::vector<Request>& requests() {
  static const std::vector<Request> r = {
      {"创新", {}},
      {"知识产权", {}},
      {"innovation", {}},
      {"\"open science\"", {}},
      {"治理", {}, "date"},
      {"创新", {{"year", {"2021", "2023"}}}, "date-asc"},
      {"AI OR 人工智能", {{"lang", {"en", "zh"}}}},
      {"science", {{"speaker", {"Wang Jianguo"}}, {"topic", {"open science"}}}},
      {"year:2022", {}},
      {"", {{"type", {"speech"}}}},
      {"", {}},
      {"innovat*", {{"lang", {"en"}}}, "date", false},
  };
  return r;
}

std::string facets_text(const SearchResult& r) {
  std::string out;
  for (const auto& [name, values] : r.facets) {
    out += name + ":";
    for (const auto& v : values)
      out +=
          " " + v.key + "=" + v.value + "/" + std::to_string(v.count) + (v.selected ? "*" : "") + "#" + v.id;
    out += "\n";
  }
  return out;
}

void check_same(const SearchResult& a, const SearchResult& b, const std::string& what, bool weights) {
  BOOST_TEST_CONTEXT(what) {
    BOOST_TEST(a.total == b.total);
    BOOST_TEST_REQUIRE(a.hits.size() == b.hits.size());
    for (std::size_t i = 0; i < a.hits.size(); ++i) {
      BOOST_TEST(a.hits[i].id == b.hits[i].id);
      // The shards' statistics are summed in another order: the last bits of a weight may differ.
      if (weights)
        BOOST_TEST(std::abs(a.hits[i].score - b.hits[i].score) <=
                   1e-9 * std::max(1.0, std::abs(a.hits[i].score)));
      BOOST_TEST(a.hits[i].snippet.html == b.hits[i].snippet.html);
      BOOST_TEST(a.hits[i].title_snippet.html == b.hits[i].title_snippet.html);
    }
    BOOST_TEST(facets_text(a) == facets_text(b));
  }
}

SearchResult run(SearchService& s, const Request& q) {
  SearchRequest req;
  req.q = q.q;
  req.filters = q.filters;
  req.sort = q.sort;
  req.size = 1000;
  return s.search(req);
}

}  // namespace

BOOST_AUTO_TEST_CASE(one_shard_three_local_and_three_remote_answer_alike) {
  test::TempDir one, three;
  Settings s1 = settings_in(one.path()), s3 = settings_in(three.path());
  BOOST_TEST(load(s1, 0).failed() == 0u);
  BOOST_TEST(load(s3, 3).failed() == 0u);
  auto locations = stored::shard_locations(s3.index_dir(), s3);
  BOOST_TEST_REQUIRE(locations.size() == 3u);
  // Every shard holds some of the corpus.
  for (const auto& loc : locations) BOOST_TEST(stored::open(loc).get_doccount() > 0u);

  std::vector<std::unique_ptr<TcpServer>> servers;
  std::string remote_list;
  for (const auto& loc : locations) {
    servers.push_back(std::make_unique<TcpServer>(loc, free_port()));
    remote_list += (remote_list.empty() ? "" : ",") + servers.back()->location();
  }
  Settings sr = settings_in(three / "unused");
  sr.index.shards = remote_list;

  SearchService a(s1.index_dir(), s1), b(s3.index_dir(), s3), c(sr.index_dir(), sr);
  BOOST_TEST(a.stats().documents == b.stats().documents);
  BOOST_TEST(a.stats().documents == c.stats().documents);
  std::size_t hits = 0;
  for (const auto& q : requests()) {
    SearchResult ra = run(a, q);
    hits += ra.hits.size();
    check_same(ra, run(b, q), "3 local: " + q.q, q.weights_equal);
    check_same(ra, run(c, q), "3 remote: " + q.q, q.weights_equal);
  }
  BOOST_TEST(hits > 100u);

  // Document view, translations, parallel view and concordance.
  BilingualService ba(a, s1), bb(b, s3), bc(c, sr);
  SearchRequest all;
  all.size = 1000;
  std::size_t parallels = 0;
  for (const auto& h : a.search(all).hits) {
    auto da = a.document(h.id), db = b.document(h.id), dc = c.document(h.id);
    BOOST_TEST_REQUIRE((da && db && dc));
    BOOST_TEST(serialise(*da) == serialise(*db));
    BOOST_TEST(serialise(*da) == serialise(*dc));
    auto ta = a.translations(*da), tb = b.translations(*da), tc = c.translations(*da);
    BOOST_TEST_REQUIRE(ta.size() == tb.size());
    BOOST_TEST_REQUIRE(ta.size() == tc.size());
    for (std::size_t i = 0; i < ta.size(); ++i) {
      BOOST_TEST(ta[i].id == tb[i].id);
      BOOST_TEST(ta[i].id == tc[i].id);
      auto view = [&](BilingualService& s) {
        try {
          ParallelView v = s.parallel(h.id, ta[i].id);
          std::string out;
          for (const auto& row : v.rows) {
            for (const auto& t : row.source) out += t + "/";
            out += "|" + row.type + "|";
            for (const auto& t : row.target) out += t + "/";
            out += "\n";
          }
          return out;
        } catch (const UserError& e) {
          return std::string("error ") + e.code();
        }
      };
      std::string pa = view(ba);
      if (pa.rfind("error", 0) != 0) ++parallels;
      BOOST_TEST(pa == view(bb));
      BOOST_TEST(pa == view(bc));
    }
  }
  BOOST_TEST(parallels > 0u);
  for (const std::string q : {"创新", "innovation", "治理"}) {
    ConcordanceRequest cr;
    cr.q = q;
    auto text = [&](BilingualService& s) {
      ConcordanceResult r = s.concordance(cr);
      std::string out = std::to_string(r.total) + " " + std::to_string(r.documents) + "\n";
      for (const auto& l : r.lines)
        out += l.doc_id + ":" + l.sentence.html + "|" + l.aligned_doc_id + ":" + l.aligned.html + "\n";
      return out;
    };
    std::string ca = text(ba);
    BOOST_TEST(ca == text(bb));
    BOOST_TEST(ca == text(bc));
  }
}

namespace {

// The corpus as three local shards served by three xapian-tcpsrv on loopback.
struct RemoteShards {
  test::TempDir dir;
  Settings local = settings_in(dir.path());
  std::vector<std::string> locations;
  std::vector<std::unique_ptr<TcpServer>> servers;
  RemoteShards() {
    BOOST_TEST_REQUIRE(load(local, 3).failed() == 0u);
    locations = stored::shard_locations(local.index_dir(), local);
    BOOST_TEST_REQUIRE(locations.size() == 3u);
    for (const auto& loc : locations) servers.push_back(std::make_unique<TcpServer>(loc, free_port()));
  }
  Settings remote(const std::vector<std::string>& list) const {
    Settings s = settings_in(dir / "unused");
    for (const auto& l : list) s.index.shards += (s.index.shards.empty() ? "" : ",") + l;
    s.server.port = 0;
    return s;
  }
  std::vector<std::string> all() const {
    std::vector<std::string> out;
    for (const auto& s : servers) out.push_back(s->location());
    return out;
  }
};

struct Answer {
  int status = 0;
  std::string error;  // the error code of a non-200 answer
  std::uint64_t total = 0;
  bool partial = false;
  std::size_t shards_total = 0, answered = 0;
  std::vector<std::string> missing;
};

// One GET on a kept-alive session; a dropped connection throws (Poco), which the callers count.
Answer get(Poco::Net::HTTPClientSession& s, const std::string& target) {
  Poco::Net::HTTPRequest req("GET", target, Poco::Net::HTTPMessage::HTTP_1_1);
  req.setKeepAlive(true);
  s.sendRequest(req);
  Poco::Net::HTTPResponse resp;
  std::istream& in = s.receiveResponse(resp);
  std::string body;
  Poco::StreamCopier::copyToString(in, body);
  Answer a;
  a.status = resp.getStatus();
  auto o = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
  if (a.status != 200) {
    a.error = o->getObject("error") ? o->getObject("error")->getValue<std::string>("code") : body;
    return a;
  }
  if (o->has("total")) a.total = o->getValue<std::uint64_t>("total");
  a.partial = o->has("partial") && o->getValue<bool>("partial");
  auto sh = o->getObject("shards");
  BOOST_REQUIRE(sh);
  a.shards_total = sh->getValue<std::size_t>("total");
  a.answered = sh->getValue<std::size_t>("answered");
  auto m = sh->getArray("missing");
  for (std::size_t i = 0; i < m->size(); ++i) a.missing.push_back(m->getElement<std::string>(i));
  return a;
}

std::unique_ptr<Poco::Net::HTTPClientSession> session(const HttpServer& http) {
  auto s =
      std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", static_cast<Poco::UInt16>(http.port()));
  s->setKeepAlive(true);
  s->setTimeout(Poco::Timespan(30, 0));
  return s;
}

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_killed_remote_shard_gives_partial_answers_and_is_used_again_once_restarted) {
  RemoteShards shards;
  Settings sp = shards.remote(shards.all());
  Settings sa = sp;
  sa.index.require_all_shards = true;
  SearchService partial_search(sp.index_dir(), sp), strict_search(sa.index_dir(), sa);
  HttpServer partial_http(partial_search, nullptr, sp), strict_http(strict_search, nullptr, sa);
  partial_http.start();
  strict_http.start();

  const std::string target = "/api/search?q=&size=5";
  const std::uint64_t full = stored::open(shards.locations[0]).get_doccount() +
                             stored::open(shards.locations[1]).get_doccount() +
                             stored::open(shards.locations[2]).get_doccount();
  const std::uint64_t without_1 = full - stored::open(shards.locations[1]).get_doccount();
  const std::string victim = shards.servers[1]->location();
  {
    auto c = session(partial_http);
    Answer a = get(*c, target);
    BOOST_TEST(a.status == 200);
    BOOST_TEST(a.total == full);
    BOOST_TEST(!a.partial);
    BOOST_TEST(a.shards_total == 3u);
    BOOST_TEST(a.answered == 3u);
    BOOST_TEST(a.missing.empty());
  }

  // Clients search all along; one shard is killed, then restarted.
  enum Phase { before, killed, restarted };
  std::atomic<int> phase{before};
  std::atomic<bool> stop{false}, killing{false};
  std::mutex mu;
  std::vector<Answer> answers_killed, answers_restarted;
  std::vector<double> ms_before, ms_killed;  // per request, all shards up / one down
  std::vector<double> at_restarted;          // when each answer after the restart came (ms)
  Clock::time_point t_restart;
  std::atomic<int> dropped{0}, wrong{0}, done_before{0};
  std::vector<std::string> wrong_what;
  auto client = [&] {
    auto c = session(partial_http);
    while (!stop) {
      int ph = phase;
      auto t = Clock::now();
      Answer a;
      try {
        a = get(*c, target);
      } catch (const std::exception& e) {
        ++dropped;
        std::lock_guard<std::mutex> lock(mu);
        wrong_what.push_back(std::string("dropped: ") + e.what());
        c = session(partial_http);
        continue;
      }
      double ms = ms_since(t);
      bool is_full = a.status == 200 && !a.partial && a.total == full && a.answered == 3u;
      bool is_partial = a.status == 200 && a.partial && a.total == without_1 && a.answered == 2u &&
                        a.missing == std::vector<std::string>{victim};
      std::lock_guard<std::mutex> lock(mu);
      if (!is_full && !is_partial) {
        ++wrong;
        wrong_what.push_back("status " + std::to_string(a.status) + " " + a.error + " total " +
                             std::to_string(a.total));
      }
      // A request begun before the kill may end after it, partial (killing is set before the kill).
      if (ph == before && !is_full && !killing) {
        ++wrong;
        wrong_what.push_back("not full before the kill");
      }
      if (ph == before) {
        ++done_before;
        ms_before.push_back(ms);
      }
      if (ph == killed && phase == killed) {
        answers_killed.push_back(a);
        ms_killed.push_back(ms);
      }
      if (ph == restarted) {
        answers_restarted.push_back(a);
        at_restarted.push_back(ms_since(t_restart));
      }
    }
  };
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) clients.emplace_back(client);
  auto wait_for = [&](auto done, int seconds) {
    auto t = Clock::now();
    while (!done() && ms_since(t) < seconds * 1000.0)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return done();
  };
  BOOST_TEST_REQUIRE(wait_for([&] { return done_before >= 200; }, 120));

  // (Requests started from here on may be answered before the kill, in full.)
  phase = killed;
  killing = true;
  shards.servers[1]->kill9();
  auto count_killed = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return answers_killed.size();
  };
  BOOST_TEST(wait_for([&] { return count_killed() >= 400u; }, 120));
  {
    // While it is down: /healthz names it and still answers; a strict server refuses searches.
    auto c = session(partial_http);
    Answer h = get(*c, "/healthz");
    BOOST_TEST(h.status == 200);
    BOOST_TEST(h.partial);
    BOOST_TEST(h.answered == 2u);
    BOOST_TEST(h.missing == std::vector<std::string>{victim});
    Answer f = get(*c, "/api/facets/speaker?prefix=");
    BOOST_TEST(f.status == 200);
    BOOST_TEST(f.partial);
    BOOST_TEST(f.missing == std::vector<std::string>{victim});
    auto s = session(strict_http);
    Answer r = get(*s, target);
    BOOST_TEST(r.status == 503);
    BOOST_TEST(r.error == "shards_missing");
    Answer sh = get(*s, "/healthz");
    BOOST_TEST(sh.status == 200);
    BOOST_TEST(sh.missing == std::vector<std::string>{victim});
  }

  {
    std::lock_guard<std::mutex> lock(mu);
    std::size_t n_partial = 0;
    for (const auto& a : answers_killed) n_partial += a.partial ? 1 : 0;
    // All but the requests in flight at the kill are partial.
    BOOST_TEST(n_partial + 8u >= answers_killed.size());
    BOOST_TEST_MESSAGE("all shards up: " << ms_before.size() << " searches, p50 "
                                         << percentile(ms_before, 0.5) << " ms, p99 "
                                         << percentile(ms_before, 0.99) << " ms");
    BOOST_TEST_MESSAGE("one shard down: " << answers_killed.size() << " searches, p50 "
                                          << percentile(ms_killed, 0.5) << " ms, p99 "
                                          << percentile(ms_killed, 0.99) << " ms");
  }

  {
    std::lock_guard<std::mutex> lock(mu);
    t_restart = Clock::now();
    phase = restarted;
  }
  shards.servers[1]->start();
  const double listening_ms = ms_since(t_restart);
  auto full_again = [&] {
    std::lock_guard<std::mutex> lock(mu);
    std::size_t tail = 0;  // the last answers of every client are full
    for (auto it = answers_restarted.rbegin(); it != answers_restarted.rend() && !it->partial; ++it) ++tail;
    return tail >= 40u;
  };
  BOOST_TEST(wait_for(full_again, 10));
  stop = true;
  for (auto& t : clients) t.join();
  {
    // The first full answer, and the first of the full answers every one since.
    double first_full = -1, all_full = -1;
    for (std::size_t i = 0; i < answers_restarted.size(); ++i) {
      if (!answers_restarted[i].partial && first_full < 0) first_full = at_restarted[i];
      if (answers_restarted[i].partial)
        all_full = -1;
      else if (all_full < 0)
        all_full = at_restarted[i];
    }
    BOOST_TEST_MESSAGE("restarted shard (listening after " << listening_ms << " ms): first full answer at "
                                                           << first_full << " ms, every answer full from "
                                                           << all_full << " ms");
  }
  auto s = session(strict_http);
  BOOST_TEST(wait_for([&] { return get(*s, target).status == 200; }, 10));
  Answer r = get(*s, target);
  BOOST_TEST(r.total == full);
  BOOST_TEST(!r.partial);

  BOOST_TEST(dropped == 0);
  BOOST_TEST(wrong == 0);
  for (const auto& w : wrong_what) BOOST_TEST_MESSAGE(w);
}

BOOST_AUTO_TEST_CASE(a_silent_or_hanging_shard_costs_one_timeout_once) {
  RemoteShards shards;
  // A listening socket that never accepts or speaks: connections complete in the kernel's backlog.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  BOOST_TEST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  BOOST_TEST_REQUIRE(::listen(fd, 64) == 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  const std::string silent = "tcp://127.0.0.1:" + std::to_string(ntohs(a.sin_port));

  Settings s = shards.remote({shards.servers[0]->location(), silent, shards.servers[2]->location()});
  s.index.shard_timeout_ms = 1500;
  const std::uint64_t expected =
      stored::open(shards.locations[0]).get_doccount() + stored::open(shards.locations[2]).get_doccount();
  auto t = Clock::now();
  SearchService search(s.index_dir(), s);
  SearchRequest all;
  SearchResult r = search.search(all);
  double first_ms = ms_since(t);
  BOOST_TEST(r.total == expected);
  BOOST_TEST(r.shards.partial());
  BOOST_TEST(r.shards.total == 3u);
  BOOST_TEST(r.shards.missing == std::vector<std::string>{silent});
  // Xapian's own remote timeout is 10 s: the setting bounds the wait (open, then the search).
  BOOST_TEST(first_ms < 5000.0);
  // Then left out: only the pool's prober waits for it (a search that waited would take 1.5 s).
  std::vector<double> ms;
  auto t0 = Clock::now();
  while (ms_since(t0) < 2500.0) {
    auto t1 = Clock::now();
    SearchResult again = search.search(all);
    ms.push_back(ms_since(t1));
    BOOST_TEST(again.total == expected);
    BOOST_TEST(again.shards.missing == std::vector<std::string>{silent});
  }
  BOOST_TEST(*std::max_element(ms.begin(), ms.end()) < 1000.0);
  BOOST_TEST_MESSAGE("silent shard (timeout 1500 ms): open + first search "
                     << first_ms << " ms; then " << ms.size() << " searches, p50 " << percentile(ms, 0.5)
                     << " ms, max " << *std::max_element(ms.begin(), ms.end()) << " ms");
  // With require_all_shards the same search is refused.
  Settings strict_settings = s;
  strict_settings.index.require_all_shards = true;
  SearchService strict(strict_settings.index_dir(), strict_settings);
  try {
    strict.search(all);
    BOOST_FAIL("a search missing a shard passed with require_all_shards");
  } catch (const EnvironmentError& e) {
    BOOST_TEST(e.code() == "shards_missing");
    BOOST_TEST(std::string(e.what()).find(silent) != std::string::npos);
  }
  ::close(fd);

  // A shard that hangs between searches (SIGSTOP): the next search waits one timeout for it (not
  // two: the network error names the shard, which the fresh handle leaves out), then answers.
  Settings h = shards.remote(shards.all());
  h.index.shard_timeout_ms = 1500;
  SearchService hanging(h.index_dir(), h);
  BOOST_TEST(!hanging.search(all).shards.partial());
  shards.servers[0]->signal(SIGSTOP);
  auto t2 = Clock::now();
  SearchResult stalled = hanging.search(all);
  double stalled_ms = ms_since(t2);
  BOOST_TEST(stalled.shards.missing == std::vector<std::string>{shards.servers[0]->location()});
  BOOST_TEST(stalled_ms < 2900.0);
  shards.servers[0]->signal(SIGCONT);
  auto t3 = Clock::now();
  while (hanging.search(all).shards.partial() && ms_since(t3) < 10000.0)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  double back_ms = ms_since(t3);
  BOOST_TEST(!hanging.search(all).shards.partial());
  BOOST_TEST_MESSAGE("hanging shard (timeout 1500 ms): the search in its way took "
                     << stalled_ms << " ms; full again " << back_ms << " ms after SIGCONT");
}
