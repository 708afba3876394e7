// SHA-256 (FIPS 180-4), for the manifest's source hashes, computed by
// OpenSSL's libcrypto: it uses the CPU's SHA extensions, about five times
// faster than portable code. (Bundles carry a cheaper checksum:
// runtime/bundle.hpp.)
//
//   sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace precept::runtime {

inline constexpr std::size_t sha256_digest_size = 32;
using Sha256Digest = std::array<std::uint8_t, sha256_digest_size>;

Sha256Digest sha256(std::string_view bytes);
// The digest as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace precept::runtime
