// ArchiveModels: the archive's length statistics and learned word translations, read from an
// index's metadata for aligning texts that are not in it (two files, two texts over HTTP).
#include <fstream>
#include <mutex>
#include <sstream>

#include "tongwen/align.h"
#include "tongwen/errors.h"

namespace tongwen {

namespace {
// The dictionary's translation weight (a learned pair's Dice coefficient is 0.15-1) and its chance
// level, tuned on the dev folds of test_alignment_quality_paths (weight 0.2/0.3/0.5/0.8 x chance
// 0.001-0.02): WMT glossary + dictionary F1 0.9409 and TED 0.9569 at 0.3/0.002; with no chance
// prior (a document's own estimate only) WMT conversations fell to 0.893, one-sentence documents
// losing their only pair; at 0.005 and above recall falls (WMT 0.859 at 0.005).
constexpr double kDictionaryWeight = 0.3;
constexpr double kDictionaryChance = 0.002;
}  // namespace

ArchiveModels ArchiveModels::read(const stored::Archive& db) {
  // Each shard learns its models from its own pairs; with several shards the first shard that has
  // a model gives it (stored::Archive::metadata).
  ArchiveModels m;
  for (const std::string& key : db.metadata_keys(std::string(kLengthStatsKeyPrefix))) {
    LengthStats st = LengthStats::parse(db.metadata(key));
    if (st.n <= 0) continue;
    m.stats_[key] = st;
    m.swapped_[key] = st.swapped();
  }
  for (const std::string& key : db.metadata_keys(std::string(kTranslationTableKeyPrefix))) {
    TranslationTable t = TranslationTable::parse(db.metadata(key));
    if (!t.empty()) m.tables_.emplace(key, std::move(t));
  }
  return m;
}

const TranslationTable* ArchiveModels::table_for(const Document& source, const Document& target) const {
  std::string key = translation_table_key(source.lang, target.lang);
  if (key.empty()) return nullptr;
  auto it = tables_.find(key);
  if (it != tables_.end()) return &it->second;
  return dictionary_ && !dictionary_->empty() ? dictionary_.get() : nullptr;
}

AlignOptions ArchiveModels::options(const Document& source, const Document& target,
                                    const Lexicon* glossary) const {
  AlignOptions o;
  o.lexicon = glossary;
  bool swapped = false;
  std::string key = LengthStats::key(source.lang, target.lang, &swapped);
  const auto& stats = swapped ? swapped_ : stats_;
  if (auto it = stats.find(key); it != stats.end()) o.stats = &it->second;
  o.translations = table_for(source, target);
  return o;
}

std::string ArchiveModels::lexicon_label(const Document& source, const Document& target) const {
  const TranslationTable* t = table_for(source, target);
  if (!t) return "glossary only";
  return (t == dictionary_.get() ? "glossary + dictionary (" : "archive (") + std::to_string(t->size()) +
         " pairs)";
}

std::shared_ptr<const TranslationTable> alignment_dictionary(const Settings& settings) {
  const std::string& path = settings.align.dictionary;
  if (path.empty()) return nullptr;
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const TranslationTable>> loaded;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = loaded.find(path); it != loaded.end()) return it->second;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (path == Settings{}.align.dictionary) return nullptr;  // the default, not installed here
    throw UserError("config", "align.dictionary = " + path + ": no such file");
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto t = std::make_shared<const TranslationTable>(
      TranslationTable::from_dictionary(text.str(), kDictionaryWeight, kDictionaryChance));
  loaded.emplace(path, t);
  return t;
}

}  // namespace tongwen
