#include "source_record.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "tongwen/errors.h"
#include "tongwen/json.h"
#include "tongwen/util.h"

namespace tongwen {

std::string source_record_key(const std::string& absolute_path) {
  return std::string(kSourceRecordPrefix) + sha256_hex(absolute_path);
}

std::string SourceRecord::to_json() const {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("path", path);
  o->set("size", static_cast<Poco::UInt64>(size));
  o->set("mtime_ns", static_cast<Poco::Int64>(mtime_ns));
  o->set("sha256", sha256);
  o->set("inputs", inputs);
  o->set("format", format);
  o->set("encoding", encoding);
  o->set("languages", languages);
  o->set("converter_version", converter_version);
  o->set("outcome", outcome);
  if (!error.empty()) o->set("error", error);
  o->set("ids", json_array(ids));
  return json_text(o);
}

SourceRecord SourceRecord::from_json(const std::string& s) {
  SourceRecord r;
  if (s.empty()) return r;
  try {
    Poco::JSON::Parser p;
    auto o = p.parse(s).extract<Poco::JSON::Object::Ptr>();
    r.path = o->optValue<std::string>("path", "");
    r.size = o->optValue<Poco::UInt64>("size", 0);
    r.mtime_ns = o->optValue<Poco::Int64>("mtime_ns", 0);
    r.sha256 = o->optValue<std::string>("sha256", "");
    r.inputs = o->optValue<std::string>("inputs", "");
    r.format = o->optValue<std::string>("format", "");
    r.encoding = o->optValue<std::string>("encoding", "");
    r.languages = o->optValue<std::string>("languages", "");
    r.converter_version = o->optValue<int>("converter_version", 0);
    r.outcome = o->optValue<std::string>("outcome", "");
    r.error = o->optValue<std::string>("error", "");
    if (auto a = o->getArray("ids")) {
      r.ids.reserve(a->size());
      for (std::size_t i = 0; i < a->size(); ++i)
        r.ids.push_back(a->getElement<std::string>(static_cast<unsigned>(i)));
    }
  } catch (const Poco::Exception& e) {
    throw EnvironmentError("corrupt_index",
                           "a load record in the index is damaged (" + e.displayText() + ")");
  }
  return r;
}

}  // namespace tongwen
