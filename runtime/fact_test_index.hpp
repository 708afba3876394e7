// Rule indexing for conditions that open with tests of one fact against a
// constant, the other half of guard_index.hpp (which covers strings a rule
// needs to find in the document):
//
//   when model.training_compute_flops >= 7e25 ...      thresholds
//   when model.provider_country not in COUNTRIES ...   strings a rule must not see
//   when model.type != "self_trained" ...
//   when model.trains_on_customer_data and ...         a bool that must be true
//   when ... and not model.opt_out_available and ...   or false
//
// Read from the verified code, not from the source: a rule function that
// begins `begin_condition; load_fact; get_field...; [push_const; <test> |
// not]` followed by `decide`, or by `jump_if_false` that reaches that
// `decide` (the first operand of an `and`, through the short circuits of
// the `and`s around it), does nothing when the test is false: the
// condition is false and the instance does not fire. So does each further
// operand of that chain of `and`s that is such a test, up to the first
// that is not: the tests before it are pure, they cannot fail or raise
// anything. A fact that is missing, unknown or of an unexpected kind
// settles nothing.
//
// The opening tests of rules without guards are grouped by fact, so one
// look at the fact settles them all: thresholds by a binary search over
// their sorted constants, string tests by one bitset per string. Every
// other test (the opening test of a guarded rule, the later operands) is
// checked for its rule alone, and only when the rule is a candidate, so
// its cost follows the rules that get that far.
//
//   FactTestIndex index(exe);
//   index.mark(facts, bits);          // sets the bit of each grouped rule that may fire
//   if (index.rules_out(r, facts)) ...  // one of rule r's other tests is false
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "runtime/facts.hpp"
#include "runtime/image.hpp"
#include "runtime/name_table.hpp"
#include "runtime/opcodes.hpp"
#include "runtime/value.hpp"

namespace precept::runtime {

class Executable;

class FactTestIndex {
 public:
  FactTestIndex() = default;
  explicit FactTestIndex(const Executable& exe);

  // Whether rule `rule` is indexed here (its bit is set by mark, not by
  // anyone else).
  bool indexes(std::uint32_t rule) const { return rule < indexed_.size() && indexed_[rule] != 0; }
  // Sets in `bits` the indexed rules whose opening test is not false.
  void mark(const Facts& facts, std::vector<std::uint64_t>& bits) const;
  // Whether one of rule `rule`'s tests that no group settles is false.
  bool rules_out(std::uint32_t rule, const Facts& facts) const {
    return rule_tests_[rule] != rule_tests_[rule + 1] && any_test_false(rule, facts);
  }

 private:
  enum class Kind : std::uint8_t {
    truth,    // a bool fact: false settles it
    order,    // lt, le, gt, ge or eq against a number
    strings,  // ne or not in against strings: the fact's string settles it
  };
  struct Threshold {
    Value constant;  // integer or number
    std::uint32_t rule = 0;
  };
  struct Group {
    std::vector<std::uint32_t> path;  // root slot, then field slots
    Kind kind = Kind::truth;
    Op op = Op::halt;
    std::vector<std::uint32_t> rules;  // every rule of the group
    // order: the thresholds with integer constants, then those with number
    // constants, each sorted by constant.
    std::vector<Threshold> integers, numbers;
    // strings: per string, the bitset (offset into skip_bits_) of the
    // group's rules the string rules out.
    NameTable skip;
    std::size_t all = no_bits;  // offset into skip_bits_: every rule of the group
  };
  static constexpr std::size_t no_bits = static_cast<std::size_t>(-1);

  // One test checked for its rule alone.
  struct RuleTest {
    std::uint32_t path = 0;   // offset into test_paths_
    std::uint32_t depth = 0;  // its steps: root slot, then field slots
    Kind kind = Kind::truth;
    Op op = Op::halt;  // truth: halt (must be true) or not_ (must be false)
    Value constant;
  };

  // The fact at `path`, unknown when it is missing or cannot be reached.
  Value read(const Facts& facts, std::span<const std::uint32_t> path) const;
  // The kind of a test (op, with constants[constant] unless it is a
  // truth test), if the index reads it.
  static std::optional<Kind> kind_of(const Executable& exe, Op op, std::uint32_t constant);
  void add_rule_test(const Executable& exe, const std::vector<std::uint32_t>& path, Op op,
                     std::uint32_t constant);
  bool any_test_false(std::uint32_t rule, const Facts& facts) const;
  void mark_order(const Group& group, const Value& x, std::vector<std::uint64_t>& bits) const;

  std::vector<std::uint32_t> field_counts_;  // per record type
  std::vector<Group> groups_;
  std::vector<std::uint64_t> skip_bits_;
  std::vector<std::uint8_t> indexed_;  // per rule
  std::vector<RuleTest> tests_;
  std::vector<std::uint32_t> rule_tests_;  // per rule and one past: its first test in tests_
  std::vector<std::uint32_t> test_paths_;
};

}  // namespace precept::runtime
