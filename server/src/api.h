// Routing and the JSON endpoints. Handlers take the parsed request and return a response; errors
// are thrown as UserError/EnvironmentError and turned into JSON by http_server.cpp.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/URI.h>

#include <cstdint>
#include <istream>

#include <map>
#include <string>
#include <vector>

#include "tongwen/align_service.h"
#include "tongwen/config.h"
#include "tongwen/search.h"
#include "tongwen/search_json.h"
#include "tongwen/write_service.h"

namespace tongwen {

class BilingualService;
struct ParallelView;

struct ApiContext {
  SearchService* search = nullptr;
  BilingualService* bilingual = nullptr;
  WriteService* writer = nullptr;
  AlignService* aligner = nullptr;
  Settings settings;
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::map<std::string, std::string> headers;
};

// Query parameters in order, repeated names kept.
using Params = std::vector<std::pair<std::string, std::string>>;
Params query_params(const Poco::URI& uri);
// Throws UserError("bad_parameter") naming the first parameter not in `allowed` (names starting
// with '_' are ignored: cache busters).
void check_params(const Params& params, std::initializer_list<const char*> allowed);
std::string param(const Params& params, const std::string& name, const std::string& fallback = "");
std::vector<std::string> params(const Params& params, const std::string& name);
int int_param(const Params& params, const std::string& name, int fallback, int lo, int hi);

ApiResponse json_response(const Poco::Dynamic::Var& body, int status = 200);

// Before refusing a request whose body is left unread: reads and drops up to `cap` bytes of it
// (closing a socket with unread data sends a reset, which can destroy the response on its way to
// the client), and marks the connection to be closed (api_write.cpp).
void discard_body(Poco::Net::HTTPServerRequest& req, std::uint64_t cap);

// How much of a body over server.max_upload_mb is read and dropped before the 413 (then the
// connection closes): a modest overshoot gets its answer rather than a reset, and no client makes
// the server read much more than its limit.
constexpr std::uint64_t kDrainBytes = 16ull << 20;

// The body of POST /api/documents as an Upload: a multipart form (one `file` part plus metadata
// fields, and the fields of the request's query) when `req` says multipart/form-data, else the raw
// file named by ?filename= with metadata in the query `p`. Reads `body` to its end, not req.stream(). The
// file name is reduced to its base name. Throws UserError("bad_request") for a form that cannot be read or
// has no or more than one file part, UserError("bad_parameter") when there is no file name (api_write.cpp;
// fuzzed by fuzz_upload).
Upload parse_upload(const Poco::Net::HTTPRequest& req, std::istream& body, const Params& p);

// Dispatches a request (everything under /api/ and /healthz). Throws UserError("not_found") for an
// unknown route.
ApiResponse route(ApiContext& ctx, Poco::Net::HTTPServerRequest& req, const Poco::URI& uri);

// Endpoint groups (api.cpp, api_write.cpp, api_parallel.cpp). Each returns true when it handled the
// request.
bool route_read(ApiContext& ctx, Poco::Net::HTTPServerRequest& req, const std::vector<std::string>& parts,
                const Params& p, ApiResponse& out);
bool route_write(ApiContext& ctx, Poco::Net::HTTPServerRequest& req, const std::vector<std::string>& parts,
                 const Params& p, ApiResponse& out);
bool route_bilingual(ApiContext& ctx, Poco::Net::HTTPServerRequest& req,
                     const std::vector<std::string>& parts, const Params& p, ApiResponse& out);

// POST /api/align (api_align.cpp).
bool route_align(ApiContext& ctx, Poco::Net::HTTPServerRequest& req, const std::vector<std::string>& parts,
                 const Params& p, ApiResponse& out);

// JSON forms shared by endpoints.
// The parallel view: {source, target, method, [lexicon,] low_confidence, rows: [...]}.
Poco::JSON::Object::Ptr parallel_json(const ParallelView& v);
Poco::JSON::Object::Ptr snippet_json(const Snippet& s);
// {field: [{value, count, selected?}]} in the given order.
Poco::JSON::Object::Ptr facets_json(
    const std::vector<std::pair<std::string, std::vector<FacetCount>>>& facets);

}  // namespace tongwen
