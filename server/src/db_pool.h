// A pool of Xapian database handles shared by the read-side services. Xapian::Database is not
// thread-safe, so each request borrows its own handle; handles look for new commits at most every
// server.reopen_seconds, and a read overtaken by a commit is retried on a reopened handle.
#pragma once

#include <xapian.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include "tongwen/commit_gate.h"
#include "tongwen/config.h"
#include "tongwen/errors.h"
#include "tongwen/index_reader.h"
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
};

class DatabasePool {
 public:
  // Opens (creating an empty index if the folder does not exist and no index.shards are set) and
  // checks the schema version of every shard. The shards are index.shards, else those recorded in
  // the index at `dir` (stored::shard_locations), read once here. Reads server.reopen_seconds and,
  // for its error message, search.max_wildcard_terms.
  DatabasePool(const std::string& dir, const Settings& settings);

  // Runs f(DbHandle&) on a borrowed handle and returns its result. A read overtaken by commits
  // (Xapian::DatabaseModifiedError, or a block already reused by a later revision, which Xapian
  // can report as DatabaseCorruptError) is retried on a freshly opened handle: readers never see
  // an error for a commit they raced. Only a fault that persists on a fresh handle is reported. A
  // wildcard over the query's max expansion (Xapian::WildcardError) is the query's fault, not the
  // index's: UserError("query_too_complex") naming search.max_wildcard_terms.
  template <class F>
  auto with(F&& f) {
    for (int attempt = 1;; ++attempt) {
      // After a lost race, hold commits of this process back until this attempt is done.
      ReadHold hold;
      if (attempt > 1) hold.acquire();
      try {
        auto h = acquire(attempt > 1);
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
      } catch (const Xapian::Error& e) {
        throw EnvironmentError("index", "index error: " + e.get_description());
      }
      // The handle is dropped: the next attempt opens the newest revision.
      hold.release();
      backoff(attempt);
    }
  }

  const std::string& dir() const { return dir_; }
  const std::vector<std::string>& shards() const { return locations_; }

 private:
  static constexpr int kMaxAttempts = 8;
  static void backoff(int attempt);
  std::unique_ptr<DbHandle> open();
  // A handle of this pool; `latest` reopens it at the newest revision whatever its age.
  std::unique_ptr<DbHandle> acquire(bool latest);
  void release(std::unique_ptr<DbHandle> h);

  std::string dir_;
  std::vector<std::string> locations_;
  int shard_timeout_ms_;
  std::chrono::duration<double> reopen_every_;
  int max_wildcard_terms_;
  std::mutex mu_;
  std::vector<std::unique_ptr<DbHandle>> idle_;
};

}  // namespace tongwen
