// How the readers and the writer of an index inside one process keep out of each other's way.
// Xapian keeps a reader's revision intact while the writer commits the next one; the commit after
// that may reuse its blocks, and the reader gets DatabaseModifiedError (or, if it reads a reused
// block first, DatabaseCorruptError). Readers retry on a fresh handle; a reader that has already
// lost a race holds the gate shared for its next attempt, and commits in this process take it
// exclusively, so that retry is sure to finish even while uploads commit back to back. A bulk load
// in another process does not see the gate; its commits are seconds apart, so retries absorb them.
#pragma once

#include <shared_mutex>

namespace tongwen {

std::shared_mutex& commit_gate();

// A reader's hold on the gate; re-entrant within a thread (a read may nest another service's read).
class ReadHold {
 public:
  ReadHold() = default;
  ~ReadHold() { release(); }
  ReadHold(const ReadHold&) = delete;
  ReadHold& operator=(const ReadHold&) = delete;
  void acquire();
  void release();

 private:
  bool held_ = false;
};

}  // namespace tongwen
