#include "tongwen/errors.h"

#include <algorithm>

namespace tongwen {

namespace {
constexpr ErrorFamily U = ErrorFamily::user;
constexpr ErrorFamily E = ErrorFamily::environment;
}  // namespace

const std::vector<ErrorCode>& error_codes() {
  // Kept in the order of the README's table (test_core compares them).
  static const std::vector<ErrorCode> table = {
      // The caller's request or command line.
      {"bad_parameter", U, 400, 2, "a parameter or option has a wrong value"},
      {"bad_query", U, 400, 2, "the query does not parse (the message gives the character)"},
      {"query_too_complex", U, 400, 2,
       "the query is over a limit: length, terms, nesting or wildcard expansion (the message names it)"},
      {"bad_request", U, 400, 2, "the HTTP request is malformed"},
      {"request_timeout", U, 408, 2, "the request stopped arriving before it was complete"},
      {"length_required", U, 411, 2, "a write without Content-Length or chunked encoding"},
      {"uri_too_long", U, 414, 2, "the request line is over its limit"},
      {"headers_too_large", U, 431, 2, "the request headers are over their limit"},
      {"unauthorized", U, 401, 2, "a write without the right token"},
      {"forbidden", U, 403, 2, "a write to a server that has no token configured"},
      {"not_found", U, 404, 1, "no such document, route or file"},
      {"method_not_allowed", U, 405, 2, "the route exists but not with this method"},
      {"config", U, 500, 2, "a setting is unknown, has a wrong value, or names a missing file"},
      {"bad_authority", U, 500, 2,
       "a line of the curated authority file is wrong (the message gives the line)"},
      // A file the converters refuse (per file in an ingest report; 422 for an upload).
      {"empty", U, 422, 1, "the file is empty"},
      {"encoding", U, 422, 1, "the bytes are not text in the declared or detected encoding"},
      {"malformed", U, 422, 1, "the file is not valid in its format (the message says where)"},
      {"bad_metadata", U, 422, 1, "a metadata field has a wrong value"},
      {"bad_id", U, 422, 1,
       "a document id that is not one safe path segment (slash, backslash, dot segment, control character, "
       "NUL)"},
      {"missing_field", U, 422, 1, "a field the format requires is missing"},
      {"missing_include", U, 422, 1, "an included file does not exist"},
      {"no_text", U, 422, 1, "the file holds no text to index"},
      {"too_large", U, 413, 1, "over a size limit (file, upload, unzipped size)"},
      {"too_deep", U, 422, 1, "nesting deeper than the configured limit"},
      {"unsafe", U, 422, 1, "entity bombs, external entities or paths outside the file"},
      {"encrypted", U, 422, 1, "the file is encrypted"},
      {"unsupported", U, 422, 1, "no converter takes this file"},
      {"timeout", U, 422, 1, "the conversion took longer than allowed"},
      {"converter_crashed", U, 422, 1, "the converter worker died on the file (crash or abort)"},
      {"manifest", U, 422, 1, "the CSV manifest is malformed (the message gives the line)"},
      // Bulk-load report rows that are not conversion failures.
      {"failed_before", U, 422, 1, "an unchanged file that failed before, not retried"},
      {"manifest_not_applied", U, 422, 1, "a manifest row whose file was not loaded"},
      {"folder_note", U, 422, 1, "a note on a folder (for instance an unreadable entry)"},
      // Archivist's commands (backup, restore, undo).
      {"not_empty", U, 409, 1, "the target folder is not empty (backup, restore without --force)"},
      {"not_backup", U, 422, 1, "the folder is not a complete tongwen backup"},
      {"undo_conflict", U, 409, 1,
       "later loads changed documents of the load to undo (the message names them); --force undoes anyway"},
      {"not_undoable", U, 409, 1,
       "the load's replaced versions are not kept (older than the newest archive.keep_loads loads)"},
      {"shard_count", U, 409, 2, "`ingest --shards N` asks for another shard count than the index has"},
      // The environment.
      {"locked", E, 503, 3, "the index is locked by another writer"},
      {"index_busy", E, 503, 3, "the index is busy with a bulk load; retry after Retry-After"},
      {"busy", E, 503, 3, "commits overtook a backup copy too often in a row; retry"},
      {"writes_disabled", E, 503, 3, "this server was started without a writer"},
      {"align_disabled", E, 503, 3, "this server was started without an aligner"},
      {"too_many_connections", E, 503, 3,
       "the server's connection limit, in all or per client address, is reached; retry after Retry-After"},
      {"shards_missing", E, 503, 3,
       "a remote shard does not answer and index.require_all_shards is set (the message names it)"},
      {"io", E, 500, 3, "a file or folder cannot be read or written"},
      {"index", E, 500, 3, "Xapian reported an error"},
      {"corrupt_index", E, 500, 3, "stored data in the index is damaged"},
      {"schema", E, 500, 3, "the index was built with another schema version: re-ingest"},
      {"text_pipeline", E, 500, 3, "an ICU stage cannot be created"},
      {"xml", E, 500, 3, "libxml2 cannot be initialised"},
      {"address_in_use", E, 500, 3, "the server cannot listen on its address"},
      {"internal", E, 500, 3, "a bug: please report it"},
  };
  return table;
}

const ErrorCode* find_error_code(std::string_view code) {
  const auto& t = error_codes();
  auto it = std::find_if(t.begin(), t.end(), [&](const ErrorCode& c) { return c.code == code; });
  return it == t.end() ? nullptr : &*it;
}

const ErrorCode& error_code_of(const Error& e) {
  if (const ErrorCode* c = find_error_code(e.code())) return *c;
  return *find_error_code(dynamic_cast<const UserError*>(&e) ? "malformed" : "internal");
}

}  // namespace tongwen
