// Superinstructions: the code the VM runs is the verified code with the
// first instruction of each frequent pair rewritten into its fused form
// (opcodes.def, FUSED), so the pair costs one dispatch instead of two.
//
//   std::vector<Instr> code = fuse(image);   // image.code.size() instructions
//
// Nothing moves: the second instruction of a pair stays where it was, so
// jump targets, source locations and the fuel charged (one unit for each
// instruction of a pair) are those of the original code.
#pragma once

#include <vector>

#include "runtime/image.hpp"
#include "runtime/opcodes.hpp"

namespace precept::runtime {

std::vector<Instr> fuse(const Image& image);

}  // namespace precept::runtime
