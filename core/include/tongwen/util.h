// Small shared helpers: hashing, whole-file reads, field splitting, trimming, HTML escaping.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace tongwen {

// The release, from CMake's project(VERSION) (the one place it is written).
const char* version() noexcept;

// Lowercase hex SHA-256 of bytes.
std::string sha256_hex(std::string_view bytes);
// Reads a whole file; throws ConvertError(path, "too_large") above max_bytes and
// EnvironmentError("io") when it cannot be read.
std::string read_file(const std::string& path, std::uint64_t max_bytes = UINT64_MAX);
// The fields of a line separated by `sep`, empty ones included ("a\t\tb" -> a, "", b).
std::vector<std::string> split_fields(std::string_view line, char sep);
// Trims ASCII and Unicode white space (U+3000, NBSP, zero-width space, BOM...) at both ends.
std::string trim(std::string_view s);
// Calls f(line, line number) for every line of a text file that is neither empty nor a `#`
// comment (a CRLF's CR removed). Throws EnvironmentError("io", "cannot read WHAT PATH").
void for_each_data_line(const std::string& path, const std::string& what,
                        const std::function<void(const std::string& line, int number)>& f);
// HTML-escapes & < > " '.
void append_html_escaped(std::string& out, std::string_view text);
std::string html_escape(std::string_view text);

}  // namespace tongwen
