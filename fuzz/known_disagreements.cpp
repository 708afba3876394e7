#include "fuzz/known_disagreements.hpp"

#include <cstdlib>
#include <string>
#include <vector>

#include "lang/fold.hpp"

namespace precept::fuzz {

namespace {

// ----------------------------------------- 1. top output left unsettled ---

// Whether `value` is the top of the output's join (true, the last member of
// an enum), which no raise can exceed.
bool is_top(const lang::Program::Output& out, const nlohmann::json& value) {
  const lang::Type* t = lang::strip_optional(out.type);
  if (t->kind == lang::TypeKind::bool_) return value == true;
  const lang::EnumDecl* e = t->enum_decl();
  return e && !e->members.empty() && value == e->members.back().name.name;
}

// LANGUAGE.md: settled when "no undetermined rule instance could raise it
// higher", and nothing is higher than the top; the VM gives null.
bool top_output_unsettled(const lang::Program& program, const nlohmann::json& reference,
                          const nlohmann::json& vm, const lang::DecisionComparison& comparison) {
  if (comparison.differences != std::vector<std::string>{"outputs"}) return false;
  for (const lang::Program::Output& out : program.outputs()) {
    const nlohmann::json& r = reference["outputs"][out.id];
    const nlohmann::json& v = vm["outputs"][out.id];
    if (r != v && !(v.is_null() && is_top(out, r))) return false;
  }
  return true;
}

// ------------------------------------------ 2. folded-away left operand ---

bool folds_away_left_operand(const lang::Program& program, const lang::Expr* e);

template <class Range>
bool any_folds_away(const lang::Program& program, const Range& children) {
  for (const auto& c : children) {
    if (folds_away_left_operand(program, &*c)) return true;
  }
  return false;
}

bool any_of(const lang::Program& program, std::initializer_list<const lang::Expr*> children) {
  for (const lang::Expr* c : children) {
    if (folds_away_left_operand(program, c)) return true;
  }
  return false;
}

// `x or true`, `x and false`: the right side folds to the constant that
// decides, and x itself is not a constant.
bool folds_away_left_operand(const lang::Program& program, const lang::Expr* e) {
  if (e == nullptr) return false;
  if (auto* b = e->as<lang::Binary>()) {
    if (b->op == lang::BinaryOp::and_ || b->op == lang::BinaryOp::or_) {
      auto rhs = lang::fold_constant(b->rhs.get(), program.types());
      auto lhs = lang::fold_constant(b->lhs.get(), program.types());
      bool absorbing = rhs && rhs->kind == lang::ConstValue::Kind::boolean &&
                       rhs->boolean == (b->op == lang::BinaryOp::or_);
      if (absorbing && !lhs) return true;
    }
    return any_of(program, {b->lhs.get(), b->rhs.get()});
  }
  if (auto* u = e->as<lang::Unary>()) return any_of(program, {u->operand.get()});
  if (auto* ie = e->as<lang::IfElse>()) {
    return any_of(program, {ie->cond.get(), ie->then_value.get(), ie->else_value.get()});
  }
  if (auto* q = e->as<lang::Quantifier>()) return any_of(program, {q->domain.get(), q->body.get()});
  if (auto* a = e->as<lang::Aggregate>()) {
    return any_of(program, {a->value.get(), a->domain.get(), a->where.get(), a->fallback.get()});
  }
  if (auto* c = e->as<lang::Call>()) return any_folds_away(program, c->args);
  if (auto* l = e->as<lang::ListLit>()) return any_folds_away(program, l->elements);
  if (auto* s = e->as<lang::SetLit>()) return any_folds_away(program, s->elements);
  if (auto* ia = e->as<lang::IndexAccess>())
    return any_of(program, {ia->object.get(), ia->index.get()});
  if (auto* fa = e->as<lang::FieldAccess>()) return any_of(program, {fa->object.get()});
  if (auto* is = e->as<lang::InterpString>()) {
    for (const lang::InterpPart& p : is->parts) {
      if (folds_away_left_operand(program, p.expr.get())) return true;
    }
  }
  return false;
}

bool has_folded_away_operand(const lang::Program& program) {
  for (const auto& module : program.modules()) {
    for (const auto& decl : module->decls) {
      if (!decl) continue;
      std::vector<const lang::Expr*> roots;
      if (auto* def = decl->as<lang::DefDecl>()) roots.push_back(def->body.get());
      if (auto* out = decl->as<lang::OutputDecl>()) roots.push_back(out->value.get());
      if (auto* rule = decl->as<lang::RuleDecl>()) {
        for (const lang::RuleBinding& b : rule->bindings) roots.push_back(b.value.get());
        roots.push_back(rule->when.get());
        roots.push_back(rule->unless.get());
        for (const lang::Effect& effect : rule->effects) {
          roots.push_back(effect.message.get());
          roots.push_back(effect.raise_value.get());
          for (const lang::WithField& w : effect.with) roots.push_back(w.value.get());
        }
      }
      for (const lang::Expr* root : roots) {
        if (folds_away_left_operand(program, root)) return true;
      }
    }
  }
  return false;
}

// ------------------------------------------- 6. floor and ceil's range ---

// The VM's error "`<x>` is outside the int range" for an x within it.
bool narrow_rounding_range(const nlohmann::json& vm) {
  for (const auto& e : vm["errors"]) {
    std::string message = e.value("message", "");
    if (message.find("is outside the int range") == std::string::npos || message[0] != '`')
      continue;
    double x = std::strtod(message.c_str() + 1, nullptr);
    if (x >= -9223372036854775808.0 && x < 9223372036854775808.0) return true;
  }
  return false;
}

}  // namespace

bool is_known_disagreement(const lang::Program& program, const nlohmann::json& reference,
                           const nlohmann::json& vm, const lang::DecisionComparison& comparison) {
  return top_output_unsettled(program, reference, vm, comparison) ||
         has_folded_away_operand(program) || narrow_rounding_range(vm);
}

}  // namespace precept::fuzz
