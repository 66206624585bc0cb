// Converters: one small interface ("bytes + hint -> documents, or a classified failure"), a
// registry keyed by format name, and one entry point that adds what every format shares
// (STYLE practice 5).
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tongwen/config.h"
#include "tongwen/model.h"

namespace tongwen {

// Bounds on risky inputs (from Settings::Convert).
struct ConvertLimits {
  std::uint64_t max_file_bytes = 100ull << 20;
  std::uint64_t max_unzipped_bytes = 256ull << 20;
  int max_xml_depth = 256;
  int timeout_seconds = 60;
  // Memory of a converter worker (convert.worker_memory_mb); 0 converts isolated formats in the
  // calling process (tongwen/convert_worker.h).
  std::uint64_t worker_memory_mb = 1024;

  static ConvertLimits from(const Settings& s);
};

struct ConvertInput {
  std::string path;               // shown in errors; used for ids and naming conventions
  std::string_view bytes;         // the whole file
  std::string declared_encoding;  // from a manifest or the caller; "" = detect
  ConvertLimits limits;
};

class Converter {
 public:
  virtual ~Converter() = default;
  // Stable format name ("text", "ted-xml", "html", ...), recorded as Source::format.
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;
  // File name endings this converter claims (lowercase, without the dot; "meta.json" style allowed).
  virtual std::vector<std::string_view> extensions() const = 0;
  // How sure the converter is that these bytes are its format, 0-100. Called with the first
  // 4 KiB when the extension is shared (.xml) or unknown.
  virtual int sniff(std::string_view path, std::string_view head) const = 0;
  // Bumped when the converter's output changes, so that unchanged files are converted again.
  virtual int version() const { return 1; }
  // True for formats parsed by third-party code from untrusted binary input (PDF, DOCX): they run
  // in a converter worker when the program enabled workers (tongwen/convert_worker.h).
  virtual bool isolated() const { return false; }
  // One file -> one or more documents. Throws ConvertError naming the file and the problem.
  // Fills what the format carries; convert() below completes the rest.
  virtual std::vector<Document> convert(const ConvertInput& in) const = 0;

  // Formats that hold many documents per file (JSON Lines) also read a stream, handing out one
  // document at a time, so that a load never holds a whole large file in memory. A bad record
  // throws ConvertError naming the file and line; `emit` may throw to stop.
  virtual bool streams() const { return false; }
  virtual void convert_stream(const std::string& path, std::istream& in, const ConvertLimits& limits,
                              const std::function<void(Document&&)>& emit) const;
};

class ConverterRegistry {
 public:
  // Every built-in converter.
  static const ConverterRegistry& standard();

  void add(std::unique_ptr<Converter> c);
  const Converter* find(std::string_view name) const;
  // The converter for a file: by name when `format` is given, else by extension, then by sniffing.
  // Throws ConvertError(path, "unsupported", ...).
  const Converter& choose(const std::string& path, std::string_view head, std::string_view format = {}) const;
  const std::vector<std::unique_ptr<Converter>>& all() const { return converters_; }

 private:
  std::vector<std::unique_ptr<Converter>> converters_;
};

// Metadata that a CSV manifest row or a sidecar NAME.meta.json supplies or overrides.
// Keys are model fields: id, title, speakers, topics, event, session, date, lang, type,
// translation-of (or translation_of), translation-group, description. Lists are separated by ';'.
using MetadataOverrides = std::map<std::string, std::string>;

struct ConvertOptions {
  std::string format;  // force a converter
  std::string declared_encoding;
  MetadataOverrides overrides;
  bool use_sidecar = true;  // read NAME.meta.json next to the file when present
  ConvertLimits limits;
};

struct ConvertResult {
  std::vector<Document> documents;
  std::string format;
  int converter_version = 0;
};

// The whole conversion of one file: choose the converter, convert, then complete every document:
// source (path, format, sha256, size, encoding), language from the script of its text where the
// format gave none (and per paragraph where it differs), id where missing (format id, else file
// stem + hash of the path), translation group (declared, else from NAME.<lang>.ext naming, else
// the original's id), sidecar and manifest overrides, and validation (a document needs a title or
// text). Throws ConvertError.
ConvertResult convert_file(const std::string& path, const ConvertOptions& options);
ConvertResult convert_bytes(const std::string& path, std::string_view bytes, const ConvertOptions& options);

// The same as convert_file, one document at a time: streaming formats are read incrementally,
// the others whole. Every emitted document is completed as convert_file completes them; `sha256`
// of the whole file is passed in by the caller (it has usually hashed the file already) or
// computed when empty. Returns the format and converter version.
ConvertResult convert_file_each(const std::string& path, const ConvertOptions& options,
                                const std::string& sha256, const std::function<void(Document&&)>& emit);

// The same over bytes in memory (an upload): a streaming format is read from them one document
// at a time, completed as one of several documents (as convert_file_each does); the others are
// converted whole (convert_bytes) and then emitted.
ConvertResult convert_bytes_each(const std::string& path, std::string_view bytes,
                                 const ConvertOptions& options, const std::function<void(Document&&)>& emit);

// Applies overrides to a document; throws ConvertError(path, "bad_metadata", ...) on an unknown key.
void apply_overrides(Document& doc, const MetadataOverrides& overrides, const std::string& path);

// Known metadata keys (for manifests and headers).
const std::vector<std::string>& metadata_keys();

}  // namespace tongwen
