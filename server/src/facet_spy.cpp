#include "facet_spy.h"

#include <algorithm>

#include "tongwen/schema.h"

namespace tongwen {

FacetSpy::FacetSpy(std::vector<SlotSpec> slots) : slots_(std::move(slots)), counts_(slots_.size()) {}

void FacetSpy::operator()(const Xapian::Document& doc, double) {
  ++seen_;
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

}  // namespace tongwen
