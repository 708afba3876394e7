// A compiled program as plain data: what a bundle (.rbc) holds and what the
// compiler produces. Nothing here points anywhere; every reference is an
// index, so the bundle writer can serialise it as it is and the verifier can
// check every index before anything runs.
//
//   Image image = lang::compile(program);        // or read_bundle(bytes)
//   verify(image);                               // before it ever runs
//   image.rules[0].id == "euaia.prohibited.social_scoring";
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/opcodes.hpp"

namespace precept::runtime {

inline constexpr std::uint32_t no_index = 0xFFFFFFFFu;

// ------------------------------------------------------------- schema ---

enum class TypeKind : std::uint8_t {
  boolean,
  integer,
  number,
  string,
  date,
  enumeration,
  list,
  set,
  optional,
  record,
};

// A type of the schema. `ref` is the element type (list, set) or inner type
// (optional) as an index into Schema::types, the EnumType (enumeration) or
// the RecordType (record); unused for scalars.
struct TypeDesc {
  TypeKind kind = TypeKind::boolean;
  std::uint32_t ref = no_index;
};

struct EnumMember {
  std::string name;
  // How the member is spelled in JSON besides its name: a string, an
  // integer, or nothing (only the name).
  enum class Code : std::uint8_t { none, integer, string } code = Code::none;
  std::int64_t int_code = 0;
  std::string string_code;
};

struct EnumType {
  std::string name;                 // `ai.Classification`
  std::vector<EnumMember> members;  // declaration order is the enum's order
};

enum class Presence : std::uint8_t {
  required,   // absent: the path is missing (unknown)
  defaulted,  // absent: the constant `default_value`
  optional,   // absent: none (the field's type is optional<T>)
};

struct FieldDesc {
  std::string name;
  std::uint32_t type = no_index;  // index into Schema::types
  Presence presence = Presence::required;
  std::uint32_t default_value = no_index;  // constant index when defaulted
  bool read = false;  // some rule, output or function reads it; unread fields are skipped
};

// A record's values live in fixed slots: slot i holds fields[i].
struct RecordType {
  std::string name;  // `ai.Dataset`; `facts` for the root
  std::vector<FieldDesc> fields;
};

struct Schema {
  std::vector<TypeDesc> types;
  std::vector<EnumType> enums;
  std::vector<RecordType> records;
  std::uint32_t root = no_index;  // the facts root: an index into records
};

// ---------------------------------------------------------- constants ---

// A value known at compile time. Lists and sets refer to their elements by
// constant index; an element always comes before the collection holding it.
struct Constant {
  enum class Kind : std::uint8_t {
    none,
    boolean,
    integer,
    number,
    string,
    date,
    enumeration,
    list,
    set,
  };
  Kind kind = Kind::none;
  std::int64_t integer = 0;  // boolean (0/1), integer, date (days since 1970-01-01), member ordinal
  double number = 0;
  std::string string;
  std::uint32_t enum_type = no_index;   // enumeration: index into Schema::enums
  std::vector<std::uint32_t> elements;  // list, set
};

// ------------------------------------------------------------- code ---

// Where an instruction came from: an index into Image::files, 1-based line
// and column (0 for generated code with no place in the source).
struct SourceLoc {
  std::uint32_t file = no_index;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

// A stretch of Image::code run with its own locals: a `def`, a rule (with
// its `for` loops), an output's base value. Parameters are the first locals.
struct Function {
  std::string name;         // `euaia.personal`, `rule euaia.x`, `output euaia.tier`
  std::uint32_t entry = 0;  // first instruction
  std::uint32_t end = 0;    // one past the last instruction
  std::uint32_t params = 0;
  std::uint32_t locals = 0;     // including the parameters
  std::uint32_t max_stack = 0;  // operand stack depth it needs (computed by the verifier)
};

// ------------------------------------------------------------- rules ---

enum class Severity : std::uint8_t { info, low, medium, high, critical };
enum class EffectKind : std::uint8_t { deny, review, warn, require, raise };

struct EffectDesc {
  EffectKind kind = EffectKind::deny;
  std::string obligation;              // require: `transparency.disclose_ai`
  std::vector<std::string> with_keys;  // require ... with { key: ... }, in order written
  std::uint32_t output = no_index;     // raise: index into Image::outputs
};

struct ForBinding {
  std::string name;            // `d`
  std::uint32_t iterator = 0;  // local slot of its iterator (collection at it, position at it + 1)
};

// A field of a record type: Schema::records[record].fields[field].
struct FieldRef {
  std::uint32_t record = 0;
  std::uint32_t field = 0;
};

// Rule indexing (docs/performance.md): something a rule needs in order to
// fire that the fact loader checks while it reads the document, so rules
// that cannot fire are not run. The guard holds when one of `strings` is the
// value of the last field of `path` (or an element of it, for a list or set
// of strings) somewhere in the facts. A rule is skipped, as not fired, when
// one of its guards does not hold and every field on its `path` had a
// present, well-typed value everywhere it occurred in the document (no
// missing fact or default could have changed the outcome).
struct Guard {
  std::vector<FieldRef> path;  // from the facts root; the last field holds strings
  std::vector<std::string> strings;
};

struct RuleDesc {
  std::string id;     // `<package>.<rule>`
  std::string title;  // empty when the rule has none
  std::vector<std::string> cites;
  Severity severity = Severity::medium;
  SourceLoc loc;
  std::vector<ForBinding> bindings;   // its `for` clauses, outermost first
  std::vector<EffectDesc> effects;    // in order written
  std::uint32_t function = no_index;  // evaluates every instance of the rule
  std::vector<std::uint32_t> guards;  // indexes into Image::guards, all necessary
};

// How raised values join an output's value.
enum class Join : std::uint8_t {
  none,    // computed only, never raised
  max,     // enums (declaration order), ints, numbers
  or_,     // bools
  union_,  // sets
};

struct OutputDesc {
  std::string id;                 // `<package>.<output>`
  std::uint32_t type = no_index;  // index into Schema::types
  Join join = Join::none;
  std::uint32_t function = no_index;  // computes the base value (ends with set_output)
};

struct SourceFile {
  std::string path;    // as given to the compiler
  std::string sha256;  // of its bytes, lowercase hex
};

struct Image {
  std::string name;     // bundle name
  std::string version;  // bundle version
  std::vector<SourceFile> files;
  Schema schema;
  std::vector<Constant> constants;
  std::vector<Instr> code;
  std::vector<SourceLoc> locs;  // one per instruction of `code`
  std::vector<Function> functions;
  std::vector<RuleDesc> rules;      // declaration order: the order of decision entries
  std::vector<OutputDesc> outputs;  // declaration order
  std::vector<Guard> guards;        // rule indexing; shared by rules with the same guard
};

}  // namespace precept::runtime
