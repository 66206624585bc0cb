// tongwen loads [--json] / tongwen loads show ID [--json]: the load history (tongwen/load_history.h).
#include <Poco/JSON/Array.h>

#include <xapian.h>

#include <iostream>

#include "cli.h"
#include "tongwen/errors.h"
#include "tongwen/index_reader.h"
#include "tongwen/json.h"
#include "tongwen/load_history.h"

namespace tongwen::cli {

std::string command_line(const std::string& command, const std::vector<std::string>& argv) {
  std::string out = "tongwen " + command;
  for (const auto& a : argv) out += " " + a;
  return out;
}

int cmd_loads(const Global& g, const std::vector<std::string>& argv) {
  Args a = parse(argv, {}, {"help", "json"});
  if (a.has("help")) {
    std::cout << R"(usage: tongwen loads [--json]
       tongwen loads show ID [--json]

Lists the load history: every `tongwen ingest` run and every `tongwen delete`, recorded in the
index in the same commits as its documents. Per load: id, kind, when it started and last
committed, whether it finished (a load killed half way shows `incomplete`: the history holds
exactly what it committed), files seen, documents added, updated and removed, the command line.
`show ID` adds every file and its outcome and every document id, with the sha256 of the stored
version each update or removal replaced.

exit: 0, 1 no such load, 3 index unreadable.
)";
    return kOk;
  }
  bool show = !a.positional.empty() && a.positional[0] == "show";
  if ((show && a.positional.size() != 2) || (!show && !a.positional.empty()))
    throw UsageError("usage: tongwen loads [--json] | tongwen loads show ID [--json]");
  Settings s = settings(g);
  stored::Archive db = stored::open_archive(s.index_dir(), s);
  if (show) {
    auto r = read_load(db, a.positional[1]);
    if (!r) throw UserError("not_found", "no load \"" + a.positional[1] + "\" in " + s.index_dir());
    if (a.has("json")) {
      std::cout << json_text(load_to_object(*r, true), true) << "\n";
      return kOk;
    }
    std::cout << "load " << r->id << " (" << r->kind << ", " << (r->complete ? "complete" : "incomplete")
              << ")\n  command  " << r->command << "\n  started  " << r->started << "\n  ended    "
              << r->ended << "\n  files    " << r->files << "\n";
    for (const auto& f : r->file_list)
      std::cout << "    " << f.outcome << "\t" << f.path << (f.error_code.empty() ? "" : "\t" + f.error_code)
                << "\n";
    std::cout << "  added    " << r->added << "\n";
    for (const auto& id : r->added_ids) std::cout << "    " << id << "\n";
    std::cout << "  updated  " << r->updated << "\n";
    for (const auto& c : r->updated_list) std::cout << "    " << c.id << "\treplaced " << c.replaced << "\n";
    std::cout << "  removed  " << r->removed << "\n";
    for (const auto& c : r->removed_list) std::cout << "    " << c.id << "\twas " << c.replaced << "\n";
    return kOk;
  }
  auto loads = read_loads(db);
  if (a.has("json")) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& r : loads) list->add(load_to_object(r, false));
    std::cout << json_text(list, true) << "\n";
    return kOk;
  }
  for (const auto& r : loads)
    std::cout << r.id << "\t" << r.started << "\t" << r.kind << (r.complete ? "" : " (incomplete)") << "\t"
              << r.files << " files, +" << r.added << " ~" << r.updated << " -" << r.removed << "\t"
              << r.command << "\n";
  if (loads.empty()) std::cout << "no loads recorded\n";
  return kOk;
}

}  // namespace tongwen::cli
