// Steady state allocates nothing: once a Vm and a Decision have decided a
// set of documents, deciding them again takes no memory from the heap
// (issue: zero allocations per decision, loaded facts). Counted with a
// replaced global operator new, which is why this test has an executable of
// its own.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
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

// The shipped packs' example documents: the workloads of docs/examples and
// each pack's fixtures, whole files (complete and incomplete ones: missing
// facts, bindings and `with` fields all come up).
std::vector<std::string> pack_documents() {
  std::vector<std::string> documents;
  for (const char* folder :
       {PRECEPT_SOURCE_DIR "/docs/examples/workloads", PRECEPT_SOURCE_DIR "/rules"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      documents.push_back(text.str());
    }
  }
  std::sort(documents.begin(), documents.end());
  return documents;
}

// Allocations made by deciding every document once more, after `rounds`
// rounds have sized the Vm's and the Decision's memory. Pooled entries and
// strings change roles between decisions, so a string may still grow after
// the first rounds; capacities only grow, so that stops.
std::size_t steady_state_allocations(const std::string& rules, std::vector<std::string> lines,
                                     bool explain, int rounds = 2) {
  auto exe = compile_folder(rules);
  runtime::FactLoader loader(exe);
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
  for (int round = 0; round < rounds; ++round) {
    for (const runtime::Facts& facts : loaded) vm.evaluate(facts, options, decision);
  }
  std::size_t before = test::allocation_count();
  for (const runtime::Facts& facts : loaded) vm.evaluate(facts, options, decision);
  return test::allocation_count() - before;
}

// The same from JSON text: each round loads every document into one Facts
// (as an API Evaluator does) and decides it.
std::size_t steady_state_allocations_from_text(const std::string& rules,
                                               const std::vector<std::string>& lines, bool explain,
                                               int rounds) {
  auto exe = compile_folder(rules);
  runtime::FactLoader loader(exe);
  runtime::Facts facts;
  runtime::Vm vm(exe);
  runtime::Decision decision;
  runtime::EvalOptions options;
  options.explain = explain;
  options.now = 20'791;  // 2026-12-04
  std::string error;
  auto round = [&] {
    for (const std::string& line : lines) {
      INFO(error);
      REQUIRE(loader.load(line, facts, error));
      vm.evaluate(facts, options, decision);
    }
  };
  for (int r = 0; r < rounds; ++r) round();
  std::size_t before = test::allocation_count();
  round();
  return test::allocation_count() - before;
}

}  // namespace

TEST_CASE("deciding loaded facts allocates nothing in steady state", "[perf]") {
  const std::string peer = PRECEPT_SOURCE_DIR "/tests/bench/peer/";
  SECTION("the peer benchmark's 20 rules over its 64 documents") {
    CHECK(steady_state_allocations(peer + "rules-20", read_lines(peer + "source/facts/pool.jsonl"),
                                   false) == 0);
  }
  SECTION("the 20 rules from JSON text, loading included") {
    CHECK(steady_state_allocations_from_text(
              peer + "rules-20", read_lines(peer + "source/facts/pool.jsonl"), false, 2) == 0);
  }
  SECTION("the 20 rules from JSON text, with long integers beyond 64 bits") {
    // Rewritten in place (`18446744073709551616e3`, longer than a short
    // string) and copied (`...123.0`): neither allocates once warm.
    std::vector<std::string> documents;
    for (const std::string& line : read_lines(peer + "source/facts/pool.jsonl")) {
      const std::size_t at = line.find("\"training_compute_flops\":");
      REQUIRE(at != std::string::npos);
      const std::size_t from = at + 25, to = line.find(',', from);
      for (const char* flops : {"18446744073709551616000", "12345678901234567890123"}) {
        documents.push_back(line.substr(0, from) + flops + line.substr(to));
      }
    }
    CHECK(steady_state_allocations_from_text(peer + "rules-20", documents, false, 2) == 0);
  }
  SECTION("its 2000 rules") {
    CHECK(steady_state_allocations(peer + "rules-2000",
                                   read_lines(peer + "source/facts/pool.jsonl"), false) == 0);
  }
  // Decisions with missing facts, bindings, `with` fields and explanations
  // take their strings from the decision's pool too: once its strings have
  // grown to what the documents need, nothing is allocated. (Before the
  // pool, 34 allocations a decision; 130 with explanations.)
  SECTION("the shipped packs over their example documents") {
    const std::vector<std::string> documents = pack_documents();
    REQUIRE(documents.size() >= 10);
    for (bool explain : {false, true}) {
      INFO("explain " << explain);
      CHECK(steady_state_allocations(PRECEPT_SOURCE_DIR "/rules", documents, explain, 64) == 0);
    }
  }
}

// Every golden case: evaluation errors (division by zero, overflow, bad
// patterns), input errors, limits, explanations. A decision with errors in
// it reuses its entries' strings as one without does, and so does loading
// a document with input errors, from loaded facts and from text.
TEST_CASE("deciding the golden cases allocates nothing in steady state", "[perf]") {
  const std::filesystem::path cases = PRECEPT_SOURCE_DIR "/tests/golden/cases";
  std::vector<std::filesystem::path> folders;
  for (const auto& entry : std::filesystem::directory_iterator(cases)) {
    if (entry.is_directory()) folders.push_back(entry.path());
  }
  std::sort(folders.begin(), folders.end());
  REQUIRE(folders.size() >= 40);
  for (const std::filesystem::path& folder : folders) {
    std::vector<std::string> documents;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
      const std::string name = entry.path().filename().string();
      if (!name.ends_with(".facts.json")) continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      documents.push_back(text.str());
    }
    if (documents.empty()) continue;
    std::sort(documents.begin(), documents.end());
    for (bool explain : {false, true}) {
      INFO(folder.filename().string() << ", explain " << explain);
      CHECK(steady_state_allocations(folder.string(), documents, explain, 8) == 0);
      // Loading them too: input errors are kept entries of the Facts.
      CHECK(steady_state_allocations_from_text(folder.string(), documents, explain, 8) == 0);
    }
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
