#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <iostream>
#include <set>

#include "cli.h"
#include "tongwen/converter.h"
#include "tongwen/json.h"

namespace tongwen::cli {

int cmd_convert(const Global& g, const std::vector<std::string>& argv) {
  Args a = parse(argv, {"format", "encoding"}, {"help", "json", "compact"});
  if (a.has("help")) {
    std::cout << "usage: tongwen convert FILE [--format NAME] [--encoding ENC] [--compact]\n\n"
                 "Converts FILE and prints the detected format, encoding and languages and the\n"
                 "document(s) as JSON (the model's fields). Nothing is indexed. A sidecar\n"
                 "FILE-stem.meta.json next to the file is applied. --format forces a converter\n"
                 "(see `tongwen formats`); --encoding declares the input encoding.\n"
                 "Exit 1 when the file cannot be converted (the error names the file and the problem).\n";
    return kOk;
  }
  if (a.positional.size() != 1)
    throw UsageError("convert takes exactly one FILE (see tongwen convert --help)");
  Settings s = settings(g);
  ConvertOptions opt;
  opt.format = a.get("format");
  opt.declared_encoding = a.get("encoding");
  opt.limits = ConvertLimits::from(s);
  ConvertResult r = convert_file(a.positional[0], opt);
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("path", a.positional[0]);
  o->set("format", r.format);
  std::set<std::string> encodings, langs;
  for (const auto& d : r.documents) {
    encodings.insert(d.source.encoding);
    langs.insert(d.lang);
    for (const auto& p : d.paragraphs)
      if (!p.lang.empty()) langs.insert(p.lang);
  }
  Poco::JSON::Array::Ptr enc = new Poco::JSON::Array, lang = new Poco::JSON::Array,
                         docs = new Poco::JSON::Array;
  for (const auto& e : encodings) enc->add(e);
  for (const auto& l : langs) lang->add(l);
  for (const auto& d : r.documents) docs->add(document_to_object(d, true));
  o->set("encoding",
         encodings.size() == 1 ? Poco::Dynamic::Var(*encodings.begin()) : Poco::Dynamic::Var(enc));
  o->set("languages", lang);
  o->set("documents", docs);
  std::cout << json_text(o, !a.has("compact")) << "\n";
  return kOk;
}

int cmd_formats(const Global&, const std::vector<std::string>& argv) {
  Args a = parse(argv, {}, {"help"});
  if (a.has("help")) {
    std::cout << "usage: tongwen formats\n\nLists the converters: name, file endings, description.\n";
    return kOk;
  }
  for (const auto& c : ConverterRegistry::standard().all()) {
    std::string exts;
    for (auto e : c->extensions()) exts += (exts.empty() ? "." : " .") + std::string(e);
    std::cout << c->name() << "\t" << exts << "\t" << c->description() << "\n";
  }
  return kOk;
}

int cmd_config(const Global& g, const std::vector<std::string>& argv) {
  Args a = parse(argv, {}, {"help"});
  if (a.has("help")) {
    std::cout
        << "usage: tongwen config\n\nPrints every setting: key, environment variable, default, description.\n"
           "Layers: defaults < file (--config) < environment < --set/flags. Unknown keys are errors.\n";
    return kOk;
  }
  settings(g);  // validates
  for (const auto& d : settings_reference())
    std::cout << d.key << "\t" << (d.env.empty() ? "-" : d.env) << "\t" << d.default_value << "\t"
              << d.description << "\n";
  return kOk;
}

}  // namespace tongwen::cli
