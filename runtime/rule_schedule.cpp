#include "runtime/rule_schedule.hpp"

#include <algorithm>

#include "runtime/executable.hpp"

namespace precept::runtime {

namespace {

void set(std::vector<std::uint64_t>& bits, std::uint32_t i) {
  bits[i >> 6] |= std::uint64_t{1} << (i & 63);
}

// Spans of `rules` grouped by key, from (key, rule) pairs in rule order.
template <class Span>
void group(std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs, std::size_t keys,
           std::vector<Span>& spans, std::vector<std::uint32_t>& rules) {
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  spans.assign(keys, Span{});
  for (const auto& [key, rule] : pairs) {
    Span& span = spans[key];
    if (span.count == 0) span.first = static_cast<std::uint32_t>(rules.size());
    rules.push_back(rule);
    ++span.count;
  }
}

}  // namespace

RuleSchedule::RuleSchedule(const Executable& exe)
    : guards_(&exe.guards()),
      rule_count_(static_cast<std::uint32_t>(exe.image().rules.size())),
      tests_(exe) {
  const Image& image = exe.image();
  const GuardIndex& guards = exe.guards();
  unguarded_.assign((rule_count_ + 63) / 64, 0);
  more_guards_.assign(rule_count_, 0);
  rule_guards_.reserve(rule_count_);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> by_guard, by_field;
  for (std::uint32_t r = 0; r < rule_count_; ++r) {
    const std::vector<std::uint32_t>& ids = image.rules[r].guards;
    rule_guards_.push_back(&ids);
    if (ids.empty()) {
      if (!tests_.indexes(r)) set(unguarded_, r);
      continue;
    }
    // The key: the guard with the fewest strings, likely the one that holds
    // least often.
    std::uint32_t key = *std::min_element(ids.begin(), ids.end(), [&](auto a, auto b) {
      return image.guards[a].strings.size() < image.guards[b].strings.size();
    });
    more_guards_[r] = ids.size() > 1;
    by_guard.emplace_back(key, r);
    for (const FieldRef& step : image.guards[key].path) {
      by_field.emplace_back(guards.field_base(step.record) + step.field, r);
    }
  }
  group(std::move(by_guard), image.guards.size(), by_guard_, rules_);
  group(std::move(by_field), guards.field_count(), by_field_, rules_);
}

bool RuleSchedule::mark_candidates(const Facts& facts, std::vector<std::uint64_t>& bits) const {
  const std::vector<std::uint64_t>& hits = facts.guard_hits;
  const std::vector<std::uint64_t>& unclean = facts.unclean_fields;
  // As GuardIndex::rules_out: facts without the bits rule nothing out.
  if (hits.size() * 64 < by_guard_.size() || unclean.size() * 64 < by_field_.size()) return false;
  bits = unguarded_;
  auto mark = [&](const std::vector<std::uint64_t>& keys, const std::vector<Span>& spans) {
    for (std::size_t w = 0; w < keys.size(); ++w) {
      for (std::uint64_t b = keys[w]; b != 0; b &= b - 1) {
        std::size_t key = w * 64 + static_cast<std::size_t>(std::countr_zero(b));
        if (key >= spans.size()) break;
        const Span& span = spans[key];
        for (std::uint32_t k = 0; k < span.count; ++k) set(bits, rules_[span.first + k]);
      }
    }
  };
  mark(hits, by_guard_);
  mark(unclean, by_field_);
  tests_.mark(facts, bits);
  return true;
}

}  // namespace precept::runtime
