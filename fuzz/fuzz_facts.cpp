// Fuzz target: arbitrary bytes as a facts document, through both loaders
// (simdjson text, copied or parsed in place, and nlohmann when the bytes
// parse), the VM with explanations, and every rendering of the decision. The program is the
// quickstart policy's shape: records, optional records, lists, sets, enums
// with codes, dates, defaults. Any crash, sanitizer report or uncaught
// exception is a finding.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "lang/compiler.hpp"
#include "lang/frontend.hpp"
#include "runtime/decision.hpp"
#include "runtime/facts_json.hpp"
#include "runtime/vm.hpp"

namespace {

const char* const program_text = R"(package f
import std.eu.{eea}
enum Level { low, mid = "m", high = 3 }
type Item { name: string, level: Level, tags: set<string> = {}, since: date?, n: int = 0 }
type Owner { team: string, ok: bool = false, items: list<Item> = [] }
facts {
  items: list<Item> = []
  owner: Owner?
  asof: date
  x: number = 1.5
  regions: set<string>
}
output worst: Level
output total: int = sum(i.n for i in items)
def hot(i: Item): bool = i.level >= mid or "hot" in i.tags
rule r1 {
  cite "R1"
  for i in items
  for r in regions
  let far = r not in eea
  when hot(i) and far and days_between(i.since ?? asof, asof) > 30
  then
    deny "${i.name} in ${r} since ${i.since ?? asof}"
    require f.check with { level: i.level, n: i.n / (i.n - 1) }
    raise worst to i.level
}
rule r2 {
  when some i in owner.items: matches(i.name, "^[a-z]+$") and len(i.tags) > x
  unless owner.ok
  then review "owner ${owner.team}"
}
rule r3 {
  when count(i in items where i.level == high) > 1 or max(i.n for i in items, default 0) > 5
  then warn "many"
}
)";

struct Engine {
  std::shared_ptr<const precept::runtime::Executable> exe;
};

const Engine& engine() {
  static const Engine e = [] {
    using namespace precept;
    lang::SourceSet sources;
    sources.add("f.rules", program_text);
    lang::Diagnostics diags;
    auto program = lang::check_sources(sources, diags);
    if (!program || diags.has_errors()) __builtin_trap();  // the target itself is broken
    std::string error;
    Engine built;
    built.exe = runtime::Executable::make(lang::compile(*program, sources), error);
    if (!built.exe) __builtin_trap();
    return built;
  }();
  return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace precept::runtime;
  const Engine& e = engine();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static FactLoader loader(e.exe);
  static Vm vm(e.exe);
  static Facts facts;
  static Decision decision;
  std::string error;
  EvalOptions options;
  options.explain = true;
  options.fuel = 200'000;
  const bool loaded = loader.load(text, facts, error);
  std::string compact;
  if (loaded) {
    vm.evaluate(facts, options, decision);
    (void)to_json(decision, e.exe->image(), true);
    (void)to_text(decision, e.exe->image());
    compact = to_json(decision, e.exe->image());
  }
  // The batch path: the same bytes parsed where they lie, with bytes after
  // them that the parser must not use, and written through CompactJson's
  // cache: the same verdict, error and decision.
  static std::string block;
  block.assign(text);
  block.append(FactLoader::text_padding, '[');
  static FactLoader in_place(e.exe);
  static Facts facts_in_place;
  static CompactJson writer(e.exe->image());
  std::string error_in_place;
  const bool loaded_in_place =
      in_place.load_padded(std::string_view(block).substr(0, size), facts_in_place, error_in_place);
  if (loaded_in_place != loaded || error_in_place != error) __builtin_trap();
  if (loaded_in_place) {
    vm.evaluate(facts_in_place, options, decision);
    std::string written;
    writer.append(decision, written);
    if (written != compact) __builtin_trap();
  }
  // The nlohmann path must decide as the text path does (big integers
  // included, which the text path rewrites before simdjson reads them),
  // except where nlohmann's object cannot say what the text did: a
  // repeated key, which it keeps once.
  nlohmann::json document = nlohmann::json::parse(text, nullptr, false);
  if (!document.is_discarded()) {
    Facts from_json;
    if (load_facts(*e.exe, document, from_json, error)) {
      vm.evaluate(from_json, options, decision);
      const std::string from_json_compact = to_json(decision, e.exe->image());
      bool repeated_key = false;
      for (const InputError& input_error : facts.errors) {
        repeated_key = repeated_key || input_error.message.starts_with("duplicate key");
      }
      if (loaded && !repeated_key && from_json_compact != compact) __builtin_trap();
    }
  }
  return 0;
}
