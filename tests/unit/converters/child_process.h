// Runs a piece of work in a forked child and measures how much it raised the child's peak
// memory, whatever the test process had allocated before: the child resets its peak-RSS mark
// (/proc/self/clear_refs, "5") and reports VmHWM at the end minus VmRSS at the start.
#pragma once

#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <string>

namespace tongwen::test {

struct ChildResult {
  std::string output;       // what the work returned in the child
  long peak_growth_kb = 0;  // growth of the child's peak RSS during the work
  bool exited_cleanly = false;
};

// A "VmRSS:"/"VmHWM:" line of /proc/self/status in KiB, or -1.
inline long proc_status_kb(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
  return -1;
}

inline ChildResult run_in_child(const std::function<std::string()>& work) {
  int fds[2];
  BOOST_REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    { std::ofstream("/proc/self/clear_refs") << "5"; }
    long start = proc_status_kb("VmRSS");
    std::string out;
    try {
      out = work();
    } catch (...) {
      out = "EXCEPTION";
    }
    long peak = proc_status_kb("VmHWM");
    std::string msg = std::to_string(start >= 0 && peak >= 0 ? peak - start : -1) + "\n" + out;
    std::size_t off = 0;
    while (off < msg.size()) {
      ssize_t w = ::write(fds[1], msg.data() + off, msg.size() - off);
      if (w <= 0) break;
      off += static_cast<std::size_t>(w);
    }
    ::close(fds[1]);
    ::_exit(0);  // no destructors, no test-framework teardown in the child
  }
  ::close(fds[1]);
  std::string msg;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) msg.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ChildResult r;
  r.exited_cleanly = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  auto nl = msg.find('\n');
  if (nl != std::string::npos) {
    r.peak_growth_kb = std::stol(msg.substr(0, nl));
    r.output = msg.substr(nl + 1);
  }
  return r;
}

}  // namespace tongwen::test
