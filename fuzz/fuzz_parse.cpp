// Fuzz target: arbitrary bytes as a rule file through the parser alone, with
// tight limits so that deep nesting and long names and strings are reached
// quickly. fuzz_check covers the parser too, but spends most of each run
// in the checker. Any crash, sanitizer report or uncaught exception is a
// finding, and so is a rejection without a diagnostic.
#include <cstddef>
#include <cstdint>
#include <string>

#include "lang/parser.hpp"
#include "lang/render.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace precept::lang;
  SourceSet sources;
  FileId file = sources.add("fuzz.rules", std::string(reinterpret_cast<const char*>(data), size));
  Diagnostics diags;
  ParseLimits limits;
  limits.max_source_bytes = 64u << 10;
  limits.max_nesting = 16;
  limits.max_expression_depth = 32;
  limits.max_identifier_bytes = 32;
  limits.max_string_bytes = 256;
  auto module = parse_module(sources, file, diags, limits);
  if (!module && !diags.has_errors()) __builtin_trap();
  render_text(diags, sources);
  return 0;
}
