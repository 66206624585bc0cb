// canonical_lang: every converter names a document's language through it.
#include <boost/test/unit_test.hpp>

#include <string>
#include <utility>
#include <vector>

#include "tongwen/lang.h"

BOOST_AUTO_TEST_SUITE(lang)

BOOST_AUTO_TEST_CASE(tags_as_sources_write_them) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      // Chinese with a script or a region that implies one.
      {"zh-Hans", "zh-Hans"},
      {"zh-hans-cn", "zh-Hans"},
      {"zh-CN", "zh-Hans"},
      {"zh_CN", "zh-Hans"},
      {"zh-SG", "zh-Hans"},
      {"zh-cmn-Hans", "zh-Hans"},
      {"zh-Hant", "zh-Hant"},
      {"zh-TW", "zh-Hant"},
      {"ZH_tw", "zh-Hant"},
      {"zh-HK", "zh-Hant"},
      {"zh-MO", "zh-Hant"},
      {"zh-Hant-TW", "zh-Hant"},
      // Bare Chinese: the text decides the script.
      {"zh", ""},
      {"zho", ""},
      {"chi", ""},
      {"cmn", ""},
      {"zh-cmn", ""},
      // Other languages: the primary subtag, ISO 639-2/3 aliases mapped.
      {"en", "en"},
      {"EN-gb", "en"},
      {"en_US", "en"},
      {"eng", "en"},
      {"slv", "sl"},
      {"ger", "de"},
      {"deu", "de"},
      {"fr-FR", "fr"},
      {"jpn", "ja"},
      // Nothing said.
      {"", ""},
      {"  ", ""},
      {"und", ""},
      {" en ", "en"}};
  for (const auto& [tag, want] : cases)
    BOOST_TEST(tongwen::canonical_lang(tag) == want, "tag '" << tag << "'");
}

BOOST_AUTO_TEST_CASE(unparseable_tags_are_kept_lower_cased) {
  BOOST_TEST(tongwen::canonical_lang("Not A Tag") == "not a tag");
}

BOOST_AUTO_TEST_SUITE_END()
