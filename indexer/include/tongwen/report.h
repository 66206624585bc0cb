// The load report (one row per input file) and the progress display of `tongwen ingest`.
#pragma once

#include <Poco/JSON/Object.h>

#include <chrono>
#include <fstream>
#include <string>

#include "tongwen/ingest.h"

namespace tongwen {

// Writes FileOutcomes as CSV (RFC 4180; header: path,outcome,ids,format,encoding,languages,bytes,
// error_code,error; ids separated by ';') or as JSON Lines with the same fields (ids an array).
// The format follows the file name (.csv; .jsonl or .ndjson), else `format` ("csv" or "jsonl").
// Every row is flushed as written, so a killed load leaves a report of what it finished.
class ReportWriter {
 public:
  explicit ReportWriter(const std::string& path, const std::string& format = "csv");
  void write(const FileOutcome& o);

 private:
  std::ofstream out_;
  bool jsonl_ = false;
};

// Progress on stderr: a live bar (files done/total, documents/s, MB/s, errors, ETA) redrawn a few
// times a second when stderr is a terminal, a plain line every few seconds when not. Failures
// are printed as they happen either way.
class Progress {
 public:
  explicit Progress(bool enabled);
  Progress(bool enabled, bool terminal);
  void update(const FileOutcome& o, const IngestProgress& p);
  void tick(const IngestProgress& p);
  void finish(const IngestSummary& s);

 private:
  void draw(const IngestProgress& p, bool force);
  bool enabled_, tty_;
  std::chrono::steady_clock::time_point last_;
  bool drawn_ = false;
};

Poco::JSON::Object::Ptr summary_json(const IngestSummary& s);

}  // namespace tongwen
