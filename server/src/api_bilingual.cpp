// The translator's endpoints: GET /api/documents/{id}/parallel?with=ID, GET /api/concordance,
// GET /api/export/tmx (POST /api/align, two texts not in the index: api_align.cpp).
#include <Poco/JSON/Array.h>

#include <cctype>

#include "api.h"
#include "tongwen/bilingual.h"
#include "tongwen/errors.h"
#include "tongwen/json.h"

namespace tongwen {

using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

Array::Ptr strings(const std::vector<std::string>& v) {
  Array::Ptr a = new Array;
  for (const auto& s : v) a->add(s);
  return a;
}

Array::Ptr ints(const std::vector<int>& v) {
  Array::Ptr a = new Array;
  for (int i : v) a->add(i);
  return a;
}

Object::Ptr doc_summary(const Document& d) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", d.id);
  o->set("lang", d.lang);
  o->set("title", d.title);
  return o;
}

ConcordanceRequest concordance_request(ApiContext& ctx, const Params& p) {
  ConcordanceRequest r;
  r.q = param(p, "q");
  r.lang = param(p, "lang");  // the language of the query: not a filter here
  r.filters = filter_params(p, {"lang"});
  r.page = int_param(p, "page", 1, 1, 100000);
  r.size = int_param(p, "size", 20, 1, ctx.settings.search.max_page_size);
  return r;
}

// The TMX file is named after what it holds: "DOC_WITH.tmx" or "concordance_QUERY.tmx". An ASCII
// fallback name (anything else becomes "_") and the exact UTF-8 name (RFC 6266 / RFC 5987).
std::string tmx_disposition(const std::string& what) {
  std::string ascii, utf8;
  bool gap = false;
  for (unsigned char c : what) {
    bool plain = std::isalnum(c) || c == '-' || c == '.';
    if (c >= 0x80 || c == ' ' || !plain) {
      if (!gap && !ascii.empty()) ascii.push_back('_');
      gap = true;
    } else {
      ascii.push_back(static_cast<char>(c));
      gap = false;
    }
    if (c == ' ') {
      utf8 += "_";
    } else if (plain || c == '_') {
      utf8.push_back(static_cast<char>(c));
    } else {
      static const char* hex = "0123456789ABCDEF";
      utf8 += '%';
      utf8 += hex[c >> 4];
      utf8 += hex[c & 15];
    }
  }
  while (!ascii.empty() && ascii.back() == '_') ascii.pop_back();
  if (ascii.size() > 120) ascii.resize(120);
  if (ascii.empty()) ascii = "aligned";
  return "attachment; filename=\"" + ascii + ".tmx\"; filename*=UTF-8''" + utf8 + ".tmx";
}

}  // namespace

Object::Ptr parallel_json(const ParallelView& v) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("source", doc_summary(v.source));
  o->set("target", doc_summary(v.target));
  o->set("method", v.method);
  if (!v.lexicon.empty()) o->set("lexicon", v.lexicon);
  o->set("low_confidence", v.low_confidence);
  Array::Ptr rows = new Array;
  for (const auto& r : v.rows) {
    Object::Ptr ro = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    ro->set("source", strings(r.source));
    ro->set("target", strings(r.target));
    ro->set("type", r.type);
    ro->set("confidence", r.confidence);
    ro->set("source_paragraphs", ints(r.source_paragraphs));
    ro->set("target_paragraphs", ints(r.target_paragraphs));
    rows->add(ro);
  }
  o->set("rows", rows);
  return o;
}

ApiResponse handle_parallel(ApiContext& ctx, Poco::Net::HTTPServerRequest&, const PathArgs& args,
                            const Params& p) {
  check_params(p, {"with"});
  return json_response(parallel_json(ctx.bilingual->parallel(args[0], param(p, "with"))));
}

ApiResponse handle_concordance(ApiContext& ctx, Poco::Net::HTTPServerRequest&, const PathArgs&,
                               const Params& p) {
  check_params(p, with_filters({"q", "page", "size"}));
  ConcordanceResult r = ctx.bilingual->concordance(concordance_request(ctx, p));
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("total", static_cast<Poco::UInt64>(r.total));
  o->set("documents", static_cast<Poco::UInt64>(r.documents));
  o->set("complete", r.complete);
  o->set("page", r.page);
  o->set("size", r.size);
  Array::Ptr tr = new Array;
  for (const auto& t : r.translations) {
    Object::Ptr to = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    to->set("term", t.term);
    to->set("source", t.source);
    to->set("lines", static_cast<Poco::UInt64>(t.lines));
    to->set("score", t.score);
    tr->add(to);
  }
  o->set("translations", tr);
  Array::Ptr lines = new Array;
  for (const auto& l : r.lines) {
    Object::Ptr lo = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    lo->set("id", l.doc_id);
    lo->set("title", l.title);
    lo->set("date", l.date);
    lo->set("lang", l.lang);
    lo->set("speakers", strings(l.speakers));
    lo->set("sentence", snippet_json(l.sentence));
    Object::Ptr al = snippet_json(l.aligned);
    al->set("id", l.aligned_doc_id);
    al->set("lang", l.aligned_lang);
    lo->set("aligned", al);
    lo->set("type", l.link_type);
    lo->set("confidence", l.confidence);
    lines->add(lo);
  }
  o->set("lines", lines);
  o->set("facets", facets_json(r.facets));
  return json_response(o);
}

ApiResponse handle_export_tmx(ApiContext& ctx, Poco::Net::HTTPServerRequest&, const PathArgs&,
                              const Params& p) {
  check_params(p, with_filters({"doc", "with", "q"}));
  TmxRequest t;
  t.doc = param(p, "doc");
  t.with = param(p, "with");
  if (t.doc.empty()) {
    if (param(p, "q").empty()) throw UserError("bad_parameter", "give doc=ID or q=QUERY");
    t.query = concordance_request(ctx, p);
  } else if (!param(p, "q").empty()) {
    throw UserError("bad_parameter", "give doc=ID or q=QUERY, not both");
  }
  ApiResponse out;
  out.content_type = "application/x-tmx+xml; charset=utf-8";
  out.body = ctx.bilingual->export_tmx(t);
  out.headers["Content-Disposition"] = tmx_disposition(
      t.doc.empty() ? "concordance " + param(p, "q") : t.doc + (t.with.empty() ? "" : " " + t.with));
  return out;
}

}  // namespace tongwen
