#include "tongwen/config.h"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <charconv>
#include <cstdlib>
#include <functional>
#include <map>

#include "tongwen/errors.h"

namespace tongwen {

namespace {

using Setter = std::function<std::string(Settings&, const std::string&)>;  // "" = ok, else why

struct Key {
  const char* key;
  const char* env;  // nullptr: no environment variable
  const char* description;
  Setter set;
  std::function<std::string(const Settings&)> get;
};

Setter int_field(std::function<int&(Settings&)> ref, int lo, int hi) {
  return [=](Settings& s, const std::string& v) -> std::string {
    int x = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
    if (ec != std::errc() || p != v.data() + v.size()) return "expected a whole number, got \"" + v + "\"";
    if (x < lo || x > hi)
      return "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " + v;
    ref(s) = x;
    return {};
  };
}

Setter u64_field(std::function<std::uint64_t&(Settings&)> ref, std::uint64_t lo, std::uint64_t hi) {
  return [=](Settings& s, const std::string& v) -> std::string {
    std::uint64_t x = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
    if (ec != std::errc() || p != v.data() + v.size()) return "expected a whole number, got \"" + v + "\"";
    if (x < lo || x > hi)
      return "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " + v;
    ref(s) = x;
    return {};
  };
}

Setter double_field(std::function<double&(Settings&)> ref, double lo, double hi) {
  return [=](Settings& s, const std::string& v) -> std::string {
    char* end = nullptr;
    double x = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0') return "expected a number, got \"" + v + "\"";
    if (x < lo || x > hi) return "out of range: " + v;
    ref(s) = x;
    return {};
  };
}

Setter string_field(std::function<std::string&(Settings&)> ref, bool allow_empty = true) {
  return [=](Settings& s, const std::string& v) -> std::string {
    if (!allow_empty && v.empty()) return "must not be empty";
    ref(s) = v;
    return {};
  };
}

Setter bool_field(std::function<bool&(Settings&)> ref) {
  return [=](Settings& s, const std::string& v) -> std::string {
    if (v == "true" || v == "1" || v == "yes" || v == "on") {
      ref(s) = true;
    } else if (v == "false" || v == "0" || v == "no" || v == "off") {
      ref(s) = false;
    } else {
      return "expected true or false, got \"" + v + "\"";
    }
    return {};
  };
}

std::string str(int v) {
  return std::to_string(v);
}

// "" = fine, else why the shard location is not one.
std::string check_shard(const std::string& item) {
  if (item.empty()) return "has an empty shard between commas";
  if (item.rfind("tcp://", 0) != 0) {
    if (item.find("://") != std::string::npos)
      return "shard \"" + item + "\": only local folders and tcp://HOST:PORT are supported";
    return {};
  }
  std::string host;
  int port = 0;
  if (!parse_tcp_shard(item, host, port))
    return "shard \"" + item + "\" is not tcp://HOST:PORT (port 1-65535)";
  return {};
}

const std::vector<Key>& keys() {
  static const std::vector<Key> k = {
      {"data.dir", "TONGWEN_DATA", "folder for the index and the load state",
       string_field([](Settings& s) -> std::string& { return s.data_dir; }, false),
       [](const Settings& s) { return s.data_dir; }},
      {"server.host", "TONGWEN_HOST", "address the server binds to",
       string_field([](Settings& s) -> std::string& { return s.server.host; }, false),
       [](const Settings& s) { return s.server.host; }},
      {"server.port", "TONGWEN_PORT", "TCP port (0 = any free port, printed at start)",
       int_field([](Settings& s) -> int& { return s.server.port; }, 0, 65535),
       [](const Settings& s) { return str(s.server.port); }},
      {"server.threads", nullptr, "request threads",
       int_field([](Settings& s) -> int& { return s.server.threads; }, 1, 1024),
       [](const Settings& s) { return str(s.server.threads); }},
      {"server.queue", nullptr, "connections waiting for a thread before new ones are refused",
       int_field([](Settings& s) -> int& { return s.server.queue; }, 1, 100000),
       [](const Settings& s) { return str(s.server.queue); }},
      {"server.keepalive_timeout_ms", nullptr,
       "how long an idle keep-alive connection stays open (0: one request per connection)",
       int_field([](Settings& s) -> int& { return s.server.keepalive_timeout_ms; }, 0, 3600000),
       [](const Settings& s) { return str(s.server.keepalive_timeout_ms); }},
      {"server.header_timeout_ms", nullptr,
       "time for a request's line and headers to arrive, in all (then 408 and the connection closes)",
       int_field([](Settings& s) -> int& { return s.server.header_timeout_ms; }, 100, 3600000),
       [](const Settings& s) { return str(s.server.header_timeout_ms); }},
      {"server.max_connections", nullptr, "open connections in all; more get 503 too_many_connections",
       int_field([](Settings& s) -> int& { return s.server.max_connections; }, 1, 100000),
       [](const Settings& s) { return str(s.server.max_connections); }},
      {"server.max_connections_per_client", nullptr,
       "open connections from one client address; more get 503 too_many_connections",
       int_field([](Settings& s) -> int& { return s.server.max_connections_per_client; }, 1, 100000),
       [](const Settings& s) { return str(s.server.max_connections_per_client); }},
      {"server.token", "TONGWEN_TOKEN", "bearer token required for writes (empty: writes refused)",
       string_field([](Settings& s) -> std::string& { return s.server.token; }),
       [](const Settings& s) { return s.server.token.empty() ? "" : "(set)"; }},
      {"server.token_file", nullptr,
       "file holding the write token (surrounding whitespace dropped): keeps it out of the environment "
       "and the process list",
       string_field([](Settings& s) -> std::string& { return s.server.token_file; }),
       [](const Settings& s) { return s.server.token_file; }},
      {"server.write_wait_seconds", nullptr,
       "how long a write waits for an index locked by a bulk load before answering 503",
       int_field([](Settings& s) -> int& { return s.server.write_wait_seconds; }, 0, 3600),
       [](const Settings& s) { return str(s.server.write_wait_seconds); }},
      {"server.reopen_seconds", nullptr, "how often the server looks for new commits",
       double_field([](Settings& s) -> double& { return s.server.reopen_seconds; }, 0.0, 3600.0),
       [](const Settings& s) { return std::to_string(s.server.reopen_seconds); }},
      {"server.max_upload_mb", nullptr, "largest accepted upload",
       u64_field([](Settings& s) -> std::uint64_t& { return s.server.max_upload_mb; }, 1, 4096),
       [](const Settings& s) { return std::to_string(s.server.max_upload_mb); }},
      {"server.body_timeout_ms", nullptr,
       "longest silence of a client while its body arrives (then 408, nothing stored) or while it takes the "
       "answer",
       int_field([](Settings& s) -> int& { return s.server.body_timeout_ms; }, 100, 3600000),
       [](const Settings& s) { return str(s.server.body_timeout_ms); }},
      {"search.page_size", nullptr, "hits per page by default",
       int_field([](Settings& s) -> int& { return s.search.page_size; }, 1, 1000),
       [](const Settings& s) { return str(s.search.page_size); }},
      {"search.max_page_size", nullptr, "largest page a client may ask for",
       int_field([](Settings& s) -> int& { return s.search.max_page_size; }, 1, 10000),
       [](const Settings& s) { return str(s.search.max_page_size); }},
      {"search.facet_limit", nullptr, "values returned per facet",
       int_field([](Settings& s) -> int& { return s.search.facet_limit; }, 1, 10000),
       [](const Settings& s) { return str(s.search.facet_limit); }},
      {"search.snippet_chars", nullptr, "snippet length in characters",
       int_field([](Settings& s) -> int& { return s.search.snippet_chars; }, 20, 10000),
       [](const Settings& s) { return str(s.search.snippet_chars); }},
      {"search.glossary", "TONGWEN_GLOSSARY", "bilingual glossary (TSV) for cross-language expansion",
       string_field([](Settings& s) -> std::string& { return s.search.glossary; }),
       [](const Settings& s) { return s.search.glossary; }},
      {"search.authorities", "TONGWEN_AUTHORITIES",
       "curated authority records (TSV) for speaker, topic, event",
       string_field([](Settings& s) -> std::string& { return s.search.authorities; }),
       [](const Settings& s) { return s.search.authorities; }},
      {"search.expand", nullptr, "cross-language expansion on by default",
       bool_field([](Settings& s) -> bool& { return s.search.expand; }),
       [](const Settings& s) { return std::string(s.search.expand ? "true" : "false"); }},
      {"search.max_query_bytes", nullptr, "longest query (UTF-8 bytes); longer: 400 query_too_complex",
       int_field([](Settings& s) -> int& { return s.search.max_query_bytes; }, 16, 1 << 20),
       [](const Settings& s) { return str(s.search.max_query_bytes); }},
      {"search.max_query_terms", nullptr,
       "most index terms one query may look up; more: 400 query_too_complex",
       int_field([](Settings& s) -> int& { return s.search.max_query_terms; }, 1, 100000),
       [](const Settings& s) { return str(s.search.max_query_terms); }},
      {"search.max_query_depth", nullptr,
       "deepest nesting of parentheses and NOT in a query; deeper: 400 query_too_complex",
       int_field([](Settings& s) -> int& { return s.search.max_query_depth; }, 1, 1000),
       [](const Settings& s) { return str(s.search.max_query_depth); }},
      {"search.max_wildcard_terms", nullptr,
       "most words one wildcard may expand to (Xapian's max expansion); more: 400 query_too_complex",
       int_field([](Settings& s) -> int& { return s.search.max_wildcard_terms; }, 1, 10000000),
       [](const Settings& s) { return str(s.search.max_wildcard_terms); }},
      {"index.shards", "TONGWEN_SHARDS",
       "comma-separated shards searched as one archive, each a local index folder or tcp://HOST:PORT of a "
       "xapian-tcpsrv (empty: the shards of the data folder)",
       [](Settings& s, const std::string& v) -> std::string {
         for (const auto& item : split_shards(v)) {
           auto why = check_shard(item);
           if (!why.empty()) return why;
         }
         s.index.shards = v;
         return {};
       },
       [](const Settings& s) { return s.index.shards; }},
      {"index.shard_timeout_ms", nullptr,
       "how long a search waits for a remote shard before answering without it (marked partial)",
       int_field([](Settings& s) -> int& { return s.index.shard_timeout_ms; }, 10, 600000),
       [](const Settings& s) { return str(s.index.shard_timeout_ms); }},
      {"index.require_all_shards", nullptr,
       "a search missing any shard answers 503 instead of a partial answer",
       bool_field([](Settings& s) -> bool& { return s.index.require_all_shards; }),
       [](const Settings& s) { return std::string(s.index.require_all_shards ? "true" : "false"); }},
      {"align.dictionary", "TONGWEN_DICTIONARY",
       "bilingual dictionary the aligner uses when the archive has learned no table (empty = none)",
       string_field([](Settings& s) -> std::string& { return s.align.dictionary; }),
       [](const Settings& s) { return s.align.dictionary; }},
      {"ingest.batch_size", nullptr, "documents per commit (small batches load faster in Xapian 1.4)",
       int_field([](Settings& s) -> int& { return s.ingest.batch_size; }, 1, 1000000),
       [](const Settings& s) { return str(s.ingest.batch_size); }},
      {"ingest.threads", "TONGWEN_THREADS", "conversion threads (0 = one per core)",
       int_field([](Settings& s) -> int& { return s.ingest.threads; }, 0, 256),
       [](const Settings& s) { return str(s.ingest.threads); }},
      {"ingest.shards", "TONGWEN_INGEST_SHARDS",
       "local shards of a new index, each written by its own thread (0 = one per core; --shards wins)",
       int_field([](Settings& s) -> int& { return s.ingest.shards; }, 0, 256),
       [](const Settings& s) { return str(s.ingest.shards); }},
      {"ingest.report_format", nullptr, "report format: csv or jsonl",
       [](Settings& s, const std::string& v) -> std::string {
         if (v != "csv" && v != "jsonl") return "expected csv or jsonl, got \"" + v + "\"";
         s.ingest.report_format = v;
         return {};
       },
       [](const Settings& s) { return s.ingest.report_format; }},
      {"archive.keep_loads", nullptr,
       "loads whose replaced and removed document versions are kept for tongwen undo (the newest N; 0: "
       "none, no load can be undone)",
       int_field([](Settings& s) -> int& { return s.archive.keep_loads; }, 0, 100000),
       [](const Settings& s) { return str(s.archive.keep_loads); }},
      {"convert.max_file_mb", nullptr,
       "larger input files are refused (a JSON Lines file streams: the limit bounds each line)",
       u64_field([](Settings& s) -> std::uint64_t& { return s.convert.max_file_mb; }, 1, 1 << 20),
       [](const Settings& s) { return std::to_string(s.convert.max_file_mb); }},
      {"convert.max_unzipped_mb", nullptr, "limit on the unpacked size of a DOCX (zip bombs)",
       u64_field([](Settings& s) -> std::uint64_t& { return s.convert.max_unzipped_mb; }, 1, 1 << 20),
       [](const Settings& s) { return std::to_string(s.convert.max_unzipped_mb); }},
      {"convert.max_xml_depth", nullptr, "deepest XML element nesting accepted",
       int_field([](Settings& s) -> int& { return s.convert.max_xml_depth; }, 16, 100000),
       [](const Settings& s) { return str(s.convert.max_xml_depth); }},
      {"convert.timeout_seconds", nullptr,
       "time limit for converting one PDF or DOCX (in the worker: CPU time, and wall time plus 5 s; PDF "
       "also between pages; other formats are bounded by the size limits)",
       int_field([](Settings& s) -> int& { return s.convert.timeout_seconds; }, 1, 86400),
       [](const Settings& s) { return str(s.convert.timeout_seconds); }},
      {"convert.worker_memory_mb", nullptr,
       "memory limit of the worker process that converts PDF and DOCX files (a crash, hang or blow-up "
       "fails the file, not the command); 0 converts them inside the process",
       u64_field([](Settings& s) -> std::uint64_t& { return s.convert.worker_memory_mb; }, 0, 1 << 20),
       [](const Settings& s) { return std::to_string(s.convert.worker_memory_mb); }},
  };
  return k;
}

const Key* find_key(const std::string& name) {
  for (const auto& k : keys())
    if (name == k.key) return &k;
  return nullptr;
}

}  // namespace

std::vector<std::string> split_shards(const std::string& list) {
  std::vector<std::string> out;
  if (list.find_first_not_of(" \t") == std::string::npos) return out;
  std::size_t start = 0;
  for (;;) {
    std::size_t comma = list.find(',', start);
    std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::size_t b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    out.push_back(b == std::string::npos ? std::string() : item.substr(b, e - b + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

bool parse_tcp_shard(const std::string& location, std::string& host, int& port) {
  if (location.rfind("tcp://", 0) != 0) return false;
  std::string rest = location.substr(6);
  std::size_t colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  std::string p = rest.substr(colon + 1);
  int x = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), x);
  if (p.empty() || ec != std::errc() || end != p.data() + p.size() || x < 1 || x > 65535) return false;
  host = rest.substr(0, colon);
  port = x;
  return true;
}

Settings load_settings(const SettingsSources& sources) {
  Settings s;
  std::vector<std::string> problems;
  auto apply = [&](const std::string& where, const std::string& key, const std::string& value) {
    const Key* k = find_key(key);
    if (!k) {
      problems.push_back(where + ": unknown setting \"" + key + "\"");
      return;
    }
    auto why = k->set(s, value);
    if (!why.empty()) problems.push_back(where + ": " + key + " " + why);
  };

  std::string file = sources.file;
  bool explicit_file = !file.empty();
  if (!explicit_file && sources.use_environment) {
    if (const char* e = std::getenv("TONGWEN_CONFIG"); e && *e) {
      file = e;
      explicit_file = true;
    }
  }
  if (!explicit_file && Poco::File("config/tongwen.properties").exists()) file = "config/tongwen.properties";
  if (!file.empty()) {
    try {
      Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> pf =
          new Poco::Util::PropertyFileConfiguration(file);
      std::vector<std::string> stack{""};
      // Walk the hierarchical key space ("server" -> "server.port").
      while (!stack.empty()) {
        std::string base = stack.back();
        stack.pop_back();
        Poco::Util::AbstractConfiguration::Keys sub;
        pf->keys(base, sub);
        for (const auto& k : sub) {
          std::string full = base.empty() ? k : base + "." + k;
          if (pf->hasOption(full)) {
            Poco::Util::AbstractConfiguration::Keys deeper;
            pf->keys(full, deeper);
            if (deeper.empty()) {
              apply(file, full, pf->getRawString(full));
              continue;
            }
          }
          stack.push_back(full);
        }
      }
    } catch (const Poco::Exception& e) {
      problems.push_back(file + ": cannot read: " + e.displayText());
    }
  }
  if (sources.use_environment) {
    for (const auto& k : keys()) {
      if (!k.env) continue;
      if (const char* e = std::getenv(k.env); e && *e) apply(std::string("environment ") + k.env, k.key, e);
    }
  }
  for (const auto& [key, value] : sources.overrides) apply("command line", key, value);

  if (s.search.page_size > s.search.max_page_size)
    problems.push_back("search.page_size must not exceed search.max_page_size");
  if (!problems.empty()) {
    std::string msg = "invalid configuration:";
    for (const auto& p : problems) msg += "\n  " + p;
    throw UserError("config", msg);
  }
  return s;
}

std::vector<SettingDoc> settings_reference() {
  std::vector<SettingDoc> out;
  Settings defaults;
  for (const auto& k : keys()) out.push_back({k.key, k.env ? k.env : "", k.get(defaults), k.description});
  return out;
}

}  // namespace tongwen
