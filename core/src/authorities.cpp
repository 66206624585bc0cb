#include "tongwen/authorities.h"
#include "tongwen/lang.h"

#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <fstream>
#include <numeric>
#include <set>

#include "tongwen/errors.h"
#include "tongwen/json.h"
#include "tongwen/model.h"
#include "tongwen/schema.h"
#include "tongwen/text.h"
#include "tongwen/util.h"

namespace tongwen {

using namespace text;

namespace {

const char* const kLangs[] = {"en", "zh-Hans", "zh-Hant"};

bool has_han(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size())
    if (is_cjk(next_code_point(s, i))) return true;
  return false;
}

// en, zh-Hans, zh-Hant from a language facet key ("zh-hans", "en-gb", ...; Chinese that names no
// script counts as Simplified), else the key.
std::string lang_of(const std::string& key) {
  std::string l = canonical_lang(key);
  if (!l.empty()) return l;
  return key.rfind("zh", 0) == 0 ? "zh-Hans" : key;
}

std::string simplified(std::string_view s) {
  const Analyzer& a = Analyzer::instance();
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t start = i;
    char32_t c = next_code_point(s, i);
    if (c > 0x10FFFF) {
      out.append(s.substr(start, i - start));
      continue;
    }
    append_utf8(out, a.to_simplified(c));
  }
  return out;
}

struct UnionFind {
  std::vector<std::size_t> parent;
  std::size_t add() {
    parent.push_back(parent.size());
    return parent.size() - 1;
  }
  std::size_t find(std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void unite(std::size_t a, std::size_t b) { parent[find(a)] = find(b); }
};

// Evidence: the keys at one position of one translation group.
struct Record {
  std::vector<std::string> keys;  // sorted, unique, two or more
  std::string group;
};

bool contains(const std::vector<std::string>& sorted, const std::string& k) {
  return std::binary_search(sorted.begin(), sorted.end(), k);
}

void sort_unique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// The written forms of a document's keys of one field (empty when they do not line up with the
// index's keys, e.g. for a document indexed by another version).
std::vector<std::string> written_forms(const Document& d, const std::string& field,
                                       const std::vector<std::string>& keys) {
  AuthorityObservation o = observe_document(d, field);
  return o.keys == keys ? o.names : std::vector<std::string>{};
}

}  // namespace

AuthorityObservation observe_document(const Document& d, const std::string& field) {
  AuthorityObservation o;
  o.group = d.translation_group;
  o.lang = lang_of(schema::facet_key(d.lang));
  if (const schema::Field* f = schema::find_field(field); f && f->authority) {
    for (auto& [key, written] : schema::facet_entries(d, *f)) {
      o.keys.push_back(std::move(key));
      o.names.push_back(std::move(written));
    }
  }
  return o;
}

bool entity_found_by(const std::vector<std::string>& keys, const std::string& key_prefix) {
  auto starts = [](const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; };
  if (std::any_of(keys.begin(), keys.end(), [&](const std::string& k) { return starts(k, key_prefix); }))
    return true;
  // Pinyin: only for a prefix of Latin letters (and spaces), against the keys that are not.
  std::string letters;
  for (char c : key_prefix) {
    if (c == ' ') continue;
    if (c < 'a' || c > 'z') return false;
    letters.push_back(c);
  }
  if (letters.empty()) return false;
  for (const auto& k : keys) {
    if (std::all_of(k.begin(), k.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
      continue;
    std::string read = text::pinyin(k);
    read.erase(std::remove(read.begin(), read.end(), ' '), read.end());
    if (starts(read, letters)) return true;
  }
  return false;
}

bool AuthorityTable::has_authorities(const std::string& field) {
  const schema::Field* f = schema::find_field(field);
  return f && f->authority;
}

std::vector<CuratedEntity> load_curated_authorities(const std::string& path) {
  std::vector<CuratedEntity> out;
  std::set<std::pair<std::string, std::string>> ids;
  for_each_data_line(path, "authority file", [&](const std::string& line, int n) {
    auto fail = [&](const std::string& why) {
      throw UserError("bad_authority", path + ":" + std::to_string(n) + ": " + why);
    };
    if (!is_valid_utf8(line)) fail("not valid UTF-8");
    std::vector<std::string> cols = split_fields(line, '\t');
    if (cols.size() < 3 || cols.size() > 6)
      fail("a line needs 3 to 6 tab-separated columns (field, id, en, zh-Hans, zh-Hant, aliases), got " +
           std::to_string(cols.size()));
    CuratedEntity c;
    c.line = n;
    c.field = cols[0];
    if (!AuthorityTable::has_authorities(c.field))
      fail("unknown field \"" + c.field + "\" (speaker, topic or event)");
    c.id = schema::facet_key(cols[1]);
    if (c.id.empty()) fail("the id (column 2) is empty");
    if (!ids.emplace(c.field, c.id).second) fail("the id \"" + c.id + "\" is defined twice for " + c.field);
    for (std::size_t i = 2; i < cols.size() && i < 5; ++i)
      if (!schema::facet_key(cols[i]).empty()) c.names[kLangs[i - 2]] = cols[i];
    if (cols.size() == 6)
      for (auto& a : split_fields(cols[5], '|'))
        if (!schema::facet_key(a).empty()) c.aliases.push_back(a);
    if (c.names.empty() && c.aliases.empty()) fail("the entity \"" + c.id + "\" has no name");
    out.push_back(std::move(c));
  });
  return out;
}

std::vector<CuratedEntity> configured_authorities(const Settings& settings) {
  const std::string& path = settings.search.authorities;
  if (path.empty()) return {};
  if (!Poco::File(path).exists()) {
    if (path == Settings{}.search.authorities) return {};  // the default, not shipped
    throw UserError("config", "search.authorities = " + path + ": no such file");
  }
  return load_curated_authorities(path);
}

AuthorityTable AuthorityTable::build(const std::string& field, const std::vector<AuthorityObservation>& docs,
                                     const std::function<std::string(const std::string&)>& display,
                                     const std::vector<CuratedEntity>& curated) {
  AuthorityTable t;
  t.field_ = field;

  // 1. Evidence from translation groups whose versions name as many values each.
  std::map<std::string, std::vector<const AuthorityObservation*>> groups;
  for (const auto& d : docs)
    if (!d.group.empty() && !d.keys.empty()) groups[d.group].push_back(&d);
  std::vector<Record> records;
  for (const auto& [g, members] : groups) {
    if (members.size() < 2) continue;
    std::size_t n = members[0]->keys.size();
    if (!std::all_of(members.begin(), members.end(), [&](auto* m) { return m->keys.size() == n; })) continue;
    for (std::size_t i = 0; i < n; ++i) {
      Record r{{}, g};
      for (auto* m : members) r.keys.push_back(m->keys[i]);
      sort_unique(r.keys);
      if (r.keys.size() >= 2) records.push_back(std::move(r));
    }
  }

  // 2. Components of the evidence graph.
  std::map<std::string, std::size_t> node;
  UnionFind uf;
  for (const auto& d : docs)
    for (const auto& k : d.keys)
      if (!node.count(k)) node[k] = uf.add();
  for (const auto& r : records)
    for (std::size_t i = 1; i < r.keys.size(); ++i) uf.unite(node[r.keys[0]], node[r.keys[i]]);
  std::map<std::size_t, std::vector<std::string>> components;
  for (const auto& [k, i] : node) components[uf.find(i)].push_back(k);
  std::map<std::size_t, std::vector<const Record*>> component_records;
  for (const auto& r : records) component_records[uf.find(node[r.keys[0]])].push_back(&r);

  struct Pending {
    std::vector<std::string> keys, groups;
    const CuratedEntity* curated = nullptr;
    int conflict = -1;
  };
  std::vector<Pending> pending;
  std::vector<std::vector<std::size_t>> conflict_members;
  for (auto& [root, keys] : components) {
    // The Chinese names of the component, and its other names by their set of words (so that
    // `Yang Liu` is an alias of `Liu Yang`, `Neri Oxman` is not one of `Emilie Wapnick`).
    std::vector<std::string> han;
    std::map<std::string, std::vector<std::string>> latin;
    for (const auto& k : keys) {
      if (has_han(k)) {
        han.push_back(k);
        continue;
      }
      std::vector<std::string> words = split_fields(k, ' ');
      std::sort(words.begin(), words.end());
      std::string sig;
      for (const auto& w : words) sig += w + " ";
      latin[sig].push_back(k);
    }
    const auto& recs = component_records[root];
    if (han.size() <= 1 && latin.size() <= 1) {
      Pending p{keys, {}, nullptr, -1};
      for (auto* r : recs) p.groups.push_back(r->group);
      sort_unique(p.groups);
      pending.push_back(std::move(p));
      continue;
    }
    // Two Chinese names paired with one other name (or two different other names with one Chinese
    // name): kept apart, one entity per Chinese name (per other name), sharing the common name.
    std::vector<std::vector<std::string>> anchors;
    if (han.size() > 1) {
      for (const auto& h : han) anchors.push_back({h});
    } else {
      for (const auto& [sig, ks] : latin) anchors.push_back(ks);
    }
    const bool by_han = han.size() > 1;
    int c = static_cast<int>(t.conflicts_.size());
    AuthorityConflict conflict;
    for (const auto& k : keys) conflict.names.push_back(display(k));
    conflict_members.emplace_back();
    std::set<std::string> placed;
    for (const auto& anchor : anchors) {
      Pending p{anchor, {}, nullptr, c};
      for (auto* r : recs) {
        if (std::none_of(anchor.begin(), anchor.end(), [&](const auto& a) { return contains(r->keys, a); }))
          continue;
        p.groups.push_back(r->group);
        conflict.groups.push_back(r->group);
        for (const auto& k : r->keys)
          if (has_han(k) != by_han) p.keys.push_back(k);
      }
      sort_unique(p.keys);
      sort_unique(p.groups);
      placed.insert(p.keys.begin(), p.keys.end());
      conflict_members.back().push_back(pending.size());
      pending.push_back(std::move(p));
    }
    for (const auto& k : keys)
      if (!placed.count(k)) pending.push_back({{k}, {}, nullptr, -1});
    sort_unique(conflict.groups);
    t.conflicts_.push_back(std::move(conflict));
  }

  // 3. The curated file: its names leave the learned entities and form the curated one.
  for (const auto& c : curated) {
    if (c.field != field) continue;
    std::vector<std::string> keys;
    for (const auto& [lang, name] : c.names) keys.push_back(schema::facet_key(name));
    for (const auto& a : c.aliases) keys.push_back(schema::facet_key(a));
    sort_unique(keys);
    for (auto& p : pending)
      if (!p.curated) std::erase_if(p.keys, [&](const std::string& k) { return contains(keys, k); });
    Pending p{keys, {}, &c, -1};
    for (const auto& r : records)
      if (std::any_of(r.keys.begin(), r.keys.end(), [&](const auto& k) { return contains(keys, k); }))
        p.groups.push_back(r.group);
    sort_unique(p.groups);
    pending.push_back(std::move(p));
  }

  // 4. Entities, and which entity a shared name means in each group.
  std::vector<int> final_index(pending.size(), -1);
  for (std::size_t i = 0; i < pending.size(); ++i) {
    if (pending[i].keys.empty()) continue;
    final_index[i] = static_cast<int>(t.entities_.size());
    AuthorityEntity e;
    e.keys = pending[i].keys;
    e.groups = pending[i].groups;
    if (pending[i].curated) {
      e.curated = true;
      e.line = pending[i].curated->line;
    }
    t.entities_.push_back(std::move(e));
  }
  for (std::size_t i = 0; i < t.entities_.size(); ++i)
    for (const auto& k : t.entities_[i].keys) t.by_key_[k].push_back(static_cast<int>(i));
  for (const auto& r : records) {
    for (const auto& k : r.keys) {
      const auto& cands = t.by_key_[k];
      if (cands.size() < 2) continue;
      // The candidate that also holds another name of this position, alone.
      int chosen = -1;
      bool unique = true;
      for (int e : cands) {
        const auto& ek = t.entities_[static_cast<std::size_t>(e)].keys;
        bool other = std::any_of(r.keys.begin(), r.keys.end(), [&](const auto& o) {
          return o != k && contains(ek, o) && t.by_key_[o].size() == 1;
        });
        if (!other) continue;
        if (chosen >= 0) unique = false;
        chosen = e;
      }
      if (chosen >= 0 && unique) t.by_group_key_[{r.group, k}] = chosen;
    }
  }
  // A shared name in a document no group resolves: an entity of its own (the name alone).
  std::map<std::string, int> fallback;
  for (const auto& d : docs)
    for (const auto& k : d.keys) {
      if (t.by_key_[k].size() < 2 || t.by_group_key_.count({d.group, k}) || fallback.count(k)) continue;
      fallback[k] = static_cast<int>(t.entities_.size());
      AuthorityEntity e;
      e.keys = {k};
      t.entities_.push_back(std::move(e));
    }
  for (const auto& [k, e] : fallback) t.by_key_[k].push_back(e);
  t.fallback_ = fallback;

  // 5. Document counts and the written forms per language.
  std::vector<std::map<std::string, std::map<std::string, std::uint64_t>>> seen(t.entities_.size());
  std::vector<int> hit;
  for (const auto& d : docs) {
    hit.clear();
    for (std::size_t j = 0; j < d.keys.size(); ++j) {
      const std::string& k = d.keys[j];
      int e = t.resolve(k, d.group);
      if (e < 0) continue;
      ++seen[static_cast<std::size_t>(e)][d.lang][j < d.names.size() ? d.names[j] : display(k)];
      if (std::find(hit.begin(), hit.end(), e) == hit.end()) hit.push_back(e);
    }
    for (int e : hit) ++t.entities_[static_cast<std::size_t>(e)].documents;
  }
  std::vector<const CuratedEntity*> curated_of(t.entities_.size(), nullptr);
  for (std::size_t p = 0; p < pending.size(); ++p)
    if (final_index[p] >= 0) curated_of[static_cast<std::size_t>(final_index[p])] = pending[p].curated;
  for (std::size_t i = 0; i < t.entities_.size(); ++i) {
    auto& e = t.entities_[i];
    const CuratedEntity* c = curated_of[i];
    if (c) {
      e.names = c->names;
      e.aliases = c->aliases;
    } else {
      for (const char* lang : kLangs) {
        auto it = seen[i].find(lang);
        if (it == seen[i].end()) continue;
        // The most frequent form; on a tie the key's display form (as first written), then the first.
        auto rank = [&](const auto& x) {
          return std::make_pair(x.second, x.first == display(schema::facet_key(x.first)) ? 1 : 0);
        };
        auto best = std::max_element(it->second.begin(), it->second.end(),
                                     [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
        e.names[lang] = best->first;
      }
      if (!e.names.count("zh-Hans") && e.names.count("zh-Hant"))
        e.names["zh-Hans"] = simplified(e.names["zh-Hant"]);
      for (const auto& k : e.keys) {
        std::string lang = has_han(k) ? "zh-Hans" : "en";
        if (!e.names.count(lang) && !(lang == "zh-Hans" && e.names.count("zh-Hant")))
          e.names[lang] = display(k);
      }
    }
    // Aliases: every other written form, one per key.
    std::set<std::string> named;
    for (const auto& [lang, name] : e.names) named.insert(schema::facet_key(name));
    for (const auto& al : e.aliases) named.insert(schema::facet_key(al));
    for (const auto& per_lang : seen[i])
      for (const auto& [form, n] : per_lang.second)
        if (named.insert(schema::facet_key(form)).second) e.aliases.push_back(form);
    for (const auto& k : e.keys)
      if (named.insert(k).second) e.aliases.push_back(display(k));
  }

  // 6. Ids: the key of the English name (else the Chinese one); shared ones get the Chinese key.
  std::map<std::string, int> base_count;
  std::vector<std::string> base(t.entities_.size());
  for (std::size_t i = 0; i < t.entities_.size(); ++i) {
    auto& e = t.entities_[i];
    if (const CuratedEntity* c = curated_of[i]) {
      base[i] = c->id;
    } else if (e.names.count("en")) {
      base[i] = schema::facet_key(e.names["en"]);
    } else {
      base[i] = e.keys.front();
    }
    ++base_count[base[i]];
  }
  for (std::size_t i = 0; i < t.entities_.size(); ++i) {
    auto& e = t.entities_[i];
    std::string id = base[i];
    if (base_count[id] > 1 && !e.curated) {
      for (const auto& k : e.keys)
        if (has_han(k) && k != id) {
          id += "~" + k;
          break;
        }
    }
    for (int n = 2; t.by_id_.count(id); ++n) id = base[i] + "~" + std::to_string(n);
    e.id = id;
    t.by_id_[id] = static_cast<int>(i);
  }
  for (std::size_t c = 0; c < t.conflicts_.size(); ++c)
    for (std::size_t p : conflict_members[c])
      if (final_index[p] >= 0)
        t.conflicts_[c].ids.push_back(t.entities_[static_cast<std::size_t>(final_index[p])].id);
  for (const auto& [k, e] : fallback)
    for (auto& c : t.conflicts_)
      if (std::find(c.names.begin(), c.names.end(), display(k)) != c.names.end())
        c.ids.push_back(t.entities_[static_cast<std::size_t>(e)].id);
  return t;
}

int AuthorityTable::by_id(const std::string& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? -1 : it->second;
}

std::vector<int> AuthorityTable::by_key(const std::string& key) const {
  auto it = by_key_.find(key);
  return it == by_key_.end() ? std::vector<int>{} : it->second;
}

int AuthorityTable::resolve(const std::string& key, const std::string& group) const {
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return -1;
  if (it->second.size() == 1) return it->second[0];
  if (auto g = by_group_key_.find({group, key}); g != by_group_key_.end()) return g->second;
  auto f = fallback_.find(key);
  return f == fallback_.end() ? -1 : f->second;
}

Xapian::Query AuthorityTable::query(int i, const std::string& filter_prefix,
                                    std::string_view group_prefix) const {
  std::vector<Xapian::Query> parts;
  const auto& e = entities_[static_cast<std::size_t>(i)];
  for (const auto& k : e.keys) {
    Xapian::Query term(filter_prefix + k);
    auto it = by_key_.find(k);
    if (it == by_key_.end() || it->second.size() == 1) {
      parts.push_back(term);
      continue;
    }
    // A shared name: the groups that mean this entity by it (or, for the name alone, none of them).
    std::vector<Xapian::Query> mine, others;
    for (const auto& [gk, ent] : by_group_key_) {
      if (gk.second != k) continue;
      (ent == i ? mine : others).emplace_back(std::string(group_prefix) + gk.first);
    }
    auto f = fallback_.find(k);
    if (f != fallback_.end() && f->second == i) {
      if (others.empty()) {
        parts.push_back(term);
      } else {
        parts.emplace_back(Xapian::Query::OP_AND_NOT, term,
                           Xapian::Query(Xapian::Query::OP_OR, others.begin(), others.end()));
      }
    } else if (!mine.empty()) {
      parts.emplace_back(Xapian::Query::OP_FILTER, term,
                         Xapian::Query(Xapian::Query::OP_OR, mine.begin(), mine.end()));
    }
  }
  if (parts.empty()) return Xapian::Query::MatchNothing;
  return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
}

std::string AuthorityTable::name_in(int i, const std::string& lang) const {
  const auto& names = entities_[static_cast<std::size_t>(i)].names;
  auto get = [&](const char* l) -> const std::string* {
    auto it = names.find(l);
    return it == names.end() ? nullptr : &it->second;
  };
  std::vector<const char*> order;
  if (lang == "zh-Hant") {
    order = {"zh-Hant", "zh-Hans", "en"};
  } else if (lang.rfind("zh", 0) == 0) {
    order = {"zh-Hans", "zh-Hant", "en"};
  } else {
    order = {"en", "zh-Hans", "zh-Hant"};
  }
  for (const char* l : order)
    if (auto* n = get(l)) return *n;
  return names.empty() ? entities_[static_cast<std::size_t>(i)].id : names.begin()->second;
}

std::map<std::string, AuthorityTable> AuthorityTable::from_index(const stored::Archive& archive,
                                                                 const std::vector<CuratedEntity>& curated) {
  const Xapian::Database& db = archive.db();
  auto stream = [&](Xapian::valueno slot) {
    std::unordered_map<Xapian::docid, std::string> out;
    for (auto it = db.valuestream_begin(slot); it != db.valuestream_end(slot); ++it)
      out[it.get_docid()] = *it;
    return out;
  };
  auto groups = stream(schema::SLOT_GROUP);
  auto langs = stream(schema::SLOT_LANG);
  std::map<std::string, AuthorityTable> out;
  for (const schema::Field* field : schema::authority_fields()) {
    const schema::Field& f = *field;
    const std::string name(f.name);
    std::vector<AuthorityObservation> docs;
    for (auto it = db.valuestream_begin(*f.slot); it != db.valuestream_end(*f.slot); ++it) {
      AuthorityObservation o;
      o.did = it.get_docid();
      if (auto g = groups.find(o.did); g != groups.end()) o.group = g->second;
      if (auto l = langs.find(o.did); l != langs.end()) o.lang = lang_of(l->second);
      if (f.facet == schema::FacetKind::Single) {
        o.keys = {*it};
      } else {
        o.keys = schema::unserialise_list(*it);
      }
      // A key has one display form; a Traditional version's own written forms come from its data.
      if (o.lang == "zh-Hant")
        o.names = written_forms(unserialise(db.get_document(o.did).get_data()), name, o.keys);
      docs.push_back(std::move(o));
    }
    std::unordered_map<std::string, std::string> cache;
    auto display = [&](const std::string& key) -> std::string {
      auto c = cache.find(key);
      if (c != cache.end()) return c->second;
      std::string v = archive.metadata(schema::facet_display_key(f, key));
      if (v.empty()) v = key;
      cache.emplace(key, v);
      return v;
    };
    out.emplace(name, build(name, docs, display, curated));
  }
  return out;
}

namespace {

Poco::JSON::Object::Ptr names_object(const std::map<std::string, std::string>& names) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const char* l : kLangs)
    if (auto it = names.find(l); it != names.end()) o->set(l, it->second);
  return o;
}

}  // namespace

Poco::JSON::Object::Ptr authority_entity_json(const AuthorityEntity& e) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", e.id);
  o->set("names", names_object(e.names));
  o->set("aliases", json_array(e.aliases));
  o->set("documents", static_cast<Poco::UInt64>(e.documents));
  o->set("evidence", static_cast<Poco::UInt64>(e.groups.size()));
  o->set("groups", json_array(e.groups));
  if (e.curated) o->set("curated", e.line);
  return o;
}

std::string authorities_json(const AuthorityTable& t, bool conflicts_only) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("field", t.field());
  if (!conflicts_only) {
    Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
    for (const auto& e : t.entities())
      if (e.documents > 0 || e.curated) a->add(authority_entity_json(e));
    o->set("entities", a);
  }
  Poco::JSON::Array::Ptr c = new Poco::JSON::Array;
  for (const auto& x : t.conflicts()) {
    Poco::JSON::Object::Ptr co = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    co->set("names", json_array(x.names));
    co->set("ids", json_array(x.ids));
    co->set("groups", json_array(x.groups));
    c->add(co);
  }
  o->set("conflicts", c);
  return json_text(o, true);
}

std::string authorities_tsv(const std::map<std::string, AuthorityTable>& tables) {
  std::string out = "# tongwen authorities: field\tid\ten\tzh-Hans\tzh-Hant\taliases (separated by |)\n";
  for (const char* field : {"speaker", "topic", "event"}) {
    auto it = tables.find(field);
    if (it == tables.end()) continue;
    for (const auto& e : it->second.entities()) {
      if (e.documents == 0 && !e.curated) continue;
      out += std::string(field) + "\t" + e.id;
      for (const char* l : kLangs) {
        auto n = e.names.find(l);
        out += "\t" + (n == e.names.end() ? std::string() : n->second);
      }
      out += "\t";
      for (std::size_t i = 0; i < e.aliases.size(); ++i) out += (i ? "|" : "") + e.aliases[i];
      out += "\n";
    }
  }
  return out;
}

}  // namespace tongwen
