#include "tongwen/encoding.h"

#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/ustring.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <vector>

#include "tongwen/errors.h"
#include "tongwen/text.h"

namespace tongwen::encoding {

namespace {

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};
using ConverterPtr = std::unique_ptr<UConverter, ConverterCloser>;

struct DetectorCloser {
  void operator()(UCharsetDetector* d) const { ucsdet_close(d); }
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The ICU converter name used for each canonical encoding.
struct Known {
  const char* canonical;
  const char* icu;
  std::vector<const char*> labels;
};

const std::vector<Known>& known() {
  static const std::vector<Known> k = {
      {"UTF-8", "UTF-8", {"utf-8", "utf8"}},
      {"UTF-16LE", "UTF-16LE", {"utf-16le", "utf16le"}},
      {"UTF-16BE", "UTF-16BE", {"utf-16be", "utf16be"}},
      {"UTF-16", "UTF-16", {"utf-16", "utf16", "ucs-2"}},
      {"GB2312", "GB18030", {"gb2312", "euc-cn", "x-euc-cn", "csgb2312", "gb_2312-80", "chinese"}},
      {"GBK", "GB18030", {"gbk", "cp936", "ms936", "windows-936", "x-gbk"}},
      {"GB18030", "GB18030", {"gb18030", "gb-18030"}},
      {"Big5", "Big5", {"big5", "big-5", "cn-big5", "csbig5", "x-x-big5", "cp950"}},
      {"Big5-HKSCS", "Big5-HKSCS", {"big5-hkscs", "big5hkscs", "hkscs"}},
      {"EUC-TW", "EUC-TW", {"euc-tw", "x-euc-tw", "cns11643"}},
      {"HZ-GB-2312", "HZ", {"hz-gb-2312", "hz"}},
      {"ISO-2022-CN", "ISO-2022-CN", {"iso-2022-cn"}},
      {"Shift_JIS", "Shift_JIS", {"shift_jis", "sjis", "shift-jis"}},
      {"EUC-JP", "EUC-JP", {"euc-jp"}},
      {"EUC-KR", "EUC-KR", {"euc-kr"}},
      {"ISO-8859-1", "ISO-8859-1", {"iso-8859-1", "latin1", "latin-1", "l1"}},
      {"windows-1252", "windows-1252", {"windows-1252", "cp1252"}},
      {"US-ASCII", "US-ASCII", {"us-ascii", "ascii"}},
  };
  return k;
}

const Known* find_known(std::string_view label) {
  std::string l = lower(label);
  for (const auto& k : known())
    for (const char* a : k.labels)
      if (l == a) return &k;
  return nullptr;
}

// Strict conversion: fails on any byte sequence the encoding does not define.
bool convert_strict(std::string_view bytes, const char* icu_name, std::string& out) {
  UErrorCode st = U_ZERO_ERROR;
  ConverterPtr from(ucnv_open(icu_name, &st));
  if (U_FAILURE(st)) return false;
  ucnv_setToUCallBack(from.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &st);
  if (U_FAILURE(st)) return false;
  std::vector<UChar> buf(bytes.size() + 16);  // never more UTF-16 units than input bytes
  const char* src = bytes.data();
  UChar* target = buf.data();
  ucnv_toUnicode(from.get(), &target, buf.data() + buf.size(), &src, bytes.data() + bytes.size(),
                 nullptr, true, &st);
  if (U_FAILURE(st)) return false;
  auto units = static_cast<int32_t>(target - buf.data());
  int32_t len = 0;
  st = U_ZERO_ERROR;
  u_strToUTF8(nullptr, 0, &len, buf.data(), units, &st);
  if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st)) return false;
  out.assign(static_cast<std::size_t>(len), '\0');
  st = U_ZERO_ERROR;
  u_strToUTF8(out.data(), len, &len, buf.data(), units, &st);
  return U_SUCCESS(st) || st == U_STRING_NOT_TERMINATED_WARNING;
}

std::string strip_bom_utf8(std::string s) {
  if (s.size() >= 3 && static_cast<unsigned char>(s[0]) == 0xEF &&
      static_cast<unsigned char>(s[1]) == 0xBB && static_cast<unsigned char>(s[2]) == 0xBF)
    s.erase(0, 3);
  return s;
}

bool has_nul_or_controls(std::string_view s) {
  std::size_t controls = 0;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == 0) return true;
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b) ++controls;
  }
  return controls * 100 > s.size() + 100;  // more than ~1% stray control bytes
}

}  // namespace

std::string canonical_name(std::string_view label) {
  const Known* k = find_known(label);
  return k ? k->canonical : "";
}

Decoded to_utf8(std::string_view bytes, std::string_view declared, const std::string& path) {
  Decoded d;
  auto b = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  // 1. Byte order marks.
  if (bytes.size() >= 3 && b(0) == 0xEF && b(1) == 0xBB && b(2) == 0xBF) {
    if (!text::is_valid_utf8(bytes.substr(3)))
      throw ConvertError(path, "encoding", "starts with a UTF-8 byte order mark but is not valid UTF-8");
    d.text = std::string(bytes.substr(3));
    d.encoding = "UTF-8";
    d.had_bom = true;
    return d;
  }
  if (bytes.size() >= 2 && ((b(0) == 0xFF && b(1) == 0xFE) || (b(0) == 0xFE && b(1) == 0xFF))) {
    const char* name = b(0) == 0xFF ? "UTF-16LE" : "UTF-16BE";
    if (!convert_strict(bytes.substr(2), name, d.text))
      throw ConvertError(path, "encoding", std::string("has a ") + name + " byte order mark but is not valid " + name);
    d.encoding = name;
    d.had_bom = true;
    return d;
  }
  // 2. A declared encoding must fit.
  if (!declared.empty()) {
    const Known* k = find_known(declared);
    if (!k) throw ConvertError(path, "encoding", "declares an unknown encoding \"" + std::string(declared) + "\"");
    std::string name = k->canonical;
    if (name == "UTF-16") name = "UTF-16LE";
    if (name == "UTF-8" || name == "US-ASCII") {
      if (!text::is_valid_utf8(bytes))
        throw ConvertError(path, "encoding",
                           "declares " + std::string(declared) + " but is not valid UTF-8 (wrong declared encoding?)");
      d.text = std::string(bytes);
      d.encoding = "UTF-8";
      return d;
    }
    if (!convert_strict(bytes, k->icu, d.text)) {
      // GB2312/GBK declarations are commonly GB18030 in practice (handled by the same ICU
      // converter); Big5 often carries HKSCS characters.
      if (std::string(k->icu) == "Big5" && convert_strict(bytes, "Big5-HKSCS", d.text)) {
        d.encoding = "Big5-HKSCS";
        d.text = strip_bom_utf8(std::move(d.text));
        return d;
      }
      throw ConvertError(path, "encoding",
                         "declares " + std::string(declared) + " but its bytes are not valid " + k->canonical);
    }
    d.encoding = k->canonical;
    d.text = strip_bom_utf8(std::move(d.text));
    return d;
  }
  // 3. Valid UTF-8 (ASCII included) is UTF-8.
  if (text::is_valid_utf8(bytes)) {
    if (has_nul_or_controls(bytes))
      throw ConvertError(path, "encoding", "is binary data, not text (NUL or control bytes)");
    d.text = std::string(bytes);
    d.encoding = "UTF-8";
    return d;
  }
  // 4. Detection, then strict decoding of the candidates in order of confidence.
  UErrorCode st = U_ZERO_ERROR;
  std::unique_ptr<UCharsetDetector, DetectorCloser> det(ucsdet_open(&st));
  if (U_FAILURE(st)) throw EnvironmentError("text_pipeline", "ICU charset detector unavailable");
  ucsdet_setText(det.get(), bytes.data(), static_cast<int32_t>(std::min<std::size_t>(bytes.size(), 1 << 20)), &st);
  int32_t n = 0;
  const UCharsetMatch** matches = ucsdet_detectAll(det.get(), &n, &st);
  std::vector<std::pair<std::string, int>> candidates;
  if (U_SUCCESS(st)) {
    for (int32_t i = 0; i < n; ++i) {
      UErrorCode s2 = U_ZERO_ERROR;
      const char* name = ucsdet_getName(matches[i], &s2);
      int conf = ucsdet_getConfidence(matches[i], &s2);
      if (U_SUCCESS(s2) && name) candidates.emplace_back(name, conf);
    }
  }
  // Chinese archives: try the Chinese legacy sets before single-byte Western ones, which accept
  // any byte sequence and win the detector on mostly-ASCII text with a few Chinese characters.
  auto rank = [](const std::string& name) {
    std::string c = canonical_name(name);
    if (c == "GB18030" || c == "GB2312" || c == "GBK" || c == "Big5" || c == "Big5-HKSCS" ||
        c == "EUC-TW" || c == "UTF-16LE" || c == "UTF-16BE" || c == "ISO-2022-CN" || c == "HZ-GB-2312")
      return 0;
    if (c == "Shift_JIS" || c == "EUC-JP" || c == "EUC-KR") return 1;
    return 2;
  };
  std::stable_sort(candidates.begin(), candidates.end(),
                   [&](const auto& x, const auto& y) { return rank(x.first) < rank(y.first); });
  // Always consider the Chinese sets, even when the detector does not name them.
  for (const char* extra : {"GB18030", "Big5", "Big5-HKSCS"}) {
    bool present = false;
    for (const auto& c : candidates) present = present || canonical_name(c.first) == extra;
    if (!present) candidates.emplace_back(extra, 10);
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [&](const auto& x, const auto& y) { return rank(x.first) < rank(y.first); });
  for (const auto& [name, conf] : candidates) {
    const Known* k = find_known(name);
    const char* icu = k ? k->icu : name.c_str();
    std::string out;
    if (!convert_strict(bytes, icu, out)) {
      if (k && std::string(k->icu) == "Big5" && convert_strict(bytes, "Big5-HKSCS", out)) {
        d.text = strip_bom_utf8(std::move(out));
        d.encoding = "Big5-HKSCS";
        d.confidence = conf;
        return d;
      }
      continue;
    }
    if (has_nul_or_controls(out)) continue;
    d.text = strip_bom_utf8(std::move(out));
    d.encoding = k ? k->canonical : name;
    if (d.encoding == "GB2312" || d.encoding == "GBK") d.encoding = "GB18030";
    d.confidence = conf;
    return d;
  }
  throw ConvertError(path, "encoding", "is neither valid UTF-8 nor text in a known encoding (binary data?)");
}

std::string from_utf8(std::string_view utf8, std::string_view encoding) {
  const Known* k = find_known(encoding);
  std::string icu = k ? k->icu : std::string(encoding);
  std::string out(utf8.size() * 2 + 16, '\0');
  UErrorCode st = U_ZERO_ERROR;
  int32_t n = ucnv_convert(icu.c_str(), "UTF-8", out.data(), static_cast<int32_t>(out.size()), utf8.data(),
                           static_cast<int32_t>(utf8.size()), &st);
  if (U_FAILURE(st)) throw UserError("encoding", "cannot encode text as " + std::string(encoding));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace tongwen::encoding
