#include "api.h"

#include <Poco/JSON/Array.h>
#include <Poco/NumberParser.h>
#include <Poco/StringTokenizer.h>
#include <algorithm>

#include "tongwen/errors.h"
#include "tongwen/json.h"
#include "tongwen/schema.h"
#include "tongwen/text.h"

namespace tongwen {

using Poco::JSON::Array;
using Poco::JSON::Object;

Params query_params(const Poco::URI& uri) {
  Params out;
  for (auto& kv : uri.getQueryParameters()) out.push_back(kv);
  for (auto& [k, v] : out)
    if (!text::is_valid_utf8(k) || !text::is_valid_utf8(v))
      throw UserError("bad_parameter", "parameter \"" + k + "\" is not valid UTF-8");
  return out;
}

void check_params(const Params& p, std::initializer_list<const char*> allowed) {
  for (const auto& [k, v] : p) {
    if (!k.empty() && k[0] == '_') continue;
    bool ok = false;
    for (const char* a : allowed) ok = ok || k == a;
    if (!ok) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      throw UserError("bad_parameter", "unknown parameter \"" + k + "\" (allowed: " + list + ")");
    }
  }
}

std::string param(const Params& p, const std::string& name, const std::string& fallback) {
  for (const auto& [k, v] : p)
    if (k == name) return v;
  return fallback;
}

std::vector<std::string> params(const Params& p, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : p)
    if (k == name && !v.empty()) out.push_back(v);
  return out;
}

int int_param(const Params& p, const std::string& name, int fallback, int lo, int hi) {
  std::string v = param(p, name);
  if (v.empty()) return fallback;
  int x = 0;
  if (!Poco::NumberParser::tryParse(v, x))
    throw UserError("bad_parameter", name + " must be a whole number, got \"" + v + "\"");
  if (x < lo || x > hi)
    throw UserError("bad_parameter", name + " must be between " + std::to_string(lo) + " and " +
                                         std::to_string(hi) + ", got " + v);
  return x;
}

ApiResponse json_response(const Poco::Dynamic::Var& body, int status) {
  ApiResponse r;
  r.status = status;
  r.body = json_text(body);
  return r;
}

Object::Ptr names_json(const EntityNames& names) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const char* l : {"en", "zh-Hans", "zh-Hant"})
    if (auto it = names.find(l); it != names.end()) o->set(l, it->second);
  return o;
}

// {id?, value, names?, count, selected?}: id and names for entity facets (speaker, topic, event).
Object::Ptr facet_value_json(const FacetCount& v) {
  Object::Ptr vo = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  if (!v.id.empty()) vo->set("id", v.id);
  vo->set("value", v.value);
  if (!v.id.empty()) vo->set("names", names_json(v.names));
  vo->set("count", static_cast<Poco::UInt64>(v.count));
  if (v.selected) vo->set("selected", true);
  return vo;
}

Array::Ptr speaker_names_json(const std::vector<EntityNames>& names) {
  Array::Ptr a = new Array;
  for (const auto& n : names) a->add(names_json(n));
  return a;
}

Object::Ptr facets_json(const std::vector<std::pair<std::string, std::vector<FacetCount>>>& facets) {
  Object::Ptr out = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [name, values] : facets) {
    Array::Ptr a = new Array;
    for (const auto& v : values) a->add(facet_value_json(v));
    out->set(name, a);
  }
  return out;
}

Object::Ptr snippet_json(const Snippet& s) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("html", s.html);
  o->set("text", s.text);
  Array::Ptr hl = new Array;
  for (const auto& h : s.highlights) {
    Array::Ptr pair = new Array;
    pair->add(h.start);
    pair->add(h.length);
    hl->add(pair);
  }
  o->set("highlights", hl);
  if (s.paragraph >= 0) o->set("paragraph", s.paragraph);
  return o;
}

Object::Ptr search_result_json(const SearchResult& r) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("total", static_cast<Poco::UInt64>(r.total));
  o->set("page", r.page);
  o->set("size", r.size);
  Array::Ptr hits = new Array;
  for (const auto& h : r.hits) {
    Object::Ptr ho = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    ho->set("id", h.id);
    ho->set("title", h.title);
    ho->set("title_html", h.title_snippet.html);
    ho->set("lang", h.lang);
    ho->set("type", h.type);
    ho->set("date", h.date);
    ho->set("event", h.event);
    Array::Ptr sp = new Array;
    for (const auto& s : h.speakers) sp->add(s);
    ho->set("speakers", sp);
    ho->set("speaker_names", speaker_names_json(h.speaker_names));
    Array::Ptr tp = new Array;
    for (const auto& t : h.topics) tp->add(t);
    ho->set("topics", tp);
    if (!h.translation_group.empty()) ho->set("translation_group", h.translation_group);
    ho->set("score", h.score);
    ho->set("snippet", h.snippet.html);
    ho->set("snippet_text", h.snippet.text);
    Array::Ptr hl = new Array;
    for (const auto& s : h.snippet.highlights) {
      Array::Ptr pair = new Array;
      pair->add(s.start);
      pair->add(s.length);
      hl->add(pair);
    }
    ho->set("highlights", hl);
    if (h.snippet.paragraph >= 0) ho->set("paragraph", h.snippet.paragraph);
    hits->add(ho);
  }
  o->set("hits", hits);
  o->set("facets", facets_json(r.facets));
  if (!r.expansions.empty()) {
    Array::Ptr ex = new Array;
    for (const auto& e : r.expansions) {
      Object::Ptr eo = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
      eo->set("from", e.from);
      eo->set("to", e.to);
      ex->add(eo);
    }
    o->set("expansions", ex);
  }
  return o;
}

namespace {

// The path of a request target as it was sent, still percent-encoded (Poco::URI decodes the whole
// path, so an encoded slash would become a separator).
std::string raw_path(const std::string& target) {
  std::string t = target.substr(0, target.find_first_of("?#"));
  if (t.empty() || t[0] == '/') return t;
  auto scheme = t.find("://");  // absolute form: http://host/path
  if (scheme == std::string::npos) return t;
  auto slash = t.find('/', scheme + 3);
  return slash == std::string::npos ? "/" : t.substr(slash);
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : path) {
    if (c == '/') {
      if (!cur.empty()) parts.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) parts.push_back(cur);
  return parts;
}

void require_get(const Poco::Net::HTTPServerRequest& req) {
  if (req.getMethod() != "GET" && req.getMethod() != "HEAD")
    throw UserError("method_not_allowed", req.getMethod() + " is not allowed here; use GET");
}

Object::Ptr document_json(const Document& d, const std::vector<Document>& translations) {
  Object::Ptr o = document_to_object(d, true);
  Array::Ptr tr = new Array;
  for (const auto& t : translations) {
    Object::Ptr to = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    to->set("id", t.id);
    to->set("lang", t.lang);
    to->set("title", t.title);
    tr->add(to);
  }
  o->set("translations", tr);
  return o;
}

// The query and filters shared by /api/search and a search-scoped /api/facets/{field}.
SearchRequest search_request(const Params& p) {
  SearchRequest sr;
  sr.q = param(p, "q");
  for (const char* f : {"speaker", "topic", "event", "lang", "type", "year"}) {
    auto v = params(p, f);
    if (!v.empty()) sr.filters[f] = v;
  }
  sr.from = param(p, "from");
  sr.to = param(p, "to");
  sr.ui = param(p, "ui");
  std::string expand = param(p, "expand");
  if (!expand.empty()) {
    if (expand != "0" && expand != "1" && expand != "true" && expand != "false")
      throw UserError("bad_parameter", "expand must be 0 or 1, got \"" + expand + "\"");
    sr.expand = expand == "1" || expand == "true";
  }
  return sr;
}

}  // namespace

bool route_read(ApiContext& ctx, Poco::Net::HTTPServerRequest& req, const std::vector<std::string>& parts,
                const Params& p, ApiResponse& out) {
  const auto& s = ctx.settings.search;
  if (parts.size() == 1 && parts[0] == "healthz") {
    require_get(req);
    check_params(p, {});
    IndexStats st = ctx.search->stats();
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("status", "ok");
    o->set("documents", static_cast<Poco::UInt64>(st.documents));
    o->set("revision", st.revision);
    o->set("writes", ctx.writer != nullptr && !ctx.settings.server.token.empty());
    out = json_response(o);
    return true;
  }
  if (parts.size() < 2 || parts[0] != "api") return false;
  if (parts.size() == 2 && parts[1] == "search") {
    require_get(req);
    check_params(p, {"q", "speaker", "topic", "event", "lang", "type", "year", "from", "to", "page", "size",
                     "sort", "expand", "facets", "facet_limit", "ui"});
    SearchRequest sr = search_request(p);
    sr.page = int_param(p, "page", 1, 1, 100000);
    sr.size = int_param(p, "size", s.page_size, 0, s.max_page_size);
    sr.sort = param(p, "sort", "relevance");
    std::string facets = param(p, "facets", "1");
    if (facets != "0" && facets != "1") throw UserError("bad_parameter", "facets must be 0 or 1");
    sr.facets = facets == "1";
    sr.facet_limit = int_param(p, "facet_limit", 0, 0, 10000);
    out = json_response(search_result_json(ctx.search->search(sr)));
    return true;
  }
  if (parts.size() == 3 && parts[1] == "facets") {
    require_get(req);
    check_params(p, {"prefix", "limit", "q", "speaker", "topic", "event", "lang", "type", "year", "from",
                     "to", "expand", "ui"});
    int limit = int_param(p, "limit", 20, 1, 10000);
    std::vector<FacetCount> values;
    bool scoped = false;
    for (const char* k : {"q", "speaker", "topic", "event", "lang", "type", "year", "from", "to"})
      scoped = scoped || !param(p, k).empty();
    if (!scoped) {
      values = ctx.search->facet_values(parts[2], param(p, "prefix"), limit, param(p, "ui"));
    } else {
      // Counted over the documents of a search (what the page's "show more" lists): the facet's
      // own selection is left out of its counts, as in /api/search.
      if (!schema::find_field(parts[2]) || schema::find_field(parts[2])->facet == schema::FacetKind::None)
        throw UserError("bad_parameter", "unknown facet \"" + parts[2] +
                                             "\" (known: speaker, topic, event, year, lang, type)");
      SearchRequest sr = search_request(p);
      sr.size = 0;
      sr.facet_limit = 10000;
      std::string key_prefix = schema::facet_key(param(p, "prefix"));
      for (auto& [name, counts] : ctx.search->search(sr).facets) {
        if (name != parts[2]) continue;
        for (auto& c : counts) {
          if (static_cast<int>(values.size()) >= limit) break;
          // An entity matches by any of its names (keys); another value by its key.
          auto starts = [&](const std::string& k) {
            return k.compare(0, key_prefix.size(), key_prefix) == 0;
          };
          if (starts(c.key) || std::any_of(c.keys.begin(), c.keys.end(), starts)) values.push_back(c);
        }
      }
    }
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("field", parts[2]);
    Array::Ptr a = new Array;
    for (const auto& v : values) a->add(facet_value_json(v));
    o->set("values", a);
    out = json_response(o);
    return true;
  }
  if (parts.size() == 2 && parts[1] == "loads") {
    require_get(req);
    check_params(p, {});
    Array::Ptr list = new Array;
    for (const auto& r : ctx.search->loads()) list->add(load_to_object(r, false));
    out = json_response(list);
    return true;
  }
  if (parts.size() == 3 && parts[1] == "loads") {
    require_get(req);
    check_params(p, {});
    auto r = ctx.search->load(parts[2]);
    if (!r) throw UserError("not_found", "no load \"" + parts[2] + "\" in the load history");
    out = json_response(load_to_object(*r, true));
    return true;
  }
  if (parts.size() == 3 && parts[1] == "documents" &&
      (req.getMethod() == "GET" || req.getMethod() == "HEAD")) {
    check_params(p, {});
    auto doc = ctx.search->document(parts[2]);
    if (!doc) throw UserError("not_found", "no document with id \"" + parts[2] + "\"");
    Object::Ptr dj = document_json(*doc, ctx.search->translations(*doc));
    dj->set("speaker_names", speaker_names_json(ctx.search->speaker_names(*doc)));
    out = json_response(dj);
    return true;
  }
  return false;
}

ApiResponse route(ApiContext& ctx, Poco::Net::HTTPServerRequest& req, const Poco::URI& uri) {
  // Split first, then decode each segment: /api/documents/a%2Fb addresses the id "a/b".
  std::vector<std::string> parts = split_path(raw_path(req.getURI()));
  for (auto& part : parts) {
    std::string decoded;
    Poco::URI::decode(part, decoded);
    part = decoded;
  }
  Params p = query_params(uri);
  ApiResponse out;
  if (route_write(ctx, req, parts, p, out)) return out;
  if (route_bilingual(ctx, req, parts, p, out)) return out;
  if (route_align(ctx, req, parts, p, out)) return out;
  if (route_read(ctx, req, parts, p, out)) return out;
  throw UserError("not_found", "no such endpoint: " + req.getMethod() + " " + uri.getPath());
}

}  // namespace tongwen
