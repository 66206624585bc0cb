// Undo of a load: see tongwen/load_undo.h.
#include "tongwen/load_undo.h"

#include <algorithm>
#include <set>

#include "tongwen/errors.h"
#include "tongwen/index_reader.h"
#include "tongwen/index_writer.h"
#include "tongwen/load_recorder.h"
#include "tongwen/schema.h"

namespace tongwen {

namespace {

std::set<std::string> touched_ids(const LoadRecord& r) {
  std::set<std::string> ids(r.added_ids.begin(), r.added_ids.end());
  for (const auto& c : r.updated_list) ids.insert(c.id);
  for (const auto& c : r.removed_list) ids.insert(c.id);
  return ids;
}

}  // namespace

UndoPlan plan_undo(const Xapian::Database& db, const std::string& load_id) {
  auto load = read_load(db, load_id);
  if (!load)
    throw UserError("not_found", "no load \"" + load_id + "\" in the load history (see tongwen loads)");
  UndoPlan plan;
  plan.load = std::move(*load);
  const LoadRecord& r = plan.load;
  const std::string what = "load " + r.id + " (" + r.kind + ", " + r.command + ")";
  if (!r.keeps)
    throw UserError("not_undoable",
                    what +
                        " cannot be undone: it was recorded without keeping the versions it "
                        "replaced (archive.keep_loads was 0, or an older Tongwen recorded it)");
  for (const auto& id : r.kept_ids)
    if (db.get_metadata(load_keep_document_key(r.id, id)).empty())
      throw UserError("not_undoable", what +
                                          " cannot be undone: the versions it replaced were pruned (only the "
                                          "newest archive.keep_loads loads keep them; document \"" +
                                          id + "\" is gone)");
  for (const auto& key : r.kept_sources)
    if (db.get_metadata(load_keep_metadata_key(r.id, key)).empty())
      throw UserError("not_undoable", what + " cannot be undone: the source records it replaced were pruned");

  std::set<std::string> kept(r.kept_ids.begin(), r.kept_ids.end());
  std::set<std::string> ids = touched_ids(r);
  for (const auto& id : ids) {
    if (kept.count(id))
      plan.restore.push_back(id);
    else if (stored::find(db, id))  // the load brought it in: before it, there was none
      plan.remove.push_back(id);
  }
  plan.sources = r.kept_sources;

  // Later loads that changed the same documents: undoing under them would throw their work away.
  unsigned long number = std::stoul(r.id);
  for (const auto& later : read_loads(db)) {
    if (later.id.empty() || std::stoul(later.id) <= number) continue;
    auto detail = read_load(db, later.id);
    if (!detail) continue;
    std::vector<std::string> common;
    for (const auto& id : touched_ids(*detail))
      if (ids.count(id)) common.push_back(id);
    if (!common.empty()) plan.conflicts.emplace_back(later.id, std::move(common));
  }
  return plan;
}

std::string describe_conflicts(const UndoPlan& plan) {
  std::string out;
  for (const auto& [id, docs] : plan.conflicts) {
    out += (out.empty() ? "load " : ", load ") + id + " (";
    for (std::size_t i = 0; i < docs.size() && i < 5; ++i) out += (i ? ", " : "") + docs[i];
    if (docs.size() > 5) out += ", and " + std::to_string(docs.size() - 5) + " more";
    out += ")";
  }
  return out;
}

void check_conflicts(const UndoPlan& plan, bool force) {
  if (plan.conflicts.empty() || force) return;
  throw UserError("undo_conflict",
                  "load " + plan.load.id + " is not undone: later loads changed the same documents: " +
                      describe_conflicts(plan) + "; undo those first (newest first), or use --force");
}

namespace {

// The plan's changes, inside one atomic unit (IndexWriter::begin_atomic): the caller commits once.
void apply_undo(IndexWriter& writer, const UndoPlan& plan) {
  writer.begin_atomic();
  Xapian::WritableDatabase& db = writer.database();
  for (const auto& id : plan.restore) {
    std::string kept = db.get_metadata(load_keep_document_key(plan.load.id, id));
    if (kept.empty())
      throw UserError("not_undoable",
                      "load " + plan.load.id + ": the kept version of \"" + id + "\" is gone");
    PreparedDocument p;
    p.id = id;
    try {
      p.xdoc = Xapian::Document::unserialise(kept);
    } catch (const Xapian::Error& e) {
      throw EnvironmentError("corrupt_index", "load " + plan.load.id + ": the kept version of \"" + id +
                                                  "\" does not read: " + e.get_msg());
    }
    p.group = p.xdoc.get_value(schema::SLOT_GROUP);
    writer.put(std::move(p));
  }
  for (const auto& id : plan.remove) writer.remove(id);
  for (const auto& key : plan.sources) {
    std::string kept = db.get_metadata(load_keep_metadata_key(plan.load.id, key));
    writer.set_metadata(key, kept.empty() ? kept : kept.substr(1));  // "=" + the value before
  }
}

}  // namespace

std::string run_undo(IndexWriter& writer, const UndoPlan& plan, bool force, const std::string& command,
                     std::size_t keep_loads) {
  check_conflicts(plan, force);
  LoadRecorder recorder("undo", command, keep_loads);
  recorder.set_undoes(plan.load.id);
  writer.set_observer(&recorder);
  try {
    apply_undo(writer, plan);
    recorder.finish();
    writer.commit();
  } catch (...) {
    writer.set_observer(nullptr);
    throw;
  }
  writer.set_observer(nullptr);
  return recorder.id();
}

}  // namespace tongwen
