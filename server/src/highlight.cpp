#include "highlight.h"

#include <algorithm>
#include <set>

#include "tongwen/text.h"
#include "tongwen/util.h"

namespace tongwen {

namespace {

using text::Token;
using text::TokenKind;

// Units of normalised text: words, and CJK characters numbered by run.
std::vector<Highlighter::Unit> units_of(const std::string& norm, const std::vector<std::uint32_t>* offsets) {
  std::vector<Highlighter::Unit> out;
  int run = 0;
  // Byte offset of each code point, when the caller has none.
  std::vector<std::uint32_t> local;
  if (!offsets) {
    std::size_t i = 0;
    while (i < norm.size()) {
      local.push_back(static_cast<std::uint32_t>(i));
      text::next_code_point(norm, i);
    }
    local.push_back(static_cast<std::uint32_t>(norm.size()));
    offsets = &local;
  }
  auto char_at = [&](std::uint32_t cp) {
    return norm.substr((*offsets)[cp], (*offsets)[cp + 1] - (*offsets)[cp]);
  };
  text::Analyzer::instance().segment(norm, [&](const Token& t) {
    switch (t.kind) {
      case TokenKind::Word:
        out.push_back({std::string(t.term), t.first_char, t.end_char, -1});
        break;
      case TokenKind::CjkBigram:
        out.push_back({char_at(t.first_char), t.first_char, t.first_char + 1, run});
        break;
      case TokenKind::CjkLast:
        out.push_back({char_at(t.first_char), t.first_char, t.first_char + 1, run});
        ++run;
        break;
    }
  });
  return out;
}

bool connected(const Highlighter::Unit& a, const Highlighter::Unit& b) {
  return a.run >= 0 && a.run == b.run;
}

}  // namespace

Highlighter::Highlighter(const std::vector<HighlightAtom>& atoms, std::string_view field,
                         terms::QueryTerms& qt)
    : qt_(&qt) {
  const auto& an = text::Analyzer::instance();
  for (const auto& a : atoms) {
    if (a.field != field) continue;
    Atom atom;
    std::string norm = an.normalize(a.text);
    atom.units = units_of(norm, nullptr);
    if (atom.units.empty()) continue;
    if (a.wildcard) {
      atom.prefix = true;
    } else if (!a.quoted && atom.units.size() == 1 && atom.units[0].run < 0 &&
               terms::stemmable(atom.units[0].text)) {
      atom.stem = qt.stem(atom.units[0].text);
    }
    atoms_.push_back(std::move(atom));
  }
}

std::vector<MatchSpan> Highlighter::find(std::string_view original) const {
  std::vector<MatchSpan> spans;
  if (atoms_.empty() || original.empty()) return spans;
  text::MappedText m = text::Analyzer::instance().normalize_mapped(original);
  std::vector<Unit> units = units_of(m.text, &m.offset);
  std::vector<std::string> stems;  // computed lazily
  for (std::size_t ai = 0; ai < atoms_.size(); ++ai) {
    const Atom& a = atoms_[ai];
    const std::size_t n = a.units.size();
    for (std::size_t k = 0; k + n <= units.size(); ++k) {
      bool ok = true;
      for (std::size_t j = 0; j < n && ok; ++j) {
        const Unit& u = units[k + j];
        const Unit& q = a.units[j];
        if ((u.run < 0) != (q.run < 0)) {
          ok = false;
        } else if (a.prefix) {
          ok = u.text.rfind(q.text, 0) == 0;
        } else if (!a.stem.empty()) {
          if (u.text != q.text) {
            if (stems.empty()) stems.resize(units.size());
            if (stems[k].empty()) stems[k] = terms::stemmable(u.text) ? qt_->stem(u.text) : "\x01";
            ok = stems[k] == a.stem;
          }
        } else {
          ok = u.text == q.text;
        }
        if (ok && j > 0) ok = connected(units[k + j - 1], u) == connected(a.units[j - 1], q);
      }
      if (!ok) continue;
      std::uint32_t first = units[k].first, last = units[k + n - 1].last - 1;
      spans.push_back({m.orig_begin[first], m.orig_end[last], static_cast<int>(ai)});
    }
  }
  std::sort(spans.begin(), spans.end(), [](const MatchSpan& x, const MatchSpan& y) {
    return x.begin != y.begin ? x.begin < y.begin : x.end > y.end;
  });
  // Merge overlaps only: two matches that merely touch stay two highlights.
  std::vector<MatchSpan> merged;
  for (const auto& s : spans) {
    if (!merged.empty() && s.begin < merged.back().end) {
      merged.back().end = std::max(merged.back().end, s.end);
      continue;
    }
    merged.push_back(s);
  }
  return merged;
}

Snippet make_snippet(std::string_view text, const std::vector<MatchSpan>& spans, int max_chars) {
  // Byte offset of every code point of the original text.
  std::vector<std::size_t> off;
  off.reserve(text.size() + 1);
  for (std::size_t i = 0; i < text.size();) {
    off.push_back(i);
    text::next_code_point(text, i);
  }
  off.push_back(text.size());
  const auto total = static_cast<std::uint32_t>(off.size() - 1);
  const auto max = static_cast<std::uint32_t>(std::max(max_chars, 10));

  std::uint32_t start = 0, end = total;
  if (total > max) {
    // The window holding the most matches; it starts a little before its first match.
    std::size_t best = 0, best_count = 0;
    for (std::size_t i = 0; i < spans.size(); ++i) {
      std::size_t count = 0;
      for (std::size_t j = i; j < spans.size() && spans[j].end <= spans[i].begin + max; ++j) ++count;
      if (count > best_count) {
        best = i;
        best_count = count;
      }
    }
    if (!spans.empty()) {
      std::uint32_t lead = max / 5;
      start = spans[best].begin > lead ? spans[best].begin - lead : 0;
      // Start at a word boundary when one is near.
      if (start > 0) {
        for (std::uint32_t k = start; k < spans[best].begin && k < start + 15; ++k) {
          if (text[off[k]] == ' ') {
            start = k + 1;
            break;
          }
        }
      }
    }
    end = std::min(total, start + max);
    if (end == total && total > max) start = total - max;
    // End at a word boundary when one is near (Latin text).
    if (end < total) {
      for (std::uint32_t k = end; k > end - 15 && k > start; --k) {
        if (text[off[k]] == ' ') {
          end = k;
          break;
        }
      }
    }
  }

  Snippet s;
  std::uint32_t shift = 0;
  if (start > 0) {
    s.text = "…";
    s.html = "…";
    shift = 1;
  }
  std::uint32_t cur = start;
  for (const auto& sp : spans) {
    if (sp.end <= start || sp.begin >= end) continue;
    std::uint32_t b = std::max(sp.begin, start), e = std::min(sp.end, end);
    if (b > cur) {
      auto chunk = text.substr(off[cur], off[b] - off[cur]);
      s.text += chunk;
      append_html_escaped(s.html, chunk);
    }
    auto chunk = text.substr(off[b], off[e] - off[b]);
    s.highlights.push_back({b - start + shift, e - b});
    s.text += chunk;
    s.html += "<mark>";
    append_html_escaped(s.html, chunk);
    s.html += "</mark>";
    cur = e;
  }
  if (cur < end) {
    auto chunk = text.substr(off[cur], off[end] - off[cur]);
    s.text += chunk;
    append_html_escaped(s.html, chunk);
  }
  if (end < total) {
    s.text += "…";
    s.html += "…";
  }
  return s;
}

namespace {

// The first `max_bytes` of text or less, ending at a code point boundary.
std::string_view cut_at_char(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

}  // namespace

SnippetSource snippet_source(const Highlighter& body, const std::string& description,
                             const std::vector<Paragraph>& paragraphs, std::size_t budget) {
  SnippetSource best;
  std::size_t best_score = 0, left = budget;
  auto consider = [&](int index, const std::string& t) {
    std::string_view unit = cut_at_char(t, left);
    left -= unit.size();
    if (body.empty()) return;
    auto spans = body.find(unit);
    if (spans.empty()) return;
    std::set<int> atoms;
    for (const auto& sp : spans) atoms.insert(sp.atom);
    std::size_t score = atoms.size() * 100000 + spans.size();
    if (score > best_score) {
      best_score = score;
      best = {index, unit, std::move(spans)};
    }
  };
  if (!description.empty()) consider(-1, description);
  for (std::size_t p = 0; p < paragraphs.size() && left > 0; ++p)
    consider(static_cast<int>(p), paragraphs[p].text);
  if (best.index != -2) return best;
  if (!description.empty()) return {-1, cut_at_char(description, budget), {}};
  if (!paragraphs.empty()) return {0, cut_at_char(paragraphs[0].text, budget), {}};
  return best;
}

}  // namespace tongwen
