// How analysed text becomes Xapian terms, for documents and for queries. Both directions live
// here so that index-time and query-time analysis are identical by construction.
#pragma once

#include <xapian.h>

#include <string>
#include <string_view>
#include <vector>

#include "tongwen/text.h"

namespace tongwen::terms {

// Positions skipped between units (title, paragraphs) so that no phrase spans two of them.
inline constexpr Xapian::termpos kUnitGap = 64;

// True when a word gets an English stem term (it starts with a letter).
bool stemmable(std::string_view word) noexcept;

// Adds terms for text to one Xapian::Document. Not thread-safe; one per indexing thread.
class TermWriter {
 public:
  TermWriter();
  // Free text under `prefix` ("" for the body): exact terms with positions, English stems under
  // "Z" + prefix without positions. Each call starts a new unit after a position gap.
  void index_text(Xapian::Document& doc, std::string_view text, std::string_view prefix);
  // The same for text that is already normalised (Analyzer::normalize), to save a pass.
  void index_normalized(Xapian::Document& doc, std::string_view normalized, std::string_view prefix);
  // Resets positions for a new document.
  void reset() { positions_.clear(); }

 private:
  Xapian::Stem stemmer_;
  std::vector<std::pair<std::string, Xapian::termpos>> positions_;  // next position per prefix
  std::string term_;
};

// Builds queries for text atoms. Not thread-safe (owns a stemmer); one per thread or per request.
class QueryTerms {
 public:
  QueryTerms();
  // A bare word or an unquoted run without spaces (`innovation`, `人工智能治理`, `COVID-19`):
  // one English word becomes its stem; anything else must occur as written (a phrase of its
  // tokens). A quoted phrase matches its exact tokens at consecutive positions.
  // Returns an empty Query (Query()) when the text has no tokens.
  Xapian::Query text(std::string_view text, std::string_view prefix, bool quoted);
  // `innovat*`: every exact term of the field that starts with the normalised word.
  Xapian::Query wildcard(std::string_view word, std::string_view prefix);
  std::string stem(std::string_view word);

 private:
  Xapian::Stem stemmer_;
};

}  // namespace tongwen::terms
