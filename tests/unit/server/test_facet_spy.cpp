// FacetSpy: exact counts per slot over the documents a search matches, multi-valued lists,
// and entity facets counting each entity once per document.
#include <boost/test/unit_test.hpp>

#include <xapian.h>

#include <algorithm>
#include <map>
#include <stdexcept>
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

namespace {

std::size_t facet_index(const char* name) {
  auto fields = schema::facet_fields();
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (fields[i]->name == name) return i;
  throw std::runtime_error(std::string("no facet field ") + name);
}

}  // namespace

BOOST_AUTO_TEST_CASE(ordinals_count_what_the_string_slots_count) {
  // "wang wei" names two people (王伟 in g2, 王薇 in g3): resolved by the document's group.
  std::vector<AuthorityObservation> obs{
      {1, "g1", "en", {"liu yang"}, {"Liu Yang"}}, {2, "g1", "zh-Hans", {"刘洋"}, {"刘洋"}},
      {3, "g2", "en", {"wang wei"}, {"Wang Wei"}}, {4, "g2", "zh-Hans", {"王伟"}, {"王伟"}},
      {5, "g3", "en", {"wang wei"}, {"Wang Wei"}}, {6, "g3", "zh-Hans", {"王薇"}, {"王薇"}}};
  AuthorityTable table = AuthorityTable::build("speaker", obs, [](const std::string& k) { return k; }, {});
  BOOST_REQUIRE(table.by_key("wang wei").size() == 2u);

  const std::size_t lang_f = facet_index("lang"), speaker_f = facet_index("speaker");
  facets::Dictionary dict;
  dict.keys.resize(schema::facet_fields().size());
  dict.keys[lang_f] = {"en", "zh-hans"};
  dict.keys[speaker_f] = {"liu yang", "刘洋", "wang wei", "王伟", "王薇", "nobody known"};
  auto ord_of = [&](std::size_t f, const std::string& key) {
    auto& ks = dict.keys[f];
    return static_cast<std::uint32_t>(std::find(ks.begin(), ks.end(), key) - ks.begin());
  };
  struct D {
    Doc doc;
    enum { ordinals, none, unknown } how;
  };
  std::vector<D> docs{{{"en", {"liu yang"}, "g1", "x"}, D::ordinals},
                      {{"zh-hans", {"刘洋"}, "g1", "x"}, D::ordinals},
                      {{"en", {"liu yang", "刘洋"}, "", "x"}, D::ordinals},  // one person, counted once
                      {{"en", {"wang wei"}, "g2", "x"}, D::ordinals},        // 王伟 by its group
                      {{"en", {"wang wei"}, "g3", "x"}, D::ordinals},        // 王薇 by its group
                      {{"zh-hans", {"王伟"}, "g2", "x"}, D::none},           // an older document
                      {{"en", {"nobody known"}, "", "x"}, D::unknown},       // an ordinal not known
                      {{"en", {"wang wei"}, "g3", "y"}, D::ordinals}};       // not matched
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  for (const auto& [d, how] : docs) {
    Xapian::Document x;
    x.add_value(schema::SLOT_LANG, d.lang);
    x.add_value(schema::SLOT_SPEAKERS, schema::serialise_list(d.speakers));
    if (!d.group.empty()) x.add_value(schema::SLOT_GROUP, d.group);
    facets::Ordinals ords(schema::facet_fields().size());
    ords[lang_f] = {ord_of(lang_f, d.lang)};
    for (const auto& s : d.speakers) ords[speaker_f].push_back(ord_of(speaker_f, s));
    if (how == D::unknown) ords[speaker_f] = {99};
    if (how != D::none) x.add_value(schema::SLOT_FACET_ORDINALS, facets::pack(ords));
    x.add_term(d.term);
    db.add_document(x);
  }
  std::vector<FacetSpy::SlotSpec> slots{{schema::SLOT_LANG, false, nullptr, lang_f},
                                        {schema::SLOT_SPEAKERS, true, &table, speaker_f}};
  FacetSpy strings(slots), ordinals(slots, &dict);
  run(db, "x", strings);
  run(db, "x", ordinals);
  BOOST_TEST(strings.from_ordinals() == 0u);
  BOOST_TEST(ordinals.from_ordinals() == 5u);  // the rest from their strings
  BOOST_TEST(ordinals.seen() == 7u);
  for (std::size_t i = 0; i < slots.size(); ++i) {
    auto a = strings.counts(i), b = ordinals.counts(i);
    using Sorted = std::map<std::string, Xapian::doccount>;
    BOOST_TEST_INFO("slot " << i);
    BOOST_TEST((Sorted(a.begin(), a.end()) == Sorted(b.begin(), b.end())));
  }
  auto speakers = ordinals.counts(1);
  const std::string wei = table.entities()[static_cast<std::size_t>(table.resolve("王伟", "g2"))].id;
  const std::string wei2 = table.entities()[static_cast<std::size_t>(table.resolve("王薇", "g3"))].id;
  BOOST_TEST(wei != wei2);
  BOOST_TEST(speakers.at(wei) == 2u);   // the g2 English document and the older Chinese one
  BOOST_TEST(speakers.at(wei2) == 1u);  // the matched g3 document
  BOOST_TEST(speakers.at("nobody known") == 1u);
  BOOST_TEST(ordinals.counts(0).at("en") == 5u);
}

BOOST_AUTO_TEST_CASE(packed_ordinals_round_trip_and_malformed_ones_are_refused) {
  facets::Ordinals in(schema::facet_fields().size());
  in[0] = {0, 127, 128, 300000};
  in.back() = {5};
  facets::Ordinals out;
  BOOST_TEST(facets::unpack(facets::pack(in), out));
  BOOST_TEST(out == in);
  std::string packed = facets::pack(in);
  BOOST_TEST(!facets::unpack(packed.substr(0, packed.size() - 1), out));  // truncated
  BOOST_TEST(!facets::unpack(packed + "x", out));                         // trailing bytes
  BOOST_TEST(!facets::unpack("\xff\xff\xff\xff\xff\xff", out));           // not a number
}
