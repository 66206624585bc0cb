#include "index_write_service.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "tongwen/converter.h"
#include "tongwen/errors.h"
#include "tongwen/index_writer.h"
#include "tongwen/load_recorder.h"
#include "tongwen/load_undo.h"

namespace tongwen {

std::optional<UploadResult> IndexWriteService::add_streamed(const Upload& upload, const std::string& path,
                                                            const ConvertOptions& opt) {
  UploadResult out;
  auto note = [&](const Document& d) {
    if (out.count++ < kUploadIdsShown) out.ids.push_back(d.id);
  };
  try {
    out.format = convert_bytes_each(path, upload.bytes, opt, [&](Document&& d) { note(d); }).format;
  } catch (const ConvertError&) {
    if (out.count < 2) return std::nullopt;  // the whole path gives a one-document file's error
    throw;
  }
  if (out.count < 2) return std::nullopt;

  std::lock_guard<std::mutex> lock(mu_);
  IndexWriter w(settings_.index_dir(), std::chrono::seconds(settings_.server.write_wait_seconds));
  w.set_glossary(glossary_);
  LoadRecorder recorder("upload", "HTTP POST /api/documents " + upload.filename, keep_loads());
  w.set_observer(&recorder);
  w.begin_atomic();  // every batch below is one commit, or none of it is kept
  bool any_existed = false, all_same = true;
  terms::TermWriter tw;
  std::vector<PreparedDocument> batch;
  auto write = [&] {
    for (auto& p : batch) w.put(std::move(p));
    batch.clear();
  };
  convert_bytes_each(path, upload.bytes, opt, [&](Document&& d) {
    Document stored;
    bool existed = w.get(d.id, stored);
    any_existed |= existed;
    all_same &= existed && stored == d;
    batch.push_back(prepare_document(d, tw, d.source.sha256));
    if (batch.size() >= kUploadBatch) write();
  });
  write();
  if (all_same) {
    out.outcome = "unchanged";
    return out;  // the writer's destructor cancels the transaction: nothing changes
  }
  out.outcome = any_existed ? "updated" : "added";
  FileOutcome file;
  file.path = path;
  file.outcome = out.outcome;
  recorder.file(file);
  recorder.finish();
  w.commit();
  out.load = recorder.id();
  return out;
}

UploadResult IndexWriteService::add(const Upload& upload) {
  ConvertOptions opt;
  opt.format = upload.format;
  opt.limits = ConvertLimits::from(settings_);
  opt.overrides = MetadataOverrides(upload.metadata.begin(), upload.metadata.end());
  opt.use_sidecar = false;
  // The client's file name picks the converter and the default id; the "upload/" folder keeps
  // uploads apart from loaded files in source paths.
  const std::string path = "upload/" + upload.filename;
  std::string_view head(upload.bytes.data(), std::min<std::size_t>(upload.bytes.size(), 4096));
  if (!upload.bytes.empty() && ConverterRegistry::standard().choose(path, head, opt.format).streams())
    if (auto streamed = add_streamed(upload, path, opt)) return std::move(*streamed);
  ConvertResult r = convert_bytes(path, upload.bytes, opt);

  // Analysis too happens before the lock: the lock is held only to write.
  terms::TermWriter tw;
  std::vector<PreparedDocument> prepared;
  for (const auto& d : r.documents) prepared.push_back(prepare_document(d, tw, d.source.sha256));

  std::lock_guard<std::mutex> lock(mu_);
  IndexWriter w(settings_.index_dir(), std::chrono::seconds(settings_.server.write_wait_seconds));
  w.set_glossary(glossary_);
  UploadResult out;
  out.format = r.format;
  bool any_existed = false, all_same = true;
  for (const auto& d : r.documents) {
    Document stored;
    bool existed = w.get(d.id, stored);
    any_existed |= existed;
    all_same &= existed && stored == d;
  }
  out.count = r.documents.size();
  for (std::size_t i = 0; i < r.documents.size() && i < kUploadIdsShown; ++i)
    out.ids.push_back(r.documents[i].id);
  if (all_same) {
    out.outcome = "unchanged";
    return out;
  }
  // Recorded in the load history in the upload's own commit.
  LoadRecorder recorder("upload", "HTTP POST /api/documents " + upload.filename, keep_loads());
  w.set_observer(&recorder);
  FileOutcome file;
  file.path = "upload/" + upload.filename;
  file.outcome = any_existed ? "updated" : "added";
  recorder.file(file);
  w.begin_atomic();
  for (auto& p : prepared) w.put(std::move(p));
  recorder.finish();
  w.commit();
  out.load = recorder.id();
  out.outcome = any_existed ? "updated" : "added";
  return out;
}

bool IndexWriteService::remove(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  IndexWriter w(settings_.index_dir(), std::chrono::seconds(settings_.server.write_wait_seconds));
  w.set_glossary(glossary_);
  LoadRecorder recorder("delete", "HTTP DELETE /api/documents/" + id, keep_loads());
  w.set_observer(&recorder);
  w.begin_atomic();
  bool removed = w.remove(id);
  recorder.finish();
  if (removed) w.commit();
  return removed;
}

UndoOutcome IndexWriteService::undo(const std::string& load_id, bool force) {
  std::lock_guard<std::mutex> lock(mu_);
  IndexWriter w(settings_.index_dir(), std::chrono::seconds(settings_.server.write_wait_seconds));
  w.set_glossary(glossary_);
  UndoPlan plan = plan_undo(w.database(), load_id);
  UndoOutcome out;
  out.undone = plan.load.id;
  out.removed = plan.remove.size();
  out.restored = plan.restore.size();
  out.load =
      run_undo(w, plan, force, "HTTP POST /api/loads/" + plan.load.id + "/undo" + (force ? "?force=1" : ""),
               keep_loads());
  return out;
}

}  // namespace tongwen
