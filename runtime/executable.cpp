#include "runtime/executable.hpp"

#include <bit>

#include "runtime/hash.hpp"
#include "runtime/verifier.hpp"
#include "runtime/vm_program.hpp"

namespace precept::runtime {

namespace {

// Below this many items a scan is as fast as hashing the probe.
constexpr std::uint32_t lookup_min_items = 8;

// A lookup table for a collection whose items are all strings, or null.
const StringLookup* build_lookup(Arena& arena, const Value* items, std::uint32_t count) {
  if (count < lookup_min_items) return nullptr;
  for (std::uint32_t k = 0; k < count; ++k) {
    if (items[k].tag != Tag::string) return nullptr;
  }
  const std::uint32_t size = std::bit_ceil(count * 2);
  std::uint32_t* slots = arena.allocate<std::uint32_t>(size);
  std::fill(slots, slots + size, 0u);
  for (std::uint32_t k = 0; k < count; ++k) {
    std::uint64_t at = hash_bytes(items[k].str()) & (size - 1);
    while (slots[at] != 0) at = (at + 1) & (size - 1);
    slots[at] = k + 1;
  }
  auto* lookup = arena.allocate<StringLookup>(1);
  *lookup = StringLookup{slots, size - 1};
  return lookup;
}

}  // namespace

Executable::Executable() = default;
Executable::~Executable() = default;

const VmProgram& Executable::vm_program() const {
  std::call_once(vm_program_made_,
                 [this] { vm_program_ = std::make_unique<const VmProgram>(*this, VmTuning{}); });
  return *vm_program_;
}

std::shared_ptr<const Executable> Executable::make(Image image, std::string& error) {
  error = verify(image);
  if (!error.empty()) return nullptr;
  std::shared_ptr<Executable> exe{new Executable()};
  exe->image_ = std::move(image);
  const std::vector<Constant>& constants = exe->image_.constants;
  exe->constants_.resize(constants.size());
  // The verifier guarantees that a collection's elements come before it.
  for (std::size_t i = 0; i < constants.size(); ++i) {
    const Constant& c = constants[i];
    Value& v = exe->constants_[i];
    switch (c.kind) {
      case Constant::Kind::none:
        v = Value::none_value();
        break;
      case Constant::Kind::boolean:
        v = Value::boolean(c.integer != 0);
        break;
      case Constant::Kind::integer:
        v = Value::integer(c.integer);
        break;
      case Constant::Kind::number:
        v = Value::number(c.number);
        break;
      case Constant::Kind::string:
        v = Value::string(c.string);
        break;
      case Constant::Kind::date:
        v = Value::date(c.integer);
        break;
      case Constant::Kind::enumeration:
        v = Value::member(c.enum_type, c.integer);
        break;
      case Constant::Kind::list:
      case Constant::Kind::set: {
        Value* items = exe->arena_.allocate<Value>(c.elements.size());
        for (std::size_t k = 0; k < c.elements.size(); ++k)
          items[k] = exe->constants_[c.elements[k]];
        auto* list = exe->arena_.allocate<ListData>(1);
        const auto count = static_cast<std::uint32_t>(c.elements.size());
        *list = ListData{items, count, no_index, c.kind == Constant::Kind::set,
                         build_lookup(exe->arena_, items, count)};
        v = Value::of_list(list);
        break;
      }
    }
  }
  exe->guards_ = GuardIndex(exe->image_);
  return exe;
}

}  // namespace precept::runtime
