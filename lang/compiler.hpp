// The compiler: lowers a checked Program to a bytecode Image (runtime/image.hpp)
// that the runtime verifies, writes as a bundle and runs.
//
//   auto program = check_sources(sources, diags);
//   if (program && !diags.has_errors()) {
//     runtime::Image image = compile(*program, sources, {.name = "ai-governance"});
//   }
//
// Each `def` becomes a function called with `call`; each rule one function
// that loops over its `for` bindings and decides every instance; each output
// one function computing its base value. Constant expressions are folded
// into constants, every fact path is resolved to a record slot, and every
// instruction carries the file:line:col it came from.
#pragma once

#include <string>

#include "lang/checker.hpp"
#include "lang/diagnostic.hpp"
#include "lang/source.hpp"
#include "runtime/image.hpp"

namespace precept::lang {

struct CompileOptions {
  std::string name = "rules";     // the bundle's name in its manifest
  std::string version = "0.0.0";  // and its version
};

// `program` must have been checked without errors. A program the VM could
// not run is reported to `diags` (too-large, at the expression to blame):
// a function whose operand stack or locals outgrow the VM's (a list literal
// of thousands of computed elements), or more than max_instructions in
// all (a const that folding gave up on is compiled at each use). The image
// is then unusable.
inline constexpr std::size_t max_instructions = 4'000'000;
runtime::Image compile(const Program& program, const SourceSet& sources, Diagnostics& diags,
                       const CompileOptions& options = {});
// The same for a program known to fit (tests, generated programs): what
// it reports is left to the verifier, which refuses the image.
runtime::Image compile(const Program& program, const SourceSet& sources,
                       const CompileOptions& options = {});

}  // namespace precept::lang
