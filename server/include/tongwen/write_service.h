// What the HTTP layer needs to change the index. The server defines it and the application
// supplies an implementation from the indexer, so the server never depends on converters or the
// indexer (dependencies point one way: core <- server).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace tongwen {

struct Upload {
  std::string filename;  // the client's file name: picks the converter and the default id
  std::string bytes;
  std::map<std::string, std::string> metadata;  // optional fields: title, speakers, lang, ...
  std::string format;                           // force a converter
};

// An upload's answer names at most this many of its documents (a JSON Lines upload may hold a
// million: their ids made a 9.9 MB body); `count` says how many there are.
constexpr std::size_t kUploadIdsShown = 100;

struct UploadResult {
  std::vector<std::string> ids;  // the first kUploadIdsShown documents' ids, in file order
  std::size_t count = 0;         // documents in the upload
  std::string outcome;           // added | updated | unchanged
  std::string format;
  std::string load;  // the load history entry that records it ("" when unchanged)
};

struct UndoOutcome {
  std::string undone;  // the load undone
  std::string load;    // the undo's own load id
  std::size_t removed = 0, restored = 0;
};

class WriteService {
 public:
  virtual ~WriteService() = default;
  // Converts and indexes one file through the bulk loader's path. Throws ConvertError for bad
  // input (nothing changes), EnvironmentError("locked") when the index stays locked longer than
  // the configured wait.
  virtual UploadResult add(const Upload& upload) = 0;
  // False when there is no such document. Throws EnvironmentError("locked") as above.
  virtual bool remove(const std::string& id) = 0;
  // Undoes one load of the load history in one commit (`tongwen undo`). Throws
  // UserError("not_found" | "not_undoable" | "undo_conflict" unless force), EnvironmentError("locked").
  virtual UndoOutcome undo(const std::string& load_id, bool force) = 0;
};

}  // namespace tongwen
