// The query language (server/src/query_parser.h): any text -> a Xapian query or a tongwen Error
// (bad_query, query_too_complex). The first byte picks glossary expansion on or off and how tight
// the limits are, so that both the limit checks and the code behind them are reached. The query
// built must survive Xapian's serialise/unserialise (what a remote shard would receive).
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "query_parser.h"

using namespace tongwen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  const std::string_view q = fuzz::as_view(data + 1, size - 1);
  QueryLimits limits;
  if (mode & 1) {
    limits.max_terms = 8;
    limits.max_depth = 3;
    limits.max_bytes = 64;
  }
  static terms::QueryTerms qt;
  fuzz::tongwen_errors_only([&] {
    ParsedQuery p = parse_query(q, qt, nullptr, (mode & 2) != 0, limits);
    const std::string described = p.query.get_description();
    fuzz::require(Xapian::Query::unserialise(p.query.serialise()).get_description() == described,
                  "the query round-trips through Xapian's serialised form");
  });
  fuzz::tongwen_errors_only([&] { (void)check_date(q); });
  return 0;
}
