// The parser: one `.rules` file of a SourceSet to a Module (lang/ast.hpp).
//
//   precept::lang::SourceSet sources;
//   precept::lang::Diagnostics diags;
//   auto file = sources.add("rules/residency.rules", text);
//   auto module = precept::lang::parse_module(sources, file, diags);
//   if (!module) { /* diags holds the syntax error, with its exact span */ }
//
// The grammar is written with PEGTL (lang/grammar.hpp), which stays inside
// parser.cpp. The parser stops at the first syntax error; problems it finds
// only once a construct has parsed (clause order, number ranges, escapes,
// severities) are all reported, and the module is still discarded.
#pragma once

#include <cstddef>
#include <memory>

#include "lang/ast.hpp"
#include "lang/diagnostic.hpp"
#include "lang/source.hpp"

namespace precept::lang {

// Bounds that keep a hostile or broken file from exhausting the stack, memory
// or time of the parser and of the phases after it.
struct ParseLimits {
  std::size_t max_source_bytes = 4u << 20;  // a larger file -> file_too_large
  unsigned max_nesting = 64;                // expression/literal/type nesting -> nesting_too_deep
  std::size_t max_identifier_bytes = 256;
  std::size_t max_string_bytes = 64u << 10;
  // Depth of one expression tree, operator chains included: `a + b + c` is
  // three levels deep although it nests nothing. The checker, compiler and
  // interpreter recurse over expressions, so their depth is bounded here
  // (-> nesting_too_deep).
  unsigned max_expression_depth = 256;
};

// Parses one file of `sources`. On a syntax error reports a Diagnostic (with
// an exact span) and returns nullptr. Never throws.
std::unique_ptr<Module> parse_module(const SourceSet& sources, FileId file, Diagnostics& diags,
                                     const ParseLimits& limits = {});

}  // namespace precept::lang
