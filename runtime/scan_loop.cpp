#include "runtime/scan_loop.hpp"

namespace precept::runtime {

namespace {

bool is_membership(Op op) { return op == Op::in || op == Op::not_in; }

// Reads the instructions of a function in order; past its end, halts.
class Reader {
 public:
  Reader(const std::vector<Instr>& code, const Function& function, std::uint32_t pc)
      : code_(code), end_(function.end < code.size() ? function.end : code.size()), pc_(pc) {}
  const Instr& peek(std::uint32_t ahead = 0) const {
    static const Instr past_end{};
    return pc_ + ahead < end_ ? code_[pc_ + ahead] : past_end;
  }
  bool next_is(Op op) const { return peek().op == op; }
  const Instr& take() {
    const Instr& instr = peek();
    ++pc_;
    return instr;
  }
  std::uint32_t pc() const { return pc_; }

 private:
  const std::vector<Instr>& code_;
  std::size_t end_;
  std::uint32_t pc_;
};

// `load_local %element` and an optional `get_field`: the test's subject.
bool subject(Reader& r, std::uint32_t element, ScanTest& test) {
  if (!r.next_is(Op::load_local) || r.peek().a != element) return false;
  r.take();
  ++test.units;
  if (r.next_is(Op::get_field)) {
    test.of_field = true;
    test.slot = r.take().a;
    ++test.units;
  }
  return true;
}

std::optional<ScanTest> match_test(Reader& r, std::uint32_t element) {
  ScanTest test;
  if (r.next_is(Op::push_const)) {
    // constants[C] in | not in the subject
    test.form = ScanTest::Form::const_in;
    test.constant = r.take().a;
    test.units = 1;
    if (!subject(r, element, test) || !is_membership(r.peek().op)) return std::nullopt;
    test.op = r.take().op;
    ++test.units;
    return test;
  }
  if (!subject(r, element, test)) return std::nullopt;
  if (r.next_is(Op::push_const) && (is_comparison(r.peek(1).op) || is_membership(r.peek(1).op) ||
                                    r.peek(1).op == Op::intersects)) {
    test.form = ScanTest::Form::subject_vs_const;
    test.constant = r.take().a;
    test.op = r.take().op;
    test.units += 2;
    return test;
  }
  test.form = ScanTest::Form::truth;
  return test;
}

}  // namespace

std::optional<ScanLoop> match_scan_loop(const std::vector<Instr>& code, const Function& function,
                                        std::uint32_t pc) {
  Reader r(code, function, pc);
  if (!r.next_is(Op::iter_next) || !(r.peek(1).op == Op::store_local)) return std::nullopt;
  ScanLoop loop;
  const Instr& next = r.take();
  loop.iterator = next.a;
  loop.end = next.b;
  loop.element = r.take().a;

  std::optional<ScanTest> first = match_test(r, loop.element);
  if (!first) return std::nullopt;
  loop.tests[0] = *first;
  if (r.next_is(Op::jump_if_false) || r.next_is(Op::jump_if_true)) {
    // Two tests: the first's jump skips the second and lands on the
    // accumulator with the first's value, as `and` and `or` compile.
    const Instr& skip = r.take();
    loop.join = skip.op == Op::jump_if_false ? Op::and_ : Op::or_;
    std::optional<ScanTest> second = match_test(r, loop.element);
    if (!second || !r.next_is(loop.join)) return std::nullopt;
    r.take();
    if (skip.a != r.pc()) return std::nullopt;
    loop.tests[1] = *second;
    loop.test_count = 2;
  }
  if (!r.next_is(Op::acc_or) && !r.next_is(Op::acc_and)) return std::nullopt;
  const Instr& acc = r.take();
  loop.every = acc.op == Op::acc_and;
  loop.accumulator = acc.a;
  loop.settled = acc.b;
  // The back edge, to the loop's iter_next.
  if (!r.next_is(Op::jump) || r.peek().a != pc) return std::nullopt;
  // The native loop writes the element, the position and the accumulator
  // back once, after the last element it takes: code in which two of them,
  // or one of them and the collection, share a local runs as instructions.
  const std::uint32_t position = loop.iterator + 1;
  for (std::uint32_t local : {loop.element, loop.accumulator}) {
    if (local == loop.iterator || local == position) return std::nullopt;
  }
  if (loop.element == loop.accumulator) return std::nullopt;
  return loop;
}

}  // namespace precept::runtime
