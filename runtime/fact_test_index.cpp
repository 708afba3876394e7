#include "runtime/fact_test_index.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <optional>
#include <tuple>

#include "runtime/executable.hpp"

namespace precept::runtime {

namespace {

// Bitset words all the string groups of one executable may take together
// (8 MiB): a bundle of many long string sets tested on many facts indexes
// what fits and runs the rest.
constexpr std::size_t max_skip_words = std::size_t{1} << 20;
// Fields deep: `a.b.c.d` reads as load_fact and three get_fields.
constexpr std::size_t max_path = 8;

// The opening test of a rule function, if it has one (see the header).
struct Opening {
  std::vector<std::uint32_t> path;
  Op op = Op::halt;  // halt: the fact itself, a bool, is the test
  std::uint32_t constant = 0;
};

bool is_order(Op op) { return op == Op::lt || op == Op::le || op == Op::gt || op == Op::ge; }

std::optional<Opening> opening_test(const Image& image, const Function& f) {
  const std::vector<Instr>& code = image.code;
  const std::uint32_t end = std::min<std::uint32_t>(f.end, static_cast<std::uint32_t>(code.size()));
  std::uint32_t pc = f.entry;
  auto is = [&](Op op) { return pc < end && code[pc].op == op; };
  if (!is(Op::begin_condition)) return std::nullopt;
  ++pc;
  if (!is(Op::load_fact)) return std::nullopt;
  Opening o;
  o.path.push_back(code[pc++].a);
  while (is(Op::get_field) && o.path.size() < max_path) o.path.push_back(code[pc++].a);
  if (is(Op::push_const)) {
    o.constant = code[pc++].a;
    if (pc >= end) return std::nullopt;
    o.op = code[pc++].op;
    if (!is_order(o.op) && o.op != Op::eq && o.op != Op::ne && o.op != Op::not_in) {
      return std::nullopt;
    }
  }
  // False settles the condition: it is the whole condition, or the first
  // operand of an `and` whose short circuit lands on the decision.
  if (is(Op::decide)) return o;
  if (is(Op::jump_if_false) && code[pc].a < end && code[code[pc].a].op == Op::decide) return o;
  return std::nullopt;
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
    if (!rule.guards.empty() || rule.function >= image.functions.size()) continue;
    std::optional<Opening> o = opening_test(image, image.functions[rule.function]);
    if (!o) continue;
    Kind kind = Kind::truth;
    Op op = o->op;
    if (o->op != Op::halt) {
      const Value& c = exe.constant(o->constant);
      if ((is_order(o->op) || o->op == Op::eq) && is_numeric(c)) {
        kind = Kind::order;
      } else if ((o->op == Op::ne && c.tag == Tag::string) ||
                 (o->op == Op::not_in && all_strings(c))) {
        kind = Kind::strings;
        op = Op::not_in;
      } else {
        continue;
      }
    }
    auto [it, added] = group_of.try_emplace({o->path, kind, op}, groups_.size());
    if (added) {
      Group& g = groups_.emplace_back();
      g.path = o->path;
      g.kind = kind;
      g.op = op;
    }
    groups_[it->second].rules.push_back(r);
    members.push_back(Member{it->second, r, std::move(*o)});
  }

  // Thresholds sorted by constant; string bitsets over each group's own rules.
  std::vector<std::size_t> position(image.rules.size(), 0);  // of a rule in its group
  for (Group& g : groups_) {
    for (std::size_t k = 0; k < g.rules.size(); ++k) position[g.rules[k]] = k;
  }
  std::vector<std::uint8_t> dropped(groups_.size(), 0);
  for (const Member& m : members) {
    Group& g = groups_[m.group];
    if (g.kind == Kind::order) {
      const Value& c = exe.constant(m.opening.constant);
      (c.tag == Tag::integer ? g.integers : g.numbers).push_back(Threshold{c, m.rule});
    } else if (g.kind == Kind::strings && !dropped[m.group]) {
      const std::size_t words = (g.rules.size() + 63) / 64;
      auto bitset = [&](std::size_t& at) {
        if (skip_bits_.size() + words > max_skip_words) return false;
        at = skip_bits_.size();
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
        auto [it, added] = g.skip.try_emplace(items[i].str(), 0);
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
    for (std::uint32_t r : g.rules) indexed_[r] = 1;
  }
  // A dropped group marks nothing.
  std::erase_if(groups_, [&](const Group& g) {
    return g.kind == Kind::strings && !indexed_[g.rules.front()];
  });
  for (const RecordType& record : exe.schema().records) {
    field_counts_.push_back(static_cast<std::uint32_t>(record.fields.size()));
  }
}

Value FactTestIndex::read(const Facts& facts, const std::vector<std::uint32_t>& path) const {
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
        auto it = g.skip.find(x.str());
        const std::uint64_t* all = skip_bits_.data() + g.all;
        const std::uint64_t* skip = it == g.skip.end() ? nullptr : skip_bits_.data() + it->second;
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
