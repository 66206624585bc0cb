#include <boost/test/unit_test.hpp>

#include "tongwen/errors.h"
#include "tongwen/metadata_keys.h"
#include "tongwen/model.h"

using namespace tongwen;

namespace {

Document sample() {
  Document d;
  d.id = "2023-wang-ai-zh";
  d.lang = "zh-Hans";
  d.type = "speech";
  d.title = "人工智能治理";
  d.description = "摘要";
  d.event = "2023 Forum";
  d.session = "Plenary";
  d.date = "2023-05-17";
  d.speakers = {{"王建国", "清华大学"}, {"Li Na", ""}};
  d.topics = {"AI/Governance", "Open science"};
  d.translation_of = "2023-wang-ai-en";
  d.translation_group = "2023-wang-ai-en";
  d.extra = {{"url", "http://example.org"}};
  d.source = {"corpus/a.txt", "text", "abc", "UTF-8", 1234};
  d.paragraphs = {{"第一段。", "王建国", "", "", "1"}, {"Second paragraph.", "", "en", "heading", ""}};
  return d;
}

}  // namespace

BOOST_AUTO_TEST_CASE(serialise_round_trips_every_field) {
  Document d = sample();
  BOOST_TEST((unserialise(serialise(d)) == d));
  Document empty;
  BOOST_TEST((unserialise(serialise(empty)) == empty));
}

BOOST_AUTO_TEST_CASE(unserialise_rejects_truncated_data) {
  std::string s = serialise(sample());
  BOOST_CHECK_THROW(unserialise(s.substr(0, s.size() / 2)), EnvironmentError);
  BOOST_CHECK_THROW(unserialise(s + "x"), EnvironmentError);
  BOOST_CHECK_THROW(unserialise(""), EnvironmentError);
}

BOOST_AUTO_TEST_CASE(json_round_trips_the_model) {
  Document d = sample();
  Document back = document_from_json(to_json(d));
  back.source.size = d.source.size;  // size is informative in JSON input
  BOOST_TEST((back == d));
}

BOOST_AUTO_TEST_CASE(json_accepts_plain_string_speakers_and_paragraphs) {
  Document d = document_from_json(
      R"({"id":"x","title":"T","speakers":["A","B"],"topics":["t"],"paragraphs":["p1","p2"],"url":"u"})");
  BOOST_REQUIRE_EQUAL(d.speakers.size(), 2u);
  BOOST_TEST(d.speakers[1].name == "B");
  BOOST_REQUIRE_EQUAL(d.paragraphs.size(), 2u);
  BOOST_TEST(d.paragraphs[1].text == "p2");
  BOOST_TEST(d.extra["url"] == "u");
}

BOOST_AUTO_TEST_CASE(json_errors_name_the_problem) {
  try {
    document_from_json(R"({"title": 5, "topics": "not a list"})");
    BOOST_FAIL("expected an error");
  } catch (const UserError& e) {
    BOOST_TEST(std::string(e.what()).find("topics") != std::string::npos);
  }
  BOOST_CHECK_THROW(document_from_json("{not json"), UserError);
  BOOST_CHECK_THROW(document_from_json("[1,2]"), UserError);
}

BOOST_AUTO_TEST_CASE(year_and_slug) {
  Document d;
  d.date = "2021-03-04";
  BOOST_TEST(d.year() == "2021");
  d.date = "n.d.";
  BOOST_TEST(d.year() == "");
  BOOST_TEST(slugify("Hello, World! 2023") == "hello-world-2023");
  BOOST_TEST(slugify("人工智能 AI") == "ai");
}

BOOST_AUTO_TEST_CASE(id_problem_accepts_ordinary_ids_and_names_what_is_unsafe) {
  for (const char* ok : {"ted-1234-en", "PubMed_8", "v1.2", "...a", "人工智能-2023", "a:b", "x.."})
    BOOST_TEST(id_problem(ok).empty(), ok << ": " << id_problem(ok));
  struct Case {
    std::string id, problem;
  };
  for (const Case& c : std::vector<Case>{{"../../etc/evil", "'/'"},
                                         {"a\\b", "'\\'"},
                                         {"..", "dot segment"},
                                         {".", "dot segment"},
                                         {std::string("a\0b", 3), "NUL byte at byte 2"},
                                         {"a\nb", "control character (U+000A) at byte 2"},
                                         {"a\x7f", "control character (U+007F)"},
                                         {"\xff", "not valid UTF-8"},
                                         {"", "empty"},
                                         {std::string(MAX_ID_BYTES + 1, 'a'), "over the limit of 200"}})
    BOOST_TEST(id_problem(c.id).find(c.problem) != std::string::npos, quote_id(c.id)
                                                                          << ": " << id_problem(c.id));
  BOOST_TEST(id_problem(std::string(MAX_ID_BYTES, 'a')).empty());
  BOOST_TEST(quote_id(std::string("a\0\n\\", 4)) == "\"a\\x00\\x0a\\x5c\"");
}

BOOST_AUTO_TEST_CASE(no_metadata_key_prefix_begins_another) {
  for (auto a : metadata::kAll)
    for (auto b : metadata::kAll)
      if (a != b) BOOST_TEST(b.substr(0, a.size()) != a, "\"" << a << "\" begins \"" << b << "\"");
}
