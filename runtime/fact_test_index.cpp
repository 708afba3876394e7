#include "runtime/fact_test_index.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <optional>
#include <span>
#include <tuple>
#include <type_traits>
#include <unordered_map>

#include "runtime/executable.hpp"

namespace precept::runtime {

namespace {

// Bitset words all the string groups of one executable may take together
// (8 MiB): a bundle of many long string sets tested on many facts indexes
// what fits and runs the rest.
constexpr std::size_t max_skip_words = std::size_t{1} << 20;
// Fields deep: `a.b.c.d` reads as load_fact and three get_fields.
constexpr std::size_t max_path = 8;

// One test of a fact at the head of a rule's condition (see the header).
struct Opening {
  std::vector<std::uint32_t> path;
  Op op = Op::halt;  // halt: the fact itself, a bool, is the test; not_: its negation
  std::uint32_t constant = 0;
};

bool is_order(Op op) { return op == Op::lt || op == Op::le || op == Op::gt || op == Op::ge; }

// The tests at the head of a rule function's condition whose being false
// makes the whole condition false: the condition itself when it is one
// test, else the leading operands of its chain of `and`s, up to the first
// operand that is not such a test. A test is pure and cannot fail, so the
// tests before one change nothing when it is false.
//
//   begin_condition
//   T1   jump_if_false L1          a false T1 short-circuits to L1
//   T2   and_                      a false T2 makes the `and` false
//   L1: jump_if_false L2  ...      each L a jump_if_false to the next, the
//   Ln: decide                     last to the decide
std::vector<Opening> leading_tests(const Image& image, const Function& f) {
  const std::vector<Instr>& code = image.code;
  const std::uint32_t end = std::min<std::uint32_t>(f.end, static_cast<std::uint32_t>(code.size()));
  std::uint32_t pc = f.entry;
  auto is = [&](Op op) { return pc < end && code[pc].op == op; };
  auto test = [&]() -> std::optional<Opening> {
    if (!is(Op::load_fact)) return std::nullopt;
    Opening o;
    o.path.push_back(code[pc++].a);
    while (is(Op::get_field) && o.path.size() < max_path) o.path.push_back(code[pc++].a);
    if (is(Op::not_)) {
      ++pc;
      o.op = Op::not_;
    } else if (is(Op::push_const)) {
      o.constant = code[pc++].a;
      if (pc >= end) return std::nullopt;
      o.op = code[pc++].op;
      if (!is_comparison(o.op) && o.op != Op::not_in) {
        return std::nullopt;
      }
    }
    return o;
  };
  // Whether a false value at `at` reaches the decide through short circuits.
  auto reaches_decide = [&](std::uint32_t at) {
    for (std::size_t hops = 0; at < end && hops <= end - f.entry; ++hops) {
      if (code[at].op == Op::decide) return true;
      if (code[at].op != Op::jump_if_false) return false;
      at = code[at].a;
    }
    return false;
  };

  if (!is(Op::begin_condition)) return {};
  ++pc;
  std::optional<Opening> first = test();
  if (!first) return {};
  if (is(Op::decide)) return {std::move(*first)};
  if (!is(Op::jump_if_false) || !reaches_decide(code[pc].a)) return {};
  std::vector<Opening> tests{std::move(*first)};
  // pc is at the short circuit of the chain so far; the next operand
  // follows it and ends with the `and` just before where it jumps.
  while (is(Op::jump_if_false)) {
    const std::uint32_t joined = code[pc].a;
    ++pc;
    std::optional<Opening> next = test();
    if (!next || !is(Op::and_) || pc + 1 != joined) break;
    tests.push_back(std::move(*next));
    ++pc;
  }
  return tests;
}

bool is_numeric(const Value& v) {
  return v.tag == Tag::integer || (v.tag == Tag::number && !std::isnan(v.d));
}

// -1, 0 or 1, as the VM orders two numeric values (exact for two integers).
int compare_numbers(const Value& a, const Value& b) {
  if (a.tag == Tag::integer && b.tag == Tag::integer) return a.i < b.i ? -1 : (b.i < a.i ? 1 : 0);
  double x = a.tag == Tag::integer ? static_cast<double>(a.i) : a.d;
  double y = b.tag == Tag::integer ? static_cast<double>(b.i) : b.d;
  return x < y ? -1 : (y < x ? 1 : 0);
}

bool all_strings(const Value& v) {
  if (v.tag != Tag::list) return false;
  for (std::uint32_t i = 0; i < v.list->count; ++i) {
    if (v.list->items[i].tag != Tag::string) return false;
  }
  return true;
}

void set_bit(std::vector<std::uint64_t>& bits, std::size_t at, std::size_t i) {
  bits[at + (i >> 6)] |= std::uint64_t{1} << (i & 63);
}

}  // namespace

FactTestIndex::FactTestIndex(const Executable& exe) {
  const Image& image = exe.image();
  indexed_.assign(image.rules.size(), 0);
  std::vector<std::vector<Opening>> leading(image.rules.size());
  for (std::uint32_t r = 0; r < image.rules.size(); ++r) {
    const RuleDesc& rule = image.rules[r];
    if (rule.function < image.functions.size()) {
      leading[r] = leading_tests(image, image.functions[rule.function]);
    }
  }
  // Groups by (path, kind, op); string groups share ne and not in.
  std::map<std::tuple<std::vector<std::uint32_t>, Kind, Op>, std::size_t> group_of;
  struct Member {
    std::size_t group;
    std::uint32_t rule;
    Opening opening;
  };
  std::vector<Member> members;
  for (std::uint32_t r = 0; r < image.rules.size(); ++r) {
    const RuleDesc& rule = image.rules[r];
    if (!rule.guards.empty() || leading[r].empty()) continue;
    // The groups take the opening test of a rule without guards (a rule
    // that runs unless it rules it out); the rest are checked one rule at
    // a time, for candidates only (rules_out).
    const Opening& o = leading[r].front();
    const std::optional<Kind> read = kind_of(exe, o.op, o.constant);
    if (!read || o.op == Op::not_) continue;
    const Kind kind = *read;
    const Op op = kind == Kind::strings ? Op::not_in : o.op;
    auto [it, added] = group_of.try_emplace({o.path, kind, op}, groups_.size());
    if (added) {
      Group& g = groups_.emplace_back();
      g.path = o.path;
      g.kind = kind;
      g.op = op;
    }
    groups_[it->second].rules.push_back(r);
    members.push_back(Member{it->second, r, o});
  }

  // Thresholds sorted by constant; string bitsets over each group's own rules.
  std::vector<std::size_t> position(image.rules.size(), 0);  // of a rule in its group
  for (Group& g : groups_) {
    for (std::size_t k = 0; k < g.rules.size(); ++k) position[g.rules[k]] = k;
  }
  std::vector<std::uint8_t> dropped(groups_.size(), 0);
  // Per group, its strings and their bitsets, until each group's table is built.
  std::vector<std::unordered_map<std::string_view, std::uint32_t>> skips(groups_.size());
  for (const Member& m : members) {
    Group& g = groups_[m.group];
    if (g.kind == Kind::order) {
      const Value& c = exe.constant(m.opening.constant);
      (c.tag == Tag::integer ? g.integers : g.numbers).push_back(Threshold{c, m.rule});
    } else if (g.kind == Kind::strings && !dropped[m.group]) {
      const std::size_t words = (g.rules.size() + 63) / 64;
      // A new bitset of the group's rules; offsets stay below max_skip_words.
      auto bitset = [&](auto& at) {
        if (skip_bits_.size() + words > max_skip_words) return false;
        at = static_cast<std::remove_reference_t<decltype(at)>>(skip_bits_.size());
        skip_bits_.resize(skip_bits_.size() + words, 0);
        return true;
      };
      if (g.all == no_bits && !bitset(g.all)) {
        dropped[m.group] = 1;
        continue;
      }
      set_bit(skip_bits_, g.all, position[m.rule]);
      const Value& c = exe.constant(m.opening.constant);
      const Value* items = c.tag == Tag::string ? &c : c.list->items;
      const std::uint32_t count = c.tag == Tag::string ? 1 : c.list->count;
      for (std::uint32_t i = 0; i < count && !dropped[m.group]; ++i) {
        auto [it, added] = skips[m.group].try_emplace(items[i].str(), 0);
        if (added && !bitset(it->second)) dropped[m.group] = 1;
        if (!dropped[m.group]) set_bit(skip_bits_, it->second, position[m.rule]);
      }
    }
  }
  auto by_constant = [](const Threshold& a, const Threshold& b) {
    return compare_numbers(a.constant, b.constant) < 0;
  };
  for (std::size_t k = 0; k < groups_.size(); ++k) {
    Group& g = groups_[k];
    std::stable_sort(g.integers.begin(), g.integers.end(), by_constant);
    std::stable_sort(g.numbers.begin(), g.numbers.end(), by_constant);
    if (dropped[k]) continue;  // its rules run as unindexed ones
    g.skip.build({skips[k].begin(), skips[k].end()});
    for (std::uint32_t r : g.rules) indexed_[r] = 1;
  }
  // A dropped group marks nothing.
  std::erase_if(groups_, [&](const Group& g) {
    return g.kind == Kind::strings && !indexed_[g.rules.front()];
  });
  for (const RecordType& record : exe.schema().records) {
    field_counts_.push_back(static_cast<std::uint32_t>(record.fields.size()));
  }
  rule_tests_.reserve(image.rules.size() + 1);
  for (std::uint32_t r = 0; r < image.rules.size(); ++r) {
    rule_tests_.push_back(static_cast<std::uint32_t>(tests_.size()));
    for (std::size_t k = 0; k < leading[r].size(); ++k) {
      if (k == 0 && indexed_[r]) continue;  // a group settles it
      const Opening& o = leading[r][k];
      add_rule_test(exe, o.path, o.op, o.constant);
    }
  }
  rule_tests_.push_back(static_cast<std::uint32_t>(tests_.size()));
}

std::optional<FactTestIndex::Kind> FactTestIndex::kind_of(const Executable& exe, Op op,
                                                          std::uint32_t constant) {
  if (op == Op::halt || op == Op::not_) return Kind::truth;
  const Value& c = exe.constant(constant);
  if ((is_order(op) || op == Op::eq) && is_numeric(c)) return Kind::order;
  if ((op == Op::ne && c.tag == Tag::string) || (op == Op::not_in && all_strings(c))) {
    return Kind::strings;
  }
  return std::nullopt;
}

void FactTestIndex::add_rule_test(const Executable& exe, const std::vector<std::uint32_t>& path,
                                  Op op, std::uint32_t constant) {
  const std::optional<Kind> kind = kind_of(exe, op, constant);
  if (!kind) return;  // a test the index does not read: the rule finds out itself
  RuleTest t;
  t.op = op;
  t.kind = *kind;
  if (t.kind != Kind::truth) t.constant = exe.constant(constant);
  t.path = static_cast<std::uint32_t>(test_paths_.size());
  t.depth = static_cast<std::uint32_t>(path.size());
  test_paths_.insert(test_paths_.end(), path.begin(), path.end());
  tests_.push_back(t);
}

bool FactTestIndex::any_test_false(std::uint32_t rule, const Facts& facts) const {
  for (std::uint32_t i = rule_tests_[rule]; i < rule_tests_[rule + 1]; ++i) {
    const RuleTest& t = tests_[i];
    const Value x = read(facts, {test_paths_.data() + t.path, t.depth});
    switch (t.kind) {
      case Kind::truth:
        // halt: the fact must be true; not_: it must be false.
        if (x.tag == Tag::boolean && x.b == (t.op == Op::not_)) return true;
        break;
      case Kind::order:
        if (is_numeric(x) && !comparison_holds(t.op, compare_numbers(x, t.constant))) return true;
        break;
      case Kind::strings:
        if (x.tag != Tag::string) break;
        if (t.op == Op::ne) {
          if (x.str() == t.constant.str()) return true;
        } else if (t.constant.list->lookup != nullptr) {
          if (lookup_contains(*t.constant.list, x.str())) return true;
        } else {
          for (std::uint32_t k = 0; k < t.constant.list->count; ++k) {
            if (t.constant.list->items[k].str() == x.str()) return true;
          }
        }
        break;
    }
  }
  return false;
}

Value FactTestIndex::read(const Facts& facts, std::span<const std::uint32_t> path) const {
  Value v = facts.root;
  for (std::uint32_t slot : path) {
    if (v.tag != Tag::record || v.record == nullptr || v.record->type >= field_counts_.size() ||
        slot >= field_counts_[v.record->type]) {
      return Value::unknown();
    }
    v = v.record->slots[slot];
  }
  return v.tag == Tag::missing ? Value::unknown() : v;
}

void FactTestIndex::mark_order(const Group& g, const Value& x,
                               std::vector<std::uint64_t>& bits) const {
  auto holds = [&](const Threshold& t) {
    return comparison_holds(g.op, compare_numbers(x, t.constant));
  };
  for (const std::vector<Threshold>* list : {&g.integers, &g.numbers}) {
    // Sorted by constant, the thresholds that hold are a prefix (gt, ge), a
    // suffix (lt, le) or a run (eq).
    auto first = list->begin(), last = list->end();
    if (g.op == Op::gt || g.op == Op::ge) {
      last = std::partition_point(first, last, holds);
    } else if (g.op == Op::lt || g.op == Op::le) {
      first = std::partition_point(first, last, [&](const Threshold& t) { return !holds(t); });
    } else {
      first = std::partition_point(
          first, last, [&](const Threshold& t) { return compare_numbers(t.constant, x) < 0; });
      last = std::partition_point(first, last, holds);
    }
    for (auto it = first; it != last; ++it) set_bit(bits, 0, it->rule);
  }
}

void FactTestIndex::mark(const Facts& facts, std::vector<std::uint64_t>& bits) const {
  for (const Group& g : groups_) {
    const Value x = read(facts, g.path);
    auto mark_all = [&] {
      for (std::uint32_t r : g.rules) set_bit(bits, 0, r);
    };
    switch (g.kind) {
      case Kind::truth:
        if (x.tag != Tag::boolean || x.b) mark_all();
        break;
      case Kind::order:
        if (is_numeric(x)) {
          mark_order(g, x, bits);
        } else {
          mark_all();
        }
        break;
      case Kind::strings: {
        if (x.tag != Tag::string) {
          mark_all();
          break;
        }
        const std::uint32_t at = g.skip.find(x.str());
        const std::uint64_t* all = skip_bits_.data() + g.all;
        const std::uint64_t* skip = at == no_index ? nullptr : skip_bits_.data() + at;
        for (std::size_t w = 0; w * 64 < g.rules.size(); ++w) {
          for (std::uint64_t b = all[w] & ~(skip ? skip[w] : 0); b != 0; b &= b - 1) {
            set_bit(bits, 0, g.rules[w * 64 + static_cast<std::size_t>(std::countr_zero(b))]);
          }
        }
        break;
      }
    }
  }
}

}  // namespace precept::runtime
