// The load history: see tongwen/load_history.h for the stored form.
#include "tongwen/load_history.h"
#include "tongwen/metadata_keys.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <cstdio>

#include "tongwen/errors.h"
#include "tongwen/json.h"
#include "tongwen/util.h"

namespace tongwen {

namespace {

const std::string kSeqKey(metadata::kLoadSequence);

std::string now_utc() {
  return Poco::DateTimeFormatter::format(Poco::DateTime(), Poco::DateTimeFormat::ISO8601_FORMAT);
}

std::string padded(unsigned long n, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*lu", width, n);
  return buf;
}

// "7" or "000007" -> "000007"; "" when not a load number.
std::string load_key_number(const std::string& id) {
  if (id.empty() || id.size() > 9 || id.find_first_not_of("0123456789") != std::string::npos) return {};
  return padded(std::stoul(id), 6);
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

LoadRecord header_from(const std::string& key, const std::string& text) {
  auto o = parse_record(key, text);
  LoadRecord r;
  r.id = str(o, "id");
  r.kind = str(o, "kind");
  r.command = str(o, "command");
  r.started = str(o, "started");
  r.ended = str(o, "ended");
  r.complete = o->has("complete") && o->getValue<bool>("complete");
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

}  // namespace

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
  if (detail) {
    o->set("files_detail", files_json(r.file_list));
    o->set("added_ids", json_array(r.added_ids));
    o->set("updated_ids", changes_json(r.updated_list));
    o->set("removed_ids", changes_json(r.removed_list));
  }
  return o;
}

LoadRecorder::LoadRecorder(std::string kind, std::string command)
    : kind_(std::move(kind)), command_(std::move(command)), started_(now_utc()) {}

void LoadRecorder::file(const FileOutcome& o) {
  std::lock_guard<std::mutex> lock(mutex_);
  files_pending_.push_back({o.path, o.outcome, o.error_code});
  ++files_;
}

void LoadRecorder::on_put(const std::string& id, const Xapian::Document* replaced) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!replaced || added_here_.count(id)) {
    if (added_here_.insert(id).second) {
      added_pending_.push_back(id);
      ++added_;
    }
    return;
  }
  updated_pending_.push_back({id, sha256_hex(replaced->get_data())});
  ++updated_;
}

void LoadRecorder::on_remove(const std::string& id, const Xapian::Document& removed) {
  std::lock_guard<std::mutex> lock(mutex_);
  removed_pending_.push_back({id, sha256_hex(removed.get_data())});
  ++removed_;
}

void LoadRecorder::before_commit(IndexWriter& writer) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (id_.empty()) {
    std::string last = writer.get_metadata(kSeqKey);
    unsigned long n = last.empty() ? 1 : std::stoul(last) + 1;
    id_ = std::to_string(n);
    key_ = std::string(kLoadKeyPrefix) + padded(n, 6);
    writer.set_metadata(kSeqKey, id_);
  }
  if (!files_pending_.empty() || !added_pending_.empty() || !updated_pending_.empty() ||
      !removed_pending_.empty()) {
    Poco::JSON::Object::Ptr part = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    part->set("files", files_json(files_pending_));
    part->set("added", json_array(added_pending_));
    part->set("updated", changes_json(updated_pending_));
    part->set("removed", changes_json(removed_pending_));
    writer.set_metadata(key_ + ":" + padded(parts_, 4), json_text(part));
    ++parts_;
    files_pending_.clear();
    added_pending_.clear();
    updated_pending_.clear();
    removed_pending_.clear();
  }
  LoadRecord h;
  h.id = id_;
  h.kind = kind_;
  h.command = command_;
  h.started = started_;
  h.ended = now_utc();
  h.complete = complete_;
  h.files = files_;
  h.added = added_;
  h.updated = updated_;
  h.removed = removed_;
  Poco::JSON::Object::Ptr o = load_to_object(h, false);
  o->set("parts", parts_);
  writer.set_metadata(key_, json_text(o));
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
  std::string number = load_key_number(id);
  if (number.empty()) return std::nullopt;
  std::string key = std::string(kLoadKeyPrefix) + number;
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
    if (auto added = part->has("added") ? part->getArray("added") : nullptr)
      for (unsigned i = 0; i < added->size(); ++i) r.added_ids.push_back(added->getElement<std::string>(i));
    read_changes(part, "updated", r.updated_list);
    read_changes(part, "removed", r.removed_list);
  }
  return r;
}

}  // namespace tongwen
