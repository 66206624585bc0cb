// The aligner's front end: documents -> units with lengths and anchors, the length model, anchored
// and text alignment, paragraph links from sentence links. The search itself is in align_dp.cpp.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "align_internal.h"
#include "tongwen/align.h"
#include "tongwen/errors.h"
#include "tongwen/sentences.h"
#include "tongwen/text.h"
#include "tongwen/util.h"

namespace tongwen {

using namespace align_detail;

namespace {

std::string primary(std::string_view lang) {
  std::string p(lang.substr(0, lang.find('-')));
  for (auto& ch : p) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return p;
}

bool is_chinese_lang(std::string_view lang) {
  std::string p = primary(lang);
  return p == "zh" || p == "cmn" || p == "yue" || p == "lzh";
}

std::u32string decode(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    char32_t c = text::next_code_point(s, i);
    out.push_back(c > 0x10FFFF ? 0xFFFD : c);
  }
  return out;
}

std::string encode(std::u32string_view s) {
  std::string out;
  for (char32_t c : s) text::append_utf8(out, c);
  return out;
}

bool counts_for_length(char32_t c) {
  return text::is_cjk(c) || text::is_word_char(c);
}

char32_t fold_digit(char32_t c) {
  return (c >= 0xFF10 && c <= 0xFF19) ? c - 0xFF10 + '0' : c;
}
bool is_digit(char32_t c) {
  return fold_digit(c) >= '0' && fold_digit(c) <= '9';
}
bool is_ascii_letter(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
char32_t lower(char32_t c) {
  return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

// Lowercased ASCII words (letters and digits, starting with a letter) of a text.
std::vector<std::string> latin_words(std::u32string_view s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size();) {
    if (!is_ascii_letter(s[i])) {
      ++i;
      continue;
    }
    std::string w;
    while (i < s.size() && (is_ascii_letter(s[i]) || (s[i] >= '0' && s[i] <= '9')))
      w.push_back(static_cast<char>(lower(s[i++])));
    out.push_back(std::move(w));
  }
  return out;
}

// Chinese numeral characters: digit values (0-9) and multipliers (10 ... 10^8).
int chinese_digit(char32_t c) {
  switch (c) {
    case U'零':
    case U'〇':
      return 0;
    case U'一':
      return 1;
    case U'二':
    case U'两':
      return 2;
    case U'三':
      return 3;
    case U'四':
      return 4;
    case U'五':
      return 5;
    case U'六':
      return 6;
    case U'七':
      return 7;
    case U'八':
      return 8;
    case U'九':
      return 9;
    default:
      return -1;
  }
}
double chinese_unit(char32_t c) {
  switch (c) {
    case U'十':
      return 10;
    case U'百':
      return 100;
    case U'千':
      return 1000;
    case U'万':
      return 1e4;
    case U'亿':
      return 1e8;
    default:
      return 0;
  }
}

// English number words: units and teens, tens, and multipliers.
int english_small(const std::string& w) {
  static const char* const kSmall[] = {"zero",    "one",     "two",       "three",    "four",
                                       "five",    "six",     "seven",     "eight",    "nine",
                                       "ten",     "eleven",  "twelve",    "thirteen", "fourteen",
                                       "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
  static const char* const kTens[] = {"twenty", "thirty",  "forty",  "fifty",
                                      "sixty",  "seventy", "eighty", "ninety"};
  for (int k = 0; k < 20; ++k)
    if (w == kSmall[k]) return k;
  for (int k = 0; k < 8; ++k)
    if (w == kTens[k]) return 20 + 10 * k;
  return -1;
}
double english_unit(const std::string& w) {
  if (w == "hundred") return 100;
  if (w == "thousand") return 1e3;
  if (w == "million") return 1e6;
  if (w == "billion") return 1e9;
  if (w == "trillion") return 1e12;
  return 0;
}

std::string number_key(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

// Numbers as values, so that the two sides of a translation agree however each writes them:
// Arabic digits (thousands separators dropped: 1,000 = 1000), Chinese numerals and multipliers
// (二十 = 20, 两千五百 = 2500, 3.5亿 = 350000000, 二〇二〇 = 2020, 百分之四十六 = 46) and English
// number words (twenty-five = 25, 3 million = 3000000, a thousand = 1000). Only values of 10 or
// more, or with a decimal point: single digits (一个, one of) are everywhere.
std::vector<std::string> numbers(std::u32string_view s) {
  std::vector<std::string> out;
  auto keep = [&](double v, bool point) {
    if (v >= 10 || (point && v > 0)) out.push_back(number_key(v));
  };
  for (std::size_t i = 0; i < s.size();) {
    char32_t c = s[i];
    bool arabic = is_digit(c) && !(i > 0 && is_ascii_letter(s[i - 1]));
    bool han = chinese_digit(c) >= 0 || chinese_unit(c) > 0;
    if (!arabic && !han && !is_ascii_letter(c)) {
      ++i;
      continue;
    }
    if (is_ascii_letter(c)) {
      // A run of English number words ("two hundred and fifty thousand", "twenty-five", "a million").
      auto word_at = [&](std::size_t k, std::size_t& after) {
        std::string w;
        while (k < s.size() && is_ascii_letter(s[k])) w.push_back(static_cast<char>(lower(s[k++])));
        after = k;
        return w;
      };
      bool after_a =
          i >= 2 && s[i - 1] == ' ' && lower(s[i - 2]) == 'a' && (i < 3 || !is_ascii_letter(s[i - 3]));
      double total = 0, section = 0;
      bool any = false;
      std::size_t k = i, end = i;
      for (;;) {
        std::size_t next = k;
        std::string w = word_at(k, next);
        int small = english_small(w);
        double unit = english_unit(w);
        if (small >= 0) {
          section += small;
        } else if (unit > 0 && (any || after_a)) {
          if (section == 0) section = 1;
          if (unit >= 1000) {
            total += section * unit;
            section = 0;
          } else {
            section *= unit;
          }
        } else if (!(any && w == "and")) {
          break;
        }
        if (w != "and") {
          any = true;
          end = next;
        }
        if (next + 1 < s.size() && (s[next] == ' ' || s[next] == '-') && is_ascii_letter(s[next + 1]))
          k = next + 1;
        else
          break;
      }
      if (any) {
        keep(total + section, false);
        i = end;
      } else {
        while (i < s.size() && (is_ascii_letter(s[i]) || is_digit(s[i]))) ++i;
      }
      continue;
    }
    // Arabic digits, then Chinese numerals or an English multiplier may follow (3.5亿, 3 million).
    double value = 0;
    bool point = false, digits = false;
    std::size_t start = i;
    if (arabic) {
      std::string n;
      while (i < s.size()) {
        if (is_digit(s[i])) {
          n.push_back(static_cast<char>(fold_digit(s[i++])));
        } else if ((s[i] == ',' || s[i] == '.') && i + 1 < s.size() && is_digit(s[i + 1])) {
          if (s[i] == '.') {
            point = true;
            n.push_back('.');
          }
          ++i;
        } else {
          break;
        }
      }
      value = std::atof(n.c_str());
      digits = true;
      // "3 million", "1.5 billion"
      std::size_t j = i;
      while (j < s.size() && s[j] == ' ') ++j;
      std::string w;
      while (j < s.size() && is_ascii_letter(s[j])) w.push_back(static_cast<char>(lower(s[j++])));
      if (double unit = english_unit(w); unit > 0 && j > i) {
        keep(value * unit, false);
        i = j;
        continue;
      }
      if (i >= s.size() || chinese_unit(s[i]) == 0) {
        // Plain digits: as before, two or more digits or a decimal point ("05" stays 5 too).
        if (n.size() >= 2 || point) out.push_back(number_key(value));
        continue;
      }
    }
    // Chinese numerals, possibly after Arabic digits: total, section (below 10^4) and the pending digit.
    double total = 0, section = 0, pending = digits ? value : 0;
    bool has_digit = digits, has_unit = false;
    std::size_t j = i;
    for (; j < s.size(); ++j) {
      int d = chinese_digit(s[j]);
      double u = chinese_unit(s[j]);
      if (d >= 0) {
        pending = d;
        has_digit = true;
      } else if (u > 0) {
        has_unit = true;
        if (u >= 1e4) {
          total = (total + section + pending) * u;
          section = 0;
        } else {
          section += (pending == 0 && !has_digit ? 1 : pending) * u;
        }
        pending = 0;
      } else {
        break;
      }
    }
    std::u32string_view run = s.substr(start, j - start);
    i = j;
    if (!has_unit) {
      // 二〇二〇: a year written digit by digit (three digits or more: 一一 and 三三两两 are words).
      if (run.size() >= 3 && !digits) {
        std::string n;
        for (char32_t x : run) n += std::to_string(chinese_digit(x));
        keep(std::atof(n.c_str()), false);
      }
      continue;
    }
    // Words, not numbers: 十分 (very), 万一 (in case), 千万 (by all means), a bare 百/千/万 (百姓, 万物).
    bool word = !has_digit && (run != U"十" || (j < s.size() && s[j] == U'分'));
    if (run.size() >= 2 && (run[0] == U'万' || run[0] == U'千' || run[0] == U'百' || run[0] == U'亿') &&
        !digits)
      word = true;
    if (word) continue;
    keep(total + section + pending, point);
  }
  return out;
}

struct DocUnits {
  std::vector<Unit> units;
  std::vector<std::u32string> texts;  // per unit, as written
  bool chinese = false;
};

// Runs of consecutive units with the same letters, digits and Han characters: each unit of a run of
// k gets a share of 1/k (see Unit::share) and that share of its length.
void mark_repeats(DocUnits& d) {
  auto key = [](const std::u32string& t) {
    std::u32string k;
    for (char32_t c : t)
      if (counts_for_length(c)) k.push_back(lower(c));
    return k;
  };
  std::size_t n = d.units.size();
  for (std::size_t k = 0; k < n;) {
    std::u32string first = key(d.texts[k]);
    std::size_t e = k + 1;
    while (!first.empty() && e < n && key(d.texts[e]) == first) ++e;
    for (std::size_t x = k; x < e; ++x) {
      d.units[x].share = 1.0 / static_cast<double>(e - k);
      d.units[x].len *= d.units[x].share;
    }
    k = e;
  }
}

DocUnits cut(const Document& doc) {
  DocUnits d;
  d.chinese = is_chinese_lang(doc.lang);
  if (!d.chinese && (doc.lang.empty() || doc.lang == "und")) {
    std::string sample;
    for (const auto& p : doc.paragraphs) {
      sample += p.text;
      if (sample.size() > 4000) break;
    }
    d.chinese = is_chinese_lang(text::detect_language(sample));
  }
  for (std::size_t p = 0; p < doc.paragraphs.size(); ++p) {
    const Paragraph& para = doc.paragraphs[p];
    const std::string& lang = para.lang.empty() ? doc.lang : para.lang;
    auto spans = text::split_sentences(para.text, lang, true);
    if (spans.empty()) continue;
    std::u32string all = decode(para.text);
    bool first = true;
    for (const auto& s : spans) {
      Unit u;
      u.paragraph = static_cast<int>(p);
      u.begin = s.begin;
      u.end = s.end;
      u.before = d.units.empty()                       ? kStart
                 : first                               ? kParagraph
                 : s.before == text::BreakKind::Clause ? kClause
                 : s.before == text::BreakKind::Weak   ? kWeak
                                                       : kSentence;
      first = false;
      std::u32string t = all.substr(s.begin, s.end - s.begin);
      u.len = static_cast<double>(std::count_if(t.begin(), t.end(), counts_for_length));
      d.units.push_back(u);
      d.texts.push_back(std::move(t));
    }
  }
  mark_repeats(d);
  return d;
}

// Interns anchor strings into ids shared by both sides.
class Anchors {
 public:
  std::uint32_t id(const std::string& s) {
    auto [it, added] = ids_.emplace(s, static_cast<std::uint32_t>(ids_.size()));
    return it->second;
  }

 private:
  std::unordered_map<std::string, std::uint32_t> ids_;
};

// Glossary matches in one unit: entry indices.
std::vector<std::size_t> glossary_hits(const Lexicon& lex, const std::u32string& text, bool chinese,
                                       const std::unordered_multimap<char32_t, std::size_t>& by_char,
                                       const std::unordered_multimap<std::string, std::size_t>& by_word) {
  std::vector<std::size_t> hits;
  if (chinese) {
    std::u32string norm = decode(text::Analyzer::instance().normalize(encode(text)));
    for (std::size_t i = 0; i < norm.size(); ++i) {
      auto [a, b] = by_char.equal_range(norm[i]);
      for (auto it = a; it != b; ++it) {
        const auto& zh = lex.entries()[it->second].zh;
        if (norm.compare(i, zh.size(), zh) == 0) hits.push_back(it->second);
      }
    }
  } else {
    auto words = latin_words(text);
    for (std::size_t i = 0; i < words.size(); ++i) {
      auto [a, b] = by_word.equal_range(words[i]);
      for (auto it = a; it != b; ++it) {
        const auto& en = lex.entries()[it->second].en_words;
        if (i + en.size() <= words.size() &&
            std::equal(en.begin(), en.end(), words.begin() + static_cast<long>(i)))
          hits.push_back(it->second);
      }
    }
  }
  std::sort(hits.begin(), hits.end());
  hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
  return hits;
}

// Fills both sides' anchors: numbers, Latin words of Chinese text (and their occurrences in the
// other side), glossary terms present on both sides, ? and !.
void add_anchors(DocUnits& a, Side& sa, DocUnits& b, Side& sb, const Lexicon* lex) {
  Anchors ids;
  // Vocabulary of Latin words written inside Chinese text.
  std::unordered_set<std::string> latin_vocab;
  for (DocUnits* d : {&a, &b})
    if (d->chinese)
      for (const auto& t : d->texts)
        for (auto& w : latin_words(t))
          if (w.size() >= 2) latin_vocab.insert(w);

  std::unordered_multimap<char32_t, std::size_t> by_char;
  std::unordered_multimap<std::string, std::size_t> by_word;
  if (lex) {
    for (std::size_t e = 0; e < lex->entries().size(); ++e) {
      const auto& en = lex->entries()[e];
      if (!en.zh.empty()) by_char.emplace(en.zh[0], e);
      if (!en.en_words.empty()) by_word.emplace(en.en_words[0], e);
    }
  }
  // Glossary hits per unit, kept only for entries that occur on both sides.
  std::vector<std::vector<std::size_t>> hits_a, hits_b;
  std::unordered_set<std::size_t> seen_a, both;
  if (lex && lex->size() > 0) {
    for (const auto& t : a.texts) {
      hits_a.push_back(glossary_hits(*lex, t, a.chinese, by_char, by_word));
      seen_a.insert(hits_a.back().begin(), hits_a.back().end());
    }
    for (const auto& t : b.texts) {
      hits_b.push_back(glossary_hits(*lex, t, b.chinese, by_char, by_word));
      for (auto e : hits_b.back())
        if (seen_a.count(e)) both.insert(e);
    }
  }

  auto fill = [&](DocUnits& d, Side& side, const std::vector<std::vector<std::size_t>>& hits) {
    side.units = d.units;
    for (std::size_t k = 0; k < d.units.size(); ++k) {
      Unit& u = side.units[k];
      u.anchor_begin = static_cast<std::uint32_t>(side.anchors.size());
      const auto& t = d.texts[k];
      for (auto& n : numbers(t)) side.anchors.push_back({ids.id("#" + n), kNumber});
      for (auto& w : latin_words(t))
        if (w.size() >= 2 && latin_vocab.count(w)) side.anchors.push_back({ids.id("w" + w), kLatin});
      if (k < hits.size())
        for (auto e : hits[k])
          if (both.count(e)) side.anchors.push_back({ids.id("g" + std::to_string(e)), kTerm});
      for (char32_t c : t) {
        if (c == '?' || c == 0xFF1F) side.anchors.push_back({ids.id("?"), kPunct});
        if (c == '!' || c == 0xFF01) side.anchors.push_back({ids.id("!"), kPunct});
      }
      u.anchor_end = static_cast<std::uint32_t>(side.anchors.size());
    }
    side.finish();
  };
  fill(a, sa, hits_a);
  fill(b, sb, hits_b);
}

// Built-in length model when the archive has too few anchored pairs, oriented src -> tgt.
LengthModel default_model(bool src_chinese, bool tgt_chinese) {
  if (src_chinese && tgt_chinese) return {1.0, 1.0};  // Simplified <-> Traditional: nearly 1-1
  // Measured on TED and WMT zh-en pairs: 2.6-3.6 English letters per Han character, variance
  // 8-12 times the ratio per unit of length.
  LengthModel zh_en{3.0, 24.0};
  if (src_chinese) return zh_en;
  if (tgt_chinese) return zh_en.inverse();
  return {1.0, 6.8};  // Gale and Church's values for European languages
}

// The model for this pair: the archive's (or the default) variance, and the pair's own length
// ratio pulled toward the archive's ratio when the texts are short. Computed with the source of
// the canonical orientation (LengthStats::key) so that aligning B with A mirrors A with B.
LengthModel pair_model(const Document& src, const Document& tgt, const Side& s, const Side& t, bool s_zh,
                       bool t_zh, const LengthStats* stats) {
  bool swapped = false;
  LengthStats::key(src.lang, tgt.lang, &swapped);
  LengthModel base = swapped ? default_model(t_zh, s_zh) : default_model(s_zh, t_zh);
  if (stats && stats->n >= kMinStatsPairs && stats->ratio() > 0 && stats->variance() > 0) {
    LengthStats canon = swapped ? stats->swapped() : *stats;
    base = {canon.ratio(), canon.variance()};
  }
  double lx =
      swapped ? t.len(0, static_cast<int>(t.units.size())) : s.len(0, static_cast<int>(s.units.size()));
  double ly =
      swapped ? s.len(0, static_cast<int>(s.units.size())) : t.len(0, static_cast<int>(t.units.size()));
  LengthModel m = base;
  if (lx > 0 && ly > 0) {
    double w = lx / (lx + 300.0);
    m.c = std::exp(w * std::log(ly / lx) + (1 - w) * std::log(base.c));
    m.s2 = base.s2 * m.c / base.c;
  }
  return swapped ? m.inverse() : m;
}

// Inside an anchored paragraph pair every sentence has a counterpart (the anchors say the
// paragraphs are translations): 1-0 and 0-1 links join the link before them (or after them).
std::vector<DpLink> absorb_indels(std::vector<DpLink> links) {
  std::vector<DpLink> out;
  std::vector<DpLink> pending;  // indels before the first real link
  for (const auto& l : links) {
    bool indel = l.s0 == l.s1 || l.t0 == l.t1;
    if (!indel) {
      DpLink m = l;
      for (const auto& p : pending) {
        if (p.s1 > p.s0) m.s0 = std::min(m.s0, p.s0);
        if (p.t1 > p.t0) m.t0 = std::min(m.t0, p.t0);
      }
      pending.clear();
      out.push_back(m);
    } else if (!out.empty()) {
      if (l.s1 > l.s0) out.back().s1 = l.s1;
      if (l.t1 > l.t0) out.back().t1 = l.t1;
    } else {
      pending.push_back(l);
    }
  }
  if (!pending.empty()) {  // no real link at all: one link of everything
    DpLink m = pending.front();
    for (const auto& p : pending) {
      if (p.s1 > p.s0) {
        m.s0 = m.s1 > m.s0 ? std::min(m.s0, p.s0) : p.s0;
        m.s1 = std::max(m.s1, p.s1);
      }
      if (p.t1 > p.t0) {
        m.t0 = m.t1 > m.t0 ? std::min(m.t0, p.t0) : p.t0;
        m.t1 = std::max(m.t1, p.t1);
      }
    }
    m.confidence = 1.0;
    out.push_back(m);
  }
  return out;
}

// Paragraph links as the connected blocks of paragraphs that sentence links join; paragraphs
// without sentences become 1-0 or 0-1 links in order.
std::vector<Link> paragraph_links(const Alignment& a, std::size_t src_paras, std::size_t tgt_paras) {
  struct Block {
    int s0 = -1, s1 = -1, t0 = -1, t1 = -1;  // inclusive paragraph ranges, -1 = none
    double weight = 0, conf = 0;
  };
  std::vector<Block> blocks;
  for (const auto& l : a.sentence_links) {
    int s0 = -1, s1 = -1, t0 = -1, t1 = -1;
    for (int k : l.src) {
      int p = a.source_sentences[static_cast<std::size_t>(k)].paragraph;
      s0 = s0 < 0 ? p : std::min(s0, p);
      s1 = std::max(s1, p);
    }
    for (int k : l.tgt) {
      int p = a.target_sentences[static_cast<std::size_t>(k)].paragraph;
      t0 = t0 < 0 ? p : std::min(t0, p);
      t1 = std::max(t1, p);
    }
    bool join = !blocks.empty() && ((s0 >= 0 && blocks.back().s1 >= 0 && s0 <= blocks.back().s1) ||
                                    (t0 >= 0 && blocks.back().t1 >= 0 && t0 <= blocks.back().t1));
    if (!join) blocks.push_back(Block{});
    Block& b = blocks.back();
    if (s0 >= 0) {
      b.s0 = b.s0 < 0 ? s0 : std::min(b.s0, s0);
      b.s1 = std::max(b.s1, s1);
    }
    if (t0 >= 0) {
      b.t0 = b.t0 < 0 ? t0 : std::min(b.t0, t0);
      b.t1 = std::max(b.t1, t1);
    }
    double w = static_cast<double>(l.src.size() + l.tgt.size());
    b.weight += w;
    b.conf += w * l.confidence;
  }
  std::vector<Link> out;
  int next_s = 0, next_t = 0;
  auto flush = [&](int s_until, int t_until) {
    for (; next_s < s_until; ++next_s) out.push_back(Link{{next_s}, {}, 1.0});
    for (; next_t < t_until; ++next_t) out.push_back(Link{{}, {next_t}, 1.0});
  };
  for (const auto& b : blocks) {
    flush(b.s0 >= 0 ? b.s0 : next_s, b.t0 >= 0 ? b.t0 : next_t);
    Link l;
    for (int p = std::max(b.s0, next_s); b.s0 >= 0 && p <= b.s1; ++p) l.src.push_back(p);
    for (int p = std::max(b.t0, next_t); b.t0 >= 0 && p <= b.t1; ++p) l.tgt.push_back(p);
    if (l.src.empty() && l.tgt.empty()) continue;
    l.confidence = b.weight > 0 ? b.conf / b.weight : 1.0;
    if (!l.src.empty()) next_s = l.src.back() + 1;
    if (!l.tgt.empty()) next_t = l.tgt.back() + 1;
    out.push_back(std::move(l));
  }
  flush(static_cast<int>(src_paras), static_cast<int>(tgt_paras));
  return out;
}

// Unit range [first, last) of a paragraph run [p0, p1] (empty when those paragraphs have no units).
std::pair<int, int> unit_range(const Side& s, int p0, int p1) {
  auto lo = std::lower_bound(s.units.begin(), s.units.end(), p0,
                             [](const Unit& u, int p) { return u.paragraph < p; });
  auto hi = std::upper_bound(s.units.begin(), s.units.end(), p1,
                             [](int p, const Unit& u) { return p < u.paragraph; });
  return {static_cast<int>(lo - s.units.begin()), static_cast<int>(hi - s.units.begin())};
}

// Paragraph blocks paired by anchor: runs of consecutive paragraphs sharing an anchor on each
// side; a run whose anchor the other side lacks stands alone.
std::vector<Link> anchor_blocks(const Document& src, const Document& tgt) {
  auto runs = [](const Document& d) {
    std::vector<std::pair<std::string, std::vector<int>>> out;
    for (std::size_t p = 0; p < d.paragraphs.size(); ++p) {
      const std::string& a = d.paragraphs[p].anchor;
      if (!out.empty() && out.back().first == a)
        out.back().second.push_back(static_cast<int>(p));
      else
        out.push_back({a, {static_cast<int>(p)}});
    }
    return out;
  };
  auto rs = runs(src), rt = runs(tgt);
  std::unordered_map<std::string, std::size_t> partner;  // anchor -> first target run with it
  for (std::size_t k = rt.size(); k-- > 0;) partner[rt[k].first] = k;
  // Monotone: a source run pairs with its partner when that lies ahead; target runs passed over
  // stand alone, and so does a source run whose partner was passed (crossed order).
  std::vector<Link> out;
  std::size_t j = 0;
  for (const auto& [anchor, paras] : rs) {
    auto it = partner.find(anchor);
    if (it == partner.end() || it->second < j) {
      out.push_back(Link{paras, {}, 1.0});
      continue;
    }
    for (; j < it->second; ++j) out.push_back(Link{{}, rt[j].second, 1.0});
    out.push_back(Link{paras, rt[j].second, 1.0});
    ++j;
  }
  for (; j < rt.size(); ++j) out.push_back(Link{{}, rt[j].second, 1.0});
  return out;
}

}  // namespace

// --- LengthStats ----------------------------------------------------------------------------

void LengthStats::add(double x, double y) {
  n += 1;
  sx += x;
  sy += y;
  sxx += x * x;
  syy += y * y;
  sxy += x * y;
}

void LengthStats::add(const LengthStats& o, double sign) {
  n += sign * o.n;
  sx += sign * o.sx;
  sy += sign * o.sy;
  sxx += sign * o.sxx;
  syy += sign * o.syy;
  sxy += sign * o.sxy;
  if (n < 0.5) *this = LengthStats{};  // rounding residue once everything is retracted
}

double LengthStats::ratio() const {
  return sx > 0 ? sy / sx : 0;
}

double LengthStats::variance() const {
  if (sx <= 0) return 0;
  double c = ratio();
  return std::max(0.0, (syy - 2 * c * sxy + c * c * sxx) / sx);
}

LengthStats LengthStats::swapped() const {
  return LengthStats{n, sy, sx, syy, sxx, sxy};
}

std::string LengthStats::serialise() const {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%.17g %.17g %.17g %.17g %.17g %.17g", n, sx, sy, sxx, syy, sxy);
  return buf;
}

LengthStats LengthStats::parse(std::string_view s) {
  LengthStats st;
  if (s.empty()) return st;
  std::string str(s);
  if (std::sscanf(str.c_str(), "%lg %lg %lg %lg %lg %lg", &st.n, &st.sx, &st.sy, &st.sxx, &st.syy, &st.sxy) !=
      6)
    return LengthStats{};
  return st;
}

std::string LengthStats::key(std::string_view lang_a, std::string_view lang_b, bool* swapped) {
  std::string a = primary(lang_a), b = primary(lang_b);
  if (a.empty()) a = "und";
  if (b.empty()) b = "und";
  bool swap = b < a;
  if (swapped) *swapped = swap;
  if (swap) std::swap(a, b);
  return std::string(kLengthStatsKeyPrefix) + a + "\t" + b;
}

// --- Lexicon ---------------------------------------------------------------------------------

Lexicon Lexicon::from(const Glossary& glossary) {
  Lexicon lex;
  for (const auto& entry : glossary.entries())
    for (std::size_t k = 1; k < entry.size(); ++k) lex.add(entry[0], entry[k]);
  return lex;
}

void Lexicon::add(std::string_view english, std::string_view chinese) {
  Entry e;
  e.en_words = latin_words(decode(english));
  for (char32_t c : decode(text::Analyzer::instance().normalize(chinese)))
    if (c != ' ') e.zh.push_back(c);
  if (e.en_words.empty() || e.zh.empty()) return;
  for (const auto& x : entries_)
    if (x.en_words == e.en_words && x.zh == e.zh) return;  // a Traditional variant that normalises the same
  entries_.push_back(std::move(e));
}

// --- Aligning --------------------------------------------------------------------------------

std::size_t alignment_length(std::string_view utf8) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < utf8.size();) n += counts_for_length(text::next_code_point(utf8, i));
  return n;
}

std::vector<std::string> alignment_numbers(std::string_view utf8) {
  return numbers(decode(utf8));
}

bool fully_anchored(const Document& doc) {
  if (doc.paragraphs.empty()) return false;
  return std::all_of(doc.paragraphs.begin(), doc.paragraphs.end(),
                     [](const Paragraph& p) { return !p.anchor.empty(); });
}

namespace align_detail {

Prepared prepare(const Document& source, const Document& target, const AlignOptions& options) {
  Prepared p;
  DocUnits du_s = cut(source), du_t = cut(target);
  add_anchors(du_s, p.src, du_t, p.tgt, options.lexicon);
  p.src_chinese = du_s.chinese;
  p.tgt_chinese = du_t.chinese;
  if (options.translations && !options.translations->empty() && du_s.chinese != du_t.chinese) {
    const TranslationTable& tt = *options.translations;
    auto fill = [&](DocUnits& d, Side& side) {
      side.chinese = d.chinese;
      for (const auto& t : d.texts) {
        std::string utf8 = encode(t);
        if (d.chinese) {
          std::map<int, float> w;
          for (const auto& tok : TranslationTable::chinese_tokens(utf8))
            if (const auto* list = tt.translations(tok))
              for (const auto& [e, d2] : *list) w[e] = std::max(w[e], d2);
          side.lex_weights.emplace_back(w.begin(), w.end());
          double m = 0;
          for (const auto& [e, x] : w) m += static_cast<double>(x);
          side.lex_mass.push_back(m);
        } else {
          std::vector<int> ids;
          for (const auto& stem : TranslationTable::english_tokens(utf8))
            if (int id = tt.english_id(stem); id >= 0) ids.push_back(id);
          std::sort(ids.begin(), ids.end());
          side.lex_ids.push_back(std::move(ids));
        }
      }
    };
    fill(du_s, p.src);
    fill(du_t, p.tgt);
  }
  p.model = pair_model(source, target, p.src, p.tgt, du_s.chinese, du_t.chinese, options.stats);
  if (options.translations) p.model.lex_chance = options.translations->chance_prior();
  return p;
}

}  // namespace align_detail

Alignment align_documents(const Document& source, const Document& target, const AlignOptions& options) {
  Alignment out;
  out.source_id = source.id;
  out.target_id = target.id;
  out.source_lang = source.lang;
  out.target_lang = target.lang;
  out.aligner_version = kAlignerVersion;

  Prepared prep = prepare(source, target, options);
  const Side& s = prep.src;
  const Side& t = prep.tgt;
  const LengthModel& model = prep.model;
  // Output sentences: the units of one side that a link keeps together between two sentence
  // breaks (clauses and weak pieces) become one sentence again; a link boundary at a clause or weak
  // break leaves the pieces as separate sentences.
  auto sentences_of = [](const Side& side, int u0, int u1, std::vector<SentenceRef>& refs) {
    std::vector<int> ids;
    for (int k = u0; k < u1; ++k) {
      const Unit& u = side.units[static_cast<std::size_t>(k)];
      if (k == u0 || u.before >= kSentence) {
        ids.push_back(static_cast<int>(refs.size()));
        refs.push_back(SentenceRef{u.paragraph, u.begin, u.end});
      } else {
        refs.back().end = u.end;
      }
    }
    return ids;
  };
  int ns = static_cast<int>(s.units.size()), nt = static_cast<int>(t.units.size());

  auto add_link = [&](int s0, int s1, int t0, int t1, double confidence) {
    Link l;
    l.src = sentences_of(s, s0, s1, out.source_sentences);
    l.tgt = sentences_of(t, t0, t1, out.target_sentences);
    l.confidence = confidence;
    out.sentence_links.push_back(std::move(l));
  };
  auto add_links = [&](const std::vector<DpLink>& links) {
    for (const auto& l : links) add_link(l.s0, l.s1, l.t0, l.t1, l.confidence);
  };

  if (!options.ignore_anchors && fully_anchored(source) && fully_anchored(target)) {
    out.method = "anchors";
    out.paragraph_links = anchor_blocks(source, target);
    for (const auto& pl : out.paragraph_links) {
      auto [s0, s1] = pl.src.empty() ? std::pair{0, 0} : unit_range(s, pl.src.front(), pl.src.back());
      auto [t0, t1] = pl.tgt.empty() ? std::pair{0, 0} : unit_range(t, pl.tgt.front(), pl.tgt.back());
      if (s1 > s0 && t1 > t0) {
        add_links(absorb_indels(align_units(s, s0, s1, t, t0, t1, model)));
      } else {
        for (int k = s0; k < s1; ++k) add_link(k, k + 1, 0, 0, 1.0);
        for (int k = t0; k < t1; ++k) add_link(0, 0, k, k + 1, 1.0);
      }
    }
    return out;
  }

  out.method = ns == 0 && nt == 0 ? "empty" : "length+anchors";
  add_links(align_units(s, 0, ns, t, 0, nt, model));
  out.paragraph_links = paragraph_links(out, source.paragraphs.size(), target.paragraphs.size());
  return out;
}

LengthStats anchored_length_stats(const Alignment& a, const Document& source, const Document& target) {
  LengthStats st;
  if (a.method != "anchors") return st;
  bool swapped = false;
  LengthStats::key(source.lang, target.lang, &swapped);
  for (const auto& l : a.paragraph_links) {
    if (l.src.size() != 1 || l.tgt.size() != 1) continue;
    auto ps = static_cast<std::size_t>(l.src[0]), pt = static_cast<std::size_t>(l.tgt[0]);
    if (ps >= source.paragraphs.size() || pt >= target.paragraphs.size()) continue;
    double x = static_cast<double>(alignment_length(source.paragraphs[ps].text));
    double y = static_cast<double>(alignment_length(target.paragraphs[pt].text));
    if (x <= 0 || y <= 0) continue;
    if (swapped) std::swap(x, y);
    st.add(x, y);
  }
  return st;
}

}  // namespace tongwen
