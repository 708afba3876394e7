// Which rules an evaluation runs, found without looking at every rule.
//
// Rule indexing (guard_index.hpp) lets the VM skip a rule one of whose
// guards does not hold on clean fields. Asking that of each rule in turn
// still costs every rule something; a schedule instead starts from what the
// document holds. Each guarded rule is filed under one of its guards, its
// key: the rule is a candidate only when its key guard holds or one of the
// key's fields is unclean, and candidates with more guards are checked
// against the others (GuardIndex::rules_out). So an evaluation's work is
// proportional to the rules the document leaves a way to fire, plus one
// bit per rule.
//
// Rules whose condition opens with a test of one fact against a constant
// are found through a FactTestIndex instead, which also rules out a
// candidate when a later test of its condition's chain of `and`s is false.
//
//   RuleSchedule schedule(exe);
//   schedule.each_candidate(facts, scratch, [&](std::uint32_t rule) { ... });  // in rule order
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

#include "runtime/fact_test_index.hpp"
#include "runtime/facts.hpp"
#include "runtime/guard_index.hpp"
#include "runtime/image.hpp"

namespace precept::runtime {

class Executable;

class RuleSchedule {
 public:
  RuleSchedule() = default;
  explicit RuleSchedule(const Executable& exe);

  // Calls `run(rule)` for every rule that neither GuardIndex::rules_out nor
  // the FactTestIndex rules out (its groups or rules_out), in ascending
  // order. `scratch` holds the candidate bits.
  template <class Run>
  void each_candidate(const Facts& facts, std::vector<std::uint64_t>& scratch, Run&& run) const {
    const std::vector<std::uint64_t>& hits = facts.guard_hits;
    const std::vector<std::uint64_t>& unclean = facts.unclean_fields;
    if (!mark_candidates(facts, scratch)) {
      for (std::uint32_t r = 0; r < rule_count_; ++r) {
        if (!tests_.rules_out(r, facts)) run(r);
      }
      return;
    }
    for (std::size_t w = 0; w < scratch.size(); ++w) {
      for (std::uint64_t bits = scratch[w]; bits != 0; bits &= bits - 1) {
        auto rule = static_cast<std::uint32_t>(w * 64 + std::countr_zero(bits));
        if (more_guards_[rule] && guards_->rules_out(*rule_guards_[rule], hits, unclean)) continue;
        if (tests_.rules_out(rule, facts)) continue;
        run(rule);
      }
    }
  }

 private:
  // Sets the bits of the candidates; false when the facts carry no guard
  // bits (every rule is then a candidate).
  bool mark_candidates(const Facts& facts, std::vector<std::uint64_t>& bits) const;

  // Rules filed under each guard and under each field, as spans of `rules_`.
  struct Span {
    std::uint32_t first = 0;
    std::uint32_t count = 0;
  };

  const GuardIndex* guards_ = nullptr;
  std::uint32_t rule_count_ = 0;
  FactTestIndex tests_;
  std::vector<std::uint64_t> unguarded_;   // bits: rules no index covers
  std::vector<Span> by_guard_;             // per guard: rules it is the key of
  std::vector<Span> by_field_;             // per field: rules whose key reads it
  std::vector<std::uint32_t> rules_;       // the spans' rules
  std::vector<std::uint8_t> more_guards_;  // per rule: has guards besides its key
  std::vector<const std::vector<std::uint32_t>*> rule_guards_;  // per rule: RuleDesc::guards
};

}  // namespace precept::runtime
