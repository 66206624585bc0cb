#include "index_align_service.h"

#include <Poco/File.h>

#include "tongwen/converter.h"
#include "tongwen/errors.h"
#include "tongwen/text.h"
#include "tongwen/util.h"

namespace tongwen {

namespace {

// Paragraphs between blank lines; a single line break stays in its paragraph (a sentence boundary).
std::vector<Paragraph> paragraphs(const std::string& text) {
  std::vector<Paragraph> out;
  std::string cur;
  auto flush = [&] {
    std::string t = trim(cur);
    if (!t.empty()) out.push_back(Paragraph{t, "", "", "", ""});
    cur.clear();
  };
  std::size_t start = 0;
  while (start <= text.size()) {
    auto nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty())
      flush();
    else
      cur += line + "\n";
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  flush();
  return out;
}

}  // namespace

IndexAlignService::IndexAlignService(const Settings& settings)
    : settings_(settings),
      glossary_(alignment_lexicon(Glossary::configured(settings))),
      dictionary_(alignment_dictionary(settings)) {}

std::shared_ptr<const ArchiveModels> IndexAlignService::models() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!Poco::File(settings_.index_dir()).exists()) {
    if (!models_) {
      ArchiveModels m;
      m.set_dictionary(dictionary_);
      models_ = std::make_shared<const ArchiveModels>(std::move(m));
    }
    return models_;
  }
  try {
    stored::Archive db = stored::open_archive(settings_.index_dir(), settings_);
    std::string rev = db.stamp();
    if (!models_ || rev != revision_) {
      ArchiveModels m = ArchiveModels::read(db);
      m.set_dictionary(dictionary_);
      models_ = std::make_shared<const ArchiveModels>(std::move(m));
      revision_ = rev;
    }
  } catch (const Xapian::Error& e) {
    if (!models_)
      throw EnvironmentError("index",
                             "cannot open index " + settings_.index_dir() + ": " + e.get_description());
  }
  return models_;
}

Document IndexAlignService::document(const AlignInput& in, const char* side) const {
  Document d;
  if (in.is_file()) {
    ConvertOptions opt;
    opt.limits = ConvertLimits::from(settings_);
    opt.use_sidecar = false;
    auto docs = convert_bytes("align/" + in.filename, in.bytes, opt).documents;
    if (docs.empty())
      throw UserError("bad_parameter", std::string(side) + ": " + in.filename + " holds no text");
    d = std::move(docs[0]);
    if (!in.lang.empty()) d.lang = in.lang;
  } else {
    d.paragraphs = paragraphs(in.text);
    d.lang = in.lang;
    if (d.lang.empty()) {
      std::string sample;
      for (const auto& p : d.paragraphs) {
        sample += p.text;
        if (sample.size() > 4000) break;
      }
      d.lang = text::detect_language(sample);
    }
  }
  if (d.paragraphs.empty()) throw UserError("bad_parameter", std::string(side) + " has no text to align");
  d.id = side;
  return d;
}

AlignedTexts IndexAlignService::align(const AlignInput& a, const AlignInput& b) {
  AlignedTexts r;
  r.source = document(a, "a");
  r.target = document(b, "b");
  auto m = models();
  AlignOptions opt = m->options(r.source, r.target, glossary_.get());
  opt.ignore_anchors = true;  // two texts given to compare: align what they say
  r.alignment = align_documents(r.source, r.target, opt);
  r.lexicon = m->lexicon_label(r.source, r.target);
  return r;
}

}  // namespace tongwen
