// ArchiveModels: the archive's length statistics and learned word translations, read from an
// index's metadata for aligning texts that are not in it (two files, two texts over HTTP).
#include "tongwen/align.h"

namespace tongwen {

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
  return it == tables_.end() ? nullptr : &it->second;
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
  return t ? "archive (" + std::to_string(t->size()) + " pairs)" : "glossary only";
}

}  // namespace tongwen
