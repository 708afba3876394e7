// The native quantifier loop (Vm's scan, runtime/scan_loop.hpp) against the
// instructions it stands for, on loops the compiler never emits but a
// bundle may hold: an accumulator that is settled before the first element,
// one that is not a boolean at all, and an iterator whose position was set
// by hand (ahead, negative, past the end). For each, the fused VM (which
// runs the loop natively) and the plain one must give the same decision,
// and, with the fuel cut at every count, stop at the same instruction.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lang/compiler.hpp"
#include "lang/frontend.hpp"
#include "lang/render.hpp"
#include "runtime/decision.hpp"
#include "runtime/executable.hpp"
#include "runtime/facts.hpp"
#include "runtime/vm.hpp"
#include "runtime/vm_program.hpp"

using namespace precept;
using runtime::Constant;
using runtime::Image;
using runtime::Instr;
using runtime::Op;
using runtime::Operands;

namespace {

// `some` over strings, with one test of the element, and `every` over bools.
constexpr const char* rules_text = R"(package t

facts {
  items: list<string>
  flags: list<bool>
}

rule some_x {
  when some e in items: e == "x"
  then deny "has x"
}

rule every_flag {
  when every f in flags: f
  then deny "all set"
}
)";

Image compile_rules() {
  lang::SourceSet sources;
  sources.add("t.rules", rules_text);
  lang::Diagnostics diags;
  lang::FrontEndOptions options;
  options.check.lints = false;
  options.check.read_given_files = false;
  auto program = lang::check_sources(sources, diags, options);
  INFO(lang::render_text(diags, sources, {}));
  REQUIRE(program != nullptr);
  REQUIRE_FALSE(diags.has_errors());
  return lang::compile(*program, sources);
}

// The loop of rule `rule`'s function: where its iterator starts and how the
// accumulator is set before the loop (`push_const; store_local %acc`, right
// after iter_init, as the compiler lays it out).
struct LoopSite {
  std::uint32_t iter_init = 0;
  std::uint32_t acc_init = 0;  // the push_const
  std::uint32_t iterator = 0;  // iter_init's local: the collection; +1 is the position
};

LoopSite find_loop(const Image& image, std::uint32_t rule) {
  const runtime::Function& f = image.functions[image.rules[rule].function];
  for (std::uint32_t pc = f.entry; pc + 2 < f.end; ++pc) {
    if (image.code[pc].op != Op::iter_init) continue;
    REQUIRE(image.code[pc + 1].op == Op::push_const);
    REQUIRE(image.code[pc + 2].op == Op::store_local);
    return {pc, pc + 1, image.code[pc].a};
  }
  FAIL("no loop in rule " << rule);
  return {};
}

std::uint32_t add_constant(Image& image, Constant c) {
  image.constants.push_back(std::move(c));
  return static_cast<std::uint32_t>(image.constants.size() - 1);
}
std::uint32_t add_integer(Image& image, std::int64_t i) {
  Constant c;
  c.kind = Constant::Kind::integer;
  c.integer = i;
  return add_constant(image, c);
}
std::uint32_t add_boolean(Image& image, bool b) {
  Constant c;
  c.kind = Constant::Kind::boolean;
  c.integer = b ? 1 : 0;
  return add_constant(image, c);
}

// Inserts `code` before instruction `at`, into the function that holds
// `at`, moving every jump target, function bound and source location after
// it along (a function that ends at `at` keeps its end).
void insert_code(Image& image, std::uint32_t at, const std::vector<Instr>& code) {
  const auto n = static_cast<std::uint32_t>(code.size());
  auto moved = [&](std::uint32_t target) { return target >= at ? target + n : target; };
  for (Instr& in : image.code) {
    switch (runtime::op_info(in.op).operands) {
      case Operands::jump_a:
        in.a = moved(in.a);
        break;
      case Operands::jump_a_b:
        in.a = moved(in.a);
        in.b = moved(in.b);
        break;
      case Operands::iter_a_jump_b:
      case Operands::local_a_jump_b:
      case Operands::state_a_jump_b:
        in.b = moved(in.b);
        break;
      default:
        break;
    }
  }
  for (runtime::Function& f : image.functions) {
    if (f.entry > at) f.entry += n;
    if (f.end > at) f.end += n;
  }
  image.code.insert(image.code.begin() + at, code.begin(), code.end());
  image.locs.insert(image.locs.begin() + at, n, runtime::SourceLoc{});
}

std::shared_ptr<const runtime::Executable> make(Image image) {
  std::string error;
  auto exe = runtime::Executable::make(std::move(image), error);
  INFO(error);
  REQUIRE(exe != nullptr);
  // Otherwise this would compare the instructions with themselves.
  REQUIRE(exe->vm_program().scans.size() == 2);
  return exe;
}

// What a decision shows, and where the fuel stopped it if it did.
std::string summary(const runtime::Decision& d, const Image& image) {
  std::string s = runtime::to_json(d, image, false);
  for (const runtime::ErrorEntry& e : d.errors) s += "\n" + e.at + " " + e.message;
  return s;
}

bool stopped_by_fuel(const runtime::Decision& d) {
  for (const runtime::ErrorEntry& e : d.errors) {
    if (e.kind == runtime::ErrorEntry::Kind::limit) return true;
  }
  return false;
}

// Items and flags the loops run over: empty, settling on the first element,
// on a later one, never, and with a missing element (null in a list of
// strings or bools is an input error, and the element is missing).
const std::vector<nlohmann::json> documents = {
    {{"items", nlohmann::json::array()}, {"flags", nlohmann::json::array()}},
    {{"items", {"x"}}, {"flags", {true}}},
    {{"items", {"a", "b", "x", "c"}}, {"flags", {true, true, false, true}}},
    {{"items", {"a", "b", "c"}}, {"flags", {true, true, true}}},
    {{"items", {"a", nullptr, "x"}}, {"flags", {true, nullptr, false}}},
    {{"items", {"a", nullptr, "b"}}, {"flags", {true, nullptr, true}}},
};

// Fused and plain agree on every document, with all the fuel they need and
// with the fuel cut at every count until none runs out.
void check_same(const std::shared_ptr<const runtime::Executable>& exe) {
  runtime::FactLoader loader(exe);
  runtime::Vm fused(exe, {true, true}), plain(exe, {false, true});
  runtime::Decision decision;
  for (const nlohmann::json& document : documents) {
    INFO("facts " << document.dump());
    runtime::Facts facts;
    std::string error;
    REQUIRE(loader.load(document.dump(), facts, error));
    runtime::EvalOptions options;
    auto run = [&](runtime::Vm& vm) {
      vm.evaluate(facts, options, decision);
      return summary(decision, exe->image());
    };
    REQUIRE(run(fused) == run(plain));
    for (options.fuel = 1; options.fuel <= 500; ++options.fuel) {
      INFO("fuel " << options.fuel);
      REQUIRE(run(fused) == run(plain));
      if (!stopped_by_fuel(decision)) break;
    }
    CHECK_FALSE(stopped_by_fuel(decision));
  }
}

}  // namespace

TEST_CASE("native scan loops as the compiler emits them", "[scan_loop]") {
  check_same(make(compile_rules()));
}

TEST_CASE("native scan loops whose accumulator is settled on entry", "[scan_loop]") {
  // `some` starting from true and `every` from false: the first element
  // taken settles either loop, whatever it holds.
  Image image = compile_rules();
  image.code[find_loop(image, 0).acc_init].a = add_boolean(image, true);
  image.code[find_loop(image, 1).acc_init].a = add_boolean(image, false);
  check_same(make(std::move(image)));
}

TEST_CASE("native scan loops whose accumulator is not a boolean", "[scan_loop]") {
  // An accumulator left unset (none) or set to an integer: the loops join
  // three-valued, and an element's test alone can settle them.
  for (bool unset : {true, false}) {
    INFO((unset ? "unset" : "an integer"));
    Image image = compile_rules();
    for (std::uint32_t rule : {0u, 1u}) {
      const LoopSite site = find_loop(image, rule);
      if (unset) {
        // push_const; store_local %acc become push_const; store_local %position,
        // which iter_init has just set to 0 anyway.
        image.code[site.acc_init + 1].a = site.iterator + 1;
        image.code[site.acc_init].a = add_integer(image, 0);
      } else {
        image.code[site.acc_init].a = add_integer(image, 7);
      }
    }
    check_same(make(std::move(image)));
  }
}

TEST_CASE("native scan loops whose position was set by hand", "[scan_loop]") {
  // After the accumulator is set, the position is moved: ahead into the
  // collection, to its end, past it, and below zero (read as past the end,
  // by the instructions and the native loop alike).
  for (std::int64_t position : {std::int64_t{1}, std::int64_t{2}, std::int64_t{3}, std::int64_t{4},
                                std::int64_t{1} << 40, std::int64_t{-1}, std::int64_t{-4}}) {
    INFO("position " << position);
    Image image = compile_rules();
    const std::uint32_t value = add_integer(image, position);
    // The later rule first, so that the earlier one's site stays where it was found.
    for (std::uint32_t rule : {1u, 0u}) {
      const LoopSite site = find_loop(image, rule);
      insert_code(image, site.acc_init + 2,
                  {Instr{Op::push_const, value, 0}, Instr{Op::store_local, site.iterator + 1, 0}});
    }
    check_same(make(std::move(image)));
  }
}
