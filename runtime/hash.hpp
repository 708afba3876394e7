// Hashing and comparing short byte strings: the word loads both are made
// of, an equality test built from them, the hash of strings that may come
// from the input (hash_bytes), the words a name table keeps of each key
// with the cheaper hash of keys fixed when a table is built, and the size
// of an open-addressing table.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace precept::runtime {

// The 8 or 4 bytes at `at` as one word (any alignment, native byte order).
inline std::uint64_t load_u64(const char* at) {
  std::uint64_t v;
  std::memcpy(&v, at, 8);
  return v;
}
inline std::uint32_t load_u32(const char* at) {
  std::uint32_t v;
  std::memcpy(&v, at, 4);
  return v;
}

// Whether the `n` bytes at `a` and at `b` are the same. Field names, tags,
// country codes and enum spellings are short: a few word compares, the
// last eight bytes first, instead of a call to memcmp. (Neither pointer is
// read when n is 0, so either may be null then.)
inline bool same_bytes(const char* a, const char* b, std::size_t n) {
  if (n >= 8) {
    if (load_u64(a + n - 8) != load_u64(b + n - 8)) return false;
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      if (load_u64(a + i) != load_u64(b + i)) return false;
    }
    return true;
  }
  if (n >= 4) return load_u32(a) == load_u32(b) && load_u32(a + n - 4) == load_u32(b + n - 4);
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}
inline bool same_text(std::string_view a, std::string_view b) {
  return a.size() == b.size() && same_bytes(a.data(), b.data(), a.size());
}

// Slots for an open-addressing table of `entries` keys: a power of two, at
// most half full, so that a probe for an absent key ends soon.
inline std::size_t table_slots(std::size_t entries) {
  return std::bit_ceil(std::max<std::size_t>(4, entries * 2));
}

// A 64-bit finaliser: spreads every input bit over the result.
inline std::uint64_t mix_bits(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

// Every byte counts (set members are input: shared prefixes must not
// collide). Short keys, the common case, take two overlapping loads.
inline std::uint64_t hash_bytes(std::string_view text) {
  const char* p = text.data();
  const std::size_t n = text.size();
  std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
  std::uint64_t a = 0, b = 0;
  if (n >= 8) {
    std::size_t i = 0;
    for (; i + 16 < n; i += 8) h = std::rotl((h ^ load_u64(p + i)) * 0x9fb21c651e98df25ULL, 29);
    a = load_u64(p + i);
    b = load_u64(p + n - 8);
  } else if (n >= 4) {
    a = load_u32(p);
    b = load_u32(p + n - 4);
  } else if (n > 0) {
    a = (std::uint64_t{static_cast<unsigned char>(p[0])} << 16) |
        (std::uint64_t{static_cast<unsigned char>(p[n / 2])} << 8) |
        static_cast<unsigned char>(p[n - 1]);
  }
  return mix_bits(h ^ a ^ std::rotl(b * 0x9fb21c651e98df25ULL, 31));
}

// A string's first and last eight bytes as two words (overlapping below 16
// bytes; four and four below 8; every byte of a shorter one in `head`).
// Two strings of one size up to 16 bytes are the same exactly when their
// words are, so a table that keeps its keys' words compares a probe with
// them without reading the keys' text: the loader's field names, enum
// spellings and guard strings are nearly all that short.
struct TextWords {
  std::uint64_t head = 0;
  std::uint64_t tail = 0;

  static TextWords of(std::string_view text) {
    const char* p = text.data();
    const std::size_t n = text.size();
    if (n >= 8) return {load_u64(p), load_u64(p + n - 8)};
    if (n >= 4) return {load_u32(p), load_u32(p + n - 4)};
    if (n == 0) return {};
    return {std::uint64_t{static_cast<unsigned char>(p[0])} |
                (std::uint64_t{static_cast<unsigned char>(p[n / 2])} << 8) |
                (std::uint64_t{static_cast<unsigned char>(p[n - 1])} << 16),
            0};
  }
  friend bool operator==(const TextWords&, const TextWords&) = default;
};

// A hash of `text` (whose words are `words`) for tables whose keys are
// fixed when they are built, to be indexed by its high bits. Up to 16
// bytes, the words are the whole text: one multiply of the two. A longer
// text's middle is hashed too, or keys that share their first and
// last eight bytes (`projects/17/locations/global`) would all start their
// probes at one slot and make every lookup there walk all of them.
// (The middle's hash is a call: inlined, it made every probe's code too
// large to inline where short keys are the rule.)
[[gnu::noinline]] inline std::uint64_t hash_middle(std::string_view text) {
  return hash_bytes(text.substr(8, text.size() - 16));
}
inline std::uint64_t fixed_key_hash(std::string_view text, const TextWords& words) {
  std::uint64_t h = (words.head ^ std::rotl(words.tail, 29)) * 0x9fb21c651e98df25ULL;
  if (text.size() > 16) h ^= hash_middle(text);
  return h;
}

// Whether `a` and `b`, of one size and with the same words, are the same:
// only text past 16 bytes is left to compare.
inline bool same_beyond_words(const char* a, const char* b, std::size_t n) {
  return n <= 16 || same_bytes(a + 8, b + 8, n - 16);
}

}  // namespace precept::runtime
