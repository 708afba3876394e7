// The compiler: the code it emits for each construct (in the spirit of Lua's
// code.lua: the opcodes are the contract between compiler and VM), constant
// folding, slot resolution, that its output always passes the verifier, and
// the fuel limit of the VM it feeds.
#include <catch2/catch.hpp>
#include <fmt/core.h>

#include <string>
#include <vector>

#include "lang/compiler.hpp"
#include "lang/frontend.hpp"
#include "lang/render.hpp"
#include "runtime/date.hpp"
#include "runtime/disasm.hpp"
#include "runtime/verifier.hpp"
#include "runtime/vm.hpp"

using namespace precept;
using runtime::Op;

namespace {

const char* const schema = R"(package t
enum Level { low, mid, high }
type Item { name: string, level: Level, tags: set<string> = {}, note: string? }
facts {
  items: list<Item> = []
  n: int
  x: number = 1.5
  flag: bool
}
)";

struct Compiled {
  lang::Diagnostics diags;  // of compiling: the program checked without errors
  runtime::Image image;
};

// Checks and compiles `rules` after the schema above; they must check.
Compiled compile_checked(const std::string& rules) {
  lang::SourceSet sources;
  sources.add("t.rules", std::string(schema) + rules);
  Compiled c;
  lang::FrontEndOptions options;
  options.check.lints = false;
  options.check.read_given_files = false;
  auto program = lang::check_sources(sources, c.diags, options);
  INFO(lang::render_text(c.diags, sources, {}));
  REQUIRE(program != nullptr);
  REQUIRE_FALSE(c.diags.has_errors());
  c.image = lang::compile(*program, sources, c.diags);
  return c;
}

runtime::Image compile_text(const std::string& rules) {
  Compiled c = compile_checked(rules);
  REQUIRE_FALSE(c.diags.has_errors());
  std::string problem = runtime::verify(c.image);
  INFO(problem);
  REQUIRE(problem.empty());
  return std::move(c.image);
}

const runtime::Function& function_named(const runtime::Image& image, const std::string& name) {
  for (const auto& f : image.functions) {
    if (f.name == name) return f;
  }
  FAIL("no function " << name);
  return image.functions.front();
}

std::vector<Op> ops_of(const runtime::Image& image, const std::string& name) {
  const runtime::Function& f = function_named(image, name);
  std::vector<Op> ops;
  for (std::uint32_t pc = f.entry; pc < f.end; ++pc) ops.push_back(image.code[pc].op);
  return ops;
}

std::string names(const std::vector<Op>& ops) {
  std::string s;
  for (Op op : ops) s += std::string(runtime::op_info(op).name) + " ";
  return s;
}

}  // namespace

TEST_CASE("constant expressions fold to one constant", "[compiler]") {
  auto image = compile_text(R"(
const BASE = 40
def answer(): int = BASE + 2
def both(): bool = "a" in {"a", "b"} and not false
)");
  CHECK(names(ops_of(image, "t.answer")) == "push_const ret ");
  const auto& f = function_named(image, "t.answer");
  const auto& c = image.constants[image.code[f.entry].a];
  CHECK(c.kind == runtime::Constant::Kind::integer);
  CHECK(c.integer == 42);
  CHECK(names(ops_of(image, "t.both")) == "push_const ret ");
}

TEST_CASE("and/or short-circuit, if branches three ways", "[compiler]") {
  auto image = compile_text(R"(
def a(): bool = flag and n > 1
def o(): bool = flag or n > 1
def i(): int = if flag then 1 else 2
)");
  CHECK(names(ops_of(image, "t.a")) == "load_fact jump_if_false load_fact push_const gt and_ ret ");
  CHECK(names(ops_of(image, "t.o")) == "load_fact jump_if_true load_fact push_const gt or_ ret ");
  CHECK(names(ops_of(image, "t.i")) == "load_fact branch push_const jump push_const ret ");
}

TEST_CASE("fact paths resolve to slots and mark fields read", "[compiler]") {
  auto image = compile_text(R"(
def first_level(): Level = items[0].level
)");
  auto ops = ops_of(image, "t.first_level");
  CHECK(names(ops) == "load_fact push_const index get_field ret ");
  const auto& f = function_named(image, "t.first_level");
  const runtime::Schema& s = image.schema;
  const auto& root = s.records[s.root];
  CHECK(root.fields[image.code[f.entry].a].name == "items");
  CHECK(root.fields[0].read);
  CHECK_FALSE(root.fields[1].read);                       // n is not read here
  std::uint32_t item = s.types[root.fields[0].type].ref;  // list<Item> → Item
  const auto& item_record = s.records[s.types[item].ref];
  CHECK(item_record.name == "t.Item");
  CHECK(item_record.fields[image.code[f.entry + 3].a].name == "level");
  CHECK(item_record.fields[1].read);
  CHECK_FALSE(item_record.fields[0].read);
}

TEST_CASE("ints promote where a number is expected", "[compiler]") {
  auto image = compile_text(R"(
def half(v: number): number = v / 2
def call_it(): number = half(n)
)");
  CHECK(names(ops_of(image, "t.call_it")) == "load_fact int_to_number call ret ");
}

TEST_CASE("quantifiers and aggregates are loops with accumulators", "[compiler]") {
  auto image = compile_text(R"(
def any_high(): bool = some i in items: i.level == high
def highs(): int = count(i in items where i.level == high)
def top(): Level = max(i.level for i in items, default low)
)");
  CHECK(names(ops_of(image, "t.any_high")) ==
        "load_fact iter_init push_const store_local iter_next store_local load_local get_field "
        "push_const eq acc_or jump load_local ret ");
  CHECK(names(ops_of(image, "t.highs")) ==
        "load_fact iter_init push_empty store_local iter_next store_local load_local get_field "
        "push_const eq acc_filter acc_count jump load_local take_default push_const ret ");
  CHECK(names(ops_of(image, "t.top")) ==
        "load_fact iter_init push_empty store_local iter_next store_local load_local get_field "
        "acc_max jump load_local take_default push_const ret ");
}

TEST_CASE("a rule loops over its bindings and decides each instance", "[compiler]") {
  auto image = compile_text(R"(
output worst: Level
rule flagged {
  cite "Policy 1"
  severity high
  for i in items
  let tagged = "x" in i.tags
  when tagged
  then
    deny "${i.name} is flagged"
    require t.review_item with { level: i.level }
    raise worst to i.level
}
)");
  REQUIRE(image.rules.size() == 1);
  const auto& rule = image.rules[0];
  CHECK(rule.id == "t.flagged");
  CHECK(rule.severity == runtime::Severity::high);
  REQUIRE(rule.bindings.size() == 1);
  CHECK(rule.bindings[0].name == "i");
  REQUIRE(rule.effects.size() == 3);
  CHECK(rule.effects[1].obligation == "t.review_item");
  CHECK(rule.effects[1].with_keys == std::vector<std::string>{"level"});
  CHECK(image.outputs[0].join == runtime::Join::max);
  CHECK(names(ops_of(image, "rule t.flagged")) ==
        "load_fact iter_init iter_next store_local push_const load_local get_field in store_local "
        "begin_condition load_local decide jump_unless_state "
        "load_local get_field push_const concat emit "           // deny
        "push_none load_local get_field emit "                   // require with { level }
        "load_local get_field raise jump "                       // raise
        "jump_unless_state load_local get_field raise_pending "  // what an undetermined instance
                                                                 // could raise
        "jump halt decide push_unknown raise_pending halt ");    // the domain itself unknown
}

TEST_CASE("the same program compiles to the same image", "[compiler]") {
  const std::string rules = R"(
rule r { for i in items when i.level >= mid then warn "${i.name}" }
)";
  auto a = compile_text(rules);
  auto b = compile_text(rules);
  CHECK(runtime::disassemble(a) == runtime::disassemble(b));
}

TEST_CASE("fuel stops an evaluation with a limit error and an indeterminate outcome",
          "[compiler][vm]") {
  auto image = compile_text(R"(
rule many { for a in items for b in items when a.name == b.name then warn "same" }
)");
  std::string error;
  auto exe = runtime::Executable::make(std::move(image), error);
  REQUIRE(exe != nullptr);
  runtime::FactLoader loader(exe);
  runtime::Facts facts;
  std::string items = R"({"n": 1, "flag": true, "items": [)";
  for (int i = 0; i < 200; ++i)
    items += (i ? "," : "") + std::string(R"({"name":"x","level":"low"})");
  items += "]}";
  REQUIRE(loader.load(items, facts, error));
  runtime::Vm vm(exe);
  runtime::Decision decision;
  runtime::EvalOptions options;
  vm.evaluate(facts, options, decision);
  CHECK(decision.outcome == runtime::Outcome::allow);
  CHECK(decision.warnings.size() == 200 * 200);
  CHECK(decision.errors.empty());

  options.max_entries = 1'000;
  vm.evaluate(facts, options, decision);
  CHECK(decision.outcome == runtime::Outcome::indeterminate);
  CHECK(decision.warnings.size() == 1'000);
  REQUIRE(decision.errors.size() == 1);
  CHECK(decision.errors[0].kind == runtime::ErrorEntry::Kind::limit);
  CHECK(decision.errors[0].message.find("entry limit") != std::string::npos);

  options.max_entries = 100'000;
  options.fuel = 10'000;
  vm.evaluate(facts, options, decision);
  CHECK(decision.outcome == runtime::Outcome::indeterminate);
  CHECK_FALSE(decision.complete);
  REQUIRE(decision.errors.size() == 1);
  CHECK(decision.errors[0].kind == runtime::ErrorEntry::Kind::limit);
  CHECK(decision.errors[0].message.find("fuel") != std::string::npos);
}

TEST_CASE("an evaluation error is reported once for each place and message", "[compiler][vm]") {
  auto image = compile_text(R"(
rule a { for i in items when n / (n - n) > 0 then warn "a" }
rule b { for i in items when n % (n - n) > 0 or n / (n - n) > 0 then warn "b" }
rule c { for i in items when i.name + i.name == "x" then warn "c" }
)");
  std::string error;
  auto exe = runtime::Executable::make(std::move(image), error);
  REQUIRE(exe != nullptr);
  runtime::FactLoader loader(exe);
  runtime::Vm vm(exe);
  runtime::Decision decision;
  runtime::EvalOptions options;
  auto errors = [&](const std::string& text) {
    runtime::Facts facts;
    REQUIRE(loader.load(text, facts, error));
    vm.evaluate(facts, options, decision);
    std::vector<std::string> found;
    for (const runtime::ErrorEntry& e : decision.errors) {
      found.push_back(std::string(runtime::to_string(e.kind)) + " " + e.path + " " +
                      e.at.substr(e.at.find(':') + 1) + " " + e.message);
    }
    return found;
  };
  const std::string three = R"({"n": 4, "items": [{"name": "x", "level": "low"},
      {"name": "y", "level": "low"}, {"name": "z", "level": "low"}]})";
  // Three elements each, one entry per place: rule b's two divisions are
  // two places. The decision object is reused in between, and a document
  // with no errors or other ones must not see the last one's.
  const std::vector<std::string> expected = {"evaluation  11:30 division by zero",
                                             "evaluation  12:30 remainder of a division by zero",
                                             "evaluation  12:49 division by zero"};
  CHECK(errors(three) == expected);
  CHECK(errors(R"({"n": 4})").empty());
  CHECK(errors(R"({"n": "four", "items": [{"name": "x", "level": "low"}]})") ==
        std::vector<std::string>{"input n  expected an integer, found a string"});
  CHECK(errors(three) == expected);
  // A limit in a loop, reported once too: two names whose doubling would
  // pass the 1 MiB string limit.
  const std::string name(600'000, 'a');
  std::vector<std::string> with_limit = expected;
  with_limit.push_back(
      "limit  13:30 a string of 1200000 bytes would exceed the limit of 1048576 bytes");
  CHECK(errors(R"({"n": 4, "items": [{"name": ")" + name + R"(", "level": "low"}, {"name": ")" +
               name + R"(", "level": "low"}, {"name": "z", "level": "low"}]})") == with_limit);
}

TEST_CASE("rule indexing: guards come from string tests joined by `and`", "[compiler]") {
  runtime::Image image = compile_text(R"(
rule tagged { cite "c" when some i in items: "pii" in i.tags then deny "x" }
rule tagged_again { cite "c" when flag and (some i in items: "pii" in i.tags) then deny "x" }
rule named { cite "c" when some i in items: i.name in {"p", "q"} and flag then deny "x" }
rule per_item { cite "c" for i in items when "pii" in i.tags then deny "x" }
rule arithmetic { cite "c" when n / 2 > 1 and (some i in items: "pii" in i.tags) then deny "x" }
rule either { cite "c" when (some i in items: "pii" in i.tags) or flag then deny "x" }
rule negated { cite "c" when not (some i in items: "pii" in i.tags) then deny "x" }
rule all_items { cite "c" when every i in items: "pii" in i.tags then deny "x" }
)");
  auto guards_of = [&](const std::string& name) {
    for (const auto& r : image.rules) {
      if (r.id == "t." + name) return r.guards;
    }
    FAIL("no rule " << name);
    return std::vector<std::uint32_t>{};
  };
  const auto tagged = guards_of("tagged");
  REQUIRE(tagged.size() == 1);
  const runtime::Guard& guard = image.guards[tagged[0]];
  REQUIRE(guard.path.size() == 2);
  CHECK(guard.path[0].record == image.schema.root);
  CHECK(image.schema.records[guard.path[0].record].fields[guard.path[0].field].name == "items");
  CHECK(image.schema.records[guard.path[1].record].fields[guard.path[1].field].name == "tags");
  CHECK(guard.strings == std::vector<std::string>{"pii"});
  CHECK(guards_of("tagged_again") == tagged);  // one guard, shared

  const auto named = guards_of("named");
  REQUIRE(named.size() == 1);
  CHECK(image.guards[named[0]].strings == std::vector<std::string>{"p", "q"});

  // Instances, an evaluation that could fail, and conditions that can hold
  // without the strings get no guard.
  for (const char* name : {"per_item", "arithmetic", "either", "negated", "all_items"}) {
    INFO(name);
    CHECK(guards_of(name).empty());
  }
  // And the verifier and the bundle format keep them.
  CHECK(runtime::verify(image).empty());
}

// ------------------------------------------------ programs too large to run ---
// Found by a black-box hostile corpus: each passed the checker and compiled
// to code the verifier refused ("internal error"), or compiled for ever.

namespace {

// The diagnostics of compiling `rules` (after the schema above), which must check.
lang::Diagnostics compile_problems(const std::string& rules) {
  return compile_checked(rules).diags;
}

std::string located(const lang::Diagnostics& diags) {
  return diags.all().empty() ? std::string() : diags.all().front().message;
}

}  // namespace

TEST_CASE("an operand stack deeper than the VM's is a located compile error", "[compiler][limits]") {
  std::string list = "[n";
  for (int i = 1; i < 1100; ++i) list += ", n";
  lang::Diagnostics diags = compile_problems("rule r { cite \"c\" when n in " + list +
                                             "] then deny \"x\" }\n");
  REQUIRE(diags.error_count() == 1);
  const lang::Diagnostic& d = diags.all().front();
  CHECK(d.code == lang::DiagCode::too_large);
  CHECK(d.message == "this needs more than the VM can hold (the operand stack grows deeper "
                     "than 1024); split it into smaller expressions, defs or rules");
  CHECK(d.span.valid());
  // 1000 elements fit.
  std::string fits = "[n";
  for (int i = 1; i < 1000; ++i) fits += ", n";
  CHECK_FALSE(compile_problems("rule r { cite \"c\" when n in " + fits + "] then deny \"x\" }\n")
                  .has_errors());
}

TEST_CASE("more locals than the VM's is a located compile error", "[compiler][limits]") {
  std::string params = "a0: int";
  for (int i = 1; i < 70000; ++i) params += fmt::format(", a{}: int", i);
  lang::Diagnostics diags =
      compile_problems("def f(" + params + "): int = a0\noutput o: int = 1\n");
  INFO(located(diags));
  REQUIRE(diags.error_count() == 1);
  CHECK(diags.all().front().code == lang::DiagCode::too_large);
  CHECK_THAT(located(diags), Catch::Contains("70000 locals is more than the limit of 65536"));
}

TEST_CASE("a const compiled at each of millions of uses stops at the instruction limit",
          "[compiler][limits]") {
  // S17 and up are too long to fold (1 MiB), so each use compiles its
  // expression, which uses the one before twice: 2^23 uses of S16.
  std::string consts = "const S0 = \"abcdefghijklmnop\"\n";
  for (int i = 1; i <= 40; ++i) consts += fmt::format("const S{} = S{} + S{}\n", i, i - 1, i - 1);
  lang::Diagnostics diags =
      compile_problems(consts + "rule r { cite \"c\" when flag and S40 == \"x\" then deny \"x\" }\n");
  REQUIRE(diags.error_count() == 1);
  CHECK(diags.all().front().code == lang::DiagCode::too_large);
  CHECK_THAT(located(diags), Catch::StartsWith("the program compiles to more than 4000000 "
                                               "instructions here"));
}
