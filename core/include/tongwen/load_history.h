// The load history (issue 15), read side: every `tongwen ingest` run, `tongwen delete`, HTTP upload
// or delete and `tongwen undo` is recorded in the index, in the same commits as its documents, so
// the history never says more or less than the index holds, even after a load killed half way.
// The recorder (LoadRecorder) is the indexer's (tongwen/load_recorder.h); `tongwen loads`, the
// server (GET /api/loads) and undo read it through this header.
//
// Stored form (Xapian user metadata):
//   "loadseq"              the last load number given out
//   "load:" + NNNNNN       the header of load N (JSON: id, kind, command, started, ended,
//                          complete, files, added, updated, removed counts, parts; `undoes` for
//                          an undo; `keeps`: true when the recorder kept replaced versions)
//   "load:" + NNNNNN + ":" + PPPP
//                          what commit P of the load changed (JSON: files [{path, outcome,
//                          error_code?}], added [id], updated [{id, replaced}], removed [{id,
//                          replaced}], kept [id], kept_sources [key]); `replaced` is the sha256 of
//                          the stored version (the document's data) that the load replaced or
//                          removed
//   "loadkeep:" + NNNNNN + ":d:" + id
//                          the version of document `id` from before load N, as
//                          Xapian::Document::serialise() (data, terms with positions, values): one
//                          per id in a part's `kept`, for the last archive.keep_loads loads
//   "loadkeep:" + NNNNNN + ":m:" + key
//                          the value of metadata `key` (a source file's load record, "src:...")
//                          before load N ("" when it had none): one per `kept_sources`
// A part is written by each commit that changed something (before_commit, inside the commit), the
// header by every commit; `complete` is set by the load's last commit.
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tongwen/metadata_keys.h"

namespace tongwen::stored {
class Archive;  // the readers take an open archive (tongwen/index_reader.h), every shard of it
}

namespace tongwen {

inline constexpr std::string_view kLoadKeyPrefix = metadata::kLoad;
inline constexpr std::string_view kLoadKeepPrefix = metadata::kLoadKeep;

struct LoadFile {
  std::string path, outcome, error_code;
};
struct LoadChange {
  std::string id;
  std::string replaced;  // sha256 (hex) of the stored version replaced or removed
};

struct LoadRecord {
  std::string id;              // "1", "2", ... in the order the loads started
  std::string kind;            // ingest | delete | upload | undo
  std::string command;         // the command line (or the HTTP client)
  std::string started, ended;  // ISO 8601 UTC; ended: the load's last commit so far
  bool complete = false;       // false: the load stopped before its last commit (killed?)
  bool keeps = false;          // the versions it replaced were kept (loads recorded before: no)
  std::string undoes;          // for kind undo: the id of the load it undid
  std::size_t parts = 0;
  std::size_t files = 0, added = 0, updated = 0, removed = 0;  // counts (the header's)
  // The detail (read_load only).
  std::vector<LoadFile> file_list;
  std::vector<std::string> added_ids;
  std::vector<LoadChange> updated_list, removed_list;
  std::vector<std::string> kept_ids;      // documents whose version from before the load was kept
  std::vector<std::string> kept_sources;  // metadata keys whose value from before the load was kept
};
// {id, kind, command, started, ended, complete, files, added, updated, removed, undoes?} and, with
// `detail`, {file_list, added_ids, updated_list, removed_list} as "files_detail", "added_ids",
// "updated_ids", "removed_ids".
Poco::JSON::Object::Ptr load_to_object(const LoadRecord& r, bool detail);
// One part's stored JSON (the recorder writes it, read_load reads it).
Poco::JSON::Object::Ptr load_part_object(const std::vector<LoadFile>& files,
                                         const std::vector<std::string>& added,
                                         const std::vector<LoadChange>& updated,
                                         const std::vector<LoadChange>& removed,
                                         const std::vector<std::string>& kept,
                                         const std::vector<std::string>& kept_sources);

// "7" or "000007" -> "000007"; "" when not a load number.
std::string load_number(const std::string& id);
// The header key of load `id` ("load:000007"); "" when `id` is not a load number.
std::string load_key(const std::string& id);
// Where the kept version of document `doc_id` from before load `id` is stored.
std::string load_keep_document_key(const std::string& id, const std::string& doc_id);
// Where the kept value of metadata `key` from before load `id` is stored.
std::string load_keep_metadata_key(const std::string& id, const std::string& key);
// "loadkeep:000007:": every kept item of load `id` starts with it.
std::string load_keep_prefix(const std::string& id);

// Every load's header, oldest first. Throws EnvironmentError("corrupt_index") on a record that
// does not read.
std::vector<LoadRecord> read_loads(const stored::Archive& db);
// One load with its detail; nullopt when there is no such load. `id` may be "7" or "000007".
std::optional<LoadRecord> read_load(const stored::Archive& db, const std::string& id);

}  // namespace tongwen
