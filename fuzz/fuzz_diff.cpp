// Fuzz target: the differential fuzzer. The input bytes become a well-typed
// program and a facts document (fuzz/program_gen.hpp); the program is
// checked and compiled, and the facts are decided by the VM and by the
// reference interpreter (lang/reference.hpp), written from the docs. When
// the two decisions differ (lang/reference_compare.hpp says what is
// compared), the program, the facts and both decisions are printed and the
// target traps. A generated program the checker rejects is skipped and
// counted: the generator should almost never write one. Each case is also
// decided by the VM's fused code and by the bundle's own code at two small
// fuel limits, which must give the same decision to the byte.
//
// Set PRECEPT_FUZZ_DIFF_VERBOSE=1 to print every rejected program with its
// diagnostics (to improve the generator), =2 to print every case, and
// PRECEPT_FUZZ_DIFF_KEEP_GOING=1 to report disagreements without trapping
// (to triage many at once).
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz/program_gen.hpp"
#include "lang/compiler.hpp"
#include "lang/frontend.hpp"
#include "lang/reference.hpp"
#include "lang/reference_compare.hpp"
#include "lang/render.hpp"
#include "runtime/decision.hpp"
#include "runtime/facts_json.hpp"
#include "runtime/vm.hpp"

namespace {

using namespace precept;

struct Counts {
  std::size_t generated = 0;
  std::size_t rejected = 0;  // by the checker: a gap in the generator
  std::size_t compared = 0;
  std::size_t limited = 0;  // hit a limit: not comparable
  std::size_t disagreed = 0;

  void print() const {
    if (generated == 0) return;
    std::fprintf(stderr,
                 "fuzz_diff: %zu programs, %zu passed the checker (%.1f%%), %zu compared, %zu "
                 "hit a limit, %zu disagreements\n",
                 generated, generated - rejected,
                 100.0 * static_cast<double>(generated - rejected) / static_cast<double>(generated),
                 compared, limited, disagreed);
  }
  ~Counts() { print(); }
};

Counts counts;

bool keep_going() {
  static const bool on = std::getenv("PRECEPT_FUZZ_DIFF_KEEP_GOING") != nullptr;
  return on;
}

int verbosity() {
  static const int level = [] {
    const char* v = std::getenv("PRECEPT_FUZZ_DIFF_VERBOSE");
    return v ? std::atoi(v) : 0;
  }();
  return level;
}

void report(const std::string& rules, const nlohmann::json& facts, const std::string& what) {
  std::fprintf(stderr, "=== program\n%s=== facts\n%s\n=== %s\n", rules.c_str(),
               facts.dump().c_str(), what.c_str());
}

// The VM's fused code (superinstructions and scan loops) decides exactly as
// the code in the bundle does, even when the fuel runs out part of the way:
// the same entries, and the error naming the same instruction.
void check_fuel_limits(const std::shared_ptr<const runtime::Executable>& exe,
                       const fuzz::GeneratedCase& c, const std::uint8_t* data, std::size_t size) {
  runtime::Facts facts;
  std::string error;
  if (!runtime::load_facts(*exe, c.facts, facts, error)) return;
  runtime::EvalOptions options;
  options.explain = c.explain;
  options.now = c.now;
  std::uint64_t seed = size;
  for (std::size_t i = 0; i < size && i < 8; ++i) seed = seed * 131 + data[i];
  runtime::Vm fused(exe), plain(exe, {false, true});
  runtime::Decision a, b;
  for (std::uint64_t fuel : {std::uint64_t{1} + seed % 64, std::uint64_t{1} + seed % 2048}) {
    options.fuel = fuel;
    fused.evaluate(facts, options, a);
    plain.evaluate(facts, options, b);
    const std::string fused_json = runtime::to_json(a, exe->image(), true);
    const std::string plain_json = runtime::to_json(b, exe->image(), true);
    if (fused_json == plain_json) continue;
    report(c.rules, c.facts,
           "fused and unfused code decide differently with " + std::to_string(fuel) +
               " units of fuel\n=== fused\n" + fused_json + "\n=== unfused\n" + plain_json);
    ++counts.disagreed;
    if (!keep_going()) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::GeneratedCase c = fuzz::generate_case(data, size);
  ++counts.generated;
  if ((counts.generated & (counts.generated - 1)) == 0 && counts.generated >= 1024) counts.print();

  lang::SourceSet sources;
  sources.add("g.rules", c.rules);
  lang::Diagnostics diags;
  lang::FrontEndOptions front;
  front.check.lints = false;
  auto program = lang::check_sources(sources, diags, front);
  if (!program || diags.has_errors()) {
    ++counts.rejected;
    if (verbosity() >= 1)
      report(c.rules, c.facts, "rejected\n" + lang::render_text(diags, sources, {}));
    return 0;
  }

  std::string error;
  auto exe = runtime::Executable::make(lang::compile(*program, sources), error);
  if (!exe) {
    report(c.rules, c.facts, "the compiled program does not verify: " + error);
    __builtin_trap();
  }

  check_fuel_limits(exe, c, data, size);

  lang::ReferenceOptions options;
  options.explain = c.explain;
  options.now = c.now;
  nlohmann::json vm = lang::vm_decide(exe, c.facts, options);
  nlohmann::json reference = lang::reference_decide(*program, sources, c.facts, options);
  lang::DecisionComparison comparison = lang::compare_decisions(reference, vm);
  if (verbosity() >= 2) report(c.rules, c.facts, "decided\n" + vm.dump());
  if (comparison.limited) {
    ++counts.limited;
    return 0;
  }
  ++counts.compared;
  if (comparison.agree()) return 0;
  report(c.rules, c.facts,
         "the VM and the reference interpreter disagree (now = " + std::to_string(c.now) +
             ", explain = " + (c.explain ? "on" : "off") + ")\n" + comparison.summary);
  ++counts.disagreed;
  if (!keep_going()) __builtin_trap();
  return 0;
}
