// A map from short strings to 32-bit indexes, built once and then only
// read, with open addressing: the fact loader's field names and enum
// spellings, and the fact-test index's string groups. The keys are views:
// what they point into must outlive the table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/hash.hpp"
#include "runtime/image.hpp"  // no_index

namespace precept::runtime {

class NameTable {
 public:
  // Earlier entries win over later ones with the same key; no_index is not
  // a value.
  void build(const std::vector<std::pair<std::string_view, std::uint32_t>>& entries);
  // The key's value, or no_index.
  std::uint32_t find(std::string_view key) const {
    if (slots_.empty()) return no_index;
    const std::uint64_t h = hash_bytes(key);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.value == no_index) return no_index;
      if (s.hash == h && same_text(s.key, key)) return s.value;
    }
  }

 private:
  struct Slot {
    std::string_view key;
    std::uint64_t hash = 0;
    std::uint32_t value = no_index;
  };
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
};

}  // namespace precept::runtime
