// What every Vm of one executable derives from its code before it can run
// it: the code with its frequent runs fused (fusion.hpp), the rule schedule
// (rule_schedule.hpp), each record type's field count and the operand
// stack and locals the deepest call chain can need.
//
// Making it is most of making a Vm (0.6 ms at 2000 rules), so an
// executable makes it once, on first use, and its Vms share it:
//
//   const VmProgram& program = exe.vm_program();   // the default tuning
//   VmProgram plain(exe, {.fuse = false});         // tests: another tuning
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "runtime/opcodes.hpp"
#include "runtime/rule_schedule.hpp"
#include "runtime/scan_loop.hpp"
#include "runtime/vm.hpp"

namespace precept::runtime {

struct VmProgram {
  VmProgram(const Executable& exe, VmTuning tuning);

  std::vector<Instr> code;                  // the executable's code, fused or as it is
  std::vector<ScanLoop> scans;              // the loops of code's Op::scan_loop instructions
  std::vector<std::uint32_t> field_counts;  // per record type of the schema
  std::optional<RuleSchedule> schedule;     // which rules to run; none: every rule
  std::size_t max_stack = 0;                // operand stack of the deepest call chain
  std::size_t max_locals = 0;               // and its locals
};

}  // namespace precept::runtime
