// Converter workers (tongwen/convert_worker.h): the pool and the parent's side, and the worker's
// loop. The wire format is one message per request and per answer: an 8-byte length, then
// length-prefixed strings.
#include "tongwen/convert_worker.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <new>
#include <string_view>

#include "tongwen/errors.h"
#include "tongwen/model.h"

#if defined(__SANITIZE_ADDRESS__)
#define TONGWEN_WORKER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TONGWEN_WORKER_ASAN 1
#endif
#endif

namespace tongwen::worker {

namespace {

#ifdef TONGWEN_WORKER_ASAN
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif

constexpr int kWorkerFd = 3;
constexpr std::size_t kMaxIdle = 4;
constexpr int kGraceSeconds = 5;  // wall time beyond convert.timeout_seconds before the kill

struct Worker {
  pid_t pid = -1;
  int fd = -1;
  std::uint64_t memory_mb = 0;
};

std::mutex pool_mutex;
std::vector<std::string> worker_command;  // guarded by pool_mutex
std::vector<Worker> idle_workers;         // guarded by pool_mutex

// --- the wire format ---

void put(std::string& out, std::string_view s) {
  std::uint64_t n = s.size();
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out.append(s);
}

std::string message(const std::string& payload) {
  std::string m;
  put(m, payload);
  return m;
}

struct Fields {
  std::string_view rest;
  bool next(std::string_view& s) {
    std::uint64_t n = 0;
    if (rest.size() < sizeof n) return false;
    std::memcpy(&n, rest.data(), sizeof n);
    if (rest.size() - sizeof n < n) return false;
    s = rest.substr(sizeof n, n);
    rest.remove_prefix(sizeof n + n);
    return true;
  }
};

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool read_exact(int fd, char* out, std::size_t n) {
  while (n > 0) {
    ssize_t r = ::read(fd, out, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    out += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

// --- the parent's side ---

void discard(Worker& w) {
  if (w.pid > 0) {
    ::kill(w.pid, SIGKILL);
    int status = 0;
    while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (w.fd >= 0) ::close(w.fd);
  w = Worker{};
}

// How a worker that stopped answering ended (it is reaped here).
std::string ending(Worker& w, bool* cpu_limit) {
  int status = 0;
  pid_t r;
  while ((r = ::waitpid(w.pid, &status, 0)) < 0 && errno == EINTR) {
  }
  ::close(w.fd);
  w = Worker{};
  if (r < 0) return "the converter worker is gone";
  if (WIFSIGNALED(status)) {
    *cpu_limit = WTERMSIG(status) == SIGXCPU;
    return "the converter worker died of signal " + std::to_string(WTERMSIG(status)) + " (" +
           strsignal(WTERMSIG(status)) + ")";
  }
  return "the converter worker exited with status " + std::to_string(WEXITSTATUS(status));
}

std::uint64_t resident_mb(pid_t pid) {
  std::ifstream statm("/proc/" + std::to_string(pid) + "/statm");
  std::uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)) >> 20;
}

Worker spawn(std::uint64_t memory_mb) {
  std::vector<std::string> args;
  {
    std::lock_guard<std::mutex> lock(pool_mutex);
    args = worker_command;
  }
  args.push_back(std::to_string(kWorkerFd));
  args.push_back(std::to_string(memory_mb));
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    throw EnvironmentError(
        "io", std::string("cannot start a converter worker: socketpair: ") + std::strerror(errno));
  pid_t pid = ::fork();
  if (pid == 0) {
    // The child: only async-signal-safe calls until exec (the parent may have other threads).
    if (sv[1] == kWorkerFd) {
      ::fcntl(kWorkerFd, F_SETFD, 0);
    } else {
      ::dup2(sv[1], kWorkerFd);  // dup2 clears close-on-exec on the copy
    }
    int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, 0);
    ::dup2(2, 1);  // library chatter goes to stderr, never into a command's output
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(sv[1]);
  if (pid < 0) {
    ::close(sv[0]);
    throw EnvironmentError("io",
                           std::string("cannot start a converter worker: fork: ") + std::strerror(errno));
  }
  Worker w{pid, sv[0], memory_mb};
  // The worker says it is ready once its limits are set; no answer means it could not start,
  // which is the environment's fault, not the file's.
  char ready = 0;
  pollfd p{w.fd, POLLIN, 0};
  if (::poll(&p, 1, 30000) != 1 || !read_exact(w.fd, &ready, 1) || ready != 'R') {
    std::string program = args[0];
    discard(w);
    throw EnvironmentError("io", "cannot start a converter worker (" + program + " __convert-worker)");
  }
  return w;
}

Worker acquire(std::uint64_t memory_mb) {
  {
    std::lock_guard<std::mutex> lock(pool_mutex);
    while (!idle_workers.empty()) {
      Worker w = idle_workers.back();
      idle_workers.pop_back();
      int status = 0;
      if (w.memory_mb == memory_mb && ::waitpid(w.pid, &status, WNOHANG) == 0) return w;
      discard(w);  // died while idle (reaped now if it had), or limits that do not fit
    }
  }
  return spawn(memory_mb);
}

void release(Worker& w) {
  std::lock_guard<std::mutex> lock(pool_mutex);
  if (idle_workers.size() < kMaxIdle) {
    idle_workers.push_back(w);
    w = Worker{};
  } else {
    discard(w);
  }
}

// --- the worker's side ---

[[noreturn]] void test_fault(std::string_view what) {
  if (what == "crash") {
    ::raise(SIGSEGV);
  } else if (what == "hang") {
    for (;;) __asm__ volatile("" ::: "memory");  // spins on the CPU, as a runaway parser would
  } else if (what == "allocate") {
    std::vector<std::unique_ptr<char[]>> held;
    for (;;) {
      held.emplace_back(new char[16 << 20]);
      std::memset(held.back().get(), 1, 16 << 20);
    }
  }
  std::abort();
}

std::string answer_error(std::string_view family, std::string_view code, std::string_view detail) {
  std::string payload;
  put(payload, "error");
  put(payload, family);
  put(payload, code);
  put(payload, detail);
  return message(payload);
}

std::string handle(std::string_view request, std::uint64_t memory_mb) {
  Fields f{request};
  std::string_view name, path, declared, max_file, max_unzipped, depth, timeout, bytes;
  if (!f.next(name) || !f.next(path) || !f.next(declared) || !f.next(max_file) || !f.next(max_unzipped) ||
      !f.next(depth) || !f.next(timeout) || !f.next(bytes))
    return answer_error("E", "internal", "malformed request to the converter worker");
  ConvertInput in{std::string(path), bytes, std::string(declared), {}};
  in.limits.max_file_bytes = std::stoull(std::string(max_file));
  in.limits.max_unzipped_bytes = std::stoull(std::string(max_unzipped));
  in.limits.max_xml_depth = std::stoi(std::string(depth));
  in.limits.timeout_seconds = std::stoi(std::string(timeout));

  // CPU time from now: the soft limit moves on with each conversion of a reused worker.
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  rlimit cpu{};
  ::getrlimit(RLIMIT_CPU, &cpu);
  cpu.rlim_cur =
      static_cast<rlim_t>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + in.limits.timeout_seconds + 1);
  if (cpu.rlim_max != RLIM_INFINITY && cpu.rlim_cur > cpu.rlim_max) cpu.rlim_cur = cpu.rlim_max;
  ::setrlimit(RLIMIT_CPU, &cpu);

  const Converter* conv = ConverterRegistry::standard().find(name);
  if (!conv)
    return answer_error("E", "internal",
                        "the converter worker has no converter \"" + std::string(name) + "\"");
  try {
    // Test-only faults: honoured only with TONGWEN_WORKER_TEST_FAULTS=1 in the worker's environment
    // and a marker in the file ("%tongwen-worker-test:crash", ":hang", ":allocate").
    if (const char* on = std::getenv("TONGWEN_WORKER_TEST_FAULTS"); on && std::string_view(on) == "1") {
      constexpr std::string_view marker = "%tongwen-worker-test:";
      auto at = bytes.find(marker);
      if (at != std::string_view::npos) {
        auto what = bytes.substr(at + marker.size());
        test_fault(what.substr(0, what.find_first_of("\r\n")));
      }
    }
    std::vector<Document> docs = conv->convert(in);
    std::string payload;
    put(payload, "ok");
    for (const auto& d : docs) put(payload, serialise(d));
    return message(payload);
  } catch (const ConvertError& e) {
    return answer_error("C", e.code(), e.detail());
  } catch (const UserError& e) {
    return answer_error("U", e.code(), e.what());
  } catch (const Error& e) {
    return answer_error("E", e.code(), e.what());
  } catch (const std::bad_alloc&) {
    return answer_error("C", "too_large",
                        "the conversion needed more memory than " + std::to_string(memory_mb) +
                            " MB (convert.worker_memory_mb)");
  } catch (const std::exception& e) {
    return answer_error("C", "converter_crashed", std::string("the converter failed: ") + e.what());
  }
}

std::vector<Document> exchange(Worker& w, const ConvertInput& in, const std::string& request);

}  // namespace

void enable(std::vector<std::string> command) {
  std::lock_guard<std::mutex> lock(pool_mutex);
  worker_command = std::move(command);
}

bool enabled() {
  std::lock_guard<std::mutex> lock(pool_mutex);
  return !worker_command.empty();
}

int serve(int fd, std::uint64_t memory_mb) {
  ::signal(SIGPIPE, SIG_DFL);  // the parent gone: die quietly
  if (!kAddressSanitizer && memory_mb > 0) {
    rlimit as{static_cast<rlim_t>(memory_mb << 20), static_cast<rlim_t>(memory_mb << 20)};
    ::setrlimit(RLIMIT_AS, &as);
  }
  (void)ConverterRegistry::standard();
  if (!write_all(fd, "R")) return 1;
  for (;;) {
    std::uint64_t n = 0;
    if (!read_exact(fd, reinterpret_cast<char*>(&n), sizeof n)) return 0;  // the parent closed
    std::string request;
    try {
      request.resize(n);
    } catch (const std::bad_alloc&) {
      return 1;
    }
    if (!read_exact(fd, request.data(), n)) return 0;
    if (!write_all(fd, handle(request, memory_mb))) return 0;
  }
}

std::vector<Document> convert(const Converter& conv, const ConvertInput& in) {
  const ConvertLimits& l = in.limits;
  std::string payload;
  put(payload, conv.name());
  put(payload, in.path);
  put(payload, in.declared_encoding);
  put(payload, std::to_string(l.max_file_bytes));
  put(payload, std::to_string(l.max_unzipped_bytes));
  put(payload, std::to_string(l.max_xml_depth));
  put(payload, std::to_string(l.timeout_seconds));
  put(payload, in.bytes);

  Worker w = acquire(l.worker_memory_mb);
  try {
    return exchange(w, in, message(payload));
  } catch (...) {
    if (w.pid > 0) discard(w);  // still running after an unexpected failure here: never left behind
    throw;
  }
}

namespace {

std::vector<Document> exchange(Worker& w, const ConvertInput& in, const std::string& request) {
  const ConvertLimits& l = in.limits;
  auto fail = [&](const std::string& kind, const std::string& detail) -> ConvertError {
    discard(w);
    return ConvertError(in.path, kind, detail);
  };
  if (!write_all(w.fd, request)) {
    bool cpu = false;
    std::string how = ending(w, &cpu);
    throw ConvertError(in.path, "converter_crashed", how + " before reading the file");
  }
  const std::uint64_t max_answer = 2 * l.max_unzipped_bytes + (1u << 20);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(l.timeout_seconds + kGraceSeconds);
  std::string answer;
  std::uint64_t expected = 0;
  bool have_length = false;
  char buf[64 * 1024];
  while (!have_length || answer.size() < expected) {
    if (std::chrono::steady_clock::now() > deadline)
      throw fail("timeout", "the conversion took longer than " + std::to_string(l.timeout_seconds) +
                                " s (convert.timeout_seconds); the converter worker was stopped");
    if (resident_mb(w.pid) > l.worker_memory_mb)
      throw fail("too_large",
                 "the conversion used more than " + std::to_string(l.worker_memory_mb) +
                     " MB of memory (convert.worker_memory_mb); the converter worker was stopped");
    pollfd p{w.fd, POLLIN, 0};
    int ready = ::poll(&p, 1, 20);
    if (ready < 0 && errno != EINTR)
      throw fail("converter_crashed", std::string("poll: ") + std::strerror(errno));
    if (ready <= 0) continue;
    ssize_t got = ::read(w.fd, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      bool cpu = false;
      std::string how = ending(w, &cpu);
      if (cpu)
        throw ConvertError(in.path, "timeout",
                           "the conversion used more than " + std::to_string(l.timeout_seconds) +
                               " s of CPU time (convert.timeout_seconds): " + how);
      throw ConvertError(in.path, "converter_crashed", how + " while converting the file");
    }
    answer.append(buf, static_cast<std::size_t>(got));
    if (!have_length && answer.size() >= sizeof expected) {
      std::memcpy(&expected, answer.data(), sizeof expected);
      answer.erase(0, sizeof expected);
      have_length = true;
      if (expected > max_answer)
        throw fail("too_large", "the converted text is over " + std::to_string(max_answer >> 20) +
                                    " MB (twice convert.max_unzipped_mb)");
    }
  }
  release(w);

  Fields f{answer};
  std::string_view status;
  if (!f.next(status))
    throw ConvertError(in.path, "converter_crashed", "the converter worker answered nonsense");
  if (status == "error") {
    std::string_view family, code, detail;
    f.next(family);
    f.next(code);
    f.next(detail);
    if (family == "C") throw ConvertError(in.path, std::string(code), std::string(detail));
    if (family == "U") throw UserError(std::string(code), std::string(detail));
    throw EnvironmentError(std::string(code), std::string(detail));
  }
  std::vector<Document> docs;
  std::string_view d;
  while (f.next(d)) docs.push_back(unserialise(d));
  return docs;
}

}  // namespace

}  // namespace tongwen::worker
