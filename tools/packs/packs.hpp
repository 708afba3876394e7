// The shipped AI-governance rule packs (rules/), compiled into the binary
// at build time as a bundle (tools/packs/embed_packs.cpp generates it).
#pragma once

#include <cstddef>
#include <string_view>

namespace precept::packs {

extern const unsigned char bundle[];
extern const std::size_t bundle_size;

inline std::string_view bundle_bytes() {
  return {reinterpret_cast<const char*>(bundle), bundle_size};
}

}  // namespace precept::packs
