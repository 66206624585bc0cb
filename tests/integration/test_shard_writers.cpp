// Issues 11 and 12: with several local shards each shard is written by its own thread. The index
// must be what the one-thread writer makes: every document in its group's shard once, the same
// stored versions, facet display forms and load records; a document whose group changes within
// one batch moves; a refused document is refused at its own put.
#include <boost/test/unit_test.hpp>

#include <map>
#include <set>

#include "fixtures.h"
#include "tongwen/index_reader.h"
#include "tongwen/index_writer.h"
#include "tongwen/ingest.h"
#include "tongwen/metadata_keys.h"
#include "tongwen/schema.h"

using namespace tongwen;

namespace {

Settings settings_in(const std::string& dir) {
  Settings s;
  s.data_dir = dir;
  return s;
}

Document doc(const std::string& id, const std::string& group, const std::string& text) {
  Document d;
  d.id = id;
  d.lang = "en";
  d.type = "speech";
  d.title = "Title of " + id;
  d.translation_group = group;
  d.speakers.push_back({"Wang Wei", ""});
  d.paragraphs.push_back({text, "", "", "", ""});
  return d;
}

// id -> (shard, stored data) over the shards of a data folder.
std::map<std::string, std::pair<std::size_t, std::string>> contents(const std::string& index_dir,
                                                                    std::size_t shards) {
  std::map<std::string, std::pair<std::size_t, std::string>> out;
  for (std::size_t k = 0; k < shards; ++k) {
    Xapian::Database db(stored::local_shard_dir(index_dir, k));
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
      Document d = unserialise(db.get_document(*it).get_data());
      BOOST_TEST_INFO("id " << d.id);
      BOOST_TEST(out.count(d.id) == 0u);  // once in the whole archive
      out[d.id] = {k, db.get_document(*it).get_data()};
    }
  }
  return out;
}

std::map<std::string, std::string> metadata_of(const std::string& dir, const std::string& prefix) {
  Xapian::Database db(dir);
  std::map<std::string, std::string> out;
  for (auto it = db.metadata_keys_begin(prefix); it != db.metadata_keys_end(prefix); ++it)
    out[*it] = db.get_metadata(*it);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(threaded_shards_hold_what_one_writer_writes) {
  test::TempDir one, three;
  Settings s1 = settings_in(one.path()), s3 = settings_in(three.path());
  IngestOptions opt;
  opt.paths = {test::corpus_dir()};
  auto a = ingest(s1, opt, {});
  opt.shards = 3;
  auto b = ingest(s3, opt, {});
  BOOST_TEST(a.documents == b.documents);
  BOOST_REQUIRE(a.documents > 10u);
  auto c1 = contents(s1.index_dir(), 1), c3 = contents(s3.index_dir(), 3);
  BOOST_TEST(c1.size() == c3.size());
  std::set<std::size_t> used;
  for (const auto& [id, where] : c3) {
    BOOST_TEST_INFO("id " << id);
    BOOST_REQUIRE(c1.count(id) == 1u);
    BOOST_TEST(where.second == c1[id].second);  // the same stored version
    Document d = unserialise(where.second);
    BOOST_TEST(where.first == stored::shard_of(d.translation_group.empty() ? d.id : d.translation_group, 3));
    used.insert(where.first);
  }
  BOOST_TEST(used.size() == 3u);  // the corpus spreads over every shard
  // Facet display forms (written by shard 0's thread) and source records (by the loader) alike.
  BOOST_TEST(metadata_of(s1.index_dir(), "facet:") == metadata_of(s3.index_dir(), "facet:"));
  BOOST_TEST(metadata_of(s1.index_dir(), std::string(metadata::kSourceRecord)).size() ==
             metadata_of(s3.index_dir(), std::string(metadata::kSourceRecord)).size());
  // A second run finds everything in place across the threads: nothing added or updated.
  auto again = ingest(s3, opt, {});
  BOOST_TEST(again.outcomes["added"] == 0u);
  BOOST_TEST(again.outcomes["updated"] == 0u);
  BOOST_TEST(again.outcomes["unchanged"] == b.outcomes["added"]);
  BOOST_TEST(contents(s3.index_dir(), 3).size() == c3.size());
}

BOOST_AUTO_TEST_CASE(a_document_whose_group_changes_moves_within_one_batch) {
  test::TempDir dir;
  Settings s = settings_in(dir.path());
  terms::TermWriter tw;
  // Two groups that hash to different shards of 3.
  std::string g1 = "group-1", g2;
  for (int i = 2; g2.empty(); ++i)
    if (stored::shard_of("group-" + std::to_string(i), 3) != stored::shard_of(g1, 3))
      g2 = "group-" + std::to_string(i);
  {
    IndexWriter w(s.index_dir(), std::chrono::milliseconds(0), 3);
    BOOST_TEST(!w.put(prepare_document(doc("d1", g1, "first version"), tw, "h1")));
    BOOST_TEST(!w.put(prepare_document(doc("d2", g1, "stays"), tw, "h2")));
    // The same id again, before any commit: replaced, then moved to its new group's shard.
    BOOST_TEST(w.put(prepare_document(doc("d1", g1, "second version"), tw, "h1b")));
    BOOST_TEST(w.put(prepare_document(doc("d1", g2, "third version"), tw, "h1c")));
    BOOST_TEST(w.contains("d1"));
    Document got;
    BOOST_REQUIRE(w.get("d1", got));
    BOOST_TEST(got.paragraphs.at(0).text == "third version");
    BOOST_TEST(w.doc_count() == 2u);
    BOOST_TEST(w.group_size(g1) == 1u);
    BOOST_TEST(w.group_size(g2) == 1u);
    w.commit();
    BOOST_TEST(w.remove("d2"));
    BOOST_TEST(!w.remove("d2"));
    BOOST_TEST(!w.contains("d2"));
    w.commit();
  }
  auto c = contents(s.index_dir(), 3);
  BOOST_REQUIRE(c.size() == 1u);
  BOOST_TEST(c.begin()->first == "d1");
  BOOST_TEST(c.begin()->second.first == stored::shard_of(g2, 3));
  BOOST_TEST(unserialise(c.begin()->second.second).paragraphs.at(0).text == "third version");
}

BOOST_AUTO_TEST_CASE(a_refused_document_is_refused_at_its_own_put) {
  test::TempDir dir;
  Settings s = settings_in(dir.path());
  terms::TermWriter tw;
  IndexWriter w(s.index_dir(), std::chrono::milliseconds(0), 2);
  w.put(prepare_document(doc("ok-1", "", "fine"), tw, "h1"));
  PreparedDocument long_term = prepare_document(doc("long", "", "text"), tw, "h2");
  long_term.xdoc.add_term(std::string(300, 'x'));  // longer than a Xapian term may be
  BOOST_CHECK_THROW(w.put(std::move(long_term)), Xapian::InvalidArgumentError);
  w.put(prepare_document(doc("ok-2", "", "also fine"), tw, "h3"));
  w.commit();
  BOOST_TEST(!w.contains("long"));
  BOOST_TEST(w.contains("ok-1"));
  BOOST_TEST(w.contains("ok-2"));
  BOOST_TEST(w.doc_count() == 2u);
}

BOOST_AUTO_TEST_CASE(ingest_shards_sets_the_count_of_a_new_index_only) {
  test::TempDir dir;
  Settings s = settings_in(dir.path());
  s.ingest.shards = 2;
  IngestOptions opt;
  opt.paths = {test::corpus_dir()};
  ingest(s, opt, {});
  BOOST_TEST(stored::shard_locations(s.index_dir(), s).size() == 2u);
  s.ingest.shards = 3;  // an index keeps its count: no refusal, still two shards
  auto again = ingest(s, opt, {});
  BOOST_TEST(again.outcomes["failed"] == 0u);
  BOOST_TEST(stored::shard_locations(s.index_dir(), s).size() == 2u);
}
