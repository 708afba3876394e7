// Names, part one: packages and their declarations, and the imports of
// each file. (Looking names up is checker_lookup.cpp.)
#include <algorithm>

#include "lang/checker_internal.hpp"

namespace precept::lang::detail {

namespace {

const char* kind_word(const Decl& d) {
  if (d.is<EnumDecl>()) return "enum";
  if (d.is<TypeDecl>()) return "type";
  if (d.is<ConstDecl>()) return "const";
  if (d.is<DefDecl>()) return "def";
  if (d.is<OutputDecl>()) return "output";
  return "declaration";
}

const char* article(std::string_view word) {
  return !word.empty() && std::string_view("aeiou").find(word.front()) != std::string_view::npos
             ? "an"
             : "a";
}

}  // namespace

// The name a declaration introduces into its package's namespace, or null
// for facts blocks, rules and tests.
const Ident* declared_name(const Decl& d) {
  if (auto* e = d.as<EnumDecl>()) return &e->name;
  if (auto* t = d.as<TypeDecl>()) return &t->name;
  if (auto* c = d.as<ConstDecl>()) return &c->name;
  if (auto* f = d.as<DefDecl>()) return &f->name;
  if (auto* o = d.as<OutputDecl>()) return &o->name;
  return nullptr;
}

// ------------------------------------------------------------ indexing ---

void Checker::index_modules() {
  std::vector<std::size_t> rule_packages;
  std::vector<std::size_t> test_packages;
  std::map<std::pair<std::size_t, std::string>, const TestDecl*> test_names;
  for (auto& module_ptr : program_.modules_) {
    Module& m = *module_ptr;
    std::string name = m.package.str();
    if (m.package.parts.empty()) {
      error(DiagCode::missing_package, Span{m.file, 0, 0},
            "a rule file must begin with `package <name>`");
    }

    PackageInfo* package = nullptr;
    for (auto& p : packages_) {
      if (p->name == name) package = p.get();
    }
    if (package == nullptr) {
      auto info = std::make_unique<PackageInfo>();
      info->name = name;
      info->index = program_.packages_.size();
      info->is_std = name == "std" || name.rfind("std.", 0) == 0;
      PackageNode* node = &package_root_;
      for (const Ident& part : m.package.parts) {
        auto& child = node->children[part.name];
        if (!child) {
          child = std::make_unique<PackageNode>();
          child->path = node->path.empty() ? part.name : node->path + "." + part.name;
        }
        node = child.get();
      }
      node->package = info.get();
      info->node = node;
      program_.packages_.push_back(Program::Package{name, {}, {}});
      package = info.get();
      packages_.push_back(std::move(info));
    }
    Program::Package& entry = program_.packages_[package->index];
    entry.modules.push_back(&m);

    auto file = std::make_unique<FileScope>();
    file->module = &m;
    file->package = package;

    for (auto& decl_ptr : m.decls) {
      if (!decl_ptr) continue;
      Decl& d = *decl_ptr;
      if (d.module == nullptr) d.module = &m;
      decl_files_[&d] = file.get();
      program_.decl_package_[&d] = package->index;
      entry.decls.push_back(&d);

      if (const Ident* id = declared_name(d); id != nullptr && !id->name.empty()) {
        auto [it, inserted] = package->names.try_emplace(id->name, &d);
        if (!inserted) {
          shadowed_decls_.push_back(&d);
          const Ident* first = declared_name(*it->second);
          auto& diag =
              error(DiagCode::duplicate_declaration, id->span,
                    ticked(id->name) + " is already declared in package " + ticked(package->name));
          note(diag, first->span,
               "first declared here, as " + std::string(article(kind_word(*it->second))) + " " +
                   kind_word(*it->second));
        }
      }
      if (d.is<EnumDecl>()) enums_.push_back(&d);
      if (d.is<FactsDecl>()) facts_decls_.push_back(&d);
      if (auto* rule = d.as<RuleDecl>(); rule != nullptr && !rule->name.name.empty()) {
        auto [it, inserted] = package->rules.try_emplace(rule->name.name, &d);
        if (!inserted) {
          auto& diag = error(DiagCode::duplicate_rule, rule->name.span,
                             "rule " + ticked(rule->name.name) +
                                 " is already declared in package " + ticked(package->name));
          note(diag, it->second->as<RuleDecl>()->name.span, "first declared here");
        } else {
          std::string id =
              package->name.empty() ? rule->name.name : package->name + "." + rule->name.name;
          program_.rules_.push_back(Program::Rule{std::move(id), &d, rule, nullptr});
          rule_packages.push_back(package->index);
        }
      }
      if (auto* test = d.as<TestDecl>()) {
        // A test is reported by name, so two of one name would be ambiguous.
        if (auto [it, inserted] = test_names.try_emplace({package->index, test->name}, test);
            !inserted && !test->name.empty()) {
          Span at = test->name_span.valid() ? test->name_span : d.span;
          Span first = it->second->name_span;
          auto& diag = error(DiagCode::duplicate_declaration, at,
                             "test " + ticked("\"" + test->name + "\"") +
                                 " is already declared in package " + ticked(package->name));
          note(diag, first, "first declared here");
        }
        program_.tests_.push_back(Program::Test{&d, test, nullptr});
        test_packages.push_back(package->index);
      }
    }
    files_.push_back(std::move(file));
  }
  // Package addresses are stable only now that the vector is complete.
  for (std::size_t i = 0; i < program_.rules_.size(); ++i) {
    program_.rules_[i].package = &program_.packages_[rule_packages[i]];
  }
  for (std::size_t i = 0; i < program_.tests_.size(); ++i) {
    program_.tests_[i].package = &program_.packages_[test_packages[i]];
  }
}

// `import std.txt`: a suggestion among the loaded packages and the ones the
// front end knows of but did not load; `import std.eu.eea`: a hint that a
// single declaration is imported with braces.
std::string Checker::unknown_package_message(const Import& imp) const {
  std::string path = imp.path.str();
  std::string message = "unknown package " + ticked(path);
  std::vector<std::string> names = options_.known_packages;
  for (auto& p : packages_) names.push_back(p->name);
  auto is_package = [&](std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  if (imp.path.parts.size() > 1 && imp.selected.empty()) {
    const std::string& last = imp.path.parts.back().name;
    std::string prefix = path.substr(0, path.size() - last.size() - 1);
    if (is_package(prefix)) {
      // When the prefix is loaded, hint only if it declares the name.
      bool declares = true;
      for (auto& p : packages_) {
        if (p->name == prefix) declares = p->names.count(last) > 0;
      }
      if (declares) {
        return message + "; to import a name, write " +
               ticked("import " + prefix + ".{" + last + "}");
      }
    }
  }
  return with_suggestion(std::move(message), path, as_views(names));
}

void Checker::resolve_imports() {
  for (auto& file_ptr : files_) {
    FileScope& file = *file_ptr;
    PackageInfo* own = file.package;
    for (Import& imp : file.module->imports) {
      std::size_t index = file.imports.size();
      ImportState& state = file.imports.emplace_back();
      state.import = &imp;
      state.selected_used.assign(imp.selected.size(), false);
      if (imp.path.parts.empty()) continue;  // the parser reported it

      std::string path = imp.path.str();
      PackageInfo* package = nullptr;
      for (auto& p : packages_) {
        if (p->name == path) package = p.get();
      }
      if (package == nullptr) {
        // The names this import would have introduced are poisoned: their
        // uses are not reported again.
        file.poisoned.insert(imp.path.parts.front().name);
        if (imp.alias) {
          file.poisoned.insert(imp.alias->name);
        } else if (imp.selected.empty()) {
          file.poisoned.insert(imp.path.parts.back().name);
        }
        for (const Ident& sel : imp.selected) file.poisoned.insert(sel.name);

        error(DiagCode::unknown_import, imp.path.span, unknown_package_message(imp));
        continue;
      }
      state.package = package;

      if (imp.selected.empty() || imp.alias) {
        const Ident& alias = imp.alias ? *imp.alias : imp.path.parts.back();
        if (alias.name.empty()) continue;
        if (auto it = own->names.find(alias.name); it != own->names.end()) {
          auto& d = error(DiagCode::duplicate_declaration, alias.span,
                          "the import of " + ticked(path) + " is named " + ticked(alias.name) +
                              ", which package " + ticked(own->name) +
                              " already declares; rename it with `as`");
          note(d, declared_name(*it->second)->span, "declared here");
        } else if (auto [at, inserted] = file.aliases.try_emplace(alias.name, index); !inserted) {
          auto& d = error(DiagCode::duplicate_declaration, alias.span,
                          "import name " + ticked(alias.name) +
                              " is already used by another import; rename one with `as`");
          note(d, file.imports[at->second].import->span, "the other import");
        }
      }
      std::vector<std::string> declared;
      for (auto& [n, d] : package->names) declared.push_back(n);
      for (std::size_t k = 0; k < imp.selected.size(); ++k) {
        const Ident& sel = imp.selected[k];
        if (sel.name.empty()) continue;
        auto it = package->names.find(sel.name);
        if (it == package->names.end()) {
          state.selected_used[k] = true;  // reported; not also "unused"
          file.poisoned.insert(sel.name);
          error(
              DiagCode::unknown_import, sel.span,
              with_suggestion("package " + ticked(path) + " has no declaration " + ticked(sel.name),
                              sel.name, as_views(declared)));
          continue;
        }
        if (auto mine = own->names.find(sel.name); mine != own->names.end() && package != own) {
          auto& d = error(DiagCode::duplicate_declaration, sel.span,
                          ticked(sel.name) + " is imported, but package " + ticked(own->name) +
                              " already declares it");
          note(d, declared_name(*mine->second)->span, "declared here");
          continue;
        }
        auto& entries = file.selected[sel.name];
        if (!entries.empty() && entries.front().decl != it->second) {
          auto& d = error(DiagCode::duplicate_declaration, sel.span,
                          ticked(sel.name) + " is already imported from another package");
          note(d, file.imports[entries.front().import].import->span, "the other import");
          continue;
        }
        entries.push_back(SelectedName{it->second, index, k});
      }
    }
  }
}

FileScope* Checker::file_of(const Decl* decl) {
  auto it = decl_files_.find(decl);
  return it == decl_files_.end() ? nullptr : it->second;
}

PackageInfo* Checker::package_of(const Decl* decl) {
  FileScope* f = file_of(decl);
  return f ? f->package : nullptr;
}

bool Checker::is_accessible(const PackageInfo* package) const {
  if (ctx_.file == nullptr || package == nullptr) return false;
  if (package == ctx_.file->package) return true;
  return std::any_of(ctx_.file->imports.begin(), ctx_.file->imports.end(),
                     [&](const ImportState& s) { return s.package == package; });
}

void Checker::mark_package_used(PackageInfo* package) {
  if (ctx_.file == nullptr) return;
  for (ImportState& s : ctx_.file->imports) {
    if (s.package == package) s.used = true;
  }
}

std::optional<std::uint32_t> Checker::enum_member_index(const EnumDecl& en,
                                                        std::string_view name) const {
  for (std::size_t i = 0; i < en.members.size(); ++i) {
    if (en.members[i].name.name == name) return static_cast<std::uint32_t>(i);
  }
  return std::nullopt;
}

}  // namespace precept::lang::detail
