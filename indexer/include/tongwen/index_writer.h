// Index writing: a model Document -> a Xapian document (terms, values, data) following the schema
// table, and the one writer that commits them.
#pragma once

#include <xapian.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "tongwen/glossary.h"
#include "tongwen/model.h"
#include "tongwen/terms.h"

namespace tongwen {

// A document ready for the writer: built on any thread, written by the writer thread.
struct PreparedDocument {
  std::string id;
  std::string group;  // translation group: alignments of the group are refreshed at commit
  Xapian::Document xdoc;
  // Facet display forms to record: metadata key -> display value.
  std::vector<std::pair<std::string, std::string>> facet_display;
  // Facet keys per facet field (schema::facet_fields() order): the writer gives them ordinals
  // (tongwen/facet_ordinals.h) and stores them in SLOT_FACET_ORDINALS.
  std::vector<std::vector<std::string>> facet_keys;
};

// Builds the Xapian form of doc (thread-compatible: one TermWriter per thread).
PreparedDocument prepare_document(const Document& doc, terms::TermWriter& writer,
                                  const std::string& content_hash);

class IndexWriter;

// Sees every change a writer makes, and is called last before each commit, so that what it
// records (the load history, tongwen/load_recorder.h) lands in the same commit as the documents.
class WriteObserver {
 public:
  virtual ~WriteObserver() = default;
  // `replaced` is the stored version a put replaces (nullptr for a new document).
  virtual void on_put(const std::string& id, const Xapian::Document* replaced) = 0;
  virtual void on_remove(const std::string& id, const Xapian::Document& removed) = 0;
  // A source file's load record ("src:" metadata) is about to be set; `old_value` is what it held.
  virtual void on_source_record(const std::string& /*key*/, const std::string& /*old_value*/) {}
  virtual void before_commit(IndexWriter& writer) = 0;
};

// The one writer of an archive of one or more local shards (stored::local_shard_dir): each
// document goes to the shard of its translation group (its own id when it has none) by a stable
// hash (stored::shard_of), so a group's versions and alignment stay together. User metadata (load
// history, source records, alignments, group records, models, facet display forms) is kept on
// shard 0, so that what the writer reads back is archive-wide whatever the shard count; readers
// look in every shard (stored::Archive::metadata).
class IndexWriter {
 public:
  // Opens or creates the index in `dir`. When another process holds the write lock, retries until
  // `wait` has passed, then throws EnvironmentError("locked", ...). Refuses an index written with
  // another schema version (EnvironmentError "schema"). `shards` = 0 uses the shard count the
  // index records (1 when none); N creates N shards in a new index (recording N) and refuses an
  // index that has another count (UserError "shard_count"). `new_shards` is the count a new index
  // gets when `shards` is 0 (the ingest.shards setting).
  explicit IndexWriter(const std::string& dir, std::chrono::milliseconds wait = std::chrono::milliseconds(0),
                       std::size_t shards = 0, std::size_t new_shards = 1);
  ~IndexWriter();
  IndexWriter(const IndexWriter&) = delete;
  IndexWriter& operator=(const IndexWriter&) = delete;

  // Adds or replaces the document with this id. Returns true when it replaced one.
  bool put(PreparedDocument&& doc);
  // Removes a document by id; false when there was none.
  bool remove(const std::string& id);
  bool contains(const std::string& id);
  // Stored form of a document, if present.
  bool get(const std::string& id, Document& out);
  // Ids of the documents in a translation group.
  std::vector<std::string> group_members(const std::string& group);
  void set_metadata(const std::string& key, const std::string& value);
  std::string get_metadata(const std::string& key);
  // Metadata keys starting with prefix.
  std::vector<std::string> metadata_keys(const std::string& prefix);
  // Makes every change until the next commit() one unit: Xapian's auto-flush (every
  // XAPIAN_FLUSH_THRESHOLD changes) is held back, so readers never see part of it and a writer
  // killed before commit() leaves none of it. For uploads; bulk loads commit in batches instead.
  void begin_atomic();
  // Commits. Translation groups touched since the last commit are handed to the commit hook
  // first (alignment recomputation), inside the same commit.
  void commit();
  using CommitHook = std::function<void(IndexWriter&, const std::set<std::string>& groups)>;
  const std::set<std::string>& touched_groups() const { return touched_; }
  Xapian::doccount doc_count();
  std::size_t shard_count() const { return shards_.size(); }
  // Documents of a translation group in the archive (every shard).
  Xapian::doccount group_size(const std::string& group);
  // The glossary the commit hook's aligner anchors on (Glossary::configured(settings)); none by default.
  void set_glossary(std::shared_ptr<const Glossary> g) { glossary_ = std::move(g); }
  const std::shared_ptr<const Glossary>& glossary() const { return glossary_; }
  // Shard 0: the one that holds the archive's user metadata (every shard's queued writes done).
  Xapian::WritableDatabase& database() {
    drain_all();
    return shards_[0];
  }
  // One observer (not owned; nullptr: none).
  void set_observer(WriteObserver* o) { observer_ = o; }

 private:
  class ShardThread;
  // With several shards each shard's writes run on its own thread (ShardThread: a
  // WritableDatabase is used by one thread at a time); every other use of a shard waits until
  // that shard's queue is empty. With one shard everything runs on the caller's thread.
  bool threaded() const { return !threads_.empty(); }
  void drain(std::size_t k);
  void drain_all();
  // Runs `task` on shard k: queued on its thread, or at once with one shard.
  void run_on(std::size_t k, std::function<void()> task);
  // Threaded: reads every shard's document ids into ids_ once, so that a put finds the shard
  // holding an id without touching (and waiting for) the other shards.
  void read_ids();
  void record_display(const std::vector<std::pair<std::string, std::string>>& display);
  // The packed ordinals of a document's facet keys; new keys get the next ordinal of their field,
  // recorded on shard 0 with the document.
  std::string ordinals_of(const std::vector<std::vector<std::string>>& facet_keys);
  // The shard holding the document with this id, or nullptr (every shard is looked at: a
  // document whose group changed moves between shards).
  Xapian::WritableDatabase* shard_holding(const std::string& id_term, Xapian::docid& did);
  std::vector<Xapian::WritableDatabase> shards_;
  Xapian::WritableDatabase db_;  // shards_[0] (a second handle on the same database)
  std::map<std::string, bool>
      display_traditional_;        // facet display keys seen: is the stored form Traditional?
  std::set<std::string> touched_;  // translation groups changed since the last commit
  CommitHook hook_;
  bool atomic_ = false;
  std::shared_ptr<const Glossary> glossary_;  // inside a Xapian transaction opened by begin_atomic()
  WriteObserver* observer_ = nullptr;
  std::vector<std::unique_ptr<ShardThread>> threads_;  // one per shard when there are several
  std::unordered_map<std::string, std::size_t> ids_;   // threaded: document id -> its shard
  bool ids_read_ = false;
  std::unordered_map<std::string, std::uint32_t> ordinals_;  // facet ordinal metadata key -> ordinal
  std::vector<std::uint32_t> next_ordinal_;                  // per facet field; empty until read
};

}  // namespace tongwen
