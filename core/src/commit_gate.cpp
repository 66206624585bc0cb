#include "tongwen/commit_gate.h"

namespace tongwen {

std::shared_mutex& commit_gate() {
  static std::shared_mutex gate;
  return gate;
}

namespace {
thread_local int reads_held = 0;  // holds of this thread: only the outermost locks the gate
}

void ReadHold::acquire() {
  if (held_) return;
  if (reads_held++ == 0) commit_gate().lock_shared();
  held_ = true;
}

void ReadHold::release() {
  if (!held_) return;
  if (--reads_held == 0) commit_gate().unlock_shared();
  held_ = false;
}

}  // namespace tongwen
