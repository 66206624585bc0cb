// The load state of one source file, kept in the index metadata under "src:" + sha256(absolute
// path) and committed in the same commit as the file's last documents, so that the documents and
// the record never disagree after a crash.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tongwen/metadata_keys.h"

namespace tongwen {

struct SourceRecord {
  std::string path;  // absolute, lexically normal
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::string sha256;  // of the file's bytes
  std::string inputs;  // fingerprint of what else shaped the documents: manifest row, --format, sidecar
  std::string format, encoding, languages;  // as reported (so that "unchanged" rows keep them)
  int converter_version = 0;
  std::string outcome;           // "ok" or "failed"
  std::string error;             // for failed
  std::vector<std::string> ids;  // documents in the index that came from this file

  bool empty() const { return sha256.empty(); }
  std::string to_json() const;
  // An empty record for "" (no record); throws EnvironmentError("corrupt_index") for a damaged one.
  static SourceRecord from_json(const std::string& s);
};

inline constexpr const char* kSourceRecordPrefix =
    metadata::kSourceRecord.data();  // NUL-terminated: a literal
std::string source_record_key(const std::string& absolute_path);

}  // namespace tongwen
