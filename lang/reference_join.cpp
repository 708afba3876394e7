#include "lang/reference_join.hpp"

#include <algorithm>

#include "lang/ast.hpp"

namespace precept::lang::reference {

namespace {

// The top of a join, if the type has one: the last member of an enum, true.
bool is_top(const Type* type, const Value& v) {
  if (v.is_unknown()) return false;
  if (type->kind == TypeKind::bool_) return v.boolean;
  if (type->kind == TypeKind::enum_) {
    const EnumDecl* decl = type->enum_decl();
    return decl && !decl->members.empty() &&
           v.integer == static_cast<std::int64_t>(decl->members.size() - 1);
  }
  return false;
}

bool contains(const Items& items, const Value& x) {
  return std::any_of(items.begin(), items.end(),
                     [&](const Value& e) { return values_equal(e, x); });
}

}  // namespace

Value whole(const Value& v) {
  if (v.is_collection() && has_unknown_element(v)) return Value::unknown(unknown_elements(v));
  return v;
}

Value lowest_value(const Type* type) {
  const Type* t = strip_optional(type);
  switch (t->kind) {
    case TypeKind::enum_:
      return Value::of_member(t, 0);
    case TypeKind::bool_:
      return Value::of(false);
    case TypeKind::set:
      return Value::set_of({});
    default:
      return Value::unknown();
  }
}

Value join_values(const Type* type, const std::vector<Value>& contributions) {
  const Type* t = strip_optional(type);
  PathList missing;
  bool unknown = false;
  for (const Value& c : contributions) {
    if (is_top(t, c)) return c;  // nothing can be higher, whatever is unknown
    if (c.is_unknown()) {
      unknown = true;
      missing.add_all(c.missing);
    }
  }
  if (unknown) return Value::unknown(std::move(missing));
  if (contributions.empty()) return Value::unknown();
  if (t->kind == TypeKind::set) {
    Items all;
    for (const Value& c : contributions) {
      for (const Value& e : c.elements()) all.push_back(e);
    }
    return Value::set_of(std::move(all));
  }
  if (t->kind == TypeKind::bool_) return Value::of(false);  // no contribution is true
  Value best = contributions.front();
  for (const Value& c : contributions) {
    if (compare_values(c, best) > 0) best = c;
  }
  return best;
}

bool could_raise(const Type* type, const Value& current, const Value& raised) {
  const Type* t = strip_optional(type);
  if (is_top(t, current)) return false;
  if (raised.is_unknown()) return true;
  switch (t->kind) {
    case TypeKind::bool_:
      return raised.boolean;
    case TypeKind::set:
      return std::any_of(raised.elements().begin(), raised.elements().end(),
                         [&](const Value& e) { return !contains(current.elements(), e); });
    default:
      return compare_values(raised, current) > 0;
  }
}

}  // namespace precept::lang::reference
