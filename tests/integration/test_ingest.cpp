// Bulk loading: exactly once (re-runs, changes, prune, failures), and a killed load that resumes to
// the same index as a clean one.
#include <boost/test/unit_test.hpp>

#include <Poco/File.h>

#include <sys/stat.h>
#include <utime.h>

#include "fixtures.h"
#include "load_corpus.h"
#include "tongwen/index_writer.h"
#include "tongwen/ingest.h"

using namespace tongwen;
using tongwen::test::TempDir;

namespace {

Settings settings_for(const TempDir& dir, int batch_size = 10) {
  Settings s;
  s.data_dir = dir / "data";
  s.ingest.batch_size = batch_size;
  s.ingest.threads = 2;
  return s;
}

struct Load {
  IngestSummary summary;
  std::map<std::string, FileOutcome> rows;  // by path
};

Load load(const Settings& s, IngestOptions opt) {
  Load l;
  l.summary = ingest(s, opt, [&](const FileOutcome& o, const IngestProgress&) {
    BOOST_TEST(l.rows.count(o.path) == 0u, "two rows for " << o.path);
    l.rows[o.path] = o;
  });
  return l;
}

Load load(const Settings& s, const std::string& path) {
  IngestOptions opt;
  opt.paths = {path};
  return load(s, opt);
}

std::string text_doc(const std::string& title, const std::string& body) {
  return "title: " + title + "\nlang: en\n\n" + body + "\n";
}

void set_mtime(const std::string& path, long seconds) {
  struct utimbuf t {
    seconds, seconds
  };
  BOOST_REQUIRE(::utime(path.c_str(), &t) == 0);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(exactly_once)

BOOST_AUTO_TEST_CASE(loading_again_reads_converts_and_adds_nothing) {
  TempDir dir;
  dir.write("in/a.txt", text_doc("Alpha", "Alpha text about innovation."));
  dir.write("in/b.txt", text_doc("Beta", "Beta text about open science."));
  test::write_generated_corpus(dir, "in/gen", 7, 2, 15, 0, 4);
  Settings s = settings_for(dir);
  Load first = load(s, dir / "in");
  BOOST_TEST(first.summary.outcomes["added"] == 8u);
  BOOST_TEST(first.summary.converted == 8u);
  auto before = test::snapshot(s.index_dir());
  Xapian::docid last_before = Xapian::Database(s.index_dir()).get_lastdocid();

  Load second = load(s, dir / "in");
  BOOST_TEST(second.summary.outcomes["unchanged"] == 8u);
  BOOST_TEST(second.summary.files == 8u);
  BOOST_TEST(second.summary.hashed == 0u);  // size and mtime matched: not even read
  BOOST_TEST(second.summary.converted == 0u);
  BOOST_TEST(second.summary.documents == 0u);
  for (const auto& [path, row] : second.rows) BOOST_TEST(row.ids == first.rows[path].ids, path);
  auto after = test::snapshot(s.index_dir());
  BOOST_TEST(after.data == before.data);
  BOOST_TEST(after.records == before.records);
  BOOST_TEST(Xapian::Database(s.index_dir()).get_lastdocid() == last_before);  // nothing re-added

  // Touched but identical: hashed, not converted; the record remembers the new mtime.
  set_mtime(dir / "in/a.txt", 1700000000);
  Load third = load(s, dir / "in");
  BOOST_TEST(third.rows[dir / "in/a.txt"].outcome == "unchanged");
  BOOST_TEST(third.summary.hashed == 1u);
  BOOST_TEST(third.summary.converted == 0u);
  BOOST_TEST(load(s, dir / "in").summary.hashed == 0u);
  BOOST_TEST(test::snapshot(s.index_dir()).data == before.data);
}

BOOST_AUTO_TEST_CASE(a_changed_file_replaces_exactly_its_documents) {
  TempDir dir;
  std::string a = dir.write("in/a.txt", text_doc("Alpha", "Alpha text about innovation."));
  dir.write("in/b.txt", text_doc("Beta", "Beta text about open science."));
  std::string j = dir.write("in/c.jsonl",
                            "{\"id\":\"c1\",\"title\":\"One\",\"text\":\"First record.\"}\n"
                            "{\"id\":\"c2\",\"title\":\"Two\",\"text\":\"Second record.\"}\n"
                            "{\"id\":\"c3\",\"title\":\"Three\",\"text\":\"Third record.\"}\n");
  Settings s = settings_for(dir);
  Load first = load(s, dir / "in");
  BOOST_REQUIRE(first.summary.failed() == 0u);
  auto before = test::snapshot(s.index_dir());
  BOOST_TEST(before.doccount == 5u);

  dir.write("in/a.txt", text_doc("Alpha revised", "Alpha text, now about governance."));
  set_mtime(a, 1700000100);
  Load second = load(s, dir / "in");
  BOOST_TEST(second.rows[a].outcome == "updated");
  BOOST_TEST(second.rows[dir / "in/b.txt"].outcome == "unchanged");
  BOOST_TEST(second.rows[j].outcome == "unchanged");
  BOOST_TEST(second.summary.converted == 1u);
  BOOST_TEST(second.rows[a].ids == first.rows[a].ids);  // the same stable id
  auto after = test::snapshot(s.index_dir());
  BOOST_TEST(after.doccount == 5u);
  const std::string id_a = first.rows[a].ids.at(0);
  BOOST_TEST(after.data[id_a] != before.data[id_a]);
  BOOST_TEST(after.data[id_a].find("governance") != std::string::npos);
  for (const auto& [id, data] : before.data)
    if (id != id_a) BOOST_TEST(after.data[id] == data, id);

  // A record dropped from a JSON Lines file takes its document with it; an edited one is replaced.
  dir.write("in/c.jsonl",
            "{\"id\":\"c1\",\"title\":\"One\",\"text\":\"First record.\"}\n"
            "{\"id\":\"c3\",\"title\":\"Three, edited\",\"text\":\"Third record.\"}\n");
  set_mtime(j, 1700000200);
  Load third = load(s, dir / "in");
  BOOST_TEST(third.rows[j].outcome == "updated");
  BOOST_TEST(third.rows[j].ids == (std::vector<std::string>{"c1", "c3"}));
  BOOST_TEST(third.summary.removed == 1u);
  auto last = test::snapshot(s.index_dir());
  BOOST_TEST(last.doccount == 4u);
  BOOST_TEST(last.data.count("c2") == 0u);
  BOOST_TEST(last.data["c1"].find("First record.") != std::string::npos);
  BOOST_TEST(last.data["c3"].find("edited") != std::string::npos);
  BOOST_TEST(last.duplicates.empty());
}

BOOST_AUTO_TEST_CASE(prune_removes_the_documents_of_files_that_are_gone) {
  TempDir dir;
  std::string a = dir.write("in/a.txt", text_doc("Alpha", "Alpha text."));
  dir.write("in/b.txt", text_doc("Beta", "Beta text."));
  std::string outside = dir.write("other/c.txt", text_doc("Gamma", "Gamma text."));
  Settings s = settings_for(dir);
  Load first = load(s, dir / "in");
  load(s, dir / "other");
  BOOST_REQUIRE(test::snapshot(s.index_dir()).doccount == 3u);
  std::string id_a = first.rows[a].ids.at(0);

  Poco::File(a).remove();
  Poco::File(outside).remove();
  Load without = load(s, dir / "in");
  BOOST_TEST(test::snapshot(s.index_dir()).data.count(id_a) == 1u);  // not without --prune
  BOOST_TEST(without.summary.removed == 0u);

  IngestOptions opt;
  opt.paths = {dir / "in"};
  opt.prune = true;
  Load pruned = load(s, opt);
  BOOST_TEST(pruned.summary.removed == 1u);
  BOOST_TEST(pruned.rows[a].outcome == "pruned");
  BOOST_TEST(pruned.rows[a].ids == std::vector<std::string>{id_a});
  auto snap = test::snapshot(s.index_dir());
  BOOST_TEST(snap.data.count(id_a) == 0u);
  BOOST_TEST(snap.doccount == 2u);  // other/c.txt is gone too, but was not under the path given
  // With no path, prune looks at every record.
  IngestOptions all;
  all.prune = true;
  BOOST_TEST(load(s, all).summary.removed == 1u);
  BOOST_TEST(test::snapshot(s.index_dir()).doccount == 1u);
  BOOST_TEST(test::snapshot(s.index_dir()).records.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_failed_file_is_skipped_until_it_changes_unless_retry_failed) {
  TempDir dir;
  dir.write("in/good.txt", text_doc("Good", "Good text."));
  std::string bad =
      dir.write("in/bad.jsonl", "{\"id\":\"x1\",\"title\":\"Fine\",\"text\":\"ok\"}\n{\"id\": oops\n");
  Settings s = settings_for(dir);
  Load first = load(s, dir / "in");
  BOOST_TEST(first.rows[bad].outcome == "failed");
  BOOST_TEST(first.rows[bad].error.find(bad) == 0u, first.rows[bad].error);
  BOOST_TEST(first.rows[bad].error.find("line 2") != std::string::npos, first.rows[bad].error);
  BOOST_TEST(test::snapshot(s.index_dir()).data.count("x1") == 0u);  // none of a failed file

  Load second = load(s, dir / "in");
  BOOST_TEST(second.rows[bad].outcome == "skipped");
  BOOST_TEST(second.rows[bad].error.find(first.rows[bad].error) == 0u, second.rows[bad].error);
  BOOST_TEST(second.rows[bad].error.find("--retry-failed") != std::string::npos);
  BOOST_TEST(second.summary.converted == 0u);
  BOOST_TEST(second.summary.failed() == 0u);

  IngestOptions retry;
  retry.paths = {dir / "in"};
  retry.retry_failed = true;
  Load third = load(s, retry);
  BOOST_TEST(third.rows[bad].outcome == "failed");
  BOOST_TEST(third.summary.converted == 1u);
  BOOST_TEST(third.rows[dir / "in/good.txt"].outcome == "unchanged");

  dir.write("in/bad.jsonl",
            "{\"id\":\"x1\",\"title\":\"Fine\",\"text\":\"ok\"}\n{\"id\":\"x2\",\"title\":\"Fixed\",\"text\":"
            "\"ok\"}\n");
  set_mtime(bad, 1700000300);
  Load fixed = load(s, dir / "in");
  BOOST_TEST(fixed.rows[bad].outcome == "added");
  BOOST_TEST(fixed.rows[bad].ids == (std::vector<std::string>{"x1", "x2"}));
}

BOOST_AUTO_TEST_CASE(a_file_that_fails_part_way_leaves_none_of_its_documents) {
  TempDir dir;
  std::string big;
  for (int i = 0; i < 60; ++i)
    big += "{\"id\":\"p" + std::to_string(i) + "\",\"title\":\"Part " + std::to_string(i) +
           "\",\"text\":\"Record text.\"}\n";
  std::string f = dir.write("in/part.jsonl", big);
  Settings s = settings_for(dir, 7);  // commits land inside the file
  Load first = load(s, dir / "in");
  BOOST_REQUIRE(first.rows[f].outcome == "added");
  BOOST_TEST(test::snapshot(s.index_dir()).doccount == 60u);

  // The new version fails at line 41 after 40 documents were written (and partly committed).
  std::string broken = big.substr(0, big.find("{\"id\":\"p40\"")) + "not json at all\n";
  dir.write("in/part.jsonl", broken);
  set_mtime(f, 1700000400);
  Load second = load(s, dir / "in");
  BOOST_TEST(second.rows[f].outcome == "failed");
  BOOST_TEST(second.rows[f].error.find("line 41") != std::string::npos, second.rows[f].error);
  BOOST_TEST(second.rows[f].error.find("documents were removed") != std::string::npos, second.rows[f].error);
  auto snap = test::snapshot(s.index_dir());
  BOOST_TEST(snap.doccount == 0u);

  // A version that fails before any document leaves the previous version in place.
  dir.write("in/part.jsonl", big);
  set_mtime(f, 1700000500);
  BOOST_REQUIRE(load(s, dir / "in").rows[f].outcome == "added");
  dir.write("in/part.jsonl", "garbage first line\n" + big);
  set_mtime(f, 1700000600);
  Load third = load(s, dir / "in");
  BOOST_TEST(third.rows[f].outcome == "failed");
  BOOST_TEST(third.rows[f].error.find("documents stay in the index") != std::string::npos,
             third.rows[f].error);
  BOOST_TEST(test::snapshot(s.index_dir()).doccount == 60u);
}

BOOST_AUTO_TEST_CASE(a_folders_readme_and_license_are_reported_skipped_not_loaded) {
  TempDir dir;
  dir.write("in/talk.txt", text_doc("Talk", "Open science shares data."));
  std::string readme = dir.write("in/README.md", "# About this folder\n\nSpeeches of 2023.\n");
  std::string license = dir.write("in/sub/LICENSE", "Permission is granted.\n");
  dir.write("in/sub/readme-notes-2023.txt",
            text_doc("Readme notes", "A document whose name starts like one."));
  Settings s = settings_for(dir);
  Load l = load(s, dir / "in");
  for (const auto& note : {readme, license}) {
    BOOST_TEST(l.rows[note].outcome == "skipped");
    BOOST_TEST(l.rows[note].error_code == "folder_note");
    BOOST_TEST(l.rows[note].error.find(note + ": a folder's notes") == 0u, l.rows[note].error);
  }
  BOOST_TEST(l.summary.failed() == 0u);
  BOOST_TEST(l.summary.documents == 2u);
  BOOST_TEST(test::snapshot(s.index_dir()).doccount == 2u);
  // Named on its own, a README is loaded like any file.
  Load named = load(s, readme);
  BOOST_TEST(named.rows[readme].outcome == "added");
  BOOST_TEST(test::snapshot(s.index_dir()).doccount == 3u);
}

BOOST_AUTO_TEST_CASE(the_final_index_does_not_depend_on_the_number_of_threads) {
  TempDir dir;
  std::size_t docs = test::write_generated_corpus(dir, "in", 11, 6, 20, 80, 40);
  IngestOptions opt;
  opt.paths = {dir / "in"};
  std::vector<test::IndexSnapshot> snaps;
  for (int threads : {1, 2, 5}) {
    Settings s = settings_for(dir, 16);
    s.data_dir = dir / ("data-" + std::to_string(threads));
    s.ingest.threads = threads;
    Load l = load(s, opt);
    BOOST_TEST(l.summary.documents == docs);
    snaps.push_back(test::snapshot(s.index_dir()));
  }
  for (std::size_t i = 1; i < snaps.size(); ++i) {
    BOOST_TEST((snaps[i].data == snaps[0].data));
    BOOST_TEST((snaps[i].records == snaps[0].records));
    BOOST_TEST((snaps[i].docids == snaps[0].docids));  // even Xapian's numbering: applied in input order
  }
}

BOOST_AUTO_TEST_CASE(delete_removes_documents_by_id) {
  TempDir dir;
  dir.write(
      "in/a.jsonl",
      "{\"id\":\"d1\",\"title\":\"One\",\"text\":\"x\"}\n{\"id\":\"d2\",\"title\":\"Two\",\"text\":\"y\"}\n");
  auto r = test::run_tongwen({"--data", dir / "data", "ingest", "--quiet", dir / "in"});
  BOOST_REQUIRE(r.exit_code == 0);
  r = test::run_tongwen({"--data", dir / "data", "delete", "d1"});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.out.find("deleted d1") != std::string::npos);
  auto snap = test::snapshot(dir / "data/index");
  BOOST_TEST(snap.data.count("d1") == 0u);
  BOOST_TEST(snap.data.count("d2") == 1u);
  r = test::run_tongwen({"--data", dir / "data", "delete", "no-such-id"});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err.find("no-such-id") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
