// XInclude for the XML converters, done by hand rather than by libxml2 (whose xmlXIncludeProcess
// would read any path or URL the document names): only files inside the including file's folder
// tree, never the network, bounded in number, size and nesting, and every failure a ConvertError
// naming the top file being converted and the href at fault.
#pragma once

#include <libxml/tree.h>

#include <string>

#include "tongwen/converter.h"

namespace tongwen::xml {

struct IncludeOptions {
  // Missing files (and unsafe hrefs) are skipped instead of raising errors: used when a session
  // file borrows the speaker list of a corpus root that it does not own.
  bool lenient = false;
  int max_depth = 4;  // nesting of includes inside included files
  int max_includes = 2000;
};

// Replaces every <xi:include href="..."/> under `scope` (in a document parsed from `file`) by the
// root element of the file it names, recursively. `top` is the file being converted: errors name
// it. Throws ConvertError: "missing_include" (the file does not exist and there is no
// <xi:fallback>), "unsafe" (a URL, an absolute path, a path leaving the folder tree, a symbolic
// link out of it, a cycle), "unsupported" (xpointer), "too_large", and the included file's own
// parse errors (re-issued under `top`'s path).
void expand_includes(xmlDoc* doc, xmlNode* scope, const std::string& file, const ConvertInput& top,
                     const IncludeOptions& options = {});

}  // namespace tongwen::xml
