// The web page's files (server/web/*), embedded at build time by cmake/embed_web_page.cmake.
#pragma once

#include <string_view>

namespace tongwen {

struct WebAsset {
  std::string_view path;          // "/index.html", "/app.js", ...
  std::string_view content_type;  // with charset for text
  std::string_view body;
};

// The file served at `path` ("/" is "/index.html"), or nullptr.
const WebAsset* find_web_asset(std::string_view path);

}  // namespace tongwen
