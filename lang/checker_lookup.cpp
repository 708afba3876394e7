// Names, part two: looking up a bare name or a dotted path from the file and
// scope an expression is in, with "did you mean" when nothing matches.
#include <algorithm>

#include "lang/checker_internal.hpp"

namespace precept::lang::detail {

namespace {

bool in_lookup(const Decl& d, Lookup mode) {
  switch (mode) {
    case Lookup::type:
      return d.is<EnumDecl>() || d.is<TypeDecl>();
    case Lookup::callee:
      return d.is<DefDecl>();
    case Lookup::value:
      return d.is<ConstDecl>() || d.is<EnumDecl>();
  }
  return true;
}

Target error_target() { return Target{}; }

Target package_target(PackageNode* node) {
  Target t;
  t.kind = Target::Kind::package;
  t.node = node;
  return t;
}

}  // namespace

// -------------------------------------------------------------- lookup ---

Target Checker::decl_target(Decl* decl, Expr* e, bool mark) {
  Target t;
  t.decl = decl;
  Resolution ref;
  ref.decl = decl;
  if (decl->is<EnumDecl>() || decl->is<TypeDecl>()) {
    t.kind = Target::Kind::type;
    t.type = types_.declared(decl);
    if (t.type == nullptr) t.type = types_.error();
    ref.kind = RefKind::type;
  } else if (decl->is<ConstDecl>()) {
    t.kind = Target::Kind::value;
    if (mark) {
      used_decls_.insert(decl);
      if (ctx_.const_ != nullptr) const_deps_[ctx_.const_].push_back(decl);
    }
    t.type = const_type(decl);
    ref.kind = RefKind::constant;
  } else if (decl->is<DefDecl>()) {
    t.kind = Target::Kind::def;
    if (mark) used_decls_.insert(decl);
    ref.kind = RefKind::def;
  } else if (decl->is<OutputDecl>()) {
    t.kind = Target::Kind::output;
    auto* out = decl->as<OutputDecl>();
    t.type = out->type.resolved ? out->type.resolved : types_.error();
    ref.kind = RefKind::output;
  }
  if (e != nullptr) e->ref = ref;
  return t;
}

Target Checker::lookup_head(Expr* e, const Ident& id, const Type* hint, Lookup mode, bool report,
                            std::string_view member) {
  const std::string& name = id.name;
  if (name.empty() || ctx_.file == nullptr) return error_target();
  FileScope& file = *ctx_.file;
  // A fact and an import may share a name (`facts { persons: ... }` and
  // `import registry.persons`): used alone or with a member the package
  // lacks, the name is the fact.
  const RecordField* fact = mode == Lookup::value ? types_.facts_root()->field(name) : nullptr;
  auto package_fits = [&](const PackageNode* node) {
    if (fact == nullptr) return true;
    if (member.empty()) return false;
    return (node->package != nullptr && node->package->names.count(member) > 0) ||
           node->children.count(member) > 0;
  };

  if (mode != Lookup::type) {
    for (auto it = locals_.rbegin(); it != locals_.rend(); ++it) {
      if (it->name != name) continue;
      if (report) it->used = true;
      if (e != nullptr) e->ref = Resolution{RefKind::local, nullptr, 0, it->ident};
      Target t;
      t.kind = Target::Kind::value;
      t.type = it->type;
      return t;
    }
  }

  // A bare enum member where the context expects that enum.
  const Type* expected = strip_optional(hint);
  if (mode == Lookup::value && expected && expected->kind == TypeKind::enum_) {
    if (const EnumDecl* en = expected->enum_decl()) {
      if (auto index = enum_member_index(*en, name)) {
        if (e != nullptr)
          e->ref = Resolution{RefKind::enum_member, expected->decl, *index, nullptr};
        Target t;
        t.kind = Target::Kind::value;
        t.type = expected;
        return t;
      }
    }
  }

  if (file.package != nullptr) {
    if (auto it = file.package->names.find(name); it != file.package->names.end()) {
      return decl_target(it->second, e, report);
    }
  }
  if (auto it = file.selected.find(name); it != file.selected.end() && !it->second.empty()) {
    const SelectedName& sel = it->second.front();
    if (report) file.imports[sel.import].selected_used[sel.selected] = true;
    return decl_target(sel.decl, e, report);
  }
  if (mode == Lookup::callee) {
    if (const stdlib::BuiltinInfo* b = stdlib::find_builtin(name)) {
      if (e != nullptr) {
        e->ref = Resolution{RefKind::builtin, nullptr, static_cast<std::uint32_t>(b->id), nullptr};
      }
      Target t;
      t.kind = Target::Kind::builtin;
      t.builtin = b;
      return t;
    }
  }
  if (auto it = file.aliases.find(name);
      it != file.aliases.end() && package_fits(file.imports[it->second].package->node)) {
    ImportState& s = file.imports[it->second];
    if (report) s.used = true;
    if (e != nullptr) e->ref = Resolution{RefKind::package, nullptr, 0, nullptr};
    return package_target(s.package->node);
  }
  // The first segment of the file's own package or of an imported one
  // starts a full package name: `std.eu.eea`, `schema.ai.Dataset`.
  auto starts_accessible = [&](const PackageInfo* p) {
    return p != nullptr && (p->name == name || p->name.rfind(name + ".", 0) == 0);
  };
  bool root = starts_accessible(file.package);
  for (const ImportState& s : file.imports) root = root || starts_accessible(s.package);
  if (root) {
    if (auto it = package_root_.children.find(name);
        it != package_root_.children.end() && package_fits(it->second.get())) {
      if (e != nullptr) e->ref = Resolution{RefKind::package, nullptr, 0, nullptr};
      return package_target(it->second.get());
    }
  }

  if (mode == Lookup::value) {
    if (const RecordField* f = fact) {
      if (ctx_.constant) {
        if (report) {
          error(DiagCode::not_constant, id.span,
                ticked(name) + " is a fact, but " + std::string(ctx_.constant_what) +
                    " must be known at compile time");
        }
        return error_target();
      }
      if (e != nullptr) e->ref = Resolution{RefKind::fact, f->owner, f->index, nullptr};
      Target t;
      t.kind = Target::Kind::value;
      t.type = f->type ? f->type : types_.error();
      return t;
    }

    // A bare member with no expected enum: accepted when exactly one enum in
    // scope (the file's package and the packages it imports) has it.
    std::vector<std::pair<Decl*, std::uint32_t>> found;
    for (Decl* d : enums_) {
      PackageInfo* p = package_of(d);
      if (!is_accessible(p)) continue;
      if (auto index = enum_member_index(*d->as<EnumDecl>(), name)) found.push_back({d, *index});
    }
    if (found.size() == 1) {
      const Type* t = types_.declared(found[0].first);
      if (e != nullptr) {
        e->ref = Resolution{RefKind::enum_member, found[0].first, found[0].second, nullptr};
      }
      if (report) mark_package_used(package_of(found[0].first));
      Target target;
      target.kind = Target::Kind::value;
      target.type = t ? t : types_.error();
      return target;
    }
    if (found.size() > 1) {
      if (report) {
        std::string enums;
        for (std::size_t i = 0; i < found.size(); ++i) {
          if (i > 0) enums += i + 1 == found.size() ? " and " : ", ";
          enums += ticked(found[i].first->as<EnumDecl>()->name.name);
        }
        error(DiagCode::ambiguous_enum_member, id.span,
              ticked(name) + " is a member of " + enums + "; write it qualified, as " +
                  ticked(found[0].first->as<EnumDecl>()->name.name + "." + name));
      }
      return error_target();
    }
  }

  // A name a failed import would have introduced: already reported there.
  if (file.poisoned.count(name)) return error_target();
  if (!report) return error_target();
  // Where an enum is expected, a name close to one of its members is a
  // misspelt member; anything else is an undefined name.
  if (mode == Lookup::value && expected && expected->kind == TypeKind::enum_ &&
      expected->enum_decl()) {
    std::vector<std::string> members;
    for (const EnumMember& m : expected->enum_decl()->members) members.push_back(m.name.name);
    if (!closest_match(name, as_views(members)).empty()) {
      error(DiagCode::unknown_enum_member, id.span,
            with_suggestion(ticked(name) + " is not a member of " + ticked(expected->name), name,
                            as_views(members)));
      return error_target();
    }
  }
  if (mode == Lookup::value && file.package != nullptr && file.package->rules.count(name)) {
    error(DiagCode::not_a_value, id.span,
          ticked(name) +
              " is a rule, not a value; to share a condition between rules, "
              "write it as a `def`");
    return error_target();
  }
  std::vector<std::string> candidates = names_in_scope(mode);
  if (mode == Lookup::callee) {
    auto& d =
        error(DiagCode::unknown_function, id.span,
              with_suggestion("unknown function " + ticked(name), name, as_views(candidates)));
    note_declared_elsewhere(d, name);
  } else if (mode == Lookup::type) {
    auto& d = error(DiagCode::unknown_type, id.span,
                    with_suggestion("unknown type " + ticked(name), name, as_views(candidates)));
    note_declared_elsewhere(d, name);
  } else {
    auto& d = error(DiagCode::undefined_name, id.span,
                    with_suggestion("undefined name " + ticked(name), name, as_views(candidates)));
    note_declared_elsewhere(d, name);
  }
  return error_target();
}

Target Checker::lookup_member(Expr* e, const Target& prefix, const Ident& id, Lookup mode,
                              bool report) {
  const std::string& name = id.name;
  if (name.empty() || prefix.kind == Target::Kind::error) return error_target();
  auto fail = [&](DiagCode code, std::string message) {
    if (report) error(code, id.span, std::move(message));
    return error_target();
  };

  if (prefix.kind == Target::Kind::package) {
    PackageNode* node = prefix.node;
    if (node->package != nullptr) {
      if (auto it = node->package->names.find(name); it != node->package->names.end()) {
        if (!is_accessible(node->package)) {
          return fail(mode == Lookup::type     ? DiagCode::unknown_type
                      : mode == Lookup::callee ? DiagCode::unknown_function
                                               : DiagCode::undefined_name,
                      "package " + ticked(node->path) + " is not imported in this file; add " +
                          ticked("import " + node->path));
        }
        if (report) mark_package_used(node->package);
        return decl_target(it->second, e, report);
      }
    }
    if (auto it = node->children.find(name); it != node->children.end()) {
      if (e != nullptr) e->ref = Resolution{RefKind::package, nullptr, 0, nullptr};
      return package_target(it->second.get());
    }
    DiagCode code = mode == Lookup::type     ? DiagCode::unknown_type
                    : mode == Lookup::callee ? DiagCode::unknown_function
                                             : DiagCode::undefined_name;
    if (node->package == nullptr) {
      std::vector<std::string> children;
      for (auto& [n, c] : node->children) children.push_back(n);
      return fail(code, with_suggestion("unknown package " + ticked(node->path + "." + name), name,
                                        as_views(children)));
    }
    std::vector<std::string> candidates;
    for (auto& [n, d] : node->package->names) {
      if (in_lookup(*d, mode)) candidates.push_back(n);
    }
    return fail(code, with_suggestion(
                          "package " + ticked(node->path) + " has no declaration " + ticked(name),
                          name, as_views(candidates)));
  }

  if (prefix.kind == Target::Kind::type) {
    const Type* t = prefix.type;
    if (is_error(t)) return error_target();
    if (t->kind == TypeKind::enum_ && mode == Lookup::value) {
      const EnumDecl* en = t->enum_decl();
      if (auto index = enum_member_index(*en, name)) {
        if (e != nullptr) e->ref = Resolution{RefKind::enum_member, t->decl, *index, nullptr};
        Target target;
        target.kind = Target::Kind::value;
        target.type = t;
        return target;
      }
      std::vector<std::string> members;
      for (const EnumMember& m : en->members) members.push_back(m.name.name);
      return fail(DiagCode::unknown_enum_member,
                  with_suggestion(ticked(t->name) + " has no member " + ticked(name), name,
                                  as_views(members)));
    }
    if (mode == Lookup::type) {
      return fail(DiagCode::unknown_type, ticked(t->name) + " is a type and declares no types");
    }
    return fail(DiagCode::not_a_value, ticked(t->name) + " is a type, so " +
                                           ticked(t->name + "." + name) +
                                           " is not a value; read fields from a value of the type");
  }

  if (prefix.kind == Target::Kind::def || prefix.kind == Target::Kind::builtin) {
    return fail(DiagCode::not_a_value, "a function has no member " + ticked(name));
  }
  if (prefix.kind == Target::Kind::output) {
    return fail(DiagCode::not_a_value,
                "an output has no member " + ticked(name) + "; rules cannot read outputs");
  }
  return error_target();
}

Target Checker::resolve_dotted(const DottedName& name, Lookup mode, bool report) {
  if (name.parts.empty()) return error_target();
  Target t = lookup_head(
      nullptr, name.parts[0], nullptr, mode, report,
      name.parts.size() > 1 ? std::string_view(name.parts[1].name) : std::string_view());
  for (std::size_t i = 1; i < name.parts.size(); ++i) {
    if (t.kind == Target::Kind::error) return t;
    if (t.kind == Target::Kind::value) {
      if (report) {
        error(DiagCode::undefined_name, name.parts[i].span,
              ticked(name.parts[i - 1].name) + " is a value, not a package or an enum");
      }
      return error_target();
    }
    t = lookup_member(nullptr, t, name.parts[i], mode, report);
  }
  return t;
}

std::vector<std::string> Checker::names_in_scope(Lookup mode) const {
  std::vector<std::string> names;
  if (mode != Lookup::type) {
    for (const Local& l : locals_) names.emplace_back(l.name);
  }
  if (ctx_.file == nullptr) return names;
  if (ctx_.file->package != nullptr) {
    for (auto& [n, d] : ctx_.file->package->names) {
      if (in_lookup(*d, mode) || mode == Lookup::value) names.push_back(n);
    }
  }
  for (auto& [n, entries] : ctx_.file->selected) names.push_back(n);
  for (auto& [n, i] : ctx_.file->aliases) names.push_back(n);
  if (mode == Lookup::value) {
    for (const RecordField& f : types_.facts_root()->fields) names.push_back(f.name);
  }
  if (mode == Lookup::callee) {
    for (const stdlib::BuiltinInfo& b : stdlib::builtins) names.emplace_back(b.name);
  }
  if (mode == Lookup::type) {
    for (const char* s : {"bool", "int", "number", "string", "date", "list", "set"}) {
      names.emplace_back(s);
    }
  }
  return names;
}

void Checker::note_declared_elsewhere(Diagnostic& d, std::string_view name) {
  for (auto& p : packages_) {
    if (ctx_.file != nullptr && p.get() == ctx_.file->package) continue;
    auto it = p->names.find(name);
    if (it == p->names.end()) continue;
    std::string message = ticked(std::string(name)) + " is declared in package " + ticked(p->name);
    std::string alias;
    if (ctx_.file != nullptr) {
      for (auto& [a, index] : ctx_.file->aliases) {
        if (ctx_.file->imports[index].package == p.get()) alias = a;
      }
    }
    if (!alias.empty()) {
      message += "; write " + ticked(alias + "." + std::string(name));
    } else if (is_accessible(p.get())) {
      message += "; write " + ticked(p->name + "." + std::string(name));
    } else {
      message += ", which this file does not import";
    }
    note(d, declared_name(*it->second)->span, std::move(message));
    return;
  }
}

}  // namespace precept::lang::detail
