// Bulk loading: files and folders -> converters -> the index, with a record per source file so
// that re-runs skip unchanged files, replace changed ones and never duplicate.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tongwen/config.h"
#include "tongwen/converter.h"

namespace tongwen {

// What happened to one input file.
struct FileOutcome {
  std::string path;
  std::string outcome;  // added, updated, unchanged, failed, skipped
  std::vector<std::string> ids;
  std::string format, encoding, languages;  // languages: comma-separated
  std::string error_code, error;            // for failed/skipped
  std::uint64_t bytes = 0;
};

struct IngestOptions {
  std::vector<std::string> paths;  // files and folders (walked recursively)
  std::string manifest;            // CSV: path plus metadata columns
  bool dry_run = false;            // convert and report, write nothing
  bool strict = false;             // stop at the first failure
  bool retry_failed = false;       // convert files that failed before even if unchanged
  bool prune = false;              // remove documents whose source files are gone
  std::string format;              // force one converter for every file
};

struct IngestSummary {
  std::map<std::string, std::size_t> outcomes;  // outcome -> files
  std::size_t files = 0, documents = 0, removed = 0;
  std::uint64_t bytes = 0;
  double seconds = 0;
  bool stopped = false;  // --strict stopped the load
  std::size_t failed() const {
    auto it = outcomes.find("failed");
    return it == outcomes.end() ? 0 : it->second;
  }
};

// Where the load stands, passed with every outcome.
struct IngestProgress {
  std::size_t files_done = 0, files_total = 0, documents = 0, failed = 0;
  std::uint64_t bytes_done = 0, bytes_total = 0;
  double seconds = 0;
};

// Receives every file's outcome as it happens (for the report and the progress display).
using OutcomeSink = std::function<void(const FileOutcome&, const IngestProgress&)>;

// Runs a load. Throws EnvironmentError when the index cannot be opened or written, UserError for
// a bad manifest. Per-file problems never throw: they are outcomes.
IngestSummary ingest(const Settings& settings, const IngestOptions& options, const OutcomeSink& sink);

// Files under the given paths that a load would consider, sorted (skips hidden files and
// NAME.meta.json sidecars).
std::vector<std::string> collect_files(const std::vector<std::string>& paths);

}  // namespace tongwen
