// The archivist's tools over a whole archive: full export to JSON Lines (and reading its
// alignments back after `tongwen ingest`), and consistent backup copies of the index.
// The integrity check lives in app/archive_check.cpp: it reads through the search service.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "tongwen/model.h"

namespace tongwen {

class IndexWriter;

// --- Export -----------------------------------------------------------------------------------
// One JSON Lines record per stored document, in document order, in the format `tongwen ingest`
// reads (tongwen/model.h to_json: every metadata field, `extra`, `source` as provenance,
// `paragraphs` with speaker, lang, kind and anchor). The record of the smaller id of each aligned
// pair also carries that pair's stored alignment:
//   "alignments": [{"with": ID, "digests": [DIGEST_OF_THIS, DIGEST_OF_WITH], "alignment": {...}}]
// (the JSON form of tongwen/alignment.h; a digest is export_digest() of the document's text).
// The first record also carries "tongwen_export": {"revision", "documents", "alignments"?} that
// marks the file as an export. The JSON Lines converter ignores both fields; import_alignments()
// reads the alignments back.
struct ExportSummary {
  std::size_t documents = 0, alignments = 0;
  std::string revision;  // the index revision exported
};
// Writes the archive at one revision. Throws EnvironmentError when the index cannot be read.
// `progress(done, total)` is called every few hundred documents and at the end.
ExportSummary export_archive(const std::string& index_dir, std::ostream& out,
                             const std::function<void(std::size_t, std::size_t)>& progress = {});

// What an alignment depends on in a document: its language and the paragraphs' text, anchors and
// languages (sha256, hex).
std::string export_digest(const Document& doc);

// True when the file's first record carries the "tongwen_export" mark (reads one line).
bool is_export_file(const std::string& path);

struct AlignmentImport {
  std::size_t read = 0;               // alignments found in the files
  std::size_t stored = 0;             // written (the aligner had computed something else)
  std::size_t same = 0;               // the aligner had computed the same already
  std::size_t skipped = 0;            // a document missing or changed since the export: the aligner's stays
  std::vector<std::string> problems;  // "FILE: line N: ..." for each skipped one and bad record
};
// After a load of exported JSON Lines files: replaces the alignments the commit hook derived with
// the exported ones, for every pair whose two documents are present with the text they had when
// exported and aligned in the index. Does not commit.
AlignmentImport import_alignments(IndexWriter& writer, const std::vector<std::string>& jsonl_files);

// --- Backup -----------------------------------------------------------------------------------
struct BackupInfo {
  std::string revision;
  std::uint64_t documents = 0;
  std::string created;  // ISO 8601 UTC
  std::string schema;
};
// Writes a compacted copy of one revision of the index in `index_dir` to `out_index` (a folder
// that must not exist). Opens the index read-only and never takes the write lock: a bulk load
// keeps committing meanwhile. When a commit overtakes the copy (Xapian reuses the blocks of old
// revisions), it starts again at the newest revision. Throws EnvironmentError.
BackupInfo copy_revision(const std::string& index_dir, const std::string& out_index);

}  // namespace tongwen
