// The CSV manifest (indexer/manifest.h): any text -> rows and problems, or a tongwen Error (no
// `path` column, not UTF-8). Every row keeps a path and a line inside the text; parse_csv's
// records account for every line.
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "tongwen/manifest.h"

using namespace tongwen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_view(data, size);
  // Line breaks as the manifest counts them: LF, CRLF, or a lone CR.
  std::size_t lines = 1;
  for (std::size_t i = 0; i < text.size(); ++i)
    lines += text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'));
  fuzz::tongwen_errors_only([&] {
    Manifest m = parse_manifest("/nonexistent-fuzz/manifest.csv", text);
    for (const auto& r : m.rows) {
      fuzz::require(!r.path.empty() && !r.absolute.empty(), "a row names a file");
      fuzz::require(r.line >= 1 && r.line <= lines, "a row's line is inside the manifest");
    }
    for (const auto& p : m.problems) fuzz::require(!p.message.empty(), "a problem says what is wrong");
  });
  std::size_t open = 0;
  for (const auto& r : parse_csv(text, &open))
    fuzz::require(r.line >= 1 && r.line <= lines, "a record's line");
  fuzz::require(open <= lines, "an unterminated quote names a line of the text");
  return 0;
}
