// The read side: queries, facets, snippets and documents over the index. HTTP handlers and the
// CLI see this facade and the model types, never Xapian (STYLE practice 2).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tongwen/config.h"
#include "tongwen/load_history.h"
#include "tongwen/model.h"

namespace tongwen {

struct SearchRequest {
  std::string q;  // the query language (README "Query syntax"); empty = every document
  // Facet selections: field -> values. OR within a field, AND across fields.
  std::map<std::string, std::vector<std::string>> filters;
  std::string from, to;  // date range, inclusive: YYYY, YYYY-MM or YYYY-MM-DD
  int page = 1;          // 1-based
  int size = 10;
  std::string sort = "relevance";  // relevance | date (newest first) | date-asc
  std::optional<bool> expand;      // cross-language glossary expansion (default from settings)
  bool facets = true;
  int facet_limit = 0;   // values per facet; 0 = search.facet_limit
  bool snippets = true;  // false: hits carry metadata only (cheaper for listing ids)
  // Language of entity facet values: "en", "zh" (= "zh-Hans"), "zh-Hant"; "" = the query's.
  std::string ui;
};

// An entity's preferred names: language (en, zh-Hans, zh-Hant) -> name.
using EntityNames = std::map<std::string, std::string>;

// A highlighted span, in code points of the plain snippet text.
struct Span {
  std::uint32_t start = 0, length = 0;
};

struct Snippet {
  std::string text;  // plain text, "…" where cut
  std::string html;  // HTML-escaped text with <mark>…</mark> around matches
  std::vector<Span> highlights;
  int paragraph = -1;  // index of the paragraph it comes from (-1: title/description)
};

struct Hit {
  std::string id, title, lang, type, date, event;
  std::vector<std::string> speakers, topics;
  std::vector<EntityNames> speaker_names;  // per speaker, the names of its entity (may be empty)
  std::string translation_group;
  double score = 0;
  Snippet snippet;
  Snippet title_snippet;
};

struct FacetCount {
  std::string value;  // display form
  std::string key;    // normalised filter key
  std::uint64_t count = 0;
  bool selected = false;
  // Entity facets (speaker, topic, event; tongwen/authorities.h): the entity's id and names, and
  // the keys of all its names (for prefix matching). Empty for other facets.
  std::string id;
  EntityNames names;
  std::vector<std::string> keys;
};

struct Expansion {
  std::string from, to;  // "Belt and Road" -> "一带一路"
};

// Which shards of the archive answered a read (README "Shards", "When a remote shard fails"). A
// remote shard that is down, refuses or answers nothing within index.shard_timeout_ms is missing;
// the answer then comes from the others and is partial.
struct ShardStatus {
  std::size_t total = 1;
  std::vector<std::string> missing;  // locations, in index.shards order
  std::size_t answered() const { return total - missing.size(); }
  bool partial() const { return !missing.empty(); }
};

struct SearchResult {
  std::uint64_t total = 0;
  int page = 1, size = 10;
  std::vector<Hit> hits;
  std::vector<std::pair<std::string, std::vector<FacetCount>>> facets;  // in schema order
  std::vector<Expansion> expansions;
  std::string query_description;  // the parsed query, for debugging
  ShardStatus shards;
};

struct IndexStats {
  std::uint64_t documents = 0;
  std::string revision;
  std::string path;
  ShardStatus shards;
};

// Thread-safe: every method may be called from any thread (a pool of database handles inside).
class DatabasePool;
class Glossary;

class SearchService {
 public:
  SearchService(const std::string& index_dir, const Settings& settings);
  ~SearchService();
  SearchService(const SearchService&) = delete;
  SearchService& operator=(const SearchService&) = delete;

  // Throws UserError("bad_query" | "bad_parameter", message pointing at the problem).
  SearchResult search(const SearchRequest& request);
  // The stored document, or nullopt.
  std::optional<Document> document(const std::string& id);
  // Other versions of a document's translation group (not the document itself).
  std::vector<Document> translations(const Document& doc);
  // Facet values of a field starting with prefix (case- and width-insensitive), most frequent
  // first, counted over the whole index. Throws UserError("bad_parameter") for an unknown field.
  // Entity facets match any name or alias of an entity and count its documents; ui as in
  // SearchRequest ("" = en). `shards`, when given, receives the shards that answered.
  std::vector<FacetCount> facet_values(const std::string& field, const std::string& prefix, int limit,
                                       const std::string& ui = "", ShardStatus* shards = nullptr);
  // The names of each speaker's entity, in order (an empty map for a name the table lacks).
  std::vector<EntityNames> speaker_names(const Document& doc);
  // Answers even when index.require_all_shards is set and a shard is missing (its `shards` says so).
  IndexStats stats();
  // The load history (core tongwen/load_history.h): every load's header, oldest first; one load
  // with its detail, or nothing for an unknown id.
  std::vector<LoadRecord> loads();
  std::optional<LoadRecord> load(const std::string& id);
  // Looks for new commits now (the service also does so every server.reopen_seconds).
  void refresh();
  // The index handles and the glossary, shared with the server's other read services (one of
  // each per process).
  DatabasePool& pool();
  const Glossary* glossary() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tongwen
