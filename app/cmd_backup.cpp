// tongwen backup / tongwen restore: a consistent copy of the archive, taken while it is served
// and loaded (tongwen/archive.h copy_revision: Xapian's compact() of one revision), and putting it
// back.
//
// A backup folder holds:
//   index/          the compacted copy of one revision (document ids kept), with everything the
//                   index holds: documents, per-file load records, alignments and their statistics
//   config/         the settings file and the glossary the archive was built with, as they were
//   backup.json     what was copied: revision, documents, schema, time; written last
// It is written beside DIR under another name and renamed to DIR when complete, so a backup
// killed at any moment leaves no DIR (and the archive untouched): a folder with backup.json is
// always whole.
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Path.h>

#include <unistd.h>
#include <xapian.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli.h"
#include "tongwen/archive.h"
#include "tongwen/errors.h"
#include "tongwen/json.h"
#include "tongwen/util.h"

namespace tongwen::cli {

namespace {

bool empty_or_missing(const std::string& dir) {
  Poco::File f(dir);
  if (!f.exists()) return true;
  if (!f.isDirectory()) return false;
  std::vector<std::string> names;
  f.list(names);
  return names.empty();
}

// The settings file these settings came from, as load_settings chooses it ("" for none).
std::string settings_file(const Global& g) {
  if (!g.sources.file.empty()) return g.sources.file;
  if (const char* e = std::getenv("TONGWEN_CONFIG"); e && *e) return e;
  return Poco::File("config/tongwen.properties").exists() ? "config/tongwen.properties" : "";
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw EnvironmentError("io", path + ": cannot write");
}

}  // namespace

int cmd_backup(const Global& g, const std::vector<std::string>& argv) {
  Args a = parse(argv, {}, {"help"});
  if (a.has("help")) {
    std::cout << R"(usage: tongwen backup DIR

Writes a consistent copy of the archive to DIR (a new or empty folder): the index at one
revision (documents, load records, alignments), the settings file and the glossary it was built
with, and DIR/backup.json saying which revision. Searches and bulk loads carry on meanwhile: the
copy reads one committed revision without taking the write lock (Xapian's compact() of a
read-only database) and starts again at the newest revision only if commits overtake it.
DIR appears when the backup is complete; a backup stopped at any moment leaves no DIR.
`tongwen restore DIR` puts it back.

exit: 0 written, 2 usage, 3 index unreadable or DIR cannot be written.
)";
    return kOk;
  }
  if (a.positional.size() != 1) throw UsageError("backup needs one DIR (see tongwen backup --help)");
  Settings s = settings(g);
  std::string dir = Poco::Path(a.positional[0]).absolute().toString();
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (!empty_or_missing(dir))
    throw UserError("not_empty", dir + " is not empty: a backup goes to a new or empty folder");
  if (!Poco::File(s.index_dir()).exists())
    throw EnvironmentError("index", "no index in " + s.data_dir + " (nothing loaded yet?)");
  std::string tmp = dir + ".partial-" + std::to_string(::getpid());
  if (Poco::File(tmp).exists()) Poco::File(tmp).remove(true);
  Poco::File(tmp + "/config").createDirectories();
  try {
    BackupInfo info = copy_revision(s.index_dir(), tmp + "/index");
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("format", "tongwen-backup-1");
    o->set("revision", info.revision);
    o->set("documents", static_cast<Poco::UInt64>(info.documents));
    o->set("schema", info.schema);
    o->set("created", info.created);
    o->set("from", Poco::Path(s.index_dir()).absolute().toString());
    Poco::JSON::Array::Ptr files = new Poco::JSON::Array;
    for (const std::string& f : {settings_file(g), s.search.glossary}) {
      if (f.empty() || !Poco::File(f).exists()) continue;
      std::string name = Poco::Path(f).getFileName();
      Poco::File(f).copyTo(tmp + "/config/" + name);
      Poco::JSON::Object::Ptr fo = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      fo->set("file", "config/" + name);
      fo->set("was", Poco::Path(f).absolute().toString());
      files->add(fo);
    }
    o->set("config", files);
    write_text(tmp + "/backup.json", json_text(o, true) + "\n");  // last: marks the backup whole
    if (Poco::File(dir).exists()) Poco::File(dir).remove(false);  // empty, checked above
    if (std::rename(tmp.c_str(), dir.c_str()) != 0)
      throw EnvironmentError("io", "cannot rename " + tmp + " to " + dir);
    std::cout << "backup of revision " << info.revision << " (" << info.documents << " documents) written to "
              << dir << "\n";
  } catch (...) {
    try {
      Poco::File(tmp).remove(true);
    } catch (const Poco::Exception&) {
    }
    throw;
  }
  return kOk;
}

int cmd_restore(const Global& g, const std::vector<std::string>& argv) {
  Args a = parse(argv, {}, {"help", "force"});
  if (a.has("help")) {
    std::cout << R"(usage: tongwen restore DIR [--force]

Puts a backup written by `tongwen backup DIR` back as the archive of the data folder (--data).
Refuses a data folder that is not empty unless --force; with --force the index there is replaced
(it must not be in use by a bulk load or upload: restore takes its write lock first). The
settings file and glossary of the backup stay in DIR/config: point --config and search.glossary
at them if the current ones differ.

exit: 0 restored, 1 refused (not a complete backup, or the data folder is not empty), 2 usage,
3 I/O or index error.
)";
    return kOk;
  }
  if (a.positional.size() != 1) throw UsageError("restore needs one DIR (see tongwen restore --help)");
  Settings s = settings(g);
  std::string dir = a.positional[0];
  std::string meta_path = dir + "/backup.json";
  if (!Poco::File(meta_path).exists())
    throw UserError("not_backup", dir + " is not a complete tongwen backup (no backup.json)");
  Poco::JSON::Object::Ptr meta;
  try {
    Poco::JSON::Parser parser;
    meta = parser.parse(read_file(meta_path, 1 << 20)).extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception& e) {
    throw UserError("not_backup", meta_path + ": not a backup description: " + e.displayText());
  }
  std::uint64_t documents = meta->getValue<Poco::UInt64>("documents");
  try {
    Xapian::Database b(dir + "/index");
    if (b.get_doccount() != documents)
      throw UserError("not_backup", dir + "/index holds " + std::to_string(b.get_doccount()) +
                                        " documents, backup.json says " + std::to_string(documents));
  } catch (const Xapian::Error& e) {
    throw UserError("not_backup", dir + "/index does not open: " + e.get_description());
  }
  const std::string index = s.index_dir();
  if (!empty_or_missing(s.data_dir) && !a.has("force"))
    throw UserError("not_empty",
                    "data folder " + s.data_dir +
                        " is not empty: restore refuses to overwrite it (--force replaces its index)");
  Poco::File(s.data_dir).createDirectories();
  std::string tag = std::to_string(::getpid());
  std::string incoming = index + ".restoring-" + tag, replaced = index + ".replaced-" + tag;
  if (Poco::File(incoming).exists()) Poco::File(incoming).remove(true);
  Poco::File(dir + "/index").copyTo(incoming);
  {
    // No writer may be in the middle of something: hold the old index's lock while swapping.
    Xapian::WritableDatabase lock;
    bool had_index = Poco::File(index).exists();
    if (had_index) {
      try {
        lock = Xapian::WritableDatabase(index, Xapian::DB_OPEN);
      } catch (const Xapian::DatabaseLockError& e) {
        Poco::File(incoming).remove(true);
        throw EnvironmentError("locked", "index " + index + " is in use by a writer: " + e.get_msg());
      } catch (const Xapian::Error&) {
        // a broken index (what a restore is for): replace it without a lock
      }
      if (std::rename(index.c_str(), replaced.c_str()) != 0)
        throw EnvironmentError("io", "cannot move " + index + " aside");
    }
    if (std::rename(incoming.c_str(), index.c_str()) != 0) {
      if (had_index) std::rename(replaced.c_str(), index.c_str());
      throw EnvironmentError("io", "cannot move " + incoming + " to " + index);
    }
  }
  if (Poco::File(replaced).exists()) Poco::File(replaced).remove(true);
  std::cout << "restored revision " << meta->getValue<std::string>("revision") << " (" << documents
            << " documents) from " << dir << " into " << index << "\n";
  return kOk;
}

}  // namespace tongwen::cli
