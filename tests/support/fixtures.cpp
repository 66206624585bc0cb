#include "fixtures.h"

#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <Poco/TemporaryFile.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace tongwen::test {

TempDir::TempDir() {
  char tmpl[] = "/tmp/tongwen-test-XXXXXX";
  char* p = ::mkdtemp(tmpl);
  BOOST_REQUIRE_MESSAGE(p != nullptr, "cannot create a temporary folder");
  path_ = p;
}

TempDir::~TempDir() {
  try {
    Poco::File(path_).remove(true);
  } catch (...) {
  }
}

std::string TempDir::write(const std::string& name, const std::string& bytes) const {
  std::string full = path_ + "/" + name;
  Poco::File(Poco::Path(full).parent()).createDirectories();
  std::ofstream out(full, std::ios::binary);
  out << bytes;
  return full;
}

std::string source_dir() {
  return TONGWEN_SOURCE_DIR;
}
std::string corpus_dir() {
  return source_dir() + "/corpus";
}
std::string config_dir() {
  return source_dir() + "/config";
}
std::string tongwen_binary() {
  return TONGWEN_BINARY;
}

std::string corpus_real() {
  if (const char* e = std::getenv("TONGWEN_CORPUS_REAL"); e && *e) return Poco::File(e).exists() ? e : "";
  std::string p = Poco::Path(source_dir() + "/../shared/corpus-real").absolute().toString();
  if (!p.empty() && p.back() == '/') p.pop_back();
  return Poco::File(p).exists() ? p : "";
}

boost::test_tools::assertion_result NeedsCorpusReal::operator()(boost::unit_test::test_unit_id) const {
  if (!corpus_real().empty()) return true;
  boost::test_tools::assertion_result r(false);
  r.message() << "SKIPPED: ../shared/corpus-real is absent (set TONGWEN_CORPUS_REAL to run this test)";
  return r;
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

RunResult run_tongwen(const std::vector<std::string>& args, const std::string& cwd) {
  Poco::Pipe out, err;
  Poco::Process::Args a(args.begin(), args.end());
  auto handle =
      Poco::Process::launch(tongwen_binary(), a, cwd.empty() ? source_dir() : cwd, nullptr, &out, &err);
  Poco::PipeInputStream os(out), es(err);
  RunResult r;
  // Drain stderr on another thread so that neither pipe fills up.
  std::thread t([&] { Poco::StreamCopier::copyToString(es, r.err); });
  Poco::StreamCopier::copyToString(os, r.out);
  t.join();
  r.exit_code = handle.wait();
  return r;
}

}  // namespace tongwen::test
