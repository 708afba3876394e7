// The standard modules (`std.eu`, `std.text`, ...): rule files written in the
// language itself, embedded into the library at build time.
#pragma once

#include <span>
#include <string_view>

namespace precept::stdlib {

struct Module {
  std::string_view path;  // e.g. "std/eu.rules", shown in diagnostics as "<std>/eu.rules"
  std::string_view text;
};

std::span<const Module> standard_modules();

}  // namespace precept::stdlib
