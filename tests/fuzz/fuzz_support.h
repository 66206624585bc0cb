// Shared by the libFuzzer targets: what counts as a finding, and seed-file preparation.
//
// A target calls the code under test through `tongwen_errors_only`: Tongwen's own errors (a
// classified, named failure) are the expected answer to hostile bytes and are caught; anything
// else (std::bad_alloc, std::out_of_range, a Poco or Xapian exception, a signal, a sanitizer
// report) escapes and libFuzzer records the input as a crash. `require` turns a broken property of
// a result (ill-formed UTF-8, a document that does not round-trip) into a crash too.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "tongwen/errors.h"

namespace tongwen::fuzz {

template <class F>
void tongwen_errors_only(F&& f) {
  try {
    f();
  } catch (const tongwen::Error&) {
    // a named failure: the answer hostile input should get
  }
}

inline void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz property broken: %s\n", what);
    std::abort();
  }
}

inline std::string_view as_view(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace tongwen::fuzz
