// HTML pages (libxml2's forgiving HTML parser, no network): one document per page.
//
// Encoding: a byte order mark, else the caller's declaration, else the page's own
// (<meta charset> or <meta http-equiv="Content-Type" content="…; charset=…"> in the first
// 4 KiB), else detection. Pages often declare the wrong charset (a GB2312 page saved as UTF-8
// keeps its old meta): when the page's own declaration does not fit the bytes, detection decides
// and extra["declared_encoding"] keeps what the page said. A caller's declaration must fit.
//
// Metadata: title from <title> (else dcterms.title / og:title, else the first <h1>); <meta>
// description, keywords (-> topics), author (-> speakers), date (also dcterms.*, dc.*,
// article:published_time). Text in document order: h1-h6 become "heading" paragraphs; p, li,
// blockquote, td, th, dd, dt, pre, caption, figcaption are paragraphs; text directly inside
// containers (body, div, section, …) is split at blank lines and double <br>. Dropped entirely:
// script, style, nav, header, footer, aside, form, noscript, template (and svg, iframe, button,
// select, object). Language: <html lang> for the document; a block whose lang differs from it
// gives its paragraphs their own lang.
#include <libxml/HTMLparser.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "converters.h"
#include "tongwen/encoding.h"
#include "tongwen/errors.h"
#include "tongwen/lang.h"
#include "xml.h"

namespace tongwen {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// libxml2's HTML parser has no DTD internal subset: `<!DOCTYPE html [ <!ENTITY x "..."> ]>` would
// leave "]>" (and the head) as body text. The subset is cut out (its newlines kept, so that line
// numbers stay true), and references to the entities it declared are dropped: entities are never
// expanded, here as in the XML formats.
void strip_internal_subset(std::string& text) {
  std::string head = lower(std::string_view(text).substr(0, std::min<std::size_t>(text.size(), 1 << 16)));
  auto doctype = head.find("<!doctype");
  if (doctype == std::string::npos) return;
  if (auto html = head.find("<html"); html < doctype) return;  // a DOCTYPE only opens the page
  // The first of `stops` at or after `from` outside quoted strings, or npos.
  auto find_unquoted = [&text](std::size_t from, std::string_view stops) {
    char quote = 0;
    for (std::size_t k = from; k < text.size(); ++k) {
      char c = text[k];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (stops.find(c) != std::string_view::npos) {
        return k;
      }
    }
    return std::string::npos;
  };
  std::size_t open = find_unquoted(doctype + 9, ">[");
  if (open == std::string::npos || text[open] == '>') return;  // no internal subset
  std::size_t i = find_unquoted(open + 1, "]");
  std::size_t end = i != std::string::npos ? i + 1 : text.size();  // an unclosed subset runs to the end
  std::string subset = text.substr(open, end - open);
  std::vector<std::string> entities;
  for (auto at = subset.find("<!ENTITY"); at != std::string::npos; at = subset.find("<!ENTITY", at + 1)) {
    std::size_t n = at + 8;
    while (n < subset.size() && std::isspace(static_cast<unsigned char>(subset[n]))) ++n;
    std::size_t name_end = n;
    while (name_end < subset.size() && !std::isspace(static_cast<unsigned char>(subset[name_end])))
      ++name_end;
    if (name_end > n && subset[n] != '%') entities.push_back("&" + subset.substr(n, name_end - n) + ";");
  }
  std::string newlines(static_cast<std::size_t>(std::count(subset.begin(), subset.end(), '\n')), '\n');
  text.replace(open, end - open, newlines);
  for (const auto& ref : entities)
    for (auto at = text.find(ref, open); at != std::string::npos; at = text.find(ref, at))
      text.erase(at, ref.size());
}

// The charset a page names in its first bytes (HTML5's prescan, simplified: <meta charset> or
// http-equiv content), or "".
std::string meta_charset(std::string_view bytes) {
  std::string head = lower(bytes.substr(0, std::min<std::size_t>(bytes.size(), 4096)));
  std::size_t pos = 0;
  while ((pos = head.find("<meta", pos)) != std::string::npos) {
    auto end = head.find('>', pos);
    if (end == std::string::npos) break;
    std::string tag = head.substr(pos, end - pos);
    pos = end;
    auto c = tag.find("charset");
    if (c == std::string::npos) continue;
    std::size_t i = c + 7;
    while (i < tag.size() && (tag[i] == ' ' || tag[i] == '=' || tag[i] == '"' || tag[i] == '\'')) ++i;
    std::size_t j = i;
    while (j < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[j])) || tag[j] == '-' ||
                              tag[j] == '_' || tag[j] == ':' || tag[j] == '.'))
      ++j;
    if (j > i) return tag.substr(i, j - i);
  }
  return {};
}

const std::set<std::string_view>& dropped() {
  static const std::set<std::string_view> s = {"script", "style",  "nav",      "header",   "footer",
                                               "aside",  "form",   "noscript", "template", "svg",
                                               "iframe", "button", "select",   "object",   "head"};
  return s;
}
// Elements whose text is one paragraph.
const std::set<std::string_view>& text_blocks() {
  static const std::set<std::string_view> s = {
      "p",       "li",      "blockquote", "td", "th", "dd", "dt", "pre", "caption", "figcaption",
      "address", "summary", "legend",     "h1", "h2", "h3", "h4", "h5",  "h6"};
  return s;
}
// Containers: their own loose text is split at blank lines.
const std::set<std::string_view>& containers() {
  static const std::set<std::string_view> s = {
      "body", "div", "section", "article", "main",    "table",  "tbody",    "thead", "tfoot", "tr",
      "ul",   "ol",  "dl",      "figure",  "details", "center", "fieldset", "hr",    "html",  "font"};
  return s;
}

bool is_heading(std::string_view n) {
  return n.size() == 2 && n[0] == 'h' && n[1] >= '1' && n[1] <= '6';
}

class Extractor {
 public:
  Extractor(Document& doc, std::string doc_lang) : doc_(doc), doc_lang_(std::move(doc_lang)) {}

  void run(xmlNode* start) {
    struct Frame {
      xmlNode* node;
      bool exit;
    };
    blocks_.push_back({"body", false, doc_lang_});
    std::vector<Frame> stack{{start, false}};
    while (!stack.empty()) {
      Frame f = stack.back();
      stack.pop_back();
      xmlNode* n = f.node;
      if (f.exit) {
        flush();
        blocks_.pop_back();
        continue;
      }
      if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (n->content) buffer_ += reinterpret_cast<const char*>(n->content);
        continue;
      }
      if (n->type != XML_ELEMENT_NODE) continue;
      std::string nm = lower(xml::name(n));
      if (dropped().count(nm)) continue;
      if (nm == "br") {
        buffer_ += '\n';
        continue;
      }
      bool text_block = text_blocks().count(nm) > 0;
      if (text_block || containers().count(nm)) {
        flush();
        std::string lang = xml::attr(n, "lang");
        blocks_.push_back({nm, text_block, lang.empty() ? blocks_.back().lang : canonical_lang(lang)});
        stack.push_back({n, true});
      }
      for (xmlNode* c = n->last; c; c = c->prev) stack.push_back({c, false});
    }
    flush();
  }

  std::string first_h1;

 private:
  struct Block {
    std::string name;
    bool text_block;
    std::string lang;
  };

  void flush() {
    if (buffer_.empty()) return;
    std::string raw = std::move(buffer_);
    buffer_.clear();
    const Block& b = blocks_.back();
    std::vector<std::string> parts;
    if (b.text_block)
      parts.push_back(join_lines(raw));
    else
      parts = split_paragraphs(raw);
    for (auto& t : parts) {
      if (t.empty()) continue;
      Paragraph p;
      p.text = std::move(t);
      if (is_heading(b.name)) {
        p.kind = "heading";
        if (b.name == "h1" && first_h1.empty()) first_h1 = p.text;
      }
      if (!b.lang.empty() && b.lang != doc_lang_) p.lang = b.lang;
      doc_.paragraphs.push_back(std::move(p));
    }
  }

  Document& doc_;
  std::string doc_lang_;
  std::string buffer_;
  std::vector<Block> blocks_;
};

// "2024-03-05T09:00:00+08:00" -> "2024-03-05"; "2019" -> "2019"; "" when it is not ISO-like.
std::string iso_date(const std::string& s) {
  std::string t = trim(s);
  std::size_t n = 0;
  while (n < t.size() && n < 10 && (std::isdigit(static_cast<unsigned char>(t[n])) || t[n] == '-')) ++n;
  std::string d = t.substr(0, n);
  while (!d.empty() && d.back() == '-') d.pop_back();
  if (d.size() < 4 || !std::all_of(d.begin(), d.begin() + 4,
                                   [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return {};
  return d;
}

class HtmlConverter final : public Converter {
 public:
  std::string_view name() const override { return "html"; }
  std::string_view description() const override {
    return "HTML pages: title, meta description/keywords/author/date, headings and paragraphs in "
           "document order (navigation, scripts and forms dropped); charset from BOM, meta or detection";
  }
  std::vector<std::string_view> extensions() const override { return {"html", "htm", "xhtml"}; }
  int sniff(std::string_view, std::string_view head) const override {
    std::string h = lower(head.substr(0, std::min<std::size_t>(head.size(), 2048)));
    if (h.find("<!doctype html") != std::string::npos || h.find("<html") != std::string::npos) return 80;
    if (h.find("<body") != std::string::npos || h.find("<head>") != std::string::npos) return 60;
    return 0;
  }

  std::vector<Document> convert(const ConvertInput& in) const override {
    Document doc;
    encoding::Decoded decoded;
    std::string page_declared = in.declared_encoding.empty() ? meta_charset(in.bytes) : "";
    try {
      decoded = encoding::to_utf8(
          in.bytes, in.declared_encoding.empty() ? page_declared : in.declared_encoding, in.path);
    } catch (const ConvertError& e) {
      if (page_declared.empty() || e.code() != "encoding") throw;
      decoded = encoding::to_utf8(in.bytes, "", in.path);  // the page's meta was wrong
      doc.extra["declared_encoding"] = page_declared;
    }
    if (trim(decoded.text).empty()) throw ConvertError(in.path, "empty", "file is empty");
    strip_internal_subset(decoded.text);
    int options = HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER |
                  HTML_PARSE_IGNORE_ENC;
    htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
    if (!ctxt) throw EnvironmentError("xml", "libxml2 could not create an HTML parser");
    std::unique_ptr<htmlParserCtxt, void (*)(htmlParserCtxtPtr)> guard(ctxt, htmlFreeParserCtxt);
    htmlDocPtr raw = htmlCtxtReadMemory(ctxt, decoded.text.data(), static_cast<int>(decoded.text.size()),
                                        in.path.c_str(), "UTF-8", options);
    if (!raw) throw ConvertError(in.path, "malformed", "libxml2 could not parse the HTML");
    xml::DocPtr parsed(raw);
    // The HTML parser recovers from everything, but stops reading at 256 levels of nesting: the
    // rest of the page would be lost silently.
    if (const xmlError* err = xmlCtxtGetLastError(ctxt);
        err && err->message &&
        std::string_view(err->message).find("Excessive depth") != std::string_view::npos)
      throw ConvertError(in.path, "too_deep",
                         "HTML nesting deeper than libxml2's limit of 256 elements at line " +
                             std::to_string(err->line) + "; the rest of the page cannot be read");
    xmlNode* root = xmlDocGetRootElement(parsed.get());
    if (!root) throw ConvertError(in.path, "malformed", "HTML has no elements");

    doc.lang = canonical_lang(xml::attr(root, "lang"));
    xmlNode* head = nullptr;
    xmlNode* body = nullptr;
    for (xmlNode* c : xml::children(root)) {
      if (lower(xml::name(c)) == "head") head = c;
      if (lower(xml::name(c)) == "body") body = c;
    }
    std::string title_meta;
    std::set<std::string> topics;
    for (xmlNode* m : xml::descendants(head ? head : root, "meta")) {
      std::string key = lower(xml::attr(m, "name"));
      if (key.empty()) key = lower(xml::attr(m, "property"));
      std::string content = trim(xml::attr(m, "content"));
      if (content.empty()) continue;
      if (key == "description" || key == "dcterms.description" || key == "dc.description" ||
          key == "og:description") {
        if (doc.description.empty()) doc.description = content;
      } else if (key == "keywords" || key == "dcterms.subject" || key == "dc.subject" ||
                 key == "news_keywords") {
        std::string k = content;
        std::replace(k.begin(), k.end(), ',', ';');
        for (auto& t : split_list(k))
          if (topics.insert(t).second) doc.topics.push_back(t);
      } else if (key == "author" || key == "dcterms.creator" || key == "dc.creator" ||
                 key == "article:author") {
        for (auto& a : split_list(content)) {
          bool known = std::any_of(doc.speakers.begin(), doc.speakers.end(),
                                   [&](const Speaker& s) { return s.name == a; });
          if (!known) doc.speakers.push_back(Speaker{a, {}});
        }
      } else if (key == "date" || key == "dcterms.date" || key == "dc.date" || key == "dcterms.created" ||
                 key == "dcterms.issued" || key == "article:published_time" || key == "pubdate" ||
                 key == "publishdate" || key == "dc.date.issued") {
        if (doc.date.empty()) doc.date = iso_date(content);
      } else if (key == "dcterms.title" || key == "dc.title" || key == "og:title") {
        if (title_meta.empty()) title_meta = content;
      }
    }
    if (xmlNode* t = xml::child(head, "title")) doc.title = xml::text(t);
    if (doc.title.empty()) doc.title = title_meta;

    Extractor extractor(doc, doc.lang);
    extractor.run(body ? body : root);
    if (doc.title.empty()) doc.title = extractor.first_h1;
    doc.source.encoding = decoded.encoding;
    return {std::move(doc)};
  }
};

}  // namespace

std::vector<std::string> html_fragment_paragraphs(std::string_view utf8) {
  std::string wrapped = "<html><body>" + std::string(utf8) + "</body></html>";
  int options = HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER |
                HTML_PARSE_IGNORE_ENC;
  htmlDocPtr raw =
      htmlReadMemory(wrapped.data(), static_cast<int>(wrapped.size()), "fragment", "UTF-8", options);
  std::vector<std::string> out;
  if (!raw) return out;
  xml::DocPtr parsed(raw);
  xmlNode* root = xmlDocGetRootElement(parsed.get());
  if (!root) return out;
  Document scratch;
  Extractor extractor(scratch, "");
  xmlNode* body = root;
  for (xmlNode* c : xml::children(root))
    if (lower(xml::name(c)) == "body") body = c;
  extractor.run(body);
  for (auto& p : scratch.paragraphs) out.push_back(std::move(p.text));
  return out;
}

std::unique_ptr<Converter> make_html_converter() {
  return std::make_unique<HtmlConverter>();
}

}  // namespace tongwen
