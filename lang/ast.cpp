#include "lang/ast.hpp"

#include "runtime/decision.hpp"

namespace precept::lang {

std::string DottedName::str() const {
  std::string joined;
  for (const Ident& part : parts) {
    if (!joined.empty()) joined += '.';
    joined += part.name;
  }
  return joined;
}

const char* to_string(UnaryOp op) {
  switch (op) {
    case UnaryOp::not_:
      return "not";
    case UnaryOp::negate:
      return "-";
  }
  return "?";
}

const char* to_string(BinaryOp op) {
  switch (op) {
    case BinaryOp::or_:
      return "or";
    case BinaryOp::and_:
      return "and";
    case BinaryOp::eq:
      return "==";
    case BinaryOp::ne:
      return "!=";
    case BinaryOp::lt:
      return "<";
    case BinaryOp::le:
      return "<=";
    case BinaryOp::gt:
      return ">";
    case BinaryOp::ge:
      return ">=";
    case BinaryOp::in:
      return "in";
    case BinaryOp::not_in:
      return "not in";
    case BinaryOp::intersects:
      return "intersects";
    case BinaryOp::within:
      return "within";
    case BinaryOp::coalesce:
      return "??";
    case BinaryOp::add:
      return "+";
    case BinaryOp::sub:
      return "-";
    case BinaryOp::mul:
      return "*";
    case BinaryOp::div:
      return "/";
    case BinaryOp::mod:
      return "%";
  }
  return "?";
}

const char* to_string(AggKind kind) {
  switch (kind) {
    case AggKind::count:
      return "count";
    case AggKind::sum:
      return "sum";
    case AggKind::max:
      return "max";
    case AggKind::min:
      return "min";
  }
  return "aggregate";
}

// The AST's severities and effect kinds are the runtime's, member for member
// (the compiler converts them with a cast), so the runtime's names serve both.
static_assert(static_cast<int>(RuleSeverity::info) == static_cast<int>(runtime::Severity::info) &&
              static_cast<int>(RuleSeverity::critical) ==
                  static_cast<int>(runtime::Severity::critical));
static_assert(static_cast<int>(EffectKind::deny) == static_cast<int>(runtime::EffectKind::deny) &&
              static_cast<int>(EffectKind::review) ==
                  static_cast<int>(runtime::EffectKind::review) &&
              static_cast<int>(EffectKind::warn) == static_cast<int>(runtime::EffectKind::warn) &&
              static_cast<int>(EffectKind::require) ==
                  static_cast<int>(runtime::EffectKind::require) &&
              static_cast<int>(EffectKind::raise) == static_cast<int>(runtime::EffectKind::raise));

const char* to_string(RuleSeverity severity) {
  return runtime::to_string(static_cast<runtime::Severity>(severity));
}

const char* to_string(EffectKind kind) {
  return runtime::to_string(static_cast<runtime::EffectKind>(kind));
}

}  // namespace precept::lang
