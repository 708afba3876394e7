// Calls of defs and builtins, quantifiers and aggregates: the expressions
// that take arguments or bind a variable.
#include "lang/checker_internal.hpp"
#include "lang/regex_syntax.hpp"

namespace precept::lang::detail {

namespace {

std::string arguments(std::size_t n) {
  return std::to_string(n) + (n == 1 ? " argument" : " arguments");
}

std::string argument_place(std::size_t i, std::string_view function) {
  return "argument " + std::to_string(i + 1) + " of " + ticked(function);
}

}  // namespace

const Type* Checker::check_call(Expr& e, Call& call) {
  auto check_args = [&] {
    for (ExprPtr& arg : call.args) check(arg.get());
  };
  if (!call.callee) {
    check_args();
    return types_.error();
  }
  Expr& callee = *call.callee;
  Target t;
  if (auto* n = callee.as<NameRef>()) {
    t = lookup_head(&callee, n->name, nullptr, Lookup::callee, true);
  } else if (callee.is<FieldAccess>()) {
    t = resolve_path(callee, nullptr, Lookup::callee);
  } else {
    check(&callee);
    error(DiagCode::unknown_function, callee.span,
          describe_expr(callee) + " is not a function; only named functions can be called");
    check_args();
    return types_.error();
  }

  switch (t.kind) {
    case Target::Kind::builtin:
      return check_builtin_call(e, call, *t.builtin);
    case Target::Kind::def:
      break;
    case Target::Kind::error:
      check_args();
      return types_.error();
    default: {
      const char* what = t.kind == Target::Kind::type      ? "a type"
                         : t.kind == Target::Kind::package ? "a package"
                         : t.kind == Target::Kind::output  ? "an output"
                                                           : "a value";
      error(DiagCode::unknown_function, callee.span,
            describe_expr(callee) + " is " + what + ", not a function");
      check_args();
      return types_.error();
    }
  }

  auto& def = *t.decl->as<DefDecl>();
  if (ctx_.def != nullptr) calls_[ctx_.def].push_back({t.decl, e.span});
  if (ctx_.constant) {
    error(DiagCode::not_constant, e.span,
          describe_expr(e) + " calls a `def`, but " + std::string(ctx_.constant_what) +
              " must be known at compile time");
  }
  if (call.args.size() != def.params.size()) {
    error(DiagCode::wrong_arity, e.span,
          ticked(def.name.name) + " takes " + arguments(def.params.size()) + ", but " +
              arguments(call.args.size()) + (call.args.size() == 1 ? " was" : " were") + " given");
  }
  for (std::size_t i = 0; i < call.args.size(); ++i) {
    if (i < def.params.size()) {
      check_as(call.args[i].get(), def.params[i].type.resolved, argument_place(i, def.name.name));
    } else {
      check(call.args[i].get());
    }
  }
  return def.result.resolved ? def.result.resolved : types_.error();
}

const Type* Checker::check_builtin_call(Expr& e, Call& call, const stdlib::BuiltinInfo& b) {
  using stdlib::BuiltinType;
  const std::string name(b.name);
  if (ctx_.constant && b.id == stdlib::BuiltinId::now) {
    error(DiagCode::not_constant, e.span,
          "`now()` is the evaluation date, but " + std::string(ctx_.constant_what) +
              " must be known at compile time");
  }
  if (call.args.size() != b.arity) {
    error(DiagCode::wrong_arity, e.span,
          ticked(name) + " takes " + arguments(b.arity) + ", but " + arguments(call.args.size()) +
              (call.args.size() == 1 ? " was" : " were") + " given");
  }
  auto simple = [&](BuiltinType bt) -> const Type* {
    switch (bt) {
      case BuiltinType::bool_:
        return types_.boolean();
      case BuiltinType::int_:
        return types_.integer();
      case BuiltinType::number:
        return types_.number();
      case BuiltinType::string:
      case BuiltinType::regex:
        return types_.string();
      case BuiltinType::date:
        return types_.date();
      default:
        return nullptr;
    }
  };

  const Type* numeric_result = nullptr;
  bool failed = false;
  for (std::size_t i = 0; i < call.args.size(); ++i) {
    Expr* arg = call.args[i].get();
    BuiltinType param = i < b.arity ? b.params[i] : BuiltinType::unused;
    if (param == BuiltinType::unused) {
      check(arg);
      continue;
    }
    if (const Type* expected = simple(param)) {
      const Type* t = check_as(arg, expected, argument_place(i, name));
      failed = failed || is_error(t);
      if (param == BuiltinType::regex && arg != nullptr && !is_error(t)) {
        // A pattern known at compile time is validated now.
        if (auto v = fold(arg); v && v->kind == ConstValue::Kind::string) {
          if (auto problem = regex_syntax_error(v->string)) {
            error(DiagCode::invalid_regex, arg->span,
                  "invalid regular expression " + ticked(v->string) + ": " + *problem);
          }
        }
      }
      continue;
    }
    const Type* t = check(arg);
    if (arg == nullptr || is_error(t)) {
      failed = true;
      continue;
    }
    if (param == BuiltinType::any) continue;
    if (reject_optional(*arg, t)) {
      failed = true;
      continue;
    }
    if (param == BuiltinType::sized && !is_collection(t) && t != types_.string()) {
      error(DiagCode::type_mismatch, arg->span,
            ticked(name) + " needs a list, a set or a string, but " + describe_expr(*arg) + " is " +
                ticked(describe(t)));
      failed = true;
    }
    if (param == BuiltinType::numeric) {
      if (is_numeric(t)) {
        if (numeric_result == nullptr) numeric_result = t;
      } else {
        error(DiagCode::type_mismatch, arg->span,
              ticked(name) + " needs a number, but " + describe_expr(*arg) + " is " +
                  ticked(describe(t)));
        failed = true;
      }
    }
  }
  if (b.result == BuiltinType::numeric) {
    return numeric_result && !failed ? numeric_result : types_.error();
  }
  const Type* result = simple(b.result);
  return result ? result : types_.error();
}

const Type* Checker::element_type_of(Expr& domain, const Type* t, std::string_view what) {
  if (is_error(t) || reject_optional(domain, t)) return types_.error();
  if (is_collection(t)) return t->element;
  error(DiagCode::not_iterable, domain.span,
        std::string(what) + " ranges over a list or a set, but " + describe_expr(domain) + " is " +
            ticked(describe(t)));
  return types_.error();
}

const Type* Checker::check_quantifier(Quantifier& q) {
  const char* word = q.kind == QuantKind::some ? "`some`" : "`every`";
  const Type* dt = check(q.domain.get());
  const Type* element = q.domain ? element_type_of(*q.domain, dt, word) : types_.error();
  std::size_t mark = locals_.size();
  push_local(q.var, element);
  check_condition(q.body.get(), std::string("body of ") + word);
  pop_locals(mark);
  return types_.boolean();
}

const Type* Checker::check_aggregate(Expr& e, Aggregate& a) {
  const std::string word = ticked(to_string(a.kind));
  const Type* dt = check(a.domain.get());
  const Type* element = a.domain ? element_type_of(*a.domain, dt, word) : types_.error();
  std::size_t mark = locals_.size();
  push_local(a.var, element);
  if (a.where) check_condition(a.where.get(), "`where` condition");

  const Type* result = types_.error();
  if (a.kind == AggKind::count) {
    if (a.value) check(a.value.get());
    result = types_.integer();
  } else {
    const Type* vt = check(a.value.get());
    if (a.value && !is_error(vt) && !reject_optional(*a.value, vt)) {
      if (a.kind == AggKind::sum && !is_numeric(vt)) {
        error(DiagCode::type_mismatch, a.value->span,
              "`sum` adds numbers, but " + describe_expr(*a.value) + " is " + ticked(describe(vt)));
      } else if (a.kind != AggKind::sum && !is_ordered(vt)) {
        error(DiagCode::not_comparable, a.value->span,
              word + " needs values with an order, but " + describe_expr(*a.value) + " is " +
                  ticked(describe(vt)));
      } else {
        result = vt;
      }
    }
  }
  pop_locals(mark);

  // `default` is the value over no elements: required for max and min; for
  // count and sum it replaces 0.
  if (a.fallback) {
    const Type* ft = check(a.fallback.get(), result);
    if (!is_error(ft) && !is_error(result)) {
      if (const Type* j = join(types_, result, ft); j && !is_optional(j)) {
        result = j;
      } else {
        error(DiagCode::type_mismatch, a.fallback->span,
              "the default " + describe_expr(*a.fallback) + " is " + ticked(describe(ft)) +
                  ", but the values of " + word + " are " + ticked(describe(result)));
        result = types_.error();
      }
    }
  } else if (a.kind == AggKind::max || a.kind == AggKind::min) {
    error(DiagCode::missing_default, e.span,
          word + " needs a `default`, its value when no element matches, as in " +
              ticked(std::string(to_string(a.kind)) + "(... , default 0)"));
  }
  return result;
}

}  // namespace precept::lang::detail
