// The program generator's own model of what it writes: types, the schema,
// the names in scope. Shared by program_gen.cpp (declarations and rules),
// program_gen_exprs.cpp (typed expressions) and facts_gen.cpp (documents).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "fuzz/program_gen.hpp"

namespace precept::fuzz::gen {

struct Type {
  enum class Kind : std::uint8_t {
    boolean,
    integer,
    number,
    string,
    date,
    enumeration,
    record,
    list,
    set,
    optional
  };
  Kind kind = Kind::boolean;
  int index = -1;             // enumeration, record
  std::vector<Type> element;  // list, set, optional: exactly one

  static Type of(Kind k) { return Type{k, -1, {}}; }
  static Type enum_(int i) { return Type{Kind::enumeration, i, {}}; }
  static Type record(int i) { return Type{Kind::record, i, {}}; }
  static Type list(Type t) { return Type{Kind::list, -1, {std::move(t)}}; }
  static Type set(Type t) { return Type{Kind::set, -1, {std::move(t)}}; }
  static Type optional(Type t) { return Type{Kind::optional, -1, {std::move(t)}}; }

  const Type& inner() const { return element.front(); }
  bool is_scalar() const { return kind <= Kind::enumeration; }  // set elements, messages
  bool is_ordered() const { return kind != Kind::boolean && is_scalar(); }
  bool is_numeric() const { return kind == Kind::integer || kind == Kind::number; }
  bool is_collection() const { return kind == Kind::list || kind == Kind::set; }
  friend bool operator==(const Type& a, const Type& b) {
    return a.kind == b.kind && a.index == b.index && a.element == b.element;
  }
};

struct Enum {
  std::string name;
  std::vector<std::string> members;
  // A member's JSON code besides its name: none, an integer or a string.
  std::vector<std::variant<std::monostate, std::int64_t, std::string>> codes;
};

struct Field {
  enum class Presence : std::uint8_t { required, defaulted, optional };
  std::string name;
  Type type;  // optional<T> for an optional field
  Presence presence = Presence::required;
  std::string default_text;  // defaulted: a constant of the type
};

struct Record {
  std::string name;
  std::vector<Field> fields;
};

struct Schema {
  std::vector<Enum> enums;
  std::vector<Record> records;
  std::vector<Field> facts;
};

struct Var {
  std::string name;
  Type type;
};

struct Def {
  std::string name;
  std::vector<Var> params;
  Type result;
};

// Where an expression is written: the variables it can use, and whether it
// must be a compile-time constant (a `const`: no facts, defs or now()).
struct Scope {
  std::vector<Var> vars;
  bool constant = false;
};

// A path to a value: a fact, a variable, a field of either, an index.
struct Path {
  std::string text;
  Type type;
};

class Generator {
 public:
  Generator(ByteSource& in, const GeneratorOptions& options) : in_(in), options_(options) {}

  GeneratedCase generate();

  // --- program_gen_exprs.cpp
  // An expression of type `t`; `hinted` when the context gives its type
  // (so `[]`, `{}` and `none` are allowed).
  std::string expr(const Type& t, Scope& scope, int depth, bool hinted = false);
  std::string condition(Scope& scope) { return expr(Type::of(Type::Kind::boolean), scope, 3); }
  std::string message(Scope& scope);
  // Whether some path in scope has type `t` (records and lists of them
  // can only be reached through paths).
  bool producible(const Type& t, const Scope& scope);
  std::string type_text(const Type& t) const;
  std::string literal(const Type& t);

  std::vector<Path> paths(const Scope& scope);

  // --- facts_gen.cpp
  nlohmann::json facts_document();

  ByteSource& in() { return in_; }
  Schema schema;
  std::vector<std::string> consts;  // names; their types in const_types
  std::vector<Type> const_types;
  std::vector<Def> defs;

 private:
  // program_gen.cpp
  void make_schema(std::string& out);
  void make_consts(std::string& out);
  void make_defs(std::string& out);
  void make_outputs(std::string& out);
  void make_rules(std::string& out);
  std::string rule(int index);
  std::string effect(Scope& scope);
  Type scalar_type(bool with_enums = true);
  Type field_type(int record_index);

  // program_gen_exprs.cpp
  std::optional<std::string> path_of(const Type& t, const Scope& scope);
  std::string bool_expr(Scope& scope, int depth);
  std::string int_expr(Scope& scope, int depth);
  std::string number_expr(Scope& scope, int depth);
  std::string string_expr(Scope& scope, int depth);
  std::string aggregate(const Type& t, Scope& scope, int depth);
  std::string quantifier(Scope& scope, int depth);
  std::optional<std::string> def_call(const Type& t, Scope& scope, int depth);
  std::string if_expr(const Type& t, Scope& scope, int depth, bool hinted);
  std::string collection_literal(const Type& t, Scope& scope, int depth, bool hinted);
  Type comparable_type();
  Type domain_type(const Scope& scope);
  std::string fresh(const char* prefix) { return prefix + std::to_string(counter_++); }

  ByteSource& in_;
  GeneratorOptions options_;
  int counter_ = 0;

 public:
  struct Output {
    std::string name;
    Type type;
    bool raisable = false;
  };
  std::vector<Output> outputs;
};

}  // namespace precept::fuzz::gen
