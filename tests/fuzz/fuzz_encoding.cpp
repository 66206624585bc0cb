// Encoding detection and decoding (core/encoding.h): the first byte picks a declared encoding (or
// none: detect), the rest are the bytes. The answer is well-formed UTF-8 without a byte-order mark
// and a canonical encoding name, or a tongwen Error. The same bytes as a label go to canonical_name.
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "tongwen/encoding.h"
#include "tongwen/text.h"

using namespace tongwen;

namespace {
const char* const kDeclared[] = {"",         "",         "",           "UTF-8",        "GB18030",
                                 "GB2312",   "GBK",      "Big5",       "Big5-HKSCS",   "UTF-16",
                                 "UTF-16LE", "UTF-16BE", "ISO-8859-1", "windows-1252", "Shift_JIS",
                                 "EUC-KR",   "UTF-32",   "x-no-such"};
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string declared = kDeclared[data[0] % (sizeof kDeclared / sizeof kDeclared[0])];
  const std::string_view bytes = fuzz::as_view(data + 1, size - 1);
  fuzz::tongwen_errors_only([&] {
    encoding::Decoded d = encoding::to_utf8(bytes, declared, "fuzz-input");
    fuzz::require(text::is_valid_utf8(d.text), "decoded text is UTF-8");
    fuzz::require(d.text.rfind("\xEF\xBB\xBF", 0) != 0, "decoded text has no byte-order mark");
    fuzz::require(!d.encoding.empty(), "the decoded text names its encoding");
  });
  fuzz::tongwen_errors_only([&] { (void)encoding::canonical_name(bytes.substr(0, 64)); });
  return 0;
}
