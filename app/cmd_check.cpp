// tongwen check: is the archive sound? (app/archive_check.cpp)
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <iostream>

#include "archive_check.h"
#include "cli.h"
#include "tongwen/json.h"

namespace tongwen::cli {

int cmd_check(const Global& g, const std::vector<std::string>& argv) {
  Args a = parse(argv, {"sample"}, {"help", "json", "full"});
  if (a.has("help")) {
    std::cout << R"(usage: tongwen check [--json] [--sample N | --full]

Opens every part of the archive and verifies it:
  xapian      Xapian's own check of every table of the index (as xapian-check does)
  schema      the index was built with this program's schema
  documents   every stored document reads back and its id names it alone
  terms       for a sample of documents (--sample N, default 500; --full: all), the document
              indexed again from its stored text has exactly the terms and values the index holds
  facets      the facet counts a search reports equal the counts of the stored documents
  alignments  every stored alignment names existing documents and points inside their text;
              every translation group record names existing documents

Prints what it checked and every problem found. --json prints {sound, checked, problems:[{check,
message}]} on stdout.

exit: 0 sound, 1 problems found (listed), 2 usage.
)";
    return kOk;
  }
  if (!a.positional.empty()) throw UsageError("check takes no arguments (the archive is --data DIR)");
  Settings s = settings(g);
  CheckOptions opt;
  if (a.has("sample")) {
    try {
      long n = std::stol(a.get("sample"));
      if (n <= 0) throw std::invalid_argument("");
      opt.sample = static_cast<std::size_t>(n);
    } catch (const std::exception&) {
      throw UsageError("--sample needs a whole number above 0, got \"" + a.get("sample") + "\"");
    }
  }
  if (a.has("full")) opt.sample = 0;
  CheckReport r = check_archive(s, opt);
  if (a.has("json")) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("sound", r.sound());
    o->set("index", s.index_dir());
    Poco::JSON::Object::Ptr checked = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [k, v] : r.checked) checked->set(k, v);
    o->set("checked", checked);
    Poco::JSON::Array::Ptr problems = new Poco::JSON::Array;
    for (const auto& p : r.problems) {
      Poco::JSON::Object::Ptr po = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      po->set("check", p.check);
      po->set("message", p.message);
      problems->add(po);
    }
    o->set("problems", problems);
    std::cout << json_text(o, true) << "\n";
  } else {
    for (const auto& [k, v] : r.checked) std::cout << "checked " << k << ": " << v << "\n";
    for (const auto& p : r.problems) std::cout << "PROBLEM " << p.check << ": " << p.message << "\n";
    std::cout << (r.sound() ? "archive " + s.index_dir() + " is sound\n"
                            : std::to_string(r.problems.size()) + " problems in " + s.index_dir() + "\n");
  }
  return r.sound() ? kOk : kInputsFailed;
}

}  // namespace tongwen::cli
