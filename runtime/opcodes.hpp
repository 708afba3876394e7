// The opcode enum and its table, both generated from opcodes.def.
//
//   const OpInfo& info = op_info(Op::iter_next);
//   info.name == "iter_next"; info.operands == Operands::iter_a_jump_b;
//   int popped = pops(instr);   // resolves the `A`/`B` counts
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

namespace precept::runtime {

enum class Op : std::uint8_t {
#define OPCODE(name, operands, pops, pushes, doc) name,
#define FUSED(name, first, second, doc) name,
#include "runtime/opcodes.def"
#undef FUSED
#undef OPCODE
};

enum class Operands : std::uint8_t {
  none,
  const_a,
  local_a,
  iter_a_jump_b,
  local_a_jump_b,
  jump_a,
  jump_a_b,
  slot_a,
  root_a,
  count_a,
  builtin_a,
  function_a,
  effect_a_count_b,
  output_a,
  bindings_a,
  state_a_jump_b,
};

// A stack count that an operand gives instead of a fixed number.
inline constexpr int count_from_a = -1;
inline constexpr int count_from_b = -2;

struct OpInfo {
  std::string_view name;
  Operands operands;
  int pops;  // or count_from_a / count_from_b
  int pushes;
  std::string_view semantics;
};

namespace detail {
inline constexpr int A = count_from_a;
inline constexpr int B = count_from_b;
inline constexpr OpInfo op_table[] = {
#define OPCODE(name, operands, pops, pushes, doc) {#name, Operands::operands, pops, pushes, doc},
#include "runtime/opcodes.def"
#undef OPCODE
};
}  // namespace detail

// The opcodes a bundle may hold; the fused ones (VM only) come after them.
inline constexpr std::size_t op_count = std::size(detail::op_table);
static_assert(op_count == static_cast<std::size_t>(Op::set_output) + 1,
              "opcodes.def and the Op enum disagree");

// A fused opcode (VM only) has no row of its own: it reads as `fused`.
inline const OpInfo& op_info(Op op) {
  static constexpr OpInfo fused{"fused", Operands::none, 0, 0, "a pair the VM fused"};
  auto i = static_cast<std::size_t>(op);
  return i < op_count ? detail::op_table[i] : fused;
}
inline bool valid_op(std::uint8_t byte) { return byte < op_count; }

// One instruction: fixed width, so the verifier and disassembler can index
// the code directly.
struct Instr {
  Op op = Op::halt;
  std::uint32_t a = 0;
  std::uint32_t b = 0;
};

inline int pops(const Instr& instr) {
  int p = op_info(instr.op).pops;
  if (p == count_from_a) return static_cast<int>(instr.a);
  if (p == count_from_b) return static_cast<int>(instr.b);
  return p;
}
inline int pushes(const Instr& instr) { return op_info(instr.op).pushes; }

// Whether `op` is one of the six comparisons (eq, ne, lt, le, gt, ge).
inline bool is_comparison(Op op) {
  return op == Op::eq || op == Op::ne || op == Op::lt || op == Op::le || op == Op::gt ||
         op == Op::ge;
}

// Whether comparison `op` holds of two values that order as `order` (-1, 0
// or 1).
inline bool comparison_holds(Op op, int order) {
  switch (op) {
    case Op::eq:
      return order == 0;
    case Op::ne:
      return order != 0;
    case Op::lt:
      return order < 0;
    case Op::le:
      return order <= 0;
    case Op::gt:
      return order > 0;
    default:
      return order >= 0;
  }
}

}  // namespace precept::runtime
