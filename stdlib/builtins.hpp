// The builtin table as C++ data, for both the checker (lang/) and the VM
// (runtime/), which must not depend on each other: header-only, no lang types.
//
//   if (const BuiltinInfo* b = find_builtin("len")) { b->arity == 1; }
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

namespace precept::stdlib {

// The type descriptors of builtins.def.
enum class BuiltinType : std::uint8_t {
  unused,
  bool_,
  int_,
  number,
  string,
  date,
  sized,
  numeric,
  regex,
  any
};

enum class BuiltinId : std::uint8_t {
#define BUILTIN(id, name, result, arity, p1, p2) id,
#include "stdlib/builtins.def"
#undef BUILTIN
};

struct BuiltinInfo {
  BuiltinId id;
  std::string_view name;
  BuiltinType result;
  std::uint8_t arity;
  BuiltinType params[2];
};

inline constexpr BuiltinInfo builtins[] = {
#define BUILTIN(id, name, result, arity, p1, p2) \
  {BuiltinId::id, name, BuiltinType::result, arity, {BuiltinType::p1, BuiltinType::p2}},
#include "stdlib/builtins.def"
#undef BUILTIN
};
inline constexpr std::size_t builtin_count = std::size(builtins);

constexpr const BuiltinInfo* find_builtin(std::string_view name) {
  for (const BuiltinInfo& b : builtins) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

constexpr const BuiltinInfo& builtin(BuiltinId id) {
  return builtins[static_cast<std::size_t>(id)];
}

}  // namespace precept::stdlib
