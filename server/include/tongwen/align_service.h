// What the HTTP layer needs to align two texts that are not in the index (POST /api/align). The
// server defines it and the application supplies an implementation from the indexer's aligner,
// so the server never depends on converters or the indexer (core <- server), as with WriteService.
#pragma once

#include <string>

#include "tongwen/alignment.h"
#include "tongwen/model.h"

namespace tongwen {

// One side: a text (paragraphs between blank lines) or an uploaded file (converted by its name).
struct AlignInput {
  std::string text;
  std::string lang;      // BCP 47; empty: detected
  std::string filename;  // set for a file: picks the converter
  std::string bytes;     // the file's bytes
  bool is_file() const { return !filename.empty(); }
};

struct AlignedTexts {
  Document source, target;
  Alignment alignment;
  std::string lexicon;  // "archive (N pairs)" or "glossary only"
};

class AlignService {
 public:
  virtual ~AlignService() = default;
  // Aligns a (source) with b (target), with the archive's models when the index has them and the
  // glossary. Writes nothing. Throws UserError for input that is not text (ConvertError for a file
  // the converters refuse, "bad_parameter" for an empty side).
  virtual AlignedTexts align(const AlignInput& a, const AlignInput& b) = 0;
};

}  // namespace tongwen
