// Subtitles: SubRip (.srt) and WebVTT (.vtt). A talk's subtitles become one document whose
// paragraphs are runs of cues.
//
// Paragraph rule: consecutive cues join into one paragraph (lines joined with join_lines, so
// Chinese joins without spaces) until
//   - the next cue starts more than 2 s after the previous one ended (a pause), or
//   - the speaker changes: a WebVTT voice (<v Name>), a "NAME:" / "名字：" label at the start of a
//     line, or a "- " dialogue dash (a new, unnamed speaker) - a paragraph has one speaker, so a
//     change always ends it, even mid-sentence, or
//   - the paragraph has passed 1,500 bytes and the cue ends a sentence (continuous speech is cut
//     into paragraph-sized pieces at sentence ends).
// An unlabelled cue continues the current speaker (SRT names a speaker only when the turn starts).
// Each paragraph has kind "cue" and, as its anchor, the start time of its first cue
// ("00:01:02.500"); extra["duration"] is the end of the last cue. Markup is stripped: WebVTT
// tags (<c>, <i>, <b>, <u>, <ruby>, <lang>, timestamps) and entities, SRT <i>/<b>/<font> and
// {\an8}-style codes. Lines that are only a sound description ("[Music]", "(Laughter)", "（笑声）",
// "♪ ... ♪") are dropped.
//
// WebVTT: the file must start with WEBVTT; text after it on that line ("WEBVTT - Title") is the
// title; a "Language:" header gives the language; NOTE, STYLE and REGION blocks are skipped.
// Errors: a line with "-->" whose times do not parse, a cue that ends before it starts, or a
// block that is not a cue -> "malformed", with the line number.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

#include "converters.h"
#include "tongwen/encoding.h"
#include "tongwen/errors.h"
#include "tongwen/text.h"

namespace tongwen {

namespace {

constexpr double kPauseSeconds = 2.0;
constexpr std::size_t kParagraphBytes = 1500;

struct Fragment {
  std::string speaker;    // named speaker of this line, "" when unlabelled
  bool new_turn = false;  // the line starts a turn (a dash, or a label)
  std::string text;
};

struct Cue {
  double start = 0, end = 0;
  std::size_t line = 0;
  std::vector<std::string> lines;
  std::vector<std::string> voices;  // WebVTT <v> per line ("" when none)
};

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return lines;
}

bool blank(const std::string& s) {
  return s.find_first_not_of(" \t") == std::string::npos;
}

// "01:02:03,500" / "01:02:03.500" (SRT), "[01:]02:03.500" (WebVTT) -> seconds.
bool parse_time(std::string_view s, bool vtt, double& out) {
  std::vector<std::string> parts;
  std::string cur;
  std::string frac;
  bool in_frac = false;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      (in_frac ? frac : cur).push_back(c);
    } else if (c == ':' && !in_frac) {
      if (cur.empty()) return false;
      parts.push_back(cur);
      cur.clear();
    } else if ((c == '.' || (c == ',' && !vtt)) && !in_frac) {
      in_frac = true;
    } else {
      return false;
    }
  }
  if (cur.empty()) return false;
  parts.push_back(cur);
  if (vtt ? (parts.size() < 2 || parts.size() > 3 || frac.size() != 3)
          : (parts.size() != 3 || frac.empty() || frac.size() > 3))
    return false;
  const std::string& m = parts[parts.size() - 2];
  const std::string& sec = parts.back();
  if (m.size() != 2 || sec.size() != 2 || parts[0].size() > 6) return false;  // before stod: no overflow
  double h = parts.size() == 3 ? std::stod(parts[0]) : 0;
  double mm = std::stod(m), ss = std::stod(sec);
  if (mm >= 60 || ss >= 60) return false;
  while (frac.size() < 3) frac.push_back('0');
  out = h * 3600 + mm * 60 + ss + std::stod(frac) / 1000.0;
  return true;
}

std::string format_time(double t) {
  auto ms = static_cast<long long>(t * 1000 + 0.5);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%03lld", ms / 3600000, (ms / 60000) % 60,
                (ms / 1000) % 60, ms % 1000);
  return buf;
}

// Parses "START --> END [settings]" at line `n` into the cue, or throws.
void parse_timing(const std::string& path, const std::string& line, std::size_t n, bool vtt, Cue& cue) {
  auto arrow = line.find("-->");
  std::string left = trim(line.substr(0, arrow));
  std::string right = trim(line.substr(arrow + 3));
  right = right.substr(0, right.find_first_of(" \t"));
  const char* expected = vtt ? "[HH:]MM:SS.mmm --> [HH:]MM:SS.mmm" : "HH:MM:SS,mmm --> HH:MM:SS,mmm";
  if (!parse_time(left, vtt, cue.start) || !parse_time(right, vtt, cue.end))
    throw ConvertError(path, "malformed",
                       "line " + std::to_string(n) + ": malformed timestamp \"" + trim(line) +
                           "\" (expected " + expected + ")");
  if (cue.end < cue.start)
    throw ConvertError(path, "malformed", "line " + std::to_string(n) + ": the cue ends before it starts");
  cue.line = n;
}

std::string decode_entities(std::string s) {
  static const std::pair<const char*, const char*> entities[] = {
      {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"},    {"&nbsp;", " "},
      {"&lrm;", ""},  {"&rlm;", ""}, {"&quot;", "\""}, {"&apos;", "'"}};
  for (const auto& [from, to] : entities)
    for (auto p = s.find(from); p != std::string::npos; p = s.find(from, p + std::strlen(to)))
      s.replace(p, std::strlen(from), to);
  return s;
}

// Strips tags (keeping the first <v Name> as the voice) and {\...} codes.
std::string strip_markup(const std::string& line, std::string* voice) {
  std::string out;
  for (std::size_t i = 0; i < line.size();) {
    char c = line[i];
    if (c == '<') {
      auto close = line.find('>', i);
      if (close == std::string::npos) {
        out += line.substr(i);
        break;
      }
      std::string tag = line.substr(i + 1, close - i - 1);
      if (voice && voice->empty() &&
          (tag.rfind("v ", 0) == 0 || tag.rfind("v.", 0) == 0 || tag.rfind("v\t", 0) == 0)) {
        auto sp = tag.find_first_of(" \t");
        if (sp != std::string::npos) *voice = trim(tag.substr(sp + 1));
      }
      i = close + 1;
    } else if (c == '{' && i + 1 < line.size() && line[i + 1] == '\\') {
      auto close = line.find('}', i);
      i = close == std::string::npos ? line.size() : close + 1;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return decode_entities(out);
}

bool sound_description(const std::string& t) {
  auto enclosed = [&](std::string_view open, std::string_view close) {
    return t.size() > open.size() + close.size() && t.rfind(open, 0) == 0 && t.ends_with(close) &&
           t.find(close) == t.size() - close.size();
  };
  return enclosed("[", "]") || enclosed("(", ")") || enclosed("（", "）") || enclosed("♪", "♪") || t == "♪";
}

// "JOHN SMITH: text" or "主持人：text" -> {"JOHN SMITH", "text"}; {"", line} otherwise.
std::pair<std::string, std::string> speaker_label(const std::string& line) {
  auto colon = line.find(':');
  if (colon != std::string::npos && colon > 1 && colon <= 32 && colon + 1 < line.size() &&
      line[colon + 1] == ' ') {
    std::string name = line.substr(0, colon);
    bool upper = std::any_of(name.begin(), name.end(),
                             [](char c) { return std::isupper(static_cast<unsigned char>(c)); });
    bool ok = upper && std::all_of(name.begin(), name.end(), [](char c) {
                return std::isupper(static_cast<unsigned char>(c)) || c == ' ' || c == '.' || c == '-' ||
                       c == '\'' || std::isdigit(static_cast<unsigned char>(c));
              });
    if (ok) return {trim(name), trim(line.substr(colon + 1))};
  }
  auto fw = line.find("：");
  if (fw != std::string::npos && fw > 0 && fw <= 24 && fw + 3 < line.size()) {
    std::string name = line.substr(0, fw);
    std::size_t i = 0;
    bool cjk_only = true;
    std::size_t count = 0;
    while (i < name.size()) {
      char32_t c = text::next_code_point(name, i);
      cjk_only = cjk_only && (text::is_cjk(c) || c == 0xB7 /* · */);
      ++count;
    }
    if (cjk_only && count <= 8) return {name, trim(line.substr(fw + 3))};
  }
  return {"", line};
}

std::vector<Fragment> fragments_of(const Cue& cue) {
  std::vector<Fragment> out;
  for (std::size_t i = 0; i < cue.lines.size(); ++i) {
    std::string voice = i < cue.voices.size() ? cue.voices[i] : "";
    std::string t = trim(cue.lines[i]);
    if (t.empty() || sound_description(t)) continue;
    Fragment f;
    if (t.rfind("- ", 0) == 0 || t.rfind("-\t", 0) == 0 || t.rfind("— ", 0) == 0) {
      f.new_turn = true;
      t = trim(t.substr(t[0] == '-' ? 2 : 4));
    }
    auto [name, rest] = speaker_label(t);
    if (!name.empty()) {
      f.speaker = name;
      f.new_turn = true;
      t = rest;
    } else if (!voice.empty()) {
      f.speaker = voice;
    }
    if (t.empty() || sound_description(t)) continue;
    f.text = std::move(t);
    out.push_back(std::move(f));
  }
  return out;
}

bool ends_sentence(const std::string& s) {
  for (std::string_view end : {".", "!", "?", "。", "！", "？", "…", ".\"", "。”", "？”", "！”"})
    if (s.ends_with(end)) return true;
  return false;
}

std::vector<Paragraph> paragraphs_of(const std::vector<Cue>& cues) {
  std::vector<Paragraph> out;
  std::vector<std::string> lines;
  std::string speaker;
  std::size_t bytes = 0;
  double last_end = -1;
  std::string anchor;
  auto flush = [&] {
    if (lines.empty()) return;
    std::string raw;
    for (const auto& l : lines) raw += l + "\n";
    Paragraph p;
    p.text = join_lines(raw);
    p.speaker = speaker;
    p.kind = "cue";
    p.anchor = anchor;
    out.push_back(std::move(p));
    lines.clear();
    bytes = 0;
  };
  for (const auto& cue : cues) {
    auto frags = fragments_of(cue);
    for (std::size_t i = 0; i < frags.size(); ++i) {
      const Fragment& f = frags[i];
      bool pause = i == 0 && last_end >= 0 && cue.start - last_end > kPauseSeconds;
      // A dash is a new, unnamed speaker; a name is a change only when it differs (VTT repeats
      // the voice on every cue); an unlabelled line continues whoever was speaking.
      bool dash = f.new_turn && f.speaker.empty();
      bool other = !f.speaker.empty() && f.speaker != speaker;
      bool long_enough = bytes > kParagraphBytes && !lines.empty() && ends_sentence(lines.back());
      if (lines.empty() || pause || dash || other || long_enough) {
        flush();
        anchor = format_time(cue.start);
        if (dash || other) speaker = f.speaker;
      }
      lines.push_back(f.text);
      bytes += f.text.size();
    }
    last_end = std::max(last_end, cue.end);
  }
  flush();
  return out;
}

Document document_of(const ConvertInput& in, const std::vector<Cue>& cues, const std::string& encoding) {
  if (cues.empty()) throw ConvertError(in.path, "no_text", "contains no subtitle cues");
  Document d;
  d.source.encoding = encoding;
  d.paragraphs = paragraphs_of(cues);
  if (d.paragraphs.empty()) throw ConvertError(in.path, "no_text", "the subtitle cues contain no text");
  double end = 0;
  for (const auto& c : cues) end = std::max(end, c.end);
  d.extra["duration"] = format_time(end);
  return d;
}

std::string decoded_text(const ConvertInput& in, std::string* encoding) {
  auto decoded = encoding::to_utf8(in.bytes, in.declared_encoding, in.path);
  *encoding = decoded.encoding;
  return std::move(decoded.text);
}

class SrtConverter final : public Converter {
 public:
  std::string_view name() const override { return "srt"; }
  std::string_view description() const override {
    return "SubRip subtitles (.srt): cues joined into paragraphs by pauses and speakers, anchored by time";
  }
  std::vector<std::string_view> extensions() const override { return {"srt"}; }
  int sniff(std::string_view, std::string_view head) const override {
    std::string h(head.substr(0, 512));
    auto lines = split_lines(h);
    std::size_t i = 0;
    while (i < lines.size() && blank(lines[i])) ++i;
    if (i + 1 < lines.size() && !lines[i].empty() &&
        std::all_of(lines[i].begin(), lines[i].end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) &&
        lines[i + 1].find("-->") != std::string::npos)
      return 85;
    return 0;
  }

  std::vector<Document> convert(const ConvertInput& in) const override {
    std::string enc;
    auto lines = split_lines(decoded_text(in, &enc));
    std::vector<Cue> cues;
    std::size_t i = 0;
    auto is_number = [](const std::string& s) {
      std::string t = trim(s);
      return !t.empty() && std::all_of(t.begin(), t.end(),
                                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    };
    while (i < lines.size()) {
      if (blank(lines[i])) {
        ++i;
        continue;
      }
      Cue cue;
      if (lines[i].find("-->") != std::string::npos) {
        parse_timing(in.path, lines[i], i + 1, false, cue);
        ++i;
      } else if (is_number(lines[i]) && i + 1 < lines.size() &&
                 lines[i + 1].find("-->") != std::string::npos) {
        parse_timing(in.path, lines[i + 1], i + 2, false, cue);
        i += 2;
      } else if (!cues.empty()) {
        // Text after a blank line inside a cue (common in hand-edited files): it belongs to the
        // cue before.
        while (i < lines.size() && !blank(lines[i]))
          cues.back().lines.push_back(strip_markup(lines[i++], nullptr));
        continue;
      } else {
        throw ConvertError(in.path, "malformed",
                           "line " + std::to_string(i + 1) +
                               ": not an SRT cue (expected a cue number and a timing line "
                               "HH:MM:SS,mmm --> HH:MM:SS,mmm)");
      }
      while (i < lines.size() && !blank(lines[i])) cue.lines.push_back(strip_markup(lines[i++], nullptr));
      cues.push_back(std::move(cue));
    }
    return {document_of(in, cues, enc)};
  }
};

class VttConverter final : public Converter {
 public:
  std::string_view name() const override { return "vtt"; }
  std::string_view description() const override {
    return "WebVTT subtitles (.vtt): cues joined into paragraphs, <v> voices as speakers, anchored by time";
  }
  std::vector<std::string_view> extensions() const override { return {"vtt"}; }
  int sniff(std::string_view, std::string_view head) const override {
    std::string_view h = head;
    if (h.substr(0, 3) == "\xEF\xBB\xBF") h.remove_prefix(3);
    return h.substr(0, 6) == "WEBVTT" ? 95 : 0;
  }

  std::vector<Document> convert(const ConvertInput& in) const override {
    std::string enc;
    auto lines = split_lines(decoded_text(in, &enc));
    const std::string& first = lines.front();
    if (first.rfind("WEBVTT", 0) != 0 || (first.size() > 6 && first[6] != ' ' && first[6] != '\t'))
      throw ConvertError(in.path, "malformed", "line 1: a WebVTT file starts with \"WEBVTT\"");
    std::string title = trim(first.substr(6));
    if (title.rfind("-", 0) == 0) title = trim(title.substr(1));
    std::string lang;
    std::size_t i = 1;
    for (; i < lines.size() && !blank(lines[i]); ++i) {
      auto colon = lines[i].find(':');
      if (colon != std::string::npos && trim(lines[i].substr(0, colon)) == "Language")
        lang = trim(lines[i].substr(colon + 1));
    }
    std::vector<Cue> cues;
    while (i < lines.size()) {
      if (blank(lines[i])) {
        ++i;
        continue;
      }
      const std::string& l = lines[i];
      auto keyword = [&](const char* k) {
        std::size_t n = std::strlen(k);
        return l.rfind(k, 0) == 0 && (l.size() == n || l[n] == ' ' || l[n] == '\t');
      };
      if (keyword("NOTE") || keyword("STYLE") || keyword("REGION")) {
        while (i < lines.size() && !blank(lines[i])) ++i;
        continue;
      }
      Cue cue;
      if (l.find("-->") == std::string::npos) {  // a cue identifier
        if (i + 1 >= lines.size() || lines[i + 1].find("-->") == std::string::npos)
          throw ConvertError(in.path, "malformed",
                             "line " + std::to_string(i + 2) +
                                 ": expected a cue timing line ([HH:]MM:SS.mmm --> [HH:]MM:SS.mmm) after \"" +
                                 trim(l).substr(0, 40) + "\"");
        ++i;
      }
      parse_timing(in.path, lines[i], i + 1, true, cue);
      ++i;
      while (i < lines.size() && !blank(lines[i])) {
        std::string voice;
        cue.lines.push_back(strip_markup(lines[i++], &voice));
        cue.voices.push_back(voice);
      }
      cues.push_back(std::move(cue));
    }
    Document d = document_of(in, cues, enc);
    d.title = title;
    d.lang = lang;
    return {std::move(d)};
  }
};

}  // namespace

std::unique_ptr<Converter> make_srt_converter() {
  return std::make_unique<SrtConverter>();
}
std::unique_ptr<Converter> make_vtt_converter() {
  return std::make_unique<VttConverter>();
}

}  // namespace tongwen
