// The load history, read side: see tongwen/load_history.h for the stored form.
#include "tongwen/load_history.h"
#include "tongwen/index_reader.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <xapian.h>

#include <cstdio>

#include "tongwen/errors.h"
#include "tongwen/json.h"
#include "tongwen/util.h"

namespace tongwen {

namespace {

std::string padded(unsigned long n, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*lu", width, n);
  return buf;
}

Poco::JSON::Object::Ptr parse_record(const std::string& key, const std::string& text) {
  try {
    Poco::JSON::Parser parser;
    auto o = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
    if (o) return o;
  } catch (const Poco::Exception&) {
  }
  throw EnvironmentError("corrupt_index", "load history record " + key + " does not read");
}

std::string str(const Poco::JSON::Object::Ptr& o, const std::string& k) {
  return o->has(k) && o->get(k).isString() ? o->getValue<std::string>(k) : std::string();
}
std::size_t num(const Poco::JSON::Object::Ptr& o, const std::string& k) {
  return o->has(k) && o->get(k).isNumeric() ? o->getValue<std::size_t>(k) : 0;
}
bool flag(const Poco::JSON::Object::Ptr& o, const std::string& k) {
  return o->has(k) && o->get(k).isBoolean() && o->getValue<bool>(k);
}

LoadRecord header_from(const std::string& key, const std::string& text) {
  auto o = parse_record(key, text);
  LoadRecord r;
  r.id = str(o, "id");
  r.kind = str(o, "kind");
  r.command = str(o, "command");
  r.started = str(o, "started");
  r.ended = str(o, "ended");
  r.complete = flag(o, "complete");
  r.keeps = flag(o, "keeps");
  r.undoes = str(o, "undoes");
  r.parts = num(o, "parts");
  r.files = num(o, "files");
  r.added = num(o, "added");
  r.updated = num(o, "updated");
  r.removed = num(o, "removed");
  return r;
}

Poco::JSON::Array::Ptr changes_json(const std::vector<LoadChange>& list) {
  Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
  for (const auto& c : list) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", c.id);
    o->set("replaced", c.replaced);
    a->add(o);
  }
  return a;
}

Poco::JSON::Array::Ptr files_json(const std::vector<LoadFile>& list) {
  Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
  for (const auto& f : list) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("path", f.path);
    o->set("outcome", f.outcome);
    if (!f.error_code.empty()) o->set("error_code", f.error_code);
    a->add(o);
  }
  return a;
}

void read_changes(const Poco::JSON::Object::Ptr& part, const std::string& field,
                  std::vector<LoadChange>& out) {
  Poco::JSON::Array::Ptr a = part->has(field) ? part->getArray(field) : nullptr;
  if (!a) return;
  for (unsigned i = 0; i < a->size(); ++i)
    if (auto c = a->getObject(i)) out.push_back({str(c, "id"), str(c, "replaced")});
}

void read_strings(const Poco::JSON::Object::Ptr& part, const std::string& field,
                  std::vector<std::string>& out) {
  Poco::JSON::Array::Ptr a = part->has(field) ? part->getArray(field) : nullptr;
  if (!a) return;
  for (unsigned i = 0; i < a->size(); ++i)
    if (a->get(i).isString()) out.push_back(a->getElement<std::string>(i));
}

}  // namespace

std::string load_number(const std::string& id) {
  if (id.empty() || id.size() > 9 || id.find_first_not_of("0123456789") != std::string::npos) return {};
  return padded(std::stoul(id), 6);
}

std::string load_key(const std::string& id) {
  std::string n = load_number(id);
  return n.empty() ? n : std::string(kLoadKeyPrefix) + n;
}

std::string load_keep_prefix(const std::string& id) {
  return std::string(kLoadKeepPrefix) + load_number(id) + ":";
}

std::string load_keep_document_key(const std::string& id, const std::string& doc_id) {
  std::string key = load_keep_prefix(id) + "d:" + doc_id;
  // Xapian limits metadata keys to about 245 bytes: a very long id is named by its hash.
  return key.size() <= 200 ? key : load_keep_prefix(id) + "h:" + sha256_hex(doc_id);
}

std::string load_keep_metadata_key(const std::string& id, const std::string& key) {
  return load_keep_prefix(id) + "m:" + key;
}

Poco::JSON::Object::Ptr load_to_object(const LoadRecord& r, bool detail) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", r.id);
  o->set("kind", r.kind);
  o->set("command", r.command);
  o->set("started", r.started);
  o->set("ended", r.ended);
  o->set("complete", r.complete);
  o->set("files", r.files);
  o->set("added", r.added);
  o->set("updated", r.updated);
  o->set("removed", r.removed);
  if (!r.undoes.empty()) o->set("undoes", r.undoes);
  if (detail) {
    o->set("files_detail", files_json(r.file_list));
    o->set("added_ids", json_array(r.added_ids));
    o->set("updated_ids", changes_json(r.updated_list));
    o->set("removed_ids", changes_json(r.removed_list));
  }
  return o;
}

Poco::JSON::Object::Ptr load_part_object(const std::vector<LoadFile>& files,
                                         const std::vector<std::string>& added,
                                         const std::vector<LoadChange>& updated,
                                         const std::vector<LoadChange>& removed,
                                         const std::vector<std::string>& kept,
                                         const std::vector<std::string>& kept_sources) {
  Poco::JSON::Object::Ptr part = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  part->set("files", files_json(files));
  part->set("added", json_array(added));
  part->set("updated", changes_json(updated));
  part->set("removed", changes_json(removed));
  part->set("kept", json_array(kept));
  part->set("kept_sources", json_array(kept_sources));
  return part;
}

std::vector<LoadRecord> read_loads(const stored::Archive& db) {
  std::vector<LoadRecord> out;
  const std::string prefix(kLoadKeyPrefix);
  for (const std::string& key : db.metadata_keys(prefix)) {
    if (key.find(':', prefix.size()) != std::string::npos) continue;  // a part
    std::string text = db.metadata(key);
    if (!text.empty()) out.push_back(header_from(key, text));
  }
  return out;
}

std::optional<LoadRecord> read_load(const stored::Archive& db, const std::string& id) {
  std::string key = load_key(id);
  if (key.empty()) return std::nullopt;
  std::string text = db.metadata(key);
  if (text.empty()) return std::nullopt;
  LoadRecord r = header_from(key, text);
  for (std::size_t p = 0; p < r.parts; ++p) {
    std::string part_key = key + ":" + padded(p, 4);
    std::string part_text = db.metadata(part_key);
    if (part_text.empty())
      throw EnvironmentError("corrupt_index", "load history part " + part_key + " is missing");
    auto part = parse_record(part_key, part_text);
    if (auto files = part->has("files") ? part->getArray("files") : nullptr)
      for (unsigned i = 0; i < files->size(); ++i)
        if (auto f = files->getObject(i))
          r.file_list.push_back({str(f, "path"), str(f, "outcome"), str(f, "error_code")});
    read_strings(part, "added", r.added_ids);
    read_changes(part, "updated", r.updated_list);
    read_changes(part, "removed", r.removed_list);
    read_strings(part, "kept", r.kept_ids);
    read_strings(part, "kept_sources", r.kept_sources);
  }
  return r;
}

}  // namespace tongwen
