// The archivist's safety net (issue 15): full export and reload, the integrity check with planted
// faults, backup while a bulk load and searches run, restore, and kill -9 during a backup.
#include <boost/test/unit_test.hpp>

#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Pipe.h>
#include <Poco/Process.h>

#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "fixtures.h"
#include "query_sampler.h"
#include "tongwen/alignment.h"
#include "tongwen/bilingual.h"
#include "tongwen/config.h"
#include "tongwen/schema.h"
#include "tongwen/search.h"

using namespace tongwen;
using test::run_tongwen;
using test::TempDir;

namespace {

Settings settings_for(const std::string& data) {
  Settings s;
  s.data_dir = data;
  s.search.glossary = test::config_dir() + "/glossary.tsv";
  s.search.facet_limit = 100000;
  return s;
}

void ingest(const std::string& data, const std::vector<std::string>& paths) {
  std::vector<std::string> args{"ingest", "--data", data, "--quiet"};
  args.insert(args.end(), paths.begin(), paths.end());
  auto r = run_tongwen(args);
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
}

std::vector<Document> stored_documents(const std::string& data) {
  Xapian::Database db(data + "/index");
  std::vector<Document> docs;
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it)
    docs.push_back(unserialise(db.get_document(*it).get_data()));
  return docs;
}

std::map<std::string, std::string> metadata_of(const std::string& data, const std::string& prefix) {
  Xapian::Database db(data + "/index");
  std::map<std::string, std::string> out;
  for (auto it = db.metadata_keys_begin(prefix); it != db.metadata_keys_end(prefix); ++it) {
    std::string v = db.get_metadata(*it);
    if (!v.empty()) out[*it] = v;
  }
  return out;
}

// Ids in rank order, total and facet counts of a query.
std::string answer(SearchService& s, const SearchRequest& base) {
  SearchRequest req = base;
  req.size = 100;
  req.snippets = false;
  SearchResult r = s.search(req);
  std::ostringstream out;
  out << r.total << ":";
  for (const auto& h : r.hits) out << h.id << ",";
  for (const auto& [field, values] : r.facets) {
    out << "|" << field;
    for (const auto& v : values) out << " " << v.key << "=" << v.value << "=" << v.count;
  }
  return out.str();
}

std::vector<SearchRequest> ground_truth_queries(const std::vector<Document>& docs) {
  test::BruteForce truth(docs);
  test::SamplerCounts counts;
  counts.zh = 60;
  counts.en_word = 30;
  counts.en_phrase = 30;
  counts.en_prefix = 10;
  counts.mixed = 10;
  std::vector<SearchRequest> out;
  for (const auto& q : test::sample_queries(truth, counts, 1515)) {
    SearchRequest r;
    r.q = q.q;
    r.filters = q.filters;
    out.push_back(r);
  }
  out.emplace_back();  // everything
  return out;
}

std::size_t count_lines(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) n += !line.empty();
  return n;
}

// The JSON a command printed, parsed (so the checks do not depend on the printer's spacing).
Poco::JSON::Object::Ptr parsed(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

// The messages of `tongwen check --json`'s problems of one check.
std::vector<std::string> problems_of(const Poco::JSON::Object::Ptr& report, const std::string& check) {
  std::vector<std::string> out;
  Poco::JSON::Array::Ptr list = report->getArray("problems");
  for (unsigned i = 0; i < list->size(); ++i) {
    Poco::JSON::Object::Ptr p = list->getObject(i);
    if (p->getValue<std::string>("check") == check) out.push_back(p->getValue<std::string>("message"));
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(export_then_ingest_gives_the_same_documents_searches_and_parallel_views) {
  TempDir dir;
  const std::string a = dir / "a", b = dir / "b";
  ingest(a, {test::corpus_dir()});
  auto r = run_tongwen({"export", "--data", a, dir / "out"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const std::string file = dir / "out/tongwen-export.jsonl";
  std::vector<Document> docs_a = stored_documents(a);
  BOOST_TEST(count_lines(file) == docs_a.size());
  BOOST_TEST(r.out.find("exported " + std::to_string(docs_a.size()) + " documents") != std::string::npos,
             r.out);

  r = run_tongwen({"ingest", "--data", b, file});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(r.err.find("alignments from the export:") != std::string::npos, r.err);

  // The same documents (the source is where each was loaded from: the export file now).
  std::map<std::string, Document> by_id;
  for (auto d : stored_documents(b)) by_id[d.id] = d;
  BOOST_TEST(by_id.size() == docs_a.size());
  for (auto d : docs_a) {
    BOOST_TEST_CONTEXT(d.id) {
      BOOST_TEST_REQUIRE(by_id.count(d.id) == 1u);
      Document e = by_id[d.id];
      BOOST_TEST(e.source.path == file);
      d.source = e.source = Source{};
      BOOST_TEST((d == e));
    }
  }
  // The same alignments, byte for byte, and the same parallel views.
  auto align_a = metadata_of(a, "align:"), align_b = metadata_of(b, "align:");
  BOOST_TEST(!align_a.empty());
  BOOST_TEST((align_a == align_b));

  Settings sa = settings_for(a), sb = settings_for(b);
  SearchService search_a(sa.index_dir(), sa), search_b(sb.index_dir(), sb);
  BilingualService bi_a(search_a, sa), bi_b(search_b, sb);
  std::size_t views = 0;
  for (const auto& [key, value] : align_a) {
    Alignment al = unserialise_alignment(value);
    ParallelView va = bi_a.parallel(al.source_id, al.target_id),
                 vb = bi_b.parallel(al.source_id, al.target_id);
    BOOST_TEST(va.rows.size() == vb.rows.size(), key);
    for (std::size_t i = 0; i < std::min(va.rows.size(), vb.rows.size()); ++i) {
      BOOST_TEST((va.rows[i].source == vb.rows[i].source && va.rows[i].target == vb.rows[i].target), key);
      BOOST_TEST(va.rows[i].confidence == vb.rows[i].confidence, key);
    }
    ++views;
  }
  BOOST_TEST(views == align_a.size());

  // The same answers (ranked ids, totals, facets) over the ground-truth queries.
  auto queries = ground_truth_queries(docs_a);
  BOOST_TEST(queries.size() > 100u);
  std::size_t differ = 0;
  for (const auto& q : queries) {
    std::string x = answer(search_a, q), y = answer(search_b, q);
    if (x != y) ++differ;
    BOOST_TEST(x == y, q.q);
  }
  BOOST_TEST(differ == 0u);

  // Loading the export again changes nothing and keeps the alignments.
  r = run_tongwen({"ingest", "--data", b, file});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.err.find("1 unchanged") != std::string::npos, r.err);
  BOOST_TEST((metadata_of(b, "align:") == align_a));
  // And the reloaded archive is sound.
  r = run_tongwen({"check", "--data", b});
  BOOST_TEST(r.exit_code == 0, r.out);
}

BOOST_AUTO_TEST_CASE(export_refuses_a_target_that_is_neither_a_folder_nor_jsonl) {
  TempDir dir;
  auto r = run_tongwen({"export", "--data", dir / "a", dir / "out.csv"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("FILE.jsonl") != std::string::npos, r.err);
  r = run_tongwen({"export", "--data", dir / "empty", dir / "out.jsonl"});
  BOOST_TEST(r.exit_code == 3);
  BOOST_TEST(r.err.find("no index") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(check_passes_on_a_sound_archive_and_finds_each_planted_fault) {
  TempDir dir;
  const std::string sound = dir / "sound";
  ingest(sound, {test::corpus_dir()});
  auto r = run_tongwen({"check", "--data", sound});
  BOOST_TEST(r.exit_code == 0, r.out << r.err);
  BOOST_TEST(r.out.find("is sound") != std::string::npos, r.out);
  r = run_tongwen({"check", "--data", sound, "--json"});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(parsed(r.out)->getValue<bool>("sound"), r.out);
  BOOST_TEST(parsed(r.out)->getArray("problems")->size() == 0u, r.out);

  auto copy = [&](const std::string& name) {
    Poco::File(sound).copyTo(dir / name);
    return dir / name;
  };
  std::string first_id = stored_documents(sound).front().id;

  // 1. A deleted index file.
  std::string deleted = copy("deleted");
  Poco::File(deleted + "/index/postlist.glass").remove();
  r = run_tongwen({"check", "--data", deleted});
  BOOST_TEST(r.exit_code == 1, r.out);
  BOOST_TEST(r.out.find("PROBLEM xapian:") != std::string::npos, r.out);

  // 2. An alignment to a missing document.
  std::string dangling = copy("dangling");
  {
    Xapian::WritableDatabase db(dangling + "/index", Xapian::DB_OPEN);
    Alignment al;
    al.source_id = first_id;
    al.target_id = "no-such-document";
    al.method = "length+anchors";
    db.set_metadata(alignment_key(first_id, "no-such-document"), serialise(al));
    db.commit();
  }
  r = run_tongwen({"check", "--data", dangling});
  BOOST_TEST(r.exit_code == 1, r.out);
  BOOST_TEST(r.out.find("PROBLEM alignments:") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("missing document (no-such-document)") != std::string::npos, r.out);

  // 3. A facet count made wrong by writing the index behind Tongwen's back: one document's event
  // value changed without its stored metadata.
  std::string facet = copy("facet");
  {
    Xapian::WritableDatabase db(facet + "/index", Xapian::DB_OPEN);
    Xapian::docid did = *db.postlist_begin(std::string(schema::PREFIX_ID) + first_id);
    Xapian::Document d = db.get_document(did);
    d.add_value(schema::SLOT_EVENT, schema::facet_key("A forum that never was"));
    db.replace_document(did, d);
    db.commit();
  }
  r = run_tongwen({"check", "--data", facet, "--json"});
  BOOST_TEST(r.exit_code == 1, r.out);
  BOOST_TEST(!parsed(r.out)->getValue<bool>("sound"), r.out);
  auto facet_problems = problems_of(parsed(r.out), "facets");
  BOOST_TEST(
      std::any_of(facet_problems.begin(), facet_problems.end(),
                  [](const std::string& m) { return m.find("a forum that never was") != std::string::npos; }),
      r.out);

  // 4. A term removed behind Tongwen's back (the document no longer matches its own text).
  std::string term = copy("term");
  {
    Xapian::WritableDatabase db(term + "/index", Xapian::DB_OPEN);
    Xapian::docid did = *db.postlist_begin(std::string(schema::PREFIX_ID) + first_id);
    Xapian::Document d = db.get_document(did);
    std::string victim;
    for (auto t = d.termlist_begin(); t != d.termlist_end(); ++t)
      if (!(*t).empty() && (*t)[0] != 'Q' && (*t)[0] != 'X') victim = *t;
    d.remove_term(victim);
    db.replace_document(did, d);
    db.commit();
  }
  r = run_tongwen({"check", "--data", term});
  BOOST_TEST(r.exit_code == 1, r.out);
  BOOST_TEST(r.out.find("PROBLEM terms: document " + first_id) != std::string::npos, r.out);

  // The sound archive is still sound (nothing above touched it).
  BOOST_TEST(run_tongwen({"check", "--data", sound}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(backup_during_a_bulk_load_and_searches_restores_the_revision_it_copied) {
  TempDir dir;
  const std::string src = dir / "src";
  ingest(src, {test::corpus_dir()});
  const std::size_t corpus_docs = stored_documents(src).size();
  // A bulk load of 1,200 documents committing every 40.
  const std::size_t bulk = 1200;
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < bulk; ++i) {
    std::string n = std::to_string(i);
    lines.push_back("{\"id\":\"bulk-" + n + "\",\"title\":\"Bulk record " + n +
                    "\",\"lang\":\"en\",\"event\":\"Bulk event " + std::to_string(i % 7) +
                    "\",\"text\":\"Archive record number " + n +
                    " about open innovation and 科技创新 policy.\"}");
  }
  {
    std::ofstream out(dir / "bulk.jsonl");
    for (const auto& l : lines) out << l << "\n";
  }
  Settings ss = settings_for(src);
  SearchService search(ss.index_dir(), ss);
  Poco::Pipe out_pipe, err_pipe;
  Poco::Process::Args args{"ingest", "--data", src, "--quiet", "--batch-size", "40", dir / "bulk.jsonl"};
  auto load =
      Poco::Process::launch(test::tongwen_binary(), args, test::source_dir(), nullptr, &out_pipe, &err_pipe);
  // Searches run all along; none may fail.
  std::atomic<bool> stop{false};
  std::atomic<int> search_errors{0}, searches{0};
  std::string first_error;  // written by the searcher only, read after join
  std::thread searcher([&] {
    while (!stop) {
      try {
        SearchRequest q;
        q.q = "innovation";
        search.search(q);
        ++searches;
      } catch (const std::exception& e) {
        if (search_errors++ == 0) first_error = e.what();
      } catch (const Xapian::Error& e) {
        if (search_errors++ == 0) first_error = e.get_description();
      }
    }
  });
  // Stopped and joined on every way out of the case (a failed REQUIRE included): a thread still
  // joinable at scope exit would abort the whole test program.
  struct Join {
    std::atomic<bool>& stop;
    std::thread& t;
    ~Join() {
      stop = true;
      if (t.joinable()) t.join();
    }
  } join_searcher{stop, searcher};
  // Wait until the load has committed something, then back up while it goes on.
  for (int i = 0; i < 600; ++i) {
    search.refresh();
    if (search.stats().documents > corpus_docs) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto r = run_tongwen({"backup", "--data", src, dir / "backup"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  int load_exit = load.wait();
  stop = true;
  searcher.join();
  BOOST_TEST(load_exit == 0);
  BOOST_TEST(search_errors == 0, "first of " << search_errors << " errors: " << first_error);
  BOOST_TEST(searches > 0);

  std::string meta = test::read(dir / "backup/backup.json");
  std::size_t backed_up = parsed(meta)->getValue<std::size_t>("documents");
  BOOST_TEST_MESSAGE("backup holds " << backed_up << " documents of " << corpus_docs + bulk);
  BOOST_TEST(backed_up >= corpus_docs);
  BOOST_TEST(backed_up <= corpus_docs + bulk);

  // Restore into a new folder: sound, and equal to the archive at the backup's revision, which is
  // the corpus plus the first records of the bulk file (the load commits them in order).
  const std::string restored = dir / "restored";
  r = run_tongwen({"restore", "--data", restored, dir / "backup"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  r = run_tongwen({"check", "--data", restored});
  BOOST_TEST(r.exit_code == 0, r.out);
  const std::string reference = dir / "reference";
  {
    std::ofstream out(dir / "prefix.jsonl");
    for (std::size_t i = 0; i + corpus_docs < backed_up; ++i) out << lines[i] << "\n";
  }
  ingest(reference, {test::corpus_dir()});
  if (backed_up > corpus_docs) ingest(reference, {dir / "prefix.jsonl"});
  Settings sr = settings_for(restored), sf = settings_for(reference);
  SearchService search_r(sr.index_dir(), sr), search_f(sf.index_dir(), sf);
  BOOST_TEST(search_r.stats().documents == backed_up);
  for (const char* q :
       {"innovation", "科技创新", "record", "bulk", "event:\"Bulk event 3\"", "人工智能", ""}) {
    SearchRequest req;
    req.q = q;
    req.size = 100;  // the largest page: read them all
    req.snippets = false;
    auto x = search_r.search(req), y = search_f.search(req);
    auto all_ids = [&](SearchService& service) {
      std::set<std::string> ids;
      for (SearchRequest page = req;; ++page.page) {
        auto hits = service.search(page).hits;
        if (hits.empty()) break;
        for (const auto& h : hits) ids.insert(h.id);
      }
      return ids;
    };
    std::set<std::string> ids_x = all_ids(search_r), ids_y = all_ids(search_f);
    BOOST_TEST(ids_x.size() == x.total, q);
    BOOST_TEST(x.total == y.total, q);
    BOOST_TEST((ids_x == ids_y), q);
  }

  // restore refuses a data folder that is not empty, unless --force.
  r = run_tongwen({"restore", "--data", restored, dir / "backup"});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err.find("is not empty") != std::string::npos, r.err);
  r = run_tongwen({"restore", "--data", restored, "--force", dir / "backup"});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(run_tongwen({"check", "--data", restored}).exit_code == 0);
  // ... and a folder that is not a complete backup.
  Poco::File(dir / "not-a-backup").createDirectories();
  r = run_tongwen({"restore", "--data", dir / "other", dir / "not-a-backup"});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err.find("not a complete tongwen backup") != std::string::npos, r.err);
  // A backup goes to a new or empty folder.
  r = run_tongwen({"backup", "--data", src, dir / "backup"});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err.find("is not empty") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(a_backup_killed_at_any_moment_leaves_no_backup_or_a_whole_one) {
  TempDir dir;
  const std::string src = dir / "src";
  ingest(src, {test::corpus_dir()});
  const std::size_t docs = stored_documents(src).size();
  int whole = 0, none = 0;
  for (int i = 0; i < 8; ++i) {
    std::string target = dir / ("backup-" + std::to_string(i));
    Poco::Pipe out_pipe, err_pipe;
    Poco::Process::Args args{"backup", "--data", src, target};
    auto h = Poco::Process::launch(test::tongwen_binary(), args, test::source_dir(), nullptr, &out_pipe,
                                   &err_pipe);
    std::this_thread::sleep_for(std::chrono::milliseconds(40 * i));
    Poco::Process::kill(h);  // SIGKILL
    h.wait();
    if (!Poco::File(target).exists()) {
      ++none;
      continue;
    }
    ++whole;
    BOOST_TEST_CONTEXT(target) {
      BOOST_TEST(Poco::File(target + "/backup.json").exists());
      auto r = run_tongwen({"restore", "--data", dir / ("restored-" + std::to_string(i)), target});
      BOOST_TEST(r.exit_code == 0, r.err);
      BOOST_TEST(run_tongwen({"check", "--data", dir / ("restored-" + std::to_string(i))}).exit_code == 0);
    }
  }
  BOOST_TEST_MESSAGE(none << " backups killed before they were whole, " << whole << " whole");
  // The archive itself is as it was.
  BOOST_TEST(stored_documents(src).size() == docs);
  BOOST_TEST(run_tongwen({"check", "--data", src}).exit_code == 0);
}
