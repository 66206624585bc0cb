// In-process conversion throughput: for each file, convert_file() repeated for at least
// --seconds (default 1) after one warm-up, so that process start-up and small-file noise do not
// hide the converter's own speed. JSON Lines and other streaming formats go through
// convert_file_each(), as a bulk load does. Prints one tab-separated line per file:
// format, bytes, conversions, ms per conversion, MB/s (10^6 bytes of input per second).
//
// Usage: bench_convert [--seconds S] FILE...
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <Poco/File.h>

#include "tongwen/converter.h"
#include "tongwen/errors.h"

using namespace tongwen;
using Clock = std::chrono::steady_clock;

namespace {

std::string convert_once(const std::string& path) {
  ConvertResult r = convert_file_each(path, ConvertOptions{}, "", [](Document&&) {});
  return r.format;
}

}  // namespace

int main(int argc, char** argv) {
  double min_seconds = 1.0;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--seconds" && i + 1 < argc)
      min_seconds = std::atof(argv[++i]);
    else
      files.push_back(a);
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: bench_convert [--seconds S] FILE...\n");
    return 2;
  }
  for (const auto& f : files) {
    auto bytes = static_cast<double>(Poco::File(f).getSize());
    std::string format;
    try {
      format = convert_once(f);  // warm-up (registry, ICU converters, page cache)
    } catch (const std::exception& e) {
      std::printf("(error)\t%.0f\t0\t-\t-\t%s\t%s\n", bytes, f.c_str(), e.what());
      continue;
    }
    std::size_t n = 0;
    auto start = Clock::now();
    double elapsed = 0;
    do {
      convert_once(f);
      ++n;
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < min_seconds || n < 3);
    double per = elapsed / static_cast<double>(n);
    std::printf("%s\t%.0f\t%zu\t%.3f\t%.2f\t%s\n", format.c_str(), bytes, n, per * 1000, bytes / 1e6 / per,
                f.c_str());
    std::fflush(stdout);
  }
  return 0;
}
