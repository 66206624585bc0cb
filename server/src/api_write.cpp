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
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/HTTPStream.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/SHA2Engine.h>
#include <Poco/String.h>
#include <malloc.h>

#include <algorithm>
#include <cctype>
#include <istream>
#include <memory>
#include <streambuf>

#include "api.h"
#include "tongwen/errors.h"
#include "tongwen/json.h"

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

}  // namespace

// Runs before the body is read (route() calls it for the table's token routes): a refused upload
// is not accepted into memory.
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

namespace {

// Reads at most `limit` bytes of the request body and then reports end of input, remembering that
// there was more; the caller turns that into 413 (a parser reading through it sees a truncated
// body). It calls the stream buffers directly, so that what Poco throws (a timeout, a reset) is
// kept here instead of being swallowed by an istream as an early end of input, and it decodes a
// chunked body itself from the connection's raw bytes: Poco 1.11's decoder takes a malformed chunk
// size (ZZZ, -5) or a body cut off before its 0-chunk for a proper end, and reads only 8 hex digits
// of a longer size. check() then refuses a body that did not arrive whole.
class LimitedBuf : public std::streambuf {
 public:
  LimitedBuf(Poco::Net::HTTPServerRequest& req, std::uint64_t limit) : req_(req), limit_(limit) {
    auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&req);
    chunked_ = req.getChunkedTransferEncoding() && impl;
    if (chunked_) raw_ = std::make_unique<Poco::Net::HTTPInputStream>(impl->session());
    in_ = chunked_ ? raw_->rdbuf() : req.stream().rdbuf();
  }
  bool exceeded() const { return exceeded_; }

  // Reads and drops up to `cap` more bytes of the body, through the same framing (a chunked body
  // read on through Poco's stream would be taken from the middle of a chunk).
  void drain(std::uint64_t cap) {
    limit_ = count_ + cap;
    setg(buf_, buf_, buf_);
    while (failure_ == Failure::none && underflow() != traits_type::eof()) setg(buf_, buf_, buf_);
  }

  // After the body was read to its end: throws unless it arrived whole (as many bytes as
  // Content-Length announced; a chunked body up to its 0-chunk).
  void check() {
    if (failure_ == Failure::timeout)
      refuse("request_timeout", "the request body stopped arriving after " + std::to_string(count_) +
                                    " bytes (server.body_timeout_ms): nothing was stored");
    if (failure_ == Failure::framing)
      refuse("bad_request", "the request body is malformed (" + what_ + "): nothing was stored");
    if (failure_ == Failure::broken)
      refuse("bad_request", "the connection failed after " + std::to_string(count_) + " bytes of the body (" +
                                what_ + "): nothing was stored");
    if (exceeded_) return;
    if (failure_ == Failure::truncated || (chunked_ && !done_))
      refuse("bad_request", "the chunked body ended after " + std::to_string(count_) +
                                " bytes without its last (0) chunk: nothing was stored");
    if (!chunked_ && req_.hasContentLength() &&
        count_ < static_cast<std::uint64_t>(req_.getContentLength64()))
      refuse("bad_request", "the body ended after " + std::to_string(count_) + " of the " +
                                std::to_string(req_.getContentLength64()) +
                                " bytes its Content-Length announced: nothing was stored");
  }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (failure_ != Failure::none || done_) return traits_type::eof();
    if (count_ >= limit_) {
      // One more byte means the body is over the limit.
      if (!exceeded_ && guarded([&] { return more(); })) exceeded_ = true;
      return traits_type::eof();
    }
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(sizeof buf_, limit_ - count_));
    std::streamsize got = guarded([&] { return chunked_ ? read_chunked(want) : read_plain(want); });
    if (got <= 0) return traits_type::eof();
    count_ += static_cast<std::uint64_t>(got);
    setg(buf_, buf_, buf_ + got);
    return traits_type::to_int_type(*gptr());
  }

 private:
  enum class Failure { none, timeout, framing, broken, truncated };

  std::streamsize read_plain(std::size_t want) {
    return in_->sgetn(buf_, static_cast<std::streamsize>(want));
  }

  bool more() {
    if (!chunked_) return in_->sgetc() != traits_type::eof();
    if (chunk_left_ == 0) next_chunk();
    return !done_ && failure_ == Failure::none;
  }

  // One line of the chunked framing, without its CRLF; false at the end of input.
  bool line(std::string& out) {
    out.clear();
    for (;;) {
      int c = in_->sbumpc();
      if (c == traits_type::eof()) return false;
      if (c == '\n') break;
      if (out.size() >= 4096) throw Poco::Net::HTTPException("a chunk size line longer than 4096 bytes");
      out += static_cast<char>(c);
    }
    if (!out.empty() && out.back() == '\r') out.pop_back();
    return true;
  }

  // Reads the next chunk-size line (and, after the 0-chunk, the trailer).
  void next_chunk() {
    std::string l;
    if (!line(l)) {
      failure_ = Failure::truncated;
      return;
    }
    std::string size = Poco::trim(l.substr(0, l.find(';')));
    bool hex = !size.empty() && size.size() <= 15 && std::all_of(size.begin(), size.end(), [](char c) {
      return std::isxdigit(static_cast<unsigned char>(c));
    });
    if (!hex) throw Poco::Net::HTTPException("bad chunk size \"" + l.substr(0, 40) + "\"");
    chunk_left_ = std::stoull(size, nullptr, 16);
    if (chunk_left_ > 0) return;
    for (;;) {  // the trailer, up to its empty line
      if (!line(l)) {
        failure_ = Failure::truncated;
        return;
      }
      if (l.empty()) break;
    }
    done_ = true;
  }

  std::streamsize read_chunked(std::size_t want) {
    if (chunk_left_ == 0) next_chunk();
    if (done_ || failure_ != Failure::none) return 0;
    std::streamsize got =
        in_->sgetn(buf_, static_cast<std::streamsize>(std::min<std::uint64_t>(want, chunk_left_)));
    if (got <= 0) {
      failure_ = Failure::truncated;
      return 0;
    }
    chunk_left_ -= static_cast<std::uint64_t>(got);
    if (chunk_left_ == 0) {  // every chunk ends with CRLF
      std::string l;
      if (!line(l)) {
        failure_ = Failure::truncated;
      } else if (!l.empty()) {
        throw Poco::Net::HTTPException("a chunk is longer than its size");
      }
    }
    return got;
  }

  template <class F>
  auto guarded(F f) -> decltype(f()) {
    try {
      return f();
    } catch (const Poco::TimeoutException& e) {
      failure_ = Failure::timeout;
      what_ = e.displayText();
    } catch (const Poco::Net::HTTPException& e) {
      failure_ = Failure::framing;
      what_ = e.message();
    } catch (const Poco::Exception& e) {
      failure_ = Failure::broken;
      what_ = e.displayText();
    }
    return {};
  }

  [[noreturn]] void refuse(const std::string& code, const std::string& message) {
    req_.response().setKeepAlive(false);  // what is left of the body cannot be framed
    throw UserError(code, message);
  }

  Poco::Net::HTTPServerRequest& req_;
  std::unique_ptr<Poco::Net::HTTPInputStream> raw_;
  std::streambuf* in_ = nullptr;
  std::uint64_t limit_, count_ = 0, chunk_left_ = 0;
  bool chunked_ = false, done_ = false, exceeded_ = false;
  Failure failure_ = Failure::none;
  std::string what_;
  char buf_[64 * 1024];
};

[[noreturn]] void too_large(Poco::Net::HTTPServerRequest& req, std::uint64_t mb, LimitedBuf* buf = nullptr) {
  if (buf) {
    req.response().setKeepAlive(false);
    try {
      buf->drain(kDrainBytes);
    } catch (const std::exception&) {
      // a malformed rest: the answer goes anyway
    }
  } else {
    discard_body(req, kDrainBytes);
  }
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

// The request as an Upload: the body limited to server.max_upload_mb, parsed by parse_upload. A
// body that did not arrive whole or was cut at the limit wins over what the parser made of it.
Upload read_upload(ApiContext& ctx, Poco::Net::HTTPServerRequest& req, const Params& p) {
  const std::uint64_t mb = ctx.settings.server.max_upload_mb;
  const std::uint64_t limit = mb << 20;
  if (req.hasContentLength() && req.getContentLength64() > static_cast<Poco::Int64>(limit))
    too_large(req, mb);
  LimitedBuf buf(req, limit);
  std::istream body(&buf);
  Upload up;
  try {
    up = parse_upload(req, body, p);
  } catch (const UserError&) {
    buf.check();
    if (buf.exceeded()) too_large(req, mb, &buf);
    throw;
  }
  buf.check();
  if (buf.exceeded()) too_large(req, mb, &buf);
  return up;
}

}  // namespace

Upload parse_upload(const Poco::Net::HTTPRequest& req, std::istream& body, const Params& p) {
  Upload up;
  if (Poco::icompare(req.getContentType().substr(0, 19), "multipart/form-data") == 0) {
    Poco::Net::HTMLForm form;
    form.setFieldLimit(100);
    FilePart part;
    try {
      form.load(req, body, part);
    } catch (const Poco::Exception& e) {
      throw UserError("bad_request", "the form cannot be read: " + e.displayText());
    }
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

ApiResponse handle_upload(ApiContext& ctx, Poco::Net::HTTPServerRequest& req, const PathArgs&,
                          const Params& p) {
  UploadResult r;
  {
    Upload up = read_upload(ctx, req, p);
    r = ctx.writer->add(up);
  }
  // A large upload's body, documents and analyses are freed by now; glibc keeps freed memory
  // unless asked (a million-row upload kept 2.7 GB after it was answered).
  malloc_trim(0);
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("outcome", r.outcome);
  o->set("count", r.count);
  o->set("ids", json_array(r.ids));
  if (r.count > r.ids.size())
    o->set("note", "ids lists the first " + std::to_string(r.ids.size()) + " of the " +
                       std::to_string(r.count) + " documents; GET /api/loads/" + r.load + " lists them all");
  o->set("format", r.format);
  if (!r.load.empty()) o->set("load", r.load);
  ApiResponse out = json_response(o, r.outcome == "added" ? 201 : 200);
  if (r.outcome == "added" && r.count == 1) out.headers["Location"] = "/api/documents/" + r.ids[0];
  return out;
}

ApiResponse handle_delete(ApiContext& ctx, Poco::Net::HTTPServerRequest&, const PathArgs& args,
                          const Params& p) {
  check_params(p, {});
  if (!ctx.writer->remove(args[0])) throw UserError("not_found", "no document with id \"" + args[0] + "\"");
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("deleted", args[0]);
  return json_response(o);
}

ApiResponse handle_undo(ApiContext& ctx, Poco::Net::HTTPServerRequest&, const PathArgs& args,
                        const Params& p) {
  check_params(p, {"force"});
  std::string force = param(p, "force", "0");
  if (force != "0" && force != "1")
    throw UserError("bad_parameter", "force must be 0 or 1, got \"" + force + "\"");
  UndoOutcome r = ctx.writer->undo(args[0], force == "1");
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("undone", r.undone);
  o->set("load", r.load);
  o->set("removed", r.removed);
  o->set("restored", r.restored);
  return json_response(o);
}

}  // namespace tongwen
