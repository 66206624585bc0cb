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
// The header is optional; without one, a short first paragraph is the title. A header must have a
// title, and an unknown key is an error (a typo would otherwise lose metadata silently).
//
// Markdown (.md, .markdown) also accepts YAML-style front matter between `---` lines: `key: value`,
// quoted values, lists as `[a, b]` or as `- a` lines under the key; author/authors -> speakers,
// tags/keywords/categories -> topics. Keys Tongwen does not know (layout, permalink, ...) go into
// extra there, since front matter is shared with other tools. The body becomes plain text: `#`
// and underlined headings are heading paragraphs (the first one is the title when the front
// matter has none), list items and table rows are paragraphs of their own, code blocks keep
// their text, emphasis/code/strike marks are removed, links keep their text, images and link
// reference definitions are dropped.
//
// Encodings: the bytes go through core's encoding::to_utf8 (BOM, declared encoding, valid UTF-8,
// then detection of the legacy Chinese sets); the encoding found is recorded on the document. Bytes
// that are no known encoding are refused with kind "encoding".
//
// Long paragraphs: a paragraph over 64 KiB (a file of one enormous line) is cut at sentence ends
// (or spaces) into pieces of at most 64 KiB, so that every unit downstream stays bounded; the
// file as a whole is bounded by convert.max_file_mb.
#include <algorithm>
#include <cctype>

#include "converters.h"
#include "tongwen/encoding.h"
#include "tongwen/errors.h"
#include "tongwen/text.h"

namespace tongwen {

namespace {

constexpr std::size_t kMaxParagraphBytes = 64 * 1024;

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
  static const char* keys[] = {
      "title",       "speakers", "speaker",  "topics", "topic", "event",          "session",
      "date",        "lang",     "language", "type",   "id",    "translation-of", "translation-group",
      "description", "keywords"};
  for (const char* x : keys)
    if (k == x) return true;
  return false;
}

// Front-matter aliases used by static site generators.
std::string canonical_key(std::string key, bool markdown) {
  if (key == "speaker") return "speakers";
  if (key == "topic" || key == "keywords") return "topics";
  if (key == "language") return "lang";
  if (markdown) {
    if (key == "author" || key == "authors") return "speakers";
    if (key == "tags" || key == "categories") return "topics";
  }
  return key;
}

std::string unquote(std::string v) {
  if (v.size() >= 2 && ((v.front() == '"' && v.back() == '"') || (v.front() == '\'' && v.back() == '\'')))
    return v.substr(1, v.size() - 2);
  return v;
}

// "[a, b]" -> "a; b"; "a" -> "a".
std::string yaml_value(const std::string& raw) {
  std::string v = trim(raw);
  if (v.size() >= 2 && v.front() == '[' && v.back() == ']') {
    std::string out, item;
    for (char c : v.substr(1, v.size() - 2) + ",") {
      if (c == ',') {
        item = unquote(trim(item));
        if (!item.empty()) out += (out.empty() ? "" : "; ") + item;
        item.clear();
      } else {
        item.push_back(c);
      }
    }
    return out;
  }
  return unquote(v);
}

// ---------------------------------------------------------------------------------------------
// Markdown inline markup -> plain text.

std::string strip_inline(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size() && std::ispunct(static_cast<unsigned char>(s[i + 1]))) {
      out.push_back(s[i + 1]);
      i += 2;
    } else if (c == '!' && i + 1 < s.size() && s[i + 1] == '[') {
      // Image: dropped with its alt text ("image", "figure 1" add nothing to search).
      auto close = s.find(']', i + 2);
      if (close != std::string::npos && close + 1 < s.size() &&
          (s[close + 1] == '(' || s[close + 1] == '[')) {
        auto end = s.find(s[close + 1] == '(' ? ')' : ']', close + 2);
        if (end != std::string::npos) {
          i = end + 1;
          continue;
        }
      }
      out.push_back(c);
      ++i;
    } else if (c == '[') {
      // Link: keep the text.
      auto close = s.find(']', i + 1);
      if (close != std::string::npos && close + 1 < s.size() &&
          (s[close + 1] == '(' || s[close + 1] == '[')) {
        auto end = s.find(s[close + 1] == '(' ? ')' : ']', close + 2);
        if (end != std::string::npos) {
          out += strip_inline(s.substr(i + 1, close - i - 1));
          i = end + 1;
          continue;
        }
      }
      out.push_back(c);
      ++i;
    } else if (c == '<' && (s.compare(i + 1, 7, "http://") == 0 || s.compare(i + 1, 8, "https://") == 0)) {
      auto end = s.find('>', i);
      if (end == std::string::npos) {
        out.push_back(c);
        ++i;
      } else {
        out += s.substr(i + 1, end - i - 1);
        i = end + 1;
      }
    } else if (c == '`') {
      std::size_t n = 0;
      while (i + n < s.size() && s[i + n] == '`') ++n;
      auto end = s.find(std::string(n, '`'), i + n);
      if (end == std::string::npos) {
        out.append(n, '`');
        i += n;
      } else {
        out += s.substr(i + n, end - i - n);
        i = end + n;
      }
    } else if (c == '*' || c == '_' || c == '~') {
      // Emphasis/strike delimiters: a run of the same mark next to non-space text on one side.
      std::size_t n = 0;
      while (i + n < s.size() && s[i + n] == c) ++n;
      bool before_space = i == 0 || std::isspace(static_cast<unsigned char>(s[i - 1]));
      bool after_space = i + n >= s.size() || std::isspace(static_cast<unsigned char>(s[i + n]));
      bool intraword_underscore = c == '_' && !before_space && !after_space &&
                                  std::isalnum(static_cast<unsigned char>(s[i - 1])) &&
                                  std::isalnum(static_cast<unsigned char>(s[i + n]));
      if ((c == '~' && n < 2) || (before_space && after_space) || intraword_underscore) out.append(n, c);
      i += n;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return out;
}

bool is_rule(const std::string& t) {
  if (t.size() < 3) return false;
  char c = t[0];
  if (c != '-' && c != '*' && c != '_') return false;
  std::size_t marks = 0;
  for (char x : t) {
    if (x == c)
      ++marks;
    else if (x != ' ')
      return false;
  }
  return marks >= 3;
}

// "- item", "* item", "+ item", "1. item", "1) item" -> the item text; "" when not a list item.
bool list_item(const std::string& t, std::string& item) {
  if (t.size() >= 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && t[1] == ' ') {
    item = trim(t.substr(2));
    return true;
  }
  std::size_t i = 0;
  while (i < t.size() && i < 9 && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
  if (i > 0 && i + 1 < t.size() && (t[i] == '.' || t[i] == ')') && t[i + 1] == ' ') {
    item = trim(t.substr(i + 2));
    return true;
  }
  return false;
}

std::vector<Paragraph> markdown_blocks(const std::vector<std::string>& lines, std::size_t from) {
  std::vector<Paragraph> out;
  std::vector<std::string> cur;
  std::string cur_kind;
  auto flush = [&] {
    if (cur.empty()) return;
    std::string raw;
    for (const auto& l : cur) raw += l + "\n";
    Paragraph p;
    p.text = cur_kind == "code" ? join_lines(raw) : join_lines(strip_inline(raw));
    // Removed markup (an image between two words) leaves double spaces.
    for (auto sp = p.text.find("  "); sp != std::string::npos; sp = p.text.find("  ", sp))
      p.text.erase(sp, 1);
    if (cur_kind == "heading") p.kind = "heading";
    if (!p.text.empty()) out.push_back(std::move(p));
    cur.clear();
    cur_kind.clear();
  };
  std::string fence;
  for (std::size_t j = from; j < lines.size(); ++j) {
    std::string t = trim(lines[j]);
    if (!fence.empty()) {
      if (t.rfind(fence, 0) == 0 && trim(t.substr(fence.size())).empty()) {
        flush();
        fence.clear();
      } else {
        cur.push_back(lines[j]);
      }
      continue;
    }
    if (t.rfind("```", 0) == 0 || t.rfind("~~~", 0) == 0) {
      flush();
      fence = t.substr(0, 3);
      cur_kind = "code";
      continue;
    }
    // Blockquote markers are dropped; the quoted text is ordinary text.
    while (t.rfind(">", 0) == 0) t = trim(t.substr(1));
    if (t.empty()) {
      flush();
      continue;
    }
    if (t[0] == '#') {
      std::size_t h = t.find_first_not_of('#');
      if (h != std::string::npos && h <= 6 && t[h] == ' ') {
        flush();
        std::string title = trim(t.substr(h));
        while (!title.empty() && title.back() == '#') title.pop_back();
        cur.push_back(trim(title));
        cur_kind = "heading";
        flush();
        continue;
      }
    }
    // Setext heading: a paragraph line underlined with === or ---.
    if (!cur.empty() && cur_kind.empty() && cur.size() == 1 &&
        t.find_first_not_of('=') == std::string::npos) {
      cur_kind = "heading";
      flush();
      continue;
    }
    if (!cur.empty() && cur_kind.empty() && cur.size() == 1 && t.size() >= 2 &&
        t.find_first_not_of('-') == std::string::npos) {
      cur_kind = "heading";
      flush();
      continue;
    }
    if (is_rule(t)) {
      flush();
      continue;
    }
    // Link reference definitions: "[id]: http://..."
    if (t[0] == '[' && t.find("]: ") != std::string::npos && t.find("]: ") < 100) {
      flush();
      continue;
    }
    std::string item;
    if (list_item(t, item)) {
      flush();
      cur.push_back(item);
      continue;
    }
    if (t[0] == '|') {
      flush();
      std::string row;
      bool separator = t.find_first_not_of("|-: ") == std::string::npos;
      if (separator) continue;
      std::string cell;
      for (char c : t.substr(1) + "|") {
        if (c == '|') {
          std::string x = trim(cell);
          if (!x.empty()) row += (row.empty() ? "" : " | ") + x;
          cell.clear();
        } else {
          cell.push_back(c);
        }
      }
      cur.push_back(row);
      flush();
      continue;
    }
    cur.push_back(t);
  }
  flush();
  return out;
}

// ---------------------------------------------------------------------------------------------

// Cuts a paragraph longer than kMaxParagraphBytes at sentence ends, else spaces, else any code
// point boundary.
std::vector<std::string> cut_long(const std::string& p) {
  if (p.size() <= kMaxParagraphBytes) return {p};
  std::vector<std::string> out;
  std::size_t start = 0;
  while (p.size() - start > kMaxParagraphBytes) {
    std::size_t limit = start + kMaxParagraphBytes;
    // Search only the second half of the window: a backwards search over the whole text for a
    // mark it does not contain would make this quadratic.
    std::size_t half = start + kMaxParagraphBytes / 2;
    std::string_view window = std::string_view(p).substr(half, limit - half);
    std::size_t cut = std::string::npos;
    for (std::string_view end : {"。", "！", "？", ". ", "! ", "? "}) {
      auto q = window.rfind(end, window.size() - end.size());
      if (q != std::string_view::npos && (cut == std::string::npos || half + q + end.size() > cut))
        cut = half + q + end.size();
    }
    if (cut == std::string::npos) {
      auto sp = window.rfind(' ');
      cut = sp != std::string_view::npos ? half + sp + 1 : limit;
    }
    while (cut > start && (static_cast<unsigned char>(p[cut]) & 0xC0) == 0x80)
      --cut;  // not inside a code point
    out.push_back(trim(std::string_view(p).substr(start, cut - start)));
    start = cut;
  }
  out.push_back(trim(std::string_view(p).substr(start)));
  out.erase(std::remove_if(out.begin(), out.end(), [](const std::string& s) { return s.empty(); }),
            out.end());
  return out;
}

// Speaker turns: "[Name] text" or "【名字】text".
void take_speaker(Paragraph& para) {
  std::string& p = para.text;
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
}

class TextConverter final : public Converter {
 public:
  std::string_view name() const override { return "text"; }
  std::string_view description() const override {
    return "Plain text and Markdown with the Tongwen metadata header (title:, speakers:, ...) or front "
           "matter";
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
  int version() const override { return 2; }

  std::vector<Document> convert(const ConvertInput& in) const override {
    auto decoded = encoding::to_utf8(in.bytes, in.declared_encoding, in.path);
    std::string body = std::move(decoded.text);
    body.erase(std::remove(body.begin(), body.end(), '\r'), body.end());
    std::string lower_path = in.path;
    for (auto& c : lower_path) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool markdown = lower_path.ends_with(".md") || lower_path.ends_with(".markdown");

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
      body.clear();
      body.shrink_to_fit();
    }
    std::size_t i = 0;
    while (i < lines.size() && trim(lines[i]).empty()) ++i;
    bool fenced = i < lines.size() && trim(lines[i]) == "---";
    std::size_t first_line = i;
    if (fenced) ++i;
    bool has_header = false;
    MetadataOverrides meta;
    if (fenced && markdown) {
      has_header = front_matter(in, lines, i, d, meta);
    } else {
      has_header = tongwen_header(in, lines, i, fenced, meta);
    }
    // Markdown front matter may leave the title to the first heading.
    bool title_from_heading = has_header && markdown && fenced && !meta.count("title");
    if (has_header) {
      if (!meta.count("title") && !title_from_heading)
        throw ConvertError(in.path, "missing_field", "the metadata header has no \"title:\" line");
      apply_overrides(d, meta, in.path);
    } else if (fenced) {
      throw ConvertError(
          in.path, "malformed",
          "line " + std::to_string(first_line + 1) + ": a `---` header is not closed or has no known field");
    }

    std::vector<Paragraph> paras;
    if (markdown) {
      paras = markdown_blocks(lines, i);
    } else {
      std::string rest;
      for (std::size_t j = i; j < lines.size(); ++j) {
        rest += lines[j];
        rest.push_back('\n');
      }
      lines.clear();
      for (auto& p : split_paragraphs(rest)) paras.push_back(Paragraph{std::move(p), {}, {}, {}, {}});
    }
    for (auto& para : paras) {
      take_speaker(para);
      if (para.text.empty()) continue;
      auto pieces = cut_long(para.text);
      para.text.clear();
      for (auto& piece : pieces) {
        Paragraph p{std::move(piece), para.speaker, para.lang, para.kind, para.anchor};
        d.paragraphs.push_back(std::move(p));
      }
    }
    if ((!has_header || title_from_heading) && !d.paragraphs.empty()) {
      // No title in a header: a Markdown file's first heading, else a short first paragraph.
      auto first = d.paragraphs.begin();
      if (markdown) {
        auto h = std::find_if(d.paragraphs.begin(), d.paragraphs.end(),
                              [](const Paragraph& p) { return p.kind == "heading"; });
        if (h != d.paragraphs.end())
          first = h;
        else if (title_from_heading)
          first = d.paragraphs.end();
      }
      // A file of one paragraph keeps it as its text (the title then comes from the file name).
      if (first != d.paragraphs.end() && first->text.size() <= 300 && first->speaker.empty() &&
          (d.paragraphs.size() > 1 || first->kind == "heading")) {
        d.title = first->text;
        d.paragraphs.erase(first);
      }
    }
    if (title_from_heading && d.title.empty())
      throw ConvertError(in.path, "missing_field", "the front matter has no title and the text no heading");
    if (d.paragraphs.empty())
      throw ConvertError(in.path, "no_text",
                         has_header ? "has a header but no text after it" : "contains no text");
    return {std::move(d)};
  }

 private:
  // The Tongwen header: `key: value` lines up to the first blank line (or the closing fence), at
  // least one of them a known key. Advances `i` past it.
  static bool tongwen_header(const ConvertInput& in, const std::vector<std::string>& lines, std::size_t& i,
                             bool fenced, MetadataOverrides& meta) {
    std::string key, value;
    std::size_t j = i;
    bool has_header = false;
    while (j < lines.size() && !(fenced ? trim(lines[j]) == "---" : trim(lines[j]).empty())) {
      if (!header_key(lines[j], key, value)) break;
      has_header = has_header || known_key(key);
      ++j;
    }
    if (fenced && (j >= lines.size() || trim(lines[j]) != "---")) has_header = false;
    if (!has_header) return false;
    for (std::size_t k = i; k < j; ++k) {
      header_key(lines[k], key, value);
      if (!known_key(key))
        throw ConvertError(in.path, "bad_metadata",
                           "line " + std::to_string(k + 1) + ": unknown header field \"" + key +
                               "\" (known: title, speakers, topics, event, session, date, lang, "
                               "type, id, translation-of, translation-group, description)");
      key = canonical_key(key, false);
      if (value.empty())
        throw ConvertError(in.path, "missing_field",
                           "line " + std::to_string(k + 1) + ": header field \"" + key + "\" is empty");
      meta[key] = value;
    }
    i = j + (fenced ? 1 : 0);
    return true;
  }

  // Markdown front matter between `---` lines (i is just after the opening one).
  static bool front_matter(const ConvertInput& in, const std::vector<std::string>& lines, std::size_t& i,
                           Document& d, MetadataOverrides& meta) {
    std::size_t end = i;
    while (end < lines.size() && trim(lines[end]) != "---" && trim(lines[end]) != "...") ++end;
    if (end >= lines.size()) return false;
    std::string key;   // the current top-level key
    std::string list;  // its `- item` list so far
    auto close_key = [&] {
      if (key.empty()) return;
      if (!list.empty()) {
        if (known_key(key))
          meta[key] = list;
        else
          d.extra[key] = list;
      }
      key.clear();
      list.clear();
    };
    for (std::size_t j = i; j < end; ++j) {
      const std::string& line = lines[j];
      std::string t = trim(line);
      if (t.empty() || t[0] == '#') continue;
      bool indented = line[0] == ' ' || line[0] == '\t';
      if (t.rfind("- ", 0) == 0 || t == "-") {
        if (key.empty())
          throw ConvertError(in.path, "malformed",
                             "line " + std::to_string(j + 1) + ": a front matter list item without a key");
        std::string item = yaml_value(t.substr(1));
        if (!item.empty()) list += (list.empty() ? "" : "; ") + item;
        continue;
      }
      std::string k, value;
      if (indented) continue;  // a nested map (author: {name: ...}) is not Tongwen metadata
      if (!header_key(t, k, value))
        throw ConvertError(in.path, "malformed",
                           "line " + std::to_string(j + 1) + ": not a front matter line (key: value): \"" +
                               t.substr(0, 40) + "\"");
      close_key();
      key = canonical_key(k, true);
      value = yaml_value(value);
      bool known = known_key(key);
      if (key == "date" && value.size() > 10 && (value[10] == 'T' || value[10] == ' ')) value.resize(10);
      if (!value.empty()) {
        if (known)
          meta[key] = value;
        else
          d.extra[key] = value;
      }
    }
    close_key();
    i = end + 1;
    return true;
  }
};

}  // namespace

std::unique_ptr<Converter> make_text_converter() {
  return std::make_unique<TextConverter>();
}

}  // namespace tongwen
