// The parser in three steps:
//   1. check the raw bytes (size, NUL, UTF-8) so the grammar only sees text;
//   2. PEGTL (lang/grammar.hpp) matches the text and ParserControl builds a
//      parse tree of the rules kept (PRECEPT_CST_NODES),
//      throwing a SyntaxError at the first syntax error;
//   3. AstBuilder converts the parse tree to the AST, reporting the problems
//      that need a whole construct (clause order, number ranges, escapes,
//      severities, expression depth).
// PEGTL stays in this file; nothing throws out of parse_module.
#include "lang/parser.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <tao/pegtl.hpp>

#include "lang/grammar.hpp"

namespace precept::lang {
namespace {

namespace pegtl = tao::pegtl;
namespace g = grammar;

// ------------------------------------------------------- text scanning ---

bool is_ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";

// The offset of the first token at or after `offset`: skips exactly what
// grammar::sp skips (and the byte order mark at the start of the file).
std::size_t skip_space(std::string_view text, std::size_t offset) {
  if (offset == 0 && text.substr(0, 3) == byte_order_mark) offset = 3;
  while (offset < text.size()) {
    const char c = text[offset];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++offset;
    } else if (c == '/' && offset + 1 < text.size() && text[offset + 1] == '/') {
      while (offset < text.size() && text[offset] != '\n') ++offset;
    } else {
      break;
    }
  }
  return offset;
}

std::size_t utf8_sequence_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

// The length of the token starting at `offset`, so an error's caret covers
// the whole word (or the whole character) that the parser did not expect.
std::size_t token_length(std::string_view text, std::size_t offset) {
  if (offset >= text.size()) return 0;
  if (is_ident_char(text[offset])) {
    std::size_t end = offset;
    while (end < text.size() && is_ident_char(text[end])) ++end;
    return end - offset;
  }
  const auto length = utf8_sequence_length(static_cast<unsigned char>(text[offset]));
  return std::min(length, text.size() - offset);
}

// The offset of the first byte that does not begin a valid UTF-8 sequence
// (Unicode table 3-7: no overlong forms, no surrogates, nothing above
// U+10FFFF), or npos. A sequence cut short reports its lead byte.
std::size_t find_invalid_utf8(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = byte(i);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char second_low = 0x80;
    unsigned char second_high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) second_low = 0xA0;
      if (lead == 0xED) second_high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) second_low = 0x90;
      if (lead == 0xF4) second_high = 0x8F;
    } else {
      return i;
    }
    for (std::size_t k = 1; k < length; ++k) {
      if (i + k >= text.size()) return i;  // truncated at the end of the file
      const unsigned char continuation = byte(i + k);
      const unsigned char low = k == 1 ? second_low : 0x80;
      const unsigned char high = k == 1 ? second_high : 0xBF;
      if (continuation < low || continuation > high) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

// The `///` doc comment lines directly above the line on which `offset`
// starts, joined with '\n'. Strings cannot span lines, so a line whose first
// non-blank characters are `///` is always a comment.
std::string doc_comment_before(std::string_view text, std::size_t offset) {
  if (offset == 0) return {};
  // Back over blanks only: a declaration preceded by anything on its line
  // has no doc comment, found without scanning the whole line (a file of
  // thousands of declarations on one line would be quadratic).
  std::size_t line_start = offset;
  while (line_start > 0 && (text[line_start - 1] == ' ' || text[line_start - 1] == '\t')) {
    --line_start;
  }
  if (line_start > 0 && text[line_start - 1] != '\n') return {};
  std::vector<std::string_view> lines;
  while (line_start > 0) {
    const std::size_t previous_end = line_start - 1;  // the '\n'
    std::size_t previous_start = text.rfind('\n', previous_end == 0 ? 0 : previous_end - 1);
    previous_start =
        previous_start == std::string_view::npos || previous_end == 0 ? 0 : previous_start + 1;
    std::string_view line = text.substr(previous_start, previous_end - previous_start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos) break;
    line.remove_prefix(first);
    if (line.substr(0, 3) != "///" || line.substr(0, 4) == "////") break;
    line.remove_prefix(3);
    if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    lines.push_back(line);
    line_start = previous_start;
  }
  std::string doc;
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (!doc.empty()) doc += '\n';
    doc += *it;
  }
  return doc;
}

// -------------------------------------------------------- syntax errors ---

// Thrown at the first syntax error; converted to a Diagnostic at the one
// catch site in parse_module.
struct SyntaxError {
  DiagCode code = DiagCode::syntax_error;
  std::string message;
  std::size_t begin = 0;
  std::size_t end = 0;
};

// Where an error's span starts.
enum class ErrorAnchor : std::uint8_t {
  next_token,  // the token after the failure point
  open_token,  // the string or number being read (from its first character)
  escape,      // the backslash of the escape being read
};
template <typename Rule>
inline constexpr ErrorAnchor error_anchor = ErrorAnchor::next_token;
template <>
inline constexpr ErrorAnchor error_anchor<g::string_close> = ErrorAnchor::open_token;
template <>
inline constexpr ErrorAnchor error_anchor<g::bad_number_char> = ErrorAnchor::open_token;
template <>
inline constexpr ErrorAnchor error_anchor<g::escape_code> = ErrorAnchor::escape;
template <>
inline constexpr ErrorAnchor error_anchor<g::unicode_open> = ErrorAnchor::escape;
template <>
inline constexpr ErrorAnchor error_anchor<g::unicode_digits> = ErrorAnchor::escape;
template <>
inline constexpr ErrorAnchor error_anchor<g::unicode_close> = ErrorAnchor::escape;

// Rules whose start the error spans of ErrorAnchor::open_token need.
template <typename Rule>
inline constexpr bool records_token_start =
    std::is_same_v<Rule, g::string_literal> || std::is_same_v<Rule, g::number_literal> ||
    std::is_same_v<Rule, g::signed_number>;

// ----------------------------------------------------------- parse tree ---

// The grammar rules kept in the parse tree; each is its own node kind.
#define PRECEPT_CST_NODES(X)                                                                       \
  X(identifier)                                                                                    \
  X(word)                                                                                          \
  X(dotted_name) X(type_ref) X(optional_mark) X(number_literal) X(signed_number) X(                \
      string_literal) X(string_text) X(escape) X(interpolation) X(true_literal) X(false_literal)   \
      X(none_literal) X(given_null) X(paren_expr) X(list_literal) X(set_literal) X(some_expr) X(   \
          every_expr) X(count_expr) X(sum_expr) X(max_expr) X(min_expr) X(aggregate_where)         \
          X(aggregate_default) X(field_access) X(index_access) X(call_args) X(postfix) X(negation) \
              X(not_expr) X(if_expr) X(multiplicative) X(additive) X(coalescing) X(comparison)     \
                  X(conjunction) X(disjunction) X(op_or) X(op_and) X(op_eq) X(op_ne) X(op_le) X(   \
                      op_lt) X(op_ge) X(op_gt) X(op_in) X(op_not_in) X(op_intersects) X(op_within) \
                      X(op_coalesce) X(op_add) X(op_sub) X(op_mul) X(op_div) X(op_mod) X(          \
                          package_decl) X(import_decl) X(import_selection) X(import_alias)         \
                          X(enum_decl) X(enum_member) X(type_decl) X(facts_decl) X(field_decl) X(  \
                              const_decl) X(def_decl) X(param) X(output_decl) X(rule_decl)         \
                              X(title_clause) X(cite_clause) X(severity_clause) X(for_clause) X(   \
                                  let_clause) X(when_clause) X(unless_clause) X(then_clause)       \
                                  X(deny_effect) X(review_effect) X(warn_effect) X(require_effect) \
                                      X(raise_effect) X(with_block) X(with_field) X(test_decl)     \
                                          X(given_clause) X(given_file) X(overrides)               \
                                              X(override_entry) X(fact_path) X(path_index)         \
                                                  X(given_object) X(given_member) X(given_array)   \
                                                      X(expect_outcome) X(expect_no_require) X(expect_no_effect)        \
                                                          X(expect_effect) X(expect_require)       \
                                                              X(expect_missing) X(expect_complete) \
                                                                  X(expect_output)                 \
                                                                      X(expect_clause)             \
                                                                          X(effect_word)           \
                                                                              X(rule_pattern)      \
                                                                                  X(wildcard)

enum class Cst : std::uint8_t {
  none,  // not kept
  root,
#define PRECEPT_CST_ENUM(rule) rule,
  PRECEPT_CST_NODES(PRECEPT_CST_ENUM)
#undef PRECEPT_CST_ENUM
};

template <typename Rule>
inline constexpr Cst cst_kind = Cst::none;
#define PRECEPT_CST_KIND(rule) \
  template <>                  \
  inline constexpr Cst cst_kind<g::rule> = Cst::rule;
PRECEPT_CST_NODES(PRECEPT_CST_KIND)
#undef PRECEPT_CST_KIND

// Operator chains and postfix chains with a single operand are replaced by
// that operand, which keeps the tree (and the conversion) shallow.
template <typename Rule>
inline constexpr bool folds_single_child =
    cst_kind<Rule> == Cst::postfix || cst_kind<Rule> == Cst::multiplicative ||
    cst_kind<Rule> == Cst::additive || cst_kind<Rule> == Cst::coalescing ||
    cst_kind<Rule> == Cst::comparison || cst_kind<Rule> == Cst::conjunction ||
    cst_kind<Rule> == Cst::disjunction;

// One kept rule: its kind, the text it matched (from before its leading
// whitespace to the end of its last token) and the kept rules inside it.
struct CstNode {
  Cst kind = Cst::root;
  const char* begin = nullptr;
  const char* end = nullptr;
  std::vector<std::unique_ptr<CstNode>> children;
};

// Whether a rule may contain kept rules, looking `Depth` levels down (the
// grammar is recursive; past the horizon the answer is a cautious yes).
template <typename Rule, unsigned Depth>
struct may_contain_kept;
template <typename List, unsigned Depth>
struct list_may_contain_kept;
template <typename... Rules, unsigned Depth>
struct list_may_contain_kept<pegtl::type_list<Rules...>, Depth>
    : std::bool_constant<(
          (cst_kind<Rules> != Cst::none || may_contain_kept<Rules, Depth - 1>::value) || ...)> {};
template <typename Rule, unsigned Depth>
struct may_contain_kept : list_may_contain_kept<typename Rule::subs_t, Depth> {};
template <typename Rule>
struct may_contain_kept<Rule, 0> : std::true_type {};

// `at<>` and `not_at<>` only look ahead: whatever they matched is undone.
template <typename Rule>
inline constexpr bool is_lookahead = false;
template <typename... Rules>
inline constexpr bool is_lookahead<pegtl::at<Rules...>> = true;
template <typename... Rules>
inline constexpr bool is_lookahead<pegtl::not_at<Rules...>> = true;

// Builds the parse tree from the control's start/success/failure calls. A
// kept rule opens a node and, on success, hands it to the enclosing node.
// Since PEGTL backtracks, other rules that may contain kept rules mark how
// many children the open node has, and a failure drops what their partial
// match added. Open nodes live by value in a stack, so a failed attempt
// costs no allocation. (PEGTL's contrib/parse_tree allocates a node for
// every attempt of such a rule, which made it most of the parser's time.)
class TreeBuilder {
 public:
  TreeBuilder() { open_.emplace_back(); }

  void open(Cst kind, const char* at) {
    CstNode& node = open_.emplace_back();
    node.kind = kind;
    node.begin = at;
  }
  void close(const char* at, bool fold_single_child) {
    auto node = std::make_unique<CstNode>(std::move(open_.back()));
    open_.pop_back();
    node->end = at;
    if (fold_single_child && node->children.size() == 1) node = std::move(node->children.front());
    open_.back().children.push_back(std::move(node));
  }
  void drop() { open_.pop_back(); }

  void mark() { marks_.push_back(open_.back().children.size()); }
  void keep() { marks_.pop_back(); }
  void rewind() {
    auto& children = open_.back().children;
    children.erase(children.begin() + static_cast<std::ptrdiff_t>(marks_.back()), children.end());
    marks_.pop_back();
  }

  CstNode take_root() { return std::move(open_.front()); }

 private:
  std::vector<CstNode> open_;  // the root, then the nodes being matched
  std::vector<std::size_t> marks_;
};

// ---------------------------------------------------------- PEGTL state ---

// The parser's state, the only state of the PEGTL calls.
class ParseContext {
 public:
  ParseContext(std::string_view text, const ParseLimits& limits)
      : text_(text), max_nesting_(limits.max_nesting) {}

  // One level of grammar::nest; leaves the level when destroyed.
  class Level {
   public:
    explicit Level(unsigned& depth) : depth_(depth) { ++depth_; }
    Level(const Level&) = delete;
    Level& operator=(const Level&) = delete;
    ~Level() { --depth_; }

   private:
    unsigned& depth_;
  };

  template <typename ParseInput>
  Level enter_nesting(const ParseInput& in) {
    if (depth_ >= max_nesting_) {
      const std::size_t at = skip_space(text_, offset(in));
      throw SyntaxError{DiagCode::nesting_too_deep,
                        fmt::format("too deeply nested (more than {} levels)", max_nesting_), at,
                        at + token_length(text_, at)};
    }
    return Level(depth_);
  }

  template <typename ParseInput>
  std::size_t offset(const ParseInput& in) const {
    return static_cast<std::size_t>(in.current() - text_.data());
  }

  std::string_view text() const { return text_; }
  std::vector<std::size_t>& token_starts() { return token_starts_; }
  TreeBuilder& tree() { return tree_; }

 private:
  std::string_view text_;
  unsigned max_nesting_;
  unsigned depth_ = 0;
  std::vector<std::size_t> token_starts_;  // open strings and numbers, innermost last
  TreeBuilder tree_;
};

// Outside strings and comments only ASCII text has a meaning; a stray
// character gets a message about itself rather than about what was expected.
void describe_stray_character(std::string_view text, SyntaxError& error) {
  if (error.begin >= text.size()) return;
  const auto c = static_cast<unsigned char>(text[error.begin]);
  if (c >= 0x80) {
    error.message =
        fmt::format("unexpected character `{}`; names are made of ASCII letters, digits and `_`",
                    text.substr(error.begin, error.end - error.begin));
  } else if (c < 0x20 || c == 0x7F) {
    error.message = fmt::format("unexpected control character U+{:04X}", c);
  }
}

template <typename Rule>
inline constexpr bool is_reserved_name = false;
template <typename Role>
inline constexpr bool is_reserved_name<g::reserved_name<Role>> = true;
template <typename Rule>
inline constexpr const char* reserved_role = nullptr;
template <typename Role>
inline constexpr const char* reserved_role<g::reserved_name<Role>> = Role::what;

// Rules that fail right after a complete expression, where a single `=` was
// most likely meant as a comparison.
template <typename Rule>
inline constexpr bool follows_expression =
    std::is_same_v<Rule, g::rule_close> || std::is_same_v<Rule, g::end_of_file> ||
    std::is_same_v<Rule, g::paren_close> || std::is_same_v<Rule, g::if_then> ||
    std::is_same_v<Rule, g::if_else> || std::is_same_v<Rule, g::list_close> ||
    std::is_same_v<Rule, g::set_close> || std::is_same_v<Rule, g::call_close> ||
    std::is_same_v<Rule, g::index_close> || std::is_same_v<Rule, g::aggregate_close> ||
    std::is_same_v<Rule, g::quantifier_colon> || std::is_same_v<Rule, g::interpolation_close> ||
    std::is_same_v<Rule, g::with_close> || std::is_same_v<Rule, g::test_close> ||
    std::is_same_v<Rule, g::expect_equals>;

// Operators from other languages get a hint instead of "expected ...":
// `&&`, `||`, `!` anywhere, and `=` after an expression.
bool describe_foreign_operator(std::string_view text, bool after_expression, SyntaxError& error) {
  const std::string_view rest = text.substr(std::min(error.begin, text.size()));
  const auto hint = [&](std::size_t length, std::string message) {
    error.end = error.begin + length;
    error.message = std::move(message);
    return true;
  };
  if (rest.substr(0, 2) == "&&") return hint(2, "use `and` instead of `&&`");
  if (rest.substr(0, 2) == "||") return hint(2, "use `or` instead of `||`");
  const bool single = rest.size() < 2 || rest[1] != '=';
  if (!rest.empty() && rest[0] == '!' && single) return hint(1, "use `not` instead of `!`");
  if (after_expression && !rest.empty() && rest[0] == '=' && single) {
    return hint(1, "`=` is not a comparison; use `==`");
  }
  return false;
}

// At most `max_chars` characters of `text`, cut at a character boundary and
// marked with `…` when cut.
std::string shorten(std::string_view text, std::size_t max_chars) {
  std::size_t end = 0;
  for (std::size_t chars = 0; end < text.size() && chars < max_chars; ++chars) {
    end += utf8_sequence_length(static_cast<unsigned char>(text[end]));
  }
  if (end >= text.size()) return std::string(text);
  return std::string(text.substr(0, end)) + "\xE2\x80\xA6";  // U+2026 HORIZONTAL ELLIPSIS
}

template <typename Rule, typename ParseInput>
SyntaxError make_syntax_error(const ParseInput& in, ParseContext& context) {
  const std::string_view text = context.text();
  const std::size_t at = context.offset(in);
  SyntaxError error{g::error_code<Rule>, g::error_message<Rule>, at, at};
  switch (error_anchor<Rule>) {
    case ErrorAnchor::next_token:
      error.begin = skip_space(text, at);
      error.end = error.begin + token_length(text, error.begin);
      if constexpr (is_reserved_name<Rule>) {
        error.message =
            fmt::format("`{}` is a reserved word and cannot name {}",
                        text.substr(error.begin, error.end - error.begin), reserved_role<Rule>);
      } else if constexpr (std::is_same_v<Rule, g::package_expected>) {
        const std::string_view found = text.substr(error.begin, error.end - error.begin);
        if (!found.empty() && is_ident_char(found.front())) {
          error.message += fmt::format(", not `{}`", found);
          if (!closest_match(found, {"package"}).empty()) {
            error.message += "; did you mean `package`?";
          }
        }
      } else if constexpr (g::error_code<Rule> == DiagCode::syntax_error) {
        if (!describe_foreign_operator(text, follows_expression<Rule>, error)) {
          describe_stray_character(text, error);
        }
      }
      break;
    case ErrorAnchor::open_token:
      error.begin = context.token_starts().empty() ? at : context.token_starts().back();
      error.end = at;
      while (error.end < text.size() && is_ident_char(text[error.end])) ++error.end;
      if constexpr (std::is_same_v<Rule, g::string_close>) {
        // The string runs to the end of its line (or of the file).
        error.message =
            fmt::format("unterminated string `{}`; a string must end with `\"` on the same line",
                        shorten(text.substr(error.begin, at - error.begin), 40));
      }
      break;
    case ErrorAnchor::escape:
      error.begin = text.rfind('\\', at == 0 ? 0 : at - 1);
      if (error.begin == std::string_view::npos) error.begin = at;
      if (at < text.size() && text[at] != '"' && text[at] != '\n' && text[at] != '\r') {
        error.end = at + token_length(text, at);
        if (is_ident_char(text[at])) error.end = at + 1;  // `\q`, not `\quote`
      }
      if constexpr (std::is_same_v<Rule, g::escape_code>) {
        // `"`, a line break or the end of the file after `\`: the escape is the
        // backslash alone.
        error.message = fmt::format(
            "invalid escape `{}` in string; use one of `\\n \\t \\r \\\" \\\\ \\$ \\u{{...}}`",
            text.substr(error.begin, std::max(error.end, at) - error.begin));
      }
      break;
  }
  return error;
}

// The PEGTL control: builds the parse tree, turns a failed `must<>` or
// `raise<>` into a SyntaxError, and remembers where strings and numbers
// start, for their error spans.
template <typename Rule>
struct ParserControl : pegtl::normal<Rule> {
  static constexpr Cst kind = cst_kind<Rule>;
  // Looking 6 levels down is enough to see that tokens and whitespace keep
  // nothing, which is where a parser spends most of its calls.
  static constexpr bool may_keep_nodes = kind == Cst::none && may_contain_kept<Rule, 6>::value;

  template <typename ParseInput>
  static void start(const ParseInput& in, ParseContext& context) {
    if constexpr (kind != Cst::none) context.tree().open(kind, in.current());
    if constexpr (may_keep_nodes) context.tree().mark();
    if constexpr (records_token_start<Rule>) {
      context.token_starts().push_back(skip_space(context.text(), context.offset(in)));
    }
  }

  template <typename ParseInput>
  static void success(const ParseInput& in, ParseContext& context) {
    if constexpr (kind != Cst::none) context.tree().close(in.current(), folds_single_child<Rule>);
    if constexpr (may_keep_nodes) {
      if constexpr (is_lookahead<Rule>) {
        context.tree().rewind();
      } else {
        context.tree().keep();
      }
    }
    if constexpr (records_token_start<Rule>) context.token_starts().pop_back();
  }

  template <typename ParseInput>
  static void failure(const ParseInput& /*in*/, ParseContext& context) {
    if constexpr (kind != Cst::none) context.tree().drop();
    if constexpr (may_keep_nodes) context.tree().rewind();
    if constexpr (records_token_start<Rule>) context.token_starts().pop_back();
  }

  template <typename ParseInput>
  [[noreturn]] static void raise(const ParseInput& in, ParseContext& context) {
    static_assert(g::error_message<Rule> != nullptr,
                  "every rule under must<> or raise<> needs a grammar::error_message");
    throw make_syntax_error<Rule>(in, context);
  }
};

// ------------------------------------------------------------- AST build ---

// An expression and the depth of its tree, which must stay within
// ParseLimits::max_expression_depth.
struct Built {
  ExprPtr expr;
  unsigned depth = 1;
};

class AstBuilder {
 public:
  AstBuilder(std::string_view text, FileId file, Diagnostics& diags, const ParseLimits& limits)
      : text_(text), file_(file), diags_(diags), limits_(limits) {}

  std::unique_ptr<Module> build(const CstNode& root);

 private:
  // Spans and text
  Span span(const CstNode& node) const;
  Span raw_span(const CstNode& node) const;
  Span keyword_span(const CstNode& node) const;
  std::string_view text(Span span) const { return text_.substr(span.begin, span.end - span.begin); }
  void error(DiagCode code, Span span, std::string message);

  // Names and types
  Ident ident(const CstNode& node);
  DottedName dotted(const CstNode& node);
  TypeRef type_ref(const CstNode& node);

  // Literals
  std::optional<std::int64_t> integer(std::string_view written, Span span, bool negative);
  std::optional<double> floating(std::string_view written, Span span, bool negative);
  void decode_escape(const CstNode& node, std::string& out);
  std::string plain_string(const CstNode& node, std::string_view where);
  void check_string_length(const CstNode& node);

  // Expressions
  template <typename T>
  Built make(T node, Span span, unsigned child_depth = 0);
  ExprPtr expr(const CstNode& node) { return expression(node).expr; }
  Built expression(const CstNode& node);
  Built number(const CstNode& node, bool negative, Span span);
  Built string_expression(const CstNode& node);
  template <typename Collection>
  Built collection(const CstNode& node);
  Built binary_chain(const CstNode& node);
  Built postfix(const CstNode& node);
  Built negation(const CstNode& node);
  Built quantifier(const CstNode& node, QuantKind kind);
  Built aggregate(const CstNode& node, AggKind kind);
  Built if_else(const CstNode& node);

  // Declarations
  std::unique_ptr<Decl> declaration(const CstNode& node);
  Import import_decl(const CstNode& node);
  EnumDecl enum_decl(const CstNode& node);
  FieldDecl field(const CstNode& node);
  std::vector<FieldDecl> fields(const CstNode& node, std::size_t first);
  ConstDecl const_decl(const CstNode& node);
  DefDecl def_decl(const CstNode& node);
  OutputDecl output_decl(const CstNode& node);
  RuleDecl rule(const CstNode& node);
  void clause(const CstNode& node, RuleDecl& rule);
  Effect effect(const CstNode& node);
  TestDecl test(const CstNode& node);
  Given given(const CstNode& node);
  GivenPtr given_value(const CstNode& node);
  std::vector<GivenPathStep> fact_path(const CstNode& node);
  Expect expectation(const CstNode& node);

  std::string_view text_;
  FileId file_;
  Diagnostics& diags_;
  const ParseLimits& limits_;
  bool failed_ = false;
  bool reported_depth_ = false;
};

std::size_t offset_of(const char* at, std::string_view text) {
  return static_cast<std::size_t>(at - text.data());
}

Span AstBuilder::span(const CstNode& node) const {
  const auto end = offset_of(node.end, text_);
  const auto begin = std::min(skip_space(text_, offset_of(node.begin, text_)), end);
  return {file_, static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)};
}

Span AstBuilder::raw_span(const CstNode& node) const {
  return {file_, static_cast<std::uint32_t>(offset_of(node.begin, text_)),
          static_cast<std::uint32_t>(offset_of(node.end, text_))};
}

// The first word of a node: the keyword of a clause, for messages about it.
Span AstBuilder::keyword_span(const CstNode& node) const {
  Span s = span(node);
  s.end = s.begin + static_cast<std::uint32_t>(token_length(text_, s.begin));
  return s;
}

void AstBuilder::error(DiagCode code, Span span, std::string message) {
  diags_.error(code, span, std::move(message));
  failed_ = true;
}

// ---------------------------------------------------------- names, types ---

Ident AstBuilder::ident(const CstNode& node) {
  const Span s = span(node);
  const std::string_view name = text(s);
  if (name.size() > limits_.max_identifier_bytes) {
    error(DiagCode::syntax_error, s,
          fmt::format("name is longer than the limit of {} bytes", limits_.max_identifier_bytes));
  }
  return Ident{std::string(name), s};
}

DottedName AstBuilder::dotted(const CstNode& node) {
  DottedName name;
  name.span = span(node);
  // A dotted name (a package, an import, a type) is one name: the identifier
  // limit bounds it whole, so a name of thousands of parts cannot make
  // the checker's package tree quadratic.
  if (text(name.span).size() > limits_.max_identifier_bytes) {
    error(DiagCode::syntax_error, name.span,
          fmt::format("name is longer than the limit of {} bytes", limits_.max_identifier_bytes));
    return name;
  }
  for (const auto& part : node.children) name.parts.push_back(ident(*part));
  return name;
}

TypeRef AstBuilder::type_ref(const CstNode& node) {
  TypeRef type;
  for (const auto& child : node.children) {
    switch (child->kind) {
      case Cst::dotted_name:
        type.name = dotted(*child);
        break;
      case Cst::type_ref:
        type.args.push_back(type_ref(*child));
        break;
      case Cst::optional_mark:
        type.optional = true;
        break;
      default:
        break;
    }
  }
  type.span = span(node);
  return type;
}

// -------------------------------------------------------------- literals ---

std::string without_separators(std::string_view written) {
  std::string digits;
  for (const char c : written) {
    if (c != '_') digits += c;
  }
  return digits;
}

bool is_integer_literal(std::string_view written) {
  return written.find_first_of(".eE") == std::string_view::npos;
}

std::optional<std::int64_t> AstBuilder::integer(std::string_view written, Span span,
                                                bool negative) {
  const std::string digits = without_separators(written);
  std::uint64_t magnitude = 0;
  const auto [end, status] =
      std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
  constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (status != std::errc{} || end != digits.data() + digits.size() ||
      magnitude > max + (negative ? 1 : 0)) {
    error(DiagCode::invalid_number, span,
          fmt::format("integer `{}{}` does not fit in 64 bits", negative ? "-" : "", written));
    return std::nullopt;
  }
  if (!negative) return static_cast<std::int64_t>(magnitude);
  if (magnitude == max + 1) return std::numeric_limits<std::int64_t>::min();
  return -static_cast<std::int64_t>(magnitude);
}

std::optional<double> AstBuilder::floating(std::string_view written, Span span, bool negative) {
  const std::string digits = without_separators(written);
  double value = 0;
  const auto [end, status] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (status == std::errc::result_out_of_range) {
    // Too small to represent is zero, as in every other language; too large is an error.
    const auto exponent = digits.find_first_of("eE");
    if (exponent != std::string::npos && exponent + 1 < digits.size() &&
        digits[exponent + 1] == '-') {
      return negative ? -0.0 : 0.0;
    }
  }
  if (status != std::errc{} || end != digits.data() + digits.size() || !std::isfinite(value)) {
    error(DiagCode::invalid_number, span,
          fmt::format("number `{}{}` is out of range", negative ? "-" : "", written));
    return std::nullopt;
  }
  return negative ? -value : value;
}

void AstBuilder::decode_escape(const CstNode& node, std::string& out) {
  const Span s = raw_span(node);
  const std::string_view written = text(s);  // `\n`, `\u{1F600}`, ...
  switch (written[1]) {
    case 'n':
      out += '\n';
      return;
    case 't':
      out += '\t';
      return;
    case 'r':
      out += '\r';
      return;
    case 'u':
      break;
    default:
      out += written[1];
      return;  // `\"` `\\` `\$`
  }
  const std::string_view hex = written.substr(3, written.size() - 4);
  std::uint32_t code_point = 0;
  std::from_chars(hex.data(), hex.data() + hex.size(), code_point, 16);  // 1-6 digits: no overflow
  if (code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    error(DiagCode::invalid_escape, s,
          fmt::format("`{}` is not a Unicode scalar value (a code point up to 10FFFF, no "
                      "surrogates)",
                      written));
    return;
  }
  append_utf8(out, code_point);
}

void AstBuilder::check_string_length(const CstNode& node) {
  const Span s = span(node);
  if (s.end - s.begin > limits_.max_string_bytes + 2) {
    error(DiagCode::syntax_error, s,
          fmt::format("string is longer than the limit of {} bytes", limits_.max_string_bytes));
  }
}

// The text of a string literal where `${...}` has no meaning (titles,
// citations, test names, JSON-like values): `where` names the place.
std::string AstBuilder::plain_string(const CstNode& node, std::string_view where) {
  check_string_length(node);
  std::string value;
  for (const auto& part : node.children) {
    switch (part->kind) {
      case Cst::string_text:
        value += text(raw_span(*part));
        break;
      case Cst::escape:
        decode_escape(*part, value);
        break;
      case Cst::interpolation:
        error(DiagCode::syntax_error, raw_span(*part),
              fmt::format("{} cannot contain `${{...}}`; write `\\$` for a literal `$`", where));
        break;
      default:
        break;
    }
  }
  return value;
}

// ----------------------------------------------------------- expressions ---

template <typename T>
Built AstBuilder::make(T node, Span span, unsigned child_depth) {
  const unsigned depth = child_depth + 1;
  if (depth > limits_.max_expression_depth) {
    if (!reported_depth_) {
      error(DiagCode::nesting_too_deep, span,
            fmt::format("expression is too deeply nested (more than {} levels)",
                        limits_.max_expression_depth));
      reported_depth_ = true;
    }
    failed_ = true;
    return {make_expr(NoneLit{}, span), 1};  // keeps the tree within the limit
  }
  return {make_expr(std::move(node), span), depth};
}

Built AstBuilder::expression(const CstNode& node) {
  switch (node.kind) {
    case Cst::identifier:
      return make(NameRef{ident(node)}, span(node));
    case Cst::number_literal:
      return number(node, false, span(node));
    case Cst::string_literal:
      return string_expression(node);
    case Cst::true_literal:
      return make(BoolLit{true}, span(node));
    case Cst::false_literal:
      return make(BoolLit{false}, span(node));
    case Cst::none_literal:
      return make(NoneLit{}, span(node));
    case Cst::paren_expr:
      return expression(*node.children.front());
    case Cst::list_literal:
      return collection<ListLit>(node);
    case Cst::set_literal:
      return collection<SetLit>(node);
    case Cst::some_expr:
      return quantifier(node, QuantKind::some);
    case Cst::every_expr:
      return quantifier(node, QuantKind::every);
    case Cst::count_expr:
      return aggregate(node, AggKind::count);
    case Cst::sum_expr:
      return aggregate(node, AggKind::sum);
    case Cst::max_expr:
      return aggregate(node, AggKind::max);
    case Cst::min_expr:
      return aggregate(node, AggKind::min);
    case Cst::postfix:
      return postfix(node);
    case Cst::negation:
      return negation(node);
    case Cst::not_expr: {
      Built operand = expression(*node.children.front());
      return make(Unary{UnaryOp::not_, std::move(operand.expr)}, span(node), operand.depth);
    }
    case Cst::if_expr:
      return if_else(node);
    case Cst::multiplicative:
    case Cst::additive:
    case Cst::coalescing:
    case Cst::comparison:
    case Cst::conjunction:
    case Cst::disjunction:
      return binary_chain(node);
    default:
      error(DiagCode::syntax_error, span(node), "internal parser error: unexpected expression");
      return make(NoneLit{}, span(node));
  }
}

Built AstBuilder::number(const CstNode& node, bool negative, Span span) {
  const std::string_view written = text(this->span(node));
  if (is_integer_literal(written)) {
    const auto value = integer(written, span, negative);
    return make(IntLit{value.value_or(0)}, span);
  }
  const auto value = floating(written, span, negative);
  return make(NumberLit{value.value_or(0)}, span);
}

Built AstBuilder::string_expression(const CstNode& node) {
  check_string_length(node);
  std::vector<InterpPart> parts;
  std::string pending;  // text since the last interpolation
  unsigned depth = 0;
  bool interpolated = false;
  for (const auto& part : node.children) {
    switch (part->kind) {
      case Cst::string_text:
        pending += text(raw_span(*part));
        break;
      case Cst::escape:
        decode_escape(*part, pending);
        break;
      case Cst::interpolation: {
        if (!pending.empty()) parts.push_back(InterpPart{std::exchange(pending, {}), nullptr});
        Built value = expression(*part->children.front());
        depth = std::max(depth, value.depth);
        parts.push_back(InterpPart{{}, std::move(value.expr)});
        interpolated = true;
        break;
      }
      default:
        break;
    }
  }
  if (!interpolated) return make(StringLit{std::move(pending)}, span(node));
  if (!pending.empty()) parts.push_back(InterpPart{std::move(pending), nullptr});
  return make(InterpString{std::move(parts)}, span(node), depth);
}

template <typename Collection>
Built AstBuilder::collection(const CstNode& node) {
  Collection literal;
  unsigned depth = 0;
  for (const auto& element : node.children) {
    Built value = expression(*element);
    depth = std::max(depth, value.depth);
    literal.elements.push_back(std::move(value.expr));
  }
  return make(std::move(literal), span(node), depth);
}

BinaryOp binary_op(Cst kind) {
  switch (kind) {
    case Cst::op_or:
      return BinaryOp::or_;
    case Cst::op_and:
      return BinaryOp::and_;
    case Cst::op_eq:
      return BinaryOp::eq;
    case Cst::op_ne:
      return BinaryOp::ne;
    case Cst::op_lt:
      return BinaryOp::lt;
    case Cst::op_le:
      return BinaryOp::le;
    case Cst::op_gt:
      return BinaryOp::gt;
    case Cst::op_ge:
      return BinaryOp::ge;
    case Cst::op_in:
      return BinaryOp::in;
    case Cst::op_not_in:
      return BinaryOp::not_in;
    case Cst::op_intersects:
      return BinaryOp::intersects;
    case Cst::op_within:
      return BinaryOp::within;
    case Cst::op_coalesce:
      return BinaryOp::coalesce;
    case Cst::op_add:
      return BinaryOp::add;
    case Cst::op_sub:
      return BinaryOp::sub;
    case Cst::op_mul:
      return BinaryOp::mul;
    case Cst::op_div:
      return BinaryOp::div;
    default:
      return BinaryOp::mod;
  }
}

// `a op b op c` (children: operand, op, operand, op, operand) folds to the
// left. Spans come from the parse tree, so `(a + b) * c` covers the `(`.
Built AstBuilder::binary_chain(const CstNode& node) {
  const auto& children = node.children;
  Built result = expression(*children.front());
  Span covered = span(*children.front());
  for (std::size_t i = 1; i + 1 < children.size(); i += 2) {
    Built rhs = expression(*children[i + 1]);
    covered = Span::cover(covered, span(*children[i + 1]));
    const unsigned depth = std::max(result.depth, rhs.depth);
    result = make(Binary{binary_op(children[i]->kind), std::move(result.expr), std::move(rhs.expr)},
                  covered, depth);
  }
  return result;
}

// `base .field [index] (args)`, folded to the left.
Built AstBuilder::postfix(const CstNode& node) {
  const auto& children = node.children;
  Built result = expression(*children.front());
  Span covered = span(*children.front());
  for (std::size_t i = 1; i < children.size(); ++i) {
    const CstNode& step = *children[i];
    covered = Span::cover(covered, span(step));
    switch (step.kind) {
      case Cst::field_access:
        result = make(FieldAccess{std::move(result.expr), ident(*step.children.front())}, covered,
                      result.depth);
        break;
      case Cst::index_access: {
        Built index = expression(*step.children.front());
        const unsigned depth = std::max(result.depth, index.depth);
        result = make(IndexAccess{std::move(result.expr), std::move(index.expr)}, covered, depth);
        break;
      }
      default: {  // call_args
        Call call{std::move(result.expr), {}};
        unsigned depth = result.depth;
        for (const auto& argument : step.children) {
          Built value = expression(*argument);
          depth = std::max(depth, value.depth);
          call.args.push_back(std::move(value.expr));
        }
        result = make(std::move(call), covered, depth);
        break;
      }
    }
  }
  return result;
}

// `-x`. A negated integer literal is folded into the literal only when it is
// -9223372036854775808, whose magnitude alone does not fit in an int.
Built AstBuilder::negation(const CstNode& node) {
  const CstNode& operand = *node.children.front();
  if (operand.kind == Cst::number_literal) {
    const std::string_view written = text(span(operand));
    if (is_integer_literal(written) && without_separators(written) == "9223372036854775808") {
      return number(operand, true, span(node));
    }
  }
  Built value = expression(operand);
  return make(Unary{UnaryOp::negate, std::move(value.expr)}, span(node), value.depth);
}

// children: variable, domain, body
Built AstBuilder::quantifier(const CstNode& node, QuantKind kind) {
  Ident var = ident(*node.children[0]);
  Built domain = expression(*node.children[1]);
  Built body = expression(*node.children[2]);
  const unsigned depth = std::max(domain.depth, body.depth);
  return make(Quantifier{kind, std::move(var), std::move(domain.expr), std::move(body.expr)},
              span(node), depth);
}

// children: [value] variable domain [where] [default]
Built AstBuilder::aggregate(const CstNode& node, AggKind kind) {
  Aggregate result{kind, nullptr, {}, nullptr, nullptr, nullptr};
  unsigned depth = 0;
  const auto take = [&](const CstNode& child) {
    Built value = expression(child);
    depth = std::max(depth, value.depth);
    return std::move(value.expr);
  };
  std::size_t next = 0;
  if (kind != AggKind::count) result.value = take(*node.children[next++]);
  result.var = ident(*node.children[next++]);
  result.domain = take(*node.children[next++]);
  for (; next < node.children.size(); ++next) {
    const CstNode& clause = *node.children[next];
    if (clause.kind == Cst::aggregate_where) result.where = take(*clause.children.front());
    if (clause.kind == Cst::aggregate_default) result.fallback = take(*clause.children.front());
  }
  return make(std::move(result), span(node), depth);
}

Built AstBuilder::if_else(const CstNode& node) {
  Built cond = expression(*node.children[0]);
  Built then_value = expression(*node.children[1]);
  Built else_value = expression(*node.children[2]);
  const unsigned depth = std::max({cond.depth, then_value.depth, else_value.depth});
  return make(IfElse{std::move(cond.expr), std::move(then_value.expr), std::move(else_value.expr)},
              span(node), depth);
}

// ---------------------------------------------------------- declarations ---

std::unique_ptr<Module> AstBuilder::build(const CstNode& root) {
  auto module = std::make_unique<Module>();
  module->file = file_;
  for (const auto& child : root.children) {
    switch (child->kind) {
      case Cst::package_decl:
        module->package = dotted(*child->children.front());
        break;
      case Cst::import_decl:
        module->imports.push_back(import_decl(*child));
        break;
      default: {
        auto decl = declaration(*child);
        decl->module = module.get();
        module->decls.push_back(std::move(decl));
        break;
      }
    }
  }
  if (failed_) return nullptr;
  return module;
}

Import AstBuilder::import_decl(const CstNode& node) {
  Import result;
  result.path = dotted(*node.children.front());
  if (node.children.size() > 1) {
    const CstNode& tail = *node.children[1];
    if (tail.kind == Cst::import_alias) {
      result.alias = ident(*tail.children.front());
    } else {
      for (const auto& name : tail.children) result.selected.push_back(ident(*name));
    }
  }
  result.span = span(node);
  return result;
}

std::unique_ptr<Decl> AstBuilder::declaration(const CstNode& node) {
  auto decl = std::make_unique<Decl>();
  decl->span = span(node);
  decl->doc = doc_comment_before(text_, decl->span.begin);
  switch (node.kind) {
    case Cst::enum_decl:
      decl->node = enum_decl(node);
      break;
    case Cst::type_decl:
      decl->node = TypeDecl{ident(*node.children.front()), fields(node, 1)};
      break;
    case Cst::facts_decl:
      decl->node = FactsDecl{fields(node, 0)};
      break;
    case Cst::const_decl:
      decl->node = const_decl(node);
      break;
    case Cst::def_decl:
      decl->node = def_decl(node);
      break;
    case Cst::output_decl:
      decl->node = output_decl(node);
      break;
    case Cst::rule_decl:
      decl->node = rule(node);
      break;
    default:
      decl->node = test(node);
      break;
  }
  return decl;
}

EnumDecl AstBuilder::enum_decl(const CstNode& node) {
  EnumDecl result{ident(*node.children.front()), {}};
  for (std::size_t i = 1; i < node.children.size(); ++i) {
    const CstNode& member_node = *node.children[i];
    EnumMember member{ident(*member_node.children.front()), {}, span(member_node)};
    if (member_node.children.size() > 1) {
      const CstNode& code = *member_node.children[1];
      const Span code_span = span(code);
      if (code.kind == Cst::string_literal) {
        member.code = plain_string(code, "an enum code");
      } else if (std::string_view written = text(code_span); is_integer_literal(written)) {
        const bool negative = written.front() == '-';
        if (negative) written.remove_prefix(1);
        member.code = integer(written, code_span, negative).value_or(0);
      } else {
        error(DiagCode::invalid_number, code_span,
              fmt::format("an enum code must be an integer or a string, not `{}`", written));
      }
    }
    result.members.push_back(std::move(member));
  }
  // An enum's values are its members: with none, a field or output of it
  // could hold nothing (and an output has no least value to start from).
  if (result.members.empty()) {
    error(DiagCode::syntax_error, span(node),
          fmt::format("enum `{}` needs at least one member", result.name.name));
  }
  return result;
}

// children: name, type, [default]
FieldDecl AstBuilder::field(const CstNode& node) {
  FieldDecl result;
  result.name = ident(*node.children[0]);
  result.type = type_ref(*node.children[1]);
  if (node.children.size() > 2) result.default_value = expr(*node.children[2]);
  result.span = span(node);
  result.doc = doc_comment_before(text_, result.span.begin);
  return result;
}

std::vector<FieldDecl> AstBuilder::fields(const CstNode& node, std::size_t first) {
  std::vector<FieldDecl> result;
  for (std::size_t i = first; i < node.children.size(); ++i) {
    result.push_back(field(*node.children[i]));
  }
  return result;
}

// children: name, [type], value
ConstDecl AstBuilder::const_decl(const CstNode& node) {
  ConstDecl result;
  result.name = ident(*node.children.front());
  if (node.children[1]->kind == Cst::type_ref) result.type = type_ref(*node.children[1]);
  result.value = expr(*node.children.back());
  return result;
}

// children: name, param*, result type, body
DefDecl AstBuilder::def_decl(const CstNode& node) {
  DefDecl result;
  result.name = ident(*node.children.front());
  const std::size_t result_type = node.children.size() - 2;
  for (std::size_t i = 1; i < result_type; ++i) {
    const CstNode& param = *node.children[i];
    result.params.push_back(Param{ident(*param.children[0]), type_ref(*param.children[1])});
  }
  result.result = type_ref(*node.children[result_type]);
  result.body = expr(*node.children.back());
  return result;
}

// children: name, type, [value]
OutputDecl AstBuilder::output_decl(const CstNode& node) {
  OutputDecl result;
  result.name = ident(*node.children[0]);
  result.type = type_ref(*node.children[1]);
  if (node.children.size() > 2) result.value = expr(*node.children[2]);
  return result;
}

// ----------------------------------------------------------------- rules ---

// Clauses come in this order; `for` and `let` share a rank, so they may
// interleave (each sees the bindings before it) and repeat.
enum class ClauseRank : std::uint8_t { title, cite, severity, binding, when, unless, then };

ClauseRank clause_rank(Cst kind) {
  switch (kind) {
    case Cst::title_clause:
      return ClauseRank::title;
    case Cst::cite_clause:
      return ClauseRank::cite;
    case Cst::severity_clause:
      return ClauseRank::severity;
    case Cst::for_clause:
    case Cst::let_clause:
      return ClauseRank::binding;
    case Cst::when_clause:
      return ClauseRank::when;
    case Cst::unless_clause:
      return ClauseRank::unless;
    default:
      return ClauseRank::then;
  }
}

const char* clause_word(Cst kind) {
  switch (kind) {
    case Cst::title_clause:
      return "title";
    case Cst::cite_clause:
      return "cite";
    case Cst::severity_clause:
      return "severity";
    case Cst::for_clause:
      return "for";
    case Cst::let_clause:
      return "let";
    case Cst::when_clause:
      return "when";
    case Cst::unless_clause:
      return "unless";
    default:
      return "then";
  }
}

// children: name, clause*
RuleDecl AstBuilder::rule(const CstNode& node) {
  RuleDecl result;
  result.name = ident(*node.children.front());
  const CstNode* latest = nullptr;  // the clause of the highest rank so far
  bool has_then = false;
  for (std::size_t i = 1; i < node.children.size(); ++i) {
    const CstNode& current = *node.children[i];
    const ClauseRank rank = clause_rank(current.kind);
    if (latest != nullptr && rank < clause_rank(latest->kind)) {
      error(DiagCode::clause_order, keyword_span(current),
            fmt::format("`{}` must come before `{}` in a rule (the order is title, cite, "
                        "severity, for/let, when, unless, then)",
                        clause_word(current.kind), clause_word(latest->kind)));
    } else if (latest != nullptr && rank == clause_rank(latest->kind) &&
               rank != ClauseRank::binding) {
      error(DiagCode::clause_order, keyword_span(current),
            fmt::format("rule `{}` has a second `{}` clause", result.name.name,
                        clause_word(current.kind)));
    } else {
      latest = &current;
    }
    has_then = has_then || current.kind == Cst::then_clause;
    clause(current, result);
  }
  if (!has_then) {
    const Span whole = span(node);
    error(DiagCode::missing_then, Span{file_, whole.end - 1, whole.end},
          fmt::format("rule `{}` has no `then` clause with its effects", result.name.name));
  }
  return result;
}

RuleSeverity severity_named(std::string_view word, bool& known) {
  known = true;
  if (word == "info") return RuleSeverity::info;
  if (word == "low") return RuleSeverity::low;
  if (word == "medium") return RuleSeverity::medium;
  if (word == "high") return RuleSeverity::high;
  if (word == "critical") return RuleSeverity::critical;
  known = false;
  return RuleSeverity::medium;
}

void AstBuilder::clause(const CstNode& node, RuleDecl& rule) {
  switch (node.kind) {
    case Cst::title_clause: {
      const CstNode& title = *node.children.front();
      rule.title = plain_string(title, "a title");
      rule.title_span = span(title);
      break;
    }
    case Cst::cite_clause:
      rule.cite_span = Span{};
      for (const auto& cite : node.children) {
        rule.cites.push_back(plain_string(*cite, "a citation"));
        rule.cite_span = Span::cover(rule.cite_span, span(*cite));
      }
      break;
    case Cst::severity_clause: {
      const CstNode& word_node = *node.children.front();
      rule.severity_span = span(word_node);
      const std::string_view word = text(rule.severity_span);
      bool known = false;
      rule.severity = severity_named(word, known);
      if (!known) {
        const std::vector<std::string_view> severities{"info", "low", "medium", "high", "critical"};
        std::string message = fmt::format("unknown severity `{}`", word);
        if (closest_match(word, severities).empty()) {
          message += "; expected `info`, `low`, `medium`, `high` or `critical`";
        } else {
          message = with_suggestion(std::move(message), word, severities);
        }
        error(DiagCode::invalid_severity, rule.severity_span, std::move(message));
      }
      break;
    }
    case Cst::for_clause:
    case Cst::let_clause: {
      const auto kind =
          node.kind == Cst::for_clause ? RuleBinding::Kind::for_ : RuleBinding::Kind::let;
      rule.bindings.push_back(
          RuleBinding{kind, ident(*node.children[0]), expr(*node.children[1]), span(node)});
      break;
    }
    case Cst::when_clause:
      rule.when = expr(*node.children.front());
      break;
    case Cst::unless_clause:
      rule.unless = expr(*node.children.front());
      break;
    default:  // then_clause
      for (const auto& effect_node : node.children) rule.effects.push_back(effect(*effect_node));
      break;
  }
}

Effect AstBuilder::effect(const CstNode& node) {
  Effect result;
  result.span = span(node);
  switch (node.kind) {
    case Cst::deny_effect:
    case Cst::review_effect:
    case Cst::warn_effect:
      result.kind = node.kind == Cst::deny_effect     ? EffectKind::deny
                    : node.kind == Cst::review_effect ? EffectKind::review
                                                      : EffectKind::warn;
      result.message = expr(*node.children.front());
      break;
    case Cst::require_effect:
      result.kind = EffectKind::require;
      result.obligation = dotted(*node.children.front());
      for (std::size_t i = 1; i < node.children.size(); ++i) {
        const CstNode& part = *node.children[i];
        if (part.kind == Cst::string_literal) {
          result.message = expr(part);
          continue;
        }
        for (const auto& entry : part.children) {  // with_block
          result.with.push_back(WithField{ident(*entry->children[0]), expr(*entry->children[1])});
        }
      }
      break;
    default:  // raise_effect
      result.kind = EffectKind::raise;
      result.output = dotted(*node.children[0]);
      result.raise_value = expr(*node.children[1]);
      break;
  }
  return result;
}

// ----------------------------------------------------------------- tests ---

// children: name, [given], expectation*
TestDecl AstBuilder::test(const CstNode& node) {
  TestDecl result;
  const CstNode& name = *node.children.front();
  result.name = plain_string(name, "a test name");
  result.name_span = span(name);
  for (std::size_t i = 1; i < node.children.size(); ++i) {
    const CstNode& child = *node.children[i];
    if (child.kind == Cst::given_clause) {
      result.given = given(child);
    } else {  // expect_clause
      Expect expect = expectation(*child.children.front());
      expect.span = span(child);
      result.expects.push_back(std::move(expect));
    }
  }
  return result;
}

Given AstBuilder::given(const CstNode& node) {
  Given result;
  result.span = span(node);
  const CstNode& source = *node.children.front();
  if (source.kind == Cst::given_object) {
    result.literal = given_value(source);
    return result;
  }
  const CstNode& file_name = *source.children.front();  // given_file
  result.file = plain_string(file_name, "a file name");
  result.file_span = span(file_name);
  if (source.children.size() > 1) {
    for (const auto& entry : source.children[1]->children) {  // overrides
      result.overrides.push_back(GivenOverride{fact_path(*entry->children[0]),
                                               given_value(*entry->children[1]), span(*entry)});
    }
  }
  return result;
}

GivenPtr AstBuilder::given_value(const CstNode& node) {
  auto value = std::make_unique<GivenValue>();
  value->span = span(node);
  switch (node.kind) {
    case Cst::given_object: {
      std::vector<GivenMember> members;
      for (const auto& member : node.children) {
        const CstNode& key = *member->children[0];
        std::string name =
            key.kind == Cst::string_literal ? plain_string(key, "a key") : ident(key).name;
        members.push_back(
            GivenMember{std::move(name), span(key), given_value(*member->children[1])});
      }
      value->node = std::move(members);
      break;
    }
    case Cst::given_array: {
      std::vector<GivenPtr> items;
      for (const auto& item : node.children) items.push_back(given_value(*item));
      value->node = std::move(items);
      break;
    }
    case Cst::string_literal:
      value->node = plain_string(node, "a `given` value");
      break;
    case Cst::signed_number: {
      std::string_view written = text(value->span);
      const bool negative = written.front() == '-';
      if (negative) written.remove_prefix(1);
      if (is_integer_literal(written)) {
        value->node = integer(written, value->span, negative).value_or(0);
      } else {
        value->node = floating(written, value->span, negative).value_or(0);
      }
      break;
    }
    case Cst::true_literal:
      value->node = true;
      break;
    case Cst::false_literal:
      value->node = false;
      break;
    default:
      value->node = std::monostate{};
      break;  // given_null
  }
  return value;
}

// `data[0].tags`: children are field words and list indexes.
std::vector<GivenPathStep> AstBuilder::fact_path(const CstNode& node) {
  std::vector<GivenPathStep> steps;
  for (const auto& step : node.children) {
    const Span s = span(*step);
    if (step->kind == Cst::path_index) {
      steps.push_back(GivenPathStep{integer(text(s), s, false).value_or(0), s});
    } else {
      steps.push_back(GivenPathStep{ident(*step).name, s});
    }
  }
  return steps;
}

EffectKind effect_kind_named(std::string_view word) {
  if (word == "review") return EffectKind::review;
  if (word == "warn") return EffectKind::warn;
  return EffectKind::deny;
}

// The expectation after `expect`; the caller sets the span from `expect`.
Expect AstBuilder::expectation(const CstNode& node) {
  Expect result;
  const auto set_pattern = [&](const CstNode& pattern) {
    result.target = dotted(*pattern.children.front());
    result.wildcard = pattern.children.size() > 1;
  };
  switch (node.kind) {
    case Cst::expect_outcome:
      result.kind = ExpectKind::outcome;
      result.outcome_span = span(*node.children.front());
      result.outcome = std::string(text(result.outcome_span));
      break;
    case Cst::expect_no_effect:
    case Cst::expect_effect:
      result.kind = node.kind == Cst::expect_effect ? ExpectKind::effect : ExpectKind::no_effect;
      result.effect = effect_kind_named(text(span(*node.children.front())));
      if (node.children.size() > 1) set_pattern(*node.children[1]);
      break;
    case Cst::expect_require:
    case Cst::expect_no_require:
      result.kind = node.kind == Cst::expect_require ? ExpectKind::require : ExpectKind::no_require;
      result.target = dotted(*node.children.front());
      break;
    case Cst::expect_missing:
      result.kind = ExpectKind::missing;
      result.path = fact_path(*node.children.front());
      result.path_text = std::string(text(span(*node.children.front())));
      break;
    case Cst::expect_complete:
      result.kind = ExpectKind::complete;
      break;
    default:  // expect_output
      result.kind = ExpectKind::output_eq;
      result.target = dotted(*node.children[0]);
      result.value = expr(*node.children[1]);
      break;
  }
  return result;
}

// ------------------------------------------------------------ the entry ---

// Size, NUL and UTF-8: problems of the bytes, reported before any parsing.
bool check_bytes(std::string_view text, FileId file, Diagnostics& diags,
                 const ParseLimits& limits) {
  if (text.size() > limits.max_source_bytes ||
      text.size() >= std::numeric_limits<std::uint32_t>::max()) {
    diags.error(DiagCode::file_too_large, Span{file, 0, 0},
                // The reader may stop one byte past the limit, so the true
                // size is unknown here: say only that it is over.
                fmt::format("the file is larger than the limit of {} bytes", limits.max_source_bytes));
    return false;
  }
  // Whichever comes first: a NUL byte is valid UTF-8 but never text.
  const auto nul = text.find('\0');
  const auto bad = find_invalid_utf8(text);
  if (nul == std::string_view::npos && bad == std::string_view::npos) return true;
  const auto at = static_cast<std::uint32_t>(std::min(nul, bad));
  if (at == nul) {
    diags.error(DiagCode::syntax_error, Span{file, at, at + 1},
                "the file contains a NUL byte; a rule file must be UTF-8 text");
  } else {
    diags.error(DiagCode::invalid_utf8, Span{file, at, at + 1},
                fmt::format("invalid UTF-8 (byte 0x{:02x})", static_cast<unsigned char>(text[at])));
  }
  return false;
}

std::unique_ptr<Module> parse_checked(const SourceFile& source, FileId file, Diagnostics& diags,
                                      const ParseLimits& limits) {
  const std::string_view text = source.text();
  if (!check_bytes(text, file, diags, limits)) return nullptr;
  ParseContext context(text, limits);
  pegtl::memory_input<pegtl::tracking_mode::lazy, pegtl::eol::lf_crlf, std::string_view> input(
      text.data(), text.size(), source.path());
  if (!pegtl::parse<g::module, pegtl::nothing, ParserControl>(input, context)) {
    // Cannot happen: the grammar ends in must<eof>, which raises instead.
    diags.error(DiagCode::syntax_error, Span{file, 0, 0}, "the file could not be parsed");
    return nullptr;
  }
  const CstNode root = context.tree().take_root();
  return AstBuilder(text, file, diags, limits).build(root);
}

// The one catch site: every exception becomes a diagnostic.
void report_exception(std::string_view text, FileId file, Diagnostics& diags) noexcept {
  try {
    try {
      throw;
    } catch (const SyntaxError& error) {
      diags.error(error.code,
                  Span{file, static_cast<std::uint32_t>(error.begin),
                       static_cast<std::uint32_t>(error.end)},
                  error.message);
    } catch (const pegtl::parse_error& error) {
      // Only from PEGTL itself: every rule of ours raises a SyntaxError.
      const auto at = error.positions().empty()
                          ? std::size_t{0}
                          : std::min(error.positions().front().byte, text.size());
      const auto begin = static_cast<std::uint32_t>(at);
      diags.error(DiagCode::syntax_error, Span{file, begin, begin}, std::string(error.message()));
    } catch (const std::bad_alloc&) {
      diags.error(DiagCode::syntax_error, Span{file, 0, 0}, "out of memory while parsing");
    } catch (const std::exception& error) {
      diags.error(DiagCode::syntax_error, Span{file, 0, 0},
                  fmt::format("internal parser error: {}", error.what()));
    } catch (...) {
      diags.error(DiagCode::syntax_error, Span{file, 0, 0}, "internal parser error");
    }
  } catch (...) {
    // Reporting itself failed (out of memory): nothing more can be done.
  }
}

}  // namespace

std::unique_ptr<Module> parse_module(const SourceSet& sources, FileId file, Diagnostics& diags,
                                     const ParseLimits& limits) {
  std::string_view text;
  try {
    const SourceFile& source = sources.file(file);
    text = source.text();
    return parse_checked(source, file, diags, limits);
  } catch (...) {
    report_exception(text, file, diags);
    return nullptr;
  }
}

}  // namespace precept::lang
