// Bundles (.rbc): an Image as bytes (docs/bytecode.md has the layout).
// Writing is deterministic: the same image gives the same bytes. Reading
// checks the framing (magic, version, lengths, bounds) and returns what is
// wrong with a malformed file; the caller then verifies the image.
//
//   std::string bytes = write_bundle(image);
//   Image back;
//   std::string error = read_bundle(bytes, back);   // empty on success
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/image.hpp"

namespace precept::runtime {

inline constexpr char bundle_magic[8] = {'P', 'R', 'E', 'C', 'E', 'P', 'T', '\0'};
// 2: `pop` removed from the opcode table (opcodes after it renumbered).
// 3: guards (rule indexing).
// 4: instructions and source locations packed in per-section column widths.
// 5: the checksum is XXH3-64 instead of SHA-256.
inline constexpr std::uint32_t bundle_format_version = 5;
// A bundle ends with a checksum of every byte before it: XXH3's 64 bits,
// little-endian. It is there to catch damage (a flipped bit, a truncated
// download), which it does as well as the SHA-256 of earlier formats, at
// a twentieth of the time (a fifth of loading a 2000-rule bundle went to
// SHA-256); neither stops a forgery (docs/security.md).
inline constexpr std::size_t bundle_checksum_size = 8;
// `body` followed by its checksum: a bundle, if `body` is one without it.
std::string with_checksum(std::string body);
// The default limit on a bundle's size (rulec --limit bundle-bytes, the
// API's LoadOptions).
inline constexpr std::size_t default_max_bundle_bytes = 256u << 20;

std::string write_bundle(const Image& image);
// Empty on success; otherwise the problem and the byte offset where it was found.
// Bundles larger than `max_bytes` are refused, naming both sizes.
std::string read_bundle(std::string_view bytes, Image& out,
                        std::size_t max_bytes = default_max_bundle_bytes);

}  // namespace precept::runtime
