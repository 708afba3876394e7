// rulec disasm BUNDLE: readable bytecode.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include "runtime/disasm.hpp"
#include "runtime/verifier.hpp"
#include "tools/rulec/command.hpp"
#include "tools/rulec/rules_input.hpp"

namespace precept::rulec {

namespace {

int run_disasm(const std::string& path) {
  runtime::Image image;
  if (!read_bundle_file(path, image)) return exit_usage;
  std::string problem = runtime::verify(image);
  if (!problem.empty()) {
    fmt::print(stderr, "rulec: `{}` was rejected by the verifier: {}\n", path, problem);
    return exit_usage;
  }
  fmt::print("{}", runtime::disassemble(image));
  return exit_ok;
}

}  // namespace

Command add_disasm_command(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("disasm", "Print a bundle's bytecode in readable form");
  cmd->add_option("bundle", *path, "The bundle (.rbc) to print")->required();
  cmd->footer(
      "Example:\n"
      "  rulec disasm governance.rbc | less\n"
      "Exit codes: 0 printed; 2 the file cannot be read or is not a valid bundle.");
  return {cmd, [path] { return run_disasm(*path); }};
}

}  // namespace precept::rulec
