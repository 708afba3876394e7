#include "runtime/guard_index.hpp"

#include <bit>
#include <map>
#include <string>

#include "runtime/hash.hpp"

namespace precept::runtime {

std::uint64_t GuardIndex::hash(std::string_view text) { return hash_bytes(text); }

GuardIndex::GuardIndex(const Image& image) {
  const Schema& schema = image.schema;
  field_base_.reserve(schema.records.size());
  for (const RecordType& record : schema.records) {
    field_base_.push_back(static_cast<std::uint32_t>(field_count_));
    field_count_ += record.fields.size();
  }
  table_of_field_.assign(field_count_, -1);
  guard_count_ = image.guards.size();

  // Group the guards by the field holding their strings, then by string.
  std::map<std::uint32_t, std::map<std::string_view, std::vector<std::uint32_t>>> by_field;
  guard_fields_.resize(guard_count_);
  for (std::uint32_t g = 0; g < guard_count_; ++g) {
    const Guard& guard = image.guards[g];
    for (const FieldRef& step : guard.path)
      guard_fields_[g].push_back(field_base_[step.record] + step.field);
    auto& strings = by_field[guard_fields_[g].back()];
    for (const std::string& s : guard.strings) {
      auto& ids = strings[s];
      if (ids.empty() || ids.back() != g) ids.push_back(g);
    }
  }
  for (const auto& [field, strings] : by_field) {
    table_of_field_[field] = static_cast<std::int32_t>(tables_.size());
    Table& table = tables_.emplace_back();
    table.slots.resize(std::bit_ceil(std::max<std::size_t>(4, strings.size() * 2)));
    table.mask = table.slots.size() - 1;
    for (const auto& [text, ids] : strings) {
      std::uint64_t at = hash(text) & table.mask;
      while (table.slots[at].count != 0) at = (at + 1) & table.mask;
      table.slots[at] = Slot{text, static_cast<std::uint32_t>(ids_.size()),
                             static_cast<std::uint32_t>(ids.size())};
      ids_.insert(ids_.end(), ids.begin(), ids.end());
    }
  }
}

bool GuardIndex::rules_out(const std::vector<std::uint32_t>& guards,
                           const std::vector<std::uint64_t>& hits,
                           const std::vector<std::uint64_t>& unclean) const {
  if (hits.size() * 64 < guard_count_ || unclean.size() * 64 < field_count_) return false;
  for (std::uint32_t g : guards) {
    if (test_bit(hits, g)) continue;
    bool clean = true;
    for (std::uint32_t field : guard_fields_[g]) clean = clean && !test_bit(unclean, field);
    if (clean) return true;
  }
  return false;
}

}  // namespace precept::runtime
