// The integrity check. Each part is verified against what the archive itself says it should be:
//   xapian      Xapian::Database::check over every table (what xapian-check does)
//   schema      the schema version the index was built with
//   documents   every document's stored data reads back, and its id names it alone
//   terms       for a sample, the document built again from its stored text (prepare_document,
//               the indexer's own code, so a change of the term scheme needs no change here) has
//               exactly the terms and values the index holds for it
//   facets      the facet counts the search service reports over the whole archive equal the
//               counts computed from the stored documents (schema::facet_key, with_ancestors;
//               speaker, topic and event counted by authority entity)
//   alignments  every stored alignment names two existing documents, reads back, and points at
//               paragraphs and sentences inside them; every group record's members exist
// Authority records are derived from the index, not stored (tongwen/authorities.h), so their
// counts are the facet counts above.
#include "archive_check.h"

#include "tongwen/authorities.h"

#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <xapian.h>

#include <cstdlib>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "tongwen/align.h"
#include "tongwen/alignment.h"
#include "tongwen/errors.h"
#include "tongwen/facet_ordinals.h"
#include "tongwen/index_reader.h"
#include "tongwen/index_writer.h"
#include "tongwen/schema.h"
#include "tongwen/search.h"
#include "tongwen/terms.h"
#include "tongwen/util.h"

namespace tongwen {

namespace {

using Counts = std::map<std::string, std::map<std::string, std::uint64_t>>;  // field -> key -> docs

// Facets other than speaker, topic and event: counted by key.
void add_expected_facets(const Document& d, Counts& c) {
  auto one = [&](const char* field, const std::string& value) {
    std::string key = schema::facet_key(value);
    if (!value.empty() && !key.empty()) ++c[field][key];
  };
  one("type", d.type);
  one("lang", d.lang);
  one("year", d.year());
}

// Speaker, topic and event are counted by entity (tongwen/authorities.h), each once per document,
// with a table learned from the stored documents alone; its names must be the index's.
void add_expected_entities(Xapian::Database& db, const Settings& settings,
                           const std::map<std::string, std::vector<AuthorityObservation>>& observed,
                           Counts& c, CheckReport& r) {
  auto curated = configured_authorities(settings);
  auto indexed = AuthorityTable::from_index(db, curated);
  for (const auto& [field, obs] : observed) {
    const schema::Field& f = *schema::find_field(field);
    auto display = [&](const std::string& key) {
      std::string v = db.get_metadata(schema::facet_display_key(f, key));
      return v.empty() ? key : v;
    };
    AuthorityTable stored = AuthorityTable::build(field, obs, display, curated);
    for (const auto& o : obs) {
      std::set<std::string> ids;
      for (const auto& k : o.keys) {
        int e = stored.resolve(k, o.group);
        ids.insert(e < 0 ? k : stored.entities()[static_cast<std::size_t>(e)].id);
      }
      for (const auto& id : ids) ++c[field][id];
    }
    for (const auto& e : indexed.at(field).entities())
      for (const auto& k : e.keys)
        if (e.documents > 0 && stored.by_key(k).empty())
          r.problems.push_back({"facets", field + " \"" + k + "\": the index names it (entity " + e.id +
                                              "), no stored document does"});
  }
}

std::string describe(const Xapian::Error& e) {
  return e.get_type() + std::string(": ") + e.get_msg();
}

// First few elements of a - b, for a readable message.
std::string difference(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::string out;
  int n = 0;
  for (const auto& x : a)
    if (!b.count(x)) {
      if (n++ == 4) {
        out += " ...";
        break;
      }
      out += (out.empty() ? "" : ", ") + std::string("\"") + x + "\"";
    }
  return out;
}

void check_alignments(Xapian::Database& db, CheckReport& r) {
  std::size_t n = 0;
  const std::string prefix(kAlignmentKeyPrefix);
  for (auto it = db.metadata_keys_begin(prefix); it != db.metadata_keys_end(prefix); ++it) {
    std::string key = *it, value = db.get_metadata(key);
    if (value.empty()) continue;
    ++n;
    auto tab = key.find('\t', prefix.size());
    if (tab == std::string::npos) {
      r.problems.push_back({"alignments", "key \"" + key + "\" does not name two documents"});
      continue;
    }
    std::string a = key.substr(prefix.size(), tab - prefix.size()), b = key.substr(tab + 1);
    bool ea = stored::find(db, a).has_value(), eb = stored::find(db, b).has_value();
    if (!ea || !eb) {
      r.problems.push_back({"alignments", "alignment of " + a + " and " + b +
                                              " points at a missing document (" + (!ea ? a : b) + ")"});
      continue;
    }
    Alignment al;
    try {
      al = unserialise_alignment(value);
    } catch (const Error& e) {  // corrupt_index
      r.problems.push_back({"alignments", "alignment of " + a + " and " + b + " does not read: " + e.what()});
      continue;
    }
    if (!((al.source_id == a && al.target_id == b) || (al.source_id == b && al.target_id == a))) {
      r.problems.push_back({"alignments", "alignment stored under " + a + " and " + b + " is of " +
                                              al.source_id + " and " + al.target_id});
      continue;
    }
    Document src = *stored::load(db, al.source_id), tgt = *stored::load(db, al.target_id);
    auto in_range = [](const std::vector<SentenceRef>& ss, const Document& d) {
      for (const auto& s : ss)
        if (s.paragraph < 0 || static_cast<std::size_t>(s.paragraph) >= d.paragraphs.size() ||
            sentence_text(d, s).empty() != (s.begin == s.end))
          return false;
      return true;
    };
    auto links_in = [](const std::vector<Link>& ls, std::size_t ns, std::size_t nt) {
      for (const auto& l : ls) {
        for (int i : l.src)
          if (i < 0 || static_cast<std::size_t>(i) >= ns) return false;
        for (int i : l.tgt)
          if (i < 0 || static_cast<std::size_t>(i) >= nt) return false;
      }
      return true;
    };
    if (!in_range(al.source_sentences, src) || !in_range(al.target_sentences, tgt) ||
        !links_in(al.paragraph_links, src.paragraphs.size(), tgt.paragraphs.size()) ||
        !links_in(al.sentence_links, al.source_sentences.size(), al.target_sentences.size()))
      r.problems.push_back({"alignments", "alignment of " + a + " and " + b +
                                              " points outside the documents' paragraphs or sentences"});
  }
  std::size_t groups = 0;
  const std::string gprefix(kGroupRecordPrefix);
  for (auto it = db.metadata_keys_begin(gprefix); it != db.metadata_keys_end(gprefix); ++it) {
    std::string data = db.get_metadata(*it);
    if (data.empty()) continue;
    ++groups;
    std::istringstream in(data);
    std::string line;
    while (std::getline(in, line)) {
      auto f = split_fields(line, '\t');
      if (f.size() == 3 && f[0] == "m" && !stored::find(db, f[1]))
        r.problems.push_back({"alignments", "translation group record " + (*it).substr(gprefix.size()) +
                                                " lists a missing document (" + f[1] + ")"});
    }
  }
  r.checked.emplace_back("alignments",
                         std::to_string(n) + " alignments, " + std::to_string(groups) + " groups");
}

// Xapian's check of every table. Runs the xapian-check tool (Debian's xapian-tools) in a child
// process when it is installed: in-process Database::check trips AddressSanitizer inside
// libxapian 1.4.22 (a sized delete of the wrong type), which would abort a sanitized build.
// False when the index is too broken to read further.
bool xapian_check(const std::string& dir, CheckReport& r) {
  std::string tool;
  Poco::Path found;
  if (const char* path = std::getenv("PATH"); path && Poco::Path::find(path, "xapian-check", found))
    tool = found.toString();
  std::string output;
  bool ok = true;
  if (!tool.empty() && Poco::File(tool).canExecute()) {
    Poco::Pipe out;
    Poco::Process::Args args{dir};
    Poco::ProcessHandle h = Poco::Process::launch(tool, args, nullptr, &out, &out);
    Poco::PipeInputStream in(out);
    Poco::StreamCopier::copyToString(in, output);
    ok = h.wait() == 0;
  } else {
    try {
      std::ostringstream out;
      ok = Xapian::Database::check(dir, 0, &out) == 0;
      output = out.str();
    } catch (const Xapian::Error& e) {
      ok = false;
      output = describe(e);
    }
  }
  if (ok) {
    r.checked.emplace_back("xapian", "every table");
    return true;
  }
  // The last lines say what is wrong (xapian-check lists the tables it went through first).
  while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
  std::size_t from = output.size();
  for (int lines = 0; lines < 3 && from > 0; ++lines) {
    auto nl = output.rfind('\n', from - 1);
    from = nl == std::string::npos ? 0 : nl;
  }
  std::string tail = output.substr(from);
  while (!tail.empty() && tail.front() == '\n') tail.erase(0, 1);
  for (auto& c : tail)
    if (c == '\n') c = ' ';
  r.problems.push_back({"xapian", "index " + dir + " fails Xapian's check: " + tail});
  // Errors inside a table still let the rest be read; a missing or unreadable table does not.
  try {
    Xapian::Database probe(dir);
    probe.get_doccount();
    for (auto it = probe.postlist_begin(""); it != probe.postlist_end(""); ++it)
      probe.get_document(*it).get_data();
    return true;
  } catch (const Xapian::Error& e) {
    r.problems.push_back({"xapian", "index " + dir + " cannot be read: " + describe(e)});
    return false;
  }
}

}  // namespace

CheckReport check_archive(const Settings& settings, const CheckOptions& options) {
  CheckReport r;
  const std::string dir = settings.index_dir();
  // 1. Xapian's own check of every table.
  if (!xapian_check(dir, r)) return r;  // nothing further can be trusted
  Xapian::Database db;
  try {
    db = Xapian::Database(dir);
  } catch (const Xapian::Error& e) {
    r.problems.push_back({"xapian", "index " + dir + " does not open: " + describe(e)});
    return r;
  }
  try {
    try {
      schema::check_version(db, dir);
    } catch (const EnvironmentError& e) {
      r.problems.push_back({"schema", e.what()});
    }
    r.checked.emplace_back("schema", std::string(schema::kSchemaVersion));

    // 2. Documents, 3. terms for a sample, and the facet counts they imply.
    Counts expected;
    std::map<std::string, std::vector<AuthorityObservation>> observed;
    const std::size_t total = db.get_doccount();
    const std::size_t step = options.sample == 0 || total <= options.sample ? 1 : total / options.sample;
    terms::TermWriter tw;
    std::size_t docs = 0, sampled = 0;
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it, ++docs) {
      Xapian::docid did = *it;
      Xapian::Document xd = db.get_document(did);
      Document d;
      try {
        d = unserialise(xd.get_data());
      } catch (const std::exception& e) {
        r.problems.push_back(
            {"documents", "document #" + std::to_string(did) + ": stored data does not read: " + e.what()});
        continue;
      }
      std::string id_term = std::string(schema::PREFIX_ID) + d.id;
      if (db.get_termfreq(id_term) != 1 || *db.postlist_begin(id_term) != did)
        r.problems.push_back({"documents", "document " + d.id + " (#" + std::to_string(did) +
                                               "): its id term names " +
                                               std::to_string(db.get_termfreq(id_term)) + " documents"});
      add_expected_facets(d, expected);
      for (const schema::Field* f : schema::authority_fields()) {
        AuthorityObservation o = observe_document(d, std::string(f->name));
        o.did = did;
        if (!o.keys.empty()) observed[std::string(f->name)].push_back(std::move(o));
      }
      if (docs % step != 0) continue;
      ++sampled;
      PreparedDocument p = prepare_document(d, tw, xd.get_value(schema::SLOT_HASH));
      std::set<std::string> want, have;
      for (auto t = p.xdoc.termlist_begin(); t != p.xdoc.termlist_end(); ++t) want.insert(*t);
      for (auto t = db.termlist_begin(did); t != db.termlist_end(did); ++t) have.insert(*t);
      if (want != have) {
        std::string msg = "document " + d.id + ": the index's terms differ from its stored text";
        std::string missing = difference(want, have), extra = difference(have, want);
        if (!missing.empty()) msg += "; missing " + missing;
        if (!extra.empty()) msg += "; unexpected " + extra;
        r.problems.push_back({"terms", msg});
      }
      // Facet ordinals (given by the writer, not by the text): each must be the one the index
      // records for the key the stored text gives.
      if (std::string packed = xd.get_value(schema::SLOT_FACET_ORDINALS); !packed.empty()) {
        facets::Ordinals ords;
        bool same = facets::unpack(packed, ords);
        const auto fields = schema::facet_fields();
        for (std::size_t i = 0; same && i < fields.size(); ++i) {
          const auto& keys = i < p.facet_keys.size() ? p.facet_keys[i] : std::vector<std::string>{};
          same = keys.size() == ords[i].size();
          for (std::size_t k = 0; same && k < keys.size(); ++k)
            same = db.get_metadata(facets::ordinal_key(*fields[i], keys[k])) == std::to_string(ords[i][k]);
        }
        if (same)
          p.xdoc.add_value(schema::SLOT_FACET_ORDINALS, packed);
        else
          r.problems.push_back({"facets", "document " + d.id + ": its facet ordinals (value slot " +
                                              std::to_string(schema::SLOT_FACET_ORDINALS) +
                                              ") are not those of its facet keys"});
      }
      for (auto v = p.xdoc.values_begin(); v != p.xdoc.values_end(); ++v)
        if (xd.get_value(v.get_valueno()) != *v)
          r.problems.push_back({"terms", "document " + d.id + ": value slot " +
                                             std::to_string(v.get_valueno()) +
                                             " differs from its stored metadata"});
      std::size_t want_values = p.xdoc.values_count(), have_values = xd.values_count();
      if (want_values != have_values)
        r.problems.push_back({"terms", "document " + d.id + ": " + std::to_string(have_values) +
                                           " value slots, its stored metadata gives " +
                                           std::to_string(want_values)});
    }
    r.checked.emplace_back("documents", std::to_string(docs) + " documents");
    r.checked.emplace_back("terms", std::to_string(sampled) + " documents rebuilt from their stored text");

    for (const schema::Field* f : schema::authority_fields()) observed[std::string(f->name)];  // even empty
    add_expected_entities(db, settings, observed, expected, r);

    // 4. Facet counts as a search reports them, over the whole archive.
    Settings s = settings;
    s.search.facet_limit = 1 << 30;
    SearchService search(dir, s);
    SearchRequest req;
    req.size = 0;
    req.snippets = false;
    SearchResult all = search.search(req);
    if (all.total != total)
      r.problems.push_back({"facets", "a search for everything finds " + std::to_string(all.total) +
                                          " documents, the index holds " + std::to_string(total)});
    Counts got;
    for (const auto& [field, values] : all.facets)
      for (const auto& v : values) got[field][v.key] = v.count;
    for (const auto* f : schema::facet_fields()) {
      std::string field(f->name);
      const auto& want = expected[field];
      const auto& have = got[field];
      std::set<std::string> keys;
      for (const auto& [k, n] : want) keys.insert(k);
      for (const auto& [k, n] : have) keys.insert(k);
      for (const auto& k : keys) {
        auto w = want.find(k);
        auto h = have.find(k);
        std::uint64_t wn = w == want.end() ? 0 : w->second, hn = h == have.end() ? 0 : h->second;
        if (wn != hn)
          r.problems.push_back({"facets", field + " \"" + k + "\": the index counts " + std::to_string(hn) +
                                              " documents, the stored documents say " + std::to_string(wn)});
      }
    }
    r.checked.emplace_back("facets", std::to_string(schema::facet_fields().size()) + " fields");

    // 5. Alignments and translation group records.
    check_alignments(db, r);
  } catch (const Xapian::Error& e) {
    r.problems.push_back({"xapian", "reading " + dir + " failed: " + describe(e)});
  } catch (const std::exception& e) {
    r.problems.push_back({"xapian", "reading " + dir + " failed: " + std::string(e.what())});
  }
  return r;
}

}  // namespace tongwen
