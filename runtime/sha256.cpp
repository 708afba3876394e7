#include "runtime/sha256.hpp"

#include <openssl/evp.h>

#include <new>

namespace precept::runtime {

Sha256Digest sha256(std::string_view bytes) {
  Sha256Digest digest{};
  unsigned int size = 0;
  // One call, no context to manage; OpenSSL picks the CPU's SHA extensions
  // when it has them. It fails only when it cannot allocate.
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1 ||
      size != digest.size()) {
    throw std::bad_alloc();
  }
  return digest;
}

std::string sha256_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  Sha256Digest digest = sha256(bytes);
  std::string hex;
  hex.reserve(2 * digest.size());
  for (std::uint8_t byte : digest) {
    hex.push_back(digits[byte >> 4]);
    hex.push_back(digits[byte & 0xF]);
  }
  return hex;
}

}  // namespace precept::runtime
