// tongwen undo LOAD_ID [--dry-run] [--force]: undo one load in one commit (tongwen/load_undo.h).
#include <iostream>

#include "cli.h"
#include "tongwen/errors.h"
#include "tongwen/glossary.h"
#include "tongwen/index_reader.h"
#include "tongwen/index_writer.h"
#include "tongwen/load_undo.h"

namespace tongwen::cli {

namespace {

void print_plan(const UndoPlan& plan) {
  const LoadRecord& r = plan.load;
  std::cout << "undo of load " << r.id << " (" << r.kind << (r.complete ? "" : ", incomplete") << ", "
            << r.started << "): " << r.command << "\n";
  std::cout << "  remove   " << plan.remove.size() << " document(s) the load added\n";
  for (const auto& id : plan.remove) std::cout << "    " << id << "\n";
  std::cout << "  restore  " << plan.restore.size() << " document(s) as they were before the load\n";
  for (const auto& id : plan.restore) std::cout << "    " << id << "\n";
  std::cout << "  sources  " << plan.sources.size() << " source file record(s) set back\n";
  if (!plan.conflicts.empty())
    std::cout << "  later loads changed the same documents: " << describe_conflicts(plan) << "\n";
}

}  // namespace

int cmd_undo(const Global& g, const std::vector<std::string>& argv) {
  Args a = parse(argv, {}, {"help", "dry-run", "force", "quiet"});
  if (a.has("help")) {
    std::cout << R"(usage: tongwen undo LOAD_ID [--dry-run] [--force] [--quiet]

Undoes one load of the load history (`tongwen loads`): takes out the documents it added and brings
back those it updated or removed exactly as they were (stored data, terms, values), with the
source files' load records, in one commit. The undo is itself recorded as a load (kind `undo`):
undoing it restores the load. Translation groups and their alignments follow the documents.

Only the newest `archive.keep_loads` loads keep the versions they replaced; an older load is
refused with `not_undoable`. When later loads changed some of the same documents, undo names them
and refuses (`undo_conflict`) unless --force: then those documents go back to their state before
the load, whatever the later loads did to them.

options:
  --dry-run  print what would be removed and restored; change nothing
  --force    undo even when later loads changed the same documents
  --quiet    print nothing but errors

exit: 0 undone, 1 no such load, not undoable or a conflict, 2 usage, 3 index unavailable.
)";
    return kOk;
  }
  if (a.positional.size() != 1) throw UsageError("usage: tongwen undo LOAD_ID [--dry-run] [--force]");
  const std::string& id = a.positional[0];
  Settings s = settings(g);
  bool quiet = a.has("quiet");
  if (a.has("dry-run")) {  // read-only: a dry run does not wait for a bulk load's write lock
    UndoPlan plan = plan_undo(stored::open(s.index_dir()), id);
    print_plan(plan);
    check_conflicts(plan, a.has("force"));
    std::cout << "dry run: nothing changed\n";
    return kOk;
  }
  // The plan is read from the writer's database: nothing can change between the plan and the undo.
  IndexWriter w(s.index_dir(), std::chrono::seconds(s.server.write_wait_seconds));
  UndoPlan plan = plan_undo(w.database(), id);
  if (!quiet) print_plan(plan);
  w.set_glossary(Glossary::configured(s));
  std::string undo_id = run_undo(w, plan, a.has("force"), command_line("undo", argv),
                                 static_cast<std::size_t>(s.archive.keep_loads));
  if (!quiet)
    std::cout << "undone in one commit; recorded as load " << undo_id << " (tongwen undo " << undo_id
              << " restores load " << plan.load.id << ")\n";
  return kOk;
}

}  // namespace tongwen::cli
