// Every Xapian user-metadata key Tongwen writes, in one table. A key is a prefix below followed by
// what names the record; no prefix begins another (test_core checks), so each family lists apart
// with Database::metadata_keys_begin(prefix). Modules keep their own names for these (for
// instance kAlignmentKeyPrefix) but define them from here.
#pragma once

#include <array>
#include <string_view>

namespace tongwen::metadata {

inline constexpr std::string_view kSchemaVersion = "tongwen:schema";  // the index's schema version
inline constexpr std::string_view kFacetDisplay = "facet:";       // + field ":" + key: a value's display form
inline constexpr std::string_view kAlignment = "align:";          // + id \t id: a stored alignment
inline constexpr std::string_view kLengthStats = "align-stats:";  // + lang \t lang: length model
inline constexpr std::string_view kTranslationTable = "align-lexicon:";  // + lang \t lang: learned lexicon
inline constexpr std::string_view kGroupRecord = "align-group:";         // + group: what was aligned for it
inline constexpr std::string_view kSourceRecord = "src:";     // + sha256(path): a source file's load state
inline constexpr std::string_view kLoad = "load:";            // + NNNNNN[:PPPP]: the load history
inline constexpr std::string_view kLoadSequence = "loadseq";  // the last load number given out
inline constexpr std::string_view kLoadKeep = "loadkeep:";    // + NNNNNN ":" ...: versions a load replaced
inline constexpr std::string_view kShardCount = "tongwen-shards";  // on shard 0: how many local shards
inline constexpr std::string_view kFacetOrdinal = "facetord:";     // + field ":" + key: its ordinal

inline constexpr std::array<std::string_view, 12> kAll = {
    kSchemaVersion, kFacetDisplay, kAlignment,    kLengthStats, kTranslationTable, kGroupRecord,
    kSourceRecord,  kLoad,         kLoadSequence, kLoadKeep,    kShardCount,       kFacetOrdinal};

}  // namespace tongwen::metadata
