#include <sstream>

#include "converters.h"
#include "tongwen/text.h"

namespace tongwen {

namespace {

// Code point that ends s / starts s (0 when empty).
char32_t last_cp(std::string_view s) {
  if (s.empty()) return 0;
  std::size_t i = s.size() - 1;
  while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  std::size_t j = i;
  return text::next_code_point(s, j);
}

char32_t first_cp(std::string_view s) {
  if (s.empty()) return 0;
  std::size_t i = 0;
  return text::next_code_point(s, i);
}

bool is_cjk_or_punct(char32_t c) {
  return text::is_cjk(c) || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFFEF);
}

}  // namespace

std::string join_lines(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto nl = text.find('\n', start);
    std::string line =
        trim(text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
    if (!line.empty()) {
      if (!out.empty()) {
        // No space between Chinese text across a line break; a space between Latin words.
        if (!(is_cjk_or_punct(last_cp(out)) && is_cjk_or_punct(first_cp(line)))) out.push_back(' ');
      }
      out += line;
    }
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return out;
}

std::vector<std::string> split_paragraphs(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  std::size_t start = 0;
  auto flush = [&] {
    std::string p = join_lines(cur);
    if (!p.empty()) out.push_back(std::move(p));
    cur.clear();
  };
  while (start <= text.size()) {
    auto nl = text.find('\n', start);
    std::string_view line =
        text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    if (trim(line).empty()) {
      flush();
    } else {
      cur.append(line);
      cur.push_back('\n');
    }
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  flush();
  return out;
}

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  std::size_t i = 0;
  auto flush = [&] {
    std::string t = trim(cur);
    if (!t.empty()) out.push_back(std::move(t));
    cur.clear();
  };
  while (i < s.size()) {
    std::size_t start = i;
    char32_t c = text::next_code_point(s, i);
    if (c == ';' || c == 0xFF1B /* ； */ || c == 0x3001 /* 、 */) {
      flush();
    } else {
      cur.append(s.substr(start, i - start));
    }
  }
  flush();
  return out;
}

}  // namespace tongwen
