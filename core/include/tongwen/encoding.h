// Bytes in any encoding an archive holds -> UTF-8 (ICU underneath, so converters never see ICU).
#pragma once

#include <string>
#include <string_view>

namespace tongwen::encoding {

struct Decoded {
  std::string text;      // valid UTF-8, without a byte order mark
  std::string encoding;  // canonical name: "UTF-8", "UTF-16LE", "GB18030", "Big5", "Big5-HKSCS", ...
  bool had_bom = false;
  int confidence = 100;  // of the detection, 0-100; 100 when declared or a BOM says so
};

// Decodes bytes to UTF-8. `declared` is an encoding named by the file itself (an XML declaration,
// an HTML meta charset, a manifest column) or "" to detect. Order: BOM, then the declared
// encoding, then valid UTF-8, then ICU's detector among the encodings Tongwen expects (Chinese
// legacy sets preferred over Latin-1 when the text has high bytes).
// Throws ConvertError(path, "encoding", ...) when the bytes are not text in a known encoding
// (naming the line and byte of the first invalid UTF-8 sequence when the text is UTF-8 but for a
// few bytes), and when a declared encoding does not fit the bytes.
Decoded to_utf8(std::string_view bytes, std::string_view declared, const std::string& path);

// Canonical name for an encoding label ("gb2312" -> "GB2312", "big5" -> "Big5"), "" if unknown.
std::string canonical_name(std::string_view label);

// Converts UTF-8 to `encoding` (for tests and fixtures); throws on unmappable text.
std::string from_utf8(std::string_view utf8, std::string_view encoding);

}  // namespace tongwen::encoding
