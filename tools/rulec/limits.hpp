// The limits a user can change on rulec's command line: `--limit
// NAME=VALUE`, repeatable, on every command that reads rules or facts.
// Each is a field of ParseLimits, FactLimits or EvalOptions; the defaults
// are theirs (docs/security.md lists them).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lang/parser.hpp"
#include "runtime/bundle.hpp"
#include "runtime/facts.hpp"
#include "runtime/vm.hpp"

namespace CLI {
class App;
}

namespace precept::rulec {

struct Limits {
  lang::ParseLimits parse;
  runtime::FactLimits facts;
  std::uint64_t fuel = runtime::EvalOptions{}.fuel;
  std::size_t entries = runtime::EvalOptions{}.max_entries;
  std::size_t bundle_bytes = runtime::default_max_bundle_bytes;

  // Copies the evaluation limits into `options`.
  void apply(runtime::EvalOptions& options) const {
    options.fuel = fuel;
    options.max_entries = entries;
  }
};

// Adds `--limit NAME=VALUE` to `cmd`, collecting the specs in `specs`.
void add_limit_option(CLI::App* cmd, std::vector<std::string>& specs);

// Reads `specs` into `limits`; false after printing an error that names the
// spec (an unknown name lists the known ones).
bool parse_limits(const std::vector<std::string>& specs, Limits& limits);

}  // namespace precept::rulec
