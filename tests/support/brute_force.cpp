#include "brute_force.h"

#include <xapian.h>

#include "tongwen/schema.h"
#include "tongwen/text.h"

namespace tongwen::test {

namespace {

// Units of normalised text: each word, and each CJK character with a marker of run continuity
// ("\x01" + char when it continues the previous CJK character's run).
std::vector<std::string> units_of(const std::string& norm) {
  std::vector<std::string> out;
  std::size_t i = 0;
  bool prev_cjk = false;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) out.push_back(word);
    word.clear();
  };
  while (i < norm.size()) {
    std::size_t start = i;
    char32_t c = text::next_code_point(norm, i);
    if (c <= 0x10FFFF && text::is_cjk(c)) {
      flush();
      out.push_back((prev_cjk ? "\x01" : "") + norm.substr(start, i - start));
      prev_cjk = true;
    } else if (c <= 0x10FFFF && text::is_word_char(c)) {
      word += norm.substr(start, i - start);
      prev_cjk = false;
    } else {
      flush();
      prev_cjk = false;
    }
  }
  flush();
  return out;
}

}  // namespace

BruteForce::BruteForce(std::vector<Document> docs) : docs_(std::move(docs)) {
  const auto& a = text::Analyzer::instance();
  for (const auto& d : docs_) {
    std::vector<std::string> units;
    std::vector<std::vector<std::string>> toks;
    for (auto u : d.searchable_units()) {
      units.push_back(a.normalize(u));
      toks.push_back(units_of(units.back()));
    }
    norm_.push_back(std::move(units));
    unit_tokens_.push_back(std::move(toks));
    std::map<std::string, std::set<std::string>> keys;
    for (const auto& s : d.speakers) keys["speaker"].insert(schema::facet_key(s.name));
    for (const auto& t : d.topics)
      for (const auto& level : schema::with_ancestors(t)) keys["topic"].insert(schema::facet_key(level));
    if (!d.event.empty()) keys["event"].insert(schema::facet_key(d.event));
    if (!d.year().empty()) keys["year"].insert(d.year());
    if (!d.lang.empty()) keys["lang"].insert(schema::facet_key(d.lang));
    if (!d.type.empty()) keys["type"].insert(schema::facet_key(d.type));
    for (auto& [f, k] : keys) k.erase("");
    facet_keys_.push_back(std::move(keys));
  }
}

std::set<std::string> BruteForce::substring(const std::string& text) const {
  std::string q = text::Analyzer::instance().normalize(text);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < docs_.size(); ++i)
    for (const auto& u : norm_[i])
      if (u.find(q) != std::string::npos) {
        ids.insert(docs_[i].id);
        break;
      }
  return ids;
}

std::set<std::string> BruteForce::phrase(const std::vector<std::string>& words) const {
  std::string joined;
  for (const auto& w : words) joined += (joined.empty() ? "" : " ") + w;
  std::vector<std::string> q = units_of(text::Analyzer::instance().normalize(joined));
  std::set<std::string> ids;
  if (q.empty()) return ids;
  auto strip = [](const std::string& u) { return !u.empty() && u[0] == '\x01' ? u.substr(1) : u; };
  for (std::size_t i = 0; i < docs_.size(); ++i) {
    bool found = false;
    for (const auto& toks : unit_tokens_[i]) {
      for (std::size_t k = 0; !found && k + q.size() <= toks.size(); ++k) {
        bool ok = true;
        for (std::size_t j = 0; ok && j < q.size(); ++j) {
          // The first query unit may continue a run in the document; later ones must match the
          // document's continuity exactly.
          ok = strip(toks[k + j]) == strip(q[j]) && (j == 0 || toks[k + j] == q[j]);
        }
        found = ok;
      }
      if (found) break;
    }
    if (found) ids.insert(docs_[i].id);
  }
  return ids;
}

std::set<std::string> BruteForce::stemmed_word(const std::string& word) const {
  Xapian::Stem stem("english");
  std::string target = stem(text::Analyzer::instance().normalize(word));
  std::set<std::string> ids;
  for (std::size_t i = 0; i < docs_.size(); ++i) {
    bool found = false;
    for (const auto& toks : unit_tokens_[i]) {
      for (const auto& t : toks) {
        if (t.empty() || static_cast<unsigned char>(t[0]) >= 0x80 || t[0] == '\x01' ||
            (t[0] >= '0' && t[0] <= '9'))
          continue;
        if (stem(t) == target) {
          found = true;
          break;
        }
      }
      if (found) break;
    }
    if (found) ids.insert(docs_[i].id);
  }
  return ids;
}

std::set<std::string> BruteForce::word_prefix(const std::string& prefix) const {
  std::string p = text::Analyzer::instance().normalize(prefix);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < docs_.size(); ++i) {
    bool found = false;
    for (const auto& toks : unit_tokens_[i]) {
      for (const auto& t : toks)
        if (!t.empty() && t[0] != '\x01' && t.rfind(p, 0) == 0) {
          found = true;
          break;
        }
      if (found) break;
    }
    if (found) ids.insert(docs_[i].id);
  }
  return ids;
}

const AuthorityTable* BruteForce::table(const std::string& field) const {
  auto it = tables_.find(field);
  return it == tables_.end() ? nullptr : &it->second;
}

std::set<std::string> BruteForce::entity_ids(std::size_t i, const AuthorityTable& t,
                                             const std::string& field) const {
  std::set<std::string> out;
  auto it = facet_keys_[i].find(field);
  if (it == facet_keys_[i].end()) return out;
  for (const auto& k : it->second) {
    int e = t.resolve(k, docs_[i].translation_group);
    out.insert(e < 0 ? k : t.entities()[static_cast<std::size_t>(e)].id);
  }
  return out;
}

std::set<std::string> BruteForce::with_facet(const std::string& field, const std::string& value) const {
  std::string key = schema::facet_key(value);
  std::set<std::string> ids;
  if (const AuthorityTable* t = table(field)) {
    std::vector<int> es = t->by_id(key) >= 0 ? std::vector<int>{t->by_id(key)} : t->by_key(key);
    std::set<std::string> wanted;
    for (int e : es) wanted.insert(t->entities()[static_cast<std::size_t>(e)].id);
    if (wanted.empty()) wanted.insert(key);
    for (std::size_t i = 0; i < docs_.size(); ++i)
      for (const auto& id : entity_ids(i, *t, field))
        if (wanted.count(id)) ids.insert(docs_[i].id);
    return ids;
  }
  for (std::size_t i = 0; i < docs_.size(); ++i) {
    auto it = facet_keys_[i].find(field);
    bool match = it != facet_keys_[i].end() && it->second.count(key) > 0;
    if (!match && field == "lang" && !docs_[i].lang.empty())
      for (const auto& v : schema::lang_filter_values(docs_[i].lang))
        match = match || schema::facet_key(v) == key;
    if (match) ids.insert(docs_[i].id);
  }
  return ids;
}

std::map<std::string, std::size_t> BruteForce::facet_counts(const std::string& field,
                                                            const std::set<std::string>& ids) const {
  std::map<std::string, std::size_t> counts;
  for (std::size_t i = 0; i < docs_.size(); ++i) {
    if (!ids.count(docs_[i].id)) continue;
    if (const AuthorityTable* t = table(field)) {
      for (const auto& id : entity_ids(i, *t, field)) ++counts[id];
      continue;
    }
    auto it = facet_keys_[i].find(field);
    if (it == facet_keys_[i].end()) continue;
    for (const auto& k : it->second) ++counts[k];
  }
  return counts;
}

}  // namespace tongwen::test
