// The disagreements between the VM and the reference interpreter that were
// investigated and reported (the compiler or VM is wrong per the docs; see
// the reproductions in tests/unit/reference_test.cpp), recognised by their
// shape so the differential fuzzer keeps looking for new ones. The
// generator avoids the others (GeneratorOptions).
#pragma once

#include <nlohmann/json.hpp>

#include "lang/checker.hpp"
#include "lang/reference_compare.hpp"

namespace precept::fuzz {

// Whether the disagreement of `reference` and `vm` (the decisions of
// `program`) is one of the known ones:
//   1. an output at the top of its join left unsettled by the VM because
//      an undetermined instance would raise it to an unknown value;
//   2. a program with `x or true` / `x and false`, which the compiler folds
//      without evaluating x (its reads, evaluation and input errors are lost);
//   6. floor/ceil of a number in the int range but past ±9.2e18, which the
//      VM calls outside the int range.
bool is_known_disagreement(const lang::Program& program, const nlohmann::json& reference,
                           const nlohmann::json& vm, const lang::DecisionComparison& comparison);

}  // namespace precept::fuzz
