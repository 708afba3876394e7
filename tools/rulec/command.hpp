// What every rulec subcommand shares: exit codes and the registration shape.
// Each subcommand lives in its own cmd_<name>.cpp and registers itself with
// the top-level CLI11 app; main() runs the one that was selected.
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace precept::rulec {

// Documented in `rulec --help` and docs/: scripts and CI depend on them.
enum ExitCode : int {
  exit_ok = 0,       // success
  exit_failed = 1,   // a check, test or --fail-on gate failed
  exit_usage = 2,    // usage, I/O, compile or input error
};

// A registered subcommand: its CLI11 node and what runs when it is chosen.
struct Command {
  CLI::App* cli = nullptr;
  std::function<int()> run;
};

Command add_check_command(CLI::App& app);
Command add_build_command(CLI::App& app);
Command add_eval_command(CLI::App& app);
Command add_disasm_command(CLI::App& app);
Command add_test_command(CLI::App& app);
Command add_bench_command(CLI::App& app);

}  // namespace precept::rulec
