// UDHR-in-XML (efele.net/udhr, the Unicode UDHR project): the Universal Declaration of Human
// Rights in one language per file. All versions form the translation group "udhr"; paragraphs
// carry structural anchors (preamble.N, aN, aN.pM, aN.iM) that are the same in every language,
// so the versions align by anchor.
#include "converters.h"
#include "tongwen/errors.h"
#include "xml.h"

namespace tongwen {

namespace {

class UdhrConverter final : public Converter {
 public:
  std::string_view name() const override { return "udhr-xml"; }
  std::string_view description() const override {
    return "UDHR in XML (efele.net/udhr): the Universal Declaration of Human Rights, one language per file";
  }
  std::vector<std::string_view> extensions() const override { return {"xml"}; }
  int sniff(std::string_view, std::string_view head) const override {
    return head.find("<udhr") != std::string_view::npos &&
                   head.find("efele.net/udhr") != std::string_view::npos
               ? 95
               : 0;
  }

  std::vector<Document> convert(const ConvertInput& in) const override {
    std::string enc;
    auto doc = xml::parse(in, &enc);
    xmlNode* root = xmlDocGetRootElement(doc.get());
    if (!xml::is(root, "udhr"))
      throw ConvertError(in.path, "malformed", "not UDHR XML: the root element is not <udhr>");
    Document d;
    d.source.encoding = enc;
    std::string key = xml::attr(root, "key");
    if (key.empty()) throw ConvertError(in.path, "missing_field", "<udhr> has no key attribute");
    d.id = "udhr-" + slugify(key);
    d.translation_group = "udhr";
    std::string lang = xml::attr(root, "lang"), script = xml::attr(root, "iso15924");
    if (lang == "zh" || lang.rfind("zh-", 0) == 0)
      d.lang = script == "Hant" || lang == "zh-Hant" ? "zh-Hant" : "zh-Hans";
    else
      d.lang = lang;
    if (d.lang != "en") d.translation_of = "udhr-eng";
    d.type = "declaration";
    d.event = "United Nations General Assembly";
    d.date = "1948-12-10";
    d.title = xml::text(xml::child(root, "title"));
    d.extra["language_name"] = xml::attr(root, "n");
    if (xmlNode* note = xml::child(root, "note")) d.description = xml::text(note);

    auto add = [&](xmlNode* n, const std::string& anchor, const char* kind) {
      std::string t = xml::text(n);
      if (t.empty()) return;
      d.paragraphs.push_back(Paragraph{t, {}, {}, kind, anchor});
    };
    if (xmlNode* pre = xml::child(root, "preamble")) {
      if (xmlNode* t = xml::child(pre, "title")) add(t, "preamble", "heading");
      int i = 0;
      for (xmlNode* p : xml::children(pre, "para")) add(p, "preamble." + std::to_string(++i), "");
    }
    for (xmlNode* art : xml::children(root, "article")) {
      std::string a = "a" + xml::attr(art, "number");
      if (xmlNode* t = xml::child(art, "title")) add(t, a, "heading");
      int p = 0, item = 0;
      for (xmlNode* c : xml::children(art)) {
        if (xml::is(c, "para")) add(c, a + ".p" + std::to_string(++p), "");
        if (xml::is(c, "orderedlist"))
          for (xmlNode* li : xml::children(c, "listitem")) add(li, a + ".i" + std::to_string(++item), "");
      }
    }
    if (d.paragraphs.empty()) throw ConvertError(in.path, "no_text", "the declaration has no articles");
    return {std::move(d)};
  }
};

}  // namespace

std::unique_ptr<Converter> make_udhr_converter() {
  return std::make_unique<UdhrConverter>();
}

}  // namespace tongwen
