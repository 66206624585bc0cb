// Ground truth for search tests: the documents kept in memory and scanned by brute force on
// normalised text, independently of the index's term scheme.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "tongwen/authorities.h"
#include "tongwen/model.h"

namespace tongwen::test {

class BruteForce {
 public:
  explicit BruteForce(std::vector<Document> docs);

  // Ids of documents whose title, description or a paragraph contains `text` once both are
  // normalised (case, width, Traditional->Simplified): exact substring semantics for Chinese.
  std::set<std::string> substring(const std::string& text) const;
  // Ids of documents where the words occur consecutively (words and CJK characters as units,
  // within one title/description/paragraph): exact phrase semantics.
  std::set<std::string> phrase(const std::vector<std::string>& words) const;
  // Ids of documents containing a word whose English stem equals stem(word).
  std::set<std::string> stemmed_word(const std::string& word) const;
  // Ids of documents containing a word that starts with prefix (normalised).
  std::set<std::string> word_prefix(const std::string& prefix) const;
  // Ids of documents whose metadata carries the facet value (by facet key; topics include
  // ancestors, lang accepts the primary subtag).
  std::set<std::string> with_facet(const std::string& field, const std::string& value) const;
  // Word units (not CJK characters) of one searchable unit of document i.
  const std::vector<std::string>& unit_tokens(std::size_t doc, std::size_t unit) const {
    return unit_tokens_[doc][unit];
  }

  // Facet counts over a set of ids, keyed by facet key (schema::facet_key of the value):
  // field is speaker, topic (with ancestors), event, year, lang or type.
  std::map<std::string, std::size_t> facet_counts(const std::string& field,
                                                  const std::set<std::string>& ids) const;

  const std::vector<Document>& documents() const { return docs_; }
  // Entity facets (issue 13): from now on speaker, topic and event filter (with_facet: a name or
  // an id selects every document of its entities) and count (facet_counts: by entity id, each
  // once per document) by entity, the entity of each document's own keys taken from `tables`.
  void use_authorities(std::map<std::string, AuthorityTable> tables) { tables_ = std::move(tables); }
  // Normalised searchable units of document i.
  const std::vector<std::string>& units(std::size_t i) const { return norm_[i]; }

 private:
  std::vector<Document> docs_;
  std::vector<std::vector<std::string>> norm_;                      // per doc, per unit
  std::vector<std::vector<std::vector<std::string>>> unit_tokens_;  // per doc, per unit: words and CJK chars
  std::vector<std::map<std::string, std::set<std::string>>> facet_keys_;  // per doc: field -> keys
  std::map<std::string, AuthorityTable> tables_;
  const AuthorityTable* table(const std::string& field) const;
  // The entity ids (or keys the table lacks) of document i for an entity field.
  std::set<std::string> entity_ids(std::size_t i, const AuthorityTable& t, const std::string& field) const;
};

}  // namespace tongwen::test
