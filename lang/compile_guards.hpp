// Rule indexing at compile time: from a rule's condition, the guards
// (runtime/image.hpp, Guard) the fact loader can check, so the VM can skip
// a rule that cannot fire without running it.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "lang/checker.hpp"
#include "runtime/image.hpp"

namespace precept::lang {

// The schema record of a checked record type (the compiler's numbering).
using RecordIndex = std::function<std::uint32_t(const Type*)>;

// Guards that every firing instance of `rule` satisfies, each a string
// constant (or a constant set of strings) the condition compares a fact
// field with: `"pii" in d.tags` under `some d in data`, `x.country in
// EU_EEA`, `transfer_mechanism == "none"`, `use_cases intersects S`, joined
// by `and`. Empty when the rule has `for` or `let` bindings, or when its
// condition could report an evaluation error (arithmetic, calls,
// interpolation): skipping such a rule would hide the error.
std::vector<runtime::Guard> derive_guards(const RuleDecl& rule, const Program& program,
                                          const RecordIndex& record_index);

}  // namespace precept::lang
