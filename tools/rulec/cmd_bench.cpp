// rulec bench (PATH... | -b BUNDLE) --facts F.jsonl: how fast decisions are.
//
// The protocol follows the peer benchmark's (so the numbers compare): warm
// up, then timed runs of many decisions cycling through the documents in
// file order; `median_us` is the median over runs of the mean time per
// decision in a run. Every seventh-or-so decision is also timed on its own
// for the p99 (timing every one would add a clock read to each).
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <numeric>

#include "runtime/decision.hpp"
#include "runtime/facts.hpp"
#include "runtime/vm.hpp"
#include "tools/rulec/command.hpp"
#include "tools/rulec/eval_clock.hpp"
#include "tools/rulec/json_lines.hpp"
#include "tools/rulec/rules_input.hpp"

namespace precept::rulec {

namespace {

using Clock = std::chrono::steady_clock;

struct BenchArgs {
  std::vector<std::string> paths;
  std::string bundle;
  std::string facts;
  std::string mode = "text";
  std::string format = "text";
  std::string now;
  double seconds = 3.0;
  bool explain = false;
  std::vector<std::string> limits;
};

struct BenchResult {
  std::size_t decisions = 0;
  double seconds = 0;
  double median_us = 0;
  double p99_us = 0;
};

double elapsed_us(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::micro>(to - from).count();
}

// The value below which `fraction` of the sorted samples lie.
double percentile(std::vector<double>& samples, double fraction) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  auto at = static_cast<std::size_t>(fraction * static_cast<double>(samples.size() - 1) + 0.5);
  return samples[std::min(at, samples.size() - 1)];
}

// A sampling stride that visits every document over time: coprime with
// their count, so the timed decisions do not always fall on the same ones.
std::size_t sample_stride(std::size_t documents) {
  for (std::size_t stride : {7u, 11u, 13u, 17u, 19u, 23u}) {
    if (std::gcd(stride, documents) == 1) return stride;
  }
  return 29;
}

// Runs `decide(i)` for document i, cycling, for about `seconds` after a
// warm-up; `decide` does one whole decision.
template <class Decide>
BenchResult measure(std::size_t documents, double seconds, Decide&& decide) {
  // Warm-up: a quarter of the time (at most 1.5 s, as the peers'), which
  // also calibrates how many decisions make one run of about 50 ms.
  const double warmup_us = std::min(1.5e6, seconds * 0.25e6);
  std::size_t next = 0;
  std::size_t warm = 0;
  Clock::time_point start = Clock::now();
  double warm_us = 0;
  do {
    for (int k = 0; k < 64; ++k) {
      decide(next);
      next = next + 1 == documents ? 0 : next + 1;
    }
    warm += 64;
    warm_us = elapsed_us(start, Clock::now());
  } while (warm_us < warmup_us);
  const double per_decision_us = warm_us / static_cast<double>(warm);
  const std::size_t per_run = std::max<std::size_t>(10, static_cast<std::size_t>(5e4 / per_decision_us));
  const std::size_t stride = sample_stride(documents);

  std::vector<double> run_means;
  std::vector<double> singles;
  BenchResult result;
  const Clock::time_point timed_start = Clock::now();
  double total_us = 0;
  do {
    const Clock::time_point run_start = Clock::now();
    for (std::size_t k = 0; k < per_run; ++k) {
      if (k % stride == 0) {
        const Clock::time_point t0 = Clock::now();
        decide(next);
        singles.push_back(elapsed_us(t0, Clock::now()));
      } else {
        decide(next);
      }
      next = next + 1 == documents ? 0 : next + 1;
    }
    const Clock::time_point run_end = Clock::now();
    run_means.push_back(elapsed_us(run_start, run_end) / static_cast<double>(per_run));
    result.decisions += per_run;
    total_us = elapsed_us(timed_start, run_end);
  } while (total_us < seconds * 1e6 || run_means.size() < 5);
  result.seconds = total_us / 1e6;
  result.median_us = percentile(run_means, 0.5);
  result.p99_us = percentile(singles, 0.99);
  return result;
}

int run_bench(const BenchArgs& args) {
  if (!args.paths.empty() && !args.bundle.empty()) {
    fmt::print(stderr, "rulec: give rule files or folders, or one bundle with -b, not both\n");
    return exit_usage;
  }
  auto now = evaluation_date(args.now);
  if (!now) return exit_usage;
  Limits limits;
  if (!parse_limits(args.limits, limits)) return exit_usage;
  runtime::EvalOptions options;
  limits.apply(options);
  options.explain = args.explain;
  options.now = *now;

  auto exe = load_program(args.paths, args.bundle, limits);
  if (exe == nullptr) return exit_usage;
  std::string text;
  std::string error;
  if (!read_file(args.facts, text, error, std::size_t{1} << 30)) {
    fmt::print(stderr, "rulec: {}\n", error);
    return exit_usage;
  }
  const std::vector<JsonLine> lines = split_json_lines(text);
  if (lines.empty()) {
    fmt::print(stderr, "rulec: `{}` holds no facts documents (one JSON object per line)\n",
               args.facts);
    return exit_usage;
  }

  // Every document must load before anything is timed: a benchmark over
  // documents that fail would measure the error path.
  runtime::FactLoader loader(exe, limits.facts);
  std::vector<runtime::Facts> loaded(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!loader.load(lines[i].text, loaded[i], error)) {
      fmt::print(stderr, "rulec: `{}` line {}: {}\n", args.facts, lines[i].number, error);
      return exit_usage;
    }
  }

  runtime::Vm vm(exe);
  runtime::Decision decision;
  runtime::Facts facts;
  BenchResult result;
  if (args.mode == "loaded") {
    result = measure(lines.size(), args.seconds,
                     [&](std::size_t i) { vm.evaluate(loaded[i], options, decision); });
  } else {
    loaded.clear();
    result = measure(lines.size(), args.seconds, [&](std::size_t i) {
      loader.load(lines[i].text, facts, error);
      vm.evaluate(facts, options, decision);
    });
  }

  const std::size_t rules = exe->image().rules.size();
  const double per_second = static_cast<double>(result.decisions) / result.seconds;
  if (args.format == "json") {
    fmt::print(
        "{{\"mode\":\"{}\",\"rules\":{},\"documents\":{},\"decisions\":{},\"seconds\":{:.3f},"
        "\"median_us\":{:.4f},\"p99_us\":{:.4f},\"per_second\":{:.0f}}}\n",
        args.mode, rules, lines.size(), result.decisions, result.seconds, result.median_us,
        result.p99_us, per_second);
  } else {
    fmt::print(
        "{} rules, {} documents, facts {}: {:.3f} µs per decision (median of runs), p99 {:.3f} "
        "µs, {:.0f} decisions per second ({} decisions in {:.2f} s, one thread)\n",
        rules, lines.size(), args.mode == "loaded" ? "loaded beforehand" : "read from JSON text",
        result.median_us, result.p99_us, per_second, result.decisions, result.seconds);
  }
  return exit_ok;
}

}  // namespace

Command add_bench_command(CLI::App& app) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = app.add_subcommand("bench", "Measure decision latency and throughput");
  add_program_options(cmd, args->paths, args->bundle);
  cmd->add_option("--facts", args->facts,
                  "Facts documents, one per line (JSON Lines); the benchmark cycles through them")
      ->required();
  cmd->add_option("--mode", args->mode,
                  "text: each decision starts from the JSON text; loaded: the documents are "
                  "loaded beforehand and only evaluation is timed")
      ->check(CLI::IsMember({"text", "loaded"}));
  cmd->add_option("--seconds", args->seconds, "Time spent measuring, after a warm-up")
      ->check(CLI::Range(0.1, 3600.0));
  cmd->add_option("--now", args->now,
                  "The evaluation date for now() (YYYY-MM-DD; default: today, UTC)");
  cmd->add_flag("--explain", args->explain, "Decide with explanations (`because`)");
  add_limit_option(cmd, args->limits);
  cmd->add_option("--format", args->format, "Output: text, or json (one object)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->footer(
      "Examples:\n"
      "  rulec bench rules/ --facts workloads.jsonl\n"
      "  rulec bench -b governance.rbc --facts workloads.jsonl --mode loaded --format json\n"
      "JSON keys: mode, rules, documents, decisions, seconds, median_us, p99_us, per_second.\n"
      "median_us is the median over runs of ~50 ms of the mean time per decision; p99_us comes\n"
      "from decisions timed one by one. Exit codes: 0 measured; 2 usage, I/O, compile error, or\n"
      "a line that is not a facts document.");
  return {cmd, [args] { return run_bench(*args); }};
}

}  // namespace precept::rulec
