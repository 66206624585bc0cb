// The server's WriteService on top of the indexer: an upload goes through the same conversion
// and index-writing path as `tongwen ingest`.
#pragma once

#include <mutex>

#include "tongwen/config.h"
#include "tongwen/write_service.h"

namespace tongwen {

class IndexWriteService final : public WriteService {
 public:
  explicit IndexWriteService(const Settings& settings) : settings_(settings) {}
  UploadResult add(const Upload& upload) override;
  bool remove(const std::string& id) override;

 private:
  Settings settings_;
  std::mutex mu_;  // one writer at a time inside this process
};

}  // namespace tongwen
