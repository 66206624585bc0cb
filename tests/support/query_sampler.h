// Queries sampled from the text itself, with their expected results by brute force: the ground
// truth of the search harness (tests) and of the query benchmark (scripts/bench query).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "brute_force.h"

namespace tongwen::test {

struct SampledQuery {
  std::string kind;  // zh, en_word, en_phrase, en_prefix, mixed
  std::string q;     // in the query language
  std::map<std::string, std::vector<std::string>> filters;
  std::set<std::string> expected;  // ids, filters applied
};

struct SamplerCounts {
  std::size_t zh = 300, en_word = 100, en_phrase = 100, en_prefix = 20, mixed = 30;
  double filter_share = 0.3;  // share of queries that also get facet filters
};

std::vector<SampledQuery> sample_queries(const BruteForce& truth, const SamplerCounts& counts, unsigned seed);

// Expected ids of a query with filters (the filters of `q` applied to `base`), for recomputing
// facet ground truth with one facet's selection removed.
std::set<std::string> apply_filters(const BruteForce& truth, const std::set<std::string>& base,
                                    const std::map<std::string, std::vector<std::string>>& filters,
                                    const std::string& except = "");

}  // namespace tongwen::test
