// A generator of well-typed Precept programs and facts documents from fuzz
// input bytes, for the differential fuzzer (fuzz_diff.cpp). Every byte is a
// choice (which type, which operator, which field is absent...), so
// libFuzzer's mutations become small changes of the program; when the bytes
// run out every choice is the first one, which gives a small program.
//
//   GeneratedCase c = generate_case(data, size);
//   c.rules;    // one `.rules` file: enums, types, facts, consts, defs, outputs, rules
//   c.facts;    // a JSON document for it: absent fields, nulls, wrong types
//
// The programs are meant to pass the checker; the fuzzer counts how many do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace precept::fuzz {

// The fuzz input read as a stream of choices; zeros once it is used up.
class ByteSource {
 public:
  ByteSource(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  // A number in [0, n), n > 0.
  std::size_t below(std::size_t n) {
    return n <= 1 ? 0 : (byte() | (n > 256 ? byte() << 8 : 0)) % n;
  }
  // True with about `percent` per cent, false once the input is used up.
  bool chance(unsigned percent) { return pos_ < size_ && byte() % 100 < percent; }
  bool exhausted() const { return pos_ >= size_; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// What the generator may write. Each switch is a shape that once exposed a
// bug of the compiler or VM (numbered as in tests/unit/reference_test.cpp,
// all fixed and on); turning one off keeps the fuzzer away from a shape
// while its bug is open, so that it goes on finding others.
struct GeneratorOptions {
  // 5. `"${x}"` in a condition.
  bool interpolation_in_conditions = true;
  // 2. `x or true`, `x and false`, where x must still be evaluated. Off: a
  // constant operand of `and`/`or` is written first.
  bool absorbing_constant_operands = true;
  // 3. Number literals past 1e3 in programs, so a constant expression can
  // overflow the range of a double. (Facts carry huge numbers either way.)
  bool huge_number_literals = true;
  // 4. List indexes of 2^32 - 1 and more, past the end of a facts list.
  // Off: an index is taken `% 4`.
  bool huge_indexes = true;
  // 7. The empty string, in programs and facts.
  bool empty_strings = true;
  // 8. The literal 0.0, which `-` makes -0.0, in constant sets.
  bool signed_zero_literals = true;
};

struct GeneratedCase {
  std::string rules;     // the program, one file of package `g`
  nlohmann::json facts;  // the facts document (an object)
  std::int64_t now = 0;  // now(), days since 1970-01-01
  bool explain = true;
};

GeneratedCase generate_case(const std::uint8_t* data, std::size_t size,
                            const GeneratorOptions& options = {});

}  // namespace precept::fuzz
