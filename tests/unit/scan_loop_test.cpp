// Which quantifier loops the VM runs natively (runtime/scan_loop.hpp): the
// shape the compiler emits, and the same shape with locals shared between
// the collection, the position, the element and the accumulator, which the
// native loop (written back once, after its last element) must leave to the
// instructions.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "runtime/scan_loop.hpp"

using namespace precept::runtime;

namespace {

// `some e in xs: "pii" in e.tags` as the compiler lays it out from pc 0:
//   0 iter_next %it -> 8   1 store_local %element   2 push_const 0
//   3 load_local %element  4 get_field 2            5 in
//   6 acc_or %acc -> 8     7 jump -> 0
std::vector<Instr> some_loop(std::uint32_t iterator, std::uint32_t element, std::uint32_t acc) {
  return {
      {Op::iter_next, iterator, 8}, {Op::store_local, element, 0},
      {Op::push_const, 0, 0},       {Op::load_local, element, 0},
      {Op::get_field, 2, 0},        {Op::in, 0, 0},
      {Op::acc_or, acc, 8},         {Op::jump, 0, 0},
  };
}

Function function_over(const std::vector<Instr>& code) {
  Function f;
  f.end = static_cast<std::uint32_t>(code.size());
  f.locals = 8;
  return f;
}

}  // namespace

TEST_CASE("a scan loop is the compiler's quantifier loop", "[scan_loop]") {
  const std::vector<Instr> code = some_loop(0, 2, 3);
  const auto loop = match_scan_loop(code, function_over(code), 0);
  REQUIRE(loop.has_value());
  CHECK(loop->iterator == 0);
  CHECK(loop->element == 2);
  CHECK(loop->accumulator == 3);
  CHECK_FALSE(loop->every);
  CHECK(loop->end == 8);
  CHECK(loop->settled == 8);
  CHECK(loop->test_count == 1);
  CHECK(loop->tests[0].form == ScanTest::Form::const_in);
  CHECK(loop->tests[0].of_field);
  CHECK(loop->tests[0].slot == 2);
}

TEST_CASE("a loop whose locals overlap runs as instructions", "[scan_loop]") {
  // The iterator takes two locals: the collection (0) and the position (1).
  struct Case {
    std::uint32_t element, acc;
  };
  for (Case c : {Case{0, 3}, Case{1, 3}, Case{2, 0}, Case{2, 1}, Case{2, 2}}) {
    INFO("element %" << c.element << ", accumulator %" << c.acc);
    const std::vector<Instr> code = some_loop(0, c.element, c.acc);
    CHECK_FALSE(match_scan_loop(code, function_over(code), 0).has_value());
  }
}
