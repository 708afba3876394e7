// Expressions: literals, operators and conditions. Each check returns the
// expression's type and stores it in Expr::type; a wrong expression gets the
// error type, which every later check accepts silently, so one mistake makes
// one diagnostic.
#include <tuple>

#include "lang/checker_internal.hpp"

namespace precept::lang::detail {

namespace {

const char* op_word(BinaryOp op) { return to_string(op); }

bool is_enum(const Type* t) { return t != nullptr && t->kind == TypeKind::enum_; }

}  // namespace

const Type* Checker::check(Expr* e, const Type* hint) {
  if (e == nullptr) return types_.error();
  const Type* t = types_.error();
  const Type* expected = strip_optional(hint);

  if (e->is<NoneLit>()) {
    t = types_.none();
  } else if (e->is<BoolLit>()) {
    t = types_.boolean();
  } else if (e->is<IntLit>()) {
    // An int literal where a number is expected is a number constant.
    t = expected == types_.number() ? types_.number() : types_.integer();
  } else if (e->is<NumberLit>()) {
    t = types_.number();
  } else if (auto* s = e->as<StringLit>()) {
    t = check_string_literal(*e, *s, hint);
  } else if (auto* is = e->as<InterpString>()) {
    t = check_interpolation(*is);
  } else if (auto* list = e->as<ListLit>()) {
    t = check_collection_literal(list->elements, false, hint);
  } else if (auto* set = e->as<SetLit>()) {
    t = check_collection_literal(set->elements, true, hint);
  } else if (e->is<NameRef>() || e->is<FieldAccess>()) {
    t = check_path_value(*e, hint);
  } else if (auto* ia = e->as<IndexAccess>()) {
    t = check_index(*ia);
  } else if (auto* call = e->as<Call>()) {
    t = check_call(*e, *call);
  } else if (auto* u = e->as<Unary>()) {
    if (u->op == UnaryOp::not_) {
      const Type* ot = check(u->operand.get(), types_.boolean());
      t = types_.boolean();
      if (u->operand && !is_error(ot) && !reject_optional(*u->operand, ot) &&
          ot != types_.boolean()) {
        error(DiagCode::type_mismatch, u->operand->span,
              "`not` needs a `bool`, but " + describe_expr(*u->operand) + " is " +
                  ticked(describe(ot)));
      }
    } else {
      const Type* ot = check(u->operand.get(), hint);
      if (u->operand && !is_error(ot) && !reject_optional(*u->operand, ot)) {
        if (is_numeric(ot)) {
          t = ot;
        } else {
          error(DiagCode::type_mismatch, u->operand->span,
                "`-` needs a number, but " + describe_expr(*u->operand) + " is " +
                    ticked(describe(ot)));
        }
      }
    }
  } else if (auto* b = e->as<Binary>()) {
    t = check_binary(*e, *b, hint);
  } else if (auto* ie = e->as<IfElse>()) {
    check_condition(ie->cond.get(), "`if` condition");
    const Type* a = check(ie->then_value.get(), hint);
    const Type* c = check(ie->else_value.get(), hint ? hint : a);
    if (is_error(a) || is_error(c)) {
      t = types_.error();
    } else if (const Type* j = join(types_, a, c)) {
      t = j;
    } else {
      error(DiagCode::type_mismatch, ie->else_value->span,
            "the branches of `if` differ: " + describe_expr(*ie->then_value) + " is " +
                ticked(describe(a)) + " but " + describe_expr(*ie->else_value) + " is " +
                ticked(describe(c)));
    }
  } else if (auto* q = e->as<Quantifier>()) {
    t = check_quantifier(*q);
  } else if (auto* a = e->as<Aggregate>()) {
    t = check_aggregate(*e, *a);
  }
  e->type = t ? t : types_.error();
  return e->type;
}

bool Checker::reject_optional(const Expr& e, const Type* t) {
  if (!is_optional(t)) return false;
  error(
      DiagCode::optional_misuse, e.span,
      describe_expr(e) + " is optional (" + ticked(describe(t)) + "); use `??` or `present(...)`");
  return true;
}

void Checker::require_type(const Expr& e, const Type* expected, const Type* actual,
                           std::string_view what) {
  if (assignable(expected, actual)) return;
  if (is_optional(actual) && assignable(expected, actual->element)) {
    reject_optional(e, actual);
    return;
  }
  std::string message = describe_expr(e) + " is " + ticked(describe(actual)) + ", but " +
                        std::string(what) + " must be " + ticked(describe(expected));
  // `"workplace"` where an enum is expected: members are written bare.
  const Type* target = strip_optional(expected);
  if (auto* s = e.as<StringLit>(); s && is_enum(target) && target->enum_decl() &&
                                   enum_member_index(*target->enum_decl(), s->value)) {
    message += "; write the member bare: " + ticked(s->value);
  }
  error(DiagCode::type_mismatch, e.span, std::move(message));
}

const Type* Checker::check_as(Expr* e, const Type* expected, std::string_view what) {
  const Type* t = check(e, expected);
  if (e != nullptr && !is_error(expected) && !is_error(t)) require_type(*e, expected, t, what);
  return t;
}

void Checker::check_condition(Expr* e, std::string_view clause) {
  const Type* t = check(e, types_.boolean());
  if (e == nullptr || is_error(t) || t == types_.boolean()) return;
  if (reject_optional(*e, t)) return;
  error(DiagCode::non_boolean_condition, e->span,
        "the " + std::string(clause) + " must be `bool`, but " + describe_expr(*e) + " is " +
            ticked(describe(t)));
}

const Type* Checker::check_string_literal(Expr& e, const StringLit& s, const Type* hint) {
  if (strip_optional(hint) != types_.date()) return types_.string();
  // Compared with or assigned to a date: the literal is a date constant.
  if (parse_iso_date(s.value)) return types_.date();
  error(DiagCode::invalid_date, e.span,
        ticked(s.value) + " is not a valid date; write an ISO 8601 calendar date `YYYY-MM-DD`");
  return types_.error();
}

const Type* Checker::check_interpolation(InterpString& s) {
  for (InterpPart& part : s.parts) {
    if (!part.expr) continue;
    const Type* t = check(part.expr.get());
    if (is_error(t) || reject_optional(*part.expr, t)) continue;
    if (!is_scalar(t)) {
      error(DiagCode::type_mismatch, part.expr->span,
            "only `bool`, `int`, `number`, `string`, `date` and enum values can be "
            "interpolated, but " +
                describe_expr(*part.expr) + " is " + ticked(describe(t)));
    }
  }
  return types_.string();
}

const Type* Checker::check_collection_literal(std::vector<ExprPtr>& elements, bool is_set,
                                              const Type* hint) {
  const Type* expected = strip_optional(hint);
  const Type* element_hint = nullptr;
  if (is_collection(expected) && expected->element->kind != TypeKind::nothing) {
    element_hint = expected->element;
  }
  auto make = [&](const Type* element) {
    return is_set ? types_.set(element) : types_.list(element);
  };
  if (elements.empty()) return make(element_hint ? element_hint : types_.nothing());

  const Type* joined = nullptr;
  bool failed = false;
  for (ExprPtr& el : elements) {
    const Type* t = check(el.get(), element_hint ? element_hint : joined);
    if (!el || is_error(t)) {
      failed = true;
      continue;
    }
    if (!is_optional(element_hint) && (is_optional(t) || t->kind == TypeKind::none)) {
      if (t->kind == TypeKind::none) {
        error(DiagCode::type_mismatch, el->span, "`none` cannot be an element here");
      } else {
        reject_optional(*el, t);
      }
      failed = true;
      continue;
    }
    if (joined == nullptr) {
      joined = t;
      continue;
    }
    if (const Type* j = join(types_, joined, t)) {
      joined = j;
    } else {
      error(DiagCode::type_mismatch, el->span,
            "the elements of a " + std::string(is_set ? "set" : "list") +
                " must share one type, but " + describe_expr(*el) + " is " + ticked(describe(t)) +
                " and the ones before are " + ticked(describe(joined)));
      failed = true;
    }
  }
  // A literal with a wrong element is reported once, not again by its users.
  if (failed || joined == nullptr) return types_.error();
  if (element_hint != nullptr && assignable(element_hint, joined)) joined = element_hint;
  if (is_set && !is_scalar(joined) && joined->kind != TypeKind::nothing) {
    error(DiagCode::type_mismatch, elements.front()->span,
          "set elements must be `bool`, `int`, `number`, `string`, `date` or an enum, not " +
              ticked(describe(joined)) + "; use a list `[...]`");
    return types_.error();
  }
  return make(joined);
}

bool Checker::is_contextual(const Expr* e) {
  if (e == nullptr) return false;
  if (e->is<StringLit>() || e->is<NoneLit>()) return true;
  auto all_contextual = [&](const std::vector<ExprPtr>& elements) {
    for (const ExprPtr& el : elements) {
      if (!is_contextual(el.get())) return false;
    }
    return true;
  };
  if (auto* l = e->as<ListLit>()) return all_contextual(l->elements);
  if (auto* s = e->as<SetLit>()) return all_contextual(s->elements);
  if (auto* n = e->as<NameRef>()) {
    // A bare name that means nothing without an expected type (a member of
    // an enum, or of several) waits for the other side.
    Target t = lookup_head(nullptr, n->name, nullptr, Lookup::value, false);
    return t.kind == Target::Kind::error;
  }
  return false;
}

// ------------------------------------------------------------ operators ---

const Type* Checker::check_binary(Expr& e, Binary& b, const Type* hint) {
  switch (b.op) {
    case BinaryOp::or_:
    case BinaryOp::and_: {
      for (Expr* side : {b.lhs.get(), b.rhs.get()}) {
        const Type* t = check(side, types_.boolean());
        if (side == nullptr || is_error(t) || t == types_.boolean()) continue;
        if (reject_optional(*side, t)) continue;
        error(DiagCode::type_mismatch, side->span,
              ticked(op_word(b.op)) + " needs `bool` operands, but " + describe_expr(*side) +
                  " is " + ticked(describe(t)));
      }
      return types_.boolean();
    }
    case BinaryOp::eq:
    case BinaryOp::ne:
    case BinaryOp::lt:
    case BinaryOp::le:
    case BinaryOp::gt:
    case BinaryOp::ge:
      return check_comparison(e, b);
    case BinaryOp::in:
    case BinaryOp::not_in:
    case BinaryOp::intersects:
    case BinaryOp::within:
      return check_membership(e, b);
    case BinaryOp::coalesce: {
      const Type* lt = check(b.lhs.get(), hint);
      const Type* inner = lt->kind == TypeKind::none ? nullptr : strip_optional(lt);
      const Type* rt = check(b.rhs.get(), is_error(inner) ? hint : inner);
      if (is_error(lt) || is_error(rt)) return types_.error();
      if (inner == nullptr) return rt;
      if (const Type* j = join(types_, inner, rt)) return j;
      error(DiagCode::type_mismatch, b.rhs->span,
            "the fallback " + describe_expr(*b.rhs) + " is " + ticked(describe(rt)) + ", but " +
                describe_expr(*b.lhs) + " is " + ticked(describe(lt)));
      return types_.error();
    }
    case BinaryOp::add:
    case BinaryOp::sub:
    case BinaryOp::mul:
    case BinaryOp::div:
    case BinaryOp::mod:
      return check_arithmetic(e, b);
  }
  return types_.error();
}

std::string Checker::operand_mismatch(const Expr& culprit, const Type* culprit_type,
                                      const Expr& other, const Type* other_type) const {
  return describe_expr(culprit) + " is " + ticked(describe(culprit_type)) + ", but " +
         describe_expr(other) + " is " + ticked(describe(other_type));
}

const Type* Checker::check_comparison(Expr& e, Binary& b) {
  // The side whose type is known is checked first and gives the other side
  // its expected type: `d.classification == public`, `date >= "2026-08-02"`.
  bool swap = is_contextual(b.lhs.get()) && !is_contextual(b.rhs.get());
  Expr* first = swap ? b.rhs.get() : b.lhs.get();
  Expr* second = swap ? b.lhs.get() : b.rhs.get();
  const Type* t1 = check(first);
  const Type* t2 = check(second, t1->kind == TypeKind::none ? nullptr : strip_optional(t1));
  const Type* lt = swap ? t2 : t1;
  const Type* rt = swap ? t1 : t2;
  const Type* result = types_.boolean();
  if (!b.lhs || !b.rhs || is_error(lt) || is_error(rt)) return result;
  const std::string op = ticked(op_word(b.op));

  if (b.op == BinaryOp::eq || b.op == BinaryOp::ne) {
    // `x == none` asks whether an optional value is absent.
    for (auto [side, t, other] :
         {std::tuple{b.lhs.get(), lt, rt}, std::tuple{b.rhs.get(), rt, lt}}) {
      if (t->kind == TypeKind::none && other->kind != TypeKind::none && !is_optional(other)) {
        Expr* o = side == b.lhs.get() ? b.rhs.get() : b.lhs.get();
        error(DiagCode::type_mismatch, o->span,
              describe_expr(*o) + " is " + ticked(describe(other)) +
                  ", which is never `none`; only optional values can be compared with `none`");
        return result;
      }
    }
    if (lt->kind == TypeKind::none || rt->kind == TypeKind::none) return result;
    const Type* a = strip_optional(lt);
    const Type* c = strip_optional(rt);
    if (a->kind == TypeKind::record || c->kind == TypeKind::record) {
      error(DiagCode::not_comparable, e.span,
            "records cannot be compared with " + op + "; compare their fields");
      return result;
    }
    if (is_enum(a) && is_enum(c) && a != c) {
      error(DiagCode::enum_mismatch, e.span,
            "cannot compare " + ticked(describe(a)) + " with " + ticked(describe(c)));
      return result;
    }
    if (join(types_, a, c) == nullptr) {
      std::string message = operand_mismatch(*second, swap ? lt : rt, *first, swap ? rt : lt);
      for (auto [side, t] : {std::pair{b.lhs.get(), c}, std::pair{b.rhs.get(), a}}) {
        auto* s = side->as<StringLit>();
        if (s && is_enum(t) && t->enum_decl() && enum_member_index(*t->enum_decl(), s->value)) {
          message += "; write the member bare: " + ticked(s->value);
        }
      }
      error(DiagCode::type_mismatch, second->span, std::move(message));
    }
    return result;
  }

  // Ordering: < <= > >=
  if (reject_optional(*b.lhs, lt) || reject_optional(*b.rhs, rt)) return result;
  if (is_enum(lt) && is_enum(rt) && lt != rt) {
    error(DiagCode::enum_mismatch, e.span,
          "cannot compare " + ticked(describe(lt)) + " with " + ticked(describe(rt)));
    return result;
  }
  for (auto [side, t] : {std::pair{b.lhs.get(), lt}, std::pair{b.rhs.get(), rt}}) {
    if (!is_ordered(t)) {
      error(DiagCode::not_comparable, side->span,
            describe_expr(*side) + " is " + ticked(describe(t)) + ", which has no order for " + op);
      return result;
    }
  }
  if (lt != rt && !(is_numeric(lt) && is_numeric(rt))) {
    error(DiagCode::type_mismatch, second->span,
          operand_mismatch(*second, swap ? lt : rt, *first, swap ? rt : lt));
  }
  return result;
}

const Type* Checker::check_membership(Expr& e, Binary& b) {
  const bool element_test = b.op == BinaryOp::in || b.op == BinaryOp::not_in;
  const std::string op = ticked(op_word(b.op));
  const Type* lt = nullptr;
  const Type* rt = nullptr;
  if (is_contextual(b.lhs.get()) && !is_contextual(b.rhs.get())) {
    rt = check(b.rhs.get());
    const Type* collection = strip_optional(rt);
    const Type* lhs_hint = nullptr;
    if (is_collection(collection)) lhs_hint = element_test ? collection->element : collection;
    lt = check(b.lhs.get(), lhs_hint);
  } else {
    lt = check(b.lhs.get());
    const Type* rhs_hint = nullptr;
    const Type* l = strip_optional(lt);
    if (!is_error(l) && l->kind != TypeKind::none) {
      rhs_hint = element_test ? (is_scalar(l) ? types_.set(l) : types_.list(l)) : l;
    }
    rt = check(b.rhs.get(), rhs_hint);
  }
  const Type* result = types_.boolean();
  if (!b.lhs || !b.rhs || is_error(lt) || is_error(rt)) return result;
  if (reject_optional(*b.lhs, lt) || reject_optional(*b.rhs, rt)) return result;

  auto need_collection = [&](const Expr& side, const Type* t, const char* where) {
    if (is_collection(t)) return true;
    std::string message = op + " needs a list or set " + where + ", but " + describe_expr(side) +
                          " is " + ticked(describe(t));
    if (element_test && t == types_.string()) {
      message += "; for a substring use `contains(text, part)`";
    }
    error(DiagCode::type_mismatch, side.span, std::move(message));
    return false;
  };
  if (!need_collection(*b.rhs, rt, "on the right")) return result;
  if (!element_test && !need_collection(*b.lhs, lt, "on the left")) return result;

  const Type* left_element = element_test ? lt : lt->element;
  const Type* right_element = rt->element;
  if (left_element->kind == TypeKind::nothing || right_element->kind == TypeKind::nothing) {
    return result;
  }
  if (is_enum(left_element) && is_enum(right_element) && left_element != right_element) {
    error(DiagCode::enum_mismatch, e.span,
          "cannot compare " + ticked(describe(left_element)) + " with " +
              ticked(describe(right_element)));
  } else if (join(types_, left_element, right_element) == nullptr) {
    error(DiagCode::type_mismatch, e.span,
          op + " compares " + ticked(describe(left_element)) + " with elements of type " +
              ticked(describe(right_element)));
  }
  return result;
}

const Type* Checker::check_arithmetic(Expr& e, Binary& b) {
  const Type* lt = check(b.lhs.get());
  // `%` takes ints only: a literal keeps its own type (`2` is `int`, not the
  // `number` of the other side), so that a mismatch names the right one.
  const Type* rt =
      check(b.rhs.get(), is_numeric(lt) && b.op != BinaryOp::mod ? lt : nullptr);
  if (!b.lhs || !b.rhs || is_error(lt) || is_error(rt)) return types_.error();
  if (reject_optional(*b.lhs, lt) || reject_optional(*b.rhs, rt)) return types_.error();
  const std::string op = ticked(op_word(b.op));
  // Names the operands that do not fit, pointing at the one when only one
  // does not: `%` needs two `int`s, but `x` is `number`.
  auto fail = [&](std::string needs, bool lhs_fits = false, bool rhs_fits = false) {
    if (lhs_fits != rhs_fits) {
      Expr& culprit = lhs_fits ? *b.rhs : *b.lhs;
      error(DiagCode::type_mismatch, culprit.span,
            op + " needs " + needs + ", but " + describe_expr(culprit) + " is " +
                ticked(describe(lhs_fits ? rt : lt)));
    } else {
      error(DiagCode::type_mismatch, e.span,
            op + " needs " + needs + ", but " + describe_expr(*b.lhs) + " is " +
                ticked(describe(lt)) + " and " + describe_expr(*b.rhs) + " is " +
                ticked(describe(rt)));
    }
    return types_.error();
  };
  bool ints = lt == types_.integer() && rt == types_.integer();
  switch (b.op) {
    case BinaryOp::add:
      if (lt == types_.string() && rt == types_.string()) return types_.string();
      if (!is_numeric(lt) || !is_numeric(rt)) {
        // The left side, when it is a number or a string, decides which.
        bool lhs_fits = is_numeric(lt) || lt == types_.string();
        bool rhs_fits = !lhs_fits && (is_numeric(rt) || rt == types_.string());
        return fail("two numbers or two strings", lhs_fits, rhs_fits);
      }
      return ints ? types_.integer() : types_.number();
    case BinaryOp::sub:
    case BinaryOp::mul:
      if (!is_numeric(lt) || !is_numeric(rt)) {
        return fail("two numbers", is_numeric(lt), is_numeric(rt));
      }
      return ints ? types_.integer() : types_.number();
    case BinaryOp::div:
      // int / int is a number: 7 / 2 is 3.5, as a compliance author expects
      if (!is_numeric(lt) || !is_numeric(rt)) {
        return fail("two numbers", is_numeric(lt), is_numeric(rt));
      }
      return types_.number();
    case BinaryOp::mod:
      if (!ints) return fail("two `int`s", lt == types_.integer(), rt == types_.integer());
      return types_.integer();
    default:
      return types_.error();
  }
}

}  // namespace precept::lang::detail
