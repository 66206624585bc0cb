#include <algorithm>
#include <cctype>
#include <filesystem>

#include "converters.h"
#include "tongwen/converter.h"
#include "tongwen/errors.h"

namespace tongwen {

ConvertLimits ConvertLimits::from(const Settings& s) {
  ConvertLimits l;
  l.max_file_bytes = s.convert.max_file_mb << 20;
  l.max_unzipped_bytes = s.convert.max_unzipped_mb << 20;
  l.max_xml_depth = s.convert.max_xml_depth;
  l.timeout_seconds = s.convert.timeout_seconds;
  l.worker_memory_mb = s.convert.worker_memory_mb;
  return l;
}

const ConverterRegistry& ConverterRegistry::standard() {
  static const ConverterRegistry registry = [] {
    ConverterRegistry r;
    register_builtin_converters(r);
    return r;
  }();
  return registry;
}

void ConverterRegistry::add(std::unique_ptr<Converter> c) {
  converters_.push_back(std::move(c));
}

const Converter* ConverterRegistry::find(std::string_view name) const {
  for (const auto& c : converters_)
    if (c->name() == name) return c.get();
  return nullptr;
}

namespace {

std::string lower_name(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return name;
}

bool ends_with_ext(const std::string& name, std::string_view ext) {
  return name.size() > ext.size() + 1 && name.compare(name.size() - ext.size(), ext.size(), ext) == 0 &&
         name[name.size() - ext.size() - 1] == '.';
}

}  // namespace

const Converter& ConverterRegistry::choose(const std::string& path, std::string_view head,
                                           std::string_view format) const {
  if (!format.empty()) {
    if (const Converter* c = find(format)) return *c;
    std::string names;
    for (const auto& c : converters_) names += (names.empty() ? "" : ", ") + std::string(c->name());
    throw ConvertError(path, "unsupported",
                       "unknown format \"" + std::string(format) + "\" (known: " + names + ")");
  }
  std::string name = lower_name(path);
  // Converters claiming the extension; the longest matching extension wins, sniffing breaks ties.
  const Converter* best = nullptr;
  int best_score = 0;
  std::size_t best_len = 0;
  for (const auto& c : converters_) {
    for (auto ext : c->extensions()) {
      if (!ends_with_ext(name, ext)) continue;
      int score = c->sniff(path, head);
      if (ext.size() > best_len || (ext.size() == best_len && score > best_score)) {
        best = c.get();
        best_score = score;
        best_len = ext.size();
      }
    }
  }
  if (best && best_score > 0) return *best;
  // Unknown or shared extension with no taker: sniff everything.
  const Converter* sniffed = nullptr;
  int sniffed_score = 0;
  for (const auto& c : converters_) {
    int score = c->sniff(path, head);
    if (score > sniffed_score) {
      sniffed = c.get();
      sniffed_score = score;
    }
  }
  if (sniffed && sniffed_score >= 50) return *sniffed;
  if (best) return *best;
  throw ConvertError(path, "unsupported",
                     "no converter recognises this file (see `tongwen formats`; --format forces one)");
}

}  // namespace tongwen
