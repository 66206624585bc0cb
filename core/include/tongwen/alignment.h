// The alignment of two versions of a text (a translation group's members), shared by the indexer
// (which computes and stores it), the CLI (`tongwen align`) and the server (parallel view,
// concordance, TMX export), which only read it.
//
// An alignment is a sequence of monotone links between the two documents' paragraphs and, inside
// them, between their sentences. Sentences are spans of paragraph text (code point offsets into
// Paragraph::text as stored), so a reader slices the stored documents and needs no ICU.
//
// Stored form (Xapian user metadata, written by the indexer at commit time):
//   key    "align:" + idA + "\t" + idB, with idA < idB (byte order): one per pair of versions
//   value  serialise(Alignment) below; source_id inside the value says which side is which
//          (the aligner puts the original, `translation_of` target, on the source side when it
//          can tell). Use alignment_key() to build keys and Alignment::inverted() to flip sides.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tongwen/metadata_keys.h"
#include "tongwen/model.h"

namespace tongwen {

// One link: sentence (or paragraph) indices on each side, in increasing order and contiguous
// when the aligner made it. An empty side is an insertion or deletion (1-0, 0-1).
struct Link {
  std::vector<int> src, tgt;
  double confidence = 0;  // 0..1: how sure the aligner is of this exact link
  // "1-1", "1-2", "2-1", "1-0", "0-1", ... (sizes of the two sides).
  std::string type() const;
  bool operator==(const Link&) const = default;
};

// A sentence: a span of one paragraph's text, in code points (begin inclusive, end exclusive).
struct SentenceRef {
  int paragraph = 0;
  std::uint32_t begin = 0, end = 0;
  bool operator==(const SentenceRef&) const = default;
};

struct Alignment {
  std::string source_id, target_id;
  std::string source_lang, target_lang;
  // "anchors": paragraphs paired by the ids the source format carries (TED/WMT seg ids, TMX
  // tuids), confidence 1 on paragraph links; "length+anchors": computed from the text (a length
  // model and lexical anchors); "empty" when one side has no text.
  std::string method;
  int aligner_version = 0;  // bumped when the aligner's output changes
  std::vector<SentenceRef> source_sentences, target_sentences;
  std::vector<Link> paragraph_links;  // indices into the documents' paragraphs
  std::vector<Link> sentence_links;   // indices into source_sentences / target_sentences

  bool operator==(const Alignment&) const = default;
  // The same alignment seen from the other side (source and target swapped).
  Alignment inverted() const;
};

// The metadata key of the alignment of two documents (order-independent).
std::string alignment_key(std::string_view id_a, std::string_view id_b);
inline constexpr std::string_view kAlignmentKeyPrefix = metadata::kAlignment;

// Compact binary form (the stored value). Layout, all integers as LEB128 varints:
//   byte 'A', byte format version (1),
//   strings source_id, target_id, source_lang, target_lang, method (varint length + bytes),
//   aligner_version,
//   source_sentences, target_sentences: count, then per sentence
//       paragraph - previous sentence's paragraph, begin, end - begin,
//   paragraph_links, sentence_links: count, then per link
//       |src|, |tgt|, then each index as zigzag(index - the last index written on its side
//       in this list, -1 before the first), then round(confidence * 10000).
// Confidence therefore round-trips to 4 decimals; everything else exactly.
std::string serialise(const Alignment& a);
// Throws EnvironmentError("corrupt_index", ...) on data that is not a serialised alignment.
Alignment unserialise_alignment(std::string_view data);

// Links below this confidence are the ones a translator should check.
inline constexpr double kLowConfidence = 0.5;
// Share (0..1) of the sentence links whose confidence is below kLowConfidence; 0 without links.
double low_confidence_share(const Alignment& a);

// The text of a sentence of a document ("" when the reference is out of range).
std::string sentence_text(const Document& doc, const SentenceRef& s);

// JSON form:
//   {source_id, target_id, source_lang, target_lang, method, aligner_version,
//    source_sentences: [{paragraph, begin, end[, text]}], target_sentences: [...],
//    paragraph_links: [{src: [..], tgt: [..], type, confidence}],
//    sentence_links:  [{src: [..], tgt: [..], type, confidence}],
//    low_confidence: share of sentence links below kLowConfidence}
// With the documents given, every sentence also carries its `text`.
Poco::JSON::Object::Ptr alignment_to_object(const Alignment& a, const Document* source = nullptr,
                                            const Document* target = nullptr);
std::string to_json(const Alignment& a, const Document* source = nullptr, const Document* target = nullptr,
                    bool pretty = false);
// Reads the JSON form back (sentence `text` and link `type` are ignored: they are derived).
// serialise(alignment_from_object(alignment_to_object(a))) == serialise(a). Throws
// UserError("malformed", ...) naming the field on anything else.
Alignment alignment_from_object(const Poco::JSON::Object::Ptr& o);

}  // namespace tongwen
