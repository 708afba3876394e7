// An Image that passed the verifier, with its constants turned into values:
// the immutable, shareable form the fact loader and the VM run from.
//
//   std::string error;
//   auto exe = Executable::make(std::move(image), error);
//   if (!exe) report(error);   // e.g. "function `rule a.b`: instruction 7 (jump): target 99 is
//   outside the function"
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/arena.hpp"
#include "runtime/guard_index.hpp"
#include "runtime/image.hpp"
#include "runtime/value.hpp"

namespace precept::runtime {

struct VmProgram;

class Executable {
 public:
  // Verifies `image` (runtime/verifier.hpp) and materialises its constants;
  // null with `error` set when the image is not sound.
  static std::shared_ptr<const Executable> make(Image image, std::string& error);

  const Image& image() const { return image_; }
  const Schema& schema() const { return image_.schema; }
  const Value& constant(std::uint32_t index) const { return constants_[index]; }
  const Value* constants() const { return constants_.data(); }
  const GuardIndex& guards() const { return guards_; }
  // What the VMs of this executable run from with the default tuning
  // (vm_program.hpp): made by the first that asks, from any thread, and
  // shared by all. It costs a bundle load nothing until a VM is made.
  const VmProgram& vm_program() const;

  ~Executable();
  Executable(const Executable&) = delete;
  Executable& operator=(const Executable&) = delete;

 private:
  Executable();
  Image image_;
  Arena arena_;  // holds the constants' lists
  std::vector<Value> constants_;
  GuardIndex guards_;
  mutable std::once_flag vm_program_made_;
  mutable std::unique_ptr<const VmProgram> vm_program_;
};

}  // namespace precept::runtime
