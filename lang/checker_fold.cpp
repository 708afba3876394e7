// Constant folding of checked expressions (lang/fold.hpp).
#include <algorithm>
#include <cmath>

#include "lang/fold.hpp"

namespace precept::lang {

namespace {

using K = ConstValue::Kind;

ConstValue boolean(bool b) {
  ConstValue v;
  v.kind = K::boolean;
  v.boolean = b;
  return v;
}
ConstValue integer(std::int64_t i) {
  ConstValue v;
  v.kind = K::integer;
  v.integer = i;
  return v;
}
ConstValue number(double d) {
  ConstValue v;
  v.kind = K::number;
  v.number = d;
  return v;
}

bool is_num(const ConstValue& v) { return v.kind == K::integer || v.kind == K::number; }
double as_double(const ConstValue& v) {
  return v.kind == K::integer ? static_cast<double>(v.integer) : v.number;
}

// -1, 0, 1, or nothing when the values have no common order.
std::optional<int> order(const ConstValue& a, const ConstValue& b) {
  auto cmp = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (a.kind == K::integer && b.kind == K::integer) return cmp(a.integer, b.integer);
  if (is_num(a) && is_num(b)) return cmp(as_double(a), as_double(b));
  if (a.kind != b.kind) return std::nullopt;
  if (a.kind == K::string) return cmp(a.string, b.string);
  if (a.kind == K::date) return cmp(a.integer, b.integer);
  if (a.kind == K::member && a.enum_decl == b.enum_decl) return cmp(a.integer, b.integer);
  return std::nullopt;
}

// Folding is bounded, so a hostile file cannot make the compiler run away
// (`const S1 = S0 + S0`, forty times over, is 2^40 steps and a terabyte):
// past these, the expression is not folded and is left to evaluation, which
// has its own limits (fuel, 1 MiB strings), or is an error where a constant
// is required (a default).
constexpr int max_fold_depth = 1024;
constexpr std::size_t max_fold_steps = 1'000'000;
constexpr std::size_t max_fold_string_bytes = std::size_t{1} << 20;

std::optional<ConstValue> arithmetic(BinaryOp op, const ConstValue& a, const ConstValue& b) {
  if (op == BinaryOp::add && a.kind == K::string && b.kind == K::string) {
    if (a.string.size() + b.string.size() > max_fold_string_bytes) return std::nullopt;
    ConstValue v;
    v.kind = K::string;
    v.string = a.string + b.string;
    return v;
  }
  if (!is_num(a) || !is_num(b)) return std::nullopt;
  if (a.kind == K::integer && b.kind == K::integer && op != BinaryOp::div) {
    std::int64_t r = 0;
    bool overflow = false;
    switch (op) {
      case BinaryOp::add:
        overflow = __builtin_add_overflow(a.integer, b.integer, &r);
        break;
      case BinaryOp::sub:
        overflow = __builtin_sub_overflow(a.integer, b.integer, &r);
        break;
      case BinaryOp::mul:
        overflow = __builtin_mul_overflow(a.integer, b.integer, &r);
        break;
      case BinaryOp::mod:
        if (b.integer == 0 || (b.integer == -1 && a.integer == INT64_MIN)) return std::nullopt;
        r = a.integer % b.integer;
        break;
      default:
        return std::nullopt;
    }
    if (overflow) return std::nullopt;
    return integer(r);
  }
  double x = as_double(a);
  double y = as_double(b);
  double r = 0;
  switch (op) {
    case BinaryOp::add:
      r = x + y;
      break;
    case BinaryOp::sub:
      r = x - y;
      break;
    case BinaryOp::mul:
      r = x * y;
      break;
    case BinaryOp::div:
      if (y == 0) return std::nullopt;
      r = x / y;
      break;
    default:
      return std::nullopt;
  }
  // Past the range of a double is an evaluation error, at run time, like
  // a division by zero: not a folded infinity.
  if (!std::isfinite(r)) return std::nullopt;
  return number(r);
}

}  // namespace

bool same_value(const ConstValue& a, const ConstValue& b) {
  auto numeric = [](const ConstValue& v) { return v.kind == K::integer || v.kind == K::number; };
  if (numeric(a) && numeric(b)) {
    if (a.kind == K::integer && b.kind == K::integer) return a.integer == b.integer;
    double x = a.kind == K::integer ? static_cast<double>(a.integer) : a.number;
    double y = b.kind == K::integer ? static_cast<double>(b.integer) : b.number;
    return x == y;
  }
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case K::none:
      return true;
    case K::boolean:
      return a.boolean == b.boolean;
    case K::string:
      return a.string == b.string;
    case K::date:
      return a.integer == b.integer;
    case K::member:
      return a.enum_decl == b.enum_decl && a.integer == b.integer;
    case K::list:
      return a.items.size() == b.items.size() &&
             std::equal(a.items.begin(), a.items.end(), b.items.begin(), same_value);
    case K::set: {
      // as sets: every element of each is in the other
      auto within = [](const ConstValue& x, const ConstValue& y) {
        return std::all_of(x.items.begin(), x.items.end(), [&](const ConstValue& i) {
          return std::any_of(y.items.begin(), y.items.end(),
                             [&](const ConstValue& j) { return same_value(i, j); });
        });
      };
      return within(a, b) && within(b, a);
    }
    default:
      return false;
  }
}

namespace {

class Folder {
 public:
  Folder(const TypeTable& table, const ConstCache* cache) : types(table), consts(cache) {}
  std::optional<ConstValue> fold(const Expr* e, int depth);

 private:
  const TypeTable& types;
  const ConstCache* consts;
  std::size_t steps = 0;
};

std::optional<ConstValue> Folder::fold(const Expr* e, int depth) {
  // Consts refer to consts; cycles are reported by the checker and cut here.
  if (e == nullptr || depth > max_fold_depth || ++steps > max_fold_steps || is_error(e->type))
    return std::nullopt;
  if (e->is<NoneLit>()) return ConstValue{};
  if (auto* b = e->as<BoolLit>()) return boolean(b->value);
  if (auto* i = e->as<IntLit>()) {
    if (e->type == types.number()) return number(static_cast<double>(i->value));
    return integer(i->value);
  }
  if (auto* n = e->as<NumberLit>()) return number(n->value);
  if (auto* s = e->as<StringLit>()) {
    ConstValue v;
    if (e->type == types.date()) {
      auto days = parse_iso_date(s->value);
      if (!days) return std::nullopt;
      v.kind = K::date;
      v.integer = *days;
    } else {
      v.kind = K::string;
      v.string = s->value;
    }
    return v;
  }
  if (e->is<NameRef>() || e->is<FieldAccess>()) {
    if (e->ref.kind == RefKind::enum_member) {
      ConstValue v;
      v.kind = K::member;
      v.enum_decl = e->ref.decl;
      v.integer = e->ref.index;
      return v;
    }
    if (e->ref.kind == RefKind::constant && e->ref.decl != nullptr) {
      std::optional<ConstValue> v;
      auto cached = consts != nullptr ? consts->find(e->ref.decl) : ConstCache::const_iterator{};
      if (consts != nullptr && cached != consts->end()) {
        v = cached->second;
      } else if (auto* c = e->ref.decl->as<ConstDecl>()) {
        v = fold(c->value.get(), depth + 1);
      }
      // A const of type number holds a number even when its value is
      // written as an int (`C: number = 1 - 1`), so `-C` is -0.0.
      const Type* t = strip_optional(e->type);
      if (v && v->kind == K::integer && t != nullptr && t->kind == TypeKind::number) {
        v = number(static_cast<double>(v->integer));
      }
      return v;
    }
    return std::nullopt;
  }
  auto fold_items = [&](const std::vector<ExprPtr>& elements, K kind) -> std::optional<ConstValue> {
    ConstValue v;
    v.kind = kind;
    for (const ExprPtr& el : elements) {
      auto item = fold(el.get(), depth + 1);
      if (!item) return std::nullopt;
      v.items.push_back(std::move(*item));
    }
    return v;
  };
  if (auto* l = e->as<ListLit>()) return fold_items(l->elements, K::list);
  if (auto* s = e->as<SetLit>()) return fold_items(s->elements, K::set);
  if (auto* u = e->as<Unary>()) {
    auto v = fold(u->operand.get(), depth + 1);
    if (!v) return std::nullopt;
    if (u->op == UnaryOp::not_) {
      if (v->kind != K::boolean) return std::nullopt;
      return boolean(!v->boolean);
    }
    if (v->kind == K::integer && v->integer != INT64_MIN) return integer(-v->integer);
    if (v->kind == K::number) return number(-v->number);
    return std::nullopt;
  }
  if (auto* ie = e->as<IfElse>()) {
    auto c = fold(ie->cond.get(), depth + 1);
    if (!c || c->kind != K::boolean) return std::nullopt;
    return fold(c->boolean ? ie->then_value.get() : ie->else_value.get(), depth + 1);
  }
  auto* b = e->as<Binary>();
  if (b == nullptr) return std::nullopt;
  auto lhs = fold(b->lhs.get(), depth + 1);
  // Kleene: `false and x` is false and `true or x` is true, whatever x is,
  // and x is never evaluated. `x and false` is false too, but x is still
  // evaluated first (its reads are reasons, its errors are reported), so it
  // folds only when x does.
  if (b->op == BinaryOp::and_ || b->op == BinaryOp::or_) {
    bool absorbing = b->op == BinaryOp::or_;
    auto is_bool = [](const std::optional<ConstValue>& v) { return v && v->kind == K::boolean; };
    if (is_bool(lhs) && lhs->boolean == absorbing) return boolean(absorbing);
    if (!is_bool(lhs)) return std::nullopt;
    auto rhs = fold(b->rhs.get(), depth + 1);
    if (!is_bool(rhs)) return std::nullopt;
    return boolean(rhs->boolean);
  }
  if (b->op == BinaryOp::coalesce) {
    if (!lhs) return std::nullopt;
    return lhs->kind == K::none ? fold(b->rhs.get(), depth + 1) : lhs;
  }
  auto rhs = fold(b->rhs.get(), depth + 1);
  if (!lhs || !rhs) return std::nullopt;
  switch (b->op) {
    case BinaryOp::eq:
      return boolean(same_value(*lhs, *rhs));
    case BinaryOp::ne:
      return boolean(!same_value(*lhs, *rhs));
    case BinaryOp::lt:
    case BinaryOp::le:
    case BinaryOp::gt:
    case BinaryOp::ge: {
      auto o = order(*lhs, *rhs);
      if (!o) return std::nullopt;
      switch (b->op) {
        case BinaryOp::lt:
          return boolean(*o < 0);
        case BinaryOp::le:
          return boolean(*o <= 0);
        case BinaryOp::gt:
          return boolean(*o > 0);
        default:
          return boolean(*o >= 0);
      }
    }
    case BinaryOp::in:
    case BinaryOp::not_in: {
      if (rhs->kind != K::list && rhs->kind != K::set) return std::nullopt;
      bool found = std::any_of(rhs->items.begin(), rhs->items.end(),
                               [&](const ConstValue& item) { return same_value(*lhs, item); });
      return boolean(b->op == BinaryOp::in ? found : !found);
    }
    case BinaryOp::add:
    case BinaryOp::sub:
    case BinaryOp::mul:
    case BinaryOp::div:
    case BinaryOp::mod:
      return arithmetic(b->op, *lhs, *rhs);
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<ConstValue> fold_constant(const Expr* e, const TypeTable& types,
                                        const ConstCache* consts) {
  return Folder(types, consts).fold(e, 0);
}

}  // namespace precept::lang
