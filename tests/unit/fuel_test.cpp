// Fuel bounds the work of an evaluation, not only its instruction count
// (docs/security.md "Fuel"): an instruction whose work grows with what the
// facts hold (a regular expression, `in` over a long list, a long message
// or explanation copied into every entry) is charged for that work, so a
// facts document cannot make one decision run long or grow large. Every
// check here counts something deterministic; none measures time.
#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

#include "lang/compiler.hpp"
#include "lang/frontend.hpp"
#include "lang/reference.hpp"
#include "lang/render.hpp"
#include "runtime/vm.hpp"

using namespace precept;

namespace {

struct Compiled {
  lang::SourceSet sources;
  std::unique_ptr<lang::Program> program;
  std::shared_ptr<const runtime::Executable> exe;
};

std::unique_ptr<Compiled> compile_text(const std::string& text) {
  auto c = std::make_unique<Compiled>();
  c->sources.add("t.rules", text);
  lang::Diagnostics diags;
  lang::FrontEndOptions options;
  options.check.lints = false;
  options.check.read_given_files = false;
  c->program = lang::check_sources(c->sources, diags, options);
  INFO(lang::render_text(diags, c->sources, {}));
  REQUIRE(c->program != nullptr);
  REQUIRE_FALSE(diags.has_errors());
  std::string error;
  c->exe = runtime::Executable::make(lang::compile(*c->program, c->sources), error);
  INFO(error);
  REQUIRE(c->exe != nullptr);
  return c;
}

runtime::Facts load(const Compiled& c, const nlohmann::json& document) {
  runtime::FactLoader loader(c.exe);
  runtime::Facts facts;
  std::string error;
  if (!loader.load(document.dump(), facts, error)) FAIL(error);
  return facts;
}

nlohmann::json numbers(int count) {
  nlohmann::json list = nlohmann::json::array();
  for (int i = 0; i < count; ++i) list.push_back(i);
  return list;
}

// The text the decision's entries hold: messages, bindings and `because`.
std::size_t entry_text(const runtime::Decision& d) {
  std::size_t bytes = 0;
  for (const auto* entries : {&d.violations, &d.reviews, &d.warnings, &d.obligations}) {
    for (const runtime::EffectEntry& e : *entries) {
      bytes += e.message.size();
      for (const auto& b : e.bindings) bytes += b.value.size();
      for (const auto& r : e.because) bytes += r.path.size() + r.value.size();
    }
  }
  return bytes;
}

bool stopped_by_fuel(const runtime::Decision& d) {
  for (const runtime::ErrorEntry& e : d.errors) {
    if (e.kind == runtime::ErrorEntry::Kind::limit &&
        e.message.find("the fuel limit") != std::string::npos)
      return true;
  }
  return false;
}

const char* const pairs_rules = R"(package t
facts {
  nums: list<int>
  text: string = ""
}
rule pairs {
  for a in nums
  for b in nums
  when a < b
  then warn "${a} ${b}${text}"
}
)";

}  // namespace

TEST_CASE("explanations are charged by the text they copy into every entry", "[fuel]") {
  // Every entry's `because` holds `nums` whole: 2,000 numbers, about 9 KB.
  // A regression: each entry wrote that list again, uncharged, so the pairs
  // of 5,000 numbers took 33 s with explanations to reach the entry limit,
  // and the decision held 2.4 GB.
  auto c = compile_text(pairs_rules);
  runtime::Facts facts = load(*c, {{"nums", numbers(2'000)}});
  runtime::Vm vm(c->exe);
  runtime::Decision decision;
  runtime::EvalOptions options;
  options.explain = true;
  options.fuel = 2'000'000;
  options.max_entries = 1'000;  // the old code stopped here, with 9 MB of `because`
  vm.evaluate(facts, options, decision);
  CHECK(decision.outcome == runtime::Outcome::indeterminate);
  CHECK(stopped_by_fuel(decision));
  CHECK(entry_text(decision) <= options.fuel);
  REQUIRE_FALSE(decision.warnings.empty());
  REQUIRE(decision.warnings[0].because.size() == 1);
  CHECK(decision.warnings[0].because[0].path == "nums");
  CHECK(decision.warnings[0].because[0].value.size() > 8'000);

  SECTION("the same without explanations stops at the entry limit") {
    options.explain = false;
    vm.evaluate(facts, options, decision);
    CHECK(decision.outcome == runtime::Outcome::indeterminate);
    CHECK(decision.warnings.size() == 1'000);
    CHECK_FALSE(stopped_by_fuel(decision));
  }
}

TEST_CASE("messages are charged by their bytes", "[fuel]") {
  // 10 KB of facts text in every message: without the charge the entry
  // limit (100,000) would let one decision hold a gigabyte.
  auto c = compile_text(pairs_rules);
  runtime::Facts facts = load(*c, {{"nums", numbers(300)}, {"text", std::string(10'000, 'x')}});
  runtime::Vm vm(c->exe);
  runtime::Decision decision;
  runtime::EvalOptions options;
  options.fuel = 1'000'000;
  options.max_entries = 1'000;
  vm.evaluate(facts, options, decision);
  CHECK(decision.outcome == runtime::Outcome::indeterminate);
  CHECK(stopped_by_fuel(decision));
  CHECK(entry_text(decision) <= options.fuel);
  CHECK(decision.warnings.size() < 100);
}

TEST_CASE("an entry the fuel runs out in is not in the decision", "[fuel]") {
  // Filling an entry charges its message, then each binding: fuel can run
  // out between the two. The entry must then go, not stay half written
  // (a message without its bindings), and the next decision made into the
  // same object must not see it either.
  auto c = compile_text(pairs_rules);
  runtime::Facts facts = load(*c, {{"nums", numbers(3)}, {"text", std::string(10'000, 'x')}});
  runtime::Vm vm(c->exe);
  runtime::Decision decision;
  runtime::EvalOptions options;
  std::size_t stops = 0;
  for (std::uint64_t fuel = 9'000; fuel <= 40'000; fuel += 250) {
    options.fuel = fuel;
    vm.evaluate(facts, options, decision);
    if (stopped_by_fuel(decision)) ++stops;
    for (const runtime::EffectEntry& e : decision.warnings) {
      INFO("fuel " << fuel);
      CHECK(e.message.size() > 10'000);
      CHECK(e.bindings.size() == 2);
    }
  }
  CHECK(stops > 0);
  options.fuel = runtime::EvalOptions{}.fuel;
  vm.evaluate(facts, options, decision);
  REQUIRE(decision.warnings.size() == 3);  // (0, 1), (0, 2), (1, 2)
  for (const runtime::EffectEntry& e : decision.warnings) CHECK(e.bindings.size() == 2);
  CHECK(decision.warnings[2].message == "1 2" + std::string(10'000, 'x'));
}

TEST_CASE("`in` over a list of the facts is charged per element", "[fuel]") {
  // Each instance scans `nums`: 1,000 elements. Uncharged, 2,000 numbers
  // took 15 s to use the default fuel.
  auto c = compile_text(R"(package t
facts { nums: list<int> }
rule sums {
  for a in nums
  for b in nums
  when a + b in nums and a < 0
  then deny "never"
}
)");
  runtime::Facts facts = load(*c, {{"nums", numbers(1'000)}});
  runtime::Vm vm(c->exe);
  runtime::Decision decision;
  runtime::EvalOptions options;
  options.fuel = 1'000'000;
  vm.evaluate(facts, options, decision);
  CHECK(decision.outcome == runtime::Outcome::indeterminate);
  CHECK(stopped_by_fuel(decision));
  const runtime::RuleCounts& counts = decision.rule_counts.at(0);
  CHECK(counts.fired + counts.not_fired + counts.undetermined <= options.fuel / 1'000);
}

namespace {

const char* const regex_rules = R"(package t
facts {
  text: string
  patterns: list<string>
}
rule matched {
  for p in patterns
  when matches(text, p)
  then warn "${p}"
}
)";

std::string repeated(const std::string& part, int times) {
  std::string s;
  for (int i = 0; i < times; ++i) s += part;
  return s;
}

}  // namespace

TEST_CASE("a regular expression is charged its worst case before it runs", "[fuel][regex]") {
  auto c = compile_text(regex_rules);
  runtime::Vm vm(c->exe);
  runtime::Decision decision;
  runtime::EvalOptions options;

  SECTION("an ordinary pattern costs little") {
    runtime::Facts facts = load(
        *c,
        {{"text", "ticket-12345"}, {"patterns", nlohmann::json::array({"^[a-z]+-[0-9]+$", "^x"})}});
    options.fuel = 5'000;
    vm.evaluate(facts, options, decision);
    CHECK(decision.outcome == runtime::Outcome::allow);
    CHECK(decision.errors.empty());
    CHECK(decision.warnings.size() == 1);
  }

  SECTION("a program of 400,000 instructions over 60,000 bytes stops the evaluation") {
    // A regression: this took 17 s in RE2 (its DFA runs out of memory and
    // the NFA takes text × program).
    nlohmann::json document = {{"text", std::string(60'000, 'a')},
                               {"patterns", nlohmann::json::array({repeated(".{1000}", 50)})}};
    runtime::Facts facts = load(*c, document);
    vm.evaluate(facts, options, decision);
    CHECK(decision.outcome == runtime::Outcome::indeterminate);
    CHECK(stopped_by_fuel(decision));
    CHECK(decision.warnings.empty());

    // The reference interpreter stops as well, by its own count.
    lang::ReferenceOptions reference;
    nlohmann::json decided = lang::reference_decide(*c->program, c->sources, document, reference);
    CHECK(decided["outcome"] == "indeterminate");
    REQUIRE(decided["errors"].size() == 1);
    CHECK(decided["errors"][0]["kind"] == "limit");
  }

  SECTION("a pattern past RE2's memory budget is not a valid regular expression") {
    runtime::Facts facts = load(
        *c, {{"text", "aaaa"}, {"patterns", nlohmann::json::array({repeated(".{1000}", 100)})}});
    vm.evaluate(facts, options, decision);
    CHECK_FALSE(decision.complete);
    REQUIRE(decision.errors.size() == 1);
    CHECK(decision.errors[0].kind == runtime::ErrorEntry::Kind::evaluation);
    CHECK(decision.errors[0].message.find("is not a valid regular expression") !=
          std::string::npos);
  }
}

TEST_CASE("the pattern cache is bounded and its state does not change a decision",
          "[fuel][regex]") {
  auto c = compile_text(regex_rules);
  // 100 distinct patterns: more than the cache keeps (64).
  nlohmann::json patterns = nlohmann::json::array();
  for (int i = 0; i < 100; ++i) patterns.push_back("^x" + std::to_string(i) + "[a-z]*$");
  nlohmann::json document = {{"text", "x7abc"}, {"patterns", patterns}};
  runtime::Facts facts = load(*c, document);
  runtime::EvalOptions options;
  runtime::Decision fresh;
  // Three quarters of the fuel the whole decision needs: it runs out part
  // way through the patterns.
  std::uint64_t low = 1, high = 10'000'000;
  while (low < high) {
    options.fuel = low + (high - low) / 2;
    runtime::Vm(c->exe).evaluate(facts, options, fresh);
    if (stopped_by_fuel(fresh)) {
      low = options.fuel + 1;
    } else {
      high = options.fuel;
    }
  }
  options.fuel = low * 3 / 4;

  runtime::Vm(c->exe).evaluate(facts, options, fresh);
  REQUIRE(stopped_by_fuel(fresh));
  // It stopped after the cache had filled: patterns were dropped on the way.
  CHECK(fresh.rule_counts.at(0).not_fired > 64);
  std::string expected = runtime::to_json(fresh, c->exe->image());

  // The same decision from a Vm whose cache holds the patterns already (a
  // cached pattern is charged as if it were compiled), and after other
  // facts brought a thousand patterns of their own.
  runtime::Vm vm(c->exe);
  runtime::Decision decision;
  runtime::EvalOptions unlimited;
  vm.evaluate(facts, unlimited, decision);
  CHECK(vm.cached_patterns() <= 64);
  vm.evaluate(facts, options, decision);
  CHECK(runtime::to_json(decision, c->exe->image()) == expected);
  for (int round = 0; round < 10; ++round) {
    nlohmann::json others = nlohmann::json::array();
    for (int i = 0; i < 100; ++i) others.push_back(fmt::format("y{}", round * 100 + i));
    runtime::Facts other = load(*c, {{"text", "y"}, {"patterns", others}});
    vm.evaluate(other, unlimited, decision);
    CHECK(vm.cached_patterns() <= 64);
  }
  vm.evaluate(facts, options, decision);
  CHECK(runtime::to_json(decision, c->exe->image()) == expected);
}
