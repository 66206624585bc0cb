// TEI parliamentary proceedings (Parla-CLARIN, ParlaMint): one document per session <TEI>.
//
//   <TEI xml:id="ParlaMint-GB_2017-09-07-commons" xml:lang="en">
//     <teiHeader> titleStmt/title[@type main|sub][@xml:lang], settingDesc/setting/date@when,
//                 textClass/catRef@target, keywords/term, abstract/list[@type=agenda]/item,
//                 particDesc/listPerson/person[@xml:id]/persName(forename, surname)/affiliation
//     <text><front|body|back><div><head/><note/><u who="#DavidDavis"><seg xml:id>…</seg></u>…
//
// A <teiCorpus> root yields one document per embedded or xi:included <TEI>; its header (speaker
// list, organisations, taxonomies) serves every session. XInclude is done by xinclude.cpp: only
// files under the including file's folder, never the network; a missing file is a
// "missing_include" error, a path out of the folder "unsafe".
//
// Paragraphs, in document order: each <seg> of an utterance (or the utterance itself when it has
// no <seg>) with the speaker's name and the seg's xml:id as anchor; <head> and agenda items of
// the header (inserted before the first segment they point to) as "heading"; <note>s outside
// utterances (times, votes, "House adjourned.") as kind "note", except type="speaker" notes,
// which only repeat the utterance's speaker; <p> as body text. Incidents, gaps and notes inside
// segments are transcribers' annotations and are left out.
//
// Speakers: `who` is resolved through the <person>s of the file, else of the corpus root that
// includes the file (searched in the file's folder and its parent, with the root's own
// xi:included person list when present); a role category (who="#chair") resolves to its term;
// an unknown id is kept without '#'. Affiliation: the party (or else any organisation) the
// person belonged to on the session's date, by its English name when there is one.
// Title: the main title, the English one when there are several languages (the others go to
// extra["title@<lang>"]); sub title -> session; corpus title -> event; type "transcript".
#include <Poco/DirectoryIterator.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Path.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "converters.h"
#include "tongwen/errors.h"
#include "tongwen/lang.h"
#include "tongwen/util.h"
#include "xinclude.h"
#include "xml.h"

namespace tongwen {

namespace {

std::string strip_hash(const std::string& ref) {
  auto h = ref.find('#');
  return h == std::string::npos ? ref : ref.substr(h + 1);
}

std::vector<std::string> split_ws(const std::string& s) {
  std::vector<std::string> out;
  std::size_t b = 0;
  while (b < s.size()) {
    auto e = s.find_first_of(" \t\r\n", b);
    if (e == std::string::npos) e = s.size();
    if (e > b) out.push_back(s.substr(b, e - b));
    b = e + 1;
  }
  return out;
}

// Text of an element without the annotations nested in it (notes, gaps, incidents).
std::string clean_text(const xmlNode* n) {
  std::string raw;
  std::vector<const xmlNode*> todo;
  for (const xmlNode* c = n->last; c; c = c->prev) todo.push_back(c);
  while (!todo.empty()) {
    const xmlNode* cur = todo.back();
    todo.pop_back();
    if (cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) {
      if (cur->content) raw += reinterpret_cast<const char*>(cur->content);
      continue;
    }
    if (cur->type != XML_ELEMENT_NODE) continue;
    auto nm = xml::name(cur);
    if (nm == "note" || nm == "gap" || nm == "incident" || nm == "kinesic" || nm == "vocal" || nm == "pb") {
      raw += ' ';
      continue;
    }
    for (const xmlNode* c = cur->last; c; c = c->prev) todo.push_back(c);
  }
  return join_lines(raw);
}

// ISO date bounds compare as strings on their common prefix ("2000" covers "2000-05-18").
bool covers(const std::string& from, const std::string& to, const std::string& date) {
  auto before = [](const std::string& a, const std::string& b) {  // a <= b on the common prefix
    std::size_t n = std::min(a.size(), b.size());
    return a.compare(0, n, b, 0, n) <= 0;
  };
  return (from.empty() || before(from, date)) && (to.empty() || before(date, to));
}

struct Affiliation {
  std::string ref, role, from, to, text;
};
struct Person {
  std::string name;
  std::vector<Affiliation> affiliations;
};
struct OrgName {
  std::string name, lang, from, to, full;
};
struct Org {
  std::string role;
  std::vector<OrgName> names;
};

// What speaker resolution needs, gathered from headers (the file's own and its corpus root's).
struct Context {
  std::map<std::string, Person> persons;
  std::map<std::string, Org> orgs;
  std::map<std::string, std::string> categories;  // xml:id -> term
  std::string corpus_title;
  std::string corpus_lang;

  // The enclosing context (a corpus root's), consulted when this one lacks an entry; it must
  // outlive this one. Chained rather than copied: a root may list thousands of persons.
  const Context* parent = nullptr;

  void inherit(const Context* outer) {
    parent = outer;
    if (!outer) return;
    if (corpus_title.empty()) corpus_title = outer->corpus_title;
    if (corpus_lang.empty()) corpus_lang = outer->corpus_lang;
  }
  template <typename T>
  static const T* lookup(const Context* c, std::map<std::string, T> Context::*table, const std::string& id) {
    for (; c; c = c->parent)
      if (auto it = (c->*table).find(id); it != (c->*table).end()) return &it->second;
    return nullptr;
  }
  const Person* person(const std::string& id) const { return lookup(this, &Context::persons, id); }
  const Org* org(const std::string& id) const { return lookup(this, &Context::orgs, id); }
  const std::string* category(const std::string& id) const { return lookup(this, &Context::categories, id); }
  bool has_persons() const { return !persons.empty() || (parent && parent->has_persons()); }
};

std::string person_name(const xmlNode* person, const std::string& date) {
  std::vector<xmlNode*> names = xml::children(person, "persName");
  if (names.empty()) return {};
  const xmlNode* pn = names.back();  // the latest form when none is dated
  for (xmlNode* n : names)
    if (!date.empty() && (!xml::attr(n, "from").empty() || !xml::attr(n, "to").empty()) &&
        covers(xml::attr(n, "from"), xml::attr(n, "to"), date))
      pn = n;
  std::string fore, sur;
  for (xmlNode* c : xml::children(pn)) {
    auto nm = xml::name(c);
    std::string t = xml::text(c);
    if (t.empty()) continue;
    if (nm == "forename") fore += (fore.empty() ? "" : " ") + t;
    if (nm == "surname") sur += (sur.empty() ? "" : " ") + t;
  }
  if (fore.empty() && sur.empty()) return xml::text(pn);
  return trim(fore + " " + sur);
}

void gather(xmlNode* scope, Context& ctx) {
  for (xmlNode* p : xml::descendants(scope, "person")) {
    std::string id = xml::attr(p, "id");
    if (id.empty() || ctx.persons.count(id)) continue;
    Person person;
    person.name = person_name(p, "");
    for (xmlNode* a : xml::children(p, "affiliation"))
      person.affiliations.push_back({xml::attr(a, "ref"), xml::attr(a, "role"), xml::attr(a, "from"),
                                     xml::attr(a, "to"), xml::text(a)});
    ctx.persons.emplace(id, std::move(person));
  }
  for (xmlNode* o : xml::descendants(scope, "org")) {
    std::string id = xml::attr(o, "id");
    if (id.empty() || ctx.orgs.count(id)) continue;
    Org org;
    org.role = xml::attr(o, "role");
    for (xmlNode* n : xml::children(o, "orgName"))
      org.names.push_back({xml::text(n), xml::attr(n, "lang"), xml::attr(n, "from"), xml::attr(n, "to"),
                           xml::attr(n, "full")});
    ctx.orgs.emplace(id, std::move(org));
  }
  for (xmlNode* c : xml::descendants(scope, "category")) {
    std::string id = xml::attr(c, "id");
    if (id.empty() || ctx.categories.count(id)) continue;
    std::string term;
    for (xmlNode* cd : xml::children(c, "catDesc")) {
      std::string lang = xml::attr(cd, "lang");
      xmlNode* t = xml::child(cd, "term");
      std::string v = t ? xml::text(t) : xml::text(cd);
      if (term.empty() || lang == "en") term = v;
    }
    if (!term.empty()) ctx.categories.emplace(id, term);
  }
}

// The English (else first) of the elements' texts with a given type ("" = any type).
struct Titles {
  std::string main, sub;
  std::map<std::string, std::string> others;  // "title@sl" -> text
};

Titles titles_of(const xmlNode* title_stmt, const std::string& doc_lang) {
  Titles t;
  std::map<std::string, std::vector<std::string>> main_by_lang, sub_by_lang;
  for (xmlNode* n : xml::children(title_stmt, "title")) {
    std::string type = xml::attr(n, "type"), text = xml::text(n);
    if (text.empty()) continue;
    std::string lang = xml::attr(n, "lang");
    if (type.empty() || type == "main")
      main_by_lang[lang].push_back(text);
    else if (type == "sub")
      sub_by_lang[lang].push_back(text);
  }
  auto pick = [&](const std::map<std::string, std::vector<std::string>>& by, const char* key,
                  std::string& out) {
    if (by.empty()) return;
    std::string chosen = by.count("en") ? "en" : by.count(doc_lang) ? doc_lang : by.begin()->first;
    for (const auto& [lang, texts] : by) {
      std::string joined;
      for (const auto& x : texts) joined += (joined.empty() ? "" : " — ") + x;
      if (lang == chosen)
        out = joined;
      else
        t.others[std::string(key) + "@" + (lang.empty() ? "und" : lang)] = joined;
    }
  };
  pick(main_by_lang, "title", t.main);
  pick(sub_by_lang, "subtitle", t.sub);
  return t;
}

std::string org_name(const Context& ctx, const std::string& ref, const std::string& date) {
  const Org* org = ctx.org(strip_hash(ref));
  if (!org) return strip_hash(ref);
  const OrgName* best = nullptr;
  int best_score = -1;
  for (const auto& n : org->names) {
    int score = (n.lang == "en"   ? 4
                 : n.lang.empty() ? 2
                                  : 0) +
                (n.full == "init" ? 0 : 8) + (date.empty() || covers(n.from, n.to, date) ? 16 : 0);
    if (score > best_score) {
      best = &n;
      best_score = score;
    }
  }
  return best ? best->name : strip_hash(ref);
}

bool is_party(const Context& ctx, const Affiliation& a) {
  const Org* org = ctx.org(strip_hash(a.ref));
  std::string role = org ? org->role : "";
  return role == "politicalParty" || role == "parliamentaryGroup" || a.ref.find("party") != std::string::npos;
}

Speaker resolve_speaker(const Context& ctx, const std::string& id, const std::string& date) {
  Speaker s;
  const Person* p = ctx.person(id);
  if (!p) {
    const std::string* c = ctx.category(id);
    s.name = c ? *c : id;
    return s;
  }
  s.name = p->name.empty() ? id : p->name;
  const Affiliation* chosen = nullptr;
  for (const auto& a : p->affiliations) {
    if (!date.empty() && !covers(a.from, a.to, date)) continue;
    if (date.empty() && !a.to.empty()) continue;  // undated session: current affiliations only
    if (!chosen || (is_party(ctx, a) && !is_party(ctx, *chosen))) chosen = &a;
  }
  if (chosen) s.affiliation = chosen->text.empty() ? org_name(ctx, chosen->ref, date) : chosen->text;
  return s;
}

// ---- the corpus root of a session file, for its speaker list ----

struct RootInfo {
  std::string stamp;
  std::shared_ptr<const Context> ctx;
  std::set<std::string> included;  // file names the root xi:includes
};

std::mutex cache_mutex;
std::map<std::string, RootInfo> root_cache;                                         // root path ->
std::map<std::string, std::pair<std::string, std::vector<std::string>>> dir_cache;  // dir -> (stamp, roots)

std::string stamp_of(const Poco::File& f) {
  return std::to_string(f.isFile() ? f.getSize() : 0) + ":" +
         std::to_string(f.getLastModified().epochMicroseconds());
}

RootInfo load_root(const std::string& root_path, const ConvertLimits& limits) {
  std::string stamp = stamp_of(Poco::File(root_path));
  {
    std::lock_guard<std::mutex> lock(cache_mutex);
    if (auto it = root_cache.find(root_path); it != root_cache.end() && it->second.stamp == stamp)
      return it->second;
  }
  RootInfo info;
  info.stamp = stamp;
  auto ctx = std::make_shared<Context>();
  std::string bytes = read_file(root_path, limits.max_file_bytes);
  ConvertInput in{root_path, bytes, "", limits};
  auto doc = xml::parse(in);
  xmlNode* root = xmlDocGetRootElement(doc.get());
  for (xmlNode* inc : xml::descendants(root, "include"))
    info.included.insert(Poco::Path(xml::attr(inc, "href")).getFileName());
  xmlNode* header = xml::child(root, "teiHeader");
  xml::IncludeOptions lenient;
  lenient.lenient = true;
  xml::expand_includes(doc.get(), header, root_path, in, lenient);  // listPerson files, when present
  gather(header, *ctx);
  ctx->corpus_title = titles_of(xml::child(xml::child(header, "fileDesc"), "titleStmt"), "").main;
  ctx->corpus_lang = canonical_lang(xml::attr(root, "lang"));
  info.ctx = std::move(ctx);
  std::lock_guard<std::mutex> lock(cache_mutex);
  if (root_cache.size() > 64) root_cache.clear();
  root_cache[root_path] = info;
  return info;
}

// The <teiCorpus> files of a folder (listing cached until the folder changes): only their first
// 8 KiB are read to tell them from session files.
std::vector<std::string> roots_in(const Poco::Path& dir) {
  std::string key = dir.toString();
  std::string stamp = stamp_of(Poco::File(dir));
  {
    std::lock_guard<std::mutex> lock(cache_mutex);
    if (auto it = dir_cache.find(key); it != dir_cache.end() && it->second.first == stamp)
      return it->second.second;
  }
  std::vector<std::string> roots;
  for (Poco::DirectoryIterator it(dir), end; it != end; ++it) {
    if (!it->isFile() || !it.name().ends_with(".xml")) continue;
    std::ifstream f(it->path(), std::ios::binary);
    std::string head(8192, '\0');
    f.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(f.gcount()));
    if (head.find("<teiCorpus") != std::string::npos) roots.push_back(it->path());
  }
  std::sort(roots.begin(), roots.end());
  std::lock_guard<std::mutex> lock(cache_mutex);
  if (dir_cache.size() > 256) dir_cache.clear();
  dir_cache[key] = {stamp, roots};
  return roots;
}

// The corpus root that xi:includes this session, in the session's folder or its parent.
std::shared_ptr<const Context> root_context_for(const std::string& path, const ConvertLimits& limits) {
  Poco::Path self = Poco::Path(path).absolute();
  std::string name = self.getFileName();
  Poco::Path dir = self.parent();
  for (int up = 0; up < 2; ++up) {
    try {
      for (const auto& root : roots_in(dir)) {
        if (Poco::Path(root).getFileName() == name || Poco::File(root).getSize() > limits.max_file_bytes)
          continue;
        try {
          RootInfo info = load_root(root, limits);
          if (info.included.count(name)) return info.ctx;
        } catch (const Error&) {
          continue;  // a broken root does not stop its sessions from converting
        }
      }
    } catch (const Poco::Exception&) {
    }
    if (dir.depth() == 0) break;
    dir = dir.parent();
  }
  return nullptr;
}

// ---- one session ----

class SessionBuilder {
 public:
  SessionBuilder(const Context& ctx, const std::string& date, const std::string& doc_lang, Document& doc)
      : ctx_(ctx), date_(date), lang_(doc_lang), doc_(doc) {}

  void walk(xmlNode* n) {
    for (xmlNode* c = n->children; c; c = c->next) {
      if (c->type != XML_ELEMENT_NODE) continue;
      auto nm = xml::name(c);
      if (nm == "head") {
        add(xml::text(c), "heading", "", xml::attr(c, "id"), c);
      } else if (nm == "u") {
        utterance(c);
      } else if (nm == "note") {
        if (xml::attr(c, "type") != "speaker") add(xml::text(c), "note", "", xml::attr(c, "id"), c);
      } else if (nm == "p" || nm == "ab") {
        add(clean_text(c), xml::attr(c, "rend") == "heading" ? "heading" : "", "", xml::attr(c, "id"), c);
      } else if (nm == "div" || nm == "front" || nm == "body" || nm == "back" || nm == "sp") {
        walk(c);
      }
      // listEvent, incident, gap, vocal, kinesic, docDate, …: not text of the record
    }
  }

 private:
  void utterance(xmlNode* u) {
    std::vector<std::string> names;
    for (const auto& ref : split_ws(xml::attr(u, "who"))) {
      Speaker s = resolve_speaker(ctx_, strip_hash(ref), date_);
      names.push_back(s.name);
      bool known = std::any_of(doc_.speakers.begin(), doc_.speakers.end(),
                               [&](const Speaker& x) { return x.name == s.name; });
      if (!known) doc_.speakers.push_back(std::move(s));
    }
    std::string speaker;
    for (const auto& n : names) speaker += (speaker.empty() ? "" : " & ") + n;
    std::vector<xmlNode*> segs = xml::children(u, "seg");
    if (segs.empty()) {
      add(clean_text(u), "", speaker, xml::attr(u, "id"), u);
      return;
    }
    for (xmlNode* seg : segs) {
      std::string anchor = xml::attr(seg, "id");
      add(clean_text(seg), "", speaker, anchor.empty() ? xml::attr(u, "id") : anchor, seg);
    }
  }

  void add(std::string text, const char* kind, const std::string& speaker, const std::string& anchor,
           xmlNode* at) {
    if (text.empty()) return;
    Paragraph p;
    p.text = std::move(text);
    p.kind = kind;
    p.speaker = speaker;
    p.anchor = anchor;
    std::string own = lang_of(at);
    if (!own.empty() && own != lang_) p.lang = own;
    doc_.paragraphs.push_back(std::move(p));
  }

  // The nearest xml:lang up the tree, up to the <TEI>.
  static std::string lang_of(const xmlNode* n) {
    for (; n && n->type == XML_ELEMENT_NODE; n = n->parent) {
      std::string l = xml::attr(n, "lang");
      if (!l.empty()) return canonical_lang(l);
      if (xml::name(n) == "TEI") break;
    }
    return {};
  }

  const Context& ctx_;
  std::string date_, lang_;
  Document& doc_;
};

std::string session_date(xmlNode* header) {
  auto when = [](xmlNode* d) {
    std::string w = xml::attr(d, "when");
    return w.size() >= 4 ? w.substr(0, std::min<std::size_t>(w.size(), 10)) : std::string();
  };
  xmlNode* profile = xml::child(header, "profileDesc");
  for (xmlNode* setting : xml::descendants(xml::child(profile, "settingDesc"), "setting"))
    for (xmlNode* d : xml::children(setting, "date"))
      if (auto w = when(d); !w.empty()) return w;
  xmlNode* source = xml::child(xml::child(header, "fileDesc"), "sourceDesc");
  for (xmlNode* d : xml::descendants(source, "date"))
    if (auto w = when(d); !w.empty()) return w;
  return {};
}

// Agenda items of the header (abstract/list[@type=agenda]/item: title + ptr targets) inserted as
// headings before the first paragraph they point to.
void insert_agenda(xmlNode* header, Document& doc) {
  xmlNode* profile = xml::child(header, "profileDesc");
  for (xmlNode* list : xml::descendants(xml::child(profile, "abstract"), "list")) {
    if (xml::attr(list, "type") != "agenda") continue;
    for (xmlNode* item : xml::children(list, "item")) {
      std::string title = xml::text(xml::child(item, "title"));
      xmlNode* ptr = xml::child(item, "ptr");
      if (title.empty() || !ptr) continue;
      std::string target = strip_hash(xml::attr(ptr, "target"));
      auto at = std::find_if(doc.paragraphs.begin(), doc.paragraphs.end(),
                             [&](const Paragraph& p) { return !target.empty() && p.anchor == target; });
      if (at == doc.paragraphs.end()) continue;
      Paragraph h;
      h.text = title;
      h.kind = "heading";
      h.anchor = xml::attr(item, "id");
      doc.paragraphs.insert(at, std::move(h));
    }
  }
}

Document convert_tei(xmlNode* tei, const Context* outer, const std::string& enc,
                     const std::string& inherited_lang) {
  Document doc;
  xmlNode* header = xml::child(tei, "teiHeader");
  Context ctx;
  gather(header, ctx);
  ctx.inherit(outer);
  doc.id = xml::attr(tei, "id");
  std::string lang = xml::attr(tei, "lang");
  doc.lang = canonical_lang(lang.empty() ? inherited_lang : lang);
  doc.type = "transcript";
  doc.date = session_date(header);
  xmlNode* file_desc = xml::child(header, "fileDesc");
  Titles t = titles_of(xml::child(file_desc, "titleStmt"), doc.lang);
  doc.title = t.main;
  doc.session = t.sub;
  for (const auto& [k, v] : t.others) doc.extra[k] = v;
  doc.event = ctx.corpus_title;
  xmlNode* profile = xml::child(header, "profileDesc");
  std::set<std::string> seen;
  auto topic = [&](const std::string& s) {
    if (!s.empty() && seen.insert(s).second) doc.topics.push_back(s);
  };
  for (xmlNode* tc : xml::children(profile, "textClass")) {
    for (xmlNode* cat : xml::descendants(tc, "catRef"))
      for (const auto& target : split_ws(xml::attr(cat, "target"))) {
        const std::string* term = ctx.category(strip_hash(target));
        topic(term ? *term : strip_hash(target));
      }
    for (xmlNode* kw : xml::descendants(tc, "keywords"))
      for (xmlNode* term : xml::children(kw, "term")) topic(xml::text(term));
  }
  for (xmlNode* idno : xml::descendants(xml::child(file_desc, "sourceDesc"), "idno"))
    if (auto v = xml::text(idno); v.rfind("http", 0) == 0) {
      doc.extra["url"] = v;
      break;
    }
  SessionBuilder builder(ctx, doc.date, doc.lang, doc);
  if (xmlNode* text = xml::child(tei, "text")) builder.walk(text);
  insert_agenda(header, doc);
  doc.source.encoding = enc;
  return doc;
}

class TeiConverter final : public Converter {
 public:
  std::string_view name() const override { return "tei"; }
  std::string_view description() const override {
    return "TEI / Parla-CLARIN / ParlaMint proceedings: one document per session, utterances with "
           "speakers resolved through listPerson; safe xi:include";
  }
  std::vector<std::string_view> extensions() const override { return {"xml", "tei"}; }
  int sniff(std::string_view, std::string_view head) const override {
    bool tei_ns = head.find("http://www.tei-c.org/ns/1.0") != std::string_view::npos;
    if (head.find("<teiCorpus") != std::string_view::npos) return 95;
    if (head.find("<TEI") != std::string_view::npos) return tei_ns ? 95 : 80;
    return 0;
  }

  std::vector<Document> convert(const ConvertInput& in) const override {
    std::string enc;
    auto parsed = xml::parse(in, &enc);
    xmlNode* root = xmlDocGetRootElement(parsed.get());
    if (!xml::is(root, "TEI") && !xml::is(root, "teiCorpus"))
      throw ConvertError(in.path, "malformed",
                         "not TEI: the root element is <" + std::string(xml::name(root)) + ">");
    xml::expand_includes(parsed.get(), root, in.path, in);

    std::vector<Document> out;
    if (xml::is(root, "TEI")) {
      std::shared_ptr<const Context> outer;
      // A session names its speakers by id; their names live in the corpus root when the session
      // file does not carry its own list.
      if (xml::descendants(xml::child(root, "teiHeader"), "person").empty())
        outer = root_context_for(in.path, in.limits);
      out.push_back(convert_tei(root, outer.get(), enc, outer ? outer->corpus_lang : ""));
    } else {
      corpus(root, nullptr, in, enc, out, 0);
    }
    std::size_t n = 0;
    for (auto& d : out) {
      ++n;
      if (d.id.empty())
        d.id = "tei-" + slugify(Poco::Path(in.path).getBaseName(), 48) +
               (out.size() > 1 ? "-" + std::to_string(n) : "");
    }
    if (out.empty()) throw ConvertError(in.path, "no_text", "the TEI corpus contains no <TEI> session");
    return out;
  }

 private:
  static void corpus(xmlNode* corpus_node, const Context* outer, const ConvertInput& in,
                     const std::string& enc, std::vector<Document>& out, int depth) {
    if (depth > 8) throw ConvertError(in.path, "too_deep", "teiCorpus elements nested more than 8 deep");
    Context ctx;
    xmlNode* header = xml::child(corpus_node, "teiHeader");
    gather(header, ctx);
    ctx.corpus_title = titles_of(xml::child(xml::child(header, "fileDesc"), "titleStmt"), "").main;
    ctx.corpus_lang = canonical_lang(xml::attr(corpus_node, "lang"));
    ctx.inherit(outer);
    for (xmlNode* c : xml::children(corpus_node)) {
      if (xml::is(c, "TEI"))
        out.push_back(convert_tei(c, &ctx, enc, ctx.corpus_lang));
      else if (xml::is(c, "teiCorpus"))
        corpus(c, &ctx, in, enc, out, depth + 1);
    }
  }
};

}  // namespace

std::unique_ptr<Converter> make_tei_converter() {
  return std::make_unique<TeiConverter>();
}

}  // namespace tongwen
