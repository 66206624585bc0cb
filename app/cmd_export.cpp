// tongwen export: the whole archive as JSON Lines that `tongwen ingest` reads back.
#include <Poco/File.h>
#include <Poco/Path.h>

#include <unistd.h>
#include <xapian.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli.h"
#include "tongwen/archive.h"
#include "tongwen/errors.h"

namespace tongwen::cli {

int cmd_export(const Global& g, const std::vector<std::string>& argv) {
  Args a = parse(argv, {}, {"help", "quiet"});
  if (a.has("help")) {
    std::cout << R"(usage: tongwen export DIR|FILE.jsonl [--quiet]

Writes every document of the archive (all metadata, paragraphs with their speakers, languages,
kinds and anchors, translation groups) and every stored alignment as JSON Lines, the format
`tongwen ingest` reads: loading the file into an empty data folder gives the same documents,
the same search results and the same parallel views. Given a folder, the file is
DIR/tongwen-export.jsonl. One revision is exported even while the archive is being written;
the file appears whole when done (never half written). Progress goes to stderr.

Each record's `source` is the document's provenance as loaded; after a reload the documents'
source is the export file (the loader records where it loaded from), the rest is equal.

exit: 0 written, 2 usage, 3 index unreadable or the file cannot be written.
)";
    return kOk;
  }
  if (a.positional.size() != 1)
    throw UsageError("export needs one DIR or FILE.jsonl (see tongwen export --help)");
  Settings s = settings(g);
  std::string target = a.positional[0];
  Poco::File t(target);
  bool is_file = target.ends_with(".jsonl") || target.ends_with(".ndjson");
  bool is_dir = !is_file && ((t.exists() && t.isDirectory()) ||
                             (!t.exists() && Poco::Path(target).getExtension().empty()));
  if (!is_dir && !is_file) throw UsageError("export writes a folder or a FILE.jsonl, got \"" + target + "\"");
  if (is_dir) {
    Poco::File(target).createDirectories();
    target = Poco::Path(target).makeDirectory().toString() + "tongwen-export.jsonl";
  }
  if (!Poco::File(s.index_dir()).exists())
    throw EnvironmentError("index", "no index in " + s.data_dir + " (nothing loaded yet?)");
  std::string tmp = target + ".part-" + std::to_string(::getpid());
  bool quiet = a.has("quiet");
  auto started = std::chrono::steady_clock::now();
  auto last = started;
  ExportSummary sum;
  for (int attempt = 0;; ++attempt) {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw EnvironmentError("io", tmp + ": cannot write");
    try {
      sum = export_archive(s.index_dir(), out, [&](std::size_t done, std::size_t total) {
        auto now = std::chrono::steady_clock::now();
        if (quiet || (done < total && now - last < std::chrono::seconds(2))) return;
        last = now;
        double secs = std::chrono::duration<double>(now - started).count();
        std::cerr << "export: " << done << "/" << total << " documents, " << static_cast<long>(secs)
                  << " s\n";
      });
      out.close();
      if (!out) throw EnvironmentError("io", tmp + ": cannot write (disk full?)");
      break;
    } catch (const Xapian::DatabaseModifiedError&) {
      // Overtaken by a load's commits: the revision being read is gone; export the newest one.
      out.close();
      if (attempt >= 20) {
        std::remove(tmp.c_str());
        throw EnvironmentError("busy",
                               "the index changed under 20 exports in a row: retry when the load is done");
      }
    } catch (...) {
      std::remove(tmp.c_str());
      throw;
    }
  }
  if (std::rename(tmp.c_str(), target.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw EnvironmentError("io", target + ": cannot write");
  }
  std::cout << "exported " << sum.documents << " documents and " << sum.alignments << " alignments (revision "
            << sum.revision << ") to " << target << "\n";
  return kOk;
}

}  // namespace tongwen::cli
