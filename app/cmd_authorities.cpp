// tongwen authorities [FIELD] [--conflicts] [--json] / tongwen authorities export [FILE]: the
// authority records (tongwen/authorities.h) learned from the index and the curated file.
#include <xapian.h>

#include <fstream>
#include <iostream>

#include "cli.h"
#include "tongwen/authorities.h"
#include "tongwen/errors.h"
#include "tongwen/index_reader.h"
#include "tongwen/schema.h"

namespace tongwen::cli {

int cmd_authorities(const Global& g, const std::vector<std::string>& argv) {
  Args a = parse(argv, {}, {"help", "json", "conflicts"});
  if (a.has("help")) {
    std::cout << R"(usage: tongwen authorities [speaker|topic|event] [--conflicts] [--json]
       tongwen authorities export [FILE]

Lists the authority records: one entity per speaker (topic, event) with its names in English,
Simplified and Traditional Chinese, its aliases, how many documents carry it and the evidence
(translation groups whose versions paired its names). Learned from the index, then overridden by
the curated file (search.authorities). --conflicts lists only the names that were kept apart
(one name paired with two different Chinese names). `export` writes every entity in the curated
file format (to FILE, else standard output), a starting point for an archivist.

exit: 0, 2 bad curated file or usage, 3 index unreadable.
)";
    return kOk;
  }
  bool do_export = !a.positional.empty() && a.positional[0] == "export";
  if (do_export ? a.positional.size() > 2 : a.positional.size() > 1)
    throw UsageError(
        "usage: tongwen authorities [FIELD] [--conflicts] [--json] | tongwen authorities export [FILE]");
  std::vector<std::string> fields;
  for (const schema::Field* f : schema::authority_fields()) fields.emplace_back(f->name);
  if (!do_export && !a.positional.empty()) {
    if (!AuthorityTable::has_authorities(a.positional[0]))
      throw UsageError("unknown field \"" + a.positional[0] + "\" (" +
                       schema::field_names(schema::authority_fields()) + ")");
    fields = {a.positional[0]};
  }
  Settings s = settings(g);
  auto curated = configured_authorities(s);
  stored::Archive db = stored::open_archive(s.index_dir(), s);
  auto tables = AuthorityTable::from_index(db, curated);
  if (do_export) {
    std::string text = authorities_tsv(tables);
    if (a.positional.size() == 2) {
      std::ofstream out(a.positional[1], std::ios::binary);
      if (!(out << text)) throw EnvironmentError("io", "cannot write " + a.positional[1]);
    } else {
      std::cout << text;
    }
    return kOk;
  }
  bool conflicts = a.has("conflicts");
  for (const auto& f : fields) {
    const AuthorityTable& t = tables.at(f);
    if (a.has("json")) {
      std::cout << authorities_json(t, conflicts) << "\n";
      continue;
    }
    if (!conflicts) {
      std::size_t n = 0;
      for (const auto& e : t.entities()) n += e.documents > 0 || e.curated;
      std::cout << f << ": " << n << " entities\n";
      for (const auto& e : t.entities()) {
        if (e.documents == 0 && !e.curated) continue;
        std::cout << "  " << e.id;
        for (const char* l : {"en", "zh-Hans", "zh-Hant"})
          if (auto it = e.names.find(l); it != e.names.end()) std::cout << "\t" << l << "=" << it->second;
        std::cout << "\t" << e.documents << " documents\tevidence " << e.groups.size();
        if (e.curated) std::cout << "\tcurated (line " << e.line << ")";
        if (!e.aliases.empty()) {
          std::cout << "\taliases";
          for (const auto& al : e.aliases) std::cout << " " << al;
        }
        std::cout << "\n";
      }
    }
    std::cout << f << ": " << t.conflicts().size() << " conflicts\n";
    for (const auto& c : t.conflicts()) {
      std::cout << "  names";
      for (const auto& n : c.names) std::cout << " " << n;
      std::cout << "\tkept apart as";
      for (const auto& id : c.ids) std::cout << " " << id;
      std::cout << "\tgroups";
      for (const auto& gr : c.groups) std::cout << " " << gr;
      std::cout << "\n";
    }
  }
  return kOk;
}

}  // namespace tongwen::cli
