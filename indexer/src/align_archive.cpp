// ArchiveModels: the archive's length statistics and learned word translations, read from an
// index's metadata for aligning texts that are not in it (two files, two texts over HTTP).
#include "tongwen/align.h"

namespace tongwen {

ArchiveModels ArchiveModels::read(const Xapian::Database& db) {
  ArchiveModels m;
  std::string prefix(kLengthStatsKeyPrefix);
  for (auto it = db.metadata_keys_begin(prefix); it != db.metadata_keys_end(prefix); ++it) {
    LengthStats st = LengthStats::parse(db.get_metadata(*it));
    if (st.n <= 0) continue;
    m.stats_[*it] = st;
    m.swapped_[*it] = st.swapped();
  }
  prefix = kTranslationTableKeyPrefix;
  for (auto it = db.metadata_keys_begin(prefix); it != db.metadata_keys_end(prefix); ++it) {
    TranslationTable t = TranslationTable::parse(db.get_metadata(*it));
    if (!t.empty()) m.tables_.emplace(*it, std::move(t));
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
