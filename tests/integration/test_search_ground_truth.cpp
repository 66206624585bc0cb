// The search harness of issue 4: index the real documents of ../shared/corpus-real (TED talks,
// WMT documents, government work reports, UDHR) plus corpus/, sample 550 queries from their text
// (Chinese substrings of 2-8 characters, English words, quoted phrases, prefixes, mixed queries,
// 30% of them with facet filters) and compare every result set and every facet count with a
// brute-force scan of the normalised text. Required: Chinese recall 100% and precision >= 99%,
// English quoted-phrase recall 100%, facet counts exact.
#include <boost/test/unit_test.hpp>

#include <iomanip>

#include "indexed_corpus.h"
#include "query_sampler.h"

using namespace tongwen;

namespace {

std::vector<std::string> inputs() {
  std::string real = test::corpus_real();
  return {real + "/iwslt-ted-zh-en", real + "/wmt22-generaltest-zh-en",
          real + "/cn-gov-work-reports-wikisource", real + "/udhr-un", test::corpus_dir()};
}

struct Tally {
  std::size_t queries = 0, expected = 0, got = 0, hit = 0, exact = 0;
  double recall() const { return expected ? static_cast<double>(hit) / static_cast<double>(expected) : 1.0; }
  double precision() const { return got ? static_cast<double>(hit) / static_cast<double>(got) : 1.0; }
};

}  // namespace

BOOST_AUTO_TEST_CASE(results_and_facets_equal_brute_force_on_the_real_documents,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  test::IndexedCorpus corpus(inputs());
  const auto& truth = corpus.truth();
  BOOST_TEST_MESSAGE("indexed " << truth.documents().size() << " documents; " << corpus.summary().failed()
                                << " files failed");
  BOOST_TEST(corpus.summary().failed() == 0u);

  auto queries = test::sample_queries(truth, test::SamplerCounts{}, 4242);
  BOOST_TEST(queries.size() >= 500u);
  std::map<std::string, Tally> tally;
  std::size_t facet_checks = 0, facet_mismatches = 0, with_filters = 0;
  for (const auto& sq : queries) {
    SearchRequest req;
    req.q = sq.q;
    req.filters = sq.filters;
    std::set<std::string> got = corpus.all_ids(req);
    Tally& t = tally[sq.kind];
    ++t.queries;
    t.expected += sq.expected.size();
    t.got += got.size();
    for (const auto& id : got) t.hit += sq.expected.count(id);
    if (got == sq.expected) ++t.exact;
    if (!sq.filters.empty()) ++with_filters;
    if (got != sq.expected && sq.kind != "en_word") {
      std::string missing, extra;
      for (const auto& id : sq.expected)
        if (!got.count(id)) missing += id + " ";
      for (const auto& id : got)
        if (!sq.expected.count(id)) extra += id + " ";
      BOOST_TEST_MESSAGE("differs: [" << sq.kind << "] " << sq.q << " missing: " << missing
                                      << " extra: " << extra);
    }
    // Facet counts: exact, each facet counted without its own selection.
    req.size = 0;
    req.facets = true;
    auto r = corpus.search().search(req);
    BOOST_TEST(r.total == got.size(), sq.q);
    for (const auto& [field, values] : r.facets) {
      std::set<std::string> base = sq.filters.count(field) ? test::apply_filters(
                                                                 truth,
                                                                 [&] {
                                                                   // The query without any filter, then every
                                                                   // filter but this one.
                                                                   SearchRequest plain;
                                                                   plain.q = sq.q;
                                                                   return corpus.all_ids(plain);
                                                                 }(),
                                                                 sq.filters, field)
                                                           : got;
      auto expected = truth.facet_counts(field, base);
      std::map<std::string, std::size_t> got_counts;
      for (const auto& v : values) got_counts[v.key] = v.count;
      for (const auto& v : values) {
        // Selected values with no match are listed with count 0.
        if (v.count == 0 && v.selected) got_counts.erase(v.key);
      }
      ++facet_checks;
      if (got_counts != expected) {
        ++facet_mismatches;
        BOOST_TEST_MESSAGE("facet " << field << " differs for " << sq.q);
      }
    }
  }
  for (const auto& [kind, t] : tally)
    BOOST_TEST_MESSAGE(std::setw(10) << kind << ": " << t.queries << " queries, recall " << std::fixed
                                     << std::setprecision(4) << t.recall() << ", precision " << t.precision()
                                     << ", identical result sets " << t.exact);
  BOOST_TEST_MESSAGE(with_filters << " queries with facet filters; " << facet_checks
                                  << " facet lists checked, " << facet_mismatches << " mismatches");
  BOOST_TEST(tally["zh"].queries >= 250u);
  BOOST_TEST(tally["zh"].recall() == 1.0);
  BOOST_TEST(tally["zh"].precision() >= 0.99);
  BOOST_TEST(tally["en_phrase"].recall() == 1.0);
  BOOST_TEST(tally["en_word"].recall() == 1.0);
  BOOST_TEST(tally["en_word"].precision() == 1.0);
  BOOST_TEST(tally["en_prefix"].recall() == 1.0);
  BOOST_TEST(tally["mixed"].recall() == 1.0);
  BOOST_TEST(facet_mismatches == 0u);
}
