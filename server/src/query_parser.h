// The query language -> a Xapian query, plus what to highlight. Hand-written because Xapian's
// QueryParser cannot use Tongwen's CJK term scheme (core/terms.h).
#pragma once

#include <xapian.h>

#include <string>
#include <string_view>
#include <vector>

#include "tongwen/glossary.h"
#include "tongwen/search.h"
#include "tongwen/terms.h"

namespace tongwen {

// A positive text leaf of the query, for highlighting.
struct HighlightAtom {
  std::string field;  // "body" or "title"
  std::string text;   // as typed
  bool quoted = false;
  bool wildcard = false;  // text is a prefix
};

struct ParsedQuery {
  Xapian::Query query;  // MatchAll for an empty query
  bool match_all = false;
  std::vector<HighlightAtom> atoms;
  std::vector<Expansion> expansions;
};

// Throws UserError("bad_query", "...at character N...") for malformed input.
ParsedQuery parse_query(std::string_view q, terms::QueryTerms& qt, const Glossary* glossary, bool expand);

// Validates a date bound (YYYY, YYYY-MM, YYYY-MM-DD); returns "" when valid, else why not.
std::string check_date(std::string_view d);
// A value range over the date slot; either bound may be empty.
Xapian::Query date_range(const std::string& from, const std::string& to);

}  // namespace tongwen
