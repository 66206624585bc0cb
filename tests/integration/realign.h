// The realignment experiment shared by the alignment quality tests: the TED and WMT pairs of
// ../shared/corpus-real, the documents built from their segments (anchored, or joined into
// paragraphs with random cuts and drops), link F1 scoring against the segment ids, and the report
// of the worst links. See test_alignment_quality.cpp for the protocol.
#pragma once

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include <boost/test/unit_test.hpp>

#include "fixtures.h"
#include "tongwen/align.h"
#include "tongwen/converter.h"
#include "tongwen/text.h"

namespace tongwen::test::realign {

struct Pair {
  std::string name;
  std::vector<std::pair<std::string, std::string>> zh, en;  // (seg id, text) in document order
};

inline std::string node_text(xmlNode* n) {
  xmlChar* c = xmlNodeGetContent(n);
  std::string s = c ? reinterpret_cast<const char*>(c) : "";
  xmlFree(c);
  return s;
}

inline std::string attr(xmlNode* n, const char* name) {
  xmlChar* c = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  std::string s = c ? reinterpret_cast<const char*>(c) : "";
  xmlFree(c);
  return s;
}

inline std::vector<xmlNode*> elements(xmlNode* parent, const char* name) {
  std::vector<xmlNode*> out;
  for (xmlNode* c = parent ? parent->children : nullptr; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, reinterpret_cast<const xmlChar*>(name)) == 0)
      out.push_back(c);
  return out;
}

inline void collect_segs(xmlNode* n, std::vector<std::pair<std::string, std::string>>& out) {
  for (xmlNode* c = n->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (xmlStrcmp(c->name, reinterpret_cast<const xmlChar*>("seg")) == 0)
      out.emplace_back(attr(c, "id"), node_text(c));
    else
      collect_segs(c, out);
  }
}

inline std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// TED through the real converter (one document per talk and language, paragraphs = segments).
inline std::vector<Pair> ted_pairs() {
  std::string dir = test::corpus_real() + "/iwslt-ted-zh-en/";
  const std::vector<std::pair<std::string, std::string>> files = {
      {"iwslt15/IWSLT15.TED.dev2010.zh-en.zh.xml", "iwslt15/IWSLT15.TED.dev2010.zh-en.en.xml"},
      {"iwslt15/IWSLT15.TED.tst2010.zh-en.zh.xml", "iwslt15/IWSLT15.TED.tst2010.zh-en.en.xml"},
      {"iwslt15/IWSLT15.TED.tst2011.zh-en.zh.xml", "iwslt15/IWSLT15.TED.tst2011.zh-en.en.xml"},
      {"iwslt15/IWSLT15.TED.tst2012.zh-en.zh.xml", "iwslt15/IWSLT15.TED.tst2012.zh-en.en.xml"},
      {"iwslt17/IWSLT17.TED.tst2016.zh-en.zh.xml", "iwslt17/IWSLT17.TED.tst2016.en-zh.en.xml"},
  };
  std::vector<Pair> out;
  for (const auto& [zh_file, en_file] : files) {
    auto zh = convert_file(dir + zh_file, ConvertOptions{}).documents;
    auto en = convert_file(dir + en_file, ConvertOptions{}).documents;
    std::map<std::string, const Document*> en_by_group;
    for (const auto& d : en) en_by_group[d.translation_group] = &d;
    for (const auto& z : zh) {
      auto it = en_by_group.find(z.translation_group);
      BOOST_REQUIRE_MESSAGE(it != en_by_group.end(), "no English version of " << z.id);
      Pair p;
      p.name = z.translation_group;
      for (const auto& para : z.paragraphs) p.zh.emplace_back(para.anchor, para.text);
      for (const auto& para : it->second->paragraphs) p.en.emplace_back(para.anchor, para.text);
      out.push_back(std::move(p));
    }
  }
  return out;
}

// WMT22 zh-en: source vs reference A, read with libxml2 (segment ids align within a document).
inline std::vector<Pair> wmt_pairs() {
  std::string path = test::corpus_real() + "/wmt22-generaltest-zh-en/wmttest2022.zh-en.xml";
  xmlDoc* doc = xmlReadFile(path.c_str(), nullptr, XML_PARSE_NONET);
  BOOST_REQUIRE_MESSAGE(doc, "cannot parse " << path);
  std::vector<Pair> out;
  for (xmlNode* coll : elements(xmlDocGetRootElement(doc), "collection")) {
    for (xmlNode* d : elements(coll, "doc")) {
      auto src = elements(d, "src");
      xmlNode* ref = nullptr;
      for (xmlNode* r : elements(d, "ref"))
        if (attr(r, "translator") == "A") ref = r;
      if (src.empty() || !ref) continue;
      Pair p;
      p.name = attr(d, "id");
      collect_segs(src[0], p.zh);
      collect_segs(ref, p.en);
      out.push_back(std::move(p));
    }
  }
  xmlFreeDoc(doc);
  return out;
}

// A document made of segments, with each segment's span: paragraph and code point range.
struct Built {
  Document doc;
  std::map<int, std::vector<std::tuple<std::uint32_t, std::uint32_t, std::string>>>
      spans;  // paragraph -> spans
};

inline Built anchored(const std::string& id, const std::string& lang,
                      const std::vector<std::pair<std::string, std::string>>& segs) {
  Built b;
  b.doc.id = id;
  b.doc.lang = lang;
  for (const auto& [sid, text] : segs) {
    std::string t = trim(text);
    if (t.empty()) continue;
    int p = static_cast<int>(b.doc.paragraphs.size());
    b.doc.paragraphs.push_back(Paragraph{t, "", "", "segment", sid});
    b.spans[p].emplace_back(0, static_cast<std::uint32_t>(text::code_point_count(t)), sid);
  }
  return b;
}

inline Built joined(const std::string& id, const std::string& lang,
                    const std::vector<std::pair<std::string, std::string>>& segs, std::mt19937& rng,
                    double drop) {
  Built b;
  b.doc.id = id;
  b.doc.lang = lang;
  std::uniform_int_distribution<int> size(3, 8);
  std::bernoulli_distribution dropped(drop);
  int left = 0;
  std::string text;
  auto flush = [&] {
    if (!text.empty()) b.doc.paragraphs.push_back(Paragraph{text, "", "", "", ""});
    text.clear();
  };
  for (const auto& [sid, raw] : segs) {
    if (left == 0) {
      flush();
      left = size(rng);
    }
    --left;
    if (drop > 0 && dropped(rng)) continue;
    std::string t = trim(raw);
    if (t.empty()) continue;
    if (!text.empty()) text += ' ';
    auto begin = static_cast<std::uint32_t>(text::code_point_count(text));
    text += t;
    b.spans[static_cast<int>(b.doc.paragraphs.size())].emplace_back(
        begin, static_cast<std::uint32_t>(text::code_point_count(text)), sid);
  }
  flush();
  return b;
}

inline std::set<std::string> segments_of(const Built& b, const SentenceRef& s) {
  std::set<std::string> out;
  auto it = b.spans.find(s.paragraph);
  if (it == b.spans.end()) return out;
  for (const auto& [begin, end, sid] : it->second)
    if (begin < s.end && s.begin < end) out.insert(sid);
  return out;
}

struct Score {
  std::size_t predicted = 0, gold = 0, correct = 0;
  double precision() const { return predicted ? double(correct) / double(predicted) : 0; }
  double recall() const { return gold ? double(correct) / double(gold) : 0; }
  double f1() const {
    double p = precision(), r = recall();
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
  }
};

struct BadLink {
  std::size_t wrong = 0, pairs = 0;
  double confidence = 0;
  std::string where, type, src, tgt, src_segs, tgt_segs;
};

inline std::string join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += (out.empty() ? "" : ",") + x;
  return out;
}

inline void score(const std::string& name, const Built& zh, const Built& en, const Alignment& a, Score& total,
                  std::vector<BadLink>& bad, std::set<std::string>* found = nullptr) {
  std::set<std::string> zh_ids, en_ids;
  for (const auto& [p, v] : zh.spans)
    for (const auto& t : v) zh_ids.insert(std::get<2>(t));
  for (const auto& [p, v] : en.spans)
    for (const auto& t : v) en_ids.insert(std::get<2>(t));
  std::set<std::pair<std::string, std::string>> predicted;
  for (const auto& l : a.sentence_links) {
    std::set<std::string> s, t;
    std::string stext, ttext;
    for (int k : l.src) {
      const auto& ref = a.source_sentences[static_cast<std::size_t>(k)];
      for (const auto& id : segments_of(zh, ref)) s.insert(id);
      stext += (stext.empty() ? "" : " | ") + sentence_text(zh.doc, ref);
    }
    for (int k : l.tgt) {
      const auto& ref = a.target_sentences[static_cast<std::size_t>(k)];
      for (const auto& id : segments_of(en, ref)) t.insert(id);
      ttext += (ttext.empty() ? "" : " | ") + sentence_text(en.doc, ref);
    }
    BadLink b;
    for (const auto& x : s)
      for (const auto& y : t) {
        predicted.insert({x, y});
        ++b.pairs;
        if (x != y) ++b.wrong;
      }
    b.confidence = l.confidence;
    b.where = name;
    b.type = l.type();
    b.src = stext;
    b.tgt = ttext;
    b.src_segs = join(s);
    b.tgt_segs = join(t);
    // Links that lose recall count too: a 1-0 link whose segment has a counterpart.
    if (t.empty())
      for (const auto& x : s) b.wrong += en_ids.count(x);
    if (s.empty())
      for (const auto& y : t) b.wrong += zh_ids.count(y);
    if (b.wrong) bad.push_back(std::move(b));
  }
  std::size_t gold = 0, correct = 0;
  for (const auto& id : zh_ids)
    if (en_ids.count(id)) {
      ++gold;
      correct += predicted.count({id, id});
      if (found && predicted.count({id, id})) found->insert(id);
    }
  total.predicted += predicted.size();
  total.gold += gold;
  total.correct += correct;
}

inline void report(const std::string& source, const Score& s, std::vector<BadLink>& bad, double seconds) {
  BOOST_TEST_MESSAGE(source << ": precision " << s.precision() << ", recall " << s.recall() << ", F1 "
                            << s.f1() << " (" << s.correct << " of " << s.predicted
                            << " predicted pairs correct, " << s.gold << " gold pairs; " << seconds << " s)");
  std::stable_sort(bad.begin(), bad.end(), [](const BadLink& x, const BadLink& y) {
    return x.wrong != y.wrong ? x.wrong > y.wrong : x.confidence < y.confidence;
  });
  // Where the errors are, by the shape of the link that makes them: wrong predicted pairs (a link
  // joining units that are not translations, mostly merges) and gold pairs a 1-0 or 0-1 link loses.
  std::map<std::string, std::pair<std::size_t, std::size_t>> by_type;  // type -> (links, wrong pairs)
  for (const auto& b : bad) {
    ++by_type[b.type].first;
    by_type[b.type].second += b.wrong;
  }
  std::string tally;
  for (const auto& [type, n] : by_type)
    tally += " " + type + ": " + std::to_string(n.first) + " links, " + std::to_string(n.second) + " wrong;";
  BOOST_TEST_MESSAGE("  errors by link type:" << tally);
  for (std::size_t k = 0; k < std::min<std::size_t>(10, bad.size()); ++k) {
    const auto& b = bad[k];
    BOOST_TEST_MESSAGE("  worst " << k + 1 << ": " << b.where << " " << b.type << " conf " << b.confidence
                                  << ", wrong pairs " << b.wrong << "/" << b.pairs << "\n    zh ["
                                  << b.src_segs << "] " << b.src << "\n    en [" << b.tgt_segs << "] "
                                  << b.tgt);
  }
}

// Folds of the cross-validation that keeps each document out of the lexicon it is aligned with.
constexpr std::size_t kFolds = 4;

// Aligned segment pairs of every document not in `fold` (-1: all documents).
inline std::vector<std::pair<std::string, std::string>> training(const std::vector<Pair>& pairs, int fold) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    if (fold >= 0 && static_cast<int>(k % kFolds) == fold) continue;
    std::map<std::string, std::string> en(pairs[k].en.begin(), pairs[k].en.end());
    for (const auto& [id, zh] : pairs[k].zh)
      if (auto it = en.find(id); it != en.end()) out.emplace_back(zh, it->second);
  }
  return out;
}

}  // namespace tongwen::test::realign
