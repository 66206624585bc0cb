// Undo of a load (issue 15): `tongwen undo LOAD_ID` takes out what a load added and brings back
// what it updated or removed, as it was, from the versions its recorder kept
// (tongwen/load_history.h: "loadkeep:" metadata, Xapian::Document::serialise(), so that data,
// terms with positions and values come back byte for byte without analysing anything again).
// Source files' load records ("src:") go back too, so that loading the same files again after an
// undo converts them again instead of calling them unchanged.
//
// An undo is itself a load (kind `undo`, recorded with its own kept versions in the same one
// commit), so an undo of an undo restores the load. Translation groups follow the documents: the
// writer's commit hook realigns or drops the pairs of every group the undo touched.
#pragma once

#include <xapian.h>

#include <map>
#include <string>
#include <vector>

#include "tongwen/load_history.h"

namespace tongwen {

class IndexWriter;

struct UndoPlan {
  LoadRecord load;                   // the load undone, with its detail
  std::vector<std::string> remove;   // ids the load added, still in the index: taken out
  std::vector<std::string> restore;  // ids whose version from before the load comes back
  std::vector<std::string> sources;  // source records ("src:" keys) set back to their value before
  // Later loads that changed some of the same documents: load id -> those ids (in load order).
  std::vector<std::pair<std::string, std::vector<std::string>>> conflicts;
};

// What undoing load `load_id` would do, read from `db`. Throws UserError("not_found") for an
// unknown load, UserError("not_undoable") when the versions it replaced were not kept (recorded
// before versions were kept, archive.keep_loads = 0 at the time) or were pruned since (it is older
// than the newest archive.keep_loads loads).
UndoPlan plan_undo(const Xapian::Database& db, const std::string& load_id);

// "load 5 (doc-a, doc-b), load 7 (doc-c)": the conflicts for a message.
std::string describe_conflicts(const UndoPlan& plan);

// Throws UserError("undo_conflict") naming the later loads and ids, unless the plan has no
// conflicts or `force`.
void check_conflicts(const UndoPlan& plan, bool force);

// Undoes the plan's load through `writer` in one commit, recorded as a load of kind undo
// (`command`: its command line or HTTP client; keep_loads: archive.keep_loads). Checks conflicts
// first (check_conflicts). Returns the undo's own load id.
std::string run_undo(IndexWriter& writer, const UndoPlan& plan, bool force, const std::string& command,
                     std::size_t keep_loads);

}  // namespace tongwen
