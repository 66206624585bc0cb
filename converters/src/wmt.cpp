// WMT test-set XML (WMT21 onwards, the successor of the SGM format): one document per <doc> and
// side, the source and each human reference forming one translation group.
//
//   <dataset id="wmttest2022">
//     <collection id="general">
//       <doc origlang="zh" id="xinhua-zh-01.104145">
//         <src lang="zh"><p><seg id="1">…</seg>…</p>…</src>
//         <ref lang="en" translator="A"><p><seg id="1">…</seg>…</p></ref>
//         <ref lang="en" translator="B">…</ref>
//         <hyp system="…">…</hyp>               (system outputs: not archived)
//
// Ids: group "wmt-<docid>"; the source "wmt-<docid>-<srclang>", a reference
// "wmt-<docid>-<lang>-<translator>" ("wmt-<docid>-<lang>" without translator, with "-2", "-3"
// for further unnamed ones); every reference is `translation_of` the source.
// Paragraphs: one per <seg>, kind "segment", anchor "p<P>.s<SEG>" where P is the 1-based index
// of the <p> in its side and SEG the seg id. Seg ids are unique within a doc and the <p>
// structure is the same on every side, so the anchor aligns source and references and also keeps
// the <p> boundaries (the anchors of one <p> share their "p<P>." prefix).
// Title: WMT has none; the first segment (news headlines come first) up to 80 characters.
// Type and extra["domain"]: from the collection and the doc id's origin (xinhua-… and other news
// outlets -> news, ecommerce_… -> ecommerce, social_… -> social, …CLIENT… -> conversation,
// biomedical collections -> biomedical). Event: the collection id; extra: dataset, docid,
// origlang, translator.
#include <map>

#include "converters.h"
#include "tongwen/errors.h"
#include "tongwen/lang.h"
#include "xml.h"

namespace tongwen {

namespace {

std::string domain_of(const std::string& collection, const std::string& docid) {
  if (collection.rfind("biomedical", 0) == 0) return "biomedical";
  if (docid.rfind("ecommerce", 0) == 0) return "ecommerce";
  if (docid.rfind("social", 0) == 0) return "social";
  if (docid.find("CLIENT") != std::string::npos || docid.rfind("conversation", 0) == 0) return "conversation";
  return "news";
}

// At most `max_chars` characters of UTF-8 text, cut at a character boundary.
std::string first_chars(const std::string& s, std::size_t max_chars) {
  std::size_t i = 0, n = 0;
  while (i < s.size() && n < max_chars) {
    auto c = static_cast<unsigned char>(s[i]);
    i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    ++n;
  }
  if (i >= s.size()) return s;
  return trim(s.substr(0, i)) + "…";
}

class WmtConverter final : public Converter {
 public:
  std::string_view name() const override { return "wmt-xml"; }
  std::string_view description() const override {
    return "WMT test-set XML (dataset/collection/doc/src|ref): one document per doc and side, "
           "source and references aligned by seg id";
  }
  std::vector<std::string_view> extensions() const override { return {"xml"}; }
  int sniff(std::string_view, std::string_view head) const override {
    if (head.find("<dataset") != std::string_view::npos &&
        (head.find("<collection") != std::string_view::npos || head.find("<doc") != std::string_view::npos))
      return 90;
    return 0;
  }

  std::vector<Document> convert(const ConvertInput& in) const override {
    std::string enc;
    auto doc = xml::parse(in, &enc);
    xmlNode* root = xmlDocGetRootElement(doc.get());
    if (!xml::is(root, "dataset"))
      throw ConvertError(
          in.path, "malformed",
          "not WMT XML: the root element is <" + std::string(xml::name(root)) + ">, not <dataset>");
    std::string dataset = xml::attr(root, "id");
    std::vector<Document> out;
    for (xmlNode* collection : xml::children(root, "collection")) {
      std::string cid = xml::attr(collection, "id");
      for (xmlNode* d : xml::children(collection, "doc")) convert_doc(in, d, dataset, cid, enc, out);
    }
    if (out.empty()) throw ConvertError(in.path, "no_text", "the dataset contains no <doc> with a <src>");
    return out;
  }

 private:
  static void convert_doc(const ConvertInput& in, xmlNode* d, const std::string& dataset,
                          const std::string& collection, const std::string& enc, std::vector<Document>& out) {
    std::string docid = xml::attr(d, "id");
    if (docid.empty())
      throw ConvertError(in.path, "missing_field",
                         "a <doc> at line " + std::to_string(d->line) + " has no id");
    xmlNode* src = xml::child(d, "src");
    if (!src)
      throw ConvertError(in.path, "missing_field",
                         "<doc id=\"" + docid + "\"> at line " + std::to_string(d->line) + " has no <src>");
    std::string group = "wmt-" + docid;
    std::string origlang = xml::attr(d, "origlang");
    std::string domain = domain_of(collection, docid);
    std::string src_lang = xml::attr(src, "lang");
    std::string src_id = group + "-" + (src_lang.empty() ? "src" : src_lang);

    auto side = [&](xmlNode* n, const std::string& id, const std::string& translator) {
      Document doc;
      doc.id = id;
      doc.lang = canonical_lang(xml::attr(n, "lang"));
      doc.type = domain;
      doc.event = collection;
      doc.translation_group = group;
      doc.extra["domain"] = domain;
      doc.extra["docid"] = docid;
      if (!dataset.empty()) doc.extra["dataset"] = dataset;
      if (!origlang.empty()) doc.extra["origlang"] = origlang;
      if (!translator.empty()) doc.extra["translator"] = translator;
      int p_index = 0;
      auto add_segs = [&](xmlNode* parent, int p) {
        for (xmlNode* seg : xml::children(parent, "seg")) {
          Paragraph para;
          para.text = xml::text(seg);
          para.kind = "segment";
          para.anchor = "p" + std::to_string(p) + ".s" + xml::attr(seg, "id");
          doc.paragraphs.push_back(std::move(para));
        }
      };
      for (xmlNode* p : xml::children(n, "p")) add_segs(p, ++p_index);
      add_segs(n, 0);  // segs directly under the side, without <p> (older files)
      for (const auto& p : doc.paragraphs)
        if (!p.text.empty()) {
          doc.title = first_chars(p.text, 80);
          break;
        }
      doc.source.encoding = enc;
      return doc;
    };

    out.push_back(side(src, src_id, ""));
    std::map<std::string, int> unnamed;
    for (xmlNode* ref : xml::children(d, "ref")) {
      std::string lang = xml::attr(ref, "lang");
      std::string translator = xml::attr(ref, "translator");
      std::string id = group + "-" + (lang.empty() ? "ref" : lang);
      if (!translator.empty()) {
        id += "-" + translator;
      } else if (int n = ++unnamed[lang]; n > 1) {
        id += "-" + std::to_string(n);
      }
      Document r = side(ref, id, translator);
      r.translation_of = src_id;
      out.push_back(std::move(r));
    }
  }
};

}  // namespace

std::unique_ptr<Converter> make_wmt_converter() {
  return std::make_unique<WmtConverter>();
}

}  // namespace tongwen
