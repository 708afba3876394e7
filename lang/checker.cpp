// The checker's driver: the order of the phases, the Program's indexes and
// the diagnostic helpers every phase uses.
#include "lang/checker.hpp"

#include <algorithm>

#include "lang/checker_internal.hpp"

namespace precept::lang {

// ------------------------------------------------------------- Program ---

const Program::Package* Program::find_package(std::string_view name) const {
  for (const Package& p : packages_) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

const Decl* Program::find_decl(std::string_view package, std::string_view name) const {
  const Package* p = find_package(package);
  if (p == nullptr) return nullptr;
  for (const Decl* d : p->decls) {
    const Ident* id = nullptr;
    if (auto* e = d->as<EnumDecl>()) id = &e->name;
    if (auto* t = d->as<TypeDecl>()) id = &t->name;
    if (auto* c = d->as<ConstDecl>()) id = &c->name;
    if (auto* f = d->as<DefDecl>()) id = &f->name;
    if (auto* o = d->as<OutputDecl>()) id = &o->name;
    if (id != nullptr && id->name == name) return d;
  }
  return nullptr;
}

const Program::Package* Program::package_of(const Decl* decl) const {
  auto it = decl_package_.find(decl);
  return it == decl_package_.end() ? nullptr : &packages_[it->second];
}

const Program::Rule* Program::find_rule(std::string_view id) const {
  for (const Rule& r : rules_) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

const Program::Output* Program::find_output(std::string_view id) const {
  for (const Output& o : outputs_) {
    if (o.id == id) return &o;
  }
  return nullptr;
}

const Program::Output* Program::output_of(const Decl* decl) const {
  for (const Output& o : outputs_) {
    if (o.decl == decl) return &o;
  }
  return nullptr;
}

std::unique_ptr<Program> check_program(std::vector<std::unique_ptr<Module>> modules,
                                       const SourceSet& sources, Diagnostics& diags,
                                       const CheckOptions& options) {
  auto program = std::make_unique<Program>();
  for (auto& m : modules) {
    if (m) program->modules_.push_back(std::move(m));
  }
  detail::Checker checker(*program, sources, diags, options);
  checker.run();
  return program;
}

namespace detail {

std::vector<std::string_view> as_views(const std::vector<std::string>& names) {
  return {names.begin(), names.end()};
}


Checker::Checker(Program& program, const SourceSet& sources, Diagnostics& diags,
                 const CheckOptions& options)
    : program_(program),
      types_(program.types_),
      sources_(sources),
      diags_(diags),
      options_(options) {}

void Checker::run() {
  // Names first, so that every later phase can resolve any declaration in
  // any order; then types, since values are checked against them.
  index_modules();
  resolve_imports();
  declare_types();
  check_type_decls();
  check_record_cycles();
  check_def_signatures();
  check_field_defaults();
  check_consts();
  check_def_bodies();
  check_def_cycles();
  check_outputs();
  check_rules();
  check_tests();
  if (options_.lints) run_lints();
}

Diagnostic& Checker::error(DiagCode code, Span span, std::string message) {
  return diags_.error(code, span, std::move(message));
}

Diagnostic& Checker::warning(DiagCode code, Span span, std::string message) {
  return diags_.warning(code, span, std::move(message));
}

void Checker::note(Diagnostic& d, Span span, std::string message) {
  d.notes.push_back(Note{span, std::move(message)});
}

std::string Checker::snippet(Span span) const {
  if (!span.valid() || span.file >= sources_.size()) return {};
  const std::string& text = sources_.file(span.file).text();
  if (span.begin >= span.end || span.end > text.size()) return {};
  constexpr std::size_t limit = 48;
  std::string out;
  bool space = false;
  for (std::size_t i = span.begin; i < span.end; ++i) {
    char c = text[i];
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    if (out.size() >= limit && (static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      out += "...";
      break;
    }
    out += c;
  }
  return out;
}

std::string Checker::describe_expr(const Expr& e) const {
  std::string s = snippet(e.span);
  if (!s.empty()) return ticked(s);
  if (auto* n = e.as<NameRef>()) return ticked(n->name.name);
  if (auto* f = e.as<FieldAccess>()) return ticked("." + f->field.name);
  return "the value";
}

void Checker::push_local(const Ident& id, const Type* type) {
  locals_.push_back(Local{id.name, type ? type : types_.error(), &id, false});
}

}  // namespace detail
}  // namespace precept::lang
