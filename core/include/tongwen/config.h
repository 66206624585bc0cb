// Settings: read once into a typed struct, layered defaults < file < environment < command line,
// validated at start-up with every problem listed; unknown keys are errors (STYLE practice 9).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tongwen {

struct Settings {
  std::string data_dir = "data";  // data.dir: the index and the load state live here

  struct Server {
    std::string host = "127.0.0.1";
    int port = 8080;
    int threads = 16;
    int queue = 256;
    int keepalive_timeout_ms = 5000;      // how long an idle keep-alive connection stays open
    int header_timeout_ms = 10000;        // a request's line and headers must arrive within this, in all
    int max_connections = 512;            // open connections in all (more get 503)
    int max_connections_per_client = 64;  // open connections from one client address
    std::string token;                    // bearer token for writes; empty = writes refused
    std::string token_file;               // a file holding the token (tongwen serve reads it at start)
    int write_wait_seconds = 10;          // how long an upload waits for a locked index before 503
    double reopen_seconds = 1.0;          // how often readers look for new commits
    std::uint64_t max_upload_mb = 64;
    int body_timeout_ms = 30000;  // longest silence of a client while its body arrives or it takes the answer
  } server;

  struct Search {
    int page_size = 10;
    int max_page_size = 100;
    int facet_limit = 10;
    int snippet_chars = 160;
    std::string glossary = "config/glossary.tsv";
    std::string authorities = "config/authorities.tsv";  // curated authority records
    bool expand = false;                                 // cross-language expansion by default
    // Query bounds: over any, 400 query_too_complex naming the limit.
    int max_query_bytes = 4096;
    int max_query_terms = 256;      // index terms a query looks up (a CJK character is one or two)
    int max_query_depth = 32;       // nested parentheses and NOT
    int max_wildcard_terms = 1000;  // words one wildcard may expand to
  } search;

  struct Index {
    // Comma-separated shards, each a local index folder or tcp://HOST:PORT of a xapian-tcpsrv;
    // empty = the shards of the data folder (tongwen/index_reader.h shard_locations).
    std::string shards;
    int shard_timeout_ms = 2000;      // a remote shard that answers nothing for this long is missing
    bool require_all_shards = false;  // a search missing a shard fails (503) instead of partial
  } index;

  struct Align {
    // Bilingual dictionary (TranslationTable::from_dictionary's form) the aligner falls back on for
    // Chinese-English texts when no archive table applies; scripts/setup installs CC-CEDICT here.
    std::string dictionary = "/usr/local/share/tongwen/cedict/cedict.tsv";
  } align;

  struct Ingest {
    int batch_size = 500;
    int threads = 0;  // 0 = one per core
    int shards = 1;   // local shards of a new index when --shards is not given (0 = one per core)
    std::string report_format = "csv";
  } ingest;

  struct Archive {
    // Loads whose replaced and removed versions are kept for `tongwen undo` (the newest N).
    int keep_loads = 20;
  } archive;

  struct Convert {
    std::uint64_t max_file_mb = 100;
    std::uint64_t max_unzipped_mb = 256;
    int max_xml_depth = 256;
    int timeout_seconds = 60;
    std::uint64_t worker_memory_mb = 1024;  // 0: PDF and DOCX convert inside the process
  } convert;

  std::string index_dir() const { return data_dir + "/index"; }
};

struct SettingsSources {
  // Explicit file (--config); when empty, TONGWEN_CONFIG, then ./config/tongwen.properties if it
  // exists.
  std::string file;
  bool use_environment = true;
  std::vector<std::pair<std::string, std::string>> overrides;  // --set key=value and flags
};

// Throws UserError("config", ...) listing every problem found.
Settings load_settings(const SettingsSources& sources);

struct SettingDoc {
  std::string key, env, default_value, description;
};
// The items of a comma-separated shard list (index.shards), trimmed; "" -> none.
std::vector<std::string> split_shards(const std::string& list);
// tcp://HOST:PORT -> host and port; false when `location` is not of that form.
bool parse_tcp_shard(const std::string& location, std::string& host, int& port);

// Every key, for `tongwen config` and the README.
std::vector<SettingDoc> settings_reference();

}  // namespace tongwen
