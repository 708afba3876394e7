// rulec: the Precept rule compiler and tool (check, build, eval, test,
// disasm, bench).
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <cstdio>
#include <exception>
#include <vector>

#include "tools/rulec/command.hpp"

using namespace precept::rulec;

int main(int argc, char** argv) {
  CLI::App app{"rulec: the Precept rule tool"};
  app.footer(
      "Exit codes: 0 success; 1 a check, test or gate failed; 2 usage, I/O or compile error.\n"
      "Run `rulec COMMAND --help` for a command's options and an example.");
  app.require_subcommand(1);
  app.set_version_flag("--version", "rulec 0.1.0");

  std::vector<Command> commands{
      add_check_command(app),
      add_build_command(app),
      add_eval_command(app),
      add_test_command(app),
      add_disasm_command(app),
      add_bench_command(app),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return exit_usage;
  }
  try {
    for (const Command& command : commands) {
      if (command.cli->parsed()) return command.run();
    }
  } catch (const std::exception& e) {
    // Nothing a user types should get here; if it does, say so plainly
    // rather than abort.
    fmt::print(stderr, "rulec: internal error: {}\n", e.what());
    return exit_usage;
  }
  return exit_usage;
}
