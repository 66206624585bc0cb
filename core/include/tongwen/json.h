// JSON helpers shared by the CLI, the server and converters (Poco::JSON underneath).
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

#include "tongwen/model.h"

namespace tongwen {

// The model as a JSON object; paragraphs left out when with_paragraphs is false.
Poco::JSON::Object::Ptr document_to_object(const Document& doc, bool with_paragraphs);
Document document_from_object(const Poco::JSON::Object::Ptr& o);
// A JSON array of strings.
Poco::JSON::Array::Ptr json_array(const std::vector<std::string>& items);
// Serialises any Poco JSON value (object, array, scalar) keeping key order, UTF-8 unescaped.
std::string json_text(const Poco::Dynamic::Var& value, bool pretty = false);

}  // namespace tongwen
