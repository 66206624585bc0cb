// Full export to JSON Lines, and reading the exported alignments back after a load.
//
// Why alignments are read back rather than derived again: the aligner's output for a pair
// depends on the archive it was computed in (length statistics and the word-translation table
// learned from the anchored pairs present at that commit), so the same documents loaded in another
// order or another batching can align slightly differently. The export carries each stored
// alignment; after `tongwen ingest` has loaded the documents (and the commit hook has aligned
// them), import_alignments() puts the exported alignment in place for every pair whose documents
// still have the text it was computed on. The group records the hook wrote list the same content,
// so a later load keeps them until a member changes.
#include "tongwen/archive.h"
#include "tongwen/index_reader.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <xapian.h>

#include <fstream>
#include <map>

#include "tongwen/align.h"
#include "tongwen/alignment.h"
#include "tongwen/errors.h"
#include "tongwen/index_writer.h"
#include "tongwen/json.h"
#include "tongwen/schema.h"
#include "tongwen/util.h"

namespace tongwen {

std::string export_digest(const Document& doc) {
  std::string buf = doc.lang + "\x1e";
  append_paragraph_bytes(buf, doc);
  return sha256_hex(buf);
}

ExportSummary export_archive(const std::string& index_dir, std::ostream& out,
                             const std::function<void(std::size_t, std::size_t)>& progress) {
  Xapian::Database db = stored::open(index_dir);
  ExportSummary sum;
  sum.revision = std::to_string(db.get_revision());
  // Alignments by the smaller id of their pair (the key orders them).
  std::map<std::string, std::vector<std::string>> aligned;  // idA -> metadata keys
  const std::string prefix(kAlignmentKeyPrefix);
  for (auto it = db.metadata_keys_begin(prefix); it != db.metadata_keys_end(prefix); ++it) {
    std::string key = *it;
    auto tab = key.find('\t', prefix.size());
    if (tab == std::string::npos) continue;
    aligned[key.substr(prefix.size(), tab - prefix.size())].push_back(key);
  }
  const std::size_t total = db.get_doccount();
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    Document doc = unserialise(db.get_document(*it).get_data());
    Poco::JSON::Object::Ptr o = document_to_object(doc, true);
    auto al = aligned.find(doc.id);
    if (al != aligned.end()) {
      Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
      for (const auto& key : al->second) {
        std::string other = key.substr(key.find('\t', prefix.size()) + 1);
        // As stored, not stored::alignment()'s view from doc.id: the stored value keeps the side the
        // aligner chose as source (the original), and the import writes it back byte for byte.
        std::string value = db.get_metadata(key);
        if (value.empty()) continue;
        Alignment a = unserialise_alignment(value);
        // The other document's digest: read it from the stored document.
        auto other_doc = stored::load(db, other);
        if (!other_doc) continue;  // an alignment to a missing document
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        entry->set("with", other);
        Poco::JSON::Array::Ptr digests = new Poco::JSON::Array;
        digests->add(export_digest(doc));
        digests->add(export_digest(*other_doc));
        entry->set("digests", digests);
        entry->set("alignment", alignment_to_object(a));
        list->add(entry);
        ++sum.alignments;
      }
      if (list->size() > 0) o->set("alignments", list);
    }
    if (sum.documents == 0) {
      Poco::JSON::Object::Ptr mark = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      mark->set("revision", sum.revision);
      mark->set("documents", static_cast<Poco::UInt64>(total));
      o->set("tongwen_export", mark);
    }
    out << json_text(o) << '\n';
    if (!out) throw EnvironmentError("io", "cannot write the export (disk full?)");
    ++sum.documents;
    if (progress && sum.documents % 500 == 0) progress(sum.documents, total);
  }
  if (progress) progress(sum.documents, total);
  return sum;
}

bool is_export_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  if (!in || !std::getline(in, line) || line.find("\"tongwen_export\"") == std::string::npos) return false;
  try {
    Poco::JSON::Parser parser;
    auto o = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
    return o && o->getObject("tongwen_export");
  } catch (const Poco::Exception&) {
    return false;
  }
}

AlignmentImport import_alignments(IndexWriter& writer, const std::vector<std::string>& jsonl_files) {
  AlignmentImport r;
  for (const auto& path : jsonl_files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      r.problems.push_back(path + ": cannot read");
      continue;
    }
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.find("\"alignments\"") == std::string::npos) continue;
      std::string where = path + ": line " + std::to_string(n) + ": ";
      Poco::JSON::Object::Ptr o;
      try {
        Poco::JSON::Parser parser;
        o = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
      } catch (const Poco::Exception&) {
        continue;  // the load has reported the line already
      }
      Poco::JSON::Array::Ptr list = o->has("alignments") ? o->getArray("alignments") : nullptr;
      if (!list || !o->has("id")) continue;
      std::string id = o->getValue<std::string>("id");
      for (unsigned i = 0; i < list->size(); ++i) {
        ++r.read;
        try {
          Poco::JSON::Object::Ptr e = list->getObject(i);
          if (!e) throw UserError("malformed", "alignments[" + std::to_string(i) + "] must be an object");
          std::string other = e->getValue<std::string>("with");
          Poco::JSON::Array::Ptr digests = e->getArray("digests");
          Alignment a = alignment_from_object(e->getObject("alignment"));
          Document da, db;
          if (!writer.get(id, da) || !writer.get(other, db)) {
            ++r.skipped;
            r.problems.push_back(where + "alignment of " + id + " and " + other +
                                 " not restored: a document is not in the index");
            continue;
          }
          if (!digests || digests->size() != 2 || digests->getElement<std::string>(0) != export_digest(da) ||
              digests->getElement<std::string>(1) != export_digest(db)) {
            ++r.skipped;
            r.problems.push_back(where + "alignment of " + id + " and " + other +
                                 " not restored: the text changed since the export (the aligner's stays)");
            continue;
          }
          std::string key = alignment_key(id, other);
          std::string current = writer.get_metadata(key);
          if (current.empty()) {
            ++r.skipped;
            r.problems.push_back(where + "alignment of " + id + " and " + other +
                                 " not restored: they are not aligned in this archive (not one translation "
                                 "group?)");
            continue;
          }
          std::string value = serialise(a);
          if (value == current) {
            ++r.same;
          } else {
            writer.set_metadata(key, value);
            ++r.stored;
          }
        } catch (const UserError& e) {
          ++r.skipped;
          r.problems.push_back(where + e.what());
        } catch (const Poco::Exception& e) {
          ++r.skipped;
          r.problems.push_back(where + "alignments[" + std::to_string(i) + "]: " + e.displayText());
        }
      }
    }
  }
  return r;
}

}  // namespace tongwen
