#include "runtime/fusion.hpp"

#include <cstdint>
#include <optional>

namespace precept::runtime {

namespace {

// The fused form of the run starting with `first`, or `first` unchanged. B
// holds what the fused instruction needs of the rest when it fits one
// operand; otherwise the VM reads the instructions that follow itself.
// (`third` and `fourth` are halts past the end of the function.)
Instr fused(const Instr& first, const Instr& second, const Instr& third, const Instr& fourth) {
  auto op_number = [](Op op) { return static_cast<std::uint32_t>(op); };
  switch (first.op) {
    case Op::load_fact:
      if (second.op == Op::get_field) return {Op::fact_field, first.a, second.a};
      break;
    case Op::load_local:
      if (second.op == Op::get_field) return {Op::local_field, first.a, second.a};
      break;
    case Op::push_const:
      if (is_comparison(second.op)) return {Op::const_compare, first.a, op_number(second.op)};
      if (second.op == Op::load_local && third.op == Op::get_field &&
          (fourth.op == Op::in || fourth.op == Op::not_in)) {
        return {Op::const_in_field, first.a, op_number(fourth.op)};
      }
      if (second.op == Op::in || second.op == Op::not_in) {
        return {Op::const_member, first.a, op_number(second.op)};
      }
      break;
    case Op::iter_next:
      if (second.op == Op::store_local) return {Op::iter_next_store, first.a, first.b};
      break;
    case Op::acc_or:
      if (second.op == Op::jump) return {Op::acc_or_jump, first.a, first.b};
      break;
    case Op::acc_and:
      if (second.op == Op::jump) return {Op::acc_and_jump, first.a, first.b};
      break;
    case Op::decide:
      if (second.op == Op::jump_unless_state) return {Op::decide_unless, first.a, 0};
      break;
    default:
      break;
  }
  return first;
}

}  // namespace

FusedCode fuse(const Image& image) {
  FusedCode out;
  std::vector<Instr>& code = out.code;
  code = image.code;
  // Within each function only: a pair never spans two of them.
  for (const Function& f : image.functions) {
    if (f.end > code.size()) continue;
    auto at = [&](std::uint32_t pc) { return pc < f.end ? image.code[pc] : Instr{}; };
    for (std::uint32_t pc = f.entry; pc + 1 < f.end; ++pc) {
      if (image.code[pc].op == Op::iter_next) {
        if (std::optional<ScanLoop> loop = match_scan_loop(image.code, f, pc)) {
          code[pc] = {Op::scan_loop, static_cast<std::uint32_t>(out.scans.size()), 0};
          out.scans.push_back(*loop);
          continue;
        }
      }
      code[pc] = fused(image.code[pc], image.code[pc + 1], at(pc + 2), at(pc + 3));
    }
  }
  return out;
}

}  // namespace precept::runtime
