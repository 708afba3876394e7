// Bundle format 4 packs instructions and source locations in per-section
// column widths (runtime/bundle.cpp, write_code and write_locs): every width
// round-trips, the widths follow the values, and a bad width or a count the
// packed items cannot fill is refused with the offset and the item.
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <string>

#include "runtime/bundle.hpp"
#include "runtime/sha256.hpp"

using namespace precept::runtime;

namespace {

// An image with code and locations and nothing else: the reader checks the
// framing only, so it reads it (the verifier would not accept it).
Image code_only(std::vector<Instr> code, std::vector<SourceLoc> locs) {
  Image image;
  image.code = std::move(code);
  image.locs = std::move(locs);
  return image;
}

// Where the code section starts in a bundle of code_only(): the header (12),
// empty name and version (4 + 4), no files, types, enums or records (4 each),
// the root (4), no constants and no functions (4 each).
constexpr std::size_t code_at = 12 + 4 + 4 + 4 + 4 + 4 + 4 + 4 + 4 + 4;

std::string body_of(const std::string& bundle) {
  return bundle.substr(0, bundle.size() - bundle_checksum_size);
}

// `body` with a fresh checksum, so the reader gets past it to the framing.
std::string seal(std::string body) {
  return with_checksum(std::move(body));
}

void round_trip(const Image& image) {
  Image back;
  REQUIRE(read_bundle(write_bundle(image), back) == "");
  REQUIRE(back.code.size() == image.code.size());
  for (std::size_t i = 0; i < image.code.size(); ++i) {
    INFO("instruction " << i);
    CHECK(back.code[i].op == image.code[i].op);
    CHECK(back.code[i].a == image.code[i].a);
    CHECK(back.code[i].b == image.code[i].b);
  }
  REQUIRE(back.locs.size() == image.locs.size());
  for (std::size_t i = 0; i < image.locs.size(); ++i) {
    INFO("location " << i);
    CHECK(back.locs[i].file == image.locs[i].file);
    CHECK(back.locs[i].line == image.locs[i].line);
    CHECK(back.locs[i].column == image.locs[i].column);
  }
}

}  // namespace

TEST_CASE("packed columns round-trip at every width", "[bundle]") {
  for (std::uint32_t big :
       {0u, 0xFFu, 0x100u, 0xFFFFu, 0x10000u, 0xFFFFFFu, 0x1000000u, 0xFFFFFFFFu}) {
    INFO("largest value " << big);
    round_trip(code_only({{Op::halt, big, 0}, {Op::halt, 1, big}, {Op::halt, big / 2, big}},
                         {{0, big, 1}, {big, 1, big}, {no_index, 0, 0}}));
  }
  round_trip(code_only({}, {}));
}

TEST_CASE("each packed column takes the bytes its largest value needs", "[bundle]") {
  // One instruction: opcode, A, B. One location: file + 1, line, column.
  const auto size = [](std::uint32_t a, std::uint32_t b, SourceLoc loc) {
    return write_bundle(code_only({{Op::halt, a, b}}, {loc})).size();
  };
  const std::size_t smallest = size(0, 0, {no_index, 0, 0});
  CHECK(size(0xFF, 0, {0, 0, 0}) == smallest);  // file 0 packs as 1
  CHECK(size(0x100, 0, {no_index, 0, 0}) == smallest + 1);
  CHECK(size(0, 0x10000, {no_index, 0, 0}) == smallest + 2);
  CHECK(size(0, 0, {no_index, 0x1000000, 0}) == smallest + 3);
  CHECK(size(0, 0, {0xFFFFFFFEu, 0, 0xFFFF}) == smallest + 3 + 1);
}

TEST_CASE("the reader refuses bad packed sections", "[bundle]") {
  std::string body = body_of(write_bundle(code_only({{Op::halt, 300, 2}}, {{0, 7, 1}})));
  REQUIRE(body.size() > code_at + 2);
  REQUIRE(body[code_at] == 2);      // A width: 300 takes 2 bytes
  REQUIRE(body[code_at + 1] == 1);  // B width
  Image image;

  SECTION("a width of 0 or more than 4") {
    for (char width : {0, 5, -1}) {
      std::string damaged = body;
      damaged[code_at + 1] = width;
      CHECK(read_bundle(seal(damaged), image) ==
            fmt::format("offset {}: operand B width byte {} is not a width from 1 to 4",
                        code_at + 1, static_cast<unsigned char>(width)));
    }
    // The location widths follow the instruction: 2 width bytes, the count, 1 + 2 + 1 bytes.
    const std::size_t locs_at = code_at + 2 + 4 + 4;
    REQUIRE(body[locs_at] == 1);
    std::string damaged = body;
    damaged[locs_at + 2] = 9;
    CHECK(read_bundle(seal(damaged), image) ==
          fmt::format("offset {}: source column width byte 9 is not a width from 1 to 4",
                      locs_at + 2));
  }
  SECTION("wider columns than the items were written in") {
    // Widths 4 and 4 make the one instruction 9 bytes instead of 4: it
    // swallows the location widths and the first byte of their count, and
    // the reader meets a zero where the next width should be.
    std::string damaged = body;
    damaged[code_at] = 4;
    damaged[code_at + 1] = 4;
    CHECK(read_bundle(seal(damaged), image) ==
          fmt::format("offset {}: source file width byte 0 is not a width from 1 to 4",
                      code_at + 2 + 4 + 9));
  }
  SECTION("an instruction count the bytes cannot hold") {
    std::string damaged = body;
    damaged[code_at + 2] = 100;
    CHECK(read_bundle(seal(damaged), image) ==
          fmt::format("offset {}: instruction count 100 runs past the end of the bundle",
                      code_at + 2));
  }
  SECTION("an opcode out of range, named with its instruction") {
    std::string two = body_of(write_bundle(code_only({{Op::halt, 1, 1}, {Op::halt, 1, 1}}, {})));
    const std::size_t second = code_at + 2 + 4 + 3;  // widths, count, the first instruction
    two[second] = static_cast<char>(op_count);
    CHECK(
        read_bundle(seal(two), image) ==
        fmt::format("offset {}: instruction 1: opcode byte {} is out of range", second, op_count));
  }
}

TEST_CASE("a bundle of another format version is refused", "[bundle]") {
  std::string body = body_of(write_bundle(code_only({}, {})));
  for (std::uint32_t version : {bundle_format_version - 1, bundle_format_version + 1}) {
    body[8] = static_cast<char>(version);
    Image image;
    CHECK(read_bundle(seal(body), image) ==
          fmt::format("offset 8: bundle format version {} is not supported (this build reads {})",
                      version, bundle_format_version));
  }
}
