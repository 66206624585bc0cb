// The highlighter and snippets, table-driven: query + stored text -> the marked text. Matching runs
// on normalised text and lands on the original characters.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "highlight.h"
#include "query_parser.h"
#include "tongwen/text.h"

using namespace tongwen;

namespace {

// The text with [brackets] around every match of the query's body atoms.
std::string marked(const std::string& query, const std::string& text) {
  terms::QueryTerms qt;
  ParsedQuery pq = parse_query(query, qt, nullptr, false);
  Highlighter h(pq.atoms, "body", qt);
  Snippet s = make_snippet(text, h.find(text), 1000);
  std::string out = s.html;
  for (auto [from, to] : {std::pair<std::string, std::string>{"<mark>", "["}, {"</mark>", "]"}})
    for (auto at = out.find(from); at != std::string::npos; at = out.find(from, at))
      out.replace(at, from.size(), to);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(highlight)

BOOST_AUTO_TEST_CASE(matches_land_on_the_original_characters) {
  struct Case {
    const char *query, *text, *want;
  };
  const std::vector<Case> cases = {
      {"innovation", "Innovative policies drive innovation.", "[Innovative] policies drive [innovation]."},
      {"\"open science\"", "Open science, and science that is open.",
       "[Open science], and science that is open."},
      {"人工智能", "人工智慧的治理与人工智能的发展", "人工智慧的治理与[人工智能]的发展"},  // 智慧 is not 智能
      {"智慧財產權", "保护智慧财产权。", "保护[智慧财产权]。"},  // Traditional query
      {"财产权", "保護智慧財產權。", "保護智慧[財產權]。"},      // Traditional text
      {"innovat*", "Innovators innovate; renovation does not.",
       "[Innovators] [innovate]; renovation does not."},
      {"ＡＩ", "AI and ai and Ａｉ.", "[AI] and [ai] and [Ａｉ]."},  // width and case fold both ways
      {"a OR science", "Science & <tags> a", "[Science] &amp; &lt;tags&gt; [a]"},
      {"科学 innovation", "科学与innovation并重", "[科学]与[innovation]并重"},
      {"-science open", "Open science", "[Open] science"},  // a negated term is not marked
  };
  for (const auto& c : cases) BOOST_TEST(marked(c.query, c.text) == c.want, "query '" << c.query << "'");
}

BOOST_AUTO_TEST_CASE(a_long_text_is_cut_around_the_first_match) {
  terms::QueryTerms qt;
  ParsedQuery pq = parse_query("governance", qt, nullptr, false);
  Highlighter h(pq.atoms, "body", qt);
  std::string text;
  for (int i = 0; i < 30; ++i) text += "Filler words come first here. ";
  text += "Then AI governance appears once. ";
  for (int i = 0; i < 30; ++i) text += "More filler follows after it. ";
  Snippet s = make_snippet(text, h.find(text), 80);
  BOOST_TEST(s.html.find("<mark>governance</mark>") != std::string::npos, s.html);
  BOOST_TEST(s.text.find("governance") != std::string::npos, s.text);
  BOOST_TEST(s.text.rfind("…", 0) == 0, s.text);  // cut at the start
  BOOST_TEST(s.text.size() < 80 * 2, s.text);     // about 80 characters, all ASCII here
  BOOST_TEST(s.highlights.size() == 1u);
}

// Finding 5: a 60 MB text (a thousand 64 KiB paragraphs) was searched whole for every hit's
// snippet. Only the first kSnippetScanBytes of a document are looked at.
BOOST_AUTO_TEST_CASE(snippets_look_at_a_bounded_window_of_the_text) {
  terms::QueryTerms qt;
  ParsedQuery pq = parse_query("numbat", qt, nullptr, false);
  Highlighter h(pq.atoms, "body", qt);
  const std::string filler(64 * 1024 - 1, 'x');
  std::vector<Paragraph> paragraphs(1000, Paragraph{filler, {}, {}, {}, {}});
  paragraphs[2].text = "A numbat in the third paragraph. " + filler;
  paragraphs[500].text = "The numbat numbat numbat of paragraph 500.";
  // Paragraph 500 has more matches, but lies beyond the window: paragraph 2 shows.
  SnippetSource src = snippet_source(h, "", paragraphs);
  BOOST_TEST(src.index == 2);
  BOOST_TEST(src.spans.size() == 1u);
  BOOST_TEST(src.text.size() == paragraphs[2].text.size());
  // With a window covering paragraph 500, it wins.
  src = snippet_source(h, "", paragraphs, 600 * 64 * 1024);
  BOOST_TEST(src.index == 500);
  BOOST_TEST(src.spans.size() == 3u);
  // A match only beyond the window: the first paragraph, without matches, cut to the window.
  paragraphs[2].text = filler;
  src = snippet_source(h, "", paragraphs);
  BOOST_TEST(src.index == 0);
  BOOST_TEST(src.spans.empty());
  // One huge paragraph (a converter that does not cut): matched and cut within the window, at a
  // character boundary.
  std::string huge = "numbat " + std::string(kSnippetScanBytes, 'y') + " 袋食蚁兽";
  std::vector<Paragraph> one{Paragraph{huge, {}, {}, {}, {}}};
  src = snippet_source(h, "", one);
  BOOST_TEST(src.index == 0);
  BOOST_TEST(src.spans.size() == 1u);
  BOOST_TEST(src.text.size() <= kSnippetScanBytes);
  std::string zh = "综述。" + std::string(kSnippetScanBytes - 10, 'z') + "袋食蚁兽袋食蚁兽";
  src = snippet_source(h, zh, {});
  BOOST_TEST(src.index == -1);
  BOOST_TEST(src.text.size() <= kSnippetScanBytes);
  BOOST_TEST(text::is_valid_utf8(src.text));
}

BOOST_AUTO_TEST_SUITE_END()
