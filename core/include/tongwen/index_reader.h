// Read-only access to stored documents and alignments by identity: the one place that turns a
// document id or a translation group into Xapian terms (schema::PREFIX_ID, PREFIX_GROUP) and stored
// data, and a pair of ids into its stored alignment. Used by the
// CLI, the search and bilingual services, export, check and the writer.
//
// An archive is one or more shards (local index folders or tcp://HOST:PORT of a xapian-tcpsrv),
// searched as one Xapian::Database (add_database). Xapian 1.4 answers get_metadata() and
// metadata_keys_begin() of a combined Database from its first shard only, so every user-metadata
// read goes through Archive::metadata() / metadata_keys(), which look in every shard.
#pragma once

#include <xapian.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tongwen/alignment.h"
#include "tongwen/model.h"

namespace tongwen {
struct Settings;
}

namespace tongwen::stored {

class Archive {
 public:
  Archive() = default;
  // A one-shard archive (implicit, so that a plain index reads as today). Do not pass a Database
  // that already combines shards: its metadata would be read from the first one only.
  Archive(Xapian::Database one);  // NOLINT(google-explicit-constructor)
  explicit Archive(std::vector<Xapian::Database> shards);

  // Every shard searched as one (ranking, totals and documents merged by Xapian).
  Xapian::Database& db() { return all_; }
  const Xapian::Database& db() const { return all_; }
  std::size_t size() const { return shards_.size(); }
  const Xapian::Database& shard(std::size_t i) const { return shards_[i]; }
  // The value of a user-metadata key: the first shard's that has one ("" when none has).
  std::string metadata(const std::string& key) const;
  // Metadata keys starting with `prefix` in any shard, sorted, each once.
  std::vector<std::string> metadata_keys(const std::string& prefix) const;
  // Changes when any shard commits (revision_of each; Database::get_revision() refuses a
  // combined Database).
  std::string stamp() const;

 private:
  Xapian::Database all_;
  std::vector<Xapian::Database> shards_;
};

// The shard (0 .. count-1) of a translation group, or of a document's id when it has none: FNV-1a
// (64 bits) of the bytes modulo count, the same on every platform and in every run.
std::size_t shard_of(std::string_view group_or_id, std::size_t count);
// A shard's revision ("12"); a remote shard, which does not tell its revision, gives "rDOCS/LASTDOCID".
std::string revision_of(const Xapian::Database& shard);
// The folder of local shard `k` of the index at `index_dir`: shard 0 is `index_dir` itself (one
// shard = the one-index layout), shard k is `index_dir-k`.
std::string local_shard_dir(const std::string& index_dir, std::size_t k);
// The shards of the archive: settings.index.shards when set, else the local shards recorded in
// the index at `index_dir` (metadata tongwen-shards on shard 0; none recorded = one shard).
std::vector<std::string> shard_locations(const std::string& index_dir, const Settings& settings);
// One shard read-only: a folder, or tcp://HOST:PORT through Xapian's remote backend with
// `timeout_ms` for connecting and for each answer. Throws Xapian errors (callers decide).
Xapian::Database open_shard(const std::string& location, int timeout_ms);
// Every shard of the archive; EnvironmentError("index", "cannot open shard LOCATION: ...").
Archive open_archive(const std::string& index_dir, const Settings& settings);

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
std::optional<Alignment> alignment(const Archive& archive, std::string_view id_a, std::string_view id_b);

}  // namespace tongwen::stored
