// Constant folding of checked expressions: the value of an expression that
// is known at compile time (literals, constants, enum members, operators on
// them, `if`, list and set literals). The checker uses it for lints and
// conflict checks, the compiler to turn constant expressions into constants.
// Anything not known at compile time folds to nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "lang/ast.hpp"
#include "lang/types.hpp"

namespace precept::lang {

// A compile-time value, for constant folding in lints and conflict checks.
struct ConstValue {
  enum class Kind : std::uint8_t {
    none,
    boolean,
    integer,
    number,
    string,
    date,
    member,
    list,
    set
  };
  Kind kind = Kind::none;
  bool boolean = false;
  std::int64_t integer = 0;  // also the date (days) and the member index
  double number = 0;
  std::string string;
  const Decl* enum_decl = nullptr;
  std::vector<ConstValue> items;
};
bool same_value(const ConstValue& a, const ConstValue& b);

// The folded value of each const (nothing when it does not fold), for a
// caller that folds many expressions: with it a const is folded once, not
// at every use (consts built from consts twice over would take 2^n steps).
using ConstCache = std::unordered_map<const Decl*, std::optional<ConstValue>>;

// Nothing, too, when folding would take too long or make too large a value
// (checker_fold.cpp has the bounds). `consts`, when given, must hold every
// const `e` reads.
std::optional<ConstValue> fold_constant(const Expr* e, const TypeTable& types,
                                        const ConstCache* consts = nullptr);

}  // namespace precept::lang
