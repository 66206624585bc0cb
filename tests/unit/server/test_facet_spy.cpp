// FacetSpy: exact counts per slot over the documents a search matches, multi-valued lists,
// and entity facets counting each entity once per document.
#include <boost/test/unit_test.hpp>

#include <xapian.h>

#include <string>
#include <vector>

#include "facet_spy.h"
#include "tongwen/authorities.h"
#include "tongwen/schema.h"

using namespace tongwen;

namespace {

struct Doc {
  std::string lang;
  std::vector<std::string> speakers;
  std::string group;
  std::string term;  // what the test query matches on
};

Xapian::WritableDatabase fill(const std::vector<Doc>& docs) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  for (const auto& d : docs) {
    Xapian::Document x;
    x.add_value(schema::SLOT_LANG, d.lang);
    if (!d.speakers.empty()) x.add_value(schema::SLOT_SPEAKERS, schema::serialise_list(d.speakers));
    if (!d.group.empty()) x.add_value(schema::SLOT_GROUP, d.group);
    x.add_term(d.term);
    x.add_term("all");
    db.add_document(x);
  }
  return db;
}

// Runs the query for `term` over every document (exact counts need every match examined).
void run(Xapian::Database& db, const std::string& term, FacetSpy& spy) {
  Xapian::Enquire e(db);
  e.set_query(Xapian::Query(term));
  e.add_matchspy(&spy);
  e.get_mset(0, 0, db.get_doccount());
}

}  // namespace

BOOST_AUTO_TEST_CASE(single_and_multi_valued_slots_count_matching_documents_only) {
  auto db = fill({{"en", {"liu yang", "wang wei"}, "", "x"},
                  {"en", {"liu yang"}, "", "x"},
                  {"zh-hans", {"wang wei"}, "", "x"},
                  {"zh-hans", {"liu yang"}, "", "y"},  // not matched by x
                  {"en", {}, "", "x"}});               // no speakers: no count, no empty key
  FacetSpy spy({{schema::SLOT_LANG, false}, {schema::SLOT_SPEAKERS, true}});
  run(db, "x", spy);
  BOOST_TEST(spy.seen() == 4u);
  BOOST_TEST(spy.counts(0).at("en") == 3u);
  BOOST_TEST(spy.counts(0).at("zh-hans") == 1u);
  BOOST_TEST(spy.counts(1).size() == 2u);
  BOOST_TEST(spy.counts(1).at("liu yang") == 2u);
  BOOST_TEST(spy.counts(1).at("wang wei") == 2u);
  BOOST_TEST(spy.counts(1).count("") == 0u);
}

BOOST_AUTO_TEST_CASE(an_entity_is_counted_once_per_document_whatever_name_it_carries) {
  // One translation group pairs "liu yang" with 刘洋: one entity.
  std::vector<AuthorityObservation> obs{{1, "g1", "en", {"liu yang"}, {"Liu Yang"}},
                                        {2, "g1", "zh-Hans", {"刘洋"}, {"刘洋"}},
                                        {3, "", "en", {"wang wei"}, {"Wang Wei"}}};
  AuthorityTable table = AuthorityTable::build("speaker", obs, [](const std::string& k) { return k; }, {});
  int liu = table.resolve("刘洋", "g1");
  BOOST_REQUIRE(liu >= 0);
  BOOST_TEST(table.resolve("liu yang", "g1") == liu);
  const std::string liu_id = table.entities()[static_cast<std::size_t>(liu)].id;

  auto db = fill({{"en", {"liu yang"}, "g1", "x"},
                  {"zh-hans", {"刘洋"}, "g1", "x"},
                  {"en", {"liu yang", "刘洋"}, "", "x"},  // both names of one person: counted once
                  {"en", {"wang wei"}, "", "x"},
                  {"en", {"nobody known"}, "", "x"}});  // not in the table: its key
  FacetSpy spy({{schema::SLOT_SPEAKERS, true, &table}});
  run(db, "x", spy);
  BOOST_TEST(spy.counts(0).at(liu_id) == 3u);
  BOOST_TEST(spy.counts(0).count("刘洋") + spy.counts(0).count("liu yang") ==
             (liu_id == "刘洋" || liu_id == "liu yang" ? 1u : 0u));
  BOOST_TEST(spy.counts(0).at("nobody known") == 1u);
  std::size_t total = 0;
  for (const auto& [k, n] : spy.counts(0)) total += n;
  BOOST_TEST(total == 5u);  // 3 for Liu Yang, 1 Wang Wei, 1 unknown
}
