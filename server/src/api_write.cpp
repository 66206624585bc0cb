// Writes over HTTP: POST /api/documents (upload) and DELETE /api/documents/{id}, bearer token
// required. (Filled in by the bulk-loading work; the routes and the token check live here.)
#include "api.h"
#include "tongwen/errors.h"

namespace tongwen {

bool route_write(ApiContext&, Poco::Net::HTTPServerRequest&, const std::vector<std::string>&, const Params&,
                 ApiResponse&) {
  return false;
}

}  // namespace tongwen
