// Quantifier loops the VM runs as one instruction.
//
// `some d in data: "pii" in d.tags` compiles to a loop of about eight
// instructions per element (iter_next, store_local, the test, acc_or,
// jump), and governance rules are full of such loops over datasets, tags
// and regions. When the loop's body is one or two simple tests of the
// element (joined by `and` or `or`), the VM runs the whole loop in a tight
// native loop instead (Op::scan_loop, fused over the loop's iter_next):
//
//   iter_next %it -> END     store_local %e     <test> [jump_if_false L  <test>  and]
//   L: acc_or %acc -> DONE   jump -> (iter_next)
//
// where a test is one of
//
//   push_const C; load_local %e; [get_field s;] in | not_in      "pii" in d.tags
//   load_local %e; [get_field s;] push_const C; <compare> | in | not_in | intersects
//                                                                d.classification == "restricted"
//                                                                d.used_for intersects {"training"}
//   load_local %e; [get_field s]                                 c.can_override
//
// The native loop does exactly what those instructions would do, element by
// element, and charges the same fuel; an element it cannot do that way (a
// missing value, an unknown, a long string, too little fuel left, reads
// being recorded for an explanation) is left to the instructions
// themselves, which are still in place: nothing is decided differently.
//
//   std::optional<ScanLoop> loop = match_scan_loop(image.code, function, pc);
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "runtime/image.hpp"
#include "runtime/opcodes.hpp"

namespace precept::runtime {

// One test of the element in a scan loop's body.
struct ScanTest {
  enum class Form : std::uint8_t {
    truth,             // the subject itself (a bool)
    const_in,          // constants[constant] in | not in the subject (op)
    subject_vs_const,  // the subject <op> constants[constant]: a comparison, in, not in
                       // or intersects
  };
  Form form = Form::truth;
  bool of_field = false;  // the subject is field `slot` of the element, not the element
  std::uint32_t slot = 0;
  std::uint32_t constant = 0;
  Op op = Op::halt;
  std::uint32_t units = 0;  // the instructions the test is
};

struct ScanLoop {
  std::uint32_t iterator = 0;     // iter_next's A: the collection, then the position
  std::uint32_t element = 0;      // the store_local's slot
  std::uint32_t accumulator = 0;  // acc_or's or acc_and's A
  bool every = false;             // acc_and (`every`), not acc_or (`some`)
  std::uint32_t end = 0;          // iter_next's B: where the loop goes when it runs out
  std::uint32_t settled = 0;      // the accumulator's B: where it goes once settled
  ScanTest tests[2];
  std::uint32_t test_count = 1;
  Op join = Op::and_;  // two tests: and_ (jump_if_false between them) or or_ (jump_if_true)
};

// The scan loop whose iter_next is at `pc` in `function`, if the code there
// has that shape.
std::optional<ScanLoop> match_scan_loop(const std::vector<Instr>& code, const Function& function,
                                        std::uint32_t pc);

}  // namespace precept::runtime
