// tongwen undo (issue 15): a load undone leaves the archive as if it had never run; updates come
// back byte for byte; undo of an undo; refusals; --dry-run; kill -9 during an undo.
#include <boost/test/unit_test.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Pipe.h>
#include <Poco/Process.h>

#include <xapian.h>

#include <chrono>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "fixtures.h"
#include "tongwen/schema.h"

using namespace tongwen;
using test::run_tongwen;
using test::TempDir;

namespace {

using Snapshot = std::map<std::string, std::string>;  // id -> everything Xapian stores for it

// Every document as Xapian holds it: stored data, every term with its positions, every value.
Snapshot snapshot(const std::string& data) {
  Snapshot out;
  Xapian::Database db(data + "/index");
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    Xapian::Document d = db.get_document(*it);
    std::string id, all = "data:" + d.get_data() + "\n";
    for (auto t = d.termlist_begin(); t != d.termlist_end(); ++t) {
      if ((*t).rfind(schema::PREFIX_ID, 0) == 0) id = (*t).substr(1);
      all += "term:" + *t + " wdf " + std::to_string(t.get_wdf()) + " at";
      for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) all += " " + std::to_string(*p);
      all += "\n";
    }
    for (auto v = d.values_begin(); v != d.values_end(); ++v)
      all += "value:" + std::to_string(v.get_valueno()) + "=" + *v + "\n";
    out[id] = all;
  }
  return out;
}

std::set<std::string> ids_of(const Snapshot& s) {
  std::set<std::string> out;
  for (const auto& [id, _] : s) out.insert(id);
  return out;
}

// The stored alignments and group records (what "alignments follow the documents" means).
std::map<std::string, std::string> alignments(const std::string& data) {
  std::map<std::string, std::string> out;
  Xapian::Database db(data + "/index");
  for (const char* prefix : {"align:", "align-group:"})
    for (auto k = db.metadata_keys_begin(prefix); k != db.metadata_keys_end(prefix); ++k)
      out[*k] = db.get_metadata(*k);
  return out;
}

std::string revision(const std::string& data) {
  return std::to_string(Xapian::Database(data + "/index").get_revision());
}

std::string out_of(const std::vector<std::string>& args) {
  auto r = run_tongwen(args, test::source_dir());
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  return r.out;
}

std::string record(const std::string& id, const std::string& text) {
  return "{\"id\":\"" + id + "\",\"title\":\"Record " + id + "\",\"lang\":\"en\",\"speakers\":[\"Speaker " +
         id.substr(0, 5) + "\"],\"text\":\"" + text + "\"}\n";
}

// Writes in/a.jsonl and in/b.jsonl (doc-a, doc-b) and loads the folder into dir/data (load 1).
std::string load_two(const TempDir& dir, const std::string& text_a, const std::string& text_b) {
  const std::string data = dir / "data";
  dir.write("in/a.jsonl", record("doc-a", text_a));
  dir.write("in/b.jsonl", record("doc-b", text_b));
  out_of({"ingest", "--quiet", "--data", data, dir / "in"});
  return data;
}

void expect_sound(const std::string& data) {
  auto check = run_tongwen({"check", "--data", data}, test::source_dir());
  BOOST_TEST(check.exit_code == 0, check.out + check.err);
}

std::string last_load_id(const std::string& data) {
  Poco::JSON::Parser parser;
  auto list = parser.parse(out_of({"loads", "--json", "--data", data})).extract<Poco::JSON::Array::Ptr>();
  return list->getObject(list->size() - 1)->getValue<std::string>("id");
}

}  // namespace

BOOST_AUTO_TEST_CASE(undoing_the_second_folder_leaves_what_the_first_alone_gives) {
  TempDir dir;
  const std::string data = dir / "data", fresh = dir / "fresh";
  const std::string a2021 = test::corpus_dir() + "/2021", a2022 = test::corpus_dir() + "/2022";
  const std::string b = test::corpus_dir() + "/2023";
  out_of({"ingest", "--quiet", "--data", data, a2021, a2022});
  out_of({"ingest", "--quiet", "--data", data, b});
  out_of({"ingest", "--quiet", "--data", fresh, a2021, a2022});
  BOOST_TEST_REQUIRE(snapshot(data).size() > snapshot(fresh).size());

  std::string plan = out_of({"undo", "2", "--data", data});
  BOOST_TEST(plan.find("recorded as load 3") != std::string::npos, plan);

  // Documents exactly (data, terms, positions, values), totals, facet counts, ranked hits,
  // authorities and alignments: as in an archive that only ever loaded the first folder.
  BOOST_TEST((snapshot(data) == snapshot(fresh)));
  for (const char* q : {"", "创新", "innovation", "open science", "人工智能"})
    BOOST_TEST(out_of({"search", q, "--json", "--size", "100", "--data", data}) ==
                   out_of({"search", q, "--json", "--size", "100", "--data", fresh}),
               "query \"" << q << "\"");
  BOOST_TEST(out_of({"authorities", "--json", "--data", data}) ==
             out_of({"authorities", "--json", "--data", fresh}));
  BOOST_TEST((alignments(data) == alignments(fresh)));
  expect_sound(data);

  // The source records went back too: loading the folder again converts it again.
  auto again = run_tongwen({"ingest", "--data", data, "--json", "--quiet", b}, test::source_dir());
  BOOST_TEST_REQUIRE(again.exit_code == 0, again.err);
  BOOST_TEST(again.out.find("\"added\": 16") != std::string::npos, again.out);
}

BOOST_AUTO_TEST_CASE(an_undone_update_brings_back_the_old_version_byte_for_byte_and_undo_of_undo_the_new) {
  TempDir dir;
  const std::string data =
      load_two(dir, "First text about open science and 开放科学.", "Second text about patents.");
  const Snapshot before = snapshot(data);

  dir.write("in/a.jsonl", record("doc-a", "First text, revised, about open data and 开放数据."));
  dir.write("in/c.jsonl", record("doc-c", "A third text, new."));
  out_of({"ingest", "--quiet", "--data", data, dir / "in"});
  out_of({"delete", "doc-b", "--data", data});  // load 3
  const Snapshot after = snapshot(data);
  BOOST_TEST_REQUIRE(after.at("doc-a") != before.at("doc-a"));

  out_of({"undo", "3", "--data", data});  // doc-b back: load 4
  out_of({"undo", "2", "--data", data});  // doc-a as it was, doc-c gone: load 5
  BOOST_TEST((snapshot(data) == before));

  // Undo of the undo: load 2's versions come back exactly.
  out_of({"undo", "5", "--data", data});
  Snapshot redone = snapshot(data);
  BOOST_TEST(redone.at("doc-a") == after.at("doc-a"));
  BOOST_TEST(redone.at("doc-c") == after.at("doc-c"));
  BOOST_TEST(redone.at("doc-b") == before.at("doc-b"));  // load 3 stays undone

  auto show = out_of({"loads", "show", "5", "--json", "--data", data});
  BOOST_TEST(show.find("\"kind\": \"undo\"") != std::string::npos, show);
  BOOST_TEST(show.find("\"undoes\": \"2\"") != std::string::npos, show);
  expect_sound(data);
}

BOOST_AUTO_TEST_CASE(undo_refuses_when_later_loads_changed_the_same_documents_unless_forced) {
  TempDir dir;
  const std::string data = load_two(dir, "First text.", "Second text.");
  dir.write("in/a.jsonl", record("doc-a", "First text, changed."));
  out_of({"ingest", "--quiet", "--data", data, dir / "in"});
  dir.write("other/x.jsonl", record("doc-x", "Unrelated."));
  out_of({"ingest", "--quiet", "--data", data, dir / "other"});
  const std::string rev = revision(data);

  auto r = run_tongwen({"undo", "1", "--data", data}, test::source_dir());
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err.find("undo_conflict") == std::string::npos);  // the message, not the code, is shown
  BOOST_TEST(r.err.find("load 2 (doc-a)") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("load 3") == std::string::npos, r.err);  // it touched other documents
  BOOST_TEST(r.err.find("--force") != std::string::npos, r.err);
  BOOST_TEST(revision(data) == rev);

  out_of({"undo", "1", "--force", "--data", data});
  BOOST_TEST((ids_of(snapshot(data)) == std::set<std::string>{"doc-x"}));
}

BOOST_AUTO_TEST_CASE(dry_run_prints_the_plan_and_changes_nothing) {
  TempDir dir;
  const std::string data = dir / "data";
  dir.write("in/a.jsonl", record("doc-a", "First text."));
  out_of({"ingest", "--quiet", "--data", data, dir / "in"});
  dir.write("in/a.jsonl", record("doc-a", "First text, changed."));
  dir.write("in/b.jsonl", record("doc-b", "Second text."));
  out_of({"ingest", "--quiet", "--data", data, dir / "in"});
  const std::string rev = revision(data);
  const Snapshot s = snapshot(data);

  // The index held by another writer (a bulk load): the dry run reads, the undo itself waits for
  // the lock (server.write_wait_seconds) and then gives up with `locked`.
  Xapian::WritableDatabase writer(data + "/index", Xapian::DB_OPEN);
  std::string out = out_of({"undo", "2", "--dry-run", "--data", data});
  auto locked = run_tongwen({"undo", "2", "--set", "server.write_wait_seconds=0", "--data", data});
  BOOST_TEST(locked.exit_code == 3);
  BOOST_TEST(locked.err.find("locked by another writer") != std::string::npos, locked.err);
  writer.close();
  BOOST_TEST(out.find("remove   1 document(s) the load added\n    doc-b\n") != std::string::npos, out);
  BOOST_TEST(
      out.find("restore  1 document(s) as they were before the load\n    doc-a\n") != std::string::npos, out);
  BOOST_TEST(out.find("dry run: nothing changed") != std::string::npos, out);
  BOOST_TEST(revision(data) == rev);
  BOOST_TEST((snapshot(data) == s));
}

BOOST_AUTO_TEST_CASE(a_load_older_than_the_kept_ones_is_not_undoable) {
  TempDir dir;
  const std::string data = dir / "data";
  const std::string keep = "archive.keep_loads=2";
  for (int i = 0; i < 4; ++i) {
    dir.write("in/a.jsonl", record("doc-a", "Version " + std::to_string(i) + "."));
    out_of({"ingest", "--quiet", "--set", keep, "--data", data, dir / "in"});
  }
  auto r = run_tongwen({"undo", "2", "--set", keep, "--data", data}, test::source_dir());
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err.find("cannot be undone") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("archive.keep_loads") != std::string::npos, r.err);
  {  // load 2's kept versions are gone from the index, loads 3 and 4 still have theirs
    Xapian::Database db(data + "/index");
    BOOST_TEST((db.metadata_keys_begin("loadkeep:000002:") == db.metadata_keys_end("loadkeep:000002:")));
    BOOST_TEST(!db.get_metadata("loadkeep:000003:d:doc-a").empty());
  }
  auto no = run_tongwen({"undo", "9", "--data", data}, test::source_dir());
  BOOST_TEST(no.exit_code == 1);
  BOOST_TEST(no.err.find("no load \"9\"") != std::string::npos, no.err);
  // Load 3 is still kept (load 4 changed doc-a after it: --force).
  out_of({"undo", "3", "--force", "--set", keep, "--data", data});
  BOOST_TEST(snapshot(data).at("doc-a").find("Version 1.") != std::string::npos);
  // The undo was a load too: it pruned load 3's versions (the newest two are 4 and 5).
  auto pruned = run_tongwen({"undo", "3", "--force", "--set", keep, "--data", data}, test::source_dir());
  BOOST_TEST(pruned.exit_code == 1);
  BOOST_TEST(pruned.err.find("were pruned") != std::string::npos, pruned.err);
}

BOOST_AUTO_TEST_CASE(an_undo_killed_at_any_moment_leaves_the_archive_before_or_after_never_between) {
  TempDir dir;
  const std::string data = dir / "data";
  dir.write("small/a.jsonl", record("doc-a", "The first folder."));
  std::string bulk;
  for (int i = 0; i < 3000; ++i)
    bulk += record("bulk-" + std::to_string(i), "Bulk record " + std::to_string(i) + " on innovation.");
  dir.write("bulk/bulk.jsonl", bulk);
  out_of({"ingest", "--quiet", "--data", data, dir / "small"});
  const std::set<std::string> without = ids_of(snapshot(data));
  out_of({"ingest", "--quiet", "--data", data, dir / "bulk"});
  const std::set<std::string> with = ids_of(snapshot(data));
  BOOST_TEST_REQUIRE(with.size() == 3001u);

  // Each round undoes the newest load (the bulk load, then the undo, then the undo of the undo...)
  // in a child killed after a random delay; the state alternates between `with` and `without`.
  std::mt19937 rng(15);
  std::set<std::string> expected_before = with;
  int killed_between = 0, finished = 0, killed = 0;
  for (int round = 0; round < 8; ++round) {
    std::string id = last_load_id(data);
    Poco::Pipe out_pipe, err_pipe;
    Poco::Process::Args args{"undo", id, "--quiet", "--data", data};
    auto h = Poco::Process::launch(test::tongwen_binary(), args, test::source_dir(), nullptr, &out_pipe,
                                   &err_pipe);
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 1500)(rng)));
    try {
      Poco::Process::kill(h);
    } catch (const Poco::Exception&) {  // it had finished
    }
    h.wait();
    std::set<std::string> now = ids_of(snapshot(data));
    const std::set<std::string>& other = expected_before == with ? without : with;
    if (now == expected_before) {
      ++killed;
    } else if (now == other) {
      ++finished;
      expected_before = other;
    } else {
      ++killed_between;
    }
  }
  BOOST_TEST_MESSAGE("undo rounds: " << killed << " killed before the commit, " << finished << " finished");
  BOOST_TEST(killed_between == 0);
  expect_sound(data);
}
