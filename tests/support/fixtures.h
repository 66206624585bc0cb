// Shared test fixtures: temporary folders, the project's paths, ../shared/corpus-real (optional),
// and running the `tongwen` binary.
#pragma once

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

namespace tongwen::test {

// A fresh folder under /tmp, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  // Writes a file (creating folders) and returns its path.
  std::string write(const std::string& name, const std::string& bytes) const;

 private:
  std::string path_;
};

std::string source_dir();
std::string corpus_dir();  // the project's corpus/
std::string config_dir();  // the project's config/
// ../shared/corpus-real (or $TONGWEN_CORPUS_REAL); "" when absent.
std::string corpus_real();
std::string tongwen_binary();

// Precondition for test cases that need corpus-real: the case is skipped with a message saying so.
struct NeedsCorpusReal {
  boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const;
};

std::string read(const std::string& path);

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};
// Runs the tongwen binary with arguments (no shell), capturing stdout and stderr.
RunResult run_tongwen(const std::vector<std::string>& args, const std::string& cwd = "");

}  // namespace tongwen::test
