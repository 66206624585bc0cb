#include "tongwen/report.h"

#include <Poco/JSON/Array.h>

#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "tongwen/errors.h"
#include "tongwen/json.h"

namespace tongwen {

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : sep) + x;
  return out;
}

std::string human_bytes(double b) {
  char buf[32];
  if (b >= 1 << 30)
    std::snprintf(buf, sizeof buf, "%.1f GB", b / (1 << 30));
  else if (b >= 1 << 20)
    std::snprintf(buf, sizeof buf, "%.1f MB", b / (1 << 20));
  else
    std::snprintf(buf, sizeof buf, "%.0f KB", b / 1024);
  return buf;
}

}  // namespace

ReportWriter::ReportWriter(const std::string& path, const std::string& format)
    : out_(path, std::ios::binary) {
  if (path.ends_with(".jsonl") || path.ends_with(".ndjson"))
    jsonl_ = true;
  else if (path.ends_with(".csv"))
    jsonl_ = false;
  else
    jsonl_ = format == "jsonl";
  if (!out_) throw EnvironmentError("io", "cannot write the report " + path);
  if (!jsonl_) out_ << "path,outcome,ids,format,encoding,languages,bytes,error_code,error\n";
}

void ReportWriter::write(const FileOutcome& o) {
  if (jsonl_) {
    Poco::JSON::Object::Ptr j = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    j->set("path", o.path);
    j->set("outcome", o.outcome);
    j->set("ids", json_array(o.ids));
    j->set("format", o.format);
    j->set("encoding", o.encoding);
    j->set("languages", o.languages);
    j->set("bytes", static_cast<Poco::UInt64>(o.bytes));
    if (!o.error.empty()) {
      j->set("error_code", o.error_code);
      j->set("error", o.error);
    }
    out_ << json_text(j) << "\n";
  } else {
    out_ << csv_field(o.path) << ',' << o.outcome << ',' << csv_field(join(o.ids, ";")) << ','
         << csv_field(o.format) << ',' << csv_field(o.encoding) << ',' << csv_field(o.languages) << ','
         << o.bytes << ',' << csv_field(o.error_code) << ',' << csv_field(o.error) << '\n';
  }
  out_.flush();
}

Progress::Progress(bool enabled) : Progress(enabled, ::isatty(STDERR_FILENO) != 0) {}

Progress::Progress(bool enabled, bool terminal)
    : enabled_(enabled),
      tty_(terminal),
      // A bar shows at once; a plain line only after a few seconds (a short load needs none).
      last_(std::chrono::steady_clock::now() - (terminal ? std::chrono::hours(1) : std::chrono::hours(0))) {}

void Progress::update(const FileOutcome& o, const IngestProgress& p) {
  if (!enabled_) return;
  bool note = !o.error.empty() && (o.outcome == "added" || o.outcome == "updated");
  if (o.outcome == "failed" || note) {
    if (tty_ && drawn_) std::cerr << "\r\033[K";
    std::cerr << (note ? "note: " : "failed: ") << o.error << "\n";
    drawn_ = false;
  }
  draw(p, p.files_done == p.files_total);
}

void Progress::tick(const IngestProgress& p) {
  if (enabled_) draw(p, false);
}

void Progress::draw(const IngestProgress& p, bool force) {
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_ < (tty_ ? std::chrono::milliseconds(200) : std::chrono::seconds(5))) return;
  if (!tty_ && force && p.seconds < 5) return;  // a short load needs no plain progress line
  last_ = now;
  double secs = std::max(p.seconds, 1e-3);
  double docs_s = static_cast<double>(p.documents) / secs;
  double mb_s = static_cast<double>(p.bytes_done) / secs / (1 << 20);
  char eta[32] = "";
  if (p.bytes_done > 0 && p.bytes_total > p.bytes_done) {
    double left =
        secs * static_cast<double>(p.bytes_total - p.bytes_done) / static_cast<double>(p.bytes_done);
    if (left >= 3600)
      std::snprintf(eta, sizeof eta, "  ETA %dh%02dm", static_cast<int>(left / 3600),
                    static_cast<int>(left / 60) % 60);
    else
      std::snprintf(eta, sizeof eta, "  ETA %dm%02ds", static_cast<int>(left / 60),
                    static_cast<int>(left) % 60);
  }
  char line[256];
  std::snprintf(line, sizeof line, "%zu/%zu files  %zu docs  %.0f docs/s  %.2f MB/s  %zu errors%s",
                p.files_done, p.files_total, p.documents, docs_s, mb_s, p.failed, eta);
  if (tty_) {
    const int width = 24;
    double frac =
        p.bytes_total
            ? static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total)
            : (p.files_total ? static_cast<double>(p.files_done) / static_cast<double>(p.files_total) : 1.0);
    int filled = std::clamp(static_cast<int>(width * frac), 0, width);
    std::string bar = "[" + std::string(static_cast<std::size_t>(filled), '#') +
                      std::string(static_cast<std::size_t>(width - filled), '.') + "] ";
    std::cerr << "\r\033[K" << bar << line << std::flush;
    drawn_ = true;
  } else {
    std::cerr << "ingest: " << line << "\n";
  }
}

void Progress::finish(const IngestSummary& s) {
  if (!enabled_) return;
  if (tty_ && drawn_) std::cerr << "\r\033[K";
  std::cerr << "ingest: " << s.files << " files (";
  bool first = true;
  for (const auto& [k, v] : s.outcomes) {
    if (k == "pruned") continue;
    std::cerr << (first ? "" : ", ") << v << " " << k;
    first = false;
  }
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.1f s, %.0f docs/s", s.seconds,
                s.seconds > 0 ? static_cast<double>(s.documents) / s.seconds : 0.0);
  std::cerr << "), " << s.documents << " documents, " << human_bytes(static_cast<double>(s.bytes)) << " in "
            << rate;
  if (s.removed) std::cerr << ", " << s.removed << " documents removed";
  if (s.stopped)
    std::cerr << "; stopped at the first failure (--strict), " << s.not_attempted << " files not attempted";
  std::cerr << "\n";
}

Poco::JSON::Object::Ptr summary_json(const IngestSummary& s) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("files", static_cast<Poco::UInt64>(s.files));
  Poco::JSON::Object::Ptr outcomes = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const char* k : {"added", "updated", "unchanged", "failed", "skipped", "pruned"}) {
    auto it = s.outcomes.find(k);
    outcomes->set(k, static_cast<Poco::UInt64>(it == s.outcomes.end() ? 0 : it->second));
  }
  o->set("outcomes", outcomes);
  o->set("documents", static_cast<Poco::UInt64>(s.documents));
  o->set("removed", static_cast<Poco::UInt64>(s.removed));
  o->set("bytes", static_cast<Poco::UInt64>(s.bytes));
  o->set("seconds", s.seconds);
  o->set("documents_per_second", s.seconds > 0 ? static_cast<double>(s.documents) / s.seconds : 0.0);
  o->set("mb_per_second", s.seconds > 0 ? static_cast<double>(s.bytes) / s.seconds / (1 << 20) : 0.0);
  o->set("stopped", s.stopped);
  o->set("not_attempted", static_cast<Poco::UInt64>(s.not_attempted));
  o->set("hashed", static_cast<Poco::UInt64>(s.hashed));
  o->set("converted", static_cast<Poco::UInt64>(s.converted));
  Poco::JSON::Object::Ptr t = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  t->set("threads", s.threads);
  t->set("commits", static_cast<Poco::UInt64>(s.commits));
  t->set("put_seconds", s.put_seconds);
  t->set("commit_seconds", s.commit_seconds);
  t->set("writer_wait_seconds", s.writer_wait_seconds);
  t->set("analysis_seconds", s.analysis_seconds);
  o->set("timing", t);
  return o;
}

}  // namespace tongwen
