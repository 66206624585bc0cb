// Facet ordinals: each facet key of a field gets a number, given out by the writer in the order
// keys first appear and never changed or reused (metadata kFacetOrdinal + field ":" + key ->
// decimal ordinal, on shard 0). A document's keys are stored once more as ordinals in
// SLOT_FACET_ORDINALS, so that counting every facet of a match reads one short value and counts
// into arrays, where the string slots (kept for remote shards, sorting and old indexes) cost a
// value read, a split and a hash per key and field. An index without ordinals (or a document
// whose ordinals the dictionary does not know) is counted from the string slots.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tongwen/schema.h"

namespace tongwen {
namespace stored {
class Archive;
}

namespace facets {

// Ordinals of one document: per facet field (schema::facet_fields() order), its keys' ordinals.
using Ordinals = std::vector<std::vector<std::uint32_t>>;

// The metadata key holding the ordinal of `key` in field `f`.
std::string ordinal_key(const schema::Field& f, const std::string& key);

// SLOT_FACET_ORDINALS's value: per facet field a LEB128 count, then the ordinals.
std::string pack(const Ordinals& ordinals);
// Reads a packed value into `out` (resized to the facet fields); false when it is malformed.
bool unpack(std::string_view packed, Ordinals& out);

// Per facet field, ordinal -> key, as an archive records them.
struct Dictionary {
  std::vector<std::vector<std::string>> keys;  // facet_fields() order
  bool empty() const;
  static Dictionary read(const stored::Archive& archive);
};

}  // namespace facets
}  // namespace tongwen
