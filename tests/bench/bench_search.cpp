// Query latency over the search harness's queries (the same sampler, the same seed), in process
// through SearchService with facets and snippets, as a user's search runs.
//
//   bench_search DATA_DIR PATH...     loads PATH... into DATA_DIR (unless already loaded), samples
//                                     the queries, runs each REPEAT times, prints percentiles.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>

#include "query_sampler.h"
#include "tongwen/converter.h"
#include "tongwen/ingest.h"
#include "tongwen/search.h"

using namespace tongwen;
using Clock = std::chrono::steady_clock;

namespace {

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bench_search DATA_DIR PATH...\n";
    return 2;
  }
  int repeat = std::getenv("REPEAT") ? std::atoi(std::getenv("REPEAT")) : 5;
  Settings s;
  s.data_dir = argv[1];
  IngestOptions opt;
  for (int i = 2; i < argc; ++i) opt.paths.push_back(argv[i]);
  auto t0 = Clock::now();
  IngestSummary sum = ingest(s, opt, nullptr);
  double load_s = std::chrono::duration<double>(Clock::now() - t0).count();

  // Ground truth documents for the sampler.
  std::vector<Document> docs;
  ConvertOptions copt;
  for (const auto& f : collect_files(opt.paths)) {
    try {
      for (auto& d : convert_file(f, copt).documents) docs.push_back(std::move(d));
    } catch (const std::exception&) {
    }
  }
  test::BruteForce truth(std::move(docs));
  auto queries = test::sample_queries(truth, test::SamplerCounts{}, 4242);

  SearchService search(s.index_dir(), s);
  std::map<std::string, std::vector<double>> by_kind;
  std::vector<double> all;
  for (int r = 0; r < repeat + 1; ++r) {
    for (const auto& q : queries) {
      SearchRequest req;
      req.q = q.q;
      req.filters = q.filters;
      auto a = Clock::now();
      auto res = search.search(req);
      double ms = std::chrono::duration<double, std::milli>(Clock::now() - a).count();
      if (r == 0) continue;  // warm-up round
      by_kind[q.kind].push_back(ms);
      all.push_back(ms);
    }
  }
  std::printf("documents %zu (%zu files, loaded in %.1f s: %zu added, %zu unchanged)\n",
              truth.documents().size(), sum.files, load_s, sum.outcomes["added"], sum.outcomes["unchanged"]);
  std::printf("%zu queries x %d rounds, in process (facets + snippets, page of 10)\n", queries.size(),
              repeat);
  std::printf("| kind | queries | median ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|---|\n");
  for (const auto& [kind, v] : by_kind)
    std::printf("| %s | %zu | %.2f | %.2f | %.2f | %.2f |\n", kind.c_str(),
                v.size() / static_cast<std::size_t>(repeat), percentile(v, 0.5), percentile(v, 0.9),
                percentile(v, 0.99), percentile(v, 1.0));
  std::printf("| all | %zu | %.2f | %.2f | %.2f | %.2f |\n", queries.size(), percentile(all, 0.5),
              percentile(all, 0.9), percentile(all, 0.99), percentile(all, 1.0));
  return 0;
}
