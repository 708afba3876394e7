// Facts documents for any compiled program, from fuzz input bytes: walks the
// program's schema (runtime/image.hpp) and writes a JSON object with every
// root field present, absent, null, of the wrong JSON type or well-typed,
// with strings taken from the program's own constants (so comparisons and
// rule guards can match), enum members by name or code, dates near the
// program's, and the numbers at the edges of the int and double ranges.
//
//   ByteSource in(data, size);
//   nlohmann::json facts = facts_for_schema(in, exe->image());
//
// fuzz/facts_gen.cpp does the same for the programs the differential
// fuzzer generates, from the generator's own model of them.
#pragma once

#include <nlohmann/json.hpp>

#include "fuzz/program_gen.hpp"
#include "runtime/image.hpp"

namespace precept::fuzz {

nlohmann::json facts_for_schema(ByteSource& in, const runtime::Image& image);

}  // namespace precept::fuzz
