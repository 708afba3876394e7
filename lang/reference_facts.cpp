#include "lang/reference_facts.hpp"

#include <fmt/format.h>

#include <cmath>

#include "lang/fold.hpp"

namespace precept::lang::reference {

// ---------------------------------------------------------- read fields ---

ReadFields::ReadFields(const Program& program) : program_(program) {
  for (const auto& module : program.modules()) {
    for (const auto& decl : module->decls) {
      if (!decl) continue;
      if (auto* def = decl->as<DefDecl>()) walk(def->body.get());
      if (auto* out = decl->as<OutputDecl>()) walk(out->value.get());
      if (auto* rule = decl->as<RuleDecl>()) {
        for (const RuleBinding& b : rule->bindings) walk(b.value.get());
        walk(rule->when.get());
        walk(rule->unless.get());
        for (const Effect& effect : rule->effects) {
          walk(effect.message.get());
          walk(effect.raise_value.get());
          for (const WithField& w : effect.with) walk(w.value.get());
        }
      }
    }
  }
}

void ReadFields::walk(const Expr* e) {
  if (e == nullptr) return;
  // An expression whose value is known at compile time (`true or x`, `if
  // true then 1 else x`) is that value: what it names is never read.
  if (fold_constant(e, program_.types())) return;
  if (e->ref.kind == RefKind::fact) {
    std::string name;
    if (auto* n = e->as<NameRef>()) name = n->name.name;
    if (auto* fa = e->as<FieldAccess>()) name = fa->field.name;
    read_.insert({program_.facts(), name});
  }
  if (auto* fa = e->as<FieldAccess>()) {
    if (e->ref.kind == RefKind::field && fa->object) {
      read_.insert({strip_optional(fa->object->type), fa->field.name});
    }
    if (e->ref.kind == RefKind::field) walk(fa->object.get());
  } else if (auto* is = e->as<InterpString>()) {
    for (const InterpPart& p : is->parts) walk(p.expr.get());
  } else if (auto* l = e->as<ListLit>()) {
    for (const ExprPtr& x : l->elements) walk(x.get());
  } else if (auto* s = e->as<SetLit>()) {
    for (const ExprPtr& x : s->elements) walk(x.get());
  } else if (auto* ia = e->as<IndexAccess>()) {
    walk(ia->object.get());
    walk(ia->index.get());
  } else if (auto* c = e->as<Call>()) {
    for (const ExprPtr& x : c->args) walk(x.get());
  } else if (auto* u = e->as<Unary>()) {
    walk(u->operand.get());
  } else if (auto* b = e->as<Binary>()) {
    walk(b->lhs.get());
    walk(b->rhs.get());
  } else if (auto* ie = e->as<IfElse>()) {
    walk(ie->cond.get());
    walk(ie->then_value.get());
    walk(ie->else_value.get());
  } else if (auto* q = e->as<Quantifier>()) {
    walk(q->domain.get());
    walk(q->body.get());
  } else if (auto* a = e->as<Aggregate>()) {
    walk(a->value.get());
    walk(a->domain.get());
    walk(a->where.get());
    walk(a->fallback.get());
  }
}

// --------------------------------------------------------------- loader ---

namespace {

const char* json_kind(const nlohmann::json& j) {
  if (j.is_null()) return "null";
  if (j.is_boolean()) return "a boolean";
  if (j.is_number()) return "a number";
  if (j.is_string()) return "a string";
  if (j.is_array()) return "an array";
  return "an object";
}

std::string index_path(const std::string& path, std::size_t i) {
  return fmt::format("{}[{}]", path, i);
}

std::string field_path(const std::string& path, const std::string& field) {
  return path.empty() ? field : path + "." + field;
}

class Loader {
 public:
  Loader(const ReadFields& read, Evaluator& defaults, std::vector<ErrorEntry>& errors)
      : read_(read), defaults_(defaults), errors_(errors) {}

  Value record(const Type* type, const nlohmann::json& object, const std::string& path) {
    auto rec = std::make_shared<Record>();
    rec->type = type;
    for (const RecordField& f : type->fields) {
      if (!read_.reads(type, f.name)) {
        rec->fields.push_back(Value::unknown());  // never read, so never converted
        continue;
      }
      auto it = object.find(f.name);
      const nlohmann::json* j = it == object.end() ? nullptr : &*it;
      rec->fields.push_back(field(f, j, field_path(path, f.name)));
    }
    Value v;
    v.kind = Value::Kind::record;
    v.record = std::move(rec);
    v.path = path;
    return v;
  }

 private:
  // JSON null is the same as an absent field.
  Value field(const RecordField& f, const nlohmann::json* j, const std::string& path) {
    if (j != nullptr && !j->is_null()) return convert(f.type, *j, path);
    if (f.has_default && f.decl && f.decl->default_value) {
      // A default is a constant, not a value of the document.
      Value v = coerce(defaults_.eval(*f.decl->default_value), f.type);
      v.path.clear();
      return v;
    }
    if (is_optional(f.type)) {
      Value v = Value::none();
      v.path = path;
      return v;
    }
    return Value::missing_fact(path);  // required and absent: missing
  }

  Value fail(const std::string& path, std::string message) {
    errors_.push_back(ErrorEntry{"input", path, {}, std::move(message)});
    return Value::missing_fact(path);  // a wrong value is treated as missing
  }

  Value expected(const std::string& path, const char* what, const nlohmann::json& j) {
    return fail(path, fmt::format("expected {}, found {}", what, json_kind(j)));
  }

  Value convert(const Type* type, const nlohmann::json& j, const std::string& path) {
    Value v = convert_value(type, j, path);
    if (!v.is_unknown() && v.kind != Value::Kind::set) v.path = path;
    return v;
  }

  Value convert_value(const Type* type, const nlohmann::json& j, const std::string& path) {
    switch (type->kind) {
      case TypeKind::optional:
        if (j.is_null()) {
          Value v = Value::none();
          v.path = path;
          return v;
        }
        return convert(type->element, j, path);
      case TypeKind::bool_:
        if (!j.is_boolean()) return expected(path, "a boolean", j);
        return Value::of(j.get<bool>());
      case TypeKind::int_:
        return integer(j, path);
      case TypeKind::number:
        if (!j.is_number()) return expected(path, "a number", j);
        return Value::of_number(j.get<double>());
      case TypeKind::string:
        if (!j.is_string()) return expected(path, "a string", j);
        return Value::of_string(j.get<std::string>());
      case TypeKind::date: {
        if (!j.is_string()) return expected(path, "a date string", j);
        if (auto days = parse_iso_date(j.get<std::string>())) return Value::of_date(*days);
        return fail(path, fmt::format("`{}` is not a valid date", j.get<std::string>()));
      }
      case TypeKind::enum_:
        return member(type, j, path);
      case TypeKind::list:
      case TypeKind::set:
        return collection(type, j, path);
      case TypeKind::record:
        if (!j.is_object()) return expected(path, "an object", j);
        return record(type, j, path);
      default:
        return fail(path, "a value of an unsupported type");
    }
  }

  Value integer(const nlohmann::json& j, const std::string& path) {
    // `3.0` fills an int field; `3.5` and numbers past 64 bits are input errors.
    if (j.is_number_integer() && !j.is_number_unsigned())
      return Value::of_int(j.get<std::int64_t>());
    if (j.is_number_unsigned()) {
      auto u = j.get<std::uint64_t>();
      if (u <= static_cast<std::uint64_t>(INT64_MAX))
        return Value::of_int(static_cast<std::int64_t>(u));
      return fail(path, fmt::format("`{}` is outside the 64-bit integer range", u));
    }
    if (!j.is_number_float()) return expected(path, "an integer", j);
    double d = j.get<double>();
    if (std::floor(d) != d) return fail(path, fmt::format("`{}` is not an integer", d));
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) {
      return fail(path, fmt::format("`{}` is outside the 64-bit integer range", d));
    }
    return Value::of_int(static_cast<std::int64_t>(d));
  }

  Value member(const Type* type, const nlohmann::json& j, const std::string& path) {
    // By name or by explicit JSON code (a string or an integer).
    const EnumDecl* decl = type->enum_decl();
    if (decl == nullptr) return fail(path, "an enum without a declaration");
    for (std::uint32_t i = 0; i < decl->members.size(); ++i) {
      const EnumMember& m = decl->members[i];
      if (j.is_string()) {
        const auto& s = j.get_ref<const std::string&>();
        auto* code = std::get_if<std::string>(&m.code);
        if (s == m.name.name || (code && *code == s)) return Value::of_member(type, i);
      } else if (j.is_number_integer()) {
        auto* code = std::get_if<std::int64_t>(&m.code);
        if (code && !j.is_number_unsigned() && *code == j.get<std::int64_t>())
          return Value::of_member(type, i);
        if (code && j.is_number_unsigned() && *code >= 0 &&
            static_cast<std::uint64_t>(*code) == j.get<std::uint64_t>()) {
          return Value::of_member(type, i);
        }
      }
    }
    if (!j.is_string() && !j.is_number_integer()) return expected(path, "a string", j);
    return fail(path, fmt::format("`{}` is not a member of `{}`", j.dump(), type->name));
  }

  Value collection(const Type* type, const nlohmann::json& j, const std::string& path) {
    if (!j.is_array()) return expected(path, "an array", j);
    Items items;
    for (std::size_t i = 0; i < j.size(); ++i) {
      // An element of the wrong type (null included) is an input error at its index.
      const nlohmann::json& element = j[i];
      std::string at = index_path(path, i);
      Value v = element.is_null() && !is_optional(type->element)
                    ? expected(at, "a value", element)
                    : convert(type->element, element, at);
      if (v.is_unknown()) v.path = at;
      items.push_back(std::move(v));
    }
    if (type->kind == TypeKind::list) return Value::list_of(std::move(items));
    // Sets drop repeated elements. Then the positions no longer name the
    // document's elements, so elements bind by value.
    bool dropped = false;
    Value set = Value::set_of(std::move(items), &dropped);
    if (dropped) {
      Items unpathed = set.elements();
      for (Value& e : unpathed) e.path.clear();
      set.items = std::make_shared<const Items>(std::move(unpathed));
    }
    set.path = path;
    return set;
  }

  const ReadFields& read_;
  Evaluator& defaults_;
  std::vector<ErrorEntry>& errors_;
};

}  // namespace

Value load_facts(const Program& program, const nlohmann::json& document, const ReadFields& read,
                 Evaluator& defaults, std::vector<ErrorEntry>& errors) {
  static const nlohmann::json empty = nlohmann::json::object();
  Loader loader(read, defaults, errors);
  Value root = loader.record(program.facts(), document.is_object() ? document : empty, "");
  root.path.clear();
  return root;
}

}  // namespace precept::lang::reference
