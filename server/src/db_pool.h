// A pool of Xapian database handles shared by the read-side services. Xapian::Database is not
// thread-safe, so each request borrows its own handle; handles look for new commits at most every
// server.reopen_seconds, and a read overtaken by a commit is retried on a reopened handle.
//
// Remote shards may fail: a handle opened while a remote shard is down, refuses or answers nothing
// within index.shard_timeout_ms searches the others (DbHandle::shards names the missing ones), and
// a read that meets a Xapian::NetworkError is retried on a handle whose shards are all opened anew
// (reopen() does not cure a broken connection), without the shard the error names. A shard found
// down is left out of new handles without trying it: the pool's prober thread tries it every
// kShardRetry, and once it answers, every handle missing it is opened anew when next borrowed (so
// no search waits for a retry of a shard that is still silent).
#pragma once

#include <xapian.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "tongwen/commit_gate.h"
#include "tongwen/config.h"
#include "tongwen/errors.h"
#include "tongwen/index_reader.h"
#include "tongwen/search.h"
#include "tongwen/terms.h"

namespace tongwen {

struct DbHandle {
  stored::Archive archive;  // every shard, for user metadata (archive.metadata())
  Xapian::Database db;      // archive.db(): the shards searched as one
  // Some shard is a xapian-tcpsrv, which knows only Xapian's built-in match spies: facets are
  // counted here over the matches instead of by a FacetSpy inside the match.
  bool remote = false;
  terms::QueryTerms qt;  // owns a stemmer: one per handle, never shared between threads
  std::chrono::steady_clock::time_point checked;
  ShardStatus shards;                   // which of the pool's shards this handle searches
  std::vector<std::size_t> missing_at;  // the missing ones' positions in DatabasePool::shards()
};

class DatabasePool {
 public:
  // Opens (creating an empty index if the folder does not exist and no index.shards are set) and
  // checks the schema version of every shard. The shards are index.shards, else those recorded in
  // the index at `dir` (stored::shard_locations), read once here. Reads server.reopen_seconds and,
  // for its error message, search.max_wildcard_terms.
  DatabasePool(const std::string& dir, const Settings& settings);
  ~DatabasePool();
  DatabasePool(const DatabasePool&) = delete;
  DatabasePool& operator=(const DatabasePool&) = delete;

  // Runs f(DbHandle&) on a borrowed handle and returns its result. A read overtaken by commits
  // (Xapian::DatabaseModifiedError, or a block already reused by a later revision, which Xapian
  // can report as DatabaseCorruptError) is retried on a freshly opened handle: readers never see
  // an error for a commit they raced. Only a fault that persists on a fresh handle is reported. A
  // wildcard over the query's max expansion (Xapian::WildcardError) is the query's fault, not the
  // index's: UserError("query_too_complex") naming search.max_wildcard_terms.
  //
  // A handle missing a shard answers as it is (partial) unless index.require_all_shards is set:
  // then EnvironmentError("shards_missing") naming them, except with `partial_ok` (/healthz, which
  // reports the shards instead).
  template <class F>
  auto with(F&& f, bool partial_ok = false) {
    bool fresh = false;  // the last attempt met a network error: open every shard anew
    for (int attempt = 1;; ++attempt) {
      // After a lost race, hold commits of this process back until this attempt is done.
      ReadHold hold;
      if (attempt > 1 && !fresh) hold.acquire();
      try {
        auto h = fresh ? open() : acquire(attempt > 1);
        fresh = false;
        if (!partial_ok && require_all_ && h->shards.partial()) refuse_partial(std::move(h));
        if constexpr (std::is_void_v<decltype(f(*h))>) {
          f(*h);
          release(std::move(h));
          return;
        } else {
          auto r = f(*h);
          release(std::move(h));
          return r;
        }
      } catch (const Xapian::DatabaseModifiedError&) {
        if (attempt >= kMaxAttempts)
          throw EnvironmentError("index_busy", "the index changed too often during the read; try again");
      } catch (const Xapian::DatabaseCorruptError& e) {
        if (attempt >= kMaxAttempts)
          throw EnvironmentError("index", "index " + dir_ + " is corrupt: " + e.get_description());
      } catch (const Xapian::WildcardError& e) {
        throw UserError("query_too_complex", "a wildcard matches more than search.max_wildcard_terms (" +
                                                 std::to_string(max_wildcard_terms_) +
                                                 ") words: " + e.get_msg());
      } catch (const Xapian::NetworkError& e) {
        // A remote shard broke off, refused or timed out during the read: the next attempt opens
        // the shards anew and leaves out those that still do not answer.
        if (attempt >= kMaxNetworkAttempts)
          throw EnvironmentError("index", "index error: " + e.get_description());
        shard_failed(e.get_context());
        fresh = true;
        continue;
      } catch (const Xapian::Error& e) {
        throw EnvironmentError("index", "index error: " + e.get_description());
      }
      // The handle is dropped: the next attempt opens the newest revision.
      hold.release();
      backoff(attempt);
    }
  }

  // How often the prober tries a remote shard found down.
  static constexpr std::chrono::milliseconds kShardRetry{1000};

  const std::string& dir() const { return dir_; }
  const std::vector<std::string>& shards() const { return locations_; }

 private:
  static constexpr int kMaxAttempts = 8;
  // Each network failure leaves one more shard out; a few in a row mean something else is wrong.
  static constexpr int kMaxNetworkAttempts = 4;
  static void backoff(int attempt);
  // A handle over every shard that answers (local shards must; remote ones may be missing).
  std::unique_ptr<DbHandle> open();
  [[noreturn]] void refuse_partial(std::unique_ptr<DbHandle> h);
  // Shard health, shared by the handles (under mu_). try_shard: whether open() should try remote
  // shard i (not when it is down: the prober does); retry_due: whether some shard `h` misses
  // answers again; shard_failed: marks down the shard a NetworkError's context names
  // ("remote:tcp(HOST:PORT)").
  bool try_shard(std::size_t i);
  void mark_shard(std::size_t i, bool up);
  bool retry_due(const DbHandle& h);
  void shard_failed(const std::string& context);
  void probe_loop();
  // A handle of this pool; `latest` reopens it at the newest revision whatever its age.
  std::unique_ptr<DbHandle> acquire(bool latest);
  void release(std::unique_ptr<DbHandle> h);

  std::string dir_;
  std::vector<std::string> locations_;
  std::vector<bool> remote_;           // per location: tcp://
  std::vector<std::string> contexts_;  // per remote location: its NetworkError context
  std::vector<bool> down_;
  bool stopping_ = false;
  std::condition_variable probe_cv_;
  std::thread prober_;  // only when some shard is remote
  int shard_timeout_ms_;
  bool require_all_;
  std::chrono::duration<double> reopen_every_;
  int max_wildcard_terms_;
  std::mutex mu_;
  std::vector<std::unique_ptr<DbHandle>> idle_;
};

}  // namespace tongwen
