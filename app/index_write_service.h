// The server's WriteService on top of the indexer: an upload goes through the same conversion
// and index-writing path as `tongwen ingest`.
#pragma once

#include <mutex>
#include <optional>

#include "tongwen/config.h"
#include "tongwen/converter.h"
#include "tongwen/glossary.h"
#include "tongwen/write_service.h"

namespace tongwen {

// Each write converts first (a bad file changes nothing and never waits for the lock), then opens
// the index for writing, waiting up to server.write_wait_seconds for a bulk load's lock
// (EnvironmentError "locked" after that: the HTTP layer answers 503 + Retry-After), applies every
// document and commits once: an upload is applied whole or not at all. A streaming format (JSON
// Lines) of several documents is converted twice instead of held: once to check every row before
// the lock, keeping only the first ids, then again under the lock, analysed and written
// kUploadBatch documents at a time inside the one transaction (a million rows, 51 MB, peaked at
// 3.3 GB when its documents and their analyses were held whole).
class IndexWriteService final : public WriteService {
 public:
  explicit IndexWriteService(const Settings& settings)
      : settings_(settings), glossary_(Glossary::configured(settings)) {}
  // outcome: "added" (no document had its id), "updated", or "unchanged" (every document is
  // stored exactly so already: nothing is written).
  UploadResult add(const Upload& upload) override;
  bool remove(const std::string& id) override;
  UndoOutcome undo(const std::string& load_id, bool force) override;
  static constexpr std::size_t kUploadBatch = 1000;

 private:
  // The streamed path; nullopt when the upload holds fewer than two documents (or fails within
  // them), which the whole path converts (one document takes the form's metadata).
  std::optional<UploadResult> add_streamed(const Upload& upload, const std::string& path,
                                           const ConvertOptions& opt);
  std::size_t keep_loads() const { return static_cast<std::size_t>(settings_.archive.keep_loads); }
  Settings settings_;
  std::shared_ptr<const Glossary> glossary_;
  std::mutex mu_;  // one writer at a time inside this process
};

}  // namespace tongwen
