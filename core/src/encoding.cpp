// Bytes -> UTF-8. ICU does the decoding; this file decides which encoding to use and repairs the
// places where ICU's tables differ from the reference codecs that archives were written with.
//
// Decisions, in order: a byte order mark; the encoding the file declares (it must fit the bytes);
// valid UTF-8 (with HZ-GB-2312, a 7-bit encoding that is also valid ASCII, recognised by its
// escapes); UTF-8 with a few invalid sequences is an error naming the first (not another
// encoding); ICU's detector with the Chinese sets ranked first and EUC-TW added (ICU decodes
// EUC-TW but does not detect it); strict decoding of each candidate until one fits and reads as
// text of its script (UTF-16 without a BOM needs its NUL bytes, a Chinese set mostly common
// characters, a Western set accented letters inside words).
//
// Names recorded (Decoded::encoding): a GB2312 or GBK declaration whose bytes use characters
// beyond that set is recorded as "GB18030" (ICU's GB18030 converter decodes all three); detected
// GB-family text is recorded as "GB18030", the superset that chardet and browsers report.
#include "tongwen/encoding.h"

#include <unicode/uchar.h>
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
bool convert_strict_icu(std::string_view bytes, const char* icu_name, std::string& out) {
  UErrorCode st = U_ZERO_ERROR;
  ConverterPtr from(ucnv_open(icu_name, &st));
  if (U_FAILURE(st)) return false;
  ucnv_setToUCallBack(from.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &st);
  if (U_FAILURE(st)) return false;
  std::vector<UChar> buf(bytes.size() + 16);  // never more UTF-16 units than input bytes
  const char* src = bytes.data();
  UChar* target = buf.data();
  ucnv_toUnicode(from.get(), &target, buf.data() + buf.size(), &src, bytes.data() + bytes.size(), nullptr,
                 true, &st);
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

// HKSCS-2008 defines four code points that map to a base letter plus a combining mark. ICU's
// Big5-HKSCS table (ibm-5471) maps them to private-use characters instead (0x8862 -> U+F325), so
// text decoded by ICU differs from every other HKSCS decoder. They are decoded here, and the
// bytes between them by ICU. Big5 is a lead/trail structure: a byte >= 0x81 starts a pair.
struct HkscsPair {
  unsigned char lead, trail;
  const char* utf8;
};
constexpr HkscsPair HKSCS_COMPOSED[] = {
    {0x88, 0x62, "\xC3\x8A\xCC\x84"},  // U+00CA U+0304
    {0x88, 0x64, "\xC3\x8A\xCC\x8C"},  // U+00CA U+030C
    {0x88, 0xA3, "\xC3\xAA\xCC\x84"},  // U+00EA U+0304
    {0x88, 0xA5, "\xC3\xAA\xCC\x8C"},  // U+00EA U+030C
};

bool decode_big5_hkscs(std::string_view bytes, std::string& out) {
  out.clear();
  std::size_t chunk = 0, i = 0;
  while (i < bytes.size()) {
    auto c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x81 || i + 1 >= bytes.size()) {
      ++i;
      continue;
    }
    auto t = static_cast<unsigned char>(bytes[i + 1]);
    const char* composed = nullptr;
    for (const auto& p : HKSCS_COMPOSED)
      if (p.lead == c && p.trail == t) composed = p.utf8;
    if (composed) {
      std::string part;
      if (!convert_strict_icu(bytes.substr(chunk, i - chunk), "Big5-HKSCS", part)) return false;
      out += part;
      out += composed;
      chunk = i + 2;
    }
    i += 2;
  }
  std::string part;
  if (!convert_strict_icu(bytes.substr(chunk), "Big5-HKSCS", part)) return false;
  out += part;
  return true;
}

bool convert_strict(std::string_view bytes, const char* icu_name, std::string& out) {
  if (std::string_view(icu_name) == "Big5-HKSCS") return decode_big5_hkscs(bytes, out);
  return convert_strict_icu(bytes, icu_name, out);
}

// Counts code points in the Private Use Area (U+E000-U+F8FF) of UTF-8 text.
std::size_t private_use_count(std::string_view utf8) {
  std::size_t n = 0;
  for (std::size_t i = 0; i + 2 < utf8.size(); ++i) {
    auto a = static_cast<unsigned char>(utf8[i]), b = static_cast<unsigned char>(utf8[i + 1]);
    if (a == 0xEE || (a == 0xEF && b < 0xA4)) ++n;  // E000-EFFF, F000-F8FF
  }
  return n;
}

// Big5 as ICU decodes it (windows-950) maps the user-defined rows (leads 81-A0, C6A1-C8FE,
// FA-FE) to private-use characters; Hong Kong text puts HKSCS characters there. Decodes Big5 and
// returns the name used: "Big5", or "Big5-HKSCS" when HKSCS reads the bytes with fewer
// private-use characters (or Big5 cannot read them at all); "" when neither can.
std::string decode_big5_family(std::string_view bytes, std::string& out) {
  bool big5 = convert_strict_icu(bytes, "Big5", out);
  std::size_t pua = big5 ? private_use_count(out) : 0;
  if (big5 && pua == 0) return "Big5";
  std::string hk;
  if (decode_big5_hkscs(bytes, hk) && (!big5 || private_use_count(hk) < pua)) {
    out = std::move(hk);
    return "Big5-HKSCS";
  }
  return big5 ? "Big5" : "";
}

// Removes every U+FEFF at the start of decoded text: a file saved twice by BOM-writing tools
// carries two byte order marks (EF BB BF EF BB BF, FE FF FE FF), and only the first is consumed
// as the mark; the others would start the text with U+FEFF.
std::string strip_bom_utf8(std::string s) {
  std::size_t n = 0;
  while (s.compare(n, 3, "\xEF\xBB\xBF") == 0) n += 3;
  s.erase(0, n);
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

// The narrowest of GB2312 < GBK < GB18030 that holds every character of GB-family bytes (which
// have already decoded as GB18030). GB2312 (EUC-CN) pairs are A1-F7 x A1-FE; GBK pairs are
// 81-FE x 40-FE without 7F; GB18030 adds four-byte sequences (second byte 30-39).
std::string gb_family(std::string_view bytes) {
  bool beyond_gb2312 = false;
  for (std::size_t i = 0; i < bytes.size();) {
    auto c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (i + 1 >= bytes.size()) return "GB18030";
    auto t = static_cast<unsigned char>(bytes[i + 1]);
    if (t >= 0x30 && t <= 0x39) return "GB18030";
    if (!(c >= 0xA1 && c <= 0xF7 && t >= 0xA1)) beyond_gb2312 = true;
    i += 2;
  }
  return beyond_gb2312 ? "GBK" : "GB2312";
}

// Ill-formed UTF-8, counted: how many well-formed multi-byte characters and how many ill-formed
// sequences, and where the first ill-formed one starts.
struct Utf8Census {
  std::size_t multibyte = 0, invalid = 0, first_invalid = std::string_view::npos;
};

Utf8Census utf8_census(std::string_view b) {
  Utf8Census c;
  for (std::size_t i = 0; i < b.size();) {
    std::size_t at = i;
    char32_t cp = text::next_code_point(b, i);
    if (cp > 0x10FFFF) {
      if (c.invalid++ == 0) c.first_invalid = at;
    } else if (cp >= 0x80) {
      ++c.multibyte;
    }
  }
  return c;
}

// "line 3, byte 17" (both from 1, the byte within its line).
std::string position_of(std::string_view b, std::size_t at) {
  std::size_t line = 1, line_start = 0;
  for (std::size_t i = 0; i < at && i < b.size(); ++i)
    if (b[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  return "line " + std::to_string(line) + ", byte " + std::to_string(at - line_start + 1);
}

// UTF-16 without a byte order mark: any even number of bytes decodes, so it is considered only
// when NUL bytes sit where UTF-16 puts them (the high bytes of ASCII characters: odd offsets in
// little-endian, even offsets in big-endian), as every text with spaces, digits or line ends has.
bool utf16_evidence(std::string_view b, bool little_endian) {
  if (b.size() % 2) return false;
  std::size_t nul_here = 0, nul_there = 0;
  for (std::size_t i = 0; i < b.size(); ++i)
    if (b[i] == '\0') ++(((i % 2 == 1) == little_endian) ? nul_here : nul_there);
  return nul_here > 0 && nul_there == 0;
}

// UTF-16 without a BOM whose bytes are also valid UTF-8 (ASCII or Latin text: every other byte
// is NUL) would be refused as binary: it is UTF-16 when the evidence is clear, that is NULs only
// at the high-byte offsets of one byte order, on at least a quarter of its code units, and the
// decoded text has no NUL or control character. "" otherwise.
const char* clear_utf16(std::string_view b) {
  for (bool little : {true, false}) {
    if (!utf16_evidence(b, little)) continue;
    std::size_t nul = 0;
    for (std::size_t i = little ? 1 : 0; i < b.size(); i += 2) nul += b[i] == '\0';
    if (nul * 4 >= b.size() / 2) return little ? "UTF-16LE" : "UTF-16BE";
  }
  return "";
}

// Legacy Chinese text is mostly made of its set's common characters (GB2312 level 1, Big5's
// frequent characters); misread bytes land anywhere in the set's much larger code space: the share
// of Han characters (of the first 2,000) that are common must be at least half.
bool plausible_chinese(std::string_view utf8, bool traditional) {
  UErrorCode st = U_ZERO_ERROR;
  ConverterPtr to(ucnv_open(traditional ? "Big5" : "GB2312", &st));
  if (U_FAILURE(st)) return true;
  std::size_t han = 0, common = 0;
  for (std::size_t i = 0; i < utf8.size() && han < 2000;) {
    std::size_t at = i;
    char32_t cp = text::next_code_point(utf8, i);
    if (!text::is_cjk(cp) || cp < 0x3400) continue;
    ++han;
    UErrorCode e = U_ZERO_ERROR;
    UChar units[2];
    int32_t n = 0;
    u_strFromUTF8(units, 2, &n, utf8.data() + at, static_cast<int32_t>(i - at), &e);
    char out[8];
    int32_t len = ucnv_fromUChars(to.get(), out, sizeof out, units, n, &e);
    if (U_FAILURE(e) || len != 2) continue;
    unsigned lead = static_cast<unsigned char>(out[0]), code = lead << 8 | static_cast<unsigned char>(out[1]);
    common += traditional ? (code >= 0xA440 && code <= 0xC67E) : (lead >= 0xB0 && lead <= 0xD7);
  }
  return han == 0 || common * 2 >= han;
}

// Western single-byte sets read any bytes, so a few stray bytes of broken UTF-8 always "decode".
// Genuine Western text puts its accented letters inside words (café, Straße) or uses them as
// one-letter words (à, é), and its other high characters are punctuation (’ “ ” – — … « » °).
// A word made only of accented letters or symbols (ÿþ, åˆ) is a misreading.
bool plausible_western(std::string_view utf8) {
  static const std::u32string punctuation = U"’‘“”„–—…«»°©®™€£§·×¢¥¡¿\u00A0";
  static const std::u32string one_letter_words = U"àáâãäåèéêëìíîïòóôõöùúûüçñÀÁÂÄÈÉÊÒÓÔÖÙÚÛÜÇÑ";
  std::size_t i = 0;
  while (i < utf8.size()) {
    while (i < utf8.size() && std::isspace(static_cast<unsigned char>(utf8[i]))) ++i;
    std::u32string high;
    bool ascii_letter = false;
    std::size_t letters = 0;
    while (i < utf8.size() && !std::isspace(static_cast<unsigned char>(utf8[i]))) {
      char32_t cp = text::next_code_point(utf8, i);
      if (cp < 0x80) {
        ascii_letter = ascii_letter || std::isalpha(static_cast<int>(cp));
        letters += std::isalpha(static_cast<int>(cp)) ? 1 : 0;
        continue;
      }
      if (u_isalpha(static_cast<UChar32>(cp))) {
        ++letters;
        high.push_back(cp);
      } else if (punctuation.find(cp) == std::u32string::npos) {
        return false;
      }
    }
    if (!high.empty() && !ascii_letter &&
        !(letters == 1 && one_letter_words.find(high[0]) != std::u32string::npos))
      return false;
  }
  return true;
}

// HZ-GB-2312 is 7-bit: GB2312 text between "~{" and "~}" escapes. Plain ASCII that merely
// contains "~{" is not HZ: the escaped runs must decode to Chinese.
bool looks_like_hz(std::string_view bytes) {
  auto open = bytes.find("~{");
  if (open == std::string_view::npos || bytes.find("~}", open) == std::string_view::npos) return false;
  for (char ch : bytes)
    if (static_cast<unsigned char>(ch) >= 0x80) return false;
  return true;
}

struct Candidate {
  std::string name;  // ICU or canonical name
  int confidence;
};

int rank(const std::string& name) {
  // Chinese archives: the Chinese legacy sets come before single-byte Western ones, which accept
  // any byte sequence and win the detector on mostly-ASCII text with a few Chinese characters.
  std::string c = canonical_name(name);
  if (c == "GB18030" || c == "GB2312" || c == "GBK" || c == "Big5" || c == "Big5-HKSCS" || c == "EUC-TW" ||
      c == "UTF-16LE" || c == "UTF-16BE" || c == "ISO-2022-CN" || c == "HZ-GB-2312")
    return 0;
  if (c == "Shift_JIS" || c == "EUC-JP" || c == "EUC-KR") return 1;
  return 2;
}

constexpr std::size_t kDetectSample = 16 * 1024;
constexpr int kForced = -1;  // confidence of a candidate the detector did not propose

std::vector<Candidate> detector_candidates(std::string_view bytes) {
  std::vector<Candidate> out;
  UErrorCode st = U_ZERO_ERROR;
  std::unique_ptr<UCharsetDetector, DetectorCloser> det(ucsdet_open(&st));
  if (U_FAILURE(st)) throw EnvironmentError("text_pipeline", "ICU charset detector unavailable");
  // Markup (HTML, XML feeds) is ASCII and dilutes the statistics: let ICU skip tags.
  ucsdet_enableInputFilter(det.get(), true);
  // A sample is enough to rank the candidates (strict decoding then checks every byte), and the
  // detector's cost grows with its input (its single-byte recognisers run n-gram statistics for a
  // dozen languages). The sample starts at the first non-ASCII byte, so that a page whose first
  // kilobytes are scripts and styles is still judged by its text.
  std::size_t first_high = 0;
  while (first_high < bytes.size() && static_cast<unsigned char>(bytes[first_high]) < 0x80) ++first_high;
  std::size_t start = first_high == bytes.size() ? 0 : first_high - std::min<std::size_t>(first_high, 256);
  std::string_view sample = bytes.substr(start, kDetectSample);
  ucsdet_setText(det.get(), sample.data(), static_cast<int32_t>(sample.size()), &st);
  int32_t n = 0;
  const UCharsetMatch** matches = ucsdet_detectAll(det.get(), &n, &st);
  if (U_FAILURE(st)) return out;
  for (int32_t i = 0; i < n; ++i) {
    UErrorCode s2 = U_ZERO_ERROR;
    const char* name = ucsdet_getName(matches[i], &s2);
    int conf = ucsdet_getConfidence(matches[i], &s2);
    if (U_SUCCESS(s2) && name) out.push_back({name, conf});
  }
  return out;
}

// ICU's detector knows Big5 but not EUC-TW, which encodes the same characters (CNS 11643) in
// byte ranges that GB2312 also uses, so EUC-TW text is detected as GB18030. When the bytes are
// valid EUC-TW, re-encode the decoded text as Big5 and let the detector judge that: genuine
// EUC-TW becomes plausible Big5; GB text misread as EUC-TW does not.
int euc_tw_confidence(std::string_view bytes) {
  std::string utf8;
  if (!convert_strict_icu(bytes, "EUC-TW", utf8)) return -1;
  if (utf8.size() > kDetectSample) {  // cut at a character boundary
    std::size_t cut = kDetectSample;
    while (cut > 0 && (static_cast<unsigned char>(utf8[cut]) & 0xC0) == 0x80) --cut;
    utf8.resize(cut);
  }
  std::string big5;
  try {
    big5 = from_utf8(utf8, "Big5");
  } catch (const Error&) {
    return 5;  // characters outside Big5 (CNS planes 3+): no second opinion, a last resort
  }
  for (const auto& c : detector_candidates(big5))
    if (canonical_name(c.name) == "Big5") return c.confidence;
  return 0;
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
    d.text = strip_bom_utf8(std::string(bytes.substr(3)));
    d.encoding = "UTF-8";
    d.had_bom = true;
    return d;
  }
  if (bytes.size() >= 2 && ((b(0) == 0xFF && b(1) == 0xFE) || (b(0) == 0xFE && b(1) == 0xFF))) {
    const char* name = b(0) == 0xFF ? "UTF-16LE" : "UTF-16BE";
    if (!convert_strict(bytes.substr(2), name, d.text))
      throw ConvertError(path, "encoding",
                         std::string("has a ") + name + " byte order mark but is not valid " + name);
    d.text = strip_bom_utf8(std::move(d.text));
    d.encoding = name;
    d.had_bom = true;
    return d;
  }
  // 2. A declared encoding must fit.
  if (!declared.empty()) {
    const Known* k = find_known(declared);
    if (!k)
      throw ConvertError(path, "encoding", "declares an unknown encoding \"" + std::string(declared) + "\"");
    std::string name = k->canonical;
    if (name == "UTF-16") name = "UTF-16LE";
    if (name == "UTF-8" || name == "US-ASCII") {
      if (!text::is_valid_utf8(bytes))
        throw ConvertError(
            path, "encoding",
            "declares " + std::string(declared) + " but is not valid UTF-8 (wrong declared encoding?)");
      d.text = std::string(bytes);
      d.encoding = "UTF-8";
      return d;
    }
    if (std::string_view(k->icu) == "Big5") {
      // Big5 files often carry HKSCS characters.
      d.encoding = decode_big5_family(bytes, d.text);
      if (d.encoding.empty())
        throw ConvertError(
            path, "encoding",
            "declares " + std::string(declared) +
                " but its bytes are neither valid Big5 nor Big5-HKSCS (wrong declared encoding?)");
      d.text = strip_bom_utf8(std::move(d.text));
      return d;
    }
    if (!convert_strict(bytes, k->icu, d.text)) {
      throw ConvertError(path, "encoding",
                         "declares " + std::string(declared) + " but its bytes are not valid " +
                             k->canonical + " (wrong declared encoding?)");
    }
    d.encoding = k->canonical;
    // GB2312 and GBK declarations are decoded as GB18030 (a superset), which is what such files
    // usually are in practice; say so when the bytes go beyond the declared set.
    if (name == "GB2312" || name == "GBK") {
      std::string family = gb_family(bytes);
      if (family == "GB18030" || (name == "GB2312" && family == "GBK")) d.encoding = "GB18030";
    }
    d.text = strip_bom_utf8(std::move(d.text));
    return d;
  }
  // 3. HZ (7-bit, so also valid ASCII), then valid UTF-8 (ASCII included) is UTF-8.
  if (looks_like_hz(bytes) && convert_strict(bytes, "HZ", d.text) && d.text != bytes) {
    d.encoding = "HZ-GB-2312";
    return d;
  }
  if (text::is_valid_utf8(bytes)) {
    if (has_nul_or_controls(bytes)) {
      if (const char* u16 = clear_utf16(bytes);
          *u16 && convert_strict(bytes, u16, d.text) && !has_nul_or_controls(d.text)) {
        d.encoding = u16;
        return d;
      }
      throw ConvertError(path, "encoding", "is binary data, not text (NUL or control bytes)");
    }
    d.text = std::string(bytes);
    d.encoding = "UTF-8";
    return d;
  }
  // 4. Text that is UTF-8 but for a few ill-formed sequences is broken UTF-8, not another
  // encoding: decoding it as one would index mojibake.
  Utf8Census census = utf8_census(bytes);
  if (census.multibyte >= 1 && census.multibyte >= 4 * census.invalid)
    throw ConvertError(path, "encoding",
                       "is not valid UTF-8: " + std::to_string(census.invalid) + " invalid byte sequence" +
                           (census.invalid == 1 ? "" : "s") + ", the first at " +
                           position_of(bytes, census.first_invalid) + " (the rest is UTF-8)");
  // 5. Detection, then strict decoding of the candidates in order: Chinese sets first, then by
  // the detector's confidence.
  std::vector<Candidate> candidates;
  bool western = false;
  for (auto& c : detector_candidates(bytes)) {
    std::string canon = canonical_name(c.name);
    if (canon == "UTF-16LE" || canon == "UTF-16BE") {
      if (!utf16_evidence(bytes, canon == "UTF-16LE")) continue;
    } else if (rank(c.name) == 2) {
      western = true;  // the detector found Western single-byte text plausible
    }
    candidates.push_back(std::move(c));
  }
  // Always consider the Chinese sets, even when the detector does not name them (short texts).
  // A Chinese reading must look like Chinese (plausible_chinese), a Western one like Western text
  // (plausible_western).
  for (const char* extra : {"GB18030", "Big5", "Big5-HKSCS"}) {
    bool present = false;
    for (const auto& c : candidates) present = present || canonical_name(c.name) == extra;
    if (!present) candidates.push_back({extra, kForced});
  }
  if (int conf = euc_tw_confidence(bytes); conf >= 0) candidates.push_back({"EUC-TW", conf});
  // Western legacy text, the last resort, only when the detector proposed a Western set
  // (ISO-8859-1 reads any bytes; binary data is still refused by the control-character check).
  if (western)
    for (const char* w : {"windows-1252", "ISO-8859-1"}) candidates.push_back({w, 1});
  std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& x, const Candidate& y) {
    int rx = rank(x.name), ry = rank(y.name);
    return rx != ry ? rx < ry : x.confidence > y.confidence;
  });
  for (const auto& [name, conf] : candidates) {
    const Known* k = find_known(name);
    const char* icu = k ? k->icu : name.c_str();
    std::string out, used = k ? k->canonical : name;
    if (used == "Big5") {
      used = decode_big5_family(bytes, out);
      if (used.empty()) continue;
    } else if (!convert_strict(bytes, icu, out)) {
      continue;
    }
    if (has_nul_or_controls(out)) continue;
    bool gb = used == "GB18030" || used == "GB2312" || used == "GBK";
    bool big5 = used == "Big5" || used == "Big5-HKSCS" || used == "EUC-TW";
    if ((gb || big5) && !plausible_chinese(out, big5)) continue;
    if (rank(used) == 2 && !plausible_western(out)) continue;
    if (rank(used) == 1 && conf < 30) continue;  // Japanese and Korean sets: only when the detector is sure
    if (used == "GB2312" || used == "GBK") used = "GB18030";
    d.text = strip_bom_utf8(std::move(out));
    d.encoding = used;
    d.confidence = conf == kForced ? 10 : conf;
    return d;
  }
  // Chinese UTF-16 without a BOM and without ASCII has no NUL to go by: when no other reading fits,
  // it is UTF-16 if at least 90% of its (8 or more) characters are unified Han ideographs or CJK
  // or full-width punctuation, which misread bytes hardly ever are.
  for (const char* u16 : {"UTF-16LE", "UTF-16BE"}) {
    std::string out;
    if (bytes.size() % 2 || !convert_strict(bytes, u16, out) || has_nul_or_controls(out)) continue;
    std::size_t chars = 0, han = 0;
    for (std::size_t i = 0; i < out.size();) {
      char32_t cp = text::next_code_point(out, i);
      ++chars;
      han +=
          (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFFEF);
    }
    if (chars < 8 || han * 10 < chars * 9) continue;
    d.text = std::move(out);
    d.encoding = u16;
    return d;
  }
  // A few bad bytes in text, not binary data: say where the first is.
  if (census.invalid > 0 && (census.invalid <= 3 || census.invalid * 20 < bytes.size()) &&
      !has_nul_or_controls(bytes))
    throw ConvertError(
        path, "encoding",
        "is not valid UTF-8 (first invalid byte at " + position_of(bytes, census.first_invalid) +
            ") and no Chinese legacy encoding fits; declare the encoding if it is another one");
  throw ConvertError(path, "encoding", "is neither valid UTF-8 nor text in a known encoding (binary data?)");
}

std::string from_utf8(std::string_view utf8, std::string_view encoding) {
  const Known* k = find_known(encoding);
  std::string icu = k ? k->icu : std::string(encoding);
  auto fail = [&] { return UserError("encoding", "cannot encode text as " + std::string(encoding)); };
  UErrorCode st = U_ZERO_ERROR;
  std::vector<UChar> units(utf8.size() + 1);
  int32_t n = 0;
  u_strFromUTF8(units.data(), static_cast<int32_t>(units.size()), &n, utf8.data(),
                static_cast<int32_t>(utf8.size()), &st);
  if (U_FAILURE(st)) throw fail();
  ConverterPtr to(ucnv_open(icu.c_str(), &st));
  if (U_FAILURE(st)) throw fail();
  // Unmappable characters are an error, not a silent substitution.
  ucnv_setFromUCallBack(to.get(), UCNV_FROM_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &st);
  std::string out(
      static_cast<std::size_t>(UCNV_GET_MAX_BYTES_FOR_STRING(n, ucnv_getMaxCharSize(to.get()))) + 16, '\0');
  int32_t len = ucnv_fromUChars(to.get(), out.data(), static_cast<int32_t>(out.size()), units.data(), n, &st);
  if (U_FAILURE(st)) throw fail();
  out.resize(static_cast<std::size_t>(len));
  return out;
}

}  // namespace tongwen::encoding
