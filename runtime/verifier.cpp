// The verifier walks the image once per concern (schema, constants, source
// locations, function layout, rules and outputs, operands, calls, stack
// depth) and stops at the first problem. Each step relies only on what the
// steps before it have checked, so nothing here indexes out of range on a
// hostile image, and nothing recurses on its depth.
#include "runtime/verifier.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "runtime/date.hpp"
#include "stdlib/builtins.hpp"

namespace precept::runtime {

namespace {

constexpr std::uint32_t max_locals = 65536;
constexpr std::int64_t max_stack_depth = 1024;
// Deeper than any source can write (the parser stops at 64 levels), small
// enough that code walking types or constants recursively cannot overflow.
constexpr int max_nesting = 128;

std::string_view op_name(Op op) {
  std::string_view name = op_info(op).name;
  if (!name.empty() && name.back() == '_') name.remove_suffix(1);
  return name;
}

// The position of the first name equal to an earlier one, or `none`: one
// sort instead of a hash set's node per name (a big bundle names thousands).
constexpr std::size_t none = static_cast<std::size_t>(-1);
template <class T, class Name>
std::size_t first_repeat(const std::vector<T>& items, Name name) {
  std::vector<std::pair<std::string_view, std::size_t>> named;
  named.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) named.emplace_back(name(items[i]), i);
  std::sort(named.begin(), named.end());
  std::size_t first = none;
  for (std::size_t i = 1; i < named.size(); ++i) {
    if (named[i].first == named[i - 1].first) first = std::min(first, named[i].second);
  }
  return first;
}

// `1 argument`, `2 arguments`.
std::string count_of(std::uint64_t n, std::string_view noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

enum class FnKind : std::uint8_t { def, rule, output };

std::string_view kind_name(FnKind kind) {
  switch (kind) {
    case FnKind::def:
      return "def";
    case FnKind::rule:
      return "rule";
    case FnKind::output:
      return "output";
  }
  return "?";
}

bool is_wrapper(TypeKind kind) {
  return kind == TypeKind::list || kind == TypeKind::set || kind == TypeKind::optional;
}

class Verifier {
 public:
  explicit Verifier(Image& image) : image_(image) {}

  std::string run() {
    std::string error = check_schema();
    if (error.empty()) error = check_constants();
    if (error.empty()) error = check_locs();
    if (error.empty()) error = check_function_layout();
    if (error.empty()) error = classify_functions();
    if (error.empty()) error = check_rules();
    if (error.empty()) error = check_outputs();
    if (error.empty()) error = check_guards();
    for (std::size_t f = 0; error.empty() && f < image_.functions.size(); ++f) {
      error = check_operands(static_cast<std::uint32_t>(f));
    }
    if (error.empty()) error = check_calls();
    for (std::size_t f = 0; error.empty() && f < image_.functions.size(); ++f) {
      error = check_stack(image_.functions[f]);
    }
    return error;
  }
  // After run() failed: the instruction to blame, or no_index; whether the
  // code is sound but needs more stack or locals than the VM has.
  std::uint32_t failed_at() const { return failed_at_; }
  bool over_limit() const { return over_limit_; }

 private:
  // ----------------------------------------------------------- schema ---

  std::string check_schema() {
    const Schema& schema = image_.schema;
    const std::size_t types = schema.types.size();
    for (std::size_t i = 0; i < types; ++i) {
      const TypeDesc& t = schema.types[i];
      switch (t.kind) {
        case TypeKind::enumeration:
          if (t.ref >= schema.enums.size()) {
            return fmt::format("type {}: enum {} does not exist", i, t.ref);
          }
          break;
        case TypeKind::record:
          if (t.ref >= schema.records.size()) {
            return fmt::format("type {}: record {} does not exist", i, t.ref);
          }
          break;
        case TypeKind::list:
        case TypeKind::set:
        case TypeKind::optional:
          if (t.ref >= types) {
            return fmt::format("type {}: element type {} does not exist", i, t.ref);
          }
          break;
        default:
          break;
      }
    }
    // A list, set or optional has exactly one inner type, so each chain is
    // a path: walking it a bounded number of steps finds cycles too.
    for (std::size_t i = 0; i < types; ++i) {
      std::size_t at = i;
      for (int level = 0; is_wrapper(schema.types[at].kind); ++level) {
        if (level == max_nesting) {
          return fmt::format("type {}: nested deeper than {} levels or contains itself", i,
                             max_nesting);
        }
        at = schema.types[at].ref;
      }
    }

    for (const EnumType& e : schema.enums) {
      std::unordered_map<std::string_view, std::size_t> spellings;
      std::unordered_map<std::int64_t, std::size_t> int_codes;
      for (std::size_t m = 0; m < e.members.size(); ++m) {
        if (!spellings.emplace(e.members[m].name, m).second) {
          return fmt::format("enum `{}`: member `{}` is declared twice", e.name, e.members[m].name);
        }
      }
      for (std::size_t m = 0; m < e.members.size(); ++m) {
        const EnumMember& member = e.members[m];
        if (member.code == EnumMember::Code::string) {
          auto [it, added] = spellings.emplace(member.string_code, m);
          if (!added && it->second != m) {
            return fmt::format("enum `{}`: member `{}` has the code `{}`, which already names `{}`",
                               e.name, member.name, member.string_code, e.members[it->second].name);
          }
        } else if (member.code == EnumMember::Code::integer) {
          auto [it, added] = int_codes.emplace(member.int_code, m);
          if (!added) {
            return fmt::format("enum `{}`: members `{}` and `{}` have the same code {}", e.name,
                               e.members[it->second].name, member.name, member.int_code);
          }
        }
      }
    }

    for (const RecordType& record : schema.records) {
      max_fields_ = std::max<std::size_t>(max_fields_, record.fields.size());
      std::unordered_set<std::string_view> names;
      for (const FieldDesc& field : record.fields) {
        auto where = [&] {
          return fmt::format("record `{}`: field `{}`", record.name, field.name);
        };
        if (!names.insert(field.name).second) return fmt::format("{} is declared twice", where());
        if (field.type >= types) {
          return fmt::format("{}: type {} does not exist", where(), field.type);
        }
        if (field.presence == Presence::defaulted &&
            field.default_value >= image_.constants.size()) {
          return fmt::format("{}: default constant {} does not exist", where(),
                             field.default_value);
        }
        if (field.presence == Presence::optional &&
            schema.types[field.type].kind != TypeKind::optional) {
          return fmt::format("{} is optional but its type is not", where());
        }
      }
    }
    if (schema.root >= schema.records.size()) {
      return fmt::format("the facts root {} is not a record", schema.root);
    }
    return {};
  }

  // -------------------------------------------------------- constants ---

  std::string check_constants() {
    const std::vector<Constant>& constants = image_.constants;
    std::vector<std::uint8_t> depth(constants.size(), 1);
    for (std::size_t i = 0; i < constants.size(); ++i) {
      const Constant& c = constants[i];
      switch (c.kind) {
        case Constant::Kind::boolean:
          if (c.integer != 0 && c.integer != 1) {
            return fmt::format("constant {}: boolean {} is neither 0 nor 1", i, c.integer);
          }
          break;
        case Constant::Kind::enumeration: {
          if (c.enum_type >= image_.schema.enums.size()) {
            return fmt::format("constant {}: enum {} does not exist", i, c.enum_type);
          }
          const EnumType& e = image_.schema.enums[c.enum_type];
          if (c.integer < 0 || static_cast<std::uint64_t>(c.integer) >= e.members.size()) {
            return fmt::format("constant {}: enum `{}` has no member {}", i, e.name, c.integer);
          }
          break;
        }
        case Constant::Kind::date:
          // The compiler writes only dates it parsed (0000-01-01 to 9999-12-31).
          if (c.integer < min_iso_date || c.integer > max_iso_date) {
            return fmt::format("constant {}: date {} is not between 0000-01-01 and 9999-12-31", i,
                               c.integer);
          }
          break;
        case Constant::Kind::list:
        case Constant::Kind::set:
          for (std::uint32_t e : c.elements) {
            if (e >= i) {
              return fmt::format("constant {}: element {} does not come before the collection", i,
                                 e);
            }
            if (depth[e] + 1 > depth[i]) depth[i] = static_cast<std::uint8_t>(depth[e] + 1);
            if (depth[i] > max_nesting) {
              return fmt::format("constant {}: nested deeper than {} levels", i, max_nesting);
            }
          }
          break;
        default:
          break;
      }
    }
    return {};
  }

  std::string check_locs() {
    if (image_.locs.size() != image_.code.size()) {
      return fmt::format("{} source locations for {} instructions", image_.locs.size(),
                         image_.code.size());
    }
    for (std::size_t i = 0; i < image_.locs.size(); ++i) {
      std::uint32_t file = image_.locs[i].file;
      if (file != no_index && file >= image_.files.size()) {
        return fmt::format("instruction {}: source file {} does not exist", i, file);
      }
    }
    return {};
  }

  // -------------------------------------------------------- functions ---

  // Functions tile the code: each instruction belongs to exactly one.
  std::string check_function_layout() {
    const std::vector<Function>& functions = image_.functions;
    for (const Function& f : functions) {
      if (f.entry >= f.end || f.end > image_.code.size()) {
        return fmt::format("function `{}`: instructions {} to {} are not a range of the code",
                           f.name, f.entry, f.end);
      }
      if (f.locals > max_locals) {
        failed_at_ = f.entry;
        over_limit_ = true;
        return fmt::format("function `{}`: {} locals is more than the limit of {}", f.name,
                           f.locals, max_locals);
      }
      if (f.params > f.locals) {
        return fmt::format("function `{}`: {} but only {}", f.name, count_of(f.params, "parameter"),
                           count_of(f.locals, "local"));
      }
    }
    std::vector<std::uint32_t> order(functions.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
    std::sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) {
      return functions[x].entry < functions[y].entry;
    });
    std::uint32_t covered = 0;
    for (std::size_t k = 0; k < order.size(); ++k) {
      const Function& f = functions[order[k]];
      if (f.entry < covered) {
        return fmt::format("functions `{}` and `{}` overlap", functions[order[k - 1]].name, f.name);
      }
      if (f.entry > covered) return fmt::format("instruction {} belongs to no function", covered);
      covered = f.end;
    }
    if (covered != image_.code.size()) {
      return fmt::format("instruction {} belongs to no function", covered);
    }
    return {};
  }

  // A function named by a rule runs that rule, one named by an output
  // computes it; any other is a `def` that only `call` reaches.
  std::string classify_functions() {
    const std::size_t n = image_.functions.size();
    kinds_.assign(n, FnKind::def);
    owner_.assign(n, no_index);
    auto claim = [&](std::uint32_t f, FnKind kind, std::uint32_t owner,
                     std::string_view owner_id) -> std::string {
      std::string_view what = kind_name(kind);
      if (f >= n) return fmt::format("{} `{}`: function {} does not exist", what, owner_id, f);
      if (owner_[f] != no_index) {
        std::string_view other =
            kinds_[f] == FnKind::rule ? image_.rules[owner_[f]].id : image_.outputs[owner_[f]].id;
        return fmt::format("function `{}` is used by both {} `{}` and {} `{}`",
                           image_.functions[f].name, kind_name(kinds_[f]), other, what, owner_id);
      }
      if (image_.functions[f].params != 0) {
        return fmt::format("function `{}` of {} `{}` takes parameters", image_.functions[f].name,
                           what, owner_id);
      }
      kinds_[f] = kind;
      owner_[f] = owner;
      return {};
    };
    for (std::size_t r = 0; r < image_.rules.size(); ++r) {
      const RuleDesc& rule = image_.rules[r];
      std::string error =
          claim(rule.function, FnKind::rule, static_cast<std::uint32_t>(r), rule.id);
      if (!error.empty()) return error;
    }
    for (std::size_t o = 0; o < image_.outputs.size(); ++o) {
      const OutputDesc& output = image_.outputs[o];
      std::string error =
          claim(output.function, FnKind::output, static_cast<std::uint32_t>(o), output.id);
      if (!error.empty()) return error;
    }
    return {};
  }

  std::string check_rules() {
    const std::size_t repeat =
        first_repeat(image_.rules, [](const RuleDesc& r) -> std::string_view { return r.id; });
    for (std::size_t r = 0; r < image_.rules.size(); ++r) {
      const RuleDesc& rule = image_.rules[r];
      if (r == repeat) return fmt::format("rule `{}` is declared twice", rule.id);
      if (rule.loc.file != no_index && rule.loc.file >= image_.files.size()) {
        return fmt::format("rule `{}`: source file {} does not exist", rule.id, rule.loc.file);
      }
      const Function& f = image_.functions[rule.function];
      for (const ForBinding& b : rule.bindings) {
        if (std::uint64_t{b.iterator} + 1 >= f.locals) {
          return fmt::format(
              "rule `{}`: binding `{}`: iterator slots {} and {} are not locals of `{}`", rule.id,
              b.name, b.iterator, std::uint64_t{b.iterator} + 1, f.name);
        }
      }
      for (std::size_t e = 0; e < rule.effects.size(); ++e) {
        const EffectDesc& effect = rule.effects[e];
        if (effect.kind != EffectKind::raise) continue;
        if (effect.output >= image_.outputs.size()) {
          return fmt::format("rule `{}`: effect {}: output {} does not exist", rule.id, e,
                             effect.output);
        }
        if (image_.outputs[effect.output].join == Join::none) {
          return fmt::format("rule `{}`: effect {}: output `{}` cannot be raised", rule.id, e,
                             image_.outputs[effect.output].id);
        }
      }
    }
    return {};
  }

  // Guards only decide which rules run, so a wrong one can make a bundle
  // answer wrongly (as wrong code can) but never read out of bounds.
  std::string check_guards() {
    const Schema& schema = image_.schema;
    for (std::size_t g = 0; g < image_.guards.size(); ++g) {
      const Guard& guard = image_.guards[g];
      if (guard.path.empty()) return fmt::format("guard {}: the path is empty", g);
      for (const FieldRef& step : guard.path) {
        if (step.record >= schema.records.size() ||
            step.field >= schema.records[step.record].fields.size()) {
          return fmt::format("guard {}: field {} of record {} does not exist", g, step.field,
                             step.record);
        }
      }
    }
    for (const RuleDesc& rule : image_.rules) {
      for (std::uint32_t g : rule.guards) {
        if (g >= image_.guards.size()) {
          return fmt::format("rule `{}`: guard {} does not exist", rule.id, g);
        }
      }
    }
    return {};
  }

  std::string check_outputs() {
    std::unordered_set<std::string_view> ids;
    for (const OutputDesc& output : image_.outputs) {
      if (!ids.insert(output.id).second) {
        return fmt::format("output `{}` is declared twice", output.id);
      }
      if (output.type >= image_.schema.types.size()) {
        return fmt::format("output `{}`: type {} does not exist", output.id, output.type);
      }
      TypeKind kind = image_.schema.types[output.type].kind;
      bool joinable = true;
      switch (output.join) {
        case Join::none:
          break;
        case Join::max:
          joinable = kind == TypeKind::integer || kind == TypeKind::number ||
                     kind == TypeKind::enumeration;
          break;
        case Join::or_:
          joinable = kind == TypeKind::boolean;
          break;
        case Join::union_:
          joinable = kind == TypeKind::set;
          break;
      }
      if (!joinable) {
        return fmt::format("output `{}`: its join does not suit its type", output.id);
      }
    }
    return {};
  }

  // --------------------------------------------------------- operands ---

  std::string check_operands(std::uint32_t index) {
    const Function& f = image_.functions[index];
    const FnKind kind = kinds_[index];
    const RuleDesc* rule = kind == FnKind::rule ? &image_.rules[owner_[index]] : nullptr;
    const std::size_t root_fields = image_.schema.records[image_.schema.root].fields.size();

    for (std::uint32_t pc = f.entry; pc < f.end; ++pc) {
      const Instr& in = image_.code[pc];
      auto fail = [&](std::string_view problem) {
        failed_at_ = pc;
        return fmt::format("function `{}`: instruction {} ({}): {}", f.name, pc, op_name(in.op),
                           problem);
      };
      auto target = [&](std::uint32_t t) -> std::string {
        if (t < f.entry || t >= f.end) {
          return fail(fmt::format("target {} is outside the function", t));
        }
        return {};
      };
      auto local = [&](std::uint64_t slot) -> std::string {
        if (slot >= f.locals) {
          return fail(
              fmt::format("local %{} does not exist (the function has {})", slot, f.locals));
        }
        return {};
      };

      // Fused instructions are the VM's own rewriting of verified code.
      if (!valid_op(static_cast<std::uint8_t>(in.op))) return fail("not a bundle opcode");

      // Where an instruction may appear.
      switch (in.op) {
        case Op::decide:
        case Op::jump_unless_state:
        case Op::emit:
        case Op::begin_condition:
        case Op::raise:
        case Op::raise_pending:
          if (kind != FnKind::rule) return fail("only a rule's function may use it");
          break;
        case Op::set_output:
          if (kind != FnKind::output) return fail("only an output's function may use it");
          break;
        case Op::ret:
          if (kind != FnKind::def) return fail("only a def returns; rules and outputs halt");
          break;
        case Op::halt:
          if (kind == FnKind::def) return fail("a def must return, not halt");
          break;
        default:
          break;
      }

      std::string error;
      switch (op_info(in.op).operands) {
        case Operands::none:
        case Operands::count_a:
          break;
        case Operands::const_a:
          if (in.a >= image_.constants.size()) {
            error = fail(fmt::format("constant {} does not exist", in.a));
          }
          break;
        case Operands::local_a:
          error = local(in.a);
          break;
        case Operands::iter_a_jump_b:
          error = local(in.a);
          if (error.empty()) error = local(std::uint64_t{in.a} + 1);
          if (error.empty()) error = target(in.b);
          break;
        case Operands::local_a_jump_b:
          error = local(in.a);
          if (error.empty()) error = target(in.b);
          break;
        case Operands::jump_a:
          error = target(in.a);
          break;
        case Operands::jump_a_b:
          error = target(in.a);
          if (error.empty()) error = target(in.b);
          break;
        case Operands::slot_a:
          if (in.a >= max_fields_) {
            error = fail(fmt::format("field slot {} is beyond every record", in.a));
          }
          break;
        case Operands::root_a:
          if (in.a >= root_fields) {
            error = fail(fmt::format("the facts root has no field slot {}", in.a));
          }
          break;
        case Operands::builtin_a:
          if (in.a >= stdlib::builtin_count) {
            error = fail(fmt::format("builtin {} does not exist", in.a));
          } else if (in.b != stdlib::builtins[in.a].arity) {
            error = fail(fmt::format("builtin `{}` takes {}, not {}", stdlib::builtins[in.a].name,
                                     count_of(stdlib::builtins[in.a].arity, "argument"), in.b));
          }
          break;
        case Operands::function_a:
          if (in.a >= image_.functions.size()) {
            error = fail(fmt::format("function {} does not exist", in.a));
          } else if (kinds_[in.a] != FnKind::def) {
            error = fail(fmt::format("`{}` is the function of a {}, not a def",
                                     image_.functions[in.a].name, kind_name(kinds_[in.a])));
          } else if (in.b != image_.functions[in.a].params) {
            error = fail(fmt::format("`{}` takes {}, not {}", image_.functions[in.a].name,
                                     count_of(image_.functions[in.a].params, "argument"), in.b));
          }
          break;
        case Operands::effect_a_count_b:
          error = check_effect(in, *rule, fail);
          break;
        case Operands::output_a:
          if (in.a >= image_.outputs.size()) {
            error = fail(fmt::format("output {} does not exist", in.a));
          } else if (in.op == Op::set_output && in.a != owner_[index]) {
            error = fail(fmt::format("sets output `{}` from the function of output `{}`",
                                     image_.outputs[in.a].id, image_.outputs[owner_[index]].id));
          } else if (in.op != Op::set_output && image_.outputs[in.a].join == Join::none) {
            error = fail(fmt::format("output `{}` cannot be raised", image_.outputs[in.a].id));
          }
          break;
        case Operands::bindings_a:
          if (rule == nullptr || in.a > rule->bindings.size()) {
            error = fail(fmt::format("{} but the rule has {}", count_of(in.a, "binding"),
                                     rule == nullptr ? 0 : rule->bindings.size()));
          }
          break;
        case Operands::state_a_jump_b:
          if (in.a > 2) error = fail(fmt::format("instance state {} does not exist", in.a));
          if (error.empty()) error = target(in.b);
          break;
      }
      if (!error.empty()) return error;
    }
    return {};
  }

  template <class Fail>
  std::string check_effect(const Instr& in, const RuleDesc& rule, Fail& fail) {
    if (in.a >= rule.effects.size()) {
      return fail(fmt::format("effect {} does not exist (rule `{}` has {})", in.a, rule.id,
                              rule.effects.size()));
    }
    const EffectDesc& effect = rule.effects[in.a];
    if (effect.kind == EffectKind::raise) return fail("a raise effect is applied with `raise`");
    std::uint64_t expected = effect.kind == EffectKind::require ? effect.with_keys.size() + 1 : 1;
    if (in.b != expected) {
      return fail(
          fmt::format("effect {} takes {}, not {}", in.a, count_of(expected, "value"), in.b));
    }
    return {};
  }

  // ------------------------------------------------------------ calls ---

  // No recursion: the call graph must be acyclic, so every evaluation ends
  // and the VM's call depth is bounded by the number of functions.
  std::string check_calls() {
    const std::size_t n = image_.functions.size();
    enum class Mark : std::uint8_t { unvisited, active, done };
    std::vector<Mark> mark(n, Mark::unvisited);
    struct Frame {
      std::uint32_t function;
      std::uint32_t pc;  // the next instruction to look at for calls
    };
    std::vector<Frame> stack;
    for (std::uint32_t root = 0; root < n; ++root) {
      if (mark[root] != Mark::unvisited) continue;
      mark[root] = Mark::active;
      stack.push_back({root, image_.functions[root].entry});
      while (!stack.empty()) {
        Frame& top = stack.back();
        const Function& f = image_.functions[top.function];
        while (top.pc < f.end && image_.code[top.pc].op != Op::call) ++top.pc;
        if (top.pc == f.end) {
          mark[top.function] = Mark::done;
          stack.pop_back();
          continue;
        }
        std::uint32_t callee = image_.code[top.pc++].a;
        if (mark[callee] == Mark::done) continue;
        if (mark[callee] == Mark::active) {
          std::string cycle;
          bool in_cycle = false;
          for (const Frame& frame : stack) {
            in_cycle = in_cycle || frame.function == callee;
            if (in_cycle) cycle += fmt::format("`{}` -> ", image_.functions[frame.function].name);
          }
          return fmt::format("recursive calls: {}`{}`", cycle, image_.functions[callee].name);
        }
        mark[callee] = Mark::active;
        stack.push_back({callee, image_.functions[callee].entry});
      }
    }
    return {};
  }

  // ------------------------------------------------------ stack depth ---

  // check_stack's failures: set `error` to the problem at instruction `pc`
  // of `f` and return false.
  [[gnu::cold, gnu::noinline]] bool stack_problem(const Function& f, std::uint32_t pc,
                                                  std::string_view problem, std::string& error) {
    failed_at_ = pc;
    error = fmt::format("function `{}`: instruction {} ({}): {}", f.name, pc,
                        op_name(image_.code[pc].op), problem);
    return false;
  }
  [[gnu::cold, gnu::noinline]] bool flow_problem(const Function& f, std::uint32_t pc,
                                                 std::uint32_t to, std::string& error) {
    if (to == f.end)
      return stack_problem(f, pc, "execution runs off the end of the function", error);
    over_limit_ = true;
    return stack_problem(
        f, pc, fmt::format("the operand stack grows deeper than {}", max_stack_depth), error);
  }

  std::string check_stack(Function& f) {
    // Reused from one function to the next: a bundle has thousands.
    std::vector<std::int32_t>& depth = stack_depth_;
    std::vector<std::uint32_t>& work = stack_work_;
    depth.assign(f.end - f.entry, -1);
    work.clear();
    std::int64_t deepest = 0;
    depth[0] = 0;
    work.push_back(f.entry);
    // The first problem found; the checks below only say whether they
    // passed, so that a bundle's tens of thousands of instructions build no
    // string on the way (this loop was most of verifying a large bundle).
    std::string error;
    while (!work.empty()) {
      const std::uint32_t pc = work.back();
      work.pop_back();
      const Instr& in = image_.code[pc];
      const std::int64_t d = depth[pc - f.entry];
      auto fail = [&](std::string_view problem) { return stack_problem(f, pc, problem, error); };
      // The state after `in` reaches `to` with `to_depth` values on the
      // stack. (Small enough to inline: its messages are made out of line.)
      auto flow = [&](std::uint32_t to, std::int64_t to_depth) {
        if (to == f.end || to_depth > max_stack_depth) [[unlikely]]
          return flow_problem(f, pc, to, error);
        deepest = std::max(deepest, to_depth);
        std::int32_t& known = depth[to - f.entry];
        if (known < 0) {
          known = static_cast<std::int32_t>(to_depth);
          work.push_back(to);
        } else if (known != to_depth) [[unlikely]] {
          return stack_problem(
              f, pc,
              fmt::format("reaches instruction {} with stack depth {} where another path has {}",
                          to, to_depth, known),
              error);
        }
        return true;
      };

      std::int64_t popped = op_info(in.op).pops;
      if (popped == count_from_a) popped = in.a;
      if (popped == count_from_b) popped = in.b;
      const std::int64_t pushed = op_info(in.op).pushes;
      if (popped > d) {
        fail(fmt::format("stack underflow: pops {} values but the stack holds {}", popped, d));
        return error;
      }
      deepest = std::max(deepest, d - popped + pushed);
      const std::uint32_t next = pc + 1;
      auto both = [&](std::uint32_t first, std::int64_t first_depth, std::uint32_t second,
                      std::int64_t second_depth) {
        return flow(first, first_depth) && flow(second, second_depth);
      };
      auto needs_value = [&] {
        return d >= 1 || fail("stack underflow: it needs a value on the stack");
      };
      bool ok = true;
      switch (in.op) {
        case Op::jump:
          ok = flow(in.a, d);
          break;
        case Op::jump_if_false:
        case Op::jump_if_true:
          ok = needs_value() && both(in.a, d, next, d);
          break;
        case Op::branch:
          ok = both(in.a, d - 1, in.b, d) && flow(next, d - 1);
          break;
        case Op::coalesce:
        case Op::take_default:
          ok = needs_value() && both(in.a, d, next, d - 1);
          break;
        case Op::iter_init:
          ok = both(in.b, d, next, d - 1);
          break;
        case Op::iter_next:
          ok = both(next, d + 1, in.b, d);
          break;
        case Op::acc_or:
        case Op::acc_and:
        case Op::acc_filter:
          ok = both(in.b, d - 1, next, d - 1);
          break;
        case Op::jump_unless_state:
          ok = both(in.b, d, next, d);
          break;
        case Op::ret:
          if (d != 1)
            ok = fail(fmt::format("returns with {} values on the stack; it needs exactly 1", d));
          break;
        case Op::halt:
          if (d != 0) ok = fail(fmt::format("halts with {} values left on the stack", d));
          break;
        default:
          ok = flow(next, d - popped + pushed);
          break;
      }
      if (!ok) return error;
    }
    f.max_stack = static_cast<std::uint32_t>(deepest);
    return {};
  }

  Image& image_;
  std::uint32_t failed_at_ = no_index;  // the instruction to blame, if one is
  bool over_limit_ = false;
  std::size_t max_fields_ = 0;
  std::vector<FnKind> kinds_;
  std::vector<std::int32_t> stack_depth_;  // check_stack's, per instruction of the function
  std::vector<std::uint32_t> stack_work_;
  std::vector<std::uint32_t> owner_;  // the rule or output of each rule or output function
};

}  // namespace

std::string verify(Image& image) { return Verifier(image).run(); }

VerifyResult verify_detailed(Image& image) {
  Verifier verifier(image);
  VerifyResult result;
  result.problem = verifier.run();
  if (!result.problem.empty()) {
    result.at = verifier.failed_at();
    result.exceeds_vm_limits = verifier.over_limit();
  }
  return result;
}

}  // namespace precept::runtime
