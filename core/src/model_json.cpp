// JSON form of the document model, through Poco::JSON.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

#include "tongwen/errors.h"
#include "tongwen/json.h"
#include "tongwen/model.h"

namespace tongwen {

using Poco::JSON::Array;
using Poco::JSON::Object;

Poco::JSON::Object::Ptr document_to_object(const Document& doc, bool with_paragraphs) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  auto put = [&](const char* key, const std::string& v) {
    if (!v.empty()) o->set(key, v);
  };
  o->set("id", doc.id);
  put("lang", doc.lang);
  put("type", doc.type);
  o->set("title", doc.title);
  put("description", doc.description);
  put("event", doc.event);
  put("session", doc.session);
  put("date", doc.date);
  Array::Ptr speakers = new Array;
  for (const auto& s : doc.speakers) {
    Object::Ptr so = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    so->set("name", s.name);
    if (!s.affiliation.empty()) so->set("affiliation", s.affiliation);
    speakers->add(so);
  }
  o->set("speakers", speakers);
  o->set("topics", json_array(doc.topics));
  put("translation_of", doc.translation_of);
  put("translation_group", doc.translation_group);
  if (!doc.extra.empty()) {
    Object::Ptr e = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [k, v] : doc.extra) e->set(k, v);
    o->set("extra", e);
  }
  Object::Ptr src = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  src->set("path", doc.source.path);
  src->set("format", doc.source.format);
  if (!doc.source.sha256.empty()) src->set("sha256", doc.source.sha256);
  if (!doc.source.encoding.empty()) src->set("encoding", doc.source.encoding);
  src->set("size", static_cast<Poco::UInt64>(doc.source.size));
  o->set("source", src);
  if (with_paragraphs) {
    Array::Ptr paras = new Array;
    for (const auto& p : doc.paragraphs) {
      Object::Ptr po = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
      po->set("text", p.text);
      if (!p.speaker.empty()) po->set("speaker", p.speaker);
      if (!p.lang.empty()) po->set("lang", p.lang);
      if (!p.kind.empty()) po->set("kind", p.kind);
      if (!p.anchor.empty()) po->set("anchor", p.anchor);
      paras->add(po);
    }
    o->set("paragraphs", paras);
  }
  return o;
}

std::string to_json(const Document& doc, bool pretty) {
  return json_text(document_to_object(doc, true), pretty);
}

Poco::JSON::Array::Ptr json_array(const std::vector<std::string>& items) {
  Array::Ptr a = new Array;
  for (const auto& s : items) a->add(s);
  return a;
}

std::string json_text(const Poco::Dynamic::Var& value, bool pretty) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(value, out, pretty ? 2 : 0, pretty ? 2 : -1,
                                     Poco::JSON_PRESERVE_KEY_ORDER);
  return out.str();
}

namespace {

[[noreturn]] void bad(const std::string& what) {
  throw UserError("malformed", what);
}

std::string get_string(const Object::Ptr& o, const std::string& key) {
  if (!o->has(key) || o->isNull(key)) return {};
  auto v = o->get(key);
  if (v.isString()) return v.extract<std::string>();
  if (v.isNumeric()) return v.convert<std::string>();
  bad("field \"" + key + "\" must be a string");
}

std::vector<std::string> split_blank_lines(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(text);
  std::string line;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(std::move(cur));
    cur.clear();
  };
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      flush();
    } else {
      if (!cur.empty()) cur.push_back('\n');
      cur += line;
    }
  }
  flush();
  return out;
}

}  // namespace

Document document_from_object(const Poco::JSON::Object::Ptr& o) {
  Document doc;
  doc.id = get_string(o, "id");
  doc.lang = get_string(o, "lang");
  doc.type = get_string(o, "type");
  doc.title = get_string(o, "title");
  doc.description = get_string(o, "description");
  doc.event = get_string(o, "event");
  doc.session = get_string(o, "session");
  doc.date = get_string(o, "date");
  doc.translation_of = get_string(o, "translation_of");
  doc.translation_group = get_string(o, "translation_group");
  if (o->has("speakers") && !o->isNull("speakers")) {
    auto a = o->getArray("speakers");
    if (!a) bad("field \"speakers\" must be an array");
    for (std::size_t i = 0; i < a->size(); ++i) {
      auto v = a->get(static_cast<unsigned>(i));
      Speaker s;
      if (v.isString()) {
        s.name = v.extract<std::string>();
      } else if (auto so = a->getObject(static_cast<unsigned>(i))) {
        s.name = get_string(so, "name");
        s.affiliation = get_string(so, "affiliation");
      } else {
        bad("speakers[" + std::to_string(i) + "] must be a string or an object");
      }
      if (!s.name.empty()) doc.speakers.push_back(std::move(s));
    }
  }
  if (o->has("topics") && !o->isNull("topics")) {
    auto a = o->getArray("topics");
    if (!a) bad("field \"topics\" must be an array");
    for (std::size_t i = 0; i < a->size(); ++i) {
      auto v = a->get(static_cast<unsigned>(i));
      if (!v.isString()) bad("topics[" + std::to_string(i) + "] must be a string");
      doc.topics.push_back(v.extract<std::string>());
    }
  }
  if (o->has("paragraphs") && !o->isNull("paragraphs")) {
    auto a = o->getArray("paragraphs");
    if (!a) bad("field \"paragraphs\" must be an array");
    for (std::size_t i = 0; i < a->size(); ++i) {
      auto v = a->get(static_cast<unsigned>(i));
      Paragraph p;
      if (v.isString()) {
        p.text = v.extract<std::string>();
      } else if (auto po = a->getObject(static_cast<unsigned>(i))) {
        p.text = get_string(po, "text");
        p.speaker = get_string(po, "speaker");
        p.lang = get_string(po, "lang");
        p.kind = get_string(po, "kind");
        p.anchor = get_string(po, "anchor");
      } else {
        bad("paragraphs[" + std::to_string(i) + "] must be a string or an object");
      }
      doc.paragraphs.push_back(std::move(p));
    }
  } else if (o->has("text") || o->has("content")) {
    for (auto& t : split_blank_lines(get_string(o, o->has("text") ? "text" : "content")))
      doc.paragraphs.push_back(Paragraph{std::move(t), {}, {}, {}, {}});
  }
  if (o->has("source")) {
    if (auto so = o->getObject("source")) {
      doc.source.path = get_string(so, "path");
      doc.source.format = get_string(so, "format");
      doc.source.sha256 = get_string(so, "sha256");
      doc.source.encoding = get_string(so, "encoding");
    }
  }
  static const char* known[] = {"id",          "lang",   "type",           "title",
                                "description", "event",  "session",        "date",
                                "speakers",    "topics", "paragraphs",     "text",
                                "content",     "source", "translation_of", "translation_group",
                                "extra"};
  for (const auto& name : o->getNames()) {
    bool is_known = false;
    for (const char* k : known) is_known = is_known || name == k;
    if (is_known) continue;
    auto v = o->get(name);
    if (v.isString() || v.isNumeric()) doc.extra[name] = v.convert<std::string>();
  }
  if (o->has("extra")) {
    if (auto eo = o->getObject("extra"))
      for (const auto& name : eo->getNames()) doc.extra[name] = get_string(eo, name);
  }
  return doc;
}

Document document_from_json(std::string_view json) {
  Poco::JSON::Parser parser;
  Poco::Dynamic::Var v;
  try {
    v = parser.parse(std::string(json));
  } catch (const Poco::Exception& e) {
    bad("invalid JSON: " + e.message());
  }
  Object::Ptr o;
  try {
    o = v.extract<Object::Ptr>();
  } catch (const Poco::Exception&) {
    bad("a document must be a JSON object");
  }
  return document_from_object(o);
}

}  // namespace tongwen
