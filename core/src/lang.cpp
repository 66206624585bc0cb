#include "tongwen/lang.h"

#include <unicode/locid.h>

#include <algorithm>
#include <cctype>

#include "tongwen/util.h"

namespace tongwen {

std::string canonical_lang(std::string_view tag) {
  std::string t = trim(std::string(tag));
  std::replace(t.begin(), t.end(), '_', '-');
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (t.empty() || t == "und") return {};
  UErrorCode status = U_ZERO_ERROR;
  icu::Locale loc = icu::Locale::forLanguageTag(t, status);
  if (U_SUCCESS(status)) loc.canonicalize(status);
  std::string lang = U_SUCCESS(status) && !loc.isBogus() ? loc.getLanguage() : "";
  if (lang.empty()) return t;
  if (lang != "zh") return lang;
  std::string script = loc.getScript();
  if (script.empty() && *loc.getCountry() != '\0') {
    icu::Locale likely = loc;
    likely.addLikelySubtags(status);
    if (U_SUCCESS(status)) script = likely.getScript();
  }
  if (script == "Hans" || script == "Hant") return "zh-" + script;
  return {};
}

}  // namespace tongwen
