#include "tongwen/search.h"
#include "tongwen/index_reader.h"

#include <xapian.h>
#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>

#include "db_pool.h"
#include "facet_spy.h"
#include "highlight.h"
#include "query_parser.h"
#include "tongwen/authorities.h"
#include "tongwen/errors.h"
#include "tongwen/glossary.h"
#include "tongwen/schema.h"
#include "tongwen/terms.h"
#include "tongwen/text.h"

namespace tongwen {

using Clock = std::chrono::steady_clock;

namespace {

using Handle = DbHandle;

[[noreturn]] void bad_parameter(const std::string& msg) {
  throw UserError("bad_parameter", msg);
}

}  // namespace

struct SearchService::Impl {
  Settings settings;
  DatabasePool pool;
  std::shared_ptr<const Glossary> glossary;  // one per process (Glossary::configured)
  std::vector<CuratedEntity> curated;        // search.authorities, read at start-up

  // What is derived from the index alone for the revision last asked for, rebuilt (not updated)
  // when a commit changes it: the authority tables and the facet ordinals' dictionary.
  using Tables = std::map<std::string, AuthorityTable>;
  struct Derived {
    Tables authorities;
    facets::Dictionary ordinals;
  };
  std::mutex derived_mu;
  std::shared_ptr<const Derived> derived_cache;
  std::string derived_stamp;

  Impl(const std::string& dir, const Settings& s)
      : settings(s), pool(dir, s), curated(configured_authorities(s)) {
    glossary = Glossary::configured(s);
  }

  std::shared_ptr<const Derived> derived(const stored::Archive& db) {
    std::string stamp = db.stamp();
    std::lock_guard<std::mutex> lock(derived_mu);
    if (!derived_cache || stamp != derived_stamp) {
      derived_cache = std::make_shared<const Derived>(
          Derived{AuthorityTable::from_index(db, curated), facets::Dictionary::read(db)});
      derived_stamp = stamp;
    }
    return derived_cache;
  }

  std::shared_ptr<const Tables> authorities(const stored::Archive& db) {
    auto d = derived(db);
    return {d, &d->authorities};
  }

  template <class F>
  auto with_handle(F&& f) {
    return pool.with(std::forward<F>(f));
  }
};

SearchService::SearchService(const std::string& index_dir, const Settings& settings)
    : impl_(std::make_unique<Impl>(index_dir, settings)) {}
SearchService::~SearchService() = default;

DatabasePool& SearchService::pool() {
  return impl_->pool;
}
const Glossary* SearchService::glossary() const {
  return impl_->glossary.get();
}

void SearchService::refresh() {
  impl_->with_handle([](Handle& h) {
    h.db.reopen();
    h.checked = Clock::now();
  });
}

namespace {

std::string display_of(const stored::Archive& db, const schema::Field& f, const std::string& key) {
  std::string v = db.metadata(schema::facet_display_key(f, key));
  return v.empty() ? key : v;
}

const AuthorityTable* table_of(const std::map<std::string, AuthorityTable>& tables, const schema::Field& f) {
  auto it = tables.find(std::string(f.name));
  return it == tables.end() ? nullptr : &it->second;
}

// The language entity values are shown in: "en", "zh-Hans" or "zh-Hant".
std::string ui_language(const std::string& ui, const std::string& q) {
  if (ui == "en" || ui == "zh-Hans" || ui == "zh-Hant") return ui;
  if (ui == "zh") return "zh-Hans";
  if (!ui.empty()) bad_parameter("ui must be en, zh, zh-Hans or zh-Hant, got \"" + ui + "\"");
  std::string detected = q.empty() ? "en" : text::detect_language(q);
  return detected == "zh-Hans" || detected == "zh-Hant" ? detected : "en";
}

// A facet value: an entity's (named in `lang`, or as the user selected it) or a plain key's.
FacetCount facet_count(const stored::Archive& db, const schema::Field& f, const AuthorityTable* t,
                       const std::string& key, std::uint64_t count, bool selected, const std::string& lang,
                       const std::map<std::string, std::string>& given) {
  int e = t ? t->by_id(key) : -1;
  if (e < 0) return {display_of(db, f, key), key, count, selected, {}, {}, {}};
  const AuthorityEntity& ent = t->entities()[static_cast<std::size_t>(e)];
  auto g = given.find(key);
  return {
      g == given.end() ? t->name_in(e, lang) : g->second, key, count, selected, ent.id, ent.names, ent.keys};
}

// Top values of one facet: by count, then by key; selected values always listed.
std::vector<FacetCount> top_values(const stored::Archive& db, const schema::Field& f, const AuthorityTable* t,
                                   const std::string& lang,
                                   const std::unordered_map<std::string, Xapian::doccount>& counts,
                                   const std::set<std::string>& selected,
                                   const std::map<std::string, std::string>& given, int limit) {
  std::vector<std::pair<std::string, Xapian::doccount>> all(counts.begin(), counts.end());
  bool by_value = f.order == schema::FacetOrder::ByValueDescending;
  std::sort(all.begin(), all.end(), [&](const auto& a, const auto& b) {
    if (by_value) return a.first > b.first;
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  std::vector<FacetCount> out;
  std::set<std::string> listed;
  for (const auto& [key, count] : all) {
    if (static_cast<int>(out.size()) >= limit) break;
    out.push_back(facet_count(db, f, t, key, count, selected.count(key) > 0, lang, given));
    listed.insert(key);
  }
  for (const auto& key : selected) {
    if (listed.count(key)) continue;
    auto it = counts.find(key);
    out.push_back(facet_count(db, f, t, key, it == counts.end() ? 0 : it->second, true, lang, given));
  }
  return out;
}

// Feeds every match to the spy on this side: exact over remote shards, where a custom MatchSpy
// is "not registered" on a stock xapian-tcpsrv (PLATFORM.md). Costs a fetch of every match.
void count_every_match(Xapian::Enquire& enquire, FacetSpy& spy, Xapian::doccount all) {
  Xapian::MSet every = enquire.get_mset(0, all, all);
  for (auto it = every.begin(); it != every.end(); ++it) spy(it.get_document(), it.get_weight());
}

std::vector<EntityNames> names_of_speakers(const std::map<std::string, AuthorityTable>& tables,
                                           const Document& d) {
  const AuthorityTable* t = table_of(tables, *schema::find_field("speaker"));
  std::vector<EntityNames> out;
  for (const auto& sp : d.speakers) {
    int e = t ? t->resolve(schema::facet_key(sp.name), d.translation_group) : -1;
    out.push_back(e < 0 ? EntityNames{} : t->entities()[static_cast<std::size_t>(e)].names);
  }
  return out;
}

}  // namespace

SearchResult SearchService::search(const SearchRequest& req) {
  const auto& s = impl_->settings.search;
  if (req.page < 1) bad_parameter("page must be 1 or more");
  if (req.size < 0 || req.size > s.max_page_size)
    bad_parameter("size must be between 0 and " + std::to_string(s.max_page_size));
  if (req.sort != "relevance" && req.sort != "date" && req.sort != "date-asc")
    bad_parameter("sort must be relevance, date or date-asc, got \"" + req.sort + "\"");
  for (const auto& d : {req.from, req.to}) {
    if (d.empty()) continue;
    auto why = check_date(d);
    if (!why.empty()) bad_parameter("date range: " + why);
  }
  if (!req.from.empty() && !req.to.empty() && req.from > req.to)
    bad_parameter("from (" + req.from + ") is after to (" + req.to + ")");

  for (const auto& [name, values] : req.filters) {
    const schema::Field* f = schema::find_field(name);
    if (!f || f->filter_prefix.empty()) bad_parameter("unknown filter \"" + name + "\"");
  }
  const std::string lang = ui_language(req.ui, req.q);
  bool expand = req.expand.value_or(s.expand);
  const int facet_limit = req.facet_limit > 0 ? req.facet_limit : s.facet_limit;

  return impl_->with_handle([&](Handle& h) {
    SearchResult result;
    result.shards = h.shards;
    result.page = req.page;
    result.size = req.size;
    auto derived = impl_->derived(h.archive);  // one revision stamp read per search
    const Impl::Tables* tables = &derived->authorities;
    const facets::Dictionary* ordinals = &derived->ordinals;

    // Filters per facet field, as OR-queries of their boolean terms. A name of an entity selects
    // every document of the entity (all its names, every language); an entity id selects it alone.
    struct Filter {
      const schema::Field* field;
      std::set<std::string> keys;                // keys, or ids of entities
      std::map<std::string, std::string> given;  // entity id -> the value as the user wrote it
      Xapian::Query query;
    };
    std::vector<Filter> filters;
    for (const auto& [name, values] : req.filters) {
      const schema::Field* f = schema::find_field(name);
      const AuthorityTable* t = table_of(*tables, *f);
      Filter flt{f, {}, {}, {}};
      std::vector<Xapian::Query> terms;
      for (const auto& v : values) {
        std::string key = schema::facet_key(v);
        if (key.empty()) continue;
        std::vector<int> entities;
        if (t) entities = t->by_id(key) >= 0 ? std::vector<int>{t->by_id(key)} : t->by_key(key);
        for (int e : entities) {
          const std::string& id = t->entities()[static_cast<std::size_t>(e)].id;
          flt.keys.insert(id);
          flt.given.emplace(id, v);
          terms.push_back(t->query(e, std::string(f->filter_prefix), schema::PREFIX_GROUP));
        }
        if (!entities.empty()) continue;
        flt.keys.insert(key);
        terms.emplace_back(std::string(f->filter_prefix) + key);
      }
      if (terms.empty()) continue;
      flt.query = Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
      filters.push_back(std::move(flt));
    }
    // speaker:刘洋 in the query: every document of the entity, as the filter does.
    auto entity_query = [&](const schema::Field& f, const std::string& value) {
      const AuthorityTable* t = table_of(*tables, f);
      std::vector<Xapian::Query> qs;
      if (t)
        for (int e : t->by_key(schema::facet_key(value)))
          qs.push_back(t->query(e, std::string(f.filter_prefix), schema::PREFIX_GROUP));
      return qs.empty() ? Xapian::Query() : Xapian::Query(Xapian::Query::OP_OR, qs.begin(), qs.end());
    };
    ParsedQuery parsed =
        parse_query(req.q, h.qt, impl_->glossary.get(), expand, query_limits(impl_->settings), entity_query);
    result.expansions = parsed.expansions;

    Xapian::Query date_filter;
    if (!req.from.empty() || !req.to.empty()) date_filter = date_range(req.from, req.to);
    auto filtered = [&](const schema::Field* except) {
      Xapian::Query q = parsed.query;
      std::vector<Xapian::Query> fs;
      for (const auto& f : filters)
        if (f.field != except) fs.push_back(f.query);
      if (!date_filter.empty()) fs.push_back(date_filter);
      if (fs.empty()) return q;
      return Xapian::Query(Xapian::Query::OP_FILTER, q,
                           Xapian::Query(Xapian::Query::OP_AND, fs.begin(), fs.end()));
    };
    Xapian::Query main = filtered(nullptr);
    result.query_description = main.get_description();

    const Xapian::doccount all = h.db.get_doccount();
    auto selected_of = [&](const schema::Field* f) -> const Filter* {
      for (const auto& flt : filters)
        if (flt.field == f) return &flt;
      return nullptr;
    };

    // The main run counts the facets that have no selection of their own.
    std::vector<const schema::Field*> facet_fields = schema::facet_fields();
    auto slot_of = [&](const schema::Field* f) {
      auto at = static_cast<std::size_t>(std::find(facet_fields.begin(), facet_fields.end(), f) -
                                         facet_fields.begin());
      return FacetSpy::SlotSpec{*f->slot, f->facet != schema::FacetKind::Single, table_of(*tables, *f), at};
    };
    std::vector<FacetSpy::SlotSpec> main_slots;
    std::vector<const schema::Field*> main_fields;
    if (req.facets) {
      for (const auto* f : facet_fields) {
        if (selected_of(f)) continue;
        main_slots.push_back(slot_of(f));
        main_fields.push_back(f);
      }
    }
    Xapian::Enquire enquire(h.db);
    enquire.set_query(main);
    bool by_date = req.sort != "relevance" || parsed.match_all;
    // Ties are broken by document id (SLOT_ID), not by Xapian's docid, which depends on how the
    // documents are spread over shards: the same order with one shard or many. Value sorts only
    // (no KeyMaker), which remote shards also do.
    if (by_date) {
      bool asc = req.sort == "date-asc";
      enquire.set_sort_by_value_then_relevance(asc ? schema::SLOT_DATE_ID_ASC : schema::SLOT_DATE_ID_DESC,
                                               !asc);
    } else {
      enquire.set_sort_by_relevance_then_value(schema::SLOT_ID, false);
    }
    FacetSpy spy(main_slots, ordinals);
    if (!main_slots.empty() && !h.remote) enquire.add_matchspy(&spy);
    Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>((req.page - 1) * req.size),
                                         static_cast<Xapian::doccount>(req.size), all);
    if (!main_slots.empty() && h.remote) count_every_match(enquire, spy, all);
    result.total = mset.get_matches_estimated();

    std::map<const schema::Field*, std::vector<FacetCount>> facet_out;
    for (std::size_t i = 0; i < main_fields.size(); ++i)
      facet_out[main_fields[i]] = top_values(h.archive, *main_fields[i], table_of(*tables, *main_fields[i]),
                                             lang, spy.counts(i), {}, {}, facet_limit);
    // A facet with a selection is counted without its own selection (multi-select navigation).
    if (req.facets) {
      for (const auto& flt : filters) {
        Xapian::Enquire e(h.db);
        e.set_query(filtered(flt.field));
        const AuthorityTable* t = table_of(*tables, *flt.field);
        FacetSpy one({slot_of(flt.field)}, ordinals);
        if (h.remote) {
          count_every_match(e, one, all);
        } else {
          e.add_matchspy(&one);
          e.get_mset(0, 0, all);
        }
        facet_out[flt.field] =
            top_values(h.archive, *flt.field, t, lang, one.counts(0), flt.keys, flt.given, facet_limit);
      }
      for (const auto* f : facet_fields) result.facets.emplace_back(std::string(f->name), facet_out[f]);
    }

    Highlighter body(parsed.atoms, "body", h.qt);
    Highlighter title(parsed.atoms, "title", h.qt);
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      Document d = unserialise(it.get_document().get_data());
      Hit hit;
      hit.id = d.id;
      hit.title = d.title;
      hit.lang = d.lang;
      hit.type = d.type;
      hit.date = d.date;
      hit.event = d.event;
      hit.translation_group = d.translation_group;
      hit.score = it.get_weight();
      for (const auto& sp : d.speakers) hit.speakers.push_back(sp.name);
      hit.speaker_names = names_of_speakers(*tables, d);
      hit.topics = d.topics;
      if (!req.snippets) {
        result.hits.push_back(std::move(hit));
        continue;
      }
      // Title: matches of body and title atoms both show there.
      auto tspans = body.find(d.title);
      auto tspans2 = title.find(d.title);
      tspans.insert(tspans.end(), tspans2.begin(), tspans2.end());
      std::sort(tspans.begin(), tspans.end(), [](auto& a, auto& b) { return a.begin < b.begin; });
      std::vector<MatchSpan> tmerged;
      for (auto& sp : tspans) {
        if (!tmerged.empty() && sp.begin < tmerged.back().end) {
          tmerged.back().end = std::max(tmerged.back().end, sp.end);
          continue;
        }
        tmerged.push_back(sp);
      }
      hit.title_snippet = make_snippet(d.title, tmerged, 1000);
      // Body: the unit with the most distinct atoms, then most matches, within kSnippetScanBytes.
      SnippetSource src = snippet_source(body, d.description, d.paragraphs);
      if (src.index != -2) {
        hit.snippet = make_snippet(src.text, src.spans, s.snippet_chars);
        hit.snippet.paragraph = src.index;
      }
      result.hits.push_back(std::move(hit));
    }
    return result;
  });
}

std::optional<Document> SearchService::document(const std::string& id) {
  return impl_->with_handle([&](Handle& h) { return stored::load(h.db, id); });
}

std::vector<Document> SearchService::translations(const Document& doc) {
  return impl_->with_handle([&](Handle& h) {
    std::vector<Document> out;
    for (auto& d : stored::group(h.db, doc.translation_group))
      if (d.id != doc.id) out.push_back(std::move(d));
    // By language; versions in one language stay in id order.
    std::stable_sort(out.begin(), out.end(),
                     [](const Document& a, const Document& b) { return a.lang < b.lang; });
    return out;
  });
}

std::vector<EntityNames> SearchService::speaker_names(const Document& doc) {
  return impl_->with_handle(
      [&](Handle& h) { return names_of_speakers(*impl_->authorities(h.archive), doc); });
}

std::vector<FacetCount> SearchService::facet_values(const std::string& field, const std::string& prefix,
                                                    int limit, const std::string& ui, ShardStatus* shards) {
  const schema::Field* f = schema::find_field(field);
  if (!f || f->facet == schema::FacetKind::None)
    bad_parameter("unknown facet \"" + field + "\" (known: " + schema::field_names(schema::facet_fields()) +
                  ")");
  if (limit < 1 || limit > 10000) bad_parameter("limit must be between 1 and 10000");
  std::string key_prefix = schema::facet_key(prefix);
  const std::string lang = ui_language(ui, "");
  return impl_->with_handle([&](Handle& h) {
    if (shards) *shards = h.shards;
    std::vector<FacetCount> out;
    auto tables = impl_->authorities(h.archive);
    if (const AuthorityTable* t = table_of(*tables, *f)) {
      // Entities with documents, found by any of their names or aliases.
      for (const AuthorityEntity& e : t->entities()) {
        if (e.documents == 0) continue;
        if (!entity_found_by(e.keys, key_prefix)) continue;
        out.push_back(facet_count(h.archive, *f, t, e.id, e.documents, false, lang, {}));
      }
    } else {
      std::string start = std::string(f->filter_prefix) + key_prefix;
      for (auto it = h.db.allterms_begin(start); it != h.db.allterms_end(start); ++it) {
        std::string key = (*it).substr(f->filter_prefix.size());
        // "XA" must not swallow longer prefixes of other fields (none today, but be exact).
        out.push_back({display_of(h.archive, *f, key), key, it.get_termfreq(), false, {}, {}, {}});
      }
    }
    if (f->language_tags) {
      // The bare "zh" filter term is not a value of its own.
      out.erase(std::remove_if(out.begin(), out.end(),
                               [&](const FacetCount& c) {
                                 return h.archive.metadata(schema::facet_display_key(*f, c.key)).empty();
                               }),
                out.end());
    }
    std::sort(out.begin(), out.end(), [](const FacetCount& a, const FacetCount& b) {
      return a.count != b.count ? a.count > b.count : a.key < b.key;
    });
    if (static_cast<int>(out.size()) > limit) out.resize(static_cast<std::size_t>(limit));
    return out;
  });
}

std::vector<LoadRecord> SearchService::loads() {
  return impl_->with_handle([&](Handle& h) { return read_loads(h.archive); });
}

std::optional<LoadRecord> SearchService::load(const std::string& id) {
  return impl_->with_handle([&](Handle& h) { return read_load(h.archive, id); });
}

IndexStats SearchService::stats() {
  return impl_->pool.with(
      [&](Handle& h) {
        IndexStats st;
        st.documents = h.db.get_doccount();
        // One shard: its revision; several: each shard's, joined with "+".
        for (std::size_t i = 0; i < h.archive.size(); ++i)
          st.revision += (i ? "+" : "") + stored::revision_of(h.archive.shard(i));
        st.path = impl_->pool.dir();
        st.shards = h.shards;
        return st;
      },
      true);
}

}  // namespace tongwen
