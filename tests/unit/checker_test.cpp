// The semantic checker: one small program per diagnostic (code, line:col,
// key words of the message), valid programs that must check clean, the
// annotations the compiler relies on, and robustness on partial trees.
#include <catch2/catch.hpp>

#include <fmt/core.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "lang/checker.hpp"
#include "lang/parser.hpp"
#include "lang/regex_syntax.hpp"
#include "lang/render.hpp"
#include "lang/types.hpp"

using namespace precept::lang;

namespace {

struct Checked {
  SourceSet sources;
  Diagnostics diags;
  std::unique_ptr<Program> program;

  std::string listing() const {
    std::string s;
    for (const Diagnostic& d : diags.all()) s += render_brief(d, sources) + "\n";
    return s;
  }
};

// Raw strings start with a newline so that the program reads naturally;
// drop it so that `package` is on line 1.
std::string trim(std::string text) {
  if (!text.empty() && text.front() == '\n') text.erase(0, 1);
  return text;
}

// Unit tests read no files unless they say so.
CheckOptions no_files(bool lints = true) {
  CheckOptions o;
  o.lints = lints;
  o.read_given_files = false;
  return o;
}

std::unique_ptr<Checked> check_files(std::vector<std::pair<std::string, std::string>> files,
                                     CheckOptions options = no_files()) {
  auto c = std::make_unique<Checked>();
  std::vector<std::unique_ptr<Module>> modules;
  for (auto& [path, text] : files) {
    FileId id = c->sources.add(path, trim(text));
    auto module = parse_module(c->sources, id, c->diags);
    INFO("parse errors:\n" << c->listing());
    REQUIRE(module != nullptr);
    modules.push_back(std::move(module));
  }
  REQUIRE(!c->diags.has_errors());
  c->program = check_program(std::move(modules), c->sources, c->diags, options);
  return c;
}

std::unique_ptr<Checked> check_text(std::string text, CheckOptions options = no_files()) {
  return check_files({{"test.rules", std::move(text)}}, options);
}

// The diagnostic of `code` at line:col whose message holds every word.
const Diagnostic* find(const Checked& c, DiagCode code, std::uint32_t line, std::uint32_t col,
                       std::initializer_list<const char*> words = {}) {
  for (const Diagnostic& d : c.diags.all()) {
    if (d.code != code) continue;
    LineCol at = c.sources.locate(d.span);
    if (at.line != line || at.column != col) continue;
    bool all = true;
    for (const char* w : words) all = all && d.message.find(w) != std::string::npos;
    if (all) return &d;
  }
  return nullptr;
}

void require_diag(const Checked& c, DiagCode code, std::uint32_t line, std::uint32_t col,
                  std::initializer_list<const char*> words = {}) {
  INFO("looking for [" << code_name(code) << "] at " << line << ":" << col << " in:\n"
                       << c.listing());
  CHECK(find(c, code, line, col, words) != nullptr);
}

void require_clean(const Checked& c) {
  INFO(c.listing());
  CHECK(c.diags.all().empty());
}

std::size_t count(const Checked& c, DiagCode code) {
  std::size_t n = 0;
  for (const Diagnostic& d : c.diags.all()) n += d.code == code ? 1 : 0;
  return n;
}

// A schema most tests share (lines 1-24).
const char* schema = R"~(
package demo

enum Classification { public, internal, confidential, restricted }
enum Scope { consumer_app = 1, enterprise_app = 2, pretrained_model = 3 }
enum RiskTier { out_of_scope, minimal, limited, high, prohibited }

type Dataset {
  name: string
  classification: Classification
  tags: set<string> = {}
  residency: string?
  rows: int = 0
}

type Model { general_purpose: bool = false
  flops: number }

facts {
  data: list<Dataset> = []
  scope: Scope
  placed_on_market: date
  model: Model?
}
)~";

// The rest of the program starts on line 25.
std::string with_schema(const char* rest) { return trim(schema) + "\n" + trim(rest); }

}  // namespace

// ------------------------------------------------------------ types ---

TEST_CASE("types are interned and described", "[checker]") {
  TypeTable t;
  CHECK(t.list(t.string()) == t.list(t.string()));
  CHECK(t.optional(t.optional(t.integer())) == t.optional(t.integer()));
  CHECK(t.list(t.error()) == t.error());
  CHECK(describe(t.set(t.string())) == "set<string>");
  CHECK(describe(t.optional(t.list(t.date()))) == "list<date>?");
  CHECK(describe(t.list(t.nothing())) == "empty list");
  CHECK(assignable(t.number(), t.integer()));
  CHECK_FALSE(assignable(t.integer(), t.number()));
  CHECK(assignable(t.optional(t.string()), t.none()));
  CHECK(assignable(t.optional(t.string()), t.string()));
  CHECK_FALSE(assignable(t.string(), t.optional(t.string())));
  CHECK(assignable(t.set(t.string()), t.set(t.nothing())));
  CHECK(join(t, t.integer(), t.number()) == t.number());
  CHECK(join(t, t.none(), t.string()) == t.optional(t.string()));
  CHECK(join(t, t.string(), t.integer()) == nullptr);
}

TEST_CASE("ISO dates are parsed strictly", "[checker]") {
  CHECK(parse_iso_date("1970-01-01") == 0);
  CHECK(parse_iso_date("2026-08-02").has_value());
  CHECK(parse_iso_date("2024-02-29").has_value());
  CHECK_FALSE(parse_iso_date("2026-02-29").has_value());
  CHECK_FALSE(parse_iso_date("2026-02-30").has_value());
  CHECK_FALSE(parse_iso_date("2026-8-2").has_value());
  CHECK_FALSE(parse_iso_date("2026-13-01").has_value());
  CHECK_FALSE(parse_iso_date("2026-08-02T00:00").has_value());
  CHECK(*parse_iso_date("2026-08-03") - *parse_iso_date("2026-08-02") == 1);
}

TEST_CASE("regular expressions are validated with RE2 syntax", "[checker]") {
  for (const char* ok : {"^[A-Z]{2}$", "a|b", "(?:ab)+?", "(?i)abc", "(?P<x>a)", "\\d+\\.\\d*",
                         "[a-z0-9_-]", "x{1,3}", "\\x41", "[[:alpha:]]", "a{", ""}) {
    INFO(ok);
    CHECK_FALSE(regex_syntax_error(ok).has_value());
  }
  for (const char* bad : {"(a", "a)", "[a", "*a", "a**", "(?=a)", "(a)\\1", "a{3,1}", "\\q",
                          "x{1001}", "[z-a]", "\\"}) {
    INFO(bad);
    CHECK(regex_syntax_error(bad).has_value());
  }
}

// ------------------------------------------------------------ names ---

TEST_CASE("undefined names suggest a name in scope", "[checker]") {
  auto c = check_text(with_schema(R"~(
rule r {
  cite "x"
  for d in data
  when d.rows > 0 and dta == []
  then deny "x"
}
)~"));
  require_diag(*c, DiagCode::undefined_name, 28, 23,
               {"undefined name `dta`", "did you mean `data`?"});
}

TEST_CASE("unknown fields name the type and suggest the field", "[checker]") {
  auto c = check_text(with_schema(R"~(
rule r {
  cite "x"
  for d in data
  when d.clasification == public
  then deny "x"
}
)~"));
  require_diag(*c, DiagCode::unknown_field, 28, 10,
               {"unknown field `clasification` on type `Dataset`; did you mean `classification`?"});
  CHECK(c->diags.error_count() == 1);  // no cascade from the comparison
}

TEST_CASE("unknown types suggest a type", "[checker]") {
  auto c = check_text(R"~(
package demo
type Dataset { name: string }
facts {
  data: list<Datset> = []
  n: strin
}
)~");
  require_diag(*c, DiagCode::unknown_type, 4, 14,
               {"unknown type `Datset`", "did you mean `Dataset`?"});
  require_diag(*c, DiagCode::unknown_type, 5, 6, {"`strin`", "did you mean `string`?"});
}

TEST_CASE("types of other packages need an import", "[checker]") {
  auto c = check_files({{"schema.rules", R"~(
package schema.ai
type Dataset { name: string }
)~"},
                        {"user.rules", R"~(
package user
def f(d: Dataset): bool = d.name == ""
)~"}});
  require_diag(*c, DiagCode::unknown_type, 2, 10, {"unknown type `Dataset`"});
  const Diagnostic* d = find(*c, DiagCode::unknown_type, 2, 10);
  REQUIRE(d != nullptr);
  REQUIRE(d->notes.size() == 1);
  CHECK(d->notes[0].message.find("package `schema.ai`, which this file does not import") !=
        std::string::npos);
}

TEST_CASE("unknown imports: packages and selected names", "[checker]") {
  auto c = check_files({{"eu.rules", R"~(
package std.eu
const eea: set<string> = {"DE"}
const adequate: set<string> = {"CH"}
)~"},
                        {"user.rules", R"~(
package user
import std.eu.{eea, adequat}
import schema.aii
import std.eu.eea
rule r { cite "x" when "DE" in eea then deny "x" }
)~"}});
  require_diag(*c, DiagCode::unknown_import, 2, 21,
               {"package `std.eu` has no declaration `adequat`", "did you mean `adequate`?"});
  require_diag(*c, DiagCode::unknown_import, 3, 8, {"unknown package `schema.aii`"});
  require_diag(*c, DiagCode::unknown_import, 4, 8,
               {"unknown package `std.eu.eea`; to import a name, write `import std.eu.{eea}`"});
}

TEST_CASE("the three import forms and full package names resolve", "[checker]") {
  auto c = check_files({{"schema.rules", R"~(
package schema.ai
enum Classification { public, internal }
type Dataset {
  name: string
  classification: Classification
  tags: set<string> = {}
}
facts { data: list<Dataset> = [] }
def personal(d: Dataset): bool = d.tags intersects {"pii"}
output tier: Classification = public
)~"},
                        {"eu.rules", R"~(
package std.eu
const eea: set<string> = {"DE"}
const adequate: set<string> = {"CH"}
)~"},
                        {"text.rules", R"~(
package std.text
def blank(s: string): bool = s == ""
)~"},
                        {"user.rules", R"~(
package user.rules
import schema.ai
import std.eu.{eea}
import std.text as t
def uses(d: ai.Dataset): bool =
  ai.personal(d) and schema.ai.personal(d) and not t.blank(d.name)
  and (d.name in eea or d.name in std.eu.adequate)
  and d.classification == ai.Classification.internal
rule r {
  cite "x"
  for d in data
  when uses(d) and d.classification == internal
  then raise ai.tier to internal
}
)~"}});
  require_clean(*c);
  const Program::Output* tier = c->program->find_output("schema.ai.tier");
  REQUIRE(tier != nullptr);
  CHECK(tier->raised);
}

TEST_CASE("a fact and an import alias may share a name", "[checker]") {
  auto c = check_files({{"persons.rules", R"~(
package registry.persons
type Person { age: int }
facts { persons: list<Person> = [] }
)~"},
                        {"sites.rules", R"~(
package registry.sites
import registry.persons
def adult(p: persons.Person): bool = p.age >= 18
rule r { cite "x" when some p in persons: adult(p) then warn "x" }
)~"}});
  require_clean(*c);
}

TEST_CASE("duplicate declarations and rules point at the first", "[checker]") {
  auto c = check_text(R"~(
package demo
const A = 1
def A(): int = 2
rule r { cite "x" when A > 0 then deny "x" }
rule r { cite "x" then deny "y" }
enum E { a, b, a }
)~");
  require_diag(*c, DiagCode::duplicate_declaration, 3, 5,
               {"`A` is already declared in package `demo`"});
  const Diagnostic* d = find(*c, DiagCode::duplicate_declaration, 3, 5);
  REQUIRE(d != nullptr);
  REQUIRE(d->notes.size() == 1);
  CHECK(c->sources.locate(d->notes[0].span).line == 2);
  require_diag(*c, DiagCode::duplicate_rule, 5, 6, {"rule `r` is already declared"});
  require_diag(*c, DiagCode::duplicate_declaration, 6, 16, {"enum `E` already has a member `a`"});
}

TEST_CASE("duplicate fields, with-keys and enum codes", "[checker]") {
  auto c = check_text(R"~(
package demo
type T {
  a: int
  a: string
}
enum M { no_mechanism = "none", none_ = "none", x = 1, y = 1 }
facts { t: T }
rule r {
  cite "x"
  then require oversight.checkpoint with { stage: "pre", stage: "post" }
}
)~");
  require_diag(*c, DiagCode::duplicate_field, 4, 3, {"type `T` already has a field `a`"});
  require_diag(*c, DiagCode::duplicate_declaration, 6, 33,
               {"`\"none\"`", "already means `no_mechanism`"});
  require_diag(*c, DiagCode::duplicate_declaration, 6, 56, {"`1`", "already means `x`"});
  require_diag(*c, DiagCode::duplicate_field, 10, 58, {"`stage` is already given"});
}

TEST_CASE("facts blocks merge; a field with two types or defaults conflicts", "[checker]") {
  auto c = check_files({{"a.rules", R"~(
package a
facts {
  region: string
  count: int = 0
  flag: bool = false
}
)~"},
                        {"b.rules", R"~(
package b
facts {
  region: int
  count: int = 1
  flag: bool = false
  extra: string
}
)~"}});
  require_diag(*c, DiagCode::conflicting_fact, 3, 11,
               {"fact `region` is declared here as `int` but as `string` in package `a`"});
  require_diag(*c, DiagCode::conflicting_fact, 4, 3, {"`count`", "different default"});
  CHECK(count(*c, DiagCode::conflicting_fact) == 2);
  const Type* facts = c->program->facts();
  REQUIRE(facts->fields.size() == 4);
  CHECK(facts->fields[3].name == "extra");
}

TEST_CASE("bare enum members: expected type, unique, ambiguous, unknown", "[checker]") {
  auto c = check_text(R"~(
package demo
enum Classification { public, internal, confidential }
enum Audience { public, staff }
facts {
  level: Classification
  audience: Audience
}
const UNIQUE = staff
rule r {
  cite "x"
  when level == public and public == audience and audience != UNIQUE
   and level in {internal, confidential} and level != confidentail
  then warn "x"
}
rule s { cite "x" when public == public then warn "y" }
rule t { cite "x" when level == Classification.secret then warn "z" }
)~");
  require_diag(
      *c, DiagCode::unknown_enum_member, 12, 55,
      {"`confidentail` is not a member of `Classification`", "did you mean `confidential`?"});
  require_diag(
      *c, DiagCode::ambiguous_enum_member, 15, 24,
      {"`public` is a member of `Classification` and `Audience`", "`Classification.public`"});
  require_diag(*c, DiagCode::unknown_enum_member, 16, 48,
               {"`Classification` has no member `secret`"});
  CHECK(c->diags.error_count() == 4);
}

TEST_CASE("types, packages, functions and outputs are not values", "[checker]") {
  auto c = check_files({{"lib.rules", R"~(
package lib
def f(): bool = true
)~"},
                        {"main.rules", R"~(
package main
import lib
enum E { a }
output o: bool = false
rule r {
  cite "x"
  when E or lib or lib.f or o
  then warn "x"
}
)~"}});
  require_diag(*c, DiagCode::not_a_value, 7, 8, {"`E` is a type", "`E.a`"});
  require_diag(*c, DiagCode::not_a_value, 7, 13, {"`lib` is a package"});
  require_diag(*c, DiagCode::not_a_value, 7, 20, {"`lib.f` is a function"});
  require_diag(*c, DiagCode::not_a_value, 7, 29, {"`o` is an output"});
}

TEST_CASE("a file without a package is reported", "[checker]") {
  auto c = check_text("const X = 1\n", no_files(false));
  require_diag(*c, DiagCode::missing_package, 1, 1, {"`package"});
}

// ------------------------------------------------------------ cycles ---

TEST_CASE("def call cycles are reported at the call that closes them", "[checker]") {
  auto c = check_text(R"~(
package demo
def a(x: int): int = b(x) + 1
def b(x: int): int = a(x)
def c(x: int): int = c(x)
rule r { cite "x" when a(1) > c(2) then deny "x" }
)~");
  require_diag(*c, DiagCode::def_cycle, 3, 22, {"`a` calls itself", "a -> b -> a"});
  require_diag(*c, DiagCode::def_cycle, 4, 22, {"c -> c"});
  CHECK(count(*c, DiagCode::def_cycle) == 2);
}

TEST_CASE("record types that contain themselves", "[checker]") {
  auto c = check_text(R"~(
package demo
type A { b: B }
type B { a: A }
type Tree { children: list<Tree>
  parent: Tree? }
facts { a: A }
)~");
  require_diag(*c, DiagCode::type_cycle, 2, 10, {"type `A` contains itself", "A -> B -> A"});
  CHECK(count(*c, DiagCode::type_cycle) == 1);
}

// ------------------------------------------------------------ types ---

TEST_CASE("type mismatches name the culprit and the expectation", "[checker]") {
  auto c = check_text(with_schema(R"~(
const LIMIT: string = 3
def f(d: Dataset): int = d.name
rule r {
  cite "x"
  for d in data
  when d.rows + "a" == 1 and d.name == 3 and [1, "a"] == []
   and (if d.rows > 1 then 1 else "x") == 1 and d.classification == "public"
  then deny "x"
}
)~"));
  require_diag(*c, DiagCode::type_mismatch, 25, 23,
               {"`3` is `int`", "const `LIMIT` must be `string`"});
  require_diag(*c, DiagCode::type_mismatch, 26, 26,
               {"`d.name` is `string`", "result of `f` must be `int`"});
  require_diag(*c, DiagCode::type_mismatch, 30, 17,
               {"`+` needs two numbers or two strings, but `\"a\"` is `string`"});
  require_diag(*c, DiagCode::type_mismatch, 30, 40, {"`3` is `int`, but `d.name` is `string`"});
  require_diag(*c, DiagCode::type_mismatch, 30, 50, {"must share one type"});
  require_diag(*c, DiagCode::type_mismatch, 31, 35, {"the branches of `if` differ"});
  require_diag(*c, DiagCode::type_mismatch, 31, 69,
               {"`\"public\"` is `string`, but `d.classification` is `Classification`",
                "write the member bare: `public`"});
}

TEST_CASE("int promotes to number; int / int is a number", "[checker]") {
  auto c = check_text(with_schema(R"~(
const HALF: number = 1 / 2
const N: int = 7 / 2
rule r {
  cite "x"
  for d in data
  when d.rows * 2.5 > 1 and (model.flops ?? 0) > d.rows and HALF < 1
  then deny "x"
}
)~"));
  require_diag(*c, DiagCode::type_mismatch, 26, 16, {"`7 / 2` is `number`", "must be `int`"});
  CHECK(c->diags.error_count() == 1);
}

TEST_CASE("conditions must be bool", "[checker]") {
  auto c = check_text(with_schema(R"~(
rule r {
  cite "x"
  for d in data
  when d.rows
  unless d.name
  then deny "x"
}
rule s { cite "x" when some d in data: d.rows then warn "${if scope then 1 else 2}" }
)~"));
  require_diag(*c, DiagCode::non_boolean_condition, 28, 8,
               {"the `when` condition must be `bool`", "`d.rows` is `int`"});
  require_diag(*c, DiagCode::non_boolean_condition, 29, 10, {"`unless`", "`string`"});
  require_diag(*c, DiagCode::non_boolean_condition, 32, 40, {"body of `some`"});
  require_diag(*c, DiagCode::non_boolean_condition, 32, 63, {"`if` condition", "`Scope`"});
}

TEST_CASE("optional values need ?? or present", "[checker]") {
  auto c = check_text(with_schema(R"~(
def up(s: string): string = upper(s)
rule r {
  cite "x"
  for d in data
  when d.residency in {"DE"} and d.residency + "x" == "y" and up(d.residency) == ""
   and d.residency == "DE" and d.residency != none and present(d.residency)
   and (d.residency ?? "") in {"DE"} and model.general_purpose and present(model)
  then deny "${d.residency}"
}
)~"));
  require_diag(*c, DiagCode::optional_misuse, 29, 8,
               {"`d.residency` is optional (`string?`); use `??` or `present(...)`"});
  require_diag(*c, DiagCode::optional_misuse, 29, 34, {"`d.residency`"});
  require_diag(*c, DiagCode::optional_misuse, 29, 66, {"`d.residency`"});
  require_diag(*c, DiagCode::optional_misuse, 32, 16, {"`d.residency`"});
  CHECK(c->diags.error_count() == 4);
}

TEST_CASE("enums compare by order only with the same enum", "[checker]") {
  auto c = check_text(with_schema(R"~(
rule r {
  cite "x"
  for d in data
  when d.classification >= confidential and d.classification < scope
   and max(x.classification for x in data, default public) > internal
  then deny "x"
}
)~"));
  require_diag(*c, DiagCode::enum_mismatch, 28, 45,
               {"cannot compare `Classification` with `Scope`"});
  CHECK(c->diags.error_count() == 1);
}

TEST_CASE("date literals are parsed where a date is expected", "[checker]") {
  auto c = check_text(with_schema(R"~(
const START: date = "2026-08-02"
const BAD: date = "2026-02-30"
rule r {
  cite "x"
  when placed_on_market >= "2026-8-2" and placed_on_market < START
   and days_between(placed_on_market, "2027-01-01") > 0 and now() > BAD
   and placed_on_market in {"2026-01-01", "2026-02-31"}
  then deny "x"
}
)~"));
  require_diag(*c, DiagCode::invalid_date, 26, 19,
               {"`2026-02-30` is not a valid date", "YYYY-MM-DD"});
  require_diag(*c, DiagCode::invalid_date, 29, 28, {"`2026-8-2`"});
  require_diag(*c, DiagCode::invalid_date, 31, 43, {"`2026-02-31`"});
  CHECK(c->diags.error_count() == 3);
}

TEST_CASE("values without an order cannot be ordered", "[checker]") {
  auto c = check_text(with_schema(R"~(
rule r {
  cite "x"
  for d in data
  when true > false and d.tags < d.tags and max(x.tags for x in data, default {}) == {}
   and some e in data: e == d
  then deny "x"
}
)~"));
  require_diag(*c, DiagCode::not_comparable, 28, 8, {"`true` is `bool`, which has no order"});
  require_diag(*c, DiagCode::not_comparable, 28, 25, {"`d.tags`"});
  require_diag(*c, DiagCode::not_comparable, 28, 49, {"`max` needs values with an order"});
  require_diag(*c, DiagCode::not_comparable, 29, 24, {"records cannot be compared"});
}

TEST_CASE("for, quantifiers and aggregates range over collections", "[checker]") {
  auto c = check_text(with_schema(R"~(
rule r {
  cite "x"
  for d in scope
  for m in model
  when every x in placed_on_market: true and count(x in 3 where true) > 0
  then deny "x"
}
)~"));
  require_diag(*c, DiagCode::not_iterable, 27, 12,
               {"`for` ranges over a list or a set", "`scope` is `Scope`"});
  require_diag(*c, DiagCode::optional_misuse, 28, 12, {"`model` is optional (`Model?`)"});
  require_diag(*c, DiagCode::not_iterable, 29, 19, {"`every`"});
  require_diag(*c, DiagCode::not_iterable, 29, 57, {"`count`"});
}

TEST_CASE("calls: arity, argument types, unknown functions", "[checker]") {
  auto c = check_text(with_schema(R"~(
def personal(d: Dataset): bool = d.tags intersects {"pii"}
rule r {
  cite "x"
  for d in data
  when personal(d, 1) and personal(3) and starts_with(d.name) and lenn(d.tags) > 0
   and d.name(1) and abs("x") > 0
  then deny "x"
}
)~"));
  require_diag(*c, DiagCode::wrong_arity, 29, 8,
               {"`personal` takes 1 argument, but 2 arguments were given"});
  require_diag(*c, DiagCode::type_mismatch, 29, 36,
               {"`3` is `int`", "argument 1 of `personal` must be `Dataset`"});
  require_diag(*c, DiagCode::wrong_arity, 29, 43,
               {"`starts_with` takes 2 arguments, but 1 argument was given"});
  require_diag(*c, DiagCode::unknown_function, 29, 67,
               {"unknown function `lenn`", "did you mean `len`?"});
  require_diag(*c, DiagCode::unknown_function, 30, 8, {"`d.name` is a value, not a function"});
  require_diag(*c, DiagCode::type_mismatch, 30, 26, {"`abs` needs a number"});
}

TEST_CASE("max and min need a default", "[checker]") {
  auto c = check_text(with_schema(R"~(
output most: Classification = max(d.classification for d in data)
output fewest: int = min(d.rows for d in data where d.rows > 0, default "none")
output total: int = sum(d.rows for d in data) + count(d in data where d.rows > 1)
)~"));
  require_diag(*c, DiagCode::missing_default, 25, 31, {"`max` needs a `default`"});
  require_diag(*c, DiagCode::type_mismatch, 26, 73, {"the default `\"none\"` is `string`"});
  CHECK(c->diags.error_count() == 2);
}

TEST_CASE("raise needs a joinable output and a value of its type", "[checker]") {
  auto c = check_text(with_schema(R"~(
output name: string = "x"
output tier: RiskTier = minimal
output tags: set<string> = {}
rule r {
  cite "x"
  for d in data
  then
    raise name to "y"
    raise tier to 3
    raise tierr to high
    raise scope to consumer_app
    raise tags to d.tags
}
)~"));
  require_diag(*c, DiagCode::not_joinable, 32, 11,
               {"`raise` needs an output whose type can be joined; `name` is `string`"});
  require_diag(*c, DiagCode::type_mismatch, 33, 19,
               {"the value raised to `tier` must be `RiskTier`"});
  require_diag(*c, DiagCode::unknown_output, 34, 11,
               {"unknown output `tierr`", "did you mean `tier`?"});
  require_diag(*c, DiagCode::unknown_output, 35, 11, {"`scope` is not an output"});
  CHECK(c->diags.error_count() == 4);
}

TEST_CASE("literal regular expressions are checked", "[checker]") {
  auto c = check_text(with_schema(R"~(
const PATTERN = "^[a-z"
rule r {
  cite "x"
  for d in data
  when matches(d.name, "(ab") or matches(d.name, PATTERN) or matches(d.name, d.name)
  then deny "x"
}
)~"));
  require_diag(*c, DiagCode::invalid_regex, 29, 24,
               {"invalid regular expression `(ab`: missing `)`"});
  require_diag(*c, DiagCode::invalid_regex, 29, 50, {"`^[a-z`", "missing `]`"});
  CHECK(c->diags.error_count() == 2);
}

TEST_CASE("consts must be compile-time constants", "[checker]") {
  auto c = check_text(with_schema(R"~(
const A = len(data)
const B = C + 1
const C = B + 1
const D: date = now()
const E = {}
const F: set<Classification> = {public, restricted}
rule r { cite "x" when A > B and C > 0 and now() > D and len(E) == 0 and public in F then deny "x" }
)~"));
  require_diag(*c, DiagCode::not_constant, 25, 15,
               {"`data` is a fact, but the value of const `A` must be known at compile time"});
  require_diag(*c, DiagCode::not_constant, 26, 7, {"depends on its own value"});
  require_diag(*c, DiagCode::not_constant, 28, 17, {"`now()`"});
  require_diag(*c, DiagCode::type_mismatch, 29, 11, {"cannot be inferred"});
}

TEST_CASE("interpolation and messages", "[checker]") {
  auto c = check_text(with_schema(R"~(
rule r {
  cite "x"
  for d in data
  then
    deny "${d.name} ${d.rows} ${d.classification} ${placed_on_market} ${d.residency ?? "?"}"
    review "${d}"
    warn "${d.residency}"
}
)~"));
  require_diag(*c, DiagCode::type_mismatch, 30, 15, {"only `bool`", "`d` is `Dataset`"});
  require_diag(*c, DiagCode::optional_misuse, 31, 13, {"`d.residency`"});
  CHECK(c->diags.error_count() == 2);
}

// ------------------------------------------------------------ tests ---

TEST_CASE("test blocks: given, expectations", "[checker]") {
  auto c = check_text(with_schema(R"~(
output tier: RiskTier = minimal
rule minor {
  cite "x"
  for d in data
  when d.rows > 1
  then
    deny "x"
    require transparency.disclose_ai
    raise tier to high
}
test "t" {
  given {
    data: [{ name: "a", classification: "secret", rows: "many", clasification: "public" }]
    scope: 9
    placed_on_market: "2026-02-30"
    modle: {}
  }
  expect deny minr
  expect deny demo.minor
  expect no deny nothere.*
  expect require transparency.disclose_aj
  expect tierr == high
  expect tier == hihg
  expect missing data[0].nme
  expect outcome alow
}
test "overrides" {
  given file "fixture.json" with { data[0].rows: "x", workload.scope: 1, scope: "pretrained_model" }
  expect deny demo.*
  expect tier == none
  expect missing model.flops
}
)~"));
  require_diag(*c, DiagCode::invalid_given, 37, 41,
               {"`secret` is not a member of `Classification`", "`data[0].classification`"});
  require_diag(*c, DiagCode::invalid_given, 37, 57,
               {"`data[0].rows` must be an `int`", "`\"many\"`"});
  require_diag(
      *c, DiagCode::unknown_field, 37, 65,
      {"unknown field `clasification` on type `Dataset`", "did you mean `classification`?"});
  require_diag(*c, DiagCode::invalid_given, 38, 12,
               {"`9` is not the code of any member of `Scope`"});
  require_diag(*c, DiagCode::invalid_date, 39, 23, {"`2026-02-30`", "`placed_on_market`"});
  require_diag(*c, DiagCode::unknown_field, 40, 5,
               {"unknown fact `modle`", "did you mean `model`?"});
  require_diag(*c, DiagCode::unknown_rule, 42, 15,
               {"unknown rule `minr`", "did you mean `minor`?"});
  require_diag(*c, DiagCode::unknown_rule, 44, 18, {"no rule id starts with `nothere.`"});
  require_diag(
      *c, DiagCode::unknown_obligation, 45, 18,
      {"no rule requires `transparency.disclose_aj`", "did you mean `transparency.disclose_ai`?"});
  require_diag(*c, DiagCode::unknown_output, 46, 10,
               {"unknown output `tierr`", "did you mean `tier`?"});
  require_diag(*c, DiagCode::unknown_enum_member, 47, 18, {"did you mean `high`?"});
  require_diag(*c, DiagCode::unknown_field, 48, 26, {"unknown field `nme` on type `Dataset`"});
  require_diag(*c, DiagCode::invalid_outcome, 49, 18,
               {"`alow` is not an outcome", "did you mean `allow`?"});
  require_diag(*c, DiagCode::invalid_given, 52, 50, {"`data[0].rows` must be an `int`"});
  require_diag(*c, DiagCode::unknown_field, 52, 55, {"unknown fact `workload`"});
  CHECK(c->diags.error_count() == 15);

  // What the harness needs, resolved.
  const auto& tests = c->program->tests();
  REQUIRE(tests.size() == 2);
  const auto& expects = tests[0].test->expects;
  CHECK(expects[1].resolved_target == "demo.minor");
  const auto& more = tests[1].test->expects;
  CHECK(more[0].resolved_target == "demo.");
  CHECK(more[1].resolved_target == "demo.tier");
  CHECK(more[1].target_ref.kind == RefKind::output);
}

TEST_CASE("a given file that cannot be read is reported", "[checker]") {
  CheckOptions options;
  options.read_given_files = true;
  auto c = check_text(R"~(
package demo
facts { n: int }
test "t" {
  given file "no/such/fixture.json"
  expect complete
}
)~",
                      options);
  require_diag(*c, DiagCode::given_file, 4, 14, {"cannot read", "`no/such/fixture.json`"});
}

// ------------------------------------------------------------ lints ---

TEST_CASE("lints: cites, unused declarations, constant conditions", "[checker]") {
  const char* text = R"~(
package lib
const USED = 1
def helper(): bool = true
)~";
  const char* main = R"~(
package main
import lib
import lib as unused_alias
rule r {
  for d in data
  let x = 1
  when 1 == USED_HERE
  then deny "x"
}
rule s { cite "x" when true then warn "y" }
rule t { cite "x" unless false then warn "z" }
const USED_HERE = 1
const NEVER = 2
def never(): bool = false
facts { data: list<int> = [] }
)~";
  auto c = check_files({{"lib.rules", text}, {"main.rules", main}});
  require_diag(*c, DiagCode::missing_cite, 4, 6, {"rule `r` has no `cite`"});
  require_diag(*c, DiagCode::unused_binding, 5, 7, {"`for` variable `d` is never used"});
  require_diag(*c, DiagCode::unused_binding, 6, 7, {"`let` variable `x`"});
  require_diag(*c, DiagCode::constant_condition, 7, 8, {"the `when` condition is always true"});
  require_diag(*c, DiagCode::constant_condition, 10, 24, {"always true"});
  require_diag(*c, DiagCode::constant_condition, 11, 26, {"`unless` condition is always false"});
  require_diag(*c, DiagCode::unused_const, 13, 7, {"const `NEVER` is never used"});
  require_diag(*c, DiagCode::unused_def, 14, 5, {"def `never` is never called"});
  require_diag(*c, DiagCode::unused_const, 2, 7, {"`USED`"});
  require_diag(*c, DiagCode::unused_def, 3, 5, {"`helper`"});
  require_diag(*c, DiagCode::unused_import, 2, 1, {"import `lib` is never used"});
  require_diag(*c, DiagCode::unused_import, 3, 1, {"import `lib` is never used"});
  CHECK(c->diags.warning_count() == 12);
  CHECK(c->diags.error_count() == 0);

  auto quiet = check_files({{"lib.rules", text}, {"main.rules", main}}, no_files(false));
  CHECK(quiet->diags.warning_count() == 0);
}

TEST_CASE("library packages are exempt from unused-declaration lints", "[checker]") {
  auto c = check_text(R"~(
package std.eu
const eea: set<string> = {"DE"}
def inside(c: string): bool = c in eea
)~");
  require_clean(*c);
}

// ------------------------------------------------------- valid programs ---

namespace {

// The fact model of FACTS.md, trimmed, and the rules of LANGUAGE.md.
const char* realistic_schema = R"~(
package schema.ai

/// Ordered: declaration order is the order used by < > max min.
enum Classification { public, internal, confidential, restricted }
enum Scope { consumer_app = 1, enterprise_app = 2, pretrained_model = 3,
             fine_tuned_model = 4, self_trained_model = 5 }
enum TransferMechanism { no_mechanism = "none", scc, bcr, dpf, adequacy }
enum RiskTier { out_of_scope, minimal, limited, high, prohibited }
enum Stage { pre_decision, post_decision, monitoring }

type Dataset {
  name: string
  classification: Classification
  tags: set<string> = {}
  residency: string?
  residency_constraint: set<string> = {}
  used_for: set<string> = {}
  training_necessity_documented: bool = false
}

type Workload {
  name: string
  scope: Scope
  org_country: string
  eu_market: bool
  capabilities: set<string> = {}
  setting: string = "other"
  medical_or_safety_purpose: bool = false
  use_cases: set<string>
  placed_on_market: date?
}

type Model {
  provider: string
  general_purpose: bool
  training_compute_flops: number
  commission_designated_systemic: bool = false
  agreement_max_classification: Classification
}

type Checkpoint {
  stage: Stage
  approver_role: string
  can_override: bool = false
  min_approvers: int = 1
}

type Oversight { checkpoints: list<Checkpoint> = [] }

facts {
  workload: Workload
  data: list<Dataset> = []
  model: Model?
  oversight: Oversight?
  processing_regions: list<string> = []
  processing_countries: set<string> = {}
  transfer_mechanism: TransferMechanism?
}

const SYSTEMIC_RISK_FLOPS = 1e25

/// Personal data in the GDPR sense, including special categories.
def personal(d: Dataset): bool =
  d.tags intersects {"pii", "phi", "special_category", "children"}

output tier: RiskTier = out_of_scope
output systemic_risk: bool =
  model.general_purpose and model.training_compute_flops > SYSTEMIC_RISK_FLOPS
)~";

const char* realistic_eu = R"~(
package std.eu
const eea: set<string> = {"AT", "DE", "FR", "IT", "IS", "LI", "NO"}
const adequate: set<string> = {"CH", "GB", "JP"}
)~";

const char* realistic_rules = R"~(
package euaia.prohibited

import schema.ai
import std.eu.{eea, adequate}
import std.text as t

/// Emotion recognition at work or in education is prohibited unless it is
/// for medical or safety reasons.
rule emotion_recognition_at_work {
  title "Emotion recognition in the workplace or education"
  cite  "EU AI Act Art. 5(1)(f)"
  severity critical
  when  "emotion_recognition" in workload.capabilities
    and workload.setting in {"workplace", "education"}
  unless workload.medical_or_safety_purpose
  then
    raise ai.tier to prohibited
    deny "Emotion recognition in ${workload.setting} is a prohibited practice"
}

rule transfer_without_mechanism {
  cite "GDPR Art. 44", "GDPR Art. 46"
  severity high
  for d in data
  for region in processing_regions
  let from_eea = (d.residency ?? "") in eea
  when ai.personal(d) and from_eea
   and region not in eea and region not in adequate
   and transfer_mechanism == no_mechanism       // enum member with JSON code "none"
  then deny "Personal data in ${d.name} is processed in ${region} without a transfer mechanism"
}

rule high_risk_without_override {
  cite "EU AI Act Art. 14(4)(d)"
  severity high
  when "annex3.5b" in workload.use_cases
   and not (some c in oversight.checkpoints: c.can_override)
  then deny "x"
}

rule model_exceeds_clearance {
  cite "AWS Generative AI Security Scoping Matrix"
  when workload.scope in {fine_tuned_model, self_trained_model}
   and max(d.classification for d in data where "fine_tuning" in d.used_for, default public)
       > model.agreement_max_classification
   and count(d in data where ai.personal(d)) >= 1
   and sum(len(d.tags) for d in data) >= 0
  then
    review "Model trained on data above the agreement's classification"
    require human_oversight with { stage: ai.Stage.pre_decision, roles: {"credit_officer"} }
      "Add a pre-decision checkpoint"
}

rule placed_after_deadline {
  cite "EU AI Act Art. 113"
  when (workload.placed_on_market ?? "2000-01-01") >= "2026-08-02"
   and days_between("2026-08-02", now()) > 0
   and not t.blank(workload.name) and matches(workload.name, "^[a-z][a-z0-9-]*$")
  then warn "${workload.name} was placed on the market after 2 August 2026"
}
)~";

const char* realistic_tests = R"~(
package euaia.prohibited

test "emotion recognition at work is prohibited" {
  given {
    workload: { name: "mood-cam", scope: 2, org_country: "IT", eu_market: true,
                capabilities: ["emotion_recognition"], setting: "workplace",
                use_cases: [] }
    data: [{ name: "faces", classification: "restricted", tags: ["biometric"], residency: "IT" }]
    transfer_mechanism: "none"
  }
  expect deny emotion_recognition_at_work
  expect deny euaia.prohibited.*
  expect no deny transfer_without_mechanism
  expect schema.ai.tier == prohibited
  expect outcome deny
  expect missing model.general_purpose
}

test "from a fixture" {
  given file "fixtures/credit_copilot.json" with { workload.scope: 1, data[0].tags: ["pii"] }
  expect require human_oversight
  expect no review
}
)~";

}  // namespace

TEST_CASE("a realistic program modelled on FACTS.md and LANGUAGE.md checks clean", "[checker]") {
  auto c =
      check_files({{"schema.rules", realistic_schema},
                   {"eu.rules", realistic_eu},
                   {"text.rules", "package std.text\ndef blank(s: string): bool = s == \"\"\n"},
                   {"prohibited.rules", realistic_rules},
                   {"prohibited_test.rules", realistic_tests}});
  require_clean(*c);

  const Program& p = *c->program;
  REQUIRE(p.rules().size() == 5);
  CHECK(p.rules()[0].id == "euaia.prohibited.emotion_recognition_at_work");
  CHECK(p.rules()[1].id == "euaia.prohibited.transfer_without_mechanism");
  CHECK(p.find_rule("euaia.prohibited.transfer_without_mechanism") != nullptr);
  CHECK(p.obligations() == std::vector<std::string>{"human_oversight"});
  REQUIRE(p.find_output("schema.ai.tier") != nullptr);
  CHECK(p.find_output("schema.ai.tier")->raised);
  CHECK_FALSE(p.find_output("schema.ai.systemic_risk")->raised);
  CHECK(p.facts()->field("transfer_mechanism") != nullptr);
  CHECK(p.tests().size() == 2);
  REQUIRE(p.find_package("euaia.prohibited") != nullptr);
  CHECK(p.find_package("euaia.prohibited")->modules.size() == 2);
  CHECK(p.find_decl("schema.ai", "personal") != nullptr);
}

TEST_CASE("the checker annotates the tree for the compiler", "[checker]") {
  auto c = check_text(with_schema(R"~(
const LIMIT = 10
output tier: RiskTier = minimal
def big(d: Dataset): bool = d.rows > LIMIT
rule r {
  cite "x"
  for d in data
  when big(d) and d.classification == restricted and len(d.tags) > 0
  then raise tier to high
}
)~"));
  require_clean(*c);
  const Program& p = *c->program;
  const RuleDecl& rule = *p.rules()[0].rule;
  const Expr& when = *rule.when;
  const auto& outer = *when.as<Binary>();
  const auto& left = *outer.lhs->as<Binary>();
  // big(d)
  const auto& call = *left.lhs->as<Call>();
  CHECK(call.callee->ref.kind == RefKind::def);
  CHECK(call.callee->ref.decl == p.find_decl("demo", "big"));
  CHECK(call.args[0]->ref.kind == RefKind::local);
  CHECK(call.args[0]->ref.local == &rule.bindings[0].name);
  CHECK(left.lhs->type == p.types().boolean());
  // d.classification == restricted
  const auto& eq = *left.rhs->as<Binary>();
  CHECK(eq.lhs->ref.kind == RefKind::field);
  CHECK(eq.lhs->ref.index == 1);
  CHECK(eq.rhs->ref.kind == RefKind::enum_member);
  CHECK(eq.rhs->ref.index == 3);
  CHECK(describe(eq.rhs->type) == "Classification");
  // len(d.tags)
  const auto& cmp = *outer.rhs->as<Binary>();
  CHECK(cmp.lhs->as<Call>()->callee->ref.kind == RefKind::builtin);
  CHECK(cmp.lhs->type == p.types().integer());
  // for d in data: a fact
  CHECK(rule.bindings[0].value->ref.kind == RefKind::fact);
  CHECK(describe(rule.bindings[0].value->type) == "list<Dataset>");
  // raise tier
  CHECK(rule.effects[0].output_ref.kind == RefKind::output);
  CHECK(rule.effects[0].output_ref.decl == p.find_decl("demo", "tier"));
  // def body reads a const; the order lists it
  CHECK(p.consts_in_dependency_order().size() == 1);
  CHECK(p.defs_in_call_order().size() == 1);
  // declared field types are resolved
  const Type* dataset = p.types().declared(p.find_decl("demo", "Dataset"));
  REQUIRE(dataset != nullptr);
  CHECK(describe(dataset->field("residency")->type) == "string?");
}

// ------------------------------------------------------------ robustness ---

TEST_CASE("partial trees with missing parts check without crashing", "[checker]") {
  auto module = std::make_unique<Module>();
  SourceSet sources;
  module->file = sources.add("partial.rules", "package p\n");
  module->package.parts.push_back(Ident{"p", {}});

  auto add = [&](Decl::Node node) {
    auto d = std::make_unique<Decl>();
    d->node = std::move(node);
    module->decls.push_back(std::move(d));
  };
  RuleDecl rule;
  rule.name.name = "r";
  rule.bindings.push_back(RuleBinding{RuleBinding::Kind::for_, Ident{"x", {}}, nullptr, {}});
  rule.bindings.push_back(RuleBinding{RuleBinding::Kind::let, Ident{"", {}}, nullptr, {}});
  rule.when = make_expr(Binary{BinaryOp::and_, nullptr, nullptr}, {});
  rule.unless =
      make_expr(Binary{BinaryOp::lt, make_expr(NameRef{Ident{"x", {}}}, {}), nullptr}, {});
  Effect raise;
  raise.kind = EffectKind::raise;
  rule.effects.push_back(std::move(raise));
  Effect deny;
  deny.kind = EffectKind::deny;
  rule.effects.push_back(std::move(deny));
  Effect require;
  require.kind = EffectKind::require;
  require.with.push_back(WithField{Ident{"k", {}}, nullptr});
  rule.effects.push_back(std::move(require));
  add(std::move(rule));

  DefDecl def;
  def.body = make_expr(Call{nullptr, {}}, {});
  add(std::move(def));
  ConstDecl konst;
  konst.value = make_expr(FieldAccess{nullptr, Ident{"f", {}}}, {});
  add(std::move(konst));
  TypeDecl type;
  type.fields.push_back(FieldDecl{Ident{"a", {}}, TypeRef{}, nullptr, "", {}});
  add(std::move(type));
  add(EnumDecl{});
  add(FactsDecl{});
  OutputDecl out;
  out.name.name = "o";
  add(std::move(out));
  TestDecl test;
  Expect x;
  x.kind = ExpectKind::output_eq;
  x.target.parts.push_back(Ident{"o", {}});
  test.expects.push_back(std::move(x));
  Expect y;
  y.kind = ExpectKind::effect;
  test.expects.push_back(std::move(y));
  add(std::move(test));
  module->decls.push_back(nullptr);
  module->imports.push_back(Import{});

  std::vector<std::unique_ptr<Module>> modules;
  modules.push_back(std::move(module));
  modules.push_back(nullptr);
  modules.push_back(std::make_unique<Module>());
  Diagnostics diags;
  auto program = check_program(std::move(modules), sources, diags);
  REQUIRE(program != nullptr);
  CHECK(program->modules().size() == 2);
}

TEST_CASE("every prefix of a realistic program checks without crashing", "[checker]") {
  std::vector<std::pair<std::string, std::string>> files = {
      {"schema.rules", trim(realistic_schema)},
      {"eu.rules", trim(realistic_eu)},
      {"prohibited.rules", trim(realistic_rules)},
      {"prohibited_test.rules", trim(realistic_tests)}};
  std::size_t checked = 0;
  for (std::size_t cut = 0; cut < files.size(); ++cut) {
    const std::string& text = files[cut].second;
    for (std::size_t length = 0; length <= text.size(); length += 7) {
      SourceSet sources;
      Diagnostics diags;
      std::vector<std::unique_ptr<Module>> modules;
      for (std::size_t i = 0; i < files.size(); ++i) {
        FileId id =
            sources.add(files[i].first, i == cut ? text.substr(0, length) : files[i].second);
        if (auto m = parse_module(sources, id, diags)) modules.push_back(std::move(m));
      }
      if (diags.has_errors()) continue;  // the front end stops at syntax errors
      check_program(std::move(modules), sources, diags);
      render_text(diags, sources);
      ++checked;
    }
  }
  CHECK(checked > 0);
}

// ------------------------------------------------------ review fixes ---

TEST_CASE("names of a failed import are not reported again at their uses", "[checker]") {
  auto c = check_text(R"~(
package user
import std.txt as t
import std.ue
import std.eu.{eea, adequat}
facts { name: string, countries: list<string> = [] }
rule r {
  cite "x"
  when t.blank(name) or ue.eea == 1 or "DE" in adequat or "FR" in eea
  then deny "x"
}
)~",
                      [] {
                        CheckOptions o = no_files();
                        o.known_packages = {"std.text", "std.eu"};
                        return o;
                      }());
  INFO(c->listing());
  require_diag(*c, DiagCode::unknown_import, 2, 8,
               {"unknown package `std.txt`", "did you mean `std.text`?"});
  require_diag(*c, DiagCode::unknown_import, 3, 8, {"unknown package `std.ue`"});
  require_diag(*c, DiagCode::unknown_import, 4, 8, {"unknown package `std.eu`"});
  CHECK(count(*c, DiagCode::unknown_import) == 3);
  CHECK(count(*c, DiagCode::undefined_name) == 0);
  CHECK(count(*c, DiagCode::unknown_function) == 0);
  CHECK(count(*c, DiagCode::type_mismatch) == 0);
}

TEST_CASE("an unknown selected name is not reported again at its uses", "[checker]") {
  auto c = check_files({{"eu.rules", R"~(
package std.eu
const eea: set<string> = {"DE"}
)~"},
                        {"user.rules", R"~(
package user
import std.eu.{eea, adequat}
rule r { cite "x" when "DE" in eea or "CH" in adequat then deny "x" }
)~"}});
  require_diag(*c, DiagCode::unknown_import, 2, 21, {"`adequat`"});
  CHECK(count(*c, DiagCode::undefined_name) == 0);
  CHECK(c->diags.error_count() == 1);
}

TEST_CASE("an unloaded known package hints braces for a declaration", "[checker]") {
  CheckOptions o = no_files();
  o.known_packages = {"std.eu", "std.text"};
  auto c = check_text(R"~(
package user
import std.eu.eea
import std.texts
)~",
                      o);
  require_diag(*c, DiagCode::unknown_import, 2, 8,
               {"unknown package `std.eu.eea`; to import a name, write `import std.eu.{eea}`"});
  require_diag(*c, DiagCode::unknown_import, 3, 8, {"did you mean `std.text`?"});
}

TEST_CASE("tests name outputs and rules of other packages by full id", "[checker]") {
  auto c = check_files({{"euaia.rules", R"~(
package euaia
facts { active: bool }
enum Tier { minimal, prohibited }
output tier: Tier = minimal
rule emotion_recognition { cite "x" when active then deny "x" raise tier to prohibited }
)~"},
                        {"qa.rules", R"~(
package qa
test "t" {
  given { active: true }
  expect tier == prohibited
  expect deny emotion
}
)~"}});
  INFO(c->listing());
  require_diag(*c, DiagCode::unknown_output, 4, 10,
               {"unknown output `tier`", "did you mean `euaia.tier`?"});
  require_diag(*c, DiagCode::unknown_rule, 5, 15,
               {"unknown rule `emotion`", "did you mean `euaia.emotion_recognition`?"});
  CHECK(c->diags.error_count() == 2);
}

TEST_CASE("arithmetic and comparison mismatches name the operand at fault", "[checker]") {
  auto c = check_text(with_schema(R"~(
const X: number = 1.5
const M: int = X % 2
const S: int = "a" - 1
rule r {
  cite "x"
  for d in data
  when d.rows == "3" or d.rows < "4" or "5" == d.rows
  then deny "x"
}
)~"));
  require_diag(*c, DiagCode::type_mismatch, 26, 16, {"`%` needs two `int`s, but `X` is `number`"});
  CHECK(find(*c, DiagCode::type_mismatch, 26, 16, {"`2` is"}) == nullptr);
  require_diag(*c, DiagCode::type_mismatch, 27, 16, {"`-` needs two numbers, but `\"a\"` is `string`"});
  require_diag(*c, DiagCode::type_mismatch, 31, 18, {"`\"3\"` is `string`, but `d.rows` is `int`"});
  require_diag(*c, DiagCode::type_mismatch, 31, 34, {"`\"4\"` is `string`, but `d.rows` is `int`"});
  require_diag(*c, DiagCode::type_mismatch, 31, 41, {"`\"5\"` is `string`, but `d.rows` is `int`"});
}

TEST_CASE("two tests of one name in a package are duplicates", "[checker]") {
  auto c = check_text(R"~(
package p
facts { active: bool }
rule r { cite "x" when active then deny "x" }
test "same" { given { active: true } expect deny r }
test "same" { given { active: false } expect no deny r }
)~");
  require_diag(*c, DiagCode::duplicate_declaration, 5, 6,
               {"test `\"same\"` is already declared in package `p`"});
  const Diagnostic* d = find(*c, DiagCode::duplicate_declaration, 5, 6);
  REQUIRE(d != nullptr);
  REQUIRE(d->notes.size() == 1);
  CHECK(c->sources.locate(d->notes[0].span).line == 4);
}

TEST_CASE("a fact named with a reserved word is an error; a record field is not", "[checker]") {
  auto c = check_text(R"~(
package p
type T { count: int, max: int = 0 }
facts { count: int, t: T, active: bool }
rule r { cite "x" when active and t.count > t.max then deny "x" }
)~");
  require_diag(*c, DiagCode::syntax_error, 3, 9,
               {"`count` is a reserved word, so a fact of that name could never be read; "
                "rename it"});
  CHECK(c->diags.error_count() == 1);
}

TEST_CASE("fields of a duplicate type declaration do not cascade", "[checker]") {
  auto c = check_text(R"~(
package p
type Dataset { name: string }
type Dataset { name: string, rows: int }
facts { data: list<Dataset> = [] }
rule r { cite "x" for d in data when d.rows > 3 and d.nme == "" then deny "x" }
)~");
  require_diag(*c, DiagCode::duplicate_declaration, 3, 6, {"`Dataset` is already declared"});
  require_diag(*c, DiagCode::unknown_field, 5, 55, {"unknown field `nme`"});
  CHECK(c->diags.error_count() == 2);
}

TEST_CASE("the duplicate note uses the right article", "[checker]") {
  auto c = check_text(R"~(
package p
enum E { a }
const E: int = 1
)~",
                      no_files(false));
  const Diagnostic* d = find(*c, DiagCode::duplicate_declaration, 3, 7);
  REQUIRE(d != nullptr);
  REQUIRE(d->notes.size() == 1);
  CHECK(d->notes[0].message == "first declared here, as an enum");
}

// ------------------------------------------------- hostile declarations ---
// Found by a black-box hostile corpus: each used to overflow the stack,
// hang, or pass the checker and then fail verification.

namespace {

// `const C0 = C1 + 1`, `const C1 = C2 + 1`, ... in the order given.
std::string const_chain(int length, bool backwards) {
  std::string text = "package p\nfacts { a: int }\n";
  for (int k = 0; k < length; ++k) {
    int i = backwards ? k : length - 1 - k;
    text += i + 1 == length ? fmt::format("const C{} = 1\n", i)
                            : fmt::format("const C{} = C{} + 1\n", i, i + 1);
  }
  return text + "rule r { cite \"c\" when a > C0 then deny \"x\" }\n";
}

}  // namespace

TEST_CASE("a chain of consts is at most 64 long, in either order", "[checker][limits]") {
  require_clean(*check_text(const_chain(64, true), no_files(false)));
  require_clean(*check_text(const_chain(64, false), no_files(false)));
  for (bool backwards : {true, false}) {
    INFO((backwards ? "backwards" : "forwards"));
    auto c = check_text(const_chain(3000, backwards), no_files(false));
    INFO(c->listing());
    CHECK(c->diags.has_errors());
    bool found = false;
    for (const Diagnostic& d : c->diags.all()) {
      found = found || (d.code == DiagCode::nesting_too_deep &&
                        d.message.find("a chain of more than 64 consts") != std::string::npos);
    }
    CHECK(found);
  }
}

TEST_CASE("chains of defs and of record types are at most 64 long", "[checker][limits]") {
  std::string defs = "package p\nfacts { a: int }\n";
  for (int i = 0; i < 3000; ++i) defs += fmt::format("def f{}(): int = f{}() + 1\n", i, i + 1);
  defs += "def f3000(): int = 1\nrule r { cite \"c\" when a > f0() then deny \"x\" }\n";
  auto c = check_text(defs, no_files(false));
  require_diag(*c, DiagCode::nesting_too_deep, 66, 18, {"a chain of more than 64 defs"});

  std::string types = "package p\n";
  for (int i = 0; i < 3000; ++i) types += fmt::format("type T{} {{ x: T{} }}\n", i, i + 1);
  types += "type T3000 { x: int }\nfacts { t: T0 }\n";
  auto t = check_text(types, no_files(false));
  require_diag(*t, DiagCode::nesting_too_deep, 66, 12, {"a chain of more than 64 record types"});
}

TEST_CASE("a default must be computable when compiling", "[checker][limits]") {
  // A default past a double's range used to fold to nothing: the fact was
  // silently none. One nested over 64 levels deep did the same.
  std::string deep = "1";
  for (int i = 0; i < 100; ++i) deep += " + 1";
  auto c = check_text(R"(
package d
facts {
  x: number = 1e308 * 10
  y: int = )" + deep + R"(
}
output ox: number = x
output oy: int = y
)");
  require_diag(*c, DiagCode::not_constant, 3, 15, {"cannot be computed when compiling"});
  CHECK(c->diags.error_count() == 1);
}

TEST_CASE("folding a const built from itself twice over is bounded", "[checker][limits]") {
  // `const S1 = S0 + S0`, forty times: 2^40 steps and a terabyte to fold.
  std::string text = "package p\nfacts { s: string }\nconst S0 = \"abcdefghijklmnop\"\n";
  for (int i = 1; i <= 40; ++i) text += fmt::format("const S{} = S{} + S{}\n", i, i - 1, i - 1);
  text += "rule r { cite \"c\" when s == S40 then deny \"x\" }\n";
  auto c = check_text(text, no_files(false));
  require_clean(*c);
}

TEST_CASE("only the first 1000 diagnostics are kept; the counts stay exact", "[checker][limits]") {
  std::string text = "package p\nenum E { ";
  for (int i = 0; i < 5000; ++i) text += "m, ";
  text += "}\n";
  auto c = check_text(text, no_files(false));
  CHECK(c->diags.error_count() == 4999);
  CHECK(c->diags.all().size() == Diagnostics::max_kept);
  CHECK(c->diags.dropped() == 4999 - Diagnostics::max_kept);
  CHECK_THAT(render_text(c->diags, c->sources, {}),
             Catch::EndsWith("... and 3999 more errors and warnings, not shown: only the first "
                             "1000 are kept\n"));
}
