// The bilingual glossary (search.glossary, config/glossary.tsv): "Belt and Road" <-> "一带一路".
// One reader for every use: cross-language query expansion and the concordance's likely
// translation (server), lexical anchors of the aligner (indexer). Loaded once per process.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tongwen {

struct Settings;

class Glossary {
 public:
  // The glossary of search.glossary, loaded on first use and shared by every caller of this
  // process. nullptr when the key is empty, or when it keeps its built-in default and that file
  // does not exist; a file configured explicitly that does not exist is a UserError
  // ("config": exit 2) naming the key and the path, so a server or a load never starts without it.
  static std::shared_ptr<const Glossary> configured(const Settings& settings);

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
  // Each entry as written: the English term first, then its Chinese forms (empty fields dropped).
  const std::vector<std::vector<std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::vector<std::string>> entries_;
  std::unordered_map<std::string, std::vector<std::string>> index_;  // normalised form -> others
  std::size_t max_words_ = 1;
};

}  // namespace tongwen
