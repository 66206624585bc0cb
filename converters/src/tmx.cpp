// TMX 1.4 translation memories: translation units become aligned segment paragraphs of the
// documents they came from, one document per source document and language.
//
//   <tmx version="1.4"><header srclang="en" …/><body>
//     <tu tuid="PubMed_8:1234"><prop type="note">https://…</prop>
//       <tuv xml:lang="en"><seg>…</seg></tuv><tuv xml:lang="zh"><seg>…</seg></tuv></tu>
//
// Without Tongwen properties, the tuid names the source document: everything before its last
// ':' ("PubMed_8"; a tuid without ':' and a tu without tuid belong to the file as a whole). Each
// source document yields one document per language, id "tmx-<file-stem>-<source-doc>-<lang>"
// (slugs), translation group "tmx-<file-stem>-<source-doc>". Every <tuv> is a paragraph: kind
// "segment", anchor = tuid, so the versions align by anchor. <prop>s become extra fields of the
// document (the first value wins; "note" URLs of wiki pages also give the title). The header's
// srclang (unless "*all*") is the original: the other languages are `translation_of` it.
//
// Round-trip contract for Tongwen's TMX export. Properties may sit on the <tu> (they apply to
// all its <tuv>s) or on a <tuv> (they apply to that language only and win over the <tu>'s):
//   x-tongwen-doc      on a <tuv>: the exact id of that language's document.
//                      On a <tu>: a translation group id; each language's document is then
//                      "<value>-<xml:lang>". Either replaces the tuid grouping.
//   x-tongwen-group    the translation group (default: the <tu>-level x-tongwen-doc, else the
//                      id of the srclang document of the unit).
//   x-tongwen-speaker  the paragraph's speaker (also collected into the document's speakers).
//   x-tongwen-date, x-tongwen-title, x-tongwen-type, x-tongwen-event: document fields (the
//                      first value seen for a document wins).
//   x-tongwen-anchor   the paragraph's anchor (default: the tuid).
// An exporter therefore writes, per aligned paragraph pair, one <tu tuid="ANCHOR"> with a <tuv>
// per language carrying x-tongwen-doc (and x-tongwen-speaker when the paragraph has one), and
// the document-level fields on the first unit of each document.
#include <algorithm>
#include <filesystem>
#include <map>

#include <Poco/Exception.h>
#include <Poco/URI.h>
#include "converters.h"

#include "tongwen/errors.h"
#include "tongwen/lang.h"
#include "tongwen/text.h"
#include "xml.h"

namespace tongwen {

namespace {

// "https://en.wikipedia.org/wiki/Hand_washing" -> "Hand washing"; "" for other URLs.
std::string title_from_wiki_url(const std::string& url) {
  auto w = url.find("/wiki/");
  if (url.rfind("http", 0) != 0 || w == std::string::npos) return {};
  std::string page = url.substr(w + 6);
  page = page.substr(0, page.find_first_of("?#"));
  std::string decoded;
  try {
    Poco::URI::decode(page, decoded);
  } catch (const Poco::SyntaxException&) {
    return {};  // a malformed %-escape: no title from this URL
  }
  std::replace(decoded.begin(), decoded.end(), '_', ' ');
  std::string title = trim(decoded);
  return text::is_valid_utf8(title) ? title : std::string();
}

// Text of a <seg>: inline codes (<bpt>, <ept>, <ph>, <it>, <ut>) hold the original document's
// formatting markup, not text, and are left out; <hi> and <sub> text is kept.
std::string seg_text(const xmlNode* seg) {
  std::string raw;
  std::vector<const xmlNode*> todo;
  for (const xmlNode* c = seg->last; c; c = c->prev) todo.push_back(c);
  while (!todo.empty()) {
    const xmlNode* cur = todo.back();
    todo.pop_back();
    if (cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) {
      if (cur->content) raw += reinterpret_cast<const char*>(cur->content);
      continue;
    }
    if (cur->type != XML_ELEMENT_NODE) continue;
    auto n = xml::name(cur);
    if (n == "bpt" || n == "ept" || n == "ph" || n == "it" || n == "ut") {
      // Their <sub> children are translatable text of their own (footnotes, alt text).
      for (xmlNode* sub : xml::descendants(cur, "sub")) raw += " " + xml::text(sub) + " ";
      continue;
    }
    for (const xmlNode* c = cur->last; c; c = c->prev) todo.push_back(c);
  }
  return join_lines(raw);
}

using Props = std::map<std::string, std::string>;

Props props_of(const xmlNode* n) {
  Props p;
  for (xmlNode* prop : xml::children(n, "prop")) {
    std::string type = xml::attr(prop, "type");
    if (!type.empty() && !p.count(type)) p[type] = xml::text(prop);
  }
  return p;
}

struct DocBuild {
  Document doc;
  std::string source_doc;  // tuid prefix, for the title
};

class TmxConverter final : public Converter {
 public:
  std::string_view name() const override { return "tmx"; }
  std::string_view description() const override {
    return "TMX 1.4 translation memory: one document per source document and language, units "
           "aligned by tuid (x-tongwen-* properties round-trip Tongwen's export)";
  }
  std::vector<std::string_view> extensions() const override { return {"tmx"}; }
  int sniff(std::string_view, std::string_view head) const override {
    return head.find("<tmx") != std::string_view::npos ? 95 : 0;
  }

  std::vector<Document> convert(const ConvertInput& in) const override {
    std::string enc;
    auto parsed = xml::parse(in, &enc);
    xmlNode* root = xmlDocGetRootElement(parsed.get());
    if (!xml::is(root, "tmx"))
      throw ConvertError(in.path, "malformed",
                         "not TMX: the root element is <" + std::string(xml::name(root)) + ">");
    xmlNode* header = xml::child(root, "header");
    xmlNode* body = xml::child(root, "body");
    if (!body) throw ConvertError(in.path, "malformed", "TMX has no <body> (no translation units)");
    std::string srclang = xml::attr(header, "srclang");
    if (srclang == "*all*") srclang.clear();
    std::string stem = std::filesystem::path(in.path).stem().string();

    std::vector<DocBuild> docs;
    std::map<std::string, std::size_t> by_id;
    // group -> id of the srclang document, for translation_of
    std::map<std::string, std::string> originals;

    for (xmlNode* tu : xml::children(body, "tu")) {
      std::string tuid = xml::attr(tu, "tuid");
      Props tu_props = props_of(tu);
      auto colon = tuid.rfind(':');
      std::string source_doc = colon == std::string::npos || colon == 0 ? stem : tuid.substr(0, colon);
      std::string anchor = tuid.empty() ? "tu" + std::to_string(tu->line) : tuid;
      // Identity of each <tuv>'s document first: the unit's group defaults to its srclang document.
      struct Unit {
        xmlNode* tuv;
        std::string lang, id, group;
        Props props;
      };
      std::vector<Unit> units;
      for (xmlNode* tuv : xml::children(tu, "tuv")) {
        Unit u{tuv, xml::attr(tuv, "lang"), {}, {}, props_of(tuv)};
        if (u.lang.empty())
          throw ConvertError(in.path, "missing_field",
                             "a <tuv> at line " + std::to_string(tuv->line) + " has no xml:lang");
        auto own_doc = u.props.find("x-tongwen-doc");
        bool tuv_doc = own_doc != u.props.end() && !own_doc->second.empty();
        for (const auto& [k, v] : tu_props) u.props.emplace(k, v);  // the <tuv>'s own win
        const std::string& doc_prop = u.props["x-tongwen-doc"];
        if (tuv_doc) {
          u.id = doc_prop;
        } else if (!doc_prop.empty()) {
          u.id = doc_prop + "-" + u.lang;
          u.group = doc_prop;
        } else {
          std::string base = "tmx-" + slugify(stem, 40) + "-" + slugify(source_doc, 48);
          u.id = base + "-" + slugify(u.lang, 16);
          u.group = base;
        }
        if (auto g = u.props.find("x-tongwen-group"); g != u.props.end() && !g->second.empty())
          u.group = g->second;
        units.push_back(std::move(u));
      }
      std::string unit_group;
      for (const auto& u : units)
        if (unit_group.empty() && !srclang.empty() && same_lang(u.lang, srclang)) unit_group = u.id;
      if (unit_group.empty() && !units.empty()) unit_group = units.front().id;
      for (auto& u : units) {
        if (u.group.empty()) u.group = unit_group;
        auto [pos, inserted] = by_id.emplace(u.id, docs.size());
        if (inserted) {
          DocBuild b;
          b.doc.id = u.id;
          b.doc.lang = canonical_lang(u.lang);
          b.doc.source.encoding = enc;
          b.doc.extra["tmx_lang"] = u.lang;
          b.source_doc = source_doc;
          docs.push_back(std::move(b));
        }
        DocBuild& b = docs[pos->second];
        if (b.doc.translation_group.empty()) b.doc.translation_group = u.group;
        if (!srclang.empty() && same_lang(u.lang, srclang) && !originals.count(u.group))
          originals[u.group] = u.id;
        apply_props(b, u.props);
        Paragraph p;
        xmlNode* seg = xml::child(u.tuv, "seg");
        p.text = seg ? seg_text(seg) : "";
        p.kind = "segment";
        auto a = u.props.find("x-tongwen-anchor");
        p.anchor = a != u.props.end() && !a->second.empty() ? a->second : anchor;
        if (auto sp = u.props.find("x-tongwen-speaker"); sp != u.props.end()) p.speaker = sp->second;
        b.doc.paragraphs.push_back(std::move(p));
      }
    }

    std::vector<Document> out;
    for (auto& b : docs) {
      Document& d = b.doc;
      if (auto o = originals.find(d.translation_group); o != originals.end() && o->second != d.id)
        d.translation_of = o->second;
      if (d.title.empty()) {
        std::string from_url = title_from_wiki_url(d.extra.count("note") ? d.extra["note"] : "");
        d.title = from_url.empty() ? b.source_doc : from_url;
      }
      out.push_back(std::move(d));
    }
    if (out.empty()) throw ConvertError(in.path, "no_text", "the TMX <body> holds no translation unit");
    return out;
  }

 private:
  static bool same_lang(const std::string& a, const std::string& b) {
    auto low = [](std::string s) {
      std::transform(s.begin(), s.end(), s.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      std::replace(s.begin(), s.end(), '_', '-');
      return s;
    };
    std::string x = low(a), y = low(b);
    return x == y || x.substr(0, x.find('-')) == y || y.substr(0, y.find('-')) == x;
  }

  static void apply_props(DocBuild& b, const Props& props) {
    Document& d = b.doc;
    for (const auto& prop : props) {
      // Named, not a structured binding: clang 14 (the fuzz build) cannot capture bindings in lambdas.
      const std::string& key = prop.first;
      const std::string& value = prop.second;
      if (value.empty()) continue;
      if (key == "x-tongwen-speaker") {
        bool known = std::any_of(d.speakers.begin(), d.speakers.end(),
                                 [&](const Speaker& s) { return s.name == value; });
        if (!known) d.speakers.push_back(Speaker{value, {}});
      } else if (key == "x-tongwen-date") {
        if (d.date.empty()) d.date = value;
      } else if (key == "x-tongwen-title") {
        if (d.title.empty()) d.title = value;
      } else if (key == "x-tongwen-type") {
        if (d.type.empty()) d.type = value;
      } else if (key == "x-tongwen-event") {
        if (d.event.empty()) d.event = value;
      } else if (key == "x-tongwen-doc" || key == "x-tongwen-group" || key == "x-tongwen-anchor") {
        // identity, handled by the caller
      } else {
        d.extra.emplace(key, value);
      }
    }
  }
};

}  // namespace

std::unique_ptr<Converter> make_tmx_converter() {
  return std::make_unique<TmxConverter>();
}

}  // namespace tongwen
