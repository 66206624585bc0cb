// Conversion that cannot take the process down: converters of untrusted binary input parsed by
// third-party code (PDF through poppler, DOCX through Poco::Zip; Converter::isolated()) run in a
// worker process, so that a crash, a hang or a memory blow-up is one failed file with a named
// error ("converter_crashed", "timeout", "too_large") and the loader or the server carries on
// (Omega runs its filters out of process for the same reason).
//
// A worker is the program itself, started with fork + exec in a hidden mode (`tongwen
// __convert-worker FD MEMORY_MB`): exec gives the child a fresh single-threaded image, where a bare
// fork of the multithreaded loader or server would inherit locks held by other threads (ICU, the
// allocator, Xapian) at the moment of the fork. Workers are reused, one conversion at a time each,
// from a small pool: starting one costs an exec and the libraries' start-up, too much per file.
// Each talks over a socketpair (no SIGPIPE in the parent when a worker dies).
//
// Bounds on a worker: address space (RLIMIT_AS = convert.worker_memory_mb; under AddressSanitizer,
// whose shadow memory needs terabytes of address space, the parent's watch of the worker's
// resident size instead, which applies in every build), CPU time (RLIMIT_CPU, convert.timeout_seconds
// from the start of each conversion), wall time (the parent kills it after
// convert.timeout_seconds + 5 s) and the size of its answer (twice convert.max_unzipped_mb).
#pragma once

#include <string>
#include <vector>

#include "tongwen/converter.h"

namespace tongwen::worker {

// Makes isolated converters run in workers started as `command` (argv; the program path first);
// the worker's socket fd and memory limit are appended. Called once by a program that has the
// worker mode (the tongwen command), before any conversion. Without it, everything converts in
// the calling process (unit tests, fuzz targets).
void enable(std::vector<std::string> command);
bool enabled();

// The worker's loop (`tongwen __convert-worker FD MEMORY_MB`): sets its limits, then answers
// conversion requests on `fd` until the other end closes. Returns the exit status.
int serve(int fd, std::uint64_t memory_mb);

// conv.convert(in) in a worker, within in.limits: the documents, or ConvertError as the converter
// would throw it, or ConvertError "converter_crashed" (the worker died), "timeout" (killed for
// time), "too_large" (killed for memory, or an answer over its limit). Thread-safe.
std::vector<Document> convert(const Converter& conv, const ConvertInput& in);

}  // namespace tongwen::worker
