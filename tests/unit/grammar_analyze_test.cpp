// Grammar health: PEGTL's analyze<>() finds no rule that could loop without
// consuming input (a star<> over something that may match nothing) and no
// left recursion, which would hang or overflow the parser on some input.
#include <catch2/catch.hpp>

#include <tao/pegtl/contrib/analyze.hpp>

#include "lang/grammar.hpp"

TEST_CASE("the grammar has no rule that loops without consuming input", "[parser][grammar]") {
  // verbose = 1 prints each problem found, naming the rule.
  CHECK(tao::pegtl::analyze<precept::lang::grammar::module>(1) == 0);
}
