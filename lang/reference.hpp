// The reference interpreter: a plain tree-walking evaluator of the checked
// program, written from the language's documentation (LANGUAGE.md in the
// design notes, docs/language.md and docs/decisions.md), not from the
// compiler or the VM. It is the oracle of the differential tests: the VM and
// this evaluator must reach the same decision for every program and facts
// document. It is written for clarity, not speed; never use it to serve
// decisions.
//
//   auto program = check_sources(sources, diags);          // no errors
//   nlohmann::json facts = nlohmann::json::parse(text);
//   nlohmann::json decision = reference_decide(*program, sources, facts, {.explain = true});
//   decision["outcome"] == "deny";
//
// It reads the facts itself, through the declared schema (not through
// runtime/facts.cpp), and returns the decision in docs/decisions.md's JSON
// form (an nlohmann::json object: its keys are those of the documented
// form, though nlohmann sorts them).
//
// Where the docs leave a choice open, it decides as follows (the
// differential tests showed the VM decides the same):
//   - output values are computed before the rules (their evaluation errors
//     come first) and joined and settled after them (their missing facts
//     come last);
//   - a `require`'s message is evaluated before its `with` fields;
//   - `x in c` with an unknown x is unknown because of x alone;
//     `intersects` and `within` with an unknown operand because of that
//     operand alone; `==` because of both operands and their unknown
//     elements;
//   - a fired effect whose message or field shows `unknown` makes the
//     decision incomplete ("complete: true always means every value in it
//     is known");
//   - `sum` with a number `default` adds its values as numbers;
//   - a field named only inside an expression known at compile time
//     (`true or x.f`) is not read, so not converted;
//   - an instance cut short by a `for` over an unknown collection could
//     raise its outputs to anything;
//   - a `for` variable over a computed list of records binds to the
//     record's path, as over the facts (decisions.md's `{"p": {"name":
//     "x"}}` would show a record whole, which it says never happens);
//   - an evaluation error is reported once per place and message.
#pragma once

#include <cstdint>

#include <nlohmann/json_fwd.hpp>

#include "lang/checker.hpp"
#include "lang/source.hpp"

namespace precept::lang {

struct ReferenceOptions {
  bool explain = false;  // give each entry its `because`
  std::int64_t now = 0;  // now(), in days since 1970-01-01
  // Expression evaluations per decision; past it the decision stops with a
  // `limit` error. The VM counts instructions, so the two stop at different
  // places: decisions that hit a limit are not comparable.
  std::uint64_t max_steps = 50'000'000;
};

// Decides `facts` (a parsed JSON document, an object) with `program`, which
// must have been checked without errors. `sources` names the files in
// evaluation errors (`file:line:col`).
nlohmann::json reference_decide(const Program& program, const SourceSet& sources,
                                const nlohmann::json& facts, const ReferenceOptions& options);

}  // namespace precept::lang
