#include "tongwen/text.h"

#include <unicode/bytestream.h>
#include <unicode/edits.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "tongwen/errors.h"

namespace tongwen::text {

namespace {

// The Han blocks that have Traditional forms: CJK Unified Ideographs, Extension A, Extension B.
constexpr char32_t kTableLo = 0x3400, kTableHi = 0x9FFF;

[[noreturn]] void stage_failed(const char* stage, UErrorCode st) {
  throw EnvironmentError("text_pipeline", std::string("text pipeline stage '") + stage +
                                              "' could not be created: " + u_errorName(st));
}

}  // namespace

struct Analyzer::Impl {
  const icu::Normalizer2* nfkc_cf = nullptr;
  std::vector<char32_t> to_simple;                       // index cp - kTableLo; 0 = unchanged
  std::unordered_map<char32_t, char32_t> to_simple_ext;  // Extension B and beyond
  std::unordered_set<char32_t> simplified_only;          // targets that are not sources

  Impl() {
    UErrorCode st = U_ZERO_ERROR;
    nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(st);
    if (U_FAILURE(st) || !nfkc_cf) stage_failed("nfkc_casefold", st);

    // ICU's Hant-Hans mappings, one code point to one, generated at build time
    // (core/tools/gen_hant_hans.cpp).
    static constexpr std::pair<char32_t, char32_t> kHantHans[] = {
#include "hant_hans_table.inc"
    };
    to_simple.assign(kTableHi - kTableLo + 1, 0);
    for (auto [c, t] : kHantHans) {
      if (c >= kTableLo && c <= kTableHi)
        to_simple[c - kTableLo] = t;
      else
        to_simple_ext[c] = t;
      simplified_only.insert(t);
    }
    for (char32_t c = kTableLo; c <= kTableHi; ++c)
      if (to_simple[c - kTableLo]) simplified_only.erase(c);
    for (auto& [c, t] : to_simple_ext) simplified_only.erase(c);
    if (to_simple[U'權' - kTableLo] != U'权') stage_failed("hant_to_hans", U_INTERNAL_PROGRAM_ERROR);
  }

  char32_t simple(char32_t c) const noexcept {
    if (c >= kTableLo && c <= kTableHi) {
      char32_t t = to_simple[c - kTableLo];
      return t ? t : c;
    }
    if (c >= 0x20000) {
      auto it = to_simple_ext.find(c);
      if (it != to_simple_ext.end()) return it->second;
    }
    return c;
  }

  // Applies stage 2 in place when any character changes.
  void simplify(std::string& s) const {
    std::size_t i = 0;
    while (i < s.size()) {
      if (static_cast<unsigned char>(s[i]) < 0xE3) {  // below U+3000: nothing to map
        ++i;
        continue;
      }
      std::size_t start = i;
      char32_t c = next_code_point(s, i);
      char32_t t = simple(c);
      if (t == c) continue;
      std::string enc;
      append_utf8(enc, t);
      s.replace(start, i - start, enc);
      i = start + enc.size();
    }
  }
};

const Analyzer& Analyzer::instance() {
  static const Analyzer analyzer;
  return analyzer;
}

Analyzer::Analyzer() : impl_(std::make_unique<Impl>()) {}
Analyzer::~Analyzer() = default;

char32_t Analyzer::to_simplified(char32_t c) const noexcept {
  return impl_->simple(c);
}

std::string Analyzer::normalize(std::string_view utf8) const {
  std::string out;
  out.reserve(utf8.size());
  icu::StringByteSink<std::string> sink(&out);
  UErrorCode st = U_ZERO_ERROR;
  impl_->nfkc_cf->normalizeUTF8(0, icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())), sink,
                                nullptr, st);
  if (U_FAILURE(st))
    throw EnvironmentError("text_pipeline", std::string("normalisation failed: ") + u_errorName(st));
  impl_->simplify(out);
  return out;
}

MappedText Analyzer::normalize_mapped(std::string_view utf8) const {
  MappedText m;
  icu::StringByteSink<std::string> sink(&m.text);
  icu::Edits edits;
  UErrorCode st = U_ZERO_ERROR;
  impl_->nfkc_cf->normalizeUTF8(0, icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())), sink,
                                &edits, st);
  if (U_FAILURE(st))
    throw EnvironmentError("text_pipeline", std::string("normalisation failed: ") + u_errorName(st));

  // Original byte offset -> original code point index.
  std::vector<std::uint32_t> src_cp(utf8.size() + 1, 0);
  {
    std::uint32_t n = 0;
    std::size_t i = 0;
    while (i < utf8.size()) {
      std::size_t start = i;
      next_code_point(utf8, i);
      for (std::size_t k = start; k < i; ++k) src_cp[k] = n;
      ++n;
    }
    src_cp[utf8.size()] = n;
  }
  // Walk the edit spans; inside an unchanged span bytes map one to one, a changed span maps all
  // of its output to all of its input.
  std::vector<std::uint32_t> dest_begin(m.text.size() + 1, 0), dest_end(m.text.size() + 1, 0);
  auto it = edits.getFineIterator();
  while (it.next(st)) {
    auto s0 = static_cast<std::size_t>(it.sourceIndex());
    auto d0 = static_cast<std::size_t>(it.destinationIndex());
    auto olen = static_cast<std::size_t>(it.oldLength());
    auto nlen = static_cast<std::size_t>(it.newLength());
    for (std::size_t k = 0; k < nlen; ++k) {
      if (it.hasChange()) {
        dest_begin[d0 + k] = src_cp[s0];
        dest_end[d0 + k] = src_cp[s0 + olen];
      } else {
        dest_begin[d0 + k] = src_cp[s0 + k];
        dest_end[d0 + k] = src_cp[s0 + k] + 1;
      }
    }
  }
  // Per normalised code point: its byte offset and its original range (taken from its first
  // byte; the end from its last byte).
  std::size_t i = 0;
  while (i < m.text.size()) {
    std::size_t start = i;
    next_code_point(m.text, i);
    m.offset.push_back(static_cast<std::uint32_t>(start));
    m.orig_begin.push_back(dest_begin[start]);
    m.orig_end.push_back(std::max(dest_end[i - 1], dest_begin[start] + 1));
  }
  m.offset.push_back(static_cast<std::uint32_t>(m.text.size()));
  // Stage 2 keeps one code point for one, so the map stays valid; rebuild byte offsets.
  std::string simplified = m.text;
  impl_->simplify(simplified);
  if (simplified != m.text) {
    m.text = std::move(simplified);
    m.offset.clear();
    std::size_t j = 0;
    while (j < m.text.size()) {
      m.offset.push_back(static_cast<std::uint32_t>(j));
      next_code_point(m.text, j);
    }
    m.offset.push_back(static_cast<std::uint32_t>(m.text.size()));
  }
  return m;
}

bool is_cjk(char32_t c) noexcept {
  if (c < 0x2E80) return false;
  return (c >= 0x2E80 && c <= 0x2FDF) ||                 // CJK radicals, Kangxi radicals
         (c >= 0x3005 && c <= 0x3007) ||                 // 々 〆 〇
         (c >= 0x3021 && c <= 0x3029) ||                 // Hangzhou numerals
         (c >= 0x3040 && c <= 0x30FF && c != 0x30FB) ||  // kana (not the middle dot)
         (c >= 0x3100 && c <= 0x312F) ||                 // bopomofo
         (c >= 0x3131 && c <= 0x318F) ||                 // hangul compatibility jamo
         (c >= 0x31A0 && c <= 0x31BF) ||                 // bopomofo extended
         (c >= 0x31F0 && c <= 0x31FF) ||                 // katakana extension
         (c >= 0x3400 && c <= 0x4DBF) ||                 // extension A
         (c >= 0x4E00 && c <= 0x9FFF) ||                 // unified ideographs
         (c >= 0xAC00 && c <= 0xD7AF) ||                 // hangul syllables
         (c >= 0xF900 && c <= 0xFAFF) ||                 // compatibility ideographs
         (c >= 0x20000 && c <= 0x3134F);                 // extensions B-G
}

bool is_word_char(char32_t c) noexcept {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  if (c > 0x10FFFF) return false;
  auto uc = static_cast<UChar32>(c);
  if (u_isUAlphabetic(uc)) return true;
  switch (u_charType(uc)) {
    case U_DECIMAL_DIGIT_NUMBER:
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER:
    case U_NON_SPACING_MARK:
    case U_COMBINING_SPACING_MARK:
      return true;
    default:
      return false;
  }
}

char32_t next_code_point(std::string_view s, std::size_t& i) noexcept {
  UChar32 c;
  int32_t idx = static_cast<int32_t>(i);
  U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), idx, static_cast<int32_t>(s.size()), c);
  i = static_cast<std::size_t>(idx);
  return c < 0 ? char32_t{0x110000} : static_cast<char32_t>(c);
}

std::size_t code_point_count(std::string_view s) noexcept {
  std::size_t n = 0;
  for (char ch : s)
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
  return n;
}

bool is_valid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    if (next_code_point(s, i) > 0x10FFFF) return false;
  }
  return true;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

namespace {
#include "pinyin_table.inc"
}  // namespace

std::string pinyin(std::string_view utf8) {
  std::string out;
  bool after_syllable = false;
  for (std::size_t i = 0; i < utf8.size();) {
    char32_t c = next_code_point(utf8, i);
    const auto* end = std::end(kPinyin);
    const auto* it = std::lower_bound(std::begin(kPinyin), end, c,
                                      [](const auto& row, char32_t x) { return row.first < x; });
    if (it != end && it->first == c) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
      out += kPinyinSyllables[it->second];
      after_syllable = true;
      continue;
    }
    if (after_syllable && c != U' ') out.push_back(' ');
    after_syllable = false;
    append_utf8(out, c);
  }
  return out;
}

std::string detect_language(std::string_view utf8) {
  const auto& a = Analyzer::instance();
  std::size_t han = 0, latin = 0, other = 0, trad = 0, simp = 0;
  std::size_t i = 0;
  while (i < utf8.size()) {
    auto b = static_cast<unsigned char>(utf8[i]);
    if (b < 0x80) {
      ++i;
      if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') ++latin;
      continue;
    }
    char32_t c = next_code_point(utf8, i);
    if (c > 0x10FFFF) continue;
    if (is_cjk(c)) {
      ++han;
      if (a.to_simplified(c) != c)
        ++trad;
      else if (a.is_simplified_only(c))
        ++simp;
    } else if (u_isUAlphabetic(static_cast<UChar32>(c))) {
      if (u_getIntPropertyValue(static_cast<UChar32>(c), UCHAR_SCRIPT) == USCRIPT_LATIN)
        ++latin;
      else
        ++other;
    }
  }
  std::size_t letters = han + latin + other;
  if (letters == 0) return "und";
  if (han * 5 >= letters) return trad > simp ? "zh-Hant" : "zh-Hans";
  if (latin >= other) return "en";
  return "other";
}

bool Analyzer::is_simplified_only(char32_t c) const noexcept {
  return impl_->simplified_only.count(c) != 0;
}

}  // namespace tongwen::text
