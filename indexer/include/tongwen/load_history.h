// The load history (issue 15): every `tongwen ingest` run and every `tongwen delete` is recorded
// in the index, in the same commits as its documents, so the history never says more or less than
// the index holds, even after a load killed half way.
//
// Stored form (Xapian user metadata):
//   "loadseq"              the last load number given out
//   "load:" + NNNNNN       the header of load N (JSON: id, kind, command, started, ended,
//                          complete, files, added, updated, removed counts, parts)
//   "load:" + NNNNNN + ":" + PPPP
//                          what commit P of the load changed (JSON: files [{path, outcome,
//                          error_code?}], added [id], updated [{id, replaced}], removed [{id,
//                          replaced}]); `replaced` is the sha256 of the stored version (the
//                          document's data) that the load replaced or removed
// A part is written by each commit that changed something (before_commit, inside the commit), the
// header by every commit; `complete` is set by the load's last commit.
#pragma once

#include <Poco/JSON/Object.h>

#include <xapian.h>

#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tongwen/index_reader.h"
#include "tongwen/index_writer.h"
#include "tongwen/ingest.h"
#include "tongwen/metadata_keys.h"

namespace tongwen {

inline constexpr std::string_view kLoadKeyPrefix = metadata::kLoad;

struct LoadFile {
  std::string path, outcome, error_code;
};
struct LoadChange {
  std::string id;
  std::string replaced;  // sha256 (hex) of the stored version replaced or removed
};

struct LoadRecord {
  std::string id;              // "1", "2", ... in the order the loads started
  std::string kind;            // ingest | delete
  std::string command;         // the command line (or the HTTP client)
  std::string started, ended;  // ISO 8601 UTC; ended: the load's last commit so far
  bool complete = false;       // false: the load stopped before its last commit (killed?)
  std::size_t parts = 0;
  std::size_t files = 0, added = 0, updated = 0, removed = 0;  // counts (the header's)
  // The detail (read_load only).
  std::vector<LoadFile> file_list;
  std::vector<std::string> added_ids;
  std::vector<LoadChange> updated_list, removed_list;
};
// {id, kind, command, started, ended, complete, files, added, updated, removed} and, with
// `detail`, {file_list, added_ids, updated_list, removed_list} as "files_detail", "added_ids",
// "updated_ids", "removed_ids".
Poco::JSON::Object::Ptr load_to_object(const LoadRecord& r, bool detail);

// Records one load: set it as the writer's observer, report each file's outcome, call finish()
// before the load's last commit.
class LoadRecorder : public WriteObserver {
 public:
  LoadRecorder(std::string kind, std::string command);
  void file(const FileOutcome& o);  // any thread
  void finish() { complete_ = true; }
  // The load's id ("" until its first commit).
  const std::string& id() const { return id_; }

  void on_put(const std::string& id, const Xapian::Document* replaced) override;
  void on_remove(const std::string& id, const Xapian::Document& removed) override;
  void before_commit(IndexWriter& writer) override;

 private:
  std::mutex mutex_;
  std::string id_, key_, kind_, command_, started_;
  bool complete_ = false;
  std::size_t parts_ = 0, files_ = 0, added_ = 0, updated_ = 0, removed_ = 0;
  std::set<std::string> added_here_;  // ids this load added (a later put of one is not an update)
  std::vector<LoadFile> files_pending_;
  std::vector<std::string> added_pending_;
  std::vector<LoadChange> updated_pending_, removed_pending_;
};

// Every load's header, oldest first. Throws EnvironmentError("corrupt_index") on a record that
// does not read.
std::vector<LoadRecord> read_loads(const stored::Archive& db);
// One load with its detail; nullopt when there is no such load. `id` may be "7" or "000007".
std::optional<LoadRecord> read_load(const stored::Archive& db, const std::string& id);

}  // namespace tongwen
