#include "tongwen/manifest.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include "tongwen/errors.h"
#include "tongwen/text.h"
#include "tongwen/util.h"

namespace tongwen {

namespace fs = std::filesystem;

std::string normal_absolute(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::absolute(fs::path(path), ec);
  if (ec) p = fs::path(path);
  std::string s = p.lexically_normal().string();
  if (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

std::vector<CsvRecord> parse_csv(std::string_view text, std::size_t* unterminated_line) {
  std::vector<CsvRecord> out;
  if (unterminated_line) *unterminated_line = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::size_t line = 1, i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    CsvRecord rec;
    rec.line = line;
    std::string field;
    bool end_of_record = false;
    while (!end_of_record) {
      field.clear();
      if (i < n && text[i] == '"') {
        // Quoted field: "" is a quote; commas and line breaks are literal.
        std::size_t started = line;
        ++i;
        bool closed = false;
        while (i < n) {
          char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (c == '\n') ++line;
          field += c;
          ++i;
        }
        if (!closed && unterminated_line) *unterminated_line = started;
        // Anything between the closing quote and the separator is kept (lenient, like most readers).
        while (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') field += text[i++];
      } else {
        while (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') field += text[i++];
      }
      rec.fields.push_back(field);
      if (i >= n) {
        end_of_record = true;
      } else if (text[i] == ',') {
        ++i;
      } else {
        // CRLF, LF or a lone CR ends the record.
        if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
        ++i;
        ++line;
        end_of_record = true;
      }
    }
    out.push_back(std::move(rec));
  }
  return out;
}

namespace {

std::string lower_trim(std::string s) {
  s = trim(s);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool blank_record(const CsvRecord& r) {
  return std::all_of(r.fields.begin(), r.fields.end(), [](const std::string& f) { return trim(f).empty(); });
}

}  // namespace

Manifest parse_manifest(const std::string& file, std::string_view text) {
  Manifest m;
  m.file = file;
  if (!text::is_valid_utf8(text))
    throw UserError("manifest", file + ": is not UTF-8 text (save the manifest as UTF-8 CSV)");
  std::size_t unterminated = 0;
  std::vector<CsvRecord> records = parse_csv(text, &unterminated);
  while (!records.empty() && blank_record(records.front())) records.erase(records.begin());
  if (records.empty())
    throw UserError("manifest", file + ": is empty (it needs a header row with a path column)");

  const CsvRecord& header = records.front();
  const auto& known = metadata_keys();
  std::vector<std::string> keys;  // per column: "path", a metadata key, or "" (ignored)
  int path_column = -1;
  std::map<std::string, std::size_t> seen;
  for (std::size_t c = 0; c < header.fields.size(); ++c) {
    std::string name = lower_trim(header.fields[c]);
    m.columns.push_back(trim(header.fields[c]));
    std::string key;
    if (name == "path") {
      key = "path";
    } else if (std::find(known.begin(), known.end(), name) != known.end()) {
      key = name;
      std::replace(key.begin(), key.end(), '_', '-');
    }
    std::string where = file + " line " + std::to_string(header.line) + ": ";
    if (key.empty()) {
      std::string list = "path";
      for (const auto& k : known)
        if (k.find('_') == std::string::npos) list += ", " + k;
      m.problems.push_back({header.line, file,
                            where +
                                (name.empty() ? "column " + std::to_string(c + 1) + " has no name"
                                              : "unknown column \"" + trim(header.fields[c]) + "\"") +
                                "; its values are ignored (known columns: " + list + ")"});
    } else if (auto [it, fresh] = seen.emplace(key, c); !fresh) {
      m.problems.push_back({header.line, file,
                            where + "column \"" + trim(header.fields[c]) + "\" repeats column " +
                                std::to_string(it->second + 1) + "; its values are ignored"});
      key.clear();
    }
    if (key == "path") path_column = static_cast<int>(c);
    keys.push_back(key);
  }
  if (path_column < 0)
    throw UserError("manifest", file + " line " + std::to_string(header.line) +
                                    ": no \"path\" column (the header must name one column path)");

  std::string folder = fs::path(file).parent_path().string();
  std::map<std::string, std::size_t> lines_by_path;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& rec = records[r];
    if (blank_record(rec)) continue;
    std::string where = file + " line " + std::to_string(rec.line) + ": ";
    std::string given =
        rec.fields.size() > static_cast<std::size_t>(path_column) ? trim(rec.fields[path_column]) : "";
    if (rec.fields.size() > keys.size()) {
      m.problems.push_back({rec.line, given.empty() ? file : given,
                            where + "the row has " + std::to_string(rec.fields.size()) +
                                " cells but the header has " + std::to_string(keys.size()) +
                                " columns (a comma inside an unquoted field?); row ignored"});
      continue;
    }
    if (given.empty()) {
      m.problems.push_back({rec.line, file, where + "the path cell is empty; row ignored"});
      continue;
    }
    ManifestRow row;
    row.line = rec.line;
    fs::path p(given);
    row.path = p.is_absolute() || folder.empty() ? p.lexically_normal().string()
                                                 : (fs::path(folder) / p).lexically_normal().string();
    row.absolute = normal_absolute(row.path);
    if (auto [it, fresh] = lines_by_path.emplace(row.absolute, rec.line); !fresh) {
      m.problems.push_back({rec.line, row.path,
                            where + "\"" + given + "\" is already listed on line " +
                                std::to_string(it->second) + "; row ignored"});
      continue;
    }
    for (std::size_t c = 0; c < rec.fields.size(); ++c) {
      if (keys[c].empty() || keys[c] == "path") continue;
      std::string v = trim(rec.fields[c]);
      if (!v.empty()) row.overrides[keys[c]] = v;
    }
    m.rows.push_back(std::move(row));
  }
  if (unterminated)
    m.problems.push_back(
        {unterminated, file,
         file + " line " + std::to_string(unterminated) +
             ": a quoted field is never closed (a missing \"); the rest of the file was read as that field"});
  return m;
}

Manifest read_manifest(const std::string& file) {
  std::string text;
  try {
    text = read_file(file, 256ull << 20);
  } catch (const Error& e) {
    throw UserError("manifest", std::string("cannot read the manifest: ") + e.what());
  }
  return parse_manifest(file, text);
}

}  // namespace tongwen
