#include "tools/rulec/limits.hpp"

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <charconv>
#include <cstdio>
#include <limits>

namespace precept::rulec {

namespace {

// One limit: its name on the command line, what it bounds, and where it
// lives (values are whole numbers above zero, at most `max`).
struct Setter {
  const char* name;
  const char* meaning;
  std::uint64_t (*get)(const Limits&);
  void (*set)(Limits&, std::uint64_t);
  std::uint64_t max;
};

constexpr std::uint64_t u32_max = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t u64_max = std::numeric_limits<std::uint64_t>::max();

const Setter setters[] = {
    {"source-bytes", "size of one rule file",
     [](const Limits& l) -> std::uint64_t { return l.parse.max_source_bytes; },
     [](Limits& l, std::uint64_t v) { l.parse.max_source_bytes = v; }, u64_max},
    {"nesting", "nesting of parentheses, lists, sets, types and given literals",
     [](const Limits& l) -> std::uint64_t { return l.parse.max_nesting; },
     [](Limits& l, std::uint64_t v) { l.parse.max_nesting = static_cast<unsigned>(v); }, 4096},
    {"expression-depth", "depth of one expression tree",
     [](const Limits& l) -> std::uint64_t { return l.parse.max_expression_depth; },
     [](Limits& l, std::uint64_t v) { l.parse.max_expression_depth = static_cast<unsigned>(v); },
     4096},
    {"identifier-bytes", "length of a name",
     [](const Limits& l) -> std::uint64_t { return l.parse.max_identifier_bytes; },
     [](Limits& l, std::uint64_t v) { l.parse.max_identifier_bytes = v; }, u32_max},
    {"string-bytes", "length of a string literal",
     [](const Limits& l) -> std::uint64_t { return l.parse.max_string_bytes; },
     [](Limits& l, std::uint64_t v) { l.parse.max_string_bytes = v; }, u32_max},
    {"facts-bytes", "size of one facts document",
     [](const Limits& l) -> std::uint64_t { return l.facts.max_bytes; },
     [](Limits& l, std::uint64_t v) { l.facts.max_bytes = v; }, u32_max},
    {"facts-depth", "nesting of arrays and objects in a facts document",
     [](const Limits& l) -> std::uint64_t { return l.facts.max_depth; },
     [](Limits& l, std::uint64_t v) { l.facts.max_depth = v; }, 1024},
    {"bundle-bytes", "size of a bundle (.rbc)",
     [](const Limits& l) -> std::uint64_t { return l.bundle_bytes; },
     [](Limits& l, std::uint64_t v) { l.bundle_bytes = v; }, u64_max},
    {"fuel", "fuel units one evaluation may use (one per instruction, more for work that grows with its values)",
     [](const Limits& l) -> std::uint64_t { return l.fuel; },
     [](Limits& l, std::uint64_t v) { l.fuel = v; }, u64_max},
    {"entries", "violations, reviews, warnings and obligations in one decision",
     [](const Limits& l) -> std::uint64_t { return l.entries; },
     [](Limits& l, std::uint64_t v) { l.entries = v; }, u64_max},
};

// `65536`, `64KiB`, `4MiB`, `1GiB`.
bool parse_value(std::string_view text, std::uint64_t& value) {
  std::uint64_t scale = 1;
  for (auto [suffix, factor] : {std::pair{"KiB", 1ull << 10}, std::pair{"MiB", 1ull << 20},
                                std::pair{"GiB", 1ull << 30}}) {
    if (text.ends_with(suffix)) {
      text.remove_suffix(3);
      scale = factor;
      break;
    }
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value == 0) return false;
  if (value > u64_max / scale) return false;
  value *= scale;
  return true;
}

std::string known_limits() {
  const Limits defaults;
  std::string text;
  for (const Setter& s : setters) {
    text += fmt::format("  {:<17} {} (default {})\n", s.name, s.meaning, s.get(defaults));
  }
  return text;
}

}  // namespace

void add_limit_option(CLI::App* cmd, std::vector<std::string>& specs) {
  cmd->add_option("--limit", specs,
                  "Change a limit, NAME=VALUE (repeatable; sizes may end in KiB, MiB, GiB):\n" +
                      known_limits())
      ->type_name("NAME=VALUE");
}

bool parse_limits(const std::vector<std::string>& specs, Limits& limits) {
  for (const std::string& spec : specs) {
    std::size_t eq = spec.find('=');
    std::string_view name = std::string_view(spec).substr(0, eq);
    const Setter* setter = nullptr;
    for (const Setter& s : setters) {
      if (name == s.name) setter = &s;
    }
    if (setter == nullptr) {
      fmt::print(stderr, "rulec: --limit `{}`: no limit is called `{}`; the limits are:\n{}", spec,
                 name, known_limits());
      return false;
    }
    std::uint64_t value = 0;
    if (eq == std::string::npos || !parse_value(std::string_view(spec).substr(eq + 1), value) ||
        value > setter->max) {
      fmt::print(stderr,
                 "rulec: --limit `{}`: the value must be a whole number from 1 to {} (sizes may "
                 "end in KiB, MiB or GiB)\n",
                 spec, setter->max);
      return false;
    }
    setter->set(limits, value);
  }
  return true;
}

}  // namespace precept::rulec
