#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>

#include "fixtures.h"
#include "tongwen/encoding.h"
#include "tongwen/errors.h"
#include "tongwen/text.h"

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

// Fuzz finding (fuzz_encoding, input 20 FE FF FE FF): a doubled byte order mark left U+FEFF at
// the start of the text. Every leading mark goes, in each BOM encoding and behind a declaration.
BOOST_AUTO_TEST_CASE(a_doubled_byte_order_mark_is_removed_whole) {
  BOOST_TEST(encoding::to_utf8(std::string("\xFE\xFF\xFE\xFF", 4), "Shift_JIS", "a.txt").text == "");
  auto d = encoding::to_utf8(std::string("\xFE\xFF\xFE\xFF\x52\x1B", 6), "", "a.txt");
  BOOST_TEST(d.text == "创");
  BOOST_TEST(d.encoding == "UTF-16BE");
  d = encoding::to_utf8(std::string("\xFF\xFE\xFF\xFE\xFF\xFE\x1B\x52", 8), "", "a.txt");
  BOOST_TEST(d.text == "创");
  d = encoding::to_utf8("\xEF\xBB\xBF\xEF\xBB\xBF创新", "", "a.txt");
  BOOST_TEST(d.text == "创新");
  BOOST_TEST(d.had_bom);
  d = encoding::to_utf8("\xEF\xBB\xBF\xEF\xBB\xBF创新", "UTF-8", "a.txt");
  BOOST_TEST(d.text == "创新");
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
  } pairs[] = {{"gb2312", ""},      {"gbk", ""}, {"gb18030", ""}, {"big5", ""}, {"big5hkscs", "big5-hkscs"},
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

namespace {

// Every legacy-encoded file of corpus-real/legacy-encodings, with the encoding it declares (the
// XML declaration; "" for files that declare none) and the name to_utf8 must record. chardet's
// own expectation ("Expect: GB18030" at the top of the feeds) names the family: GB2312-declared
// feeds that use only GB2312 characters are recorded as GB2312, a subset of GB18030.
struct LegacyFile {
  const char* path;  // under legacy-encodings/
  const char* declared;
  const char* expected;
};
std::ostream& operator<<(std::ostream& o, const LegacyFile& f) {
  return o << f.path;
}

const LegacyFile kLegacyFiles[] = {
    {"chardet-tests/GB2312/acnnewswire.net.xml", "gb2312", "GB2312"},
    {"chardet-tests/GB2312/cnblog.org.xml", "gb2312", "GB2312"},
    {"chardet-tests/GB2312/w3cn.org.xml", "gb2312", "GB2312"},
    {"chardet-tests/GB2312/2.blog.westca.com.xml", "gb2312", "GB2312"},
    {"chardet-tests/GB2312/jjgod.3322.org.xml", "gb2312", "GB2312"},
    {"chardet-tests/GB2312/_mozilla_bug171813_text.html", "", "GB18030"},
    {"chardet-tests/GB2312/_chromium_gb18030_with_no_encoding_specified.html.xml", "", "GB18030"},
    {"chardet-tests/Big5/sinica.edu.tw.xml", "BIG5", "Big5"},
    {"chardet-tests/Big5/coolloud.org.tw.xml", "big5", "Big5"},
    {"chardet-tests/Big5/blog.worren.net.xml", "Big5", "Big5"},
    {"chardet-tests/Big5/marilynwu.blogspot.com.xml", "BIG5", "Big5"},
    {"chardet-tests/Big5/myblog.pchome.com.tw.xml", "Big5", "Big5"},
    {"chardet-tests/Big5/_chromium_Big5_with_no_encoding_specified.html", "", "Big5"},
    {"chardet-tests/Big5/_ude_1.txt", "", "Big5"},
    {"chardet-tests/EUC-TW/_ude_euc-tw1.txt", "", "EUC-TW"},
    {"cpython-cjkencodings/gb2312.txt", "", "GB18030"},
    {"cpython-cjkencodings/gbk.txt", "", "GB18030"},
    {"cpython-cjkencodings/gb18030.txt", "", "GB18030"},
    {"cpython-cjkencodings/big5.txt", "", "Big5"},
    {"cpython-cjkencodings/hz.txt", "", "HZ-GB-2312"},
    // 23 bytes of HKSCS: too short for any detector to tell from GBK, so it is declared.
    {"cpython-cjkencodings/big5hkscs.txt", "big5-hkscs", "Big5-HKSCS"},
};

std::string family(const std::string& name) {
  if (name == "GB2312" || name == "GBK" || name == "GB18030") return "GB18030";
  return name;
}

// "Expect: X" in the comment at the top of a chardet feed, or "".
std::string chardet_expectation(const std::string& bytes) {
  auto p = bytes.find("Expect: ");
  if (p == std::string::npos || p > 400) return {};
  auto e = bytes.find_first_of("\r\n", p);
  return bytes.substr(p + 8, e - p - 8);
}

bool has_han(const std::string& utf8) {
  // U+4E00-U+9FFF in UTF-8: E4 B8 80 - E9 BF BF.
  for (std::size_t i = 0; i + 2 < utf8.size(); ++i) {
    auto c = static_cast<unsigned char>(utf8[i]);
    if (c >= 0xE4 && c <= 0xE9) return true;
  }
  return false;
}

}  // namespace

BOOST_TEST_DECORATOR(*boost::unit_test::precondition(test::NeedsCorpusReal()))
BOOST_DATA_TEST_CASE(every_legacy_file_decodes_to_utf8_with_its_expected_encoding,
                     boost::unit_test::data::make(kLegacyFiles), f) {
  std::string bytes = test::read(test::corpus_real() + "/legacy-encodings/" + f.path);
  auto d = encoding::to_utf8(bytes, f.declared, f.path);
  BOOST_TEST(d.encoding == f.expected);
  BOOST_TEST(text::is_valid_utf8(d.text));
  BOOST_TEST(has_han(d.text));
  BOOST_TEST(d.text.find("\xEF\xBF\xBD") == std::string::npos);  // no U+FFFD replacement
  if (auto expect = chardet_expectation(bytes); !expect.empty()) BOOST_TEST(family(d.encoding) == expect);
}

BOOST_TEST_DECORATOR(*boost::unit_test::precondition(test::NeedsCorpusReal()))
BOOST_DATA_TEST_CASE(legacy_files_are_detected_without_their_declaration,
                     boost::unit_test::data::make(kLegacyFiles), f) {
  if (std::string(f.path).find("big5hkscs") != std::string::npos) return;  // see the table
  std::string bytes = test::read(test::corpus_real() + "/legacy-encodings/" + f.path);
  auto declared = encoding::to_utf8(bytes, f.declared, f.path);
  auto detected = encoding::to_utf8(bytes, "", f.path);
  BOOST_TEST(family(detected.encoding) == family(f.expected));
  BOOST_TEST(detected.text == declared.text);
}

BOOST_AUTO_TEST_CASE(euc_tw_text_decodes_to_the_same_text_as_its_big5_twin,
                     *boost::unit_test::precondition(test::NeedsCorpusReal())) {
  std::string dir = test::corpus_real() + "/legacy-encodings/chardet-tests/";
  auto euc = encoding::to_utf8(test::read(dir + "EUC-TW/_ude_euc-tw1.txt"), "", "euc-tw");
  auto big5 = encoding::to_utf8(test::read(dir + "Big5/_ude_1.txt"), "", "big5");
  BOOST_TEST(euc.encoding == "EUC-TW");
  BOOST_TEST(big5.encoding == "Big5");
  BOOST_TEST(euc.text == big5.text);
  BOOST_TEST(euc.text.find("維基大典") != std::string::npos);
}

namespace {

struct GbCase {
  const char* text;
  const char* declared;
  const char* expected;
};
std::ostream& operator<<(std::ostream& o, const GbCase& c) {
  return o << c.declared << ": " << c.text;
}

const GbCase kGbDeclared[] = {
    {"科技创新与国际合作", "gb2312", "GB2312"},  // within GB2312
    {"朱镕基总理", "gb2312", "GB18030"},         // 镕 is GBK, not GB2312
    {"朱镕基总理", "GBK", "GBK"},
    {"朱镕基总理", "gb18030", "GB18030"},
    {"\u3400字与\U00020000", "gb2312", "GB18030"},  // four-byte GB18030 sequences
    {"\u3400字", "gbk", "GB18030"},
    {"科技", "x-gbk", "GBK"},
};

}  // namespace

BOOST_DATA_TEST_CASE(gb_declarations_decode_as_gb18030_and_record_what_the_bytes_need,
                     boost::unit_test::data::make(kGbDeclared), c) {
  std::string bytes = "<p>" + encoding::from_utf8(c.text, "GB18030") + "</p>";
  auto d = encoding::to_utf8(bytes, c.declared, "gb.html");
  BOOST_TEST(d.text == std::string("<p>") + c.text + "</p>");
  BOOST_TEST(d.encoding == c.expected);
}

BOOST_AUTO_TEST_CASE(hkscs_composed_characters_decode_to_base_letter_and_combining_mark) {
  // 0x8862 0x8864 0x88A3 0x88A5 between ordinary HKSCS (0x8866 = Ê) and Big5 (0xA4A4 = 中) bytes.
  std::string bytes("\x88\x66\x88\x62 \x88\x64\xA4\xA4\x88\xA3x\x88\xA5", 14);
  auto d = encoding::to_utf8(bytes, "big5-hkscs", "hk.txt");
  BOOST_TEST(d.text == "\u00CA\u00CA\u0304 \u00CA\u030C中\u00EA\u0304x\u00EA\u030C");
  // A Big5 declaration whose bytes need HKSCS is decoded as HKSCS and says so.
  d = encoding::to_utf8(bytes, "big5", "hk.txt");
  BOOST_TEST(d.encoding == "Big5-HKSCS");
  BOOST_TEST(d.text == "\u00CA\u00CA\u0304 \u00CA\u030C中\u00EA\u0304x\u00EA\u030C");
}

BOOST_AUTO_TEST_CASE(hz_is_detected_only_when_its_escapes_hold_chinese) {
  auto d = encoding::to_utf8("Before ~{<:Ky2;S{#,NpJ)l6HK!#~} after.", "", "hz.txt");
  BOOST_TEST(d.encoding == "HZ-GB-2312");
  BOOST_TEST(d.text == "Before 己所不欲，勿施於人。 after.");
  d = encoding::to_utf8("plain ASCII with no escapes ~ at all", "", "a.txt");
  BOOST_TEST(d.encoding == "UTF-8");
}

BOOST_AUTO_TEST_CASE(encoding_text_into_a_set_that_lacks_a_character_is_an_error) {
  BOOST_CHECK_THROW(encoding::from_utf8("创新\U0001F600", "Big5"), UserError);
  BOOST_TEST(encoding::from_utf8("創新", "Big5") == std::string("\xB3\xD0\xB7\x73", 4));
}

namespace {
std::string error_of(std::string_view bytes) {
  try {
    auto d = encoding::to_utf8(bytes, "", "dir/x.txt");
    return "decoded as " + d.encoding + ": " + d.text;
  } catch (const ConvertError& e) {
    BOOST_TEST(e.code() == "encoding");
    return e.what();
  }
}
}  // namespace

BOOST_AUTO_TEST_CASE(utf8_with_a_few_broken_sequences_is_an_error_naming_the_first) {
  // Chinese UTF-8 with one cut character: not GB18030, not windows-1252, not UTF-16.
  std::string broken = "标题：开放科学\n\n开放科学共享数据和方法。\n国际合作 \xE5\x88 推动创新。\n";
  std::string e = error_of(broken);
  BOOST_TEST(e ==
             "dir/x.txt: is not valid UTF-8: 1 invalid byte sequence, the first at line 4, byte 14 (the rest "
             "is UTF-8)");
  // English with a cut sequence: GB18030 and Shift_JIS could read the two bytes as one rare
  // character, windows-1252 as two symbols; none of them is a plausible reading.
  e = error_of("Text with a cut sequence \xE5\x88 here and more text after it.\n");
  BOOST_TEST(e.find("dir/x.txt: is not valid UTF-8 (first invalid byte at line 1, byte 26)") == 0, e);
  e = error_of(std::string("Good text here \xFF\xFE and more caf\xC3 text.\n"));
  BOOST_TEST(e.find("first invalid byte at line 1, byte 16") != std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(utf16_without_bom_needs_nul_bytes_where_utf16_puts_them) {
  std::string le("T\0o\0n\0g\0w\0e\0n\0 \0\x1B\x52\xB0\x65\n\0", 22);  // "Tongwen 创新\n" in UTF-16LE
  auto d = encoding::to_utf8(le, "", "le.txt");
  BOOST_TEST(d.encoding == "UTF-16LE");
  BOOST_TEST(d.text == "Tongwen 创新\n");
  std::string be("\0T\0o\0n\0g\0 \x52\x1B\x65\xB0\0\n", 16);
  d = encoding::to_utf8(be, "", "be.txt");
  BOOST_TEST(d.encoding == "UTF-16BE");
  BOOST_TEST(d.text == "Tong 创新\n");
}

BOOST_AUTO_TEST_CASE(short_ascii_utf16_without_bom_is_utf16_not_binary) {
  // 57 characters of ASCII: its bytes are also valid UTF-8 with a NUL every other byte (finding 9).
  const std::string text = "Tongwen keeps the proceedings of the forum in two tongues";
  BOOST_REQUIRE_EQUAL(text.size(), 57u);
  std::string le, be;
  for (char c : text) {
    le += c, le += '\0';
    be += '\0', be += c;
  }
  auto d = encoding::to_utf8(le, "", "short-le.txt");
  BOOST_TEST(d.encoding == "UTF-16LE");
  BOOST_TEST(d.text == text);
  d = encoding::to_utf8(be, "", "short-be.txt");
  BOOST_TEST(d.encoding == "UTF-16BE");
  BOOST_TEST(d.text == text);
  // Chinese without ASCII has no NUL byte: nearly every character must then be Han or CJK punctuation.
  const std::string zh = "同文论坛汇集中英双语讲话，整理为可检索的会议记录。每段都保留说话人姓名与所属机构。";
  std::string zh_le = encoding::from_utf8(zh, "UTF-16LE");
  BOOST_REQUIRE(zh_le.find('\0') == std::string::npos);
  d = encoding::to_utf8(zh_le, "", "short-zh.txt");
  BOOST_TEST(d.encoding == "UTF-16LE");
  BOOST_TEST(d.text == zh);
  // NULs on both byte orders, or control characters once decoded, stay binary.
  for (const std::string& bin : {std::string("ab\0\0cd\0\0", 8), std::string("\x01\0\x02\0\x03\0\x04\0", 8)})
    BOOST_CHECK_THROW(encoding::to_utf8(bin, "", "x.bin"), ConvertError);
}

BOOST_AUTO_TEST_CASE(legacy_readings_must_look_like_text_of_their_script) {
  // Genuine Western text still decodes.
  auto d = encoding::to_utf8("Le caf\xE9 est tr\xE8s bon, na\xEFve r\xE9sum\xE9 \xE0 Paris.", "", "fr.txt");
  BOOST_TEST(d.encoding == "ISO-8859-1");
  BOOST_TEST(d.text == "Le café est très bon, naïve résumé à Paris.");
  // A short GBK text of common characters among English still decodes as GB18030.
  d = encoding::to_utf8("Keynote: " + encoding::from_utf8("开放科学", "GB18030") + " (2023)", "", "gb.txt");
  BOOST_TEST(d.encoding == "GB18030");
  BOOST_TEST(d.text == "Keynote: 开放科学 (2023)");
}
