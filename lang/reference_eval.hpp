// The expression evaluator of the reference interpreter: one checked
// expression at a time, with Kleene logic over unknown values, and the state
// one decision shares (errors, the loaded facts, constants, the step count).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "lang/ast.hpp"
#include "lang/checker.hpp"
#include "lang/reference.hpp"
#include "lang/reference_value.hpp"
#include "lang/source.hpp"

namespace precept::lang::reference {

// An entry of the decision's `errors`.
struct ErrorEntry {
  std::string kind;  // input, evaluation, limit
  std::string path;  // input errors
  std::string at;    // `file:line:col` (evaluation errors, limits)
  std::string message;
};

// Thrown to stop a decision that ran past a limit; caught by reference_decide.
struct Stopped {};

// What one decision shares.
struct Run {
  Run(const Program& p, const SourceSet& s, const ReferenceOptions& o)
      : program(p), sources(s), options(o) {}

  const Program& program;
  const SourceSet& sources;
  const ReferenceOptions& options;
  Value facts;  // the facts root, a record
  std::vector<ErrorEntry> errors;
  std::uint64_t steps = 0;
  std::unordered_map<const Decl*, Value> constants;  // evaluated on first use

  std::string location(Span span) const;  // `file:line:col`
  // An evaluation error at `span`, reported once per place and message.
  void evaluation_error(Span span, std::string message);
  // A limit error at `span`: the value is unknown and the outcome
  // indeterminate (docs/decisions.md, kind `limit`).
  void limit_error(Span span, std::string message);
  // A limit error, after which the decision stops (throws Stopped).
  [[noreturn]] void stop(Span span, std::string message);
  // Counts `units` more steps, for work that grows with the values (a
  // regular expression's); past max_steps the decision stops at `span`.
  void charge(Span span, std::uint64_t units);
  bool hit_limit = false;
};

// The facts an instance read, with their values: its `because`.
class Reads {
 public:
  void add(const std::string& path, nlohmann::json value);
  nlohmann::json to_json() const;

 private:
  std::vector<std::pair<std::string, nlohmann::json>> entries_;
};

class Evaluator {
 public:
  explicit Evaluator(Run& run) : run_(run) {}

  Value eval(const Expr& e);
  // A message: its text, unknown parts written `unknown` (then `unknown`
  // is set) and their missing facts added to `missing` (a fired rule still
  // applies its effects).
  std::string message(const Expr& e, PathList& missing, bool& unknown);

  // Variables: `for`, `let`, quantifier and aggregate variables and def
  // parameters, keyed by the Ident that introduced them.
  void bind(const void* ident, Value v) { locals_[ident] = std::move(v); }
  void unbind(const void* ident) { locals_.erase(ident); }
  void clear_locals() { locals_.clear(); }

  // Where the facts read are recorded (for `because`); null: not recorded.
  Reads* reads = nullptr;

  // A field of a record value: its value, or for an absent optional record
  // (none) what an empty record holds there.
  Value field_of(const Value& object, const Type* record_type, const std::string& name);
  Value constant(const Decl* decl);

 private:
  Value eval_node(const Expr& e);
  Value eval_name(const Expr& e);
  Value eval_field(const Expr& e, const FieldAccess& fa);
  Value eval_index(const Expr& e, const IndexAccess& ia);
  Value eval_call(const Expr& e, const Call& call);
  Value eval_builtin(const Expr& e, const Call& call, std::uint32_t builtin);
  Value eval_binary(const Expr& e, const Binary& b);
  Value eval_logic(const Binary& b);
  Value eval_comparison(const Binary& b, const Value& l, const Value& r);
  Value eval_membership(BinaryOp op, const Value& l, const Value& r);
  Value eval_arithmetic(const Expr& e, BinaryOp op, const Value& l, const Value& r);
  Value eval_negate(const Expr& e, const Value& v);
  Value eval_interpolation(const InterpString& s);
  Value eval_collection(const std::vector<ExprPtr>& elements, bool is_set);
  Value eval_quantifier(const Quantifier& q);
  Value eval_aggregate(const Expr& e, const Aggregate& a);
  Value eval_if(const IfElse& ie);
  // Records a fact read for `because` when its value can be shown.
  void note_read(const std::string& path, const Value& v, const Type* type);
  // A string built by `+` or `${...}`: unknown past the 1 MiB limit.
  Value built_string(const Expr& e, std::string s);

  Run& run_;
  std::unordered_map<const void*, Value> locals_;
};

// Kleene `not`, `and` and `or` on values that are booleans or unknown.
Value kleene_not(const Value& v);

}  // namespace precept::lang::reference
