// Constant folding of checked expressions: the value of an expression that
// is known at compile time (literals, constants, enum members, operators on
// them, `if`, list and set literals). The checker uses it for lints and
// conflict checks, the compiler to turn constant expressions into constants.
// Anything not known at compile time folds to nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
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

std::optional<ConstValue> fold_constant(const Expr* e, const TypeTable& types, int depth = 0);

}  // namespace precept::lang
