// Fuzz target: compile and evaluate. The input is a rule file, then
// optionally a NUL byte and the choices of a facts document
// (fuzz/schema_facts.hpp). When the rule file checks, it is compiled, the
// bundle written and read back and verified, and the generated facts are
// decided three ways, which must agree:
//   - the VM on the facts as JSON text (the simdjson loader, the hot path),
//   - the VM on the parsed document (the nlohmann loader),
//   - the reference interpreter (lang/reference.hpp), written from the docs.
// Unlike fuzz_diff, whose programs come from a generator, the programs here
// are whatever the mutations of real rule files (the seeds: the golden
// cases and the rule packs) make of them. Any crash, sanitizer report,
// verifier rejection of compiled code, or disagreement is a finding.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "fuzz/program_gen.hpp"
#include "fuzz/schema_facts.hpp"
#include "lang/compiler.hpp"
#include "lang/frontend.hpp"
#include "lang/reference.hpp"
#include "lang/reference_compare.hpp"
#include "runtime/bundle.hpp"
#include "runtime/date.hpp"
#include "runtime/decision.hpp"
#include "runtime/facts.hpp"
#include "runtime/vm.hpp"

namespace {

using namespace precept;

constexpr std::uint64_t fuel = 200'000;

[[noreturn]] void finding(const std::string& rules, const nlohmann::json& facts,
                          const std::string& what) {
  std::fprintf(stderr, "=== program\n%s\n=== facts\n%s\n=== %s\n", rules.c_str(),
               facts.dump().c_str(), what.c_str());
  __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto* end = static_cast<const std::uint8_t*>(std::memchr(data, 0, size));
  std::size_t rules_size = end ? static_cast<std::size_t>(end - data) : size;
  std::string rules(reinterpret_cast<const char*>(data), rules_size);

  lang::SourceSet sources;
  sources.add("e.rules", rules);
  lang::Diagnostics diags;
  auto program = lang::check_sources(sources, diags);
  if (!program || diags.has_errors()) return 0;

  // Compiled code always verifies, unless the compiler said it is too large.
  runtime::Image compiled = lang::compile(*program, sources, diags);
  if (diags.has_errors()) return 0;
  runtime::Image image;
  std::string error = runtime::read_bundle(runtime::write_bundle(compiled), image);
  if (!error.empty()) finding(rules, nullptr, "the bundle does not read back: " + error);
  auto exe = runtime::Executable::make(std::move(image), error);
  if (!exe) finding(rules, nullptr, "the compiled program does not verify: " + error);

  fuzz::ByteSource choices(end ? end + 1 : data + size, end ? size - rules_size - 1 : 0);
  nlohmann::json facts = fuzz::facts_for_schema(choices, exe->image());

  lang::ReferenceOptions options;
  options.explain = true;
  options.now = *runtime::parse_iso_date("2026-12-04");
  options.max_steps = fuel;

  // The hot path: JSON text through the simdjson loader.
  runtime::FactLoader loader(exe);
  runtime::Facts loaded;
  if (!loader.load(facts.dump(), loaded, error)) finding(rules, facts, "not loaded: " + error);
  runtime::EvalOptions eval;
  eval.explain = true;
  eval.now = options.now;
  eval.fuel = fuel;
  runtime::Vm vm(exe);
  runtime::Decision decision;
  vm.evaluate(loaded, eval, decision);
  nlohmann::json from_text = nlohmann::json::parse(runtime::to_json(decision, exe->image()));
  (void)runtime::to_text(decision, exe->image());

  nlohmann::json from_document = lang::vm_decide(exe, facts, options);
  if (from_text != from_document) {
    finding(rules, facts,
            "the two fact loaders disagree\n" + from_text.dump() + "\n" + from_document.dump());
  }
  nlohmann::json reference = lang::reference_decide(*program, sources, facts, options);
  lang::DecisionComparison comparison = lang::compare_decisions(reference, from_document);
  if (!comparison.limited && !comparison.agree()) {
    finding(rules, facts,
            "the VM and the reference interpreter disagree\n" + comparison.summary);
  }
  return 0;
}
