// Readable bytecode: the manifest, schema, constants, then every function
// with one instruction per line (index, opcode, operands resolved to names,
// source line). Used by `rulec disasm` and the compiler's golden tests.
#pragma once

#include <string>

#include "runtime/image.hpp"

namespace precept::runtime {

std::string disassemble(const Image& image);

}  // namespace precept::runtime
