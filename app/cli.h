// Command-line plumbing shared by the subcommands of `tongwen`.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tongwen/config.h"

namespace tongwen::cli {

// Exit codes.
inline constexpr int kOk = 0;
inline constexpr int kInputsFailed = 1;  // some inputs failed (the rest was done)
inline constexpr int kUsage = 2;         // usage or configuration error
inline constexpr int kEnvironment = 3;   // the environment failed (index locked, I/O)

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A parsed command line: positionals, flags (--name or --name=value or --name value for
// options declared as taking a value), repeated options kept in order.
struct Args {
  std::vector<std::string> positional;
  std::multimap<std::string, std::string> options;
  bool has(const std::string& name) const { return options.count(name) > 0; }
  std::string get(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> all(const std::string& name) const;
};

// Parses args after the command. `with_value` lists options that take a value, `flags` those
// that do not; anything else is a UsageError.
Args parse(const std::vector<std::string>& argv, const std::vector<std::string>& with_value,
           const std::vector<std::string>& flags);

// Global options understood by every command (--config, --set, --data).
struct Global {
  SettingsSources sources;
};

// Loads settings from the global options plus command-specific overrides.
Settings settings(const Global& g, const std::vector<std::pair<std::string, std::string>>& extra = {});

int cmd_ingest(const Global& g, const std::vector<std::string>& argv);
int cmd_search(const Global& g, const std::vector<std::string>& argv);
int cmd_serve(const Global& g, const std::vector<std::string>& argv);
int cmd_convert(const Global& g, const std::vector<std::string>& argv);
int cmd_align(const Global& g, const std::vector<std::string>& argv);
int cmd_formats(const Global& g, const std::vector<std::string>& argv);
int cmd_config(const Global& g, const std::vector<std::string>& argv);
int cmd_delete(const Global& g, const std::vector<std::string>& argv);
int cmd_export(const Global& g, const std::vector<std::string>& argv);
int cmd_check(const Global& g, const std::vector<std::string>& argv);
int cmd_backup(const Global& g, const std::vector<std::string>& argv);
int cmd_restore(const Global& g, const std::vector<std::string>& argv);
int cmd_loads(const Global& g, const std::vector<std::string>& argv);
int cmd_undo(const Global& g, const std::vector<std::string>& argv);
int cmd_authorities(const Global& g, const std::vector<std::string>& argv);
// "tongwen COMMAND ARG..." as the load history records it.
std::string command_line(const std::string& command, const std::vector<std::string>& argv);

}  // namespace tongwen::cli
