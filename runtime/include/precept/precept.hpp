// Precept's C++ API: load (or compile) a bundle of rules, share one Engine
// across threads, give each thread an Evaluator, decide facts documents.
//
//   #include <precept/precept.hpp>
//
//   precept::Result<precept::Bundle> bundle = precept::Bundle::load("governance.rbc");
//   if (!bundle) return fail(bundle.status().message());
//   precept::Engine engine{*bundle};                  // immutable, shared by threads
//
//   // on each thread:
//   precept::Evaluator evaluator = engine.evaluator();
//   precept::Decision decision;                        // reused across evaluations
//   precept::Status status = evaluator.evaluate(facts_json, {.explain = true}, decision);
//   if (!status) return fail(status.message());        // facts that are not a JSON object
//   if (decision.outcome() == precept::Outcome::deny) { /* ... */ }
//
//   engine.reload(*precept::Bundle::load("governance-v2.rbc"));   // while others evaluate
//
// Linking: `Precept::precept` (libprecept) has everything here except
// Bundle::compile, which is in `Precept::compiler` (libprecept_compiler), so
// a service that only loads bundles does not carry the compiler.
// docs/embedding.md has the whole story: threads, reload, errors, limits.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "precept/decision.hpp"
#include "precept/export.h"
#include "precept/result.hpp"
#include "precept/version.h"

namespace precept {

namespace runtime {
class Executable;
}
namespace detail {
struct EngineState;
struct EvaluatorScratch;
}  // namespace detail

inline namespace v1 {

// The library's version, `0.1.0` (PRECEPT_VERSION_STRING is the headers').
PRECEPT_API const char* version() noexcept;

// How one evaluation runs. The limits' defaults are the runtime's.
struct Options {
  // Fill `because` on every entry: the facts each rule instance read.
  bool explain = false;
  // The date now() returns; unset: today in UTC, read when evaluating. Set
  // it to make decisions reproducible.
  std::optional<std::chrono::sys_days> now;
  // Fuel one evaluation may use: one unit per instruction, more for work that grows with the
  // values (docs/security.md, Fuel); past it the outcome is indeterminate with a limit error.
  std::uint64_t fuel = 50'000'000;
  // Entries (violations, reviews, warnings, obligations) one decision may hold; likewise.
  std::size_t max_entries = 100'000;
  // Facts documents larger or nested deeper than this are refused (ErrorKind::bad_facts).
  std::size_t max_fact_bytes = std::size_t{64} << 20;
  std::size_t max_fact_depth = 64;
};

// A rule source for Bundle::compile: a path (used in diagnostics and in the
// bundle's manifest) and the text.
struct Source {
  std::string path;
  std::string text;
};

struct CompileOptions {
  std::string name = "rules";     // the bundle's name in its manifest
  std::string version = "0.0.0";  // and its version
  // Limits on the sources (docs/security.md); past one, a compile error
  // names the file and place.
  std::size_t max_source_bytes = std::size_t{4} << 20;  // one source
  unsigned max_nesting = 64;             // parentheses, lists, sets, types, given literals
  unsigned max_expression_depth = 256;   // one expression tree
  std::size_t max_identifier_bytes = 256;
  std::size_t max_string_bytes = std::size_t{64} << 10;  // one string literal
};

// How a bundle is read.
struct LoadOptions {
  // A larger bundle is refused (ErrorKind::bad_bundle); a file is read no
  // further than one byte past it.
  std::size_t max_bundle_bytes = std::size_t{256} << 20;
};

// A verified, immutable compiled program. Copies share it.
class PRECEPT_API Bundle {
 public:
  // Reads and verifies a bundle file (.rbc, as `rulec build` writes it).
  static Result<Bundle> load(const std::filesystem::path& path,
                             const LoadOptions& options = {}) noexcept;
  // The same from bytes in memory.
  static Result<Bundle> from_bytes(std::span<const std::byte> bytes,
                                   const LoadOptions& options = {}) noexcept;
  static Result<Bundle> from_bytes(std::string_view bytes,
                                   const LoadOptions& options = {}) noexcept;
  // Compiles rule sources in memory, as `rulec build` would (test blocks are
  // checked but not run); ErrorKind::compile with the rendered diagnostics
  // when they have errors. In libprecept_compiler (Precept::compiler).
  static Result<Bundle> compile(std::span<const Source> sources,
                                const CompileOptions& options = {}) noexcept;

  // An empty bundle: an Engine made from it refuses to evaluate.
  Bundle() noexcept;
  ~Bundle();
  Bundle(const Bundle&) noexcept;
  Bundle& operator=(const Bundle&) noexcept;
  Bundle(Bundle&&) noexcept;
  Bundle& operator=(Bundle&&) noexcept;

  bool empty() const noexcept;
  // From the manifest (`rulec build --name N --version V`); empty for an empty bundle.
  std::string_view name() const noexcept;
  std::string_view version() const noexcept;

 private:
  friend class Engine;
  explicit Bundle(std::shared_ptr<const runtime::Executable> executable) noexcept;
  std::shared_ptr<const runtime::Executable> executable_;
};

class Evaluator;

// The current bundle, shared by every thread that evaluates with it.
// evaluator(), reload() and bundle() may be called from any thread at any
// time; evaluators keep the engine's state alive, so they may outlive it.
class PRECEPT_API Engine {
 public:
  explicit Engine(Bundle bundle) noexcept;
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // A new evaluator for one thread. Cheap: its scratch memory is made on
  // its first evaluation.
  Evaluator evaluator() const noexcept;
  // Makes `bundle` current for every evaluation that starts after this
  // returns; evaluations in flight finish on the bundle they started with,
  // and decisions already made keep theirs. invalid_argument for an empty
  // bundle (the current one stays).
  Status reload(Bundle bundle) noexcept;
  // The current bundle.
  Bundle bundle() const noexcept;

 private:
  std::shared_ptr<detail::EngineState> state_;
};

// One thread's evaluation state: a JSON parser, the VM's scratch memory and
// the loaded facts, kept from one evaluation to the next. Not thread-safe:
// use one per thread. It picks up the engine's current bundle at the start
// of each evaluation (a check of one shared counter), rebuilding its scratch
// state only when the bundle changed.
class PRECEPT_API Evaluator {
 public:
  // An evaluator with no engine: every evaluation fails with invalid_argument.
  Evaluator() noexcept;
  ~Evaluator();
  Evaluator(Evaluator&&) noexcept;
  Evaluator& operator=(Evaluator&&) noexcept;
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  // Decides one facts document (JSON text, one object). bad_facts when it is
  // not a JSON object or is past the fact limits; wrong values inside a
  // well-formed document are not failures but `input` errors in the decision.
  Result<Decision> evaluate(std::string_view facts_json, const Options& options = {}) noexcept;
  // The same into an existing decision, reusing its memory: the steady-state
  // path, where the API allocates nothing beyond what the runtime's fact
  // loader and VM take. On failure `out` becomes empty (see Decision).
  Status evaluate(std::string_view facts_json, const Options& options, Decision& out) noexcept;

 private:
  friend class Engine;
  explicit Evaluator(std::shared_ptr<detail::EngineState> engine) noexcept;
  std::shared_ptr<detail::EngineState> engine_;
  std::unique_ptr<detail::EvaluatorScratch> scratch_;
};

}  // namespace v1
}  // namespace precept
