// The aligner on hand-made gold (tests/data/align/gold.tsv): documents of one or two sentences
// per side, lower-case chat without sentence punctuation, bullet lists and UI steps on one line or
// one per line, Chinese that separates sentences with spaces. Each case is aligned with no lexicon,
// with the glossary, and with the glossary plus a translation table learned from the other cases
// (as an archive would teach it); scored as the alignment quality test scores (pairs of gold
// segments that predicted links join).
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "fixtures.h"
#include "tongwen/align.h"
#include "tongwen/glossary.h"
#include "tongwen/text.h"

using namespace tongwen;

namespace {

struct Case {
  std::string name, kind, join;
  std::vector<std::pair<std::string, std::string>> pairs;  // zh, en ("" = no counterpart)
};

std::vector<Case> load_cases() {
  std::ifstream in(test::source_dir() + "/tests/data/align/gold.tsv");
  BOOST_REQUIRE(in);
  std::vector<Case> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# case ", 0) == 0) {
      std::istringstream ss(line.substr(7));
      Case c;
      ss >> c.name >> c.kind >> c.join;
      out.push_back(c);
    } else if (!line.empty() && line[0] != '#') {
      BOOST_REQUIRE(!out.empty());
      auto tab = line.find('\t');
      BOOST_REQUIRE_MESSAGE(tab != std::string::npos, "no tab in: " << line);
      out.back().pairs.emplace_back(line.substr(0, tab), line.substr(tab + 1));
    }
  }
  return out;
}

// One side of a case as a one-paragraph document, with each gold segment's code point span.
struct Side {
  Document doc;
  std::vector<std::tuple<std::uint32_t, std::uint32_t, int>> spans;  // begin, end, gold id
};

Side build(const Case& c, bool zh) {
  Side s;
  s.doc.id = c.name + (zh ? "-zh" : "-en");
  s.doc.lang = zh ? "zh-Hans" : "en";
  std::string text;
  for (std::size_t k = 0; k < c.pairs.size(); ++k) {
    const std::string& seg = zh ? c.pairs[k].first : c.pairs[k].second;
    if (seg.empty()) continue;
    if (!text.empty()) text += c.join == "newline" ? "\n" : " ";
    auto b = static_cast<std::uint32_t>(text::code_point_count(text));
    text += seg;
    s.spans.emplace_back(b, static_cast<std::uint32_t>(text::code_point_count(text)), static_cast<int>(k));
  }
  s.doc.paragraphs.push_back(Paragraph{text, "", "", "", ""});
  return s;
}

std::set<int> ids(const Side& s, const SentenceRef& r) {
  std::set<int> out;
  for (const auto& [b, e, id] : s.spans)
    if (b < r.end && r.begin < e) out.insert(id);
  return out;
}

struct Score {
  std::size_t predicted = 0, gold = 0, correct = 0;
  std::set<std::pair<int, int>> found;
  double f1() const {
    double p = predicted ? double(correct) / double(predicted) : 0,
           r = gold ? double(correct) / double(gold) : 0;
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
  }
};

Score score(const Case& c, const Side& zh, const Side& en, const Alignment& a) {
  Score s;
  std::set<std::pair<int, int>> predicted;
  for (const auto& l : a.sentence_links)
    for (int x : l.src)
      for (int y : l.tgt)
        for (int i : ids(zh, a.source_sentences[static_cast<std::size_t>(x)]))
          for (int j : ids(en, a.target_sentences[static_cast<std::size_t>(y)])) predicted.insert({i, j});
  for (std::size_t k = 0; k < c.pairs.size(); ++k) {
    if (c.pairs[k].first.empty() || c.pairs[k].second.empty()) continue;
    ++s.gold;
    if (predicted.count({static_cast<int>(k), static_cast<int>(k)})) {
      ++s.correct;
      s.found.insert({static_cast<int>(k), static_cast<int>(k)});
    }
  }
  s.predicted = predicted.size();
  return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(hand_made_gold_tiny_chat_and_bullets) {
  auto cases = load_cases();
  BOOST_REQUIRE_GE(cases.size(), 10u);
  auto glossary = alignment_lexicon(
      std::make_shared<const Glossary>(Glossary::load(test::config_dir() + "/glossary.tsv")));
  std::map<std::string, Score> by_kind[3];  // no lexicon, glossary, glossary + learned table
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const Case& c = cases[k];
    // The other cases, repeated so that their pairs clear the table's minimum count, teach the table.
    std::vector<std::pair<std::string, std::string>> train;
    for (int rep = 0; rep < 3; ++rep)
      for (std::size_t j = 0; j < cases.size(); ++j)
        if (j != k)
          for (const auto& p : cases[j].pairs)
            if (!p.first.empty() && !p.second.empty()) train.push_back(p);
    TranslationTable table = TranslationTable::learn(train);
    Side zh = build(c, true), en = build(c, false);
    AlignOptions opts[3];
    opts[1].lexicon = glossary.get();
    opts[2].lexicon = glossary.get();
    opts[2].translations = &table;
    Score got[3];
    for (int o = 0; o < 3; ++o) {
      got[o] = score(c, zh, en, align_documents(zh.doc, en.doc, opts[o]));
      Score& total = by_kind[o][c.kind];
      total.predicted += got[o].predicted;
      total.gold += got[o].gold;
      total.correct += got[o].correct;
      BOOST_TEST_MESSAGE(c.name << " option " << o << ": " << got[o].correct << " of " << got[o].gold
                                << " gold pairs, " << got[o].predicted << " predicted");
    }
    // No pair that the aligner without a lexicon finds is lost with one.
    for (const auto& pair : got[0].found) {
      BOOST_TEST(got[1].found.count(pair) == 1u, c.name << ": glossary loses pair " << pair.first);
      BOOST_TEST(got[2].found.count(pair) == 1u, c.name << ": learned table loses pair " << pair.first);
    }
    if (c.kind == "tiny") BOOST_TEST(got[2].f1() == 1.0, c.name);
  }
  for (int o = 0; o < 3; ++o)
    for (const auto& [kind, s] : by_kind[o]) BOOST_TEST_MESSAGE(kind << " option " << o << ": F1 " << s.f1());
  BOOST_TEST(by_kind[2]["tiny"].f1() == 1.0);
  BOOST_TEST(by_kind[2]["chat"].f1() >= 0.9);
  BOOST_TEST(by_kind[2]["bullets"].f1() >= 0.9);
}

// The dictionary's form of CC-CEDICT: words of one or two characters (the aligner's Chinese tokens,
// Traditional folded to Simplified) with the content stems of their first senses; notes in
// brackets, words that only carry the definition's form (to, sb, sth) and entries that only point
// elsewhere give nothing.
BOOST_AUTO_TEST_CASE(dictionary_keeps_short_words_and_their_content_stems) {
  std::string tsv =
      "# comment\n"
      "吃\tto eat; to consume/to eat at (a cafeteria etc)\n"
      "喫\tvariant of 吃[chi1]\n"
      "經濟\teconomy/economic\n"
      "的\t(bound form) bull's-eye; target\n"
      "一带一路\tBelt and Road Initiative\n"
      "给\tto give sb sth\n"
      "李\tsurname Li\n"
      "bad line without a tab\n";
  TranslationTable t = TranslationTable::from_dictionary(tsv, 0.3, 0.002);
  auto stems = [&](const std::string& zh) {
    std::set<std::string> out;
    if (const auto* list = t.translations(zh))
      for (const auto& [id, w] : *list) {
        BOOST_TEST(w == 0.3f);
        for (const char* s :
             {"eat", "consum", "economi", "econom", "bull", "eye", "target", "give", "cafeteria"})
          if (t.english_id(s) == id) out.insert(s);
      }
    return out;
  };
  BOOST_TEST((stems("吃") == std::set<std::string>{"eat", "consum"}));
  BOOST_TEST((stems("经济") == std::set<std::string>{"economi", "econom"}));
  BOOST_TEST((stems("的") == std::set<std::string>{"bull", "eye", "target"}));
  BOOST_TEST((stems("给") == std::set<std::string>{"give"}));
  BOOST_TEST(t.translations("喫") == nullptr);
  BOOST_TEST(t.translations("李") == nullptr);
  BOOST_TEST(t.translations("一带一路") == nullptr);
  BOOST_TEST(t.size() == 8u);
  BOOST_TEST(t.chance_prior() == 0.002);
  BOOST_TEST(t.english_id("sb") == -1);
  BOOST_TEST(t.english_id("cafeteria") == -1);
  BOOST_TEST(TranslationTable::from_dictionary("", 0.3, 0.002).empty());
}
