// Fuzz target: the differential fuzzer. The input bytes become a well-typed
// program and a facts document (fuzz/program_gen.hpp); the program is
// checked and compiled, and the facts are decided by the VM and by the
// reference interpreter (lang/reference.hpp), written from the docs. When
// the two decisions differ (lang/reference_compare.hpp says what is
// compared), the program, the facts and both decisions are printed and the
// target traps. A generated program the checker rejects is skipped and
// counted: the generator should almost never write one.
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
