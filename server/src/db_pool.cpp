#include "db_pool.h"

#include <Poco/File.h>

#include <thread>

#include "tongwen/schema.h"

namespace tongwen {

using Clock = std::chrono::steady_clock;

DatabasePool::DatabasePool(const std::string& dir, const Settings& settings)
    : dir_(dir),
      shard_timeout_ms_(settings.index.shard_timeout_ms),
      reopen_every_(settings.server.reopen_seconds),
      max_wildcard_terms_(settings.search.max_wildcard_terms) {
  if (settings.index.shards.empty() && !Poco::File(dir_).exists()) {
    // An empty index, so that a fresh server answers (with nothing) and accepts uploads.
    try {
      Poco::File(dir_).createDirectories();
      Xapian::WritableDatabase w(dir_, Xapian::DB_CREATE_OR_OPEN);
      schema::stamp_version(w);
      w.commit();
    } catch (const Xapian::DatabaseLockError&) {
      // another process is creating it right now
    } catch (const Xapian::Error& e) {
      throw EnvironmentError("index", "cannot create index " + dir_ + ": " + e.get_description());
    }
  }
  locations_ = stored::shard_locations(dir_, settings);
  release(open());
}

void DatabasePool::backoff(int attempt) {
  // 1, 2, 4, ... ms: a writer's commit takes milliseconds; eight attempts span about a quarter second.
  std::this_thread::sleep_for(std::chrono::milliseconds(1 << (attempt - 1)));
}

std::unique_ptr<DbHandle> DatabasePool::open() {
  auto h = std::make_unique<DbHandle>();
  std::vector<Xapian::Database> shards;
  for (const auto& loc : locations_) {
    Xapian::Database one;
    try {
      one = stored::open_shard(loc, shard_timeout_ms_);
    } catch (const Xapian::DatabaseModifiedError&) {
      throw;  // a commit raced the open: with() retries
    } catch (const Xapian::DatabaseCorruptError&) {
      throw;
    } catch (const Xapian::Error& e) {
      throw EnvironmentError("index", "cannot open " +
                                          std::string(locations_.size() == 1 ? "index " : "shard ") + loc +
                                          ": " + e.get_description());
    }
    schema::check_version(one, loc);
    shards.push_back(std::move(one));
  }
  h->archive =
      shards.size() == 1 ? stored::Archive(std::move(shards[0])) : stored::Archive(std::move(shards));
  h->db = h->archive.db();
  for (const auto& loc : locations_) h->remote = h->remote || loc.rfind("tcp://", 0) == 0;
  h->checked = Clock::now();
  return h;
}

std::unique_ptr<DbHandle> DatabasePool::acquire(bool latest) {
  std::unique_ptr<DbHandle> h;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      h = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!h) return open();
  if (latest || Clock::now() - h->checked >= reopen_every_) {
    try {
      h->db.reopen();
    } catch (const Xapian::Error&) {
      return open();
    }
    h->checked = Clock::now();
  }
  return h;
}

void DatabasePool::release(std::unique_ptr<DbHandle> h) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(h));
}

}  // namespace tongwen
