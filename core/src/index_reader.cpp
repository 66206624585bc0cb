#include "tongwen/index_reader.h"

#include <algorithm>

#include "tongwen/errors.h"
#include "tongwen/schema.h"

namespace tongwen::stored {

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

std::optional<Alignment> alignment(const Xapian::Database& db, std::string_view id_a, std::string_view id_b) {
  std::string data = db.get_metadata(alignment_key(id_a, id_b));
  if (data.empty()) return std::nullopt;
  Alignment a = unserialise_alignment(data);
  if (a.source_id != id_a) a = a.inverted();
  return a;
}

}  // namespace tongwen::stored
