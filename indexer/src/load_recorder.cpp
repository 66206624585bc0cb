// The load history's recorder: see tongwen/load_history.h for the stored form.
#include "tongwen/load_recorder.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>

#include <cstdio>

#include "tongwen/json.h"
#include "tongwen/util.h"

namespace tongwen {

namespace {

const std::string kSeqKey(metadata::kLoadSequence);

std::string now_utc() {
  return Poco::DateTimeFormatter::format(Poco::DateTime(), Poco::DateTimeFormat::ISO8601_FORMAT);
}

}  // namespace

LoadRecorder::LoadRecorder(std::string kind, std::string command, std::size_t keep_loads)
    : kind_(std::move(kind)), command_(std::move(command)), started_(now_utc()), keep_loads_(keep_loads) {}

void LoadRecorder::file(const FileOutcome& o) {
  std::lock_guard<std::mutex> lock(mutex_);
  files_pending_.push_back({o.path, o.outcome, o.error_code});
  ++files_;
}

void LoadRecorder::on_put(const std::string& id, const Xapian::Document* replaced) {
  std::lock_guard<std::mutex> lock(mutex_);
  // The version from before the load: kept at the id's first change only (a second change in the
  // same load replaces the load's own version).
  bool first = seen_.insert(id).second;
  if (first && replaced && keep_loads_ > 0) kept_pending_.emplace_back(id, replaced->serialise());
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
  if (seen_.insert(id).second && keep_loads_ > 0) kept_pending_.emplace_back(id, removed.serialise());
  removed_pending_.push_back({id, sha256_hex(removed.get_data())});
  ++removed_;
}

void LoadRecorder::on_source_record(const std::string& key, const std::string& old_value) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (sources_seen_.insert(key).second && keep_loads_ > 0) kept_sources_pending_.emplace_back(key, old_value);
}

void LoadRecorder::prune_kept(IndexWriter& writer, unsigned long number) {
  if (number <= keep_loads_) return;
  // Keys sort by their padded load number: stop at the first load still kept.
  const std::string last = load_number(std::to_string(number - keep_loads_));
  const std::string prefix(kLoadKeepPrefix);
  std::vector<std::string> old;
  Xapian::WritableDatabase& db = writer.database();
  for (auto it = db.metadata_keys_begin(prefix); it != db.metadata_keys_end(prefix); ++it) {
    std::string key = *it;
    if (key.compare(prefix.size(), last.size(), last) > 0) break;
    old.push_back(std::move(key));
  }
  for (const auto& key : old) writer.set_metadata(key, "");
}

void LoadRecorder::before_commit(IndexWriter& writer) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (id_.empty()) {
    std::string last = writer.get_metadata(kSeqKey);
    unsigned long n = last.empty() ? 1 : std::stoul(last) + 1;
    id_ = std::to_string(n);
    key_ = load_key(id_);
    writer.set_metadata(kSeqKey, id_);
    prune_kept(writer, n);
  }
  if (!files_pending_.empty() || !added_pending_.empty() || !updated_pending_.empty() ||
      !removed_pending_.empty() || !kept_pending_.empty() || !kept_sources_pending_.empty()) {
    std::vector<std::string> kept, kept_sources;
    for (const auto& [id, doc] : kept_pending_) {
      writer.set_metadata(load_keep_document_key(id_, id), doc);
      kept.push_back(id);
    }
    for (const auto& [key, value] : kept_sources_pending_) {
      // "=" + value: an empty value would delete the key (a file the load saw first has none).
      writer.set_metadata(load_keep_metadata_key(id_, key), "=" + value);
      kept_sources.push_back(key);
    }
    char part_number[8];
    std::snprintf(part_number, sizeof part_number, "%04zu", parts_);
    writer.set_metadata(key_ + ":" + part_number,
                        json_text(load_part_object(files_pending_, added_pending_, updated_pending_,
                                                   removed_pending_, kept, kept_sources)));
    ++parts_;
    files_pending_.clear();
    added_pending_.clear();
    updated_pending_.clear();
    removed_pending_.clear();
    kept_pending_.clear();
    kept_sources_pending_.clear();
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
  h.undoes = undoes_;
  Poco::JSON::Object::Ptr o = load_to_object(h, false);
  o->set("parts", parts_);
  o->set("keeps", keep_loads_ > 0);
  writer.set_metadata(key_, json_text(o));
}

}  // namespace tongwen
