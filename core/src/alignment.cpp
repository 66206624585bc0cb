#include "tongwen/alignment.h"

#include <Poco/JSON/Array.h>

#include <cmath>

#include "tongwen/errors.h"
#include "tongwen/json.h"
#include "tongwen/text.h"
#include "varint.h"

namespace tongwen {

namespace {

constexpr unsigned char kFormatVersion = 1;

using binary::put_str;
using binary::put_varint;
using binary::unzigzag;
using binary::zigzag;

void put_sentences(std::string& out, const std::vector<SentenceRef>& ss) {
  put_varint(out, ss.size());
  int prev = 0;
  for (const auto& s : ss) {
    put_varint(out, zigzag(s.paragraph - prev));
    prev = s.paragraph;
    put_varint(out, s.begin);
    put_varint(out, s.end >= s.begin ? s.end - s.begin : 0);
  }
}

std::vector<SentenceRef> get_sentences(binary::Reader& r) {
  std::vector<SentenceRef> ss(r.count());
  std::int64_t prev = 0;
  for (auto& s : ss) {
    prev += unzigzag(r.varint());
    s.paragraph = static_cast<int>(prev);
    s.begin = static_cast<std::uint32_t>(r.varint());
    s.end = s.begin + static_cast<std::uint32_t>(r.varint());
  }
  return ss;
}

void put_links(std::string& out, const std::vector<Link>& links) {
  put_varint(out, links.size());
  std::int64_t last_src = -1, last_tgt = -1;
  for (const auto& l : links) {
    put_varint(out, l.src.size());
    put_varint(out, l.tgt.size());
    for (int i : l.src) {
      put_varint(out, zigzag(i - last_src));
      last_src = i;
    }
    for (int i : l.tgt) {
      put_varint(out, zigzag(i - last_tgt));
      last_tgt = i;
    }
    double c = std::isfinite(l.confidence) ? std::clamp(l.confidence, 0.0, 1.0) : 0.0;
    put_varint(out, static_cast<std::uint64_t>(std::lround(c * 10000)));
  }
}

std::vector<Link> get_links(binary::Reader& r) {
  std::vector<Link> links(r.count());
  std::int64_t last_src = -1, last_tgt = -1;
  for (auto& l : links) {
    l.src.resize(r.count());
    l.tgt.resize(r.count());
    for (int& i : l.src) i = static_cast<int>(last_src += unzigzag(r.varint()));
    for (int& i : l.tgt) i = static_cast<int>(last_tgt += unzigzag(r.varint()));
    l.confidence = static_cast<double>(r.varint()) / 10000.0;
  }
  return links;
}

Poco::JSON::Array::Ptr indices(const std::vector<int>& v) {
  Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
  for (int i : v) a->add(i);
  return a;
}

Poco::JSON::Array::Ptr links_json(const std::vector<Link>& links) {
  Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
  for (const auto& l : links) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("src", indices(l.src));
    o->set("tgt", indices(l.tgt));
    o->set("type", l.type());
    o->set("confidence", std::round(l.confidence * 10000) / 10000);
    a->add(o);
  }
  return a;
}

Poco::JSON::Array::Ptr sentences_json(const std::vector<SentenceRef>& ss, const Document* doc) {
  Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
  for (const auto& s : ss) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("paragraph", s.paragraph);
    o->set("begin", static_cast<Poco::UInt64>(s.begin));
    o->set("end", static_cast<Poco::UInt64>(s.end));
    if (doc) o->set("text", sentence_text(*doc, s));
    a->add(o);
  }
  return a;
}

}  // namespace

std::string Link::type() const {
  return std::to_string(src.size()) + "-" + std::to_string(tgt.size());
}

Alignment Alignment::inverted() const {
  Alignment a;
  a.source_id = target_id;
  a.target_id = source_id;
  a.source_lang = target_lang;
  a.target_lang = source_lang;
  a.method = method;
  a.aligner_version = aligner_version;
  a.source_sentences = target_sentences;
  a.target_sentences = source_sentences;
  auto flip = [](const std::vector<Link>& in) {
    std::vector<Link> out;
    out.reserve(in.size());
    for (const auto& l : in) out.push_back(Link{l.tgt, l.src, l.confidence});
    return out;
  };
  a.paragraph_links = flip(paragraph_links);
  a.sentence_links = flip(sentence_links);
  return a;
}

std::string alignment_key(std::string_view id_a, std::string_view id_b) {
  if (id_b < id_a) std::swap(id_a, id_b);
  std::string key(kAlignmentKeyPrefix);
  key.append(id_a);
  key.push_back('\t');
  key.append(id_b);
  return key;
}

std::string serialise(const Alignment& a) {
  std::string out;
  out.push_back('A');
  out.push_back(static_cast<char>(kFormatVersion));
  put_str(out, a.source_id);
  put_str(out, a.target_id);
  put_str(out, a.source_lang);
  put_str(out, a.target_lang);
  put_str(out, a.method);
  put_varint(out, static_cast<std::uint64_t>(std::max(0, a.aligner_version)));
  put_sentences(out, a.source_sentences);
  put_sentences(out, a.target_sentences);
  put_links(out, a.paragraph_links);
  put_links(out, a.sentence_links);
  return out;
}

Alignment unserialise_alignment(std::string_view data) {
  binary::Reader r(data, "stored alignment");
  if (r.byte() != 'A') r.fail();
  if (r.byte() != kFormatVersion)
    throw EnvironmentError("corrupt_index",
                           "stored alignment has an unknown format version: rebuild the index");
  Alignment a;
  a.source_id = r.str();
  a.target_id = r.str();
  a.source_lang = r.str();
  a.target_lang = r.str();
  a.method = r.str();
  a.aligner_version = static_cast<int>(r.varint());
  a.source_sentences = get_sentences(r);
  a.target_sentences = get_sentences(r);
  a.paragraph_links = get_links(r);
  a.sentence_links = get_links(r);
  if (!r.done()) r.fail();
  return a;
}

std::string sentence_text(const Document& doc, const SentenceRef& s) {
  if (s.paragraph < 0 || static_cast<std::size_t>(s.paragraph) >= doc.paragraphs.size()) return {};
  const std::string& t = doc.paragraphs[static_cast<std::size_t>(s.paragraph)].text;
  std::size_t i = 0, b = std::string::npos, e = std::string::npos;
  for (std::uint32_t cp = 0;; ++cp) {
    if (cp == s.begin) b = i;
    if (cp == s.end) {
      e = i;
      break;
    }
    if (i >= t.size()) break;
    text::next_code_point(t, i);
  }
  if (b == std::string::npos || e == std::string::npos || e < b) return {};
  return t.substr(b, e - b);
}

Poco::JSON::Object::Ptr alignment_to_object(const Alignment& a, const Document* source,
                                            const Document* target) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("source_id", a.source_id);
  o->set("target_id", a.target_id);
  o->set("source_lang", a.source_lang);
  o->set("target_lang", a.target_lang);
  o->set("method", a.method);
  o->set("aligner_version", a.aligner_version);
  o->set("source_sentences", sentences_json(a.source_sentences, source));
  o->set("target_sentences", sentences_json(a.target_sentences, target));
  o->set("paragraph_links", links_json(a.paragraph_links));
  o->set("sentence_links", links_json(a.sentence_links));
  o->set("low_confidence", low_confidence_share(a));
  return o;
}

std::string to_json(const Alignment& a, const Document* source, const Document* target, bool pretty) {
  return json_text(alignment_to_object(a, source, target), pretty);
}

double low_confidence_share(const Alignment& a) {
  if (a.sentence_links.empty()) return 0;
  std::size_t low = 0;
  for (const auto& l : a.sentence_links) low += l.confidence < kLowConfidence;
  return static_cast<double>(low) / static_cast<double>(a.sentence_links.size());
}

namespace {

[[noreturn]] void bad_alignment(const std::string& what) {
  throw UserError("malformed", "alignment: " + what);
}

Poco::JSON::Array::Ptr array_field(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  Poco::JSON::Array::Ptr a = o->has(key) ? o->getArray(key) : nullptr;
  if (!a) bad_alignment("field \"" + key + "\" must be an array");
  return a;
}

std::string string_field(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (!o->has(key) || !o->get(key).isString()) bad_alignment("field \"" + key + "\" must be a string");
  return o->get(key).extract<std::string>();
}

long long integer_field(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (!o->has(key) || !o->get(key).isNumeric()) bad_alignment("field \"" + key + "\" must be a number");
  return o->get(key).convert<long long>();
}

std::vector<SentenceRef> sentences_from(const Poco::JSON::Array::Ptr& a, const std::string& key) {
  std::vector<SentenceRef> out;
  for (unsigned i = 0; i < a->size(); ++i) {
    Poco::JSON::Object::Ptr s = a->getObject(i);
    if (!s) bad_alignment(key + "[" + std::to_string(i) + "] must be an object");
    long long p = integer_field(s, "paragraph"), b = integer_field(s, "begin"), e = integer_field(s, "end");
    if (p < 0 || b < 0 || e < b) bad_alignment(key + "[" + std::to_string(i) + "] is not a span");
    out.push_back(
        SentenceRef{static_cast<int>(p), static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(e)});
  }
  return out;
}

std::vector<Link> links_from(const Poco::JSON::Array::Ptr& a, const std::string& key) {
  std::vector<Link> out;
  for (unsigned i = 0; i < a->size(); ++i) {
    Poco::JSON::Object::Ptr l = a->getObject(i);
    if (!l) bad_alignment(key + "[" + std::to_string(i) + "] must be an object");
    Link link;
    for (const char* side : {"src", "tgt"}) {
      auto idx = array_field(l, side);
      auto& v = std::string_view(side) == "src" ? link.src : link.tgt;
      for (unsigned j = 0; j < idx->size(); ++j) {
        auto x = idx->get(j);
        if (!x.isNumeric()) bad_alignment(key + "[" + std::to_string(i) + "]." + side + " must hold numbers");
        v.push_back(x.convert<int>());
      }
    }
    if (!l->has("confidence") || !l->get("confidence").isNumeric())
      bad_alignment(key + "[" + std::to_string(i) + "].confidence must be a number");
    link.confidence = l->get("confidence").convert<double>();
    out.push_back(std::move(link));
  }
  return out;
}

}  // namespace

Alignment alignment_from_object(const Poco::JSON::Object::Ptr& o) {
  if (!o) bad_alignment("must be a JSON object");
  Alignment a;
  a.source_id = string_field(o, "source_id");
  a.target_id = string_field(o, "target_id");
  a.source_lang = string_field(o, "source_lang");
  a.target_lang = string_field(o, "target_lang");
  a.method = string_field(o, "method");
  a.aligner_version = static_cast<int>(integer_field(o, "aligner_version"));
  a.source_sentences = sentences_from(array_field(o, "source_sentences"), "source_sentences");
  a.target_sentences = sentences_from(array_field(o, "target_sentences"), "target_sentences");
  a.paragraph_links = links_from(array_field(o, "paragraph_links"), "paragraph_links");
  a.sentence_links = links_from(array_field(o, "sentence_links"), "sentence_links");
  return a;
}

}  // namespace tongwen
