#include "tongwen/index_writer.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "tongwen/align.h"
#include "tongwen/commit_gate.h"
#include "tongwen/errors.h"
#include "tongwen/facet_ordinals.h"
#include "tongwen/index_reader.h"
#include "tongwen/metadata_keys.h"
#include "tongwen/schema.h"
#include "tongwen/text.h"

namespace tongwen {

using namespace schema;

namespace {

bool has_traditional(std::string_view s) {
  const auto& a = text::Analyzer::instance();
  for (std::size_t i = 0; i < s.size();) {
    char32_t c = text::next_code_point(s, i);
    if (c <= 0x10FFFF && a.to_simplified(c) != c) return true;
  }
  return false;
}

void add_filter(Xapian::Document& xdoc, const Field& f, const std::string& key) {
  if (!key.empty()) xdoc.add_boolean_term(std::string(f.filter_prefix) + key);
}

}  // namespace

PreparedDocument prepare_document(const Document& doc, terms::TermWriter& writer,
                                  const std::string& content_hash) {
  PreparedDocument p;
  p.id = doc.id;
  p.group = doc.translation_group;
  Xapian::Document& x = p.xdoc;
  writer.reset();

  // Free text: every searchable unit in the body (Document::searchable_units: the brute-force
  // ground truth of the tests scans the same units), the title also under S.
  writer.index_text(x, doc.title, find_field("title")->text_prefix);
  for (auto unit : doc.searchable_units()) writer.index_text(x, unit, "");

  auto display = [&](const Field& f, const std::string& key, const std::string& value) {
    p.facet_display.emplace_back(facet_display_key(f, key), value);
  };

  // Facet fields, as the schema describes them: the written values as words under the field's
  // prefix, each facet key as a filter term, in the field's slot and with its display form.
  for (const Field& f : kFields) {
    if (f.facet == FacetKind::None) continue;
    std::vector<std::string>& keys = p.facet_keys.emplace_back();
    if (f.has_text)
      for (const auto& v : field_values(doc, f)) writer.index_text(x, v, f.text_prefix);
    for (auto& [key, written] : facet_entries(doc, f)) {
      if (f.language_tags) {
        for (const auto& v : lang_filter_values(written)) add_filter(x, f, facet_key(v));
      } else {
        add_filter(x, f, key);
      }
      display(f, key, written);
      keys.push_back(key);
    }
    if (f.facet == FacetKind::Single && keys.size() > 1) keys.resize(1);  // the slot holds the first
    if (keys.empty()) continue;
    x.add_value(*f.slot, f.facet == FacetKind::Single ? keys.front() : serialise_list(keys));
  }
  if (!doc.date.empty()) x.add_value(SLOT_DATE, doc.date);

  x.add_boolean_term(std::string(PREFIX_ID) + doc.id);
  if (!doc.translation_group.empty()) {
    x.add_boolean_term(std::string(PREFIX_GROUP) + doc.translation_group);
    x.add_value(SLOT_GROUP, doc.translation_group);
  }
  if (!doc.source.format.empty()) x.add_boolean_term(std::string(PREFIX_FORMAT) + doc.source.format);
  x.add_value(SLOT_HASH, content_hash);
  x.add_value(SLOT_ID, doc.id);
  x.add_value(SLOT_DATE_ID_ASC, date_id_ascending(doc.date, doc.id));
  x.add_value(SLOT_DATE_ID_DESC, date_id_descending(doc.date, doc.id));
  x.set_data(serialise(doc));
  return p;
}

// One shard's writer thread: runs the tasks queued for its shard in order. At most kQueued tasks
// wait (each holds a prepared document), so a fast producer cannot fill memory.
class IndexWriter::ShardThread {
 public:
  ShardThread() : thread_([this] { loop(); }) {}
  ~ShardThread() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;  // what is still queued was never committed: it is dropped
    }
    cv_.notify_all();
    thread_.join();
  }
  void push(std::function<void()> task) {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return queue_.size() < kQueued; });
    queue_.push_back(std::move(task));
    cv_.notify_all();
  }
  // Returns when every queued task has run; rethrows the first that failed (the tasks after a
  // failure are not run: nothing more is written to a shard that failed).
  void drain() {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return queue_.empty() && !running_; });
    if (error_) {
      std::exception_ptr e = error_;
      error_ = nullptr;
      std::rethrow_exception(e);
    }
  }

 private:
  static constexpr std::size_t kQueued = 64;
  void loop() {
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
      cv_.wait(lk, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      std::function<void()> task = std::move(queue_.front());
      queue_.pop_front();
      running_ = true;
      cv_.notify_all();  // room in the queue
      bool skip = error_ != nullptr;
      lk.unlock();
      std::exception_ptr failed;
      if (!skip) {
        try {
          task();
        } catch (...) {
          failed = std::current_exception();
        }
      }
      lk.lock();
      running_ = false;
      if (failed && !error_) error_ = failed;
      cv_.notify_all();  // perhaps idle
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool running_ = false, stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: started once the rest is constructed
};

namespace {

// Xapian's glass backend refuses a term longer than this in add_document; checked before a
// document is queued, so that the refusal still names the document being put.
constexpr std::size_t kMaxTermBytes = 245;

void check_terms(const Xapian::Document& doc) {
  for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t)
    if ((*t).size() > kMaxTermBytes)
      throw Xapian::InvalidArgumentError("Term too long (> " + std::to_string(kMaxTermBytes) + "): " + *t);
}

Xapian::WritableDatabase open_writable(const std::string& dir,
                                       std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    try {
      return Xapian::WritableDatabase(dir, Xapian::DB_CREATE_OR_OPEN);
    } catch (const Xapian::DatabaseLockError& e) {
      if (std::chrono::steady_clock::now() >= deadline)
        throw EnvironmentError(
            "locked", "index " + dir + " is locked by another writer (a bulk load?): " + e.get_msg());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    } catch (const Xapian::Error& e) {
      throw EnvironmentError("index", "cannot open index " + dir + ": " + e.get_description());
    }
  }
}

void check_schema(Xapian::WritableDatabase& db, const std::string& dir) {
  check_version(db, dir);
  if (db.get_metadata(std::string(kSchemaVersionKey)).empty()) stamp_version(db);
}

}  // namespace

IndexWriter::IndexWriter(const std::string& dir, std::chrono::milliseconds wait, std::size_t shards,
                         std::size_t new_shards)
    : shards_{open_writable(dir, std::chrono::steady_clock::now() + wait)}, db_(shards_[0]) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  check_schema(db_, dir);
  const std::string count_key(metadata::kShardCount);
  std::string recorded = db_.get_metadata(count_key);
  std::size_t have = recorded.empty() ? 1 : static_cast<std::size_t>(std::stoul(recorded));
  // A new index takes the count asked for; a used one keeps its own.
  bool fresh = recorded.empty() && db_.get_doccount() == 0 &&
               db_.metadata_keys_begin(std::string(metadata::kSourceRecord)) ==
                   db_.metadata_keys_end(std::string(metadata::kSourceRecord));
  if (shards == 0 && fresh && new_shards > 1) shards = new_shards;
  if (shards != 0 && shards != have) {
    if (!fresh)
      throw UserError("shard_count", "index " + dir + " has " + std::to_string(have) + " shard" +
                                         (have == 1 ? "" : "s") + "; --shards " + std::to_string(shards) +
                                         " asks for another count (load with --shards " +
                                         std::to_string(have) +
                                         " or without --shards, or load into a new data folder)");
    have = shards;
    if (have > 1) db_.set_metadata(count_key, std::to_string(have));
  }
  shards_.reserve(have);
  for (std::size_t k = 1; k < have; ++k) {
    std::string sdir = stored::local_shard_dir(dir, k);
    shards_.push_back(open_writable(sdir, deadline));
    check_schema(shards_.back(), sdir);
  }
  if (have > 1)
    for (std::size_t k = 0; k < have; ++k) threads_.push_back(std::make_unique<ShardThread>());
  hook_ = align_groups;  // every write path keeps the stored alignments of translation groups current
}

IndexWriter::~IndexWriter() {
  threads_.clear();  // joined before the shards close
  for (auto& s : shards_) {
    try {
      if (atomic_) s.cancel_transaction();  // never committed: none of it is kept
      s.close();
    } catch (...) {
    }
  }
}

void IndexWriter::drain(std::size_t k) {
  if (threaded()) threads_[k]->drain();
}

void IndexWriter::drain_all() {
  for (auto& t : threads_) t->drain();
}

void IndexWriter::run_on(std::size_t k, std::function<void()> task) {
  if (threaded())
    threads_[k]->push(std::move(task));
  else
    task();
}

void IndexWriter::read_ids() {
  if (ids_read_) return;
  drain_all();
  const std::string prefix(schema::PREFIX_ID);
  for (std::size_t k = 0; k < shards_.size(); ++k)
    for (auto t = shards_[k].allterms_begin(prefix); t != shards_[k].allterms_end(prefix); ++t)
      ids_.emplace((*t).substr(prefix.size()), k);
  ids_read_ = true;
}

Xapian::doccount IndexWriter::doc_count() {
  drain_all();
  Xapian::doccount n = 0;
  for (const auto& s : shards_) n += s.get_doccount();
  return n;
}

Xapian::doccount IndexWriter::group_size(const std::string& group) {
  drain_all();
  Xapian::doccount n = 0;
  for (auto& s : shards_) n += s.get_termfreq(std::string(schema::PREFIX_GROUP) + group);
  return n;
}

Xapian::WritableDatabase* IndexWriter::shard_holding(const std::string& id_term, Xapian::docid& did) {
  if (threaded()) {
    read_ids();
    auto it = ids_.find(id_term.substr(schema::PREFIX_ID.size()));
    if (it == ids_.end()) return nullptr;
    drain(it->second);  // its thread is idle: the shard may be read here
    Xapian::WritableDatabase& s = shards_[it->second];
    auto p = s.postlist_begin(id_term);
    if (p == s.postlist_end(id_term)) return nullptr;
    did = *p;
    return &s;
  }
  for (auto& s : shards_) {
    auto it = s.postlist_begin(id_term);
    if (it != s.postlist_end(id_term)) {
      did = *it;
      return &s;
    }
  }
  return nullptr;
}

bool IndexWriter::put(PreparedDocument&& doc) {
  std::string id_term = std::string(schema::PREFIX_ID) + doc.id;
  const std::size_t target = stored::shard_of(doc.group.empty() ? doc.id : doc.group, shards_.size());
  if (threaded()) check_terms(doc.xdoc);
  Xapian::docid did = 0;
  Xapian::WritableDatabase* holder = shard_holding(id_term, did);
  bool existed = holder != nullptr;
  if (existed) {
    Xapian::Document old = holder->get_document(did);
    std::string old_group = old.get_value(schema::SLOT_GROUP);
    if (!old_group.empty()) touched_.insert(old_group);
    if (observer_) observer_->on_put(doc.id, &old);
  } else if (observer_) {
    observer_->on_put(doc.id, nullptr);
  }
  if (!doc.group.empty()) touched_.insert(doc.group);
  bool replace = existed && holder == &shards_[target];
  if (existed && !replace)
    holder->delete_document(id_term);  // its group changed: it moves to the group's shard (idle)
  if (threaded()) ids_[doc.id] = target;
  if (!doc.facet_keys.empty()) doc.xdoc.add_value(schema::SLOT_FACET_ORDINALS, ordinals_of(doc.facet_keys));
  // A new id is added outright: replace_document would look the id term up a second time (the
  // lookup above also sees documents put earlier in the same uncommitted batch).
  Xapian::WritableDatabase& db = shards_[target];
  auto xdoc = std::make_shared<Xapian::Document>(std::move(doc.xdoc));
  run_on(target, [&db, xdoc, replace, id_term = std::move(id_term)] {
    if (replace)
      db.replace_document(id_term, *xdoc);
    else
      db.add_document(*xdoc);
  });
  run_on(0, [this, display = std::move(doc.facet_display)] { record_display(display); });
  return existed;
}

std::string IndexWriter::ordinals_of(const std::vector<std::vector<std::string>>& facet_keys) {
  const auto fields = schema::facet_fields();
  if (next_ordinal_.empty()) {  // the ordinals given so far, read once per writer (shard 0)
    drain(0);
    facets::Dictionary given = facets::Dictionary::read(stored::Archive(db_));
    next_ordinal_.assign(fields.size(), 0);
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const auto& keys = given.keys[i];
      next_ordinal_[i] = static_cast<std::uint32_t>(keys.size());
      for (std::size_t ord = 0; ord < keys.size(); ++ord)
        if (!keys[ord].empty())
          ordinals_.emplace(facets::ordinal_key(*fields[i], keys[ord]), static_cast<std::uint32_t>(ord));
    }
  }
  facets::Ordinals ords(fields.size());
  for (std::size_t i = 0; i < fields.size() && i < facet_keys.size(); ++i)
    for (const auto& key : facet_keys[i]) {
      std::string mk = facets::ordinal_key(*fields[i], key);
      auto [it, fresh] = ordinals_.try_emplace(std::move(mk), next_ordinal_[i]);
      if (fresh) {
        ++next_ordinal_[i];
        run_on(0, [this, k = it->first, v = std::to_string(it->second)] { db_.set_metadata(k, v); });
      }
      ords[i].push_back(it->second);
    }
  return facets::pack(ords);
}

// One display form per facet key: the first one seen, except that a Simplified form replaces a
// Traditional one (王建國 and 王建国 are one value; the facet shows 王建国). On shard 0's thread.
void IndexWriter::record_display(const std::vector<std::pair<std::string, std::string>>& display) {
  for (auto& [key, value] : display) {
    auto [seen, fresh] = display_traditional_.try_emplace(key, false);
    if (fresh) {
      std::string current = db_.get_metadata(key);
      if (current.empty()) db_.set_metadata(key, value);
      seen->second = has_traditional(current.empty() ? value : current);
    }
    if (seen->second && !has_traditional(value)) {
      db_.set_metadata(key, value);
      seen->second = false;
    }
  }
}

bool IndexWriter::remove(const std::string& id) {
  std::string id_term = std::string(schema::PREFIX_ID) + id;
  Xapian::docid did = 0;
  Xapian::WritableDatabase* holder = shard_holding(id_term, did);
  if (!holder) return false;
  Xapian::Document old = holder->get_document(did);
  std::string group = old.get_value(schema::SLOT_GROUP);
  if (!group.empty()) touched_.insert(group);
  if (observer_) observer_->on_remove(id, old);
  holder->delete_document(id_term);
  if (threaded()) ids_.erase(id);
  return true;
}

bool IndexWriter::contains(const std::string& id) {
  Xapian::docid did = 0;
  return shard_holding(std::string(schema::PREFIX_ID) + id, did) != nullptr;
}

bool IndexWriter::get(const std::string& id, Document& out) {
  Xapian::docid did = 0;
  Xapian::WritableDatabase* holder = shard_holding(std::string(schema::PREFIX_ID) + id, did);
  if (!holder) return false;
  out = unserialise(holder->get_document(did).get_data());
  return true;
}

std::vector<std::string> IndexWriter::group_members(const std::string& group) {
  drain_all();
  std::vector<std::string> ids;
  std::string term = std::string(schema::PREFIX_GROUP) + group;
  for (auto& db : shards_)
    for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
      Xapian::Document d = db.get_document(*it);
      for (auto t = d.termlist_begin(); t != d.termlist_end(); ++t) {
        t.skip_to(std::string(schema::PREFIX_ID));
        if (t != d.termlist_end() && (*t).rfind(schema::PREFIX_ID, 0) == 0) ids.push_back((*t).substr(1));
        break;
      }
    }
  return ids;
}

void IndexWriter::set_metadata(const std::string& key, const std::string& value) {
  drain(0);
  if (observer_ && key.compare(0, metadata::kSourceRecord.size(), metadata::kSourceRecord) == 0)
    observer_->on_source_record(key, db_.get_metadata(key));
  db_.set_metadata(key, value);
}

std::string IndexWriter::get_metadata(const std::string& key) {
  drain(0);
  return db_.get_metadata(key);
}

std::vector<std::string> IndexWriter::metadata_keys(const std::string& prefix) {
  drain(0);
  std::vector<std::string> out;
  for (auto it = db_.metadata_keys_begin(prefix); it != db_.metadata_keys_end(prefix); ++it)
    out.push_back(*it);
  return out;
}

void IndexWriter::begin_atomic() {
  if (atomic_) return;
  drain_all();
  for (auto& s : shards_) s.begin_transaction(true);
  atomic_ = true;
}

void IndexWriter::commit() {
  drain_all();
  if (hook_ && !touched_.empty()) hook_(*this, touched_);
  touched_.clear();
  if (observer_) observer_->before_commit(*this);
  std::unique_lock<std::shared_mutex> gate(commit_gate());
  auto commit_one = [this](Xapian::WritableDatabase& s) {
    if (atomic_)
      s.commit_transaction();  // flushed: this is the commit
    else
      s.commit();
  };
  if (shards_.size() == 1) {
    commit_one(db_);
  } else {
    // Each shard flushes on its own thread (a WritableDatabase is used by one thread at a time);
    // shard 0, which holds the load history, last, so that a load recorded complete has every
    // shard committed. Not atomic across shards: a kill between two shard commits leaves the
    // records of shard 0 one batch behind, which the next run's idempotence repairs.
    std::vector<std::thread> threads;
    std::vector<std::exception_ptr> errors(shards_.size());
    std::vector<std::string> xapian_errors(shards_.size());
    for (std::size_t k = 1; k < shards_.size(); ++k)
      threads.emplace_back([&, k] {
        try {
          commit_one(shards_[k]);
        } catch (const Xapian::Error& e) {
          xapian_errors[k] = e.get_description();
        } catch (...) {
          errors[k] = std::current_exception();
        }
      });
    for (auto& t : threads) t.join();
    for (std::size_t k = 1; k < shards_.size(); ++k) {
      if (errors[k]) std::rethrow_exception(errors[k]);
      if (!xapian_errors[k].empty())
        throw EnvironmentError("index",
                               "committing shard " + std::to_string(k) + " failed: " + xapian_errors[k]);
    }
    commit_one(db_);
  }
  atomic_ = false;
}

}  // namespace tongwen
