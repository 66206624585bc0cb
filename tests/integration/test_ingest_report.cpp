// `tongwen ingest` as an archivist sees it: the report (one row per input, with outcome and
// message), the manifest, exit codes, --strict, --dry-run and the --json summary.
#include <boost/test/unit_test.hpp>

#include <Poco/File.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <map>

#include "fixtures.h"
#include "load_corpus.h"
#include "tongwen/manifest.h"

using namespace tongwen;
using tongwen::test::run_tongwen;
using tongwen::test::TempDir;

namespace {

using Row = std::map<std::string, std::string>;

// The CSV report as rows keyed by column name, by path.
std::map<std::string, Row> read_report(const std::string& path) {
  auto records = parse_csv(test::read(path));
  BOOST_REQUIRE(!records.empty());
  const auto& header = records[0].fields;
  std::map<std::string, Row> rows;
  for (std::size_t i = 1; i < records.size(); ++i) {
    Row r;
    for (std::size_t c = 0; c < header.size() && c < records[i].fields.size(); ++c)
      r[header[c]] = records[i].fields[c];
    BOOST_TEST(rows.count(r["path"]) == 0u, "two rows for " << r["path"]);
    rows[r["path"]] = r;
  }
  return rows;
}

// A folder with good files, a broken one, an unsupported one, and a manifest with an unknown
// column and a row naming a missing file.
struct Folder {
  TempDir dir;
  std::string good, good2, broken, empty, image, pair, manifest;
  Folder() {
    good = dir.write("in/good.en.txt",
                     "title: Open science\nlang: en\n\nOpen science shares data and methods.\n");
    good2 = dir.write("in/sub/good.zh.txt", "title: 开放科学\nlang: zh-Hans\n\n开放科学共享数据和方法。\n");
    broken = dir.write("in/broken.jsonl",
                       "{\"id\":\"b1\",\"title\":\"Fine\",\"text\":\"ok\"}\n{\"id\":\"b2\",\"title\":\n");
    empty = dir.write("in/empty.txt", "");
    image = dir.write("in/picture.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
    pair = dir.write("in/pair.jsonl",
                     "{\"id\":\"p1\",\"title\":\"One\",\"text\":\"x\"}\n{\"id\":\"p2\",\"title\":\"Two\","
                     "\"text\":\"y\"}\n");
    // RFC 4180: a quoted title with a comma, a doubled quote and a line break; CRLF line ends.
    manifest =
        dir.write("in/manifest.csv",
                  "\xEF\xBB\xBFpath,Title,speakers,colour\r\n"
                  "good.en.txt,\"Open science, \"\"revisited\"\"\nsecond line\",Ann Lee; Bo Chen,blue\r\n"
                  "missing.txt,Nothing here,,red\r\n"
                  "pair.jsonl,A title for two,,\r\n");
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(the_report_has_one_row_per_input_with_its_outcome_and_message) {
  Folder f;
  std::string report = f.dir / "report.csv";
  auto r = run_tongwen({"--data", f.dir / "data", "ingest", f.dir / "in", "--manifest", f.manifest,
                        "--report", report, "--json"});
  BOOST_TEST(r.exit_code == 1, r.err);  // some files failed
  auto rows = read_report(report);
  std::string missing = f.dir / "in/missing.txt";
  BOOST_TEST(rows.size() == 8u);  // 6 files + the missing one + the manifest's column problem
  BOOST_TEST(rows[f.good]["outcome"] == "added");
  BOOST_TEST(rows[f.good]["format"] == "text");
  BOOST_TEST(rows[f.good]["languages"] == "en");
  BOOST_TEST(rows[f.good]["encoding"] == "UTF-8");
  BOOST_TEST(!rows[f.good]["ids"].empty());
  BOOST_TEST(rows[f.good2]["outcome"] == "added");
  BOOST_TEST(rows[f.broken]["outcome"] == "failed");
  BOOST_TEST(rows[f.broken]["error"].find(f.broken + ": line 2") == 0u, rows[f.broken]["error"]);
  BOOST_TEST(rows[f.empty]["outcome"] == "failed");
  BOOST_TEST(rows[f.empty]["error"].find("empty") != std::string::npos, rows[f.empty]["error"]);
  BOOST_TEST(rows[f.image]["outcome"] == "skipped");
  BOOST_TEST(rows[f.image]["error_code"] == "unsupported");
  BOOST_TEST(rows[missing]["outcome"] == "failed");
  // line 4: the quoted title above spans two lines
  BOOST_TEST(rows[missing]["error"].find(f.manifest + " line 4") == 0u, rows[missing]["error"]);
  BOOST_TEST(rows[missing]["error"].find("does not exist") != std::string::npos);
  // A row for a file of several documents cannot apply (the converters apply rows to single
  // documents): loaded, with a note naming the manifest line.
  BOOST_TEST(rows[f.pair]["outcome"] == "added");
  BOOST_TEST(rows[f.pair]["error_code"] == "manifest_not_applied");
  BOOST_TEST(rows[f.pair]["error"].find(f.manifest + " line 5: ") == 0u, rows[f.pair]["error"]);
  BOOST_TEST(rows[f.manifest]["outcome"] == "failed");
  BOOST_TEST(rows[f.manifest]["error"].find(f.manifest + " line 1: unknown column \"colour\"") == 0u,
             rows[f.manifest]["error"]);

  // The manifest's values override the file's own title and add speakers.
  auto snap = test::snapshot(f.dir / "data/index");
  std::string stored = snap.data.at(rows[f.good]["ids"]);
  BOOST_TEST(stored.find("Open science, \"revisited\"\nsecond line") != std::string::npos);
  BOOST_TEST(stored.find("Bo Chen") != std::string::npos);
  BOOST_TEST(snap.doccount == 4u);

  // The summary on stdout counts outcomes.
  Poco::JSON::Parser parser;
  auto sum = parser.parse(r.out).extract<Poco::JSON::Object::Ptr>();
  auto outcomes = sum->getObject("outcomes");
  BOOST_TEST(outcomes->getValue<int>("added") == 3);
  BOOST_TEST(outcomes->getValue<int>("failed") == 4);
  BOOST_TEST(outcomes->getValue<int>("skipped") == 1);
  BOOST_TEST(sum->getValue<int>("documents") == 4);
  BOOST_TEST(sum->has("seconds"));
  BOOST_TEST(sum->has("documents_per_second"));
  BOOST_TEST(sum->has("mb_per_second"));

  // Progress and failures went to stderr, each failure named.
  BOOST_TEST(r.err.find("failed: " + f.broken + ": line 2") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("3 added") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("note: " + f.manifest + " line 5") != std::string::npos, r.err);

  // The same report as JSON Lines.
  std::string jsonl = f.dir / "report.jsonl";
  r = run_tongwen({"--data", f.dir / "data", "ingest", "--quiet", f.dir / "in", "--manifest", f.manifest,
                   "--report", jsonl});
  auto lines = test::read(jsonl);
  std::size_t n = 0;
  for (std::size_t pos = 0; (pos = lines.find('\n', pos)) != std::string::npos; ++pos) ++n;
  BOOST_TEST(n == 8u);
  BOOST_TEST(lines.find("\"outcome\":\"unchanged\"") != std::string::npos, lines);
}

BOOST_AUTO_TEST_CASE(strict_stops_at_the_first_failure) {
  TempDir dir;
  std::string a = dir.write("in/a.txt", "title: A\n\nFirst file.\n");
  std::string b = dir.write("in/b.jsonl", "{not json\n");
  std::string c = dir.write("in/c.txt", "title: C\n\nThird file.\n");
  std::string report = dir / "report.csv";
  auto r = run_tongwen({"--data", dir / "data", "ingest", "--strict", "--report", report, dir / "in"});
  BOOST_TEST(r.exit_code == 1);
  auto rows = read_report(report);
  BOOST_TEST(rows.size() == 2u);
  BOOST_TEST(rows[a]["outcome"] == "added");
  BOOST_TEST(rows[b]["outcome"] == "failed");
  BOOST_TEST(rows.count(c) == 0u);
  BOOST_TEST(r.err.find("stopped at the first failure") != std::string::npos, r.err);
  BOOST_TEST(test::snapshot(dir / "data/index").doccount == 1u);

  // A manifest problem is a failure too: nothing is loaded.
  std::string m = dir.write("m.csv", "path,bogus\nin/c.txt,x\n");
  r = run_tongwen({"--data", dir / "data2", "ingest", "--strict", "--manifest", m});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err.find("unknown column \"bogus\"") != std::string::npos, r.err);
  BOOST_TEST(test::snapshot(dir / "data2/index").doccount == 0u);
}

BOOST_AUTO_TEST_CASE(a_dry_run_reports_but_writes_nothing) {
  Folder f;
  std::string report = f.dir / "dry.csv";
  auto r = run_tongwen({"--data", f.dir / "data", "ingest", "--dry-run", "--report", report, f.dir / "in"});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(!Poco::File(f.dir / "data/index").exists());
  auto rows = read_report(report);
  BOOST_TEST(rows[f.good]["outcome"] == "added");
  BOOST_TEST(rows[f.broken]["outcome"] == "failed");

  // On an existing index: the would-be outcomes, and the index untouched.
  r = run_tongwen({"--data", f.dir / "data", "ingest", "--quiet", f.dir / "in"});
  auto before = test::snapshot(f.dir / "data/index");
  f.dir.write("in/good.en.txt",
              "title: Open science\nlang: en\n\nOpen science shares data, methods and code.\n");
  f.dir.write("in/new.txt", "title: New\n\nA new file.\n");
  r = run_tongwen(
      {"--data", f.dir / "data", "ingest", "--dry-run", "--prune", "--report", report, f.dir / "in"});
  rows = read_report(report);
  BOOST_TEST(rows[f.good]["outcome"] == "updated");
  BOOST_TEST(rows[f.dir / "in/new.txt"]["outcome"] == "added");
  BOOST_TEST(rows[f.good2]["outcome"] == "unchanged");
  auto after = test::snapshot(f.dir / "data/index");
  BOOST_TEST((after.data == before.data));
  BOOST_TEST((after.records == before.records));
}
