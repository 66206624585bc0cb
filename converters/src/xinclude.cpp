#include "xinclude.h"

#include <sys/stat.h>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include "tongwen/errors.h"
#include "tongwen/util.h"
#include "xml.h"

namespace tongwen::xml {

namespace {

bool is_include(const xmlNode* n) {
  if (n->type != XML_ELEMENT_NODE || name(n) != "include" || !n->ns || !n->ns->href) return false;
  std::string_view ns(reinterpret_cast<const char*>(n->ns->href));
  return ns == "http://www.w3.org/2001/XInclude" || ns == "http://www.w3.org/2003/XInclude";
}

std::string real_path(const std::string& p) {
  char buf[PATH_MAX];
  return ::realpath(p.c_str(), buf) ? std::string(buf) : std::string();
}

std::string dir_of(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

struct Resolved {
  std::string path;  // real path when it exists, else the lexical candidate
  bool exists = false;
};

// Where an href points, refusing anything outside the including file's folder. The check is
// lexical first (no file outside the folder is even looked at), then on the real path (a
// symbolic link inside the folder may point out of it).
Resolved resolve(const std::string& including, const std::string& href, const std::string& top, long line) {
  std::string where =
      "xi:include href=\"" + href + "\" (line " + std::to_string(line) + " of " + including + ")";
  std::string h;
  try {
    Poco::URI::decode(href, h);
  } catch (const Poco::SyntaxException&) {
    throw ConvertError(top, "malformed", where + " has a malformed %-escape in its href");
  }
  auto colon = h.find(':');
  auto slash = h.find('/');
  if (colon != std::string::npos && (slash == std::string::npos || colon < slash))
    throw ConvertError(top, "unsafe",
                       where +
                           " is a URL; includes are read only from files in the including file's folder, "
                           "never from the network");
  if (h.empty()) throw ConvertError(top, "malformed", where + " has an empty href");
  if (h[0] == '/' || h[0] == '\\')
    throw ConvertError(top, "unsafe",
                       where + " is an absolute path; includes must stay inside the including file's folder");
  std::vector<std::string> parts;
  std::size_t b = 0;
  while (b <= h.size()) {
    auto e = h.find_first_of("/\\", b);
    if (e == std::string::npos) e = h.size();
    std::string part = h.substr(b, e - b);
    if (part == "..") {
      if (parts.empty())
        throw ConvertError(top, "unsafe",
                           where + " leaves the including file's folder (path traversal refused)");
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    b = e + 1;
  }
  std::string base = real_path(dir_of(including));
  if (base.empty())
    throw ConvertError(top, "missing_include", where + ": the including file's folder cannot be read");
  std::string candidate = base;
  for (const auto& p : parts) candidate += "/" + p;
  struct stat st {};
  if (::stat(candidate.c_str(), &st) != 0) return {candidate, false};
  std::string real = real_path(candidate);
  if (real.empty() || real.rfind(base + "/", 0) != 0)
    throw ConvertError(top, "unsafe",
                       where + " resolves outside the including file's folder (symbolic link refused)");
  if (!S_ISREG(st.st_mode)) throw ConvertError(top, "unsafe", where + " is not a regular file");
  return {real, true};
}

struct State {
  int count = 0;
  std::uint64_t bytes = 0;
  std::vector<std::string> chain;  // real paths of the files being expanded, for cycles
};

void expand(xmlDoc* doc, xmlNode* scope, const std::string& file, const ConvertInput& top,
            const IncludeOptions& options, State& state) {
  std::vector<xmlNode*> includes;
  std::vector<xmlNode*> todo{scope};
  while (!todo.empty()) {
    xmlNode* n = todo.back();
    todo.pop_back();
    if (n->type != XML_ELEMENT_NODE) continue;
    if (is_include(n)) {
      includes.push_back(n);
      continue;
    }
    for (xmlNode* c = n->last; c; c = c->prev) todo.push_back(c);
  }
  auto drop = [](xmlNode* n) {
    xmlUnlinkNode(n);
    xmlFreeNode(n);
  };
  for (xmlNode* inc : includes) {
    std::string href = attr(inc, "href");
    long line = static_cast<long>(xmlGetLineNo(inc));
    std::string where =
        "xi:include href=\"" + href + "\" (line " + std::to_string(line) + " of " + file + ")";
    if (++state.count > options.max_includes)
      throw ConvertError(top.path, "too_large",
                         "more than " + std::to_string(options.max_includes) + " xi:include elements");
    if (!attr(inc, "xpointer").empty())
      throw ConvertError(top.path, "unsupported", where + " uses xpointer, which Tongwen does not support");
    Resolved r;
    try {
      r = resolve(file, href, top.path, line);
    } catch (const ConvertError&) {
      if (options.lenient) {
        drop(inc);
        continue;
      }
      throw;
    }
    if (!r.exists) {
      if (xmlNode* fallback = child(inc, "fallback")) {
        for (xmlNode* c = fallback->children; c;) {
          xmlNode* next = c->next;
          xmlUnlinkNode(c);
          xmlAddPrevSibling(inc, c);
          c = next;
        }
        drop(inc);
        continue;
      }
      if (options.lenient) {
        drop(inc);
        continue;
      }
      throw ConvertError(top.path, "missing_include", where + " names a file that does not exist: " + r.path);
    }
    for (const auto& p : state.chain)
      if (p == r.path) throw ConvertError(top.path, "unsafe", where + " includes itself (include cycle)");
    if (static_cast<int>(state.chain.size()) > options.max_depth)
      throw ConvertError(
          top.path, "too_deep",
          where + ": includes nested more than " + std::to_string(options.max_depth) + " deep");
    std::string bytes = read_file(r.path, top.limits.max_file_bytes);
    state.bytes += bytes.size();
    if (state.bytes > top.limits.max_unzipped_bytes)
      throw ConvertError(top.path, "too_large",
                         where + ": included files exceed " + std::to_string(top.limits.max_unzipped_bytes) +
                             " bytes in total");
    if (attr(inc, "parse") == "text") {
      xmlAddPrevSibling(inc, xmlNewDocTextLen(doc, reinterpret_cast<const xmlChar*>(bytes.data()),
                                              static_cast<int>(bytes.size())));
      drop(inc);
      continue;
    }
    DocPtr included;
    try {
      included = parse(ConvertInput{r.path, bytes, "", top.limits});
    } catch (const ConvertError& e) {
      throw ConvertError(top.path, e.code(), where + ": " + e.what());
    }
    xmlNode* root = xmlDocGetRootElement(included.get());
    state.chain.push_back(r.path);
    expand(included.get(), root, r.path, top, options, state);
    state.chain.pop_back();
    xmlNode* copy = xmlDocCopyNode(root, doc, 1);
    if (!copy) throw EnvironmentError("xml", "libxml2 could not copy an included element");
    xmlAddPrevSibling(inc, copy);
    drop(inc);
  }
}

}  // namespace

void expand_includes(xmlDoc* doc, xmlNode* scope, const std::string& file, const ConvertInput& top,
                     const IncludeOptions& options) {
  if (!scope) return;
  State state;
  std::string real = real_path(file);
  if (!real.empty()) state.chain.push_back(real);
  expand(doc, scope, file, top, options, state);
}

}  // namespace tongwen::xml
