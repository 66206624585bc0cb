// `tongwen check`: opens every part of an archive and verifies it (app/archive_check.cpp).
#pragma once

#include <string>
#include <vector>

#include "tongwen/config.h"

namespace tongwen {

struct CheckProblem {
  std::string check;    // xapian, schema, documents, terms, facets, alignments, loads
  std::string message;  // what is wrong, naming the document, key or file
};

struct CheckReport {
  std::vector<CheckProblem> problems;
  // What was looked at: check name -> a short count ("46 documents").
  std::vector<std::pair<std::string, std::string>> checked;
  bool sound() const { return problems.empty(); }
};

struct CheckOptions {
  std::size_t sample = 500;  // documents whose terms are rebuilt and compared (0 = all)
};

// Never throws for a fault in the archive: every fault is a problem in the report.
CheckReport check_archive(const Settings& settings, const CheckOptions& options);

}  // namespace tongwen
