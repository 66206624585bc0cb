#include "tongwen/sentences.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include "tongwen/errors.h"
#include "tongwen/text.h"

namespace tongwen::text {

namespace {

// ICU locale id for a BCP 47 tag. Only the language and script matter for sentence breaking.
std::string icu_locale(std::string_view lang) {
  if (lang.empty() || lang == "und" || lang == "other") return "root";
  std::string id(lang);
  std::replace(id.begin(), id.end(), '-', '_');
  return id;
}

icu::BreakIterator& iterator_for(const std::string& locale) {
  // BreakIterator instances are not thread-safe; creating one costs tens of microseconds, so
  // each thread keeps one per locale.
  thread_local std::map<std::string, std::unique_ptr<icu::BreakIterator>> cache;
  auto& slot = cache[locale];
  if (!slot) {
    UErrorCode st = U_ZERO_ERROR;
    slot.reset(icu::BreakIterator::createSentenceInstance(icu::Locale::createFromName(locale.c_str()), st));
    if (U_FAILURE(st) || !slot)
      throw EnvironmentError("text_pipeline", std::string("ICU sentence break iterator for locale ") +
                                                  locale + " could not be created: " + u_errorName(st));
  }
  return *slot;
}

bool is_space(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || u_isUWhiteSpace(c);
}

// Chinese and full-width punctuation (。，、；：？！「」『』《》【】（）), not the curly quotes that
// English uses as well.
bool is_cjk_punct(char32_t c) {
  return (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF01 && c <= 0xFF65);
}

bool is_opening(char32_t c) {
  if (c < 0x80) return c == '(' || c == '[' || c == '{';
  auto t = u_charType(static_cast<UChar32>(c));
  return t == U_START_PUNCTUATION || t == U_INITIAL_PUNCTUATION;
}

bool is_closing_or_quote(char32_t c) {
  if (c == '"' || c == '\'' || c == ')' || c == ']') return true;
  if (c < 0x80) return false;
  auto t = u_charType(static_cast<UChar32>(c));
  return t == U_END_PUNCTUATION || t == U_FINAL_PUNCTUATION;
}

bool is_upper_latin(char32_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7);
}
bool is_lower_latin(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 0xDF && c <= 0xFF && c != 0xF7);
}

char32_t ascii_lower(char32_t c) {
  return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

// Abbreviations after which a full stop does not end a sentence before a capitalised word.
bool is_title_abbreviation(const std::u32string& w) {
  static const char* const kTitles[] = {"mr",  "mrs",  "ms",  "dr",  "prof", "st",  "mt", "rev",
                                        "gen", "sen",  "rep", "gov", "capt", "col", "lt", "sgt",
                                        "hon", "pres", "vs",  "cf",  "jr",   "sr"};
  for (const char* t : kTitles) {
    std::size_t n = std::char_traits<char>::length(t);
    if (w.size() != n) continue;
    bool same = true;
    for (std::size_t i = 0; i < n && same; ++i) same = ascii_lower(w[i]) == static_cast<char32_t>(t[i]);
    if (same) return true;
  }
  return false;
}

// "No. 5", "Fig. 3", "p. 12": abbreviations that precede a number.
bool is_number_abbreviation(const std::u32string& w) {
  static const char* const kWords[] = {"no", "nos", "fig", "figs", "vol", "vols",
                                       "p",  "pp",  "art", "sec",  "ch"};
  for (const char* t : kWords) {
    std::size_t n = std::char_traits<char>::length(t);
    if (w.size() != n) continue;
    bool same = true;
    for (std::size_t i = 0; i < n && same; ++i) same = ascii_lower(w[i]) == static_cast<char32_t>(t[i]);
    if (same) return true;
  }
  return false;
}

class Splitter {
 public:
  Splitter(std::string_view utf8, std::string_view lang) : lang_(lang) {
    for (std::size_t i = 0; i < utf8.size();) {
      char32_t c = next_code_point(utf8, i);
      cps_.push_back(c > 0x10FFFF ? 0xFFFD : c);
    }
  }

  std::vector<SentenceSpan> run(bool clauses) {
    std::vector<SentenceSpan> out;
    if (cps_.empty()) return out;
    std::vector<std::uint32_t> bounds = icu_bounds();
    fix_opening(bounds);
    merge_continuations(bounds);
    BreakKind kind = BreakKind::Start;
    for (std::size_t s = 0; s + 1 < bounds.size(); ++s) {
      std::uint32_t b = bounds[s], e = bounds[s + 1];
      std::size_t before = out.size();
      if (clauses)
        split_clauses(b, e, kind, out);
      else
        push(b, e, kind, out);
      if (out.size() > before) kind = BreakKind::Sentence;
    }
    return out;
  }

 private:
  // Sentence boundaries from ICU, as code point offsets, starting with 0 and ending with size().
  std::vector<std::uint32_t> icu_bounds() {
    icu::UnicodeString u;
    std::vector<std::uint32_t> cp_at;  // UTF-16 index -> code point index
    cp_at.reserve(cps_.size() + 1);
    for (std::uint32_t k = 0; k < cps_.size(); ++k) {
      cp_at.push_back(k);
      if (cps_[k] > 0xFFFF) cp_at.push_back(k);
      u.append(static_cast<UChar32>(cps_[k]));
    }
    cp_at.push_back(static_cast<std::uint32_t>(cps_.size()));
    icu::BreakIterator& bi = iterator_for(icu_locale(lang_));
    bi.setText(u);
    std::vector<std::uint32_t> bounds{0};
    for (int32_t p = bi.next(); p != icu::BreakIterator::DONE; p = bi.next()) {
      std::uint32_t cp = cp_at[static_cast<std::size_t>(p)];
      if (cp > bounds.back()) bounds.push_back(cp);
    }
    if (bounds.back() != cps_.size()) bounds.push_back(static_cast<std::uint32_t>(cps_.size()));
    bi.setText(icu::UnicodeString());  // drop the reference to `u`
    return bounds;
  }

  // An opening quote or bracket left at the end of a sentence belongs to the next one.
  void fix_opening(std::vector<std::uint32_t>& bounds) {
    for (std::size_t k = 1; k + 1 < bounds.size(); ++k) {
      std::uint32_t b = bounds[k];
      while (b > bounds[k - 1] + 1 && is_space(cps_[b - 1])) --b;
      std::uint32_t moved = b;
      while (moved > bounds[k - 1] + 1 && is_opening(cps_[moved - 1]) && cps_[moved - 1] >= 0x80) --moved;
      if (moved != b) bounds[k] = moved;
    }
  }

  // Last whitespace-delimited word before position `end` (trailing quotes skipped), without its
  // final full stop; empty when that word does not end with a full stop.
  std::u32string word_before(std::uint32_t begin, std::uint32_t end) const {
    std::uint32_t e = end;
    while (e > begin && is_space(cps_[e - 1])) --e;
    while (e > begin && is_closing_or_quote(cps_[e - 1])) --e;
    if (e == begin || cps_[e - 1] != '.') return {};
    std::uint32_t s = e - 1;
    while (s > begin && !is_space(cps_[s - 1]) && !is_opening(cps_[s - 1]) && cps_[s - 1] != '"') --s;
    return std::u32string(cps_.begin() + s, cps_.begin() + (e - 1));
  }

  // First letter or digit at or after `b` (skipping spaces and quotes), or 0.
  char32_t first_after(std::uint32_t b, std::uint32_t e) const {
    while (b < e && (is_space(cps_[b]) || is_opening(cps_[b]) || cps_[b] == '"' || cps_[b] == '\'')) ++b;
    return b < e ? cps_[b] : 0;
  }

  // True when the first word at or after `b` is a single capital letter with a full stop.
  bool next_is_initial(std::uint32_t b, std::uint32_t e) const {
    while (b < e && is_space(cps_[b])) ++b;
    return b + 1 < e && is_upper_latin(cps_[b]) && cps_[b + 1] == '.';
  }

  // True when the word before the initial that ends at `b` is capitalised (J. K. Rowling, George W.
  // Bush), unlike "brand X. Now".
  bool after_name(std::uint32_t begin, std::uint32_t b) const {
    std::uint32_t e = b;
    while (e > begin && is_space(cps_[e - 1])) --e;
    if (e < begin + 2) return false;
    e -= 2;  // the initial and its full stop
    while (e > begin && is_space(cps_[e - 1])) --e;
    std::uint32_t s = e;
    while (s > begin && !is_space(cps_[s - 1])) --s;
    return s < e && is_upper_latin(cps_[s]);
  }

  // Last non-space character before `e`, skipping closing quotes.
  char32_t last_before(std::uint32_t b, std::uint32_t e) const {
    while (e > b && (is_space(cps_[e - 1]) || is_closing_or_quote(cps_[e - 1]))) --e;
    return e > b ? cps_[e - 1] : 0;
  }

  void merge_continuations(std::vector<std::uint32_t>& bounds) {
    std::vector<std::uint32_t> out{bounds[0]};
    for (std::size_t k = 1; k + 1 < bounds.size(); ++k) {
      std::uint32_t prev = out.back(), b = bounds[k], next_end = bounds[k + 1];
      char32_t next = first_after(b, next_end);
      bool merge = false;
      std::u32string w = word_before(prev, b);
      bool next_upper = is_upper_latin(next);
      bool next_digit = next >= '0' && next <= '9';
      if (!w.empty()) {
        bool dotted = w.size() >= 3 && w.size() % 2 == 1;  // U.S, e.g, i.e, D.C (the last '.' is cut)
        for (std::size_t i = 0; dotted && i < w.size(); ++i)
          dotted = (i % 2 == 0) ? (is_upper_latin(w[i]) || is_lower_latin(w[i])) : w[i] == '.';
        bool lower_dotted = dotted && is_lower_latin(w[0]);
        if (is_title_abbreviation(w) && (next_upper || next_digit)) merge = true;
        if (is_number_abbreviation(w) && next_digit) merge = true;
        if (dotted && !lower_dotted && next_upper) merge = true;  // U.S. Army
        if (dotted && lower_dotted && (w == U"e.g" || w == U"i.e" || w == U"E.g" || w == U"I.e"))
          merge = true;
        // J. K. Rowling: an initial followed by another initial (not "brand X. Now ...").
        if (w.size() == 1 && is_upper_latin(w[0]) && next_upper &&
            (next_is_initial(b, next_end) || after_name(prev, b)))
          merge = true;
      }
      char32_t last = last_before(prev, b);
      if ((last == '!' || last == '?') && is_lower_latin(next)) merge = true;  // "Hi!" and left.
      if (!merge) out.push_back(b);
    }
    out.push_back(bounds.back());
    bounds.swap(out);
  }

  void push(std::uint32_t b, std::uint32_t e, BreakKind kind, std::vector<SentenceSpan>& out) const {
    while (b < e && is_space(cps_[b])) ++b;
    while (e > b && is_space(cps_[e - 1])) --e;
    if (b < e) out.push_back(SentenceSpan{b, e, out.empty() ? BreakKind::Start : kind});
  }

  static bool chinese_side(char32_t c) { return is_cjk(c) || is_cjk_punct(c); }

  static bool one_of(const std::u32string& w, std::initializer_list<const char*> words) {
    for (const char* t : words) {
      std::size_t n = std::char_traits<char>::length(t);
      if (w.size() != n) continue;
      bool same = true;
      for (std::size_t i = 0; i < n && same; ++i) same = w[i] == static_cast<char32_t>(t[i]);
      if (same) return true;
    }
    return false;
  }

  static bool is_function_word(const std::u32string& w) {
    return one_of(w, {"a",     "an",     "the",   "of",  "to",  "in",    "on",      "at",    "by",
                      "for",   "from",   "with",  "and", "or",  "as",    "about",   "into",  "than",
                      "like",  "called", "named", "is",  "was", "are",   "were",    "said",  "says",
                      "told",  "asked",  "dear",  "mr",  "mrs", "ms",    "dr",      "prof",  "st",
                      "my",    "your",   "his",   "her", "our", "their", "its",     "this",  "that",
                      "these", "those",  "de",    "van", "von", "la",    "le",      "du",    "del",
                      "da",    "di",     "bin",   "al",  "if",  "when",  "whom",    "who",   "which",
                      "where", "meet",   "met",   "see", "saw", "visit", "visited", "thank", "thanks"});
  }

  // A weak break at the whitespace run [k, run_end): see the header.
  bool weak_break(std::uint32_t b, std::uint32_t k, std::uint32_t run_end) const {
    char32_t left = cps_[k - 1], right = cps_[run_end];
    bool right_ok = is_upper_latin(right) || right == '[' || right == 0x3010 /* 【 */;
    if (!right_ok) return false;
    if (left == ']' || left == ')' || left == 0x3011 || left == '~' || left == ':') return true;
    if (left >= '0' && left <= '9') return true;
    if (!is_lower_latin(left)) return false;
    std::uint32_t s = k - 1;
    while (s > b && !is_space(cps_[s - 1])) --s;
    if (!is_lower_latin(cps_[s])) return false;  // "Sunning App": a capitalised word continues a name
    std::u32string w(cps_.begin() + s, cps_.begin() + k);
    return !is_function_word(w);
  }

  // A list marker starts the word at `r`: a bullet (• · ▪ ‣ ●, or * followed by a space), or a
  // hyphen or dash directly followed by a letter or a Chinese character (`-Supports ...
  // -Maintains ...`), which prose does not write after a space (its dash is spaced: `a - b`).
  bool list_marker(std::uint32_t r, std::uint32_t e) const {
    char32_t c = cps_[r];
    if (c == 0x2022 || c == 0x00B7 || c == 0x25AA || c == 0x2023 || c == 0x25CF) return true;
    if (r + 1 >= e) return false;
    char32_t n = cps_[r + 1];
    if (c == '*') return is_space(n);
    if (c == '-' || c == 0x2013 || c == 0x2014) return is_lower_latin(n) || is_upper_latin(n) || is_cjk(n);
    return false;
  }

  // A sentence may start at the word `w` (followed by `next`) in unpunctuated lower-case writing
  // (chat, transcripts typed by users: `hi my parcel has not arrived yet the order number is 4471
  // can you ...`): a subject pronoun, a greeting, a conjunction that opens a clause, a question
  // word, or an auxiliary that opens a question (`can you`, `would that`, `are you`), not one that
  // follows its subject (`i would like`). Only used inside a long span with no capital letter.
  static bool is_lower_opener(const std::u32string& w, const std::u32string& next) {
    if (one_of(w, {"i",    "we",     "they",  "he",  "she",  "there", "the", "this",  "if",     "how",
                   "what", "when",   "where", "why", "ok",   "okay",  "hi",  "hello", "please", "so",
                   "but",  "thanks", "let",   "my",  "have", "yes",   "no",  "sorry"}))
      return true;
    return one_of(w, {"can", "could", "would", "will", "are", "is", "do", "does", "did", "shall", "may"}) &&
           one_of(next, {"i", "you", "we", "they", "he", "she", "it", "that", "this", "there"});
  }

  // True when [b, e) is Latin lower-case writing without sentence punctuation: at least
  // kMinChatWords words, no capital letter, no full stop, question or exclamation mark inside.
  bool unpunctuated_lower(std::uint32_t b, std::uint32_t e) const {
    static constexpr int kMinChatWords = 12;
    int words = 0;
    bool in_word = false;
    for (std::uint32_t k = b; k < e; ++k) {
      char32_t c = cps_[k];
      if (is_upper_latin(c) || is_cjk(c)) return false;
      if ((c == '.' || c == '!' || c == '?') && k + 1 < e) return false;
      bool letter = is_lower_latin(c);
      if (letter && !in_word) ++words;
      in_word = letter || (in_word && !is_space(c));
    }
    return words >= kMinChatWords;
  }

  // The word starting at `r` (up to the next whitespace) and the one after it.
  std::pair<std::u32string, std::u32string> words_at(std::uint32_t r, std::uint32_t e) const {
    std::uint32_t k = r;
    while (k < e && !is_space(cps_[k])) ++k;
    std::uint32_t n = k;
    while (n < e && is_space(cps_[n])) ++n;
    std::uint32_t m = n;
    while (m < e && !is_space(cps_[m])) ++m;
    return {std::u32string(cps_.begin() + r, cps_.begin() + k),
            std::u32string(cps_.begin() + n, cps_.begin() + m)};
  }
  bool opens_lower_sentence(std::uint32_t r, std::uint32_t e) const {
    auto [w, next] = words_at(r, e);
    return is_lower_opener(w, next);
  }

  void split_clauses(std::uint32_t b, std::uint32_t e, BreakKind kind, std::vector<SentenceSpan>& out) const {
    while (b < e && is_space(cps_[b])) ++b;
    while (e > b && is_space(cps_[e - 1])) --e;
    const bool chat = unpunctuated_lower(b, e);
    std::uint32_t start = b;
    for (std::uint32_t k = b; k < e;) {
      if (!is_space(cps_[k])) {
        ++k;
        continue;
      }
      std::uint32_t run_end = k;
      while (run_end < e && is_space(cps_[run_end])) ++run_end;
      // k > b and run_end < e after trimming. Quotes are looked through: “哼，真倒霉，” “现在是八月啊，”
      std::uint32_t l = k - 1, r = run_end;
      while (l > b && (is_closing_or_quote(cps_[l]) || is_opening(cps_[l]))) --l;
      while (r + 1 < e && (is_opening(cps_[r]) || is_closing_or_quote(cps_[r]))) ++r;
      if (chinese_side(cps_[k - 1]) || chinese_side(cps_[run_end]) || chinese_side(cps_[l]) ||
          chinese_side(cps_[r])) {
        push(start, k, kind, out);
        kind = BreakKind::Clause;
        start = run_end;
      } else if (list_marker(run_end, e)) {
        push(start, k, kind, out);
        kind = BreakKind::Sentence;
        start = run_end;
      } else if (weak_break(b, k, run_end) || (chat && opens_lower_sentence(run_end, e))) {
        push(start, k, kind, out);
        kind = BreakKind::Weak;
        start = run_end;
      }
      k = run_end;
    }
    push(start, e, kind, out);
  }

  std::string_view lang_;
  std::vector<char32_t> cps_;
};

}  // namespace

std::vector<SentenceSpan> split_sentences(std::string_view utf8, std::string_view lang, bool clauses) {
  return Splitter(utf8, lang).run(clauses);
}

}  // namespace tongwen::text
