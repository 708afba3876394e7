// Private to the two fact loaders (facts.cpp reads text with simdjson,
// facts_json.cpp reads an nlohmann::json value): the schema's lookup tables
// and the conversion of one JSON value into Values, written once as a
// template over a small adapter so both entry points give the same values,
// the same input errors and the same messages.
//
// An adapter describes "a JSON value" of one library; the converter holds
// one (by value: it is a pointer or two into the parsed document, or empty):
//
//   struct Adapter {
//     using Node = ...;                           // cheap to copy
//     JsonKind kind(Node) const;
//     bool boolean(Node) const;
//     std::int64_t integer(Node) const;           // JsonKind::integer
//     std::uint64_t unsigned_integer(Node) const; // above INT64_MAX only
//     double number(Node) const;                  // JsonKind::number
//     std::string_view string(Node) const;
//     std::size_t size(Node) const;               // of an array
//     template <class F> void each_element(Node, F&&) const;  // F(Node)
//     template <class F> void each_member(Node, F&&) const;   // F(std::string_view, Node)
//   };
//
// Fields are converted in the record type's field order, not in the order of
// the keys (nlohmann sorts them), so paths and input errors come out in the
// same order from both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/executable.hpp"
#include "runtime/facts.hpp"
#include "runtime/hash.hpp"
#include "runtime/name_table.hpp"

namespace precept::runtime::detail {

// Conversion recurses once per nested array or object, so nesting is capped
// whatever the limits say (simdjson's own default depth).
inline constexpr std::size_t max_nesting = 1024;
inline std::size_t effective_depth(const FactLimits& limits) {
  return limits.max_depth < max_nesting ? limits.max_depth : max_nesting;
}

enum class JsonKind : std::uint8_t {
  null,
  boolean,
  integer,           // fits in int64
  unsigned_integer,  // above INT64_MAX, fits in uint64
  number,            // written with a fraction or an exponent
  string,
  array,
  object,
  other,  // nlohmann's binary and discarded values, which JSON text never has
};

struct EnumTable {
  NameTable spellings;  // member names and string codes → ordinal
  std::vector<std::pair<std::int64_t, std::uint32_t>> int_codes;  // sorted by code
  std::string expected;  // "public, internal, confidential, restricted"
};

// Built once per schema (FactLoader's constructor, or each load_facts call).
struct SchemaTables {
  std::vector<NameTable> fields;  // per record type: key → field index
  std::vector<EnumTable> enums;
};
SchemaTables build_tables(const Schema& schema);

// The keys of the last object of one record type, in order, with the
// fields they named. Documents from one producer list their keys in one
// order, so most keys are matched by comparing their words with those of
// the key at the same position last time instead of a table lookup.
class KeyOrder {
 public:
  // The read field `key` (whose words are `words`) names (unread and
  // unknown keys: no_index); keys are numbered from 0 in each object.
  std::uint32_t read_field(std::string_view key, const TextWords& words, std::size_t position,
                           const NameTable& table, const RecordType& type) {
    if (position < known_) {
      Key& last = keys_[position];
      if (last.matches(key, words)) return last.field;
      last = lookup(key, words, table, type);
      return last.field;
    }
    const Key found = lookup(key, words, table, type);
    // Past this many keys everything is looked up: the memory stays small
    // whatever the objects hold. Positions come in order, so this appends
    // keys_[position].
    constexpr std::size_t remembered = 64;
    if (position < remembered) {
      keys_.push_back(found);
      known_ = keys_.size();
    }
    return found.field;
  }

 private:
  struct Key {
    TextWords words;
    const char* name = nullptr;  // the field's name in the schema; none for an unknown key
    std::uint32_t size = 0;
    std::uint32_t field = no_index;  // no_index for an unread field

    bool matches(std::string_view key, const TextWords& key_words) const {
      return name != nullptr && words == key_words && size == key.size() &&
             same_beyond_words(name, key.data(), size);
    }
  };
  static Key lookup(std::string_view key, const TextWords& words, const NameTable& table,
                    const RecordType& type) {
    const std::uint32_t f = table.find(key, words);
    if (f == no_index) return Key{};
    const FieldDesc& field = type.fields[f];
    return Key{words, field.name.data(), static_cast<std::uint32_t>(field.name.size()),
               field.read ? f : no_index};
  }
  std::vector<Key> keys_;
  std::size_t known_ = 0;  // keys_.size(), kept apart so that the check is one compare
};

// Memory a conversion reuses from one document to the next.
struct ConvertScratch {
  std::vector<std::uint32_t> seen;   // hash table of drop_repeats
  std::vector<std::uint32_t> chain;  // record types of the empty records being built
  std::vector<KeyOrder> key_order;   // per record type
};

// "a number", "an object", for "expected ..., found ..."
const char* found_text(JsonKind kind);
// User input for a message: in backticks, control characters and invalid
// UTF-8 escaped, long text shortened; appended to `out`, or returned.
void append_quoted(std::string& out, std::string_view text);
std::string quote_input(std::string_view text);

// The non-template half of the conversion: paths, input errors, scalars,
// absent fields and empty records.
class ConverterBase {
 public:
  ConverterBase(const Executable& exe, const SchemaTables& tables, Facts& facts,
                const FactLimits& limits, ConvertScratch& scratch)
      : exe_(exe),
        schema_(exe.schema()),
        tables_(tables),
        facts_(facts),
        max_depth_(effective_depth(limits)),
        scratch_(scratch) {}

 protected:
  // Where a value sits: a field of the record at `parent`, or (field empty)
  // position `index` of the list at `parent`. Fine scalars need no node.
  struct Step {
    std::uint32_t parent = 0;
    std::uint32_t index = no_index;
    std::string_view field;
  };

  std::uint32_t path_of(const Step& step) {
    return step.index == no_index ? facts_.add_path(step.parent, step.field)
                                  : facts_.add_index_path(step.parent, step.index);
  }
  // Records an input error at `step` (or at an existing path) and returns
  // its missing value. `write(message)` writes the message into the string
  // of an error a previous document kept (Facts::errors), so a document
  // with errors allocates nothing once those strings have grown. (Defined
  // in facts.cpp, where all its callers are.)
  template <class Write>
  Value fail_with(const Step& step, Write&& write);
  Value fail_at(std::uint32_t path, std::string_view message) {
    error_text(path).append(message);
    return Value::missing(path);
  }
  // A new input error at `path`, its message empty for the caller to write.
  std::string& error_text(std::uint32_t path);
  Value wrong_type(const Step& step, std::uint32_t type, JsonKind found);
  Value too_deep(const Step& step);
  Value duplicate_key(const Step& step, std::string_view key);

  Value from_boolean(const Step& step, std::uint32_t type, bool b);
  Value from_integer(const Step& step, std::uint32_t type, std::int64_t i);
  Value from_unsigned(const Step& step, std::uint32_t type, std::uint64_t u);
  Value from_number(const Step& step, std::uint32_t type, double d);
  // For dates and enums; a string for a string is Converter::string.
  Value from_string(const Step& step, std::uint32_t type, std::string_view s);

  // The value of a field whose key is absent or null.
  Value absent(const FieldDesc& field, std::uint32_t record_path);
  // Removes repeated scalars from a set's items, keeping first occurrences.
  void drop_repeats(Value* items, std::uint32_t& count);
  Value* slots_for(std::size_t count) { return facts_.arena.allocate<Value>(count); }
  Value finish_list(Value* items, std::uint32_t count, std::uint32_t path, bool is_set) {
    auto* list = facts_.arena.allocate<ListData>(1);
    *list = ListData{items, count, path, is_set};
    return Value::of_list(list);
  }
  Value finish_record(const Value* slots, std::uint32_t record, std::uint32_t path) {
    auto* data = facts_.arena.allocate<RecordData>(1);
    *data = RecordData{slots, record, path};
    return Value::of_record(data);
  }

  const Executable& exe_;
  const Schema& schema_;
  const SchemaTables& tables_;
  Facts& facts_;
  std::size_t max_depth_;
  ConvertScratch& scratch_;

 private:
  // `shown(message)` writes the input, in backticks.
  template <class Shown>
  Value unknown_member(const Step& step, std::uint32_t type, Shown&& shown);
  Value empty_record(std::uint32_t record, std::uint32_t path);
};

template <class A>
class Converter : public ConverterBase {
 public:
  using Node = typename A::Node;

  // One record field's value while its object is being read.
  struct FieldSlot {
    Node node{};
    std::uint8_t state = 0;  // absent, present, repeated
  };

  Converter(A adapter, const Executable& exe, const SchemaTables& tables, Facts& facts,
            const FactLimits& limits, ConvertScratch& scratch, std::vector<FieldSlot>& fields)
      : ConverterBase(exe, tables, facts, limits, scratch), a_(adapter), fields_(fields) {}

  // Converts the document (an object) into facts.root at path 0.
  void run(Node document) {
    if (scratch_.key_order.size() != schema_.records.size()) {
      scratch_.key_order.assign(schema_.records.size(), {});
    }
    if (!guards_.empty()) {
      facts_.guard_hits.assign((guards_.guard_count() + 63) / 64, 0);
      facts_.unclean_fields.assign((guards_.field_count() + 63) / 64, 0);
    }
    facts_.root = record(document, schema_.root, 0, 1);
  }

 private:
  static constexpr std::uint8_t absent_key = 0, present_key = 1, repeated_key = 2;

  // `depth` counts the arrays and objects enclosing the value.
  // `field` numbers the record field the value sits in (GuardIndex), for
  // rule indexing. `step()` gives where the value sits, which only a value
  // that is not the usual case needs.
  //
  // Inlined into the loops over fields and elements: it is called for
  // nearly every value of a document, and a call (the converter recurses,
  // so its registers are saved and restored each time) cost as much as the
  // usual conversion itself.
  template <class StepOf>
  [[gnu::always_inline]] Value convert(Node v, std::uint32_t type, StepOf&& step, std::size_t depth,
                                       std::uint32_t field) {
    // A JSON value of the very kind the schema asks for, the usual case, is
    // converted here, inline in the loops over fields and elements;
    // everything else goes through convert_other, which gives the same
    // values for these.
    const TypeKind want = schema_.types[type].kind;
    const JsonKind kind = a_.kind(v);
    if (want == TypeKind::string && kind == JsonKind::string) return string(a_.string(v), field);
    if (want == TypeKind::integer && kind == JsonKind::integer)
      return Value::integer(a_.integer(v));
    if (want == TypeKind::boolean && kind == JsonKind::boolean)
      return Value::boolean(a_.boolean(v));
    return convert_other(v, kind, type, step(), depth, field);
  }

  [[gnu::noinline]] Value convert_other(Node v, JsonKind kind, std::uint32_t type, const Step& step,
                                        std::size_t depth, std::uint32_t field) {
    const TypeDesc& t = schema_.types[type];
    switch (t.kind) {
      case TypeKind::optional:
        if (kind == JsonKind::null) return Value::none_value();
        return convert(
            v, t.ref, [&] { return step; }, depth, field);
      case TypeKind::list:
      case TypeKind::set:
        if (kind != JsonKind::array) return wrong_type(step, type, kind);
        if (depth > max_depth_) return too_deep(step);
        return list(v, t, path_of(step), depth + 1, field);
      case TypeKind::record:
        if (kind != JsonKind::object) return wrong_type(step, type, kind);
        if (depth > max_depth_) return too_deep(step);
        return record(v, t.ref, path_of(step), depth + 1);
      default:
        break;
    }
    switch (kind) {
      case JsonKind::boolean:
        return from_boolean(step, type, a_.boolean(v));
      case JsonKind::integer:
        return from_integer(step, type, a_.integer(v));
      case JsonKind::unsigned_integer:
        return from_unsigned(step, type, a_.unsigned_integer(v));
      case JsonKind::number:
        return from_number(step, type, a_.number(v));
      case JsonKind::string:
        return from_string(step, type, a_.string(v));
      default:
        return wrong_type(step, type, kind);
    }
  }

  // A string for a string field, noting the guards it satisfies.
  [[gnu::always_inline]] Value string(std::string_view text, std::uint32_t field) {
    Value s = Value::string(facts_.arena.copy(text));
    if (!guards_.empty() && guards_.watches(field)) {
      guards_.each_guard_of(field, text, [&](std::uint32_t g) { set_bit(facts_.guard_hits, g); });
    }
    return s;
  }

  Value list(Node array, const TypeDesc& t, std::uint32_t path, std::size_t depth,
             std::uint32_t field) {
    std::size_t n = a_.size(array);
    if (n >= no_index) return fail_at(path, "an array of more than 4294967294 elements");
    Value* items = slots_for(n);
    std::uint32_t count = 0;
    a_.each_element(array, [&](Node element) {
      if (count == n) return;  // never: size() counted them
      auto step = [&] { return Step{path, count, {}}; };
      items[count] = convert(element, t.ref, step, depth, field);
      if (items[count].tag == Tag::missing || items[count].tag == Tag::none) unclean(field);
      ++count;
    });
    if (t.kind == TypeKind::set) {
      std::uint32_t before = count;
      drop_repeats(items, count);
      // Positions no longer match the document once repeats are gone, so
      // such a set has no path: bindings over it show values, not paths
      // that would name the wrong element. (Its missing elements keep their
      // own paths.)
      if (count != before) return finish_list(items, count, no_index, true);
    }
    return finish_list(items, count, path, t.kind == TypeKind::set);
  }

  Value record(Node object, std::uint32_t index, std::uint32_t path, std::size_t depth) {
    const RecordType& type = schema_.records[index];
    const std::size_t n = type.fields.size();
    // Find every read field's value first: the fields are converted in
    // declaration order and a repeated key is seen before either copy is used.
    const std::size_t base = claim_fields(n);
    KeyOrder& order = scratch_.key_order[index];
    const NameTable& table = tables_.fields[index];
    FieldSlot* found = fields_.data() + base;
    std::size_t position = 0;
    a_.each_member(object, [&](std::string_view key, Node value) {
      std::uint32_t f = order.read_field(key, TextWords::of(key), position++, table, type);
      if (f == no_index) return;  // unknown or unread
      FieldSlot& slot = found[f];
      if (slot.state == absent_key) {
        slot.node = value;
        slot.state = present_key;
      } else {
        slot.state = repeated_key;
      }
    });
    Value* slots = slots_for(n);
    const std::uint32_t first_numbered = guards_.empty() ? 0 : guards_.field_base(index);
    for (std::size_t f = 0; f < n; ++f) {
      const FieldDesc& field = type.fields[f];
      if (!field.read) {
        slots[f] = Value::none_value();
        continue;
      }
      const FieldSlot slot = fields_[base + f];  // a copy: nested records grow fields_
      auto step = [&] { return Step{path, no_index, field.name}; };
      const std::uint32_t numbered = first_numbered + static_cast<std::uint32_t>(f);
      if (slot.state == repeated_key) {
        slots[f] = duplicate_key(step(), field.name);
        unclean(numbered);
      } else if (slot.state == present_key && a_.kind(slot.node) != JsonKind::null) {
        slots[f] = convert(slot.node, field.type, step, depth, numbered);
        if (slots[f].tag == Tag::missing || slots[f].tag == Tag::none) unclean(numbered);
      } else {
        slots[f] = absent(field, path);
        unclean(numbered);  // missing, none, or a default that may hold anything
      }
    }
    used_fields_ = base;
    return finish_record(slots, index, path);
  }

  // `n` absent field slots on top of the enclosing records' ones; returns
  // the first. fields_ only grows, so its slots keep their memory.
  std::size_t claim_fields(std::size_t n) {
    const std::size_t base = used_fields_;
    used_fields_ += n;
    if (fields_.size() < used_fields_) fields_.resize(used_fields_);
    for (std::size_t f = base; f < used_fields_; ++f) fields_[f].state = absent_key;
    return base;
  }

  void unclean(std::uint32_t field) {
    if (!guards_.empty()) set_bit(facts_.unclean_fields, field);
  }

  const A a_;
  std::vector<FieldSlot>& fields_;
  std::size_t used_fields_ = 0;  // fields_[0, used_fields_) belong to records being read
  const GuardIndex& guards_ = exe_.guards();
};

}  // namespace precept::runtime::detail
