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

#include "tongwen/config.h"
#include "tongwen/errors.h"
#include "tongwen/terms.h"

namespace tongwen {

struct DbHandle {
  Xapian::Database db;
  terms::QueryTerms qt;  // owns a stemmer: one per handle, never shared between threads
  std::chrono::steady_clock::time_point checked;
};

class DatabasePool {
 public:
  // Opens (creating an empty index if the folder does not exist) and checks the schema version.
  DatabasePool(const std::string& dir, double reopen_seconds);

  // Runs f(DbHandle&) on a borrowed handle and returns its result.
  template <class F>
  auto with(F&& f) {
    for (int attempt = 0;; ++attempt) {
      auto h = acquire();
      try {
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
        if (attempt >= 3)
          throw EnvironmentError("index_busy", "the index changed too often during the read; try again");
        h->db.reopen();
        h->checked = std::chrono::steady_clock::now();
        release(std::move(h));
      } catch (const Xapian::Error& e) {
        throw EnvironmentError("index", "index error: " + e.get_description());
      }
    }
  }

  const std::string& dir() const { return dir_; }

 private:
  std::unique_ptr<DbHandle> open();
  std::unique_ptr<DbHandle> acquire();
  void release(std::unique_ptr<DbHandle> h);

  std::string dir_;
  std::chrono::duration<double> reopen_every_;
  std::mutex mu_;
  std::vector<std::unique_ptr<DbHandle>> idle_;
};

}  // namespace tongwen
