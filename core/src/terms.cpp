#include "tongwen/terms.h"

#include "tongwen/schema.h"

namespace tongwen::terms {

using text::Analyzer;
using text::Token;
using text::TokenKind;

bool stemmable(std::string_view word) noexcept {
  if (word.empty()) return false;
  auto c = static_cast<unsigned char>(word[0]);
  return !(c >= '0' && c <= '9');
}

TermWriter::TermWriter() : stemmer_("english") {}

void TermWriter::index_text(Xapian::Document& doc, std::string_view text, std::string_view prefix) {
  index_normalized(doc, Analyzer::instance().normalize(text), prefix);
}

void TermWriter::index_normalized(Xapian::Document& doc, std::string_view normalized,
                                  std::string_view prefix) {
  Xapian::termpos* next = nullptr;
  for (auto& [p, pos] : positions_)
    if (p == prefix) next = &pos;
  if (!next) {
    positions_.emplace_back(std::string(prefix), 1);
    next = &positions_.back().second;
  }
  std::string stem_prefix = std::string(schema::PREFIX_STEM) + std::string(prefix);
  *next = Analyzer::instance().segment(
              normalized,
              [&](const Token& t) {
                term_.assign(prefix);
                term_.append(t.term);
                doc.add_posting(term_, t.position);
                if (t.kind == TokenKind::Word && stemmable(t.term)) {
                  term_.assign(stem_prefix);
                  term_.append(stemmer_(std::string(t.term)));
                  doc.add_term(term_);
                }
              },
              *next) +
          kUnitGap;
}

QueryTerms::QueryTerms() : stemmer_("english") {}

std::string QueryTerms::stem(std::string_view word) {
  return stemmer_(std::string(word));
}

Xapian::Query QueryTerms::text(std::string_view input, std::string_view prefix, bool quoted) {
  const auto& a = Analyzer::instance();
  std::string norm = a.normalize(input);
  std::vector<Token> toks;
  a.segment(norm, [&](const Token& t) { toks.push_back(t); });
  if (toks.empty()) return Xapian::Query();

  std::string pfx(prefix);
  auto term = [&](std::string_view t) { return pfx + std::string(t); };
  auto lone_char = [&](const Token& t) {
    // A single character: its unigram (end of a run) or any bigram that starts with it.
    Xapian::Query q(Xapian::Query::OP_WILDCARD, term(t.term), 0, Xapian::Query::WILDCARD_LIMIT_ERROR,
                    Xapian::Query::OP_SYNONYM);
    return q;
  };

  if (toks.size() == 1) {
    const Token& t = toks[0];
    if (t.kind == TokenKind::Word) {
      if (!quoted && stemmable(t.term))
        return Xapian::Query(std::string(schema::PREFIX_STEM) + pfx + stemmer_(std::string(t.term)));
      return Xapian::Query(term(t.term));
    }
    return lone_char(t);  // a lone CJK character
  }

  std::vector<Xapian::Query> parts;
  parts.reserve(toks.size());
  // A lone character at the end after other tokens (`Q洋`): Xapian 1.4 phrases take only terms,
  // not the wildcard it needs, so it is ANDed to the phrase of the rest (found by fuzz_query: the
  // wildcard inside OP_PHRASE threw Xapian::UnimplementedError out of the parser).
  Xapian::Query tail;
  for (std::size_t i = 0; i < toks.size(); ++i) {
    const Token& t = toks[i];
    bool last = i + 1 == toks.size();
    if (t.kind == TokenKind::CjkLast) {
      bool run_of_one =
          i == 0 || toks[i - 1].kind != TokenKind::CjkBigram || toks[i - 1].end_char != t.end_char;
      if (last) {
        // The text may go on in the document: the bigram before already covers this character;
        // a lone character needs the wildcard.
        if (run_of_one) tail = lone_char(t);
        continue;
      }
      // Followed by a word: in the document this character also ends its run.
      parts.emplace_back(term(t.term), 1, t.position + 1);
      continue;
    }
    parts.emplace_back(term(t.term), 1, t.position + 1);
  }
  Xapian::Query phrase = parts.size() == 1
                             ? parts[0]
                             : Xapian::Query(Xapian::Query::OP_PHRASE, parts.begin(), parts.end(),
                                             static_cast<Xapian::termcount>(parts.size()));
  return tail.empty() ? phrase : Xapian::Query(Xapian::Query::OP_AND, phrase, tail);
}

Xapian::Query QueryTerms::wildcard(std::string_view word, std::string_view prefix) {
  std::string norm = Analyzer::instance().normalize(word);
  std::string pfx(prefix);
  return Xapian::Query(Xapian::Query::OP_WILDCARD, pfx + norm, 0, Xapian::Query::WILDCARD_LIMIT_ERROR,
                       Xapian::Query::OP_SYNONYM);
}

}  // namespace tongwen::terms
