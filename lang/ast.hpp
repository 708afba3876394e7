// Precept's abstract syntax tree. The parser builds it (PEGTL types never
// leave the parser); the checker resolves names and annotates types in place;
// the compiler and the reference interpreter read the checked tree.
//
// Every node has a Span. Nodes are plain structs owned through unique_ptr or
// by value in vectors; a Module owns everything parsed from one file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lang/source.hpp"

namespace precept::lang {

struct Type;  // lang/types.hpp: semantic types, filled in by the checker
struct Decl;

struct Ident {
  std::string name;
  Span span;
};

// `euaia.prohibited`, `ai.Dataset`, `transparency.disclose_ai`
struct DottedName {
  std::vector<Ident> parts;
  Span span;
  std::string str() const;  // parts joined with '.'
};

// ---------------------------------------------------------------- types ---

// A type as written: `string`, `ai.Dataset`, `list<Dataset>`, `set<string>?`.
struct TypeRef {
  DottedName name;                 // `list`, `set`, a scalar or a declared type
  std::vector<TypeRef> args;       // element type of list/set
  bool optional = false;           // `T?`
  Span span;
  const Type* resolved = nullptr;  // set by the checker
};

// ---------------------------------------------------------- expressions ---

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

enum class UnaryOp : std::uint8_t { not_, negate };

enum class BinaryOp : std::uint8_t {
  or_, and_,
  eq, ne, lt, le, gt, ge,
  in, not_in, intersects, within,
  coalesce,  // ??
  add, sub, mul, div, mod,
};
const char* to_string(UnaryOp);   // "not", "-"
const char* to_string(BinaryOp);  // "or", "==", "not in", "??", ...

struct NoneLit {};
struct BoolLit { bool value; };
struct IntLit { std::int64_t value; };
struct NumberLit { double value; };
// A string without `${...}`. Its text has escapes already decoded. Whether it
// is a date (compared with a date) is decided by the checker.
struct StringLit { std::string value; };
// "text ${expr} text": parts alternate freely between text and expressions.
struct InterpPart {
  std::string text;   // used when expr is null
  ExprPtr expr;
};
struct InterpString { std::vector<InterpPart> parts; };
struct ListLit { std::vector<ExprPtr> elements; };
struct SetLit { std::vector<ExprPtr> elements; };

// A bare identifier: a local, a let, a const, a facts field, a def, an enum
// member in a typed context, a package or import alias (the checker decides).
struct NameRef { Ident name; };
struct FieldAccess { ExprPtr object; Ident field; };
struct IndexAccess { ExprPtr object; ExprPtr index; };
struct Call { ExprPtr callee; std::vector<ExprPtr> args; };  // callee: NameRef or FieldAccess chain
struct Unary { UnaryOp op; ExprPtr operand; };
struct Binary { BinaryOp op; ExprPtr lhs; ExprPtr rhs; };
struct IfElse { ExprPtr cond; ExprPtr then_value; ExprPtr else_value; };

enum class QuantKind : std::uint8_t { some, every };
// some d in data: body
struct Quantifier {
  QuantKind kind;
  Ident var;
  ExprPtr domain;
  ExprPtr body;
};

enum class AggKind : std::uint8_t { count, sum, max, min };
const char* to_string(AggKind);  // "count", "sum", "max", "min"
// count(d in data where p)
// sum(v for d in data [where p])
// max(v for d in data [where p], default x)   (min alike)
struct Aggregate {
  AggKind kind;
  ExprPtr value;    // null for count
  Ident var;
  ExprPtr domain;
  ExprPtr where;    // may be null
  ExprPtr fallback; // `default`; may be null (an error for max/min)
};

// What a name or dotted path resolved to; filled by the checker so the
// compiler and the interpreter need no second lookup.
enum class RefKind : std::uint8_t {
  unresolved,
  fact,          // a field of the facts root: decl = the facts block, index = field
  local,         // a `for`/`let`/quantifier/aggregate variable or def parameter
  constant,      // a `const`
  enum_member,   // decl = the enum, index = member
  def,           // a `def` (as callee)
  builtin,       // a builtin function (index into the builtin table)
  output,        // an output (in tests and raise targets)
  package,       // a package or import alias prefix (not a value)
  type,          // a type name (not a value)
  field,         // a record field read by FieldAccess: decl = the `type` decl, index = field
};

struct Resolution {
  RefKind kind = RefKind::unresolved;
  const Decl* decl = nullptr;
  std::uint32_t index = 0;
  const void* local = nullptr;  // the Ident that introduced a local
};

struct Expr {
  using Node = std::variant<NoneLit, BoolLit, IntLit, NumberLit, StringLit, InterpString,
                            ListLit, SetLit, NameRef, FieldAccess, IndexAccess, Call, Unary,
                            Binary, IfElse, Quantifier, Aggregate>;
  Node node;
  Span span;
  const Type* type = nullptr;  // set by the checker
  Resolution ref;              // for NameRef / FieldAccess chains naming declarations

  template <class T> T* as() { return std::get_if<T>(&node); }
  template <class T> const T* as() const { return std::get_if<T>(&node); }
  template <class T> bool is() const { return std::holds_alternative<T>(node); }
};

template <class T>
ExprPtr make_expr(T node, Span span) {
  auto e = std::make_unique<Expr>();
  e->node = std::move(node);
  e->span = span;
  return e;
}

// --------------------------------------------------------- declarations ---

// `name: Type = default`, in `type` and `facts` blocks.
struct FieldDecl {
  Ident name;
  TypeRef type;
  ExprPtr default_value;  // may be null
  std::string doc;
  Span span;
};

struct EnumMember {
  Ident name;
  // Explicit JSON code: `= 1` or `= "none"`; monostate when the name is used.
  std::variant<std::monostate, std::int64_t, std::string> code;
  Span span;
};

struct EnumDecl {
  Ident name;
  std::vector<EnumMember> members;  // declaration order is the enum's order
};

struct TypeDecl {
  Ident name;
  std::vector<FieldDecl> fields;
};

struct FactsDecl {
  std::vector<FieldDecl> fields;
};

struct ConstDecl {
  Ident name;
  std::optional<TypeRef> type;  // inferred when absent
  ExprPtr value;
};

struct Param {
  Ident name;
  TypeRef type;
};

struct DefDecl {
  Ident name;
  std::vector<Param> params;
  TypeRef result;
  ExprPtr body;
};

struct OutputDecl {
  Ident name;
  TypeRef type;
  ExprPtr value;  // the base value (joined with raises); may be null
};

enum class RuleSeverity : std::uint8_t { info, low, medium, high, critical };
const char* to_string(RuleSeverity);

// `for x in expr` or `let x = expr`, in the order written.
struct RuleBinding {
  enum class Kind : std::uint8_t { for_, let } kind;
  Ident name;
  ExprPtr value;  // the domain of a `for`, the value of a `let`
  Span span;
};

enum class EffectKind : std::uint8_t { deny, review, warn, require, raise };
const char* to_string(EffectKind);

struct WithField {
  Ident key;
  ExprPtr value;
};

struct Effect {
  EffectKind kind;
  ExprPtr message;               // StringLit or InterpString; may be null for require
  DottedName obligation;         // require
  std::vector<WithField> with;   // require ... with { key: expr }
  DottedName output;             // raise
  ExprPtr raise_value;           // raise ... to expr
  Span span;
  Resolution output_ref;         // raise target, set by the checker
};

struct RuleDecl {
  Ident name;
  std::optional<std::string> title;
  Span title_span;
  std::vector<std::string> cites;
  Span cite_span;
  std::optional<RuleSeverity> severity;  // medium when absent
  Span severity_span;
  std::vector<RuleBinding> bindings;
  ExprPtr when;    // may be null
  ExprPtr unless;  // may be null
  std::vector<Effect> effects;
};

// ---------------------------------------------------------------- tests ---

// A JSON-like literal in a test's `given` (keys may be unquoted, entries
// separated by commas or newlines) or an override value.
struct GivenValue;
using GivenPtr = std::unique_ptr<GivenValue>;
struct GivenMember {
  std::string key;
  Span key_span;
  GivenPtr value;
};
struct GivenValue {
  using Node = std::variant<std::monostate /*null*/, bool, std::int64_t, double, std::string,
                            std::vector<GivenPtr> /*array*/, std::vector<GivenMember> /*object*/>;
  Node node;
  Span span;
};

// `data[0].tags` in `given file "..." with { data[0].tags: [...] }`
struct GivenPathStep {
  std::variant<std::string, std::int64_t> step;  // field name or list index
  Span span;
};
struct GivenOverride {
  std::vector<GivenPathStep> path;
  GivenPtr value;
  Span span;
};

struct Given {
  GivenPtr literal;                     // `given { ... }`
  std::optional<std::string> file;      // `given file "x.json"`, relative to the test file
  Span file_span;
  std::vector<GivenOverride> overrides; // `with { path: value, ... }`
  Span span;
};

enum class ExpectKind : std::uint8_t {
  outcome,   // expect outcome allow|review|deny|indeterminate
  effect,    // expect deny|review|warn <rule id or prefix.*>
  no_effect, // expect no deny|review|warn [<rule id or prefix.*>]
  require,   // expect require <obligation id>
  no_require, // expect no require <obligation id>
  output_eq, // expect <output> == <value>
  missing,   // expect missing <path>
  complete,  // expect complete
};

struct Expect {
  ExpectKind kind;
  std::string outcome;        // outcome: the word as written (checked by the checker)
  Span outcome_span;
  EffectKind effect = EffectKind::deny;  // effect / no_effect
  DottedName target;          // rule id (effect/no_effect), obligation (require), output
  bool wildcard = false;      // `prefix.*`
  ExprPtr value;              // output_eq
  std::vector<GivenPathStep> path;  // missing: `data[0].residency`
  std::string path_text;      // missing: the path as written
  Span span;
  // Set by the checker: the full rule id (effect/no_effect), the id prefix
  // ending in '.' when `wildcard`, the obligation id (require), or the
  // output id `<package>.<output>` (output_eq, with target_ref its decl).
  std::string resolved_target;
  Resolution target_ref;
};

struct TestDecl {
  std::string name;
  Span name_span;
  Given given;
  std::vector<Expect> expects;
};

// --------------------------------------------------------------- module ---

struct Import {
  DottedName path;                 // `std.eu` or `schema.ai`
  std::optional<Ident> alias;      // `import std.text as t`
  std::vector<Ident> selected;     // `import std.eu.{eea, adequate}`
  Span span;
};

struct Decl {
  using Node = std::variant<EnumDecl, TypeDecl, FactsDecl, ConstDecl, DefDecl, OutputDecl,
                            RuleDecl, TestDecl>;
  Node node;
  std::string doc;  // the `///` comment lines before it, joined with '\n'
  Span span;        // the whole declaration
  const struct Module* module = nullptr;  // set by the parser

  template <class T> T* as() { return std::get_if<T>(&node); }
  template <class T> const T* as() const { return std::get_if<T>(&node); }
  template <class T> bool is() const { return std::holds_alternative<T>(node); }
};

// Everything parsed from one `.rules` file.
struct Module {
  FileId file = no_file;
  DottedName package;
  std::vector<Import> imports;
  std::vector<std::unique_ptr<Decl>> decls;  // in source order; pointers are stable
};

}  // namespace precept::lang
