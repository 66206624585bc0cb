// RSS (0.9x, 2.0), RSS 1.0 (RDF) and Atom (0.3, 1.0) feeds: one document per <item>/<entry>.
//
// Feeds in archives are often in a legacy encoding named by their XML declaration (GB2312, Big5);
// xml::parse decodes them through core's encoding facade and the encoding is recorded.
// Per item: title; the body from content:encoded / <content> (else description / summary), whose
// escaped HTML is reduced to paragraphs of text; date from pubDate (RFC 822), dc:date, published,
// issued, updated or modified; author / dc:creator / atom author name -> speakers; category /
// dc:subject / atom category@term -> topics; link -> extra["url"]. The feed's title is the event
// and its declared language is kept in extra["feed_language"] (feeds often declare it wrongly,
// so the text's script decides the document's language). Id: "feed-<file stem>-<hash of the
// item's guid, else link, else title and date>", stable while the feed grows.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include "converters.h"
#include "tongwen/errors.h"
#include "tongwen/util.h"
#include "xml.h"

namespace tongwen {

namespace {

std::string month_number(std::string m) {
  static const char* names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                "jul", "aug", "sep", "oct", "nov", "dec"};
  std::transform(m.begin(), m.end(), m.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (int i = 0; i < 12; ++i)
    if (m.rfind(names[i], 0) == 0) return (i < 9 ? "0" : "") + std::to_string(i + 1);
  return {};
}

// "Tue, 10 Jun 2003 04:00:00 GMT" or "2005-03-17T10:00:00+08:00" -> "YYYY-MM-DD"; "" otherwise.
std::string feed_date(const std::string& raw) {
  std::string s = trim(raw);
  // ISO 8601 and the looser "2005-5-28 16:05:36" some blog engines write.
  auto number = [&](std::size_t& i, std::size_t max_digits) {
    std::size_t b = i;
    while (i < s.size() && i - b < max_digits && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    return s.substr(b, i - b);
  };
  std::size_t at = 0;
  std::string iso_y = number(at, 4);
  if (iso_y.size() == 4 && at < s.size() && (s[at] == '-' || s[at] == '/')) {
    std::string iso_m = number(++at, 2);
    if (!iso_m.empty() && at < s.size() && (s[at] == '-' || s[at] == '/')) {
      std::string iso_d = number(++at, 2);
      if (!iso_d.empty())
        return iso_y + "-" + (iso_m.size() == 1 ? "0" : "") + iso_m + "-" + (iso_d.size() == 1 ? "0" : "") +
               iso_d;
    }
  }
  // RFC 822: [Day, ]DD Mon YYYY ...
  std::vector<std::string> words;
  std::string w;
  for (char c : s + " ") {
    if (c == ' ' || c == ',') {
      if (!w.empty()) words.push_back(w);
      w.clear();
    } else {
      w += c;
    }
  }
  auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  for (std::size_t i = 0; i + 2 < words.size(); ++i) {
    const auto& d = words[i];
    std::string m = month_number(words[i + 1]);
    const auto& y = words[i + 2];
    if (!m.empty() && !d.empty() && d.size() <= 2 && std::all_of(d.begin(), d.end(), digit) &&
        y.size() == 4 && std::all_of(y.begin(), y.end(), digit))
      return y + "-" + m + "-" + (d.size() == 1 ? "0" : "") + d;
  }
  return {};
}

// The first child with one of the names (local names: "encoded" is content:encoded).
xmlNode* first_of(const xmlNode* n, std::initializer_list<std::string_view> names) {
  for (auto name : names)
    if (xmlNode* c = xml::child(n, name)) return c;
  return nullptr;
}

// Element text that may be escaped HTML (RSS description, Atom content type="html").
std::vector<std::string> body_paragraphs(const xmlNode* n) {
  if (!n) return {};
  if (xml::attr(n, "mode") == "base64") return {};
  if (xml::attr(n, "type") == "xhtml" || xml::attr(n, "type") == "application/xhtml+xml") {
    std::vector<std::string> out;
    std::string t = xml::text(n);
    if (!t.empty()) out.push_back(t);
    return out;
  }
  std::string raw;  // the unescaped markup, as text
  for (const xmlNode* c = n->children; c; c = c->next)
    if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
      raw += reinterpret_cast<const char*>(c->content);
  if (trim(raw).empty()) return {};
  return html_fragment_paragraphs(raw);
}

std::string plain(const xmlNode* n) {
  auto parts = body_paragraphs(n);
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " ") + p;
  return out;
}

// Feeds are often cut short by the software that wrote them, in the middle of a character
// reference ("&#2..."), and some reference characters XML forbids ("&#0;"). Both are removed
// before parsing. The pattern is ASCII and no byte of a GB18030 or Big5 multi-byte character is
// '&', so this is safe on the undecoded bytes of ASCII-compatible encodings.
std::string repair_char_refs(std::string_view bytes, int& repairs) {
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size();) {
    if (bytes[i] != '&' || i + 1 >= bytes.size() || bytes[i + 1] != '#') {
      out += bytes[i++];
      continue;
    }
    std::size_t j = i + 2;
    bool hex = j < bytes.size() && (bytes[j] == 'x' || bytes[j] == 'X');
    if (hex) ++j;
    std::size_t digits = j;
    while (j < bytes.size() && (hex ? std::isxdigit(static_cast<unsigned char>(bytes[j]))
                                    : std::isdigit(static_cast<unsigned char>(bytes[j]))))
      ++j;
    bool terminated = j < bytes.size() && bytes[j] == ';';
    unsigned long value =
        j > digits && j - digits <= 8
            ? std::stoul(std::string(bytes.substr(digits, j - digits)), nullptr, hex ? 16 : 10)
            : 0;
    bool allowed = value == 0x9 || value == 0xA || value == 0xD || (value >= 0x20 && value <= 0xD7FF) ||
                   (value >= 0xE000 && value <= 0xFFFD) || (value >= 0x10000 && value <= 0x10FFFF);
    if (terminated && allowed) {
      out.append(bytes.substr(i, j + 1 - i));
      i = j + 1;
      continue;
    }
    ++repairs;
    i = terminated ? j + 1 : j;
  }
  return out;
}

class FeedConverter final : public Converter {
 public:
  std::string_view name() const override { return "feed"; }
  std::string_view description() const override {
    return "RSS and Atom feeds (any declared encoding): one document per item or entry";
  }
  std::vector<std::string_view> extensions() const override { return {"rss", "atom", "xml"}; }
  int sniff(std::string_view, std::string_view head) const override {
    if (head.find("<rss") != std::string_view::npos) return 90;
    if (head.find("<feed") != std::string_view::npos &&
        (head.find("purl.org/atom") != std::string_view::npos ||
         head.find("w3.org/2005/Atom") != std::string_view::npos))
      return 90;
    if (head.find("<rdf:RDF") != std::string_view::npos &&
        head.find("purl.org/rss") != std::string_view::npos)
      return 90;
    return 0;
  }

  std::vector<Document> convert(const ConvertInput& in) const override {
    std::string enc;
    int repairs = 0;
    bool ascii_compatible = !(in.bytes.size() >= 2 && ((in.bytes[0] == '\xFF' && in.bytes[1] == '\xFE') ||
                                                       (in.bytes[0] == '\xFE' && in.bytes[1] == '\xFF')));
    std::string repaired = ascii_compatible ? repair_char_refs(in.bytes, repairs) : std::string(in.bytes);
    auto parsed = xml::parse(ConvertInput{in.path, repaired, in.declared_encoding, in.limits}, &enc);
    xmlNode* root = xmlDocGetRootElement(parsed.get());
    std::string root_name(xml::name(root));
    xmlNode* channel = nullptr;
    std::vector<xmlNode*> items;
    if (root_name == "rss") {
      channel = xml::child(root, "channel");
      items = xml::children(channel, "item");
    } else if (root_name == "RDF") {
      channel = xml::child(root, "channel");
      items = xml::children(root, "item");
    } else if (root_name == "feed") {
      channel = root;
      items = xml::children(root, "entry");
    } else {
      throw ConvertError(
          in.path, "malformed",
          "not a feed: the root element is <" + root_name + ">, not <rss>, <rdf:RDF> or <feed>");
    }
    std::string feed_title = plain(xml::child(channel, "title"));
    std::string feed_lang = xml::text(xml::child(channel, "language"));
    if (feed_lang.empty()) feed_lang = xml::attr(root, "lang");
    std::string stem = slugify(std::filesystem::path(in.path).stem().string(), 40);

    std::vector<Document> out;
    std::map<std::string, int> ids;
    for (xmlNode* item : items) {
      Document d;
      d.title = plain(xml::child(item, "title"));
      std::vector<std::string> body = body_paragraphs(first_of(item, {"encoded", "content"}));
      if (body.empty()) body = body_paragraphs(first_of(item, {"description", "summary"}));
      for (auto& t : body) d.paragraphs.push_back(Paragraph{std::move(t), "", "", "", ""});
      if (xmlNode* date =
              first_of(item, {"pubDate", "date", "published", "issued", "updated", "modified", "created"}))
        d.date = feed_date(xml::text(date));
      for (xmlNode* a : xml::children(item)) {
        auto nm = xml::name(a);
        std::string who = nm == "author"
                              ? (xml::child(a, "name") ? xml::text(xml::child(a, "name")) : xml::text(a))
                          : nm == "creator" ? xml::text(a)
                                            : "";
        if (!who.empty() && std::none_of(d.speakers.begin(), d.speakers.end(),
                                         [&](const Speaker& s) { return s.name == who; }))
          d.speakers.push_back(Speaker{who, {}});
        std::string topic = nm == "category"
                                ? (xml::attr(a, "term").empty() ? xml::text(a) : xml::attr(a, "term"))
                            : nm == "subject" ? xml::text(a)
                                              : "";
        if (!topic.empty() && std::find(d.topics.begin(), d.topics.end(), topic) == d.topics.end())
          d.topics.push_back(topic);
      }
      std::string link;
      if (xmlNode* l = xml::child(item, "link"))
        link = xml::attr(l, "href").empty() ? xml::text(l) : xml::attr(l, "href");
      if (link.empty()) link = xml::attr(item, "about");
      if (!link.empty()) d.extra["url"] = link;
      std::string guid = xml::text(first_of(item, {"guid", "id"}));
      std::string key = !guid.empty() ? guid : !link.empty() ? link : d.title + "|" + d.date;
      d.id = "feed-" + stem + "-" + sha256_hex(key).substr(0, 12);
      if (int n = ++ids[d.id]; n > 1) d.id += "-" + std::to_string(n);  // a guid repeated by the feed
      d.event = feed_title;
      d.type = "news";
      if (!feed_lang.empty()) d.extra["feed_language"] = feed_lang;
      if (repairs > 0)
        d.extra["xml_repairs"] = std::to_string(repairs) + " broken character reference(s) removed";
      d.source.encoding = enc;
      if (d.title.empty() && d.paragraphs.empty()) continue;
      out.push_back(std::move(d));
    }
    if (out.empty()) throw ConvertError(in.path, "no_text", "the feed has no item with a title or text");
    return out;
  }
};

}  // namespace

std::unique_ptr<Converter> make_feed_converter() {
  return std::make_unique<FeedConverter>();
}

}  // namespace tongwen
