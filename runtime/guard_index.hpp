// Rule indexing at run time (image.hpp, Guard): the lookup the fact loader
// uses to record which guard strings a document holds and which fields had
// a value missing or defaulted, and the check the VM makes before running a
// guarded rule.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "runtime/hash.hpp"
#include "runtime/image.hpp"
#include "runtime/name_table.hpp"

namespace precept::runtime {

class GuardIndex {
 public:
  GuardIndex() = default;
  explicit GuardIndex(const Image& image);

  bool empty() const { return guard_count_ == 0; }
  std::size_t guard_count() const { return guard_count_; }
  // Fields are numbered across records: field f of record r is base(r) + f.
  std::uint32_t field_base(std::uint32_t record) const { return field_base_[record]; }
  std::size_t field_count() const { return field_count_; }
  bool watches(std::uint32_t field) const { return table_of_field_[field] >= 0; }

  // Calls `hit(guard)` for each guard holding `text` at `field`.
  // A string no guard holds is usually turned away by the field's filter,
  // one bit test, before a table is probed.
  template <class Hit>
  void each_guard_of(std::uint32_t field, std::string_view text, Hit&& hit) const {
    if ((string_filter_[field] & filter_bit(text)) == 0) return;
    const std::uint32_t pair = tables_[static_cast<std::size_t>(table_of_field_[field])].find(text);
    if (pair == no_index) return;
    const Group& group = groups_[pair];
    for (std::uint32_t k = 0; k < group.count; ++k) hit(ids_[group.first + k]);
  }

  // Whether a rule with these guards cannot fire on a document whose loader
  // recorded `hits` (guards that hold) and `unclean` (fields with a value
  // missing, none or defaulted somewhere), as bitsets.
  bool rules_out(const std::vector<std::uint32_t>& guards, const std::vector<std::uint64_t>& hits,
                 const std::vector<std::uint64_t>& unclean) const;

 private:
  // The guards holding one (field, string): ids_[first, first + count).
  struct Group {
    std::uint32_t first = 0;
    std::uint32_t count = 0;
  };
  // While building: a distinct (field, string) of the guards.
  struct Pair {
    std::string_view text;
    std::uint32_t field = 0;
    std::uint32_t first = 0;       // its stretch of ids_
    std::uint32_t count = 0;       // the guards holding it
    std::uint32_t last_guard = 0;  // counted last: a string repeated in a guard counts once
  };
  static std::uint64_t hash(std::string_view text) { return hash_bytes(text); }
  // The one bit of a field's filter that `text` sets, from its size and its
  // first and last bytes: cheap to take, and different for most of the
  // strings a guard tells apart (country codes, tags, use-case ids).
  static std::uint64_t filter_bit(std::string_view text) {
    std::uint64_t key = text.size();
    if (!text.empty()) {
      key |= std::uint64_t{static_cast<unsigned char>(text.front())} << 16 |
             std::uint64_t{static_cast<unsigned char>(text.back())} << 24;
    }
    return std::uint64_t{1} << ((key * 0x9e3779b97f4a7c15ULL) >> 58);
  }

  void number_fields(const Schema& schema);
  void index_paths(const std::vector<Guard>& guards);
  void index_strings(const std::vector<Guard>& guards);
  void find_pairs(const std::vector<Guard>& guards, std::vector<Pair>& pairs,
                  std::vector<std::uint32_t>& pair_of_string) const;
  void build_tables(const std::vector<Pair>& pairs);
  std::uint32_t string_field(std::uint32_t g) const;

  std::size_t guard_count_ = 0;
  std::size_t field_count_ = 0;
  std::vector<std::uint32_t> field_base_;
  std::vector<std::int32_t> table_of_field_;
  std::vector<std::uint64_t> string_filter_;  // per field: filter_bit of each of its strings
  std::vector<NameTable> tables_;             // per field with strings: string → its group
  std::vector<Group> groups_;                 // per distinct (field, string)
  std::vector<std::uint32_t> ids_;            // guard ids, grouped by (field, string)
  // Per guard g, its path's fields: path_fields_[path_start_[g] .. path_start_[g + 1]).
  std::vector<std::uint32_t> path_start_;
  std::vector<std::uint32_t> path_fields_;
};

inline bool test_bit(const std::vector<std::uint64_t>& bits, std::size_t i) {
  return (bits[i >> 6] >> (i & 63)) & 1u;
}
inline void set_bit(std::vector<std::uint64_t>& bits, std::size_t i) {
  bits[i >> 6] |= std::uint64_t{1} << (i & 63);
}

}  // namespace precept::runtime
