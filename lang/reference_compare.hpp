// The differential check between the reference interpreter
// (lang/reference.hpp) and the VM: both decide the same facts with the same
// program, and their decisions must agree. Shared by the differential test
// (tests/unit/reference_test.cpp) and the fuzzer (fuzz/fuzz_diff.cpp).
//
//   auto exe = runtime::Executable::make(compile(*program, sources), error);
//   nlohmann::json vm = vm_decide(exe, facts, options);
//   nlohmann::json ref = reference_decide(*program, sources, facts, options);
//   if (auto d = compare_decisions(ref, vm); !d.agree()) report(d.summary);
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lang/reference.hpp"
#include "runtime/executable.hpp"

namespace precept::lang {

// The VM's decision for `facts`, loaded with the nlohmann loader (the
// reference reads the same parsed document), in its JSON form parsed back:
// `to_json(decision, image)` is the VM's stable interface.
nlohmann::json vm_decide(const std::shared_ptr<const runtime::Executable>& exe,
                         const nlohmann::json& facts, const ReferenceOptions& options);

struct DecisionComparison {
  // A decision hit a limit: the VM counts instructions and the reference
  // counts expressions, so they stop at different places and what they
  // decided is not comparable.
  bool limited = false;
  std::vector<std::string> differences;  // the top-level keys that differ
  std::string summary;                   // the keys, then both decisions, when they differ
  bool agree() const { return differences.empty(); }
};

// Compares two decisions. Everything is compared (outcome, complete,
// outputs, entries with their rule ids, titles, messages, severities,
// citations, bindings, fields and `because`, missing paths with their
// rules, errors) except the wording of error messages, which the docs do
// not fix: an error is compared by its kind, path and place (`at`).
DecisionComparison compare_decisions(const nlohmann::json& reference, const nlohmann::json& vm);

}  // namespace precept::lang
