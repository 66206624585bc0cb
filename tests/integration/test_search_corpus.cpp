// Index + search over the project's corpus/: every Chinese word or phrase finds exactly the
// documents that contain it (brute force on normalised text), facet counts equal counts from the
// documents' metadata, Traditional and Simplified queries agree.
#include <boost/test/unit_test.hpp>

#include <random>

#include "indexed_corpus.h"
#include "tongwen/schema.h"
#include "tongwen/text.h"

using namespace tongwen;

namespace {

test::IndexedCorpus& corpus() {
  static test::IndexedCorpus c({test::corpus_dir()});
  return c;
}

std::set<std::string> ids_for(const std::string& q) {
  SearchRequest r;
  r.q = q;
  return corpus().all_ids(r);
}

std::string describe(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += x + " ";
  return out;
}

// Chinese substrings of 2-8 characters taken at random (fixed seed) from the corpus text.
std::vector<std::string> sample_chinese(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> out;
  const auto& docs = corpus().truth().documents();
  for (std::size_t tries = 0; out.size() < n && tries < n * 50; ++tries) {
    const Document& d = docs[rng() % docs.size()];
    if (d.paragraphs.empty()) continue;
    const std::string& text = d.paragraphs[rng() % d.paragraphs.size()].text;
    // Code points of the paragraph; pick a run of CJK characters.
    std::vector<std::pair<std::size_t, std::size_t>> cps;
    for (std::size_t i = 0; i < text.size();) {
      std::size_t s = i;
      char32_t c = text::next_code_point(text, i);
      cps.emplace_back(s, text::is_cjk(c) ? i - s : 0);
    }
    if (cps.empty()) continue;
    std::size_t start = rng() % cps.size(), len = 2 + rng() % 7;
    if (start + len > cps.size()) continue;
    bool all_cjk = true;
    for (std::size_t k = start; k < start + len; ++k) all_cjk = all_cjk && cps[k].second > 0;
    if (!all_cjk) continue;
    out.push_back(text.substr(cps[start].first,
                              cps[start + len - 1].first + cps[start + len - 1].second - cps[start].first));
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_whole_corpus_loads) {
  const auto& s = corpus().summary();
  BOOST_TEST(s.failed() == 0u);
  BOOST_TEST(s.documents >= 36u);
  BOOST_TEST(corpus().truth().documents().size() == s.documents);
}

BOOST_AUTO_TEST_CASE(chinese_words_and_phrases_find_exactly_the_documents_containing_them) {
  std::vector<std::string> queries = {"人工智能", "创新", "知识产权", "一带一路",
                                      "开放科学", "治理", "合作",     "数据"};
  for (auto& q : sample_chinese(60, 20231125)) queries.push_back(q);
  std::size_t checked = 0, nonempty = 0;
  for (const auto& q : queries) {
    auto expected = corpus().truth().substring(q);
    auto got = ids_for(q);
    BOOST_TEST_CONTEXT("query " << q) {
      BOOST_TEST(describe(got) == describe(expected));
    }
    ++checked;
    if (!expected.empty()) ++nonempty;
  }
  BOOST_TEST_MESSAGE("checked " << checked << " Chinese queries, " << nonempty << " with hits");
  BOOST_TEST(checked >= 60u);
  BOOST_TEST(nonempty >= 50u);  // sampled from the text: they must find something
}

BOOST_AUTO_TEST_CASE(traditional_and_simplified_forms_find_the_same_documents) {
  std::size_t nonempty = 0;
  for (auto [trad, simp] : std::vector<std::pair<std::string, std::string>>{{"人工智慧", "人工智慧"},
                                                                            {"智慧財產權", "智慧财产权"},
                                                                            {"科技創新", "科技创新"},
                                                                            {"開放科學", "开放科学"},
                                                                            {"國際合作", "国际合作"},
                                                                            {"數據", "数据"},
                                                                            {"網路", "网路"},
                                                                            {"資料", "资料"},
                                                                            {"創新", "创新"},
                                                                            {"發展", "发展"},
                                                                            {"經濟", "经济"},
                                                                            {"與", "与"}}) {
    auto a = ids_for(trad), b = ids_for(simp);
    BOOST_TEST_CONTEXT(trad << " / " << simp) {
      BOOST_TEST(describe(a) == describe(b));
    }
    if (!a.empty()) ++nonempty;
  }
  BOOST_TEST(nonempty >= 8u);
}

BOOST_AUTO_TEST_CASE(the_traditional_document_is_found_by_simplified_queries) {
  const Document* trad = nullptr;
  for (const auto& d : corpus().truth().documents())
    if (d.lang == "zh-Hant") trad = &d;
  BOOST_REQUIRE_MESSAGE(trad, "corpus/ must hold a Traditional Chinese document");
  // Every 4-character run of its first paragraph, converted to Simplified, finds it.
  const auto& a = text::Analyzer::instance();
  std::string simplified = a.normalize(trad->paragraphs.at(0).text);
  std::vector<std::string> cps;
  for (std::size_t i = 0; i < simplified.size();) {
    std::size_t s = i;
    char32_t c = text::next_code_point(simplified, i);
    cps.push_back(text::is_cjk(c) ? simplified.substr(s, i - s) : "");
  }
  std::size_t probes = 0;
  for (std::size_t k = 0; k + 4 <= cps.size() && probes < 10; k += 7) {
    if (cps[k].empty() || cps[k + 1].empty() || cps[k + 2].empty() || cps[k + 3].empty()) continue;
    std::string q = cps[k] + cps[k + 1] + cps[k + 2] + cps[k + 3];
    BOOST_TEST_CONTEXT(q) {
      BOOST_TEST(ids_for(q).count(trad->id) == 1u);
    }
    ++probes;
  }
  BOOST_TEST(probes >= 5u);
}

BOOST_AUTO_TEST_CASE(english_words_are_stemmed_and_phrases_exact) {
  for (const char* w : {"innovation", "governance", "intellectual", "science", "cooperation", "data"}) {
    BOOST_TEST_CONTEXT(w) {
      auto expected = corpus().truth().stemmed_word(w);
      BOOST_TEST(!expected.empty());
      BOOST_TEST(describe(ids_for(w)) == describe(expected));
    }
  }
  for (std::vector<std::string> p : {std::vector<std::string>{"open", "science"},
                                     {"intellectual", "property"},
                                     {"artificial", "intelligence"},
                                     {"belt", "and", "road"}}) {
    std::string q = "\"" + p[0];
    for (std::size_t i = 1; i < p.size(); ++i) q += " " + p[i];
    q += "\"";
    BOOST_TEST_CONTEXT(q) {
      auto expected = corpus().truth().phrase(p);
      BOOST_TEST(!expected.empty());
      BOOST_TEST(describe(ids_for(q)) == describe(expected));
    }
  }
}

BOOST_AUTO_TEST_CASE(facet_counts_equal_counts_from_the_metadata) {
  auto check = [](const SearchRequest& req, const std::set<std::string>& matching) {
    auto r = corpus().search().search(req);
    BOOST_TEST(r.total == matching.size());
    for (const auto& [field, values] : r.facets) {
      if (req.filters.count(field)) continue;  // counted without its own selection: checked below
      auto expected = corpus().truth().facet_counts(field, matching);
      std::map<std::string, std::size_t> got;
      for (const auto& v : values) got[v.key] = v.count;
      BOOST_TEST_CONTEXT("facet " << field << " for q=" << req.q) {
        BOOST_TEST(got.size() == expected.size());
        for (const auto& [k, n] : expected) BOOST_TEST(got[k] == n, k);
      }
    }
  };
  SearchRequest all;
  std::set<std::string> every;
  for (const auto& d : corpus().truth().documents()) every.insert(d.id);
  check(all, every);
  SearchRequest q;
  q.q = "创新";
  check(q, corpus().truth().substring("创新"));
  q.q = "innovation";
  check(q, corpus().truth().stemmed_word("innovation"));
}

BOOST_AUTO_TEST_CASE(multi_select_is_or_within_a_facet_and_and_across_facets) {
  // Two speakers with the most documents, and the most common topic.
  auto all = corpus().search().search(SearchRequest{});
  const std::vector<FacetCount>* speakers = nullptr;
  const std::vector<FacetCount>* topics = nullptr;
  for (const auto& [f, v] : all.facets) {
    if (f == "speaker") speakers = &v;
    if (f == "topic") topics = &v;
  }
  BOOST_REQUIRE(speakers && speakers->size() >= 2);
  BOOST_REQUIRE(topics && !topics->empty());
  std::string s1 = (*speakers)[0].value, s2 = (*speakers)[1].value;

  SearchRequest req;
  req.filters["speaker"] = {s1, s2};
  auto r = corpus().search().search(req);
  std::set<std::string> by_either;
  for (const auto& d : corpus().truth().documents())
    for (const auto& s : d.speakers)
      if (schema::facet_key(s.name) == schema::facet_key(s1) ||
          schema::facet_key(s.name) == schema::facet_key(s2))
        by_either.insert(d.id);
  BOOST_TEST(r.total == by_either.size());
  // The speaker facet is counted without the speaker selection: it still lists other speakers.
  for (const auto& [f, v] : r.facets) {
    if (f != "speaker") continue;
    BOOST_TEST(v.size() == speakers->size());
    for (std::size_t i = 0; i < v.size(); ++i) BOOST_TEST(v[i].count == (*speakers)[i].count);
    std::size_t selected = 0;
    for (const auto& x : v) selected += x.selected ? 1 : 0;
    BOOST_TEST(selected == 2u);
  }
  // Adding a topic filter intersects.
  req.filters["topic"] = {(*topics)[0].value};
  auto both = corpus().search().search(req);
  std::set<std::string> expected;
  for (const auto& d : corpus().truth().documents()) {
    if (!by_either.count(d.id)) continue;
    for (const auto& t : d.topics)
      for (const auto& level : schema::with_ancestors(t))
        if (schema::facet_key(level) == (*topics)[0].key) expected.insert(d.id);
  }
  BOOST_TEST(both.total == expected.size());
}

BOOST_AUTO_TEST_CASE(snippets_mark_the_matched_words) {
  SearchRequest req;
  req.q = "人工智能";
  auto r = corpus().search().search(req);
  BOOST_REQUIRE(!r.hits.empty());
  for (const auto& h : r.hits) {
    BOOST_TEST_CONTEXT(h.id) {
      bool marked = h.snippet.html.find("<mark>人工智能</mark>") != std::string::npos ||
                    h.title_snippet.html.find("<mark>") != std::string::npos ||
                    h.snippet.html.find("<mark>人工智慧</mark>") != std::string::npos;
      BOOST_TEST(marked, h.snippet.html);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_facet_value_written_in_both_scripts_shows_its_simplified_form) {
  // corpus/2022 holds a Traditional document whose event and topics are the Simplified documents'
  // in Traditional script: one value each, displayed in Simplified.
  auto r = corpus().search().search(SearchRequest{});
  bool event_2022 = false;
  for (const auto& [field, values] : r.facets) {
    for (const auto& v : values) {
      BOOST_TEST(v.value.find("國際") == std::string::npos, field << ": " << v.value);
      BOOST_TEST(v.value.find("知識產權") == std::string::npos, field << ": " << v.value);
      if (field == "event" && v.value == "2022国际科技创新论坛") event_2022 = true;
    }
  }
  BOOST_TEST(event_2022);
}

BOOST_AUTO_TEST_CASE(a_plain_search_finds_speakers_by_name_and_affiliation) {
  for (const char* who : {"Wang Jianguo", "王建国", "Sophie Martin"}) {
    SearchRequest byname;
    byname.q = who;
    auto got = corpus().all_ids(byname);
    std::set<std::string> expected;
    for (const auto& d : corpus().truth().documents())
      for (const auto& s : d.speakers)
        if (s.name == who) expected.insert(d.id);
    BOOST_TEST_CONTEXT(who) {
      BOOST_TEST(!expected.empty());
      for (const auto& id : expected) BOOST_TEST(got.count(id) == 1u, id);
    }
  }
}
