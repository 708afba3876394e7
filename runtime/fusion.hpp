// Superinstructions: the code the VM runs is the verified code with the
// first instruction of each frequent pair (or longer run) rewritten into its
// fused form (opcodes.def, FUSED), so the run costs one dispatch.
//
//   FusedCode fused = fuse(image);   // fused.code: image.code.size() instructions
//
// Quantifier loops with a simple body become one instruction too
// (scan_loop.hpp), described in fused.scans.
//
// Nothing moves: the rest of a run stays where it was, so jump targets,
// source locations and the fuel charged (one unit for each instruction of
// the run) are those of the original code.
#pragma once

#include <vector>

#include "runtime/image.hpp"
#include "runtime/opcodes.hpp"
#include "runtime/scan_loop.hpp"

namespace precept::runtime {

struct FusedCode {
  std::vector<Instr> code;
  std::vector<ScanLoop> scans;  // Op::scan_loop's A indexes these
};

FusedCode fuse(const Image& image);

}  // namespace precept::runtime
