// The HTTP API on port 0: status codes, the JSON shapes, bad input, never a dropped connection.
#include <boost/test/unit_test.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>

#include "fixtures.h"
#include "tongwen/errors.h"
#include "tongwen/http_server.h"
#include "tongwen/index_writer.h"
#include "tongwen/ingest.h"
#include "tongwen/search.h"

using namespace tongwen;
using Poco::JSON::Object;

namespace {

struct Reply {
  int status = 0;
  std::string body, content_type;
  Object::Ptr json;
  std::string header(const std::string&) const;
};

// A small indexed corpus of our own and a server on a free port.
struct Server {
  test::TempDir dir;
  Settings settings;
  std::unique_ptr<SearchService> search;
  std::unique_ptr<HttpServer> http;

  Server() {
    settings.data_dir = dir.path();
    settings.server.port = 0;
    settings.search.glossary = test::config_dir() + "/glossary.tsv";
    dir.write("in/ai.zh.txt",
              "title: 人工智能治理\nspeakers: 王建国 (清华大学)\ntopics: 人工智能/治理\nevent: "
              "2023国际科技创新论坛\n"
              "date: 2023-05-17\nlang: zh-Hans\ntype: speech\nid: ai-zh\ntranslation-of: ai-en\n\n"
              "人工智能的治理需要全球合作。\n\n我们要推动科技创新。\n");
    dir.write("in/ai.en.txt",
              "title: Governing artificial intelligence\nspeakers: Wang Jianguo (Tsinghua University)\n"
              "topics: AI/Governance\nevent: International Forum on Science and Technology Innovation 2023\n"
              "date: 2023-05-17\nlang: en\ntype: speech\nid: ai-en\n\n"
              "The governance of artificial intelligence needs global cooperation.\n\n"
              "We must promote innovation in science & technology <now>.\n");
    dir.write("in/ip.en.txt",
              "title: Patents and open science\nspeakers: Sophie Martin\ntopics: Intellectual property; Open "
              "science\n"
              "date: 2021-06-01\nlang: en\ntype: policy\nid: ip-en\n\nOpen science and patents can work "
              "together.\n");
    IngestOptions opt;
    opt.paths = {dir / "in"};
    auto sum = ingest(settings, opt, nullptr);
    BOOST_REQUIRE_EQUAL(sum.failed(), 0u);
    search = std::make_unique<SearchService>(settings.index_dir(), settings);
    http = std::make_unique<HttpServer>(*search, nullptr, settings);
    http->start();
  }

  Reply get(const std::string& target, const std::string& method = "GET") {
    Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(http->port()));
    s.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest req(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    s.sendRequest(req);
    Poco::Net::HTTPResponse resp;
    std::istream& in = s.receiveResponse(resp);
    Reply r;
    r.status = resp.getStatus();
    r.content_type = resp.getContentType();
    Poco::StreamCopier::copyToString(in, r.body);
    if (r.content_type.rfind("application/json", 0) == 0)
      r.json = Poco::JSON::Parser().parse(r.body).extract<Object::Ptr>();
    return r;
  }
};

Server& server() {
  static Server s;
  return s;
}

std::string error_code(const Reply& r) {
  BOOST_REQUIRE(r.json);
  return r.json->getObject("error")->getValue<std::string>("code");
}

}  // namespace

BOOST_AUTO_TEST_CASE(healthz_reports_the_document_count) {
  auto r = server().get("/healthz");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.json->getValue<std::string>("status") == "ok");
  BOOST_TEST(r.json->getValue<int>("documents") == 3);
}

BOOST_AUTO_TEST_CASE(search_returns_hits_snippets_and_facets) {
  auto r = server().get("/api/search?q=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD");  // 人工智能
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.content_type == "application/json; charset=utf-8");
  BOOST_TEST(r.json->getValue<int>("total") == 1);
  auto hit = r.json->getArray("hits")->getObject(0);
  BOOST_TEST(hit->getValue<std::string>("id") == "ai-zh");
  BOOST_TEST(hit->getValue<std::string>("snippet") == "<mark>人工智能</mark>的治理需要全球合作。");
  BOOST_TEST(hit->getValue<std::string>("title_html") == "<mark>人工智能</mark>治理");
  auto hl = hit->getArray("highlights")->getArray(0);
  BOOST_TEST(hl->getElement<int>(0) == 0);
  BOOST_TEST(hl->getElement<int>(1) == 4);  // code points, not bytes
  auto facets = r.json->getObject("facets");
  for (const char* f : {"speaker", "topic", "event", "year", "lang", "type"}) BOOST_TEST(facets->has(f), f);
  auto speakers = facets->getArray("speaker");
  BOOST_TEST(speakers->getObject(0)->getValue<std::string>("value") == "王建国");
  BOOST_TEST(speakers->getObject(0)->getValue<int>("count") == 1);
}

BOOST_AUTO_TEST_CASE(filters_by_speaker_and_escapes_snippets) {
  // The speaker is one entity in both languages: his Chinese name selects the English version too.
  auto r = server().get("/api/search?q=innovation&speaker=Wang%20Jianguo");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.json->getValue<int>("total") == 1);
  auto by_zh = server().get("/api/search?q=innovation&speaker=%E7%8E%8B%E5%BB%BA%E5%9C%8B");  // 王建國
  BOOST_TEST(by_zh.json->getValue<int>("total") == 1);
  auto hits = r.json->getArray("hits");
  std::string snippet;
  for (std::size_t i = 0; i < hits->size(); ++i)
    if (hits->getObject(static_cast<unsigned>(i))->getValue<std::string>("id") == "ai-en")
      snippet = hits->getObject(static_cast<unsigned>(i))->getValue<std::string>("snippet");
  BOOST_TEST(snippet == "We must promote <mark>innovation</mark> in science &amp; technology &lt;now&gt;.");
  auto names = hits->getObject(0)->getArray("speaker_names")->getObject(0);
  BOOST_TEST(names->getValue<std::string>("en") == "Wang Jianguo");
  BOOST_TEST(names->getValue<std::string>("zh-Hans") == "王建国");
  // Topic hierarchy rolls up: AI contains AI/Governance; AI is 人工智能 (one entity), both versions.
  r = server().get("/api/search?topic=AI");
  BOOST_TEST(r.json->getValue<int>("total") == 2);
}

BOOST_AUTO_TEST_CASE(documents_by_id_with_their_translations) {
  auto r = server().get("/api/documents/ai-zh");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.json->getValue<std::string>("title") == "人工智能治理");
  BOOST_TEST(r.json->getArray("paragraphs")->size() == 2u);
  auto tr = r.json->getArray("translations");
  BOOST_REQUIRE_EQUAL(tr->size(), 1u);
  BOOST_TEST(tr->getObject(0)->getValue<std::string>("id") == "ai-en");
}

BOOST_AUTO_TEST_CASE(bad_input_gets_a_json_error_never_a_dropped_connection) {
  struct Case {
    const char* target;
    int status;
    const char* code;
  } cases[] = {
      {"/api/search?q=%22unclosed", 400, "bad_query"},
      {"/api/search?q=(a", 400, "bad_query"},
      {"/api/search?q=a%20OR", 400, "bad_query"},
      {"/api/search?q=nofield:x", 400, "bad_query"},
      {"/api/search?q=date:2019..20x", 400, "bad_query"},
      {"/api/search?page=0", 400, "bad_parameter"},
      {"/api/search?size=abc", 400, "bad_parameter"},
      {"/api/search?size=100000", 400, "bad_parameter"},
      {"/api/search?colour=red", 400, "bad_parameter"},
      {"/api/search?from=2023-13", 400, "bad_parameter"},
      {"/api/search?sort=random", 400, "bad_parameter"},
      {"/api/search?q=%FF%FE", 400, "bad_parameter"},
      {"/api/facets/colour", 400, "bad_parameter"},
      {"/api/documents/no-such-id", 404, "not_found"},
      {"/api/loads/999999", 404, "not_found"},
      {"/api/loads/not-a-load", 404, "not_found"},
      {"/api/loads?colour=red", 400, "bad_parameter"},
      {"/api/nothing", 404, "not_found"},
      {"/nothing/at/all", 404, "not_found"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.target) {
      auto r = server().get(c.target);
      BOOST_TEST(r.status == c.status);
      BOOST_TEST(error_code(r) == c.code);
      BOOST_TEST(!r.json->getObject("error")->getValue<std::string>("message").empty());
    }
  }
  auto r = server().get("/api/search?q=x", "DELETE");
  BOOST_TEST(r.status == 405);
  BOOST_TEST(error_code(r) == "method_not_allowed");
}

BOOST_AUTO_TEST_CASE(a_malformed_query_message_points_at_the_problem) {
  auto r = server().get("/api/search?q=open%20%22science");
  BOOST_TEST(r.status == 400);
  std::string msg = r.json->getObject("error")->getValue<std::string>("message");
  BOOST_TEST(msg == "unclosed quote starting at character 6");
}

BOOST_AUTO_TEST_CASE(facet_values_can_be_searched_by_prefix) {
  auto r = server().get("/api/facets/speaker?prefix=wa");
  BOOST_TEST(r.status == 200);
  auto values = r.json->getArray("values");
  BOOST_REQUIRE_EQUAL(values->size(), 1u);
  BOOST_TEST(values->getObject(0)->getValue<std::string>("value") == "Wang Jianguo");
}

BOOST_AUTO_TEST_CASE(an_entity_is_found_by_the_pinyin_of_its_chinese_name) {
  // 王建国 reads wang jian guo: "wangjian" finds him only through that reading (his English name
  // is "Wang Jianguo", which does not start with "wangjian").
  for (const char* prefix : {"wangjian", "WANGJIANG", "wang%20jian%20g"}) {
    auto r = server().get(std::string("/api/facets/speaker?prefix=") + prefix);
    BOOST_TEST(r.status == 200);
    auto values = r.json->getArray("values");
    BOOST_REQUIRE_EQUAL(values->size(), 1u);
    BOOST_TEST(values->getObject(0)->getValue<std::string>("value") == "Wang Jianguo");
  }
  // Scoped to a search, the same rule.
  auto scoped = server().get("/api/facets/speaker?prefix=wangjian&q=governance");
  BOOST_TEST(scoped.status == 200);
  BOOST_REQUIRE_EQUAL(scoped.json->getArray("values")->size(), 1u);
  BOOST_TEST(scoped.json->getArray("values")->getObject(0)->getValue<std::string>("value") == "Wang Jianguo");
  BOOST_TEST(server().get("/api/facets/speaker?prefix=jianguo").json->getArray("values")->size() == 0u);
  BOOST_TEST(server().get("/api/facets/speaker?prefix=wangjianx").json->getArray("values")->size() == 0u);
}

BOOST_AUTO_TEST_CASE(the_web_page_is_served_at_the_root) {
  auto r = server().get("/");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.content_type == "text/html; charset=utf-8");
  BOOST_TEST(r.body.find("/app.js") != std::string::npos);
  auto js = server().get("/app.js");
  BOOST_TEST(js.status == 200);
  BOOST_TEST(js.content_type == "text/javascript; charset=utf-8");
  BOOST_TEST(js.body.find("/api/search") != std::string::npos);
  auto css = server().get("/app.css");
  BOOST_TEST(css.status == 200);
  BOOST_TEST(css.content_type == "text/css; charset=utf-8");
  BOOST_TEST(server().get("/app.jsx").status == 404);
}

BOOST_AUTO_TEST_CASE(facet_values_can_be_counted_over_a_search) {
  // What the page's "show all" lists: every value, counted over the query's documents.
  auto all = server().get("/api/search?q=innovation&size=0&facet_limit=1000");
  auto scoped = server().get("/api/facets/speaker?q=innovation&limit=1000");
  BOOST_TEST(scoped.status == 200);
  auto want = all.json->getObject("facets")->getArray("speaker");
  auto got = scoped.json->getArray("values");
  BOOST_REQUIRE_EQUAL(got->size(), want->size());
  for (unsigned i = 0; i < got->size(); ++i) {
    BOOST_TEST(got->getObject(i)->getValue<std::string>("value") ==
               want->getObject(i)->getValue<std::string>("value"));
    BOOST_TEST(got->getObject(i)->getValue<int>("count") == want->getObject(i)->getValue<int>("count"));
  }
  auto top = server().get("/api/search?q=innovation&size=0");
  BOOST_TEST(top.json->getObject("facets")->getArray("speaker")->size() <= 10u);
}

BOOST_AUTO_TEST_CASE(a_second_server_on_the_same_port_fails_instead_of_sharing_it) {
  Settings s = server().settings;
  s.server.port = server().http->port();
  HttpServer second(*server().search, nullptr, s);
  BOOST_CHECK_THROW(second.start(), EnvironmentError);
}

BOOST_AUTO_TEST_CASE(an_index_error_inside_a_handler_is_a_500_with_json) {
  // A document whose stored data is corrupt makes the read fail with an EnvironmentError.
  test::TempDir dir;
  Settings s;
  s.data_dir = dir.path();
  s.server.port = 0;
  {
    IndexWriter w(s.index_dir());
    Xapian::Document bad;
    bad.set_data("\x7f garbage");
    bad.add_boolean_term("Qbroken");
    w.database().replace_document("Qbroken", bad);
    w.commit();
  }
  SearchService search(s.index_dir(), s);
  HttpServer http(search, nullptr, s);
  http.start();
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(http.port()));
  Poco::Net::HTTPRequest req("GET", "/api/documents/broken", Poco::Net::HTTPMessage::HTTP_1_1);
  session.sendRequest(req);
  Poco::Net::HTTPResponse resp;
  std::string body;
  Poco::StreamCopier::copyToString(session.receiveResponse(resp), body);
  BOOST_TEST(resp.getStatus() == 500);
  BOOST_TEST(body.find("\"code\":\"corrupt_index\"") != std::string::npos, body);
}
