#include "tongwen/glossary.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>

#include <Poco/File.h>

#include "tongwen/config.h"
#include "tongwen/errors.h"
#include "tongwen/text.h"
#include "tongwen/util.h"

namespace tongwen {

namespace {

std::string key_of(std::string_view term) {
  // Normalised tokens joined by single spaces: case, width and script differences vanish.
  std::string norm = text::Analyzer::instance().normalize(term);
  std::string key;
  bool space = false;
  for (char c : norm) {
    if (static_cast<unsigned char>(c) <= ' ') {
      space = !key.empty();
      continue;
    }
    if (space) key.push_back(' ');
    space = false;
    key.push_back(c);
  }
  return key;
}

std::size_t word_count(std::string_view s) {
  std::size_t n = 0;
  bool in = false;
  for (char c : s) {
    bool sp = c == ' ';
    if (!sp && !in) ++n;
    in = !sp;
  }
  return n;
}

}  // namespace

std::shared_ptr<const Glossary> Glossary::configured(const Settings& settings) {
  const std::string& path = settings.search.glossary;
  if (path.empty()) return nullptr;
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const Glossary>> loaded;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = loaded.find(path); it != loaded.end()) return it->second;
  if (!Poco::File(path).exists()) {
    if (path == Settings{}.search.glossary) return nullptr;  // the default, not shipped here
    throw UserError("config", "search.glossary = " + path + ": no such file");
  }
  auto g = std::make_shared<const Glossary>(load(path));
  loaded.emplace(path, g);
  return g;
}

Glossary Glossary::load(const std::string& path) {
  Glossary g;
  for_each_data_line(path, "glossary", [&](const std::string& line, int n) {
    std::vector<std::string> parts = split_fields(line, '\t');
    std::erase_if(parts, [](const std::string& p) { return p.empty(); });
    if (parts.size() < 2)
      throw UserError("config",
                      path + ":" + std::to_string(n) +
                          ": a glossary line needs an English and a Chinese term separated by a tab");
    g.add(parts);
  });
  return g;
}

void Glossary::add(const std::vector<std::string>& variants) {
  entries_.push_back(variants);
  for (const auto& v : variants) {
    std::string k = key_of(v);
    auto& others = index_[k];
    for (const auto& o : variants)
      if (key_of(o) != k && std::find(others.begin(), others.end(), o) == others.end()) others.push_back(o);
    max_words_ = std::max(max_words_, word_count(k));
  }
}

const std::vector<std::string>* Glossary::translations(std::string_view term) const {
  auto it = index_.find(key_of(term));
  return it == index_.end() || it->second.empty() ? nullptr : &it->second;
}

}  // namespace tongwen
