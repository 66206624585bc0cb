// The query language -> a Xapian query, plus what to highlight. Hand-written because Xapian's
// QueryParser cannot use Tongwen's CJK term scheme (core/terms.h).
#pragma once

#include <xapian.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "tongwen/config.h"
#include "tongwen/glossary.h"
#include "tongwen/schema.h"
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

// What one query may cost (search.max_query_bytes, _terms, _depth, max_wildcard_terms).
struct QueryLimits {
  std::size_t max_bytes = 4096;
  Xapian::termcount max_terms = 256;
  int max_depth = 32;
  Xapian::termcount max_wildcard_terms = 1000;
};
QueryLimits query_limits(const Settings& s);

// Throws UserError("bad_query", "...at character N...") for malformed input, and
// UserError("query_too_complex") naming the limit for a query over one of `limits` (except the
// wildcard expansion, which Xapian checks when the query runs: DatabasePool::with turns its
// Xapian::WildcardError into query_too_complex).
// For a field search on an authority field (speaker:, topic:, event:): the query selecting every
// document of the entity the value names, or an empty query when the value names none. The
// field search then matches the value's words OR that entity (speaker:刘洋 finds Liu Yang's
// English versions too).
using EntityQuery = std::function<Xapian::Query(const schema::Field& field, const std::string& value)>;

ParsedQuery parse_query(std::string_view q, terms::QueryTerms& qt, const Glossary* glossary, bool expand,
                        const QueryLimits& limits = {}, const EntityQuery& entities = {});

// Validates a date bound (YYYY, YYYY-MM, YYYY-MM-DD); returns "" when valid, else why not.
std::string check_date(std::string_view d);
// A value range over the date slot; either bound may be empty.
Xapian::Query date_range(const std::string& from, const std::string& to);

}  // namespace tongwen
