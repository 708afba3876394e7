// The differential test: the reference interpreter (lang/reference.hpp),
// written from the documentation, and the compiler + VM must decide every
// facts document the project ships the same way:
//
//   - every golden case (tests/golden/cases/*/: its rules, each
//     `<name>.facts.json`, explanations on, now() = 2026-12-04, as the
//     golden test runs them);
//   - the shipped rule packs (all of rules/) with their fixtures
//     (rules/**/fixtures/*.json), the example workloads
//     (docs/examples/workloads/*.json) and the `given` document of each of
//     their `test` blocks;
//   - the quickstart example with its fixtures and tests.
//
// What is compared (lang/reference_compare.hpp): the whole decision —
// outcome, complete, outputs, every entry with its rule id, title, message,
// severity, citations, bindings, fields and `because`, the missing paths
// with their rules, and errors by kind, path and `at`. Error messages are
// free text that the docs do not fix, so they are left out. A decision that
// hit a limit is not compared: the VM counts instructions and the reference
// counts expressions.
//
// Any disagreement fails. The disagreements the differential fuzzer
// (fuzz/fuzz_diff.cpp) found, all fixed, are kept at the end as minimal
// reproductions.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "lang/compiler.hpp"
#include "lang/frontend.hpp"
#include "lang/reference.hpp"
#include "lang/reference_compare.hpp"
#include "lang/render.hpp"
#include "runtime/date.hpp"

namespace fs = std::filesystem;
using namespace precept;
using nlohmann::json;

namespace {

const fs::path source_dir = PRECEPT_SOURCE_DIR;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<fs::path> sorted_files(const fs::path& dir, const std::string& suffix) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A checked and compiled program with the sources its spans point into.
struct Compiled {
  lang::SourceSet sources;
  std::unique_ptr<lang::Program> program;
  std::shared_ptr<const runtime::Executable> exe;
};

void finish(Compiled& c) {
  lang::Diagnostics diags;
  lang::FrontEndOptions options;
  options.check.lints = false;
  options.check.read_given_files = false;  // read here, relative to the source folder
  c.program = lang::check_sources(c.sources, diags, options);
  INFO(lang::render_text(diags, c.sources, {}));
  REQUIRE(c.program != nullptr);
  REQUIRE_FALSE(diags.has_errors());
  std::string error;
  c.exe = runtime::Executable::make(lang::compile(*c.program, c.sources), error);
  INFO(error);
  REQUIRE(c.exe != nullptr);
}

std::unique_ptr<Compiled> compile_text(const std::string& name, const std::string& text) {
  auto c = std::make_unique<Compiled>();
  c->sources.add(name, text);
  finish(*c);
  return c;
}

// Compiles the rule files under `dir`, named relative to `base` (as
// `rulec eval` run there would name them in evaluation errors).
std::unique_ptr<Compiled> compile_folder(const fs::path& dir, const fs::path& base) {
  auto c = std::make_unique<Compiled>();
  std::vector<std::string> files;
  std::string error;
  REQUIRE(lang::collect_rule_files({dir.string()}, files, error));
  for (const std::string& file : files) {
    c->sources.add(fs::relative(file, base).generic_string(), slurp(file));
  }
  finish(*c);
  return c;
}

lang::ReferenceOptions golden_options() {
  lang::ReferenceOptions options;
  options.explain = true;
  options.now = *runtime::parse_iso_date("2026-12-04");
  return options;
}

// Decides `document` both ways and checks they agree. Returns whether it
// was compared.
bool check_agreement(const Compiled& c, const std::string& where, const json& document) {
  lang::ReferenceOptions options = golden_options();
  json reference = lang::reference_decide(*c.program, c.sources, document, options);
  json vm = lang::vm_decide(c.exe, document, options);
  lang::DecisionComparison comparison = lang::compare_decisions(reference, vm);
  if (comparison.limited) return false;
  INFO(where);
  INFO(comparison.summary);
  CHECK(comparison.agree());
  return true;
}

// ---------------------------------------------------- test blocks' given ---

json given_json(const lang::GivenValue& v) {
  struct Visitor {
    json operator()(std::monostate) const { return nullptr; }
    json operator()(bool b) const { return b; }
    json operator()(std::int64_t i) const { return i; }
    json operator()(double d) const { return d; }
    json operator()(const std::string& s) const { return s; }
    json operator()(const std::vector<lang::GivenPtr>& items) const {
      json a = json::array();
      for (const lang::GivenPtr& item : items) a.push_back(item ? given_json(*item) : json());
      return a;
    }
    json operator()(const std::vector<lang::GivenMember>& members) const {
      json o = json::object();
      for (const lang::GivenMember& m : members) o[m.key] = m.value ? given_json(*m.value) : json();
      return o;
    }
  };
  return std::visit(Visitor{}, v.node);
}

// The facts document of a test's `given`: its literal or file, with the
// overrides applied by path; null when it cannot be built.
json given_document(const lang::TestDecl& test, const fs::path& test_file) {
  json document = json::object();
  if (test.given.file) {
    document = json::parse(slurp(test_file.parent_path() / *test.given.file), nullptr, false);
    if (document.is_discarded()) return nullptr;
  } else if (test.given.literal) {
    document = given_json(*test.given.literal);
  }
  for (const lang::GivenOverride& o : test.given.overrides) {
    json* node = &document;
    for (const lang::GivenPathStep& step : o.path) {
      if (auto* field = std::get_if<std::string>(&step.step)) {
        if (node->is_null()) *node = json::object();
        if (!node->is_object()) return nullptr;
        node = &(*node)[*field];
      } else {
        auto index = std::get<std::int64_t>(step.step);
        if (!node->is_array() || index < 0 || static_cast<std::size_t>(index) >= node->size()) {
          return nullptr;
        }
        node = &(*node)[static_cast<std::size_t>(index)];
      }
    }
    *node = o.value ? given_json(*o.value) : json();
  }
  return document;
}

// Every test block's given document of a compiled folder.
std::size_t check_test_givens(const Compiled& c, const fs::path& base) {
  std::size_t compared = 0;
  for (const lang::Program::Test& t : c.program->tests()) {
    const std::string& file = c.sources.file(t.test->name_span.file).path();
    json document = given_document(*t.test, base / file);
    if (!document.is_object()) continue;
    if (check_agreement(c, file + ": test \"" + t.test->name + "\"", document)) ++compared;
  }
  return compared;
}

std::size_t check_documents(const Compiled& c, const std::vector<fs::path>& documents,
                            const fs::path& base) {
  std::size_t compared = 0;
  for (const fs::path& file : documents) {
    json document = json::parse(slurp(file), nullptr, false);
    REQUIRE(document.is_object());
    if (check_agreement(c, fs::relative(file, base).generic_string(), document)) ++compared;
  }
  return compared;
}

}  // namespace

TEST_CASE("the reference interpreter decides the golden cases as the VM does", "[reference]") {
  const fs::path root = source_dir / "tests" / "golden" / "cases";
  std::size_t compared = 0;
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(root)) {
    if (e.is_directory()) cases.push_back(e.path());
  }
  std::sort(cases.begin(), cases.end());
  for (const fs::path& dir : cases) {
    auto c = compile_folder(dir, dir);
    for (const fs::path& file : sorted_files(dir, ".facts.json")) {
      std::string text = slurp(file);
      json document = json::parse(text);
      std::string where = dir.filename().string() + "/" + file.filename().string();
      if (check_agreement(*c, where, document)) ++compared;
    }
  }
  CHECK(compared > 100);
}

TEST_CASE("the reference interpreter decides the rule packs' documents as the VM does",
          "[reference]") {
  auto c = compile_folder(source_dir / "rules", source_dir);
  std::vector<fs::path> documents;
  for (const auto& e : fs::recursive_directory_iterator(source_dir / "rules")) {
    if (e.path().extension() == ".json" && e.path().parent_path().filename() == "fixtures") {
      documents.push_back(e.path());
    }
  }
  std::sort(documents.begin(), documents.end());
  for (const fs::path& file :
       sorted_files(source_dir / "docs" / "examples" / "workloads", ".json")) {
    documents.push_back(file);
  }
  CHECK(check_documents(*c, documents, source_dir) >= documents.size());
  CHECK(check_test_givens(*c, source_dir) > 50);
}

TEST_CASE("the reference interpreter decides the quickstart as the VM does", "[reference]") {
  const fs::path dir = source_dir / "docs" / "examples" / "quickstart";
  auto c = compile_folder(dir, source_dir);
  CHECK(check_documents(*c, sorted_files(dir / "fixtures", ".json"), source_dir) > 0);
  CHECK(check_test_givens(*c, source_dir) > 0);
}

// ------------------------------------------------- fixed disagreements ---
//
// Found by the differential fuzzer: each was a bug of the compiler or VM per
// the docs, the reference interpreter deciding as the docs say. Each case
// must now decide the same both ways, on the value the docs give.

namespace {

struct Reproduction {
  const char* name;
  const char* rules;
  const char* facts;
  const char* key;       // the decision key the bug was in
  const char* expected;  // that key, in both decisions (compact JSON, errors without messages)
};

const Reproduction reproductions[] = {
    // 1. An output at the top of its join is settled: LANGUAGE.md, "settled
    //    when its value is known and no undetermined rule instance could
    //    raise it higher", and nothing is higher than the last member. The
    //    VM left it null when an undetermined instance would raise it to an
    //    unknown value (here `level`, missing).
    {"top-output-unsettled",
     "package known.top\n"
     "enum Level { low, high }\n"
     "facts {\n  g: bool\n  level: Level\n}\n"
     "output top: Level\n"
     "rule always { cite \"x\" then raise top to high }\n"
     "rule maybe { cite \"x\" when g then raise top to level }\n",
     "{}", "outputs", R"({"known.top.top":"high"})"},
    // 2. `x or true` was folded to `true` at compile time, so x was never
    //    evaluated: its division by zero went unreported (docs/language.md:
    //    division by zero "add[s] an evaluation error") and its reads were
    //    missing from `because`. Only a short-circuited *right* operand is
    //    skipped by the docs' Kleene evaluation.
    {"folded-left-operand",
     "package known.fold\n"
     "facts { z: int }\n"
     "rule r { cite \"x\" when (100 / z > 1) or true then warn \"w\" }\n"
     "rule big { cite \"x\" when z > 5 then warn \"big\" }\n",
     R"({"z": 0})", "errors", R"([{"kind":"evaluation","at":"folded-left-operand.rules:3:25"}])"},
    // The same for `and`: `x and false` still evaluates x, and reads `z`.
    {"folded-left-operand-and",
     "package known.fold\n"
     "facts { z: int }\n"
     "rule r { cite \"x\" when (100 / z > 1) and false then warn \"w\" }\n",
     R"({"z": 0})", "errors", R"([{"kind":"evaluation","at":"folded-left-operand-and.rules:3:25"}])"},
    // 3. A constant expression that overflows the range of a number was
    //    folded to infinity: docs/language.md, "Numbers past the range of a
    //    double (1e308 * 10) are unknown, with an evaluation error". The VM
    //    fired the rule and wrote the message as "grew to null".
    {"folded-number-overflow",
     "package known.overflow\n"
     "facts { on: bool = true }\n"
     "rule r { cite \"x\" when on and 1e308 * 10 > 1.0 then warn \"grew to ${1e308 * 10}\" }\n",
     "{}", "warnings", "[]"},
    // 4. Past the end of a facts list is a missing fact (docs/language.md,
    //    "Indexing past the end of a facts list ... reads a missing fact");
    //    the VM reported an index from 2^32 - 1 on as an evaluation error.
    {"huge-index",
     "package known.index\n"
     "facts {\n  xs: list<int>\n  i: int\n}\n"
     "rule r { cite \"x\" when xs[i] > 0 then warn \"w\" }\n",
     R"({"xs": [1], "i": 4294967295})", "missing",
     R"([{"path":"xs[4294967295]","rules":["known.index.r"]}])"},
    {"huge-index-max",
     "package known.index\n"
     "facts {\n  xs: list<int>\n  i: int\n}\n"
     "rule r { cite \"x\" when xs[i] > 0 then warn \"w\" }\n",
     R"({"xs": [1], "i": 9223372036854775807})", "missing",
     R"([{"path":"xs[9223372036854775807]","rules":["known.index.r"]}])"},
    // 5. (`${x}` of an unknown x outside a message is unknown: golden case
    //    36_interpolation_unknown.)
    // 6. floor and ceil are unknown "outside the int range" (the builtin
    //    table); the VM's range stopped at +-9.2e18, short of 2^63.
    {"rounding-range",
     "package known.rounding\n"
     "facts { x: number }\n"
     "output rounded: int = floor(x)\n",
     R"({"x": 9.21e18})", "outputs", R"({"known.rounding.rounded":9210000000000000000})"},
    {"rounding-range-edge",
     "package known.rounding\n"
     "facts { x: number }\n"
     "output rounded: int = ceil(x)\n",
     R"({"x": 9223372036854775808.0})", "outputs", R"({"known.rounding.rounded":null})"},
    // 7. (Not a decision: undefined behaviour the sanitizers reported. The
    //    VM's string membership compared two empty strings with
    //    memcmp(nullptr, nullptr, 0).)
    {"empty-string-membership",
     "package known.empty\n"
     "facts { s: string }\n"
     "output found: bool = s in [\"\", \"a\"]\n",
     R"({"s": ""})", "outputs", R"({"known.empty.found":true})"},
    // 9. (fuzz_eval) A sum is the left fold of `+`: the reference stopped at
    //    an overflow, dropping the missing facts of the later terms, and
    //    reported an overflow among the known terms after an unknown one.
    {"sum-overflow-then-missing",
     "package known.sum\n"
     "type Item { n: int }\n"
     "facts { items: list<Item> }\n"
     "output total: int = sum(i.n for i in items)\n",
     R"({"items": [{"n": -9223372036854775808}, {"n": -9223372036854775808}, {}]})", "missing",
     R"([{"path":"items[2].n","rules":["known.sum.total"]}])"},
    {"sum-missing-then-overflow",
     "package known.sum\n"
     "type Item { n: int }\n"
     "facts { items: list<Item> }\n"
     "output total: int = sum(i.n for i in items)\n",
     R"({"items": [{}, {"n": 9223372036854775807}, {"n": 1}]})", "errors", "[]"},
    // 8. A set holds each element once, and -0.0 == 0.0: the facts loader
    //    and the VM agreed, but a constant set literal kept both.
    {"signed-zero-set",
     "package known.zero\n"
     "facts { xs: set<number> = {} }\n"
     "output constant: int = len({-0.0, 0.0})\n"
     "output loaded: int = len(xs)\n",
     R"({"xs": [0.0, -0.0]})", "outputs", R"({"known.zero.constant":1,"known.zero.loaded":1})"},
    // 10. (fuzz_diff) A const declared `number` is a number even when its
    //    value is written as an int: `-C` of `C: number = 1 - 1` is -0.0.
    //    The compiler folded it as the int 0, negated that, and only then
    //    made it a number: 0.0.
    {"number-const-written-as-int",
     "package known.negzero\n"
     "facts { f: bool = true }\n"
     "const C: number = 1 - 1\n"
     "output text: string = \"${-C}\"\n",
     "{}", "outputs", R"({"known.negzero.text":"-0"})"},
};

json without_messages(json value) {
  if (value.is_array()) {
    for (json& e : value) {
      if (e.is_object() && e.contains("kind")) e.erase("message");
    }
  }
  return value;
}

}  // namespace

TEST_CASE("the disagreements the fuzzer found stay fixed", "[reference]") {
  for (const Reproduction& r : reproductions) {
    INFO(r.name);
    auto c = compile_text(std::string(r.name) + ".rules", r.rules);
    json document = json::parse(r.facts);
    lang::ReferenceOptions options = golden_options();
    json reference = lang::reference_decide(*c->program, c->sources, document, options);
    json vm = lang::vm_decide(c->exe, document, options);
    lang::DecisionComparison comparison = lang::compare_decisions(reference, vm);
    INFO(comparison.summary);
    CHECK(comparison.agree());
    CHECK(without_messages(reference[r.key]) == json::parse(r.expected));
    CHECK(without_messages(vm[r.key]) == json::parse(r.expected));
  }
}
