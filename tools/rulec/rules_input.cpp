#include "tools/rulec/rules_input.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "lang/compiler.hpp"
#include "lang/frontend.hpp"
#include "lang/render.hpp"
#include "runtime/bundle.hpp"
#include "tools/packs/packs.hpp"

namespace precept::rulec {

bool read_file(const std::string& path, std::string& text, std::string& error,
               std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = fmt::format("cannot read `{}`: {}", path, std::strerror(errno));
    return false;
  }
  // Read at most one byte past the limit, so a huge file, a FIFO or
  // /dev/zero is refused without being read whole.
  text.clear();
  char chunk[1 << 16];
  while (in && text.size() <= max_bytes) {
    in.read(chunk, sizeof chunk);
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) {
    error = fmt::format("cannot read `{}`", path);
    return false;
  }
  if (text.size() > max_bytes) {
    error = fmt::format("`{}` is larger than {} bytes, the limit for this input", path, max_bytes);
    text.clear();
    return false;
  }
  return true;
}

bool compile_paths(const std::vector<std::string>& paths, const std::string& name,
                   runtime::Image& image, const Limits& limits) {
  std::vector<std::string> files;
  std::string error;
  lang::SourceSet sources;
  if (!lang::collect_rule_files(paths, files, error) ||
      !lang::read_sources(files, sources, error, limits.parse.max_source_bytes)) {
    fmt::print(stderr, "rulec: {}\n", error);
    return false;
  }
  if (files.empty()) {
    fmt::print(stderr, "rulec: no `.rules` files found\n");
    return false;
  }
  lang::Diagnostics diags;
  lang::FrontEndOptions options;
  options.check.lints = false;  // `rulec check` is where lints are read
  options.limits = limits.parse;
  auto program = lang::check_sources(sources, diags, options);
  if (diags.has_errors() || program == nullptr) {
    lang::RenderOptions render;
    render.color = isatty(fileno(stderr)) != 0;
    fmt::print(stderr, "{}", lang::render_text(diags, sources, render));
    fmt::print(stderr, "rulec: {} error{}; nothing was compiled\n", diags.error_count(),
               diags.error_count() == 1 ? "" : "s");
    return false;
  }
  lang::CompileOptions compile;
  compile.name = name;
  image = lang::compile(*program, sources, compile);
  return true;
}

void add_program_options(CLI::App* cmd, std::vector<std::string>& paths, std::string& bundle) {
  cmd->add_option("paths", paths,
                  "Rule files, or folders searched recursively for *.rules (default: the shipped "
                  "AI-governance packs built into rulec)");
  cmd->add_option("-b,--bundle", bundle, "A compiled bundle (.rbc) instead of rule files");
}

bool read_bundle_file(const std::string& path, runtime::Image& image, std::size_t max_bytes) {
  std::string bytes;
  std::string error;
  if (!read_file(path, bytes, error, max_bytes)) {
    fmt::print(stderr, "rulec: {}\n", error);
    return false;
  }
  error = runtime::read_bundle(bytes, image, max_bytes);
  if (!error.empty()) {
    fmt::print(stderr, "rulec: `{}` is not a valid bundle: {}\n", path, error);
    return false;
  }
  return true;
}

std::shared_ptr<const runtime::Executable> load_program(const std::vector<std::string>& paths,
                                                        const std::string& bundle,
                                                        const Limits& limits) {
  runtime::Image image;
  if (paths.empty() && bundle.empty()) {
    // The shipped packs, compiled into rulec at build time.
    std::string error = runtime::read_bundle(packs::bundle_bytes(), image);
    if (!error.empty()) {
      fmt::print(stderr,
                 "rulec: internal error: the built-in rule packs are not a valid bundle: {}\n",
                 error);
      return nullptr;
    }
  } else if (!bundle.empty()) {
    if (!read_bundle_file(bundle, image, limits.bundle_bytes)) return nullptr;
  } else if (!compile_paths(paths, "rules", image, limits)) {
    return nullptr;
  }
  std::string error;
  auto exe = runtime::Executable::make(std::move(image), error);
  if (exe == nullptr) {
    fmt::print(stderr, "rulec: {} was rejected by the verifier: {}\n",
               bundle.empty() ? std::string("the compiled program") : "`" + bundle + "`", error);
  }
  return exe;
}

}  // namespace precept::rulec
