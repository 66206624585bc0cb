// TranslationTable: word translations learned from aligned segments by co-occurrence (Dice).
#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "tongwen/align.h"
#include "tongwen/text.h"

namespace tongwen {

std::vector<std::string> TranslationTable::chinese_tokens(std::string_view utf8) {
  std::string norm = text::Analyzer::instance().normalize(utf8);
  std::vector<std::string> out;
  std::string prev;
  for (std::size_t i = 0; i < norm.size();) {
    std::size_t start = i;
    char32_t c = text::next_code_point(norm, i);
    if (!text::is_cjk(c)) {
      prev.clear();
      continue;
    }
    std::string ch = norm.substr(start, i - start);
    out.push_back(ch);
    if (!prev.empty()) out.push_back(prev + ch);
    prev = ch;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Every word of two or more letters, function words included: learn() drops the ones too frequent
// to tell segments apart (LearnOptions::max_share), and the rest translate usefully.
std::vector<std::string> TranslationTable::english_tokens(std::string_view utf8) {
  thread_local Xapian::Stem stem("english");
  std::vector<std::string> out;
  std::string w;
  auto flush = [&] {
    if (w.size() >= 2 && !std::isdigit(static_cast<unsigned char>(w[0]))) out.push_back(stem(w));
    w.clear();
  };
  for (char ch : utf8) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c))
      w.push_back(static_cast<char>(std::tolower(c)));
    else
      flush();
  }
  flush();
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

TranslationTable TranslationTable::learn(const std::vector<std::pair<std::string, std::string>>& pairs,
                                         const LearnOptions& options) {
  // Token ids, per-segment token sets and marginal counts.
  std::unordered_map<std::string, int> zid, eid;
  std::vector<std::string> znames, enames;
  std::vector<int> zcount, ecount;
  std::vector<std::vector<int>> zsegs, esegs;
  zsegs.reserve(pairs.size());
  esegs.reserve(pairs.size());
  auto intern = [](std::unordered_map<std::string, int>& ids, std::vector<std::string>& names,
                   std::vector<int>& count, const std::string& s) {
    auto [it, added] = ids.emplace(s, static_cast<int>(names.size()));
    if (added) {
      names.push_back(s);
      count.push_back(0);
    }
    ++count[static_cast<std::size_t>(it->second)];
    return it->second;
  };
  for (const auto& [zh, en] : pairs) {
    std::vector<int> z, e;
    for (const auto& t : chinese_tokens(zh)) z.push_back(intern(zid, znames, zcount, t));
    for (const auto& t : english_tokens(en)) e.push_back(intern(eid, enames, ecount, t));
    zsegs.push_back(std::move(z));
    esegs.push_back(std::move(e));
  }
  double n = static_cast<double>(pairs.size());
  auto usable = [&](int count) {
    return count >= options.min_pair_count && count <= std::max(3.0, options.max_share * n);
  };
  // Joint counts of usable tokens only, one Chinese token at a time: its segments (an inverted
  // list) and a dense counter over English tokens.
  std::vector<std::vector<int>> zlists(znames.size()), eusable(esegs.size());
  for (std::size_t k = 0; k < zsegs.size(); ++k) {
    for (int z : zsegs[k])
      if (usable(zcount[static_cast<std::size_t>(z)]))
        zlists[static_cast<std::size_t>(z)].push_back(static_cast<int>(k));
    for (int e : esegs[k])
      if (usable(ecount[static_cast<std::size_t>(e)])) eusable[k].push_back(e);
  }
  std::map<int, std::vector<std::pair<int, float>>> best;  // z -> (e, dice)
  std::vector<int> joint(enames.size(), 0), touched;
  for (std::size_t z = 0; z < zlists.size(); ++z) {
    for (int k : zlists[z])
      for (int e : eusable[static_cast<std::size_t>(k)])
        if (joint[static_cast<std::size_t>(e)]++ == 0) touched.push_back(e);
    for (int e : touched) {
      int c = joint[static_cast<std::size_t>(e)];
      joint[static_cast<std::size_t>(e)] = 0;
      if (c < options.min_pair_count) continue;
      double dice = 2.0 * c / (zcount[z] + ecount[static_cast<std::size_t>(e)]);
      if (dice >= options.min_dice) best[static_cast<int>(z)].emplace_back(e, static_cast<float>(dice));
    }
    touched.clear();
  }
  TranslationTable t;
  for (auto& [z, list] : best) {
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    if (list.size() > static_cast<std::size_t>(options.per_token))
      list.resize(static_cast<std::size_t>(options.per_token));
    auto& out = t.table_[znames[static_cast<std::size_t>(z)]];
    for (const auto& [e, d] : list) {
      const std::string& stem = enames[static_cast<std::size_t>(e)];
      auto [it, added] = t.english_ids_.emplace(stem, static_cast<int>(t.english_.size()));
      if (added) t.english_.push_back(stem);
      out.emplace_back(it->second, d);
      ++t.entries_;
    }
  }
  t.chance_prior_ = t.measure_chance(pairs);
  return t;
}

// The similarity statistic of the aligner's chance level (align_dp.cpp), over pairs of segments
// up to 8 apart in the training list: consecutive segments mostly come from one document, as the
// units in an alignment's search band do.
double TranslationTable::measure_chance(const std::vector<std::pair<std::string, std::string>>& pairs) const {
  if (empty() || pairs.empty()) return 0;
  constexpr long kReach = 8;
  const std::size_t samples = std::min<std::size_t>(pairs.size(), 2000);
  const std::size_t stride = pairs.size() / samples;
  std::vector<std::map<int, float>> zh(pairs.size());
  std::vector<std::vector<int>> en(pairs.size());
  std::vector<bool> done(pairs.size(), false);
  auto prepare = [&](std::size_t k) {
    if (done[k]) return;
    done[k] = true;
    for (const auto& tok : chinese_tokens(pairs[k].first))
      if (const auto* list = translations(tok))
        for (const auto& [e, w] : *list) zh[k][e] = std::max(zh[k][e], w);
    for (const auto& stem : english_tokens(pairs[k].second))
      if (int id = english_id(stem); id >= 0) en[k].push_back(id);
  };
  double sim = 0, mass = 0;
  for (std::size_t s = 0; s < samples; ++s) {
    std::size_t i = s * stride;
    prepare(i);
    double m = 0;
    for (const auto& [e, w] : zh[i]) m += static_cast<double>(w);
    for (long d = -kReach; d <= kReach; ++d) {
      long j = static_cast<long>(i) + d;
      if (j < 0 || j >= static_cast<long>(pairs.size())) continue;
      auto jj = static_cast<std::size_t>(j);
      prepare(jj);
      mass += m * static_cast<double>(en[jj].size());
      for (int id : en[jj])
        if (auto it = zh[i].find(id); it != zh[i].end()) sim += static_cast<double>(it->second);
    }
  }
  return mass > 0 ? sim / mass : 0;
}

namespace {

// English words a dictionary definition uses for its form, not its sense: as translations they
// would match nearly every sentence.
const std::set<std::string>& definition_stop_stems() {
  static const std::set<std::string> stems = [] {
    Xapian::Stem stem("english");
    std::set<std::string> out;
    for (const char* w :
         {"the",  "to",   "of",    "an",    "and",     "or",        "be",      "is",   "are",
          "sb",   "sth",  "in",    "on",    "at",      "by",        "for",     "with", "from",
          "as",   "it",   "its",   "one",   "someone", "something", "oneself", "etc",  "also",
          "that", "this", "which", "who",   "into",    "up",        "out",     "have", "has",
          "get",  "make", "do",    "thing", "person",  "kind",      "used",    "form", "particle"})
      out.insert(stem(w));
    return out;
  }();
  return stems;
}

// A definition that only points at another entry or names a person: no translation to learn.
bool pointer_definition(std::string_view d) {
  for (std::string_view p :
       {"variant of", "old variant", "see ", "surname ", "abbr. for", "used in", "erhua ", "japanese variant",
        "also written", "also pr.", "cl:", "classifier for"})
    if (d.size() >= p.size() && std::equal(p.begin(), p.end(), d.begin(), [](char a, char b) {
          return a == std::tolower(static_cast<unsigned char>(b));
        }))
      return true;
  return false;
}

// A definition without its parenthesised and bracketed notes ("(bound form) target" -> " target").
std::string without_notes(std::string_view d) {
  std::string out;
  int depth = 0;
  for (char c : d) {
    if (c == '(' || c == '[') ++depth;
    if (depth == 0) out.push_back(c);
    if ((c == ')' || c == ']') && depth > 0) --depth;
  }
  return out;
}

}  // namespace

TranslationTable TranslationTable::from_dictionary(std::string_view tsv, double weight, double chance_prior) {
  constexpr std::size_t kStemsPerWord = 6;  // the first senses' words: later ones are rarer
  std::map<std::string, std::vector<std::string>> words;
  const auto& stop = definition_stop_stems();
  std::size_t p = 0;
  while (p < tsv.size()) {
    auto nl = tsv.find('\n', p);
    std::string_view line = tsv.substr(p, nl == std::string_view::npos ? std::string_view::npos : nl - p);
    p = nl == std::string_view::npos ? tsv.size() : nl + 1;
    auto tab = line.find('\t');
    if (line.empty() || line[0] == '#' || tab == std::string_view::npos || tab == 0) continue;
    std::string zh = text::Analyzer::instance().normalize(line.substr(0, tab));
    std::size_t chars = 0;
    bool han = true;
    for (std::size_t i = 0; i < zh.size() && han;) {
      han = text::is_cjk(text::next_code_point(zh, i));
      ++chars;
    }
    if (!han || chars == 0 || chars > 2) continue;  // the aligner's Chinese tokens: characters and bigrams
    auto& stems = words[zh];
    std::string_view defs = line.substr(tab + 1);
    while (!defs.empty() && stems.size() < kStemsPerWord) {
      auto slash = defs.find('/');
      std::string_view d = defs.substr(0, slash);
      defs = slash == std::string_view::npos ? std::string_view() : defs.substr(slash + 1);
      if (pointer_definition(d)) continue;
      for (const auto& s : english_tokens(without_notes(d)))
        if (!stop.count(s) && std::find(stems.begin(), stems.end(), s) == stems.end() &&
            stems.size() < kStemsPerWord)
          stems.push_back(s);
    }
  }
  TranslationTable t;
  for (const auto& [zh, stems] : words) {
    if (stems.empty()) continue;
    auto& out = t.table_[zh];
    for (const auto& stem : stems) {
      auto [it, added] = t.english_ids_.emplace(stem, static_cast<int>(t.english_.size()));
      if (added) t.english_.push_back(stem);
      out.emplace_back(it->second, static_cast<float>(weight));
      ++t.entries_;
    }
  }
  t.chance_prior_ = chance_prior;
  return t;
}

std::string TranslationTable::serialise() const {
  // A first line "#chance VALUE" (no tab: older readers skip it), then one line per Chinese
  // token: token TAB stem SPACE weight TAB stem SPACE weight ...
  std::string out;
  char buf[32];
  if (chance_prior_ > 0) {
    std::snprintf(buf, sizeof buf, "#chance %.6g\n", chance_prior_);
    out += buf;
  }
  for (const auto& [z, list] : table_) {
    out += z;
    for (const auto& [e, d] : list) {
      std::snprintf(buf, sizeof buf, " %.3f", static_cast<double>(d));
      out += '\t' + english_[static_cast<std::size_t>(e)] + buf;
    }
    out += '\n';
  }
  return out;
}

TranslationTable TranslationTable::parse(std::string_view data) {
  TranslationTable t;
  std::size_t p = 0;
  while (p < data.size()) {
    auto nl = data.find('\n', p);
    std::string_view line = data.substr(p, nl == std::string_view::npos ? std::string_view::npos : nl - p);
    p = nl == std::string_view::npos ? data.size() : nl + 1;
    if (line.substr(0, 8) == "#chance ") {
      t.chance_prior_ = std::max(0.0, std::atof(std::string(line.substr(8)).c_str()));
      continue;
    }
    auto tab = line.find('\t');
    if (tab == std::string_view::npos || tab == 0) continue;
    std::vector<std::pair<int, float>> list;
    std::string_view rest = line.substr(tab + 1);
    while (!rest.empty()) {
      auto next = rest.find('\t');
      std::string_view item = rest.substr(0, next);
      rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
      auto sp = item.rfind(' ');
      if (sp == std::string_view::npos || sp == 0) continue;
      std::string stem(item.substr(0, sp));
      float w = std::strtof(std::string(item.substr(sp + 1)).c_str(), nullptr);
      if (!(w > 0)) continue;
      auto [it, added] = t.english_ids_.emplace(stem, static_cast<int>(t.english_.size()));
      if (added) t.english_.push_back(stem);
      list.emplace_back(it->second, w);
    }
    if (list.empty()) continue;
    t.entries_ += list.size();
    t.table_[std::string(line.substr(0, tab))] = std::move(list);
  }
  return t;
}

int TranslationTable::english_id(const std::string& stem) const {
  auto it = english_ids_.find(stem);
  return it == english_ids_.end() ? -1 : it->second;
}

const std::vector<std::pair<int, float>>* TranslationTable::translations(
    const std::string& chinese_token) const {
  auto it = table_.find(chinese_token);
  return it == table_.end() ? nullptr : &it->second;
}

}  // namespace tongwen
