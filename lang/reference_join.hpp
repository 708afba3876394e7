// Outputs in the reference interpreter: joining an output's value with the
// raises of fired rules, and whether an undetermined raise leaves it
// unsettled (LANGUAGE.md "Declarations", docs/decisions.md `outputs`).
#pragma once

#include <vector>

#include "lang/reference_value.hpp"
#include "lang/types.hpp"

namespace precept::lang::reference {

// A value used whole: a collection with an unknown element is unknown, with
// the missing facts of its unknown elements.
Value whole(const Value& v);

// The lowest value of a joinable type: an output declared without a value
// starts from it (the first enum member, `false`, `{}`).
Value lowest_value(const Type* type);

// The join of an output's value and the values raised to it: max in
// declaration order for enums, max for numbers, `or` for bool, union for
// sets; Kleene, so an unknown contribution is harmless once the join has
// reached the top (`true`, the last member).
Value join_values(const Type* type, const std::vector<Value>& contributions);

// Whether an undetermined instance raising `raised` could raise `current`
// higher: its value is unknown or above the current one, unless the
// current one is already the top.
bool could_raise(const Type* type, const Value& current, const Value& raised);

}  // namespace precept::lang::reference
