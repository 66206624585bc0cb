#include "tongwen/ingest.h"

#include <Poco/DigestEngine.h>
#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/SHA2Engine.h>

#include <xapian.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_set>

#include "source_record.h"
#include "tongwen/errors.h"
#include "tongwen/glossary.h"
#include "tongwen/index_writer.h"
#include "tongwen/load_recorder.h"
#include "tongwen/manifest.h"
#include "tongwen/util.h"

namespace tongwen {

namespace {

using Clock = std::chrono::steady_clock;

bool hidden_or_sidecar(const std::string& name) {
  return name.empty() || name[0] == '.' || name.ends_with(".meta.json") || name.ends_with("~");
}

// README.md, LICENSE, COPYING.txt, ...: notes about a folder, not documents of the archive.
bool folder_note(const std::string& name) {
  std::string stem = name.substr(0, name.find('.'));
  for (auto& c : stem) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return stem == "README" || stem == "LICENSE" || stem == "LICENCE" || stem == "COPYING" ||
         stem == "CHANGELOG" || stem == "NOTICE";
}

// Documents of one file waiting between its converter and the writer. Bounds memory per file
// (a 300 MB JSON Lines file streams through this many documents at a time).
constexpr std::size_t kSlotsPerFile = 32;

// One input of the load, in the order the writer applies them.
struct InputFile {
  std::string path;      // as shown in the report and passed to the converter
  std::string absolute;  // identifies the file (its record key)
  MetadataOverrides overrides;
  std::string manifest_where;         // "m.csv line 7" when a manifest row describes the file
  std::string problem_code, problem;  // set: a failed row without touching the file
};

// A document on its way: converted (doc), then analysed (prepared), then written.
struct Slot {
  Document doc;
  PreparedDocument prepared;
  std::uint64_t data_bytes = 0;
  std::string error;  // analysis failed
  double analysis_seconds = 0;
  bool ready = false;
};

enum class Verdict { none, unchanged, touched, converted, failed, skipped, aborted };

struct FileJob {
  InputFile input;
  // Written by the worker that owns the job, read by the writer once `finished` is set.
  SourceRecord previous, record;
  Verdict verdict = Verdict::none;
  FileOutcome outcome;
  std::set<std::string> languages;
  // Guarded by the pipeline mutex.
  std::deque<std::unique_ptr<Slot>> slots;  // emitted, not yet written, in order
  bool finished = false;
  bool abort = false;  // the writer gave up on this file: its converter should stop
};

struct Stopped {};  // thrown through a converter to stop it (strict stop or aborted file)

// The records as committed, read by the workers (each its own handle: Xapian handles are not
// thread-safe). A record is written only by the writer after its file's worker has read it, so a
// reader never needs a newer revision than the one it opened, only a retry when the writer has
// recycled the blocks of that revision.
class RecordReader {
 public:
  explicit RecordReader(const std::string& dir) {
    try {
      db_ = Xapian::Database(dir);
      open_ = true;
    } catch (const Xapian::DatabaseOpeningError&) {
      // no index yet (a dry run): no records
    }
  }
  std::string get(const std::string& key) {
    if (!open_) return {};
    for (int attempt = 0;; ++attempt) {
      try {
        return db_.get_metadata(key);
      } catch (const Xapian::DatabaseModifiedError&) {
        if (attempt >= 5) throw;
        db_.reopen();
      }
    }
  }

 private:
  Xapian::Database db_;
  bool open_ = false;
};

// SHA-256 of a file, read in blocks (never the whole file in memory).
std::string hash_file(const std::string& path, std::string& buffer) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw EnvironmentError("io", path + ": cannot read: " + std::strerror(errno));
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  buffer.resize(1 << 20);
  for (;;) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      throw EnvironmentError("io", path + ": cannot read: " + std::strerror(e));
    }
    if (n == 0) break;
    engine.update(buffer.data(), static_cast<unsigned>(n));
  }
  ::close(fd);
  return Poco::DigestEngine::digestToHex(engine.digest());
}

// What besides the file's bytes shapes its documents: the forced format, the manifest row and the
// sidecar NAME.meta.json (found as the converter finds it). A change to any of them converts the
// file again.
std::string inputs_fingerprint(const InputFile& in, const IngestOptions& options, std::string& buffer) {
  std::string s = "format=" + options.format + "\n";
  for (const auto& [k, v] : in.overrides) s += k + "=" + v + "\n";
  std::string sidecar = std::filesystem::path(in.path).replace_extension().string() + ".meta.json";
  struct stat st {};
  if (sidecar != in.path && ::stat(sidecar.c_str(), &st) == 0) {
    try {
      s += "sidecar=" + hash_file(sidecar, buffer) + "\n";
    } catch (const Error&) {
      s += "sidecar=unreadable\n";
    }
  }
  return sha256_hex(s);
}

bool converter_current(const SourceRecord& r) {
  if (r.outcome != "ok") return true;  // a failed file waits for a change (or --retry-failed)
  const Converter* c = ConverterRegistry::standard().find(r.format);
  return c && c->version() == r.converter_version;
}

std::string join(const std::set<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ",") + x;
  return out;
}

// Is the stored document `id` one that came from the file at `absolute`? Guards removals: another
// file (or an upload) may have taken over the id since.
bool document_from(IndexWriter& w, const std::string& id, const std::string& absolute) {
  Document d;
  if (!w.get(id, d)) return false;
  return normal_absolute(d.source.path) == absolute;
}

class Pipeline {
 public:
  Pipeline(const Settings& settings, const IngestOptions& options, IndexWriter* writer,
           const OutcomeSink& sink, const ProgressSink& tick, IngestSummary& summary,
           IngestProgress& progress, Clock::time_point started)
      : settings_(settings),
        options_(options),
        writer_(writer),
        sink_(sink),
        tick_(tick),
        summary_(summary),
        progress_(progress),
        started_(started) {
    unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    threads_ = settings.ingest.threads > 0 ? static_cast<unsigned>(settings.ingest.threads) : hw;
    window_ = 4 * threads_ + 8;
    summary.threads = threads_;
    batch_size_ = static_cast<std::size_t>(std::max(1, settings.ingest.batch_size));
    copt_.format = options.format;
    copt_.limits = ConvertLimits::from(settings);
  }

  // Runs the load of `inputs` (in this order). Returns when every admitted file is written or the
  // load stopped; rethrows a writer failure.
  void run(std::vector<InputFile>& inputs) {
    std::vector<std::thread> workers;
    for (unsigned i = 0; i < threads_; ++i) workers.emplace_back([this] { worker_main(); });
    std::thread writer([this] { writer_main(); });
    std::size_t admitted = 0;
    {
      std::unique_lock<std::mutex> lk(mu_);
      for (auto& in : inputs) {
        admit_cv_.wait(lk, [&] { return stop_ || jobs_.size() < window_; });
        if (stop_) break;
        auto job = std::make_unique<FileJob>();
        job->input = std::move(in);
        jobs_.push_back(std::move(job));
        ++admitted;
        worker_cv_.notify_one();
        writer_cv_.notify_one();
      }
      admitting_done_ = true;
    }
    worker_cv_.notify_all();
    writer_cv_.notify_all();
    writer.join();
    for (auto& t : workers) t.join();
    summary_.not_attempted = inputs.size() - admitted + jobs_.size();
    summary_.hashed = hashed_;
    summary_.converted = converted_;
    jobs_.clear();
    if (failure_) std::rethrow_exception(failure_);
  }

 private:
  // ---- workers ----

  void worker_main() {
    terms::TermWriter tw;
    std::string buffer;
    std::unique_ptr<RecordReader> records;
    try {
      records = std::make_unique<RecordReader>(settings_.index_dir());
    } catch (const Xapian::Error& e) {
      fail(std::make_exception_ptr(
          EnvironmentError("index", "cannot read the index: " + e.get_description())));
      return;
    }
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
      if (!analysis_.empty()) {
        analyse_one(lk, tw);
        continue;
      }
      if (!stop_ && next_job_ < jobs_.size()) {
        FileJob& job = *jobs_[next_job_++];
        ++converting_;
        lk.unlock();
        try {
          process_file(job, *records, tw, buffer);
        } catch (...) {
          job.verdict = Verdict::failed;
          job.outcome.error_code = "internal";
          job.outcome.error = job.input.path + ": unexpected error while loading";
        }
        lk.lock();
        --converting_;
        job.finished = true;
        writer_cv_.notify_one();
        worker_cv_.notify_all();  // idle workers may now exit
        continue;
      }
      bool no_more_jobs = stop_ || (admitting_done_ && next_job_ >= jobs_.size());
      if (no_more_jobs && analysis_.empty() && converting_ == 0) break;
      worker_cv_.wait(lk);
    }
    worker_cv_.notify_all();
  }

  // Takes one document off the analysis queue and prepares it. Called with the lock held.
  void analyse_one(std::unique_lock<std::mutex>& lk, terms::TermWriter& tw) {
    Slot* s = analysis_.front();
    analysis_.pop_front();
    lk.unlock();
    if (writer_) {
      auto t0 = Clock::now();
      try {
        s->prepared = prepare_document(s->doc, tw, s->doc.source.sha256);
        s->data_bytes = s->prepared.xdoc.get_data().size();
      } catch (const std::exception& e) {
        s->error = "document \"" + s->doc.id + "\": cannot be indexed: " + e.what();
      } catch (const Xapian::Error& e) {
        s->error = "document \"" + s->doc.id + "\": cannot be indexed: " + e.get_description();
      }
      s->doc = Document{};
      s->analysis_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    } else {
      s->prepared.id = s->doc.id;  // a dry run only reports
    }
    lk.lock();
    s->ready = true;
    writer_cv_.notify_one();
  }

  // Hands one converted document to the writer's queue for its file; waits (helping with the
  // analysis meanwhile) while the file already has kSlotsPerFile documents in flight.
  void emit(FileJob& job, Document&& d, terms::TermWriter& tw) {
    job.languages.insert(d.lang);
    if (job.outcome.encoding.empty()) job.outcome.encoding = d.source.encoding;
    auto slot = std::make_unique<Slot>();
    slot->doc = std::move(d);
    std::unique_lock<std::mutex> lk(mu_);
    while (!stop_ && !job.abort && job.slots.size() >= kSlotsPerFile) {
      if (!analysis_.empty())
        analyse_one(lk, tw);
      else
        worker_cv_.wait(lk);
    }
    if (stop_ || job.abort) throw Stopped{};
    analysis_.push_back(slot.get());
    job.slots.push_back(std::move(slot));
    lk.unlock();
    worker_cv_.notify_one();
  }

  void process_file(FileJob& job, RecordReader& records, terms::TermWriter& tw, std::string& buffer) {
    const InputFile& in = job.input;
    FileOutcome& o = job.outcome;
    o.path = in.path;
    auto fail_with = [&](const std::string& code, const std::string& message) {
      job.verdict = Verdict::failed;
      o.error_code = code;
      o.error = message;
    };
    if (!in.problem.empty()) return fail_with(in.problem_code, in.problem);
    struct stat st {};
    if (::stat(in.path.c_str(), &st) != 0) return fail_with("io", in.path + ": " + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) return fail_with("io", in.path + ": is a folder, not a file");
    o.bytes = static_cast<std::uint64_t>(st.st_size);

    SourceRecord& rec = job.record;
    rec.path = in.absolute;
    rec.size = o.bytes;
    rec.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    rec.inputs = inputs_fingerprint(in, options_, buffer);
    try {
      job.previous = SourceRecord::from_json(records.get(source_record_key(in.absolute)));
    } catch (const EnvironmentError&) {
      job.previous = SourceRecord{};  // a damaged record: convert again, which rewrites it
    } catch (const Xapian::Error& e) {
      return fail_with("index", in.path + ": cannot read its load record: " + e.get_description());
    }
    const SourceRecord& prev = job.previous;
    bool may_skip = !prev.empty() && prev.inputs == rec.inputs && converter_current(prev) &&
                    (prev.outcome == "ok" || !options_.retry_failed);

    // Unchanged: same size and modification time (no read at all), or the same bytes.
    if (may_skip && prev.size == rec.size && prev.mtime_ns == rec.mtime_ns) {
      rec.sha256 = prev.sha256;
      job.verdict = Verdict::unchanged;
      return;
    }
    ++hashed_;
    try {
      rec.sha256 = hash_file(in.path, buffer);
    } catch (const Error& e) {
      return fail_with(e.code(), e.what());
    }
    if (may_skip && prev.sha256 == rec.sha256) {
      job.verdict = Verdict::touched;
      return;
    }

    ++converted_;
    ConvertOptions copt = copt_;
    copt.overrides = in.overrides;
    try {
      ConvertResult r =
          convert_file_each(in.path, copt, rec.sha256, [&](Document&& d) { emit(job, std::move(d), tw); });
      rec.format = o.format = r.format;
      rec.converter_version = r.converter_version;
      job.verdict = Verdict::converted;
    } catch (const Stopped&) {
      job.verdict = Verdict::aborted;
    } catch (const ConvertError& e) {
      // A file no converter recognises (an image, a stray README) is skipped, not failed.
      if (e.code() == "unsupported" && options_.format.empty()) {
        job.verdict = Verdict::skipped;
        o.error_code = e.code();
        o.error = e.what();
      } else {
        fail_with(e.code(), e.what());
      }
    } catch (const Error& e) {
      fail_with(e.code(), e.what());
    } catch (const Xapian::Error& e) {
      fail_with("internal", in.path + ": " + e.get_description());
    } catch (const std::exception& e) {
      fail_with("internal", in.path + ": " + e.what());
    }
    o.languages = join(job.languages);
  }

  // ---- the writer ----

  struct WriteState {
    std::vector<std::string> put_ids;  // in order
    std::string error;                 // a document could not be written or analysed
    std::uint64_t written_bytes = 0;   // estimate of the file's progress
  };

  void writer_main() {
    try {
      std::unique_lock<std::mutex> lk(mu_);
      for (;;) {
        writer_cv_.wait(lk, [&] { return stop_ || !jobs_.empty() || admitting_done_; });
        if (stop_ || jobs_.empty()) break;
        FileJob* job = jobs_.front().get();
        WriteState ws;
        for (;;) {
          auto waiting = Clock::now();
          writer_cv_.wait(lk, [&] {
            return stop_ || (!job->slots.empty() && job->slots.front()->ready) ||
                   (job->finished && job->slots.empty());
          });
          summary_.writer_wait_seconds += std::chrono::duration<double>(Clock::now() - waiting).count();
          if (stop_) return;
          if (job->slots.empty()) break;
          std::unique_ptr<Slot> slot = std::move(job->slots.front());
          job->slots.pop_front();
          bool was_full = job->slots.size() + 1 >= kSlotsPerFile;
          lk.unlock();
          if (was_full) worker_cv_.notify_all();
          bool ok = write_slot(*job, *slot, ws);
          slot.reset();
          lk.lock();
          if (!ok && !job->abort) {
            job->abort = true;  // stop converting a file that has failed
            worker_cv_.notify_all();
          }
        }
        std::unique_ptr<FileJob> owned = std::move(jobs_.front());
        jobs_.pop_front();
        --next_job_;
        lk.unlock();
        admit_cv_.notify_one();
        bool stop = finalize(*owned, ws);
        lk.lock();
        if (stop) {
          stop_ = true;
          break;
        }
      }
    } catch (const Xapian::Error& e) {
      fail(std::make_exception_ptr(
          EnvironmentError("index", "writing the index failed: " + e.get_description())));
      return;
    } catch (...) {
      fail(std::current_exception());
      return;
    }
    std::lock_guard<std::mutex> lk(mu_);
    worker_cv_.notify_all();
    admit_cv_.notify_all();
  }

  void fail(std::exception_ptr e) {
    std::lock_guard<std::mutex> lk(mu_);
    if (!failure_) failure_ = e;
    stop_ = true;
    worker_cv_.notify_all();
    writer_cv_.notify_all();
    admit_cv_.notify_all();
  }

  // Puts one document. False when the file has failed (this document or an earlier one).
  bool write_slot(FileJob& job, Slot& slot, WriteState& ws) {
    if (!ws.error.empty()) return false;
    if (!slot.error.empty()) {
      ws.error = job.input.path + ": " + slot.error;
      return false;
    }
    std::string id = slot.prepared.id;
    summary_.analysis_seconds += slot.analysis_seconds;
    if (writer_) {
      auto t0 = Clock::now();
      try {
        writer_->put(std::move(slot.prepared));
      } catch (const Xapian::InvalidArgumentError& e) {
        ws.error = job.input.path + ": document \"" + id + "\" cannot be indexed: " + e.get_msg();
        return false;
      }
      summary_.put_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
      if (++pending_docs_ >= batch_size_) commit();
    }
    ws.put_ids.push_back(std::move(id));
    ws.written_bytes += slot.data_bytes;
    ++documents_written_;
    if (tick_ && documents_written_ % 64 == 0) {
      progress_.documents = documents_written_;
      progress_.bytes_done = bytes_finished_ + std::min<std::uint64_t>(ws.written_bytes, job.outcome.bytes);
      progress_.seconds = seconds();
      tick_(progress_);
    }
    return true;
  }

  void commit() {
    auto t0 = Clock::now();
    writer_->commit();
    summary_.commit_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    ++summary_.commits;
    pending_docs_ = 0;
    pending_records_ = 0;
  }

  void remove_owned(const std::vector<std::string>& ids, const std::string& absolute, std::size_t& removed) {
    for (const auto& id : ids)
      if (document_from(*writer_, id, absolute) && writer_->remove(id)) {
        ++removed;
        ++pending_docs_;
      }
  }

  // Applies a file's outcome to the index (stale documents, its record) and reports it. True when
  // the load must stop (--strict).
  bool finalize(FileJob& job, WriteState& ws) {
    FileOutcome& o = job.outcome;
    o.path = job.input.path;
    const SourceRecord& prev = job.previous;
    SourceRecord& rec = job.record;
    bool write_record = false;
    std::size_t removed = 0;
    if (!ws.error.empty() || job.verdict == Verdict::aborted) {
      job.verdict = Verdict::failed;
      o.error_code = "malformed";
      o.error = ws.error;
      o.format.clear();
    }
    switch (job.verdict) {
      case Verdict::unchanged:
      case Verdict::touched:
        o.format = prev.format;
        o.encoding = prev.encoding;
        o.languages = prev.languages;
        if (prev.outcome == "ok") {
          o.outcome = "unchanged";
          o.ids = prev.ids;
        } else {
          o.outcome = "skipped";
          o.error_code = "failed_before";
          o.error = prev.error + " (unchanged since it failed; --retry-failed converts it again)";
        }
        if (job.verdict == Verdict::touched) {  // same bytes, new mtime: remember it
          std::int64_t mtime = rec.mtime_ns;
          rec = prev;
          rec.mtime_ns = mtime;
          write_record = true;
        }
        break;
      case Verdict::converted: {
        o.outcome = prev.empty() || prev.outcome != "ok" ? "added" : "updated";
        if (prev.outcome == "failed" && !prev.ids.empty()) o.outcome = "updated";
        if (writer_) {
          // Documents the file produced before but not now are gone from it.
          std::unordered_set<std::string> now(ws.put_ids.begin(), ws.put_ids.end());
          std::vector<std::string> stale;
          for (const auto& id : prev.ids)
            if (!now.count(id)) stale.push_back(id);
          remove_owned(stale, rec.path, removed);
        }
        o.ids = ws.put_ids;
        if (o.ids.size() > 1 && !job.input.overrides.empty()) {
          // The converters apply a manifest row to a file of one document only (a title or an id
          // cannot describe many); say so rather than let the row look applied.
          o.error_code = "manifest_not_applied";
          o.error = job.input.manifest_where + ": the row's metadata was not applied: " + o.path + " holds " +
                    std::to_string(o.ids.size()) +
                    " documents (a manifest row describes a file of one document)";
        }
        rec.encoding = o.encoding;
        rec.languages = o.languages;
        rec.outcome = "ok";
        rec.ids = std::move(ws.put_ids);
        write_record = true;
        summary_.documents += o.ids.size();
        break;
      }
      case Verdict::failed: {
        o.outcome = "failed";
        rec.outcome = "failed";
        rec.format.clear();
        rec.converter_version = 0;
        if (!ws.put_ids.empty()) {
          // Part of the file was written before it failed: take all of it out rather than leave
          // half a file (the previous version's documents too: some were already replaced).
          if (writer_) {
            std::vector<std::string> all = ws.put_ids;
            all.insert(all.end(), prev.ids.begin(), prev.ids.end());
            remove_owned(all, rec.path, removed);
          }
          rec.ids.clear();
          o.error += " (its " + std::to_string(removed) + " documents were removed from the index)";
        } else {
          rec.ids = prev.ids;  // nothing was written: the previous version stays
          if (!prev.ids.empty())
            o.error += " (the previous version's " + std::to_string(prev.ids.size()) +
                       " documents stay in the index)";
        }
        rec.error = o.error;
        write_record = !rec.sha256.empty();  // without a hash it cannot be recognised next time
        break;
      }
      case Verdict::skipped:
        o.outcome = "skipped";
        break;
      case Verdict::none:
      case Verdict::aborted:
        o.outcome = "failed";
        o.error_code = "internal";
        o.error = o.path + ": was not processed";
        break;
    }
    if (writer_ && write_record) {
      writer_->set_metadata(source_record_key(rec.path), rec.to_json());
      ++pending_records_;
      if (pending_docs_ >= batch_size_ || pending_records_ >= 8 * batch_size_) commit();
    }
    summary_.removed += removed;
    ++summary_.outcomes[o.outcome];
    ++summary_.files;
    summary_.bytes += o.bytes;
    bytes_finished_ += o.bytes;
    ++progress_.files_done;
    progress_.bytes_done = bytes_finished_;
    progress_.documents = documents_written_;
    if (o.outcome == "failed") ++progress_.failed;
    progress_.seconds = seconds();
    if (sink_) sink_(o, progress_);
    if (o.outcome == "failed" && options_.strict) {
      summary_.stopped = true;
      return true;
    }
    return false;
  }

  double seconds() const { return std::chrono::duration<double>(Clock::now() - started_).count(); }

  const Settings& settings_;
  const IngestOptions& options_;
  IndexWriter* writer_;
  const OutcomeSink& sink_;
  const ProgressSink& tick_;
  IngestSummary& summary_;
  IngestProgress& progress_;
  Clock::time_point started_;
  ConvertOptions copt_;
  unsigned threads_ = 1;
  std::size_t window_ = 8, batch_size_ = 500;

  std::mutex mu_;
  std::condition_variable worker_cv_;          // workers: a job or a document to analyse, or room to emit
  std::condition_variable writer_cv_;          // the writer: a document ready, a job finished or admitted
  std::condition_variable admit_cv_;           // the admitting thread: room in the window
  std::deque<std::unique_ptr<FileJob>> jobs_;  // admitted, not yet written, in input order
  std::size_t next_job_ = 0;                   // jobs_[next_job_] is the next one for a worker
  std::deque<Slot*> analysis_;                 // documents waiting for prepare_document
  int converting_ = 0;
  std::atomic<std::size_t> hashed_{0}, converted_{0};
  bool admitting_done_ = false, stop_ = false;
  std::exception_ptr failure_;

  // Writer thread only.
  std::size_t pending_docs_ = 0, pending_records_ = 0, documents_written_ = 0;
  std::uint64_t bytes_finished_ = 0;
};

// The inputs of a load: walked files and manifest rows, merged by absolute path, in path order.
// Manifest problems and folder notes become report rows up front.
std::vector<InputFile> gather_inputs(const IngestOptions& options, std::vector<FileOutcome>& problems,
                                     std::vector<std::string>& roots) {
  std::vector<InputFile> inputs;
  std::map<std::string, std::size_t> by_abs;
  std::string manifest_abs = options.manifest.empty() ? "" : normal_absolute(options.manifest);
  std::vector<std::string> notes;
  for (const auto& p : collect_files(options.paths, &notes)) {
    InputFile in;
    in.path = p;
    in.absolute = normal_absolute(p);
    if (in.absolute == manifest_abs) continue;  // the manifest describes the load; it is not loaded
    if (by_abs.emplace(in.absolute, inputs.size()).second) inputs.push_back(std::move(in));
  }
  for (const auto& p : notes) {
    FileOutcome o;
    o.path = p;
    o.outcome = "skipped";
    o.error_code = "folder_note";
    o.error =
        p + ": a folder's notes (README, LICENSE, ...), not a document; name the file itself to load it";
    problems.push_back(std::move(o));
  }
  for (const auto& p : options.paths) roots.push_back(normal_absolute(p));
  if (!options.manifest.empty()) {
    Manifest m = read_manifest(options.manifest);
    roots.push_back(normal_absolute(std::filesystem::path(options.manifest).parent_path().string()));
    for (const auto& pr : m.problems) {
      FileOutcome o;
      o.path = pr.path;
      o.outcome = "failed";
      o.error_code = "manifest";
      o.error = pr.message;
      problems.push_back(std::move(o));
    }
    for (auto& row : m.rows) {
      std::string where = m.file + " line " + std::to_string(row.line);
      auto it = by_abs.find(row.absolute);
      if (it != by_abs.end()) {
        inputs[it->second].overrides = std::move(row.overrides);
        inputs[it->second].manifest_where = where;
        continue;
      }
      InputFile in;
      in.path = row.path;
      in.absolute = row.absolute;
      in.overrides = std::move(row.overrides);
      in.manifest_where = where;
      where += ": ";
      struct stat st {};
      if (::stat(row.path.c_str(), &st) != 0) {
        in.problem_code = "manifest";
        in.problem = where + "\"" + row.path + "\" does not exist (" + std::strerror(errno) + ")";
      } else if (S_ISDIR(st.st_mode)) {
        in.problem_code = "manifest";
        in.problem = where + "\"" + row.path + "\" is a folder; list its files one per row";
      }
      by_abs.emplace(in.absolute, inputs.size());
      inputs.push_back(std::move(in));
    }
  }
  std::sort(inputs.begin(), inputs.end(),
            [](const InputFile& a, const InputFile& b) { return a.path < b.path; });
  return inputs;
}

bool under_roots(const std::string& path, const std::vector<std::string>& roots) {
  if (roots.empty()) return true;
  for (const auto& r : roots)
    if (path == r ||
        (path.size() > r.size() && path.compare(0, r.size(), r) == 0 && (r == "/" || path[r.size()] == '/')))
      return true;
  return false;
}

}  // namespace

std::vector<std::string> collect_files(const std::vector<std::string>& paths,
                                       std::vector<std::string>* folder_notes) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    Poco::File f(p);
    if (!f.exists() || !f.isDirectory()) {
      out.push_back(p);  // a file, or a missing path the load reports as failed
      continue;
    }
    std::vector<std::string> stack{p};
    while (!stack.empty()) {
      std::string dir = stack.back();
      stack.pop_back();
      for (Poco::DirectoryIterator it(dir), end; it != end; ++it) {
        if (hidden_or_sidecar(it.name())) continue;
        if (it->isLink() && it->isDirectory()) continue;  // no cycles through links
        if (it->isDirectory())
          stack.push_back(it->path());
        else if (it->isFile() && folder_note(it.name()) && folder_notes)
          folder_notes->push_back(it->path());
        else if (it->isFile() && !folder_note(it.name()))
          out.push_back(it->path());
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (folder_notes) {
    std::sort(folder_notes->begin(), folder_notes->end());
    folder_notes->erase(std::unique(folder_notes->begin(), folder_notes->end()), folder_notes->end());
  }
  return out;
}

IngestSummary ingest(const Settings& settings, const IngestOptions& options, const OutcomeSink& sink,
                     const ProgressSink& tick) {
  auto started = Clock::now();
  IngestSummary summary;
  IngestProgress progress;
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };

  std::vector<FileOutcome> problems;
  std::vector<std::string> roots;
  std::vector<InputFile> inputs = gather_inputs(options, problems, roots);
  progress.files_total = inputs.size() + problems.size();
  for (const auto& in : inputs) {
    struct stat st {};
    if (in.problem.empty() && ::stat(in.path.c_str(), &st) == 0)
      progress.bytes_total += static_cast<std::uint64_t>(st.st_size);
  }

  std::unique_ptr<IndexWriter> writer;
  if (!options.dry_run) {
    Poco::File(settings.data_dir).createDirectories();
    const std::size_t new_shards = settings.ingest.shards > 0
                                       ? static_cast<std::size_t>(settings.ingest.shards)
                                       : std::max(1u, std::thread::hardware_concurrency());
    writer = std::make_unique<IndexWriter>(settings.index_dir(),
                                           std::chrono::seconds(settings.server.write_wait_seconds),
                                           options.shards, new_shards);
    writer->set_glossary(Glossary::configured(settings));
    if (options.recorder) writer->set_observer(options.recorder);
  }

  // Manifest problems and skipped folder notes first: they concern the whole load.
  bool manifest_failed = false;
  for (auto& o : problems) {
    ++summary.outcomes[o.outcome];
    ++summary.files;
    ++progress.files_done;
    if (o.outcome == "failed") {
      ++progress.failed;
      manifest_failed = true;
    }
    progress.seconds = elapsed();
    if (sink) sink(o, progress);
  }
  if (manifest_failed && options.strict) {
    summary.stopped = true;
    summary.not_attempted = inputs.size();
  } else {
    Pipeline pipeline(settings, options, writer.get(), sink, tick, summary, progress, started);
    pipeline.run(inputs);
  }

  if (options.prune && !summary.stopped) {
    // Files that are gone: their documents (those still theirs) and their records.
    std::unique_ptr<Xapian::Database> reader;
    Xapian::Database* db = nullptr;
    if (writer) {
      db = &writer->database();
    } else {
      try {
        reader = std::make_unique<Xapian::Database>(settings.index_dir());
        db = reader.get();
      } catch (const Xapian::DatabaseOpeningError&) {
      }
    }
    std::vector<std::string> keys;
    if (db)
      for (auto it = db->metadata_keys_begin(kSourceRecordPrefix);
           it != db->metadata_keys_end(kSourceRecordPrefix); ++it)
        keys.push_back(*it);
    for (const auto& key : keys) {
      SourceRecord r;
      try {
        r = SourceRecord::from_json(db->get_metadata(key));
      } catch (const EnvironmentError&) {
        continue;
      }
      struct stat st {};
      if (r.path.empty() || ::stat(r.path.c_str(), &st) == 0 || !under_roots(r.path, roots)) continue;
      FileOutcome o;
      o.path = r.path;
      o.outcome = "pruned";
      o.format = r.format;
      for (const auto& id : r.ids) {
        if (writer) {
          if (document_from(*writer, id, r.path) && writer->remove(id)) o.ids.push_back(id);
        } else {
          o.ids.push_back(id);
        }
      }
      if (writer) writer->set_metadata(key, "");
      summary.removed += o.ids.size();
      ++summary.outcomes[o.outcome];
      progress.seconds = elapsed();
      if (sink) sink(o, progress);
    }
  }
  if (writer) {
    if (options.recorder) options.recorder->finish();
    auto t0 = Clock::now();
    writer->commit();
    summary.commit_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    ++summary.commits;
  }
  summary.seconds = elapsed();
  return summary;
}

}  // namespace tongwen
