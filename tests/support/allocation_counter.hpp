// Counts heap allocations made through operator new, for the tests and
// benchmarks that prove steady-state decisions allocate nothing. Linking
// allocation_counter.cpp replaces the global operator new and delete of the
// whole executable, which is why those tests have executables of their own.
#pragma once

#include <cstddef>

namespace precept::test {

// Allocations made so far by this process, every thread included.
std::size_t allocation_count();

}  // namespace precept::test
