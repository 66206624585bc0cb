// Language tags, one canonical form for the whole house (every converter names a document's
// language through canonical_lang, so the lang facet has one value per language).
#pragma once

#include <string>
#include <string_view>

namespace tongwen {

// The document language for a tag as sources write it (BCP 47, POSIX "zh_CN", ISO 639-2/3 "zho",
// "eng", any case), parsed and canonicalised by ICU (UTS #35 aliases: "chi"/"cmn"/"zh-cmn" -> zh,
// "ger" -> de):
//   - Chinese with a script ("zh-Hans-CN", "zh-Hant") or a region whose likely script ICU knows
//     ("zh-CN", "zh-SG" -> zh-Hans; "zh-TW", "zh-HK", "zh-MO" -> zh-Hant) -> "zh-Hans" / "zh-Hant";
//   - bare Chinese ("zh", "zho", "cmn") -> "": the tag does not say the script, the text decides
//     (text::detect_lang);
//   - any other language -> its primary subtag, lower case ("en-GB" -> "en", "slv" -> "sl");
//   - "", "und" -> ""; a tag ICU cannot parse -> itself, trimmed and lower-cased.
std::string canonical_lang(std::string_view tag);

}  // namespace tongwen
