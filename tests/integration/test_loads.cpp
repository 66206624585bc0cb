// The load history (issue 15): every ingest run and delete recorded in the index, in the same
// commits as its documents.
#include <boost/test/unit_test.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Pipe.h>
#include <Poco/Process.h>

#include <xapian.h>

#include <chrono>
#include <set>
#include <sstream>
#include <thread>

#include "fixtures.h"
#include "serve.h"
#include "tongwen/schema.h"
#include "tongwen/util.h"

using namespace tongwen;
using test::run_tongwen;
using test::TempDir;

namespace {

Poco::Dynamic::Var parsed(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text);
}

Poco::JSON::Object::Ptr show(const std::string& data, const std::string& id) {
  auto r = run_tongwen({"loads", "show", id, "--data", data, "--json"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  return parsed(r.out).extract<Poco::JSON::Object::Ptr>();
}

std::vector<std::string> strings(const Poco::JSON::Array::Ptr& a) {
  std::vector<std::string> out;
  for (unsigned i = 0; i < a->size(); ++i) out.push_back(a->getElement<std::string>(i));
  return out;
}

std::string record(const std::string& id, const std::string& text) {
  return "{\"id\":\"" + id + "\",\"title\":\"Record " + id + "\",\"lang\":\"en\",\"text\":\"" + text +
         "\"}\n";
}

// The stored data of a document (what the history hashes).
std::string stored_data(const std::string& data, const std::string& id) {
  Xapian::Database db(data + "/index");
  std::string term = std::string(schema::PREFIX_ID) + id;
  return db.get_document(*db.postlist_begin(term)).get_data();
}

// dir/in/a.jsonl (doc-a) loaded into dir/data as load 1; returns the data folder.
std::string load_one(const TempDir& dir) {
  const std::string data = dir / "data";
  dir.write("in/a.jsonl", record("doc-a", "First text about open science."));
  BOOST_TEST_REQUIRE(run_tongwen({"ingest", "--data", data, "--quiet", dir / "in"}).exit_code == 0);
  return data;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_ingest_and_delete_is_recorded_with_what_it_changed) {
  TempDir dir;
  const std::string data = dir / "data";
  std::string a = dir.write("in/a.jsonl", record("doc-a", "First text about open science."));
  std::string b = dir.write("in/b.jsonl", record("doc-b", "Second text about patents."));
  auto r = run_tongwen({"ingest", "--data", data, "--quiet", dir / "in"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const std::string old_a = stored_data(data, "doc-a");

  // The same folder again with one file changed: an update with the hash of the old version.
  dir.write("in/a.jsonl", record("doc-a", "First text, revised, about open data."));
  r = run_tongwen({"ingest", "--data", data, dir / "in"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(r.err.find("recorded as load 2") != std::string::npos, r.err);
  const std::string old_b = stored_data(data, "doc-b");
  r = run_tongwen({"delete", "--data", data, "doc-b"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);

  r = run_tongwen({"loads", "--data", data, "--json"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  auto list = parsed(r.out).extract<Poco::JSON::Array::Ptr>();
  BOOST_TEST_REQUIRE(list->size() == 3u, r.out);
  auto load = [&](unsigned i) { return list->getObject(i); };
  BOOST_TEST(load(0)->getValue<std::string>("id") == "1");
  BOOST_TEST(load(0)->getValue<std::string>("kind") == "ingest");
  BOOST_TEST(load(0)->getValue<std::size_t>("added") == 2u);
  BOOST_TEST(load(0)->getValue<std::size_t>("files") == 2u);
  BOOST_TEST(load(0)->getValue<bool>("complete"));
  BOOST_TEST(load(0)->getValue<std::string>("command").find("tongwen ingest") == 0u);
  BOOST_TEST(load(1)->getValue<std::size_t>("added") == 0u);
  BOOST_TEST(load(1)->getValue<std::size_t>("updated") == 1u);
  BOOST_TEST(load(2)->getValue<std::string>("kind") == "delete");
  BOOST_TEST(load(2)->getValue<std::size_t>("removed") == 1u);

  auto first = show(data, "1");
  auto added = strings(first->getArray("added_ids"));
  BOOST_TEST((std::set<std::string>(added.begin(), added.end()) == std::set<std::string>{"doc-a", "doc-b"}));
  std::set<std::string> outcomes;
  auto files = first->getArray("files_detail");
  for (unsigned i = 0; i < files->size(); ++i)
    outcomes.insert(files->getObject(i)->getValue<std::string>("path") + " " +
                    files->getObject(i)->getValue<std::string>("outcome"));
  BOOST_TEST((outcomes == std::set<std::string>{a + " added", b + " added"}));

  auto second = show(data, "2");
  auto updated = second->getArray("updated_ids");
  BOOST_TEST_REQUIRE(updated->size() == 1u);
  BOOST_TEST(updated->getObject(0)->getValue<std::string>("id") == "doc-a");
  BOOST_TEST(updated->getObject(0)->getValue<std::string>("replaced") == sha256_hex(old_a));
  auto third = show(data, "000003");  // the padded form names the same load
  auto removed = third->getArray("removed_ids");
  BOOST_TEST_REQUIRE(removed->size() == 1u);
  BOOST_TEST(removed->getObject(0)->getValue<std::string>("id") == "doc-b");
  BOOST_TEST(removed->getObject(0)->getValue<std::string>("replaced") == sha256_hex(old_b));

  r = run_tongwen({"loads", "show", "4", "--data", data});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err.find("no load \"4\"") != std::string::npos, r.err);
  // The history does not disturb the integrity check.
  r = run_tongwen({"check", "--data", data});
  BOOST_TEST(r.exit_code == 0, r.out);
}

BOOST_AUTO_TEST_CASE(a_load_killed_half_way_is_recorded_exactly_as_far_as_it_committed) {
  TempDir dir;
  const std::string data = dir / "data";
  std::string bulk;
  for (int i = 0; i < 3000; ++i)
    bulk += record("bulk-" + std::to_string(i), "Bulk record " + std::to_string(i) + " on innovation.");
  std::string file = dir.write("bulk.jsonl", bulk);
  Poco::Pipe out_pipe, err_pipe;
  Poco::Process::Args args{"ingest", "--data", data, "--quiet", "--batch-size", "25", file};
  auto h =
      Poco::Process::launch(test::tongwen_binary(), args, test::source_dir(), nullptr, &out_pipe, &err_pipe);
  // Kill it once some batches are committed.
  for (int i = 0; i < 1000; ++i) {
    try {
      if (Xapian::Database(data + "/index").get_doccount() >= 100) break;
    } catch (const Xapian::Error&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Poco::Process::kill(h);
  h.wait();

  std::set<std::string> in_index;
  {
    Xapian::Database db(data + "/index");
    const std::string prefix(schema::PREFIX_ID);
    for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t)
      in_index.insert((*t).substr(prefix.size()));
  }
  BOOST_TEST_MESSAGE("killed with " << in_index.size() << " of 3000 documents committed");
  BOOST_TEST(in_index.size() >= 100u);
  auto load = show(data, "1");
  auto added = strings(load->getArray("added_ids"));
  BOOST_TEST(load->getValue<std::size_t>("added") == added.size());
  BOOST_TEST((std::set<std::string>(added.begin(), added.end()) == in_index));
  if (in_index.size() < 3000u) BOOST_TEST(!load->getValue<bool>("complete"));

  // The same command again finishes the job; its load adds exactly the rest.
  auto r = run_tongwen({"ingest", "--data", data, "--quiet", file});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  auto again = show(data, "2");
  BOOST_TEST(again->getValue<std::size_t>("added") == 3000u - in_index.size());
  BOOST_TEST(again->getValue<bool>("complete"));
}

BOOST_AUTO_TEST_CASE(http_uploads_and_deletes_are_recorded_in_their_own_commit) {
  TempDir dir;
  const std::string data = load_one(dir);
  {
    const std::string token = "a-token-for-the-test";
    test::Serve serve(data, {"server.token=" + token});
    auto r = serve.request("POST", "/api/documents?filename=quokka.txt",
                           "title: Quokka report\nlang: en\n\nThe quokka lives on Rottnest Island.\n", token);
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    r = serve.request("DELETE", "/api/documents/doc-a", "", token);
    BOOST_TEST_REQUIRE(r.status / 100 == 2, r.body);
  }
  auto upload = show(data, "2");
  BOOST_TEST(upload->getValue<std::string>("kind") == "upload");
  BOOST_TEST(upload->getValue<std::string>("command").find("quokka.txt") != std::string::npos);
  BOOST_TEST(upload->getValue<bool>("complete"));
  BOOST_TEST(upload->getValue<std::size_t>("added") == 1u);
  auto del = show(data, "3");
  BOOST_TEST(del->getValue<std::string>("kind") == "delete");
  auto removed = del->getArray("removed_ids");
  BOOST_TEST_REQUIRE(removed->size() == 1u);
  BOOST_TEST(removed->getObject(0)->getValue<std::string>("id") == "doc-a");
}

BOOST_AUTO_TEST_CASE(get_api_loads_answers_what_tongwen_loads_json_prints) {
  TempDir dir;
  const std::string data = load_one(dir);
  dir.write("in/a.jsonl", record("doc-a", "First text, revised."));
  BOOST_TEST_REQUIRE(run_tongwen({"ingest", "--data", data, "--quiet", dir / "in"}).exit_code == 0);
  BOOST_TEST_REQUIRE(run_tongwen({"undo", "2", "--data", data, "--quiet"}).exit_code == 0);
  // Both sides parsed and written again the same way (sorted keys), so that only content counts.
  auto canonical = [](const std::string& text) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(parsed(text), out);
    return out.str();
  };
  auto cli_list = run_tongwen({"loads", "--data", data, "--json"});
  auto cli_show = run_tongwen({"loads", "show", "3", "--data", data, "--json"});
  BOOST_TEST_REQUIRE(cli_list.exit_code == 0, cli_list.err);
  BOOST_TEST_REQUIRE(cli_show.exit_code == 0, cli_show.err);

  test::Serve serve(data, {});  // reads need no token
  auto list = serve.get("/api/loads");
  BOOST_TEST_REQUIRE(list.status == 200, list.body);
  BOOST_TEST(canonical(list.body) == canonical(cli_list.out));
  BOOST_TEST(parsed(list.body).extract<Poco::JSON::Array::Ptr>()->size() == 3u);
  auto one = serve.get("/api/loads/3");
  BOOST_TEST_REQUIRE(one.status == 200, one.body);
  BOOST_TEST(canonical(one.body) == canonical(cli_show.out));
  BOOST_TEST(one.body.find("\"undoes\":\"2\"") != std::string::npos, one.body);
  BOOST_TEST(serve.get("/api/loads/000003").body == one.body);

  auto missing = serve.get("/api/loads/9");
  BOOST_TEST(missing.status == 404);
  BOOST_TEST(test::error_code(missing) == "not_found");
  BOOST_TEST(test::error_code(serve.get("/api/loads/abc")) == "not_found");
  BOOST_TEST(serve.request("POST", "/api/loads").status == 405);
}

BOOST_AUTO_TEST_CASE(post_api_loads_id_undo_undoes_with_the_token_and_refuses_a_conflict) {
  TempDir dir;
  const std::string data = load_one(dir);
  const std::string token = "a-token-for-the-undo";
  test::Serve serve(data, {"server.token=" + token});
  BOOST_TEST(serve.request("POST", "/api/loads/1/undo").status == 401);
  BOOST_TEST(serve.request("GET", "/api/loads/1/undo").status == 405);
  BOOST_TEST(test::error_code(serve.request("POST", "/api/loads/99/undo", "", token)) == "not_found");

  auto r = serve.request("POST", "/api/loads/1/undo", "", token);
  BOOST_TEST_REQUIRE(r.status == 200, r.body);
  auto o = parsed(r.body).extract<Poco::JSON::Object::Ptr>();
  BOOST_TEST(o->getValue<std::string>("undone") == "1");
  BOOST_TEST(o->getValue<std::string>("load") == "2");
  BOOST_TEST(o->getValue<std::size_t>("removed") == 1u);
  BOOST_TEST(serve.wait_for_hits("science", 0) >= 0);
  // Load 2 (the undo) changed doc-a after load 1: undoing load 1 again is a conflict.
  r = serve.request("POST", "/api/loads/1/undo", "", token);
  BOOST_TEST(r.status == 409);
  BOOST_TEST(test::error_code(r) == "undo_conflict");
  BOOST_TEST(r.body.find("load 2 (doc-a)") != std::string::npos, r.body);
  // Undo of the undo brings the document back.
  r = serve.request("POST", "/api/loads/2/undo", "", token);
  BOOST_TEST_REQUIRE(r.status == 200, r.body);
  BOOST_TEST(serve.wait_for_hits("science", 1) >= 0);
  auto show = serve.get("/api/loads/3");
  BOOST_TEST(show.body.find("\"kind\":\"undo\"") != std::string::npos, show.body);
  BOOST_TEST(show.body.find("HTTP POST /api/loads/2/undo") != std::string::npos, show.body);
}
