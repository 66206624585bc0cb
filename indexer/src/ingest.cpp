#include "tongwen/ingest.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Path.h>

#include <algorithm>
#include <set>
#include <sys/stat.h>

#include "tongwen/errors.h"
#include "tongwen/index_writer.h"
#include "tongwen/json.h"
#include "tongwen/util.h"

namespace tongwen {

namespace {

// The per-file record kept in the index metadata under "src:" + sha256(absolute path), committed
// together with the file's documents so that a killed load never leaves them out of step.
struct SourceRecord {
  std::string path;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::string sha256;
  std::string format;
  int converter_version = 0;
  std::string outcome;  // ok or failed
  std::string error;
  std::vector<std::string> ids;

  std::string to_json() const {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("path", path);
    o->set("size", static_cast<Poco::UInt64>(size));
    o->set("mtime_ns", static_cast<Poco::Int64>(mtime_ns));
    o->set("sha256", sha256);
    o->set("format", format);
    o->set("converter_version", converter_version);
    o->set("outcome", outcome);
    if (!error.empty()) o->set("error", error);
    Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
    for (const auto& id : ids) a->add(id);
    o->set("ids", a);
    return json_text(o);
  }
  static SourceRecord from_json(const std::string& s) {
    SourceRecord r;
    if (s.empty()) return r;
    Poco::JSON::Parser p;
    auto o = p.parse(s).extract<Poco::JSON::Object::Ptr>();
    r.path = o->optValue<std::string>("path", "");
    r.size = o->optValue<Poco::UInt64>("size", 0);
    r.mtime_ns = o->optValue<Poco::Int64>("mtime_ns", 0);
    r.sha256 = o->optValue<std::string>("sha256", "");
    r.format = o->optValue<std::string>("format", "");
    r.converter_version = o->optValue<int>("converter_version", 0);
    r.outcome = o->optValue<std::string>("outcome", "");
    r.error = o->optValue<std::string>("error", "");
    if (auto a = o->getArray("ids"))
      for (std::size_t i = 0; i < a->size(); ++i) r.ids.push_back(a->getElement<std::string>(static_cast<unsigned>(i)));
    return r;
  }
};

std::string record_key(const std::string& abs_path) { return "src:" + sha256_hex(abs_path); }

std::string absolute(const std::string& path) { return Poco::Path(path).absolute().toString(); }

bool hidden_or_sidecar(const std::string& name) {
  return name.empty() || name[0] == '.' || name.ends_with(".meta.json") || name.ends_with("~");
}

}  // namespace

std::vector<std::string> collect_files(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    Poco::File f(p);
    if (!f.exists()) {
      out.push_back(p);  // reported as failed by the load
      continue;
    }
    if (!f.isDirectory()) {
      out.push_back(p);
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
        else if (it->isFile())
          out.push_back(it->path());
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

IngestSummary ingest(const Settings& settings, const IngestOptions& options, const OutcomeSink& sink) {
  auto started = std::chrono::steady_clock::now();
  IngestSummary summary;
  std::unique_ptr<IndexWriter> writer;
  if (!options.dry_run) {
    Poco::File(settings.data_dir).createDirectories();
    writer = std::make_unique<IndexWriter>(settings.index_dir());
  }
  terms::TermWriter term_writer;
  ConvertOptions copt;
  copt.format = options.format;
  copt.limits = ConvertLimits::from(settings);
  int pending = 0;

  std::vector<std::string> files = collect_files(options.paths);
  IngestProgress progress;
  progress.files_total = files.size();
  for (const auto& f : files) {
    struct stat st {};
    if (::stat(f.c_str(), &st) == 0) progress.bytes_total += static_cast<std::uint64_t>(st.st_size);
  }
  auto report = [&](FileOutcome& o) {
    ++summary.outcomes[o.outcome];
    ++summary.files;
    summary.bytes += o.bytes;
    ++progress.files_done;
    progress.bytes_done += o.bytes;
    progress.documents = summary.documents;
    if (o.outcome == "failed") ++progress.failed;
    progress.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (sink) sink(o, progress);
  };

  for (const auto& path : files) {
    FileOutcome o;
    o.path = path;
    std::string abs = absolute(path);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      o.outcome = "failed";
      o.error_code = "io";
      o.error = path + ": no such file or folder";
      report(o);
      if (options.strict) {
        summary.stopped = true;
        break;
      }
      continue;
    }
    o.bytes = static_cast<std::uint64_t>(st.st_size);
    std::int64_t mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    SourceRecord previous;
    if (writer) previous = SourceRecord::from_json(writer->get_metadata(record_key(abs)));

    // Unchanged: same size and modification time, or the same bytes.
    bool same_stat = !previous.sha256.empty() && previous.size == o.bytes && previous.mtime_ns == mtime_ns;
    std::string bytes;
    std::string sha;
    if (!same_stat) {
      try {
        bytes = read_file(path, copt.limits.max_file_bytes);
        sha = sha256_hex(bytes);
      } catch (const Error& e) {
        o.outcome = "failed";
        o.error_code = e.code();
        o.error = e.what();
      }
    } else {
      sha = previous.sha256;
    }
    if (o.outcome.empty() && !previous.sha256.empty() && previous.sha256 == sha &&
        (previous.outcome == "ok" || !options.retry_failed)) {
      const Converter* conv = ConverterRegistry::standard().find(previous.format);
      bool converter_same = !conv || conv->version() == previous.converter_version || previous.outcome != "ok";
      if (converter_same) {
        o.outcome = previous.outcome == "ok" ? "unchanged" : "skipped";
        o.ids = previous.ids;
        o.format = previous.format;
        if (previous.outcome != "ok") {
          o.error_code = "failed_before";
          o.error = previous.error + " (unchanged since it failed; --retry-failed converts it again)";
        }
        if (!same_stat && writer) {  // touched but identical: remember the new mtime
          previous.mtime_ns = mtime_ns;
          writer->set_metadata(record_key(abs), previous.to_json());
        }
        report(o);
        continue;
      }
      if (bytes.empty()) bytes = read_file(path, copt.limits.max_file_bytes);
    }

    SourceRecord rec;
    rec.path = abs;
    rec.size = o.bytes;
    rec.mtime_ns = mtime_ns;
    rec.sha256 = sha;
    if (o.outcome.empty()) {
      try {
        ConvertResult result = convert_bytes(path, bytes, copt);
        o.format = rec.format = result.format;
        rec.converter_version = result.converter_version;
        std::set<std::string> langs;
        bool any_replaced = false;
        for (auto& d : result.documents) {
          o.ids.push_back(d.id);
          langs.insert(d.lang);
          o.encoding = d.source.encoding;
          if (writer) any_replaced |= writer->put(prepare_document(d, term_writer, sha));
        }
        for (const auto& l : langs) o.languages += (o.languages.empty() ? "" : ",") + l;
        rec.ids = o.ids;
        rec.outcome = "ok";
        o.outcome = (any_replaced || !previous.ids.empty()) ? "updated" : "added";
        summary.documents += result.documents.size();
      } catch (const Error& e) {
        // A file no converter recognises (an image, a stray README) is skipped, not failed.
        o.outcome = e.code() == "unsupported" && options.format.empty() ? "skipped" : "failed";
        o.error_code = e.code();
        o.error = e.what();
      } catch (const std::exception& e) {
        o.outcome = "failed";
        o.error_code = "internal";
        o.error = path + ": " + e.what();
      }
    }
    if (o.outcome == "failed") {
      rec.outcome = "failed";
      rec.error = o.error;
    }
    if (writer) {
      // Documents this file produced before but not now are gone from it.
      for (const auto& old : previous.ids)
        if (std::find(rec.ids.begin(), rec.ids.end(), old) == rec.ids.end() && writer->remove(old))
          ++summary.removed;
      if (!sha.empty()) writer->set_metadata(record_key(abs), rec.to_json());
      if (++pending >= settings.ingest.batch_size) {
        writer->commit();
        pending = 0;
      }
    }
    report(o);
    if (o.outcome == "failed" && options.strict) {
      summary.stopped = true;
      break;
    }
  }

  if (writer && options.prune) {
    for (const auto& key : writer->metadata_keys("src:")) {
      SourceRecord r = SourceRecord::from_json(writer->get_metadata(key));
      if (r.path.empty() || Poco::File(r.path).exists()) continue;
      for (const auto& id : r.ids)
        if (writer->remove(id)) ++summary.removed;
      writer->set_metadata(key, "");
    }
  }
  if (writer) writer->commit();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace tongwen
