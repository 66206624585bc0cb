// The upload body of POST /api/documents (server parse_upload): a multipart/form-data body, or a
// raw body, -> an Upload or a tongwen Error (bad_request, bad_parameter). The first byte picks the
// content type (multipart with the boundary "tongwen-fuzz", a quoted or missing boundary, or raw)
// and whether the query names a file; the rest is the body. An Upload always carries a base name.
#include <Poco/Net/HTTPRequest.h>

#include <cstdint>
#include <sstream>
#include <string>

#include "api.h"
#include "fuzz_support.h"

using namespace tongwen;

namespace {
const char* const kTypes[] = {"multipart/form-data; boundary=tongwen-fuzz",
                              "multipart/form-data; boundary=\"tongwen-fuzz\"", "multipart/form-data",
                              "Multipart/Form-Data; boundary=tongwen-fuzz; charset=utf-8",
                              "application/octet-stream"};
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  const bool named = (mode & 0x80) != 0;
  Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST,
                             named ? "/api/documents?filename=a/b.txt&title=T" : "/api/documents",
                             Poco::Net::HTTPMessage::HTTP_1_1);
  req.setContentType(kTypes[(mode & 0x7f) % (sizeof kTypes / sizeof kTypes[0])]);
  Params p;
  if (named) p = {{"filename", "a/b.txt"}, {"title", "T"}};
  std::istringstream body(std::string(fuzz::as_view(data + 1, size - 1)));
  fuzz::tongwen_errors_only([&] {
    Upload up = parse_upload(req, body, p);
    fuzz::require(!up.filename.empty() && up.filename.find_first_of("/\\") == std::string::npos,
                  "an upload's file name is a base name");
  });
  return 0;
}
