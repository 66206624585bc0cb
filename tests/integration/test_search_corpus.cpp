// Index + search over the project's corpus/: every Chinese word or phrase finds exactly the
// documents that contain it (brute force on normalised text), facet counts equal counts from the
// documents' metadata, Traditional and Simplified queries agree.
#include <boost/test/unit_test.hpp>

#include <random>

#include "indexed_corpus.h"
#include "tongwen/authorities.h"
#include "tongwen/errors.h"
#include "tongwen/index_writer.h"
#include "tongwen/schema.h"
#include "tongwen/terms.h"
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

// The authority tables of the corpus' index, read independently of the search service.
const std::map<std::string, AuthorityTable>& tables() {
  static const auto t = [] {
    Xapian::Database db(corpus().settings().index_dir());
    return AuthorityTable::from_index(db, {});
  }();
  return t;
}

// The facet keys a document's own metadata gives a field (as the indexer derives them).
std::vector<std::string> keys_of(const std::string& field, const Document& d) {
  std::vector<std::string> keys;
  if (field == "speaker")
    for (const auto& sp : d.speakers) keys.push_back(schema::facet_key(sp.name));
  if (field == "topic")
    for (const auto& t : d.topics)
      for (const auto& level : schema::with_ancestors(t)) keys.push_back(schema::facet_key(level));
  if (field == "event" && !d.event.empty()) keys.push_back(schema::facet_key(d.event));
  return keys;
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
      auto expected = corpus().truth().facet_counts(field, matching);  // by entity (use_authorities)
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
  std::set<std::string> by_either = corpus().truth().with_facet("speaker", (*speakers)[0].id);
  by_either.merge(corpus().truth().with_facet("speaker", (*speakers)[1].id));
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
    if (by_either.count(d.id) && corpus().truth().with_facet("topic", (*topics)[0].id).count(d.id))
      expected.insert(d.id);
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
  // in Traditional script: one value each, displayed in Simplified in a Chinese interface.
  SearchRequest zh;
  zh.ui = "zh";
  auto r = corpus().search().search(zh);
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

// ---- authority records (issue 13) ------------------------------------------------------------

BOOST_AUTO_TEST_CASE(the_bundled_corpus_yields_19_speaker_entities_with_their_pairs) {
  auto values = corpus().search().facet_values("speaker", "", 1000);
  BOOST_TEST(values.size() == 19u);  // 38 names: each person or body in English and Chinese
  std::map<std::string, EntityNames> by_en;
  for (const auto& v : values) {
    BOOST_TEST_CONTEXT(v.id) {
      BOOST_TEST(v.names.count("en") == 1u);
      BOOST_TEST(v.names.count("zh-Hans") == 1u);
      // Every entity is named in English and Chinese documents alike.
      SearchRequest req;
      req.filters["speaker"] = {v.id};
      std::set<std::string> langs;
      for (const auto& id : corpus().all_ids(req))
        for (const auto& d : corpus().truth().documents())
          if (d.id == id) langs.insert(d.lang.substr(0, 2));
      BOOST_TEST(langs == (std::set<std::string>{"en", "zh"}));
      BOOST_TEST(v.count == corpus().all_ids(req).size());
    }
    by_en[v.names.at("en")] = v.names;
  }
  BOOST_TEST(by_en["Liu Yang"].at("zh-Hans") == "刘洋");
  BOOST_TEST(by_en["Wang Jianguo"].at("zh-Hans") == "王建国");
  BOOST_TEST(by_en["Organizing Committee"].at("zh-Hans") == "组委会");
  BOOST_TEST(by_en["Huang Yi-chun"].at("zh-Hant") == "黃怡君");
  BOOST_TEST(by_en["Sophie Martin"].at("zh-Hans") == "索菲·马丁");
  BOOST_TEST(tables().at("speaker").conflicts().empty());
  // Topics and events: Technology transfer / 技术转移 is one topic, the 2021 forum one event.
  auto topic = corpus().search().facet_values("topic", "技术转移", 10);
  BOOST_REQUIRE(topic.size() == 1u);
  BOOST_TEST(topic[0].names.at("en") == "Technology transfer");
  auto event = corpus().search().facet_values("event", "2021国际", 10, "zh");
  BOOST_REQUIRE(event.size() == 1u);
  BOOST_TEST(event[0].value == "2021国际科技创新论坛");
  BOOST_TEST(event[0].names.at("en") == "International Forum on Science and Technology Innovation 2021");
}

BOOST_AUTO_TEST_CASE(filters_by_each_name_of_an_entity_return_the_same_hits) {
  for (const auto& v : corpus().search().facet_values("speaker", "", 1000)) {
    BOOST_TEST_CONTEXT(v.id) {
      // Brute force: documents whose own speakers include one of the entity's names.
      std::set<std::string> expected;
      for (const auto& d : corpus().truth().documents())
        for (const auto& k : keys_of("speaker", d))
          if (std::find(v.keys.begin(), v.keys.end(), k) != v.keys.end()) expected.insert(d.id);
      std::vector<std::string> names = {v.id};
      for (const auto& [lang, name] : v.names) names.push_back(name);
      for (const auto& name : names) {
        SearchRequest req;
        req.filters["speaker"] = {name};
        BOOST_TEST(describe(corpus().all_ids(req)) == describe(expected), name);
      }
    }
  }
  // Traditional script and other case select the same entity.
  SearchRequest a, b, c;
  a.filters["speaker"] = {"劉洋"};
  b.filters["speaker"] = {"LIU YANG"};
  c.filters["speaker"] = {"刘洋"};
  BOOST_TEST(corpus().all_ids(a).size() == 4u);
  BOOST_TEST(describe(corpus().all_ids(a)) == describe(corpus().all_ids(c)));
  BOOST_TEST(describe(corpus().all_ids(b)) == describe(corpus().all_ids(c)));
  // The selected entity is shown as the user wrote it, counted without its own selection.
  auto r = corpus().search().search(a);
  for (const auto& [f, values] : r.facets) {
    if (f != "speaker") continue;
    BOOST_TEST(values.size() == 19u);
    auto sel = std::find_if(values.begin(), values.end(), [](const FacetCount& x) { return x.selected; });
    BOOST_REQUIRE(sel != values.end());
    BOOST_TEST(sel->value == "劉洋");
    BOOST_TEST(sel->id == "liu yang");
  }
}

BOOST_AUTO_TEST_CASE(a_field_search_on_an_entity_name_finds_the_entity_in_every_language) {
  for (const auto& v : corpus().search().facet_values("speaker", "", 1000)) {
    SearchRequest by_filter;
    by_filter.filters["speaker"] = {v.id};
    auto expected = corpus().all_ids(by_filter);
    for (const auto& [lang, name] : v.names) {
      SearchRequest req;
      req.q = "speaker:\"" + name + "\"";
      auto got = corpus().all_ids(req);
      // Every document of the entity, whatever language its own speaker line is in (the words of
      // the name may also match a speaker who is another entity).
      for (const auto& id : expected) BOOST_TEST(got.count(id) == 1u, req.q << " misses " << id);
    }
  }
  SearchRequest q, traditional, filter;
  q.q = "speaker:刘洋";
  traditional.q = "speaker:劉洋";
  filter.filters["speaker"] = {"刘洋"};
  BOOST_TEST(corpus().all_ids(q).size() == 4u);  // two English, two Chinese versions
  BOOST_TEST(describe(corpus().all_ids(q)) == describe(corpus().all_ids(filter)));
  BOOST_TEST(describe(corpus().all_ids(traditional)) == describe(corpus().all_ids(filter)));
}

BOOST_AUTO_TEST_CASE(entity_values_come_in_the_language_asked_for) {
  SearchRequest req;
  req.q = "创新";  // a Chinese query: Chinese names by default
  auto names_of = [&](const SearchRequest& r) {
    std::set<std::string> out;
    for (const auto& [f, values] : corpus().search().search(r).facets)
      if (f == "speaker")
        for (const auto& v : values) out.insert(v.value);
    return out;
  };
  BOOST_TEST(names_of(req).count("陈晓峰") == 1u);
  req.ui = "en";
  BOOST_TEST(names_of(req).count("Chen Xiaofeng") == 1u);
  BOOST_TEST(names_of(req).count("陈晓峰") == 0u);
  req.ui = "xx";
  BOOST_CHECK_THROW(corpus().search().search(req), UserError);
  // Prefixes find an entity by any of its names.
  for (const char* p : {"刘", "劉", "liu", "LIU Y"}) {
    auto found = corpus().search().facet_values("speaker", p, 10);
    BOOST_TEST_CONTEXT(p) {
      BOOST_REQUIRE(found.size() == 1u);
      BOOST_TEST(found[0].id == "liu yang");
      BOOST_TEST(found[0].count == 4u);
    }
  }
  // Hits carry their speakers' names in both languages.
  SearchRequest hits;
  hits.filters["speaker"] = {"王建国"};
  for (const auto& h : corpus().search().search(hits).hits) {
    BOOST_REQUIRE(h.speaker_names.size() == h.speakers.size());
    std::size_t his = 0;
    for (std::size_t i = 0; i < h.speakers.size(); ++i) {
      std::string k = schema::facet_key(h.speakers[i]);
      if (k != schema::facet_key("Wang Jianguo") && k != schema::facet_key("王建国")) continue;
      ++his;
      BOOST_TEST(h.speaker_names[i].at("en") == "Wang Jianguo");
      BOOST_TEST(h.speaker_names[i].at("zh-Hans") == "王建国");
    }
    BOOST_TEST(his == 1u, h.id);
  }
}

namespace {

Document speech(const std::string& id, const std::string& lang, const std::string& group,
                std::vector<std::string> speakers) {
  Document d;
  d.id = id;
  d.lang = lang;
  d.type = "speech";
  d.title = "Speech " + id;
  d.translation_group = group;
  for (auto& s : speakers) d.speakers.push_back({s, ""});
  d.paragraphs.push_back({"Text of " + id, "", "", "", ""});
  return d;
}

std::map<std::string, std::uint64_t> speaker_facet(SearchService& s) {
  std::map<std::string, std::uint64_t> out;
  for (const auto& [f, values] : s.search(SearchRequest{}).facets)
    if (f == "speaker")
      for (const auto& v : values) out[v.id] = v.count;
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(conflicts_stay_apart_and_the_table_follows_updates_and_deletes) {
  test::TempDir dir;
  Settings s;
  s.data_dir = dir.path();
  terms::TermWriter tw;
  auto put = [&](IndexWriter& w, const Document& d) { w.put(prepare_document(d, tw, "h-" + d.id)); };
  {
    IndexWriter w(s.index_dir());
    put(w, speech("a-en", "en", "ga", {"Wang Wei"}));
    put(w, speech("a-zh", "zh-Hans", "ga", {"王伟"}));
    put(w, speech("b-en", "en", "gb", {"Wang Wei"}));
    put(w, speech("b-zh", "zh-Hans", "gb", {"王薇"}));
    put(w, speech("c-en", "en", "gc", {"Liu Yang"}));
    put(w, speech("c-zh", "zh-Hant", "gc", {"劉洋"}));
    w.commit();
  }
  SearchService search(s.index_dir(), s);
  auto facet = speaker_facet(search);
  BOOST_TEST(facet.size() == 3u);
  BOOST_TEST(facet["wang wei~王伟"] == 2u);
  BOOST_TEST(facet["wang wei~王薇"] == 2u);
  BOOST_TEST(facet["liu yang"] == 2u);
  {
    Xapian::Database db(s.index_dir());
    auto t = AuthorityTable::from_index(db, {});
    BOOST_REQUIRE(t.at("speaker").conflicts().size() == 1u);
    BOOST_TEST(t.at("speaker").conflicts()[0].groups == (std::vector<std::string>{"ga", "gb"}));
  }
  SearchRequest wei;
  wei.filters["speaker"] = {"王薇"};
  auto ids = [&](SearchRequest r) {
    r.size = 100;
    std::set<std::string> out;
    for (const auto& h : search.search(r).hits) out.insert(h.id);
    return out;
  };
  BOOST_TEST(describe(ids(wei)) == "b-en b-zh ");
  wei.filters["speaker"] = {"Wang Wei"};  // the shared name: both people
  BOOST_TEST(ids(wei).size() == 4u);

  // Update: the English version of gc renames its speaker; delete: 王薇's documents go.
  {
    IndexWriter w(s.index_dir());
    put(w, speech("c-en", "en", "gc", {"Yang Liu"}));
    w.remove("b-en");
    w.remove("b-zh");
    w.commit();
  }
  search.refresh();
  facet = speaker_facet(search);
  BOOST_TEST(facet.size() == 2u);
  BOOST_TEST(facet.count("wang wei~王薇") == 0u);
  BOOST_TEST(facet["wang wei"] == 2u);  // no conflict any more: one Wang Wei
  BOOST_TEST(facet["yang liu"] == 2u);
  SearchRequest liu;
  liu.filters["speaker"] = {"Yang Liu"};
  BOOST_TEST(describe(ids(liu)) == "c-en c-zh ");
  liu.filters["speaker"] = {"Liu Yang"};  // gone from the archive: matches nothing
  BOOST_TEST(ids(liu).empty());
}

BOOST_AUTO_TEST_CASE(a_curated_file_renames_splits_and_merges_what_was_learned) {
  test::TempDir dir;
  Settings s = corpus().settings();
  s.search.authorities =
      dir.write("authorities.tsv",
                "# field\tid\ten\tzh-Hans\tzh-Hant\taliases\n"
                "speaker\tliu-yang\tYang LIU\t刘洋\t\tLiu Yang|Yang Liu\n"  // rename
                "speaker\tzhang-min-zh\t\t张敏\n"                           // split
                "topic\tai\tArtificial intelligence\t人工智能\n"
                "event\tforum\tThe Forum\t2021国际科技创新论坛\t\t"
                "International Forum on Science and Technology Innovation 2022\n");  // merge
  SearchService search(s.index_dir(), s);
  std::map<std::string, FacetCount> by_id;
  for (const char* f : {"speaker", "topic", "event"})
    for (auto& v : search.facet_values(f, "", 1000)) by_id[v.id] = v;
  BOOST_TEST(by_id["liu-yang"].value == "Yang LIU");
  BOOST_TEST(by_id["liu-yang"].count == 4u);
  BOOST_TEST(by_id.count("liu yang") == 0u);
  BOOST_TEST(by_id["zhang-min-zh"].count == 2u);  // the Chinese versions
  BOOST_TEST(by_id["zhang min"].count == 2u);     // the English ones, learned
  // As written: the Chinese versions of 2021 (7) and the English ones of 2022 (8); the other
  // versions stay in the learned entities that lost these names.
  BOOST_TEST(by_id["forum"].count == 15u);
  BOOST_TEST(by_id["international forum on science and technology innovation 2021"].count == 7u);
  BOOST_TEST(by_id["forum"].names.at("en") == "The Forum");
  // Filters follow the curated entities.
  SearchRequest req;
  req.filters["speaker"] = {"Yang Liu"};  // a curated alias
  req.size = 100;
  BOOST_TEST(search.search(req).total == 4u);
  req.filters["speaker"] = {"张敏"};
  BOOST_TEST(search.search(req).total == 2u);
  // A wrong file stops the service, naming the line.
  s.search.authorities = dir.write("bad.tsv", "speaker\tx\tX\nspeakers\ty\tY\n");
  try {
    SearchService bad(s.index_dir(), s);
    BOOST_ERROR("a wrong curated file was accepted");
  } catch (const UserError& e) {
    BOOST_TEST(e.code() == "bad_authority");
    BOOST_TEST(std::string(e.what()).find("bad.tsv:2: unknown field \"speakers\"") != std::string::npos,
               e.what());
  }
}

BOOST_AUTO_TEST_CASE(an_exported_table_read_back_as_the_curated_file_changes_nothing) {
  test::TempDir dir;
  std::string path = dir.write("export.tsv", authorities_tsv(tables()));
  auto curated = load_curated_authorities(path);
  BOOST_TEST(curated.size() == 19u + 16u + 3u);
  Xapian::Database db(corpus().settings().index_dir());
  auto again = AuthorityTable::from_index(db, curated);
  for (const char* f : {"speaker", "topic", "event"}) {
    std::map<std::string, std::pair<std::uint64_t, EntityNames>> a, b;
    for (const auto& e : tables().at(f).entities())
      if (e.documents) a[e.id] = {e.documents, e.names};
    for (const auto& e : again.at(f).entities())
      if (e.documents) b[e.id] = {e.documents, e.names};
    BOOST_TEST((a == b), f);
  }
}
