// tongwen: the one command-line tool. `tongwen --help` lists the commands.
#include <xapian.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "cli.h"
#include "tongwen/convert_worker.h"
#include "tongwen/errors.h"
#include "tongwen/util.h"

namespace tongwen::cli {

std::string Args::get(const std::string& name, const std::string& fallback) const {
  auto it = options.find(name);
  return it == options.end() ? fallback : it->second;
}

std::vector<std::string> Args::all(const std::string& name) const {
  std::vector<std::string> out;
  auto [a, b] = options.equal_range(name);
  for (auto it = a; it != b; ++it) out.push_back(it->second);
  return out;
}

Args parse(const std::vector<std::string>& argv, const std::vector<std::string>& with_value,
           const std::vector<std::string>& flags) {
  Args a;
  auto takes_value = [&](const std::string& n) {
    return std::find(with_value.begin(), with_value.end(), n) != with_value.end();
  };
  auto is_flag = [&](const std::string& n) {
    return std::find(flags.begin(), flags.end(), n) != flags.end();
  };
  bool only_positional = false;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& s = argv[i];
    if (only_positional || s.size() < 2 || s[0] != '-' || s == "-") {
      a.positional.push_back(s);
      continue;
    }
    if (s == "--") {
      only_positional = true;
      continue;
    }
    std::string name = s.substr(s[1] == '-' ? 2 : 1), value;
    auto eq = name.find('=');
    bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (takes_value(name)) {
      if (!inline_value) {
        if (i + 1 >= argv.size()) throw UsageError("option --" + name + " needs a value");
        value = argv[++i];
      }
      a.options.emplace(name, value);
    } else if (is_flag(name)) {
      if (inline_value) throw UsageError("option --" + name + " takes no value");
      a.options.emplace(name, "1");
    } else {
      throw UsageError("unknown option " + s);
    }
  }
  return a;
}

Settings settings(const Global& g, const std::vector<std::pair<std::string, std::string>>& extra) {
  SettingsSources s = g.sources;
  for (const auto& kv : extra) s.overrides.push_back(kv);
  return load_settings(s);
}

}  // namespace tongwen::cli

namespace {

const char* kUsageText =
    R"(tongwen: archive and search bilingual (Chinese/English) forum proceedings

usage: tongwen [global options] COMMAND [options] [arguments]

commands:
  ingest PATH...      load files and folders into the index
  search QUERY        search the index and print the hits
  serve               serve the HTTP API and the web page
  convert FILE        print a file converted to the document model (JSON), no index
  align A B           align two files or two indexed documents (TSV or JSON)
  formats             list the input formats
  delete ID...        remove documents from the index
  config              list every setting with its current value
  export DIR|FILE     write the whole archive as JSON Lines that ingest reads back
  check               verify every part of the archive (exit 1 with a list of problems)
  backup DIR          write a consistent copy of the archive, while it is served and loaded
  restore DIR         put a backup back into the data folder
  loads [show ID]     the load history: every ingest and delete, what each changed
  undo LOAD_ID        undo one load: remove what it added, bring back what it replaced
  authorities [FIELD] speakers, topics, events as entities with their names in both languages

global options (before or after the command):
  --config FILE       settings file (default: $TONGWEN_CONFIG, else ./config/tongwen.properties)
  --set KEY=VALUE     override one setting (repeatable); see `tongwen config`
  --data DIR          data folder (the index lives in DIR/index); same as --set data.dir=DIR
  --help              help for tongwen or for a command

exit codes: 0 ok, 1 some inputs failed, 2 usage or configuration error, 3 environment error
(index locked or unreadable, I/O).
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace tongwen;
  using namespace tongwen::cli;
  // The hidden worker mode (tongwen/convert_worker.h): `tongwen __convert-worker FD MEMORY_MB`.
  if (argc == 4 && std::strcmp(argv[1], "__convert-worker") == 0)
    return worker::serve(std::atoi(argv[2]), std::strtoull(argv[3], nullptr, 10));
  // PDF and DOCX convert in workers started from this very program: fork + exec of a fresh image,
  // not a bare fork of a process whose other threads may hold locks.
  {
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) worker::enable({self.string(), "__convert-worker"});
  }
  std::vector<std::string> rest;
  Global g;
  std::string command;
  bool help = false;
  try {
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      auto value = [&](const std::string& name) -> std::string {
        auto eq = a.find('=');
        if (eq != std::string::npos) return a.substr(eq + 1);
        if (i + 1 >= argc) throw UsageError("option " + name + " needs a value");
        return argv[++i];
      };
      if (a == "--config" || a.rfind("--config=", 0) == 0) {
        g.sources.file = value("--config");
      } else if (a == "--set" || a.rfind("--set=", 0) == 0) {
        std::string kv = value("--set");
        auto eq = kv.find('=');
        if (eq == std::string::npos) throw UsageError("--set needs KEY=VALUE, got \"" + kv + "\"");
        g.sources.overrides.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
      } else if (a == "--data" || a.rfind("--data=", 0) == 0) {
        g.sources.overrides.emplace_back("data.dir", value("--data"));
      } else if ((a == "--help" || a == "-h") && command.empty()) {
        help = true;
      } else if (command.empty() && !a.empty() && a[0] != '-') {
        command = a;
      } else if (command.empty() && a == "--version") {
        std::cout << "tongwen " << version() << " (Xapian " << Xapian::version_string() << ")\n";
        return kOk;
      } else {
        rest.push_back(a);
      }
    }
    if (command.empty()) {
      (help ? std::cout : std::cerr) << kUsageText;
      return help ? kOk : kUsage;
    }
    if (command == "ingest") return cmd_ingest(g, rest);
    if (command == "search") return cmd_search(g, rest);
    if (command == "serve") return cmd_serve(g, rest);
    if (command == "convert") return cmd_convert(g, rest);
    if (command == "align") return cmd_align(g, rest);
    if (command == "formats") return cmd_formats(g, rest);
    if (command == "delete") return cmd_delete(g, rest);
    if (command == "config") return cmd_config(g, rest);
    if (command == "export") return cmd_export(g, rest);
    if (command == "check") return cmd_check(g, rest);
    if (command == "backup") return cmd_backup(g, rest);
    if (command == "restore") return cmd_restore(g, rest);
    if (command == "loads") return cmd_loads(g, rest);
    if (command == "undo") return cmd_undo(g, rest);
    if (command == "authorities") return cmd_authorities(g, rest);
    throw UsageError("unknown command \"" + command + "\" (see tongwen --help)");
  } catch (const UsageError& e) {
    std::cerr << "tongwen: " << e.what() << "\n";
    return kUsage;
  } catch (const Error& e) {  // the one error table (core errors.h) gives the exit code
    std::cerr << "tongwen: " << e.what() << "\n";
    return error_code_of(e).exit_code;
  } catch (const Xapian::Error& e) {
    std::cerr << "tongwen: index error: " << e.get_description() << "\n";
    return kEnvironment;
  } catch (const std::exception& e) {
    std::cerr << "tongwen: " << e.what() << "\n";
    return kEnvironment;
  }
}
