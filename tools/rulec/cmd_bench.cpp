// rulec bench (PATH... | -b BUNDLE) --facts F.jsonl: how fast decisions are.
//
// The protocol follows the peer benchmark's (so the numbers compare): warm
// up, then timed runs of many decisions cycling through the documents in
// file order; `median_us` is the median over runs of the mean time per
// decision in a run. Every seventh-or-so decision is also timed on its own
// for the p99 (timing every one would add a clock read to each).
//
// What it holds and how long it takes are bounded: only the first 10,000
// documents are used (a million tiny ones, each loaded, ran out of memory),
// and the clock is read often enough that `--seconds` holds even when one
// decision takes longer than the whole bench was asked to.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

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

// Timed decisions, one in `stride`, for the p99. At most `max_samples`
// are kept (8 MiB): past that each new one replaces a kept one at random,
// so the kept ones stay a uniform sample of them all however long the
// bench runs (reservoir sampling).
class LatencySamples {
 public:
  explicit LatencySamples(std::size_t max_samples = std::size_t{1} << 20) : max_(max_samples) {}

  void add(double us) {
    ++seen_;
    if (kept_.size() < max_) {
      kept_.push_back(us);
      return;
    }
    std::uniform_int_distribution<std::uint64_t> pick(0, seen_ - 1);
    std::uint64_t at = pick(random_);
    if (at < max_) kept_[static_cast<std::size_t>(at)] = us;
  }
  std::vector<double>& kept() { return kept_; }

 private:
  std::size_t max_;
  std::uint64_t seen_ = 0;
  std::vector<double> kept_;
  std::minstd_rand random_;  // default seed: the same bench samples the same way
};

// Cycles through the documents: `decide(i)` does one whole decision of
// document i.
template <class Decide>
class Cycle {
 public:
  Cycle(std::size_t documents, Decide& decide) : documents_(documents), decide_(decide) {}
  void decide_next() {
    decide_(next_);
    next_ = next_ + 1 == documents_ ? 0 : next_ + 1;
  }

 private:
  std::size_t documents_;
  std::size_t next_ = 0;
  Decide& decide_;
};

// Warms up for a quarter of `seconds` (at most 1.5 s, as the peers'), in
// batches sized to the time left at the pace so far (1 to 64 decisions), so
// fast decisions are not slowed by a clock read each and one slow decision
// cannot stretch the warm-up much; returns the mean time per decision.
template <class Decide>
double warm_up(Cycle<Decide>& cycle, double seconds) {
  const double warmup_us = std::min(1.5e6, seconds * 0.25e6);
  const Clock::time_point start = Clock::now();
  std::size_t decisions = 0;
  std::size_t batch = 1;
  double spent_us = 0;
  do {
    for (std::size_t k = 0; k < batch; ++k) cycle.decide_next();
    decisions += batch;
    spent_us = elapsed_us(start, Clock::now());
    const double mean_us = spent_us / static_cast<double>(decisions);
    const double left = (warmup_us - spent_us) / std::max(mean_us, 1e-3);
    batch = static_cast<std::size_t>(std::clamp(left, 1.0, 64.0));
  } while (spent_us < warmup_us);
  return spent_us / static_cast<double>(decisions);
}

// Runs decisions, cycling through the documents, for about `seconds` after
// a warm-up. A run is about 50 ms of decisions (a fifth of `seconds` when
// that is shorter, so a short bench still has several runs), and never less
// than one decision. Timing stops at the first run that ends past
// `seconds`; a run also ends early when one of its sampled decisions ends
// past it, so decisions slower than the warm-up suggested (later documents,
// or some that run out of fuel) cannot hold the bench for long.
template <class Decide>
BenchResult measure(std::size_t documents, double seconds, Decide&& decide) {
  Cycle<Decide> cycle(documents, decide);
  const double per_decision_us = warm_up(cycle, seconds);
  const double run_us = std::min(5e4, seconds * 1e6 / 5);
  const std::size_t per_run =
      std::max<std::size_t>(1, static_cast<std::size_t>(run_us / per_decision_us));
  const std::size_t stride = sample_stride(documents);

  std::vector<double> run_means;
  LatencySamples singles;
  BenchResult result;
  const Clock::time_point timed_start = Clock::now();
  const Clock::time_point deadline = timed_start + std::chrono::duration_cast<Clock::duration>(
                                                       std::chrono::duration<double>(seconds));
  Clock::time_point run_end;
  do {
    const Clock::time_point run_start = Clock::now();
    std::size_t done = 0;
    while (done < per_run) {
      const bool sampled = done % stride == 0;
      ++done;
      if (!sampled) {
        cycle.decide_next();
        continue;
      }
      const Clock::time_point t0 = Clock::now();
      cycle.decide_next();
      const Clock::time_point t1 = Clock::now();
      singles.add(elapsed_us(t0, t1));
      if (t1 >= deadline) break;
    }
    run_end = Clock::now();
    run_means.push_back(elapsed_us(run_start, run_end) / static_cast<double>(done));
    result.decisions += done;
  } while (run_end < deadline);
  result.seconds = elapsed_us(timed_start, run_end) / 1e6;
  result.median_us = percentile(run_means, 0.5);
  result.p99_us = percentile(singles.kept(), 0.99);
  return result;
}

// A benchmark needs enough documents to vary, not all of a huge file:
// keeping every one loaded ran out of memory on a million tiny lines.
constexpr std::size_t max_bench_documents = 10000;
// ... nor gigabytes of them: no more are taken once their text reaches this.
constexpr std::size_t max_bench_text = std::size_t{256} << 20;
// The input read past that is bounded too (an endless stream must end).
constexpr std::uint64_t max_bench_input = std::uint64_t{1} << 30;

struct BenchDocuments {
  std::vector<std::string> text;
  std::vector<std::size_t> line;  // 1-based line numbers, for messages
  bool left_out = false;          // the file holds more than were taken
};

// The first documents of a JSON Lines file, within the bounds above;
// false after printing why not.
bool read_bench_documents(const std::string& path, std::size_t max_document_bytes,
                          BenchDocuments& documents) {
  std::string error;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(open_input_stream(path, error),
                                                       &std::fclose);
  if (file == nullptr) {
    fmt::print(stderr, "rulec: {}\n", error);
    return false;
  }
  JsonLineReader reader(file.get(), max_document_bytes, max_bench_input);
  std::size_t held = 0;
  std::string line;
  std::size_t number = 0;
  bool too_long = false;
  for (;;) {
    const bool full = documents.text.size() == max_bench_documents || held >= max_bench_text;
    if (!reader.next(line, number, too_long)) break;
    if (full) {
      documents.left_out = true;
      break;
    }
    if (too_long) {
      fmt::print(stderr,
                 "rulec: `{}` line {}: the facts document is larger than {} bytes, the limit\n",
                 path, number, max_document_bytes);
      return false;
    }
    if (reader.too_big()) {  // this line may be cut short
      fmt::print(stderr, "rulec: `{}` is longer than {} bytes, the limit for bench input\n", path,
                 max_bench_input);
      return false;
    }
    held += line.size();
    documents.text.push_back(line);
    documents.line.push_back(number);
  }
  if (reader.failed()) {
    fmt::print(stderr, "rulec: cannot read `{}`: {}\n", path, std::strerror(reader.read_errno()));
    return false;
  }
  if (documents.text.empty()) {
    fmt::print(stderr, "rulec: `{}` holds no facts documents (one JSON object per line)\n", path);
    return false;
  }
  return true;
}

// Loads every document before anything is timed, since a benchmark over
// documents that fail would measure the error path; keeps them loaded only
// when `keep` (loaded mode). False after printing the first that fails.
bool load_bench_documents(const BenchDocuments& documents, const std::string& path,
                          runtime::FactLoader& loader, bool keep,
                          std::vector<runtime::Facts>& loaded) {
  runtime::Facts scratch;
  std::string error;
  if (keep) loaded.resize(documents.text.size());
  for (std::size_t i = 0; i < documents.text.size(); ++i) {
    if (!loader.load(documents.text[i], keep ? loaded[i] : scratch, error)) {
      fmt::print(stderr, "rulec: `{}` line {}: {}\n", path, documents.line[i], error);
      return false;
    }
  }
  return true;
}

void print_result(const BenchArgs& args, std::size_t rules, const BenchDocuments& documents,
                  const BenchResult& result) {
  const double per_second = static_cast<double>(result.decisions) / result.seconds;
  const std::size_t count = documents.text.size();
  if (args.format == "json") {
    fmt::print(
        "{{\"mode\":\"{}\",\"rules\":{},\"documents\":{},\"documents_left_out\":{},"
        "\"decisions\":{},\"seconds\":{:.3f},\"median_us\":{:.4f},\"p99_us\":{:.4f},"
        "\"per_second\":{:.0f}}}\n",
        args.mode, rules, count, documents.left_out, result.decisions, result.seconds,
        result.median_us, result.p99_us, per_second);
    return;
  }
  const std::string which =
      documents.left_out ? fmt::format(" (the first of `{}`; the rest were left out)", args.facts)
                         : std::string();
  fmt::print(
      "{} rules, {} documents{}, facts {}: {:.3f} µs per decision (median of runs), p99 {:.3f} "
      "µs, {:.0f} decisions per second ({} decisions in {:.2f} s, one thread)\n",
      rules, count, which, args.mode == "loaded" ? "loaded beforehand" : "read from JSON text",
      result.median_us, result.p99_us, per_second, result.decisions, result.seconds);
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
  BenchDocuments documents;
  if (!read_bench_documents(args.facts, limits.facts.max_bytes, documents)) return exit_usage;
  const bool loaded_mode = args.mode == "loaded";
  runtime::FactLoader loader(exe, limits.facts);
  std::vector<runtime::Facts> loaded;
  if (!load_bench_documents(documents, args.facts, loader, loaded_mode, loaded)) return exit_usage;

  runtime::Vm vm(exe);
  runtime::Decision decision;
  runtime::Facts facts;
  std::string error;
  BenchResult result;
  if (loaded_mode) {
    result = measure(loaded.size(), args.seconds,
                     [&](std::size_t i) { vm.evaluate(loaded[i], options, decision); });
  } else {
    result = measure(documents.text.size(), args.seconds, [&](std::size_t i) {
      loader.load(documents.text[i], facts, error);
      vm.evaluate(facts, options, decision);
    });
  }
  print_result(args, exe->image().rules.size(), documents, result);
  return exit_ok;
}

}  // namespace

Command add_bench_command(CLI::App& app) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = app.add_subcommand("bench", "Measure decision latency and throughput");
  add_program_options(cmd, args->paths, args->bundle);
  cmd->add_option("--facts", args->facts,
                  fmt::format("Facts documents, one per line (JSON Lines); the benchmark cycles "
                              "through the first {} (fewer if they pass {} MiB) and says when it "
                              "left some out",
                              max_bench_documents, max_bench_text >> 20))
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
  cmd->footer(fmt::format(
      "Examples:\n"
      "  rulec bench rules/ --facts workloads.jsonl\n"
      "  rulec bench -b governance.rbc --facts workloads.jsonl --mode loaded --format json\n"
      "JSON keys: mode, rules, documents, documents_left_out, decisions, seconds, median_us,\n"
      "p99_us, per_second. Only the first {} documents are used (fewer if they pass {} MiB);\n"
      "documents_left_out is true when the file has more. median_us is the median over runs of\n"
      "~50 ms of the mean time per decision; p99_us comes from decisions timed one by one. A\n"
      "bench measures for --seconds after a warm-up of a quarter of that (at most 1.5 s); slow\n"
      "decisions can overrun it by a few of them. Exit codes: 0 measured; 2 usage, I/O, compile\n"
      "error, or a line that is not a facts document.",
      max_bench_documents, max_bench_text >> 20));
  return {cmd, [args] { return run_bench(*args); }};
}

}  // namespace precept::rulec
