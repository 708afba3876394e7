#include "runtime/name_table.hpp"

#include <algorithm>
#include <bit>

namespace precept::runtime {

void NameTable::build(const std::vector<std::pair<std::string_view, std::uint32_t>>& entries) {
  reset(entries.size());
  for (const auto& [key, value] : entries) insert(key, value);
}

void NameTable::reset(std::size_t entries) {
  slots_.assign(table_slots(entries), Slot{});
  mask_ = slots_.size() - 1;
  shift_ = 64 - std::countr_zero(slots_.size());
}

void NameTable::insert(std::string_view key, std::uint32_t value) {
  // One walk of the probe sequence: the key is already there (the earlier
  // entry wins) or this is the empty slot it goes in.
  const TextWords words = TextWords::of(key);
  for (std::size_t i = fixed_key_hash(key, words) >> shift_;; i = (i + 1) & mask_) {
    Slot& s = slots_[i];
    if (s.value == no_index) {
      s = Slot{words, key.data(), static_cast<std::uint32_t>(key.size()), value};
      return;
    }
    if (s.holds(key, words)) return;
  }
}

std::size_t NameTable::longest_displacement() const {
  std::size_t longest = 0;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const Slot& s = slots_[i];
    if (s.value == no_index) continue;
    const std::size_t home = fixed_key_hash({s.text, s.size}, s.words) >> shift_;
    longest = std::max(longest, (i - home) & mask_);
  }
  return longest;
}

}  // namespace precept::runtime
