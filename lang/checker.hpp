// The semantic checker: resolves names across files and packages, assigns a
// type to every expression, checks fact paths against the declared schema,
// finds cycles and (optionally) lints. It annotates the AST in place
// (Expr::type, Expr::ref, TypeRef::resolved, Effect::output_ref,
// Expect::resolved_target) so the compiler and the reference interpreter
// need no second lookup, and indexes what they need in a Program.
//
//   Diagnostics diags;
//   std::vector<std::unique_ptr<Module>> modules = ...;  // one per parsed file
//   auto program = check_program(std::move(modules), sources, diags);
//   if (!diags.has_errors()) compile(*program);
//   for (const auto& rule : program->rules()) use(rule.id);  // "euaia.prohibited.x"
//
// Nothing throws out of the checker, and any tree the parser can produce,
// however partial, is checked without crashing.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lang/ast.hpp"
#include "lang/diagnostic.hpp"
#include "lang/source.hpp"
#include "lang/types.hpp"

namespace precept::lang {

namespace detail {
class Checker;
}

struct CheckOptions {
  bool lints = true;  // report the warnings of the lint group
  // Check that each test's `given file` (relative to the test's file) can be
  // read and is JSON (given_file errors). Its contents are typed by the test
  // harness, which reports wrong values as input errors like the fact loader.
  bool read_given_files = true;
  // A given file is a facts document: larger than this (the fact loader's
  // runtime::FactLimits::max_bytes) it is a given_file error, found after
  // reading at most one byte more.
  std::size_t max_given_file_bytes = std::size_t{64} << 20;
  // Packages that exist but may not be loaded (the standard modules, which
  // the front end loads only when imported): used only for "did you mean" on
  // an unknown import.
  std::vector<std::string> known_packages;
};

class Program;
std::unique_ptr<Program> check_program(std::vector<std::unique_ptr<Module>> modules,
                                       const SourceSet& sources, Diagnostics& diags,
                                       const CheckOptions& options);

// The checked program: owns the modules and the type table, and indexes the
// declarations by package and id.
class Program {
 public:
  struct Package {
    std::string name;                    // `euaia.prohibited`
    std::vector<const Module*> modules;  // the files declaring it, in input order
    std::vector<const Decl*> decls;      // its declarations, in input then source order
  };
  struct Rule {
    std::string id;  // `<package>.<rule>`
    const Decl* decl = nullptr;
    const RuleDecl* rule = nullptr;
    const Package* package = nullptr;
  };
  struct Output {
    std::string id;  // `<package>.<output>`, the key in a decision's `outputs`
    const Decl* decl = nullptr;
    const OutputDecl* output = nullptr;
    const Type* type = nullptr;
    bool raised = false;  // some rule raises it
  };
  struct Test {
    const Decl* decl = nullptr;
    const TestDecl* test = nullptr;
    const Package* package = nullptr;
  };

  Program() = default;
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;

  const std::vector<std::unique_ptr<Module>>& modules() const { return modules_; }
  TypeTable& types() { return types_; }
  const TypeTable& types() const { return types_; }

  // The merged facts root: one record type holding every field of every
  // `facts` block, in order of first declaration.
  const Type* facts() const { return types_.facts_root(); }

  const std::vector<Package>& packages() const { return packages_; }
  const Package* find_package(std::string_view name) const;
  // A named declaration (enum, type, const, def, output) of a package.
  const Decl* find_decl(std::string_view package, std::string_view name) const;
  // The package a declaration belongs to (null for a declaration not in the program).
  const Package* package_of(const Decl* decl) const;

  // Rules in declaration order: input module order, then source order.
  const std::vector<Rule>& rules() const { return rules_; }
  const Rule* find_rule(std::string_view id) const;
  const std::vector<Output>& outputs() const { return outputs_; }
  const Output* find_output(std::string_view id) const;
  const Output* output_of(const Decl* decl) const;
  // Every obligation id some rule's `require` names, sorted, without repeats.
  const std::vector<std::string>& obligations() const { return obligations_; }
  const std::vector<Test>& tests() const { return tests_; }

  // `def`s ordered so that each comes after every def it calls (when there
  // is no call cycle), and `const`s after every const their value reads:
  // the order in which a compiler can emit or fold them.
  const std::vector<const Decl*>& defs_in_call_order() const { return def_order_; }
  const std::vector<const Decl*>& consts_in_dependency_order() const { return const_order_; }

 private:
  friend class detail::Checker;
  friend std::unique_ptr<Program> check_program(std::vector<std::unique_ptr<Module>>,
                                                const SourceSet&, Diagnostics&,
                                                const CheckOptions&);

  std::vector<std::unique_ptr<Module>> modules_;
  TypeTable types_;
  std::vector<Package> packages_;
  std::vector<Rule> rules_;
  std::vector<Output> outputs_;
  std::vector<std::string> obligations_;
  std::vector<Test> tests_;
  std::vector<const Decl*> def_order_;
  std::vector<const Decl*> const_order_;
  std::unordered_map<const Decl*, std::size_t> decl_package_;  // index into packages_
};

// Checks all modules together: declarations are order-independent, across
// files and packages. Reports every problem found (not just the first) and
// returns the program, also when there were errors, so tools can still show
// what they can.
std::unique_ptr<Program> check_program(std::vector<std::unique_ptr<Module>> modules,
                                       const SourceSet& sources, Diagnostics& diags,
                                       const CheckOptions& options = {});

}  // namespace precept::lang
