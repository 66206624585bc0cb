#include "tongwen/index_reader.h"

#include <Poco/File.h>

#include <algorithm>
#include <charconv>

#include "tongwen/config.h"
#include "tongwen/errors.h"
#include "tongwen/schema.h"

namespace tongwen::stored {

Archive::Archive(Xapian::Database one) : all_(one), shards_{std::move(one)} {}

Archive::Archive(std::vector<Xapian::Database> shards) : shards_(std::move(shards)) {
  for (const auto& s : shards_) all_.add_database(s);
}

std::string Archive::metadata(const std::string& key) const {
  for (const auto& s : shards_) {
    std::string v = s.get_metadata(key);
    if (!v.empty()) return v;
  }
  return {};
}

std::vector<std::string> Archive::metadata_keys(const std::string& prefix) const {
  std::vector<std::string> out;
  for (const auto& s : shards_)
    for (auto it = s.metadata_keys_begin(prefix); it != s.metadata_keys_end(prefix); ++it) out.push_back(*it);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string revision_of(const Xapian::Database& shard) {
  try {
    return std::to_string(shard.get_revision());
  } catch (const Xapian::UnimplementedError&) {
    // The remote backend gives no revision: the document count and last docid stand in (they
    // miss a commit that only replaces documents or changes metadata).
    return "r" + std::to_string(shard.get_doccount()) + "/" + std::to_string(shard.get_lastdocid());
  }
}

std::string Archive::stamp() const {
  std::string out;
  for (const auto& s : shards_) {
    try {
      out += s.get_uuid();  // a restored or rebuilt index is another database
    } catch (const Xapian::UnimplementedError&) {
    }
    out += ":" + revision_of(s) + ";";
  }
  return out;
}

std::size_t shard_of(std::string_view group_or_id, std::size_t count) {
  if (count <= 1) return 0;
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : group_or_id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return static_cast<std::size_t>(h % count);
}

std::string local_shard_dir(const std::string& index_dir, std::size_t k) {
  return k == 0 ? index_dir : index_dir + "-" + std::to_string(k);
}

std::vector<std::string> shard_locations(const std::string& index_dir, const Settings& settings) {
  if (!settings.index.shards.empty()) return split_shards(settings.index.shards);
  std::vector<std::string> out{index_dir};
  if (!Poco::File(index_dir).exists()) return out;
  std::string n = open(index_dir).get_metadata(std::string(metadata::kShardCount));
  std::size_t count = 1;
  auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), count);
  if (!n.empty() && (ec != std::errc() || end != n.data() + n.size() || count < 1))
    throw EnvironmentError("index",
                           "index " + index_dir + " records an unreadable shard count \"" + n + "\"");
  for (std::size_t k = 1; k < count; ++k) out.push_back(local_shard_dir(index_dir, k));
  return out;
}

Xapian::Database open_shard(const std::string& location, int timeout_ms) {
  std::string host;
  int port = 0;
  if (parse_tcp_shard(location, host, port))
    return Xapian::Remote::open(host, static_cast<unsigned>(port), static_cast<unsigned>(timeout_ms),
                                static_cast<unsigned>(timeout_ms));
  return Xapian::Database(location);
}

Archive open_archive(const std::string& index_dir, const Settings& settings) {
  std::vector<Xapian::Database> shards;
  for (const auto& loc : shard_locations(index_dir, settings)) {
    try {
      shards.push_back(open_shard(loc, settings.index.shard_timeout_ms));
    } catch (const Xapian::Error& e) {
      throw EnvironmentError("index", "cannot open shard " + loc + ": " + e.get_description());
    }
  }
  if (shards.size() == 1) return Archive(std::move(shards[0]));
  return Archive(std::move(shards));
}

Xapian::Database open(const std::string& index_dir) {
  try {
    return Xapian::Database(index_dir);
  } catch (const Xapian::Error& e) {
    throw EnvironmentError("index", "cannot open index " + index_dir + ": " + e.get_description());
  }
}

std::optional<Xapian::docid> find(const Xapian::Database& db, std::string_view id) {
  std::string term = std::string(schema::PREFIX_ID) + std::string(id);
  auto it = db.postlist_begin(term);
  if (it == db.postlist_end(term)) return std::nullopt;
  return *it;
}

std::optional<Document> load(const Xapian::Database& db, std::string_view id) {
  auto did = find(db, id);
  if (!did) return std::nullopt;
  return unserialise(db.get_document(*did).get_data());
}

std::vector<Document> group(const Xapian::Database& db, std::string_view translation_group) {
  std::vector<Document> out;
  if (translation_group.empty()) return out;
  std::string term = std::string(schema::PREFIX_GROUP) + std::string(translation_group);
  for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it)
    out.push_back(unserialise(db.get_document(*it).get_data()));
  std::sort(out.begin(), out.end(), [](const Document& a, const Document& b) { return a.id < b.id; });
  return out;
}

std::optional<Alignment> alignment(const Archive& archive, std::string_view id_a, std::string_view id_b) {
  std::string data = archive.metadata(alignment_key(id_a, id_b));
  if (data.empty()) return std::nullopt;
  Alignment a = unserialise_alignment(data);
  if (a.source_id != id_a) a = a.inverted();
  return a;
}

}  // namespace tongwen::stored
