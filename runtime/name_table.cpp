#include "runtime/name_table.hpp"

namespace precept::runtime {

void NameTable::build(const std::vector<std::pair<std::string_view, std::uint32_t>>& entries) {
  slots_.assign(table_slots(entries.size()), Slot{});
  mask_ = slots_.size() - 1;
  for (const auto& [key, value] : entries) {
    if (find(key) != no_index) continue;
    const std::uint64_t h = hash_bytes(key);
    std::size_t i = h & mask_;
    while (slots_[i].value != no_index) i = (i + 1) & mask_;
    slots_[i] = Slot{key, h, value};
  }
}

}  // namespace precept::runtime
