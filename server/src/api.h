// Routing and the JSON endpoints. Handlers take the parsed request and return a response; errors
// are thrown as UserError/EnvironmentError and turned into JSON by http_server.cpp.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/URI.h>

#include <cstdint>
#include <istream>

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
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
void check_params(const Params& params, const std::vector<std::string_view>& allowed);
// `names` and the filter parameters: one per facet field of the schema (speaker, topic, event,
// year, lang, type), except those in `except`.
std::vector<std::string_view> with_filters(std::initializer_list<std::string_view> names,
                                           std::initializer_list<std::string_view> except = {});
// The filter parameters given in `params`: field name -> its values (schema's facet fields, except
// those in `except`).
std::map<std::string, std::vector<std::string>> filter_params(
    const Params& params, std::initializer_list<std::string_view> except = {});
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

// The path's {placeholders} of a matched route, percent-decoded, in order.
using PathArgs = std::vector<std::string>;
using RouteHandler = ApiResponse (*)(ApiContext& ctx, Poco::Net::HTTPServerRequest& req, const PathArgs& args,
                                     const Params& p);

// One endpoint. The whole API is one table of these (api.cpp).
struct Route {
  std::string_view method;   // GET (which also answers HEAD), POST or DELETE
  std::string_view pattern;  // "/api/documents/{id}/parallel": literal segments and {placeholders}
  bool token;                // a write: the bearer token is checked before the body is read
  RouteHandler handle;
};
const std::vector<Route>& routes();

// The route for `method` on the path `segments` (split, decoded) and its arguments. A path that no
// pattern matches is UserError("not_found"); one matched only under other methods is
// UserError("method_not_allowed") naming the methods it takes.
std::pair<const Route*, PathArgs> match_route(const std::string& method,
                                              const std::vector<std::string>& segments);

// The body of POST /api/documents as an Upload: a multipart form (one `file` part plus metadata
// fields, and the fields of the request's query) when `req` says multipart/form-data, else the raw
// file named by ?filename= with metadata in the query `p`. Reads `body` to its end, not req.stream(). The
// file name is reduced to its base name. Throws UserError("bad_request") for a form that cannot be read or
// has no or more than one file part, UserError("bad_parameter") when there is no file name (api_write.cpp;
// fuzzed by fuzz_upload).
Upload parse_upload(const Poco::Net::HTTPRequest& req, std::istream& body, const Params& p);

// Dispatches a request (everything under /api/ and /healthz) through the table.
ApiResponse route(ApiContext& ctx, Poco::Net::HTTPServerRequest& req, const Poco::URI& uri);

// Refuses the request unless it carries the configured bearer token (api_write.cpp).
void authorize(ApiContext& ctx, Poco::Net::HTTPServerRequest& req);

// The handlers. api.cpp: the reader's endpoints.
ApiResponse handle_healthz(ApiContext&, Poco::Net::HTTPServerRequest&, const PathArgs&, const Params&);
ApiResponse handle_search(ApiContext&, Poco::Net::HTTPServerRequest&, const PathArgs&, const Params&);
ApiResponse handle_facets(ApiContext&, Poco::Net::HTTPServerRequest&, const PathArgs&, const Params&);
ApiResponse handle_document(ApiContext&, Poco::Net::HTTPServerRequest&, const PathArgs&, const Params&);
ApiResponse handle_loads(ApiContext&, Poco::Net::HTTPServerRequest&, const PathArgs&, const Params&);
ApiResponse handle_load(ApiContext&, Poco::Net::HTTPServerRequest&, const PathArgs&, const Params&);
// api_write.cpp: uploads and deletes.
ApiResponse handle_upload(ApiContext&, Poco::Net::HTTPServerRequest&, const PathArgs&, const Params&);
ApiResponse handle_delete(ApiContext&, Poco::Net::HTTPServerRequest&, const PathArgs&, const Params&);
ApiResponse handle_undo(ApiContext&, Poco::Net::HTTPServerRequest&, const PathArgs&, const Params&);
// api_bilingual.cpp: the translator's endpoints.
ApiResponse handle_parallel(ApiContext&, Poco::Net::HTTPServerRequest&, const PathArgs&, const Params&);
ApiResponse handle_concordance(ApiContext&, Poco::Net::HTTPServerRequest&, const PathArgs&, const Params&);
ApiResponse handle_export_tmx(ApiContext&, Poco::Net::HTTPServerRequest&, const PathArgs&, const Params&);
// api_align.cpp: two texts not in the index.
ApiResponse handle_align(ApiContext&, Poco::Net::HTTPServerRequest&, const PathArgs&, const Params&);

// JSON forms shared by endpoints.
// The parallel view: {source, target, method, [lexicon,] low_confidence, rows: [...]}.
Poco::JSON::Object::Ptr parallel_json(const ParallelView& v);
Poco::JSON::Object::Ptr snippet_json(const Snippet& s);
// {field: [{value, count, selected?}]} in the given order.
Poco::JSON::Object::Ptr facets_json(
    const std::vector<std::pair<std::string, std::vector<FacetCount>>>& facets);

}  // namespace tongwen
