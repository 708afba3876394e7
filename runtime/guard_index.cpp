#include "runtime/guard_index.hpp"

#include <string>

namespace precept::runtime {

GuardIndex::GuardIndex(const Image& image) {
  number_fields(image.schema);
  index_paths(image.guards);
  index_strings(image.guards);
}

void GuardIndex::number_fields(const Schema& schema) {
  field_base_.reserve(schema.records.size());
  for (const RecordType& record : schema.records) {
    field_base_.push_back(static_cast<std::uint32_t>(field_count_));
    field_count_ += record.fields.size();
  }
  table_of_field_.assign(field_count_, -1);
  string_filter_.assign(field_count_, 0);
}

void GuardIndex::index_paths(const std::vector<Guard>& guards) {
  guard_count_ = guards.size();
  std::size_t steps = 0;
  for (const Guard& guard : guards) steps += guard.path.size();
  path_start_.reserve(guard_count_ + 1);
  path_fields_.reserve(steps);
  for (const Guard& guard : guards) {
    path_start_.push_back(static_cast<std::uint32_t>(path_fields_.size()));
    for (const FieldRef& step : guard.path)
      path_fields_.push_back(field_base_[step.record] + step.field);
  }
  path_start_.push_back(static_cast<std::uint32_t>(path_fields_.size()));
}

// The field holding guard g's strings: the last of its path (the verifier
// has checked that every guard has a path).
std::uint32_t GuardIndex::string_field(std::uint32_t g) const {
  return path_fields_[path_start_[g + 1] - 1];
}

// Groups the guards by the field holding their strings, then by string, in
// a few linear passes instead of a sort (a bundle of 2000 rules has tens of
// thousands of guard strings, and sorting them was an eighth of its load
// time): find the distinct (field, string) pairs and how many guards hold
// each, give each pair its stretch of ids_ and fill it, then put the pairs
// in one table per field, sized by its distinct strings. Guards are visited
// in increasing order, so each stretch comes out sorted, and a string
// repeated within one guard is counted once.
void GuardIndex::index_strings(const std::vector<Guard>& guards) {
  std::vector<Pair> pairs;
  std::vector<std::uint32_t> pair_of_string;
  find_pairs(guards, pairs, pair_of_string);

  std::uint32_t placed = 0;
  for (Pair& pair : pairs) {
    pair.first = placed;
    placed += pair.count;
    pair.count = 0;  // from here on, how many of its guards are in ids_
  }
  ids_.resize(placed);
  std::size_t next = 0;
  for (std::uint32_t g = 0; g < guard_count_; ++g) {
    for (std::size_t k = 0; k < guards[g].strings.size(); ++k) {
      Pair& pair = pairs[pair_of_string[next++]];
      if (pair.count > 0 && ids_[pair.first + pair.count - 1] == g) continue;
      ids_[pair.first + pair.count++] = g;
    }
  }
  build_tables(pairs);
}

// The distinct (field, string) pairs of the guards' strings, with the number
// of guards holding each, and for each string in guard order its pair.
void GuardIndex::find_pairs(const std::vector<Guard>& guards, std::vector<Pair>& pairs,
                            std::vector<std::uint32_t>& pair_of_string) const {
  std::size_t string_count = 0;
  for (const Guard& guard : guards) string_count += guard.strings.size();
  pair_of_string.reserve(string_count);
  pairs.reserve(string_count);
  // Open addressing over the pairs found so far: pair index + 1, 0 for empty.
  std::vector<std::uint32_t> seen(table_slots(string_count), 0);
  const std::size_t mask = seen.size() - 1;
  for (std::uint32_t g = 0; g < guard_count_; ++g) {
    const std::uint32_t field = string_field(g);
    for (const std::string& text : guards[g].strings) {
      const std::uint64_t h = hash(text);
      std::size_t at = h & mask;
      while (seen[at] != 0 &&
             (pairs[seen[at] - 1].field != field || pairs[seen[at] - 1].text != text)) {
        at = (at + 1) & mask;
      }
      if (seen[at] == 0) {
        pairs.push_back(Pair{text, field, 0, 0, 0});
        seen[at] = static_cast<std::uint32_t>(pairs.size());
      }
      Pair& pair = pairs[seen[at] - 1];
      if (pair.count == 0 || pair.last_guard != g) {
        pair.last_guard = g;
        ++pair.count;
      }
      pair_of_string.push_back(seen[at] - 1);
    }
  }
}

// One name table per field with strings, from the string to its pair's group.
void GuardIndex::build_tables(const std::vector<Pair>& pairs) {
  std::vector<std::uint32_t> distinct(field_count_, 0);
  for (const Pair& pair : pairs) ++distinct[pair.field];
  for (std::uint32_t field = 0; field < field_count_; ++field) {
    if (distinct[field] == 0) continue;
    table_of_field_[field] = static_cast<std::int32_t>(tables_.size());
    tables_.emplace_back().reset(distinct[field]);
  }
  groups_.reserve(pairs.size());
  for (std::uint32_t p = 0; p < pairs.size(); ++p) {
    const Pair& pair = pairs[p];
    tables_[static_cast<std::size_t>(table_of_field_[pair.field])].insert(pair.text, p);
    string_filter_[pair.field] |= filter_bit(pair.text);
    groups_.push_back(Group{pair.first, pair.count});
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
