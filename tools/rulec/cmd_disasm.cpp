// rulec disasm BUNDLE: readable bytecode.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include "runtime/disasm.hpp"
#include "runtime/verifier.hpp"
#include "tools/rulec/command.hpp"
#include "tools/rulec/limits.hpp"
#include "tools/rulec/rules_input.hpp"

namespace precept::rulec {

namespace {

struct DisasmArgs {
  std::string path;
  std::vector<std::string> limits;
};

int run_disasm(const DisasmArgs& args) {
  Limits limits;
  if (!parse_limits(args.limits, limits)) return exit_usage;
  const std::string& path = args.path;
  runtime::Image image;
  if (!read_bundle_file(path, image, limits.bundle_bytes)) return exit_usage;
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
  auto args = std::make_shared<DisasmArgs>();
  CLI::App* cmd = app.add_subcommand("disasm", "Print a bundle's bytecode in readable form");
  cmd->add_option("bundle", args->path, "The bundle (.rbc) to print")->required();
  add_limit_option(cmd, args->limits);
  cmd->footer(
      "Example:\n"
      "  rulec disasm governance.rbc | less\n"
      "Exit codes: 0 printed; 2 the file cannot be read or is not a valid bundle.");
  return {cmd, [args] { return run_disasm(*args); }};
}

}  // namespace precept::rulec
