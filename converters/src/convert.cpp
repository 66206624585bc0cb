// convert_file: what every format shares after its converter has run.
#include <Poco/DigestEngine.h>
#include <Poco/File.h>
#include <Poco/MemoryStream.h>
#include <Poco/Path.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <tuple>

#include "converters.h"
#include "tongwen/convert_worker.h"
#include "tongwen/errors.h"
#include "tongwen/json.h"
#include "tongwen/text.h"
#include "tongwen/util.h"

namespace tongwen {

namespace {

std::string absolute(const std::string& path) {
  try {
    return Poco::Path(path).absolute().toString();
  } catch (const Poco::Exception&) {
    return path;
  }
}

// "talk.zh-Hant.docx" -> {"talk", "zh-Hant"}; {"", ""} when the name has no language part.
std::pair<std::string, std::string> split_lang_suffix(const std::string& name) {
  auto last = name.find_last_of('.');
  if (last == std::string::npos || last == 0) return {};
  std::string stem = name.substr(0, last);
  // Allow a double extension such as .meta.json or .tar.gz only for the extension itself.
  auto dot = stem.find_last_of('.');
  if (dot == std::string::npos || dot == 0) return {};
  std::string tag = stem.substr(dot + 1), base = stem.substr(0, dot);
  std::string lower = tag;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::pair<const char*, const char*> tags[] = {
      {"zh", "zh-Hans"},    {"zh-hans", "zh-Hans"}, {"zh-cn", "zh-Hans"}, {"zh-hant", "zh-Hant"},
      {"zh-tw", "zh-Hant"}, {"zh-hk", "zh-Hant"},   {"cn", "zh-Hans"},    {"en", "en"},
      {"eng", "en"},        {"cmn", "zh-Hans"}};
  for (const auto& [t, canonical] : tags)
    if (lower == t) return {base, canonical};
  return {};
}

std::string primary(const std::string& tag) {
  return tag.substr(0, tag.find('-'));
}

}  // namespace

const std::vector<std::string>& metadata_keys() {
  static const std::vector<std::string> k = {"id",
                                             "title",
                                             "speakers",
                                             "topics",
                                             "event",
                                             "session",
                                             "date",
                                             "lang",
                                             "type",
                                             "translation-of",
                                             "translation_of",
                                             "translation-group",
                                             "translation_group",
                                             "description",
                                             "encoding"};
  return k;
}

void apply_overrides(Document& doc, const MetadataOverrides& overrides, const std::string& path) {
  for (const auto& [key, value] : overrides) {
    if (key == "id") {
      doc.id = value;
    } else if (key == "title") {
      doc.title = value;
    } else if (key == "speakers") {
      doc.speakers.clear();
      for (auto& s : split_list(value)) {
        Speaker sp;
        // "Name (Affiliation)"
        auto open = s.find(" (");
        if (open != std::string::npos && s.back() == ')') {
          sp.name = trim(s.substr(0, open));
          sp.affiliation = trim(s.substr(open + 2, s.size() - open - 3));
        } else {
          sp.name = s;
        }
        doc.speakers.push_back(std::move(sp));
      }
    } else if (key == "topics") {
      doc.topics = split_list(value);
    } else if (key == "event") {
      doc.event = value;
    } else if (key == "session") {
      doc.session = value;
    } else if (key == "date") {
      doc.date = value;
    } else if (key == "lang") {
      doc.lang = value;
    } else if (key == "type") {
      doc.type = value;
    } else if (key == "translation-of" || key == "translation_of") {
      doc.translation_of = value;
    } else if (key == "translation-group" || key == "translation_group") {
      doc.translation_group = value;
    } else if (key == "description") {
      doc.description = value;
    } else if (key == "encoding") {
      // consumed before conversion
    } else {
      throw ConvertError(path, "bad_metadata", "unknown metadata field \"" + key + "\"");
    }
  }
}

namespace {

// Everything convert_file adds to what a converter produced, for one file.
class Completer {
 public:
  Completer(const std::string& path, const std::string& sha, std::uint64_t size,
            const ConvertOptions& options, const std::string& format)
      : path_(path), sha_(sha), size_(size), format_(format), overrides_(load_overrides(path, options)) {
    name_ = std::filesystem::path(path).filename().string();
    std::tie(naming_base_, naming_lang_) = split_lang_suffix(name_);
    abs_ = absolute(path);
    path_hash_ = sha256_hex(abs_).substr(0, 8);
  }

  // index: 0-based position of the document in its file; single: the file holds one document.
  void complete(Document& d, std::size_t index, bool single) const {
    if (single) apply_overrides(d, overrides_, path_);
    d.source.path = path_;
    d.source.format = format_;
    d.source.sha256 = sha_;
    d.source.size = size_;
    if (d.source.encoding.empty()) d.source.encoding = "UTF-8";

    // Drop empty paragraphs; a document needs some text or at least a title.
    d.paragraphs.erase(std::remove_if(d.paragraphs.begin(), d.paragraphs.end(),
                                      [](const Paragraph& p) { return trim(p.text).empty(); }),
                       d.paragraphs.end());
    if (d.paragraphs.empty() && trim(d.title).empty())
      throw ConvertError(
          path_, "no_text",
          single ? "contains no text" : "document " + std::to_string(index + 1) + " contains no text");

    bool declared_identity = !d.id.empty() || !d.translation_of.empty() || !d.translation_group.empty();
    if (d.lang.empty() && single && !naming_lang_.empty()) d.lang = naming_lang_;
    if (d.lang.empty()) {
      std::string sample = d.title;
      for (const auto& p : d.paragraphs) {
        sample += '\n';
        sample += p.text;
        if (sample.size() > 20000) break;
      }
      d.lang = text::detect_language(sample);
    }
    for (auto& p : d.paragraphs) {
      if (!p.lang.empty()) continue;
      std::string pl = text::detect_language(p.text);
      // The script tells Chinese from Latin text, not one Latin-script language from another: a
      // Slovene paragraph detects as "en", so only a change of script is recorded.
      bool chinese_doc = primary(d.lang) == "zh", chinese_para = primary(pl) == "zh";
      if (pl != "und" && chinese_doc != chinese_para && (chinese_para || pl == "en" || chinese_doc))
        p.lang = pl;
    }
    if (d.id.empty()) {
      std::string base = slugify(std::filesystem::path(name_).stem().string(), 48);
      if (base.empty()) base = "doc";
      d.id = base + "-" + path_hash_ + (single ? "" : "-" + std::to_string(index + 1));
    }
    // Ids come from headers, JSON fields, xml:id, tuid, sidecars and manifests: checked here, once.
    check_id(d.id, "id", index, single);
    check_id(d.translation_of, "translation_of", index, single);
    if (d.title.empty()) d.title = std::filesystem::path(name_).stem().string();
    if (d.translation_group.empty()) {
      if (!d.translation_of.empty())
        d.translation_group = d.translation_of;
      else if (!declared_identity && single && !naming_base_.empty())
        d.translation_group =
            slugify(naming_base_, 48) + "-" +
            sha256_hex(std::filesystem::path(abs_).parent_path().string() + "/" + naming_base_).substr(0, 8);
      else
        d.translation_group = d.id;
    }
  }

 private:
  void check_id(const std::string& id, const char* field, std::size_t index, bool single) const {
    if (id.empty()) return;
    std::string problem = id_problem(id);
    if (problem.empty()) return;
    throw ConvertError(path_, "bad_id",
                       (single ? std::string() : "document " + std::to_string(index + 1) + ": ") + field +
                           " " + quote_id(id) + " is refused: " + problem);
  }

  // Sidecar NAME.meta.json, then the caller's overrides (a manifest row) on top.
  static MetadataOverrides load_overrides(const std::string& path, const ConvertOptions& options) {
    MetadataOverrides overrides;
    if (options.use_sidecar) {
      std::string sidecar = std::filesystem::path(path).replace_extension().string() + ".meta.json";
      if (sidecar != path && Poco::File(sidecar).exists()) {
        Document meta;
        try {
          meta = document_from_json(read_file(sidecar, 1 << 20));
        } catch (const UserError& e) {
          throw ConvertError(path, "bad_metadata", "sidecar " + sidecar + ": " + e.what());
        }
        auto put = [&](const char* key, const std::string& v) {
          if (!v.empty()) overrides[key] = v;
        };
        put("id", meta.id);
        put("title", meta.title);
        put("event", meta.event);
        put("session", meta.session);
        put("date", meta.date);
        put("lang", meta.lang);
        put("type", meta.type);
        put("description", meta.description);
        put("translation-of", meta.translation_of);
        put("translation-group", meta.translation_group);
        std::string topics, speakers;
        for (const auto& x : meta.topics) topics += (topics.empty() ? "" : "; ") + x;
        for (const auto& x : meta.speakers)
          speakers += (speakers.empty() ? "" : "; ") + x.name +
                      (x.affiliation.empty() ? "" : " (" + x.affiliation + ")");
        put("topics", topics);
        put("speakers", speakers);
      }
    }
    for (const auto& [k, v] : options.overrides) overrides[k] = v;
    return overrides;
  }

  std::string path_, sha_;
  std::uint64_t size_;
  std::string format_;
  MetadataOverrides overrides_;
  std::string name_, naming_base_, naming_lang_, abs_, path_hash_;
};

void check_size(const std::string& path, std::uint64_t size, const ConvertOptions& options) {
  if (size > options.limits.max_file_bytes)
    throw ConvertError(path, "too_large",
                       "file is " + std::to_string(size) + " bytes, over the limit of " +
                           std::to_string(options.limits.max_file_bytes) + " (convert.max_file_mb)");
  if (size == 0) throw ConvertError(path, "empty", "file is empty");
}

std::string declared_from(const ConvertOptions& options) {
  auto enc = options.overrides.find("encoding");
  return enc != options.overrides.end() ? enc->second : options.declared_encoding;
}

// A whole conversion's documents handed on one at a time; the result keeps the format only.
ConvertResult emit_all(ConvertResult r, const std::function<void(Document&&)>& emit) {
  for (auto& d : r.documents) emit(std::move(d));
  r.documents.clear();
  return r;
}

// A streaming converter's documents, one at a time, each completed (as one of several) and emitted.
ConvertResult stream_each(const Converter& conv, const std::string& path, std::istream& in,
                          const std::string& sha, std::uint64_t size, const ConvertOptions& options,
                          const std::function<void(Document&&)>& emit) {
  ConvertResult result;
  result.format = std::string(conv.name());
  result.converter_version = conv.version();
  Completer completer(path, sha, size, options, result.format);
  std::size_t index = 0;
  conv.convert_stream(path, in, options.limits, [&](Document&& d) {
    completer.complete(d, index++, false);
    emit(std::move(d));
  });
  if (index == 0) throw ConvertError(path, "no_text", "contains no document");
  return result;
}

}  // namespace

void Converter::convert_stream(const std::string& path, std::istream&, const ConvertLimits&,
                               const std::function<void(Document&&)>&) const {
  throw ConvertError(path, "unsupported", "the " + std::string(name()) + " converter does not stream");
}

ConvertResult convert_file(const std::string& path, const ConvertOptions& options) {
  std::string bytes = read_file(path, options.limits.max_file_bytes);
  return convert_bytes(path, bytes, options);
}

ConvertResult convert_bytes(const std::string& path, std::string_view bytes, const ConvertOptions& options) {
  check_size(path, bytes.size(), options);
  const Converter& conv = ConverterRegistry::standard().choose(
      path, bytes.substr(0, std::min<std::size_t>(bytes.size(), 4096)), options.format);
  ConvertInput in{path, bytes, declared_from(options), options.limits};

  ConvertResult result;
  result.format = std::string(conv.name());
  result.converter_version = conv.version();
  const bool in_worker = conv.isolated() && in.limits.worker_memory_mb > 0 && worker::enabled();
  result.documents = in_worker ? worker::convert(conv, in) : conv.convert(in);
  if (result.documents.empty()) throw ConvertError(path, "no_text", "contains no document");
  Completer completer(path, sha256_hex(bytes), bytes.size(), options, result.format);
  bool single = result.documents.size() == 1;
  for (std::size_t i = 0; i < result.documents.size(); ++i)
    completer.complete(result.documents[i], i, single);
  return result;
}

ConvertResult convert_file_each(const std::string& path, const ConvertOptions& options,
                                const std::string& sha256, const std::function<void(Document&&)>& emit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw EnvironmentError("io", path + ": cannot open: " + std::strerror(errno));
  in.seekg(0, std::ios::end);
  auto size = static_cast<std::uint64_t>(in.tellg());
  in.seekg(0);
  if (size == 0) throw ConvertError(path, "empty", "file is empty");
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  in.clear();
  in.seekg(0);
  const Converter& conv = ConverterRegistry::standard().choose(path, head, options.format);
  if (!conv.streams()) {  // held whole: bounded by convert.max_file_mb (a streamed file bounds its records)
    check_size(path, size, options);
    std::string bytes = read_file(path, options.limits.max_file_bytes);
    return emit_all(convert_bytes(path, bytes, options), emit);
  }
  std::string sha = sha256;
  if (sha.empty()) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    std::string buf(1 << 20, '\0');
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      engine.update(buf.data(), static_cast<unsigned>(in.gcount()));
    }
    sha = Poco::DigestEngine::digestToHex(engine.digest());
    in.clear();
    in.seekg(0);
  }
  return stream_each(conv, path, in, sha, size, options, emit);
}

ConvertResult convert_bytes_each(const std::string& path, std::string_view bytes,
                                 const ConvertOptions& options, const std::function<void(Document&&)>& emit) {
  if (bytes.empty()) throw ConvertError(path, "empty", "file is empty");
  const Converter& conv = ConverterRegistry::standard().choose(
      path, bytes.substr(0, std::min<std::size_t>(bytes.size(), 4096)), options.format);
  if (!conv.streams()) return emit_all(convert_bytes(path, bytes, options), emit);
  Poco::MemoryInputStream in(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return stream_each(conv, path, in, sha256_hex(bytes), bytes.size(), options, emit);
}

}  // namespace tongwen
