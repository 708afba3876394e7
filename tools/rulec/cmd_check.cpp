// rulec check PATH...: parse, check and lint rule files; print diagnostics.
#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "lang/compiler.hpp"
#include "lang/frontend.hpp"
#include "lang/render.hpp"
#include "tools/rulec/command.hpp"
#include "tools/rulec/limits.hpp"

namespace precept::rulec {

namespace {

struct CheckArgs {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string color = "auto";
  bool no_lints = false;
  std::vector<std::string> limits;
};

int run_check(const CheckArgs& args) {
  Limits limits;
  if (!parse_limits(args.limits, limits)) return exit_usage;
  std::vector<std::string> files;
  std::string error;
  lang::SourceSet sources;
  if (!lang::collect_rule_files(args.paths, files, error) ||
      !lang::read_sources(files, sources, error, limits.parse.max_source_bytes)) {
    fmt::print(stderr, "rulec: {}\n", error);
    return exit_usage;
  }
  if (files.empty()) {
    std::string searched;
    for (const std::string& path : args.paths) searched += (searched.empty() ? "`" : ", `") + path + "`";
    fmt::print(stderr, "rulec: no `.rules` files found in {}\n", searched);
    return exit_usage;
  }

  lang::Diagnostics diags;
  lang::FrontEndOptions options;
  options.check.lints = !args.no_lints;
  options.limits = limits.parse;
  options.check.max_given_file_bytes = limits.facts.max_bytes;
  auto program = lang::check_sources(sources, diags, options);
  // What `rulec build` would refuse is an error here too: a program too
  // large for the VM is only found by compiling it.
  if (program != nullptr && !diags.has_errors()) lang::compile(*program, sources, diags);

  if (args.format == "json") {
    fmt::print("{}", lang::render_json(diags, sources));
  } else {
    lang::RenderOptions render;
    render.color = args.color == "always" || (args.color == "auto" && isatty(fileno(stderr)));
    std::string text = lang::render_text(diags, sources, render);
    std::size_t errors = diags.error_count();
    std::size_t warnings = diags.warning_count();
    text += fmt::format("checked {} file{}: {} error{}, {} warning{}\n", files.size(),
                        files.size() == 1 ? "" : "s", errors, errors == 1 ? "" : "s", warnings,
                        warnings == 1 ? "" : "s");
    fmt::print(stderr, "{}", text);
  }
  return diags.has_errors() ? exit_failed : exit_ok;
}

}  // namespace

Command add_check_command(CLI::App& app) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand("check", "Parse, type-check, lint and compile rule files");
  cmd->add_option("paths", args->paths, "Rule files, or folders searched recursively for *.rules")
      ->required();
  cmd->add_option("--format", args->format, "Output format: text (to stderr) or json (to stdout)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--color", args->color, "Color text output: auto, always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd->add_flag("--no-lints", args->no_lints, "Report errors only, no lint warnings");
  add_limit_option(cmd, args->limits);
  cmd->footer(
      "Example:\n"
      "  rulec check rules/                 check every *.rules file under rules/\n"
      "  rulec check --format json a.rules  diagnostics as JSON on stdout\n"
      "Exit codes: 0 no errors (warnings allowed); 1 errors found; 2 usage or I/O error.");
  return {cmd, [args] { return run_check(*args); }};
}

}  // namespace precept::rulec
