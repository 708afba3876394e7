#include "tools/rulec/rules_input.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "lang/compiler.hpp"
#include "lang/frontend.hpp"
#include "lang/render.hpp"
#include "runtime/bundle.hpp"
#include "tools/packs/packs.hpp"

namespace precept::rulec {

bool read_file(const std::string& path, std::string& text, std::string& error,
               std::size_t max_bytes) {
  // Devices and pipes are allowed (`--facts /dev/stdin`): the read stops
  // one byte past the limit, so /dev/zero is refused without being read whole.
  const std::string what = fmt::format("`{}`", path);
  lang::InputFile how{what, max_bytes, "the limit for this input", false};
  return lang::read_input_file(path, how, text, error);
}

std::FILE* open_input_stream(const std::string& path, std::string& error) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    error = fmt::format("cannot read `{}`: {}", path, std::strerror(errno));
    return nullptr;
  }
  struct stat info {};
  if (::fstat(fileno(file), &info) == 0 && S_ISDIR(info.st_mode)) {
    std::fclose(file);
    error = fmt::format("`{}` is a folder, not a file", path);
    return nullptr;
  }
  return file;
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
  options.check.max_given_file_bytes = limits.facts.max_bytes;
  auto program = lang::check_sources(sources, diags, options);
  // A program too large for the VM is reported like any other error.
  if (program != nullptr && !diags.has_errors()) {
    lang::CompileOptions compile;
    compile.name = name;
    image = lang::compile(*program, sources, diags, compile);
  }
  if (diags.has_errors() || program == nullptr) {
    lang::RenderOptions render;
    render.color = isatty(fileno(stderr)) != 0;
    fmt::print(stderr, "{}", lang::render_text(diags, sources, render));
    fmt::print(stderr, "rulec: {} error{}; nothing was compiled\n", diags.error_count(),
               diags.error_count() == 1 ? "" : "s");
    return false;
  }
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
