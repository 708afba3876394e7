// Steady state allocates nothing: once a Vm and a Decision have decided a
// set of documents, deciding them again takes no memory from the heap
// (issue: zero allocations per decision, loaded facts). Counted with a
// replaced global operator new, which is why this test has an executable of
// its own.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lang/compiler.hpp"
#include "lang/frontend.hpp"
#include "lang/render.hpp"
#include "runtime/executable.hpp"
#include "runtime/facts.hpp"
#include "runtime/vm.hpp"
#include "tests/support/allocation_counter.hpp"

using namespace precept;

namespace {

std::shared_ptr<const runtime::Executable> compile_folder(const std::string& folder) {
  std::vector<std::string> files;
  std::string error;
  lang::SourceSet sources;
  REQUIRE(lang::collect_rule_files({folder}, files, error));
  std::erase_if(files, [](const std::string& f) { return f.ends_with("_test.rules"); });
  REQUIRE(lang::read_sources(files, sources, error));
  lang::Diagnostics diags;
  auto program = lang::check_sources(sources, diags, {});
  INFO(lang::render_text(diags, sources, {}));
  REQUIRE(program != nullptr);
  REQUIRE_FALSE(diags.has_errors());
  auto exe = runtime::Executable::make(lang::compile(*program, sources), error);
  INFO(error);
  REQUIRE(exe != nullptr);
  return exe;
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// Allocations made by deciding every document once more, after two rounds
// have sized the Vm's and the Decision's memory (pooled entries move
// between decisions, so a string may still grow in the second).
std::size_t steady_state_allocations(const std::string& rules, const std::string& facts_jsonl,
                                     bool explain) {
  auto exe = compile_folder(rules);
  runtime::FactLoader loader(exe);
  std::vector<std::string> lines = read_lines(facts_jsonl);
  REQUIRE(!lines.empty());
  std::vector<runtime::Facts> loaded(lines.size());
  std::string error;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    INFO(error);
    REQUIRE(loader.load(lines[i], loaded[i], error));
  }
  runtime::Vm vm(exe);
  runtime::Decision decision;
  runtime::EvalOptions options;
  options.explain = explain;
  options.now = 20'791;  // 2026-12-04
  for (int round = 0; round < 2; ++round) {
    for (const runtime::Facts& facts : loaded) vm.evaluate(facts, options, decision);
  }
  std::size_t before = test::allocation_count();
  for (const runtime::Facts& facts : loaded) vm.evaluate(facts, options, decision);
  return test::allocation_count() - before;
}

}  // namespace

TEST_CASE("deciding loaded facts allocates nothing in steady state", "[perf]") {
  const std::string peer = PRECEPT_SOURCE_DIR "/tests/bench/peer/";
  SECTION("the peer benchmark's 20 rules over its 64 documents") {
    CHECK(steady_state_allocations(peer + "rules-20", peer + "source/facts/pool.jsonl", false) ==
          0);
  }
  SECTION("its 2000 rules") {
    CHECK(steady_state_allocations(peer + "rules-2000", peer + "source/facts/pool.jsonl",
                                   false) == 0);
  }
}

TEST_CASE("the allocation counter sees allocations", "[perf]") {
  // Guards the test above against a counter that never counts.
  // The buffer escapes through a volatile, so the compiler cannot elide it.
  std::size_t before = test::allocation_count();
  volatile std::size_t size = 100;
  std::vector<int> buffer(size);
  int* volatile escaped = buffer.data();
  (void)escaped;
  CHECK(test::allocation_count() - before >= 1);
}
