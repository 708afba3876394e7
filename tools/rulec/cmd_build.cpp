// rulec build PATH... -o out.rbc: compile rules to a bundle.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>

#include "runtime/bundle.hpp"
#include "runtime/verifier.hpp"
#include "tools/rulec/command.hpp"
#include "tools/rulec/rules_input.hpp"

namespace precept::rulec {

namespace {

struct BuildArgs {
  std::vector<std::string> paths;
  std::string output;
  std::string name;
  std::string version = "0.0.0";
  std::vector<std::string> limits;
};

int run_build(const BuildArgs& args) {
  std::string name =
      args.name.empty() ? std::filesystem::path(args.output).stem().string() : args.name;
  Limits limits;
  if (!parse_limits(args.limits, limits)) return exit_usage;
  runtime::Image image;
  if (!compile_paths(args.paths, name, image, limits)) return exit_usage;
  image.version = args.version;
  // What we write must be what a loader accepts.
  std::string problem = runtime::verify(image);
  if (!problem.empty()) {
    fmt::print(stderr, "rulec: internal error: the compiled program fails verification: {}\n",
               problem);
    return exit_usage;
  }
  std::string bytes = runtime::write_bundle(image);
  std::ofstream out(args.output, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    fmt::print(stderr, "rulec: cannot write `{}`\n", args.output);
    return exit_usage;
  }
  fmt::print(stderr, "wrote {} ({} bytes, {} rules, {} outputs)\n", args.output, bytes.size(),
             image.rules.size(), image.outputs.size());
  return exit_ok;
}

}  // namespace

Command add_build_command(CLI::App& app) {
  auto args = std::make_shared<BuildArgs>();
  CLI::App* cmd = app.add_subcommand("build", "Compile rule files into a bytecode bundle (.rbc)");
  cmd->add_option("paths", args->paths, "Rule files, or folders searched recursively for *.rules")
      ->required();
  cmd->add_option("-o,--output", args->output, "The bundle file to write")->required();
  cmd->add_option("--name", args->name,
                  "The bundle's name in its manifest (default: the output file's stem)");
  cmd->add_option("--version", args->version, "The bundle's version in its manifest");
  add_limit_option(cmd, args->limits);
  cmd->footer(
      "Example:\n"
      "  rulec build rules/ -o governance.rbc --version 1.4.0\n"
      "The same sources always give the same bytes.\n"
      "Exit codes: 0 written; 2 usage, I/O or compile error.");
  return {cmd, [args] { return run_build(*args); }};
}

}  // namespace precept::rulec
