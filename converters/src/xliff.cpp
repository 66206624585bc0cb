// XLIFF 1.2 and 2.0 (translators' bilingual exchange files), read with libxml2 through xml::parse
// like TMX: no network, no entity expansion, no DTD loading. Each <file> gives one translation
// group of two documents, its source and its target language; each unit (1.2 <trans-unit>, 2.0
// <unit>/<segment>) is one "segment" paragraph in both, with the same anchor (the unit's id), so
// the versions align by anchor as TMX's do. The target document is `translation_of` the source.
//   1.2: <xliff version="1.2"><file source-language="en" target-language="zh-CN" original="…">
//          <body>[<group>]<trans-unit id="1"><source>…</source><target>…</target>
//   2.0: <xliff version="2.0" srcLang="en" trgLang="zh"><file id="f1">[<group>]<unit id="u1">
//          <segment id="s1"><source>…</source><target>…</target>
// Inline codes that stand for the original's markup (1.2 ph, bpt, ept, it, x, bx, ex; 2.0 ph, sc,
// ec, sm, em) are left out; text inside g, mrk, pc is kept.
#include <Poco/Path.h>

#include <set>

#include "converters.h"
#include "tongwen/errors.h"
#include "tongwen/lang.h"
#include "xml.h"

namespace tongwen {

namespace {

std::string inline_text(const xmlNode* n) {
  static const std::set<std::string_view> codes = {"ph", "bpt", "ept", "it", "x", "bx",
                                                   "ex", "sc",  "ec",  "sm", "em"};
  std::string raw;
  std::vector<const xmlNode*> todo;
  for (const xmlNode* c = n->last; c; c = c->prev) todo.push_back(c);
  while (!todo.empty()) {
    const xmlNode* cur = todo.back();
    todo.pop_back();
    if (cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) {
      if (cur->content) raw += reinterpret_cast<const char*>(cur->content);
    } else if (cur->type == XML_ELEMENT_NODE && !codes.count(xml::name(cur))) {
      for (const xmlNode* c = cur->last; c; c = c->prev) todo.push_back(c);
    }
  }
  return join_lines(raw);
}

// Units in document order, through any depth of <group>.
void collect(xmlNode* n, std::string_view unit_name, std::vector<xmlNode*>& out) {
  for (xmlNode* c : xml::children(n)) {
    if (xml::is(c, unit_name))
      out.push_back(c);
    else if (xml::is(c, "group") || xml::is(c, "body"))
      collect(c, unit_name, out);
  }
}

class XliffConverter final : public Converter {
 public:
  std::string_view name() const override { return "xliff"; }
  std::string_view description() const override {
    return "XLIFF 1.2 and 2.0: per <file>, a source and a target document in one translation group, "
           "units aligned by id";
  }
  std::vector<std::string_view> extensions() const override { return {"xliff", "xlf"}; }
  int sniff(std::string_view, std::string_view head) const override {
    return head.find("<xliff") != std::string_view::npos ? 96 : 0;
  }

  std::vector<Document> convert(const ConvertInput& in) const override {
    std::string enc;
    auto parsed = xml::parse(in, &enc);
    xmlNode* root = xmlDocGetRootElement(parsed.get());
    if (!xml::is(root, "xliff"))
      throw ConvertError(in.path, "malformed",
                         "not XLIFF: the root element is <" + std::string(xml::name(root)) + ">");
    std::string version = xml::attr(root, "version");
    bool v2 = version.rfind("2.", 0) == 0;
    if (!v2 && version.rfind("1.", 0) != 0)
      throw ConvertError(in.path, "unsupported", "XLIFF version \"" + version + "\" (1.2 and 2.x are read)");
    std::string stem = Poco::Path(in.path).getBaseName();
    std::vector<Document> out;
    std::size_t file_no = 0;
    for (xmlNode* file : xml::children(root, "file")) {
      ++file_no;
      std::string src = v2 ? xml::attr(root, "srcLang") : xml::attr(file, "source-language");
      std::string trg = v2 ? xml::attr(root, "trgLang") : xml::attr(file, "target-language");
      if (src.empty())
        throw ConvertError(in.path, "missing_field",
                           "the <file> at line " + std::to_string(file->line) + " has no source language (" +
                               (v2 ? "srcLang" : "source-language") + ")");
      std::string original = xml::attr(file, "original");
      std::string base = "xliff-" + slugify(stem, 40) + "-" + std::to_string(file_no);
      Document s, t;
      s.id = base + "-" + slugify(src, 16);
      t.id = base + "-" + slugify(trg.empty() ? "target" : trg, 16);
      s.translation_group = t.translation_group = base;
      t.translation_of = s.id;
      s.lang = canonical_lang(src);
      t.lang = canonical_lang(trg);
      s.title = t.title = original.empty() ? stem : original;
      s.source.encoding = t.source.encoding = enc;
      s.extra["xliff_lang"] = src;
      if (!trg.empty()) t.extra["xliff_lang"] = trg;
      std::vector<xmlNode*> units;
      collect(file, v2 ? "unit" : "trans-unit", units);
      for (xmlNode* unit : units) {
        std::string id = xml::attr(unit, "id");
        if (id.empty()) id = "u" + std::to_string(unit->line);
        std::vector<xmlNode*> pairs;
        if (v2)
          for (xmlNode* seg : xml::children(unit, "segment")) pairs.push_back(seg);
        else
          pairs.push_back(unit);
        for (std::size_t k = 0; k < pairs.size(); ++k) {
          std::string sid = xml::attr(pairs[k], "id");
          std::string anchor =
              pairs.size() == 1 ? id : id + "-" + (sid.empty() ? std::to_string(k + 1) : sid);
          for (auto [name, doc] : {std::pair{"source", &s}, std::pair{"target", &t}}) {
            xmlNode* part = xml::child(pairs[k], name);
            if (!part) continue;
            Paragraph p;
            p.text = inline_text(part);
            p.kind = "segment";
            p.anchor = anchor;
            doc->paragraphs.push_back(std::move(p));
          }
        }
      }
      out.push_back(std::move(s));
      if (!t.paragraphs.empty()) out.push_back(std::move(t));
    }
    if (out.empty()) throw ConvertError(in.path, "no_text", "the XLIFF file has no <file>");
    return out;
  }
};

}  // namespace

std::unique_ptr<Converter> make_xliff_converter() {
  return std::make_unique<XliffConverter>();
}

}  // namespace tongwen
