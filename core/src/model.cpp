#include "tongwen/model.h"

#include <cctype>

#include "tongwen/errors.h"
#include "tongwen/text.h"
#include "varint.h"

namespace tongwen {

std::string Document::year() const {
  if (date.size() >= 4 && std::isdigit(static_cast<unsigned char>(date[0])) &&
      std::isdigit(static_cast<unsigned char>(date[1])) &&
      std::isdigit(static_cast<unsigned char>(date[2])) && std::isdigit(static_cast<unsigned char>(date[3])))
    return date.substr(0, 4);
  return {};
}

std::vector<std::string_view> Document::searchable_units() const {
  std::vector<std::string_view> units;
  units.reserve(paragraphs.size() + 2 + 2 * speakers.size());
  units.emplace_back(title);
  if (!description.empty()) units.emplace_back(description);
  for (const auto& p : paragraphs) units.emplace_back(p.text);
  // Who spoke is part of what a plain search finds ("Wang Jianguo", "清华大学").
  for (const auto& s : speakers) {
    units.emplace_back(s.name);
    if (!s.affiliation.empty()) units.emplace_back(s.affiliation);
  }
  return units;
}

std::size_t Document::text_bytes() const {
  std::size_t n = 0;
  for (const auto& p : paragraphs) n += p.text.size();
  return n;
}

namespace {

// Format: a version byte, then every field as a varint length followed by its bytes, lists as a
// varint count followed by their items. Fast to write and read; no escaping.
constexpr unsigned char kFormatVersion = 1;

using binary::put_str;
using binary::put_varint;

}  // namespace

std::string serialise(const Document& doc) {
  std::string out;
  out.reserve(doc.text_bytes() + 512);
  out.push_back(static_cast<char>(kFormatVersion));
  for (const std::string* s : {&doc.id, &doc.lang, &doc.type, &doc.title, &doc.description, &doc.event,
                               &doc.session, &doc.date, &doc.translation_of, &doc.translation_group})
    put_str(out, *s);
  put_varint(out, doc.speakers.size());
  for (const auto& sp : doc.speakers) {
    put_str(out, sp.name);
    put_str(out, sp.affiliation);
  }
  put_varint(out, doc.topics.size());
  for (const auto& t : doc.topics) put_str(out, t);
  put_varint(out, doc.extra.size());
  for (const auto& [k, v] : doc.extra) {
    put_str(out, k);
    put_str(out, v);
  }
  put_str(out, doc.source.path);
  put_str(out, doc.source.format);
  put_str(out, doc.source.sha256);
  put_str(out, doc.source.encoding);
  put_varint(out, doc.source.size);
  put_varint(out, doc.paragraphs.size());
  for (const auto& p : doc.paragraphs) {
    put_str(out, p.text);
    put_str(out, p.speaker);
    put_str(out, p.lang);
    put_str(out, p.kind);
    put_str(out, p.anchor);
  }
  return out;
}

void append_paragraph_bytes(std::string& out, const Document& doc) {
  for (const auto& p : doc.paragraphs) {
    out += p.text;
    out += '\x1f';
    out += p.anchor;
    out += '\x1f';
    out += p.lang;
    out += '\x1e';
  }
}

Document unserialise(std::string_view data) {
  binary::Reader r(data, "stored document data");
  if (r.byte() != kFormatVersion)
    throw EnvironmentError("corrupt_index",
                           "stored document data has an unknown format version: rebuild the index");
  Document doc;
  for (std::string* s : {&doc.id, &doc.lang, &doc.type, &doc.title, &doc.description, &doc.event,
                         &doc.session, &doc.date, &doc.translation_of, &doc.translation_group})
    *s = r.str();
  for (auto n = r.varint(); n > 0; --n) {
    Speaker sp;
    sp.name = r.str();
    sp.affiliation = r.str();
    doc.speakers.push_back(std::move(sp));
  }
  for (auto n = r.varint(); n > 0; --n) doc.topics.push_back(r.str());
  for (auto n = r.varint(); n > 0; --n) {
    auto k = r.str();
    doc.extra[k] = r.str();
  }
  doc.source.path = r.str();
  doc.source.format = r.str();
  doc.source.sha256 = r.str();
  doc.source.encoding = r.str();
  doc.source.size = r.varint();
  auto n = r.varint();
  doc.paragraphs.reserve(n);
  for (; n > 0; --n) {
    Paragraph p;
    p.text = r.str();
    p.speaker = r.str();
    p.lang = r.str();
    p.kind = r.str();
    p.anchor = r.str();
    doc.paragraphs.push_back(std::move(p));
  }
  if (!r.done()) throw EnvironmentError("corrupt_index", "stored document data has trailing bytes");
  return doc;
}

std::string id_problem(std::string_view id) {
  if (id.empty()) return "the id is empty";
  if (id.size() > MAX_ID_BYTES)
    return "the id is " + std::to_string(id.size()) + " bytes, over the limit of " +
           std::to_string(MAX_ID_BYTES);
  if (!text::is_valid_utf8(id)) return "the id is not valid UTF-8";
  for (std::size_t i = 0; i < id.size(); ++i) {
    auto c = static_cast<unsigned char>(id[i]);
    if (c == 0) return "the id contains a NUL byte at byte " + std::to_string(i + 1);
    if (c < 0x20 || c == 0x7f)
      return "the id contains a control character (U+" + std::string("00") + "0123456789ABCDEF"[c >> 4] +
             "0123456789ABCDEF"[c & 15] + ") at byte " + std::to_string(i + 1);
    if (c == '/' || c == '\\')
      return std::string("the id contains '") + static_cast<char>(c) + "' (an id is one path segment)";
  }
  if (id == "." || id == "..") return "the id is a dot segment (\"" + std::string(id) + "\")";
  return {};
}

std::string quote_id(std::string_view id) {
  bool utf8 = text::is_valid_utf8(id);
  std::string out = "\"";
  for (char ch : id.substr(0, 2 * MAX_ID_BYTES)) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f || c == '\\' || (c >= 0x80 && !utf8)) {
      out += "\\x";
      out += "0123456789abcdef"[c >> 4];
      out += "0123456789abcdef"[c & 15];
    } else {
      out += ch;
    }
  }
  if (id.size() > 2 * MAX_ID_BYTES) out += "...";
  return out + "\"";
}

std::string slugify(std::string_view text, std::size_t max_len) {
  std::string out;
  bool dash = false;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c)) {
      if (dash && !out.empty()) out.push_back('-');
      dash = false;
      out.push_back(static_cast<char>(std::tolower(c)));
      if (out.size() >= max_len) break;
    } else {
      dash = true;
    }
  }
  return out;
}

}  // namespace tongwen
