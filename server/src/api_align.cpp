// POST /api/align: two texts or two files that are not in the index, aligned as two indexed
// documents would be (the archive's lexicon and length statistics when it has them, the glossary
// otherwise), answered in the parallel view's form plus `lexicon`. Writes nothing, so it needs no
// token; the body is bounded by server.max_upload_mb (413 beyond).
//
// Bodies: JSON {"a": {"text", "lang"?}, "b": {"text", "lang"?}} (paragraphs between blank lines),
// or a multipart form with two file parts named "a" and "b" (converted by their file names) and
// optional fields a_lang, b_lang. "a" is the source side.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/String.h>

#include <istream>
#include <map>

#include "api.h"
#include "tongwen/bilingual.h"
#include "tongwen/errors.h"

namespace tongwen {

namespace {

[[noreturn]] void too_large(std::uint64_t mb) {
  throw UserError("too_large",
                  "the texts are larger than " + std::to_string(mb) + " MB (server.max_upload_mb)");
}

// The whole body, refused past `limit` bytes (413) without reading much further.
std::string read_bounded(std::istream& in, std::uint64_t limit, std::uint64_t mb) {
  std::string out;
  char buf[16384];
  while (in.read(buf, sizeof buf).gcount() > 0) {
    out.append(buf, static_cast<std::size_t>(in.gcount()));
    if (out.size() > limit) too_large(mb);
  }
  return out;
}

// Collects the file parts "a" and "b", each bounded.
class Parts : public Poco::Net::PartHandler {
 public:
  Parts(std::uint64_t limit, std::uint64_t mb) : limit_(limit), mb_(mb) {}
  void handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) override {
    std::string disposition;
    Poco::Net::NameValueCollection params;
    if (header.has("Content-Disposition"))
      Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition"), disposition, params);
    std::string name = params.get("name", "");
    std::string bytes = read_bounded(stream, limit_, mb_);
    total_ += bytes.size();
    if (total_ > limit_) too_large(mb_);
    if (name != "a" && name != "b") {
      extra = name.empty() ? "(unnamed)" : name;
      return;
    }
    AlignInput& in = files[name];
    in.filename = params.get("filename", name + ".txt");
    auto slash = in.filename.find_last_of("/\\");
    if (slash != std::string::npos) in.filename = in.filename.substr(slash + 1);
    if (in.filename.empty()) in.filename = name + ".txt";
    in.bytes = std::move(bytes);
  }
  std::map<std::string, AlignInput> files;
  std::string extra;

 private:
  std::uint64_t limit_, mb_, total_ = 0;
};

AlignInput json_side(const Poco::JSON::Object::Ptr& body, const char* name) {
  if (!body->has(name) || body->get(name).type() != typeid(Poco::JSON::Object::Ptr))
    throw UserError("bad_request", std::string("the body needs an object \"") + name + "\": {text, lang}");
  auto o = body->getObject(name);
  AlignInput in;
  for (const auto& [k, v] : *o) {
    if (k != "text" && k != "lang")
      throw UserError("bad_request", std::string("unknown field \"") + k + "\" in \"" + name + "\"");
    if (!v.isString()) throw UserError("bad_request", std::string(name) + "." + k + " must be a string");
  }
  in.text = o->optValue<std::string>("text", "");
  in.lang = o->optValue<std::string>("lang", "");
  return in;
}

// Reads the two texts of the body (JSON, or a multipart form with parts "a" and "b"), bounded.
void read_inputs(Poco::Net::HTTPServerRequest& req, std::uint64_t limit, std::uint64_t mb, AlignInput& a,
                 AlignInput& b) {
  std::string type = req.getContentType();
  if (Poco::icompare(type.substr(0, 19), "multipart/form-data") == 0) {
    Poco::Net::HTMLForm form;
    form.setFieldLimit(20);
    Parts files(limit, mb);
    try {
      form.load(req, req.stream(), files);
    } catch (const Poco::Exception& e) {
      throw UserError("bad_request", "the form cannot be read: " + e.displayText());
    }
    if (!files.extra.empty())
      throw UserError("bad_request",
                      "unexpected part \"" + files.extra + "\": send two files named \"a\" and \"b\"");
    if (!files.files.count("a") || !files.files.count("b"))
      throw UserError("bad_request", "the form needs two file parts named \"a\" and \"b\"");
    a = files.files["a"];
    b = files.files["b"];
    a.lang = form.get("a_lang", "");
    b.lang = form.get("b_lang", "");
  } else {
    std::string body = read_bounded(req.stream(), limit, mb);
    Poco::JSON::Object::Ptr o;
    try {
      Poco::JSON::Parser parser;
      o = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
      throw UserError("bad_request",
                      "the body is not a JSON object {a: {text, lang}, b: {text, lang}}: " + e.displayText());
    } catch (const std::exception&) {
      throw UserError("bad_request", "the body is not a JSON object {a: {text, lang}, b: {text, lang}}");
    }
    for (const auto& [k, v] : *o)
      if (k != "a" && k != "b") throw UserError("bad_request", "unknown field \"" + k + "\": give a and b");
    a = json_side(o, "a");
    b = json_side(o, "b");
  }
}

}  // namespace

ApiResponse handle_align(ApiContext& ctx, Poco::Net::HTTPServerRequest& req, const PathArgs&,
                         const Params& p) {
  check_params(p, {});
  if (!ctx.aligner) throw EnvironmentError("align_disabled", "this server does not align texts");
  const std::uint64_t mb = ctx.settings.server.max_upload_mb;
  const std::uint64_t limit = mb << 20;
  if (req.hasContentLength() && req.getContentLength64() > static_cast<Poco::Int64>(limit)) {
    discard_body(req, kDrainBytes);  // a modest overshoot still gets its answer
    too_large(mb);
  }
  AlignInput a, b;
  try {
    read_inputs(req, limit, mb, a, b);
  } catch (const UserError& e) {
    if (e.code() == "too_large") discard_body(req, kDrainBytes);  // the rest of the body, then close
    throw;
  }
  AlignedTexts r = ctx.aligner->align(a, b);
  ParallelView v = parallel_view(r.source, r.target, r.alignment);
  v.lexicon = r.lexicon;
  return json_response(parallel_json(v));
}

}  // namespace tongwen
