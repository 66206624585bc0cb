// Read-only access to stored documents and alignments by identity: the one place that turns a
// document id or a translation group into Xapian terms (schema::PREFIX_ID, PREFIX_GROUP) and stored
// data, and a pair of ids into its stored alignment. Used by the
// CLI, the search and bilingual services, export, check and the writer.
#pragma once

#include <xapian.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tongwen/alignment.h"
#include "tongwen/model.h"

namespace tongwen::stored {

// The index at `index_dir`, read-only; EnvironmentError("index", "cannot open index DIR: ...")
// when it cannot be opened.
Xapian::Database open(const std::string& index_dir);
// The document id's Xapian docid, or nothing when no document has that id.
std::optional<Xapian::docid> find(const Xapian::Database& db, std::string_view id);
// The stored document with that id, or nothing. Stored data that does not read throws
// EnvironmentError("corrupt_index").
std::optional<Document> load(const Xapian::Database& db, std::string_view id);
// Every stored document of a translation group, sorted by id ("" -> none).
std::vector<Document> group(const Xapian::Database& db, std::string_view translation_group);

// The stored alignment of two documents, oriented with `id_a` as source; nothing if none.
std::optional<Alignment> alignment(const Xapian::Database& db, std::string_view id_a, std::string_view id_b);

}  // namespace tongwen::stored
