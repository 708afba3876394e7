// The VM: evaluates every rule instance and output of an Executable over one
// loaded facts document and fills a Decision (LANGUAGE.md "Decisions").
// One Vm per thread; it keeps its scratch memory between evaluations.
//
//   Vm vm{exe};
//   Decision decision;
//   vm.evaluate(facts, EvalOptions{.explain = true, .now = days}, decision);
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "runtime/decision.hpp"
#include "runtime/executable.hpp"
#include "runtime/facts.hpp"

namespace precept::runtime {

// The longest string an evaluation may build (`+`, message interpolation);
// past it the value is unknown and a limit error is reported.
inline constexpr std::size_t max_string_bytes = 1u << 20;

struct EvalOptions {
  bool explain = false;  // fill `because` on every entry
  std::int64_t now = 0;  // now(), in days since 1970-01-01
  // Fuel per evaluation: one unit per instruction, plus the work of those
  // whose work grows with their operands (vm.cpp, docs/security.md "Fuel");
  // past it: a limit error, outcome indeterminate.
  std::uint64_t fuel = 50'000'000;
  // Entries (violations, reviews, warnings, obligations) per decision; past
  // it: a limit error, outcome indeterminate (memory stays bounded).
  std::size_t max_entries = 100'000;
};

// How a Vm runs the code. Every setting gives the same decisions (the
// golden tests compare them); the defaults are the fast ones.
struct VmTuning {
  bool fuse = true;   // run fused pairs of instructions (fusion.hpp)
  bool index = true;  // skip rules the facts leave no way to fire (rule_schedule.hpp)
};

class Vm {
 public:
  explicit Vm(std::shared_ptr<const Executable> exe, VmTuning tuning = {});
  ~Vm();
  Vm(Vm&&) noexcept;
  Vm& operator=(Vm&&) noexcept;

  void evaluate(const Facts& facts, const EvalOptions& options, Decision& out);

  // Compiled regular expressions kept for later evaluations: at most 64,
  // whatever patterns the facts brought (for tests and metrics).
  std::size_t cached_patterns() const;

 private:
  struct State;
  std::shared_ptr<const Executable> exe_;
  std::unique_ptr<State> state_;
};

}  // namespace precept::runtime
