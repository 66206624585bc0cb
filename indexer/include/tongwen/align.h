// The aligner: two versions of a text (a translation group's members) -> an Alignment
// (core/include/tongwen/alignment.h), and the commit hook that keeps the index's stored
// alignments up to date.
//
// How it aligns:
//   - When both documents carry a source-given anchor on every paragraph (TED/WMT seg ids, TMX
//     tuids), paragraphs are paired by anchor (method "anchors", paragraph confidence 1), and
//     sentences are aligned inside each anchored pair.
//   - Otherwise (method "length+anchors") both texts are cut into units (sentences, and in
//     Chinese the clauses that a space separates: tongwen/sentences.h) and one dynamic programme
//     over units finds the monotone sequence of links of least cost. A link joins up to 3
//     sentences on each side (any number of clauses within them); 1-0 and 0-1 links take up what
//     has no counterpart. Consecutive units with the same text (subtitles repeat a line in every
//     cue it spans) share their length and lexical weight. A link's cost adds:
//       * Gale-Church length cost: delta = (l_t - c*l_s) / sqrt(s2 * (l_s + l_t/c) / 2), cost
//         -log(2 * (1 - Phi(|delta|))). Lengths count letters, digits and Han characters. c is the
//         pair's own length ratio (total target / total source), pulled toward the archive's ratio
//         for short texts; s2 comes from the archive (LengthStats) or a default per language pair;
//       * a prior on the shape in sentences (1-1 cheapest) and the kind of breaks merged inside
//         the link (clause < sentence < paragraph);
//       * lexical anchors: numbers, Latin words written inside Chinese text, glossary terms
//         (English <-> Chinese), and ? ! on both sides: a bonus for each shared anchor, a penalty
//         for each number or Latin word that the other side lacks;
//       * a bonus when the link ends at a paragraph end on both sides.
//     The search runs in a band around the length diagonal, widened until the best path stays
//     clear of its edges. Each link's confidence is its posterior probability (forward-backward
//     over the same costs).
//   - Paragraph links are the connected blocks of paragraphs that the sentence links join.
#pragma once

#include <xapian.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tongwen/alignment.h"
#include "tongwen/config.h"
#include "tongwen/glossary.h"
#include "tongwen/index_reader.h"
#include "tongwen/metadata_keys.h"
#include "tongwen/model.h"

namespace tongwen {

class IndexWriter;

// Bump when the aligner's output changes: stored alignments of an older version are recomputed
// the next time their group is touched.
inline constexpr int kAlignerVersion = 1;

// Lengths of anchored paragraph pairs, summed so that they can be added and retracted:
// x = length of the first language's text, y = the second's (LengthStats::key orders them).
struct LengthStats {
  double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  void add(double x, double y);
  void add(const LengthStats& o, double sign = 1.0);
  // The Gale-Church parameters y ~ N(c*x, s2*x): c = sy/sx, s2 = sum (y - c*x)^2 / sx.
  double ratio() const;
  double variance() const;
  LengthStats swapped() const;  // x and y exchanged
  std::string serialise() const;
  static LengthStats parse(std::string_view s);
  // Metadata key of the archive's stats for a language pair, and whether (a, b) is stored as
  // (b, a). Languages are compared by primary subtag ("zh-Hant" -> "zh").
  static std::string key(std::string_view lang_a, std::string_view lang_b, bool* swapped = nullptr);
};
inline constexpr std::string_view kLengthStatsKeyPrefix = metadata::kLengthStats;
// Pairs with fewer anchored paragraph pairs than this use the default model.
inline constexpr double kMinStatsPairs = 50;

// Bilingual glossary lines `English<TAB>中文[<TAB>繁體]` (config/glossary.tsv): terms that anchor
// an alignment when one side has the English and the other the Chinese.
class Lexicon {
 public:
  // The glossary's entries: the first term of each is English, the others its Chinese forms.
  static Lexicon from(const Glossary& glossary);
  void add(std::string_view english, std::string_view chinese);
  std::size_t size() const { return entries_.size(); }
  struct Entry {
    std::vector<std::string> en_words;  // lowercased English words
    std::u32string zh;                  // normalised (NFKC, case-folded, Simplified)
  };
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
};

// Word translations learned from aligned text (the archive's anchored pairs): Chinese characters
// and character bigrams (normalised to Simplified) <-> English word stems, associated by the Dice
// coefficient of their co-occurrence in aligned segments. Gives the aligner lexical evidence
// where a length model alone cannot tell which clause goes with which sentence.
class TranslationTable {
 public:
  struct LearnOptions {
    double min_dice = 0.15;  // keep pairs at least this associated
    int min_pair_count = 3;  // seen together in at least this many segment pairs
    int per_token = 4;       // best translations kept per Chinese token
    // Ignore tokens in more than this share of the segments: they co-occur with everything. Below
    // it, function words stay (if/如果, but/但是, because/因为): they mark where a clause belongs.
    double max_share = 0.15;
  };
  // pairs: (Chinese text, English text) of aligned segments.
  static TranslationTable learn(const std::vector<std::pair<std::string, std::string>>& pairs,
                                const LearnOptions& options);
  static TranslationTable learn(const std::vector<std::pair<std::string, std::string>>& pairs) {
    return learn(pairs, LearnOptions{});
  }
  // A table from a bilingual dictionary (the CC-CEDICT form scripts/setup writes: lines
  // "simplified<TAB>definition/definition/...", '#' comments): every Chinese word of one or two
  // characters with the content-word stems of its first definitions, each at `weight`. Entries
  // that only point elsewhere (variants, surnames, abbreviations) add nothing. `chance_prior` is
  // the table's chance level (there are no aligned pairs to measure it on).
  static TranslationTable from_dictionary(std::string_view tsv, double weight, double chance_prior);
  // Compact text form for index metadata; parse() of garbage gives an empty table.
  std::string serialise() const;
  static TranslationTable parse(std::string_view data);
  std::size_t size() const { return entries_; }
  bool empty() const { return entries_ == 0; }
  // The archive-wide chance level of lexical similarity: similarity per unit of translation mass
  // x English tokens over segment pairs near each other in the training data (mostly not
  // translations of each other), measured at learning time; 0 when unknown (a table stored by an
  // older version). The aligner blends it with a document's own estimate by the document's size,
  // so that a document of one or two sentences is not judged by its own pairs alone.
  double chance_prior() const { return chance_prior_; }

  // Chinese tokens (characters and bigrams, normalised) and English stems of a text.
  static std::vector<std::string> chinese_tokens(std::string_view utf8);
  static std::vector<std::string> english_tokens(std::string_view utf8);
  // Id of an English stem in this table (or -1), and the (stem id, weight) translations of a
  // Chinese token (nullptr when none).
  int english_id(const std::string& stem) const;
  const std::vector<std::pair<int, float>>* translations(const std::string& chinese_token) const;

 private:
  double measure_chance(const std::vector<std::pair<std::string, std::string>>& pairs) const;
  std::vector<std::string> english_;  // stem by id
  std::map<std::string, int> english_ids_;
  std::map<std::string, std::vector<std::pair<int, float>>> table_;  // Chinese token -> translations
  std::size_t entries_ = 0;
  double chance_prior_ = 0;
};

struct AlignOptions {
  // Ignore anchors even when both documents have them (the quality test realigns from text).
  bool ignore_anchors = false;
  const Lexicon* lexicon = nullptr;
  // Archive statistics for this language pair, oriented source -> target; nullptr or too few
  // pairs = the built-in default.
  const LengthStats* stats = nullptr;
  // Learned word translations (Chinese <-> English pairs only); nullptr = none.
  const TranslationTable* translations = nullptr;
};

// Aligns two documents. Thread-safe (no shared state). Paragraphs without text get no sentences.
Alignment align_documents(const Document& source, const Document& target, const AlignOptions& options = {});

// True when every paragraph has a non-empty anchor (and there is at least one paragraph).
bool fully_anchored(const Document& doc);

// Length statistics an anchored alignment contributes to the archive: one (x, y) per 1-1
// paragraph link, oriented as LengthStats::key orders the pair's languages. Empty unless the
// method is "anchors".
LengthStats anchored_length_stats(const Alignment& a, const Document& source, const Document& target);

// Letters, digits and Han characters in a UTF-8 string (the length unit of the length model).
std::size_t alignment_length(std::string_view utf8);

// The numbers the aligner matches across the two sides, as values ("46", "2500", "3500000",
// "3.5"): Arabic digits (1,000 = 1000), Chinese numerals (两千五百, 3.5亿, 二〇二〇, 百分之四十六) and
// English number words (twenty-five, 3 million, a thousand); values of 10 or more, or decimals.
std::vector<std::string> alignment_numbers(std::string_view utf8);

// --- Stored alignments -----------------------------------------------------------------------

// Metadata key of the translation table learned from the archive's anchored Chinese-English pairs:
// "align-lexicon:en\tzh" (TranslationTable::serialise()); "" for other language pairs.
std::string translation_table_key(std::string_view lang_a, std::string_view lang_b);
inline constexpr std::string_view kTranslationTableKeyPrefix = metadata::kTranslationTable;
// The table is learned again at commit time once the archive has this many anchored paragraph
// pairs and whenever their number has grown by a quarter since the last learning.
inline constexpr double kMinLexiconPairs = 200;

// The largest group whose members are aligned pairwise; bigger groups are aligned for their first
// kMaxGroupMembers members by id (and the fact is recorded in the group record).
inline constexpr std::size_t kMaxGroupMembers = 8;

// Record of what was aligned for a group: metadata "align-group:" + group.
inline constexpr std::string_view kGroupRecordPrefix = metadata::kGroupRecord;

// Recomputes the alignments of the given translation groups in the writer's index (the default
// commit hook): for each group, reads its members' stored documents, aligns every pair whose
// members changed since the group's record (or whose stored alignment is missing or from an older
// aligner), deletes the alignments of members that left, updates the archive's length statistics
// from anchored pairs, and learns the translation table again when those have grown enough. A
// group of one costs a term-frequency lookup and a metadata lookup (its record, to clean up after
// members that left); no document is read.
void align_groups(IndexWriter& writer, const std::set<std::string>& groups);

// The aligner's form of a glossary (Glossary::configured), built once per glossary and shared;
// nullptr for no glossary. align_groups takes the glossary of its IndexWriter.
std::shared_ptr<const Lexicon> alignment_lexicon(const std::shared_ptr<const Glossary>& glossary);

// The archive's learned alignment models, read once from an index's metadata (align-stats:*,
// align-lexicon:*): what aligning two files or two texts uses whenever an index is at hand, so that
// they align as well as two indexed documents. Default-constructed: no archive (glossary only).
class ArchiveModels {
 public:
  ArchiveModels() = default;
  static ArchiveModels read(const stored::Archive& db);
  // Options for aligning `source` with `target`: the glossary, plus the archive's length statistics
  // and word translations for their language pair when it has them. The options point into this
  // object and `glossary`.
  AlignOptions options(const Document& source, const Document& target, const Lexicon* glossary) const;
  // What options() gives the pair: "archive (N pairs)" when it uses learned word translations,
  // "glossary + dictionary (N pairs)" when it falls back on the dictionary, "glossary only"
  // otherwise.
  std::string lexicon_label(const Document& source, const Document& target) const;
  // The dictionary's word translations (alignment_dictionary()) for Chinese-English pairs that
  // the archive has learned no table for; nullptr = none.
  void set_dictionary(std::shared_ptr<const TranslationTable> dictionary) {
    dictionary_ = std::move(dictionary);
  }

 private:
  const TranslationTable* table_for(const Document& source, const Document& target) const;
  std::map<std::string, LengthStats> stats_;  // by LengthStats::key, as stored, and swapped
  std::map<std::string, LengthStats> swapped_;
  std::map<std::string, TranslationTable> tables_;  // by translation_table_key
  std::shared_ptr<const TranslationTable> dictionary_;
};

// The aligner's dictionary of align.dictionary (TranslationTable::from_dictionary), read once per
// path and shared; nullptr when the setting is empty or the default file is missing (scripts/setup
// did not install it). A path set but missing is a UserError ("config") naming the key.
std::shared_ptr<const TranslationTable> alignment_dictionary(const Settings& settings);

}  // namespace tongwen
