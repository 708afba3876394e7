#include "runtime/guard_index.hpp"

#include <bit>
#include <algorithm>
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

  // Group the guards by the field holding their strings, then by string:
  // one sorted list of (field, string, guard), then one table per field.
  // Sorting by hash before text keeps string comparisons rare (a bundle of
  // 2000 rules has tens of thousands of guard strings) and equal strings
  // together.
  struct Entry {
    std::uint32_t field;
    std::uint64_t hash;
    std::string_view text;
    std::uint32_t guard;
  };
  std::vector<Entry> entries;
  path_start_.reserve(guard_count_ + 1);
  for (std::uint32_t g = 0; g < guard_count_; ++g) {
    const Guard& guard = image.guards[g];
    path_start_.push_back(static_cast<std::uint32_t>(path_fields_.size()));
    for (const FieldRef& step : guard.path)
      path_fields_.push_back(field_base_[step.record] + step.field);
    // The verifier has checked that every guard has a path.
    const std::uint32_t field = path_fields_.back();
    for (const std::string& text : guard.strings) entries.push_back({field, hash(text), text, g});
  }
  path_start_.push_back(static_cast<std::uint32_t>(path_fields_.size()));
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.field != b.field) return a.field < b.field;
    if (a.hash != b.hash) return a.hash < b.hash;
    if (a.text != b.text) return a.text < b.text;
    return a.guard < b.guard;
  });
  for (std::size_t i = 0; i < entries.size();) {
    const std::uint32_t field = entries[i].field;
    std::size_t end = i;
    std::size_t distinct = 0;
    for (; end < entries.size() && entries[end].field == field; ++end) {
      if (end == i || entries[end].text != entries[end - 1].text) ++distinct;
    }
    table_of_field_[field] = static_cast<std::int32_t>(tables_.size());
    Table& table = tables_.emplace_back();
    table.slots.resize(std::bit_ceil(std::max<std::size_t>(4, distinct * 2)));
    table.mask = table.slots.size() - 1;
    while (i < end) {
      const std::string_view text = entries[i].text;
      const auto first = static_cast<std::uint32_t>(ids_.size());
      for (; i < end && entries[i].text == text; ++i) {
        if (ids_.size() == first || ids_.back() != entries[i].guard) ids_.push_back(entries[i].guard);
      }
      std::uint64_t at = entries[i - 1].hash & table.mask;
      while (table.slots[at].count != 0) at = (at + 1) & table.mask;
      table.slots[at] = Slot{text, first, static_cast<std::uint32_t>(ids_.size()) - first};
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
    for (std::uint32_t f = path_start_[g]; f < path_start_[g + 1]; ++f)
      clean = clean && !test_bit(unclean, path_fields_[f]);
    if (clean) return true;
  }
  return false;
}

}  // namespace precept::runtime
