// Internals of the aligner shared by align.cpp (units, anchors, models) and align_dp.cpp (the
// dynamic programme). Not installed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tongwen/align.h"
#include "tongwen/alignment.h"

namespace tongwen::align_detail {

// What separates a unit from the one before it.
enum Break : std::uint8_t { kStart = 0, kWeak = 1, kClause = 2, kSentence = 3, kParagraph = 4 };

enum AnchorKind : std::uint8_t { kNumber = 0, kLatin = 1, kTerm = 2, kPunct = 3, kAnchorKinds = 4 };

struct Anchor {
  std::uint32_t id;
  AnchorKind kind;
};

struct Unit {
  int paragraph = 0;
  std::uint32_t begin = 0, end = 0;  // code points in the paragraph
  Break before = kStart;
  double len = 0;
  // 1/k for each of k consecutive units with the same text (subtitles repeat a line in every cue
  // it spans): together they carry the content once, so each has 1/k of its length and lexicon.
  double share = 1.0;
  std::uint32_t anchor_begin = 0, anchor_end = 0;  // into Side::anchors
};

// One document cut into units, with prefix sums for O(1) chunk sums.
struct Side {
  std::vector<Unit> units;
  std::vector<Anchor> anchors;
  std::vector<double> cum_len;   // cum_len[k] = sum of len of units [0, k)
  std::vector<int> cum_hard;     // cum_hard[k] = units in [1, k) whose break before is a sentence or more
  std::vector<int> cum_strong;   // strong anchors (numbers, Latin words) in units [0, k)
  std::vector<int> cum_anchors;  // all anchors in units [0, k)
  std::vector<int> cum_para;     // like cum_hard, for paragraph breaks
  std::vector<int> cum_clause, cum_weak;  // likewise for clause and weak breaks
  // Learned-lexicon data, when a TranslationTable applies: on the Chinese side each unit's
  // (English stem id, weight) translations sorted by id, on the English side its stem ids sorted.
  bool chinese = false;
  std::vector<std::vector<std::pair<int, float>>> lex_weights;
  std::vector<std::vector<int>> lex_ids;
  std::vector<double> lex_mass;  // Chinese side: sum of each unit's translation weights
  void finish();
  // Hard breaks strictly inside the chunk [a, b).
  int hard_inside(int a, int b) const { return b - a <= 1 ? 0 : cum_hard[b] - cum_hard[a + 1]; }
  int clause_breaks_inside(int a, int b) const { return b - a <= 1 ? 0 : cum_clause[b] - cum_clause[a + 1]; }
  int weak_breaks_inside(int a, int b) const { return b - a <= 1 ? 0 : cum_weak[b] - cum_weak[a + 1]; }
  int paragraph_breaks_inside(int a, int b) const { return b - a <= 1 ? 0 : cum_para[b] - cum_para[a + 1]; }
  double len(int a, int b) const { return cum_len[b] - cum_len[a]; }
};

// Oriented source -> target: target length ~ N(c * source length, s2 * mean length).
struct LengthModel {
  double c = 1.0, s2 = 6.8;
  double lex_chance = 0;  // TranslationTable::chance_prior() of the table in use (0: none)
  LengthModel inverse() const { return {1.0 / c, s2 / (c * c * c), lex_chance}; }
};

struct DpLink {
  int s0, s1, t0, t1;  // unit ranges [s0, s1) and [t0, t1)
  double confidence;
};

// Aligns units [s0, s1) of `src` with [t0, t1) of `tgt`: the least-cost monotone sequence of links,
// each with its posterior probability.
std::vector<DpLink> align_units(const Side& src, int s0, int s1, const Side& tgt, int t0, int t1,
                                const LengthModel& model);

// Both documents as units with anchors, and the length model of the pair.
struct Prepared {
  Side src, tgt;
  LengthModel model;
  bool src_chinese = false, tgt_chinese = false;
};
Prepared prepare(const Document& source, const Document& target, const AlignOptions& options);

}  // namespace tongwen::align_detail
