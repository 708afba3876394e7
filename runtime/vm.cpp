// The VM (vm.hpp). One dispatch loop runs every function; rule functions
// report instances through `decide` and effects through `emit`/`raise`.
//
// Unknown values carry a *reason*: an index into a DAG whose leaves are
// missing fact paths and whose inner nodes are unions. Kleene operators
// drop the reasons of operands that did not matter (`false and x`), so when
// an instance ends undetermined, its reason lists exactly the missing facts
// that left it so.
#include "runtime/vm.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/date.hpp"
#include "runtime/hash.hpp"
#include "runtime/json_text.hpp"
#include "runtime/vm_program.hpp"
#include "stdlib/builtins.hpp"

namespace precept::runtime {

// The dispatch loop's helpers are lambdas used at several places; left to
// itself GCC calls them, which costs more than the work they do.
#define PRECEPT_INLINE __attribute__((always_inline))

namespace {

enum class Kleene : std::uint8_t { false_, true_, unknown };

enum class InstanceState : std::uint8_t { fired = 0, not_fired = 1, undetermined = 2 };

// The operand stack's memory, sized once per program to what its deepest
// call chain can need (the verifier bounds each function's depth and
// forbids recursion), so a push needs no capacity check. The dispatch loop
// keeps the top in a local.
class ValueStack {
 public:
  void allocate(std::size_t capacity) { storage_ = std::make_unique<Value[]>(capacity); }
  Value* data() { return storage_.get(); }

 private:
  std::unique_ptr<Value[]> storage_;
};

// Fuel (docs/security.md "Fuel"). One unit per instruction, plus, for an
// instruction whose work grows with its operands, units for that work, so
// that fuel bounds the time and the memory of an evaluation whatever the
// facts hold:
//   - one per element it visits (`in`, `==` on collections, `len`, ...);
//   - one per `scan_bytes` bytes it compares (memcmp runs at tens of bytes
//     per nanosecond), one per `count_bytes` bytes it counts byte by byte
//     (code points), one per byte it searches (memmem's two-way search
//     takes up to about 4 ns per byte on a text like `aaa…` and a part like
//     `aa…ab`);
//   - one per byte of text it writes: strings it builds, and what an entry,
//     a missing path or an error adds to the decision (with explanations,
//     each `because` path and value);
//   - for `matches`, its worst case, charged before RE2 runs (below).
constexpr std::uint64_t scan_bytes = 64;
constexpr std::uint64_t count_bytes = 8;
// RE2 matches in time linear in the text but, when its DFA runs out of
// memory and it falls back to the NFA, proportional to text × program too
// (about 2.5 ns per byte and instruction measured, against about 5 ns per
// instruction for the VM): one unit per 16 of those steps keeps a match's
// worst case near the time its fuel stands for, while an ordinary match (a
// program of 10 to 50 instructions over a short text) costs a few units.
constexpr std::uint64_t regex_steps_per_unit = 16;
// Compiling costs about 0.3 µs per program instruction: 64 units each, plus
// one per pattern byte (charged before compiling). Charged once per
// evaluation per pattern, whether the pattern was in the cache or not, so
// that the fuel an evaluation uses does not depend on earlier evaluations.
constexpr std::uint64_t regex_compile_units_per_instruction = 64;
// RE2's own default memory budget for one pattern (program and DFA), stated
// so it cannot drift from the checker's, which compiles with the default: a
// pattern past it does not compile ("pattern too large").
constexpr std::int64_t regex_max_mem = std::int64_t{8} << 20;
// Compiled patterns kept by one Vm, across evaluations: a bound on its
// memory whatever patterns the facts bring.
constexpr std::size_t max_cached_regexes = 64;

// Stops the dispatch loop when a limit is hit: the fuel runs out, or the
// decision would hold more entries than allowed.
struct OutOfFuel {
  std::uint32_t pc = 0;  // the instruction it stopped before
  bool entries = false;  // the entry limit, not the fuel
};

}  // namespace

struct Vm::State {
  struct Reason {
    std::uint32_t path = no_index;  // a leaf: a missing path (facts or extra)
    std::uint32_t left = 0;         // an inner node: the union of two reasons
    std::uint32_t right = 0;
  };
  struct Frame {
    std::uint32_t function = 0;
    std::uint32_t pc = 0;
    std::uint32_t base = 0;  // first local
  };
  struct Read {
    std::uint32_t parent = no_index;  // path of the record read from
    std::string_view field;
    Value value;
  };
  struct Pending {
    std::uint32_t output = 0;
    Value value;
  };

  const Executable* exe = nullptr;
  // The code to run, the rule schedule and the rest (vm_program.hpp): the
  // executable's, shared, or this Vm's own for another tuning.
  const VmProgram* program = nullptr;
  std::unique_ptr<const VmProgram> own_program;
  std::vector<std::uint64_t> candidates;  // the schedule's scratch bits
  const Facts* facts = nullptr;
  const EvalOptions* options = nullptr;
  Decision* out = nullptr;

  ValueStack stack;
  std::vector<Value> locals;  // reserved for the deepest call chain: never reallocates
  std::vector<Frame> frames;
  std::vector<Reason> reasons;        // [0] is "no reason"
  std::vector<PathNode> extra_paths;  // paths the VM made up (out-of-range list reads)
  Arena arena;                        // strings and lists built while evaluating
  std::uint64_t fuel = 0;

  // Rule being run and the current instance.
  std::uint32_t rule = 0;
  InstanceState state = InstanceState::not_fired;
  std::uint32_t bound = 0;         // `for` bindings of the instance
  bool gate_undetermined = false;  // an undetermined instance could deny or review
  // The current fired instance's bindings, built on first use: the first
  // bindings_count of `bindings`, whose strings are reused.
  std::vector<BindingEntry> bindings;
  std::size_t bindings_count = 0;
  bool bindings_built = false;
  std::vector<Read> reads;
  std::size_t reads_end = 0;            // reads of the decided instance: [0, reads_end)
  bool recording = false;               // explanations on and running a rule
  bool in_rule = false;                 // running a rule's function (not an output's)
  std::vector<std::size_t> loop_marks;  // per `for` binding: reads made outside its loop

  std::vector<Value> output_values;
  std::vector<Pending> pending;
  // decision.missing by path: open addressing, an entry's index + 1 per
  // slot, 0 empty; emptied per evaluation only when used.
  std::vector<std::uint32_t> missing_slots;
  std::string missing_text;       // the path being reported
  bool missing_reported = false;  // since the slots were last emptied
  std::vector<std::uint32_t> visit_mark;
  std::uint32_t visit_epoch = 0;
  std::vector<std::uint32_t> leaves;
  std::vector<std::uint32_t> collect_todo;  // collect()'s stack
  // decision.errors reported through error(), by `at` and message: as
  // missing_slots, an entry's index + 1 per slot.
  std::vector<std::uint32_t> error_slots;
  bool errors_reported = false;  // since the slots were last emptied
  std::size_t errors_filed = 0;  // in error_slots
  std::string place_text;        // the `at` of the error being reported
  std::string message_text;      // its message, when formatted
  std::string concat_scratch;    // message interpolation, reused

  // Compiled patterns by their text, at most max_cached_regexes. `epoch`:
  // the evaluation that last paid to compile it (see regex()).
  struct CachedRegex {
    std::unique_ptr<RE2> re;
    std::uint64_t epoch = 0;
    std::uint64_t last_use = 0;
  };
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return hash_bytes(text); }
  };
  std::unordered_map<std::string, CachedRegex, TextHash, std::equal_to<>> regexes;
  std::uint64_t regex_epoch = 0;
  std::uint64_t regex_clock = 0;

  // Explanations: each fact read (a record's path and a field of its type:
  // one path) is written as path and JSON text once per evaluation, then
  // copied into every entry whose instance read it. The table is open
  // addressing with an evaluation stamp per slot, so nothing is cleared or
  // freed between evaluations.
  struct Explained {
    std::uint32_t parent = 0;
    const char* field = nullptr;
    std::string path;
    std::string value;
    std::uint64_t mark = 0;  // the entry that last listed it
  };
  struct ExplainedSlot {
    std::uint64_t epoch = 0;  // the evaluation it was filled in, or empty
    std::uint32_t index = 0;  // into `explained`
  };
  std::vector<Explained> explained;  // [0, explained_count): this evaluation's
  std::size_t explained_count = 0;
  std::vector<ExplainedSlot> explained_slots;  // a power of two, at most half full
  std::uint64_t explain_epoch = 0;
  std::uint64_t explain_mark = 0;

  // ---------------------------------------------------------- fuel ---

  // The dispatch loop keeps the fuel in a local; an instruction whose work
  // is charged by size hands it to `fuel` for the call (run()'s `charged`),
  // and `charge_at` names the instruction if the fuel runs out in it.
  bool metered = false;  // charging on: inside run()
  std::uint32_t charge_at = 0;

  void charge(std::uint64_t units) {
    if (!metered) return;
    if (units > fuel) {
      fuel = 0;
      throw OutOfFuel{charge_at};
    }
    fuel -= units;
  }
  void charge_scan(std::size_t bytes) { charge(bytes / scan_bytes); }

  // ------------------------------------------------------- reasons ---

  std::uint32_t leaf(std::uint32_t path) {
    reasons.push_back(Reason{path, 0, 0});
    return static_cast<std::uint32_t>(reasons.size() - 1);
  }
  std::uint32_t join_reasons(std::uint32_t a, std::uint32_t b) {
    if (a == 0 || a == b) return b;
    if (b == 0) return a;
    reasons.push_back(Reason{no_index, a, b});
    return static_cast<std::uint32_t>(reasons.size() - 1);
  }
  std::uint32_t reason_of(const Value& v) {
    if (v.tag == Tag::missing) return leaf(v.aux);
    return v.tag == Tag::unknown ? v.aux : 0;
  }
  // A value read from the facts: a missing fact becomes unknown with its path.
  Value read(const Value& v) {
    if (v.tag == Tag::missing) return Value::unknown(leaf(v.aux));
    return v;
  }
  // A collection with an unknown element is unknown as a whole where the
  // whole is used (its length, equality, an output's or a field's value);
  // membership and quantifiers look at the elements one by one instead.
  Value whole(const Value& v) {
    if (v.tag == Tag::missing) return read(v);
    if (v.tag != Tag::list) return v;
    charge(v.list->count);
    std::uint32_t reason = 0;
    bool unknown = false;
    for (std::uint32_t i = 0; i < v.list->count; ++i) {
      const Value& item = v.list->items[i];
      if (item.is_unknown()) {
        unknown = true;
        reason = join_reasons(reason, reason_of(item));
      }
    }
    return unknown ? Value::unknown(reason) : v;
  }
  // A fired instance whose message or obligation fields read a missing fact
  // still applies, and the fact is listed as missing for the rule.
  void note_effect_value(const Value& v) {
    if (!in_rule || state != InstanceState::fired) return;
    Value w = whole(v);
    if (w.is_unknown()) {
      out->complete = false;  // the decision holds a value that is not known
      report_missing(reason_of(w), exe->image().rules[rule].id);
    }
  }
  Value unknown_of(const Value& a, const Value& b) {
    return Value::unknown(join_reasons(reason_of(a), reason_of(b)));
  }

  // The missing paths under a reason, each once, in first-reached order.
  void collect(std::uint32_t reason) {
    leaves.clear();
    if (reason == 0) return;
    if (visit_mark.size() < reasons.size()) visit_mark.resize(reasons.size(), 0);
    ++visit_epoch;
    std::vector<std::uint32_t>& todo = collect_todo;  // kept: its memory is reused
    todo.assign(1, reason);
    while (!todo.empty()) {
      std::uint32_t r = todo.back();
      todo.pop_back();
      if (r == 0 || visit_mark[r] == visit_epoch) continue;
      visit_mark[r] = visit_epoch;
      charge(1);
      const Reason& node = reasons[r];
      if (node.path != no_index) {
        leaves.push_back(node.path);
      } else {
        todo.push_back(node.right);
        todo.push_back(node.left);
      }
    }
  }

  // ---------------------------------------------------------- paths ---

  const PathNode& path_node(std::uint32_t id) const {
    return id < facts->paths.size() ? facts->paths[id] : extra_paths[id - facts->paths.size()];
  }
  void append_path(std::string& text, std::uint32_t id) const {
    if (id == no_index || id == 0) return;
    const PathNode& node = path_node(id);
    append_path(text, node.parent);
    if (node.index != PathNode::field_step) {
      fmt::format_to(std::back_inserter(text), "[{}]", node.index);
    } else {
      if (!text.empty()) text.push_back('.');
      text.append(node.field);
    }
  }
  std::uint32_t extra_index_path(std::uint32_t parent, std::uint64_t index) {
    extra_paths.push_back(PathNode{parent, index, {}});
    return static_cast<std::uint32_t>(facts->paths.size() + extra_paths.size() - 1);
  }

  // ---------------------------------------------------------- errors ---

  // `file:line:col` of the instruction at `pc`, appended to `text`.
  void append_place(std::string& text, std::uint32_t pc) const {
    const Image& image = exe->image();
    if (pc >= image.locs.size()) return;
    const SourceLoc& loc = image.locs[pc];
    if (loc.file >= image.files.size()) return;
    fmt::format_to(std::back_inserter(text), "{}:{}:{}", image.files[loc.file].path, loc.line,
                   loc.column);
  }
  // Reports an evaluation error or a limit at `pc`. The entry is one the
  // decision kept and its strings are refilled, so a decision with errors
  // allocates no more than one without, once they have grown.
  void error(ErrorEntry::Kind kind, std::uint32_t pc, std::string_view message) {
    std::string& at = place_text;
    at.clear();
    append_place(at, pc);
    charge(at.size() + 1 + message.size());  // as for the text `at` newline message
    // The same problem in a loop is reported once.
    if (reported_before(at, message)) return;
    ErrorEntry& e = out->errors.add();
    e.kind = kind;
    e.path.clear();
    e.at.assign(at);
    e.message.assign(message);
  }
  // Whether an error with this `at` and message is in the decision already
  // (through error()); if not, files the entry error() is about to add.
  bool reported_before(std::string_view at, std::string_view message) {
    errors_reported = true;
    EntryList<ErrorEntry>& entries = out->errors;
    // Sized by the errors filed, not by the input errors before them.
    if (error_slots.size() < 2 * (errors_filed + 1)) grow_error_slots();
    const std::size_t mask = error_slots.size() - 1;
    std::size_t slot = error_hash(at, message) & mask;
    for (; error_slots[slot] != 0; slot = (slot + 1) & mask) {
      const ErrorEntry& e = entries[error_slots[slot] - 1];
      if (e.at == at && e.message == message) return true;
    }
    error_slots[slot] = static_cast<std::uint32_t>(entries.size() + 1);
    ++errors_filed;
    return false;
  }
  static std::uint64_t error_hash(std::string_view at, std::string_view message) {
    return mix_bits(hash_bytes(at) * 31 + hash_bytes(message));
  }
  // Twice as many slots, the errors error() reported so far filed again
  // (input errors, which come first, are not in the table).
  void grow_error_slots() {
    const std::vector<std::uint32_t> filed = error_slots;
    error_slots.assign(std::max<std::size_t>(16, 2 * error_slots.size()), 0);
    const std::size_t mask = error_slots.size() - 1;
    for (std::uint32_t index : filed) {
      if (index == 0) continue;
      const ErrorEntry& e = out->errors[index - 1];
      std::size_t slot = error_hash(e.at, e.message) & mask;
      while (error_slots[slot] != 0) slot = (slot + 1) & mask;
      error_slots[slot] = index;
    }
  }
  Value failed(std::uint32_t pc, std::string_view message) {
    error(ErrorEntry::Kind::evaluation, pc, message);
    return Value::unknown();
  }
  // The same, with the message formatted into a string the State keeps
  // (fmt::format would make a new one each time).
  template <class... Args>
  Value failed_formatted(std::uint32_t pc, fmt::format_string<Args...> format, Args&&... args) {
    message_text.clear();
    fmt::format_to(std::back_inserter(message_text), format, std::forward<Args>(args)...);
    return failed(pc, message_text);
  }

  // ----------------------------------------------------------- values ---

  static Kleene truth(const Value& v) {
    if (v.tag == Tag::boolean) return v.b ? Kleene::true_ : Kleene::false_;
    return Kleene::unknown;
  }

  static bool numeric(const Value& v) { return v.tag == Tag::integer || v.tag == Tag::number; }
  static double as_double(const Value& v) {
    return v.tag == Tag::integer ? static_cast<double>(v.i) : v.d;
  }

  // Equality of two known values (ints and numbers by value; sets as sets).
  bool equal(const Value& a, const Value& b) {
    if (numeric(a) && numeric(b)) {
      if (a.tag == Tag::integer && b.tag == Tag::integer) return a.i == b.i;
      return as_double(a) == as_double(b);
    }
    if (a.tag == Tag::none || b.tag == Tag::none) return a.tag == b.tag;
    if (a.tag != b.tag) return false;
    switch (a.tag) {
      case Tag::boolean:
        return a.b == b.b;
      case Tag::string:
        if (a.aux != b.aux) return false;
        charge_scan(a.aux);
        return a.str() == b.str();
      case Tag::date:
        return a.i == b.i;
      case Tag::member:
        return a.i == b.i && a.aux == b.aux;
      case Tag::list: {
        const ListData& x = *a.list;
        const ListData& y = *b.list;
        if (x.is_set || y.is_set) return contains_all(x, y) && contains_all(y, x);
        if (x.count != y.count) return false;
        for (std::uint32_t i = 0; i < x.count; ++i) {
          charge(1);
          if (!equal(x.items[i], y.items[i])) return false;
        }
        return true;
      }
      case Tag::record:
        return a.record == b.record;
      default:
        return false;
    }
  }
  // Quadratic: every element compared is charged as it is.
  bool contains_all(const ListData& x, const ListData& y) {
    for (std::uint32_t i = 0; i < y.count; ++i) {
      bool found = false;
      for (std::uint32_t k = 0; k < x.count && !found; ++k) {
        charge(1);
        found = equal(x.items[k], y.items[i]);
      }
      if (!found) return false;
    }
    return true;
  }

  // -1, 0 or 1 for two known values of an ordered type.
  int order(const Value& a, const Value& b) {
    auto cmp = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
    if (a.tag == Tag::integer && b.tag == Tag::integer) return cmp(a.i, b.i);
    if (numeric(a) && numeric(b)) return cmp(as_double(a), as_double(b));
    if (a.tag == Tag::string && b.tag == Tag::string) {
      charge_scan(std::min(a.aux, b.aux));
      int c = a.str().compare(b.str());
      return c < 0 ? -1 : (c == 0 ? 0 : 1);
    }
    return cmp(a.i, b.i);  // dates, enum members, booleans
  }

  // The common comparisons, done in the dispatch loop without a call: two
  // integers, two numbers, or == and != on strings too short to cost fuel
  // (charge_scan). False: not one of them, `a` untouched.
  PRECEPT_INLINE static bool compare_inline(Op op, Value& a, const Value& b) {
    const bool equality = op == Op::eq || op == Op::ne;
    if (a.tag == Tag::integer && b.tag == Tag::integer) {
      a = Value::boolean(equality ? (a.i == b.i) == (op == Op::eq) : holds(op, a.i, b.i));
      return true;
    }
    if (numeric(a) && numeric(b)) {
      double x = as_double(a), y = as_double(b);
      a = Value::boolean(equality ? (x == y) == (op == Op::eq) : holds(op, x, y));
      return true;
    }
    if (equality && a.tag == Tag::string && b.tag == Tag::string &&
        (a.aux != b.aux || a.aux < scan_bytes)) {
      bool same = a.aux == b.aux && same_bytes(a.s, b.s, a.aux);
      a = Value::boolean(same == (op == Op::eq));
      return true;
    }
    return false;
  }
  // lt, le, gt, ge as order() decides them.
  template <class T>
  static bool holds(Op op, T x, T y) {
    return comparison_holds(op, x < y ? -1 : (y < x ? 1 : 0));
  }

  // x in a constant collection of 8 or more strings: one probe.
  static bool in_lookup(const ListData& c, const Value& x) { return lookup_contains(c, x.str()); }
  // member_of for a short string in a collection of strings, in the dispatch
  // loop: the same answer and the same fuel (taken from `fuel_left`). False:
  // not that case, nothing charged.
  PRECEPT_INLINE static bool member_inline(const Value& x, const Value& c, std::uint64_t& fuel_left,
                                           Value& r) {
    if (x.tag != Tag::string || c.tag != Tag::list) return false;
    const ListData& list = *c.list;
    if (list.lookup != nullptr) {
      r = Value::boolean(in_lookup(list, x));
      return true;
    }
    if (x.aux >= scan_bytes || fuel_left < list.count) return false;
    for (std::uint32_t i = 0; i < list.count; ++i) {
      const Value& item = list.items[i];
      if (item.tag != Tag::string) return false;
      if (item.aux == x.aux && same_bytes(item.s, x.s, x.aux)) {
        fuel_left -= list.count;
        r = Value::boolean(true);
        return true;
      }
    }
    fuel_left -= list.count;
    r = Value::boolean(false);
    return true;
  }

  // `subject intersects constant` (set_relation) where every element of the
  // subject is a short string and the constant holds strings: the same
  // answer and the same fuel (each element's member_of charges the
  // constant's length up front unless the constant is hashed). False: not
  // that case, the caller does it the general way (`fuel_left` may have
  // been spent on elements already looked at).
  PRECEPT_INLINE static bool intersects_inline(const Value& subject, const Value& constant,
                                               std::uint64_t& fuel_left, bool& result) {
    if (subject.is_unknown() || constant.tag != Tag::list) return false;
    if (subject.tag != Tag::list) {
      result = false;  // set_relation: no collection, nothing in common
      return true;
    }
    const ListData& items = *subject.list;
    const ListData& set = *constant.list;
    for (std::uint32_t i = 0; i < items.count; ++i) {
      const Value& x = items.items[i];
      if (x.tag != Tag::string || x.aux >= scan_bytes) return false;
      if (set.lookup != nullptr) {
        if (in_lookup(set, x)) {
          result = true;
          return true;
        }
        continue;
      }
      if (fuel_left < set.count) return false;
      fuel_left -= set.count;
      for (std::uint32_t k = 0; k < set.count; ++k) {
        const Value& item = set.items[k];
        if (item.tag != Tag::string) return false;
        if (item.aux == x.aux && same_bytes(item.s, x.s, x.aux)) {
          result = true;
          return true;
        }
      }
    }
    result = false;
    return true;
  }

  // Kleene membership: true if an element equals x, else unknown if an
  // element is unknown, else false.
  Value member_of(const Value& x, const Value& c) {
    if (x.is_unknown() || c.is_unknown()) return unknown_of(x, c);
    if (c.tag != Tag::list) return Value::boolean(false);
    if (c.list->lookup != nullptr && x.tag == Tag::string) {
      // A constant collection of strings: exact, and it holds no unknowns.
      return Value::boolean(in_lookup(*c.list, x));
    }
    std::uint32_t reason = 0;
    bool unknown = false;
    charge(c.list->count);  // the worst case, charged up front: a scan is cheap per element
    for (std::uint32_t i = 0; i < c.list->count; ++i) {
      const Value& item = c.list->items[i];
      if (x.tag == Tag::string && item.tag == Tag::string) {
        // The common case (a tag in a list of tags) without the general
        // comparison: lengths first, then bytes.
        // (memcmp must not see the null pointer of an empty string.)
        if (item.aux != x.aux) continue;
        charge_scan(x.aux);
        if (x.aux == 0 || std::memcmp(item.s, x.s, x.aux) == 0) return Value::boolean(true);
        continue;
      }
      if (item.is_unknown()) {
        unknown = true;
        reason = join_reasons(reason, reason_of(item));
        continue;
      }
      if (equal(x, item)) return Value::boolean(true);
    }
    return unknown ? Value::unknown(reason) : Value::boolean(false);
  }

  static Value kleene_not(const Value& v) {
    if (v.tag == Tag::boolean) return Value::boolean(!v.b);
    return v;
  }
  Value kleene_and(const Value& a, const Value& b) {
    if (a.tag == Tag::boolean && b.tag == Tag::boolean) return Value::boolean(a.b && b.b);
    Kleene x = truth(a), y = truth(b);
    if (x == Kleene::false_ || y == Kleene::false_) return Value::boolean(false);
    if (x == Kleene::true_ && y == Kleene::true_) return Value::boolean(true);
    return Value::unknown(join_reasons(x == Kleene::unknown ? reason_of(a) : 0,
                                       y == Kleene::unknown ? reason_of(b) : 0));
  }
  Value kleene_or(const Value& a, const Value& b) {
    if (a.tag == Tag::boolean && b.tag == Tag::boolean) return Value::boolean(a.b || b.b);
    Kleene x = truth(a), y = truth(b);
    if (x == Kleene::true_ || y == Kleene::true_) return Value::boolean(true);
    if (x == Kleene::false_ && y == Kleene::false_) return Value::boolean(false);
    return Value::unknown(join_reasons(x == Kleene::unknown ? reason_of(a) : 0,
                                       y == Kleene::unknown ? reason_of(b) : 0));
  }

  ListData* new_list(std::uint32_t count, bool is_set) {
    auto* list = arena.allocate<ListData>(1);
    Value* items = arena.allocate<Value>(count);
    *list = ListData{items, count, no_index, is_set};
    return list;
  }

  // ------------------------------------------------------------ text ---

  // A value as message text: strings, dates and enum members as they read,
  // everything else as its JSON.
  void append_text(std::string& text, const Value& v) const {
    switch (v.tag) {
      case Tag::string:
        text.append(v.str());
        break;
      case Tag::date:
        text += format_iso_date(v.i);
        break;
      case Tag::member:
        text.append(member_name(v));
        break;
      case Tag::none:
        text += "none";
        break;
      case Tag::unknown:
      case Tag::missing:
      case Tag::empty:
        text += "unknown";
        break;
      default:
        append_json(text, v);
        break;
    }
  }
  bool is_top_member(const Value& v) const {
    const Schema& schema = exe->schema();
    return v.aux < schema.enums.size() &&
           v.i + 1 == static_cast<std::int64_t>(schema.enums[v.aux].members.size());
  }
  std::string_view member_name(const Value& v) const {
    const Schema& schema = exe->schema();
    if (v.aux >= schema.enums.size()) return "?";
    const auto& members = schema.enums[v.aux].members;
    return v.i >= 0 && static_cast<std::size_t>(v.i) < members.size()
               ? std::string_view(members[v.i].name)
               : std::string_view("?");
  }
  void append_json(std::string& text, const Value& v) const {
    switch (v.tag) {
      case Tag::string:
        append_json_string(text, v.str());
        break;
      case Tag::boolean:
        text += v.b ? "true" : "false";
        break;
      case Tag::integer:
        fmt::format_to(std::back_inserter(text), "{}", v.i);
        break;
      case Tag::number:
        append_json_number(text, v.d);
        break;
      case Tag::date:
        append_json_string(text, format_iso_date(v.i));
        break;
      case Tag::member:
        append_json_string(text, member_name(v));
        break;
      case Tag::list: {
        text.push_back('[');
        for (std::uint32_t i = 0; i < v.list->count; ++i) {
          if (i > 0) text.push_back(',');
          append_json(text, v.list->items[i]);
        }
        text.push_back(']');
        break;
      }
      case Tag::record: {
        const Schema& schema = exe->schema();
        const RecordData& r = *v.record;
        text.push_back('{');
        bool first = true;
        if (r.type < schema.records.size()) {
          const auto& fields = schema.records[r.type].fields;
          for (std::size_t i = 0; i < fields.size(); ++i) {
            if (!fields[i].read) continue;
            if (!first) text.push_back(',');
            first = false;
            append_json_string(text, fields[i].name);
            text.push_back(':');
            append_json(text, r.slots[i]);
          }
        }
        text.push_back('}');
        break;
      }
      default:
        text += "null";
        break;
    }
  }

  // -------------------------------------------------------- builtins ---

  static bool fits(stdlib::BuiltinType type, const Value& v) {
    using stdlib::BuiltinType;
    switch (type) {
      case BuiltinType::string:
      case BuiltinType::regex:
        return v.tag == Tag::string;
      case BuiltinType::sized:
        return v.tag == Tag::string || v.tag == Tag::list;
      case BuiltinType::number:
      case BuiltinType::numeric:
        return numeric(v);
      case BuiltinType::int_:
        return v.tag == Tag::integer;
      case BuiltinType::date:
        return v.tag == Tag::date;
      case BuiltinType::bool_:
        return v.tag == Tag::boolean;
      default:
        return true;
    }
  }

  Value call_builtin(std::uint32_t id, Value* args, std::uint32_t pc) {
    using stdlib::BuiltinId;
    auto which = static_cast<BuiltinId>(id);
    if (which == BuiltinId::present) {
      return Value::boolean(!args[0].is_unknown() && args[0].tag != Tag::none);
    }
    if (which == BuiltinId::now) return Value::date(options->now);
    const stdlib::BuiltinInfo& info = stdlib::builtins[id];
    if (which == BuiltinId::len) args[0] = whole(args[0]);
    std::uint32_t reason = 0;
    bool unknown = false;
    for (std::uint32_t i = 0; i < info.arity; ++i) {
      if (args[i].is_unknown()) {
        unknown = true;
        reason = join_reasons(reason, reason_of(args[i]));
      }
    }
    if (unknown) return Value::unknown(reason);
    // The checker typed the arguments; a bundle from elsewhere may not have,
    // so each one is checked against the builtin's signature before use.
    for (std::uint32_t i = 0; i < info.arity; ++i) {
      if (!fits(info.params[i], args[i])) {
        return failed_formatted(pc, "argument {} of `{}` has the wrong type", i + 1, info.name);
      }
    }
    const Value& a = args[0];
    const Value& b = args[1];
    switch (which) {
      case BuiltinId::len: {
        if (a.tag == Tag::list) return Value::integer(a.list->count);
        charge(a.aux / count_bytes);
        std::int64_t points = 0;
        for (char c : a.str()) points += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
        return Value::integer(points);
      }
      case BuiltinId::lower:
      case BuiltinId::upper: {
        std::string_view s = a.str();
        charge(s.size());
        char* p = arena.allocate<char>(s.size());
        for (std::size_t i = 0; i < s.size(); ++i) {
          char c = s[i];
          if (which == BuiltinId::lower && c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
          if (which == BuiltinId::upper && c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
          p[i] = c;
        }
        return Value::string({p, s.size()});
      }
      case BuiltinId::starts_with:
        charge_scan(b.aux);
        return Value::boolean(a.str().substr(0, b.aux) == b.str());
      case BuiltinId::ends_with:
        charge_scan(b.aux);
        return Value::boolean(a.aux >= b.aux && a.str().substr(a.aux - b.aux) == b.str());
      case BuiltinId::contains:
        // memmem is linear in the text (string_view::find can take text ×
        // part on a part like `aaa…ab`).
        charge(static_cast<std::uint64_t>(a.aux) + b.aux);
        return Value::boolean(b.aux == 0 ||
                              (a.aux != 0 && memmem(a.s, a.aux, b.s, b.aux) != nullptr));
      case BuiltinId::matches: {
        const RE2& re = regex(b.str());
        if (!re.ok()) {
          return failed_formatted(pc, "`{}` is not a valid regular expression: {}", b.str(),
                                  re.error());
        }
        // The worst case, text × program, before RE2 runs: a pattern and a
        // text that would take longer than the fuel left stop here.
        charge(static_cast<std::uint64_t>(a.aux) * static_cast<std::uint64_t>(re.ProgramSize()) /
               regex_steps_per_unit);
        return Value::boolean(RE2::PartialMatch(re2::StringPiece(a.s, a.aux), re));
      }
      case BuiltinId::abs:
        if (a.tag == Tag::integer) {
          if (a.i == std::numeric_limits<std::int64_t>::min())
            return failed(pc, "integer overflow in `abs`");
          return Value::integer(a.i < 0 ? -a.i : a.i);
        }
        return Value::number(std::fabs(a.d));
      case BuiltinId::floor:
      case BuiltinId::ceil: {
        double x = as_double(a);
        double r = which == BuiltinId::floor ? std::floor(x) : std::ceil(x);
        // The int range as doubles: [-2^63, 2^63), where the cast is exact.
        if (!(r >= -0x1p63 && r < 0x1p63))
          return failed_formatted(pc, "`{}` is outside the int range", r);
        return Value::integer(static_cast<std::int64_t>(r));
      }
      case BuiltinId::days_between:
        return Value::integer(b.i - a.i);
      default:
        return failed(pc, "unknown builtin");
    }
  }

  // A pattern compiled, from the cache when it is there. What it costs does
  // not depend on the cache: the evaluation is charged as if its cache had
  // started empty and held max_cached_regexes patterns, least recently used
  // out first (entries left by earlier evaluations, not yet paid for in this
  // one, are dropped first and do not count).
  const RE2& regex(std::string_view pattern) {
    charge_scan(pattern.size());  // finding it
    auto it = regexes.find(pattern);
    bool paid = it != regexes.end() && it->second.epoch == regex_epoch;
    if (!paid) charge(pattern.size());  // parsing, before any compiling
    if (it == regexes.end()) {
      if (regexes.size() >= max_cached_regexes) drop_a_regex();
      RE2::Options re_options;
      re_options.set_log_errors(false);
      re_options.set_max_mem(regex_max_mem);
      auto re = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), re_options);
      it = regexes.emplace(std::string(pattern), CachedRegex{std::move(re), 0, 0}).first;
    }
    CachedRegex& cached = it->second;
    cached.last_use = ++regex_clock;
    if (!paid) {
      cached.epoch = regex_epoch;
      int size = cached.re->ok() ? cached.re->ProgramSize() : 0;
      charge(regex_compile_units_per_instruction * static_cast<std::uint64_t>(std::max(size, 0)));
    }
    return *cached.re;
  }
  // Makes room in a full cache: an entry this evaluation has not paid for if
  // there is one, else the least recently used.
  void drop_a_regex() {
    auto victim = regexes.end();
    for (auto it = regexes.begin(); it != regexes.end(); ++it) {
      if (it->second.epoch != regex_epoch) {
        victim = it;
        break;
      }
      if (victim == regexes.end() || it->second.last_use < victim->second.last_use) victim = it;
    }
    if (victim != regexes.end()) regexes.erase(victim);
  }

  // ------------------------------------------------------ arithmetic ---

  // Numbers stay finite: a result past the range of a double is unknown and
  // an error, like an integer overflow (it would otherwise compare as an
  // ordinary value and print as null).
  Value finite(double r, std::uint32_t pc) {
    if (!std::isfinite(r))
      return failed(pc, "number overflow: the result is outside the range of a number");
    return Value::number(r);
  }
  // Cold and out of line: inlined, its formatting code grew the dispatch
  // loop around the string concatenations, and every decision at 20 rules
  // took 8% longer.
  [[gnu::cold, gnu::noinline]] Value too_long(std::uint32_t pc, std::size_t size) {
    message_text.clear();
    fmt::format_to(std::back_inserter(message_text),
                   "a string of {} bytes would exceed the limit of {} bytes", size,
                   max_string_bytes);
    error(ErrorEntry::Kind::limit, pc, message_text);
    return Value::unknown();
  }

  Value arithmetic(Op op, const Value& a, const Value& b, std::uint32_t pc) {
    if (a.is_unknown() || b.is_unknown()) return unknown_of(a, b);
    if (op == Op::add && a.tag == Tag::string && b.tag == Tag::string) {
      std::size_t size = static_cast<std::size_t>(a.aux) + b.aux;
      if (size > max_string_bytes) return too_long(pc, size);
      charge(size);
      char* p = arena.allocate<char>(size);
      std::copy(a.s, a.s + a.aux, p);
      std::copy(b.s, b.s + b.aux, p + a.aux);
      return Value::string({p, size});
    }
    if (!numeric(a) || !numeric(b)) return failed(pc, "arithmetic on a value that is not a number");
    if (op == Op::div) {
      double y = as_double(b);
      if (y == 0) return failed(pc, "division by zero");
      return finite(as_double(a) / y, pc);
    }
    if (a.tag == Tag::integer && b.tag == Tag::integer) {
      std::int64_t r = 0;
      bool overflow = false;
      switch (op) {
        case Op::add:
          overflow = __builtin_add_overflow(a.i, b.i, &r);
          break;
        case Op::sub:
          overflow = __builtin_sub_overflow(a.i, b.i, &r);
          break;
        case Op::mul:
          overflow = __builtin_mul_overflow(a.i, b.i, &r);
          break;
        case Op::mod:
          if (b.i == 0) return failed(pc, "remainder of a division by zero");
          r = b.i == -1 ? 0 : a.i % b.i;
          break;
        default:
          break;
      }
      if (overflow) return failed(pc, "integer overflow");
      return Value::integer(r);
    }
    double x = as_double(a), y = as_double(b);
    switch (op) {
      case Op::add:
        return finite(x + y, pc);
      case Op::sub:
        return finite(x - y, pc);
      case Op::mul:
        return finite(x * y, pc);
      default:
        return failed(pc, "`%` takes integers");
    }
  }

  Value compare(Op op, const Value& left, const Value& right) {
    Value a = whole(left);
    Value b = whole(right);
    if (a.is_unknown() || b.is_unknown()) return unknown_of(a, b);
    switch (op) {
      case Op::eq:
        return Value::boolean(equal(a, b));
      case Op::ne:
        return Value::boolean(!equal(a, b));
      default:
        break;
    }
    if (a.tag == Tag::none || b.tag == Tag::none) return Value::boolean(false);
    return Value::boolean(comparison_holds(op, order(a, b)));
  }

  // a intersects b (any) or a within b (all), in Kleene logic.
  Value set_relation(bool any, const Value& a, const Value& b) {
    if (a.is_unknown() || b.is_unknown()) return unknown_of(a, b);
    if (a.tag != Tag::list) return Value::boolean(!any);
    std::uint32_t reason = 0;
    bool unknown = false;
    for (std::uint32_t i = 0; i < a.list->count; ++i) {
      Value m = member_of(a.list->items[i], b);
      Kleene k = truth(m);
      if (any && k == Kleene::true_) return Value::boolean(true);
      if (!any && k == Kleene::false_) return Value::boolean(false);
      if (k == Kleene::unknown) {
        unknown = true;
        reason = join_reasons(reason, reason_of(m));
      }
    }
    if (unknown) return Value::unknown(reason);
    return Value::boolean(!any);
  }

  // --------------------------------------------------------- outputs ---

  // The join of an output's value with a raised one.
  Value join(Join how, const Value& current, const Value& raised) {
    if (current.is_unknown() || raised.is_unknown()) {
      // Kleene: `unknown or true` is true, and the top member of an enum is
      // the max whatever the other side is.
      const Value& known = current.is_unknown() ? raised : current;
      if (!known.is_unknown()) {
        if (how == Join::or_ && known.tag == Tag::boolean && known.b) return known;
        if (how == Join::max && known.tag == Tag::member && is_top_member(known)) return known;
      }
      return unknown_of(current, raised);
    }
    switch (how) {
      case Join::or_:
        return Value::boolean(current.b || raised.b);
      case Join::max:
        return order(raised, current) > 0 ? raised : current;
      case Join::union_: {
        if (current.tag != Tag::list || raised.tag != Tag::list) return current;
        std::uint32_t extra = 0;
        for (std::uint32_t i = 0; i < raised.list->count; ++i) {
          if (truth(member_of(raised.list->items[i], current)) != Kleene::true_) ++extra;
        }
        if (extra == 0) return current;
        ListData* list = new_list(current.list->count + extra, true);
        Value* items = const_cast<Value*>(list->items);
        std::uint32_t n = 0;
        for (std::uint32_t i = 0; i < current.list->count; ++i) items[n++] = current.list->items[i];
        for (std::uint32_t i = 0; i < raised.list->count; ++i) {
          if (truth(member_of(raised.list->items[i], current)) != Kleene::true_) {
            items[n++] = raised.list->items[i];
          }
        }
        return Value::of_list(list);
      }
      case Join::none:
        break;
    }
    return current;
  }

  // Lists `who` (a rule's or output's id, in the image) under the missing
  // path's entry, once; the entry is made on the path's first report. The
  // path's text is written into a scratch string and the entries are ones
  // the decision kept, so a decision that reports paths it has reported
  // before allocates nothing.
  void add_missing(std::uint32_t path, std::string_view who) {
    missing_reported = true;
    std::string& text = missing_text;
    text.clear();
    append_path(text, path);
    charge(text.size());
    EntryList<MissingEntry>& entries = out->missing;
    if (missing_slots.size() < 2 * (entries.size() + 1)) grow_missing_slots();
    const std::size_t mask = missing_slots.size() - 1;
    std::size_t at = hash_bytes(text) & mask;
    for (; missing_slots[at] != 0; at = (at + 1) & mask) {
      if (entries[missing_slots[at] - 1].path == text) break;
    }
    if (missing_slots[at] == 0) {
      MissingEntry& added = out->add_missing();
      added.path.assign(text);
      missing_slots[at] = static_cast<std::uint32_t>(entries.size());
    }
    std::vector<std::string_view>& rules = entries[missing_slots[at] - 1].rules;
    if (std::find(rules.begin(), rules.end(), who) == rules.end()) rules.push_back(who);
  }
  // Twice as many slots, the entries so far filed again.
  void grow_missing_slots() {
    missing_slots.assign(std::max<std::size_t>(16, 2 * missing_slots.size()), 0);
    const std::size_t mask = missing_slots.size() - 1;
    for (std::size_t i = 0; i < out->missing.size(); ++i) {
      std::size_t at = hash_bytes(out->missing[i].path) & mask;
      while (missing_slots[at] != 0) at = (at + 1) & mask;
      missing_slots[at] = static_cast<std::uint32_t>(i + 1);
    }
  }
  void report_missing(std::uint32_t reason, std::string_view who) {
    collect(reason);
    for (std::uint32_t path : leaves) add_missing(path, who);
  }

  // ------------------------------------------------------- instances ---

  void decide(const Value& condition, std::uint32_t bindings_active) {
    bound = bindings_active;
    bindings_built = false;
    reads_end = reads.size();
    RuleCounts& counts = out->rule_counts[rule];
    switch (truth(condition)) {
      case Kleene::true_:
        state = InstanceState::fired;
        ++counts.fired;
        break;
      case Kleene::false_:
        state = InstanceState::not_fired;
        ++counts.not_fired;
        break;
      case Kleene::unknown: {
        state = InstanceState::undetermined;
        ++counts.undetermined;
        out->complete = false;
        const RuleDesc& r = exe->image().rules[rule];
        for (const EffectDesc& e : r.effects) {
          if (e.kind == EffectKind::deny || e.kind == EffectKind::review) gate_undetermined = true;
        }
        report_missing(reason_of(condition), r.id);
        break;
      }
    }
  }

  std::span<const BindingEntry> instance_bindings() {
    if (bindings_built) return {bindings.data(), bindings_count};
    bindings_built = true;
    bindings_count = 0;
    const RuleDesc& r = exe->image().rules[rule];
    const Frame& frame = frames.back();
    for (std::uint32_t k = 0; k < bound && k < r.bindings.size(); ++k) {
      const ForBinding& b = r.bindings[k];
      const Value& collection = locals[frame.base + b.iterator];
      const Value& position = locals[frame.base + b.iterator + 1];
      if (collection.tag != Tag::list || position.i < 1) continue;
      if (bindings_count == bindings.size()) bindings.emplace_back();
      BindingEntry& entry = bindings[bindings_count++];
      entry.name.assign(b.name);
      entry.value.clear();
      entry.is_path = true;
      auto index = static_cast<std::uint32_t>(position.i - 1);
      const Value& element = collection.list->items[index];
      std::uint32_t own_path = element.tag == Tag::record ? element.record->path
                               : element.tag == Tag::list ? element.list->path
                                                          : no_index;
      if (own_path != no_index) {
        append_path(entry.value, own_path);
      } else if (collection.list->path != no_index) {
        append_path(entry.value, collection.list->path);
        fmt::format_to(std::back_inserter(entry.value), "[{}]", index);
      } else {
        entry.is_path = false;
        append_json(entry.value, element);
      }
      charge(entry.value.size());
    }
    return {bindings.data(), bindings_count};
  }

  void emit(std::uint32_t effect, const Value* values, std::uint32_t count, std::uint32_t pc) {
    std::size_t entries = out->violations.size() + out->reviews.size() + out->warnings.size() +
                          out->obligations.size();
    if (entries >= options->max_entries) throw OutOfFuel{pc, true};
    const RuleDesc& r = exe->image().rules[rule];
    const EffectDesc& desc = r.effects[effect];
    EffectEntry& entry = out->add_effect(desc.kind);
    entry.rule = rule;
    entry.effect = effect;
    try {
      fill_effect(entry, desc, values, count);
    } catch (...) {
      out->drop_effect(desc.kind);  // a limit mid-way: no half-written entry
      throw;
    }
  }

  void fill_effect(EffectEntry& entry, const EffectDesc& desc, const Value* values,
                   std::uint32_t count) {
    const Value& message = values[0];
    if (message.tag == Tag::none) {
      entry.has_message = false;
    } else {
      append_text(entry.message, message);
      charge(entry.message.size());
    }
    // Into strings an earlier decision left in the entry (EntryList), so
    // that steady state allocates nothing here either.
    for (const BindingEntry& b : instance_bindings()) {
      charge(b.value.size());  // copied into every entry
      BindingEntry& to = entry.bindings.add();
      to.name.assign(b.name);
      to.value.assign(b.value);
      to.is_path = b.is_path;
    }
    for (std::uint32_t i = 1; i < count && i - 1 < desc.with_keys.size(); ++i) {
      note_effect_value(values[i]);
      auto& [key, value] = entry.fields.add();
      key.assign(desc.with_keys[i - 1]);
      value.clear();
      append_json(value, values[i]);
      charge(value.size());
    }
    if (options->explain) explain(entry);
  }

  // The entry's `because`: the reads of its instance, each path once. Each
  // read is written as text once per evaluation (a large collection would
  // otherwise be written again for every entry); every read visited and
  // every byte copied into the entry is charged.
  void explain(EffectEntry& entry) {
    ++explain_mark;
    for (std::size_t i = 0; i < reads_end && i < reads.size(); ++i) {
      charge(1);
      Explained& e = explained[explained_index(reads[i])];
      if (e.mark == explain_mark) continue;
      e.mark = explain_mark;
      charge(e.path.size() + e.value.size());
      ReadEntry& fact_read = entry.because.add();
      fact_read.path.assign(e.path);
      fact_read.value.assign(e.value);
    }
  }
  static std::size_t read_hash(std::uint32_t parent, const char* field) {
    return mix_bits(reinterpret_cast<std::uintptr_t>(field) ^ (std::uint64_t{parent} << 40));
  }
  std::uint32_t explained_index(const Read& rd) {
    if (explained_slots.size() < 2 * (explained_count + 1)) grow_explained_slots();
    const std::size_t mask = explained_slots.size() - 1;
    for (std::size_t at = read_hash(rd.parent, rd.field.data()) & mask;; at = (at + 1) & mask) {
      ExplainedSlot& slot = explained_slots[at];
      if (slot.epoch != explain_epoch) {
        slot = ExplainedSlot{explain_epoch, static_cast<std::uint32_t>(explained_count)};
        if (explained.size() == explained_count) explained.emplace_back();
        Explained& e = explained[explained_count++];
        e.parent = rd.parent;
        e.field = rd.field.data();
        e.path.clear();
        append_path(e.path, rd.parent);
        if (!e.path.empty()) e.path.push_back('.');
        e.path.append(rd.field);
        e.value.clear();
        append_json(e.value, rd.value);
        e.mark = 0;
        return slot.index;
      }
      const Explained& e = explained[slot.index];
      if (e.parent == rd.parent && e.field == rd.field.data()) return slot.index;
    }
  }
  void grow_explained_slots() {
    std::vector<ExplainedSlot> slots(std::max<std::size_t>(64, 2 * explained_slots.size()));
    const std::size_t mask = slots.size() - 1;
    for (std::size_t i = 0; i < explained_count; ++i) {
      std::size_t at = read_hash(explained[i].parent, explained[i].field) & mask;
      while (slots[at].epoch == explain_epoch) at = (at + 1) & mask;
      slots[at] = ExplainedSlot{explain_epoch, static_cast<std::uint32_t>(i)};
    }
    explained_slots = std::move(slots);
  }

  // Explanations show fact values a reader can check against the input:
  // scalars and collections of scalars. Records are explained by the
  // fields read from them (a record holds only the fields rules read).
  static bool explainable(const Value& v) {
    if (v.is_unknown() || v.tag == Tag::record) return false;
    if (v.tag == Tag::none && v.record != nullptr) return false;  // an absent optional record
    if (v.tag == Tag::list) {
      for (std::uint32_t i = 0; i < v.list->count; ++i) {
        Tag t = v.list->items[i].tag;
        if (t == Tag::record || t == Tag::list) return false;
      }
    }
    return true;
  }
  void note_read(std::uint32_t parent, std::string_view field, const Value& v) {
    if (!recording || !explainable(v)) return;
    reads.push_back(Read{parent, field, v});
  }
  // The `for` binding whose iterator is `slot` in the running rule, if any.
  int binding_of(std::uint32_t slot) const {
    if (frames.size() != 1) return -1;
    const auto& rule_bindings = exe->image().rules[rule].bindings;
    for (std::size_t k = 0; k < rule_bindings.size(); ++k) {
      if (rule_bindings[k].iterator == slot) return static_cast<int>(k);
    }
    return -1;
  }

  // ------------------------------------------------------------ run ---

  void run(std::uint32_t function, bool is_rule);

  // ------------------------------------------------------ scan loops ---
  // A quantifier loop run natively (scan_loop.hpp), from the element at the
  // iterator's position on, with `fuel` units left. Done: the loop is over
  // and `pc` is where it went (its end, or where the settled accumulator
  // jumps). Not done: the element at the position, now or later, needs the
  // instructions themselves. Either way the elements it took did and cost
  // exactly what the instructions would have; an element it cannot take is
  // left untouched.
  struct ScanStop {
    bool done = false;
    std::uint32_t pc = 0;
    std::uint64_t fuel = 0;
  };
  [[gnu::noinline]] ScanStop scan(const ScanLoop& loop, Value* frame, std::uint64_t budget) {
    // The collection and the iterator's position are the loop's own locals:
    // checked once, and the position, the element local and the
    // accumulator written back once, for the last element taken.
    if (budget == 0) return {false, 0, budget};  // the first iter_next
    const Value& collection = frame[loop.iterator];
    Value& position = frame[loop.iterator + 1];
    if (collection.tag != Tag::list || position.tag != Tag::integer) {
      return {true, loop.end, budget - 1};
    }
    const ListData& list = *collection.list;
    const ScanSchema schema{exe->constants(), program->field_counts.data(),
                            program->field_counts.size()};
    const Value acc = frame[loop.accumulator];
    const bool boolean_acc = acc.tag == Tag::boolean;
    const bool join_and = loop.join == Op::and_;
    auto at = static_cast<std::uint64_t>(position.i);
    const Value* taken = nullptr;  // the last element taken
    // The accumulator after the last element taken. A boolean one that an
    // element does not settle keeps its value (false for `some`, true for
    // `every`), so only a settling element changes it.
    Value next = boolean_acc ? Value::boolean(acc.b) : acc;
    ScanStop stop;
    for (;; ++at) {
      std::uint64_t left = budget;
      if (left == 0) break;  // iter_next: not done
      --left;
      if (at >= list.count) {
        stop = {true, loop.end, left};
        break;
      }
      const Value& element = list.items[at];
      if (element.tag == Tag::missing || left == 0) break;  // store_local: not done
      --left;
      bool result = false;
      if (!scan_test(loop.tests[0], element, left, result, schema)) break;
      if (loop.test_count == 2) {
        if (left == 0) break;  // jump_if_false, jump_if_true
        --left;
        if (result == join_and) {
          if (!scan_test(loop.tests[1], element, left, result, schema) || left == 0) break;
          --left;  // and_, or_
        }
      }
      if (left == 0) break;  // acc_or, acc_and
      --left;
      bool settled;
      Value joined;  // an unknown accumulator's next value
      if (boolean_acc) {
        const bool b = loop.every ? acc.b && result : acc.b || result;
        settled = b != loop.every;
        if (settled) next = Value::boolean(b);  // it stops here: no jump back to charge
      } else {
        // With a known operand, kleene_and and kleene_or record no reason:
        // computing the new accumulator before deciding to take the element
        // changes nothing.
        const Value v = Value::boolean(result);
        joined = loop.every ? kleene_and(next, v) : kleene_or(next, v);
        settled = truth(joined) == (loop.every ? Kleene::false_ : Kleene::true_);
      }
      if (!settled) {
        if (left == 0) break;  // the jump back
        --left;
      }
      if (!boolean_acc) next = joined;
      taken = &element;
      budget = left;
      if (settled) {
        ++at;
        stop = {true, loop.settled, budget};
        break;
      }
    }
    if (taken != nullptr) {
      frame[loop.element] = *taken;
      frame[loop.accumulator] = next;
    }
    position.i = static_cast<std::int64_t>(at);
    if (!stop.done) stop.fuel = budget;
    return stop;
  }
  // One test of a scan loop's element, its units taken from `budget`. False:
  // not a case done here (nothing is decided, `budget` may have been spent).
  struct ScanSchema {
    const Value* constants;
    const std::uint32_t* field_counts;  // per record type
    std::size_t record_types;
  };
  PRECEPT_INLINE static bool scan_test(const ScanTest& test, const Value& element,
                                       std::uint64_t& budget, bool& result,
                                       const ScanSchema& schema) {
    const Value* subject = &element;
    if (test.of_field) {
      if (element.tag != Tag::record || element.record == nullptr) return false;
      const RecordData& record = *element.record;
      if (record.type >= schema.record_types || test.slot >= schema.field_counts[record.type]) {
        return false;
      }
      subject = &record.slots[test.slot];
      if (subject->tag == Tag::missing) return false;
    }
    if (budget < test.units) return false;
    budget -= test.units;
    if (test.form == ScanTest::Form::truth) {
      if (subject->tag != Tag::boolean) return false;
      result = subject->b;
      return true;
    }
    const Value& constant = schema.constants[test.constant];  // a truth test has none
    Value r;
    switch (test.form) {
      case ScanTest::Form::truth:
        break;
      case ScanTest::Form::const_in:
        if (!member_inline(constant, *subject, budget, r)) return false;
        result = r.b == (test.op == Op::in);
        return true;
      case ScanTest::Form::subject_vs_const:
        if (test.op == Op::intersects) return intersects_inline(*subject, constant, budget, result);
        if (test.op == Op::in || test.op == Op::not_in) {
          if (!member_inline(*subject, constant, budget, r)) return false;
          result = r.b == (test.op == Op::in);
          return true;
        }
        r = *subject;
        if (!compare_inline(test.op, r, constant)) return false;
        result = r.b;
        return true;
    }
    return false;
  }
};

void Vm::State::run(std::uint32_t function, bool is_rule) {
  const Image& image = exe->image();
  in_rule = is_rule;
  recording = is_rule && options->explain;
  reads.clear();
  reads_end = 0;
  // Fused code to run; the original beside it for the second instruction of
  // a fused pair.
  const Instr* code = program->code.data();
  const std::uint32_t* field_counts = program->field_counts.data();
  const std::size_t record_types = program->field_counts.size();
  const Instr* original = image.code.data();
  const Schema& schema = image.schema;
  // The top of the operand stack lives in a register, not in `stack`.
  Value* top = stack.data();
  frames.clear();
  locals.clear();
  locals.resize(image.functions[function].locals);
  frames.push_back(Frame{function, image.functions[function].entry, 0});
  std::uint32_t pc = frames.back().pc;
  std::uint32_t base = 0;
  // Hot state in locals, not members: every Value store could alias a
  // member (a Value holds an int64), which would force a reload per
  // instruction. `fuel` is written back when the function returns.
  Value* frame_locals = locals.data();
  const Value* constants = exe->constants();
  std::uint64_t fuel_left = fuel;

  auto push = [&](const Value& v) PRECEPT_INLINE { *top++ = v; };
  auto pop = [&]() PRECEPT_INLINE { return *--top; };
  // The part of an instruction at `pc` whose work is charged by size
  // (State::charge), or that can report an error (errors are charged by
  // their text): the fuel goes through the member for the call.
  // `work` must not touch `top`, `pc` or `fuel_left`: were it ever called
  // out of line, they would have to live in memory instead of registers.
  auto charged = [&](std::uint32_t pc_now, auto&& work) PRECEPT_INLINE {
    fuel = fuel_left;
    charge_at = pc_now;
    work();
    fuel_left = fuel;
  };
  // The unit of the second instruction of a fused pair, charged where the
  // loop would charge it.
  auto second_unit = [&](std::uint32_t second) PRECEPT_INLINE {
    if (fuel_left == 0) throw OutOfFuel{second};
    --fuel_left;
  };

  // The work of the instructions that fused pairs share.
  auto load_fact = [&](std::uint32_t slot) PRECEPT_INLINE {
    const RecordData& root = *facts->root.record;
    const Value& v = root.slots[slot];
    if (recording) note_read(root.path, schema.records[root.type].fields[slot].name, v);
    return read(v);
  };
  auto get_field = [&](const Value& object, std::uint32_t slot, std::uint32_t at) PRECEPT_INLINE {
    const RecordData* record = object.tag == Tag::record ? object.record
                               : object.tag == Tag::none ? object.record
                                                         : nullptr;
    if (object.is_unknown()) {
      push(object.tag == Tag::missing ? read(object) : object);
      return;
    }
    if (record == nullptr || record->type >= record_types || slot >= field_counts[record->type]) {
      Value v;
      charged(at, [&] { v = failed(at, "a field read from a value that is not a record"); });
      push(v);
      return;
    }
    const Value& v = record->slots[slot];
    if (recording) note_read(record->path, schema.records[record->type].fields[slot].name, v);
    push(read(v));
  };
  auto compare_top = [&](Op op, const Value& b, std::uint32_t at) PRECEPT_INLINE {
    Value& a = top[-1];
    if (!compare_inline(op, a, b)) charged(at, [&] { a = compare(op, a, b); });
  };
  auto member_top = [&](Op op, const Value& c, std::uint32_t at) PRECEPT_INLINE {
    Value& x = top[-1];
    Value r;
    if (!member_inline(x, c, fuel_left, r)) charged(at, [&] { r = member_of(x, c); });
    x = op == Op::in ? r : kleene_not(r);
  };
  // iter_next: the next element, or false at the end.
  auto next_element = [&](std::uint32_t iterator, Value& element) PRECEPT_INLINE {
    const Value& c = frame_locals[iterator];
    Value& position = frame_locals[iterator + 1];
    if (recording) {
      // A new instance of a `for`: forget what the previous element's
      // instance read, keep what the enclosing loops read.
      int k = binding_of(iterator);
      if (k >= 0 && static_cast<std::size_t>(k) < loop_marks.size()) reads.resize(loop_marks[k]);
    }
    if (c.tag == Tag::list && position.tag == Tag::integer &&
        static_cast<std::uint64_t>(position.i) < c.list->count) {
      element = read(c.list->items[position.i]);
      ++position.i;
      return true;
    }
    return false;
  };
  // acc_or / acc_and: true when the quantifier is settled and jumps out.
  auto accumulate = [&](bool is_or, std::uint32_t slot) PRECEPT_INLINE {
    Value v = pop();
    Value& acc = frame_locals[slot];
    if (acc.tag == Tag::boolean && v.tag == Tag::boolean) {
      acc.b = is_or ? (acc.b || v.b) : (acc.b && v.b);
    } else {
      acc = is_or ? kleene_or(acc, v) : kleene_and(acc, v);
    }
    return truth(acc) == (is_or ? Kleene::true_ : Kleene::false_);
  };

  for (;;) {
    if (fuel_left == 0) throw OutOfFuel{pc};
    --fuel_left;
    const Instr& in = code[pc];
    std::uint32_t at = pc++;
    switch (in.op) {
      case Op::push_const:
        push(constants[in.a]);
        break;
      case Op::push_none:
        push(Value::none_value());
        break;
      case Op::push_unknown:
        push(Value::unknown());
        break;
      case Op::load_local:
        push(frame_locals[in.a]);
        break;
      case Op::store_local:
        frame_locals[in.a] = pop();
        break;
      case Op::load_fact:
        push(load_fact(in.a));
        break;
      case Op::get_field:
        get_field(pop(), in.a, at);
        break;
      case Op::index: {
        Value i = pop();
        Value xs = pop();
        if (i.is_unknown() || xs.is_unknown()) {
          push(unknown_of(xs, i));
          break;
        }
        if (xs.tag != Tag::list || i.tag != Tag::integer) {
          Value v;
          charged(at, [&] { v = failed(at, "an index into a value that is not a list"); });
          push(v);
          break;
        }
        if (i.i < 0 || static_cast<std::uint64_t>(i.i) >= xs.list->count) {
          if (xs.list->path != no_index && i.i >= 0) {
            // Past the end of a list in the facts: that element is missing.
            push(Value::unknown(
                leaf(extra_index_path(xs.list->path, static_cast<std::uint64_t>(i.i)))));
          } else {
            Value v;
            charged(at, [&] {
              v = failed_formatted(at, "index {} is outside the list (length {})", i.i,
                                   xs.list->count);
            });
            push(v);
          }
          break;
        }
        push(read(xs.list->items[i.i]));
        break;
      }
      case Op::jump:
        pc = in.a;
        break;
      case Op::jump_if_false:
        if (truth(top[-1]) == Kleene::false_) pc = in.a;
        break;
      case Op::jump_if_true:
        if (truth(top[-1]) == Kleene::true_) pc = in.a;
        break;
      case Op::branch: {
        Value c = pop();
        Kleene k = truth(c);
        if (k == Kleene::false_) {
          pc = in.a;
        } else if (k == Kleene::unknown) {
          push(c.tag == Tag::boolean ? Value::unknown() : c);
          pc = in.b;
        }
        break;
      }
      case Op::coalesce: {
        const Value& x = top[-1];
        if (x.is_unknown() || x.tag == Tag::none) {
          --top;
        } else {
          pc = in.a;
        }
        break;
      }
      case Op::call: {
        const Function& callee = image.functions[in.a];
        frames.back().pc = pc;
        auto new_base = static_cast<std::uint32_t>(locals.size());
        locals.resize(new_base + callee.locals);
        for (std::uint32_t k = in.b; k-- > 0;) locals[new_base + k] = pop();
        frames.push_back(Frame{in.a, callee.entry, new_base});
        base = new_base;
        frame_locals = locals.data() + base;
        pc = callee.entry;
        break;
      }
      case Op::ret: {
        Value result = top[-1];
        --top;
        locals.resize(frames.back().base);
        frames.pop_back();
        base = frames.back().base;
        frame_locals = locals.data() + base;
        pc = frames.back().pc;
        push(result);
        break;
      }
      case Op::halt:
        fuel = fuel_left;
        return;
      case Op::not_:
        top[-1] = kleene_not(top[-1]);
        break;
      case Op::and_: {
        Value b = pop();
        top[-1] = kleene_and(top[-1], b);
        break;
      }
      case Op::or_: {
        Value b = pop();
        top[-1] = kleene_or(top[-1], b);
        break;
      }
      case Op::eq:
      case Op::ne:
      case Op::lt:
      case Op::le:
      case Op::gt:
      case Op::ge: {
        Value b = pop();
        compare_top(in.op, b, at);
        break;
      }
      case Op::in:
      case Op::not_in: {
        Value c = pop();
        member_top(in.op, c, at);
        break;
      }
      case Op::intersects:
      case Op::within: {
        Value b = pop();
        Value& a = top[-1];
        charged(at, [&] { a = set_relation(in.op == Op::intersects, a, b); });
        break;
      }
      case Op::add:
      case Op::sub:
      case Op::mul:
      case Op::div:
      case Op::mod: {
        Value b = pop();
        Value& a = top[-1];
        charged(at, [&] { a = arithmetic(in.op, a, b, at); });
        break;
      }
      case Op::neg: {
        Value& a = top[-1];
        if (a.tag == Tag::integer) {
          if (a.i == std::numeric_limits<std::int64_t>::min()) {
            charged(at, [&] { a = failed(at, "integer overflow"); });
          } else {
            a.i = -a.i;
          }
        } else if (a.tag == Tag::number) {
          a.d = -a.d;
        }
        break;
      }
      case Op::builtin: {
        Value args[2];
        for (std::uint32_t k = in.b; k-- > 0;) args[k] = pop();
        Value r;
        charged(at, [&] { r = call_builtin(in.a, args, at); });
        push(r);
        break;
      }
      case Op::make_list:
      case Op::make_set: {
        bool is_set = in.op == Op::make_set;
        ListData* list = new_list(in.a, is_set);
        Value* items = const_cast<Value*>(list->items);
        const Value* from = top - in.a;
        std::uint32_t n = 0;
        charged(at, [&] {
          for (std::uint32_t k = 0; k < in.a; ++k) {
            bool repeat = false;
            if (is_set && !from[k].is_unknown()) {
              for (std::uint32_t j = 0; j < n && !repeat; ++j) {
                repeat = !items[j].is_unknown() && equal(items[j], from[k]);
              }
            }
            if (!repeat) items[n++] = from[k];
          }
        });
        list->count = n;
        top -= in.a;
        push(Value::of_list(list));
        break;
      }
      case Op::concat: {
        const Value* from = top - in.a;
        if (in.b == 0) {
          // A value, not a message: unknown when a part is.
          std::uint32_t reason = 0;
          bool unknown = false;
          for (std::uint32_t k = 0; k < in.a; ++k) {
            if (from[k].is_unknown()) {
              unknown = true;
              reason = join_reasons(reason, reason_of(from[k]));
            }
          }
          if (unknown) {
            top -= in.a;
            push(Value::unknown(reason));
            break;
          }
        }
        Value v;
        charged(at, [&] {
          std::string& text = concat_scratch;
          text.clear();
          for (std::uint32_t k = 0; k < in.a; ++k) {
            note_effect_value(from[k]);
            append_text(text, from[k]);
          }
          charge(text.size());
          v = text.size() > max_string_bytes ? too_long(at, text.size())
                                             : Value::string(arena.copy(text));
        });
        top -= in.a;
        push(v);
        break;
      }
      case Op::int_to_number: {
        Value& a = top[-1];
        if (a.tag == Tag::integer) a = Value::number(static_cast<double>(a.i));
        break;
      }
      case Op::iter_init: {
        Value c = pop();
        if (c.is_unknown() || c.tag != Tag::list) {
          push(c.is_unknown() ? read(c) : Value::unknown());
          pc = in.b;
          break;
        }
        frame_locals[in.a] = c;
        frame_locals[in.a + 1] = Value::integer(0);
        if (recording) {
          int k = binding_of(in.a);
          if (k >= 0) {
            if (loop_marks.size() <= static_cast<std::size_t>(k)) loop_marks.resize(k + 1);
            loop_marks[k] = reads.size();
          }
        }
        break;
      }
      case Op::iter_next: {
        Value element;
        if (next_element(in.a, element)) {
          push(element);
        } else {
          pc = in.b;
        }
        break;
      }
      case Op::acc_or:
      case Op::acc_and:
        if (accumulate(in.op == Op::acc_or, in.a)) pc = in.b;
        break;
      case Op::acc_filter: {
        Value w = pop();
        Kleene k = truth(w);
        if (k == Kleene::true_) break;
        if (k == Kleene::unknown) {
          Value& acc = frame_locals[in.a];
          acc = Value::unknown(join_reasons(acc.tag == Tag::unknown ? acc.aux : 0, reason_of(w)));
        }
        pc = in.b;
        break;
      }
      case Op::acc_count: {
        Value& acc = frame_locals[in.a];
        if (acc.tag == Tag::empty) {
          acc = Value::integer(1);
        } else if (acc.tag == Tag::integer) {
          ++acc.i;
        }
        break;
      }
      case Op::acc_sum:
      case Op::acc_max:
      case Op::acc_min: {
        Value v = pop();
        Value& acc = frame_locals[in.a];
        if (acc.tag == Tag::unknown || v.is_unknown()) {
          acc = Value::unknown(join_reasons(acc.tag == Tag::unknown ? acc.aux : 0, reason_of(v)));
        } else if (acc.tag == Tag::empty) {
          acc = v;
        } else if (in.op == Op::acc_sum) {
          charged(at, [&] { acc = arithmetic(Op::add, acc, v, at); });
        } else {
          int o = 0;
          charged(at, [&] { o = order(v, acc); });
          if ((in.op == Op::acc_max && o > 0) || (in.op == Op::acc_min && o < 0)) acc = v;
        }
        break;
      }
      case Op::push_empty:
        push(Value::empty_marker());
        break;
      case Op::take_default:
        if (top[-1].tag == Tag::empty) {
          --top;
        } else {
          pc = in.a;
        }
        break;
      case Op::begin_condition:
        break;  // explanations start with the instance (see iter_next)
      case Op::decide: {
        Value condition = pop();
        charged(at, [&] { decide(condition, in.a); });
        break;
      }
      case Op::jump_unless_state:
        if (static_cast<std::uint32_t>(state) != in.a) pc = in.b;
        break;
      case Op::emit: {
        const Value* from = top - in.b;
        charged(at, [&] { emit(in.a, from, in.b, at); });
        top -= in.b;
        break;
      }
      case Op::raise: {
        Value raised = pop();
        charged(at, [&] {
          Value v = whole(raised);
          const OutputDesc& o = image.outputs[in.a];
          output_values[in.a] = join(o.join, output_values[in.a], v);
        });
        break;
      }
      case Op::raise_pending: {
        Value raised = pop();
        charged(at, [&] { pending.push_back(Pending{in.a, whole(raised)}); });
        break;
      }
      case Op::set_output: {
        Value v = pop();
        charged(at, [&] { output_values[in.a] = whole(v); });
        break;
      }

      // Fused pairs (fusion.hpp): the first instruction's work, the second's
      // unit of fuel, the second's work, then on after the pair.
      case Op::fact_field: {
        Value root_field = load_fact(in.a);
        second_unit(at + 1);
        get_field(root_field, in.b, at + 1);
        pc = at + 2;
        break;
      }
      case Op::local_field: {
        Value object = frame_locals[in.a];
        second_unit(at + 1);
        get_field(object, in.b, at + 1);
        pc = at + 2;
        break;
      }
      case Op::const_compare:
        second_unit(at + 1);
        compare_top(static_cast<Op>(in.b), constants[in.a], at + 1);
        pc = at + 2;
        break;
      case Op::const_member:
        second_unit(at + 1);
        member_top(static_cast<Op>(in.b), constants[in.a], at + 1);
        pc = at + 2;
        break;
      case Op::const_in_field: {
        push(constants[in.a]);
        second_unit(at + 1);
        Value object = frame_locals[original[at + 1].a];
        second_unit(at + 2);
        get_field(object, original[at + 2].a, at + 2);
        second_unit(at + 3);
        Value collection = pop();
        member_top(static_cast<Op>(in.b), collection, at + 3);
        pc = at + 4;
        break;
      }
      case Op::iter_next_store: {
        Value element;
        if (!next_element(in.a, element)) {
          pc = in.b;
          break;
        }
        second_unit(at + 1);
        frame_locals[original[at + 1].a] = element;
        pc = at + 2;
        break;
      }
      case Op::acc_or_jump:
      case Op::acc_and_jump:
        if (accumulate(in.op == Op::acc_or_jump, in.a)) {
          pc = in.b;
          break;
        }
        second_unit(at + 1);
        pc = original[at + 1].a;
        break;
      case Op::scan_loop: {
        const ScanLoop& loop = program->scans[in.a];
        if (!recording) {
          // The loop head's unit is the first element's iter_next, which
          // scan charges itself.
          const ScanStop stop = scan(loop, frame_locals, fuel_left + 1);
          fuel_left = stop.fuel;
          if (stop.done) {
            pc = stop.pc;
            break;
          }
          if (fuel_left == 0) throw OutOfFuel{at};
          --fuel_left;
        }
        // This element the instructions take: iter_next and store_local, as
        // iter_next_store does them.
        Value element;
        if (!next_element(loop.iterator, element)) {
          pc = loop.end;
          break;
        }
        second_unit(at + 1);
        frame_locals[loop.element] = element;
        pc = at + 2;
        break;
      }
      case Op::decide_unless: {
        Value condition = pop();
        charged(at, [&] { decide(condition, in.a); });
        second_unit(at + 1);
        const Instr& unless = original[at + 1];
        pc = static_cast<std::uint32_t>(state) != unless.a ? unless.b : at + 2;
        break;
      }
      default:
        __builtin_unreachable();  // the verifier admits known opcodes only
    }
  }
}

Vm::Vm(std::shared_ptr<const Executable> exe, VmTuning tuning)
    : exe_(std::move(exe)), state_(std::make_unique<State>()) {
  state_->exe = exe_.get();
  if (tuning.fuse && tuning.index) {
    state_->program = &exe_->vm_program();
  } else {
    state_->own_program = std::make_unique<const VmProgram>(*exe_, tuning);
    state_->program = state_->own_program.get();
  }
  state_->stack.allocate(state_->program->max_stack + 1);
  state_->locals.reserve(state_->program->max_locals + 1);
}
Vm::~Vm() = default;
std::size_t Vm::cached_patterns() const { return state_->regexes.size(); }
Vm::Vm(Vm&&) noexcept = default;
Vm& Vm::operator=(Vm&&) noexcept = default;

namespace {

// Empties a table of entry indexes the last evaluation filled (missing
// paths, errors). As with `explained` below, one that many entries grew
// is let go.
void empty_slots(std::vector<std::uint32_t>& slots) {
  if (slots.size() > 4'096) {
    // A new vector, not `= {}`: assigning an empty list keeps the capacity.
    slots = std::vector<std::uint32_t>();
  } else {
    std::fill(slots.begin(), slots.end(), 0);
  }
}

}  // namespace

void Vm::evaluate(const Facts& facts, const EvalOptions& options, Decision& out) {
  State& s = *state_;
  const Image& image = exe_->image();
  out.clear();
  out.explained = options.explain;
  s.facts = &facts;
  s.options = &options;
  s.out = &out;
  s.fuel = options.fuel;
  s.reasons.assign(1, State::Reason{});
  s.extra_paths.clear();
  s.arena.reset();
  s.gate_undetermined = false;
  s.pending.clear();
  if (s.missing_reported) {
    empty_slots(s.missing_slots);
    s.missing_reported = false;
  }
  if (s.errors_reported) {
    empty_slots(s.error_slots);
    s.errors_reported = false;
    s.errors_filed = 0;
  }
  ++s.explain_epoch;
  s.explained_count = 0;
  if (s.explained.size() > 4'096) {
    // An evaluation that explained many reads does not keep their memory.
    s.explained = std::vector<State::Explained>();
    s.explained_slots = std::vector<State::ExplainedSlot>();
  }
  ++s.regex_epoch;
  s.output_values.assign(image.outputs.size(), Value::unknown());
  // Rule indexing: a rule the facts leave no way to fire is not run, and
  // counts as not fired; a rule that runs starts from zero (run_rule). One
  // pass over the counts: at 2000 rules a second one is a tenth of a decision.
  out.rule_counts.assign(image.rules.size(), RuleCounts{0, 1, 0});
  if (facts.root.tag != Tag::record || facts.root.record == nullptr) {
    std::fill(out.rule_counts.begin(), out.rule_counts.end(), RuleCounts{});
    ErrorEntry& e = out.errors.add();
    e.kind = ErrorEntry::Kind::input;
    e.path.clear();
    e.at.clear();
    e.message.assign("no facts were loaded");
    out.complete = false;
    out.outcome = Outcome::indeterminate;
    return;
  }

  for (const InputError& e : facts.errors) {
    ErrorEntry& entry = out.errors.add();
    entry.kind = ErrorEntry::Kind::input;
    entry.path.clear();
    s.append_path(entry.path, e.path);
    entry.at.clear();
    entry.message.assign(e.message);
  }

  bool out_of_fuel = false;
  bool too_many_entries = false;
  std::uint32_t fuel_stop = 0;
  bool rules_started = false;
  s.metered = true;
  try {
    for (const OutputDesc& o : image.outputs) s.run(o.function, false);
    rules_started = true;
    s.rule = 0;
    auto run_rule = [&](std::uint32_t r) {
      out.rule_counts[r] = RuleCounts{};
      s.rule = r;
      s.run(image.rules[r].function, true);
    };
    if (s.program->schedule) {
      s.program->schedule->each_candidate(facts, s.candidates, run_rule);
    } else {
      for (std::uint32_t r = 0; r < image.rules.size(); ++r) run_rule(r);
    }
  } catch (const OutOfFuel& stop) {
    out_of_fuel = true;
    too_many_entries = stop.entries;
    fuel_stop = stop.pc;
    // Rules after the one that ran out were not reached: no counts.
    const std::size_t reached = rules_started ? std::size_t{s.rule} + 1 : 0;
    std::fill(out.rule_counts.begin() + static_cast<std::ptrdiff_t>(reached), out.rule_counts.end(),
              RuleCounts{});
  }
  s.metered = false;  // what follows is bounded by the program and the decision so far

  if (out_of_fuel) {
    ErrorEntry& e = out.errors.add();
    e.kind = ErrorEntry::Kind::limit;
    e.path.clear();
    e.at.clear();
    s.append_place(e.at, fuel_stop);
    e.message.clear();
    auto message = std::back_inserter(e.message);
    if (too_many_entries) {
      fmt::format_to(message,
                     "evaluation stopped at {} entries (violations, reviews, warnings and "
                     "obligations; the entry limit); the decision is incomplete",
                     options.max_entries);
    } else {
      fmt::format_to(message,
                     "evaluation stopped when its {} units of fuel ran out (instructions and "
                     "the work they do; the fuel limit); the decision is incomplete",
                     options.fuel);
    }
    out.complete = false;
  }

  // Outputs: settled when known and no undetermined instance could raise them.
  out.reset_outputs(image.outputs.size());
  for (std::uint32_t i = 0; i < image.outputs.size(); ++i) {
    const Value& v = s.output_values[i];
    OutputEntry& entry = out.outputs[i];
    entry.output = i;
    entry.settled = !v.is_unknown() && !out_of_fuel;
    if (v.is_unknown()) s.report_missing(s.reason_of(v), image.outputs[i].id);
    for (const State::Pending& p : s.pending) {
      if (p.output != i || !entry.settled) continue;
      // An unknown raise leaves the output unsettled unless the output is
      // already at the top of its join (true, an enum's last member).
      Value joined = s.join(image.outputs[i].join, v, p.value);
      entry.settled = !joined.is_unknown() && s.equal(joined, v);
    }
    entry.value.clear();
    if (entry.settled) {
      s.append_json(entry.value, v);
    } else {
      entry.value = "null";
    }
    // A decision with an output it cannot settle is not complete, even when
    // no rule instance is undetermined (the output's own value read a missing fact).
    if (!entry.settled) out.complete = false;
  }

  // An evaluation cut short decides nothing: what it did not reach might deny.
  if (out_of_fuel) {
    out.outcome = Outcome::indeterminate;
  } else if (!out.violations.empty()) {
    out.outcome = Outcome::deny;
  } else if (s.gate_undetermined) {
    out.outcome = Outcome::indeterminate;
  } else if (!out.reviews.empty()) {
    out.outcome = Outcome::review;
  } else {
    out.outcome = Outcome::allow;
  }
}

}  // namespace precept::runtime
