// Running `test` blocks (LANGUAGE.md "Tests"): each test's `given` facts
// (a literal, or a JSON file relative to the test's file, with overrides by
// path) are decided by the compiled program and every `expect` is checked
// against the decision.
//
//   auto program = check_sources(sources, diags);          // tests included
//   auto exe = runtime::Executable::make(compile(*program, sources), error);
//   TestRun run = run_tests(*program, sources, exe, {.filter = "chatbot"});
//   run.passed(); run.failed();
//   run.tests[0].expectations[1].message;   // why it failed
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "lang/checker.hpp"
#include "lang/source.hpp"
#include "runtime/decision.hpp"
#include "runtime/executable.hpp"
#include "runtime/facts.hpp"
#include "runtime/vm.hpp"

namespace precept::lang {

struct ExpectationResult {
  std::string text;  // the expectation as written: `expect deny scoping.consumer_app`
  std::uint32_t line = 0;
  bool passed = false;
  std::string message;  // when failed: what was expected and what the decision has instead
};

struct TestResult {
  std::string name;
  std::string package;  // the test's package
  std::string file;     // the test file, as given to the compiler
  std::uint32_t line = 0;
  bool passed = false;
  // A test that could not run (its given file is missing, not a regular
  // file, over the facts size limit or not a facts document): failed, with
  // `error` saying why and no expectations checked.
  std::string error;
  std::vector<ExpectationResult> expectations;
  double seconds = 0;
  // The decision, for reports that show why an expectation failed.
  runtime::Decision decision;
};

// How often each rule fired, did not fire and was undetermined, counted in
// tests (a test counts once per state any instance of the rule reached).
struct RuleCoverage {
  std::string id;
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t fired = 0;
  std::uint32_t not_fired = 0;
  std::uint32_t undetermined = 0;
};

struct TestRun {
  std::vector<TestResult> tests;  // in declaration order: files in input order, then source order
  std::vector<RuleCoverage> coverage;  // in rule declaration order
  std::size_t passed() const;
  std::size_t failed() const;
  std::size_t rules_fired() const;  // rules that fired in at least one test
};

struct TestOptions {
  std::string filter;    // run only tests whose name contains it
  std::int64_t now = 0;  // now(), days since 1970-01-01
  unsigned jobs = 1;     // threads; results keep declaration order
  // Run only the tests declared in these files (as named in the SourceSet);
  // all when empty. The other files are compiled for their rules.
  std::set<std::string> files;
  // Limits for each test's facts and evaluation (rulec test --limit); a
  // given file larger than fact_limits.max_bytes is refused (read no
  // further than one byte past it).
  runtime::FactLimits fact_limits;
  std::uint64_t fuel = runtime::EvalOptions{}.fuel;
  std::size_t max_entries = runtime::EvalOptions{}.max_entries;
};

TestRun run_tests(const Program& program, const SourceSet& sources,
                  const std::shared_ptr<const runtime::Executable>& exe,
                  const TestOptions& options = {});

}  // namespace precept::lang
