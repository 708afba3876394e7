#include "lang/ast.hpp"

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
    case AggKind::count: return "count";
    case AggKind::sum: return "sum";
    case AggKind::max: return "max";
    case AggKind::min: return "min";
  }
  return "aggregate";
}

const char* to_string(RuleSeverity severity) {
  switch (severity) {
    case RuleSeverity::info:
      return "info";
    case RuleSeverity::low:
      return "low";
    case RuleSeverity::medium:
      return "medium";
    case RuleSeverity::high:
      return "high";
    case RuleSeverity::critical:
      return "critical";
  }
  return "?";
}

const char* to_string(EffectKind kind) {
  switch (kind) {
    case EffectKind::deny:
      return "deny";
    case EffectKind::review:
      return "review";
    case EffectKind::warn:
      return "warn";
    case EffectKind::require:
      return "require";
    case EffectKind::raise:
      return "raise";
  }
  return "?";
}

}  // namespace precept::lang
