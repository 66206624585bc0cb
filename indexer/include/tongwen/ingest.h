// Bulk loading: files and folders -> converters -> the index, with a record per source file so
// that re-runs skip unchanged files, replace changed ones and never duplicate.
//
// Pipeline (ingest.cpp): the calling thread lists the inputs and admits them in path order into a
// bounded window; `ingest.threads` workers take files in that order, decide "unchanged" from the
// file's record (size and mtime, else the SHA-256 of its bytes: before any conversion), convert
// the others one document at a time (convert_file_each) and analyse documents (prepare_document)
// from a shared queue; one writer thread puts documents in input order and commits every
// `ingest.batch_size` documents. A file's record is written after its last document and so is
// committed with it: a load killed at any moment leaves whole files or files without a record,
// and the next run converts the latter again (putting a document replaces it by id).
// The final index depends only on the inputs, never on thread timing.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tongwen/config.h"
#include "tongwen/converter.h"

namespace tongwen {

// What happened to one input file (one report row).
struct FileOutcome {
  std::string path;
  // added, updated, unchanged, failed, skipped (unsupported, or failed before and unchanged since),
  // or pruned (a row for a file that is gone, written by --prune)
  std::string outcome;
  std::vector<std::string> ids;
  std::string format, encoding, languages;  // languages: comma-separated
  std::string error_code, error;            // for failed and skipped
  std::uint64_t bytes = 0;
};

class LoadRecorder;  // tongwen/load_recorder.h

struct IngestOptions {
  std::vector<std::string> paths;  // files and folders (walked recursively)
  std::string manifest;            // CSV: path plus metadata columns (tongwen/manifest.h)
  bool dry_run = false;            // convert and report, write nothing
  bool strict = false;             // stop at the first failure
  bool retry_failed = false;       // convert files that failed before even if unchanged
  // Remove documents whose source files are gone: those under `paths` (and the manifest's
  // folder), or every one when no path is given.
  bool prune = false;
  std::string format;  // force one converter for every file
  // Local shards: 0 = the count the index has (1 for a new one); N creates N in a new index and
  // refuses an index with another count (IndexWriter).
  std::size_t shards = 0;
  // Set on the load's writer (the load history); told finish() before the last commit.
  LoadRecorder* recorder = nullptr;
};

struct IngestSummary {
  std::map<std::string, std::size_t> outcomes;  // outcome -> files
  std::size_t files = 0, documents = 0, removed = 0;
  std::size_t not_attempted = 0;  // files left when --strict stopped the load
  // Files whose bytes were read to hash them (size or mtime differed from their record, or no
  // record) and files handed to a converter: a no-op re-run reads and converts nothing.
  std::size_t hashed = 0, converted = 0;
  std::uint64_t bytes = 0;
  double seconds = 0;
  bool stopped = false;  // --strict stopped the load
  // Where the time went (thread-seconds), for tuning: the writer putting documents, committing
  // (including the commit hook) and waiting for work; the workers analysing documents.
  double put_seconds = 0, commit_seconds = 0, writer_wait_seconds = 0, analysis_seconds = 0;
  std::size_t commits = 0;
  unsigned threads = 0;
  std::size_t failed() const {
    auto it = outcomes.find("failed");
    return it == outcomes.end() ? 0 : it->second;
  }
};

// Where the load stands. bytes_done counts finished files plus an estimate for the file being
// written (from the size of its documents so far).
struct IngestProgress {
  std::size_t files_done = 0, files_total = 0, documents = 0, failed = 0;
  std::uint64_t bytes_done = 0, bytes_total = 0;
  double seconds = 0;
};

// Receives every file's outcome in input order, on one thread at a time (the report).
using OutcomeSink = std::function<void(const FileOutcome&, const IngestProgress&)>;
// Called every few dozen documents inside large files, so that a display can move on.
using ProgressSink = std::function<void(const IngestProgress&)>;

// Runs a load. Throws EnvironmentError when the index cannot be opened or written, UserError for
// an unreadable manifest. Per-file problems never throw: they are outcomes.
IngestSummary ingest(const Settings& settings, const IngestOptions& options, const OutcomeSink& sink,
                     const ProgressSink& progress = {});

// Files under the given paths that a load would consider, sorted (skips hidden files and
// NAME.meta.json sidecars). A path that does not exist is returned as is (the load reports it).
// A folder's own notes met while walking it (README, LICENSE, COPYING, CHANGELOG, NOTICE, any
// extension) are not documents: they go to `folder_notes` when given (the load reports them as
// skipped); named on the command line, such a file is loaded like any other.
std::vector<std::string> collect_files(const std::vector<std::string>& paths,
                                       std::vector<std::string>* folder_notes = nullptr);

}  // namespace tongwen
