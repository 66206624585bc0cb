#include "db_pool.h"

#include <Poco/File.h>

#include <algorithm>
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
  for (const auto& loc : locations_) {
    std::string host;
    int port = 0;
    remote_.push_back(parse_tcp_shard(loc, host, port));
    contexts_.push_back(remote_.back() ? "remote:tcp(" + host + ":" + std::to_string(port) + ")" : "");
  }
  down_.resize(locations_.size());
  release(open());
  if (std::find(remote_.begin(), remote_.end(), true) != remote_.end())
    prober_ = std::thread([this] { probe_loop(); });
}

DatabasePool::~DatabasePool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  probe_cv_.notify_all();
  if (prober_.joinable()) prober_.join();
}

void DatabasePool::probe_loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    probe_cv_.wait_for(lock, kShardRetry, [this] { return stopping_; });
    if (stopping_) return;
    std::vector<std::size_t> down;
    for (std::size_t i = 0; i < down_.size(); ++i)
      if (down_[i]) down.push_back(i);
    if (down.empty()) continue;
    lock.unlock();
    // Sequentially: a silent shard holds up the others' retry by the timeout at most.
    std::vector<std::size_t> up;
    for (std::size_t i : down) {
      try {
        stored::open_shard(locations_[i], shard_timeout_ms_);
        up.push_back(i);
      } catch (const Xapian::Error&) {
      }
    }
    lock.lock();
    for (std::size_t i : up) down_[i] = false;
  }
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
  return !down_[i];
}

void DatabasePool::mark_shard(std::size_t i, bool up) {
  std::lock_guard<std::mutex> lock(mu_);
  down_[i] = !up;
}

bool DatabasePool::retry_due(const DbHandle& h) {
  std::lock_guard<std::mutex> lock(mu_);
  for (std::size_t i : h.missing_at)
    if (!down_[i]) return true;
  return false;
}

void DatabasePool::shard_failed(const std::string& context) {
  std::lock_guard<std::mutex> lock(mu_);
  for (std::size_t i = 0; i < contexts_.size(); ++i)
    if (remote_[i] && context == contexts_[i]) down_[i] = true;
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
