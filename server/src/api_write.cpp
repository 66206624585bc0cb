// Writes over HTTP: POST /api/documents (an upload) and DELETE /api/documents/{id}, through the
// WriteService (the bulk loader's conversion and index-writing path). Every write needs the bearer
// token of server.token (TONGWEN_TOKEN); reads never do.
//
// Statuses: 401 no or wrong token (nothing read, nothing changed); 403 the server has no token
// configured, so no credential could ever be accepted (401 would invite retrying with credentials,
// 503 retrying later); 413 body over server.max_upload_mb; 422 a file the converters refuse;
// 503 + Retry-After the index stayed locked (a bulk load) for server.write_wait_seconds.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/SHA2Engine.h>
#include <Poco/String.h>

#include <algorithm>
#include <istream>
#include <streambuf>

#include "api.h"
#include "tongwen/errors.h"

namespace tongwen {

namespace {

// Constant-time token check: both sides are hashed first, so neither the length nor the position
// of the first differing byte shows in the time taken.
bool token_matches(const std::string& given, const std::string& expected) {
  Poco::SHA2Engine a(Poco::SHA2Engine::SHA_256), b(Poco::SHA2Engine::SHA_256);
  a.update(given);
  b.update(expected);
  const auto& da = a.digest();
  const auto& db = b.digest();
  unsigned char diff = 0;
  for (std::size_t i = 0; i < da.size() && i < db.size(); ++i)
    diff |= static_cast<unsigned char>(da[i] ^ db[i]);
  return diff == 0 && da.size() == db.size();
}

// Before refusing a request whose body is left unread: reads and drops up to `cap` bytes of it
// (closing a socket with unread data sends a reset, which can destroy the response on its way to
// the client), then closes the connection rather than reading on.
void discard_body(Poco::Net::HTTPServerRequest& req, std::uint64_t cap) {
  req.response().setKeepAlive(false);
  try {
    std::istream& in = req.stream();
    char buf[16384];
    std::uint64_t n = 0;
    while (n < cap && in.read(buf, sizeof buf).gcount() > 0) n += static_cast<std::uint64_t>(in.gcount());
  } catch (const Poco::Exception&) {
    // the client went away: nothing to answer
  }
}

// Refuses the request unless it carries the configured bearer token. Runs before the body is
// read: a refused upload is not accepted into memory.
void authorize(ApiContext& ctx, Poco::Net::HTTPServerRequest& req) {
  if (!ctx.writer) throw EnvironmentError("writes_disabled", "this server does not accept writes");
  const std::string& expected = ctx.settings.server.token;
  if (expected.empty()) {
    discard_body(req, 1 << 20);
    throw UserError(
        "forbidden",
        "writes are disabled: the server has no token configured (set server.token or TONGWEN_TOKEN)");
  }
  std::string auth = req.get("Authorization", "");
  std::string given;
  if (auth.size() > 7 && Poco::icompare(auth.substr(0, 7), "bearer ") == 0)
    given = Poco::trim(auth.substr(7));
  if (given.empty() || !token_matches(given, expected)) {
    discard_body(req, 1 << 20);
    throw UserError("unauthorized", given.empty() ? "writes need an Authorization: Bearer <token> header"
                                                  : "the bearer token is not valid");
  }
}

// Reads at most `limit` bytes from a stream and then reports end of input, remembering that there
// was more; the caller turns that into 413 (a parser reading through it sees a truncated body).
class LimitedBuf : public std::streambuf {
 public:
  LimitedBuf(std::istream& in, std::uint64_t limit) : in_(in), limit_(limit) {}
  bool exceeded() const { return exceeded_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (count_ >= limit_) {
      // One more byte means the body is over the limit.
      if (!exceeded_ && in_.peek() != traits_type::eof()) exceeded_ = true;
      return traits_type::eof();
    }
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(sizeof buf_, limit_ - count_));
    in_.read(buf_, static_cast<std::streamsize>(want));
    std::streamsize got = in_.gcount();
    if (got <= 0) return traits_type::eof();
    count_ += static_cast<std::uint64_t>(got);
    setg(buf_, buf_, buf_ + got);
    return traits_type::to_int_type(*gptr());
  }

 private:
  std::istream& in_;
  std::uint64_t limit_, count_ = 0;
  bool exceeded_ = false;
  char buf_[64 * 1024];
};

[[noreturn]] void too_large(Poco::Net::HTTPServerRequest& req, std::uint64_t mb) {
  discard_body(req, 16ull << 20);  // a modest overshoot still gets its answer
  throw UserError("too_large",
                  "the upload is larger than " + std::to_string(mb) + " MB (server.max_upload_mb)");
}

// Takes the form's `file` part.
class FilePart : public Poco::Net::PartHandler {
 public:
  void handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) override {
    std::string disposition, name, given_name;
    Poco::Net::NameValueCollection params;
    if (header.has("Content-Disposition")) {
      Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition"), disposition, params);
      name = params.get("name", "");
      given_name = params.get("filename", "");
    }
    if (name != "file" || found) {
      extra = name.empty() ? "(unnamed)" : name;
      std::string skip((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
      return;
    }
    found = true;
    filename = given_name;
    bytes.assign(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>());
  }
  bool found = false;
  std::string filename, bytes, extra;
};

// The request as an Upload: a multipart form (a `file` part plus metadata fields) or a raw body
// named by ?filename= with metadata in the query.
Upload read_upload(ApiContext& ctx, Poco::Net::HTTPServerRequest& req, const Params& p) {
  const std::uint64_t mb = ctx.settings.server.max_upload_mb;
  const std::uint64_t limit = mb << 20;
  if (req.hasContentLength() && req.getContentLength64() > static_cast<Poco::Int64>(limit))
    too_large(req, mb);
  LimitedBuf buf(req.stream(), limit);
  std::istream body(&buf);
  Upload up;
  std::string type = req.getContentType();
  if (Poco::icompare(type.substr(0, 19), "multipart/form-data") == 0) {
    Poco::Net::HTMLForm form;
    form.setFieldLimit(100);
    FilePart part;
    try {
      form.load(req, body, part);
    } catch (const Poco::Exception& e) {
      if (buf.exceeded()) too_large(req, mb);
      throw UserError("bad_request", "the form cannot be read: " + e.displayText());
    }
    if (buf.exceeded()) too_large(req, mb);
    if (!part.extra.empty())
      throw UserError("bad_request",
                      "unexpected file part \"" + part.extra + "\": send one part named \"file\"");
    if (!part.found) throw UserError("bad_request", "the form has no part named \"file\"");
    up.filename = part.filename;
    up.bytes = std::move(part.bytes);
    for (const auto& [k, v] : form) {
      if (k == "format") {
        up.format = v;
      } else if (k == "filename") {
        if (up.filename.empty()) up.filename = v;
      } else if (!v.empty()) {
        auto [it, fresh] = up.metadata.emplace(k, v);
        if (!fresh) it->second += ";" + v;  // repeated fields (speakers) make a list
      }
    }
    for (const auto& [k, v] : p) {
      if (k == "filename" && up.filename.empty()) up.filename = v;
      if (k == "format" && up.format.empty()) up.format = v;
    }
  } else {
    up.bytes.assign(std::istreambuf_iterator<char>(body), std::istreambuf_iterator<char>());
    if (buf.exceeded()) too_large(req, mb);
    for (const auto& [k, v] : p) {
      if (!k.empty() && k[0] == '_') continue;
      if (k == "filename") {
        up.filename = v;
      } else if (k == "format") {
        up.format = v;
      } else if (!v.empty()) {
        auto [it, fresh] = up.metadata.emplace(k, v);
        if (!fresh) it->second += ";" + v;
      }
    }
  }
  // Only the name matters (it picks the converter and the default id): no folders from clients.
  auto slash = up.filename.find_last_of("/\\");
  if (slash != std::string::npos) up.filename = up.filename.substr(slash + 1);
  if (up.filename.empty() || up.filename == "." || up.filename == "..")
    throw UserError("bad_parameter",
                    "the upload needs a file name (the form part's filename, or ?filename=NAME.ext)");
  return up;
}

}  // namespace

bool route_write(ApiContext& ctx, Poco::Net::HTTPServerRequest& req, const std::vector<std::string>& parts,
                 const Params& p, ApiResponse& out) {
  if (parts.size() < 2 || parts.size() > 3 || parts[0] != "api" || parts[1] != "documents") return false;
  const std::string& method = req.getMethod();
  if (parts.size() == 2 && method == "POST") {
    authorize(ctx, req);
    Upload up = read_upload(ctx, req, p);
    UploadResult r = ctx.writer->add(up);
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("outcome", r.outcome);
    Poco::JSON::Array::Ptr ids = new Poco::JSON::Array;
    for (const auto& id : r.ids) ids->add(id);
    o->set("ids", ids);
    o->set("format", r.format);
    out = json_response(o, r.outcome == "added" ? 201 : 200);
    if (r.outcome == "added" && r.ids.size() == 1) out.headers["Location"] = "/api/documents/" + r.ids[0];
    return true;
  }
  if (parts.size() == 3 && method == "DELETE") {
    authorize(ctx, req);
    check_params(p, {});
    if (!ctx.writer->remove(parts[2]))
      throw UserError("not_found", "no document with id \"" + parts[2] + "\"");
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("deleted", parts[2]);
    out = json_response(o);
    return true;
  }
  if (method != "GET" && method != "HEAD")
    throw UserError("method_not_allowed", method + " is not allowed here; use " +
                                              (parts.size() == 2 ? "POST to upload" : "GET or DELETE"));
  return false;
}

}  // namespace tongwen
