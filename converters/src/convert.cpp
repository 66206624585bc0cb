// convert_file: what every format shares after its converter has run.
#include <Poco/File.h>
#include <Poco/Path.h>

#include <algorithm>
#include <cctype>

#include "converters.h"
#include "tongwen/errors.h"
#include "tongwen/json.h"
#include "tongwen/text.h"
#include "tongwen/util.h"

namespace tongwen {

namespace {

std::string file_name(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string dir_name(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

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
      {"zh", "zh-Hans"}, {"zh-hans", "zh-Hans"}, {"zh-cn", "zh-Hans"}, {"zh-hant", "zh-Hant"},
      {"zh-tw", "zh-Hant"}, {"zh-hk", "zh-Hant"}, {"cn", "zh-Hans"}, {"en", "en"}, {"eng", "en"},
      {"cmn", "zh-Hans"}};
  for (const auto& [t, canonical] : tags)
    if (lower == t) return {base, canonical};
  return {};
}

std::string stem_of(const std::string& name) {
  auto last = name.find_last_of('.');
  return last == std::string::npos || last == 0 ? name : name.substr(0, last);
}

std::string primary(const std::string& tag) { return tag.substr(0, tag.find('-')); }

}  // namespace

const std::vector<std::string>& metadata_keys() {
  static const std::vector<std::string> k = {
      "id",      "title",          "speakers",          "topics",     "event",
      "session", "date",           "lang",              "type",       "translation-of",
      "translation_of", "translation-group", "translation_group", "description", "encoding"};
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

ConvertResult convert_file(const std::string& path, const ConvertOptions& options) {
  std::string bytes = read_file(path, options.limits.max_file_bytes);
  return convert_bytes(path, bytes, options);
}

ConvertResult convert_bytes(const std::string& path, std::string_view bytes,
                            const ConvertOptions& options) {
  if (bytes.size() > options.limits.max_file_bytes)
    throw ConvertError(path, "too_large",
                       "file is " + std::to_string(bytes.size()) + " bytes, over the limit of " +
                           std::to_string(options.limits.max_file_bytes) + " (convert.max_file_mb)");
  if (bytes.empty()) throw ConvertError(path, "empty", "file is empty");

  const Converter& conv = ConverterRegistry::standard().choose(
      path, bytes.substr(0, std::min<std::size_t>(bytes.size(), 4096)), options.format);
  ConvertInput in{path, bytes, options.declared_encoding, options.limits};
  auto enc = options.overrides.find("encoding");
  if (enc != options.overrides.end()) in.declared_encoding = enc->second;

  ConvertResult result;
  result.format = std::string(conv.name());
  result.converter_version = conv.version();
  result.documents = conv.convert(in);
  if (result.documents.empty()) throw ConvertError(path, "no_text", "contains no document");

  // Sidecar metadata: NAME.meta.json next to the file.
  MetadataOverrides overrides;
  if (options.use_sidecar) {
    std::string sidecar = stem_of(path) + ".meta.json";
    if (sidecar != path && Poco::File(sidecar).exists()) {
      Document meta;
      try {
        meta = document_from_json(read_file(sidecar, 1 << 20));
      } catch (const UserError& e) {
        throw ConvertError(path, "bad_metadata", "sidecar " + sidecar + ": " + e.what());
      }
      if (!meta.id.empty()) overrides["id"] = meta.id;
      if (!meta.title.empty()) overrides["title"] = meta.title;
      if (!meta.event.empty()) overrides["event"] = meta.event;
      if (!meta.session.empty()) overrides["session"] = meta.session;
      if (!meta.date.empty()) overrides["date"] = meta.date;
      if (!meta.lang.empty()) overrides["lang"] = meta.lang;
      if (!meta.type.empty()) overrides["type"] = meta.type;
      if (!meta.description.empty()) overrides["description"] = meta.description;
      if (!meta.translation_of.empty()) overrides["translation-of"] = meta.translation_of;
      if (!meta.translation_group.empty()) overrides["translation-group"] = meta.translation_group;
      if (!meta.topics.empty()) {
        std::string t;
        for (const auto& x : meta.topics) t += (t.empty() ? "" : "; ") + x;
        overrides["topics"] = t;
      }
      if (!meta.speakers.empty()) {
        std::string s;
        for (const auto& x : meta.speakers)
          s += (s.empty() ? "" : "; ") + x.name + (x.affiliation.empty() ? "" : " (" + x.affiliation + ")");
        overrides["speakers"] = s;
      }
    }
  }
  for (const auto& [k, v] : options.overrides) overrides[k] = v;

  std::string sha = sha256_hex(bytes);
  std::string name = file_name(path);
  auto [naming_base, naming_lang] = split_lang_suffix(name);
  std::string abs = absolute(path);
  std::string path_hash = sha256_hex(abs).substr(0, 8);
  bool single = result.documents.size() == 1;

  for (std::size_t i = 0; i < result.documents.size(); ++i) {
    Document& d = result.documents[i];
    if (single) apply_overrides(d, overrides, path);
    d.source.path = path;
    d.source.format = result.format;
    d.source.sha256 = sha;
    d.source.size = bytes.size();
    if (d.source.encoding.empty()) d.source.encoding = "UTF-8";

    // Drop empty paragraphs; a document needs some text or at least a title.
    d.paragraphs.erase(std::remove_if(d.paragraphs.begin(), d.paragraphs.end(),
                                      [](const Paragraph& p) { return trim(p.text).empty(); }),
                       d.paragraphs.end());
    if (d.paragraphs.empty() && trim(d.title).empty())
      throw ConvertError(path, "no_text", "contains no text");

    bool declared_identity = !d.id.empty() || !d.translation_of.empty() || !d.translation_group.empty();
    if (d.lang.empty() && single && !naming_lang.empty()) d.lang = naming_lang;
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
      if (pl != "und" && primary(pl) != primary(d.lang)) p.lang = pl;
    }
    if (d.id.empty()) {
      std::string base = slugify(stem_of(name), 48);
      if (base.empty()) base = "doc";
      d.id = base + "-" + path_hash + (single ? "" : "-" + std::to_string(i + 1));
    }
    if (d.title.empty()) d.title = stem_of(name);
    if (d.translation_group.empty()) {
      if (!d.translation_of.empty())
        d.translation_group = d.translation_of;
      else if (!declared_identity && single && !naming_base.empty())
        d.translation_group = slugify(naming_base, 48) + "-" + sha256_hex(dir_name(abs) + "/" + naming_base).substr(0, 8);
      else
        d.translation_group = d.id;
    }
  }
  return result;
}

}  // namespace tongwen
