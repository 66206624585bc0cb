// The schema table's per-field attributes and the one schema-version policy.
#include <boost/test/unit_test.hpp>

#include <xapian.h>

#include <string>

#include "tongwen/errors.h"
#include "tongwen/model.h"
#include "tongwen/schema.h"

using namespace tongwen;

namespace {

std::string schema_error(const Xapian::Database& db) {
  try {
    schema::check_version(db, "/some/index");
    return "";
  } catch (const EnvironmentError& e) {
    BOOST_TEST(e.code() == "schema");
    return e.what();
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_index_is_ours_when_it_carries_our_version_or_is_new) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  BOOST_TEST(schema_error(db).empty());  // new: no documents, no version
  db.add_document(Xapian::Document());
  std::string unversioned = schema_error(db);  // documents but no version: another program's
  BOOST_TEST(unversioned.find("/some/index") != std::string::npos);
  BOOST_TEST(unversioned.find("(none)") != std::string::npos);
  schema::stamp_version(db);
  BOOST_TEST(schema_error(db).empty());
  db.set_metadata(std::string(schema::kSchemaVersionKey), "tongwen-schema-0");
  std::string old = schema_error(db);
  BOOST_TEST(old.find("tongwen-schema-0") != std::string::npos);
  BOOST_TEST(old.find(std::string(schema::kSchemaVersion)) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(facet_entries_follow_the_field_kind) {
  Document d;
  d.speakers = {{"Liu Yang", ""}, {"LIU YANG", ""}, {"  ", ""}, {"王建國", ""}};
  d.topics = {"AI/Governance", "AI", "Energy"};
  d.event = "Forum 2021";
  d.lang = "zh-Hant";
  d.date = "2021-05-17";
  auto keys = [&](const char* field) {
    std::vector<std::string> out;
    for (const auto& [k, w] : schema::facet_entries(d, *schema::find_field(field)))
      out.push_back(k + "=" + w);
    return out;
  };
  // Multi: in order, repeats kept (as the document has them), empty names left out; keys folded.
  BOOST_TEST(keys("speaker") ==
                 (std::vector<std::string>{"liu yang=Liu Yang", "liu yang=LIU YANG", "王建国=王建國"}),
             boost::test_tools::per_element());
  // Hierarchical: ancestors first, each key once.
  BOOST_TEST(
      keys("topic") == (std::vector<std::string>{"ai=AI", "ai/governance=AI/Governance", "energy=Energy"}),
      boost::test_tools::per_element());
  BOOST_TEST(keys("event") == (std::vector<std::string>{"forum 2021=Forum 2021"}),
             boost::test_tools::per_element());
  BOOST_TEST(keys("year") == (std::vector<std::string>{"2021=2021"}), boost::test_tools::per_element());
  BOOST_TEST(keys("type").empty());
  BOOST_TEST(schema::facet_entries(d, *schema::find_field("body")).empty());
  // The attributes that choose behaviour.
  BOOST_TEST((schema::find_field("year")->order == schema::FacetOrder::ByValueDescending));
  BOOST_TEST(schema::find_field("lang")->language_tags);
  std::vector<std::string> auth;
  for (const auto* f : schema::authority_fields()) auth.emplace_back(f->name);
  BOOST_TEST(auth == (std::vector<std::string>{"speaker", "topic", "event"}),
             boost::test_tools::per_element());
}
