// Authority records: one entity (a speaker, a topic, an event) with its names in every language.
// Learned from the index itself: the versions of one translation group that name the same number of
// speakers (topics, events) name them in the same order, so the keys at each position are evidence
// of one entity. A curated file (search.authorities) overrides what was learned. Names whose facet
// keys are equal (case, width, Traditional/Simplified) are one name already (schema::facet_key).
//
// The table is derived from the index and nothing else (plus the curated file), so reloading,
// updating and deleting documents keep it right by construction: readers rebuild it when the
// index revision changes (server/src/search.cpp).
#pragma once

#include <Poco/JSON/Object.h>
#include <xapian.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "tongwen/config.h"
#include "tongwen/index_reader.h"

namespace tongwen {

struct AuthorityEntity {
  std::string id;                            // stable: a facet key of its preferred name
  std::map<std::string, std::string> names;  // preferred name per language: en, zh-Hans, zh-Hant
  std::vector<std::string> aliases;          // every other written form seen or curated
  std::vector<std::string> keys;             // facet keys of all its names (sorted)
  std::vector<std::string> groups;           // evidence: translation groups that paired its names
  std::uint64_t documents = 0;               // documents that carry it
  bool curated = false;                      // defined by a line of the curated file
  int line = 0;                              // that line
};

struct AuthorityConflict {
  std::vector<std::string> names;   // the written forms involved ("Wang Wei", 王伟, 王薇)
  std::vector<std::string> ids;     // the entities kept apart
  std::vector<std::string> groups;  // the translation groups that paired them
};

// Whether an entity with these facet keys (its names and aliases) is found by `key_prefix`, the
// facet key (schema::facet_key) of what was typed, computed once by the caller: a key starts with
// it, or, for a prefix of Latin letters, the toneless pinyin of a Chinese key starts with it,
// spaces ignored (`liu yang`, `liuy` and `Liu` find 刘洋). Finding never merges: two people whose
// names read alike are two entities, both found.
bool entity_found_by(const std::vector<std::string>& keys, const std::string& key_prefix);

// One line of the curated file.
struct CuratedEntity {
  std::string field, id;
  std::map<std::string, std::string> names;  // en, zh-Hans, zh-Hant (empty cells left out)
  std::vector<std::string> aliases;
  int line = 0;
};

// Reads the curated file: `field<TAB>id<TAB>en<TAB>zh-Hans<TAB>zh-Hant<TAB>aliases` (aliases
// separated by `|`; `#` starts a comment line). Throws UserError("bad_authority") naming the file
// and the line.
std::vector<CuratedEntity> load_curated_authorities(const std::string& path);
// The curated file of search.authorities: empty when the setting is empty or names the default
// file and that does not exist; UserError("config") when another file is missing.
std::vector<CuratedEntity> configured_authorities(const Settings& settings);

// What one document says about one field: its keys in order.
struct AuthorityObservation {
  Xapian::docid did = 0;
  std::string group;  // translation group ("" = none)
  std::string lang;   // en, zh-Hans, zh-Hant or another tag
  std::vector<std::string> keys;
  std::vector<std::string> names;  // the written forms of keys, same order; empty = display(key)
};

// What a document's own metadata says about a field, keyed as the indexer keys it (keys, written
// forms, group, lang: en, zh-Hans, zh-Hant or another tag; did left 0).
struct Document;
AuthorityObservation observe_document(const Document& d, const std::string& field);

class AuthorityTable {
 public:
  // display(key) = the written form of a key. Curated lines of other fields are ignored.
  static AuthorityTable build(const std::string& field, const std::vector<AuthorityObservation>& docs,
                              const std::function<std::string(const std::string&)>& display,
                              const std::vector<CuratedEntity>& curated);
  // Every field that has authority records (speaker, topic, event) read from the index.
  static std::map<std::string, AuthorityTable> from_index(const stored::Archive& archive,
                                                          const std::vector<CuratedEntity>& curated);
  static bool has_authorities(const std::string& field);

  const std::string& field() const { return field_; }
  const std::vector<AuthorityEntity>& entities() const { return entities_; }
  const std::vector<AuthorityConflict>& conflicts() const { return conflicts_; }
  // Index of the entity with this id, or -1.
  int by_id(const std::string& id) const;
  // Entities that have this key among their names (several only for a name two entities share).
  std::vector<int> by_key(const std::string& key) const;
  // The entity a document of translation group `group` means by `key`, or -1 for an unknown key.
  int resolve(const std::string& key, const std::string& group) const;
  // The Xapian query selecting every document of entity i (filter_prefix = the field's).
  Xapian::Query query(int i, const std::string& filter_prefix, std::string_view group_prefix) const;
  // The written form of entity i for a language ("en", "zh"/"zh-Hans", "zh-Hant").
  std::string name_in(int i, const std::string& lang) const;

 private:
  std::string field_;
  std::vector<AuthorityEntity> entities_;
  std::vector<AuthorityConflict> conflicts_;
  std::unordered_map<std::string, std::vector<int>> by_key_;
  std::map<std::pair<std::string, std::string>, int> by_group_key_;  // (group, shared key) -> entity
  std::unordered_map<std::string, int> by_id_;
  std::map<std::string, int> fallback_;  // shared key -> the entity of the name alone
};

// JSON of one entity: {id, names, aliases, documents, evidence, groups, curated?}.
Poco::JSON::Object::Ptr authority_entity_json(const AuthorityEntity& e);
// JSON of a table (the CLI's --json and the HTTP API): [{id, names, aliases, documents, evidence,
// groups, curated}] and conflicts.
std::string authorities_json(const AuthorityTable& t, bool conflicts_only);
// The curated file format of every table, for `tongwen authorities export`.
std::string authorities_tsv(const std::map<std::string, AuthorityTable>& tables);

}  // namespace tongwen
