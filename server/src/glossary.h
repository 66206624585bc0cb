// A bilingual glossary for cross-language query expansion: "Belt and Road" <-> "一带一路".
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tongwen {

class Glossary {
 public:
  // Loads a TSV file: one entry per line, the English term, a tab, the Chinese term(s) (more
  // tabs: variants). Lines starting with # are comments. Throws UserError("config") naming the
  // file and line on a malformed entry; EnvironmentError when the file cannot be read.
  static Glossary load(const std::string& path);
  void add(const std::vector<std::string>& variants);

  // Other-language forms of a term (matched after normalisation), empty when unknown.
  const std::vector<std::string>* translations(std::string_view term) const;
  // Longest number of words an English entry has (for matching runs of bare words).
  std::size_t max_words() const { return max_words_; }
  std::size_t size() const { return entries_.size(); }

 private:
  std::vector<std::vector<std::string>> entries_;
  std::unordered_map<std::string, std::vector<std::string>> index_;  // normalised form -> others
  std::size_t max_words_ = 1;
};

}  // namespace tongwen
