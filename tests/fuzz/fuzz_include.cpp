// TEI xi:include resolution (converters/src/xinclude.h, through the TEI converter): the input is a
// TEI file at FIXTURE/top.xml, in a folder tree made at start-up holding a session, a session that
// includes another, a list of persons, an include cycle, a malformed file, a symbolic link out of
// the tree and a file above it. Any href the fuzzer writes (relative, absolute, URL, ../, xpointer,
// fallbacks, nesting) must give documents or a tongwen Error, never a read outside the tree.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "tongwen/converter.h"
#include "tongwen/text.h"

using namespace tongwen;
namespace fs = std::filesystem;

namespace {

fs::path fixture;
fs::path fixture_base;  // removed at exit; a crash leaves it for the reproduction

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

const char* const kTei = "http://www.tei-c.org/ns/1.0";
const char* const kXi = "http://www.w3.org/2001/XInclude";

std::string session(const std::string& id, const std::string& body) {
  return std::string("<TEI xmlns=\"") + kTei + "\" xmlns:xi=\"" + kXi + "\" xml:id=\"" + id +
         "\" xml:lang=\"en\"><teiHeader><fileDesc><titleStmt><title>Session " + id +
         "</title></titleStmt></fileDesc></teiHeader><text><body><div>" + body + "</div></body></text></TEI>";
}

void make_fixture() {
  char tmpl[] = "/tmp/tongwen-fuzz-include-XXXXXX";
  if (!mkdtemp(tmpl)) std::abort();
  fs::path base = tmpl;
  fixture_base = base;
  std::atexit([] {
    std::error_code ec;
    fs::remove_all(fixture_base, ec);
  });
  write(base / "outside.xml", session("outside", "<u who=\"#a\">outside the tree</u>"));
  fixture = base / "tree";
  write(fixture / "sessions/s1.xml",
        session("s1", "<u who=\"#a\">Open science matters.</u><u>开放科学。</u>"));
  write(fixture / "sessions/nested.xml",
        session("nested", std::string("<xi:include xmlns:xi=\"") + kXi + "\" href=\"s1.xml\"/>"));
  write(fixture / "sessions/up.xml",
        session("up", std::string("<xi:include xmlns:xi=\"") + kXi + "\" href=\"../persons.xml\"/>"));
  write(fixture / "persons.xml",
        std::string("<listPerson xmlns=\"") + kTei +
            "\"><person xml:id=\"a\"><persName>Ada Wang</persName></person></listPerson>");
  write(fixture / "loop.xml",
        session("loop", std::string("<xi:include xmlns:xi=\"") + kXi + "\" href=\"loop.xml\"/>"));
  write(fixture / "bad.xml", "<TEI><unclosed>");
  write(fixture / "empty.xml", "");
  fs::create_symlink("/etc/passwd", fixture / "link.xml");
  fs::create_symlink(base / "outside.xml", fixture / "sessions/out.xml");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  make_fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ConvertOptions options;
  options.use_sidecar = false;
  options.format = "tei";
  options.limits.max_unzipped_bytes = 32ull << 20;
  // libFuzzer copies the strings a target compares with into its inputs, so a marker may come from
  // the input itself: only text the input does not hold can have been read from outside.
  const std::string_view input = fuzz::as_view(data, size);
  auto from_outside = [&](const std::string& text, std::string_view marker) {
    return text.find(marker) != std::string::npos && input.find(marker) == std::string_view::npos;
  };
  fuzz::tongwen_errors_only([&] {
    ConvertResult r = convert_bytes((fixture / "top.xml").string(), input, options);
    for (const auto& d : r.documents) {
      fuzz::require(text::is_valid_utf8(d.title), "title is UTF-8");
      for (const auto& p : d.paragraphs) {
        fuzz::require(text::is_valid_utf8(p.text), "paragraph text is UTF-8");
        fuzz::require(!from_outside(p.text, "outside the tree"), "no text from outside the tree");
        fuzz::require(!from_outside(p.text, "root:"), "no text from /etc/passwd");
      }
    }
  });
  return 0;
}
