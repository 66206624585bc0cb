// Broken inputs: every file in tests/data/broken must fail with the kind and message that
// tests/data/broken/expected.tsv gives it, naming the file; large and hostile cases (a 50 MB line,
// zip bombs, thousands of zip entries, tiny limits) are generated here and must fail within
// bounded memory. See tests/data/broken/README.md.
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <Poco/DateTime.h>
#include <Poco/DirectoryIterator.h>
#include <Poco/Path.h>
#include <Poco/Zip/Compress.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <streambuf>

#include "builders.h"
#include "child_process.h"
#include "fixtures.h"
#include "tongwen/converter.h"
#include "tongwen/errors.h"

using namespace tongwen;

namespace {

std::string broken_dir() {
  return test::source_dir() + "/tests/data/broken";
}

struct Row {
  std::string file, format, kind, substring;
  std::size_t line = 0;
};

std::ostream& operator<<(std::ostream& o, const Row& r) {
  return o << "expected.tsv:" << r.line << " " << r.file << " (" << r.format << ")";
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    auto tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return out;
}

// Malformed rows are kept (with empty fields) so that a test fails on them instead of silently
// dropping an expectation.
const std::vector<Row>& rows() {
  static const std::vector<Row> rows = [] {
    std::vector<Row> out;
    std::ifstream in(broken_dir() + "/expected.tsv");
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (n == 1 || line.empty() || line[0] == '#') continue;
      auto f = split_tabs(line);
      Row r;
      r.line = n;
      if (f.size() == 4) {
        r.file = f[0];
        r.format = f[1];
        r.kind = f[2];
        r.substring = f[3];
      } else {
        r.file = line;
      }
      out.push_back(r);
    }
    return out;
  }();
  return rows;
}

// "kind: message" of the ConvertError a conversion throws, or what went wrong instead.
std::string failure(const std::function<void()>& convert) {
  try {
    convert();
  } catch (const ConvertError& e) {
    return e.code() + ": " + e.what();
  } catch (const std::exception& e) {
    return std::string("NOT A ConvertError: ") + e.what();
  } catch (...) {
    return "NOT A ConvertError: unknown exception";
  }
  return "NO ERROR";
}

std::string via_convert_file(const std::string& path, const ConvertOptions& options) {
  return failure([&] { convert_file(path, options); });
}

std::string via_convert_each(const std::string& path, const ConvertOptions& options) {
  return failure([&] { convert_file_each(path, options, "", [](Document&&) {}); });
}

void check_failure(const std::string& got, const std::string& path, const std::string& kind,
                   const std::string& substring) {
  BOOST_TEST(got.rfind(kind + ": " + path + ": ", 0) == 0,
             "expected " << kind << " naming " << path << ", got: " << got);
  BOOST_TEST(got.find(substring) != std::string::npos, "expected \"" << substring << "\" in: " << got);
}

// A stream of `size` zero bytes that never holds more than one buffer.
class ZeroBuf : public std::streambuf {
 public:
  explicit ZeroBuf(std::uint64_t size) : left_(size) {}

 protected:
  int_type underflow() override {
    if (left_ == 0) return traits_type::eof();
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left_, sizeof buf_));
    left_ -= n;
    setg(buf_, buf_, buf_ + n);
    return traits_type::to_int_type(buf_[0]);
  }

 private:
  std::uint64_t left_;
  char buf_[1 << 16] = {};
};

// A DOCX-shaped zip whose word/document.xml is `size` zero bytes, deflated.
std::string zero_docx(std::uint64_t size) {
  std::ostringstream out;
  Poco::Zip::Compress zip(out, true);
  std::istringstream types("<Types/>");
  zip.addFile(types, Poco::DateTime(), Poco::Path("[Content_Types].xml"));
  ZeroBuf zeros(size);
  std::istream body(&zeros);
  zip.addFile(body, Poco::DateTime(), Poco::Path("word/document.xml"));
  zip.close();
  return out.str();
}

void put32(std::string& s, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

// Rewrites the uncompressed size that every header of word/document.xml declares.
std::string lie_about_size(std::string zip, std::uint32_t declared) {
  const std::string name = "word/document.xml";
  for (std::size_t p = zip.find("PK\x03\x04"); p != std::string::npos; p = zip.find("PK\x03\x04", p + 4))
    if (zip.compare(p + 30, name.size(), name) == 0) put32(zip, p + 22, declared);
  for (std::size_t p = zip.find("PK\x01\x02"); p != std::string::npos; p = zip.find("PK\x01\x02", p + 4))
    if (zip.compare(p + 46, name.size(), name) == 0) put32(zip, p + 24, declared);
  return zip;
}

// Converts in a forked child; returns the outcome and the growth of the child's peak memory.
test::ChildResult convert_in_child(const std::string& path, const ConvertOptions& options) {
  auto r = test::run_in_child([&] { return via_convert_file(path, options); });
  BOOST_TEST(r.exited_cleanly, "the converting child crashed");
  BOOST_TEST(r.peak_growth_kb >= 0, "peak memory could not be measured (/proc/self/status)");
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(broken_inputs)

BOOST_AUTO_TEST_CASE(expected_tsv_has_four_fields_per_row) {
  BOOST_TEST(rows().size() >= 40u);
  for (const auto& r : rows()) {
    BOOST_TEST_CONTEXT(r) {
      BOOST_TEST(!r.kind.empty(), "not four tab-separated fields");
      // Kinds are short identifiers (errors.h lists the common ones; formats may add their own).
      bool identifier = std::all_of(r.kind.begin(), r.kind.end(),
                                    [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
      BOOST_TEST(identifier, "kind \"" << r.kind << "\" is not an identifier");
      BOOST_TEST(!r.substring.empty());
    }
  }
}

BOOST_DATA_TEST_CASE(each_broken_input_fails_with_its_kind_naming_the_file,
                     boost::unit_test::data::make(rows()), row) {
  std::string path = broken_dir() + "/" + row.file;
  ConvertOptions options;
  if (row.format != "-") options.format = row.format;
  check_failure(via_convert_file(path, options), path, row.kind, row.substring);
  // The bulk loader's streaming entry point must fail the same way.
  check_failure(via_convert_each(path, options), path, row.kind, row.substring);
}

BOOST_AUTO_TEST_CASE(every_file_in_the_broken_folder_has_an_expectation) {
  std::set<std::string> listed;
  for (const auto& r : rows()) listed.insert(r.file);
  std::size_t files = 0;
  for (Poco::DirectoryIterator it(broken_dir()), end; it != end; ++it) {
    std::string name = it.name();
    if (!it->isFile() || name == "expected.tsv" || name == "README.md") continue;
    ++files;
    if (name.ends_with(".meta.json")) {
      // A sidecar is covered by the document next to it.
      std::string stem = name.substr(0, name.size() - std::strlen(".meta.json"));
      bool covered = false;
      for (const auto& f : listed) covered = covered || f.rfind(stem + ".", 0) == 0;
      BOOST_TEST(covered, "sidecar " << name << " belongs to no listed file");
      continue;
    }
    BOOST_TEST(listed.count(name) == 1u, name << " is in tests/data/broken but not in expected.tsv");
  }
  BOOST_TEST(files >= 40u);
}

BOOST_AUTO_TEST_CASE(a_50_mb_line_of_text_converts_into_bounded_paragraphs_or_hits_the_file_limit) {
  // Decision: one enormous line converts (within convert.max_file_mb) and is cut into paragraphs
  // of at most 64 KiB at sentence ends; a smaller limit refuses it as too_large.
  test::TempDir dir;
  std::string sentence = "Open science needs shared data and shared methods. ";
  std::string line;
  line.reserve(50u << 20);
  while (line.size() < (50u << 20)) line += sentence;
  std::string path = dir.write("one-line.txt", line + "\n");
  auto r = convert_file(path, ConvertOptions{});
  BOOST_REQUIRE_EQUAL(r.documents.size(), 1u);
  std::size_t total = 0, longest = 0;
  for (const auto& p : r.documents[0].paragraphs) {
    total += p.text.size() + 1;
    longest = std::max(longest, p.text.size());
  }
  BOOST_TEST(longest <= 64u * 1024);
  BOOST_TEST(total >= line.size() - r.documents[0].paragraphs.size());  // nothing lost but the cut spaces
  BOOST_TEST(r.documents[0].paragraphs.back().text.ends_with("shared methods."));

  ConvertOptions small;
  small.limits.max_file_bytes = 10u << 20;
  check_failure(via_convert_file(path, small), path, "too_large", "convert.max_file_mb");
  check_failure(via_convert_each(path, small), path, "too_large", "convert.max_file_mb");
}

BOOST_AUTO_TEST_CASE(a_zip_bomb_with_an_honest_header_is_refused_before_inflating) {
  test::TempDir dir;
  std::string path = dir.write("bomb.docx", zero_docx(1ull << 30));  // 1 GiB of zeros, ~1 MB deflated
  BOOST_TEST_MESSAGE("bomb.docx: " << test::read(path).size() << " bytes");
  auto r = convert_in_child(path, ConvertOptions{});
  check_failure(r.output, path, "too_large", "inflates to 1073741824 bytes");
  BOOST_TEST(r.peak_growth_kb < 200 * 1024, "peak RSS grew by " << r.peak_growth_kb << " KiB");
}

BOOST_AUTO_TEST_CASE(a_zip_bomb_that_lies_about_its_size_stops_at_the_declared_size) {
  test::TempDir dir;
  std::string bomb = zero_docx(1ull << 30);
  std::string path = dir.write("liar.docx", lie_about_size(bomb, 1000));
  auto r = convert_in_child(path, ConvertOptions{});
  check_failure(r.output, path, "too_large", "beyond its declared size of 1000 bytes");
  BOOST_TEST(r.peak_growth_kb < 200 * 1024, "peak RSS grew by " << r.peak_growth_kb << " KiB");

  // Declared within the budget, really 1 GiB: inflating stops at the declared 8 MiB.
  std::string path8 = dir.write("liar8.docx", lie_about_size(bomb, 8u << 20));
  ConvertOptions options;
  options.limits.max_unzipped_bytes = 16u << 20;
  auto r8 = convert_in_child(path8, options);
  check_failure(r8.output, path8, "too_large", "beyond its declared size of 8388608 bytes");
  BOOST_TEST(r8.peak_growth_kb < 200 * 1024, "peak RSS grew by " << r8.peak_growth_kb << " KiB");
  BOOST_TEST_MESSAGE("lying 8 MiB header: peak RSS grew by " << r8.peak_growth_kb << " KiB");

  // An honest header over a small budget is refused with the setting named.
  std::string path64 = dir.write("honest64.docx", zero_docx(64u << 20));
  check_failure(via_convert_file(path64, options), path64, "too_large", "convert.max_unzipped_mb");
}

// Finding 5: a document.xml under the zip budget but far larger than any XML file we accept
// (250 MB from 730 KB) was inflated, copied and parsed into a tree before it was refused (1.3 GB
// peak; 5.4 GB in process). A part is now refused from its header beyond a quarter of
// convert.max_file_mb, before inflating.
BOOST_AUTO_TEST_CASE(a_docx_part_beyond_the_file_limit_is_refused_before_inflating) {
  test::TempDir dir;
  std::string body;
  while (body.size() < (12u << 20))
    body += "<w:p><w:r><w:t>Open science needs shared data.</w:t></w:r></w:p>";
  std::string path = dir.write("big-part.docx", test::docx_of(body));
  BOOST_TEST_MESSAGE("big-part.docx: " << test::read(path).size() << " bytes");
  ConvertOptions small;
  small.limits.max_file_bytes = 16u << 20;  // parts up to 4 MiB
  auto r = convert_in_child(path, small);
  check_failure(r.output, path, "too_large", "for one XML part (a quarter of convert.max_file_mb)");
  BOOST_TEST(r.peak_growth_kb < 32 * 1024, "peak RSS grew by " << r.peak_growth_kb << " KiB");
  // Under the limit the same document converts.
  ConvertOptions roomy;
  roomy.limits.max_file_bytes = 64u << 20;
  BOOST_TEST(via_convert_file(path, roomy) == "NO ERROR");
}

BOOST_AUTO_TEST_CASE(a_zip_with_thousands_of_entries_is_refused) {
  test::TempDir dir;
  std::ostringstream out;
  {
    Poco::Zip::Compress zip(out, true);
    for (int i = 0; i < 10050; ++i) {
      std::istringstream empty("");
      zip.addFile(empty, Poco::DateTime(), Poco::Path("word/media/e" + std::to_string(i)),
                  Poco::Zip::ZipCommon::CM_STORE);
    }
    zip.close();
  }
  std::string path = dir.write("many.docx", out.str());
  check_failure(via_convert_file(path, ConvertOptions{}), path, "too_large", "more than 10000 entries");
}

BOOST_AUTO_TEST_CASE(a_pdf_whose_text_exceeds_the_budget_is_refused) {
  test::TempDir dir;
  std::string path =
      dir.write("text.pdf", test::text_pdf({"Open science needs shared data.", "A second line of text."}));
  auto ok = convert_file(path, ConvertOptions{});
  BOOST_REQUIRE_EQUAL(ok.documents.size(), 1u);
  BOOST_TEST(ok.documents[0].paragraphs.at(0).text ==
             "Open science needs shared data. A second line of text.");
  ConvertOptions tiny;
  tiny.limits.max_unzipped_bytes = 20;
  check_failure(via_convert_file(path, tiny), path, "too_large", "convert.max_unzipped_mb");
}

BOOST_AUTO_TEST_CASE(deeply_nested_inputs_fail_cleanly) {
  test::TempDir dir;
  // JSON nested 100,000 deep on one line: refused by the parser's depth limit, no stack overflow.
  std::string deep =
      "{\"title\": \"x\", \"extra\": " + std::string(100000, '[') + std::string(100000, ']') + "}\n";
  std::string jpath = dir.write("deep.jsonl", deep);
  check_failure(via_convert_file(jpath, ConvertOptions{}), jpath, "malformed", "line 1: invalid JSON");
  check_failure(via_convert_each(jpath, ConvertOptions{}), jpath, "malformed", "line 1: invalid JSON");

  // A DOCX whose document.xml nests 100,000 elements.
  std::ostringstream out;
  {
    Poco::Zip::Compress zip(out, true);
    std::string xml =
        "<?xml version=\"1.0\"?><w:document "
        "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>";
    for (int i = 0; i < 100000; ++i) xml += "<w:sdt>";
    std::istringstream body(xml);
    zip.addFile(body, Poco::DateTime(), Poco::Path("word/document.xml"));
    zip.close();
  }
  std::string dpath = dir.write("deep.docx", out.str());
  std::string got = via_convert_file(dpath, ConvertOptions{});
  bool named = got.rfind("too_deep: " + dpath + ": word/document.xml: ", 0) == 0 ||
               got.rfind("malformed: " + dpath + ": word/document.xml: ", 0) == 0;
  BOOST_TEST(named, got);
}

BOOST_AUTO_TEST_CASE(randomly_damaged_docx_pdf_srt_and_jsonl_files_fail_cleanly_or_convert) {
  // Deterministic mutations (byte flips, truncations, duplicated ranges) of small valid files:
  // each converts or throws ConvertError; nothing else escapes, nothing crashes (run under ASan).
  test::TempDir dir;
  std::map<std::string, std::string> seeds = {
      {"docx",
       test::docx_of("<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t>标题</w:t></w:r></w:p>"
                     "<w:p><w:r><w:t xml:space=\"preserve\">Open science </w:t><w:tab/><w:t>needs "
                     "data.</w:t></w:r></w:p>"
                     "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
                     "<dc:title>T</dc:title><dc:creator>A</dc:creator>")},
      {"pdf",
       test::text_pdf({"Open science needs shared data.", "A second line."}, "/Title (T) /Author (A)")},
      {"srt",
       "1\n00:00:01,000 --> 00:00:02,000\nJOHN: Hello there.\n\n2\n00:00:05,000 --> 00:00:06,000\n- Yes.\n- "
       "No.\n"},
      {"vtt", "WEBVTT - T\n\nNOTE x\n\nid\n00:01.000 --> 00:02.000\n<v A>Hello <b>there</b>.\n"},
      {"jsonl",
       "{\"id\": \"a\", \"title\": \"T\", \"speakers\": [{\"name\": \"A\"}], \"paragraphs\": [\"x\", "
       "{\"text\": \"y\"}]}\n"
       "{\"title\": \"U\", \"content\": \"line\\nwrapped\\n\\nnext\", \"year\": \"2020\"}\n"},
      {"md", "---\ntitle: T\ntags: [a, b]\n---\n\n# H\n\n**x** [y](z) `c`\n\n- item\n"},
  };
  std::mt19937 rng(20261125);
  std::size_t converted = 0, failed = 0;
  for (const auto& [ext, seed] : seeds) {
    for (int i = 0; i < 150; ++i) {
      std::string bytes = seed;
      int kind = static_cast<int>(rng() % 3);
      if (kind == 0) {  // flip a few bytes
        for (int k = 0; k < 1 + static_cast<int>(rng() % 8); ++k)
          bytes[rng() % bytes.size()] = static_cast<char>(rng() & 0xFF);
      } else if (kind == 1) {  // truncate
        bytes.resize(rng() % bytes.size());
      } else {  // duplicate a range somewhere else
        std::size_t from = rng() % bytes.size(), len = rng() % 64, to = rng() % bytes.size();
        bytes.insert(to, bytes.substr(from, len));
      }
      std::string path = dir.write("m" + std::to_string(i) + "." + ext, bytes);
      std::string got = via_convert_file(path, ConvertOptions{});
      BOOST_TEST(got.find("NOT A ConvertError") == std::string::npos,
                 ext << " mutation " << i << ": " << got);
      if (got == "NO ERROR")
        ++converted;
      else
        ++failed;
      std::string each = via_convert_each(path, ConvertOptions{});
      BOOST_TEST(each.find("NOT A ConvertError") == std::string::npos,
                 ext << " mutation " << i << ": " << each);
    }
  }
  BOOST_TEST_MESSAGE("damaged files: " << converted << " converted, " << failed << " refused");
  BOOST_TEST(failed > 0u);
}

BOOST_AUTO_TEST_SUITE_END()
