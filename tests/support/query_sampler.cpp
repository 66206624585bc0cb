#include "query_sampler.h"

#include <algorithm>
#include <random>

#include "tongwen/schema.h"
#include "tongwen/text.h"

namespace tongwen::test {

namespace {

struct Cp {
  std::size_t start, len;
  bool cjk;
};

std::vector<Cp> code_points(const std::string& s) {
  std::vector<Cp> out;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t st = i;
    char32_t c = text::next_code_point(s, i);
    out.push_back({st, i - st, c <= 0x10FFFF && text::is_cjk(c)});
  }
  return out;
}

bool is_letter_word(const std::string& w) {
  return !w.empty() && w[0] != '\x01' && static_cast<unsigned char>(w[0]) < 0x80 &&
         std::isalpha(static_cast<unsigned char>(w[0])) &&
         std::all_of(w.begin(), w.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

std::set<std::string> apply_filters(const BruteForce& truth, const std::set<std::string>& base,
                                    const std::map<std::string, std::vector<std::string>>& filters,
                                    const std::string& except) {
  std::set<std::string> out = base;
  for (const auto& [field, values] : filters) {
    if (field == except) continue;
    std::set<std::string> any;
    for (const auto& v : values) {
      auto m = truth.with_facet(field, v);
      any.insert(m.begin(), m.end());
    }
    std::set<std::string> kept;
    for (const auto& id : out)
      if (any.count(id)) kept.insert(id);
    out = std::move(kept);
  }
  return out;
}

std::vector<SampledQuery> sample_queries(const BruteForce& truth, const SamplerCounts& counts,
                                         unsigned seed) {
  std::mt19937 rng(seed);
  const auto& docs = truth.documents();
  std::vector<SampledQuery> out;
  auto rand_doc = [&]() -> std::size_t { return rng() % docs.size(); };

  auto maybe_filter = [&](SampledQuery& q, std::size_t doc) {
    if (std::uniform_real_distribution<double>(0, 1)(rng) >= counts.filter_share) return;
    const Document& d = docs[doc];
    std::vector<std::pair<std::string, std::string>> options;
    for (const auto& s : d.speakers) options.emplace_back("speaker", s.name);
    for (const auto& t : d.topics)
      for (const auto& level : schema::with_ancestors(t)) options.emplace_back("topic", level);
    if (!d.event.empty()) options.emplace_back("event", d.event);
    if (!d.year().empty()) options.emplace_back("year", d.year());
    if (!d.lang.empty()) {
      options.emplace_back("lang", d.lang);
      options.emplace_back("lang", d.lang.substr(0, d.lang.find('-')));
    }
    if (!d.type.empty()) options.emplace_back("type", d.type);
    if (options.empty()) return;
    auto [field, value] = options[rng() % options.size()];
    q.filters[field].push_back(value);
    // Sometimes a second value of the same facet (multi-select, OR), from another document.
    if (rng() % 4 == 0 && (field == "speaker" || field == "topic" || field == "year")) {
      const Document& o = docs[rand_doc()];
      if (field == "speaker" && !o.speakers.empty()) q.filters[field].push_back(o.speakers[0].name);
      if (field == "topic" && !o.topics.empty()) q.filters[field].push_back(o.topics[0]);
      if (field == "year" && !o.year().empty()) q.filters[field].push_back(o.year());
    }
  };
  auto finish = [&](SampledQuery q, std::set<std::string> base, std::size_t doc) {
    maybe_filter(q, doc);
    q.expected = apply_filters(truth, base, q.filters);
    out.push_back(std::move(q));
  };

  // Chinese substrings of 2 to 8 characters.
  for (std::size_t made = 0, tries = 0; made < counts.zh && tries < counts.zh * 200; ++tries) {
    std::size_t doc = rand_doc();
    // Sampled from the original text, so Traditional and full-width documents give queries in
    // their own script.
    auto units = docs[doc].searchable_units();
    std::string u(units[rng() % units.size()]);
    auto cps = code_points(u);
    if (cps.size() < 2) continue;
    std::size_t len = 2 + rng() % 7, start = rng() % cps.size();
    if (start + len > cps.size()) continue;
    bool ok = true;
    for (std::size_t k = start; k < start + len; ++k) ok = ok && cps[k].cjk;
    if (!ok) continue;
    std::string q =
        u.substr(cps[start].start, cps[start + len - 1].start + cps[start + len - 1].len - cps[start].start);
    SampledQuery sq{"zh", q, {}, {}};
    finish(sq, truth.substring(q), doc);
    ++made;
  }

  // English words, phrases and prefixes from word units.
  auto word_run = [&](std::size_t doc, std::size_t want, std::vector<std::string>& words) {
    const auto& units = truth.units(doc);
    std::size_t ui = rng() % units.size();
    const auto& toks = truth.unit_tokens(doc, ui);
    if (toks.size() < want) return false;
    std::size_t start = rng() % (toks.size() - want + 1);
    words.assign(toks.begin() + static_cast<long>(start), toks.begin() + static_cast<long>(start + want));
    return std::all_of(words.begin(), words.end(), is_letter_word);
  };
  for (std::size_t made = 0, tries = 0; made < counts.en_word && tries < counts.en_word * 200; ++tries) {
    std::size_t doc = rand_doc();
    std::vector<std::string> w;
    if (!word_run(doc, 1, w) || w[0].size() < 3) continue;
    finish(SampledQuery{"en_word", w[0], {}, {}}, truth.stemmed_word(w[0]), doc);
    ++made;
  }
  for (std::size_t made = 0, tries = 0; made < counts.en_phrase && tries < counts.en_phrase * 200; ++tries) {
    std::size_t doc = rand_doc();
    std::vector<std::string> w;
    if (!word_run(doc, 2 + rng() % 3, w)) continue;
    std::string q = "\"";
    for (std::size_t i = 0; i < w.size(); ++i) q += (i ? " " : "") + w[i];
    q += "\"";
    finish(SampledQuery{"en_phrase", q, {}, {}}, truth.phrase(w), doc);
    ++made;
  }
  for (std::size_t made = 0, tries = 0; made < counts.en_prefix && tries < counts.en_prefix * 200; ++tries) {
    std::size_t doc = rand_doc();
    std::vector<std::string> w;
    if (!word_run(doc, 1, w) || w[0].size() < 6) continue;
    std::string prefix = w[0].substr(0, 4 + rng() % 3);
    finish(SampledQuery{"en_prefix", prefix + "*", {}, {}}, truth.word_prefix(prefix), doc);
    ++made;
  }
  // Mixed: an English word and a Chinese substring of the same unit (AND).
  for (std::size_t made = 0, tries = 0; made < counts.mixed && tries < counts.mixed * 500; ++tries) {
    std::size_t doc = rand_doc();
    const auto& units = truth.units(doc);
    std::size_t ui = rng() % units.size();
    const auto& toks = truth.unit_tokens(doc, ui);
    std::string word, zh;
    for (std::size_t k = 0; k < toks.size(); ++k) {
      if (word.empty() && is_letter_word(toks[k]) && toks[k].size() >= 2) word = toks[k];
      if (zh.empty() && k + 1 < toks.size() && !toks[k].empty() &&
          static_cast<unsigned char>(toks[k][0]) >= 0x80 && toks[k + 1].size() > 1 &&
          toks[k + 1][0] == '\x01')
        zh = toks[k] + toks[k + 1].substr(1);
    }
    if (word.empty() || zh.empty()) continue;
    auto a = truth.stemmed_word(word), b = truth.substring(zh);
    std::set<std::string> both;
    for (const auto& id : a)
      if (b.count(id)) both.insert(id);
    finish(SampledQuery{"mixed", word + " " + zh, {}, {}}, both, doc);
    ++made;
  }
  return out;
}

}  // namespace tongwen::test
