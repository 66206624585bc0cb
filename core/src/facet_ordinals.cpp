#include "tongwen/facet_ordinals.h"

#include <charconv>

#include "tongwen/index_reader.h"
#include "tongwen/metadata_keys.h"
#include "varint.h"

namespace tongwen::facets {

std::string ordinal_key(const schema::Field& f, const std::string& key) {
  std::string k(metadata::kFacetOrdinal);
  k.append(f.name);
  k.push_back(':');
  k.append(key);
  return k;
}

std::string pack(const Ordinals& ordinals) {
  std::string out;
  for (const auto& field : ordinals) {
    binary::put_varint(out, field.size());
    for (auto o : field) binary::put_varint(out, o);
  }
  return out;
}

namespace {

// One LEB128 number of at most 32 bits; false at the end of the data or on a longer one.
inline bool next(std::string_view s, std::size_t& i, std::uint32_t& v) {
  v = 0;
  for (int shift = 0; shift < 35 && i < s.size(); shift += 7) {
    auto b = static_cast<unsigned char>(s[i++]);
    v |= static_cast<std::uint32_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

}  // namespace

bool unpack(std::string_view packed, Ordinals& out) {
  static const std::size_t fields = schema::facet_fields().size();  // once: this runs per match
  out.resize(fields);
  std::size_t i = 0;
  for (std::size_t f = 0; f < fields; ++f) {
    std::uint32_t n = 0;
    if (!next(packed, i, n) || n > packed.size()) return false;
    out[f].resize(n);
    for (std::uint32_t k = 0; k < n; ++k)
      if (!next(packed, i, out[f][k])) return false;
  }
  return i == packed.size();
}

bool Dictionary::empty() const {
  for (const auto& f : keys)
    if (!f.empty()) return false;
  return true;
}

Dictionary Dictionary::read(const stored::Archive& archive) {
  Dictionary d;
  const auto fields = schema::facet_fields();
  d.keys.resize(fields.size());
  const std::string prefix(metadata::kFacetOrdinal);
  for (const auto& k : archive.metadata_keys(prefix)) {
    auto colon = k.find(':', prefix.size());
    if (colon == std::string::npos) continue;
    std::string_view name(k.data() + prefix.size(), colon - prefix.size());
    std::size_t fi = 0;
    while (fi < fields.size() && fields[fi]->name != name) ++fi;
    if (fi == fields.size()) continue;
    std::string v = archive.metadata(k);
    std::uint32_t ord = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), ord);
    if (ec != std::errc() || end != v.data() + v.size() || ord > (1u << 24)) continue;
    auto& keys = d.keys[fi];
    if (keys.size() <= ord) keys.resize(ord + 1);
    keys[ord] = k.substr(colon + 1);
  }
  return d;
}

}  // namespace tongwen::facets
