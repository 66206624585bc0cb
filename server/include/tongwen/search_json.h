// The JSON form of search results, shared by the HTTP API and `tongwen search --json`.
#pragma once

#include <Poco/JSON/Object.h>

#include "tongwen/search.h"

namespace tongwen {

Poco::JSON::Object::Ptr search_result_json(const SearchResult& r);

}  // namespace tongwen
