// The project's own plain-text format (also Markdown): a metadata header, a blank line, then
// paragraphs separated by blank lines.
//
//   title: 人工智能治理的全球合作
//   speakers: 王建国 (清华大学); Li Na (Fudan University)
//   topics: AI/Governance; Open science
//   event: 2023 Forum on Science and Technology Innovation
//   date: 2023-05-17
//   lang: zh-Hans
//   type: speech
//   id: 2023-wang-ai-governance-zh            (optional: stable id)
//   translation-of: 2023-wang-ai-governance-en (optional)
//
//   First paragraph ...
//
//   [Li Na] A paragraph spoken by Li Na (transcripts; also 【李娜】).
//
// Markdown files may fence the header with `---` lines; `#` headings become heading paragraphs.
#include <algorithm>
#include <cctype>

#include "converters.h"
#include "tongwen/encoding.h"
#include "tongwen/errors.h"

namespace tongwen {

namespace {

bool header_key(std::string_view line, std::string& key, std::string& value) {
  std::size_t i = 0;
  while (i < line.size() && i < 32 &&
         (std::isalpha(static_cast<unsigned char>(line[i])) || line[i] == '-' || line[i] == '_'))
    ++i;
  if (i == 0 || i >= line.size() || line[i] != ':') return false;
  key.assign(line.substr(0, i));
  for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::replace(key.begin(), key.end(), '_', '-');
  value = trim(line.substr(i + 1));
  return true;
}

bool known_key(const std::string& k) {
  static const char* keys[] = {"title",          "speakers",          "speaker",     "topics",
                               "topic",          "event",             "session",     "date",
                               "lang",           "language",          "type",        "id",
                               "translation-of", "translation-group", "description", "keywords"};
  for (const char* x : keys)
    if (k == x) return true;
  return false;
}

class TextConverter final : public Converter {
 public:
  std::string_view name() const override { return "text"; }
  std::string_view description() const override {
    return "Plain text and Markdown with the Tongwen metadata header (title:, speakers:, ...)";
  }
  std::vector<std::string_view> extensions() const override { return {"txt", "text", "md", "markdown"}; }
  int sniff(std::string_view, std::string_view head) const override {
    std::string key, value;
    std::size_t nl = head.find('\n');
    std::string_view first = head.substr(0, nl);
    if (first == "---" || first == "---\r") return 60;
    if (header_key(first, key, value) && known_key(key)) return 70;
    return 5;  // any text could be plain text
  }

  std::vector<Document> convert(const ConvertInput& in) const override {
    auto decoded = encoding::to_utf8(in.bytes, in.declared_encoding, in.path);
    std::string body = std::move(decoded.text);
    body.erase(std::remove(body.begin(), body.end(), '\r'), body.end());
    bool markdown = in.path.size() > 3 && (in.path.ends_with(".md") || in.path.ends_with(".markdown"));

    Document d;
    d.source.encoding = decoded.encoding;
    std::vector<std::string> lines;
    {
      std::size_t start = 0;
      while (start <= body.size()) {
        auto nl = body.find('\n', start);
        lines.emplace_back(body.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
        if (nl == std::string::npos) break;
        start = nl + 1;
      }
    }
    std::size_t i = 0;
    while (i < lines.size() && trim(lines[i]).empty()) ++i;
    bool fenced = i < lines.size() && trim(lines[i]) == "---";
    if (fenced) ++i;
    // A header: `key: value` lines up to the first blank line (or the closing fence), at least one
    // of them a known key.
    std::size_t header_end = i;
    bool has_header = false;
    {
      std::string key, value;
      std::size_t j = i;
      while (j < lines.size() && !(fenced ? trim(lines[j]) == "---" : trim(lines[j]).empty())) {
        if (!header_key(lines[j], key, value)) break;
        has_header = has_header || known_key(key);
        ++j;
      }
      if (fenced && (j >= lines.size() || trim(lines[j]) != "---")) has_header = false;
      if (has_header) header_end = j;
    }
    MetadataOverrides meta;
    if (has_header) {
      for (std::size_t j = i; j < header_end; ++j) {
        std::string key, value;
        header_key(lines[j], key, value);
        if (!known_key(key))
          throw ConvertError(in.path, "bad_metadata",
                             "line " + std::to_string(j + 1) + ": unknown header field \"" + key +
                                 "\" (known: title, speakers, topics, event, session, date, lang, "
                                 "type, id, translation-of, translation-group, description)");
        if (key == "speaker") key = "speakers";
        if (key == "topic" || key == "keywords") key = "topics";
        if (key == "language") key = "lang";
        if (value.empty())
          throw ConvertError(in.path, "missing_field", "line " + std::to_string(j + 1) + ": header field \"" + key + "\" is empty");
        meta[key] = value;
      }
      if (!meta.count("title"))
        throw ConvertError(in.path, "missing_field", "the metadata header has no title: line");
      i = header_end + (fenced ? 1 : 0);
      apply_overrides(d, meta, in.path);
    } else if (fenced) {
      throw ConvertError(in.path, "malformed", "a `---` header is not closed or has no known field");
    }

    // Body: paragraphs at blank lines; Markdown headings become heading paragraphs.
    std::string rest;
    for (std::size_t j = i; j < lines.size(); ++j) {
      rest += lines[j];
      rest.push_back('\n');
    }
    for (auto& p : split_paragraphs(rest)) {
      Paragraph para;
      if (markdown && p[0] == '#') {
        std::size_t h = p.find_first_not_of('#');
        para.kind = "heading";
        p = trim(p.substr(h == std::string::npos ? p.size() : h));
      }
      // Speaker turns: "[Name] text" or "【名字】text".
      if (p.size() > 2 && p[0] == '[') {
        auto close = p.find("] ");
        if (close != std::string::npos && close < 80) {
          para.speaker = trim(p.substr(1, close - 1));
          p = trim(p.substr(close + 2));
        }
      } else if (p.rfind("【", 0) == 0) {
        auto close = p.find("】");
        if (close != std::string::npos && close < 80) {
          para.speaker = trim(p.substr(3, close - 3));
          p = trim(p.substr(close + 3));
        }
      }
      para.text = std::move(p);
      if (!para.text.empty()) d.paragraphs.push_back(std::move(para));
    }
    if (!has_header) {
      // No header: the first paragraph is the title when it is short.
      if (!d.paragraphs.empty() && d.paragraphs.front().text.size() <= 300) {
        d.title = d.paragraphs.front().text;
        d.paragraphs.erase(d.paragraphs.begin());
      }
    }
    if (d.paragraphs.empty())
      throw ConvertError(in.path, "no_text", has_header ? "has a header but no text after it" : "contains no text");
    return {std::move(d)};
  }
};

}  // namespace

std::unique_ptr<Converter> make_text_converter() { return std::make_unique<TextConverter>(); }

}  // namespace tongwen
