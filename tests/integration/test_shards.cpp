// Issue 12: the bundled corpus loaded as one shard, as three local shards (tongwen ingest --shards
// 3) and as those three served by xapian-tcpsrv on loopback gives the same answers: hits (ids and
// order), totals, facet counts (multi-select included), snippets, document view, translations,
// parallel view and concordance.
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <thread>

#include "fixtures.h"
#include "tongwen/bilingual.h"
#include "tongwen/errors.h"
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
  TcpServer(const std::string& dir, int port) : port_(port) {
    pid_ = ::fork();
    if (pid_ == 0) {
      // Its own process group: on SIGTERM xapian-tcpsrv signals its whole group (its connection
      // children), which would otherwise be this test and ctest.
      ::setpgid(0, 0);
      std::string p = std::to_string(port);
      ::execlp("xapian-tcpsrv", "xapian-tcpsrv", "--quiet", "--interface", "127.0.0.1", "--port", p.c_str(),
               dir.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 200 && !listening(port); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ~TcpServer() {
    if (pid_ <= 0) return;  // never kill(-1)
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  std::string location() const { return "tcp://127.0.0.1:" + std::to_string(port_); }

 private:
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
  BilingualService ba(a, s1.index_dir(), s1), bb(b, s3.index_dir(), s3), bc(c, sr.index_dir(), sr);
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
