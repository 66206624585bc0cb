// JSON Lines (.jsonl, .ndjson): one document per line, with the model's field names (see
// document_from_json in core/model.h: id, lang, type, title, description, event, session, date,
// speakers as strings or {name, affiliation}, topics, paragraphs as strings or objects, or one
// `text`/`content` string; other string or number fields go into extra).
//
// What this converter adds to the core mapping:
//   - `text`/`content` is split at blank lines and the lines of each paragraph are joined with
//     join_lines (hard-wrapped Chinese joins without spaces);
//   - `year` (a 4-digit string or number) becomes the date when there is no `date`;
//   - blank lines are skipped; a UTF-8 byte order mark on the first line is ignored.
// Errors name the file and the line: "corpus.jsonl: line 17: invalid JSON: ...".
//
// One bad line fails the whole file (ConvertError at the first bad line, "malformed",
// "encoding" or "missing_field"): a JSON Lines file is one unit for the bulk loader, which
// reports the file with that line and loads it again once fixed, instead of indexing a silently
// partial file. Documents emitted before the bad line have already been handed to `emit`; the
// loader decides what to do with them (it reports per file).
//
// Streaming: convert_stream reads one line at a time, so memory is one line plus one document.
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "converters.h"
#include "tongwen/errors.h"
#include "tongwen/json.h"
#include "tongwen/text.h"

namespace tongwen {

namespace {

// A record is a flat object with a list or two: anything deeper is not a document.
constexpr std::size_t kMaxDepth = 32;

std::string at_line(std::size_t n) {
  return "line " + std::to_string(n) + ": ";
}

std::optional<Document> record(const std::string& path, std::string_view line, std::size_t n) {
  if (n == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.find_first_not_of(" \t") == std::string_view::npos) return std::nullopt;
  if (!text::is_valid_utf8(line))
    throw ConvertError(path, "encoding", at_line(n) + "not valid UTF-8 (JSON Lines files are UTF-8)");
  Poco::JSON::Object::Ptr o;
  try {
    Poco::JSON::Parser parser;
    parser.setDepth(kMaxDepth);
    Poco::Dynamic::Var v = parser.parse(std::string(line));
    if (v.type() != typeid(Poco::JSON::Object::Ptr))
      throw ConvertError(path, "malformed", at_line(n) + "a record must be a JSON object ({...})");
    o = v.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception& e) {
    throw ConvertError(path, "malformed", at_line(n) + "invalid JSON: " + e.message());
  }
  Document d;
  try {
    d = document_from_object(o);
  } catch (const UserError& e) {
    throw ConvertError(path, "malformed", at_line(n) + e.what());
  }
  bool has_paragraphs = o->has("paragraphs") && !o->isNull("paragraphs");
  if (!has_paragraphs)
    for (auto& p : d.paragraphs) p.text = join_lines(p.text);
  if (d.date.empty()) {
    auto y = d.extra.find("year");
    if (y != d.extra.end()) {
      const std::string& year = y->second;
      if (year.size() == 4 && std::all_of(year.begin(), year.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c));
          })) {
        d.date = year;
        d.extra.erase(y);
      }
    }
  }
  bool has_text = false;
  for (const auto& p : d.paragraphs) has_text = has_text || !trim(p.text).empty();
  if (!has_text && trim(d.title).empty())
    throw ConvertError(path, "missing_field",
                       at_line(n) + "the record has neither a title nor text (paragraphs, text or content)");
  return d;
}

class JsonlConverter final : public Converter {
 public:
  std::string_view name() const override { return "jsonl"; }
  std::string_view description() const override {
    return "JSON Lines (.jsonl, .ndjson): one document per line with the model's field names; streamed";
  }
  std::vector<std::string_view> extensions() const override { return {"jsonl", "ndjson"}; }
  int sniff(std::string_view, std::string_view head) const override {
    if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
    if (head.empty() || head[0] != '{') return 0;
    auto nl = head.find('\n');
    if (nl == std::string_view::npos) return 20;
    std::string_view first = head.substr(0, nl);
    while (!first.empty() && (first.back() == '\r' || first.back() == ' ')) first.remove_suffix(1);
    return first.ends_with("}") && nl + 1 < head.size() && head[nl + 1] == '{' ? 80 : 30;
  }
  bool streams() const override { return true; }

  std::vector<Document> convert(const ConvertInput& in) const override {
    std::vector<Document> out;
    std::string_view b = in.bytes;
    std::size_t start = 0, n = 0;
    while (start < b.size()) {
      auto nl = b.find('\n', start);
      std::string_view line =
          b.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
      if (auto d = record(in.path, line, ++n)) out.push_back(std::move(*d));
      if (nl == std::string_view::npos) break;
      start = nl + 1;
    }
    if (out.empty()) throw ConvertError(in.path, "no_text", "contains no records (only blank lines)");
    return out;
  }

  // A JSON Lines file of any size streams; one line (one document) is bounded by
  // convert.max_file_mb, checked while it is read so that a huge line is never held whole.
  void convert_stream(const std::string& path, std::istream& in, const ConvertLimits& limits,
                      const std::function<void(Document&&)>& emit) const override {
    std::string line, chunk(1 << 16, '\0');
    std::size_t n = 0, emitted = 0;
    auto take = [&] {
      if (auto d = record(path, line, ++n)) {
        emit(std::move(*d));
        ++emitted;
      }
      line.clear();
    };
    while (in) {
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      std::string_view got(chunk.data(), static_cast<std::size_t>(in.gcount()));
      while (!got.empty()) {
        auto nl = got.find('\n');
        std::string_view part = got.substr(0, nl);
        if (line.size() + part.size() > limits.max_file_bytes)
          throw ConvertError(path, "too_large",
                             "line " + std::to_string(n + 1) + " is over the limit of " +
                                 std::to_string(limits.max_file_bytes) + " bytes (convert.max_file_mb)");
        line.append(part);
        if (nl == std::string_view::npos) break;
        take();
        got.remove_prefix(nl + 1);
      }
    }
    if (in.bad()) throw EnvironmentError("io", path + ": read error at line " + std::to_string(n + 1));
    if (!line.empty()) take();
    if (emitted == 0) throw ConvertError(path, "no_text", "contains no records (only blank lines)");
  }
};

}  // namespace

std::unique_ptr<Converter> make_jsonl_converter() {
  return std::make_unique<JsonlConverter>();
}

}  // namespace tongwen
