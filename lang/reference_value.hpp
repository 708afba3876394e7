// Values of the reference interpreter (lang/reference.hpp): a plain tagged
// struct, copied freely. Besides the value itself each carries where it came
// from in the facts (for bindings, missing paths and explanations) and, when
// unknown, the missing facts that made it so.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lang/types.hpp"

namespace precept::lang::reference {

// Missing fact paths, each once, in the order met: the `missing` list of a
// decision lists them in order of first appearance.
class PathList {
 public:
  void add(const std::string& path);
  void add_all(const PathList& other);
  bool empty() const { return paths_.empty(); }
  const std::vector<std::string>& paths() const { return paths_; }

 private:
  std::vector<std::string> paths_;
};

struct Value;
using Items = std::vector<Value>;

// A record loaded from the facts: one slot per field of its type (fields no
// expression reads are left unknown and never looked at).
struct Record {
  const Type* type = nullptr;
  std::vector<Value> fields;
};

struct Value {
  enum class Kind : std::uint8_t {
    unknown,  // three-valued logic's third value: a missing fact or a failed operation
    none,     // an absent optional
    boolean,
    integer,
    number,
    string,
    date,    // `integer` holds the days since 1970-01-01
    member,  // an enum member: `enum_type` and its index in `integer`
    list,
    set,  // elements in first-seen order, without repeats
    record,
  };
  Kind kind = Kind::unknown;
  bool boolean = false;
  std::int64_t integer = 0;
  double number = 0;
  std::string text;
  const Type* enum_type = nullptr;
  std::shared_ptr<const Items> items;    // list, set
  std::shared_ptr<const Record> record;  // record

  // The fact path of a value taken from the facts document (`data[2]`),
  // empty for computed values and defaults. A record needs it to name its
  // fields; a collection to name its elements; an element to bind to it.
  std::string path;
  // unknown: the missing facts that made it unknown (none for a failed operation)
  PathList missing;

  bool is_unknown() const { return kind == Kind::unknown; }
  bool is_true() const { return kind == Kind::boolean && boolean; }
  bool is_false() const { return kind == Kind::boolean && !boolean; }
  bool is_collection() const { return kind == Kind::list || kind == Kind::set; }
  const Items& elements() const;  // list and set only

  static Value unknown(PathList missing = {});
  static Value missing_fact(const std::string& path);
  static Value none();
  static Value of(bool b);
  static Value of_int(std::int64_t i);
  static Value of_number(double n);
  static Value of_string(std::string s);
  static Value of_date(std::int64_t days);
  static Value of_member(const Type* enum_type, std::uint32_t index);
  static Value list_of(Items items);
  // A set of `items`, repeats dropped (first occurrence kept); `dropped`
  // says whether there were any.
  static Value set_of(Items items, bool* dropped = nullptr);
};

// The missing paths of the unknown elements of a collection (a collection
// with one is unknown where it is used whole), empty when there is none.
PathList unknown_elements(const Value& collection);
bool has_unknown_element(const Value& collection);

// Equality of two known values, ints and numbers compared as numbers, sets
// as sets and lists element by element. Both must be free of unknowns.
bool values_equal(const Value& a, const Value& b);
// -1, 0 or 1 for two known values of one ordered type (ints and numbers
// compared as numbers, strings by code point).
int compare_values(const Value& a, const Value& b);

// Converts ints to numbers where `type` wants a number (also inside lists
// and sets): `int` promotes to `number` wherever a number is expected.
Value coerce(const Value& v, const Type* type);

// The value as decision JSON (docs/decisions.md "Values"): members by name,
// dates as `YYYY-MM-DD`, sets in first-seen order, unknown and none as null.
nlohmann::json to_json(const Value& v);
// The value as message text (docs/language.md "Messages"): strings as they
// are, members by name, dates `YYYY-MM-DD`, numbers in their shortest form.
std::string to_message_text(const Value& v);
// Whether a collection value holds a record (explanations never show one).
bool holds_record(const Value& v);

}  // namespace precept::lang::reference
