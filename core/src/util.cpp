#include "tongwen/util.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <sys/stat.h>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "tongwen/errors.h"
#include "tongwen/text.h"

namespace tongwen {

const char* version() noexcept {
  return TONGWEN_VERSION;
}

std::string sha256_hex(std::string_view bytes) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(bytes.data(), static_cast<unsigned>(bytes.size()));
  return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string read_file(const std::string& path, std::uint64_t max_bytes) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw EnvironmentError("io", path + ": cannot read: " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw EnvironmentError("io", path + ": is a folder, not a file");
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes)
    throw ConvertError(path, "too_large",
                       "file is " + std::to_string(st.st_size) + " bytes, over the limit of " +
                           std::to_string(max_bytes) + " (convert.max_file_mb)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw EnvironmentError("io", path + ": cannot open: " + std::strerror(errno));
  std::string data(static_cast<std::size_t>(st.st_size), '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<std::size_t>(in.gcount()));
  return data;
}

void append_html_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
}

std::vector<std::string> split_fields(std::string_view line, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto at = line.find(sep, start);
    out.emplace_back(line.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

namespace {

bool is_space_cp(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0xA0 ||
         c == 0x3000 || c == 0xFEFF || c == 0x200B || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x85;
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

void for_each_data_line(const std::string& path, const std::string& what,
                        const std::function<void(const std::string& line, int number)>& f) {
  std::ifstream in(path);
  if (!in) throw EnvironmentError("io", "cannot read " + what + " " + path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    f(line, n);
  }
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  append_html_escaped(out, text);
  return out;
}

}  // namespace tongwen
