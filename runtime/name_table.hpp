// A map from short strings to 32-bit indexes, built once and then only
// read, with open addressing: the fact loader's field names and enum
// spellings, the guard strings of rule indexing and the fact-test index's
// string groups. The keys are views: what they point into must outlive the
// table.
//
// Each slot keeps its key's words (TextWords): a probe compares words, and
// reads a key's text only past its first 16 bytes. The keys are fixed when
// the table is built, so a probe's length depends on them alone, whatever
// is looked up, and the hash can be a cheap one (fixed_key_hash).
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
  // The same, one entry at a time: an empty table with room for `entries`
  // keys, then insert() at most that many (the guard index fills thousands
  // of tables this way without a list of entries for each).
  void reset(std::size_t entries);
  void insert(std::string_view key, std::uint32_t value);
  // The key's value, or no_index.
  std::uint32_t find(std::string_view key) const { return find(key, TextWords::of(key)); }
  // The same, for a key whose words the caller has already taken.
  std::uint32_t find(std::string_view key, const TextWords& words) const {
    if (slots_.empty()) return no_index;
    for (std::size_t i = fixed_key_hash(key, words) >> shift_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.value == no_index) return no_index;
      if (s.holds(key, words)) return s.value;
    }
  }
  // The most slots any key is past its home slot: what a probe can cost
  // beyond one compare (for tests).
  std::size_t longest_displacement() const;

 private:
  struct Slot {
    TextWords words;
    const char* text = nullptr;
    std::uint32_t size = 0;
    std::uint32_t value = no_index;  // no_index: an empty slot

    bool holds(std::string_view key, const TextWords& key_words) const {
      return words == key_words && size == key.size() &&
             same_beyond_words(text, key.data(), key.size());
    }
  };
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  int shift_ = 0;  // a hash's top bits are its slot: 64 - log2(slots)
};

}  // namespace precept::runtime
