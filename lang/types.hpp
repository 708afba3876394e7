// Semantic types of Precept, as the checker assigns them to expressions.
//
// Types are interned in a TypeTable, so two types are equal exactly when
// their pointers are: `list<string>` is built once, a record type exists once
// per `type` declaration. Besides the types a user can write (bool, int,
// number, string, date, list<T>, set<T>, records, enums, T?) there are three
// internal ones: `none` (the type of the `none` literal), `nothing` (the
// element type of an empty `[]` or `{}` literal, which fits any element
// type) and `error` (an expression already reported; it fits everything, so
// one mistake yields one diagnostic, not a cascade).
//
//   TypeTable types;
//   const Type* tags = types.set(types.string());
//   describe(types.optional(tags));   // "set<string>?"
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "runtime/date.hpp"

namespace precept::lang {

struct Decl;
struct EnumDecl;
struct FieldDecl;
struct Type;

enum class TypeKind : std::uint8_t {
  error,    // already reported; accepted everywhere
  none,     // the `none` literal
  nothing,  // element type of an empty list or set literal
  bool_,
  int_,
  number,
  string,
  date,
  list,
  set,
  optional,
  record,
  enum_,
};

// One field of a record type (or of the merged facts root).
struct RecordField {
  std::string name;
  const Type* type = nullptr;       // the error type until the checker resolves it
  const FieldDecl* decl = nullptr;  // the declaration (the first one, for merged facts)
  const Decl* owner = nullptr;      // the `type` or `facts` declaration holding it
  std::uint32_t index = 0;          // position in the owner's field list
  bool has_default = false;
};

struct Type {
  TypeKind kind = TypeKind::error;
  const Type* element = nullptr;    // list/set element; the inner type of an optional
  const Decl* decl = nullptr;       // the `type` or `enum` declaration; null for facts
  std::string name;                 // record/enum name as declared (`facts` for the root)
  std::vector<RecordField> fields;  // records, in declaration order

  bool is(TypeKind k) const { return kind == k; }
  // The field called `name`, or null.
  const RecordField* field(std::string_view field_name) const;
  // The enum declaration of an enum type, or null.
  const EnumDecl* enum_decl() const;
};

// Owns and interns every type of one program.
class TypeTable {
 public:
  TypeTable();
  TypeTable(const TypeTable&) = delete;
  TypeTable& operator=(const TypeTable&) = delete;

  const Type* error() const { return error_; }
  const Type* none() const { return none_; }
  const Type* nothing() const { return nothing_; }
  const Type* boolean() const { return bool_; }
  const Type* integer() const { return int_; }
  const Type* number() const { return number_; }
  const Type* string() const { return string_; }
  const Type* date() const { return date_; }

  // list<error> is error and (T?)? is T?, so a type never wraps a mistake
  // and optionals never nest.
  const Type* list(const Type* element);
  const Type* set(const Type* element);
  const Type* optional(const Type* inner);

  // The type of a `type` or `enum` declaration; created on first request.
  Type* record(const Decl* decl, std::string_view name);
  Type* enumeration(const Decl* decl, std::string_view name);
  // The type declared by `decl`, or null when none was created.
  const Type* declared(const Decl* decl) const;
  // The root record holding every field of every `facts` block.
  Type* facts_root() { return facts_; }
  const Type* facts_root() const { return facts_; }

 private:
  Type* make(TypeKind kind);
  const Type* derived(TypeKind kind, const Type* element);

  std::deque<Type> types_;  // a deque: addresses stay valid as types are added
  std::map<std::pair<TypeKind, const Type*>, const Type*> derived_;
  std::unordered_map<const Decl*, Type*> declared_;
  const Type* error_;
  const Type* none_;
  const Type* nothing_;
  const Type* bool_;
  const Type* int_;
  const Type* number_;
  const Type* string_;
  const Type* date_;
  Type* facts_;
};

// How a type reads in a message: `list<Dataset>`, `Classification?`, `empty set`.
std::string describe(const Type* type);

inline bool is_error(const Type* t) { return t == nullptr || t->kind == TypeKind::error; }
inline bool is_optional(const Type* t) { return t && t->kind == TypeKind::optional; }
inline bool is_numeric(const Type* t) {
  return t && (t->kind == TypeKind::int_ || t->kind == TypeKind::number);
}
inline bool is_collection(const Type* t) {
  return t && (t->kind == TypeKind::list || t->kind == TypeKind::set);
}
// T for T?, otherwise the type itself.
inline const Type* strip_optional(const Type* t) { return is_optional(t) ? t->element : t; }
// bool, int, number, string, date and enums: what can be a set element,
// printed in a message or compared for equality cheaply.
bool is_scalar(const Type* t);
// Types with an order for < <= > >= max min: int, number, string, date, enums.
bool is_ordered(const Type* t);

// Whether a value of type `from` may be used where `to` is expected: equal
// types; int where number is expected (promotion); none or T where T? is
// expected; an empty collection where any collection of that kind is
// expected; collections whose elements are assignable. The error type is
// assignable both ways.
bool assignable(const Type* to, const Type* from);

// The smallest type both `a` and `b` are assignable to (branches of `if`,
// elements of a literal, the sides of `??`), or null when there is none.
const Type* join(TypeTable& types, const Type* a, const Type* b);

// ISO dates are parsed by the runtime (runtime/date.hpp) so that the checker
// and the fact loader agree on what a date is.
using runtime::parse_iso_date;

}  // namespace precept::lang
