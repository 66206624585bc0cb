// IWSLT/TED talk XML (mteval): one document per talk and language.
//
//   <mteval><srcset setid=... srclang="chinese">   (or <refset ... trglang="english">)
//     <doc docid="69"><url/><description/><keywords>a,b</keywords><talkid/>
//       <title>Speaker Name: Talk title</title><seg id="1">...</seg>...
//
// Speaker: the title before the colon. Chinese titles often lack it; then the speaker comes from
// the English file of the same set in the same folder (the sibling), which names it. Keywords
// become topics; the zh and en versions of a talk form the translation group "ted-<talkid>";
// every <seg> is a paragraph whose anchor is its id (the alignment the format carries).
#include <Poco/DirectoryIterator.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Path.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "converters.h"
#include "tongwen/errors.h"
#include "tongwen/lang.h"
#include "tongwen/util.h"
#include "xml.h"

namespace tongwen {

namespace {

// IWSLT names languages in words or as "zh"; its Chinese is Simplified.
std::string lang_tag(const std::string& iwslt) {
  if (iwslt == "chinese" || iwslt == "zh") return "zh-Hans";
  if (iwslt == "english") return "en";
  return canonical_lang(iwslt);
}

// Splits "Name: Title" (ASCII or full-width colon). Returns {"", title} when there is no colon.
std::pair<std::string, std::string> split_title(const std::string& title) {
  for (std::string_view colon : {std::string_view(":"), std::string_view("：")}) {
    auto p = title.find(colon);
    if (p != std::string::npos && p > 0 && p < 120)
      return {trim(title.substr(0, p)), trim(title.substr(p + colon.size()))};
  }
  return {"", title};
}

bool is_connector(const std::string& w) {
  static const char* words[] = {"on",       "demos", "is",  "warns", "says",  "talks", "shares", "asks",
                                "explains", "about", "and", "at",    "makes", "tells", "shows",  "reveals"};
  for (const char* c : words)
    if (w == c) return true;
  return false;
}

std::vector<std::string> split_on(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// Speaker of a talk whose title has no "Name: " part. TED titles and URLs follow a few patterns:
// "Barry Schwartz on the paradox of choice" (the name before a connecting word) and
// .../talks/mark_bezos_a_life_lesson_from_a_volunteer_firefighter.html (the name before the
// title's first words in the URL slug). Returns "" when neither pattern fits.
std::string speaker_from_title_or_url(const std::string& title, const std::string& url) {
  std::vector<std::string> title_words = split_on(slugify(title, 200), '-');
  std::string slug = url.substr(url.find_last_of('/') + 1);
  slug = slug.substr(0, slug.find('.'));
  std::vector<std::string> url_words = split_on(slug, '_');
  auto title_case = [](std::vector<std::string> words) {
    std::string out;
    for (auto& w : words) {
      if (!w.empty()) w[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
      out += (out.empty() ? "" : " ") + w;
    }
    return out;
  };
  // 1. The URL slug: words before where the title's first two words start.
  if (title_words.size() >= 2 && url_words.size() > 2) {
    for (std::size_t k = 1; k + 1 < url_words.size(); ++k) {
      if (url_words[k] != title_words[0] || url_words[k + 1] != title_words[1]) continue;
      std::vector<std::string> name(url_words.begin(), url_words.begin() + static_cast<long>(k));
      while (!name.empty() && is_connector(name.back())) name.pop_back();
      if (name.size() >= 2 && name.size() <= 5) return title_case(name);
      break;
    }
  }
  // 2. The title: capitalised words (and name particles) before a connecting word.
  std::vector<std::string> words = split_on(title, ' ');
  std::string name;
  std::size_t count = 0;
  for (const auto& w : words) {
    std::string lower = slugify(w);
    if (is_connector(lower)) return count >= 2 ? name : "";
    bool capital = std::isupper(static_cast<unsigned char>(w[0]));
    bool particle =
        lower == "y" || lower == "de" || lower == "van" || lower == "von" || lower == "da" || lower == "di";
    if (!capital && !particle) return "";
    name += (name.empty() ? "" : " ") + w;
    if (++count > 5) return "";
  }
  return "";
}

// The speaker named by a <doc>: title before the colon, else the patterns above.
std::string doc_speaker(xmlNode* d, std::string* title_out) {
  auto [speaker, title] = split_title(xml::text(xml::child(d, "title")));
  if (speaker.empty()) speaker = speaker_from_title_or_url(title, xml::text(xml::child(d, "url")));
  if (title_out) *title_out = title;
  return speaker;
}

struct SetInfo {
  xmlNode* set = nullptr;
  std::string setid, lang;
};

SetInfo find_set(xmlNode* root) {
  SetInfo s;
  for (xmlNode* c : xml::children(root)) {
    if (xml::is(c, "srcset") || xml::is(c, "refset") || xml::is(c, "tstset")) {
      s.set = c;
      s.setid = xml::attr(c, "setid");
      s.lang = lang_tag(xml::is(c, "srcset") ? xml::attr(c, "srclang") : xml::attr(c, "trglang"));
      break;
    }
  }
  return s;
}

// Speakers by talk id from the other-language file of the same set, next to `path`. IWSLT names
// the two files alike but for the language before ".xml" (IWSLT15.TED.dev2010.zh-en.zh.xml and
// ...zh-en.en.xml): those are read first, and the rest of the folder only when no such file holds
// the set, so that a folder of thousands of XML files is not read once per Chinese file.
std::map<std::string, std::string> sibling_speakers(const std::string& path, const std::string& setid,
                                                    const std::string& lang, const ConvertLimits& limits) {
  std::map<std::string, std::string> out;
  Poco::Path dir = Poco::Path(path).parent();
  std::string name = Poco::Path(path).getFileName();
  std::string stem = name.size() > 4 ? name.substr(0, name.size() - 4) : name;  // without ".xml"
  std::string prefix = stem.substr(0, stem.find_last_of('.') + 1);              // up to the language
  std::vector<std::string> likely, rest;
  try {
    for (Poco::DirectoryIterator it(dir.toString().empty() ? "." : dir.toString()), end; it != end; ++it) {
      std::string p = it->path();
      if (p == path || !p.ends_with(".xml") || !it->isFile() || it->getSize() > limits.max_file_bytes)
        continue;
      (!prefix.empty() && it.name().starts_with(prefix) ? likely : rest).push_back(p);
    }
  } catch (const Poco::Exception&) {
    return out;
  }
  auto read_set = [&](const std::string& p) {
    std::string bytes;
    try {
      bytes = read_file(p, limits.max_file_bytes);
    } catch (const Error&) {
      return;
    }
    if (bytes.find("<mteval") == std::string::npos || bytes.find("\"" + setid + "\"") == std::string::npos)
      return;
    try {
      auto doc = xml::parse(ConvertInput{p, bytes, "", limits});
      SetInfo s = find_set(xmlDocGetRootElement(doc.get()));
      if (!s.set || s.setid != setid || s.lang == lang) return;
      for (xmlNode* d : xml::children(s.set, "doc")) {
        std::string speaker = doc_speaker(d, nullptr);
        if (!speaker.empty()) out[xml::attr(d, "docid")] = speaker;
      }
    } catch (const Error&) {
    }
  };
  std::sort(likely.begin(), likely.end());
  std::sort(rest.begin(), rest.end());
  for (const auto* group : {&likely, &rest})
    for (const auto& p : *group) {
      read_set(p);
      if (!out.empty()) return out;
    }
  return out;
}

class TedConverter final : public Converter {
 public:
  std::string_view name() const override { return "ted-xml"; }
  std::string_view description() const override {
    return "IWSLT/TED talk XML (mteval srcset/refset): one document per talk and language";
  }
  std::vector<std::string_view> extensions() const override { return {"xml"}; }
  int sniff(std::string_view, std::string_view head) const override {
    if (head.find("<mteval") != std::string_view::npos &&
        (head.find("<srcset") != std::string_view::npos || head.find("<refset") != std::string_view::npos))
      return 95;
    return 0;
  }

  std::vector<Document> convert(const ConvertInput& in) const override {
    std::string enc;
    auto doc = xml::parse(in, &enc);
    xmlNode* root = xmlDocGetRootElement(doc.get());
    // TED is the fallback for .xml that no XML converter recognised: a well-formed document of
    // another vocabulary is unsupported, not broken.
    if (!xml::is(root, "mteval"))
      throw ConvertError(in.path, "unsupported",
                         "XML with root element <" + std::string(xml::name(root)) +
                             "> is not a format Tongwen reads (see `tongwen formats`; --format forces one)");
    SetInfo set = find_set(root);
    if (!set.set) throw ConvertError(in.path, "malformed", "no <srcset> or <refset> in <mteval>");
    if (set.lang.empty())
      throw ConvertError(in.path, "missing_field", "the set names no language (srclang/trglang)");
    std::map<std::string, std::string> other_speakers;
    bool looked = false;

    std::vector<Document> out;
    for (xmlNode* d : xml::children(set.set, "doc")) {
      Document doc_out;
      std::string talkid = xml::text(xml::child(d, "talkid"));
      std::string docid = xml::attr(d, "docid");
      if (talkid.empty()) talkid = docid;
      if (talkid.empty())
        throw ConvertError(in.path, "missing_field",
                           "a <doc> at line " + std::to_string(d->line) + " has neither docid nor <talkid>");
      std::string primary = set.lang.substr(0, set.lang.find('-'));
      doc_out.id = "ted-" + talkid + "-" + primary;
      doc_out.lang = set.lang;
      doc_out.type = "speech";
      doc_out.event = "TED";
      doc_out.translation_group = "ted-" + talkid;
      if (primary != "en") doc_out.translation_of = "ted-" + talkid + "-en";
      std::string title;
      std::string speaker = doc_speaker(d, &title);
      // Chinese titles rarely name the speaker: take the English file's.
      if (speaker.empty() || set.lang != "en") {
        std::string own = speaker;
        if (!looked) {
          other_speakers = sibling_speakers(in.path, set.setid, set.lang, in.limits);
          looked = true;
        }
        auto it = other_speakers.find(docid.empty() ? talkid : docid);
        // Keep a Chinese name from a "名字: 标题" title; otherwise the English file's name.
        if (it != other_speakers.end() &&
            (own.empty() || split_title(xml::text(xml::child(d, "title"))).first.empty()))
          speaker = it->second;
      }
      doc_out.title = title;
      if (!speaker.empty()) doc_out.speakers.push_back(Speaker{speaker, {}});
      std::string description = xml::text(xml::child(d, "description"));
      const std::string boiler = "TED Talk Subtitles and Transcript:";
      if (description.rfind(boiler, 0) == 0) description = trim(description.substr(boiler.size()));
      doc_out.description = description;
      std::string keywords = xml::text(xml::child(d, "keywords"));
      std::replace(keywords.begin(), keywords.end(), ',', ';');
      for (auto& k : split_list(keywords))
        if (k != "talks") doc_out.topics.push_back(k);
      if (auto url = xml::text(xml::child(d, "url")); !url.empty()) doc_out.extra["url"] = url;
      doc_out.extra["talkid"] = talkid;
      if (!set.setid.empty()) doc_out.extra["setid"] = set.setid;
      if (auto t = xml::text(xml::child(d, "translator")); !t.empty()) doc_out.extra["translator"] = t;
      if (auto r = xml::text(xml::child(d, "reviewer")); !r.empty()) doc_out.extra["reviewer"] = r;
      for (xmlNode* seg : xml::children(d, "seg")) {
        Paragraph p;
        p.text = xml::text(seg);
        p.anchor = xml::attr(seg, "id");
        p.kind = "segment";
        p.speaker = speaker;
        doc_out.paragraphs.push_back(std::move(p));
      }
      if (doc_out.paragraphs.empty())
        throw ConvertError(in.path, "no_text", "talk " + talkid + " has no <seg> text");
      doc_out.source.encoding = enc;
      out.push_back(std::move(doc_out));
    }
    if (out.empty()) throw ConvertError(in.path, "no_text", "the set contains no <doc>");
    return out;
  }
};

}  // namespace

std::unique_ptr<Converter> make_ted_converter() {
  return std::make_unique<TedConverter>();
}

}  // namespace tongwen
