// The JSON form of search results, shared by the HTTP API and `tongwen search --json`.
#pragma once

#include <Poco/JSON/Object.h>

#include "tongwen/search.h"

namespace tongwen {

// Carries r.shards (set_shards).
Poco::JSON::Object::Ptr search_result_json(const SearchResult& r);
// "shards": {"total": N, "answered": M, "missing": [locations...]}, and "partial": true when a
// shard is missing.
void set_shards(Poco::JSON::Object& o, const ShardStatus& s);

}  // namespace tongwen
