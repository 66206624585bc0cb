#include "db_pool.h"

#include <Poco/File.h>

#include <future>
#include <optional>
#include <thread>

#include "tongwen/schema.h"

namespace tongwen {

using Clock = std::chrono::steady_clock;

DatabasePool::DatabasePool(const std::string& dir, const Settings& settings)
    : dir_(dir),
      shard_timeout_ms_(settings.index.shard_timeout_ms),
      require_all_(settings.index.require_all_shards),
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
  for (const auto& loc : locations_) remote_.push_back(loc.rfind("tcp://", 0) == 0);
  health_.resize(locations_.size());
  release(open());
}

void DatabasePool::backoff(int attempt) {
  // 1, 2, 4, ... ms: a writer's commit takes milliseconds; eight attempts span about a quarter second.
  std::this_thread::sleep_for(std::chrono::milliseconds(1 << (attempt - 1)));
}

std::unique_ptr<DbHandle> DatabasePool::open() {
  auto h = std::make_unique<DbHandle>();
  const std::size_t n = locations_.size();
  // Remote shards connect in parallel: several down or silent ones cost one timeout, not several.
  std::vector<std::optional<std::future<Xapian::Database>>> pending(n);
  for (std::size_t i = 0; i < n; ++i)
    if (remote_[i] && try_shard(i))
      pending[i] = std::async(std::launch::async, [this, i] {
        Xapian::Database one = stored::open_shard(locations_[i], shard_timeout_ms_);
        schema::check_version(one, locations_[i]);
        return one;
      });
  std::vector<Xapian::Database> shards;
  h->shards.total = n;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& loc = locations_[i];
    if (remote_[i]) {
      std::optional<Xapian::Database> one;
      if (pending[i]) {
        try {
          one = pending[i]->get();
        } catch (const Xapian::Error&) {
          // down, refusing, silent past the timeout, or not a xapian-tcpsrv: missing
        }
        mark_shard(i, one.has_value());
      }
      if (one) {
        shards.push_back(std::move(*one));
      } else {
        h->shards.missing.push_back(loc);
        h->missing_at.push_back(i);
      }
      continue;
    }
    Xapian::Database one;
    try {
      one = stored::open_shard(loc, shard_timeout_ms_);
    } catch (const Xapian::DatabaseModifiedError&) {
      throw;  // a commit raced the open: with() retries
    } catch (const Xapian::DatabaseCorruptError&) {
      throw;
    } catch (const Xapian::Error& e) {
      throw EnvironmentError("index", "cannot open " + std::string(n == 1 ? "index " : "shard ") + loc +
                                          ": " + e.get_description());
    }
    schema::check_version(one, loc);
    shards.push_back(std::move(one));
  }
  h->archive =
      shards.size() == 1 ? stored::Archive(std::move(shards[0])) : stored::Archive(std::move(shards));
  h->db = h->archive.db();
  for (bool r : remote_) h->remote = h->remote || r;
  h->checked = Clock::now();
  return h;
}

void DatabasePool::refuse_partial(std::unique_ptr<DbHandle> h) {
  std::string names;
  for (const auto& loc : h->shards.missing) names += (names.empty() ? "" : ", ") + loc;
  std::string msg = std::to_string(h->shards.missing.size()) + " of " + std::to_string(h->shards.total) +
                    " shards missing (" + names + "): not answering, and index.require_all_shards is set";
  release(std::move(h));
  throw EnvironmentError("shards_missing", msg);
}

bool DatabasePool::try_shard(std::size_t i) {
  std::lock_guard<std::mutex> lock(mu_);
  Health& s = health_[i];
  if (!s.down) return true;
  auto now = Clock::now();
  if (now < s.next_try) return false;
  s.next_try = now + kShardRetry;  // this handle tries it; the others wait for the outcome
  return true;
}

void DatabasePool::mark_shard(std::size_t i, bool up) {
  std::lock_guard<std::mutex> lock(mu_);
  health_[i].down = !up;
  if (!up) health_[i].next_try = Clock::now() + kShardRetry;
}

bool DatabasePool::retry_due(const DbHandle& h) {
  std::lock_guard<std::mutex> lock(mu_);
  auto now = Clock::now();
  for (std::size_t i : h.missing_at)
    if (!health_[i].down || now >= health_[i].next_try) return true;
  return false;
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
  if (!h->missing_at.empty() && retry_due(*h)) return open();  // a missing shard may answer again
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
