#include "lang/types.hpp"

#include "lang/ast.hpp"

namespace precept::lang {

const RecordField* Type::field(std::string_view field_name) const {
  for (const RecordField& f : fields) {
    if (f.name == field_name) return &f;
  }
  return nullptr;
}

const EnumDecl* Type::enum_decl() const {
  if (kind != TypeKind::enum_ || decl == nullptr) return nullptr;
  return decl->as<EnumDecl>();
}

TypeTable::TypeTable()
    : error_(make(TypeKind::error)),
      none_(make(TypeKind::none)),
      nothing_(make(TypeKind::nothing)),
      bool_(make(TypeKind::bool_)),
      int_(make(TypeKind::int_)),
      number_(make(TypeKind::number)),
      string_(make(TypeKind::string)),
      date_(make(TypeKind::date)),
      facts_(make(TypeKind::record)) {
  facts_->name = "facts";
}

Type* TypeTable::make(TypeKind kind) {
  Type& t = types_.emplace_back();
  t.kind = kind;
  return &t;
}

const Type* TypeTable::derived(TypeKind kind, const Type* element) {
  auto [it, inserted] = derived_.try_emplace({kind, element}, nullptr);
  if (inserted) {
    Type* t = make(kind);
    t->element = element;
    it->second = t;
  }
  return it->second;
}

const Type* TypeTable::list(const Type* element) {
  if (is_error(element)) return error_;
  return derived(TypeKind::list, element);
}

const Type* TypeTable::set(const Type* element) {
  if (is_error(element)) return error_;
  return derived(TypeKind::set, element);
}

const Type* TypeTable::optional(const Type* inner) {
  if (is_error(inner)) return error_;
  if (inner->kind == TypeKind::optional || inner->kind == TypeKind::none) return inner;
  return derived(TypeKind::optional, inner);
}

Type* TypeTable::record(const Decl* decl, std::string_view name) {
  auto [it, inserted] = declared_.try_emplace(decl, nullptr);
  if (inserted) {
    it->second = make(TypeKind::record);
    it->second->decl = decl;
    it->second->name = name;
  }
  return it->second;
}

Type* TypeTable::enumeration(const Decl* decl, std::string_view name) {
  auto [it, inserted] = declared_.try_emplace(decl, nullptr);
  if (inserted) {
    it->second = make(TypeKind::enum_);
    it->second->decl = decl;
    it->second->name = name;
  }
  return it->second;
}

const Type* TypeTable::declared(const Decl* decl) const {
  auto it = declared_.find(decl);
  return it == declared_.end() ? nullptr : it->second;
}

std::string describe(const Type* type) {
  if (type == nullptr) return "unknown";
  switch (type->kind) {
    case TypeKind::error:
      return "unknown";
    case TypeKind::none:
      return "none";
    case TypeKind::nothing:
      return "nothing";
    case TypeKind::bool_:
      return "bool";
    case TypeKind::int_:
      return "int";
    case TypeKind::number:
      return "number";
    case TypeKind::string:
      return "string";
    case TypeKind::date:
      return "date";
    case TypeKind::list:
      if (type->element->kind == TypeKind::nothing) return "empty list";
      return "list<" + describe(type->element) + ">";
    case TypeKind::set:
      if (type->element->kind == TypeKind::nothing) return "empty set";
      return "set<" + describe(type->element) + ">";
    case TypeKind::optional:
      return describe(type->element) + "?";
    case TypeKind::record:
    case TypeKind::enum_:
      return type->name;
  }
  return "unknown";
}

bool is_scalar(const Type* t) {
  if (t == nullptr) return false;
  switch (t->kind) {
    case TypeKind::bool_:
    case TypeKind::int_:
    case TypeKind::number:
    case TypeKind::string:
    case TypeKind::date:
    case TypeKind::enum_:
      return true;
    default:
      return false;
  }
}

bool is_ordered(const Type* t) {
  if (t == nullptr) return false;
  switch (t->kind) {
    case TypeKind::int_:
    case TypeKind::number:
    case TypeKind::string:
    case TypeKind::date:
    case TypeKind::enum_:
      return true;
    default:
      return false;
  }
}

bool assignable(const Type* to, const Type* from) {
  if (is_error(to) || is_error(from) || to == from) return true;
  if (from->kind == TypeKind::nothing) return true;
  switch (to->kind) {
    case TypeKind::number:
      return from->kind == TypeKind::int_;
    case TypeKind::optional:
      return from->kind == TypeKind::none || assignable(to->element, strip_optional(from));
    case TypeKind::list:
    case TypeKind::set:
      return from->kind == to->kind && assignable(to->element, from->element);
    default:
      return false;
  }
}

const Type* join(TypeTable& types, const Type* a, const Type* b) {
  if (is_error(a) || is_error(b)) return types.error();
  if (a == b) return a;
  if (a->kind == TypeKind::nothing) return b;
  if (b->kind == TypeKind::nothing) return a;
  if (a->kind == TypeKind::none) return types.optional(b);
  if (b->kind == TypeKind::none) return types.optional(a);
  if (is_optional(a) || is_optional(b)) {
    const Type* inner = join(types, strip_optional(a), strip_optional(b));
    return inner ? types.optional(inner) : nullptr;
  }
  if (is_numeric(a) && is_numeric(b)) return types.number();
  if (a->kind == b->kind && (a->kind == TypeKind::list || a->kind == TypeKind::set)) {
    const Type* element = join(types, a->element, b->element);
    if (element == nullptr) return nullptr;
    return a->kind == TypeKind::list ? types.list(element) : types.set(element);
  }
  return nullptr;
}

}  // namespace precept::lang
