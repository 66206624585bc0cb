#include <sstream>

#include "converters.h"
#include "tongwen/text.h"

namespace tongwen {

namespace {

bool is_space_cp(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0xA0 ||
         c == 0x3000 || c == 0xFEFF || c == 0x200B || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x85;
}

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

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e) {
    std::size_t i = b;
    char32_t c = text::next_code_point(s, i);
    if (!is_space_cp(c)) break;
    b = i;
  }
  while (e > b) {
    std::size_t k = e - 1;
    while (k > b && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
    std::size_t i = k;
    char32_t c = text::next_code_point(s, i);
    if (!is_space_cp(c)) break;
    e = k;
  }
  return std::string(s.substr(b, e - b));
}

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
