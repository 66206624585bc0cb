// The CSV manifest of `tongwen ingest --manifest FILE.csv`: one row per file, a `path` column
// (relative to the manifest's folder) and metadata columns that supply or override what the
// converter and the sidecar found.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "tongwen/converter.h"

namespace tongwen {

// One row naming a file. Empty cells override nothing.
struct ManifestRow {
  std::size_t line = 0;  // where the row starts in the manifest (1 = the header)
  std::string path;      // the manifest's folder joined with the row's path, as the loader shows it
  std::string absolute;  // absolute and lexically normal: the key the loader matches files by
  MetadataOverrides overrides;
};

// Something wrong with the manifest that the load reports as a failed row instead of ignoring:
// an unknown column, a row with too many cells, an empty or duplicate path, an unterminated quote.
// (Rows naming missing files are found by the loader, which knows what exists.)
struct ManifestProblem {
  std::size_t line = 0;
  std::string path;     // the file the problem is about (the manifest itself for column problems)
  std::string message;  // names the manifest and the line
};

struct Manifest {
  std::string file;
  std::vector<std::string> columns;  // as written in the header, BOM and spaces removed
  std::vector<ManifestRow> rows;
  std::vector<ManifestProblem> problems;
};

// Parses RFC 4180 CSV (quoted fields with "" escapes, commas and line breaks inside quotes, CRLF or
// LF line ends, UTF-8 with or without a byte-order mark). Column names are matched without regard
// to case; `translation_of` and `translation-of` are the same column. Throws UserError("manifest")
// when the file cannot be read, is not UTF-8 or has no `path` column: then nothing can be loaded
// from it.
Manifest read_manifest(const std::string& file);

// The same from text already in memory (`file` names it in messages and anchors relative paths).
Manifest parse_manifest(const std::string& file, std::string_view text);

// Splits CSV text into records of fields; each record remembers its first line. A quote left open
// at the end of the text sets `unterminated_line` to the line where the field started.
struct CsvRecord {
  std::size_t line = 0;
  std::vector<std::string> fields;
};
std::vector<CsvRecord> parse_csv(std::string_view text, std::size_t* unterminated_line = nullptr);

// Absolute, lexically normal form of a path (no symlinks resolved): how the loader identifies files.
std::string normal_absolute(const std::string& path);

}  // namespace tongwen
