// Word (OOXML .docx) documents: a zip holding word/document.xml (the text), docProps/core.xml
// (title, creator, keywords, created, language) and word/styles.xml (which paragraph styles are
// headings). Only those three parts are read; nothing is ever extracted to disk.
//
// A DOCX is a risky input: the zip directory may name paths outside the archive, an entry may
// inflate to gigabytes (a zip bomb), the archive may be encrypted or corrupt. So:
//   - every entry name is checked; "../", absolute paths and drive letters give kind "unsafe";
//   - at most kMaxEntries local headers (a DOCX has a dozen or so);
//   - inflated bytes are counted while streaming, never trusted from headers: a part whose header
//     already declares more than the budget (convert.max_unzipped_mb, for all parts together) is
//     refused before inflating, and inflating stops as soon as a part exceeds what its header
//     declared or the budget is spent ("too_large"); a part (parsed whole into a tree) may not
//     exceed a quarter of convert.max_file_mb either. Memory is therefore bounded;
//   - encrypted entries give "encrypted", unknown compression methods "unsupported", anything
//     Poco's zip reader or zlib rejects and CRC mismatches give "malformed".
//
// Mapping: each w:p is a paragraph (w:t text, w:tab a tab, w:br/w:cr a newline); a paragraph whose
// style is a heading (Heading N, Title, Subtitle, 标题/標題, or an outline level) has kind
// "heading"; each table row is one paragraph, its cells joined by " | ". core.xml: dc:title ->
// title, dc:creator -> speakers, dcterms:created -> date (YYYY-MM-DD), cp:keywords -> topics
// (split on , ; 、 ，), dc:description -> description, dc:subject -> extra["subject"],
// dc:language -> lang only when it agrees with the script of the text (LibreOffice writes its
// UI language, "en-US", into Chinese documents).
#include <Poco/Exception.h>
#include <Poco/MemoryStream.h>
#include <Poco/Zip/ZipArchive.h>
#include <Poco/Zip/ZipStream.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <optional>

#include "converters.h"
#include "tongwen/errors.h"
#include "tongwen/text.h"
#include "xml.h"

namespace tongwen {

namespace {

constexpr std::size_t kMaxEntries = 10000;

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A zip entry name that would land outside the extraction folder if anyone extracted it.
bool unsafe_name(const std::string& name) {
  if (name.empty()) return false;
  if (name[0] == '/' || name[0] == '\\') return true;
  if (name.size() >= 2 && std::isalpha(static_cast<unsigned char>(name[0])) && name[1] == ':') return true;
  if (name.find('\0') != std::string::npos) return true;
  std::string n = name;
  std::replace(n.begin(), n.end(), '\\', '/');
  std::size_t start = 0;
  while (start <= n.size()) {
    auto slash = n.find('/', start);
    std::string_view part(n.data() + start, (slash == std::string::npos ? n.size() : slash) - start);
    if (part == "..") return true;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return false;
}

std::size_t count_occurrences(std::string_view hay, std::string_view needle, std::size_t stop_after) {
  std::size_t n = 0;
  for (std::size_t p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + needle.size()))
    if (++n > stop_after) break;
  return n;
}

// The three parts we need, read from the zip with the safety rules above.
class Package {
 public:
  Package(const ConvertInput& in) : in_(in), budget_(in.limits.max_unzipped_bytes) {
    std::string_view b = in.bytes;
    if (b.substr(0, 8) == std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) {
      // An OLE compound file: Office stores password-protected .docx files this way
      // (an "EncryptedPackage" stream); otherwise it is a legacy binary .doc.
      static const char encrypted_package[] = "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0";
      if (b.find(std::string_view(encrypted_package, sizeof encrypted_package - 1)) != std::string_view::npos)
        throw ConvertError(in.path, "encrypted", "a password-protected Office document (encrypted package)");
      throw ConvertError(in.path, "unsupported",
                         "a legacy binary Word document (.doc), not a .docx zip package");
    }
    if (b.size() < 4 || b.substr(0, 2) != "PK")
      throw ConvertError(in.path, "malformed", "not a zip archive (a .docx file is a zip package)");
    if (b.substr(0, 4) == std::string_view("PK\x05\x06", 4))
      throw ConvertError(in.path, "malformed", "an empty zip archive (no word/document.xml)");
    if (b.substr(0, 4) != std::string_view("PK\x03\x04", 4))
      throw ConvertError(in.path, "malformed", "not a zip archive (a .docx file is a zip package)");
    if (count_occurrences(b, std::string_view("PK\x03\x04", 4), kMaxEntries) > kMaxEntries)
      throw ConvertError(
          in.path, "too_large",
          "the zip holds more than " + std::to_string(kMaxEntries) + " entries; a DOCX has a few dozen");
    try {
      stream_ = std::make_unique<Poco::MemoryInputStream>(in.bytes.data(),
                                                          static_cast<std::streamsize>(in.bytes.size()));
      archive_ = std::make_unique<Poco::Zip::ZipArchive>(*stream_);
    } catch (const Poco::Exception& e) {
      throw ConvertError(in.path, "malformed", "corrupt zip archive: " + e.displayText());
    } catch (const std::exception& e) {
      throw ConvertError(in.path, "malformed", std::string("corrupt zip archive: ") + e.what());
    }
    for (auto it = archive_->headerBegin(); it != archive_->headerEnd(); ++it)
      if (unsafe_name(it->first))
        throw ConvertError(in.path, "unsafe",
                           "the zip names an entry outside the archive: \"" + it->first + "\"");
    for (auto it = archive_->fileInfoBegin(); it != archive_->fileInfoEnd(); ++it)
      if (unsafe_name(it->first))
        throw ConvertError(in.path, "unsafe",
                           "the zip directory names an entry outside the archive: \"" + it->first + "\"");
  }

  // The inflated bytes of a part, or nothing when the archive has no such entry.
  std::optional<std::string> read(const std::string& name) {
    auto h = archive_->findHeader(name);
    if (h == archive_->headerEnd()) return std::nullopt;
    const Poco::Zip::ZipLocalFileHeader& header = h->second;
    if (header.isEncrypted())
      throw ConvertError(in_.path, "encrypted",
                         "the zip entry " + name + " is encrypted (password-protected document)");
    auto method = header.getCompressionMethod();
    if (method != Poco::Zip::ZipCommon::CM_STORE && method != Poco::Zip::ZipCommon::CM_DEFLATE)
      throw ConvertError(in_.path, "unsupported",
                         "the zip entry " + name + " uses compression method " +
                             std::to_string(static_cast<int>(method)) +
                             " (only stored and deflate are read)");
    std::uint64_t declared = header.getUncompressedSize();
    for (auto it = archive_->fileInfoBegin(); it != archive_->fileInfoEnd(); ++it)
      if (it->first == name) declared = std::max<std::uint64_t>(declared, it->second.getUncompressedSize());
    if (declared > budget_)
      throw ConvertError(in_.path, "too_large",
                         "the zip entry " + name + " inflates to " + std::to_string(declared) +
                             " bytes, over the limit of " + std::to_string(in_.limits.max_unzipped_bytes) +
                             " (convert.max_unzipped_mb)");
    // Each part is held whole and parsed into a libxml2 tree, and its paragraphs become the
    // document model: 22 times the part's size for dense markup (a 99 MB document.xml peaked at
    // 2.2 GB; 250 MB, 730 KB deflated, at 5.4 GB, or killed the worker). So one part may unpack
    // to a quarter of convert.max_file_mb (25 MB by default: a long report's is a few MB).
    if (declared > in_.limits.max_file_bytes / 4)
      throw ConvertError(in_.path, "too_large",
                         "the zip entry " + name + " inflates to " + std::to_string(declared) +
                             " bytes, over the limit of " + std::to_string(in_.limits.max_file_bytes / 4) +
                             " for one XML part (a quarter of convert.max_file_mb)");
    std::string out;
    out.reserve(static_cast<std::size_t>(declared));
    try {
      Poco::MemoryInputStream raw(in_.bytes.data(), static_cast<std::streamsize>(in_.bytes.size()));
      Poco::Zip::ZipInputStream zin(raw, header, true);
      char buf[65536];
      while (zin) {
        zin.read(buf, sizeof buf);
        auto n = static_cast<std::size_t>(zin.gcount());
        if (n == 0) break;
        // Stop at the first byte beyond what the header declared (a header that lies about the
        // size is how zip bombs get past size checks) or beyond the budget.
        if (out.size() + n > declared)
          throw ConvertError(in_.path, "too_large",
                             "the zip entry " + name + " inflates beyond its declared size of " +
                                 std::to_string(declared) + " bytes (a zip bomb?)");
        out.append(buf, n);
      }
      if (zin.bad() || out.size() != declared || !zin.crcValid())
        throw ConvertError(in_.path, "malformed",
                           "the zip entry " + name + " is corrupt (size or CRC mismatch)");
    } catch (const Poco::Exception& e) {
      throw ConvertError(in_.path, "malformed", "the zip entry " + name + " is corrupt: " + e.displayText());
    }
    budget_ -= out.size();
    return out;
  }

 private:
  const ConvertInput& in_;
  std::uint64_t budget_;
  std::unique_ptr<Poco::MemoryInputStream> stream_;
  std::unique_ptr<Poco::Zip::ZipArchive> archive_;
};

xml::DocPtr parse_part(const ConvertInput& in, const std::string& part, const std::string& bytes) {
  try {
    return xml::parse(ConvertInput{in.path, bytes, "", in.limits});
  } catch (const ConvertError& e) {
    throw ConvertError(in.path, e.code(), part + ": " + e.detail());
  }
}

// Text of the element's text nodes, as written (w:t keeps its spaces: xml:space="preserve").
void append_text_nodes(const xmlNode* n, std::string& out) {
  for (const xmlNode* c = n->children; c; c = c->next)
    if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
      out += reinterpret_cast<const char*>(c->content);
}

// The visible text inside a paragraph (runs, hyperlinks, insertions, fields, text boxes).
// Deleted text, field instructions and the fallback copy of alternate content are skipped.
void inline_text(const xmlNode* n, std::string& out) {
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    std::string_view nm = xml::name(c);
    if (nm == "t") {
      append_text_nodes(c, out);
    } else if (nm == "tab" || nm == "ptab") {
      out.push_back('\t');
    } else if (nm == "br" || nm == "cr") {
      out.push_back('\n');
    } else if (nm == "noBreakHyphen") {
      out.push_back('-');
    } else if (nm == "pPr" || nm == "rPr" || nm == "del" || nm == "delText" || nm == "instrText" ||
               nm == "delInstrText" || nm == "Fallback" || nm == "moveFrom" || nm == "footnoteReference" ||
               nm == "endnoteReference" || nm == "commentReference" || nm == "softHyphen") {
      continue;
    } else if (nm == "p") {  // a paragraph inside a text box
      if (!out.empty() && out.back() != '\n') out.push_back('\n');
      inline_text(c, out);
    } else {
      inline_text(c, out);
    }
  }
}

struct Styles {
  std::map<std::string, bool> heading;  // style id -> is a heading style
};

bool heading_name(const std::string& id_or_name) {
  std::string l = lower(id_or_name);
  return l.rfind("heading", 0) == 0 || l == "title" || l == "subtitle" ||
         l.find("标题") != std::string::npos || l.find("標題") != std::string::npos;
}

Styles read_styles(xmlNode* root) {
  Styles s;
  for (xmlNode* st : xml::children(root, "style")) {
    if (xml::attr(st, "type") != "paragraph") continue;
    std::string id = xml::attr(st, "styleId");
    bool h = heading_name(id) || heading_name(xml::attr(xml::child(st, "name"), "val"));
    if (xmlNode* ppr = xml::child(st, "pPr"); ppr && xml::child(ppr, "outlineLvl")) {
      std::string lvl = xml::attr(xml::child(ppr, "outlineLvl"), "val");
      if (!lvl.empty() && lvl != "9") h = true;
    }
    s.heading[id] = h;
  }
  return s;
}

class Body {
 public:
  Body(const Styles& styles, std::vector<Paragraph>& out) : styles_(styles), out_(out) {}

  void blocks(const xmlNode* parent) {
    for (const xmlNode* c = parent->children; c; c = c->next) {
      if (c->type != XML_ELEMENT_NODE) continue;
      std::string_view nm = xml::name(c);
      if (nm == "p") {
        paragraph(c);
      } else if (nm == "tbl") {
        table(c);
      } else if (nm == "sdt") {
        if (const xmlNode* content = xml::child(c, "sdtContent")) blocks(content);
      } else if (nm == "customXml" || nm == "smartTag" || nm == "ins" || nm == "AlternateContent" ||
                 nm == "Choice") {
        blocks(c);
      }
    }
  }

 private:
  void paragraph(const xmlNode* p) {
    std::string text;
    inline_text(p, text);
    Paragraph para;
    para.text = trim(text);
    if (para.text.empty()) return;
    if (const xmlNode* ppr = xml::child(p, "pPr")) {
      std::string style = xml::attr(xml::child(ppr, "pStyle"), "val");
      auto it = styles_.heading.find(style);
      bool h = it != styles_.heading.end() ? it->second : heading_name(style);
      if (const xmlNode* lvl = xml::child(ppr, "outlineLvl")) h = h || xml::attr(lvl, "val") != "9";
      if (h) para.kind = "heading";
    }
    out_.push_back(std::move(para));
  }

  // One paragraph per row; nested tables are flattened into their cell's text.
  void table(const xmlNode* tbl) {
    for (const xmlNode* tr : xml::children(tbl, "tr")) {
      std::string row;
      for (const xmlNode* tc : xml::children(tr, "tc")) {
        std::string cell;
        cell_text(tc, cell);
        cell = trim(cell);
        if (cell.empty()) continue;
        if (!row.empty()) row += " | ";
        row += cell;
      }
      if (!row.empty()) out_.push_back(Paragraph{row, {}, {}, {}, {}});
    }
  }

  void cell_text(const xmlNode* n, std::string& out) {
    for (const xmlNode* c = n->children; c; c = c->next) {
      if (c->type != XML_ELEMENT_NODE) continue;
      std::string_view nm = xml::name(c);
      if (nm == "p") {
        std::string t;
        inline_text(c, t);
        t = trim(t);
        if (t.empty()) continue;
        if (!out.empty()) out.push_back(' ');
        out += t;
      } else if (nm != "tcPr") {
        cell_text(c, out);
      }
    }
  }

  const Styles& styles_;
  std::vector<Paragraph>& out_;
};

std::string element_text(xmlNode* root, std::string_view name) {
  xmlNode* n = xml::child(root, name);
  if (!n) return {};
  std::string s;
  append_text_nodes(n, s);
  return trim(s);
}

// "2019-03-05T08:00:00Z" -> "2019-03-05"; anything else that starts with a year keeps the year.
std::string iso_date(const std::string& s) {
  auto digits = [&](std::size_t from, std::size_t n) {
    if (s.size() < from + n) return false;
    for (std::size_t i = from; i < from + n; ++i)
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    return true;
  };
  if (digits(0, 4) && s.size() >= 10 && s[4] == '-' && digits(5, 2) && s[7] == '-' && digits(8, 2))
    return s.substr(0, 10);
  if (digits(0, 4)) return s.substr(0, 4);
  return {};
}

std::string language_tag(const std::string& declared, const std::string& detected) {
  std::string l = lower(declared);
  std::string primary = l.substr(0, l.find_first_of("-_"));
  if (primary.empty() || detected == "und") return {};
  std::string detected_primary = detected.substr(0, detected.find('-'));
  if (primary != detected_primary) return {};  // the declaration contradicts the text
  if (primary == "zh") {
    if (l.find("hant") != std::string::npos || l.ends_with("tw") || l.ends_with("hk") || l.ends_with("mo"))
      return "zh-Hant";
    if (l.find("hans") != std::string::npos || l.ends_with("cn") || l.ends_with("sg")) return "zh-Hans";
    return detected;
  }
  return primary;
}

class DocxConverter final : public Converter {
 public:
  std::string_view name() const override { return "docx"; }
  bool isolated() const override { return true; }  // Poco::Zip and inflate on hostile bytes (zip bombs)
  std::string_view description() const override {
    return "Word documents (.docx): paragraphs, headings, tables; title, author, keywords, date from "
           "core.xml";
  }
  std::vector<std::string_view> extensions() const override { return {"docx"}; }
  int sniff(std::string_view, std::string_view head) const override {
    if (head.substr(0, 4) != std::string_view("PK\x03\x04", 4)) return 0;
    if (head.find("word/") != std::string_view::npos) return 90;
    return head.find("[Content_Types].xml") != std::string_view::npos ? 40 : 10;
  }

  std::vector<Document> convert(const ConvertInput& in) const override {
    Package pkg(in);
    auto body_xml = pkg.read("word/document.xml");
    if (!body_xml)
      throw ConvertError(in.path, "malformed", "not a Word document: the zip has no word/document.xml");
    Styles styles;
    if (auto styles_xml = pkg.read("word/styles.xml")) {
      // Styles only refine headings: a broken styles part does not lose the text.
      try {
        auto sdoc = parse_part(in, "word/styles.xml", *styles_xml);
        styles = read_styles(xmlDocGetRootElement(sdoc.get()));
      } catch (const ConvertError& e) {
        if (e.code() == "unsafe") throw;
      }
    }
    Document d;
    {
      auto doc = parse_part(in, "word/document.xml", *body_xml);
      body_xml->clear();
      body_xml->shrink_to_fit();
      xmlNode* root = xmlDocGetRootElement(doc.get());
      if (!xml::is(root, "document"))
        throw ConvertError(in.path, "malformed", "word/document.xml: the root element is not <w:document>");
      xmlNode* body = xml::child(root, "body");
      if (!body) throw ConvertError(in.path, "malformed", "word/document.xml has no <w:body>");
      Body(styles, d.paragraphs).blocks(body);
    }
    if (auto core_xml = pkg.read("docProps/core.xml")) {
      auto cdoc = parse_part(in, "docProps/core.xml", *core_xml);
      xmlNode* root = xmlDocGetRootElement(cdoc.get());
      d.title = element_text(root, "title");
      for (auto& name : split_list(element_text(root, "creator"))) d.speakers.push_back(Speaker{name, {}});
      std::string keywords = element_text(root, "keywords");
      for (const char* sep : {",", "，"})
        for (auto p = keywords.find(sep); p != std::string::npos; p = keywords.find(sep))
          keywords.replace(p, std::strlen(sep), ";");
      d.topics = split_list(keywords);
      d.date = iso_date(element_text(root, "created"));
      d.description = element_text(root, "description");
      if (auto subject = element_text(root, "subject"); !subject.empty()) d.extra["subject"] = subject;
      if (auto lang = element_text(root, "language"); !lang.empty()) {
        std::string sample;
        for (const auto& p : d.paragraphs) {
          sample += p.text;
          sample += '\n';
          if (sample.size() > 20000) break;
        }
        d.lang = language_tag(lang, text::detect_language(sample));
      }
    }
    if (d.paragraphs.empty()) throw ConvertError(in.path, "no_text", "the document contains no text");
    if (d.title.empty() && d.paragraphs.front().kind == "heading") d.title = d.paragraphs.front().text;
    return {std::move(d)};
  }
};

}  // namespace

std::unique_ptr<Converter> make_docx_converter() {
  return std::make_unique<DocxConverter>();
}

}  // namespace tongwen
