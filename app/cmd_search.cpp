#include <iostream>

#include "cli.h"
#include "tongwen/json.h"
#include "tongwen/schema.h"
#include "tongwen/search.h"
#include "tongwen/search_json.h"

namespace tongwen::cli {

namespace {

const char* kQueryHelp =
    R"(usage: tongwen search QUERY [options]

Query syntax:
  innovation            English word (stemmed: innovate, innovative, ...)
  "open science"        exact phrase (words in this order, not stemmed)
  人工智能治理           Chinese: finds the exact string, in Simplified or Traditional
  AI 治理               all words must match (AND is implied)
  a OR b, a AND b, NOT a, -a, +a, ( ... )
  title:word  speaker:Wang  topic:"open science"  event:Shanghai
  lang:zh  lang:en  type:speech  year:2023  date:2019..2023  date:2021-05..
  innovat*              English prefix (two letters at least)

options:
  --speaker S --topic T --event E --lang L --type T --year Y   facet filters (repeatable;
                        OR within one facet, AND across facets)
  --from DATE --to DATE date range (YYYY, YYYY-MM or YYYY-MM-DD)
  --sort relevance|date|date-asc   --page N   --size N
  --expand              cross-language expansion from the glossary (Belt and Road <-> 一带一路)
  --json                print the full result as JSON (hits, snippets, facets)
)";

}  // namespace

int cmd_search(const Global& g, const std::vector<std::string>& argv) {
  // A filter option per facet field of the schema.
  std::vector<std::string> with_value;
  for (const schema::Field* f : schema::facet_fields()) with_value.emplace_back(f->name);
  for (const char* o : {"from", "to", "sort", "page", "size"}) with_value.emplace_back(o);
  Args a = parse(argv, with_value, {"help", "json", "expand", "no-facets"});
  if (a.has("help")) {
    std::cout << kQueryHelp;
    return kOk;
  }
  Settings s = settings(g);
  SearchRequest req;
  for (std::size_t i = 0; i < a.positional.size(); ++i) req.q += (i ? " " : "") + a.positional[i];
  for (const schema::Field* f : schema::facet_fields()) {
    auto v = a.all(std::string(f->name));
    if (!v.empty()) req.filters[std::string(f->name)] = v;
  }
  req.from = a.get("from");
  req.to = a.get("to");
  req.sort = a.get("sort", "relevance");
  try {
    req.page = std::stoi(a.get("page", "1"));
    req.size = std::stoi(a.get("size", std::to_string(s.search.page_size)));
  } catch (const std::exception&) {
    throw UsageError("--page and --size take whole numbers");
  }
  if (a.has("expand")) req.expand = true;
  req.facets = !a.has("no-facets");
  SearchService service(s.index_dir(), s);
  SearchResult r = service.search(req);
  if (r.shards.partial()) {
    std::cerr << "partial answer: " << r.shards.answered() << " of " << r.shards.total
              << " shards answered; missing:";
    for (const auto& loc : r.shards.missing) std::cerr << " " << loc;
    std::cerr << "\n";
  }

  if (a.has("json")) {
    std::cout << json_text(search_result_json(r), true) << "\n";
    return kOk;
  }
  std::cout << r.total << " documents\n";
  int n = (r.page - 1) * r.size;
  for (const auto& h : r.hits) {
    std::cout << "\n" << ++n << ". " << h.title << "  [" << h.id << "]\n   ";
    std::string meta;
    for (const auto& x : {h.date, h.lang, h.type})
      if (!x.empty()) meta += (meta.empty() ? "" : " · ") + x;
    for (const auto& x : h.speakers) meta += (meta.empty() ? "" : " · ") + x;
    std::cout << meta << "\n   ";
    // Highlights as [[...]] on a terminal.
    std::string line;
    std::size_t cp = 0, hi = 0;
    const auto& sn = h.snippet;
    for (std::size_t i = 0; i < sn.text.size();) {
      if (hi < sn.highlights.size() && cp == sn.highlights[hi].start) line += "[[";
      std::size_t start = i;
      ++i;
      while (i < sn.text.size() && (static_cast<unsigned char>(sn.text[i]) & 0xC0) == 0x80) ++i;
      line.append(sn.text, start, i - start);
      ++cp;
      if (hi < sn.highlights.size() && cp == sn.highlights[hi].start + sn.highlights[hi].length) {
        line += "]]";
        ++hi;
      }
    }
    std::cout << line << "\n";
  }
  for (const auto& [name, values] : r.facets) {
    if (values.empty()) continue;
    std::cout << "\n" << name << ":";
    for (const auto& v : values) std::cout << "  " << v.value << " (" << v.count << ")";
    std::cout << "\n";
  }
  return kOk;
}

}  // namespace tongwen::cli
