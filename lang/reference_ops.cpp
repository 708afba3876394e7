// Operators of the reference evaluator: Kleene `and`/`or`/`not`, `??`,
// comparisons, membership (`in`, `not in`, `intersects`, `within`) and
// arithmetic with its run-time errors (docs/language.md, "Three-valued
// logic" in LANGUAGE.md and "Evaluation").
#include <cmath>
#include <limits>

#include "lang/reference_eval.hpp"

namespace precept::lang::reference {

namespace {

// Unknown because of either operand: the missing facts of an unknown one,
// and of the unknown elements of a collection one (used whole).
Value unknown_of(const Value& a, const Value& b) {
  PathList missing;
  for (const Value* v : {&a, &b}) {
    if (v->is_unknown()) missing.add_all(v->missing);
    if (v->is_collection()) missing.add_all(unknown_elements(*v));
  }
  return Value::unknown(std::move(missing));
}

double as_number(const Value& v) {
  return v.kind == Value::Kind::integer ? static_cast<double>(v.integer) : v.number;
}

// The missing facts of whichever operands are unknown themselves.
Value unknown_operands(const Value& a, const Value& b) {
  PathList missing;
  if (a.is_unknown()) missing.add_all(a.missing);
  if (b.is_unknown()) missing.add_all(b.missing);
  return Value::unknown(std::move(missing));
}

// `x in c`, looking at the elements one by one: true when a known element
// equals x, else unknown when an element is unknown, else false. An unknown
// x is unknown because of x alone (`c`'s unknown elements do not matter).
Value element_in(const Value& x, const Value& c) {
  if (x.is_unknown() || c.is_unknown()) return unknown_operands(x, c);
  PathList missing;
  bool unknown = false;
  for (const Value& e : c.elements()) {
    if (e.is_unknown()) {
      unknown = true;
      missing.add_all(e.missing);
    } else if (values_equal(e, x)) {
      return Value::of(true);
    }
  }
  if (unknown) return Value::unknown(std::move(missing));
  return Value::of(false);
}

// Kleene `or` (any) or `and` (every) of `in` over the elements of `a`.
Value each_in(const Value& a, const Value& b, bool every) {
  PathList missing;
  bool unknown = false;
  for (const Value& x : a.elements()) {
    Value r = element_in(x, b);
    if (r.is_unknown()) {
      unknown = true;
      missing.add_all(r.missing);
    } else if (r.boolean != every) {
      return Value::of(!every);
    }
  }
  if (unknown) return Value::unknown(std::move(missing));
  return Value::of(every);
}

}  // namespace

Value kleene_not(const Value& v) {
  if (v.is_unknown()) return v;
  return Value::of(!v.boolean);
}

Value Evaluator::eval_binary(const Expr& e, const Binary& b) {
  if (!b.lhs || !b.rhs) return Value::unknown();
  switch (b.op) {
    case BinaryOp::and_:
    case BinaryOp::or_:
      return eval_logic(b);
    case BinaryOp::coalesce: {
      // `x ?? y` is y when x is none or unknown.
      Value l = eval(*b.lhs);
      if (l.is_unknown() || l.kind == Value::Kind::none) return eval(*b.rhs);
      return l;
    }
    default:
      break;
  }
  Value l = eval(*b.lhs);
  Value r = eval(*b.rhs);
  switch (b.op) {
    case BinaryOp::eq:
    case BinaryOp::ne:
    case BinaryOp::lt:
    case BinaryOp::le:
    case BinaryOp::gt:
    case BinaryOp::ge:
      return eval_comparison(b, l, r);
    case BinaryOp::in:
    case BinaryOp::not_in:
    case BinaryOp::intersects:
    case BinaryOp::within:
      return eval_membership(b.op, l, r);
    default:
      return eval_arithmetic(e, b.op, l, r);
  }
}

Value Evaluator::eval_logic(const Binary& b) {
  // Kleene: false and x is false whatever x is (x is not even evaluated),
  // true or x is true; otherwise unknown remembers the unknown sides.
  const bool is_and = b.op == BinaryOp::and_;
  Value l = eval(*b.lhs);
  if (!l.is_unknown() && l.boolean != is_and) return Value::of(l.boolean);
  Value r = eval(*b.rhs);
  if (!r.is_unknown() && r.boolean != is_and) return Value::of(r.boolean);
  if (!l.is_unknown() && !r.is_unknown()) return Value::of(is_and);
  return unknown_of(l, r);
}

Value Evaluator::eval_comparison(const Binary& b, const Value& l, const Value& r) {
  if (l.is_unknown() || r.is_unknown()) return unknown_of(l, r);
  if (b.op == BinaryOp::eq || b.op == BinaryOp::ne) {
    // A collection with an unknown element is unknown where used whole.
    PathList missing = unknown_elements(l);
    missing.add_all(unknown_elements(r));
    if (has_unknown_element(l) || has_unknown_element(r)) return Value::unknown(std::move(missing));
    bool equal = values_equal(l, r);
    return Value::of(b.op == BinaryOp::eq ? equal : !equal);
  }
  int c = compare_values(l, r);
  switch (b.op) {
    case BinaryOp::lt:
      return Value::of(c < 0);
    case BinaryOp::le:
      return Value::of(c <= 0);
    case BinaryOp::gt:
      return Value::of(c > 0);
    default:
      return Value::of(c >= 0);
  }
}

Value Evaluator::eval_membership(BinaryOp op, const Value& l, const Value& r) {
  switch (op) {
    case BinaryOp::in:
      return element_in(l, r);
    case BinaryOp::not_in:
      return kleene_not(element_in(l, r));
    default:
      break;
  }
  if (l.is_unknown() || r.is_unknown()) return unknown_operands(l, r);
  // a intersects b: some element of a is in b; a within b: every one is.
  return each_in(l, r, op == BinaryOp::within);
}

Value Evaluator::eval_arithmetic(const Expr& e, BinaryOp op, const Value& l, const Value& r) {
  if (l.is_unknown() || r.is_unknown()) return unknown_of(l, r);
  using K = Value::Kind;
  if (op == BinaryOp::add && l.kind == K::string) return built_string(e, l.text + r.text);
  const bool ints = l.kind == K::integer && r.kind == K::integer;
  if (ints && op != BinaryOp::div) {
    std::int64_t result = 0;
    bool overflow = false;
    switch (op) {
      case BinaryOp::add:
        overflow = __builtin_add_overflow(l.integer, r.integer, &result);
        break;
      case BinaryOp::sub:
        overflow = __builtin_sub_overflow(l.integer, r.integer, &result);
        break;
      case BinaryOp::mul:
        overflow = __builtin_mul_overflow(l.integer, r.integer, &result);
        break;
      case BinaryOp::mod:
        if (r.integer == 0) {
          run_.evaluation_error(e.span, "remainder of a division by zero");
          return Value::unknown();
        }
        // The remainder has the sign of the dividend; INT64_MIN % -1 is 0.
        result = r.integer == -1 ? 0 : l.integer % r.integer;
        break;
      default:
        break;
    }
    if (overflow) {
      run_.evaluation_error(e.span, "integer overflow");
      return Value::unknown();
    }
    return Value::of_int(result);
  }
  // int / int is a number: no silent truncation.
  double x = as_number(l);
  double y = as_number(r);
  double result = 0;
  switch (op) {
    case BinaryOp::add:
      result = x + y;
      break;
    case BinaryOp::sub:
      result = x - y;
      break;
    case BinaryOp::mul:
      result = x * y;
      break;
    case BinaryOp::div:
      if (y == 0) {
        run_.evaluation_error(e.span, "division by zero");
        return Value::unknown();
      }
      result = x / y;
      break;
    default:
      return Value::unknown();
  }
  if (!std::isfinite(result)) {
    run_.evaluation_error(e.span, "number overflow: the result is outside the range of a number");
    return Value::unknown();
  }
  return Value::of_number(result);
}

Value Evaluator::eval_negate(const Expr& e, const Value& v) {
  if (v.is_unknown()) return v;
  if (v.kind == Value::Kind::integer) {
    if (v.integer == std::numeric_limits<std::int64_t>::min()) {
      run_.evaluation_error(e.span, "integer overflow");
      return Value::unknown();
    }
    return Value::of_int(-v.integer);
  }
  return Value::of_number(-v.number);
}

}  // namespace precept::lang::reference
