#include <Poco/JSON/Object.h>

#include <iostream>

#include "cli.h"
#include "tongwen/archive.h"
#include "tongwen/authorities.h"
#include "tongwen/glossary.h"
#include "tongwen/index_writer.h"
#include "tongwen/ingest.h"
#include "tongwen/json.h"
#include "tongwen/load_recorder.h"
#include "tongwen/report.h"

namespace tongwen::cli {

int cmd_ingest(const Global& g, const std::vector<std::string>& argv) {
  Args a = parse(argv, {"manifest", "report", "format", "threads", "batch-size", "shards"},
                 {"help", "dry-run", "strict", "json", "retry-failed", "prune", "quiet"});
  if (a.has("help")) {
    std::cout << R"(usage: tongwen ingest PATH... [options]

Loads files and folders (walked recursively) into the index. Each file goes through the converter
its name and content select; failures are reported and the load carries on.
Re-running skips unchanged files, replaces changed ones and never duplicates a document.

options:
  --manifest FILE.csv  CSV with a `path` column (relative to the manifest's folder) and metadata
                       columns (title, speakers, topics, event, session, date, lang, type,
                       translation-of, description, encoding) that override what the files say;
                       unknown columns and rows naming missing files are reported as failed
  --report FILE        one row per input file: path, outcome (added, updated, unchanged, failed,
                       skipped), ids, format, encoding, languages, error (CSV, or JSON Lines when
                       FILE ends in .jsonl or ingest.report_format is jsonl)
  --dry-run            convert and report only; the index is not touched
  --strict             stop at the first failed file
  --retry-failed       convert files again that failed before, even if unchanged (otherwise a
                       failed file is skipped until it changes)
  --prune              remove documents whose source files are gone (under the PATHs given, or
                       anywhere when no PATH is given)
  --format NAME        use one converter for every file (see `tongwen formats`)
  --threads N          conversion threads (default: ingest.threads, 0 = one per core)
  --batch-size N       documents per commit (default: ingest.batch_size)
  --shards N           a new index gets N local shards (translation groups spread by a hash of
                       the group id; each shard written by its own thread); an index with another
                       count is refused (shard_count). Without it: the count the index has
                       (ingest.shards when new, default 1)
  --json               print a machine-readable summary on stdout
  --quiet              no progress on stderr

A load can be stopped at any moment (even kill -9): run the same command again to finish it.
While a load runs, the index is locked for writing: uploads to `tongwen serve` wait, then get 503.

exit: 0 all files loaded or unchanged, 1 some files failed, 2 usage, 3 index unavailable.
)";
    return kOk;
  }
  std::vector<std::pair<std::string, std::string>> extra;
  if (a.has("threads")) extra.emplace_back("ingest.threads", a.get("threads"));
  if (a.has("batch-size")) extra.emplace_back("ingest.batch_size", a.get("batch-size"));
  Settings s = settings(g, extra);
  configured_authorities(s);  // a wrong curated file stops the load before it starts, naming the line
  IngestOptions opt;
  opt.paths = a.positional;
  opt.manifest = a.get("manifest");
  opt.dry_run = a.has("dry-run");
  opt.strict = a.has("strict");
  opt.retry_failed = a.has("retry-failed");
  opt.prune = a.has("prune");
  opt.format = a.get("format");
  if (a.has("shards")) {
    const std::string n = a.get("shards");
    if (n.empty() || n.size() > 3 || n.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(n) < 1 || std::stoi(n) > 256)
      throw UsageError("--shards must be a whole number from 1 to 256, got \"" + n + "\"");
    opt.shards = static_cast<std::size_t>(std::stoi(n));
  }
  if (opt.paths.empty() && opt.manifest.empty() && !opt.prune)
    throw UsageError("ingest needs at least one PATH or --manifest (see tongwen ingest --help)");

  std::unique_ptr<ReportWriter> report;
  if (a.has("report")) report = std::make_unique<ReportWriter>(a.get("report"), s.ingest.report_format);
  Progress progress(!a.has("quiet"));
  LoadRecorder recorder("ingest", command_line("ingest", argv),
                        static_cast<std::size_t>(s.archive.keep_loads));
  opt.recorder = &recorder;
  std::vector<std::string> loaded_jsonl;  // candidates for exported alignments
  IngestSummary sum = ingest(
      s, opt,
      [&](const FileOutcome& o, const IngestProgress& p) {
        if (report) report->write(o);
        recorder.file(o);
        progress.update(o, p);
        if (o.format == "jsonl" &&
            (o.outcome == "added" || o.outcome == "updated" || o.outcome == "unchanged"))
          loaded_jsonl.push_back(o.path);
      },
      [&](const IngestProgress& p) { progress.tick(p); });
  progress.finish(sum);
  if (!opt.dry_run && !a.has("quiet") && !recorder.id().empty())
    std::cerr << "recorded as load " << recorder.id() << " (tongwen loads show " << recorder.id() << ")\n";
  // A `tongwen export` file brings its alignments back (tongwen/archive.h). Idempotent, so a load
  // stopped before this point gets them on the next run, when its files are `unchanged`.
  std::vector<std::string> exports;
  for (const auto& p : loaded_jsonl)
    if (!opt.dry_run && is_export_file(p)) exports.push_back(p);
  if (!exports.empty()) {
    IndexWriter w(s.index_dir(), std::chrono::seconds(s.server.write_wait_seconds));
    w.set_glossary(Glossary::configured(s));
    AlignmentImport imp = import_alignments(w, exports);
    w.commit();
    if (!a.has("quiet"))
      std::cerr << "alignments from the export: " << imp.stored + imp.same << " of " << imp.read
                << " restored (" << imp.same << " the aligner had computed the same)"
                << (imp.skipped ? ", " : "")
                << (imp.skipped ? std::to_string(imp.skipped) + " not restored" : std::string()) << "\n";
    for (const auto& p : imp.problems) std::cerr << "tongwen: " << p << "\n";
  }
  if (a.has("json")) std::cout << json_text(summary_json(sum), true) << "\n";
  return sum.failed() > 0 ? kInputsFailed : kOk;
}

int cmd_delete(const Global& g, const std::vector<std::string>& argv) {
  Args a = parse(argv, {}, {"help"});
  if (a.has("help")) {
    std::cout
        << "usage: tongwen delete ID...\n\nRemoves documents from the index by id, in one commit. Exit 1 "
           "when an id\n"
           "is unknown. A deleted document stays deleted when its unchanged file is loaded again; it comes\n"
           "back when the file changes.\n";
    return kOk;
  }
  if (a.positional.empty()) throw UsageError("delete needs at least one ID");
  Settings s = settings(g);
  IndexWriter w(s.index_dir(), std::chrono::seconds(s.server.write_wait_seconds));
  w.set_glossary(Glossary::configured(s));
  LoadRecorder recorder("delete", command_line("delete", argv),
                        static_cast<std::size_t>(s.archive.keep_loads));
  w.set_observer(&recorder);
  int missing = 0;
  for (const auto& id : a.positional) {
    if (w.remove(id)) {
      std::cout << "deleted " << id << "\n";
    } else {
      std::cerr << "tongwen: no document with id \"" << id << "\"\n";
      ++missing;
    }
  }
  recorder.finish();
  w.commit();
  return missing ? kInputsFailed : kOk;
}

}  // namespace tongwen::cli
