#include "tongwen/schema.h"
#include "tongwen/metadata_keys.h"

#include <xapian.h>

#include <algorithm>

#include "tongwen/errors.h"
#include "tongwen/model.h"
#include "tongwen/text.h"

namespace tongwen::schema {

const Field* find_field(std::string_view name) noexcept {
  for (const auto& f : kFields)
    if (f.name == name) return &f;
  return nullptr;
}

std::vector<const Field*> facet_fields() {
  std::vector<const Field*> out;
  for (const auto& f : kFields)
    if (f.facet != FacetKind::None) out.push_back(&f);
  return out;
}

std::vector<const Field*> authority_fields() {
  std::vector<const Field*> out;
  for (const auto& f : kFields)
    if (f.authority) out.push_back(&f);
  return out;
}

std::string field_names(const std::vector<const Field*>& fields) {
  std::string out;
  for (const Field* f : fields) out += (out.empty() ? "" : ", ") + std::string(f->name);
  return out;
}

std::vector<std::string> field_values(const Document& d, const Field& f) {
  std::vector<std::string> out;
  auto one = [&](const std::string& v) {
    if (!v.empty()) out.push_back(v);
  };
  if (f.name == "speaker") {
    for (const auto& s : d.speakers) out.push_back(s.name);
  } else if (f.name == "topic") {
    out = d.topics;
  } else if (f.name == "event") {
    one(d.event);
  } else if (f.name == "year") {
    one(d.year());
  } else if (f.name == "lang") {
    one(d.lang);
  } else if (f.name == "type") {
    one(d.type);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> facet_entries(const Document& d, const Field& f) {
  std::vector<std::pair<std::string, std::string>> out;
  if (f.facet == FacetKind::None) return out;
  auto add = [&](const std::string& written) {
    std::string key = facet_key(written);
    if (key.empty()) return;
    if (f.facet != FacetKind::Multi &&
        std::any_of(out.begin(), out.end(), [&](const auto& e) { return e.first == key; }))
      return;
    out.emplace_back(std::move(key), written);
  };
  for (const auto& v : field_values(d, f)) {
    if (f.facet == FacetKind::Hierarchical) {
      for (const auto& level : with_ancestors(v)) add(level);
    } else {
      add(v);
    }
  }
  if (f.facet == FacetKind::Single && out.size() > 1) out.resize(1);
  return out;
}

void check_version(const Xapian::Database& db, const std::string& dir) {
  std::string version = db.get_metadata(std::string(kSchemaVersionKey));
  if (version == kSchemaVersion || (version.empty() && db.get_doccount() == 0)) return;
  throw EnvironmentError("schema", "index " + dir + " was built with schema \"" +
                                       (version.empty() ? std::string("(none)") : version) +
                                       "\"; this program uses \"" + std::string(kSchemaVersion) +
                                       "\": delete the folder and load the documents again");
}

void stamp_version(Xapian::WritableDatabase& db) {
  db.set_metadata(std::string(kSchemaVersionKey), std::string(kSchemaVersion));
}

std::string facet_key(std::string_view value) {
  std::string norm = text::Analyzer::instance().normalize(value);
  std::string out;
  out.reserve(norm.size());
  bool space = false;
  for (char c : norm) {
    if (static_cast<unsigned char>(c) <= ' ') {  // space and control characters (never NUL)
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  // Xapian terms are at most 245 bytes; leave room for the prefix, cut at a character boundary.
  constexpr std::size_t kMax = 200;
  if (out.size() > kMax) {
    std::size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  return out;
}

std::string facet_display_key(const Field& field, std::string_view key) {
  std::string k(metadata::kFacetDisplay);
  k += field.name;
  k += ':';
  k += key;
  return k;
}

std::vector<std::string> with_ancestors(std::string_view value) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while ((pos = value.find('/', pos)) != std::string_view::npos) {
    if (pos > 0) out.emplace_back(value.substr(0, pos));
    ++pos;
  }
  out.emplace_back(value);
  return out;
}

std::vector<std::string> lang_filter_values(std::string_view tag) {
  std::vector<std::string> out{std::string(tag)};
  auto dash = tag.find('-');
  if (dash != std::string_view::npos && dash > 0) out.emplace_back(tag.substr(0, dash));
  return out;
}

// Facet keys never contain NUL (facet_key drops control characters), so NUL separates them.
std::string date_id_ascending(const std::string& date, const std::string& id) {
  return date + '\0' + id;
}

std::string date_id_descending(const std::string& date, const std::string& id) {
  std::string out = date + '\0';
  for (unsigned char c : id) out += static_cast<char>(255 - c);
  out += '\xff';
  return out;
}

std::string serialise_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out.push_back('\0');
    out += i;
  }
  return out;
}

std::vector<std::string> unserialise_list(std::string_view data) {
  std::vector<std::string> out;
  if (data.empty()) return out;
  std::size_t start = 0;
  while (true) {
    auto nul = data.find('\0', start);
    out.emplace_back(data.substr(start, nul == std::string_view::npos ? nul : nul - start));
    if (nul == std::string_view::npos) break;
    start = nul + 1;
  }
  return out;
}

}  // namespace tongwen::schema
