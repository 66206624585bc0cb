// The text pipeline: the same analysis for the index and for queries (STYLE practice 4).
//
// Stages, in order, each built once at start-up (construction throws EnvironmentError if one
// cannot be created):
//   1. nfkc_casefold   ICU NFKC_Casefold: compatibility forms, full-width -> half-width Latin and
//                      digits, the ideographic space, case folding.
//   2. hant_to_hans    Traditional -> Simplified Chinese, character by character (a table built
//                      from ICU's Hant-Hans transform; 智慧財產權 -> 智慧财产权).
//   3. segment         Runs of Han/kana/hangul become overlapping character bigrams, one position
//                      per character; the last character of each run (or a lone character) is
//                      emitted as a unigram at its own position. Letters, marks and digits of other
//                      scripts form words. Everything else separates tokens.
//   4. stem            English words are stemmed with Xapian's English stemmer (terms.h); Chinese
//                      never reaches the stemmer.
//
// Why this scheme: any Chinese string of two or more characters that occurs in the normalised
// text is found as a phrase of consecutive bigrams (exact recall and precision, whatever a
// dictionary would segment); a single character is the unigram or any bigram starting with it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tongwen::text {

enum class TokenKind : std::uint8_t {
  Word,       // a run of letters/digits outside CJK scripts, case-folded
  CjkBigram,  // two consecutive CJK characters
  CjkLast,    // the last character of a CJK run, alone
};

struct Token {
  std::string_view term;  // into the normalised text; valid only during the callback
  TokenKind kind;
  std::uint32_t position;    // one per word, one per CJK character, from first_position
  std::uint32_t first_char;  // code point index in the normalised text
  std::uint32_t end_char;    // one past the last code point
};

// Normalised text plus, for every normalised code point, the range of original code points it
// came from, so that highlights found on normalised text land on the original characters.
struct MappedText {
  std::string text;                       // normalised UTF-8
  std::vector<std::uint32_t> offset;      // byte offset in `text` of each code point (+ end sentinel)
  std::vector<std::uint32_t> orig_begin;  // original code point index where each one starts
  std::vector<std::uint32_t> orig_end;    // original code point index one past where it ends
  std::size_t size() const { return orig_begin.size(); }
};

// Maximum length in bytes of a word term; longer words (base64, URLs) are skipped.
inline constexpr std::size_t kMaxWordBytes = 64;

bool is_cjk(char32_t c) noexcept;
bool is_word_char(char32_t c) noexcept;

class Analyzer {
 public:
  // The process-wide analyser, built on first use (thread-safe); throws EnvironmentError naming
  // the stage that could not be created.
  static const Analyzer& instance();

  Analyzer();
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // Stages 1-2.
  std::string normalize(std::string_view utf8) const;
  MappedText normalize_mapped(std::string_view utf8) const;
  // A single code point through stage 2 (returns it unchanged when it has no mapping).
  char32_t to_simplified(char32_t c) const noexcept;

  // Stage 3 over already-normalised text. Visitor: void(const Token&). Returns the position after
  // the last token. Ill-formed UTF-8 acts as a separator.
  template <class Visitor>
  std::uint32_t segment(std::string_view normalized, Visitor&& visit, std::uint32_t first_position = 0) const;

  // True for characters that only Simplified Chinese uses (targets of stage 2 that are not sources).
  bool is_simplified_only(char32_t c) const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Decodes one code point at `i` (advancing it); returns U+FFFF... (> 0x10FFFF) on ill-formed input.
char32_t next_code_point(std::string_view s, std::size_t& i) noexcept;
// Number of code points in valid UTF-8 (ill-formed bytes count one each).
std::size_t code_point_count(std::string_view s) noexcept;
// True when s is well-formed UTF-8 (no surrogates, no overlongs).
bool is_valid_utf8(std::string_view s) noexcept;
// Appends c as UTF-8.
void append_utf8(std::string& out, char32_t c);

// Language of a text from the script of its letters: "zh-Hans", "zh-Hant", "en" (Latin letters),
// "other" (letters of other scripts) or "und" (no letters). Mixed Chinese/English text is Chinese
// when at least a fifth of its letters are Han (a Chinese speech quotes English terms often).
std::string detect_language(std::string_view utf8);

// Toneless lower-case pinyin of the Han characters of a text, one syllable each, separated by
// spaces, other characters kept (刘洋 -> "liu yang", 王建國 -> "wang jian guo"; ICU's Han-Latin
// reading of each character alone, so a polyphone gets its default reading). For finding names by
// their pinyin, never for display. A table generated at build time (core/tools/gen_pinyin.cpp).
std::string pinyin(std::string_view utf8);

// ---------------------------------------------------------------------------------------------

template <class Visitor>
std::uint32_t Analyzer::segment(std::string_view s, Visitor&& visit, std::uint32_t first_position) const {
  std::uint32_t pos = first_position;
  std::uint32_t cp_index = 0;
  std::size_t i = 0;
  // Pending CJK run state: byte start of the previous CJK character.
  bool in_cjk = false;
  std::size_t prev_cjk_start = 0;
  std::uint32_t prev_cjk_index = 0;
  // Pending word state.
  bool in_word = false;
  std::size_t word_start = 0;
  std::uint32_t word_first = 0;

  auto end_word = [&](std::size_t end_byte, std::uint32_t end_index) {
    if (!in_word) return;
    in_word = false;
    std::size_t len = end_byte - word_start;
    if (len <= kMaxWordBytes)
      visit(Token{s.substr(word_start, len), TokenKind::Word, pos, word_first, end_index});
    ++pos;
  };
  auto end_cjk = [&](std::size_t end_byte) {
    if (!in_cjk) return;
    in_cjk = false;
    visit(Token{s.substr(prev_cjk_start, end_byte - prev_cjk_start), TokenKind::CjkLast, pos, prev_cjk_index,
                prev_cjk_index + 1});
    ++pos;
  };

  while (i < s.size()) {
    std::size_t start = i;
    char32_t c;
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      c = b;
      ++i;
    } else {
      c = next_code_point(s, i);
    }
    if (b < 0x80 ? ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))
                 : (!is_cjk(c) && is_word_char(c))) {
      if (in_cjk) end_cjk(start);
      if (!in_word) {
        in_word = true;
        word_start = start;
        word_first = cp_index;
      }
    } else if (b >= 0x80 && is_cjk(c)) {
      end_word(start, cp_index);
      if (in_cjk) {
        visit(Token{s.substr(prev_cjk_start, i - prev_cjk_start), TokenKind::CjkBigram, pos, prev_cjk_index,
                    cp_index + 1});
        ++pos;
      }
      in_cjk = true;
      prev_cjk_start = start;
      prev_cjk_index = cp_index;
    } else {
      end_word(start, cp_index);
      end_cjk(start);
    }
    ++cp_index;
  }
  end_word(s.size(), cp_index);
  end_cjk(s.size());
  return pos;
}

}  // namespace tongwen::text
