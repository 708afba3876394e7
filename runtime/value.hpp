// The VM's values: a 16-byte tagged union (a tag, a 32-bit auxiliary word
// and an 8-byte payload). Trivially copyable; strings, lists and records
// point into an Arena or into a loaded program's constants, which outlive
// the evaluation that uses them.
//
// Missing facts are values too: `missing` is a fact the input lacks (aux is
// its path in Facts::paths) and `unknown` is a result that depends on one
// (aux is the VM's record of which missing paths it depends on), so
// three-valued logic and "why is this undetermined" fall out of evaluation.
#pragma once

#include <cstdint>
#include <string_view>

#include "runtime/hash.hpp"
#include "runtime/image.hpp"

namespace precept::runtime {

enum class Tag : std::uint8_t {
  unknown,  // aux: reason (VM); 0 = no recorded path
  missing,  // aux: path index in Facts::paths (only in loaded facts)
  none,     // record: the empty record an absent optional record reads as, or null
  boolean,  // b
  integer,  // i
  number,   // d
  string,   // s, aux = length in bytes
  date,     // i = days since 1970-01-01
  member,   // i = ordinal, aux = enum index in Schema::enums
  list,     // list (sets too: ListData::is_set)
  record,   // record
  empty,    // an aggregate's accumulator before its first element
};

struct Value;

// A hash table over a constant collection of strings, so `x in EU_EEA` is
// one probe instead of a scan: slots hold an item's position + 1, 0 is empty.
// Not a NameTable, whose slots keep their keys' words: the 2000-rule peer
// benchmark program holds many of these sets, and 4-byte slots into the
// items they already have cost it 2.5 MB less (a probe reads the item's
// text instead).
struct StringLookup {
  const std::uint32_t* slots = nullptr;
  std::uint32_t mask = 0;  // slot count - 1 (a power of two)
};

struct ListData {
  const Value* items = nullptr;
  std::uint32_t count = 0;
  std::uint32_t path = no_index;  // where it came from in the facts, if it did
  bool is_set = false;
  const StringLookup* lookup = nullptr;  // constants of 8 or more strings only
};

struct RecordData {
  const Value* slots = nullptr;   // RecordType::fields order
  std::uint32_t type = no_index;  // index into Schema::records
  std::uint32_t path = no_index;  // where it came from in the facts
};

struct Value {
  Tag tag = Tag::none;
  std::uint32_t aux = 0;
  union {
    bool b;
    std::int64_t i;
    double d;
    const char* s;
    const ListData* list;
    const RecordData* record;
  };

  Value() : i(0) {}

  static Value unknown(std::uint32_t reason = 0) {
    Value v;
    v.tag = Tag::unknown;
    v.aux = reason;
    return v;
  }
  static Value missing(std::uint32_t path) {
    Value v;
    v.tag = Tag::missing;
    v.aux = path;
    return v;
  }
  static Value none_value() {
    Value v;
    v.tag = Tag::none;
    v.record = nullptr;
    return v;
  }
  static Value boolean(bool x) {
    Value v;
    v.tag = Tag::boolean;
    v.b = x;
    return v;
  }
  static Value integer(std::int64_t x) {
    Value v;
    v.tag = Tag::integer;
    v.i = x;
    return v;
  }
  static Value number(double x) {
    Value v;
    v.tag = Tag::number;
    v.d = x;
    return v;
  }
  static Value date(std::int64_t days) {
    Value v;
    v.tag = Tag::date;
    v.i = days;
    return v;
  }
  static Value member(std::uint32_t enum_index, std::int64_t ordinal) {
    Value v;
    v.tag = Tag::member;
    v.aux = enum_index;
    v.i = ordinal;
    return v;
  }
  static Value string(std::string_view text) {
    Value v;
    v.tag = Tag::string;
    v.s = text.data();
    v.aux = static_cast<std::uint32_t>(text.size());
    return v;
  }
  static Value of_list(const ListData* l) {
    Value v;
    v.tag = Tag::list;
    v.list = l;
    return v;
  }
  static Value of_record(const RecordData* r) {
    Value v;
    v.tag = Tag::record;
    v.record = r;
    return v;
  }
  static Value empty_marker() {
    Value v;
    v.tag = Tag::empty;
    return v;
  }

  bool is_unknown() const { return tag == Tag::unknown || tag == Tag::missing; }
  std::string_view str() const { return {s, aux}; }
};

static_assert(sizeof(Value) == 16);

// Whether a constant collection with a lookup table (ListData::lookup)
// holds the string `x`.
inline bool lookup_contains(const ListData& c, std::string_view x) {
  const StringLookup& table = *c.lookup;
  for (std::uint64_t at = hash_bytes(x) & table.mask;; at = (at + 1) & table.mask) {
    const std::uint32_t slot = table.slots[at];
    if (slot == 0) return false;
    if (same_text(c.items[slot - 1].str(), x)) return true;
  }
}

}  // namespace precept::runtime
