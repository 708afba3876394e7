// rulec test PATH...: run the `test` blocks beside the rules.
#include <fmt/core.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "lang/compiler.hpp"
#include "lang/frontend.hpp"
#include "lang/render.hpp"
#include "lang/test_runner.hpp"
#include "runtime/date.hpp"
#include "tools/rulec/command.hpp"
#include "tools/rulec/limits.hpp"
#include "tools/rulec/test_report.hpp"

namespace precept::rulec {

namespace {

struct TestArgs {
  std::vector<std::string> paths;
  std::string filter;
  std::string format = "text";
  std::string junit;
  std::string now;
  bool verbose = false;
  bool coverage = false;
  double coverage_min = -1;
  unsigned jobs = 0;
  std::vector<std::string> limits;
};

// A test file sees the rules beside it: a file given alone brings the other
// `.rules` files of its folder (its package's folder) along.
std::vector<std::string> with_siblings(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const std::string& path : paths) {
    out.push_back(path);
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) continue;
    fs::path folder = fs::path(path).parent_path();
    if (folder.empty()) folder = ".";
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
      if (entry.path().extension() == ".rules" && entry.is_regular_file(ec))
        out.push_back(entry.path().string());
    }
  }
  return out;
}

int run_test(const TestArgs& args) {
  std::int64_t now = std::chrono::duration_cast<std::chrono::hours>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count() /
                     24;
  if (!args.now.empty()) {
    auto days = runtime::parse_iso_date(args.now);
    if (!days) {
      fmt::print(stderr, "rulec: --now `{}` is not a date; write YYYY-MM-DD\n", args.now);
      return exit_usage;
    }
    now = *days;
  }

  Limits limits;
  if (!parse_limits(args.limits, limits)) return exit_usage;

  // The tests to run are those in the files named (or found in the
  // folders named); the sibling files only bring their rules.
  std::vector<std::string> requested;
  std::vector<std::string> files;
  std::string error;
  lang::SourceSet sources;
  if (!lang::collect_rule_files(args.paths, requested, error) ||
      !lang::collect_rule_files(with_siblings(args.paths), files, error) ||
      !lang::read_sources(files, sources, error, limits.parse.max_source_bytes)) {
    fmt::print(stderr, "rulec: {}\n", error);
    return exit_usage;
  }
  if (files.empty()) {
    fmt::print(stderr, "rulec: no `.rules` files found\n");
    return exit_usage;
  }
  lang::Diagnostics diags;
  lang::FrontEndOptions options;
  options.check.lints = false;
  options.limits = limits.parse;
  options.check.max_given_file_bytes = limits.facts.max_bytes;
  auto program = lang::check_sources(sources, diags, options);
  // The rules are compiled only when they check; a program too large for
  // the VM is an error of the same kind.
  runtime::Image image;
  if (program != nullptr && !diags.has_errors()) image = lang::compile(*program, sources, diags);
  if (program == nullptr || diags.has_errors()) {
    lang::RenderOptions render;
    render.color = isatty(fileno(stderr)) != 0;
    fmt::print(stderr, "{}", lang::render_text(diags, sources, render));
    // CI reads the report: a run that could not compile is an error there,
    // not a missing file.
    if (!args.junit.empty()) {
      lang::TestRun failed_run;
      lang::TestResult compile;
      compile.name = "compile the rules and tests";
      compile.package = "rulec";
      compile.error = lang::render_text(diags, sources, {});
      failed_run.tests.push_back(std::move(compile));
      std::ofstream(args.junit, std::ios::binary | std::ios::trunc) << junit_report(failed_run);
    }
    fmt::print(stderr, "rulec: {} error{}; no test was run\n", diags.error_count(),
               diags.error_count() == 1 ? "" : "s");
    return exit_usage;
  }
  auto exe = runtime::Executable::make(std::move(image), error);
  if (exe == nullptr) {
    fmt::print(stderr, "rulec: internal error: the compiled program fails verification: {}\n",
               error);
    return exit_usage;
  }

  lang::TestOptions test_options;
  test_options.filter = args.filter;
  test_options.files.insert(requested.begin(), requested.end());
  test_options.now = now;
  test_options.fact_limits = limits.facts;
  test_options.fuel = limits.fuel;
  test_options.max_entries = limits.entries;
  test_options.jobs =
      args.jobs != 0 ? args.jobs : std::max(1u, std::thread::hardware_concurrency());
  lang::TestRun run = lang::run_tests(*program, sources, exe, test_options);
  if (run.tests.empty() && !args.filter.empty()) {
    // A mistyped filter must not pass a CI job by running nothing.
    fmt::print(stderr, "rulec: no test name contains `{}`\n", args.filter);
    return exit_usage;
  }

  if (!args.junit.empty()) {
    std::ofstream out(args.junit, std::ios::binary | std::ios::trunc);
    out << junit_report(run);
    out.close();
    if (!out) {
      fmt::print(stderr, "rulec: cannot write `{}`\n", args.junit);
      return exit_usage;
    }
  }
  ReportOptions report;
  report.verbose = args.verbose;
  report.coverage = args.coverage || args.coverage_min >= 0;
  if (args.format == "json") {
    fmt::print("{}\n", json_report(run, report));
  } else {
    report.color = isatty(fileno(stdout)) != 0;
    fmt::print("{}", text_report(run, exe->image(), report));
  }

  if (run.failed() > 0) return exit_failed;
  if (args.coverage_min >= 0 && !run.coverage.empty()) {
    double percent =
        100.0 * static_cast<double>(run.rules_fired()) / static_cast<double>(run.coverage.size());
    if (percent + 1e-9 < args.coverage_min) {
      fmt::print(stderr, "rulec: {:.1f}% of the rules fired in some test; --coverage-min is {}%\n",
                 percent, args.coverage_min);
      return exit_failed;
    }
  }
  return exit_ok;
}

}  // namespace

Command add_test_command(CLI::App& app) {
  auto args = std::make_shared<TestArgs>();
  CLI::App* cmd = app.add_subcommand("test", "Run the `test` blocks written beside the rules");
  cmd->add_option(
         "paths", args->paths,
         "Rule and test files, or folders searched recursively for *.rules; a file brings the "
         "rules of its folder along")
      ->required();
  cmd->add_option("--filter", args->filter, "Run only the tests whose name contains this text");
  cmd->add_option("--format", args->format,
                  "Output: text for people, or json (every test and expectation)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--junit", args->junit, "Also write a JUnit XML report to this file (for CI)");
  cmd->add_option("--now", args->now,
                  "The evaluation date for now() (YYYY-MM-DD; default: today, UTC)");
  cmd->add_flag("-v,--verbose", args->verbose, "List every test, not only the failing ones");
  cmd->add_flag("--coverage", args->coverage,
                "Per rule: in how many tests it fired, did not fire, was undetermined; the rules "
                "no test fired");
  cmd->add_option("--coverage-min", args->coverage_min,
                  "Fail unless at least this percentage of the rules fire in some test")
      ->check(CLI::Range(0.0, 100.0));
  add_limit_option(cmd, args->limits);
  cmd->add_option("--jobs", args->jobs,
                  "Threads (default: one per core); output keeps declaration order")
      ->check(CLI::Range(1u, 256u));
  cmd->footer(
      "Examples:\n"
      "  rulec test rules/                         run every test under rules/\n"
      "  rulec test rules/ --filter chatbot -v     the tests whose name contains `chatbot`\n"
      "  rulec test rules/ --junit report.xml --coverage-min 100\n"
      "Exit codes: 0 all passed; 1 a test failed or coverage is below --coverage-min;\n"
      "2 usage, I/O or compile error.");
  return {cmd, [args] { return run_test(*args); }};
}

}  // namespace precept::rulec
