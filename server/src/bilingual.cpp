#include "tongwen/bilingual.h"
#include "tongwen/index_reader.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "db_pool.h"
#include "highlight.h"
#include "query_parser.h"
#include "tongwen/alignment.h"
#include "tongwen/errors.h"
#include "tongwen/glossary.h"
#include "tongwen/schema.h"
#include "tongwen/text.h"
#include "tongwen/util.h"

namespace tongwen {

namespace {

std::string primary(const std::string& lang) {
  return lang.substr(0, lang.find('-'));
}

// The version a translator compares a document with: another language, the document's original
// or a translation of it first.
const Document* partner_of(const Document& doc, const std::vector<Document>& group) {
  const Document* best = nullptr;
  int best_rank = 99;
  for (const auto& m : group) {
    if (m.id == doc.id || primary(m.lang) == primary(doc.lang)) continue;
    int rank = (m.id == doc.translation_of || m.translation_of == doc.id) ? 0 : 1;
    if (rank < best_rank) {
      best = &m;
      best_rank = rank;
    }
  }
  return best;
}

std::string join_sentences(const Document& d, const std::vector<SentenceRef>& refs,
                           const std::vector<int>& idx) {
  std::string out;
  for (int i : idx) {
    if (i < 0 || static_cast<std::size_t>(i) >= refs.size()) continue;
    std::string s = sentence_text(d, refs[static_cast<std::size_t>(i)]);
    if (s.empty()) continue;
    if (!out.empty()) {
      // No space between Chinese sentences, a space between Latin ones.
      bool cjk = text::detect_language(s).rfind("zh", 0) == 0;
      if (!cjk) out.push_back(' ');
    }
    out += s;
  }
  return out;
}

// Candidate translation terms in one aligned text: for Chinese, substrings of 2-4 characters of
// its Chinese runs; for other text, words of two letters or more (not function words) and pairs
// of such words.
std::unordered_set<std::string> candidates(const std::string& text, bool chinese) {
  static const std::unordered_set<std::string> stop = {
      "the",  "and",   "for",   "that",   "this",  "with",  "are",   "was",   "were", "from", "have",
      "has",  "not",   "but",   "its",    "our",   "their", "which", "will",  "can",  "all",  "also",
      "more", "into",  "than",  "they",   "been",  "these", "those", "there", "what", "when", "who",
      "how",  "about", "would", "should", "could", "we",    "you",   "of",    "to",   "in",   "is",
      "it",   "on",    "as",    "at",     "by",    "be",    "an",    "or",    "if",   "so",   "no",
      "do",   "up",    "us",    "my",     "me",    "he",    "she",   "his",   "her",  "its",  "one",
      "two",  "new",   "any",   "may",    "must",  "such",  "other"};
  std::unordered_set<std::string> out;
  const auto& an = text::Analyzer::instance();
  std::string norm = an.normalize(text);
  if (chinese) {
    std::vector<std::string> run;
    auto flush = [&] {
      for (std::size_t i = 0; i < run.size(); ++i) {
        std::string s = run[i];
        for (std::size_t len = 2; len <= 4 && i + len <= run.size(); ++len) {
          s += run[i + len - 1];
          out.insert(s);
        }
      }
      run.clear();
    };
    for (std::size_t i = 0; i < norm.size();) {
      std::size_t start = i;
      char32_t c = text::next_code_point(norm, i);
      if (c <= 0x10FFFF && text::is_cjk(c))
        run.push_back(norm.substr(start, i - start));
      else
        flush();
    }
    flush();
  } else {
    std::vector<std::string> words;
    an.segment(norm, [&](const text::Token& t) {
      if (t.kind == text::TokenKind::Word)
        words.emplace_back(t.term);
      else
        words.emplace_back();
    });
    for (std::size_t i = 0; i < words.size(); ++i) {
      const auto& w = words[i];
      bool ok = w.size() >= 2 && !stop.count(w) && !std::isdigit(static_cast<unsigned char>(w[0]));
      if (ok) out.insert(w);
      if (ok && i + 1 < words.size() && words[i + 1].size() >= 2 && !stop.count(words[i + 1]))
        out.insert(w + " " + words[i + 1]);
    }
  }
  return out;
}

void append_xml_escaped(std::string& out, std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') {  // not allowed in XML 1.0
      ++i;
      continue;
    }
    switch (b) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(static_cast<char>(b));
    }
    ++i;
  }
}

std::string tmx_lang(const std::string& lang) {
  return lang.empty() || lang == "und" ? "und" : lang;
}

}  // namespace

struct BilingualService::Impl {
  SearchService& search;
  Settings settings;
  DatabasePool& pool;        // the search service's: one pool per process
  const Glossary* glossary;  // likewise

  Impl(SearchService& s, const Settings& st)
      : search(s), settings(st), pool(s.pool()), glossary(s.glossary()) {}

  // A document, its partner in the given id (or the preferred one) and their alignment.
  struct Pair {
    Document source, target;
    Alignment alignment;
  };
  std::optional<Pair> pair_of(DbHandle& h, const Document& doc, const std::string& with) {
    auto group = stored::group(h.db, doc.translation_group);
    const Document* other = nullptr;
    if (!with.empty()) {
      for (const auto& m : group)
        if (m.id == with) other = &m;
      if (!other) {
        if (!stored::load(h.db, with)) throw UserError("not_found", "no document with id \"" + with + "\"");
        throw UserError("bad_parameter",
                        "\"" + doc.id + "\" and \"" + with + "\" are not versions of one text");
      }
    } else {
      other = partner_of(doc, group);
      if (!other) return std::nullopt;
    }
    auto al = stored::alignment(h.archive, doc.id, other->id);
    if (!al) return std::nullopt;
    return Pair{doc, *other, *al};
  }

  ConcordanceResult full_concordance(const ConcordanceRequest& req);
};

BilingualService::BilingualService(SearchService& search, const Settings& settings)
    : impl_(std::make_unique<Impl>(search, settings)) {}
BilingualService::~BilingualService() = default;

ParallelView parallel_view(const Document& source, const Document& target, const Alignment& a) {
  ParallelView v;
  v.source = source;
  v.target = target;
  v.method = a.method;
  for (const auto& link : a.sentence_links) {
    ParallelRow row;
    for (int i : link.src) {
      if (i < 0 || static_cast<std::size_t>(i) >= a.source_sentences.size()) continue;
      row.source.push_back(sentence_text(v.source, a.source_sentences[static_cast<std::size_t>(i)]));
      row.source_paragraphs.push_back(a.source_sentences[static_cast<std::size_t>(i)].paragraph);
    }
    for (int i : link.tgt) {
      if (i < 0 || static_cast<std::size_t>(i) >= a.target_sentences.size()) continue;
      row.target.push_back(sentence_text(v.target, a.target_sentences[static_cast<std::size_t>(i)]));
      row.target_paragraphs.push_back(a.target_sentences[static_cast<std::size_t>(i)].paragraph);
    }
    row.type = link.type();
    row.confidence = link.confidence;
    v.rows.push_back(std::move(row));
  }
  v.low_confidence = low_confidence_share(a);
  return v;
}

ParallelView BilingualService::parallel(const std::string& id, const std::string& with) {
  return impl_->pool.with([&](DbHandle& h) {
    auto doc = stored::load(h.db, id);
    if (!doc) throw UserError("not_found", "no document with id \"" + id + "\"");
    if (!with.empty() && with == id) throw UserError("bad_parameter", "with= names the document itself");
    auto pair = impl_->pair_of(h, *doc, with);
    if (!pair)
      throw UserError("bad_parameter",
                      with.empty() ? "\"" + id + "\" has no aligned version in another language"
                                   : "no alignment is stored for \"" + id + "\" and \"" + with + "\"");
    return parallel_view(pair->source, pair->target, pair->alignment);
  });
}

namespace {

// The concordance reads at most this many matching documents (the best-ranked); a result built
// from fewer than all of them says so (ConcordanceResult::complete).
constexpr int kConcordanceDocuments = 2000;
// A concordance line shows its sentences whole: no snippet is shortened below this length.
constexpr std::size_t kWholeSentence = 100000;
// The likely translation by co-occurrence: a candidate must be in kMinShare of the lines still
// unexplained and in a tenth of all lines (kMinLinesDivisor), at least 2, and its share there must
// exceed its share among the documents' other target sentences by kMinScore; scores within
// kScoreTie are equal, and the longer term wins. kRounds terms at most are learned this way.
constexpr double kMinShare = 0.3;
constexpr std::size_t kMinLinesDivisor = 10;
constexpr double kMinScore = 0.2;
constexpr double kScoreTie = 0.05;
constexpr std::size_t kRounds = 2;

struct RawLine {
  ConcordanceLine line;
  std::string aligned_text;
};

// The hit sentences of the documents `ids` that have an aligned counterpart, and the target
// sentences aligned with none (the background the co-occurrence scores are measured against).
struct Lines {
  std::vector<RawLine> raw;
  std::vector<std::string> background;
  std::size_t documents = 0;
};

// Every hit sentence of one aligned pair; returns false when the pair has none.
bool collect_pair(const Document& doc, const Document& source, const Document& target, const Alignment& a,
                  const Highlighter& hl, Lines& out) {
  std::vector<int> link_of(a.source_sentences.size(), -1);
  for (std::size_t li = 0; li < a.sentence_links.size(); ++li)
    for (int s : a.sentence_links[li].src)
      if (s >= 0 && static_cast<std::size_t>(s) < link_of.size())
        link_of[static_cast<std::size_t>(s)] = static_cast<int>(li);
  std::vector<bool> target_used(a.target_sentences.size(), false);
  bool any = false;
  for (std::size_t si = 0; si < a.source_sentences.size(); ++si) {
    int li = link_of[si];
    if (li < 0 || a.sentence_links[static_cast<std::size_t>(li)].tgt.empty()) continue;
    std::string sentence = sentence_text(source, a.source_sentences[si]);
    auto spans = hl.find(sentence);
    if (spans.empty()) continue;
    const Link& link = a.sentence_links[static_cast<std::size_t>(li)];
    RawLine r;
    r.line.doc_id = doc.id;
    r.line.title = doc.title;
    r.line.date = doc.date;
    r.line.lang = doc.lang;
    for (const auto& s : doc.speakers) r.line.speakers.push_back(s.name);
    r.line.sentence = make_snippet(sentence, spans, kWholeSentence);
    r.line.aligned_doc_id = target.id;
    r.line.aligned_lang = target.lang;
    r.aligned_text = join_sentences(target, a.target_sentences, link.tgt);
    for (int t : link.tgt)
      if (t >= 0 && static_cast<std::size_t>(t) < target_used.size())
        target_used[static_cast<std::size_t>(t)] = true;
    r.line.link_type = link.type();
    r.line.confidence = link.confidence;
    out.raw.push_back(std::move(r));
    any = true;
  }
  if (!any) return false;
  ++out.documents;
  for (std::size_t t = 0; t < a.target_sentences.size(); ++t)
    if (!target_used[t]) out.background.push_back(sentence_text(target, a.target_sentences[t]));
  return true;
}

// The lines that the terms in `terms` do not mark on the aligned side (all lines for none).
std::vector<const RawLine*> uncovered(const std::vector<RawLine>& raw, const std::vector<std::string>& terms,
                                      terms::QueryTerms& qt) {
  std::vector<HighlightAtom> marks;
  for (const auto& c : terms) marks.push_back({"body", c, true, false});
  Highlighter covered(marks, "body", qt);
  std::vector<const RawLine*> open;
  for (const auto& r : raw)
    if (terms.empty() || covered.find(r.aligned_text).empty()) open.push_back(&r);
  return open;
}

// The best co-occurrence term over the lines `chosen` leaves open, or nullopt.
std::optional<TranslationCandidate> best_cooccurring(
    const Lines& lines, const std::vector<std::string>& chosen,
    std::vector<std::unordered_set<std::string>>& background_terms, bool target_chinese,
    terms::QueryTerms& qt) {
  std::vector<const RawLine*> open = uncovered(lines.raw, chosen, qt);
  if (open.size() < 2) return std::nullopt;
  std::unordered_map<std::string, std::size_t> in_lines;
  for (const auto* r : open)
    for (const auto& c : candidates(r->aligned_text, target_chinese)) ++in_lines[c];
  if (background_terms.empty())
    for (const auto& b : lines.background) background_terms.push_back(candidates(b, target_chinese));
  const double n = static_cast<double>(open.size()),
               nb = std::max<double>(1.0, static_cast<double>(lines.background.size()));
  std::vector<TranslationCandidate> scored;
  const std::size_t min_lines =
      std::max<std::size_t>(2, (lines.raw.size() + kMinLinesDivisor - 1) / kMinLinesDivisor);
  for (const auto& [c, count] : in_lines) {
    if (count < min_lines) continue;
    double share = static_cast<double>(count) / n;
    if (share < kMinShare) continue;
    std::size_t bg = 0;
    for (const auto& t : background_terms) bg += t.count(c);
    double score = share - static_cast<double>(bg) / nb;
    if (score > kMinScore) scored.push_back({c, "cooccurrence", count, score});
  }
  // Best score first; among near-equal scores the longer term (人工智能 over 人工智).
  std::sort(scored.begin(), scored.end(), [](const auto& x, const auto& y) {
    if (std::abs(x.score - y.score) > kScoreTie) return x.score > y.score;
    if (text::code_point_count(x.term) != text::code_point_count(y.term))
      return text::code_point_count(x.term) > text::code_point_count(y.term);
    return x.term < y.term;
  });
  for (const auto& sc : scored) {
    bool overlaps = false;  // part of a term already kept, or containing one
    for (const auto& k : chosen)
      overlaps = overlaps || k.find(sc.term) != std::string::npos || sc.term.find(k) != std::string::npos;
    if (!overlaps) return sc;
  }
  return std::nullopt;
}

}  // namespace

// The whole concordance of a query: every line (not a page), the translations and the facets.
ConcordanceResult BilingualService::Impl::full_concordance(const ConcordanceRequest& req) {
  if (text::Analyzer::instance().normalize(req.q).find_first_not_of(" \t") == std::string::npos)
    throw UserError("bad_parameter", "q is required: the term to look up");
  std::string lang = req.lang;
  if (lang.empty()) lang = primary(text::detect_language(req.q)) == "zh" ? "zh" : "en";
  if (lang != "zh" && lang != "en")
    throw UserError("bad_parameter", "lang must be zh or en, got \"" + lang + "\"");
  const bool target_chinese = lang != "zh";

  // Documents in the query's language that contain the query (facets counted over them).
  SearchRequest sr;
  sr.q = req.q;
  sr.filters = req.filters;
  sr.filters["lang"] = {lang};
  sr.expand = false;
  sr.snippets = false;
  sr.size = 0;
  ConcordanceResult result;
  SearchResult counted = search.search(sr);
  for (auto& [field, values] : counted.facets)
    if (field != "lang") result.facets.emplace_back(field, values);
  result.complete = counted.total <= static_cast<std::size_t>(kConcordanceDocuments);
  std::set<std::string> ids;
  sr.facets = false;
  sr.size = settings.search.max_page_size;
  for (sr.page = 1; static_cast<int>(ids.size()) < kConcordanceDocuments; ++sr.page) {
    auto r = search.search(sr);
    for (const auto& hit : r.hits) ids.insert(hit.id);
    if (r.hits.size() < static_cast<std::size_t>(sr.size)) break;
  }

  Lines lines;
  pool.with([&](DbHandle& h) {
    lines = Lines{};
    result.translations.clear();
    ParsedQuery parsed = parse_query(req.q, h.qt, glossary, false, query_limits(settings));
    Highlighter hl(parsed.atoms, "body", h.qt);
    for (const auto& id : ids) {
      auto doc = stored::load(h.db, id);
      if (!doc) continue;
      if (auto pair = pair_of(h, *doc, ""))
        collect_pair(*doc, pair->source, pair->target, pair->alignment, hl, lines);
    }

    // The likely translation: glossary entries found on the aligned side first, else the terms
    // that the aligned sentences share far more often than the rest of the same documents.
    std::vector<std::string> chosen;
    if (glossary) {
      for (const auto& atom : parsed.atoms) {
        const auto* others = glossary->translations(atom.text);
        if (!others) continue;
        for (const auto& o : *others) {
          std::vector<HighlightAtom> one{{"body", o, true, false}};
          Highlighter th(one, "body", h.qt);
          std::size_t n = 0;
          for (const auto& r : lines.raw) n += th.find(r.aligned_text).empty() ? 0 : 1;
          if (n == 0) continue;
          result.translations.push_back(
              {o, "glossary", n, static_cast<double>(n) / static_cast<double>(lines.raw.size())});
          chosen.push_back(o);
        }
      }
    }
    // Lines the glossary terms do not cover are explained by co-occurrence, one term at a time:
    // the best term over the lines still open, then again over the lines it leaves open.
    std::vector<std::unordered_set<std::string>> background_terms;
    for (std::size_t round = 0; round < kRounds; ++round) {
      auto best = best_cooccurring(lines, chosen, background_terms, target_chinese, h.qt);
      if (!best) break;
      chosen.push_back(best->term);
      result.translations.push_back(*best);
    }
    std::vector<HighlightAtom> marks;
    for (const auto& c : chosen) marks.push_back({"body", c, true, false});
    Highlighter th(marks, "body", h.qt);
    for (auto& r : lines.raw)
      r.line.aligned = make_snippet(r.aligned_text, th.find(r.aligned_text), kWholeSentence);
  });
  result.documents = lines.documents;
  result.total = lines.raw.size();
  for (auto& r : lines.raw) result.lines.push_back(std::move(r.line));
  return result;
}

ConcordanceResult BilingualService::concordance(const ConcordanceRequest& req) {
  if (req.page < 1) throw UserError("bad_parameter", "page must be 1 or more");
  if (req.size < 1 || req.size > impl_->settings.search.max_page_size)
    throw UserError("bad_parameter",
                    "size must be between 1 and " + std::to_string(impl_->settings.search.max_page_size));
  ConcordanceResult result = impl_->full_concordance(req);
  result.page = req.page;
  result.size = req.size;
  std::size_t first = static_cast<std::size_t>(req.page - 1) * static_cast<std::size_t>(req.size);
  std::vector<ConcordanceLine> page;
  for (std::size_t i = first; i < result.lines.size() && i < first + static_cast<std::size_t>(req.size); ++i)
    page.push_back(std::move(result.lines[i]));
  result.lines = std::move(page);
  return result;
}

std::string BilingualService::export_tmx(const TmxRequest& req) {
  struct Unit {
    std::string tuid;
    const Document* src_doc;
    const Document* tgt_doc;
    std::string src, tgt, speaker;
  };
  std::deque<Document> keep;  // owns the documents the units point to (stable addresses)
  std::vector<Unit> units;
  std::string srclang;
  auto add_pair = [&](const Document& s, const Document& t, const Alignment& a,
                      const std::set<int>* only_src) {
    keep.push_back(s);
    const Document* sp = &keep.back();
    keep.push_back(t);
    const Document* tp = &keep.back();
    if (srclang.empty()) srclang = tmx_lang(s.lang);
    int n = 0;
    for (const auto& link : a.sentence_links) {
      ++n;
      if (link.src.empty() || link.tgt.empty()) continue;
      if (only_src) {
        bool hit = false;
        for (int i : link.src) hit = hit || only_src->count(i);
        if (!hit) continue;
      }
      Unit u{s.id + ":" + std::to_string(n),
             sp,
             tp,
             join_sentences(s, a.source_sentences, link.src),
             join_sentences(t, a.target_sentences, link.tgt),
             ""};
      int para = a.source_sentences[static_cast<std::size_t>(link.src.front())].paragraph;
      if (para >= 0 && static_cast<std::size_t>(para) < s.paragraphs.size())
        u.speaker = s.paragraphs[static_cast<std::size_t>(para)].speaker;
      if (u.speaker.empty() && s.speakers.size() == 1) u.speaker = s.speakers[0].name;
      units.push_back(std::move(u));
      if (units.size() >= req.max_units) return;
    }
  };

  if (!req.doc.empty()) {
    impl_->pool.with([&](DbHandle& h) {
      auto doc = stored::load(h.db, req.doc);
      if (!doc) throw UserError("not_found", "no document with id \"" + req.doc + "\"");
      if (!req.with.empty()) {
        auto pair = impl_->pair_of(h, *doc, req.with);
        if (!pair)
          throw UserError("bad_parameter",
                          "no alignment is stored for \"" + req.doc + "\" and \"" + req.with + "\"");
        add_pair(pair->source, pair->target, pair->alignment, nullptr);
        return;
      }
      for (const auto& m : stored::group(h.db, doc->translation_group)) {
        if (m.id == doc->id || primary(m.lang) == primary(doc->lang)) continue;
        auto al = stored::alignment(h.archive, doc->id, m.id);
        if (al) add_pair(*doc, m, *al, nullptr);
      }
      if (units.empty() && keep.empty())
        throw UserError("bad_parameter", "\"" + req.doc + "\" has no aligned version in another language");
    });
  } else {
    if (req.query.q.empty()) throw UserError("bad_parameter", "give doc=ID or q=QUERY");
    // Every line of the concordance, computed once.
    std::vector<ConcordanceLine> lines = impl_->full_concordance(req.query).lines;
    impl_->pool.with([&](DbHandle& h) {
      std::map<std::pair<std::string, std::string>, std::set<std::string>>
          wanted;  // (doc, partner) -> sentences
      for (const auto& l : lines) wanted[{l.doc_id, l.aligned_doc_id}].insert(l.sentence.text);
      for (const auto& [ids, sentences] : wanted) {
        auto s = stored::load(h.db, ids.first);
        auto t = stored::load(h.db, ids.second);
        auto al = stored::alignment(h.archive, ids.first, ids.second);
        if (!s || !t || !al) continue;
        std::set<int> only;
        for (std::size_t i = 0; i < al->source_sentences.size(); ++i)
          if (sentences.count(sentence_text(*s, al->source_sentences[i]))) only.insert(static_cast<int>(i));
        add_pair(*s, *t, *al, &only);
      }
    });
  }

  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n  <header creationtool=\"Tongwen\" "
      "creationtoolversion=\"" +
      std::string(version()) + "\" datatype=\"plaintext\" segtype=\"sentence\" adminlang=\"en\" srclang=\"";
  append_xml_escaped(out, srclang.empty() ? "en" : srclang);
  out += "\" o-tmf=\"tongwen\"/>\n  <body>\n";
  std::set<std::string> described;  // documents whose fields went on their first unit
  auto prop = [&](const char* type, const std::string& value, const char* indent) {
    if (value.empty()) return;
    out += indent;
    out += "<prop type=\"";
    out += type;
    out += "\">";
    append_xml_escaped(out, value);
    out += "</prop>\n";
  };
  for (const auto& u : units) {
    out += "    <tu tuid=\"";
    append_xml_escaped(out, u.tuid);
    out += "\">\n";
    // Imported again, the unit's documents become "tmx-<source id>-<lang>": never the originals.
    prop("x-tongwen-doc", "tmx-" + u.src_doc->id, "      ");
    prop("x-tongwen-anchor", u.tuid, "      ");
    for (const auto* side : {u.src_doc, u.tgt_doc}) {
      out += "      <tuv xml:lang=\"";
      append_xml_escaped(out, tmx_lang(side->lang));
      out += "\">\n";
      prop("x-tongwen-source-doc", side->id, "        ");
      if (side == u.src_doc) prop("x-tongwen-speaker", u.speaker, "        ");
      prop("x-tongwen-date", side->date, "        ");
      if (described.insert(side->id).second) {
        prop("x-tongwen-title", side->title, "        ");
        prop("x-tongwen-type", side->type, "        ");
        prop("x-tongwen-event", side->event, "        ");
      }
      out += "        <seg>";
      append_xml_escaped(out, side == u.src_doc ? u.src : u.tgt);
      out += "</seg>\n      </tuv>\n";
    }
    out += "    </tu>\n";
  }
  out += "  </body>\n</tmx>\n";
  return out;
}

}  // namespace tongwen
