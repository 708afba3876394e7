// rulec eval (PATH... | -b BUNDLE) --facts F.json | --batch F.jsonl: decide.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
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
      : loader(exe, limits), vm(exe), json(exe->image()) {}
  runtime::FactLoader loader;
  runtime::Vm vm;
  runtime::CompactJson json;
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

// A block of input lines and, once decided, their output, in chunks of
// consecutive lines: whichever thread is free takes the next chunk and
// appends its decisions to the chunk's own buffer, so the output is the
// chunks' buffers in order, written as they are.
struct Block {
  // The lines one after another in one buffer (reused from one block to the
  // next) with the loader's padding after the last, so each is parsed where
  // it is: `text` holds where each starts and its size.
  std::string buffer;
  std::vector<std::pair<std::size_t, std::size_t>> text;
  std::vector<std::size_t> numbers;
  std::vector<char> too_long;
  std::size_t count = 0;
  std::string_view line(std::size_t k) const {
    return {buffer.data() + text[k].first, text[k].second};
  }
  struct Chunk {
    std::string output;
    bool failed = false;  // a line was not a facts document
    bool gate = false;    // a decision fails --fail-on
  };
  std::vector<Chunk> chunks;            // grown, never shrunk: buffers are reused
  std::size_t chunk_count = 0;          // of this block's lines
  std::atomic<std::size_t> next_chunk;  // the first not yet taken
};

// JSON Lines in, one compact decision per line out, in input order. A line
// that is not a facts document gets `{"error": ...}` in its place. The
// input streams through in blocks of lines: while the other jobs decide one
// block, this thread writes the block before it and reads the one after,
// then (with more than one job) decides with them, so memory stays bounded
// however long the input is (and a FIFO works), no job waits for input or
// output, and no core idles while another still has lines of the block to
// decide.
int run_batch(const EvalArgs& args, const std::shared_ptr<const runtime::Executable>& exe,
              const runtime::EvalOptions& options, const Limits& limits) {
  std::string error;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(open_input_stream(args.batch, error),
                                                       &std::fclose);
  if (file == nullptr) {
    fmt::print(stderr, "rulec: {}\n", error);
    return exit_usage;
  }
  // Longer input than this is refused: an endless stream must end.
  constexpr std::uint64_t max_batch_bytes = std::uint64_t{4} << 30;
  JsonLineReader reader(file.get(), limits.facts.max_bytes, max_batch_bytes);
  constexpr std::size_t block_lines = 2048;
  // A chunk is small enough that the jobs finish a block within a chunk's
  // time of each other, and large enough that taking one costs nothing.
  constexpr std::size_t chunk_lines = 32;
  // A block also stops after this much text, so a file of huge lines
  // cannot hold thousands of them at once.
  constexpr std::size_t block_bytes = std::size_t{32} << 20;
  // With several jobs this thread is one of them; with one, a thread of its
  // own decides while this one reads and writes.
  const unsigned jobs = std::max(1u, args.jobs);
  const bool reader_decides = jobs > 1;
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned j = 0; j < jobs; ++j)
    workers.push_back(std::make_unique<Worker>(exe, limits.facts));

  auto read_block = [&](Block& b) {
    b.count = 0;
    b.buffer.clear();
    bool long_line = false;
    while (b.count < block_lines && b.buffer.size() < block_bytes) {
      if (b.count == b.text.size()) {
        b.text.emplace_back();
        b.numbers.push_back(0);
        b.too_long.push_back(0);
      }
      const std::size_t start = b.buffer.size();
      if (!reader.append_next(b.buffer, b.numbers[b.count], long_line)) break;
      b.text[b.count] = {start, b.buffer.size() - start};
      b.too_long[b.count] = long_line ? 1 : 0;
      ++b.count;
    }
    b.buffer.append(runtime::FactLoader::text_padding, ' ');
    b.chunk_count = (b.count + chunk_lines - 1) / chunk_lines;
    if (b.chunks.size() < b.chunk_count) b.chunks.resize(b.chunk_count);
    b.next_chunk.store(0, std::memory_order_relaxed);
  };
  auto decide_chunk = [&](Worker& worker, Block& b, std::size_t c) {
    Block::Chunk& chunk = b.chunks[c];
    std::string& out = chunk.output;
    out.clear();
    chunk.failed = false;
    chunk.gate = false;
    std::string problem;
    const std::size_t to = std::min(b.count, (c + 1) * chunk_lines);
    for (std::size_t k = c * chunk_lines; k < to; ++k) {
      const std::size_t line_start = out.size();
      try {
        if (b.too_long[k]) {
          problem = fmt::format("the facts document is larger than {} bytes, the limit",
                                limits.facts.max_bytes);
        } else if (worker.loader.load_padded(b.line(k), worker.facts, problem)) {
          worker.vm.evaluate(worker.facts, options, worker.decision);
          worker.json.append(worker.decision, out);
          out.push_back('\n');
          chunk.gate = chunk.gate || gate_fails(args.fail_on, worker.decision.outcome);
          continue;
        }
      } catch (const std::bad_alloc&) {
        // A thread must not throw: this line fails alone.
        out.resize(line_start);
        problem = "out of memory while deciding it";
      }
      out += "{\"error\":";
      runtime::append_json_string(out, fmt::format("line {}: {}", b.numbers[k], problem));
      out += "}\n";
      chunk.failed = true;
    }
  };
  // Decides chunks of `b` until none is left to take.
  auto decide = [&](Worker& worker, Block& b) {
    for (;;) {
      const std::size_t c = b.next_chunk.fetch_add(1, std::memory_order_relaxed);
      if (c >= b.chunk_count) return;
      decide_chunk(worker, b, c);
    }
  };
  bool any_failed = false;
  bool gate = false;
  auto write_block = [&](const Block& b) {
    for (std::size_t c = 0; c < b.chunk_count; ++c) {
      const Block::Chunk& chunk = b.chunks[c];
      std::fwrite(chunk.output.data(), 1, chunk.output.size(), stdout);
      any_failed = any_failed || chunk.failed;
      gate = gate || chunk.gate;
    }
  };

  Block blocks[2];
  Block* current = &blocks[0];
  Block* previous = nullptr;  // decided, not yet written
  read_block(*current);
  while (current->count > 0) {
    // Joining the threads orders their writes to the block before this
    // thread reads it, and this thread's reads of a block before its reuse.
    std::vector<std::thread> threads;
    for (unsigned j = reader_decides ? 1 : 0; j < jobs; ++j)
      threads.emplace_back(decide, std::ref(*workers[j]), std::ref(*current));
    if (previous != nullptr) write_block(*previous);
    Block* next = current == &blocks[0] ? &blocks[1] : &blocks[0];
    read_block(*next);  // the block just written, or the unused one
    if (reader_decides) decide(*workers[0], *current);
    for (std::thread& t : threads) t.join();
    previous = current;
    current = next;
  }
  if (previous != nullptr) write_block(*previous);
  std::fflush(stdout);
  if (reader.too_big()) {
    fmt::print(stderr,
               "rulec: `{}` is longer than {} bytes, the limit for a batch; stopped there\n",
               args.batch, max_batch_bytes);
    return exit_usage;
  }
  if (reader.failed()) {
    fmt::print(stderr, "rulec: cannot read `{}`: {}\n", args.batch,
               std::strerror(reader.read_errno()));
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
