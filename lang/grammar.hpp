// The PEGTL grammar of the Precept rule language (LANGUAGE.md, v1 core).
//
// Only lang/parser.cpp and the grammar's own tests include this header: PEGTL
// types never leave the parser. The grammar only recognises text; parser.cpp
// keeps a parse tree of the rules it lists (PRECEPT_CST_NODES) and converts
// that tree to the AST (lang/ast.hpp), which is also where the checks that
// need a whole construct live (clause order, number ranges, escapes' code
// points, severities).
//
// Conventions
// - Every token rule skips the whitespace and comments *before* it (`sp`), so
//   a successful rule ends exactly at the end of its last token: node ends are
//   exact, and a node's exact begin is found by skipping `sp` from its start.
//   A failure position is likewise the end of the last good token; the parser
//   reports it at the next token.
// - Newlines are whitespace. Where the language separates items by "a comma
//   or a line break" (fields, enum members, `with` entries, `given` literals),
//   `separator` accepts a `,` or looks ahead for a line break before the next
//   token. Expressions need no separators: two expressions are never
//   juxtaposed, so `when a` / `and b` on two lines is one condition and a
//   clause keyword always ends the expression before it.
// - `must<>` marks commit points; every rule under `must<>` or `raise<>` has an
//   `error_message` (and possibly an `error_code`) below, in the style of
//   PEGTL's json_errors.hpp. parser.cpp turns the exception into a Diagnostic.
// - `nest<>` counts expression, type and literal nesting against the run-time
//   limit ParseLimits::max_nesting (PEGTL's limit_depth only takes a
//   compile-time maximum).
//
// Reserved words (never identifiers; still allowed as field names after `.`,
// in `type`/`facts` field declarations, in `given` keys and paths, and as the
// later parts of dotted names, because fact schemas come from elsewhere; not
// as `with { key: ... }` keys, whose values are expressions that a following
// `in:` or `and:` line would continue; where a name is declared or bound,
// `name_of<Role>` reports a reserved word by name). The list itself lives in
// lang/reserved_words.def, shared with the checker:
//
//   package import enum type facts const def output rule test
//   for let when unless then if else
//   or and not in intersects within
//   true false none some every count sum max min
//
// Contextual words (keywords only where they start a clause, an effect or an
// expectation, and ordinary identifiers elsewhere):
//
//   as title cite severity deny review warn require raise to with where
//   default given file expect outcome no missing complete null
#pragma once

#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/analyze_traits.hpp>

#include "lang/diagnostic.hpp"

namespace precept::lang::grammar {

namespace pegtl = tao::pegtl;
using namespace tao::pegtl;  // NOLINT: the grammar reads better with PEGTL's rule names bare

// ------------------------------------------------------------ nesting ---

// Matches Rule one level deeper. The first parser state must provide
// `enter_nesting(in)` returning a guard that leaves the level on destruction
// (and throws when the limit is passed).
template <typename Rule>
struct nest {
  using rule_t = nest;
  using subs_t = type_list<Rule>;

  template <apply_mode A, rewind_mode M, template <typename...> class Action,
            template <typename...> class Control, typename ParseInput, typename Context,
            typename... States>
  [[nodiscard]] static bool match(ParseInput& in, Context& context, States&&... st) {
    const auto level = context.enter_nesting(in);
    return pegtl::match<Rule, A, M, Action, Control>(in, context, st...);
  }
};

// ------------------------------------------------ whitespace, comments ---

struct line_comment : seq<two<'/'>, star<not_one<'\n'>>> {};  // also `///` doc comments
struct whitespace : one<' ', '\t', '\r', '\n'> {};
struct sp : star<sor<whitespace, line_comment>> {};
struct byte_order_mark : seq<one<char(0xEF)>, one<char(0xBB)>, one<char(0xBF)>> {};

// Zero-width: a line break comes before the next token.
struct line_break : at<star<sor<one<' ', '\t', '\r'>, line_comment>>, one<'\n'>> {};

// ------------------------------------------------------ words, keywords ---

struct ident_first : ranges<'a', 'z', 'A', 'Z', '_'> {};
struct ident_other : ranges<'a', 'z', 'A', 'Z', '0', '9', '_'> {};
struct word_raw : seq<ident_first, star<ident_other>> {};

// Built from lang/reserved_words.def, the list the checker also reads; the
// trailing `failure` only closes the list the macro leaves open.
struct reserved_word : sor<
#define RESERVED_WORD(w) TAO_PEGTL_KEYWORD(w),
#include "lang/reserved_words.def"
#undef RESERVED_WORD
                           failure> {};

// A name that is not a reserved word: variables, declarations, rule names.
struct identifier : seq<sp, not_at<reserved_word>, word_raw> {};
// Any word, reserved or not: field names, severity and outcome words, keys.
struct word : seq<sp, word_raw> {};

// A name being declared or bound. A reserved word in its place raises
// `reserved_name<Role>`, whose message names the word and what it cannot name
// (Role::what, with its article).
template <typename Role>
struct reserved_name : failure {};  // raised
template <typename Role>
struct name_of : sor<identifier, seq<at<sp, reserved_word>, raise<reserved_name<Role>>>> {};

struct role_package {
  static constexpr const char* what = "a package";
};
struct role_alias {
  static constexpr const char* what = "an import alias";
};
struct role_enum {
  static constexpr const char* what = "an enum";
};
struct role_member {
  static constexpr const char* what = "an enum member";
};
struct role_type {
  static constexpr const char* what = "a type";
};
struct role_const {
  static constexpr const char* what = "a constant";
};
struct role_def {
  static constexpr const char* what = "a function";
};
struct role_param {
  static constexpr const char* what = "a parameter";
};
struct role_output {
  static constexpr const char* what = "an output";
};
struct role_rule {
  static constexpr const char* what = "a rule";
};
struct role_variable {
  static constexpr const char* what = "a variable";
};

#define PRECEPT_KEYWORD(name, text) \
  struct name : seq<sp, TAO_PEGTL_KEYWORD(text)> {}

PRECEPT_KEYWORD(kw_package, "package");
PRECEPT_KEYWORD(kw_import, "import");
PRECEPT_KEYWORD(kw_as, "as");
PRECEPT_KEYWORD(kw_enum, "enum");
PRECEPT_KEYWORD(kw_type, "type");
PRECEPT_KEYWORD(kw_facts, "facts");
PRECEPT_KEYWORD(kw_const, "const");
PRECEPT_KEYWORD(kw_def, "def");
PRECEPT_KEYWORD(kw_output, "output");
PRECEPT_KEYWORD(kw_rule, "rule");
PRECEPT_KEYWORD(kw_test, "test");
PRECEPT_KEYWORD(kw_title, "title");
PRECEPT_KEYWORD(kw_cite, "cite");
PRECEPT_KEYWORD(kw_severity, "severity");
PRECEPT_KEYWORD(kw_for, "for");
PRECEPT_KEYWORD(kw_let, "let");
PRECEPT_KEYWORD(kw_when, "when");
PRECEPT_KEYWORD(kw_unless, "unless");
PRECEPT_KEYWORD(kw_then, "then");
PRECEPT_KEYWORD(kw_deny, "deny");
PRECEPT_KEYWORD(kw_review, "review");
PRECEPT_KEYWORD(kw_warn, "warn");
PRECEPT_KEYWORD(kw_require, "require");
PRECEPT_KEYWORD(kw_raise, "raise");
PRECEPT_KEYWORD(kw_to, "to");
PRECEPT_KEYWORD(kw_with, "with");
PRECEPT_KEYWORD(kw_if, "if");
PRECEPT_KEYWORD(kw_else, "else");
PRECEPT_KEYWORD(kw_or, "or");
PRECEPT_KEYWORD(kw_and, "and");
PRECEPT_KEYWORD(kw_not, "not");
PRECEPT_KEYWORD(kw_in, "in");
PRECEPT_KEYWORD(kw_intersects, "intersects");
PRECEPT_KEYWORD(kw_within, "within");
PRECEPT_KEYWORD(kw_true, "true");
PRECEPT_KEYWORD(kw_false, "false");
PRECEPT_KEYWORD(kw_none, "none");
PRECEPT_KEYWORD(kw_null, "null");
PRECEPT_KEYWORD(kw_some, "some");
PRECEPT_KEYWORD(kw_every, "every");
PRECEPT_KEYWORD(kw_count, "count");
PRECEPT_KEYWORD(kw_sum, "sum");
PRECEPT_KEYWORD(kw_max, "max");
PRECEPT_KEYWORD(kw_min, "min");
PRECEPT_KEYWORD(kw_where, "where");
PRECEPT_KEYWORD(kw_default, "default");
PRECEPT_KEYWORD(kw_given, "given");
PRECEPT_KEYWORD(kw_file, "file");
PRECEPT_KEYWORD(kw_expect, "expect");
PRECEPT_KEYWORD(kw_outcome, "outcome");
PRECEPT_KEYWORD(kw_no, "no");
PRECEPT_KEYWORD(kw_missing, "missing");
PRECEPT_KEYWORD(kw_complete, "complete");

#undef PRECEPT_KEYWORD

// ---------------------------------------------------------- punctuation ---

template <char C>
struct punct : seq<sp, one<C>> {};
struct lbrace : punct<'{'> {};
struct rbrace : punct<'}'> {};
struct lparen : punct<'('> {};
struct rparen : punct<')'> {};
struct lbracket : punct<'['> {};
struct rbracket : punct<']'> {};
struct langle : punct<'<'> {};
struct rangle : punct<'>'> {};
struct comma : punct<','> {};
struct colon : punct<':'> {};
struct dot : punct<'.'> {};
struct question : seq<sp, one<'?'>, not_at<one<'?'>>> {};
struct equals : seq<sp, one<'='>, not_at<one<'='>>> {};

// Items of a block separated by a comma or a line break (a trailing comma is
// allowed by the blocks themselves).
struct separator : sor<comma, line_break> {};
template <typename Item>
struct separated : seq<Item, star<separator, Item>, opt<comma>> {};
template <typename Item>
struct comma_list : seq<Item, star<comma, Item>, opt<comma>> {};

// -------------------------------------------------------------- numbers ---

struct digits : seq<digit, star<opt<one<'_'>>, digit>> {};
struct fraction : seq<one<'.'>, digits> {};
struct exponent : seq<one<'e', 'E'>, opt<one<'+', '-'>>, digits> {};
struct bad_number_char : failure {};  // raised: a letter or `_` glued to a number
struct number_end : sor<not_at<ident_other>, raise<bad_number_char>> {};
struct number_body : seq<digits, opt<fraction>, opt<exponent>, number_end> {};
struct number_literal : seq<sp, number_body> {};
// Enum codes and `given` values, which are literals rather than expressions.
struct signed_number : seq<sp, opt<one<'-'>>, number_body> {};

// -------------------------------------------------------------- strings ---

struct expr;

struct string_text
    : plus<sor<not_one<'"', '\\', '$', '\n', '\r'>, seq<one<'$'>, not_at<one<'{'>>>>> {};
struct unicode_open : one<'{'> {};
struct unicode_digits : rep_min_max<1, 6, xdigit> {};
struct unicode_close : one<'}'> {};
struct unicode_escape
    : seq<one<'u'>, must<unicode_open>, must<unicode_digits>, must<unicode_close>> {};
struct escape_code : sor<one<'n', 't', 'r', '"', '\\', '$'>, unicode_escape> {};
struct escape : seq<one<'\\'>, must<escape_code>> {};
struct interpolation_close : rbrace {};
struct interpolation_expr : seq<expr> {};
struct dollar_brace : string<'$', '{'> {};
struct interpolation : seq<dollar_brace, must<interpolation_expr>, must<interpolation_close>> {};
struct string_close : one<'"'> {};
struct string_literal
    : seq<sp, one<'"'>, star<sor<string_text, escape, interpolation>>, must<string_close>> {};

// ---------------------------------------------------------------- names ---

// `a.b.c`: the first part is an identifier, the later ones any word.
struct dotted_name : seq<identifier, star<dot, word>> {};

// ---------------------------------------------------------------- types ---

struct type_ref;
struct type_arg : nest<type_ref> {};
struct type_args_close : rangle {};
struct type_arg_list : seq<must<type_arg>, star<comma, must<type_arg>>> {};
struct type_args : seq<langle, type_arg_list, must<type_args_close>> {};
struct optional_mark : question {};
struct type_name : seq<dotted_name> {};
struct type_ref : seq<type_name, opt<type_args>, opt<optional_mark>> {};

// ---------------------------------------------------------- expressions ---
//
// Loosest first: if/then/else, or, and, not, comparisons (non-associative),
// ??, + -, * / %, unary -, postfix, primary. Each binary level is a flat
// `operand (op operand)*` chain that parser.cpp folds to the left.

// The operand after a binary operator, with an error message per operator.
template <typename Op, typename Operand>
struct operand_after : seq<Operand> {};
template <typename Op, typename Operand>
struct operation : seq<Op, must<operand_after<Op, Operand>>> {};

struct op_or : seq<kw_or> {};
struct op_and : seq<kw_and> {};
struct op_eq : seq<sp, two<'='>> {};
struct op_ne : seq<sp, string<'!', '='>> {};
struct op_le : seq<sp, string<'<', '='>> {};
struct op_lt : seq<sp, one<'<'>> {};
struct op_ge : seq<sp, string<'>', '='>> {};
struct op_gt : seq<sp, one<'>'>> {};
struct op_in : seq<kw_in> {};
struct op_not_in : seq<kw_not, kw_in> {};
struct op_intersects : seq<kw_intersects> {};
struct op_within : seq<kw_within> {};
struct op_coalesce : seq<sp, two<'?'>> {};
struct op_add : seq<sp, one<'+'>> {};
struct op_sub : seq<sp, one<'-'>> {};
struct op_mul : seq<sp, one<'*'>> {};
struct op_div : seq<sp, one<'/'>> {};
struct op_mod : seq<sp, one<'%'>> {};
struct op_negate : seq<sp, one<'-'>> {};

// Primary expressions
struct true_literal : seq<kw_true> {};
struct false_literal : seq<kw_false> {};
struct none_literal : seq<kw_none> {};

struct paren_close : rparen {};
struct paren_expr : seq<lparen, must<expr>, must<paren_close>> {};
struct list_close : rbracket {};
struct list_literal : seq<lbracket, opt<comma_list<expr>>, must<list_close>> {};
struct set_close : rbrace {};
struct set_literal : seq<lbrace, opt<comma_list<expr>>, must<set_close>> {};

// some d in data: body   /   every d in data: body
struct quantifier_var : name_of<role_variable> {};
struct quantifier_in : seq<kw_in> {};
struct quantifier_domain : seq<expr> {};
struct quantifier_colon : colon {};
struct quantifier_body : seq<expr> {};
template <typename Keyword>
struct quantifier_form
    : seq<Keyword, must<quantifier_var>, must<quantifier_in>, must<quantifier_domain>,
          must<quantifier_colon>, must<quantifier_body>> {};
struct some_expr : quantifier_form<kw_some> {};
struct every_expr : quantifier_form<kw_every> {};

// count(d in data where p)   sum(v for d in data where p, default x)
struct aggregate_open : lparen {};
struct aggregate_value : seq<expr> {};
struct aggregate_for : seq<kw_for> {};
struct aggregate_var : name_of<role_variable> {};
struct aggregate_in : seq<kw_in> {};
struct aggregate_domain : seq<expr> {};
struct where_condition : seq<expr> {};
struct aggregate_where : seq<kw_where, must<where_condition>> {};
struct default_keyword : seq<kw_default> {};
struct default_value : seq<expr> {};
struct aggregate_default : seq<comma, must<default_keyword>, must<default_value>> {};
struct aggregate_close : rparen {};
struct aggregate_tail : seq<must<aggregate_var>, must<aggregate_in>, must<aggregate_domain>,
                            opt<aggregate_where>, opt<aggregate_default>, must<aggregate_close>> {};
struct count_expr : seq<kw_count, must<aggregate_open>, aggregate_tail> {};
template <typename Keyword>
struct value_aggregate : seq<Keyword, must<aggregate_open>, must<aggregate_value>,
                             must<aggregate_for>, aggregate_tail> {};
struct sum_expr : value_aggregate<kw_sum> {};
struct max_expr : value_aggregate<kw_max> {};
struct min_expr : value_aggregate<kw_min> {};

struct primary : sor<paren_expr, list_literal, set_literal, string_literal, number_literal,
                     true_literal, false_literal, none_literal, some_expr, every_expr, count_expr,
                     sum_expr, max_expr, min_expr, identifier> {};

// Postfix: .field  [index]  (args)
struct field_name : seq<word> {};
struct field_access : seq<dot, must<field_name>> {};
struct index_close : rbracket {};
struct index_access : seq<lbracket, must<expr>, must<index_close>> {};
struct call_close : rparen {};
struct call_args : seq<lparen, opt<comma_list<expr>>, must<call_close>> {};
struct postfix : seq<primary, star<sor<field_access, index_access, call_args>>> {};

struct negate_operand;
struct negation : seq<op_negate, must<negate_operand>> {};
struct unary : sor<negation, postfix> {};
struct negate_operand : nest<unary> {};

struct mul_operation
    : sor<operation<op_mul, unary>, operation<op_div, unary>, operation<op_mod, unary>> {};
struct multiplicative : seq<unary, star<mul_operation>> {};
struct add_operation : sor<operation<op_add, multiplicative>, operation<op_sub, multiplicative>> {};
struct additive : seq<multiplicative, star<add_operation>> {};
struct coalescing : seq<additive, star<operation<op_coalesce, additive>>> {};

// Comparisons do not associate: `a < b < c` is an error, not `(a < b) < c`.
struct comparison_operation
    : sor<operation<op_eq, coalescing>, operation<op_ne, coalescing>, operation<op_le, coalescing>,
          operation<op_lt, coalescing>, operation<op_ge, coalescing>, operation<op_gt, coalescing>,
          operation<op_in, coalescing>, operation<op_not_in, coalescing>,
          operation<op_intersects, coalescing>, operation<op_within, coalescing>> {};
struct chained_comparison : failure {};  // raised
struct comparison
    : seq<coalescing,
          opt<comparison_operation, opt<at<comparison_operation>, raise<chained_comparison>>>> {};

struct not_operand;
struct not_expr : seq<kw_not, must<not_operand>> {};
struct negated : sor<not_expr, comparison> {};
struct not_operand : nest<negated> {};

struct conjunction : seq<negated, star<operation<op_and, negated>>> {};
struct disjunction : seq<conjunction, star<operation<op_or, conjunction>>> {};

struct if_then : seq<kw_then> {};
struct if_else : seq<kw_else> {};
struct if_expr : seq<kw_if, must<expr>, must<if_then>, must<expr>, must<if_else>, must<expr>> {};

struct expression : sor<if_expr, disjunction> {};
struct expr : nest<expression> {};

// --------------------------------------------------------------- module ---

struct package_name
    : sor<dotted_name, seq<at<sp, reserved_word>, raise<reserved_name<role_package>>>> {};
struct package_decl : seq<kw_package, must<package_name>> {};

struct import_path : seq<dotted_name> {};
struct selection_name : seq<identifier> {};
struct selection_close : rbrace {};
struct import_selection : seq<dot, lbrace, must<selection_name>, star<comma, selection_name>,
                              opt<comma>, must<selection_close>> {};
struct alias_name : name_of<role_alias> {};
struct import_alias : seq<kw_as, must<alias_name>> {};
struct import_decl : seq<kw_import, must<import_path>, opt<sor<import_selection, import_alias>>> {};

template <typename Role>
struct decl_name : name_of<Role> {};

// enum Scope { consumer_app = 1, enterprise_app = 2 }
struct enum_code : sor<signed_number, string_literal> {};
struct enum_member : seq<name_of<role_member>, opt<equals, must<enum_code>>> {};
struct enum_open : lbrace {};
struct enum_close : rbrace {};
struct enum_decl : seq<kw_enum, must<decl_name<role_enum>>, must<enum_open>,
                       opt<separated<enum_member>>, must<enum_close>> {};

// name: Type = default
struct field_colon : colon {};
struct field_type : seq<type_ref> {};
struct field_default : seq<expr> {};
struct field_decl
    : seq<field_name, must<field_colon>, must<field_type>, opt<equals, must<field_default>>> {};
struct fields_open : lbrace {};
struct fields_close : rbrace {};
struct field_block : seq<must<fields_open>, opt<separated<field_decl>>, must<fields_close>> {};
struct type_decl : seq<kw_type, must<decl_name<role_type>>, field_block> {};
struct facts_decl : seq<kw_facts, field_block> {};

struct const_type : seq<type_ref> {};
struct const_equals : equals {};
struct const_value : seq<expr> {};
struct const_decl : seq<kw_const, must<decl_name<role_const>>, opt<colon, must<const_type>>,
                        must<const_equals>, must<const_value>> {};

struct param_colon : colon {};
struct param_type : seq<type_ref> {};
struct param : seq<name_of<role_param>, must<param_colon>, must<param_type>> {};
struct params_open : lparen {};
struct params_close : rparen {};
struct result_colon : colon {};
struct result_type : seq<type_ref> {};
struct def_equals : equals {};
struct def_body : seq<expr> {};
struct def_decl : seq<kw_def, must<decl_name<role_def>>, must<params_open>, opt<comma_list<param>>,
                      must<params_close>, must<result_colon>, must<result_type>, must<def_equals>,
                      must<def_body>> {};

struct output_colon : colon {};
struct output_type : seq<type_ref> {};
struct output_value : seq<expr> {};
struct output_decl : seq<kw_output, must<decl_name<role_output>>, must<output_colon>,
                         must<output_type>, opt<equals, must<output_value>>> {};

// ----------------------------------------------------------------- rules ---
//
// Clauses are parsed in any order; parser.cpp reports clause_order for those
// out of the documented order, with a message naming both clauses.

struct title_text : seq<string_literal> {};
struct title_clause : seq<kw_title, must<title_text>> {};
struct cite_text : seq<string_literal> {};
struct cite_clause : seq<kw_cite, must<cite_text>, star<comma, must<cite_text>>> {};
struct severity_word : seq<word> {};
struct severity_clause : seq<kw_severity, must<severity_word>> {};
struct binding_name : name_of<role_variable> {};
struct for_in : seq<kw_in> {};
struct for_domain : seq<expr> {};
struct for_clause : seq<kw_for, must<binding_name>, must<for_in>, must<for_domain>> {};
struct let_equals : equals {};
struct let_value : seq<expr> {};
struct let_clause : seq<kw_let, must<binding_name>, must<let_equals>, must<let_value>> {};
struct when_condition : seq<expr> {};
struct when_clause : seq<kw_when, must<when_condition>> {};
struct unless_condition : seq<expr> {};
struct unless_clause : seq<kw_unless, must<unless_condition>> {};

struct effect_message : seq<string_literal> {};
struct deny_effect : seq<kw_deny, must<effect_message>> {};
struct review_effect : seq<kw_review, must<effect_message>> {};
struct warn_effect : seq<kw_warn, must<effect_message>> {};
struct obligation_name : seq<dotted_name> {};
struct with_key : seq<identifier> {};
struct with_colon : colon {};
struct with_value : seq<expr> {};
struct with_field : seq<with_key, must<with_colon>, must<with_value>> {};
struct with_open : lbrace {};
struct with_close : rbrace {};
struct with_block : seq<kw_with, must<with_open>, opt<separated<with_field>>, must<with_close>> {};
struct require_effect
    : seq<kw_require, must<obligation_name>, opt<with_block>, opt<string_literal>> {};
struct raise_target : seq<dotted_name> {};
struct raise_to : seq<kw_to> {};
struct raise_value : seq<expr> {};
struct raise_effect : seq<kw_raise, must<raise_target>, must<raise_to>, must<raise_value>> {};
struct effect : sor<deny_effect, review_effect, warn_effect, require_effect, raise_effect> {};
struct first_effect : seq<effect> {};
struct then_clause : seq<kw_then, must<first_effect>, star<effect>> {};

struct rule_clause : sor<title_clause, cite_clause, severity_clause, for_clause, let_clause,
                         when_clause, unless_clause, then_clause> {};
// An effect where a clause or `}` was expected: the rule lacks its `then`.
struct effect_without_then : failure {};  // raised
struct effect_start : sor<kw_deny, kw_review, kw_warn, kw_require, kw_raise> {};
struct rule_close : sor<rbrace, seq<at<effect_start>, raise<effect_without_then>>> {};
struct rule_open : lbrace {};
struct rule_decl : seq<kw_rule, must<decl_name<role_rule>>, must<rule_open>, star<rule_clause>,
                       must<rule_close>> {};

// ----------------------------------------------------------------- tests ---

// JSON-like literals: keys quoted or not, entries separated by `,` or a line
// break, `null` (or `none`) for JSON null.
struct given_value;
struct given_item : nest<given_value> {};
struct given_key : sor<string_literal, word> {};
struct given_colon : colon {};
struct given_member : seq<given_key, must<given_colon>, must<given_item>> {};
struct object_close : rbrace {};
struct given_object : seq<lbrace, opt<separated<given_member>>, must<object_close>> {};
struct array_close : rbracket {};
struct given_array : seq<lbracket, opt<separated<given_item>>, must<array_close>> {};
struct given_null : sor<kw_null, kw_none> {};
struct given_value : sor<given_object, given_array, string_literal, signed_number, true_literal,
                         false_literal, given_null> {};

// data[0].tags
struct path_field : seq<word> {};
struct path_index_close : rbracket {};
struct path_index : seq<sp, digits> {};
struct path_step
    : sor<seq<dot, must<path_field>>, seq<lbracket, must<path_index>, must<path_index_close>>> {};
struct fact_path : seq<word, star<path_step>> {};

struct override_colon : colon {};
struct override_entry : seq<fact_path, must<override_colon>, must<given_item>> {};
struct overrides_open : lbrace {};
struct overrides_close : rbrace {};
struct overrides
    : seq<must<overrides_open>, opt<separated<override_entry>>, must<overrides_close>> {};
struct given_file_name : seq<string_literal> {};
struct given_file : seq<kw_file, must<given_file_name>, opt<kw_with, overrides>> {};
struct given_source : sor<given_file, given_object> {};
struct given_clause : seq<kw_given, must<given_source>> {};

// A contextual word followed by `.` or `==` is the start of an output name,
// so `expect complete == true` still compares an output called `complete`.
struct not_an_output : not_at<sp, sor<one<'.'>, two<'='>>> {};
struct wildcard : seq<dot, one<'*'>> {};
struct rule_pattern : seq<not_at<kw_expect>, dotted_name, opt<wildcard>> {};
struct expected_rule : seq<rule_pattern> {};
struct effect_word : sor<kw_deny, kw_review, kw_warn> {};
struct no_effect_word : seq<effect_word> {};
struct outcome_word : seq<word> {};
struct obligation_id : seq<dotted_name> {};
struct missing_path : seq<fact_path> {};
struct expect_equals : op_eq {};
struct expected_value : seq<expr> {};

struct expect_outcome : seq<kw_outcome, not_an_output, must<outcome_word>> {};
struct expect_no_require : seq<kw_no, not_an_output, kw_require, must<obligation_id>> {};
struct expect_no_effect : seq<kw_no, not_an_output, must<no_effect_word>, opt<rule_pattern>> {};
struct expect_effect : seq<effect_word, not_an_output, must<expected_rule>> {};
struct expect_require : seq<kw_require, not_an_output, must<obligation_id>> {};
struct expect_missing : seq<kw_missing, not_an_output, must<missing_path>> {};
struct expect_complete : seq<kw_complete, not_an_output> {};
struct expect_output : seq<dotted_name, must<expect_equals>, must<expected_value>> {};
struct expectation : sor<expect_outcome, expect_no_require, expect_no_effect, expect_effect, expect_require,
                         expect_missing, expect_complete, expect_output> {};
struct expect_clause : seq<kw_expect, must<expectation>> {};

struct test_name : seq<string_literal> {};
struct test_open : lbrace {};
struct test_close : rbrace {};
struct test_decl : seq<kw_test, must<test_name>, must<test_open>, opt<given_clause>,
                       star<expect_clause>, must<test_close>> {};

// ----------------------------------------------------------- top level ---

struct declaration : sor<enum_decl, type_decl, facts_decl, const_decl, def_decl, output_decl,
                         rule_decl, test_decl> {};
struct misplaced_package : failure {};  // raised
struct misplaced_import : failure {};   // raised
struct top_level_item : sor<declaration, seq<at<kw_package>, raise<misplaced_package>>,
                            seq<at<kw_import>, raise<misplaced_import>>> {};
struct end_of_file : eof {};
// Without `package`, a file that starts with an import or a declaration (or is
// empty) parses, and the checker reports the missing package; anything else
// at the start (`packag x`, `mod x`) is reported here, as the same error.
struct package_expected : failure {};  // raised
struct declaration_start
    : sor<kw_import, kw_enum, kw_type, kw_facts, kw_const, kw_def, kw_output, kw_rule, kw_test> {};
struct module_start
    : sor<package_decl, at<sor<declaration_start, seq<sp, eof>>>, raise<package_expected>> {};
struct module : seq<opt<byte_order_mark>, module_start, star<import_decl>, star<top_level_item>, sp,
                    must<end_of_file>> {};

// -------------------------------------------------------- error messages ---

template <typename Rule>
inline constexpr const char* error_message = nullptr;
template <typename Rule>
inline constexpr DiagCode error_code = DiagCode::syntax_error;

#define PRECEPT_ERROR(rule, text) \
  template <>                     \
  inline constexpr const char* error_message<rule> = text
#define PRECEPT_ERROR_CODE(rule, code) \
  template <>                          \
  inline constexpr DiagCode error_code<rule> = DiagCode::code

// Numbers and strings
PRECEPT_ERROR(bad_number_char, "invalid character in a number");
PRECEPT_ERROR_CODE(bad_number_char, invalid_number);
// Both replaced in parser.cpp by messages quoting the string or the escape.
PRECEPT_ERROR(string_close, "unterminated string literal");
PRECEPT_ERROR_CODE(string_close, unterminated_string);
PRECEPT_ERROR(escape_code,
              "invalid escape; expected one of `\\n` `\\t` `\\r` `\\\"` `\\\\` `\\$` `\\u{...}`");
PRECEPT_ERROR_CODE(escape_code, invalid_escape);
PRECEPT_ERROR(unicode_open, "expected `{` after `\\u`, as in `\\u{1F600}`");
PRECEPT_ERROR_CODE(unicode_open, invalid_escape);
PRECEPT_ERROR(unicode_digits, "expected 1 to 6 hexadecimal digits in `\\u{...}`");
PRECEPT_ERROR_CODE(unicode_digits, invalid_escape);
PRECEPT_ERROR(unicode_close, "expected `}` to close `\\u{...}`");
PRECEPT_ERROR_CODE(unicode_close, invalid_escape);
PRECEPT_ERROR(interpolation_expr, "expected an expression after `${`");
PRECEPT_ERROR(interpolation_close, "expected `}` to close `${...}`");

// Types
PRECEPT_ERROR(type_arg, "expected a type in `<...>`");
PRECEPT_ERROR(type_args_close, "expected `>` to close the type arguments");

// Expressions
template <typename Op>
inline constexpr const char* operand_message = nullptr;
#define PRECEPT_OPERAND_ERROR(op, text) \
  template <>                           \
  inline constexpr const char* operand_message<op> = "expected an expression after `" text "`"
PRECEPT_OPERAND_ERROR(op_or, "or");
PRECEPT_OPERAND_ERROR(op_and, "and");
PRECEPT_OPERAND_ERROR(op_eq, "==");
PRECEPT_OPERAND_ERROR(op_ne, "!=");
PRECEPT_OPERAND_ERROR(op_le, "<=");
PRECEPT_OPERAND_ERROR(op_lt, "<");
PRECEPT_OPERAND_ERROR(op_ge, ">=");
PRECEPT_OPERAND_ERROR(op_gt, ">");
PRECEPT_OPERAND_ERROR(op_in, "in");
PRECEPT_OPERAND_ERROR(op_not_in, "not in");
PRECEPT_OPERAND_ERROR(op_intersects, "intersects");
PRECEPT_OPERAND_ERROR(op_within, "within");
PRECEPT_OPERAND_ERROR(op_coalesce, "??");
PRECEPT_OPERAND_ERROR(op_add, "+");
PRECEPT_OPERAND_ERROR(op_sub, "-");
PRECEPT_OPERAND_ERROR(op_mul, "*");
PRECEPT_OPERAND_ERROR(op_div, "/");
PRECEPT_OPERAND_ERROR(op_mod, "%");
#undef PRECEPT_OPERAND_ERROR
template <typename Op, typename Operand>
inline constexpr const char* error_message<operand_after<Op, Operand>> = operand_message<Op>;

PRECEPT_ERROR(chained_comparison,
              "comparisons do not chain; combine them with `and` or use parentheses");
PRECEPT_ERROR(negate_operand, "expected an expression after `-`");
PRECEPT_ERROR(not_operand, "expected an expression after `not`");
PRECEPT_ERROR(expr, "expected an expression");
PRECEPT_ERROR(paren_close, "expected `)` to close the parenthesis");
PRECEPT_ERROR(list_close, "expected `,` or `]` in the list");
PRECEPT_ERROR(set_close, "expected `,` or `}` in the set");
PRECEPT_ERROR(field_name, "expected a field name after `.`");
PRECEPT_ERROR(index_close, "expected `]` after the index");
PRECEPT_ERROR(call_close, "expected `,` or `)` in the argument list");
PRECEPT_ERROR(if_then, "expected `then` after the condition of `if`");
PRECEPT_ERROR(if_else, "expected `else`: an `if` expression needs both branches");
PRECEPT_ERROR(quantifier_var, "expected a variable name after `some` or `every`");
PRECEPT_ERROR(quantifier_in, "expected `in` after the quantifier's variable");
PRECEPT_ERROR(quantifier_domain, "expected the collection to range over after `in`");
PRECEPT_ERROR(quantifier_colon, "expected `:` before the quantifier's condition");
PRECEPT_ERROR(quantifier_body, "expected the quantifier's condition after `:`");
PRECEPT_ERROR(aggregate_open, "expected `(` after the aggregate's name, as in `count(d in data)`");
PRECEPT_ERROR(aggregate_value,
              "expected the value to aggregate, as in `sum(d.size for d in data)`");
PRECEPT_ERROR(aggregate_for, "expected `for` after the value to aggregate");
PRECEPT_ERROR(aggregate_var, "expected the aggregate's variable name");
PRECEPT_ERROR(aggregate_in, "expected `in` after the aggregate's variable");
PRECEPT_ERROR(aggregate_domain, "expected the collection to range over after `in`");
PRECEPT_ERROR(where_condition, "expected a condition after `where`");
PRECEPT_ERROR(default_keyword, "expected `default` after `,` in the aggregate");
PRECEPT_ERROR(default_value, "expected a value after `default`");
PRECEPT_ERROR(aggregate_close, "expected `where`, `, default` or `)` in the aggregate");

// Module structure
PRECEPT_ERROR(package_name, "expected a package name after `package`");
PRECEPT_ERROR(import_path, "expected a package name after `import`");
PRECEPT_ERROR(selection_name, "expected a name to import in `{...}`");
PRECEPT_ERROR(selection_close, "expected `,` or `}` in the import list");
PRECEPT_ERROR(alias_name, "expected a name after `as`");
PRECEPT_ERROR(misplaced_package, "`package` must be the first declaration of the file");
PRECEPT_ERROR(misplaced_import, "imports must come before the other declarations");
PRECEPT_ERROR(end_of_file,
              "expected a declaration: `enum`, `type`, `facts`, `const`, `def`, `output`, "
              "`rule` or `test`");
PRECEPT_ERROR(package_expected, "a rule file must begin with `package <name>`");
PRECEPT_ERROR_CODE(package_expected, missing_package);
template <typename Role>
inline constexpr const char* error_message<decl_name<Role>> = "expected a name for the declaration";
// Replaced in parser.cpp by "`<word>` is a reserved word and cannot name <Role::what>".
template <typename Role>
inline constexpr const char* error_message<reserved_name<Role>> =
    "a reserved word cannot be used as a name";

// Declarations
PRECEPT_ERROR(enum_open, "expected `{` after the enum's name");
PRECEPT_ERROR(enum_code, "expected an integer or a string as the member's JSON code");
PRECEPT_ERROR(enum_close, "expected `}` to close the enum, or a `,` or line break between members");
PRECEPT_ERROR(fields_open, "expected `{` to open the fields");
PRECEPT_ERROR(fields_close,
              "expected `}` to close the fields, or a `,` or line break between fields");
PRECEPT_ERROR(field_colon, "expected `:` and a type after the field's name");
PRECEPT_ERROR(field_type, "expected a type after `:`");
PRECEPT_ERROR(field_default, "expected a default value after `=`");
PRECEPT_ERROR(const_type, "expected a type after `:`");
PRECEPT_ERROR(const_equals, "expected `=` and the constant's value");
PRECEPT_ERROR(const_value, "expected the constant's value after `=`");
PRECEPT_ERROR(params_open, "expected `(` and the parameters after the function's name");
PRECEPT_ERROR(params_close, "expected `,` or `)` in the parameter list");
PRECEPT_ERROR(param_colon, "expected `:` and a type after the parameter's name");
PRECEPT_ERROR(param_type, "expected a type after `:`");
PRECEPT_ERROR(result_colon, "expected `:` and the result type after the parameters");
PRECEPT_ERROR(result_type, "expected a type after `:`");
PRECEPT_ERROR(def_equals, "expected `=` and the function's body");
PRECEPT_ERROR(def_body, "expected the function's body after `=`");
PRECEPT_ERROR(output_colon, "expected `:` and a type after the output's name");
PRECEPT_ERROR(output_type, "expected a type after `:`");
PRECEPT_ERROR(output_value, "expected the output's value after `=`");

// Rules
PRECEPT_ERROR(rule_open, "expected `{` after the rule's name");
PRECEPT_ERROR(rule_close,
              "expected a rule clause (`title`, `cite`, `severity`, `for`, `let`, `when`, "
              "`unless`, `then`) or `}`");
PRECEPT_ERROR(effect_without_then, "expected `then` before the rule's effects");
PRECEPT_ERROR_CODE(effect_without_then, missing_then);
PRECEPT_ERROR(title_text, "expected a string after `title`");
PRECEPT_ERROR(cite_text, "expected a string after `cite`");
PRECEPT_ERROR(severity_word,
              "expected a severity after `severity`: `info`, `low`, `medium`, `high` or "
              "`critical`");
PRECEPT_ERROR(binding_name, "expected a variable name");
PRECEPT_ERROR(for_in, "expected `in` after the variable of `for`");
PRECEPT_ERROR(for_domain, "expected the collection to range over after `in`");
PRECEPT_ERROR(let_equals, "expected `=` after the name of `let`");
PRECEPT_ERROR(let_value, "expected a value after `=`");
PRECEPT_ERROR(when_condition, "expected a condition after `when`");
PRECEPT_ERROR(unless_condition, "expected a condition after `unless`");
PRECEPT_ERROR(first_effect,
              "expected an effect after `then`: `deny`, `review`, `warn`, `require` or `raise`");
PRECEPT_ERROR(effect_message, "expected a message string");
PRECEPT_ERROR(obligation_name, "expected an obligation name after `require`");
PRECEPT_ERROR(with_open, "expected `{` after `with`");
PRECEPT_ERROR(with_colon, "expected `:` after the key");
PRECEPT_ERROR(with_value, "expected a value after `:`");
PRECEPT_ERROR(with_close, "expected `}` to close `with`, or a `,` or line break between entries");
PRECEPT_ERROR(raise_target, "expected an output name after `raise`");
PRECEPT_ERROR(raise_to, "expected `to` after the output's name");
PRECEPT_ERROR(raise_value, "expected a value after `to`");

// Tests
PRECEPT_ERROR(test_name, "expected the test's name as a string");
PRECEPT_ERROR(test_open, "expected `{` after the test's name");
PRECEPT_ERROR(test_close, "expected `expect` or `}` in the test");
PRECEPT_ERROR(given_source, "expected `{` or `file` after `given`");
PRECEPT_ERROR(given_file_name, "expected the file name as a string after `file`");
PRECEPT_ERROR(given_colon, "expected `:` after the key");
PRECEPT_ERROR(given_item,
              "expected a value: an object, an array, a string, a number, `true`, `false` or "
              "`null`");
PRECEPT_ERROR(object_close,
              "expected `}` to close the object, or a `,` or line break between entries");
PRECEPT_ERROR(array_close, "expected `]` to close the array, or a `,` or line break between items");
PRECEPT_ERROR(path_field, "expected a field name after `.`");
PRECEPT_ERROR(path_index, "expected a list index");
PRECEPT_ERROR(path_index_close, "expected `]` after the index");
PRECEPT_ERROR(override_colon, "expected `:` after the path");
PRECEPT_ERROR(overrides_open, "expected `{` after `with`");
PRECEPT_ERROR(overrides_close,
              "expected `}` to close the overrides, or a `,` or line break between entries");
PRECEPT_ERROR(expectation,
              "expected an expectation: `outcome`, `deny`, `review`, `warn`, `no`, `require`, "
              "`missing`, `complete` or `<output> == <value>`");
PRECEPT_ERROR(outcome_word, "expected an outcome: `allow`, `review`, `deny` or `indeterminate`");
PRECEPT_ERROR(no_effect_word, "expected `deny`, `review` or `warn` after `no`");
PRECEPT_ERROR(expected_rule, "expected a rule id or a prefix ending in `.*`");
PRECEPT_ERROR(obligation_id, "expected an obligation id after `require`");
PRECEPT_ERROR(missing_path, "expected a fact path after `missing`, such as `data[0].residency`");
PRECEPT_ERROR(expect_equals, "expected `==` after the output's name");
PRECEPT_ERROR(expected_value, "expected a value after `==`");

#undef PRECEPT_ERROR
#undef PRECEPT_ERROR_CODE

}  // namespace precept::lang::grammar

// analyze<>() needs to know how nest<> consumes: exactly as its rule does.
template <typename Name, typename Rule>
struct tao::pegtl::analyze_traits<Name, precept::lang::grammar::nest<Rule>>
    : analyze_seq_traits<Rule> {};
