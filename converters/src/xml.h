// Safe libxml2 parsing for every XML-based converter: no network, no DTD loading, no entity
// substitution, bounded depth; errors become ConvertError naming the file, line and problem.
#pragma once

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tongwen/converter.h"

namespace tongwen::xml {

struct DocDeleter {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;

// Parses in.bytes as XML (encoding from the declaration or the BOM, else UTF-8; legacy encodings
// are decoded through core's encoding facade first). Throws ConvertError: "malformed" with the
// parser's first error and line, "unsafe" for entity declarations, "too_deep" beyond
// limits.max_xml_depth.
DocPtr parse(const ConvertInput& in, std::string* detected_encoding = nullptr);

// Local name of an element (without namespace prefix).
std::string_view name(const xmlNode* n);
bool is(const xmlNode* n, std::string_view local_name);
// Attribute value ("" when absent); local names, any namespace (xml:lang -> "lang").
std::string attr(const xmlNode* n, std::string_view local_name);
// Concatenated text of a node and its descendants, white space collapsed and trimmed.
std::string text(const xmlNode* n);
// Element children (optionally only those with a given local name).
std::vector<xmlNode*> children(const xmlNode* n, std::string_view local_name = {});
// First element child with the local name, or nullptr.
xmlNode* child(const xmlNode* n, std::string_view local_name);
// Every descendant element with the local name, in document order.
std::vector<xmlNode*> descendants(const xmlNode* n, std::string_view local_name);
// The encoding named by an XML declaration in the first bytes, or "".
std::string declared_encoding(std::string_view head);

}  // namespace tongwen::xml
