#include "runtime/name_table.hpp"

#include <bit>

namespace precept::runtime {

void NameTable::build(const std::vector<std::pair<std::string_view, std::uint32_t>>& entries) {
  slots_.assign(table_slots(entries.size()), Slot{});
  mask_ = slots_.size() - 1;
  shift_ = 64 - std::countr_zero(slots_.size());
  for (const auto& [key, value] : entries) {
    const TextWords words = TextWords::of(key);
    if (find(key, words) != no_index) continue;
    std::size_t i = words.hash() >> shift_;
    while (slots_[i].value != no_index) i = (i + 1) & mask_;
    slots_[i] = Slot{words, key.data(), static_cast<std::uint32_t>(key.size()), value};
  }
}

}  // namespace precept::runtime
