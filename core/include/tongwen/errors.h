// The two error families of Tongwen (STYLE practice 7).
//
// UserError: the caller's fault (a bad input file, a bad query or parameter, an unknown id or
// facet, a bad configuration). EnvironmentError: the environment's fault (I/O, a locked or corrupt
// index, a library that cannot start). Code throws these inside; boundaries (the CLI, the HTTP
// layer, the bulk loader) convert them: exit codes, HTTP statuses, report rows.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tongwen {

class Error : public std::runtime_error {
 public:
  // code: a short stable identifier (`bad_query`, `not_found`, `malformed`, ...) that clients and
  // tests can rely on; message: the human explanation, naming the file or parameter at fault.
  Error(std::string code, const std::string& message) : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const noexcept { return code_; }

 private:
  std::string code_;
};

class UserError : public Error {
 public:
  using Error::Error;
};

class EnvironmentError : public Error {
 public:
  using Error::Error;
};

// A converter's classified failure: which file, what kind of problem (`empty`, `encoding`,
// `malformed`, `too_large`, `unsupported`, `encrypted`, `no_text`, `timeout`, `missing_field`,
// `unsafe`), and the detail. The message always starts with the file path.
class ConvertError : public UserError {
 public:
  ConvertError(const std::string& path, const std::string& kind, const std::string& detail)
      : UserError(kind, (path.empty() ? std::string("<input>") : path) + ": " + detail),
        path_(path),
        detail_(detail) {}
  const std::string& path() const noexcept { return path_; }
  const std::string& detail() const noexcept { return detail_; }

 private:
  std::string path_;
  std::string detail_;
};

// The one error table: every code thrown or reported anywhere in Tongwen, with what each boundary
// makes of it (the HTTP status, the CLI's exit code). Both boundaries read it; a code missing
// from it fails test_core (which scans the sources for codes), and README's error table is
// checked against it.
enum class ErrorFamily { user, environment };

struct ErrorCode {
  std::string_view code;
  ErrorFamily family;
  int http_status;  // the status of an HTTP answer carrying this error
  int exit_code;    // 1 some inputs failed, 2 usage or configuration, 3 environment
  std::string_view meaning;
};

const std::vector<ErrorCode>& error_codes();
// nullptr for a code not in the table.
const ErrorCode* find_error_code(std::string_view code);
// The table's entry for e's code; for a code missing from the table (a bug the test catches),
// the entry of `internal` (environment) or `malformed` (user) by e's class.
const ErrorCode& error_code_of(const Error& e);

}  // namespace tongwen
