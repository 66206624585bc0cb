// Every converter: the first input byte picks a file-name hint (an extension each converter
// claims, or none, so that sniffing decides), the rest are the file's bytes. The answer must be
// documents whose text is well-formed UTF-8 and that round-trip through the stored form, or a
// tongwen Error. `fuzz_convert --make-seeds OUT FILE...` writes FILE's bytes behind the byte of its
// extension, so that seeds reach the converter they were written for (scripts/fuzz uses it).
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "tongwen/converter.h"
#include "tongwen/text.h"

using namespace tongwen;

namespace {

// Every extension of every registered converter, then "" (no extension: sniffing only) and "bin".
const std::vector<std::string>& hints() {
  static const std::vector<std::string> h = [] {
    std::vector<std::string> v;
    for (const auto& c : ConverterRegistry::standard().all())
      for (auto e : c->extensions()) v.emplace_back(e);
    v.emplace_back("");
    v.emplace_back("bin");
    return v;
  }();
  return h;
}

std::string path_for(std::uint8_t hint) {
  const std::string& ext = hints()[hint % hints().size()];
  // A folder that does not exist: no sidecar, no include, no TEI corpus root is read from disk.
  return ext.empty() ? "/nonexistent-fuzz/input" : "/nonexistent-fuzz/input." + ext;
}

void check(const Document& d) {
  fuzz::require(text::is_valid_utf8(d.id) && text::is_valid_utf8(d.title), "id and title are UTF-8");
  fuzz::require(!d.id.empty(), "every document has an id");
  for (const auto& p : d.paragraphs) fuzz::require(text::is_valid_utf8(p.text), "paragraph text is UTF-8");
  fuzz::require(unserialise(serialise(d)) == d, "the document round-trips through serialise");
}

// Seeds: FILE's bytes behind the hint byte of its extension (the longest claimed ending).
int make_seeds(int argc, char** argv) {
  const std::filesystem::path out = argv[2];
  std::filesystem::create_directories(out);
  for (int i = 3; i < argc; ++i) {
    std::string name = std::filesystem::path(argv[i]).filename().string();
    std::size_t best = hints().size() - 2, best_len = 0;  // "" when nothing matches
    for (std::size_t h = 0; h < hints().size(); ++h) {
      const std::string& e = hints()[h];
      if (!e.empty() && e.size() > best_len && name.size() > e.size() &&
          name.compare(name.size() - e.size(), e.size(), e) == 0 && name[name.size() - e.size() - 1] == '.') {
        best = h;
        best_len = e.size();
      }
    }
    std::ifstream in(argv[i], std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream o(out / name, std::ios::binary);
    o.put(static_cast<char>(best));
    o << bytes;
  }
  return 0;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  if (*argc >= 3 && std::string_view((*argv)[1]) == "--make-seeds") std::exit(make_seeds(*argc, *argv));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  ConvertOptions options;
  options.use_sidecar = false;
  // Smaller than the defaults so that an honest bomb is refused before libFuzzer's RSS limit.
  options.limits.max_unzipped_bytes = 32ull << 20;
  options.limits.timeout_seconds = 10;
  const std::string path = path_for(data[0]);
  fuzz::tongwen_errors_only([&] {
    ConvertResult r = convert_bytes(path, fuzz::as_view(data + 1, size - 1), options);
    fuzz::require(!r.documents.empty(), "a conversion without an error gives documents");
    for (const auto& d : r.documents) check(d);
  });
  return 0;
}
