#include "api.h"

#include <Poco/JSON/Array.h>
#include <Poco/NumberParser.h>
#include <Poco/StringTokenizer.h>
#include <algorithm>

#include "tongwen/authorities.h"
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

void check_params(const Params& p, const std::vector<std::string_view>& allowed) {
  for (const auto& [k, v] : p) {
    if (!k.empty() && k[0] == '_') continue;
    if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
    std::string list;
    for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    throw UserError("bad_parameter", "unknown parameter \"" + k + "\" (allowed: " + list + ")");
  }
}

namespace {

bool excluded(std::string_view name, std::initializer_list<std::string_view> except) {
  return std::find(except.begin(), except.end(), name) != except.end();
}

}  // namespace

std::vector<std::string_view> with_filters(std::initializer_list<std::string_view> names,
                                           std::initializer_list<std::string_view> except) {
  std::vector<std::string_view> out(names);
  for (const schema::Field* f : schema::facet_fields())
    if (!excluded(f->name, except)) out.push_back(f->name);
  return out;
}

std::map<std::string, std::vector<std::string>> filter_params(
    const Params& p, std::initializer_list<std::string_view> except) {
  std::map<std::string, std::vector<std::string>> out;
  for (const schema::Field* f : schema::facet_fields()) {
    if (excluded(f->name, except)) continue;
    auto v = params(p, std::string(f->name));
    if (!v.empty()) out[std::string(f->name)] = std::move(v);
  }
  return out;
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

namespace {

// [[start, length], ...]
Array::Ptr highlights_json(const Snippet& s) {
  Array::Ptr hl = new Array;
  for (const auto& h : s.highlights) {
    Array::Ptr pair = new Array;
    pair->add(h.start);
    pair->add(h.length);
    hl->add(pair);
  }
  return hl;
}

}  // namespace

Object::Ptr snippet_json(const Snippet& s) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("html", s.html);
  o->set("text", s.text);
  o->set("highlights", highlights_json(s));
  if (s.paragraph >= 0) o->set("paragraph", s.paragraph);
  return o;
}

void set_shards(Object& o, const ShardStatus& s) {
  Object::Ptr so = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  so->set("total", static_cast<Poco::UInt64>(s.total));
  so->set("answered", static_cast<Poco::UInt64>(s.answered()));
  Array::Ptr missing = new Array;
  for (const auto& loc : s.missing) missing->add(loc);
  so->set("missing", missing);
  o.set("shards", so);
  if (s.partial()) o.set("partial", true);
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
    ho->set("highlights", highlights_json(h.snippet));
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
  set_shards(*o, r.shards);
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
  sr.filters = filter_params(p);
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

ApiResponse handle_healthz(ApiContext& ctx, Poco::Net::HTTPServerRequest&, const PathArgs&, const Params& p) {
  check_params(p, {});
  IndexStats st = ctx.search->stats();
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("status", "ok");
  o->set("documents", static_cast<Poco::UInt64>(st.documents));
  o->set("revision", st.revision);
  o->set("writes", ctx.writer != nullptr && !ctx.settings.server.token.empty());
  set_shards(*o, st.shards);
  return json_response(o);
}

ApiResponse handle_search(ApiContext& ctx, Poco::Net::HTTPServerRequest&, const PathArgs&, const Params& p) {
  const auto& s = ctx.settings.search;
  check_params(
      p, with_filters({"q", "from", "to", "page", "size", "sort", "expand", "facets", "facet_limit", "ui"}));
  SearchRequest sr = search_request(p);
  sr.page = int_param(p, "page", 1, 1, 100000);
  sr.size = int_param(p, "size", s.page_size, 0, s.max_page_size);
  sr.sort = param(p, "sort", "relevance");
  std::string facets = param(p, "facets", "1");
  if (facets != "0" && facets != "1") throw UserError("bad_parameter", "facets must be 0 or 1");
  sr.facets = facets == "1";
  sr.facet_limit = int_param(p, "facet_limit", 0, 0, 10000);
  return json_response(search_result_json(ctx.search->search(sr)));
}

ApiResponse handle_facets(ApiContext& ctx, Poco::Net::HTTPServerRequest&, const PathArgs& args,
                          const Params& p) {
  const std::string& field = args[0];
  check_params(p, with_filters({"prefix", "limit", "q", "from", "to", "expand", "ui"}));
  int limit = int_param(p, "limit", 20, 1, 10000);
  std::vector<FacetCount> values;
  ShardStatus shards;
  bool scoped = !param(p, "q").empty() || !param(p, "from").empty() || !param(p, "to").empty() ||
                !filter_params(p).empty();
  if (!scoped) {
    values = ctx.search->facet_values(field, param(p, "prefix"), limit, param(p, "ui"), &shards);
  } else {
    // Counted over the documents of a search (what the page's "show more" lists): the facet's
    // own selection is left out of its counts, as in /api/search.
    const schema::Field* f = schema::find_field(field);
    if (!f || f->facet == schema::FacetKind::None)
      throw UserError("bad_parameter", "unknown facet \"" + field +
                                           "\" (known: " + schema::field_names(schema::facet_fields()) + ")");
    SearchRequest sr = search_request(p);
    sr.size = 0;
    sr.facet_limit = 10000;
    std::string key_prefix = schema::facet_key(param(p, "prefix"));
    SearchResult r = ctx.search->search(sr);
    shards = r.shards;
    for (auto& [name, counts] : r.facets) {
      if (name != field) continue;
      for (auto& c : counts) {
        if (static_cast<int>(values.size()) >= limit) break;
        // An entity is found by any of its names (keys) or their pinyin; another value by its key.
        bool found = c.keys.empty() ? c.key.compare(0, key_prefix.size(), key_prefix) == 0
                                    : entity_found_by(c.keys, key_prefix);
        if (found) values.push_back(c);
      }
    }
  }
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("field", field);
  Array::Ptr a = new Array;
  for (const auto& v : values) a->add(facet_value_json(v));
  o->set("values", a);
  set_shards(*o, shards);
  return json_response(o);
}

ApiResponse handle_document(ApiContext& ctx, Poco::Net::HTTPServerRequest&, const PathArgs& args,
                            const Params& p) {
  check_params(p, {});
  auto doc = ctx.search->document(args[0]);
  if (!doc) throw UserError("not_found", "no document with id \"" + args[0] + "\"");
  Object::Ptr dj = document_json(*doc, ctx.search->translations(*doc));
  dj->set("speaker_names", speaker_names_json(ctx.search->speaker_names(*doc)));
  return json_response(dj);
}

ApiResponse handle_loads(ApiContext& ctx, Poco::Net::HTTPServerRequest&, const PathArgs&, const Params& p) {
  check_params(p, {});
  Array::Ptr list = new Array;
  for (const auto& r : ctx.search->loads()) list->add(load_to_object(r, false));
  return json_response(list);
}

ApiResponse handle_load(ApiContext& ctx, Poco::Net::HTTPServerRequest&, const PathArgs& args,
                        const Params& p) {
  check_params(p, {});
  auto r = ctx.search->load(args[0]);
  if (!r) throw UserError("not_found", "no load \"" + args[0] + "\" in the load history");
  return json_response(load_to_object(*r, true));
}

const std::vector<Route>& routes() {
  static const std::vector<Route> table{
      {"GET", "/healthz", false, handle_healthz},
      {"GET", "/api/search", false, handle_search},
      {"GET", "/api/facets/{field}", false, handle_facets},
      {"POST", "/api/documents", true, handle_upload},
      {"GET", "/api/documents/{id}", false, handle_document},
      {"DELETE", "/api/documents/{id}", true, handle_delete},
      {"GET", "/api/documents/{id}/parallel", false, handle_parallel},
      {"GET", "/api/concordance", false, handle_concordance},
      {"GET", "/api/export/tmx", false, handle_export_tmx},
      {"POST", "/api/align", false, handle_align},
      {"GET", "/api/loads", false, handle_loads},
      {"GET", "/api/loads/{id}", false, handle_load},
      {"POST", "/api/loads/{id}/undo", true, handle_undo},
  };
  return table;
}

namespace {

// Whether `segments` fit `pattern`; the {placeholders}' values go to `args`.
bool fits(std::string_view pattern, const std::vector<std::string>& segments, PathArgs& args) {
  std::vector<std::string> want = split_path(std::string(pattern));
  if (want.size() != segments.size()) return false;
  PathArgs found;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}')
      found.push_back(segments[i]);
    else if (want[i] != segments[i])
      return false;
  }
  args = std::move(found);
  return true;
}

}  // namespace

std::pair<const Route*, PathArgs> match_route(const std::string& method,
                                              const std::vector<std::string>& segments) {
  const std::string& m = method == "HEAD" ? std::string("GET") : method;
  std::string allowed;
  for (const Route& r : routes()) {
    PathArgs args;
    if (!fits(r.pattern, segments, args)) continue;
    if (r.method == m) return {&r, std::move(args)};
    allowed += (allowed.empty() ? "" : ", ") + std::string(r.method);
  }
  std::string path;
  for (const auto& s : segments) path += "/" + s;
  if (path.empty()) path = "/";
  if (allowed.empty()) throw UserError("not_found", "no such endpoint: " + method + " " + path);
  throw UserError("method_not_allowed", method + " is not allowed on " + path + "; use " + allowed);
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
  auto [r, args] = match_route(req.getMethod(), parts);
  if (r->token) authorize(ctx, req);
  return r->handle(ctx, req, args, p);
}

}  // namespace tongwen
