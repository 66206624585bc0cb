// The server's AlignService on top of the indexer's aligner: two texts or files that are not in the
// index, aligned with the index's learned models (ArchiveModels) and the configured glossary.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>

#include "tongwen/align.h"
#include "tongwen/align_service.h"
#include "tongwen/config.h"

namespace tongwen {

class IndexAlignService final : public AlignService {
 public:
  explicit IndexAlignService(const Settings& settings);
  AlignedTexts align(const AlignInput& a, const AlignInput& b) override;

 private:
  // The archive's models, read again when the index has a newer revision (an ingest learned more).
  std::shared_ptr<const ArchiveModels> models();
  Document document(const AlignInput& in, const char* side) const;

  Settings settings_;
  std::shared_ptr<const Lexicon> glossary_;
  std::shared_ptr<const TranslationTable> dictionary_;  // align.dictionary, for pairs without a table
  std::mutex mu_;
  std::shared_ptr<const ArchiveModels> models_;
  std::string revision_;  // stored::Archive::stamp() of the models read
};

}  // namespace tongwen
