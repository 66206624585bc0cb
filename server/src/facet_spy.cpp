#include "facet_spy.h"

#include <algorithm>

#include "tongwen/schema.h"

namespace tongwen {

FacetSpy::FacetSpy(std::vector<SlotSpec> slots, const facets::Dictionary* dictionary)
    : slots_(std::move(slots)),
      dict_(dictionary && !dictionary->empty() ? dictionary : nullptr),
      counts_(slots_.size()),
      by_ordinal_(slots_.size()),
      by_entity_(slots_.size()),
      entity_(slots_.size()) {
  if (!dict_) return;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    std::size_t f = slots_[i].ordinal_field;
    if (f >= dict_->keys.size()) continue;
    by_ordinal_[i].assign(dict_->keys[f].size(), 0);
    entity_[i].assign(dict_->keys[f].size(), kUnknown);
    if (slots_[i].table) by_entity_[i].assign(slots_[i].table->entities().size(), 0);
  }
}

void FacetSpy::operator()(const Xapian::Document& doc, double) {
  ++seen_;
  if (dict_ && count_ordinals(doc)) {
    ++from_ordinals_;
    return;
  }
  count_strings(doc);
}

int FacetSpy::entity_of(std::size_t i, std::uint32_t ord) {
  int& e = entity_[i][ord];
  if (e != kUnknown) return e;
  const std::string& key = dict_->keys[slots_[i].ordinal_field][ord];
  std::vector<int> all = slots_[i].table->by_key(key);
  e = all.empty() ? -1 : all.size() == 1 ? all[0] : kByGroup;
  return e;
}

bool FacetSpy::count_ordinals(const Xapian::Document& doc) {
  std::string packed = doc.get_value(schema::SLOT_FACET_ORDINALS);
  if (packed.empty() || !facets::unpack(packed, ords_)) return false;
  // Every ordinal must be one the dictionary knows (else the whole document from its strings).
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    std::size_t f = slots_[i].ordinal_field;
    if (f >= ords_.size() || f >= dict_->keys.size()) return false;
    for (auto o : ords_[f])
      if (o >= dict_->keys[f].size() || dict_->keys[f][o].empty()) return false;
  }
  bool have_group = false;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const auto& ords = ords_[slots_[i].ordinal_field];
    const AuthorityTable* table = slots_[i].table;
    if (!table) {
      for (auto o : ords) ++by_ordinal_[i][o];
      continue;
    }
    counted_.clear();
    for (auto o : ords) {
      int e = entity_of(i, o);
      if (e == kByGroup) {
        if (!have_group) {
          group_ = doc.get_value(schema::SLOT_GROUP);
          have_group = true;
        }
        e = table->resolve(dict_->keys[slots_[i].ordinal_field][o], group_);
      }
      if (e < 0) {  // not in the table (it was built from another revision): the key itself
        ++by_ordinal_[i][o];
        continue;
      }
      if (std::find(counted_.begin(), counted_.end(), e) != counted_.end()) continue;
      counted_.push_back(e);
      ++by_entity_[i][static_cast<std::size_t>(e)];
    }
  }
  return true;
}

void FacetSpy::count_strings(const Xapian::Document& doc) {
  bool have_group = false;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    std::string v = doc.get_value(slots_[i].slot);
    if (v.empty()) continue;
    const AuthorityTable* table = slots_[i].table;
    counted_.clear();
    auto count = [&](const std::string& key) {
      if (!table) {
        ++counts_[i][key];
        return;
      }
      if (!have_group) {
        group_ = doc.get_value(schema::SLOT_GROUP);
        have_group = true;
      }
      int e = table->resolve(key, group_);
      if (e < 0) {  // not in the table (it was built from another revision): the key itself
        ++counts_[i][key];
        return;
      }
      if (std::find(counted_.begin(), counted_.end(), e) != counted_.end()) return;
      counted_.push_back(e);
      ++counts_[i][table->entities()[static_cast<std::size_t>(e)].id];
    };
    if (!slots_[i].multi) {
      count(v);
      continue;
    }
    std::size_t start = 0;
    while (true) {
      auto nul = v.find('\0', start);
      key_.assign(v, start, nul == std::string::npos ? std::string::npos : nul - start);
      count(key_);
      if (nul == std::string::npos) break;
      start = nul + 1;
    }
  }
}

std::unordered_map<std::string, Xapian::doccount> FacetSpy::counts(std::size_t i) const {
  std::unordered_map<std::string, Xapian::doccount> out = counts_[i];
  for (std::size_t o = 0; o < by_ordinal_[i].size(); ++o)
    if (by_ordinal_[i][o]) out[dict_->keys[slots_[i].ordinal_field][o]] += by_ordinal_[i][o];
  for (std::size_t e = 0; e < by_entity_[i].size(); ++e)
    if (by_entity_[i][e]) out[slots_[i].table->entities()[e].id] += by_entity_[i][e];
  return out;
}

}  // namespace tongwen
