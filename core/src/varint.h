// The stored binary forms' codec (documents in model.cpp, alignments in alignment.cpp): LEB128
// varints, length-prefixed strings, zigzag for signed deltas. Private to core.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tongwen/errors.h"

namespace tongwen::binary {

inline void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

inline void put_str(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

inline std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
inline std::int64_t unzigzag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

// Reads what put_* wrote; any overrun is EnvironmentError("corrupt_index", "<what> is truncated
// or corrupt") (stored data that does not read is a damaged index, whatever holds it).
class Reader {
 public:
  Reader(std::string_view data, const char* what) : d_(data), what_(what) {}
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (i_ >= d_.size()) fail();
      auto b = static_cast<unsigned char>(d_[i_++]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    fail();
  }
  // A count of items that each take at least one byte: bounded by what is left.
  std::size_t count() {
    auto n = varint();
    if (n > d_.size() - i_) fail();
    return static_cast<std::size_t>(n);
  }
  std::string str() {
    auto n = count();
    std::string s(d_.substr(i_, n));
    i_ += n;
    return s;
  }
  unsigned char byte() {
    if (i_ >= d_.size()) fail();
    return static_cast<unsigned char>(d_[i_++]);
  }
  bool done() const { return i_ == d_.size(); }
  [[noreturn]] void fail() const {
    throw EnvironmentError("corrupt_index", std::string(what_) + " is truncated or corrupt");
  }

 private:
  std::string_view d_;
  const char* what_;
  std::size_t i_ = 0;
};

}  // namespace tongwen::binary
