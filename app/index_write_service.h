// The server's WriteService on top of the indexer: an upload goes through the same conversion
// and index-writing path as `tongwen ingest`.
#pragma once

#include <mutex>

#include "tongwen/config.h"
#include "tongwen/glossary.h"
#include "tongwen/write_service.h"

namespace tongwen {

// Each write converts first (a bad file changes nothing and never waits for the lock), then opens
// the index for writing, waiting up to server.write_wait_seconds for a bulk load's lock
// (EnvironmentError "locked" after that: the HTTP layer answers 503 + Retry-After), applies every
// document and commits once: an upload is applied whole or not at all.
class IndexWriteService final : public WriteService {
 public:
  explicit IndexWriteService(const Settings& settings)
      : settings_(settings), glossary_(Glossary::configured(settings)) {}
  // outcome: "added" (no document had its id), "updated", or "unchanged" (every document is
  // stored exactly so already: nothing is written).
  UploadResult add(const Upload& upload) override;
  bool remove(const std::string& id) override;
  UndoOutcome undo(const std::string& load_id, bool force) override;

 private:
  std::size_t keep_loads() const { return static_cast<std::size_t>(settings_.archive.keep_loads); }
  Settings settings_;
  std::shared_ptr<const Glossary> glossary_;
  std::mutex mu_;  // one writer at a time inside this process
};

}  // namespace tongwen
