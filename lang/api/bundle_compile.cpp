// Bundle::compile: rule sources in memory to a verified bundle, through the
// same front end and compiler as `rulec build`. The compiled image is
// written as bundle bytes and loaded with Bundle::from_bytes, so this
// library reaches libprecept through its public API only, and a compiled
// bundle is verified like any other.
#include <fmt/core.h>

#include <exception>
#include <new>

#include "lang/compiler.hpp"
#include "lang/frontend.hpp"
#include "lang/render.hpp"
#include "precept/precept.hpp"
#include "runtime/api/boundary.hpp"
#include "runtime/bundle.hpp"

namespace precept {
inline namespace v1 {


Result<Bundle> Bundle::compile(std::span<const Source> sources,
                               const CompileOptions& options) noexcept {
  try {
    if (sources.empty()) return Status(ErrorKind::invalid_argument, "no rule sources were given");
    lang::SourceSet set;
    for (const Source& source : sources) set.add(source.path, source.text);
    lang::Diagnostics diags;
    lang::FrontEndOptions front_end;
    front_end.check.lints = false;  // lints are for `rulec check`, not for loading rules
    // Sources come from memory: a test's `given file` has nothing to be relative to.
    front_end.check.read_given_files = false;
    front_end.limits.max_source_bytes = options.max_source_bytes;
    front_end.limits.max_nesting = options.max_nesting;
    front_end.limits.max_expression_depth = options.max_expression_depth;
    front_end.limits.max_identifier_bytes = options.max_identifier_bytes;
    front_end.limits.max_string_bytes = options.max_string_bytes;
    auto failure = [&] {
      std::string text = lang::render_text(diags, set, {});
      text += fmt::format("{} error{}; nothing was compiled", diags.error_count(),
                          diags.error_count() == 1 ? "" : "s");
      return Status(ErrorKind::compile, std::move(text));
    };
    std::unique_ptr<lang::Program> program = lang::check_sources(set, diags, front_end);
    if (program == nullptr || diags.has_errors()) return failure();
    lang::CompileOptions compile;
    compile.name = options.name;
    compile.version = options.version;
    runtime::Image image = lang::compile(*program, set, diags, compile);
    if (diags.has_errors()) return failure();
    std::string bytes = runtime::write_bundle(image);
    return from_bytes(std::string_view(bytes));
  } catch (...) {
    return detail::status_from_current_exception();
  }
}

}  // namespace v1
}  // namespace precept
