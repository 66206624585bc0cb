#include <boost/test/unit_test.hpp>

#include "fixtures.h"
#include "tongwen/encoding.h"
#include "tongwen/errors.h"

using namespace tongwen;

BOOST_AUTO_TEST_CASE(utf8_with_and_without_bom) {
  auto d = encoding::to_utf8("\xEF\xBB\xBF创新", "", "a.txt");
  BOOST_TEST(d.text == "创新");
  BOOST_TEST(d.encoding == "UTF-8");
  BOOST_TEST(d.had_bom);
  d = encoding::to_utf8("创新", "", "a.txt");
  BOOST_TEST(!d.had_bom);
}

BOOST_AUTO_TEST_CASE(utf16_by_bom) {
  std::string le("\xFF\xFE\x1B\x52\xB0\x65", 6);  // 创新 in UTF-16LE
  auto d = encoding::to_utf8(le, "", "a.txt");
  BOOST_TEST(d.text == "创新");
  BOOST_TEST(d.encoding == "UTF-16LE");
}

BOOST_AUTO_TEST_CASE(detects_gb18030_and_big5) {
  std::string zh = "科技创新是推动经济高质量发展的重要动力，我们要加强国际合作。";
  auto gb = encoding::from_utf8(zh, "GB18030");
  auto d = encoding::to_utf8(gb, "", "gb.txt");
  BOOST_TEST(d.text == zh);
  BOOST_TEST(d.encoding == "GB18030");
  std::string tw = "科技創新是推動經濟發展的重要動力，我們要加強國際合作。";
  auto b5 = encoding::from_utf8(tw, "Big5");
  d = encoding::to_utf8(b5, "", "b5.txt");
  BOOST_TEST(d.text == tw);
  BOOST_TEST(d.encoding == "Big5");
}

BOOST_AUTO_TEST_CASE(a_wrong_declared_encoding_is_an_error_naming_the_file) {
  std::string zh = "科技创新";
  auto gb = encoding::from_utf8(zh, "GB18030");
  try {
    encoding::to_utf8(gb, "UTF-8", "dir/wrong.xml");
    BOOST_FAIL("expected an encoding error");
  } catch (const ConvertError& e) {
    BOOST_TEST(e.code() == "encoding");
    BOOST_TEST(std::string(e.what()).rfind("dir/wrong.xml: ", 0) == 0);
  }
}

BOOST_AUTO_TEST_CASE(binary_garbage_is_refused) {
  std::string bin("\x00\x01\x02\x03\x89PNG\r\n\x1a\n\x00\x00", 14);
  BOOST_CHECK_THROW(encoding::to_utf8(bin, "", "x.bin"), ConvertError);
}

BOOST_AUTO_TEST_CASE(legacy_pairs_match_their_utf8_reference_byte_for_byte,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  std::string dir = test::corpus_real() + "/legacy-encodings/cpython-cjkencodings/";
  struct Pair {
    const char* file;
    const char* declared;  // "" = detect
  } pairs[] = {{"gb2312", ""}, {"gbk", ""}, {"gb18030", ""}, {"big5", ""}, {"big5hkscs", "big5-hkscs"},
               {"hz", "hz-gb-2312"}};
  for (const auto& p : pairs) {
    std::string legacy = test::read(dir + p.file + ".txt");
    std::string reference = test::read(dir + p.file + "-utf8.txt");
    BOOST_TEST_CONTEXT(p.file) {
      auto d = encoding::to_utf8(legacy, p.declared, p.file);
      BOOST_TEST(d.text == reference);
    }
  }
}
