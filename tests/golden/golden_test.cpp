// Golden decision tests: every folder under tests/golden/cases/ holds rule
// files and facts documents `<name>.facts.json`; each must decide exactly as
// `<name>.decision.json` says (pretty JSON, explanations on, now() =
// 2026-12-04). Set PRECEPT_UPDATE_GOLDEN=1 to write the expected files from
// the engine, then review every changed line before committing.
//
// Each case is also decided through a written and re-read bundle, through
// the nlohmann loader, and twice in a row: all must give the same bytes.
#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "lang/compiler.hpp"
#include "lang/frontend.hpp"
#include "lang/render.hpp"
#include "runtime/bundle.hpp"
#include "runtime/date.hpp"
#include "runtime/facts_json.hpp"
#include "runtime/fusion.hpp"
#include "runtime/vm.hpp"
#include "runtime/vm_program.hpp"

namespace fs = std::filesystem;
using namespace precept;

namespace {

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<fs::path> sorted_entries(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

bool has_duplicate_keys(const std::string& text) {
  std::vector<std::set<std::string>> open;
  bool duplicate = false;
  nlohmann::json::parser_callback_t callback = [&](int, nlohmann::json::parse_event_t event,
                                                   nlohmann::json& value) {
    using E = nlohmann::json::parse_event_t;
    if (event == E::object_start) open.emplace_back();
    if (event == E::object_end) open.pop_back();
    if (event == E::key && !open.empty() && !open.back().insert(value.get<std::string>()).second) {
      duplicate = true;
    }
    return true;
  };
  nlohmann::json parsed = nlohmann::json::parse(text, callback);
  (void)parsed;
  return duplicate;
}

runtime::Image compile_folder(const fs::path& dir) {
  std::vector<std::string> files;
  std::string error;
  REQUIRE(lang::collect_rule_files({dir.string()}, files, error));
  // Named relative to the case folder, as `rulec eval .` there would: the
  // expected decisions name files in evaluation errors.
  lang::SourceSet sources;
  for (const std::string& file : files) {
    sources.add(fs::relative(file, dir).generic_string(), slurp(file));
  }
  lang::Diagnostics diags;
  lang::FrontEndOptions options;
  options.check.lints = false;
  auto program = lang::check_sources(sources, diags, options);
  INFO(lang::render_text(diags, sources, {}));
  REQUIRE(program != nullptr);
  REQUIRE_FALSE(diags.has_errors());
  return lang::compile(*program, sources, {});
}

std::string decide(const std::shared_ptr<const runtime::Executable>& exe, const std::string& text,
                   const runtime::EvalOptions& options, runtime::VmTuning tuning = {}) {
  runtime::FactLoader loader(exe);
  runtime::Facts facts;
  std::string error;
  INFO(error);
  REQUIRE(loader.load(text, facts, error));
  runtime::Vm vm(exe, tuning);
  runtime::Decision decision;
  vm.evaluate(facts, options, decision);
  return runtime::to_json(decision, exe->image(), true);
}

// `rulec eval --batch` writes with CompactJson, which escapes each rule's
// texts once and copies them after, and parses each line in place in its
// block (FactLoader::load_padded): the same bytes as to_json's compact form,
// and again from the filled cache.
void check_batch_path(const std::shared_ptr<const runtime::Executable>& exe,
                      const std::string& text, const runtime::EvalOptions& options) {
  runtime::FactLoader loader(exe);
  runtime::Facts facts;
  std::string error;
  // The next line's bytes, not spaces, after the document: load_padded
  // must read none of them.
  std::string block = text + "{\"next\": [1, 2, 3]}" + std::string(80, '[');
  REQUIRE(loader.load_padded(std::string_view(block).substr(0, text.size()), facts, error));
  runtime::Vm vm(exe);
  runtime::Decision decision;
  vm.evaluate(facts, options, decision);
  const std::string expected = runtime::to_json(decision, exe->image(), false);
  runtime::CompactJson writer(exe->image());
  for (int round = 0; round < 2; ++round) {
    std::string out = "prefix";
    writer.append(decision, out);
    CHECK(out == "prefix" + expected);
  }
  REQUIRE(loader.load(text, facts, error));
  vm.evaluate(facts, options, decision);
  CHECK(runtime::to_json(decision, exe->image(), false) == expected);
}

// Fused or not, every decision cut short by the fuel stops at the same
// instruction with the same entries.
void sweep_fuel_limits(const std::shared_ptr<const runtime::Executable>& exe,
                       const runtime::Facts& facts, runtime::EvalOptions options) {
  runtime::Decision decision;
  // Where each stopped and what it had decided by then.
  auto stop = [&](runtime::Vm& vm) {
    vm.evaluate(facts, options, decision);
    std::string summary = fmt::format(
        "{} entries {} {} {} {}", runtime::to_string(decision.outcome), decision.violations.size(),
        decision.reviews.size(), decision.warnings.size(), decision.obligations.size());
    for (const runtime::ErrorEntry& e : decision.errors) summary += "\n" + e.at + " " + e.message;
    return summary;
  };
  runtime::Vm fused(exe, {true, true}), plain(exe, {false, true});
  for (options.fuel = 1; options.fuel <= 3000; ++options.fuel) {
    INFO("fuel " << options.fuel);
    REQUIRE(stop(fused) == stop(plain));
    bool out_of_fuel = false;
    for (const runtime::ErrorEntry& e : decision.errors) {
      out_of_fuel = out_of_fuel || e.kind == runtime::ErrorEntry::Kind::limit;
    }
    if (!out_of_fuel) break;
  }
}

// The VM's speed-ups change no decision: without fused instructions and
// without rule indexing the bytes are the same, and so, fused or not, is
// every decision cut short by the fuel, to the instruction it stopped at.
// Both with explanations and without: scan loops (runtime/scan_loop.hpp)
// run natively only when no reads are being recorded. The fuel is swept
// for every document, not one per case: a scan loop stops part-way through
// a collection differently for each document's elements and unknowns.
void check_tunings(const std::shared_ptr<const runtime::Executable>& exe, const std::string& text,
                   runtime::EvalOptions options, const std::string& expected) {
  runtime::FactLoader loader(exe);
  runtime::Facts facts;
  std::string error;
  REQUIRE(loader.load(text, facts, error));
  runtime::Decision decision;
  for (bool explain : {true, false}) {
    options.explain = explain;
    std::string plain;
    for (bool fuse : {false, true}) {
      for (bool index : {false, true}) {
        INFO("explain " << explain << ", fuse " << fuse << ", index " << index);
        runtime::Vm vm(exe, {fuse, index});
        vm.evaluate(facts, options, decision);
        std::string actual = runtime::to_json(decision, exe->image(), true) + "\n";
        if (plain.empty()) plain = actual;
        CHECK(actual == (explain ? expected : plain));
      }
    }
    sweep_fuel_limits(exe, facts, options);
  }
}

}  // namespace

TEST_CASE("golden decisions", "[golden]") {
  const fs::path root = fs::path(PRECEPT_SOURCE_DIR) / "tests" / "golden" / "cases";
  const bool update = std::getenv("PRECEPT_UPDATE_GOLDEN") != nullptr;
  runtime::EvalOptions options;
  options.explain = true;
  options.now = *runtime::parse_iso_date("2026-12-04");
  std::size_t checked = 0;

  for (const fs::path& dir : sorted_entries(root)) {
    if (!fs::is_directory(dir)) continue;
    SECTION(dir.filename().string()) {
      runtime::Image image = compile_folder(dir);
      std::string bytes = runtime::write_bundle(image);
      std::string error;
      auto exe = runtime::Executable::make(std::move(image), error);
      INFO(error);
      REQUIRE(exe != nullptr);

      // The same program, through a bundle file's bytes.
      runtime::Image reread;
      REQUIRE(runtime::read_bundle(bytes, reread).empty());
      auto from_bundle = runtime::Executable::make(std::move(reread), error);
      REQUIRE(from_bundle != nullptr);

      for (const fs::path& file : sorted_entries(dir)) {
        std::string name = file.filename().string();
        const std::string suffix = ".facts.json";
        if (name.size() <= suffix.size() ||
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
          continue;
        }
        std::string stem = name.substr(0, name.size() - suffix.size());
        fs::path expected_path = dir / (stem + ".decision.json");
        std::string text = slurp(file);
        INFO(file.string());
        std::string actual = decide(exe, text, options) + "\n";
        if (update) {
          std::ofstream(expected_path, std::ios::binary) << actual;
        } else {
          REQUIRE(fs::exists(expected_path));
          CHECK(actual == slurp(expected_path));
        }
        // Determinism, bundles, the VM's tunings and the nlohmann loader.
        CHECK(decide(exe, text, options) + "\n" == actual);
        check_tunings(exe, text, options, actual);
        check_batch_path(exe, text, options);
        CHECK(decide(from_bundle, text, options) + "\n" == actual);
        // nlohmann keeps one copy of a repeated key, so a document with one
        // cannot decide the same through it (the text loader reports it).
        if (has_duplicate_keys(text)) continue;
        runtime::Facts facts;
        REQUIRE(runtime::load_facts(*exe, nlohmann::json::parse(text), facts, error));
        runtime::Vm vm(exe);
        runtime::Decision decision;
        vm.evaluate(facts, options, decision);
        CHECK(runtime::to_json(decision, exe->image(), true) + "\n" == actual);
        ++checked;
      }
    }
  }
  CHECK(checked > 0);
}

// A Vm runs from its executable's VmProgram, made by the first Vm and
// shared by the rest, from threads that race to make it too; a Vm with
// another tuning makes its own. Every one decides the same.
TEST_CASE("the VMs of one executable share its program", "[golden]") {
  const fs::path dir =
      fs::path(PRECEPT_SOURCE_DIR) / "tests" / "golden" / "cases" / "35_rule_indexing";
  std::string error;
  auto exe = runtime::Executable::make(compile_folder(dir), error);
  REQUIRE(exe != nullptr);
  std::string text;
  for (const fs::path& file : sorted_entries(dir)) {
    if (file.string().ends_with(".facts.json")) {
      text = slurp(file);
      break;
    }
  }
  REQUIRE_FALSE(text.empty());
  runtime::EvalOptions options;
  options.now = *runtime::parse_iso_date("2026-12-04");
  const std::string plain = decide(exe, text, options, {false, false});

  std::vector<std::string> decided(8);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < decided.size(); ++t) {
    threads.emplace_back([&, t] {
      runtime::FactLoader loader(exe);
      runtime::Facts facts;
      std::string problem;
      if (!loader.load(text, facts, problem)) return;
      runtime::Vm vm(exe);
      runtime::Decision decision;
      vm.evaluate(facts, options, decision);
      decided[t] = runtime::to_json(decision, exe->image(), true);
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& d : decided) CHECK(d == plain);
  const runtime::VmProgram* shared = &exe->vm_program();
  runtime::Vm later(exe);
  CHECK(&exe->vm_program() == shared);
  CHECK(shared->schedule.has_value());
  const runtime::VmProgram unfused(*exe, {false, false});
  CHECK_FALSE(unfused.schedule.has_value());
  REQUIRE(unfused.code.size() == exe->image().code.size());
  for (std::size_t pc = 0; pc < unfused.code.size(); ++pc) {
    CHECK(unfused.code[pc].op == exe->image().code[pc].op);
  }
}

// The corpus exercises the whole instruction set: every opcode is emitted by
// the compiler for some golden case (an opcode nothing emits is dead code).
TEST_CASE("golden cases cover every opcode", "[golden]") {
  const fs::path root = fs::path(PRECEPT_SOURCE_DIR) / "tests" / "golden" / "cases";
  std::set<runtime::Op> emitted;
  for (const fs::path& dir : sorted_entries(root)) {
    if (!fs::is_directory(dir)) continue;
    runtime::Image image = compile_folder(dir);
    for (const runtime::Instr& instr : image.code) emitted.insert(instr.op);
  }
  for (std::size_t i = 0; i < runtime::op_count; ++i) {
    auto op = static_cast<runtime::Op>(i);
    INFO("opcode `" << runtime::op_info(op).name << "` is emitted by no golden case");
    CHECK(emitted.count(op) == 1);
  }
}

// ... and every fused pair is formed from some golden case's code, so the
// tunings check above runs each one.
TEST_CASE("golden cases cover every fused pair", "[golden]") {
  const fs::path root = fs::path(PRECEPT_SOURCE_DIR) / "tests" / "golden" / "cases";
  std::set<runtime::Op> fused;
  for (const fs::path& dir : sorted_entries(root)) {
    if (!fs::is_directory(dir)) continue;
    for (const runtime::Instr& instr : runtime::fuse(compile_folder(dir)).code)
      fused.insert(instr.op);
  }
#define FUSED(name, first, second, doc)                                  \
  {                                                                      \
    INFO("fused pair `" #name "` is formed from no golden case's code"); \
    CHECK(fused.count(runtime::Op::name) == 1);                          \
  }
#define OPCODE(name, operands, pops, pushes, doc)
#include "runtime/opcodes.def"
#undef OPCODE
#undef FUSED
}

// Every loop of the scan-loop case runs as one instruction, whatever form
// of test its body is (the decisions above check what they decide).
TEST_CASE("each simple quantifier body becomes a scan loop", "[golden]") {
  const fs::path dir =
      fs::path(PRECEPT_SOURCE_DIR) / "tests" / "golden" / "cases" / "39_scan_loops";
  const runtime::Image image = compile_folder(dir);
  const runtime::FusedCode fused = runtime::fuse(image);
  std::size_t scan_ops = 0;
  for (const runtime::Instr& instr : fused.code) scan_ops += instr.op == runtime::Op::scan_loop;
  CHECK(scan_ops == image.rules.size());
  REQUIRE(fused.scans.size() == image.rules.size());

  using Form = runtime::ScanTest::Form;
  std::set<std::string> shapes;
  for (const runtime::ScanLoop& loop : fused.scans) {
    std::string shape = loop.every ? "every" : "some";
    for (std::uint32_t t = 0; t < loop.test_count; ++t) {
      const runtime::ScanTest& test = loop.tests[t];
      if (t == 1) shape += loop.join == runtime::Op::and_ ? " and" : " or";
      shape += test.form == Form::truth      ? " truth"
               : test.form == Form::const_in ? " const_in"
                                             : " vs_const";
      shape += test.of_field ? "(field)" : "(element)";
      if (test.form != Form::truth) {
        shape += ' ';
        shape += runtime::op_info(test.op).name;
      }
    }
    shapes.insert(shape);
  }
  const std::set<std::string> expected = {
      "some const_in(field) in",
      "some vs_const(field) eq",
      "some vs_const(element) not_in",
      "some vs_const(element) eq",
      "every truth(field)",
      "some truth(element)",
      "some const_in(field) in and vs_const(field) gt",
      "every vs_const(field) eq or vs_const(field) lt",
      "some vs_const(field) in",
      "some vs_const(field) ge",
      "every const_in(field) not_in",
      "some const_in(field) in and vs_const(field) intersects",
      "some vs_const(field) intersects",
  };
  CHECK(shapes == expected);
}

// The rules each document of the leading-tests case leaves to run: a rule
// one of whose leading tests is false is not run (the decisions above show
// that this changes nothing), and a missing fact or one of the wrong type
// rules nothing out.
TEST_CASE("a false leading test keeps its rule from running", "[golden]") {
  const fs::path dir =
      fs::path(PRECEPT_SOURCE_DIR) / "tests" / "golden" / "cases" / "40_leading_tests";
  std::string error;
  auto exe = runtime::Executable::make(compile_folder(dir), error);
  REQUIRE(exe != nullptr);
  REQUIRE(exe->vm_program().schedule.has_value());
  const std::map<std::string, std::set<std::string>> not_run = {
      {"a_all_hold", {"test_then_error"}},
      {"opt_out", {"no_opt_out", "test_then_error"}},
      {"not_trained", {"no_opt_out", "second_threshold"}},
      {"small_compute", {"second_threshold", "test_then_error"}},
      {"far_country", {"four_tests", "test_then_error"}},
      {"near_country", {"four_tests", "test_then_error"}},
      {"internal", {"four_tests", "test_then_error"}},
      {"high_scope", {"four_tests", "guarded_opening", "test_then_error"}},
      {"missing_opt_out", {"test_then_error"}},
      {"wrong_types", {}},
  };
  std::size_t checked = 0;
  for (const auto& [stem, expected] : not_run) {
    INFO(stem);
    runtime::FactLoader loader(exe);
    runtime::Facts facts;
    REQUIRE(loader.load(slurp(dir / (stem + ".facts.json")), facts, error));
    std::set<std::string> skipped;
    for (const runtime::RuleDesc& rule : exe->image().rules) {
      skipped.insert(rule.id.substr(rule.id.rfind('.') + 1));
    }
    std::vector<std::uint64_t> scratch;
    exe->vm_program().schedule->each_candidate(facts, scratch, [&](std::uint32_t r) {
      const std::string& id = exe->image().rules[r].id;
      skipped.erase(id.substr(id.rfind('.') + 1));
    });
    CHECK(skipped == expected);
    ++checked;
  }
  CHECK(checked == 10);
}
