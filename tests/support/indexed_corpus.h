// A temporary index built from real files through the real load path, plus the same documents in
// memory for brute-force ground truth.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "brute_force.h"
#include "fixtures.h"
#include "tongwen/config.h"
#include "tongwen/ingest.h"
#include "tongwen/search.h"

namespace tongwen::test {

class IndexedCorpus {
 public:
  // Converts and loads every file under `paths`; files that fail to convert are left out of both
  // the index and the ground truth (and counted in failed_files()).
  explicit IndexedCorpus(const std::vector<std::string>& paths, int facet_limit = 1000);
  SearchService& search() { return *search_; }
  const BruteForce& truth() const { return *truth_; }
  const Settings& settings() const { return settings_; }
  const IngestSummary& summary() const { return summary_; }
  // Every id matching a request (all pages).
  std::set<std::string> all_ids(SearchRequest req);

 private:
  TempDir dir_;
  Settings settings_;
  IngestSummary summary_;
  std::unique_ptr<BruteForce> truth_;
  std::unique_ptr<SearchService> search_;
};

}  // namespace tongwen::test
