// The checker's internal state, shared by the checker_*.cpp files; each of
// them implements one job (names, types, expressions, ...). Not installed,
// not part of the API.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "lang/checker.hpp"
#include "lang/fold.hpp"
#include "stdlib/builtins.hpp"

namespace precept::lang::detail {

struct PackageInfo;

// One node of the tree of package names (`std` -> `eu`). A node is a
// package when some module declares exactly that name; any node can also be
// the prefix of longer names.
struct PackageNode {
  std::string path;  // `std.eu`
  std::map<std::string, std::unique_ptr<PackageNode>, std::less<>> children;
  PackageInfo* package = nullptr;
};

struct PackageInfo {
  std::string name;
  std::size_t index = 0;  // into Program::packages_
  PackageNode* node = nullptr;
  // enums, types, consts, defs and outputs share one namespace; rules have their own
  std::map<std::string, Decl*, std::less<>> names;
  std::map<std::string, Decl*, std::less<>> rules;
  bool is_std = false;  // `std` or `std.*`: library code, exempt from unused-declaration lints
};

struct ImportState {
  Import* import = nullptr;
  PackageInfo* package = nullptr;   // null when the package does not exist
  bool used = false;                // the alias or a full-name path was used
  std::vector<bool> selected_used;  // per selected name
};

struct SelectedName {
  Decl* decl = nullptr;
  std::size_t import = 0;    // index into FileScope::imports
  std::size_t selected = 0;  // index into that import's selected names
};

// What one file sees: its package and its imports.
struct FileScope {
  Module* module = nullptr;
  PackageInfo* package = nullptr;
  std::vector<ImportState> imports;
  std::map<std::string, std::vector<SelectedName>, std::less<>> selected;
  std::map<std::string, std::size_t, std::less<>> aliases;  // alias -> import index
  // Names a failed import would have introduced (its alias, last segment or
  // selected names, and the head of its path): they resolve silently to the
  // error type, so that one bad import is reported once, not at every use.
  std::set<std::string, std::less<>> poisoned;
};

// A variable introduced by `for`, `let`, a quantifier, an aggregate or a
// def parameter.
struct Local {
  std::string_view name;
  const Type* type = nullptr;
  const Ident* ident = nullptr;
  bool used = false;
};

// What a name or dotted path denotes before it is used.
struct Target {
  enum class Kind : std::uint8_t { error, value, package, type, def, builtin, output };
  Kind kind = Kind::error;
  const Type* type = nullptr;   // the value's type, or the named type
  PackageNode* node = nullptr;  // package
  Decl* decl = nullptr;         // def, output, const, type
  const stdlib::BuiltinInfo* builtin = nullptr;
};

enum class Lookup : std::uint8_t {
  value,   // an expression
  callee,  // the function of a call: builtins are visible
  type,    // a type reference: only types, packages and aliases
};

using lang::ConstValue;
using lang::same_value;

// How long a chain of declarations that depend on each other may be: consts
// on consts, defs calling defs, record types holding records. The checker,
// the compiler's folding and the reference interpreter follow such chains
// recursively, and a few thousand links would overflow the stack; real
// rules need a handful.
inline constexpr int max_declaration_chain = 64;

// Evaluation state of a const, which is checked on first use so that
// declarations can come in any order.
struct ConstState {
  enum class Phase : std::uint8_t { unchecked, checking, done } phase = Phase::unchecked;
  const Type* type = nullptr;
  int chain = 1;  // the longest chain of consts it is computed from, itself included
};

// Where an expression is checked.
struct Context {
  FileScope* file = nullptr;
  // Only compile-time constants are allowed (const values, field defaults,
  // test expectations); `what` names the place for messages.
  bool constant = false;
  std::string_view constant_what;
  Decl* def = nullptr;     // the def whose body is checked (for the call graph)
  Decl* const_ = nullptr;  // the const whose value is checked (for the dependency order)
};

class Checker {
 public:
  Checker(Program& program, const SourceSet& sources, Diagnostics& diags,
          const CheckOptions& options);
  void run();

  // ---- checker.cpp: diagnostics and small helpers
  Diagnostic& error(DiagCode code, Span span, std::string message);
  Diagnostic& warning(DiagCode code, Span span, std::string message);
  static void note(Diagnostic& d, Span span, std::string message);
  // The source text of a span on one line, shortened, for messages.
  std::string snippet(Span span) const;
  std::string describe_expr(const Expr& e) const;  // `snippet` or a fallback

  // ---- checker_names.cpp: packages, declarations, imports, lookup
  void index_modules();
  void resolve_imports();
  std::string unknown_package_message(const Import& imp) const;
  FileScope* file_of(const Decl* decl);
  PackageInfo* package_of(const Decl* decl);
  // `member`: the next segment when the name heads a dotted path (`persons.Person`);
  // a package alias then wins over a fact of the same name only if it has that member.
  Target lookup_head(Expr* e, const Ident& id, const Type* hint, Lookup mode, bool report,
                     std::string_view member = {});
  Target lookup_member(Expr* e, const Target& prefix, const Ident& id, Lookup mode, bool report);
  // `mark`: count the use (for lints and dependency order); false for probes.
  Target decl_target(Decl* decl, Expr* e, bool mark);
  Target resolve_dotted(const DottedName& name, Lookup mode, bool report);
  std::optional<std::uint32_t> enum_member_index(const EnumDecl& en, std::string_view name) const;
  std::vector<std::string> names_in_scope(Lookup mode) const;
  void note_declared_elsewhere(Diagnostic& d, std::string_view name);
  void mark_package_used(PackageInfo* package);
  bool is_accessible(const PackageInfo* package) const;

  // ---- checker_types.cpp: type references, enums, records, facts
  void declare_types();
  const Type* resolve_type(TypeRef& ref);
  void check_type_decls();
  void check_record_cycles();
  void check_field_defaults();

  // ---- checker_values.cpp: consts, defs, outputs
  const Type* const_type(Decl* decl);
  void chain_too_long(const ConstDecl& c);
  void check_consts();
  void check_def_signatures();
  void check_def_bodies();
  void check_def_cycles();
  void check_outputs();

  // ---- checker_exprs.cpp: expressions
  // Checks `e` and returns its type (the error type when it is wrong; it is
  // already reported). `hint` is the type the context expects, used to read
  // bare enum members, date literals and empty collections.
  const Type* check(Expr* e, const Type* hint = nullptr);
  // Checks `e` against `expected`, reporting a mismatch naming `what`.
  const Type* check_as(Expr* e, const Type* expected, std::string_view what);
  void require_type(const Expr& e, const Type* expected, const Type* actual, std::string_view what);
  void check_condition(Expr* e, std::string_view clause);
  // Reports optional_misuse when `t` is optional; true when it was.
  bool reject_optional(const Expr& e, const Type* t);
  const Type* check_binary(Expr& e, Binary& b, const Type* hint);
  const Type* check_comparison(Expr& e, Binary& b);
  const Type* check_membership(Expr& e, Binary& b);
  const Type* check_arithmetic(Expr& e, Binary& b);
  // "`culprit` is `T`, but `other` is `U`", for operands that do not match.
  std::string operand_mismatch(const Expr& culprit, const Type* culprit_type, const Expr& other,
                               const Type* other_type) const;
  const Type* check_collection_literal(std::vector<ExprPtr>& elements, bool is_set,
                                       const Type* hint);
  const Type* check_string_literal(Expr& e, const StringLit& s, const Type* hint);
  const Type* check_interpolation(InterpString& s);
  bool is_contextual(const Expr* e);

  // ---- checker_paths.cpp: names, field access, indexing
  Target resolve_path(Expr& e, const Type* hint, Lookup mode);
  const Type* check_path_value(Expr& e, const Type* hint);
  const Type* check_field_of_value(Expr& e, FieldAccess& fa, const Type* object_type);
  const Type* check_index(IndexAccess& ia);

  // ---- checker_calls.cpp: calls, builtins, quantifiers, aggregates
  const Type* check_call(Expr& e, Call& call);
  const Type* check_builtin_call(Expr& e, Call& call, const stdlib::BuiltinInfo& b);
  const Type* check_quantifier(Quantifier& q);
  const Type* check_aggregate(Expr& e, Aggregate& a);
  const Type* element_type_of(Expr& domain, const Type* t, std::string_view what);

  // ---- checker_fold.cpp: constant folding
  std::optional<ConstValue> fold(const Expr* e) { return fold_constant(e, types_); }

  // ---- checker_rules.cpp: rules and effects
  void check_rules();
  void check_rule(RuleDecl& rule);
  void check_effect(Effect& effect);

  // ---- checker_tests.cpp: test blocks
  void check_tests();
  void check_test(Decl& decl, TestDecl& test);
  void check_given_file(const Given& given);
  void check_given_value(GivenValue* v, const Type* type, std::string path);
  void check_expect(Decl& decl, Expect& x);
  void check_rule_has_effect(const Expect& x, const Program::Rule& rule);
  const Type* walk_schema_path(const std::vector<GivenPathStep>& path);

  // ---- checker_lints.cpp
  void run_lints();
  bool has_error_in(Span span) const;
  bool is_registered(const Decl& decl) const;  // the declaration its name resolves to

  // Scopes
  void push_local(const Ident& id, const Type* type);
  void pop_locals(std::size_t to) { locals_.resize(to); }

  Program& program_;
  TypeTable& types_;
  const SourceSet& sources_;
  Diagnostics& diags_;
  CheckOptions options_;

  std::vector<std::unique_ptr<PackageInfo>> packages_;
  PackageNode package_root_;
  std::vector<std::unique_ptr<FileScope>> files_;
  std::unordered_map<const Decl*, FileScope*> decl_files_;
  // Every enum, by declaration, with its package (for bare member search).
  std::vector<Decl*> enums_;
  std::vector<Decl*> facts_decls_;
  // Declarations whose name an earlier one of the package already took
  // (reported as duplicates); uses resolve to the first.
  std::vector<Decl*> shadowed_decls_;

  Context ctx_;
  std::vector<Local> locals_;

  std::unordered_map<const Decl*, ConstState> consts_;
  int const_chain_ = 0;  // consts being checked, each waiting on the next
  std::unordered_set<const Decl*> used_decls_;  // consts and defs referenced anywhere
  // def -> the defs its body calls, with the call site, in order
  std::unordered_map<const Decl*, std::vector<std::pair<Decl*, Span>>> calls_;
  // const -> the consts its value reads
  std::unordered_map<const Decl*, std::vector<Decl*>> const_deps_;
  std::unordered_set<const Decl*> raised_outputs_;
  // A facts field declared again (same type): root field index and the later declaration,
  // whose defaults must agree.
  std::vector<std::pair<std::size_t, const FieldDecl*>> fact_redeclarations_;
  std::unordered_set<std::string> obligations_;
};

// Checks a declaration from a clean context (its own file, no locals) and
// restores the interrupted one: consts are checked on first use, from
// wherever that is.
struct ContextGuard {
  Checker& checker;
  Context saved;
  std::vector<Local> saved_locals;
  explicit ContextGuard(Checker& c)
      : checker(c), saved(c.ctx_), saved_locals(std::move(c.locals_)) {
    c.locals_.clear();
    c.ctx_ = Context{};
  }
  ~ContextGuard() {
    checker.ctx_ = saved;
    checker.locals_ = std::move(saved_locals);
  }
  ContextGuard(const ContextGuard&) = delete;
  ContextGuard& operator=(const ContextGuard&) = delete;
};

// The name a declaration introduces into its package (enum, type, const,
// def, output), or null for facts blocks, rules and tests.
const Ident* declared_name(const Decl& d);

// Output types that `raise` can join into: max for enums and numbers, `or`
// for bool, union for sets.
inline bool is_joinable(const Type* t) {
  if (t == nullptr) return false;
  switch (t->kind) {
    case TypeKind::enum_:
    case TypeKind::int_:
    case TypeKind::number:
    case TypeKind::bool_:
    case TypeKind::set:
      return true;
    default:
      return false;
  }
}

// "`text`"
inline std::string ticked(std::string_view text) {
  std::string s;
  s.reserve(text.size() + 2);
  s += '`';
  s += text;
  s += '`';
  return s;
}

// Candidate names for "did you mean", as the views closest_match wants.
std::vector<std::string_view> as_views(const std::vector<std::string>& names);

}  // namespace precept::lang::detail
