#include "query_parser.h"

#include <algorithm>
#include <cctype>

#include "tongwen/errors.h"
#include "tongwen/schema.h"
#include "tongwen/text.h"

namespace tongwen {

namespace {

enum class Tok { Word, Phrase, LParen, RParen, And, Or, Not, Plus, Minus, End };

struct Lexeme {
  Tok kind = Tok::End;
  std::string text;    // word or phrase contents
  std::string field;   // "title" for title:..., empty otherwise
  std::size_t at = 0;  // 1-based character position, for messages
};

bool is_space(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x3000 || c == 0xA0;
}
bool is_open_quote(char32_t c) {
  return c == '"' || c == 0x201C || c == 0x300C || c == 0x300E || c == 0xFF02;
}
bool is_close_quote(char32_t c) {
  return c == '"' || c == 0x201D || c == 0x300D || c == 0x300F || c == 0xFF02;
}
bool is_lparen(char32_t c) {
  return c == '(' || c == 0xFF08;
}
bool is_rparen(char32_t c) {
  return c == ')' || c == 0xFF09;
}

[[noreturn]] void fail(const std::string& msg) {
  throw UserError("bad_query", msg);
}

[[noreturn]] void too_complex(const std::string& msg) {
  throw UserError("query_too_complex", msg);
}

class Lexer {
 public:
  explicit Lexer(std::string_view q) : q_(q) {}

  std::vector<Lexeme> run() {
    std::vector<Lexeme> out;
    while (true) {
      skip_space();
      if (i_ >= q_.size()) break;
      std::size_t at = chars_ + 1;
      char32_t c = peek();
      if (is_lparen(c)) {
        advance();
        out.push_back({Tok::LParen, "", "", at});
        continue;
      }
      if (is_rparen(c)) {
        advance();
        out.push_back({Tok::RParen, "", "", at});
        continue;
      }
      if (is_open_quote(c)) {
        out.push_back({Tok::Phrase, phrase(), "", at});
        continue;
      }
      bool start_of_term = out.empty() || out.back().kind == Tok::LParen || prev_space_;
      if ((c == '+' || c == '-') && start_of_term) {
        advance();
        // "-" alone or before a space is just a separator.
        if (i_ < q_.size() && !is_space(peek())) {
          out.push_back({c == '+' ? Tok::Plus : Tok::Minus, "", "", at});
          prev_space_ = false;
        }
        continue;
      }
      std::string w = word();
      if (w == "AND" || w == "&&") {
        out.push_back({Tok::And, w, "", at});
      } else if (w == "OR" || w == "||") {
        out.push_back({Tok::Or, w, "", at});
      } else if (w == "NOT") {
        out.push_back({Tok::Not, w, "", at});
      } else {
        // field:value
        auto colon = w.find(':');
        if (colon != std::string::npos && colon > 0 &&
            std::all_of(w.begin(), w.begin() + static_cast<long>(colon),
                        [](char ch) { return std::isalpha(static_cast<unsigned char>(ch)); })) {
          std::string field = w.substr(0, colon);
          for (auto& ch : field) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          const schema::Field* f = schema::find_field(field);
          if (!f || field == "body") {
            std::string known;
            for (const auto& k : schema::kFields)
              if (k.name != "body") known += (known.empty() ? "" : ", ") + std::string(k.name) + ":";
            fail("unknown field \"" + field + ":\" at character " + std::to_string(at) + " (known: " + known +
                 ")");
          }
          std::string value = w.substr(colon + 1);
          if (value.empty() && i_ < q_.size() && is_open_quote(peek())) {
            out.push_back({Tok::Phrase, phrase(), field, at});
            continue;
          }
          if (value.empty())
            fail("field \"" + field + ":\" at character " + std::to_string(at) + " has no value");
          out.push_back({Tok::Word, value, field, at});
        } else {
          out.push_back({Tok::Word, w, "", at});
        }
      }
    }
    out.push_back({Tok::End, "", "", chars_ + 1});
    return out;
  }

 private:
  char32_t peek() const {
    std::size_t j = i_;
    return text::next_code_point(q_, j);
  }
  void advance() {
    text::next_code_point(q_, i_);
    ++chars_;
  }
  void skip_space() {
    prev_space_ = false;
    while (i_ < q_.size() && is_space(peek())) {
      advance();
      prev_space_ = true;
    }
  }
  std::string phrase() {
    std::size_t at = chars_ + 1;
    advance();  // opening quote
    std::size_t start = i_;
    while (i_ < q_.size()) {
      char32_t c = peek();
      if (is_close_quote(c)) {
        std::string inner(q_.substr(start, i_ - start));
        advance();
        return inner;
      }
      advance();
    }
    fail("unclosed quote starting at character " + std::to_string(at));
  }
  std::string word() {
    std::size_t start = i_;
    while (i_ < q_.size()) {
      char32_t c = peek();
      if (is_space(c) || is_lparen(c) || is_rparen(c)) break;
      if (is_open_quote(c) && i_ > start) break;  // field:"phrase" is handled by the caller
      advance();
    }
    return std::string(q_.substr(start, i_ - start));
  }

  std::string_view q_;
  std::size_t i_ = 0;
  std::size_t chars_ = 0;
  bool prev_space_ = false;
};

// A parsed node before combination: a query and whether it contributed anything.
struct Node {
  Xapian::Query q;
  bool negative = false;
  bool empty = true;       // no searchable token (e.g. only punctuation)
  bool bare_word = false;  // an unquoted single word in the default field (glossary runs)
  std::string text;
  std::size_t at = 0;
};

class Parser {
 public:
  Parser(std::vector<Lexeme> toks, terms::QueryTerms& qt, const Glossary* g, bool expand,
         const QueryLimits& limits, const EntityQuery& entities, ParsedQuery& out)
      : t_(std::move(toks)),
        qt_(qt),
        glossary_(g),
        expand_(expand),
        limits_(limits),
        entities_(entities),
        out_(out) {}

  Xapian::Query parse_all() {
    if (t_.front().kind == Tok::End) {
      out_.match_all = true;
      return Xapian::Query::MatchAll;
    }
    Node n = or_expr(0);
    if (cur().kind == Tok::RParen) fail("unmatched ')' at character " + std::to_string(cur().at));
    if (cur().kind != Tok::End) fail("unexpected input at character " + std::to_string(cur().at));
    if (n.empty) fail("the query has no words to search for");
    if (n.negative) return Xapian::Query(Xapian::Query::OP_AND_NOT, Xapian::Query::MatchAll, n.q);
    return n.q;
  }

 private:
  const Lexeme& cur() const { return t_[pos_]; }
  const Lexeme& next() { return t_[pos_++]; }

  Node or_expr(int depth) {
    Node left = and_expr(depth);
    while (cur().kind == Tok::Or) {
      const Lexeme& op = next();
      if (cur().kind == Tok::End || cur().kind == Tok::RParen || cur().kind == Tok::Or)
        fail("OR at character " + std::to_string(op.at) + " needs a term after it");
      Node right = and_expr(depth);
      if (left.empty || right.empty) {
        left = left.empty ? right : left;
        continue;
      }
      Xapian::Query lq =
          left.negative ? Xapian::Query(Xapian::Query::OP_AND_NOT, Xapian::Query::MatchAll, left.q) : left.q;
      Xapian::Query rq = right.negative
                             ? Xapian::Query(Xapian::Query::OP_AND_NOT, Xapian::Query::MatchAll, right.q)
                             : right.q;
      left.q = Xapian::Query(Xapian::Query::OP_OR, lq, rq);
      left.negative = false;
      left.bare_word = false;
    }
    return left;
  }

  Node and_expr(int depth) {
    std::vector<Node> items;
    if (cur().kind == Tok::Or || cur().kind == Tok::And)
      fail(cur().text + " at character " + std::to_string(cur().at) + " needs a term before it");
    while (true) {
      Tok k = cur().kind;
      if (k == Tok::End || k == Tok::RParen || k == Tok::Or) break;
      if (k == Tok::And) {
        const Lexeme& op = next();
        if (items.empty()) fail("AND at character " + std::to_string(op.at) + " needs a term before it");
        if (cur().kind == Tok::End || cur().kind == Tok::RParen || cur().kind == Tok::Or ||
            cur().kind == Tok::And)
          fail("AND at character " + std::to_string(op.at) + " needs a term after it");
        continue;
      }
      items.push_back(unary(depth));
    }
    apply_glossary_runs(items);
    Node result;
    std::vector<Xapian::Query> pos, neg;
    for (auto& n : items) {
      if (n.empty) continue;
      (n.negative ? neg : pos).push_back(n.q);
    }
    if (pos.empty() && neg.empty()) return result;
    result.empty = false;
    if (items.size() == 1 && !items[0].empty) result = items[0];
    if (!pos.empty()) {
      Xapian::Query p =
          pos.size() == 1 ? pos[0] : Xapian::Query(Xapian::Query::OP_AND, pos.begin(), pos.end());
      if (!neg.empty())
        p = Xapian::Query(Xapian::Query::OP_AND_NOT, p,
                          Xapian::Query(Xapian::Query::OP_OR, neg.begin(), neg.end()));
      result.q = p;
      result.negative = false;
    } else {
      result.q = neg.size() == 1 ? neg[0] : Xapian::Query(Xapian::Query::OP_OR, neg.begin(), neg.end());
      result.negative = true;
    }
    return result;
  }

  Node unary(int depth) {
    const Lexeme& l = cur();
    if (l.kind == Tok::Not || l.kind == Tok::Minus) {
      next();
      if (cur().kind == Tok::End || cur().kind == Tok::RParen || cur().kind == Tok::Or ||
          cur().kind == Tok::And)
        fail((l.kind == Tok::Not ? std::string("NOT") : std::string("'-'")) + " at character " +
             std::to_string(l.at) + " needs a term after it");
      deeper(depth, l);
      ++negation_;
      Node n = unary(depth + 1);
      --negation_;
      if (n.negative) {
        // NOT NOT x == x
        n.negative = false;
      } else {
        n.negative = true;
      }
      n.bare_word = false;
      return n;
    }
    if (l.kind == Tok::Plus) {
      next();
      if (cur().kind == Tok::End || cur().kind == Tok::RParen)
        fail("'+' at character " + std::to_string(l.at) + " needs a term after it");
      return unary(depth);
    }
    return primary(depth);
  }

  // One more level of parentheses or NOT at `l`, within search.max_query_depth.
  void deeper(int depth, const Lexeme& l) {
    if (depth >= limits_.max_depth)
      too_complex("parentheses and NOT nested deeper than search.max_query_depth (" +
                  std::to_string(limits_.max_depth) + ") at character " + std::to_string(l.at));
  }

  Node primary(int depth) {
    const Lexeme& l = next();
    switch (l.kind) {
      case Tok::LParen: {
        deeper(depth, l);
        if (cur().kind == Tok::RParen) fail("empty parentheses at character " + std::to_string(l.at));
        Node n = or_expr(depth + 1);
        if (cur().kind != Tok::RParen) fail("unclosed '(' at character " + std::to_string(l.at));
        next();
        n.bare_word = false;
        return n;
      }
      case Tok::RParen:
        fail("unmatched ')' at character " + std::to_string(l.at));
      case Tok::Word:
      case Tok::Phrase:
        return leaf(l);
      default:
        fail("unexpected " + l.text + " at character " + std::to_string(l.at));
    }
  }

  Node leaf(const Lexeme& l) {
    Node n;
    n.at = l.at;
    n.text = l.text;
    bool quoted = l.kind == Tok::Phrase;
    std::string field = l.field.empty() ? "body" : l.field;
    const schema::Field* f = schema::find_field(field);

    if (field == "date") {
      std::string v = l.text, from, to;
      auto dots = v.find("..");
      if (dots == std::string::npos) {
        from = to = v;
      } else {
        from = v.substr(0, dots);
        to = v.substr(dots + 2);
      }
      for (const auto& d : {from, to}) {
        auto why = check_date(d);
        if (!d.empty() && !why.empty())
          fail("date:" + v + " at character " + std::to_string(l.at) + ": " + why);
      }
      if (from.empty() && to.empty())
        fail("date: at character " + std::to_string(l.at) + " needs a date or a range like 2019..2023");
      n.q = date_range(from, to);
      n.empty = false;
      return n;
    }
    if (!f->has_text) {
      // A filter field (lang:, type:, year:): exact facet value, no weight.
      std::string key = schema::facet_key(l.text);
      if (key.empty()) fail(field + ": at character " + std::to_string(l.at) + " has no value");
      n.q = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(std::string(f->filter_prefix) + key),
                          0.0);
      n.empty = false;
      return n;
    }

    std::string prefix(f->text_prefix);
    std::string text = l.text;
    bool wildcard = false;
    if (!quoted && text.size() > 1 && text.back() == '*') {
      text.pop_back();
      std::string norm = text::Analyzer::instance().normalize(text);
      bool latin = !norm.empty() && std::all_of(norm.begin(), norm.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch));
      });
      if (latin) {
        if (norm.size() < 2)
          fail("wildcard \"" + l.text + "\" at character " + std::to_string(l.at) +
               " needs at least two letters before *");
        wildcard = true;
        // As QueryTerms::wildcard, with Xapian's max expansion: a wildcard matching more words
        // throws Xapian::WildcardError when the query runs (answered as query_too_complex).
        n.q = Xapian::Query(Xapian::Query::OP_WILDCARD, prefix + norm, limits_.max_wildcard_terms,
                            Xapian::Query::WILDCARD_LIMIT_ERROR, Xapian::Query::OP_SYNONYM);
        n.empty = false;
        if (negation_ == 0 && (field == "body" || field == "title"))
          out_.atoms.push_back({field, norm, false, true});
        return n;
      }
      // Chinese already matches anywhere inside words: "人工*" is "人工".
    }
    (void)wildcard;
    n.q = qt_.text(text, prefix, quoted);
    if (entities_ && f->facet != schema::FacetKind::None) {
      // The whole value naming an entity also selects its documents in every language, unweighted.
      Xapian::Query e = entities_(*f, l.text);
      if (!e.empty())
        n.q = n.q.empty() ? Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, e, 0.0)
                          : Xapian::Query(Xapian::Query::OP_OR, n.q,
                                          Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, e, 0.0));
    }
    if (n.q.empty()) return n;  // punctuation only
    n.empty = false;
    n.bare_word = !quoted && field == "body";
    if (negation_ == 0 && (field == "body" || field == "title"))
      out_.atoms.push_back({field, text, quoted, false});
    if (expand_ && glossary_ && field == "body") {
      if (const auto* others = glossary_->translations(text)) expand(n, text, *others);
    }
    return n;
  }

  void expand(Node& n, const std::string& from, const std::vector<std::string>& others) {
    std::vector<Xapian::Query> alts{n.q};
    for (const auto& o : others) {
      Xapian::Query q = qt_.text(o, "", true);
      if (q.empty()) continue;
      alts.push_back(q);
      out_.expansions.push_back({from, o});
      if (negation_ == 0) out_.atoms.push_back({"body", o, true, false});
    }
    if (alts.size() > 1) n.q = Xapian::Query(Xapian::Query::OP_OR, alts.begin(), alts.end());
  }

  // "Belt and Road" typed as bare words: the longest runs of bare words that form a glossary entry
  // become (the phrase OR its translations).
  void apply_glossary_runs(std::vector<Node>& items) {
    if (!expand_ || !glossary_ || glossary_->max_words() < 2) return;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (!items[i].bare_word) continue;
      std::size_t max = std::min(glossary_->max_words(), items.size() - i);
      for (std::size_t len = max; len >= 2; --len) {
        bool all_bare = true;
        std::string phrase;
        for (std::size_t k = i; k < i + len; ++k) {
          all_bare = all_bare && items[k].bare_word;
          phrase += (k == i ? "" : " ") + items[k].text;
        }
        if (!all_bare) continue;
        const auto* others = glossary_->translations(phrase);
        if (!others) continue;
        Node merged;
        merged.empty = false;
        merged.q = qt_.text(phrase, "", true);
        merged.text = phrase;
        if (negation_ == 0) out_.atoms.push_back({"body", phrase, true, false});
        expand(merged, phrase, *others);
        items.erase(items.begin() + static_cast<long>(i), items.begin() + static_cast<long>(i + len));
        items.insert(items.begin() + static_cast<long>(i), merged);
        break;
      }
    }
  }

  std::vector<Lexeme> t_;
  std::size_t pos_ = 0;
  terms::QueryTerms& qt_;
  const Glossary* glossary_;
  bool expand_;
  const QueryLimits& limits_;
  const EntityQuery& entities_;
  ParsedQuery& out_;
  int negation_ = 0;
};

}  // namespace

std::string check_date(std::string_view d) {
  auto digits = [&](std::size_t a, std::size_t n) {
    for (std::size_t k = a; k < a + n; ++k)
      if (k >= d.size() || !std::isdigit(static_cast<unsigned char>(d[k]))) return false;
    return true;
  };
  if (d.size() == 4 && digits(0, 4)) return {};
  if (d.size() == 7 && digits(0, 4) && d[4] == '-' && digits(5, 2)) {
    int m = std::stoi(std::string(d.substr(5, 2)));
    return m >= 1 && m <= 12 ? "" : "month must be 01-12";
  }
  if (d.size() == 10 && digits(0, 4) && d[4] == '-' && digits(5, 2) && d[7] == '-' && digits(8, 2)) {
    int m = std::stoi(std::string(d.substr(5, 2))), day = std::stoi(std::string(d.substr(8, 2)));
    if (m < 1 || m > 12) return "month must be 01-12";
    if (day < 1 || day > 31) return "day must be 01-31";
    return {};
  }
  return "expected YYYY, YYYY-MM or YYYY-MM-DD, got \"" + std::string(d) + "\"";
}

Xapian::Query date_range(const std::string& from, const std::string& to) {
  // Dates are stored as written (YYYY[-MM[-DD]]); "~" sorts after every digit and '-', so
  // "2023~" is above every date in 2023.
  if (from.empty()) return Xapian::Query(Xapian::Query::OP_VALUE_LE, schema::SLOT_DATE, to + "~");
  if (to.empty()) return Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::SLOT_DATE, from);
  return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::SLOT_DATE, from, to + "~");
}

QueryLimits query_limits(const Settings& s) {
  QueryLimits l;
  l.max_bytes = static_cast<std::size_t>(s.search.max_query_bytes);
  l.max_terms = static_cast<Xapian::termcount>(s.search.max_query_terms);
  l.max_depth = s.search.max_query_depth;
  l.max_wildcard_terms = static_cast<Xapian::termcount>(s.search.max_wildcard_terms);
  return l;
}

ParsedQuery parse_query(std::string_view q, terms::QueryTerms& qt, const Glossary* glossary, bool expand,
                        const QueryLimits& limits, const EntityQuery& entities) {
  if (q.size() > limits.max_bytes)
    too_complex("the query is " + std::to_string(q.size()) + " bytes long, over search.max_query_bytes (" +
                std::to_string(limits.max_bytes) + ")");
  if (!text::is_valid_utf8(q)) fail("the query is not valid UTF-8");
  ParsedQuery out;
  Lexer lexer(q);
  Parser parser(lexer.run(), qt, glossary, expand, limits, entities, out);
  out.query = parser.parse_all();
  if (out.query.get_length() > limits.max_terms)
    too_complex("the query looks up " + std::to_string(out.query.get_length()) +
                " index terms, over search.max_query_terms (" + std::to_string(limits.max_terms) + ")");
  return out;
}

}  // namespace tongwen
