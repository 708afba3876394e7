// Superinstructions: the code the VM runs is the verified code with the
// first instruction of each frequent pair (or longer run) rewritten into its
// fused form (opcodes.def, FUSED), so the run costs one dispatch.
//
//   std::vector<Instr> code = fuse(image);   // image.code.size() instructions
//
// Nothing moves: the rest of a run stays where it was, so jump targets,
// source locations and the fuel charged (one unit for each instruction of
// the run) are those of the original code.
#pragma once

#include <vector>

#include "runtime/image.hpp"
#include "runtime/opcodes.hpp"

namespace precept::runtime {

std::vector<Instr> fuse(const Image& image);

}  // namespace precept::runtime
