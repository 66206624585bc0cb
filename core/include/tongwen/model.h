// The one document model every converter produces and every other module consumes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tongwen {

struct Speaker {
  std::string name;
  std::string affiliation;  // may be empty
  bool operator==(const Speaker&) const = default;
};

struct Paragraph {
  std::string text;     // UTF-8, as written in the source (not normalised)
  std::string speaker;  // name of who says it, where known (transcripts, TEI utterances)
  std::string lang;     // language of this paragraph when it differs from the document's
  std::string kind;     // "" = body paragraph, "heading", "cue" (subtitle), "segment" (TMX/TED unit)
  std::string anchor;   // source-given alignment id (TED/WMT seg id, TMX tuid); empty if none
  bool operator==(const Paragraph&) const = default;
};

struct Source {
  std::string path;      // where it was loaded from
  std::string format;    // converter name: "text", "ted-xml", "html", ...
  std::string sha256;    // of the input file's bytes
  std::string encoding;  // detected or declared encoding of the input ("UTF-8", "GB18030", ...)
  std::uint64_t size = 0;
  bool operator==(const Source&) const = default;
};

struct Document {
  std::string id;    // stable: survives re-runs and edits of its file
  std::string lang;  // BCP 47: "zh-Hans", "zh-Hant", "en", or another tag; "und" if unknown
  std::string type;  // "speech", "policy", "transcript", "panel", "report", "news", ...
  std::string title;
  std::string description;  // abstract or summary, when the source has one
  std::string event;        // "2023 Forum on Science and Technology Innovation"
  std::string session;      // a session or panel within the event
  std::string date;         // ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD
  std::vector<Speaker> speakers;
  std::vector<std::string> topics;           // may be hierarchical: "AI/Governance"
  std::string translation_of;                // id of the version this one translates, as declared
  std::string translation_group;             // shared by all versions of one text
  std::map<std::string, std::string> extra;  // source-specific metadata (url, talkid, ...)
  Source source;
  std::vector<Paragraph> paragraphs;

  bool operator==(const Document&) const = default;

  // The four-digit year of `date`, or "" when there is none.
  std::string year() const;
  // Title, description, paragraphs, then speakers' names and affiliations: the text that a plain
  // search covers, one string per unit (the same units the index separates by position gaps).
  std::vector<std::string_view> searchable_units() const;
  // Total length in bytes of the paragraphs' text.
  std::size_t text_bytes() const;
};

// Compact binary form stored as Xapian document data. Round-trips every field exactly.
std::string serialise(const Document& doc);
Document unserialise(std::string_view data);
// Appends the part of a document its alignments depend on, for digests: every paragraph as
// text 0x1F anchor 0x1F lang 0x1E (the alignment store's content hash and export's digests).
void append_paragraph_bytes(std::string& out, const Document& doc);

// JSON text for `tongwen convert`, the HTTP API and JSON Lines input. Field names are the model's:
// id, lang, type, title, description, event, session, date, speakers [{name, affiliation}],
// topics, translation_of, translation_group, extra, source {path, format, sha256, encoding, size},
// paragraphs [{text, speaker, lang, kind, anchor}]. Empty optional fields are left out.
std::string to_json(const Document& doc, bool pretty = false);
// Accepts the same fields; `speakers` may be plain strings, `paragraphs` plain strings, and
// `text` (one string, split at blank lines) may replace `paragraphs`. Unknown fields go into
// `extra` when they are strings. Throws UserError("malformed", ...) on bad JSON or bad types.
Document document_from_json(std::string_view json);

// Why a document id cannot be used, or "" when it can. An id names a document in URLs
// (/api/documents/{id}), in export file names and in Xapian terms, so it must be one path segment:
// no '/', no '\\', not "." or "..", no control character or NUL, valid UTF-8, at most
// MAX_ID_BYTES bytes (a Xapian term is at most 245 bytes, prefix included), not empty.
constexpr std::size_t MAX_ID_BYTES = 200;
std::string id_problem(std::string_view id);
// The id quoted for an error message: control characters, NUL and (when the id is not UTF-8)
// bytes over 0x7F written as \xNN, so the message stays one line of valid UTF-8.
std::string quote_id(std::string_view id);

// Lowercase ASCII slug for ids: letters, digits and '-', at most max_len characters.
std::string slugify(std::string_view text, std::size_t max_len = 64);

}  // namespace tongwen
