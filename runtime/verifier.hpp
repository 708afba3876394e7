// The verifier: nothing runs until it has accepted the image. It checks
// every index (types, enums, records, constants, functions, rules, outputs,
// locals, record slots, builtins), every jump target, that each function
// ends in `ret` or `halt` and that the operand stack depth at every
// instruction is the same on every path, never negative and bounded, and
// records each function's max_stack.
#pragma once

#include <string>

#include "runtime/image.hpp"

namespace precept::runtime {

// Empty when `image` is sound; otherwise what is wrong, naming the part
// (`function \`rule a.b\`: instruction 7 (jump): target 99 is outside the function`).
std::string verify(Image& image);

// What the verifier found, for the compiler, which maps a program too large
// for the VM back to its source.
struct VerifyResult {
  std::string problem;               // empty when the image is sound
  std::uint32_t at = no_index;       // the instruction to blame, if one is
  bool exceeds_vm_limits = false;    // sound code needing a deeper stack or more locals
};
VerifyResult verify_detailed(Image& image);

}  // namespace precept::runtime
