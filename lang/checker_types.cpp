// Types: type references, enum and record declarations, the merged facts
// root, field defaults and record types that contain themselves.
#include <algorithm>
#include <functional>

#include "lang/checker_internal.hpp"
#include "lang/reserved_words.hpp"

namespace precept::lang::detail {

void Checker::declare_types() {
  for (auto& file : files_) {
    for (auto& decl : file->module->decls) {
      if (!decl) continue;
      if (auto* e = decl->as<EnumDecl>()) types_.enumeration(decl.get(), e->name.name);
      if (auto* t = decl->as<TypeDecl>()) types_.record(decl.get(), t->name.name);
    }
  }
}

const Type* Checker::resolve_type(TypeRef& ref) {
  if (ref.resolved != nullptr) return ref.resolved;
  const Type* t = types_.error();
  const auto& parts = ref.name.parts;
  if (parts.empty() || parts[0].name.empty()) {
    ref.resolved = t;  // the parser reported it
    return t;
  }

  const std::string& head = parts[0].name;
  const Type* scalar = nullptr;
  if (parts.size() == 1) {
    if (head == "bool") scalar = types_.boolean();
    if (head == "int") scalar = types_.integer();
    if (head == "number") scalar = types_.number();
    if (head == "string") scalar = types_.string();
    if (head == "date") scalar = types_.date();
  }
  if (scalar != nullptr) {
    if (!ref.args.empty()) {
      error(DiagCode::unknown_type, ref.span, ticked(head) + " takes no element type");
    }
    t = scalar;
  } else if (parts.size() == 1 && (head == "list" || head == "set")) {
    if (ref.args.size() != 1) {
      error(DiagCode::unknown_type, ref.span,
            ticked(head) + " needs one element type, as in " + ticked(head + "<string>"));
      for (TypeRef& arg : ref.args) resolve_type(arg);
    } else {
      const Type* element = resolve_type(ref.args[0]);
      if (head == "list") {
        t = types_.list(element);
      } else if (!is_error(element) && !is_scalar(element)) {
        error(DiagCode::type_mismatch, ref.args[0].span,
              "set elements must be `bool`, `int`, `number`, `string`, `date` or an enum, not " +
                  ticked(describe(element)) + "; use a `list`");
      } else {
        t = types_.set(element);
      }
    }
  } else {
    Target target = resolve_dotted(ref.name, Lookup::type, true);
    switch (target.kind) {
      case Target::Kind::error:
        break;
      case Target::Kind::type:
        t = target.type;
        if (!ref.args.empty()) {
          error(DiagCode::unknown_type, ref.span, ticked(t->name) + " takes no element type");
        }
        break;
      case Target::Kind::package:
        error(DiagCode::unknown_type, ref.name.span,
              ticked(target.node->path) + " is a package, not a type");
        break;
      default: {
        const char* what = target.kind == Target::Kind::def      ? "a def"
                           : target.kind == Target::Kind::output ? "an output"
                                                                 : "a value";
        error(DiagCode::unknown_type, ref.name.span,
              ticked(parts.back().name) + " is " + what + ", not a type");
      }
    }
  }
  if (ref.optional) t = types_.optional(t);
  ref.resolved = t;
  return t;
}

void Checker::check_type_decls() {
  for (auto& file : files_) {
    for (auto& decl_ptr : file->module->decls) {
      if (!decl_ptr) continue;
      Decl& decl = *decl_ptr;
      ctx_ = Context{};
      ctx_.file = file.get();

      if (auto* en = decl.as<EnumDecl>()) {
        // Members and their JSON spellings must each mean one member.
        std::map<std::string, const EnumMember*, std::less<>> names;
        std::map<std::string, const EnumMember*, std::less<>> spellings;
        std::map<std::int64_t, const EnumMember*> codes;
        for (const EnumMember& m : en->members) {
          if (m.name.name.empty()) continue;
          if (auto [it, ok] = names.try_emplace(m.name.name, &m); !ok) {
            auto& d = error(
                DiagCode::duplicate_declaration, m.name.span,
                "enum " + ticked(en->name.name) + " already has a member " + ticked(m.name.name));
            note(d, it->second->name.span, "first declared here");
          }
        }
        for (const EnumMember& m : en->members) {
          const EnumMember* clash = nullptr;
          std::string spelled;
          if (auto* code = std::get_if<std::int64_t>(&m.code)) {
            auto [it, ok] = codes.try_emplace(*code, &m);
            if (!ok) clash = it->second;
            spelled = std::to_string(*code);
          } else if (auto* text = std::get_if<std::string>(&m.code)) {
            auto other = names.find(*text);
            if (other != names.end() && other->second != &m) clash = other->second;
            auto [it, ok] = spellings.try_emplace(*text, &m);
            if (!ok) clash = it->second;
            spelled = "\"" + *text + "\"";
          }
          if (clash != nullptr) {
            auto& d = error(DiagCode::duplicate_declaration, m.span,
                            "the JSON spelling " + ticked(spelled) + " of " + ticked(m.name.name) +
                                " already means " + ticked(clash->name.name));
            note(d, clash->span, "declared here");
          }
        }
      }

      if (auto* record = decl.as<TypeDecl>()) {
        Type* rt = types_.record(&decl, record->name.name);
        rt->fields.clear();
        for (std::size_t i = 0; i < record->fields.size(); ++i) {
          FieldDecl& f = record->fields[i];
          const Type* ft = resolve_type(f.type);
          if (f.name.name.empty()) continue;
          if (const RecordField* first = rt->field(f.name.name)) {
            auto& d = error(DiagCode::duplicate_field, f.name.span,
                            "type " + ticked(record->name.name) + " already has a field " +
                                ticked(f.name.name));
            note(d, first->decl->name.span, "first declared here");
            continue;
          }
          rt->fields.push_back(RecordField{f.name.name, ft, &f, &decl,
                                           static_cast<std::uint32_t>(i),
                                           f.default_value != nullptr});
        }
      }

      if (auto* facts = decl.as<FactsDecl>()) {
        Type* root = types_.facts_root();
        std::map<std::string, const FieldDecl*, std::less<>> in_block;
        for (std::size_t i = 0; i < facts->fields.size(); ++i) {
          FieldDecl& f = facts->fields[i];
          const Type* ft = resolve_type(f.type);
          if (f.name.name.empty()) continue;
          // Facts are read by bare name, which a keyword can never be; a field
          // of a record type is fine (read after `.`).
          if (is_reserved_word(f.name.name)) {
            error(DiagCode::syntax_error, f.name.span,
                  ticked(f.name.name) +
                      " is a reserved word, so a fact of that name could never be read; rename it");
          }
          if (auto [it, ok] = in_block.try_emplace(f.name.name, &f); !ok) {
            auto& d = error(DiagCode::duplicate_field, f.name.span,
                            "fact " + ticked(f.name.name) + " is already declared in this block");
            note(d, it->second->name.span, "first declared here");
            continue;
          }
          auto existing = std::find_if(root->fields.begin(), root->fields.end(),
                                       [&](const RecordField& r) { return r.name == f.name.name; });
          if (existing == root->fields.end()) {
            root->fields.push_back(RecordField{f.name.name, ft, &f, &decl,
                                               static_cast<std::uint32_t>(i),
                                               f.default_value != nullptr});
            continue;
          }
          if (existing->type != ft && !is_error(existing->type) && !is_error(ft)) {
            PackageInfo* other = package_of(existing->owner);
            auto& d =
                error(DiagCode::conflicting_fact, f.type.span,
                      "fact " + ticked(f.name.name) + " is declared here as " +
                          ticked(describe(ft)) + " but as " + ticked(describe(existing->type)) +
                          " in package " + ticked(other ? other->name : std::string()));
            note(d, existing->decl->type.span, "declared here");
            continue;
          }
          fact_redeclarations_.push_back(
              {static_cast<std::size_t>(existing - root->fields.begin()), &f});
        }
      }
    }
  }
  ctx_ = Context{};
}

void Checker::check_record_cycles() {
  // Depth-first search over "has a field of exactly this record type": a
  // back edge closes a cycle, which no finite value could fill.
  std::unordered_map<const Type*, int> state;  // 0 new, 1 on the stack, 2 done
  std::vector<std::pair<const Type*, const RecordField*>> stack;
  std::function<void(const Type*)> visit = [&](const Type* t) {
    state[t] = 1;
    for (const RecordField& f : t->fields) {
      const Type* ft = f.type;
      if (is_error(ft) || ft->kind != TypeKind::record || ft->decl == nullptr) continue;
      stack.push_back({t, &f});
      if (state[ft] == 0 && stack.size() > max_declaration_chain && f.decl != nullptr) {
        error(DiagCode::nesting_too_deep, f.decl->name.span,
              "field " + ticked(f.decl->name.name) + " ends a chain of more than " +
                  std::to_string(max_declaration_chain) + " record types, each holding the next (" +
                  stack.front().first->name + " -> ... -> " + ft->name +
                  "); no facts document could nest that deep");
        state[ft] = 2;  // not followed further
      } else if (state[ft] == 1) {
        auto start =
            std::find_if(stack.begin(), stack.end(), [&](const auto& s) { return s.first == ft; });
        std::string path;
        for (auto it = start; it != stack.end(); ++it) path += it->first->name + " -> ";
        path += ft->name;
        error(DiagCode::type_cycle, start->second->decl->name.span,
              "type " + ticked(ft->name) + " contains itself (" + path +
                  "); make a field on the way optional or a list");
      } else if (state[ft] == 0) {
        visit(ft);
      }
      stack.pop_back();
    }
    state[t] = 2;
  };
  for (auto& file : files_) {
    for (auto& decl : file->module->decls) {
      if (!decl || !decl->is<TypeDecl>()) continue;
      const Type* t = types_.declared(decl.get());
      if (t != nullptr && state[t] == 0) visit(t);
    }
  }
}

void Checker::check_field_defaults() {
  auto check_fields = [&](FileScope* file, std::vector<FieldDecl>& fields, const char* kind) {
    for (FieldDecl& f : fields) {
      if (!f.default_value) continue;
      std::string what = "the default of " + std::string(kind) + " " + ticked(f.name.name);
      ContextGuard guard(*this);
      ctx_ = Context{};
      ctx_.file = file;
      ctx_.constant = true;
      ctx_.constant_what = what;
      const std::size_t errors = diags_.error_count();
      check_as(f.default_value.get(), f.type.resolved, what);
      // A default is computed when compiling, and must be computable: not
      // a number past a double's range, a division by zero, or a value
      // too large to fold (runtime values have no such default).
      if (diags_.error_count() == errors && !fold(f.default_value.get())) {
        error(DiagCode::not_constant, f.default_value->span,
              what + " cannot be computed when compiling (a number past the range of a double, "
                     "a division by zero, or a value too large)");
      }
    }
  };
  for (auto& file : files_) {
    for (auto& decl : file->module->decls) {
      if (!decl) continue;
      if (auto* t = decl->as<TypeDecl>()) check_fields(file.get(), t->fields, "field");
      if (auto* f = decl->as<FactsDecl>()) check_fields(file.get(), f->fields, "fact");
    }
  }

  // A fact declared in several blocks must have one default (or none).
  const Type* root = types_.facts_root();
  for (auto [index, later] : fact_redeclarations_) {
    const RecordField& first = root->fields[index];
    const Expr* a = first.decl->default_value.get();
    const Expr* b = later->default_value.get();
    bool differ = (a == nullptr) != (b == nullptr);
    if (a != nullptr && b != nullptr) {
      auto va = fold(a);
      auto vb = fold(b);
      differ = va && vb && !same_value(*va, *vb);
    }
    if (differ) {
      auto& d = error(DiagCode::conflicting_fact, later->name.span,
                      "fact " + ticked(first.name) + " is declared again with a different default");
      note(d, first.decl->name.span, "first declared here");
    }
  }
}

}  // namespace precept::lang::detail
