// Bundles: SHA-256 against the FIPS 180-4 vectors, exact round trips, and a
// reader that rejects every damaged or hostile file with a message instead
// of crashing. Also checks that docs/bytecode.md documents every opcode.
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "runtime/bundle.hpp"
#include "runtime/disasm.hpp"
#include "runtime/image.hpp"
#include "runtime/sha256.hpp"
#include "runtime/verifier.hpp"

namespace precept::runtime::test {
Image sample_image();  // tests/runtime/verifier_test.cpp
}  // namespace precept::runtime::test

using namespace precept::runtime;
using precept::runtime::test::sample_image;

namespace {

constexpr std::size_t header_size = 12;  // magic and format version

// `body` (a bundle without its checksum) with a freshly computed checksum,
// so the reader gets past the checksum to the framing checks.
std::string seal(std::string body) {
  return with_checksum(std::move(body));
}

std::string body_of(const std::string& bundle) {
  return bundle.substr(0, bundle.size() - bundle_checksum_size);
}

void put_u32(std::string& bytes, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>(v >> (8 * i));
}

// Read, then verify and disassemble whatever the reader accepts: none of it
// may crash, whatever the bytes.
void read_verify_disassemble(std::string_view bytes, std::size_t& read_ok, std::size_t& verify_ok) {
  Image image;
  if (!read_bundle(bytes, image).empty()) return;
  ++read_ok;
  std::string error = verify(image);
  if (error.empty()) ++verify_ok;
  (void)disassemble(image);
}

}  // namespace

TEST_CASE("the bundle checksum is XXH3-64, little-endian, after the body", "[bundle]") {
  CHECK(with_checksum("") == std::string("\xc2\x94\xd3\x38\x05\x80\x06\x2d", 8));
  std::string bundle = write_bundle(Image{});
  CHECK(with_checksum(bundle.substr(0, bundle.size() - bundle_checksum_size)) == bundle);
}

TEST_CASE("sha256 matches the FIPS 180-4 test vectors", "[bundle]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Around the padding boundaries: 55 bytes fit one block, 56 need two.
  CHECK(sha256_hex(std::string(55, 'a')) ==
        "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  CHECK(sha256_hex(std::string(56, 'a')) ==
        "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  CHECK(sha256_hex(std::string(63, 'a')) ==
        "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
  CHECK(sha256_hex(std::string(64, 'a')) ==
        "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
  CHECK(sha256_hex(std::string(65, 'a')) ==
        "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0");
  CHECK(sha256_hex(std::string(119, 'a')) ==
        "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb");
  CHECK(sha256_hex(std::string(120, 'a')) ==
        "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c");
}

TEST_CASE("a bundle reads back to the same image", "[bundle]") {
  Image image = sample_image();
  std::string bytes = write_bundle(image);
  CHECK(bytes.compare(0, 8, std::string_view(bundle_magic, 8)) == 0);

  Image back;
  REQUIRE(read_bundle(bytes, back) == "");
  CHECK(write_bundle(back) == bytes);
  CHECK(back.name == "demo");
  CHECK(back.files[0].sha256 == image.files[0].sha256);
  CHECK(back.schema.enums[0].members[2].string_code == "RESTRICTED");
  CHECK(back.schema.enums[0].members[1].int_code == 2);
  CHECK(back.constants[8].number == 2.5);
  CHECK(back.constants[7].elements == std::vector<std::uint32_t>{1, 6});
  REQUIRE(back.code.size() == image.code.size());
  for (std::size_t i = 0; i < image.code.size(); ++i) {
    CHECK(back.code[i].op == image.code[i].op);
    CHECK(back.code[i].a == image.code[i].a);
    CHECK(back.code[i].b == image.code[i].b);
  }
  CHECK(back.rules[0].bindings[0].name == "d");
  CHECK(back.rules[0].effects[1].output == 0);
  CHECK(back.outputs[0].join == Join::or_);
  CHECK(back.rules[0].guards == std::vector<std::uint32_t>{0});
  REQUIRE(back.guards.size() == 1);
  CHECK(back.guards[0].path[0].record == image.schema.root);
  CHECK(back.guards[0].strings == std::vector<std::string>{"x"});
  CHECK(verify(back) == "");

  // Doubles keep their exact bits, negative zero and NaN payloads included.
  Image numbers = sample_image();
  numbers.constants[8].number = -0.0;
  Image numbers_back;
  REQUIRE(read_bundle(write_bundle(numbers), numbers_back) == "");
  CHECK(std::signbit(numbers_back.constants[8].number));
}

TEST_CASE("writing a bundle is deterministic", "[bundle]") {
  Image image = sample_image();
  std::string first = write_bundle(image);
  CHECK(write_bundle(image) == first);
  CHECK(write_bundle(sample_image()) == first);
  // Verifying fills in max_stack, which the bundle does not store.
  Image verified = sample_image();
  REQUIRE(verify(verified) == "");
  CHECK(write_bundle(verified) == first);
}

TEST_CASE("every truncation of a bundle is rejected", "[bundle]") {
  std::string bytes = write_bundle(sample_image());
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    Image image;
    INFO(length);
    CHECK(read_bundle(std::string_view(bytes).substr(0, length), image) != "");
  }
  // Truncated and resealed: the checksum passes and the framing must catch it.
  std::string body = body_of(bytes);
  for (std::size_t length = header_size; length < body.size(); ++length) {
    Image image;
    INFO(length);
    std::string error = read_bundle(seal(body.substr(0, length)), image);
    CHECK_THAT(error, Catch::Matchers::Contains("runs past the end of the bundle"));
  }
}

TEST_CASE("a flipped bit fails the checksum", "[bundle]") {
  std::string bytes = write_bundle(sample_image());
  for (std::size_t at = 0; at < bytes.size(); ++at) {
    for (unsigned char mask : {0x01, 0x80}) {
      std::string damaged = bytes;
      damaged[at] = static_cast<char>(damaged[at] ^ mask);
      Image image;
      INFO(at);
      std::string error = read_bundle(damaged, image);
      REQUIRE(error != "");
      if (at >= header_size) CHECK_THAT(error, Catch::Matchers::Contains("checksum mismatch"));
    }
  }
}

TEST_CASE("resealed damage never crashes the reader or the verifier", "[bundle]") {
  std::string body = body_of(write_bundle(sample_image()));
  std::size_t read_ok = 0;
  std::size_t verify_ok = 0;
  for (std::size_t at = header_size; at < body.size(); ++at) {
    for (unsigned char mask : {0x01, 0x02, 0x10, 0x80, 0xFF}) {
      std::string damaged = body;
      damaged[at] = static_cast<char>(damaged[at] ^ mask);
      read_verify_disassemble(seal(damaged), read_ok, verify_ok);
    }
    // Every byte set to a large value: huge counts, lengths and indexes.
    std::string damaged = body;
    damaged[at] = static_cast<char>(0xFE);
    read_verify_disassemble(seal(damaged), read_ok, verify_ok);
  }
  // Big counts and indexes four bytes at a time.
  for (std::size_t at = header_size; at + 4 <= body.size(); ++at) {
    for (std::uint32_t v : {0xFFFFFFFFu, 0x7FFFFFFFu, 0x00010000u, 23u, 24u}) {
      std::string damaged = body;
      put_u32(damaged, at, v);
      read_verify_disassemble(seal(damaged), read_ok, verify_ok);
    }
  }
  // Most damage survives the framing (it is an index or a number) and only
  // the verifier can tell; some of it is harmless (a name, a line number).
  INFO("read " << read_ok << ", verified " << verify_ok);
  CHECK(read_ok > 0);
  CHECK(verify_ok > 0);
  CHECK(verify_ok < read_ok);
}

TEST_CASE("the reader names what is wrong and where", "[bundle]") {
  std::string bytes = write_bundle(sample_image());
  std::string body = body_of(bytes);
  Image image;

  SECTION("size, magic and version") {
    CHECK(read_bundle("PRECEPT", image) == "offset 0: 7 bytes is too short for a bundle");
    std::string bad_magic = bytes;
    bad_magic[0] = 'X';
    CHECK(read_bundle(bad_magic, image) == "offset 0: not a Precept bundle (bad magic)");
    std::string bad_version = bytes;
    put_u32(bad_version, 8, bundle_format_version + 1);
    CHECK(read_bundle(bad_version, image) ==
          fmt::format("offset 8: bundle format version {} is not supported (this build reads {})",
                      bundle_format_version + 1, bundle_format_version));
    // Only the size is looked at: the view's bytes are never read.
    std::string_view huge(bytes.data(), default_max_bundle_bytes + 1);
    CHECK(read_bundle(huge, image) == "the bundle is 268435457 bytes; the limit is 268435456");
    // The limit is the caller's to change.
    CHECK(read_bundle(bytes, image, bytes.size() - 1) ==
          fmt::format("the bundle is {} bytes; the limit is {}", bytes.size(), bytes.size() - 1));
    CHECK(read_bundle(bytes, image, bytes.size()).empty());
  }
  SECTION("checksum") {
    std::string damaged = bytes;
    damaged[20] = static_cast<char>(damaged[20] ^ 4);
    CHECK(read_bundle(damaged, image) ==
          fmt::format("offset {}: checksum mismatch (the bundle is damaged or truncated)",
                      body.size()));
  }
  SECTION("a string longer than the bundle") {
    put_u32(body, header_size, 99999);  // the bundle name's length
    CHECK(read_bundle(seal(body), image) ==
          "offset 12: bundle name: string length 99999 runs past the end of the bundle");
  }
  SECTION("a count larger than the bundle") {
    // After the name `demo` and the version `1.0.0` comes the file count.
    std::size_t at = header_size + 4 + 4 + 4 + 5;
    put_u32(body, at, 0xFFFFFFFFu);
    CHECK(read_bundle(seal(body), image) ==
          fmt::format("offset {}: file count 4294967295 runs past the end of the bundle", at));
  }
  SECTION("trailing data") {
    CHECK(read_bundle(seal(body + "xyz"), image) ==
          fmt::format("offset {}: 3 bytes of trailing data after the guards", body.size()));
  }
  SECTION("a failed read leaves the image alone") {
    Image kept = sample_image();
    CHECK(read_bundle(seal(body.substr(0, body.size() - 1)), kept) != "");
    CHECK(kept.name == "demo");
    CHECK(kept.code.size() == 23);
  }
}

TEST_CASE("the reader rejects enum bytes out of range", "[bundle]") {
  struct Case {
    const char* name;
    void (*mutate)(Image&);
    const char* expected;
  };
  const Case cases[] = {
      {"opcode", [](Image& im) { im.code[3].op = static_cast<Op>(op_count); },
       "instruction 3: opcode byte"},
      {"opcode 255", [](Image& im) { im.code[0].op = static_cast<Op>(255); },
       "instruction 0: opcode byte 255 is out of range"},
      {"type kind", [](Image& im) { im.schema.types[1].kind = static_cast<TypeKind>(10); },
       "type 1: type kind byte 10 is out of range"},
      {"member code",
       [](Image& im) { im.schema.enums[0].members[1].code = static_cast<EnumMember::Code>(3); },
       "enum 0: member 1: member code kind byte 3 is out of range"},
      {"presence",
       [](Image& im) { im.schema.records[0].fields[2].presence = static_cast<Presence>(3); },
       "record 0: field 2: presence byte 3 is out of range"},
      {"constant kind", [](Image& im) { im.constants[5].kind = static_cast<Constant::Kind>(9); },
       "constant 5: constant kind byte 9 is out of range"},
      {"severity", [](Image& im) { im.rules[0].severity = static_cast<Severity>(5); },
       "rule 0: severity byte 5 is out of range"},
      {"effect kind", [](Image& im) { im.rules[0].effects[1].kind = static_cast<EffectKind>(5); },
       "rule 0: effect 1: effect kind byte 5 is out of range"},
      {"join", [](Image& im) { im.outputs[0].join = static_cast<Join>(4); },
       "output 0: join byte 4 is out of range"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    Image image = sample_image();
    c.mutate(image);
    Image back;
    std::string error = read_bundle(write_bundle(image), back);
    CHECK_THAT(error, Catch::Matchers::StartsWith("offset "));
    CHECK_THAT(error, Catch::Matchers::Contains(c.expected));
  }

  // A boolean byte other than 0 or 1: the `read` flag of the first field.
  std::string body = body_of(write_bundle(sample_image()));
  std::size_t at = body.find("items");
  REQUIRE(at != std::string::npos);
  at += 5 + 4 + 1 + 4;  // name, type, presence, default
  REQUIRE(body[at] == 1);
  body[at] = 2;
  Image image;
  CHECK(read_bundle(seal(body), image) ==
        fmt::format("offset {}: record 0: field 0: field read flag byte 2 is neither 0 nor 1", at));
}

TEST_CASE("docs/bytecode.md documents every opcode", "[bundle]") {
  std::ifstream in(std::string(PRECEPT_SOURCE_DIR) + "/docs/bytecode.md");
  std::ostringstream text;
  text << in.rdbuf();
  std::string doc = text.str();
  REQUIRE(!doc.empty());
  for (std::size_t i = 0; i < op_count; ++i) {
    std::string name(op_info(static_cast<Op>(i)).name);
    if (name.back() == '_') name.pop_back();
    std::string documented = "`" + name + "`";
    INFO(documented);
    CHECK(doc.find(documented) != std::string::npos);
  }
}
