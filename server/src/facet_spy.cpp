#include "facet_spy.h"

namespace tongwen {

FacetSpy::FacetSpy(std::vector<SlotSpec> slots) : slots_(std::move(slots)), counts_(slots_.size()) {}

void FacetSpy::operator()(const Xapian::Document& doc, double) {
  ++seen_;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    std::string v = doc.get_value(slots_[i].slot);
    if (v.empty()) continue;
    if (!slots_[i].multi) {
      ++counts_[i][v];
      continue;
    }
    std::size_t start = 0;
    while (true) {
      auto nul = v.find('\0', start);
      key_.assign(v, start, nul == std::string::npos ? std::string::npos : nul - start);
      ++counts_[i][key_];
      if (nul == std::string::npos) break;
      start = nul + 1;
    }
  }
}

}  // namespace tongwen
