// TEI / Parla-CLARIN / ParlaMint on the real samples, and the safety of xi:include.
#include <boost/test/unit_test.hpp>

#include <Poco/File.h>

#include <unistd.h>

#include <set>

#include "fixtures.h"
#include "tongwen/converter.h"
#include "tongwen/errors.h"

using namespace tongwen;

namespace {

std::string tei_dir() {
  return test::corpus_real() + "/parla-clarin-tei";
}
const char* kGbSession = "/ParlaMint-GB-sample/2017/ParlaMint-GB_2017-09-07-commons.xml";
const char* kGbRoot = "/ParlaMint-GB-sample/ParlaMint-GB.xml";

std::string error_of(const std::string& path) {
  try {
    convert_file(path, ConvertOptions{});
  } catch (const ConvertError& e) {
    return e.code() + ": " + e.what();
  }
  return "no error";
}

std::vector<std::string> speaker_names(const Document& d) {
  std::vector<std::string> out;
  for (const auto& s : d.speakers) out.push_back(s.name);
  return out;
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto p = s.find(from);
  BOOST_REQUIRE(p != std::string::npos);
  return s.replace(p, from.size(), to);
}

// A ParlaMint-style person list for two of the four MPs of the GB sample (the real one, 1.5 MB,
// is not in corpus-real), with the party of one of them.
const char* kGbListPerson =
    "<listPerson xmlns='http://www.tei-c.org/ns/1.0' xml:id='ParlaMint-GB-listPerson'>"
    "<person xml:id='DavidDavis'><persName><forename>David</forename><surname>Davis</surname></persName>"
    "<affiliation role='member' ref='#party.CON' from='1987-06-11'/></person>"
    "<person "
    "xml:id='MarcusJones'><persName><forename>Marcus</forename><surname>Jones</surname></persName></person>"
    "</listPerson>";
const char* kGbListOrg =
    "<listOrg xmlns='http://www.tei-c.org/ns/1.0'><org xml:id='party.CON' role='politicalParty'>"
    "<orgName full='yes' xml:lang='en'>Conservative Party</orgName><orgName "
    "full='init'>CON</orgName></org></listOrg>";

// The GB sample laid out in a temporary folder with its person and organisation lists; the
// taxonomies are written as empty stubs and the two sessions not in corpus-real dropped from the
// root, so that every include resolves.
std::string gb_corpus_with_person_list(const test::TempDir& dir) {
  std::string root = test::read(tei_dir() + kGbRoot);
  root = replace(root,
                 "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" "
                 "href=\"2020/ParlaMint-GB_2020-02-12-lords.xml\"/>",
                 "");
  root = replace(root,
                 "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" "
                 "href=\"2022/ParlaMint-GB_2022-07-21-commons.xml\"/>",
                 "");
  for (const char* t : {"parla.legislature", "speaker_types", "subcorpus", "CHES", "politicalOrientation"})
    dir.write(std::string("ParlaMint-taxonomy-") + t + ".xml",
              "<taxonomy xmlns='http://www.tei-c.org/ns/1.0'/>");
  dir.write("ParlaMint-GB-listPerson.xml", kGbListPerson);
  dir.write("ParlaMint-GB-listOrg.xml", kGbListOrg);
  dir.write("2017/ParlaMint-GB_2017-09-07-commons.xml", test::read(tei_dir() + kGbSession));
  return dir.write("ParlaMint-GB.xml", root);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tei)

BOOST_AUTO_TEST_CASE(parlamint_gb_session_has_four_speeches_by_four_mps_named_by_id_without_their_list,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  auto r = convert_file(tei_dir() + kGbSession, ConvertOptions{});
  BOOST_TEST(r.format == "tei");
  BOOST_REQUIRE_EQUAL(r.documents.size(), 1u);
  const Document& d = r.documents[0];
  BOOST_TEST(d.id == "ParlaMint-GB_2017-09-07-commons");
  BOOST_TEST(d.title ==
             "Great Britain parliamentary corpus ParlaMint-GB, Commons, 2017-09-07 [ParlaMint SAMPLE]");
  BOOST_TEST(d.session == "Minutes of the House of Commons, Daily Session 2017-09-07");
  BOOST_TEST(d.event ==
             "Great Britain parliamentary corpus ParlaMint-GB [ParlaMint SAMPLE]");  // from the root
  BOOST_TEST(d.date == "2017-09-07");
  BOOST_TEST(d.lang == "en");
  BOOST_TEST(d.type == "transcript");
  // ParlaMint-GB-listPerson.xml is not in corpus-real: the ids stand in, without '#'.
  BOOST_TEST(speaker_names(d) ==
                 (std::vector<std::string>{"StephenKinnock", "DavidDavis", "RobertBlackman", "MarcusJones"}),
             boost::test_tools::per_element());
  std::set<std::string> speeches;
  std::size_t segs = 0;
  for (const auto& p : d.paragraphs)
    if (!p.speaker.empty()) {
      ++segs;
      speeches.insert(p.speaker);
    }
  BOOST_TEST(speeches.size() == 4u);
  BOOST_TEST(segs == 6u);  // four <u> with 1, 1, 1 and 3 <seg>
  BOOST_TEST(d.paragraphs[0].kind == "heading");
  BOOST_TEST(d.paragraphs[0].text == "Membership of the European Economic Area");
  BOOST_TEST(d.paragraphs[1].anchor == "ParlaMint-GB_2017-09-07-commons.seg1");
  BOOST_TEST(d.paragraphs[2].text.rfind("The United Kingdom will no longer participate in the EEA agreement",
                                        0) == 0);
  BOOST_TEST(d.paragraphs[7].kind == "note");
  BOOST_TEST(d.paragraphs[7].text == "House adjourned.");
}

BOOST_AUTO_TEST_CASE(the_gb_root_names_its_first_missing_include,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  std::string path = tei_dir() + kGbRoot;
  std::string e = error_of(path);
  BOOST_TEST(e.rfind("missing_include: " + path + ": ", 0) == 0, e);
  BOOST_TEST(e.find("href=\"ParlaMint-taxonomy-parla.legislature.xml\"") != std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(with_the_person_list_available_speakers_get_names_and_parties,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  test::TempDir dir;
  std::string root = gb_corpus_with_person_list(dir);
  // The session alone finds the root next to it and the root's included person list.
  auto alone = convert_file(dir / "2017/ParlaMint-GB_2017-09-07-commons.xml", ConvertOptions{});
  const Document& d = alone.documents.at(0);
  BOOST_TEST(speaker_names(d) == (std::vector<std::string>{"StephenKinnock", "David Davis", "RobertBlackman",
                                                           "Marcus Jones"}),
             boost::test_tools::per_element());
  BOOST_TEST(d.speakers[1].affiliation == "Conservative Party");
  BOOST_TEST(d.paragraphs[2].speaker == "David Davis");
  // The root converts to the same session, through its xi:includes.
  auto corpus = convert_file(root, ConvertOptions{});
  BOOST_REQUIRE_EQUAL(corpus.documents.size(), 1u);
  BOOST_TEST(corpus.documents[0].id == d.id);
  BOOST_TEST((corpus.documents[0].speakers == d.speakers));
  BOOST_TEST((corpus.documents[0].paragraphs == d.paragraphs));
  // A session that is not among the root's includes does not borrow its speakers.
  dir.write("2017/other-session.xml", test::read(tei_dir() + kGbSession));
  auto other = convert_file(dir / "2017/other-session.xml", ConvertOptions{});
  BOOST_TEST(other.documents.at(0).speakers.at(1).name == "DavidDavis");
}

BOOST_AUTO_TEST_CASE(siparl_session_resolves_speakers_and_parties_through_the_corpus_root,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  auto r = convert_file(tei_dir() + "/siParl2.0/SDT2/KPZONOJFSPD-Redna-021-1998-11-25.xml", ConvertOptions{});
  const Document& d = r.documents.at(0);
  BOOST_TEST(d.lang == "sl");
  BOOST_TEST(d.date == "1998-11-25");
  BOOST_TEST(d.title ==
             "Verbatim record of the session of the working bodies of the National Assembly of the Republic "
             "of Slovenia [siParl]");
  BOOST_TEST(d.extra.at("title@sl") ==
             "Dobesedni zapis seje delovnih teles Državnega zbora Republike Slovenije [siParl]");
  BOOST_TEST(d.session.rfind("Komisija po zakonu o nezdružljivosti", 0) == 0);
  BOOST_REQUIRE(!d.speakers.empty());
  BOOST_TEST(d.speakers[0].name == "Rafael Kužnik");
  BOOST_TEST(d.speakers[0].affiliation == "Slovenian National Party");  // his party on 1998-11-25
  std::size_t segs = 0;
  for (const auto& p : d.paragraphs)
    if (!p.speaker.empty()) ++segs;
  BOOST_TEST(segs == 21u);  // 9 utterances, 21 <seg>
  // Agenda items of the header become headings before the segments they point to.
  auto at = [&](const std::string& anchor) {
    for (std::size_t i = 0; i < d.paragraphs.size(); ++i)
      if (d.paragraphs[i].anchor == anchor) return i;
    return d.paragraphs.size();
  };
  std::size_t seg1 = at("KPZONOJFSPD-Redna-021-1998-11-25.seg1");
  BOOST_REQUIRE(seg1 > 0 && seg1 < d.paragraphs.size());
  BOOST_TEST(d.paragraphs[seg1 - 1].kind == "heading");
  BOOST_TEST(d.paragraphs[seg1 - 1].text == "Pred dnevnim redom");
  std::size_t seg21 = at("KPZONOJFSPD-Redna-021-1998-11-25.seg21");
  BOOST_TEST(d.paragraphs.at(seg21 - 1).text == "2. TOČKA DNEVNEGA REDA - RAZNO.");
  // Notes naming the next speaker repeat the utterance's speaker and are left out.
  for (const auto& p : d.paragraphs) BOOST_TEST(p.text != "PREDSEDNIK RAFAEL KUŽNIK:");
}

BOOST_AUTO_TEST_CASE(siparl_root_converts_its_sessions_once_the_missing_one_is_dropped,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  std::string root = tei_dir() + "/siParl2.0/SDT2-sample.xml";
  std::string e = error_of(root);
  BOOST_TEST(e.rfind("missing_include: " + root + ": ", 0) == 0, e);
  BOOST_TEST(e.find("href=\"SDT2/OZKGIP-Redna-025-1998-12-08.xml\"") != std::string::npos, e);
  test::TempDir dir;
  for (const char* s : {"SDT2/KPZONOJFSPD-Redna-021-1998-11-25.xml", "SDT2/OZKSIS-Redna-034-2000-05-18.xml"})
    dir.write(s, test::read(tei_dir() + "/siParl2.0/" + s));
  std::string text =
      replace(test::read(root), "<xi:include href=\"SDT2/OZKGIP-Redna-025-1998-12-08.xml\"/>", "");
  auto r = convert_file(dir.write("SDT2-sample.xml", text), ConvertOptions{});
  BOOST_REQUIRE_EQUAL(r.documents.size(), 2u);
  BOOST_TEST(r.documents[0].id == "KPZONOJFSPD-Redna-021-1998-11-25");
  BOOST_TEST(r.documents[1].id == "OZKSIS-Redna-034-2000-05-18");
  BOOST_TEST(r.documents[1].date == "2000-05-18");
  BOOST_TEST(r.documents[0].speakers.at(0).name == "Rafael Kužnik");
  for (const auto& d : r.documents) BOOST_TEST(d.event.rfind("Verbatim record of sessions", 0) == 0);
}

BOOST_AUTO_TEST_CASE(embedded_tei_in_a_corpus_and_role_categories_as_speakers,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  auto ex = convert_file(tei_dir() + "/examples/Parla-CLARIN-Exemplar.xml", ConvertOptions{});
  BOOST_REQUIRE_EQUAL(ex.documents.size(), 1u);
  BOOST_TEST(
      speaker_names(ex.documents[0]) ==
          (std::vector<std::string>{"Milan Kučan", "Doe John", "Boris Johnson", "Jeremy Bernard Corbyn"}),
      boost::test_tools::per_element());
  auto akn = convert_file(tei_dir() + "/examples/AkomaNtosoKE-Example.xml", ConvertOptions{});
  const Document& d = akn.documents.at(0);
  BOOST_TEST(d.lang == "en");  // xml:lang="eng"
  std::vector<std::string> names = speaker_names(d);
  BOOST_TEST(
      (std::find(names.begin(), names.end(), "Mr. Speaker") != names.end()));  // who="#speaker": a role
  std::size_t utterances = 0;
  for (const auto& p : d.paragraphs) utterances += !p.speaker.empty();
  BOOST_TEST(utterances >= 11u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(xinclude)

namespace {

std::string corpus_including(const std::string& href, const std::string& extra = "") {
  return "<teiCorpus xmlns='http://www.tei-c.org/ns/1.0' xmlns:xi='http://www.w3.org/2001/XInclude' "
         "xml:lang='en'>"
         "<teiHeader><fileDesc><titleStmt><title>C</title></titleStmt></fileDesc></teiHeader>"
         "<xi:include href='" +
         href + "'>" + extra + "</xi:include></teiCorpus>";
}

const char* kSession =
    "<TEI xmlns='http://www.tei-c.org/ns/1.0' xml:id='s1' xml:lang='en'><teiHeader><fileDesc><titleStmt>"
    "<title>Session one</title></titleStmt></fileDesc></teiHeader><text><body><u "
    "who='#x'><seg>Hello.</seg></u>"
    "</body></text></TEI>";

}  // namespace

BOOST_AUTO_TEST_CASE(an_include_in_a_subfolder_is_read) {
  test::TempDir dir;
  dir.write("sessions/s1.xml", kSession);
  auto r = convert_file(dir.write("corpus.xml", corpus_including("sessions/./s1.xml")), ConvertOptions{});
  BOOST_TEST(r.documents.at(0).title == "Session one");
  BOOST_TEST(r.documents.at(0).event == "C");
}

BOOST_AUTO_TEST_CASE(a_symbolic_link_out_of_the_folder_is_refused) {
  test::TempDir outside, dir;
  std::string secret = outside.write("secret.xml",
                                     "<TEI xmlns='http://www.tei-c.org/ns/1.0'><text><body><p>SECRET-CONTENT"
                                     "</p></body></text></TEI>");
  BOOST_REQUIRE(::symlink(secret.c_str(), (dir / "link.xml").c_str()) == 0);
  std::string path = dir.write("corpus.xml", corpus_including("link.xml"));
  std::string e = error_of(path);
  BOOST_TEST(e.rfind("unsafe: " + path + ": ", 0) == 0, e);
  BOOST_TEST(e.find("symbolic link refused") != std::string::npos, e);
  BOOST_TEST(e.find("SECRET-CONTENT") == std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(absolute_paths_urls_and_cycles_are_refused) {
  test::TempDir dir;
  std::string abs = dir.write("abs.xml", corpus_including("/etc/hostname"));
  BOOST_TEST(error_of(abs).find("unsafe: " + abs + ": xi:include href=\"/etc/hostname\"") == 0,
             error_of(abs));
  std::string file_url = dir.write("url.xml", corpus_including("file:///etc/passwd"));
  BOOST_TEST(error_of(file_url).find("is a URL") != std::string::npos, error_of(file_url));
  std::string encoded = dir.write("enc.xml", corpus_including("sub/%2E%2E/%2E%2E/x.xml"));
  BOOST_TEST(error_of(encoded).find("path traversal refused") != std::string::npos, error_of(encoded));
  std::string bad_escape = dir.write("esc.xml", corpus_including("sub%ZZ.xml"));
  BOOST_TEST(
      error_of(bad_escape).rfind("malformed: " + bad_escape + ": xi:include href=\"sub%ZZ.xml\"", 0) == 0,
      error_of(bad_escape));
  BOOST_TEST(error_of(bad_escape).find("has a malformed %-escape in its href") != std::string::npos);
  std::string self = dir.write("self.xml", corpus_including("self.xml"));
  BOOST_TEST(error_of(self).find("include cycle") != std::string::npos, error_of(self));
}

BOOST_AUTO_TEST_CASE(a_fallback_replaces_a_missing_file) {
  test::TempDir dir;
  std::string fallback = std::string("<xi:fallback>") + kSession + "</xi:fallback>";
  auto r = convert_file(dir.write("corpus.xml", corpus_including("missing.xml", fallback)), ConvertOptions{});
  BOOST_TEST(r.documents.at(0).id == "s1");
}

BOOST_AUTO_TEST_SUITE_END()
