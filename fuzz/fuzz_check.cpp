// Fuzz target: arbitrary bytes as a rule file through the parser, checker and
// renderer. Any crash, sanitizer report or uncaught exception is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "lang/frontend.hpp"
#include "lang/render.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace precept::lang;
  SourceSet sources;
  sources.add("fuzz.rules", std::string(reinterpret_cast<const char*>(data), size));
  Diagnostics diags;
  check_sources(sources, diags);
  render_text(diags, sources);
  render_json(diags, sources);
  return 0;
}
