// Paths: bare names, dotted names (`ai.personal`, `Classification.public`,
// `std.eu.eea`), field access on values (`d.classification`) and indexing.
#include "lang/checker_internal.hpp"

namespace precept::lang::detail {

Target Checker::resolve_path(Expr& e, const Type* hint, Lookup mode) {
  Target target;
  if (auto* n = e.as<NameRef>()) {
    target = lookup_head(&e, n->name, hint, mode, true);
  } else if (auto* fa = e.as<FieldAccess>()) {
    if (!fa->object) {
      target = Target{};
    } else {
      Expr& object = *fa->object;
      Target prefix;
      if (auto* head = object.as<NameRef>()) {
        prefix = lookup_head(&object, head->name, nullptr, Lookup::value, true, fa->field.name);
        if (prefix.kind == Target::Kind::value) object.type = prefix.type;
        if (prefix.kind == Target::Kind::error) object.type = types_.error();
      } else if (object.is<FieldAccess>()) {
        prefix = resolve_path(object, nullptr, Lookup::value);
      } else {
        prefix.kind = Target::Kind::value;
        prefix.type = check(&object);
      }
      if (prefix.kind == Target::Kind::value) {
        target.kind = Target::Kind::value;
        target.type = check_field_of_value(e, *fa, prefix.type);
      } else {
        target = lookup_member(&e, prefix, fa->field, mode, true);
      }
    }
  } else {
    target.kind = Target::Kind::value;
    target.type = check(&e, hint);
    return target;
  }
  if (target.kind == Target::Kind::value) {
    e.type = target.type ? target.type : types_.error();
  } else if (target.kind == Target::Kind::error) {
    e.type = types_.error();
  }
  return target;
}

const Type* Checker::check_path_value(Expr& e, const Type* hint) {
  Target t = resolve_path(e, hint, Lookup::value);
  std::string text = describe_expr(e);
  switch (t.kind) {
    case Target::Kind::value:
      return t.type ? t.type : types_.error();
    case Target::Kind::error:
      return types_.error();
    case Target::Kind::package:
      error(DiagCode::not_a_value, e.span, text + " is a package, not a value");
      break;
    case Target::Kind::type: {
      std::string message = text + " is a type, not a value";
      if (t.type && t.type->kind == TypeKind::enum_ && t.type->enum_decl() &&
          !t.type->enum_decl()->members.empty()) {
        message += "; name a member, as in " +
                   ticked(t.type->name + "." + t.type->enum_decl()->members[0].name.name);
      }
      error(DiagCode::not_a_value, e.span, std::move(message));
      break;
    }
    case Target::Kind::def:
    case Target::Kind::builtin:
      error(DiagCode::not_a_value, e.span,
            text + " is a function; call it, as in " + ticked(snippet(e.span) + "(...)"));
      break;
    case Target::Kind::output:
      error(DiagCode::not_a_value, e.span,
            text +
                " is an output; rules, defs and outputs cannot read outputs (compute the "
                "value with a `def` instead)");
      break;
  }
  return types_.error();
}

const Type* Checker::check_field_of_value(Expr& e, FieldAccess& fa, const Type* object_type) {
  if (is_error(object_type) || fa.field.name.empty()) return types_.error();
  const Expr& object = *fa.object;
  // An absent optional record reads as an empty one: its required fields
  // are missing (unknown, with their paths reported), its defaulted fields
  // take their defaults. So `model.general_purpose` needs no `??`.
  const Type* t = strip_optional(object_type);
  if (t->kind == TypeKind::record) {
    const RecordField* f = t->field(fa.field.name);
    if (f == nullptr) {
      // A field of a duplicate declaration of the type (already reported):
      // uses read the first declaration, so do not report them again.
      for (const Decl* d : shadowed_decls_) {
        auto* dup = d->as<TypeDecl>();
        if (dup == nullptr || t->decl == nullptr || dup->name.name != t->name ||
            program_.package_of(d) != program_.package_of(t->decl)) {
          continue;
        }
        for (const FieldDecl& field : dup->fields) {
          if (field.name.name == fa.field.name) return types_.error();
        }
      }
      std::vector<std::string> names;
      for (const RecordField& r : t->fields) names.push_back(r.name);
      error(
          DiagCode::unknown_field, fa.field.span,
          with_suggestion("unknown field " + ticked(fa.field.name) + " on type " + ticked(t->name),
                          fa.field.name, as_views(names)));
      return types_.error();
    }
    e.ref = Resolution{RefKind::field, f->owner, f->index, nullptr};
    return f->type ? f->type : types_.error();
  }
  std::string message = describe_expr(object) + " is " + ticked(describe(object_type)) +
                        ", which has no field " + ticked(fa.field.name);
  if (is_collection(t)) {
    message += "; to read the elements use a quantifier, as in `some x in " + snippet(object.span) +
               ": x." + fa.field.name + " ...`";
  }
  error(DiagCode::type_mismatch, fa.field.span, std::move(message));
  return types_.error();
}

const Type* Checker::check_index(IndexAccess& ia) {
  const Type* ot = check(ia.object.get());
  const Type* it = check(ia.index.get(), types_.integer());
  if (!ia.object || is_error(ot) || reject_optional(*ia.object, ot)) return types_.error();
  if (ot->kind != TypeKind::list) {
    std::string message =
        describe_expr(*ia.object) + " is " + ticked(describe(ot)) + ", which cannot be indexed";
    if (ot->kind == TypeKind::set) message += "; sets have no order";
    error(DiagCode::type_mismatch, ia.object->span, std::move(message));
    return types_.error();
  }
  if (ia.index && !is_error(it)) require_type(*ia.index, types_.integer(), it, "a list index");
  return ot->element->kind == TypeKind::nothing ? types_.error() : ot->element;
}

}  // namespace precept::lang::detail
