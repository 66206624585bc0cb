// Authority records learned from translation groups and overridden by the curated file
// (tongwen/authorities.h), on small hand-made observations whose answer is known.
#include <boost/test/unit_test.hpp>

#include "fixtures.h"
#include "tongwen/authorities.h"
#include "tongwen/errors.h"
#include "tongwen/schema.h"

using namespace tongwen;

namespace {

struct Obs {
  std::string group, lang;
  std::vector<std::string> names;
};

// Observations keyed as the indexer keys them; display(key) = the first written form.
struct Fixture {
  std::vector<AuthorityObservation> docs;
  std::map<std::string, std::string> shown;
  explicit Fixture(const std::vector<Obs>& obs) {
    Xapian::docid did = 0;
    for (const auto& o : obs) {
      AuthorityObservation a;
      a.did = ++did;
      a.group = o.group;
      a.lang = o.lang;
      for (const auto& n : o.names) {
        a.keys.push_back(schema::facet_key(n));
        shown.emplace(a.keys.back(), n);
      }
      a.names = o.names;
      docs.push_back(std::move(a));
    }
  }
  AuthorityTable build(const std::vector<CuratedEntity>& curated = {}) const {
    return AuthorityTable::build(
        "speaker", docs,
        [&](const std::string& k) {
          auto it = shown.find(k);
          return it == shown.end() ? k : it->second;
        },
        curated);
  }
};

const AuthorityEntity& entity_of(const AuthorityTable& t, const std::string& name,
                                 const std::string& group = "") {
  int e = t.resolve(schema::facet_key(name), group);
  BOOST_REQUIRE_MESSAGE(e >= 0, "no entity for " << name);
  return t.entities()[static_cast<std::size_t>(e)];
}

std::size_t live(const AuthorityTable& t) {
  std::size_t n = 0;
  for (const auto& e : t.entities()) n += e.documents > 0;
  return n;
}

const std::vector<Obs> kArchive = {
    // Liu Yang: one group in Simplified, one in Traditional (劉洋 is 刘洋 without evidence).
    {"g1", "en", {"Liu Yang", "Sophie Martin"}},
    {"g1", "zh-Hans", {"刘洋", "苏菲·马丁"}},
    {"g2", "en", {"LIU Yang"}},
    {"g2", "zh-Hant", {"劉洋"}},
    // Two people called Wang Wei.
    {"g3", "en", {"Wang Wei"}},
    {"g3", "zh-Hans", {"王伟"}},
    {"g4", "en", {"Wang Wei"}},
    {"g4", "zh-Hans", {"王薇"}},
    // Versions that name different numbers of speakers: no evidence.
    {"g5", "en", {"Zhang San", "Li Si"}},
    {"g5", "zh-Hans", {"张三"}},
    // A Wang Wei no group explains.
    {"", "en", {"Wang Wei"}},
};

}  // namespace

BOOST_AUTO_TEST_CASE(learns_pairs_from_translation_groups) {
  Fixture f(kArchive);
  AuthorityTable t = f.build();
  const auto& liu = entity_of(t, "刘洋");
  BOOST_TEST(&liu == &entity_of(t, "Liu Yang"));
  BOOST_TEST(&liu == &entity_of(t, "劉洋"));
  BOOST_TEST(liu.documents == 4u);
  BOOST_TEST(liu.names.at("en") == "Liu Yang");
  BOOST_TEST(liu.names.at("zh-Hans") == "刘洋");
  BOOST_TEST(liu.names.at("zh-Hant") == "劉洋");
  BOOST_TEST(liu.groups == (std::vector<std::string>{"g1", "g2"}));
  BOOST_TEST(liu.id == "liu yang");
  // The second position of g1 pairs the second names.
  BOOST_TEST(&entity_of(t, "Sophie Martin") == &entity_of(t, "苏菲·马丁"));
  // g5 names two speakers in English and one in Chinese: nothing paired.
  BOOST_TEST(&entity_of(t, "Zhang San") != &entity_of(t, "张三"));
  BOOST_TEST(entity_of(t, "Zhang San").groups.empty());
  BOOST_TEST(t.by_id("liu yang") >= 0);
}

BOOST_AUTO_TEST_CASE(one_english_name_with_two_chinese_names_stays_two_entities) {
  Fixture f(kArchive);
  AuthorityTable t = f.build();
  const auto& wei = entity_of(t, "Wang Wei", "g3");
  const auto& wei2 = entity_of(t, "Wang Wei", "g4");
  BOOST_TEST(&wei != &wei2);
  BOOST_TEST(&wei == &entity_of(t, "王伟"));
  BOOST_TEST(&wei2 == &entity_of(t, "王薇"));
  BOOST_TEST(wei.documents == 2u);
  BOOST_TEST(wei2.documents == 2u);
  // The Wang Wei of no group is neither of them.
  const auto& alone = entity_of(t, "Wang Wei", "");
  BOOST_TEST(&alone != &wei);
  BOOST_TEST(&alone != &wei2);
  BOOST_TEST(alone.documents == 1u);
  BOOST_TEST(t.by_key(schema::facet_key("Wang Wei")).size() == 3u);
  BOOST_REQUIRE(t.conflicts().size() == 1u);
  const auto& c = t.conflicts()[0];
  BOOST_TEST(c.groups == (std::vector<std::string>{"g3", "g4"}));
  BOOST_TEST(c.ids.size() == 3u);
  BOOST_TEST(std::count(c.names.begin(), c.names.end(), "王薇") == 1);
  BOOST_TEST(wei.id != wei2.id);
  // 5 people + Zhang San, Li Si, 张三 unpaired, + the Wang Wei of no group.
  BOOST_TEST(live(t) == 8u);
}

BOOST_AUTO_TEST_CASE(one_chinese_name_with_two_different_english_names_stays_two_entities) {
  // A translation naming the wrong speaker must not make two people one; word order is an alias.
  Fixture f({{"g1", "en", {"Neri Oxman"}},
             {"g1", "zh-Hans", {"内里•奥克斯曼"}},
             {"g2", "en", {"Emilie Wapnick"}},
             {"g2", "zh-Hans", {"内里•奥克斯曼"}},
             {"g3", "en", {"Liu Yang"}},
             {"g3", "zh-Hans", {"刘洋"}},
             {"g4", "en", {"Yang Liu"}},
             {"g4", "zh-Hans", {"刘洋"}}});
  AuthorityTable t = f.build();
  BOOST_TEST(&entity_of(t, "Neri Oxman") != &entity_of(t, "Emilie Wapnick"));
  BOOST_TEST(&entity_of(t, "内里•奥克斯曼", "g1") == &entity_of(t, "Neri Oxman"));
  BOOST_TEST(&entity_of(t, "内里•奥克斯曼", "g2") == &entity_of(t, "Emilie Wapnick"));
  BOOST_TEST(entity_of(t, "Neri Oxman").documents == 2u);
  BOOST_REQUIRE(t.conflicts().size() == 1u);
  BOOST_TEST(t.conflicts()[0].groups == (std::vector<std::string>{"g1", "g2"}));
  BOOST_TEST(&entity_of(t, "Yang Liu") == &entity_of(t, "Liu Yang"));
  BOOST_TEST(entity_of(t, "刘洋").documents == 4u);
  BOOST_TEST(live(t) == 3u);
}

BOOST_AUTO_TEST_CASE(curated_file_merges_splits_and_renames) {
  test::TempDir dir;
  std::string path = dir.write("authorities.tsv",
                               "# field\tid\ten\tzh-Hans\tzh-Hant\taliases\n"
                               "speaker\tzhang-san\tZhang San\t张三\t\tSan Zhang\n"  // merge
                               "speaker\tliu-yang\tYang Liu\t刘洋\t\t\n"  // rename, split LIU Yang off
                               "\n"
                               "speaker\tlisi\tLi Si\t李四\n"
                               "speaker\tnobody\tNo Body\t无名氏\n");
  auto curated = load_curated_authorities(path);
  BOOST_REQUIRE(curated.size() == 4u);
  BOOST_TEST(curated[2].line == 5);
  Fixture f(kArchive);
  AuthorityTable t = f.build(curated);
  const auto& zhang = entity_of(t, "张三");
  BOOST_TEST(&zhang == &entity_of(t, "Zhang San"));
  BOOST_TEST(zhang.id == "zhang-san");
  BOOST_TEST(zhang.curated);
  BOOST_TEST(zhang.line == 2);
  BOOST_TEST(zhang.documents == 2u);
  BOOST_TEST(zhang.aliases == (std::vector<std::string>{"San Zhang"}));
  const auto& liu = entity_of(t, "刘洋");
  BOOST_TEST(liu.id == "liu-yang");
  BOOST_TEST(liu.names.at("en") == "Yang Liu");
  BOOST_TEST(!liu.names.count("zh-Hant"));
  BOOST_TEST(liu.documents == 2u);  // the two Chinese versions
  // "Liu Yang" / "LIU Yang" is not among the curated names: split off as an entity of its own.
  const auto& liu_en = entity_of(t, "Liu Yang");
  BOOST_TEST(&liu_en != &liu);
  BOOST_TEST(liu_en.documents == 2u);
  BOOST_TEST(!liu_en.curated);
  // Li Si gets his Chinese name from the file; an entity the archive does not hold has no documents.
  BOOST_TEST(&entity_of(t, "Li Si") == &t.entities()[static_cast<std::size_t>(t.by_id("lisi"))]);
  BOOST_TEST(entity_of(t, "Li Si").documents == 1u);
  BOOST_TEST(entity_of(t, "Li Si").names.at("zh-Hans") == "李四");
  BOOST_REQUIRE(t.by_id("nobody") >= 0);
  BOOST_TEST(t.entities()[static_cast<std::size_t>(t.by_id("nobody"))].documents == 0u);
}

BOOST_AUTO_TEST_CASE(curated_file_errors_name_the_file_and_line) {
  test::TempDir dir;
  auto expect = [&](const std::string& text, const std::string& part) {
    std::string path = dir.write("a.tsv", text);
    try {
      load_curated_authorities(path);
      BOOST_ERROR("no error for: " << text);
    } catch (const UserError& e) {
      BOOST_TEST(e.code() == "bad_authority");
      std::string m = e.what();
      BOOST_TEST(m.find(path + ":") == 0u, m);
      BOOST_TEST(m.find(part) != std::string::npos, m);
    }
  };
  expect("speaker\tx\tX\n# c\nperson\ty\tY\n", ":3: unknown field \"person\"");
  expect("speaker\tx\n", ":1: a line needs 3 to 6");
  expect("speaker\t \tX\n", ":1: the id (column 2) is empty");
  expect("speaker\tx\tX\nspeaker\tX\tY\n", ":2: the id \"x\" is defined twice");
  expect("speaker\tx\t \t\t\t\n", ":1: the entity \"x\" has no name");
}

BOOST_AUTO_TEST_CASE(entities_are_found_by_any_name_or_its_pinyin_and_never_merged) {
  // As the search paths call it: with the facet key of what was typed.
  auto found = [](const std::vector<std::string>& keys, const char* typed) {
    return entity_found_by(keys, schema::facet_key(typed));
  };
  BOOST_TEST(found({"liu yang", "刘洋"}, "Liu"));
  BOOST_TEST(found({"liu yang", "刘洋"}, "刘"));
  BOOST_TEST(found({"刘洋"}, "liu yang"));
  BOOST_TEST(found({"刘洋"}, "liuy"));
  BOOST_TEST(found({"刘洋"}, "劉"));  // Traditional prefix: the key is Simplified
  BOOST_TEST(!found({"刘洋"}, "yang"));
  BOOST_TEST(!found({"刘洋"}, "liu2"));  // pinyin is for letters only
  // Two people whose names read alike are both found, each as itself.
  BOOST_TEST(found({"王伟"}, "wang wei"));
  BOOST_TEST(found({"王薇"}, "wang wei"));
  BOOST_TEST(found({"anything"}, ""));
}
