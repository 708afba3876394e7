// Lints: warnings about code that is legal but probably not what the author
// meant. Unused `for`/`let` variables are reported while checking rules,
// where their scope is known; the rest is here.
#include "lang/checker_internal.hpp"

namespace precept::lang::detail {

bool Checker::is_registered(const Decl& decl) const {
  const Ident* id = declared_name(decl);
  if (id == nullptr) return true;
  auto file = decl_files_.find(&decl);
  if (file == decl_files_.end() || file->second->package == nullptr) return false;
  auto it = file->second->package->names.find(id->name);
  return it != file->second->package->names.end() && it->second == &decl;
}

bool Checker::has_error_in(Span span) const {
  // A wrong condition may fold to a constant; its error says enough.
  for (const Diagnostic& d : diags_.all()) {
    if (d.severity == Severity::error && d.span.file == span.file && d.span.begin >= span.begin &&
        d.span.end <= span.end) {
      return true;
    }
  }
  return false;
}

void Checker::run_lints() {
  for (auto& file : files_) {
    bool library = file->package != nullptr && file->package->is_std;
    ctx_ = Context{};
    ctx_.file = file.get();
    for (auto& decl : file->module->decls) {
      if (!decl) continue;
      if (auto* rule = decl->as<RuleDecl>()) {
        if (rule->cites.empty() && !rule->name.name.empty()) {
          warning(
              DiagCode::missing_cite, rule->name.span,
              "rule " + ticked(rule->name.name) + " has no `cite`; name the provision it enforces");
        }
        for (auto [clause, word] :
             {std::pair{rule->when.get(), "`when`"}, std::pair{rule->unless.get(), "`unless`"}}) {
          auto v = fold(clause);
          if (v && v->kind == ConstValue::Kind::boolean && !has_error_in(clause->span)) {
            warning(DiagCode::constant_condition, clause->span,
                    std::string("the ") + word + " condition is always " +
                        (v->boolean ? "true" : "false"));
          }
        }
      }
      // Library packages declare more than any one bundle uses.
      if (library) continue;
      // A repeated declaration was reported as such; lookups never reach it.
      if (!is_registered(*decl)) continue;
      if (auto* c = decl->as<ConstDecl>(); c && !used_decls_.count(decl.get())) {
        warning(DiagCode::unused_const, c->name.span,
                "const " + ticked(c->name.name) + " is never used");
      }
      if (auto* d = decl->as<DefDecl>(); d && !used_decls_.count(decl.get())) {
        warning(DiagCode::unused_def, d->name.span,
                "def " + ticked(d->name.name) + " is never called");
      }
    }
    for (const ImportState& s : file->imports) {
      if (s.package == nullptr || s.used) continue;
      const Import& imp = *s.import;
      if (imp.selected.empty()) {
        warning(DiagCode::unused_import, imp.span,
                "import " + ticked(s.package->name) + " is never used");
        continue;
      }
      for (std::size_t k = 0; k < imp.selected.size(); ++k) {
        if (s.selected_used[k] || imp.selected[k].name.empty()) continue;
        warning(DiagCode::unused_import, imp.selected[k].span,
                ticked(imp.selected[k].name) + " is imported from " + ticked(s.package->name) +
                    " but never used");
      }
    }
  }
  ctx_ = Context{};
}

}  // namespace precept::lang::detail
