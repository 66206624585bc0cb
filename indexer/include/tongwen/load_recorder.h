// The load history's recorder (issue 15): see tongwen/load_history.h (core) for the stored form and
// the reader. Set as the writer's observer, it writes what each commit changed into that commit,
// with the versions the load replaced or removed (for undo, tongwen/load_undo.h), and prunes the
// versions kept for loads older than the last archive.keep_loads.
#pragma once

#include <Poco/JSON/Object.h>

#include <xapian.h>

#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tongwen/index_writer.h"
#include "tongwen/ingest.h"
#include "tongwen/load_history.h"

namespace tongwen {

// Records one load: set it as the writer's observer, report each file's outcome, call finish()
// before the load's last commit.
class LoadRecorder : public WriteObserver {
 public:
  // keep_loads: archive.keep_loads (0: keep no versions, and so the load cannot be undone).
  LoadRecorder(std::string kind, std::string command, std::size_t keep_loads);
  void file(const FileOutcome& o);  // any thread
  void finish() { complete_ = true; }
  // For kind undo: the load it undoes (recorded in the header).
  void set_undoes(std::string id) { undoes_ = std::move(id); }
  // The load's id ("" until its first commit).
  const std::string& id() const { return id_; }

  void on_put(const std::string& id, const Xapian::Document* replaced) override;
  void on_remove(const std::string& id, const Xapian::Document& removed) override;
  void on_source_record(const std::string& key, const std::string& old_value) override;
  void before_commit(IndexWriter& writer) override;

 private:
  std::mutex mutex_;
  // Deletes the kept versions of loads older than the last keep_loads_ (this one included).
  void prune_kept(IndexWriter& writer, unsigned long number);

  std::string id_, key_, kind_, command_, started_, undoes_;
  bool complete_ = false;
  std::size_t keep_loads_ = 0;
  std::size_t parts_ = 0, files_ = 0, added_ = 0, updated_ = 0, removed_ = 0;
  std::set<std::string> added_here_;  // ids this load added (a later put of one is not an update)
  std::set<std::string> seen_;        // ids this load changed: only the first change keeps a version
  std::set<std::string> sources_seen_;
  std::vector<LoadFile> files_pending_;
  std::vector<std::string> added_pending_;
  std::vector<LoadChange> updated_pending_, removed_pending_;
  std::vector<std::pair<std::string, std::string>> kept_pending_;          // id -> serialised document
  std::vector<std::pair<std::string, std::string>> kept_sources_pending_;  // key -> value before
};

}  // namespace tongwen
