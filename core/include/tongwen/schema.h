// The index schema: one table, the single source of truth for term prefixes, value slots and
// facets (STYLE practice 3, after Omega's values.h). The indexer writes with it, the search side
// reads with it; ARCHITECTURE.md reproduces it.
#pragma once

#include <xapian.h>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tongwen/metadata_keys.h"

namespace tongwen {
struct Document;
}

namespace tongwen::schema {

// Value slots.
enum Slot : Xapian::valueno {
  SLOT_DATE = 0,      // ISO date as written ("2023", "2023-05", "2023-05-17"): sorting, ranges
  SLOT_YEAR = 1,      // facet key of the year
  SLOT_LANG = 2,      // facet key of the language tag
  SLOT_TYPE = 3,      // facet key of the type
  SLOT_EVENT = 4,     // facet key of the event
  SLOT_SPEAKERS = 5,  // facet keys of the speakers (a serialised list)
  SLOT_TOPICS = 6,    // facet keys of the topics and all their ancestors (a serialised list)
  SLOT_GROUP = 7,     // translation group id
  SLOT_HASH = 8,      // sha256 of the source file + the converter version: change detection
  SLOT_ID = 9,        // the document id: breaks ties the same way over any number of shards
  // Date then id, for sort=date-asc (date "\0" id) and sort=date (date "\0" id with its bytes
  // inverted and a 0xFF end, so that a descending sort keeps ids ascending): one built-in value
  // sort that remote shards also do (a KeyMaker is "not supported for the remote backend").
  SLOT_DATE_ID_ASC = 10,
  SLOT_DATE_ID_DESC = 11,
  // Every facet key of the document as a small number (tongwen/facet_ordinals.h): one value read
  // per match counts all the facets, instead of one string slot per field.
  SLOT_FACET_ORDINALS = 12,
};

// The values of SLOT_DATE_ID_ASC and SLOT_DATE_ID_DESC.
std::string date_id_ascending(const std::string& date, const std::string& id);
std::string date_id_descending(const std::string& date, const std::string& id);

// Term prefixes. Free-text fields have an exact-term prefix (words, CJK bigrams and last
// characters, with positions) and a stem prefix ("Z" + prefix, English stems, no positions).
inline constexpr std::string_view PREFIX_ID = "Q";       // unique id term
inline constexpr std::string_view PREFIX_GROUP = "G";    // translation group
inline constexpr std::string_view PREFIX_FORMAT = "XF";  // converter name
inline constexpr std::string_view PREFIX_STEM = "Z";     // stem prefix marker

// Single: one value. Multi: a list, in the document's order. Hierarchical: a list in which
// `AI/Governance` also carries `AI`, each key once.
enum class FacetKind { None, Single, Multi, Hierarchical };
// How a facet's values are listed: most documents first (ties by key), or by value, newest first.
enum class FacetOrder { ByCount, ByValueDescending };

struct Field {
  std::string_view name;                // as used in the query language and the HTTP API
  std::string_view text_prefix;         // exact terms ("" = the body); empty view with has_text=false
  bool has_text;                        // searchable as free text (`name:word`)
  std::string_view filter_prefix;       // boolean term for exact filtering on a facet key
  std::optional<Xapian::valueno> slot;  // facet (or range) value slot
  FacetKind facet;
  FacetOrder order;    // the order of its facet values
  bool authority;      // its values are entities with names in several languages (authorities.h)
  bool language_tags;  // its values are BCP 47 tags: `zh` also filters zh-Hans and zh-Hant
  std::string_view description;
};

// The table. Order = the order facets are returned in.
inline constexpr auto C = FacetOrder::ByCount;
inline constexpr std::array<Field, 9> kFields{{
    {"body", "", true, "", std::nullopt, FacetKind::None, C, false, false,
     "title, description and paragraphs (the default field)"},
    {"title", "S", true, "", std::nullopt, FacetKind::None, C, false, false, "the document title"},
    {"speaker", "A", true, "XA", SLOT_SPEAKERS, FacetKind::Multi, C, true, false,
     "speaker names; filter and facet on the whole name"},
    {"topic", "K", true, "XK", SLOT_TOPICS, FacetKind::Hierarchical, C, true, false,
     "topics; `AI/Governance` also counts and filters under `AI`"},
    {"event", "E", true, "XE", SLOT_EVENT, FacetKind::Single, C, true, false, "the forum event"},
    {"year", "", false, "Y", SLOT_YEAR, FacetKind::Single, FacetOrder::ByValueDescending, false, false,
     "year of the date"},
    {"lang", "", false, "L", SLOT_LANG, FacetKind::Single, C, false, true,
     "language tag (zh-Hans, zh-Hant, en); `zh` filters both Chinese scripts"},
    {"type", "", false, "XT", SLOT_TYPE, FacetKind::Single, C, false, false,
     "speech, policy, transcript, ..."},
    {"date", "", false, "", SLOT_DATE, FacetKind::None, C, false, false,
     "ISO date; ranges `date:2019..2023`"},
}};

// The field named `name`, or nullptr.
const Field* find_field(std::string_view name) noexcept;
// Fields that have facet counts, in table order.
std::vector<const Field*> facet_fields();
// Fields whose values are entities (authority records), in table order.
std::vector<const Field*> authority_fields();
// Their names for a message: "speaker, topic, event".
std::string field_names(const std::vector<const Field*>& fields);

// The key under which a facet value is filtered and counted: the value through the text pipeline's
// normalisation (case, width, Traditional->Simplified), with surrounding space trimmed and inner
// runs of space collapsed, cut to fit Xapian's term length limit.
std::string facet_key(std::string_view value);
// What a document holds in a field, as written, in its order: the speakers' names, the topics,
// the event, the year of the date, ... (nothing for body, title and date).
std::vector<std::string> field_values(const Document& d, const Field& f);
// Its facet keys with their written forms, as indexed and counted: a hierarchical value with its
// ancestors, each key once (a Multi list keeps repeats, as the document has them); empty keys left
// out; a single-valued field at most one.
std::vector<std::pair<std::string, std::string>> facet_entries(const Document& d, const Field& f);
// Metadata key holding the display form of a facet key.
std::string facet_display_key(const Field& field, std::string_view key);
// Hierarchical values: "AI/Governance" -> {"AI", "AI/Governance"}.
std::vector<std::string> with_ancestors(std::string_view value);
// Language tags: "zh-Hans" -> {"zh-Hans", "zh"} (a filter on `zh` matches both scripts).
std::vector<std::string> lang_filter_values(std::string_view tag);

// Multi-valued slot contents.
std::string serialise_list(const std::vector<std::string>& items);
std::vector<std::string> unserialise_list(std::string_view data);

// Bump when the analysis or the schema changes: an index built by another version is refused
// with a message to rebuild it.
inline constexpr std::string_view kSchemaVersion = "tongwen-schema-2";  // 2: slots 9-11 (id, date+id)
inline constexpr std::string_view kSchemaVersionKey = metadata::kSchemaVersion;

// The one schema-version policy, for every reader and writer: an index is this program's when it
// carries kSchemaVersion, or when it holds no documents and no version (a new index: its first
// writer stamps it, stamp_version). Anything else throws EnvironmentError("schema") naming `dir`,
// both versions and the remedy.
void check_version(const Xapian::Database& db, const std::string& dir);
void stamp_version(Xapian::WritableDatabase& db);

}  // namespace tongwen::schema
