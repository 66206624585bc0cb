// PDF through poppler-cpp: the text layer of every page in reading order, rebuilt into
// paragraphs from the geometry of the words, plus the info dictionary (Title, Author, Keywords,
// Subject, CreationDate).
//
// Paragraphs. poppler gives words with boxes and font sizes in reading order; words on one
// baseline form a line. A new paragraph starts before a line when
//   - the font size changes (a heading and its body), or
//   - the gap above it is clearly larger than the usual line pitch (paragraph spacing), or
//   - the line above ends short: the first word (for Chinese, the first character) of this line
//     would have fitted in the space left at its end, so the writer broke the line on purpose, or
//   - it is indented by one to four characters against the left margin while the line above is
//     not (first-line indentation, as in Chinese official documents).
// Lines of one paragraph are joined with join_lines (no space between Chinese characters); a
// line ending in a hyphen before a lower-case word is joined without a space. A paragraph that
// runs on to the next page stays one paragraph. Its anchor is the page it starts on ("p3").
// Lines in a font clearly larger than the body text are headings. A lone page number at the top
// or bottom of a page is dropped.
//
// Failures: no %PDF- header or a file poppler cannot open -> "malformed" (with poppler's first
// error); a password needed to open it -> "encrypted" (a file encrypted with an empty user
// password, i.e. only restricted permissions, is read like any other); no text on any page ->
// "no_text" (a scan without OCR).
//
// Bounds: poppler is a large C++ parser fed hostile bytes. What is bounded here: the input size
// (convert.max_file_mb), the extracted text (convert.max_unzipped_mb, the same budget as inflated
// zip bytes), and the wall time, checked between pages (convert.timeout_seconds, kind
// "timeout"). Time and memory inside a single page (a crafted content stream or image can make
// poppler slow or large) and poppler's crashes are bounded by running the converter in a worker
// process with rlimits (isolated(); tongwen/convert_worker.h), as Omega does.
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>

#include "converters.h"
#include "tongwen/errors.h"
#include "tongwen/text.h"

namespace tongwen {

namespace {

// poppler reports through one process-wide callback; each conversion collects its own messages
// (thread_local), and nothing reaches stderr.
thread_local std::vector<std::string>* t_poppler_errors = nullptr;

void poppler_message(const std::string& msg, void*) {
  if (t_poppler_errors && t_poppler_errors->size() < 5) t_poppler_errors->push_back(msg);
}

void install_poppler_callback() {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function(poppler_message, nullptr); });
}

struct ErrorCapture {
  std::vector<std::string> errors;
  ErrorCapture() { t_poppler_errors = &errors; }
  ~ErrorCapture() { t_poppler_errors = nullptr; }
  ErrorCapture(const ErrorCapture&) = delete;
  ErrorCapture& operator=(const ErrorCapture&) = delete;
  std::string first() const { return errors.empty() ? std::string() : trim(errors.front()); }
};

std::string utf8(const poppler::ustring& s) {
  if (s.empty()) return {};
  poppler::byte_array b = s.to_utf8();
  std::string out(b.begin(), b.end());
  while (!out.empty() && out.back() == '\0') out.pop_back();
  return out;
}

bool is_cjk_start(const std::string& s) {
  std::size_t i = 0;
  return !s.empty() && text::is_cjk(text::next_code_point(s, i));
}

struct Line {
  double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
  double font = 0;
  double first_unit = 0;  // width of the first word, or of the first character of Chinese text
  std::string text;
};

struct PageLines {
  int number = 0;  // 1-based
  std::vector<Line> lines;
};

// Words (in poppler's reading order) -> lines.
std::vector<Line> lines_of(const std::vector<poppler::text_box>& boxes) {
  std::vector<Line> lines;
  bool space_pending = false;
  for (const auto& box : boxes) {
    std::string t = utf8(box.text());
    if (t.empty()) continue;
    auto r = box.bbox();
    double font = box.has_font_info() ? box.get_font_size() : r.height();
    if (font <= 0) font = std::max(1.0, r.height());
    double mid = (r.top() + r.bottom()) / 2;
    bool same = false;
    if (!lines.empty()) {
      const Line& l = lines.back();
      double lmid = (l.y0 + l.y1) / 2;
      double h = std::min(l.y1 - l.y0, r.height());
      same = std::abs(mid - lmid) < 0.5 * std::max(h, 1.0) && r.left() >= l.x1 - 0.5 * font;
    }
    if (same) {
      Line& l = lines.back();
      if (space_pending) l.text.push_back(' ');
      l.text += t;
      l.x1 = std::max(l.x1, r.right());
      l.y0 = std::min(l.y0, r.top());
      l.y1 = std::max(l.y1, r.bottom());
      l.font = std::max(l.font, font);
    } else {
      Line l;
      l.x0 = r.left();
      l.x1 = r.right();
      l.y0 = r.top();
      l.y1 = r.bottom();
      l.font = font;
      l.text = t;
      if (is_cjk_start(t)) {
        auto c = box.char_bbox(0);
        l.first_unit = c.width() > 0 ? c.width() : font;
      } else {
        l.first_unit = r.width();
      }
      lines.push_back(std::move(l));
    }
    space_pending = box.has_space_after();
  }
  return lines;
}

bool page_number_line(const std::string& s) {
  std::string t = trim(s);
  if (t.empty() || t.size() > 24) return false;
  std::size_t digits = 0, i = 0;
  while (i < t.size()) {
    std::size_t start = i;
    char32_t c = text::next_code_point(t, i);
    if (c >= '0' && c <= '9') {
      ++digits;
      continue;
    }
    std::string_view ch(t.data() + start, i - start);
    if (c == ' ' || c == '-' || c == 0x2013 || c == 0x2014 || ch == "第" || ch == "页" || ch == "頁" ||
        c == '/' || t.compare(start, 4, "Page") == 0 || t.compare(start, 4, "page") == 0) {
      if (t.compare(start, 4, "Page") == 0 || t.compare(start, 4, "page") == 0) i = start + 4;
      continue;
    }
    return false;
  }
  return digits > 0 && digits <= 4;
}

bool ends_sentence(const std::string& line) {
  std::string t = trim(line);
  for (std::string_view end : {".", "!", "?", "。", "！", "？", ".\"", ".”", "。”", "！”", "？”", "：", ":"})
    if (t.ends_with(end)) return true;
  return false;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// Joins the lines of one paragraph: join_lines, except that "co-\noperation" keeps the hyphen and
// loses the line break.
std::string join_paragraph(const std::vector<std::string>& lines) {
  std::string raw;
  for (const auto& l : lines) {
    if (!raw.empty()) {
      bool hyphen = raw.size() >= 2 && raw.back() == '-' &&
                    std::isalpha(static_cast<unsigned char>(raw[raw.size() - 2])) && !l.empty() &&
                    std::islower(static_cast<unsigned char>(l[0]));
      if (!hyphen) raw.push_back('\n');
    }
    raw += l;
  }
  return join_lines(raw);
}

class Layout {
 public:
  explicit Layout(const std::vector<PageLines>& pages) {
    std::map<long, double> font_weight;
    for (const auto& p : pages)
      for (const auto& l : p.lines)
        font_weight[std::lround(l.font * 2)] += static_cast<double>(l.text.size());
    double best = -1;
    for (const auto& [f, w] : font_weight)
      if (w > best) {
        best = w;
        body_font_ = static_cast<double>(f) / 2;
      }
    std::map<long, double> left_weight;
    std::vector<double> pitches, rights;
    for (const auto& p : pages) {
      for (std::size_t i = 0; i < p.lines.size(); ++i) {
        const Line& l = p.lines[i];
        if (!body(l)) continue;
        rights.push_back(l.x1);
        left_weight[std::lround(l.x0)] += 1;
        if (i > 0 && body(p.lines[i - 1])) {
          double d = l.y0 - p.lines[i - 1].y0;
          if (d > 0) pitches.push_back(d);
        }
      }
    }
    best = -1;
    for (const auto& [x, w] : left_weight)
      if (w > best) {
        best = w;
        left_ = static_cast<double>(x);
      }
    // Where full lines end: most body lines are full, and the few that reach further (a Latin
    // word squeezed in at the end of a Chinese line) must not make every full line look short.
    if (!rights.empty()) {
      auto k = static_cast<std::ptrdiff_t>(static_cast<double>(rights.size() - 1) * 0.85);
      std::nth_element(rights.begin(), rights.begin() + k, rights.end());
      right_ = rights[static_cast<std::size_t>(k)];
    }
    pitch_ = median(pitches);
    if (pitch_ <= 0) pitch_ = body_font_ * 1.4;
  }

  bool body(const Line& l) const { return std::abs(l.font - body_font_) <= 0.1 * body_font_; }
  bool heading(const Line& l) const { return l.font >= 1.15 * body_font_; }

  // Whether `b` starts a new paragraph after `a`. same_page: the vertical gap means something.
  bool breaks(const Line& a, const Line& b, bool same_page) const {
    double big = std::max(a.font, b.font);
    if (std::abs(a.font - b.font) > 0.15 * big) return true;
    if (same_page && b.y0 > a.y0) {
      double expected = pitch_ * (a.font / body_font_);
      if (b.y0 - a.y0 > 1.45 * expected) return true;
    }
    if (right_ - a.x1 > b.first_unit + a.font) return true;
    // Across a page break the spacing says nothing; a full last line that ends a sentence most
    // likely ends its paragraph too.
    if (!same_page && ends_sentence(a.text)) return true;
    bool b_indented = b.x0 - left_ > 0.9 * b.font && b.x0 - left_ < 4.5 * b.font;
    bool a_indented = a.x0 - left_ > 0.5 * a.font;
    return b_indented && !a_indented;
  }

 private:
  double body_font_ = 12, left_ = 0, right_ = 0, pitch_ = 0;
};

std::vector<Paragraph> paragraphs_of(std::vector<PageLines>& pages) {
  // Lone page numbers at the top or bottom of a page.
  for (auto& p : pages) {
    if (!p.lines.empty() && page_number_line(p.lines.back().text)) p.lines.pop_back();
    if (!p.lines.empty() && page_number_line(p.lines.front().text)) p.lines.erase(p.lines.begin());
  }
  Layout layout(pages);
  std::vector<Paragraph> out;
  std::vector<std::string> cur;
  const Line* prev = nullptr;
  std::string anchor;
  bool cur_heading = false;
  auto flush = [&] {
    if (cur.empty()) return;
    Paragraph p;
    p.text = join_paragraph(cur);
    p.anchor = anchor;
    if (cur_heading) p.kind = "heading";
    if (!p.text.empty()) out.push_back(std::move(p));
    cur.clear();
  };
  for (const auto& page : pages) {
    bool first = true;
    for (const auto& line : page.lines) {
      if (!prev || layout.breaks(*prev, line, !first) || (cur_heading && first)) {
        flush();
        anchor = "p" + std::to_string(page.number);
        cur_heading = layout.heading(line);
      }
      cur.push_back(trim(line.text));
      prev = &line;
      first = false;
    }
  }
  flush();
  return out;
}

// "human rights; United Nations", "a, b", "甲、乙" -> items.
std::vector<std::string> keyword_list(std::string s) {
  for (const char* sep : {",", "，"})
    for (auto p = s.find(sep); p != std::string::npos; p = s.find(sep)) s.replace(p, std::strlen(sep), ";");
  return split_list(s);
}

std::string date_of(std::time_t t) {
  if (t <= 0) return {};
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return {};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}

class PdfConverter final : public Converter {
 public:
  std::string_view name() const override { return "pdf"; }
  bool isolated() const override { return true; }  // poppler, a large C++ parser, on hostile bytes
  std::string_view description() const override {
    return "PDF with a text layer (poppler): paragraphs from the page layout; title, author, keywords, date";
  }
  std::vector<std::string_view> extensions() const override { return {"pdf"}; }
  int sniff(std::string_view, std::string_view head) const override {
    return head.substr(0, 1024).find("%PDF-") != std::string_view::npos ? 95 : 0;
  }

  std::vector<Document> convert(const ConvertInput& in) const override {
    install_poppler_callback();
    if (in.bytes.substr(0, 1024).find("%PDF-") == std::string_view::npos)
      throw ConvertError(in.path, "malformed", "not a PDF (no %PDF- header)");
    if (in.bytes.size() > static_cast<std::size_t>(INT_MAX))
      throw ConvertError(in.path, "too_large", "PDF larger than 2 GiB");
    ErrorCapture capture;
    std::unique_ptr<poppler::document> doc(
        poppler::document::load_from_raw_data(in.bytes.data(), static_cast<int>(in.bytes.size())));
    if (!doc) {
      std::string why = capture.first();
      throw ConvertError(in.path, "malformed",
                         "corrupt PDF: poppler cannot open it" + (why.empty() ? "" : " (" + why + ")"));
    }
    if (doc->is_locked())
      throw ConvertError(in.path, "encrypted", "the PDF is encrypted and needs a password to open");
    int pages = doc->pages();
    if (pages <= 0) throw ConvertError(in.path, "malformed", "corrupt PDF: no pages");

    Document d;
    d.title = trim(utf8(doc->get_title()));
    for (auto& a : split_list(utf8(doc->get_author()))) d.speakers.push_back(Speaker{a, {}});
    d.topics = keyword_list(utf8(doc->get_keywords()));
    if (auto subject = trim(utf8(doc->get_subject())); !subject.empty()) d.extra["subject"] = subject;
    d.date = date_of(doc->get_creation_date_t());
    d.extra["pages"] = std::to_string(pages);

    auto start = std::chrono::steady_clock::now();
    std::uint64_t text_bytes = 0;
    std::vector<PageLines> page_lines;
    for (int i = 0; i < pages; ++i) {
      auto elapsed = std::chrono::steady_clock::now() - start;
      if (in.limits.timeout_seconds > 0 && elapsed > std::chrono::seconds(in.limits.timeout_seconds))
        throw ConvertError(in.path, "timeout",
                           "conversion took longer than " + std::to_string(in.limits.timeout_seconds) +
                               " s (convert.timeout_seconds) at page " + std::to_string(i + 1) + " of " +
                               std::to_string(pages));
      std::unique_ptr<poppler::page> page(doc->create_page(i));
      if (!page) continue;
      PageLines pl;
      pl.number = i + 1;
      pl.lines = lines_of(page->text_list(poppler::page::text_list_include_font));
      for (const auto& l : pl.lines) text_bytes += l.text.size();
      if (text_bytes > in.limits.max_unzipped_bytes)
        throw ConvertError(in.path, "too_large",
                           "the text layer exceeds " + std::to_string(in.limits.max_unzipped_bytes) +
                               " bytes (convert.max_unzipped_mb) at page " + std::to_string(i + 1));
      page_lines.push_back(std::move(pl));
    }
    d.paragraphs = paragraphs_of(page_lines);
    if (d.paragraphs.empty())
      throw ConvertError(in.path, "no_text",
                         "has no text layer (scanned?): " + std::to_string(pages) + " page" +
                             (pages == 1 ? "" : "s") + " without extractable text");
    if (d.title.empty() && d.paragraphs.front().kind == "heading") d.title = d.paragraphs.front().text;
    return {std::move(d)};
  }
};

}  // namespace

std::unique_ptr<Converter> make_pdf_converter() {
  return std::make_unique<PdfConverter>();
}

}  // namespace tongwen

#if defined(__SANITIZE_ADDRESS__)
// poppler resolves non-embedded fonts through fontconfig, which keeps a small configuration
// (288 bytes) for the life of the process and never frees it: not our leak, and LeakSanitizer
// would fail every sanitized binary that converts such a PDF. Linked into every program that
// links the converters, so the CLI and all tests share the suppression.
//
// Xapian 1.4's Glass compaction (Database::compact, used by `tongwen backup`) keeps its merge
// cursors in raw pointers and does not free them when a concurrent commit interrupts it with
// DatabaseModifiedError; backup then starts again at the newest revision. The frames of those
// allocations are all inside libxapian (it has no frame pointers, so LeakSanitizer cannot see who
// called it): suppressed by module, the only match possible.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\nleak:libxapian.so\n";
}
#endif
