#include "xml.h"

#include <libxml/xmlerror.h>

#include <algorithm>
#include <cstring>

#include "converters.h"
#include "tongwen/encoding.h"
#include "tongwen/errors.h"

namespace tongwen::xml {

namespace {

void silent_error(void*, const char*, ...) {}

int depth_of(const xmlNode* n, int limit) {
  // Iterative walk: recursion over a hostile 10,000-deep document must not blow the stack.
  int max = 0;
  std::vector<std::pair<const xmlNode*, int>> stack{{n, 1}};
  while (!stack.empty()) {
    auto [node, d] = stack.back();
    stack.pop_back();
    if (d > max) max = d;
    if (max > limit) return max;
    for (const xmlNode* c = node->children; c; c = c->next)
      if (c->type == XML_ELEMENT_NODE) stack.emplace_back(c, d + 1);
  }
  return max;
}

}  // namespace

std::string declared_encoding(std::string_view head) {
  if (head.substr(0, 5) != "<?xml") return {};
  auto end = head.find("?>");
  std::string_view decl = head.substr(0, end);
  auto p = decl.find("encoding");
  if (p == std::string_view::npos) return {};
  p = decl.find_first_of("\"'", p);
  if (p == std::string_view::npos) return {};
  char q = decl[p];
  auto e = decl.find(q, p + 1);
  if (e == std::string_view::npos) return {};
  return std::string(decl.substr(p + 1, e - p - 1));
}

DocPtr parse(const ConvertInput& in, std::string* detected_encoding) {
  // Decode to UTF-8 ourselves (declared encoding checked against the bytes), then hand libxml2
  // UTF-8 with the declaration overridden.
  std::string head(in.bytes.substr(0, std::min<std::size_t>(in.bytes.size(), 512)));
  std::string declared = in.declared_encoding.empty() ? declared_encoding(head) : in.declared_encoding;
  auto decoded = encoding::to_utf8(in.bytes, declared, in.path);
  if (detected_encoding) *detected_encoding = decoded.encoding;
  if (trim(decoded.text).empty()) throw ConvertError(in.path, "empty", "file is empty");

  xmlSetGenericErrorFunc(nullptr, silent_error);
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  if (!ctxt) throw EnvironmentError("xml", "libxml2 could not create a parser");
  std::unique_ptr<xmlParserCtxt, void (*)(xmlParserCtxtPtr)> guard(ctxt, xmlFreeParserCtxt);
  int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA |
                XML_PARSE_COMPACT;  // no NOENT, no DTDLOAD, no DTDATTR, no HUGE, no XINCLUDE
  xmlDoc* raw = xmlCtxtReadMemory(ctxt, decoded.text.data(), static_cast<int>(decoded.text.size()),
                                  in.path.c_str(), "UTF-8", options);
  if (!raw || !ctxt->wellFormed) {
    if (raw) xmlFreeDoc(raw);
    const xmlError* err = xmlCtxtGetLastError(ctxt);
    // libxml2 gives up when an allocation fails (in a converter worker: convert.worker_memory_mb);
    // that is a size problem, not bad XML. The last error then often has no message, because
    // formatting it failed as well (a 99 MB document.xml in the worker: code 5, no message).
    if (err && (err->code == XML_ERR_NO_MEMORY || !err->message))
      throw ConvertError(in.path, "too_large",
                         "the XML is too large to parse within the memory allowed (" +
                             std::to_string(decoded.text.size()) + " bytes; convert.worker_memory_mb)");
    std::string msg = "malformed XML";
    if (err && err->message) {
      std::string m = err->message;
      while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
      msg += " at line " + std::to_string(err->line) + ": " + m;
      if (err->code == XML_ERR_ENTITY_LOOP || m.find("entit") != std::string::npos)
        throw ConvertError(in.path, "unsafe",
                           "refused: XML entity expansion (at line " + std::to_string(err->line) + ": " + m +
                               "); entities are never expanded, for safety");
      if (m.find("depth") != std::string::npos || m.find("Excessive depth") != std::string::npos)
        throw ConvertError(in.path, "too_deep",
                           "XML nesting too deep at line " + std::to_string(err->line) + ": " + m);
    }
    throw ConvertError(in.path, "malformed", msg);
  }
  DocPtr doc(raw);
  if (doc->intSubset && doc->intSubset->entities)
    throw ConvertError(in.path, "unsafe",
                       "declares XML entities (<!ENTITY>); entity expansion is disabled for safety");
  xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!root) throw ConvertError(in.path, "malformed", "XML has no root element");
  if (depth_of(root, in.limits.max_xml_depth) > in.limits.max_xml_depth)
    throw ConvertError(in.path, "too_deep",
                       "XML nesting deeper than " + std::to_string(in.limits.max_xml_depth) +
                           " elements (convert.max_xml_depth)");
  return doc;
}

std::string_view name(const xmlNode* n) {
  return n && n->name ? std::string_view(reinterpret_cast<const char*>(n->name)) : std::string_view();
}

bool is(const xmlNode* n, std::string_view local_name) {
  return n && n->type == XML_ELEMENT_NODE && name(n) == local_name;
}

std::string attr(const xmlNode* n, std::string_view local_name) {
  if (!n) return {};
  for (xmlAttr* a = n->properties; a; a = a->next) {
    if (std::string_view(reinterpret_cast<const char*>(a->name)) != local_name) continue;
    xmlChar* v = xmlNodeListGetString(n->doc, a->children, 1);
    std::string out = v ? reinterpret_cast<const char*>(v) : "";
    xmlFree(v);
    return out;
  }
  return {};
}

std::string text(const xmlNode* n) {
  if (!n) return {};
  std::string raw;
  // Depth-first, in document order, without recursion.
  std::vector<const xmlNode*> todo{n};
  while (!todo.empty()) {
    const xmlNode* cur = todo.back();
    todo.pop_back();
    if (cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) {
      if (cur->content) raw += reinterpret_cast<const char*>(cur->content);
      continue;
    }
    if (cur->type != XML_ELEMENT_NODE && cur != n) continue;
    std::vector<const xmlNode*> kids;
    for (const xmlNode* c = cur->children; c; c = c->next) kids.push_back(c);
    for (auto it = kids.rbegin(); it != kids.rend(); ++it) todo.push_back(*it);
  }
  return join_lines(raw);
}

std::vector<xmlNode*> children(const xmlNode* n, std::string_view local_name) {
  std::vector<xmlNode*> out;
  if (!n) return out;
  for (xmlNode* c = n->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && (local_name.empty() || name(c) == local_name)) out.push_back(c);
  return out;
}

xmlNode* child(const xmlNode* n, std::string_view local_name) {
  if (!n) return nullptr;
  for (xmlNode* c = n->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && name(c) == local_name) return c;
  return nullptr;
}

std::vector<xmlNode*> descendants(const xmlNode* n, std::string_view local_name) {
  std::vector<xmlNode*> out;
  if (!n) return out;
  std::vector<xmlNode*> todo;
  for (xmlNode* c = n->children; c; c = c->next) todo.push_back(c);
  std::reverse(todo.begin(), todo.end());
  while (!todo.empty()) {
    xmlNode* cur = todo.back();
    todo.pop_back();
    if (cur->type != XML_ELEMENT_NODE) continue;
    if (name(cur) == local_name) out.push_back(cur);
    std::vector<xmlNode*> kids;
    for (xmlNode* c = cur->children; c; c = c->next) kids.push_back(c);
    for (auto it = kids.rbegin(); it != kids.rend(); ++it) todo.push_back(*it);
  }
  return out;
}

}  // namespace tongwen::xml
