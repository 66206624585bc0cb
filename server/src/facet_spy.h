// Exact facet counts over several value slots in one pass, multi-valued slots included
// (Xapian's ValueCountMatchSpy counts whole slot strings only).
#pragma once

#include <xapian.h>

#include "tongwen/authorities.h"

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
  };
  explicit FacetSpy(std::vector<SlotSpec> slots);
  void operator()(const Xapian::Document& doc, double wt) override;
  // key -> number of matching documents carrying it, per slot (in constructor order).
  const std::unordered_map<std::string, Xapian::doccount>& counts(std::size_t i) const { return counts_[i]; }
  Xapian::doccount seen() const { return seen_; }

 private:
  std::vector<SlotSpec> slots_;
  std::vector<std::unordered_map<std::string, Xapian::doccount>> counts_;
  Xapian::doccount seen_ = 0;
  std::string key_, group_;
  std::vector<int> counted_;  // entities already counted for the current document
};

}  // namespace tongwen
