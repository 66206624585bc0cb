// Exact facet counts over several value slots in one pass, multi-valued slots included
// (Xapian's ValueCountMatchSpy counts whole slot strings only).
#pragma once

#include <xapian.h>

#include "tongwen/authorities.h"
#include "tongwen/facet_ordinals.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace tongwen {

class FacetSpy : public Xapian::MatchSpy {
 public:
  struct SlotSpec {
    Xapian::valueno slot;
    bool multi;  // the slot holds a NUL-separated list of keys
    // Entity facets: keys are counted as their entity's id, each entity once per document.
    const AuthorityTable* table = nullptr;
    // The field's place among schema::facet_fields(): where its ordinals are in
    // SLOT_FACET_ORDINALS (npos: count from the string slot only).
    std::size_t ordinal_field = static_cast<std::size_t>(-1);
  };
  // With a dictionary, a document carrying ordinals it knows is counted from SLOT_FACET_ORDINALS
  // (one value read for every slot); any other from the string slots. Both give the same counts.
  explicit FacetSpy(std::vector<SlotSpec> slots, const facets::Dictionary* dictionary = nullptr);
  void operator()(const Xapian::Document& doc, double wt) override;
  // key -> number of matching documents carrying it, for slot i (in constructor order).
  std::unordered_map<std::string, Xapian::doccount> counts(std::size_t i) const;
  Xapian::doccount seen() const { return seen_; }
  // Documents counted from their ordinals (the rest from the string slots).
  Xapian::doccount from_ordinals() const { return from_ordinals_; }

 private:
  bool count_ordinals(const Xapian::Document& doc);
  void count_strings(const Xapian::Document& doc);
  // The entity of ordinal `ord` of slot i when it does not depend on the translation group, else
  // kByGroup (the key names several entities) or -1 (not an entity: counted as its key).
  int entity_of(std::size_t i, std::uint32_t ord);

  static constexpr int kUnknown = -2, kByGroup = -3;
  std::vector<SlotSpec> slots_;
  const facets::Dictionary* dict_;
  std::vector<std::unordered_map<std::string, Xapian::doccount>> counts_;  // from strings
  std::vector<std::vector<Xapian::doccount>> by_ordinal_;                  // per slot: ordinal -> documents
  std::vector<std::vector<Xapian::doccount>> by_entity_;                   // per slot: entity -> documents
  std::vector<std::vector<int>> entity_;  // per slot: ordinal -> entity_of cache
  facets::Ordinals ords_;
  Xapian::doccount seen_ = 0, from_ordinals_ = 0;
  std::string key_, group_;
  std::vector<int> counted_;  // entities already counted for the current document
};

}  // namespace tongwen
