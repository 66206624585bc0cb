#include "index_write_service.h"

#include <chrono>

#include "tongwen/converter.h"
#include "tongwen/errors.h"
#include "tongwen/index_writer.h"

namespace tongwen {

UploadResult IndexWriteService::add(const Upload& upload) {
  ConvertOptions opt;
  opt.format = upload.format;
  opt.limits = ConvertLimits::from(settings_);
  opt.overrides = MetadataOverrides(upload.metadata.begin(), upload.metadata.end());
  opt.use_sidecar = false;
  // Convert before taking the lock: a bad file changes nothing and never waits.
  std::string name = upload.filename.empty() ? "upload.txt" : upload.filename;
  ConvertResult r = convert_bytes("upload/" + name, upload.bytes, opt);
  std::lock_guard<std::mutex> lock(mu_);
  IndexWriter w(settings_.index_dir(), std::chrono::seconds(settings_.server.write_wait_seconds));
  terms::TermWriter tw;
  UploadResult out;
  out.format = r.format;
  bool replaced = false;
  for (auto& d : r.documents) {
    out.ids.push_back(d.id);
    replaced |= w.put(prepare_document(d, tw, d.source.sha256));
  }
  w.commit();
  out.outcome = replaced ? "updated" : "added";
  return out;
}

bool IndexWriteService::remove(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  IndexWriter w(settings_.index_dir(), std::chrono::seconds(settings_.server.write_wait_seconds));
  bool removed = w.remove(id);
  w.commit();
  return removed;
}

}  // namespace tongwen
