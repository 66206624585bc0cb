// The dynamic programme of the aligner: Gale-Church length costs plus shape priors, break-kind
// costs and lexical anchors, searched in a band around the length diagonal; Viterbi for the path,
// forward-backward for each link's posterior probability (its confidence).
#include <algorithm>
#include <cmath>
#include <limits>

#include "align_internal.h"

namespace tongwen::align_detail {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// A link joins at most this many sentences and this many units (clauses) on each side.
constexpr int kMaxHard = 3;
constexpr int kMaxUnits = 32;
// Transitions whose costs the forward pass keeps for the backward pass (8 bytes each).
constexpr std::size_t kMaxCachedTransitions = std::size_t{40} << 20;

// Cost parameters (nats). Chosen by measurement on the TED and WMT realignment experiment
// (tests/integration/test_alignment_quality.cpp); see the README for the figures.
struct Params {
  // Shape prior by sentences [source][target] beyond 1-1 (merging English sentences is rare in
  // translation and costs precision when wrong).
  double shape12 = 4.0, shape22 = 6.0, shape13 = 8.0, shape23 = 9.0, shape33 = 12.0;
  double para_merge = 1.0, para_end = 1.0;  // merging across / ending at paragraph ends
  double indel = 1.0, indel_len = 0.1;      // 1-0 and 0-1: base + per Han character
  double clause_merge = 1.0;                // per Chinese clause break inside a link
  double weak_merge = 0.0, weak_cut = 0.5;  // English weak breaks: merging free, cutting not
  double m_num = 2.0, m_lat = 2.0, m_term = 1.5, m_punct = 0.7;  // shared anchor bonus
  double x_num = 1.0, x_lat = 0.7, x_term = 0.0, x_punct = 0.3;  // unmatched anchor penalty
  double s2_scale = 2.0;  // length variance scale: lexical evidence does the fine work
  // Without a learned lexicon (glossary only) length and anchors are all the evidence there is.
  double s2_scale_plain = 2.0, indel_plain = 1.0, shape12_plain = 4.0;
  double w_lex = 1.5;         // weight of learned-lexicon similarity
  double chance = 3.0;        // multiple of the chance similarity level subtracted per unit pair
  double chance_pairs = 200;  // unit pairs at which a document's own chance estimate weighs half
};
const Params& prm() {
  static const Params p;
  return p;
}

double length_cost(double lx, double ly, const LengthModel& m, double s2_scale) {
  double mean = (lx + ly / m.c) / 2;
  if (mean <= 0) return 0;
  double z = std::fabs(ly - m.c * lx) / std::sqrt(s2_scale * m.s2 * mean) / std::sqrt(2.0);
  // -log(2 * (1 - Phi(|delta|))) = -log erfc(|delta| / sqrt 2); asymptotic form where erfc underflows.
  if (z > 5) return z * z + std::log(z * std::sqrt(M_PI));
  return -std::log(std::erfc(z));
}

class Dp {
 public:
  Dp(const Side& src, int s0, int s1, const Side& tgt, int t0, int t1, const LengthModel& model)
      : src_(src), tgt_(tgt), s0_(s0), s1_(s1), t0_(t0), t1_(t1), m_(model) {}

  std::vector<DpLink> run() {
    int n = s1_ - s0_, m = t1_ - t0_;
    if (n == 0 && m == 0) return {};
    int width = 10 + m / 10;
    for (;;) {
      make_band(width);
      forward();
      std::vector<std::pair<int, int>> path = trace();
      if (width >= m || !near_edge(path)) {
        backward();
        return links(path);
      }
      width *= 2;
    }
  }

 private:
  // Band of target positions per source position, centred on the length diagonal.
  void make_band(int width) {
    int rows = s1_ - s0_ + 1;
    lo_.assign(rows, 0);
    hi_.assign(rows, 0);
    off_.assign(rows + 1, 0);
    double lx = src_.len(s0_, s1_), ly = tgt_.len(t0_, t1_);
    int n = s1_ - s0_, m = t1_ - t0_;
    for (int r = 0; r < rows; ++r) {
      int centre;
      if (lx > 0 && ly > 0) {
        double want = tgt_.cum_len[t0_] + (src_.cum_len[s0_ + r] - src_.cum_len[s0_]) / lx * ly;
        auto it = std::lower_bound(tgt_.cum_len.begin() + t0_, tgt_.cum_len.begin() + t1_ + 1, want - 1e-9);
        centre = static_cast<int>(it - tgt_.cum_len.begin());
      } else {
        centre = t0_ + (n == 0 ? m : static_cast<int>(static_cast<long long>(r) * m / n));
      }
      lo_[r] = std::max(t0_, centre - width);
      hi_[r] = std::min(t1_, centre + width);
      if (r > 0) lo_[r] = std::max(lo_[r], lo_[r - 1]);  // keep the band monotone
    }
    lo_[0] = t0_;
    hi_[rows - 1] = t1_;
    for (int r = rows - 2; r >= 0; --r) hi_[r] = std::min(hi_[r], hi_[r + 1]);
    for (int r = 1; r < rows; ++r) lo_[r] = std::min(lo_[r], hi_[r]);
    for (int r = 0; r < rows; ++r) off_[r + 1] = off_[r] + (hi_[r] - lo_[r] + 1);
    make_similarity();
  }

  // Lexical similarity of source unit i and target unit j under the learned translations, with
  // prefix sums along j for every source unit over the targets its links can reach.
  bool lexical() const { return !src_.lex_weights.empty() || !src_.lex_ids.empty(); }
  void make_similarity() {
    sim_lo_.clear();
    sim_off_.assign(1, 0);
    sim_.clear();
    if (!lexical()) return;
    int rows = s1_ - s0_;
    // Raw similarities first, then the chance level: the mean similarity per unit of translation
    // mass x English tokens over all pairs computed (mostly pairs that are not translations), so
    // that a link gains only for more lexical agreement than its size brings by chance; without
    // it, merging neighbours always looks better.
    std::vector<double> raw;
    std::vector<int> ranges;
    double sim_sum = 0, mass_sum = 0;
    for (int r = 0; r < rows; ++r) {
      int a = std::max(0, r - kMaxUnits), b = std::min(rows, r + 1 + kMaxUnits);
      int jlo = lo_[a], jhi = hi_[b];
      ranges.push_back(jlo);
      ranges.push_back(jhi);
      std::size_t i = static_cast<std::size_t>(s0_ + r);
      for (int j = jlo; j < jhi; ++j) {
        double v = pair_similarity(i, static_cast<std::size_t>(j));
        raw.push_back(v);
        sim_sum += v;
        mass_sum += mass(i, static_cast<std::size_t>(j));
      }
    }
    // A document's own estimate is blended with the archive-wide one by the number of pairs it
    // rests on: with one unit per side, the only pair is the true one, and its own estimate would
    // take the whole of its similarity away (and three times over).
    double own = mass_sum > 0 ? sim_sum / mass_sum : 0;
    double level = own;
    if (m_.lex_chance > 0) {
      double n = static_cast<double>(raw.size());
      double w = n / (n + prm().chance_pairs);
      level = w * own + (1 - w) * m_.lex_chance;
    }
    double rho = prm().chance * level;
    std::size_t k = 0;
    for (int r = 0; r < rows; ++r) {
      int jlo = ranges[static_cast<std::size_t>(2 * r)], jhi = ranges[static_cast<std::size_t>(2 * r + 1)];
      sim_lo_.push_back(jlo);
      std::size_t i = static_cast<std::size_t>(s0_ + r);
      sim_.push_back(0);
      for (int j = jlo; j < jhi; ++j)
        sim_.push_back(sim_.back() + raw[k++] - rho * mass(i, static_cast<std::size_t>(j)));
      sim_off_.push_back(sim_.size());
    }
  }
  // Translation mass of the Chinese unit times the English unit's lexicon tokens.
  double mass(std::size_t i, std::size_t j) const {
    const auto& w = src_.chinese ? src_.lex_mass[i] : tgt_.lex_mass[j];
    const auto& ids = src_.chinese ? tgt_.lex_ids[j] : src_.lex_ids[i];
    return w * static_cast<double>(ids.size()) * src_.units[i].share * tgt_.units[j].share;
  }
  double pair_similarity(std::size_t i, std::size_t j) const {
    const auto& w = src_.chinese ? src_.lex_weights[i] : tgt_.lex_weights[j];
    const auto& ids = src_.chinese ? tgt_.lex_ids[j] : src_.lex_ids[i];
    double sum = 0;
    std::size_t p = 0, q = 0;
    while (p < w.size() && q < ids.size()) {
      if (w[p].first < ids[q]) {
        ++p;
      } else if (ids[q] < w[p].first) {
        ++q;
      } else {
        sum += static_cast<double>(w[p].second);
        ++p;
        ++q;
      }
    }
    return sum * src_.units[i].share * tgt_.units[j].share;
  }
  // Sum of similarities over the chunk [i0, i1) x [j0, j1).
  double chunk_similarity(int i0, int i1, int j0, int j1) const {
    double sum = 0;
    for (int i = i0; i < i1; ++i) {
      auto r = static_cast<std::size_t>(i - s0_);
      int lo = sim_lo_[r];
      int width = static_cast<int>(sim_off_[r + 1] - sim_off_[r]) - 1;
      int a = std::clamp(j0 - lo, 0, width), b = std::clamp(j1 - lo, 0, width);
      sum +=
          sim_[sim_off_[r] + static_cast<std::size_t>(b)] - sim_[sim_off_[r] + static_cast<std::size_t>(a)];
    }
    return sum;
  }

  std::size_t cell(int i, int j) const {
    int r = i - s0_;
    return static_cast<std::size_t>(off_[r] + (j - lo_[r]));
  }

  // Cost of the link [i0, i1) x [j0, j1); `ha`/`hb` are the sentence counts of the two chunks.
  double cost(int i0, int i1, int j0, int j1, int ha, int hb) const {
    int a = i1 - i0, b = j1 - j0;
    double part[6] = {0, 0, 0, 0, 0, 0};  // indel, shape, length, paragraph, anchors
    if (a == 0 || b == 0) {
      double l = a ? src_.len(i0, i1) : tgt_.len(j0, j1) / m_.c;
      part[0] = (lexical() ? prm().indel : prm().indel_plain) + prm().indel_len * l;
    } else {
      {
        const Params& q = prm();
        const double shape12 = lexical() ? q.shape12 : q.shape12_plain;
        const double shape[4][4] = {{kInf, kInf, kInf, kInf},
                                    {kInf, 0.0, shape12, q.shape13},
                                    {kInf, shape12, q.shape22, q.shape23},
                                    {kInf, q.shape13, q.shape23, q.shape33}};
        part[1] = shape[ha][hb];
        part[1] += q.clause_merge * (src_.clause_breaks_inside(i0, i1) + tgt_.clause_breaks_inside(j0, j1));
        part[1] += q.weak_merge * (src_.weak_breaks_inside(i0, i1) + tgt_.weak_breaks_inside(j0, j1));
      }
      part[2] = length_cost(src_.len(i0, i1), tgt_.len(j0, j1), m_,
                            lexical() ? prm().s2_scale : prm().s2_scale_plain);
    }
    int pa = a > 1 ? src_.paragraph_breaks_inside(i0, i1) : 0;
    int pb = b > 1 ? tgt_.paragraph_breaks_inside(j0, j1) : 0;
    part[3] += prm().para_merge * (pa + pb);
    bool src_end = i1 == s1_ || src_.units[static_cast<std::size_t>(i1)].before == kParagraph;
    bool tgt_end = j1 == t1_ || tgt_.units[static_cast<std::size_t>(j1)].before == kParagraph;
    if (src_end && tgt_end && !(i1 == s1_ && j1 == t1_)) part[3] -= prm().para_end;
    part[4] = anchor_cost(i0, i1, j0, j1);
    // Cutting at a weak break (a link ends there) is the unusual case.
    if (i1 < s1_ && src_.units[static_cast<std::size_t>(i1)].before == kWeak) part[1] += prm().weak_cut;
    if (j1 < t1_ && tgt_.units[static_cast<std::size_t>(j1)].before == kWeak) part[1] += prm().weak_cut;
    if (a > 0 && b > 0 && !sim_lo_.empty()) part[4] -= prm().w_lex * chunk_similarity(i0, i1, j0, j1);
    return part[0] + part[1] + part[2] + part[3] + part[4];
  }

  double anchor_cost(int i0, int i1, int j0, int j1) const {
    int na = i1 > i0 ? src_.cum_anchors[i1] - src_.cum_anchors[i0] : 0;
    int nb = j1 > j0 ? tgt_.cum_anchors[j1] - tgt_.cum_anchors[j0] : 0;
    if (na == 0 && nb == 0) return 0;
    int count_a[kAnchorKinds] = {0, 0, 0, 0}, count_b[kAnchorKinds] = {0, 0, 0, 0},
        match[kAnchorKinds] = {0, 0, 0, 0};
    buf_a_.clear();
    buf_b_.clear();
    if (na) {
      const auto* first = &src_.anchors[src_.units[static_cast<std::size_t>(i0)].anchor_begin];
      buf_a_.assign(first, first + na);
    }
    if (nb) {
      const auto* first = &tgt_.anchors[tgt_.units[static_cast<std::size_t>(j0)].anchor_begin];
      buf_b_.assign(first, first + nb);
    }
    for (const auto& x : buf_a_) ++count_a[x.kind];
    for (const auto& x : buf_b_) ++count_b[x.kind];
    if (na && nb) {
      auto by_id = [](const Anchor& x, const Anchor& y) { return x.id < y.id; };
      std::sort(buf_a_.begin(), buf_a_.end(), by_id);
      std::sort(buf_b_.begin(), buf_b_.end(), by_id);
      std::size_t p = 0, q = 0;
      while (p < buf_a_.size() && q < buf_b_.size()) {
        if (buf_a_[p].id < buf_b_[q].id) {
          ++p;
        } else if (buf_b_[q].id < buf_a_[p].id) {
          ++q;
        } else {
          ++match[buf_a_[p].kind];
          ++p;
          ++q;
        }
      }
    }
    double c = 0;
    const Params& q = prm();
    const double km[4] = {q.m_num, q.m_lat, q.m_term, q.m_punct},
                 kx[4] = {q.x_num, q.x_lat, q.x_term, q.x_punct};
    for (int k = 0; k < kAnchorKinds; ++k)
      c += -km[k] * match[k] + kx[k] * ((count_a[k] - match[k]) + (count_b[k] - match[k]));
    return c;
  }

  // Calls f(i0, j0, ha, hb) for every link that ends at (i1, j1).
  template <class F>
  void each_incoming(int i1, int j1, F&& f) const {
    for (int a = 0; a <= std::min(kMaxUnits, i1 - s0_); ++a) {
      int i0 = i1 - a;
      int ha = a ? 1 + src_.hard_inside(i0, i1) : 0;
      if (ha > kMaxHard) break;
      int r0 = i0 - s0_;
      for (int b = 0; b <= std::min(kMaxUnits, j1 - t0_); ++b) {
        if (a == 0 && b == 0) continue;
        int j0 = j1 - b;
        if (j0 < lo_[r0]) break;
        if (j0 > hi_[r0]) continue;
        int hb = b ? 1 + tgt_.hard_inside(j0, j1) : 0;
        if (hb > kMaxHard) break;
        if ((a == 0 && hb > 1) || (b == 0 && ha > 1)) continue;  // insertions: one sentence at a time
        f(i0, j0, ha, hb);
      }
    }
  }

  template <class F>
  void each_outgoing(int i0, int j0, F&& f) const {
    for (int a = 0; a <= std::min(kMaxUnits, s1_ - i0); ++a) {
      int i1 = i0 + a;
      int ha = a ? 1 + src_.hard_inside(i0, i1) : 0;
      if (ha > kMaxHard) break;
      int r1 = i1 - s0_;
      for (int b = 0; b <= std::min(kMaxUnits, t1_ - j0); ++b) {
        if (a == 0 && b == 0) continue;
        int j1 = j0 + b;
        if (j1 > hi_[r1]) break;
        if (j1 < lo_[r1]) continue;
        int hb = b ? 1 + tgt_.hard_inside(j0, j1) : 0;
        if (hb > kMaxHard) break;
        if ((a == 0 && hb > 1) || (b == 0 && ha > 1)) continue;
        f(i1, j1, ha, hb);
      }
    }
  }

  // Viterbi costs and back pointers, and forward sums (as -log), in one pass.
  void forward() {
    std::size_t cells = static_cast<std::size_t>(off_.back());
    best_.assign(cells, kInf);
    fwd_.assign(cells, kInf);
    back_.assign(cells, {0, 0});
    best_[cell(s0_, t0_)] = 0;
    fwd_[cell(s0_, t0_)] = 0;
    // The costs of every transition are kept for the backward pass (which would otherwise compute
    // them all again), up to a memory bound for very long documents.
    cache_ = cells < std::numeric_limits<std::uint32_t>::max();
    trans_.clear();
    trans_off_.assign(cells + 1, 0);
    for (int i1 = s0_; i1 <= s1_; ++i1) {
      int r = i1 - s0_;
      for (int j1 = lo_[r]; j1 <= hi_[r]; ++j1) {
        if (i1 == s0_ && j1 == t0_) continue;
        double best = kInf, mx = -kInf, sum = 0;
        int ba = 0, bb = 0;
        each_incoming(i1, j1, [&](int i0, int j0, int ha, int hb) {
          std::size_t from = cell(i0, j0);
          if (fwd_[from] == kInf) return;
          double c = cost(i0, i1, j0, j1, ha, hb);
          if (cache_) {
            if (trans_.size() >= kMaxCachedTransitions) {
              cache_ = false;
              trans_.clear();
              trans_.shrink_to_fit();
            } else {
              trans_.push_back({static_cast<std::uint32_t>(from), static_cast<float>(c)});
            }
          }
          double v = best_[from] + c;
          if (v < best) {
            best = v;
            ba = i1 - i0;
            bb = j1 - j0;
          }
          double u = -(fwd_[from] + c);  // online log-sum-exp
          if (u > mx) {
            sum = sum * std::exp(mx - u) + 1;
            mx = u;
          } else {
            sum += std::exp(u - mx);
          }
        });
        std::size_t at = cell(i1, j1);
        if (cache_) trans_off_[at + 1] = trans_.size();
        best_[at] = best;
        back_[at] = {static_cast<std::uint8_t>(ba), static_cast<std::uint8_t>(bb)};
        fwd_[at] = sum > 0 ? -(mx + std::log(sum)) : kInf;
      }
    }
  }

  void backward() {
    if (cache_) {
      backward_cached();
      return;
    }
    bwd_.assign(static_cast<std::size_t>(off_.back()), kInf);
    bwd_[cell(s1_, t1_)] = 0;
    for (int i0 = s1_; i0 >= s0_; --i0) {
      int r = i0 - s0_;
      for (int j0 = hi_[r]; j0 >= lo_[r]; --j0) {
        if (i0 == s1_ && j0 == t1_) continue;
        double mx = -kInf, sum = 0;
        each_outgoing(i0, j0, [&](int i1, int j1, int ha, int hb) {
          double to = bwd_[cell(i1, j1)];
          if (to == kInf) return;
          double u = -(cost(i0, i1, j0, j1, ha, hb) + to);
          if (u > mx) {
            sum = sum * std::exp(mx - u) + 1;
            mx = u;
          } else {
            sum += std::exp(u - mx);
          }
        });
        bwd_[cell(i0, j0)] = sum > 0 ? -(mx + std::log(sum)) : kInf;
      }
    }
  }

  // Backward sums from the cached transitions: cells in reverse order push their value to their
  // predecessors (every successor of a cell comes later in row-major order).
  void backward_cached() {
    std::size_t cells = static_cast<std::size_t>(off_.back());
    std::vector<double> mx(cells, -kInf), sum(cells, 0);
    bwd_.assign(cells, kInf);
    std::size_t end = cell(s1_, t1_);
    for (std::size_t c = cells; c-- > 0;) {
      if (c == end)
        bwd_[c] = 0;
      else
        bwd_[c] = sum[c] > 0 ? -(mx[c] + std::log(sum[c])) : kInf;
      if (bwd_[c] == kInf) continue;
      for (std::size_t k = trans_off_[c]; k < trans_off_[c + 1]; ++k) {
        std::size_t from = trans_[k].first;
        double u = -(static_cast<double>(trans_[k].second) + bwd_[c]);
        if (u > mx[from]) {
          sum[from] = sum[from] * std::exp(mx[from] - u) + 1;
          mx[from] = u;
        } else {
          sum[from] += std::exp(u - mx[from]);
        }
      }
    }
  }

  // The Viterbi path as cells from the end back to the start.
  std::vector<std::pair<int, int>> trace() const {
    std::vector<std::pair<int, int>> path;
    int i = s1_, j = t1_;
    path.emplace_back(i, j);
    while (i > s0_ || j > t0_) {
      auto [a, b] = back_[cell(i, j)];
      if (a == 0 && b == 0) break;  // unreachable; cannot happen with 1-0 and 0-1 links
      i -= a;
      j -= b;
      path.emplace_back(i, j);
    }
    return path;
  }

  bool near_edge(const std::vector<std::pair<int, int>>& path) const {
    for (auto [i, j] : path) {
      int r = i - s0_;
      if ((lo_[r] > t0_ && j - lo_[r] < 2) || (hi_[r] < t1_ && hi_[r] - j < 2)) return true;
    }
    return false;
  }

  std::vector<DpLink> links(const std::vector<std::pair<int, int>>& path) const {
    std::vector<DpLink> out;
    double total = fwd_[cell(s1_, t1_)];
    for (std::size_t k = path.size() - 1; k > 0; --k) {
      auto [i0, j0] = path[k];
      auto [i1, j1] = path[k - 1];
      int ha = i1 > i0 ? 1 + src_.hard_inside(i0, i1) : 0;
      int hb = j1 > j0 ? 1 + tgt_.hard_inside(j0, j1) : 0;
      double c = cost(i0, i1, j0, j1, ha, hb);
      double p = std::exp(-(fwd_[cell(i0, j0)] + c + bwd_[cell(i1, j1)] - total));
      if (!std::isfinite(p)) p = 0;
      out.push_back(DpLink{i0, i1, j0, j1, std::clamp(p, 0.0, 1.0)});
    }
    return out;
  }

  const Side& src_;
  const Side& tgt_;
  int s0_, s1_, t0_, t1_;
  LengthModel m_;
  std::vector<int> lo_, hi_, off_;
  std::vector<int> sim_lo_;
  std::vector<std::size_t> sim_off_;
  std::vector<double> sim_;
  std::vector<double> best_, fwd_, bwd_;
  std::vector<std::pair<std::uint8_t, std::uint8_t>> back_;
  bool cache_ = false;
  std::vector<std::pair<std::uint32_t, float>> trans_;  // (from cell, cost) of incoming transitions
  std::vector<std::size_t> trans_off_;                  // per cell: its transitions in trans_
  mutable std::vector<Anchor> buf_a_, buf_b_;
};

}  // namespace

void Side::finish() {
  std::size_t n = units.size();
  cum_len.assign(n + 1, 0);
  cum_hard.assign(n + 1, 0);
  cum_strong.assign(n + 1, 0);
  cum_anchors.assign(n + 1, 0);
  cum_para.assign(n + 1, 0);
  cum_clause.assign(n + 1, 0);
  cum_weak.assign(n + 1, 0);
  for (std::size_t k = 0; k < n; ++k) {
    const Unit& u = units[k];
    cum_len[k + 1] = cum_len[k] + u.len;
    cum_hard[k + 1] = cum_hard[k] + (k > 0 && u.before >= kSentence ? 1 : 0);
    cum_para[k + 1] = cum_para[k] + (k > 0 && u.before == kParagraph ? 1 : 0);
    cum_clause[k + 1] = cum_clause[k] + (k > 0 && u.before == kClause ? 1 : 0);
    cum_weak[k + 1] = cum_weak[k] + (k > 0 && u.before == kWeak ? 1 : 0);
    int strong = 0;
    for (auto x = u.anchor_begin; x < u.anchor_end; ++x)
      strong += anchors[x].kind == kNumber || anchors[x].kind == kLatin;
    cum_strong[k + 1] = cum_strong[k] + strong;
    cum_anchors[k + 1] = cum_anchors[k] + static_cast<int>(u.anchor_end - u.anchor_begin);
  }
}

std::vector<DpLink> align_units(const Side& src, int s0, int s1, const Side& tgt, int t0, int t1,
                                const LengthModel& model) {
  return Dp(src, s0, s1, tgt, t0, t1, model).run();
}

}  // namespace tongwen::align_detail
