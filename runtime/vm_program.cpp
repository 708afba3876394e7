#include "runtime/vm_program.hpp"

#include <algorithm>
#include <utility>

#include "runtime/executable.hpp"
#include "runtime/fusion.hpp"

namespace precept::runtime {

namespace {

// The deepest operand stack and the most locals any call chain starting at
// a function needs: its own plus its deepest callee's (an upper bound, as
// if every call were made at the caller's deepest point).
struct ChainNeeds {
  std::size_t stack = 0;
  std::size_t locals = 0;
};
ChainNeeds chain_needs(const Image& image) {
  const auto n = image.functions.size();
  std::vector<std::vector<std::uint32_t>> callees(n);
  for (std::size_t f = 0; f < n; ++f) {
    const Function& fn = image.functions[f];
    for (std::uint32_t pc = fn.entry; pc < fn.end && pc < image.code.size(); ++pc) {
      if (image.code[pc].op == Op::call) callees[f].push_back(image.code[pc].a);
    }
  }
  // Post-order over the acyclic call graph, without recursion (a hostile
  // bundle may chain thousands of functions).
  std::vector<ChainNeeds> needs(n);
  std::vector<std::uint8_t> done(n, 0);
  ChainNeeds worst;
  for (std::size_t root = 0; root < n; ++root) {
    std::vector<std::pair<std::uint32_t, std::size_t>> todo{{static_cast<std::uint32_t>(root), 0}};
    while (!todo.empty()) {
      auto& [f, next] = todo.back();
      if (done[f] == 2) {
        todo.pop_back();
        continue;
      }
      done[f] = 1;
      if (next < callees[f].size()) {
        std::uint32_t callee = callees[f][next++];
        if (done[callee] == 0) todo.emplace_back(callee, 0);
        continue;
      }
      ChainNeeds mine{image.functions[f].max_stack, image.functions[f].locals};
      ChainNeeds deepest;
      for (std::uint32_t callee : callees[f]) {
        deepest.stack = std::max(deepest.stack, needs[callee].stack);
        deepest.locals = std::max(deepest.locals, needs[callee].locals);
      }
      needs[f] = ChainNeeds{mine.stack + deepest.stack, mine.locals + deepest.locals};
      worst.stack = std::max(worst.stack, needs[f].stack);
      worst.locals = std::max(worst.locals, needs[f].locals);
      done[f] = 2;
      todo.pop_back();
    }
  }
  return worst;
}

}  // namespace

VmProgram::VmProgram(const Executable& exe, VmTuning tuning) {
  if (tuning.fuse) {
    FusedCode fused = fuse(exe.image());
    code = std::move(fused.code);
    scans = std::move(fused.scans);
  } else {
    code = exe.image().code;
  }
  if (tuning.index) schedule.emplace(exe);
  for (const RecordType& record : exe.schema().records) {
    field_counts.push_back(static_cast<std::uint32_t>(record.fields.size()));
  }
  const ChainNeeds needs = chain_needs(exe.image());
  max_stack = needs.stack;
  max_locals = needs.locals;
}

}  // namespace precept::runtime
