// SHA-256 (FIPS 180-4), for the manifest's source hashes and the bundle
// checksum, computed by OpenSSL's libcrypto: it uses the CPU's SHA
// extensions, which makes checking a 2.4 MB bundle about five times faster
// than the portable code this replaced (loading a bundle is on a service's
// start-up and reload path).
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
