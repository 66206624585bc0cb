// Sentence splitting: ICU's sentence BreakIterator (locale chosen by language) plus the rules it
// misses in our texts. Converters never call ICU; the aligner and anyone else who needs sentences
// call this facade.
//
// Rules on top of ICU (each one a case ICU gets wrong in the TED/WMT/forum material):
//   - Opening punctuation left at the end of a sentence (“ ‘ 「 『 （ 《 【 ( [) starts the next
//     one: ICU counts Pi/Ps marks as "Close", so 他说：“你好。”“我很好！” breaks after the second “.
//   - English abbreviations do not end a sentence before a capitalised word: titles (Mr. Dr.
//     Prof. St. ...), dotted acronyms (U.S. U.K. e.g.) and single initials (J. K. Rowling).
//     ICU breaks after "Dr." and after "U.S." before a capital.
//   - A sentence that starts with a lowercase Latin letter continues the previous one after ! or ?
//     (`He said "Hi!" and left.`), where ICU breaks.
//   - Clauses: whitespace next to a Chinese character or Chinese punctuation inside a sentence is
//     a clause break (subtitles, transcripts and headlines write a space where prose writes a
//     comma or a full stop: 有一天， 洛杉矶时报的专栏作家 Steve Lopez走在洛杉矶 大街上). These are
//     marked Clause, not Sentence, so that a consumer can merge them back.
//   - Weak breaks: in Latin-script text without the punctuation ICU needs, a lowercase word, a
//     number, a closing bracket or a colon followed by a capitalised word or an opening bracket
//     (`Place of origin: Shenzhen, China The dimensions of ...`, `[Authentic Book] History of ...`)
//     may be a sentence or heading boundary that the writer left unmarked (product lists,
//     headlines, captions). Function words before a capital (`to Steve`, `of the Red`) are not.
//     Weak breaks are usually not boundaries; consumers treat them as candidates only.
//   - List markers written inline (`-Supports ... -Maintains ...`, `• Open ... • Choose ...`) start
//     a sentence; a spaced dash in prose (`a - b`) and hyphenated words do not.
//   - Lower-case writing without punctuation (chat: `hi my parcel has not arrived yet the order
//     number is 4471 can you check it`): in a span of 12 or more words with no capital letter,
//     weak breaks before words that open a sentence there (pronouns, greetings, question words, an
//     auxiliary followed by a pronoun). The aligner may cut there when the other side has a
//     boundary, and merges them freely otherwise.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace tongwen::text {

// What separates a span from the one before it.
enum class BreakKind : std::uint8_t {
  Start = 0,     // the first span of the text
  Weak = 1,      // a possible break inside an English sentence (see below); usually not one
  Clause = 2,    // a clause break inside a sentence (whitespace next to Chinese)
  Sentence = 3,  // a sentence break
};

struct SentenceSpan {
  std::uint32_t begin = 0, end = 0;  // code point offsets into the text; whitespace trimmed
  BreakKind before = BreakKind::Start;
};

// Splits one paragraph of UTF-8 text. `lang` is a BCP 47 tag ("zh-Hans", "zh-Hant", "en", "und")
// that picks the ICU locale; the extra rules above apply whatever the tag. With clauses=false
// only sentence breaks are returned. Spans are non-empty, in order, and never overlap.
// Thread-safe (one cached BreakIterator per thread and locale). Throws EnvironmentError when ICU
// cannot create the iterator.
std::vector<SentenceSpan> split_sentences(std::string_view utf8, std::string_view lang, bool clauses = true);

}  // namespace tongwen::text
