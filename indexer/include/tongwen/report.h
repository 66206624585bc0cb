// The load report (one row per input file) and the progress display of `tongwen ingest`.
#pragma once

#include <Poco/JSON/Object.h>

#include <chrono>
#include <fstream>
#include <string>

#include "tongwen/ingest.h"

namespace tongwen {

// Writes FileOutcomes as CSV (header: path,outcome,ids,format,encoding,languages,bytes,error_code,
// error) or, for a path ending in .jsonl, as JSON Lines with the same fields.
class ReportWriter {
 public:
  explicit ReportWriter(const std::string& path);
  void write(const FileOutcome& o);

 private:
  std::ofstream out_;
  bool jsonl_ = false;
};

// Progress on stderr: a live bar when stderr is a terminal, a plain line every few seconds when not.
class Progress {
 public:
  explicit Progress(bool enabled);
  void update(const FileOutcome& o, const IngestProgress& p);
  void finish(const IngestSummary& s);

 private:
  bool enabled_, tty_;
  std::chrono::steady_clock::time_point last_;
};

Poco::JSON::Object::Ptr summary_json(const IngestSummary& s);

}  // namespace tongwen
