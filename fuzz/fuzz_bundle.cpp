// Fuzz target: arbitrary bytes as a bundle. The reader checks the framing
// (and the trailing checksum), the verifier everything else; whatever both
// accept is disassembled and run on an empty facts document. The checksum
// would stop nearly every mutation at once, so a mutated body gets a fresh
// checksum first (the first input byte chooses) to reach the verifier.
#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/bundle.hpp"
#include "runtime/disasm.hpp"
#include "runtime/verifier.hpp"
#include "runtime/vm.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace precept::runtime;
  if (size == 0) return 0;
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 1) != 0 && bytes.size() >= bundle_checksum_size) {
    bytes = with_checksum(bytes.substr(0, bytes.size() - bundle_checksum_size));
  }
  Image image;
  if (!read_bundle(bytes, image).empty()) return 0;
  (void)disassemble(image);
  std::string error;
  auto exe = Executable::make(std::move(image), error);
  if (!exe) return 0;
  (void)disassemble(exe->image());
  FactLoader loader(exe);
  Facts facts;
  if (loader.load("{}", facts, error)) {
    Vm vm(exe);
    Decision decision;
    EvalOptions options;
    options.fuel = 100'000;
    options.explain = true;
    vm.evaluate(facts, options, decision);
    (void)to_json(decision, exe->image());
  }
  return 0;
}
