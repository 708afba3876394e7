// rulec eval (PATH... | -b BUNDLE) --facts F.json | --batch F.jsonl: decide.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <thread>

#include "runtime/decision.hpp"
#include "runtime/facts.hpp"
#include "runtime/json_text.hpp"
#include "runtime/vm.hpp"
#include "tools/rulec/command.hpp"
#include "tools/rulec/eval_clock.hpp"
#include "tools/rulec/json_lines.hpp"
#include "tools/rulec/rules_input.hpp"

namespace precept::rulec {

namespace {

struct EvalArgs {
  std::vector<std::string> paths;
  std::string bundle;
  std::string facts;
  std::string batch;
  std::string now;
  std::string format = "json";
  std::string fail_on;
  bool explain = false;
  unsigned jobs = 1;
  std::vector<std::string> limits;
};

// Whether the gate fails: `deny` fails on deny and on indeterminate (a deny
// may be hiding behind a missing fact); `review` also fails on review.
bool gate_fails(const std::string& fail_on, runtime::Outcome outcome) {
  using runtime::Outcome;
  if (fail_on.empty()) return false;
  if (outcome == Outcome::deny || outcome == Outcome::indeterminate) return true;
  return fail_on == "review" && outcome == Outcome::review;
}

// One worker's reusable state: a loader, a VM and buffers.
struct Worker {
  Worker(const std::shared_ptr<const runtime::Executable>& exe, const runtime::FactLimits& limits)
      : loader(exe, limits), vm(exe) {}
  runtime::FactLoader loader;
  runtime::Vm vm;
  runtime::Facts facts;
  runtime::Decision decision;
};

int run_single(const EvalArgs& args, const std::shared_ptr<const runtime::Executable>& exe,
               const runtime::EvalOptions& options, const Limits& limits) {
  std::string text;
  std::string error;
  if (!read_file(args.facts, text, error, limits.facts.max_bytes)) {
    fmt::print(stderr, "rulec: {}\n", error);
    return exit_usage;
  }
  Worker worker(exe, limits.facts);
  if (!worker.loader.load(text, worker.facts, error)) {
    fmt::print(stderr, "rulec: `{}`: {}\n", args.facts, error);
    return exit_usage;
  }
  worker.vm.evaluate(worker.facts, options, worker.decision);
  if (args.format == "text") {
    fmt::print("{}", runtime::to_text(worker.decision, exe->image()));
  } else {
    fmt::print("{}\n", runtime::to_json(worker.decision, exe->image(), true));
  }
  return gate_fails(args.fail_on, worker.decision.outcome) ? exit_failed : exit_ok;
}

// JSON Lines in, one compact decision per line out, in input order. A line
// that is not a facts document gets `{"error": ...}` in its place. The
// input streams through in blocks of lines, each decided across the
// threads and then written in order, so memory stays bounded however long
// the input is (and a FIFO works).
int run_batch(const EvalArgs& args, const std::shared_ptr<const runtime::Executable>& exe,
              const runtime::EvalOptions& options, const Limits& limits) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(args.batch.c_str(), "rb"),
                                                       &std::fclose);
  if (file == nullptr) {
    fmt::print(stderr, "rulec: cannot read `{}`: {}\n", args.batch, std::strerror(errno));
    return exit_usage;
  }
  // Longer input than this is refused: an endless stream must end.
  constexpr std::uint64_t max_batch_bytes = std::uint64_t{4} << 30;
  JsonLineReader reader(file.get(), limits.facts.max_bytes, max_batch_bytes);
  constexpr std::size_t block = 4096;
  // A block also stops after this much text, so a file of huge lines
  // cannot hold thousands of them at once.
  constexpr std::size_t block_bytes = std::size_t{64} << 20;
  const unsigned jobs = std::max(1u, args.jobs);
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned j = 0; j < jobs; ++j) workers.push_back(std::make_unique<Worker>(exe, limits.facts));
  std::vector<std::string> lines(block);
  std::vector<std::size_t> numbers(block);
  std::vector<char> too_long(block, 0);
  std::vector<std::string> results(block);
  std::vector<char> failed(block, 0);
  std::vector<runtime::Outcome> outcomes(block, runtime::Outcome::allow);
  std::string output;
  bool any_failed = false;
  bool gate = false;
  for (;;) {
    std::size_t count = 0;
    std::size_t bytes = 0;
    bool long_line = false;
    while (count < block && bytes < block_bytes &&
           reader.next(lines[count], numbers[count], long_line)) {
      too_long[count] = long_line ? 1 : 0;
      bytes += lines[count].size();
      ++count;
    }
    if (count == 0) break;
    auto work = [&](Worker& worker, std::size_t from, std::size_t to) {
      std::string problem;
      for (std::size_t k = from; k < to; ++k) {
        failed[k] = 0;
        if (too_long[k]) {
          problem = fmt::format("the facts document is larger than {} bytes, the limit",
                                limits.facts.max_bytes);
        } else if (worker.loader.load(lines[k], worker.facts, problem)) {
          worker.vm.evaluate(worker.facts, options, worker.decision);
          results[k] = runtime::to_json(worker.decision, exe->image());
          outcomes[k] = worker.decision.outcome;
          continue;
        }
        std::string message = fmt::format("line {}: {}", numbers[k], problem);
        results[k] = "{\"error\":";
        runtime::append_json_string(results[k], message);
        results[k] += "}";
        failed[k] = 1;
      }
    };
    const unsigned used = std::min<unsigned>(jobs, static_cast<unsigned>(count));
    if (used <= 1) {
      work(*workers[0], 0, count);
    } else {
      std::vector<std::thread> threads;
      std::size_t chunk = (count + used - 1) / used;
      for (unsigned j = 0; j < used; ++j) {
        std::size_t from = j * chunk;
        std::size_t to = std::min(count, from + chunk);
        if (from >= to) break;
        threads.emplace_back(work, std::ref(*workers[j]), from, to);
      }
      for (std::thread& t : threads) t.join();
    }
    for (std::size_t k = 0; k < count; ++k) {
      output += results[k];
      output.push_back('\n');
      if (output.size() > (1u << 20)) {
        std::fwrite(output.data(), 1, output.size(), stdout);
        output.clear();
      }
      any_failed = any_failed || failed[k];
      gate = gate || (!failed[k] && gate_fails(args.fail_on, outcomes[k]));
    }
  }
  std::fwrite(output.data(), 1, output.size(), stdout);
  std::fflush(stdout);
  if (reader.too_big()) {
    fmt::print(stderr, "rulec: `{}` is longer than {} bytes, the limit for a batch; stopped there\n",
               args.batch, max_batch_bytes);
    return exit_usage;
  }
  if (reader.failed()) {
    fmt::print(stderr, "rulec: cannot read `{}`: {}\n", args.batch, std::strerror(errno));
    return exit_usage;
  }
  if (any_failed) {
    fmt::print(stderr,
               "rulec: some lines of `{}` are not valid facts documents (see their `error`)\n",
               args.batch);
    return exit_usage;
  }
  return gate ? exit_failed : exit_ok;
}

int run_eval(const EvalArgs& args) {
  if (!args.paths.empty() && !args.bundle.empty()) {
    fmt::print(stderr, "rulec: give rule files or folders, or one bundle with -b, not both\n");
    return exit_usage;
  }
  if (args.facts.empty() == args.batch.empty()) {
    fmt::print(stderr,
               "rulec: give one facts document with --facts or a JSON Lines file with --batch\n");
    return exit_usage;
  }
  Limits limits;
  if (!parse_limits(args.limits, limits)) return exit_usage;
  runtime::EvalOptions options;
  limits.apply(options);
  options.explain = args.explain;
  auto now = evaluation_date(args.now);
  if (!now) return exit_usage;
  options.now = *now;
  auto exe = load_program(args.paths, args.bundle, limits);
  if (exe == nullptr) return exit_usage;
  return args.batch.empty() ? run_single(args, exe, options, limits)
                            : run_batch(args, exe, options, limits);
}

}  // namespace

Command add_eval_command(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand("eval", "Decide: evaluate rules against a facts document");
  add_program_options(cmd, args->paths, args->bundle);
  cmd->add_option("--facts", args->facts, "The facts document (JSON)");
  cmd->add_option("--batch", args->batch,
                  "Facts documents, one per line (JSON Lines): one decision per line");
  cmd->add_option("--jobs", args->jobs, "Threads for --batch (output stays in input order)")
      ->check(CLI::Range(1u, 256u));
  cmd->add_option("--now", args->now,
                  "The evaluation date for now() (YYYY-MM-DD; default: today, UTC)");
  cmd->add_flag("--explain", args->explain,
                "List the facts each rule instance read to decide, with their values (`because`)");
  cmd->add_option("--format", args->format, "Output: json, or text for people")
      ->check(CLI::IsMember({"json", "text"}));
  cmd->add_option(
         "--fail-on", args->fail_on,
         "Exit 1 when the outcome is deny (or indeterminate); `review` also fails on review")
      ->check(CLI::IsMember({"deny", "review"}));
  add_limit_option(cmd, args->limits);
  cmd->footer(
      "Examples:\n"
      "  rulec eval --facts workload.json --format text     the shipped AI-governance packs\n"
      "  rulec eval rules/ --facts workload.json --explain\n"
      "  rulec eval -b governance.rbc --facts workload.json --format text --fail-on deny\n"
      "  rulec eval -b governance.rbc --batch workloads.jsonl --jobs 4 > decisions.jsonl\n"
      "Exit codes: 0 decided (and the gate passed); 1 the --fail-on gate failed;\n"
      "2 usage, I/O, compile error, or facts that are not a JSON object.");
  return {cmd, [args] { return run_eval(*args); }};
}

}  // namespace precept::rulec
