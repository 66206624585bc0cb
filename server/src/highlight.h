// Finding what a query matched inside stored text, and cutting snippets around it. Matching runs
// on normalised text (so Traditional, full-width and case variants highlight like their query)
// and maps back to the original characters.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "query_parser.h"
#include "tongwen/search.h"
#include "tongwen/terms.h"

namespace tongwen {

// [begin, end) in code points of the original text, with the atom that matched.
struct MatchSpan {
  std::uint32_t begin = 0, end = 0;
  int atom = 0;
};

class Highlighter {
 public:
  // Atoms of the given field ("body" or "title").
  Highlighter(const std::vector<HighlightAtom>& atoms, std::string_view field, terms::QueryTerms& qt);
  bool empty() const { return atoms_.empty(); }
  // Matches in text, sorted; overlapping matches are merged, touching ones are not.
  std::vector<MatchSpan> find(std::string_view text) const;

  struct Unit {
    std::string text;                   // a word, or one CJK character
    std::uint32_t first = 0, last = 0;  // normalised code point range [first, last)
    int run = -1;                       // CJK run number; -1 for words
  };
  struct Atom {
    std::vector<Unit> units;
    std::string stem;  // for a bare English word: match by stem
    bool prefix = false;
  };

 private:
  std::vector<Atom> atoms_;
  mutable terms::QueryTerms* qt_;
};

// Cuts a snippet of at most max_chars code points around the matches (the whole text when short).
Snippet make_snippet(std::string_view text, const std::vector<MatchSpan>& spans, int max_chars);

// How much of a document's text a hit's snippet looks at: its description and paragraphs in order,
// each cut to what is left of the budget. Matching costs about 20 ms a megabyte (normalising,
// segmenting), and a 60 MB text made every search that matched it take 1.1-1.4 s.
constexpr std::size_t kSnippetScanBytes = 256 * 1024;

// The unit of a document that shows as its snippet, with the matches in it: the description
// (index -1) or paragraph with the most distinct atoms, then the most matches, within the first
// `budget` bytes; else the description, else the first paragraph, without matches (index -2:
// neither). `text` is that unit, cut to the budget at a character boundary.
struct SnippetSource {
  int index = -2;
  std::string_view text;
  std::vector<MatchSpan> spans;
};
SnippetSource snippet_source(const Highlighter& body, const std::string& description,
                             const std::vector<Paragraph>& paragraphs,
                             std::size_t budget = kSnippetScanBytes);

}  // namespace tongwen
