// The parser: each construct's AST shape, exact spans, and every syntax
// error's code and position.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <variant>

#include <fmt/format.h>

#include "lang/ast.hpp"
#include "lang/diagnostic.hpp"
#include "lang/parser.hpp"
#include "lang/reserved_words.hpp"
#include "lang/source.hpp"

using namespace precept::lang;

namespace {

struct Parsed {
  SourceSet sources;
  Diagnostics diags;
  FileId file = no_file;
  std::unique_ptr<Module> module;

  std::string_view text(Span span) const {
    return std::string_view(sources.file(file).text()).substr(span.begin, span.end - span.begin);
  }
  const Decl& decl(std::size_t i) const { return *module->decls.at(i); }
  template <typename T>
  const T& decl_as(std::size_t i) const {
    const T* node = decl(i).as<T>();
    REQUIRE(node != nullptr);
    return *node;
  }
};

std::unique_ptr<Parsed> parse(std::string text, const ParseLimits& limits = {}) {
  auto parsed = std::make_unique<Parsed>();
  parsed->file = parsed->sources.add("test.rules", std::move(text));
  parsed->module = parse_module(parsed->sources, parsed->file, parsed->diags, limits);
  return parsed;
}

std::unique_ptr<Parsed> parse_ok(std::string text) {
  auto parsed = parse(std::move(text));
  INFO(parsed->sources.file(parsed->file).text());
  for (const Diagnostic& d : parsed->diags.all()) {
    const LineCol at = parsed->sources.locate(d.span);
    UNSCOPED_INFO(fmt::format("{}:{}: {}", at.line, at.column, d.message));
  }
  REQUIRE(parsed->module != nullptr);
  REQUIRE(parsed->diags.empty());
  return parsed;
}

// The first diagnostic of a parse that must fail.
struct Failure {
  DiagCode code;
  std::uint32_t line;
  std::uint32_t column;
  std::string message;
  std::string spanned;  // the source text under the span
};

Failure parse_error(std::string text, const ParseLimits& limits = {}) {
  auto parsed = parse(std::move(text), limits);
  CHECK(parsed->module == nullptr);
  REQUIRE_FALSE(parsed->diags.empty());
  const Diagnostic& d = parsed->diags.all().front();
  CHECK(d.severity == Severity::error);
  CHECK(d.span.file == parsed->file);
  const LineCol at = parsed->sources.locate(d.span);
  return {d.code, at.line, at.column, d.message, std::string(parsed->text(d.span))};
}

// An S-expression of an expression tree, so a test states a whole shape.
std::string show(const Expr& e);

std::string show_all(const std::vector<ExprPtr>& list) {
  std::string out;
  for (const auto& item : list) out += " " + show(*item);
  return out;
}

std::string show(const Expr& e) {
  return std::visit(
      [](const auto& n) -> std::string {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, NoneLit>) return "none";
        if constexpr (std::is_same_v<T, BoolLit>) return n.value ? "true" : "false";
        if constexpr (std::is_same_v<T, IntLit>) return std::to_string(n.value);
        if constexpr (std::is_same_v<T, NumberLit>) return fmt::format("{}", n.value);
        if constexpr (std::is_same_v<T, StringLit>) return "\"" + n.value + "\"";
        if constexpr (std::is_same_v<T, InterpString>) {
          std::string out = "(str";
          for (const auto& part : n.parts)
            out += " " + (part.expr ? show(*part.expr) : "\"" + part.text + "\"");
          return out + ")";
        }
        if constexpr (std::is_same_v<T, ListLit>) return "[" + show_all(n.elements) + " ]";
        if constexpr (std::is_same_v<T, SetLit>) return "{" + show_all(n.elements) + " }";
        if constexpr (std::is_same_v<T, NameRef>) return n.name.name;
        if constexpr (std::is_same_v<T, FieldAccess>)
          return "(. " + show(*n.object) + " " + n.field.name + ")";
        if constexpr (std::is_same_v<T, IndexAccess>)
          return "([] " + show(*n.object) + " " + show(*n.index) + ")";
        if constexpr (std::is_same_v<T, Call>)
          return "(call " + show(*n.callee) + show_all(n.args) + ")";
        if constexpr (std::is_same_v<T, Unary>)
          return std::string("(") + to_string(n.op) + " " + show(*n.operand) + ")";
        if constexpr (std::is_same_v<T, Binary>)
          return std::string("(") + to_string(n.op) + " " + show(*n.lhs) + " " + show(*n.rhs) + ")";
        if constexpr (std::is_same_v<T, IfElse>)
          return "(if " + show(*n.cond) + " " + show(*n.then_value) + " " + show(*n.else_value) +
                 ")";
        if constexpr (std::is_same_v<T, Quantifier>) {
          return std::string("(") + (n.kind == QuantKind::some ? "some " : "every ") + n.var.name +
                 " " + show(*n.domain) + " " + show(*n.body) + ")";
        }
        if constexpr (std::is_same_v<T, Aggregate>) {
          static const char* names[] = {"count", "sum", "max", "min"};
          std::string out = std::string("(") + names[static_cast<int>(n.kind)];
          if (n.value) out += " " + show(*n.value);
          out += " " + n.var.name + " " + show(*n.domain);
          if (n.where) out += " where " + show(*n.where);
          if (n.fallback) out += " default " + show(*n.fallback);
          return out + ")";
        }
      },
      e.node);
}

// Parses `const X = <expression>` and returns the parse (the value is decl 0).
std::unique_ptr<Parsed> parse_expr(const std::string& expression) {
  return parse_ok("const X = " + expression + "\n");
}
const Expr& value_of(const Parsed& parsed) { return *parsed.decl_as<ConstDecl>(0).value; }
std::string shape(const std::string& expression) { return show(value_of(*parse_expr(expression))); }

}  // namespace

// ---------------------------------------------------------------- module ---

TEST_CASE("package and the three import forms", "[parser]") {
  auto p = parse_ok(
      "package euaia.prohibited\n"
      "\n"
      "import schema.ai                    // the fact schema\n"
      "import std.eu.{eea, adequate}       // selected names\n"
      "import std.text as t                // alias\n");
  const Module& m = *p->module;
  CHECK(m.package.str() == "euaia.prohibited");
  CHECK(p->text(m.package.span) == "euaia.prohibited");
  REQUIRE(m.imports.size() == 3);
  CHECK(m.imports[0].path.str() == "schema.ai");
  CHECK_FALSE(m.imports[0].alias);
  CHECK(m.imports[0].selected.empty());
  CHECK(p->text(m.imports[0].span) == "import schema.ai");
  CHECK(m.imports[1].path.str() == "std.eu");
  REQUIRE(m.imports[1].selected.size() == 2);
  CHECK(m.imports[1].selected[0].name == "eea");
  CHECK(m.imports[1].selected[1].name == "adequate");
  CHECK(p->text(m.imports[1].selected[1].span) == "adequate");
  CHECK(p->text(m.imports[1].span) == "import std.eu.{eea, adequate}");
  CHECK(m.imports[2].path.str() == "std.text");
  REQUIRE(m.imports[2].alias);
  CHECK(m.imports[2].alias->name == "t");
  CHECK(m.decls.empty());
}

TEST_CASE("a file without package parses; the checker reports it", "[parser]") {
  auto p = parse_ok("const X = 1\n");
  CHECK(p->module->package.parts.empty());
  CHECK(p->decl(0).module == p->module.get());
}

TEST_CASE("an empty file and a file of comments parse", "[parser]") {
  CHECK(parse_ok("")->module->decls.empty());
  CHECK(parse_ok("// nothing\n/// not attached\n\n")->module->decls.empty());
  CHECK(parse_ok("\xEF\xBB\xBFpackage a\n")->module->package.str() == "a");
}

// ---------------------------------------------------------- declarations ---

TEST_CASE("enums with JSON codes, separated by commas or line breaks", "[parser]") {
  auto p = parse_ok(
      "enum Classification { public, internal, confidential, restricted }\n"
      "enum Scope { consumer_app = 1, enterprise_app = 2,\n"
      "             fine_tuned_model = -4\n"
      "             self_trained_model = 5, }\n"
      "enum TransferMechanism {\n"
      "  no_mechanism = \"none\"\n"
      "  scc\n"
      "}\n");
  const auto& classification = p->decl_as<EnumDecl>(0);
  CHECK(classification.name.name == "Classification");
  REQUIRE(classification.members.size() == 4);
  CHECK(classification.members[3].name.name == "restricted");
  CHECK(std::holds_alternative<std::monostate>(classification.members[0].code));

  const auto& scope = p->decl_as<EnumDecl>(1);
  REQUIRE(scope.members.size() == 4);
  CHECK(std::get<std::int64_t>(scope.members[0].code) == 1);
  CHECK(std::get<std::int64_t>(scope.members[2].code) == -4);
  CHECK(std::get<std::int64_t>(scope.members[3].code) == 5);
  CHECK(p->text(scope.members[1].span) == "enterprise_app = 2");

  const auto& mechanism = p->decl_as<EnumDecl>(2);
  REQUIRE(mechanism.members.size() == 2);
  CHECK(std::get<std::string>(mechanism.members[0].code) == "none");
}

TEST_CASE("an enum needs a member", "[parser]") {
  // Found by hostile input: an empty enum as an output's type checked, then
  // compiled to code the verifier refused.
  Failure f = parse_error("enum Empty {}\n");
  CHECK(f.code == DiagCode::syntax_error);
  CHECK(f.message == "enum `Empty` needs at least one member");
  CHECK(f.line == 1);
  CHECK(f.column == 1);
}

TEST_CASE("a dotted name counts whole against the identifier limit", "[parser][limits]") {
  // Found by hostile input: `package s0.s1. ... .s99999` took the checker
  // quadratic time and memory, one short part at a time.
  std::string name = "s0";
  for (int i = 1; i < 200; ++i) name += ".s" + std::to_string(i);
  Failure f = parse_error("package " + name + "\n");
  CHECK(f.code == DiagCode::syntax_error);
  CHECK(f.message == "name is longer than the limit of 256 bytes");
  CHECK(f.column == 9);
  ParseLimits wide;
  wide.max_identifier_bytes = 4096;
  CHECK(parse("package " + name + "\n", wide)->module != nullptr);
}

TEST_CASE("types and facts: optional, list, set, defaults, doc comments", "[parser]") {
  auto p = parse_ok(
      "/// A data set used by a workload.\n"
      "/// Second line.\n"
      "type Dataset {\n"
      "  name: string\n"
      "  /// Tags such as `pii`.\n"
      "  tags: set<string> = {}          // default used when absent\n"
      "  residency: string?, owner: ai.Team?\n"
      "  nested: list<set<Classification>>? = []\n"
      "  type: string\n"
      "}\n"
      "facts {\n"
      "  workload: Workload\n"
      "  data: list<Dataset> = []\n"
      "}\n");
  const Decl& decl = p->decl(0);
  CHECK(decl.doc == "A data set used by a workload.\nSecond line.");
  CHECK(p->text(decl.span).substr(0, 12) == "type Dataset");
  CHECK(p->text(decl.span).back() == '}');
  const auto& type = p->decl_as<TypeDecl>(0);
  CHECK(type.name.name == "Dataset");
  REQUIRE(type.fields.size() == 6);

  const FieldDecl& tags = type.fields[1];
  CHECK(tags.name.name == "tags");
  CHECK(tags.doc == "Tags such as `pii`.");
  CHECK(tags.type.name.str() == "set");
  REQUIRE(tags.type.args.size() == 1);
  CHECK(tags.type.args[0].name.str() == "string");
  REQUIRE(tags.default_value);
  CHECK(show(*tags.default_value) == "{ }");
  CHECK(p->text(tags.span) == "tags: set<string> = {}");
  CHECK(p->text(tags.type.span) == "set<string>");

  CHECK(type.fields[2].type.optional);
  CHECK(type.fields[2].doc.empty());
  CHECK(type.fields[3].name.name == "owner");
  CHECK(type.fields[3].type.name.str() == "ai.Team");
  CHECK(type.fields[3].type.optional);

  const TypeRef& nested = type.fields[4].type;
  CHECK(nested.optional);
  CHECK(nested.name.str() == "list");
  CHECK(nested.args.at(0).name.str() == "set");
  CHECK(nested.args.at(0).args.at(0).name.str() == "Classification");
  CHECK_FALSE(nested.args.at(0).optional);
  CHECK(p->text(nested.span) == "list<set<Classification>>?");
  CHECK(type.fields[5].name.name == "type");  // reserved words may name fields

  const auto& facts = p->decl_as<FactsDecl>(1);
  REQUIRE(facts.fields.size() == 2);
  CHECK(facts.fields[1].type.args.at(0).name.str() == "Dataset");
  CHECK(show(*facts.fields[1].default_value) == "[ ]");
}

TEST_CASE("const, def and output declarations", "[parser]") {
  auto p = parse_ok(
      "const AREAS: set<string> = {\"biometrics\", \"critical_infrastructure\",}\n"
      "const SYSTEMIC_RISK_FLOPS = 1e25\n"
      "/// Personal data in the GDPR sense.\n"
      "def personal(d: ai.Dataset): bool =\n"
      "  d.tags intersects {\"pii\", \"phi\"}\n"
      "def two(a: int, b: list<int>,): int = a\n"
      "def none_(): bool = true\n"
      "output tier: RiskTier = out_of_scope\n"
      "output raised: set<string>\n"
      "output systemic_risk: bool =\n"
      "  model.general_purpose and model.training_compute_flops > SYSTEMIC_RISK_FLOPS\n");
  const auto& areas = p->decl_as<ConstDecl>(0);
  CHECK(areas.name.name == "AREAS");
  REQUIRE(areas.type);
  CHECK(areas.type->name.str() == "set");
  CHECK(show(*areas.value) == "{ \"biometrics\" \"critical_infrastructure\" }");

  const auto& flops = p->decl_as<ConstDecl>(1);
  CHECK_FALSE(flops.type);
  REQUIRE(flops.value->is<NumberLit>());
  CHECK(flops.value->as<NumberLit>()->value == 1e25);

  const auto& personal = p->decl_as<DefDecl>(2);
  CHECK(p->decl(2).doc == "Personal data in the GDPR sense.");
  CHECK(personal.name.name == "personal");
  REQUIRE(personal.params.size() == 1);
  CHECK(personal.params[0].name.name == "d");
  CHECK(personal.params[0].type.name.str() == "ai.Dataset");
  CHECK(personal.result.name.str() == "bool");
  CHECK(show(*personal.body) == "(intersects (. d tags) { \"pii\" \"phi\" })");
  CHECK(p->text(p->decl(2).span) ==
        "def personal(d: ai.Dataset): bool =\n  d.tags intersects {\"pii\", \"phi\"}");

  const auto& two = p->decl_as<DefDecl>(3);
  REQUIRE(two.params.size() == 2);
  CHECK(two.params[1].type.args.at(0).name.str() == "int");
  CHECK(p->decl_as<DefDecl>(4).params.empty());

  const auto& tier = p->decl_as<OutputDecl>(5);
  CHECK(tier.type.name.str() == "RiskTier");
  CHECK(show(*tier.value) == "out_of_scope");
  CHECK_FALSE(p->decl_as<OutputDecl>(6).value);
  CHECK(show(*p->decl_as<OutputDecl>(7).value) ==
        "(and (. model general_purpose) (> (. model training_compute_flops) SYSTEMIC_RISK_FLOPS))");
}

// ----------------------------------------------------------------- rules ---

TEST_CASE("a rule with every clause, interleaved for/let and every effect", "[parser]") {
  auto p = parse_ok(
      "/// Doc of the rule.\n"
      "rule transfer {\n"
      "  title \"Personal data transferred\"\n"
      "  cite \"GDPR Art. 44\", \"GDPR Art. 46\"\n"
      "  severity high\n"
      "  for d in data\n"
      "  let from_eea = (d.residency ?? \"\") in eea\n"
      "  for region in processing_regions\n"
      "  when personal(d) and from_eea\n"
      "   and region not in eea\n"
      "  unless \"anonymised\" in d.tags\n"
      "  then\n"
      "    deny \"Data in ${d.name} goes to ${region}\"\n"
      "    review \"check\"\n"
      "    warn \"advisory\"\n"
      "    require oversight.checkpoint with { stage: \"deploy\", role: region\n"
      "                                        reviewers: 2 } \"Assess ${region}\"\n"
      "    require transparency.disclose_ai\n"
      "    raise tier to prohibited\n"
      "}\n");
  const Decl& decl = p->decl(0);
  CHECK(decl.doc == "Doc of the rule.");
  const auto& rule = p->decl_as<RuleDecl>(0);
  CHECK(rule.name.name == "transfer");
  CHECK(rule.title == "Personal data transferred");
  CHECK(p->text(rule.title_span) == "\"Personal data transferred\"");
  REQUIRE(rule.cites.size() == 2);
  CHECK(rule.cites[1] == "GDPR Art. 46");
  CHECK(p->text(rule.cite_span) == "\"GDPR Art. 44\", \"GDPR Art. 46\"");
  CHECK(rule.severity == RuleSeverity::high);
  CHECK(p->text(rule.severity_span) == "high");

  REQUIRE(rule.bindings.size() == 3);
  CHECK(rule.bindings[0].kind == RuleBinding::Kind::for_);
  CHECK(rule.bindings[0].name.name == "d");
  CHECK(show(*rule.bindings[0].value) == "data");
  CHECK(p->text(rule.bindings[0].span) == "for d in data");
  CHECK(rule.bindings[1].kind == RuleBinding::Kind::let);
  CHECK(show(*rule.bindings[1].value) == "(in (?? (. d residency) \"\") eea)");
  CHECK(rule.bindings[2].kind == RuleBinding::Kind::for_);
  CHECK(rule.bindings[2].name.name == "region");

  CHECK(show(*rule.when) == "(and (and (call personal d) from_eea) (not in region eea))");
  CHECK(p->text(rule.when->span) == "personal(d) and from_eea\n   and region not in eea");
  CHECK(show(*rule.unless) == "(in \"anonymised\" (. d tags))");

  REQUIRE(rule.effects.size() == 6);
  CHECK(rule.effects[0].kind == EffectKind::deny);
  CHECK(show(*rule.effects[0].message) == "(str \"Data in \" (. d name) \" goes to \" region)");
  CHECK(p->text(rule.effects[0].span) == "deny \"Data in ${d.name} goes to ${region}\"");
  CHECK(rule.effects[1].kind == EffectKind::review);
  CHECK(rule.effects[2].kind == EffectKind::warn);
  CHECK(show(*rule.effects[2].message) == "\"advisory\"");

  const Effect& require = rule.effects[3];
  CHECK(require.kind == EffectKind::require);
  CHECK(require.obligation.str() == "oversight.checkpoint");
  REQUIRE(require.with.size() == 3);
  CHECK(require.with[0].key.name == "stage");
  CHECK(show(*require.with[1].value) == "region");
  CHECK(require.with[2].key.name == "reviewers");
  REQUIRE(require.message);
  CHECK(show(*require.message) == "(str \"Assess \" region)");

  CHECK(rule.effects[4].obligation.str() == "transparency.disclose_ai");
  CHECK_FALSE(rule.effects[4].message);
  CHECK(rule.effects[4].with.empty());

  const Effect& raise = rule.effects[5];
  CHECK(raise.kind == EffectKind::raise);
  CHECK(raise.output.str() == "tier");
  CHECK(show(*raise.raise_value) == "prohibited");
  CHECK(p->text(raise.span) == "raise tier to prohibited");
  CHECK(p->text(decl.span).substr(0, 13) == "rule transfer");
}

TEST_CASE("a minimal rule and a one-line rule", "[parser]") {
  auto p = parse_ok(
      "rule r { then deny \"no\" }\n"
      "rule s { when a then raise tier to high deny \"x\" }\n");
  const auto& r = p->decl_as<RuleDecl>(0);
  CHECK_FALSE(r.title);
  CHECK_FALSE(r.severity);
  CHECK_FALSE(r.when);
  REQUIRE(r.effects.size() == 1);
  const auto& s = p->decl_as<RuleDecl>(1);
  CHECK(show(*s.when) == "a");
  REQUIRE(s.effects.size() == 2);
  CHECK(show(*s.effects[0].raise_value) == "high");
}

TEST_CASE("contextual words remain usable as names", "[parser]") {
  auto p = parse_ok(
      "enum Outcome { allow, review, deny, warn }\n"
      "rule title { when deny == review then deny \"x\" }\n");
  CHECK(p->decl_as<RuleDecl>(1).name.name == "title");
  CHECK(show(*p->decl_as<RuleDecl>(1).when) == "(== deny review)");
}

TEST_CASE("every severity word", "[parser]") {
  const std::pair<const char*, RuleSeverity> cases[] = {{"info", RuleSeverity::info},
                                                        {"low", RuleSeverity::low},
                                                        {"medium", RuleSeverity::medium},
                                                        {"high", RuleSeverity::high},
                                                        {"critical", RuleSeverity::critical}};
  for (const auto& [word, severity] : cases) {
    auto p = parse_ok(fmt::format("rule r {{ severity {} then deny \"x\" }}", word));
    CHECK(p->decl_as<RuleDecl>(0).severity == severity);
  }
}

// ----------------------------------------------------------------- tests ---

TEST_CASE("a test with a given literal and every expectation form", "[parser]") {
  auto p = parse_ok(
      "test \"a chatbot must disclose that it is an AI\" {\n"
      "  given {\n"
      "    workload: { name: \"helpdesk-bot\", scope: 2, interacts: true }\n"
      "    \"quoted key\": -1.5\n"
      "    data: [1, -2\n"
      "           \"three\"]\n"
      "    model: null, other: none, flag: false,\n"
      "  }\n"
      "  expect outcome allow\n"
      "  expect deny scoping.consumer_app_personal_data\n"
      "  expect review loans.*\n"
      "  expect no deny\n"
      "  expect no warn loans.minor\n"
      "  expect require transparency.disclose_ai\n"
      "  expect euaia.tier == limited\n"
      "  expect missing data[0].residency\n"
      "  expect complete\n"
      "  expect complete == true\n"
      "}\n");
  const auto& test = p->decl_as<TestDecl>(0);
  CHECK(test.name == "a chatbot must disclose that it is an AI");
  CHECK(p->text(test.name_span) == "\"a chatbot must disclose that it is an AI\"");

  REQUIRE(test.given.literal);
  CHECK_FALSE(test.given.file);
  CHECK(p->text(test.given.span).substr(0, 7) == "given {");
  const auto& members = std::get<std::vector<GivenMember>>(test.given.literal->node);
  REQUIRE(members.size() == 6);
  CHECK(members[0].key == "workload");
  CHECK(p->text(members[0].key_span) == "workload");
  const auto& workload = std::get<std::vector<GivenMember>>(members[0].value->node);
  REQUIRE(workload.size() == 3);
  CHECK(std::get<std::string>(workload[0].value->node) == "helpdesk-bot");
  CHECK(std::get<std::int64_t>(workload[1].value->node) == 2);
  CHECK(std::get<bool>(workload[2].value->node) == true);
  CHECK(members[1].key == "quoted key");
  CHECK(std::get<double>(members[1].value->node) == -1.5);
  const auto& data = std::get<std::vector<GivenPtr>>(members[2].value->node);
  REQUIRE(data.size() == 3);
  CHECK(std::get<std::int64_t>(data[1]->node) == -2);
  CHECK(p->text(data[1]->span) == "-2");
  CHECK(std::get<std::string>(data[2]->node) == "three");
  CHECK(std::holds_alternative<std::monostate>(members[3].value->node));
  CHECK(std::holds_alternative<std::monostate>(members[4].value->node));
  CHECK(std::get<bool>(members[5].value->node) == false);

  const auto& e = test.expects;
  REQUIRE(e.size() == 10);
  CHECK(e[0].kind == ExpectKind::outcome);
  CHECK(e[0].outcome == "allow");
  CHECK(p->text(e[0].outcome_span) == "allow");
  CHECK(p->text(e[0].span) == "expect outcome allow");

  CHECK(e[1].kind == ExpectKind::effect);
  CHECK(e[1].effect == EffectKind::deny);
  CHECK(e[1].target.str() == "scoping.consumer_app_personal_data");
  CHECK_FALSE(e[1].wildcard);

  CHECK(e[2].kind == ExpectKind::effect);
  CHECK(e[2].effect == EffectKind::review);
  CHECK(e[2].target.str() == "loans");
  CHECK(e[2].wildcard);
  CHECK(p->text(e[2].span) == "expect review loans.*");

  CHECK(e[3].kind == ExpectKind::no_effect);
  CHECK(e[3].effect == EffectKind::deny);
  CHECK(e[3].target.parts.empty());

  CHECK(e[4].kind == ExpectKind::no_effect);
  CHECK(e[4].effect == EffectKind::warn);
  CHECK(e[4].target.str() == "loans.minor");

  CHECK(e[5].kind == ExpectKind::require);
  CHECK(e[5].target.str() == "transparency.disclose_ai");

  CHECK(e[6].kind == ExpectKind::output_eq);
  CHECK(e[6].target.str() == "euaia.tier");
  CHECK(show(*e[6].value) == "limited");

  CHECK(e[7].kind == ExpectKind::missing);
  CHECK(e[7].path_text == "data[0].residency");
  REQUIRE(e[7].path.size() == 3);
  CHECK(std::get<std::string>(e[7].path[0].step) == "data");
  CHECK(std::get<std::int64_t>(e[7].path[1].step) == 0);
  CHECK(std::get<std::string>(e[7].path[2].step) == "residency");
  CHECK(p->text(e[7].path[1].span) == "0");

  CHECK(e[8].kind == ExpectKind::complete);
  CHECK(e[9].kind == ExpectKind::output_eq);  // an output that happens to be called `complete`
  CHECK(e[9].target.str() == "complete");
}

TEST_CASE("a test with a given file and overrides", "[parser]") {
  auto p = parse_ok(
      "test \"the same workload as a consumer app\" {\n"
      "  given file \"fixtures/helpdesk.json\" with { workload.scope: 1, data[0].tags: [\"pii\"]\n"
      "    data[1].nested.list[2]: { a: 1 } }\n"
      "  expect deny scoping.consumer_app_personal_data\n"
      "}\n"
      "test \"no overrides\" { given file \"a.json\" }\n"
      "test \"nothing given\" { expect outcome allow }\n");
  const auto& test = p->decl_as<TestDecl>(0);
  REQUIRE(test.given.file);
  CHECK(*test.given.file == "fixtures/helpdesk.json");
  CHECK(p->text(test.given.file_span) == "\"fixtures/helpdesk.json\"");
  CHECK_FALSE(test.given.literal);
  REQUIRE(test.given.overrides.size() == 3);
  const GivenOverride& scope = test.given.overrides[0];
  REQUIRE(scope.path.size() == 2);
  CHECK(std::get<std::string>(scope.path[1].step) == "scope");
  CHECK(std::get<std::int64_t>(scope.value->node) == 1);
  CHECK(p->text(scope.span) == "workload.scope: 1");
  const GivenOverride& nested = test.given.overrides[2];
  REQUIRE(nested.path.size() == 5);
  CHECK(std::get<std::int64_t>(nested.path[4].step) == 2);
  CHECK(test.expects.size() == 1);

  CHECK(p->decl_as<TestDecl>(1).given.overrides.empty());
  const auto& nothing = p->decl_as<TestDecl>(2);
  CHECK_FALSE(nothing.given.file);
  CHECK_FALSE(nothing.given.literal);
  CHECK(nothing.expects.size() == 1);
}

// ----------------------------------------------------------- expressions ---

TEST_CASE("precedence follows the table of LANGUAGE.md", "[parser]") {
  CHECK(shape("a or b and not c == d") == "(or a (and b (not (== c d))))");
  CHECK(shape("x ?? y + 1") == "(?? x (+ y 1))");
  CHECK(shape("-a.b[0]") == "(- ([] (. a b) 0))");
  CHECK(shape("a + b * c - d % e / f") == "(- (+ a (* b c)) (/ (% d e) f))");
  CHECK(shape("a < b + 1 and c >= d") == "(and (< a (+ b 1)) (>= c d))");
  CHECK(shape("not a and b") == "(and (not a) b)");
  CHECK(shape("not not a") == "(not (not a))");
  CHECK(shape("- -a") == "(- (- a))");
  CHECK(shape("a ?? b == c ?? d") == "(== (?? a b) (?? c d))");
  CHECK(shape("if a then b else c or d") == "(if a b (or c d))");
  CHECK(shape("if a or b then if c then d else e else f") == "(if (or a b) (if c d e) f)");
  CHECK(shape("(a or b) and c") == "(and (or a b) c)");
}

TEST_CASE("binary operators associate to the left", "[parser]") {
  CHECK(shape("a - b - c") == "(- (- a b) c)");
  CHECK(shape("a / b / c") == "(/ (/ a b) c)");
  CHECK(shape("a or b or c") == "(or (or a b) c)");
  CHECK(shape("a and b and c") == "(and (and a b) c)");
  CHECK(shape("a ?? b ?? c") == "(?? (?? a b) c)");
}

TEST_CASE("every comparison operator, and `not in` against prefix `not`", "[parser]") {
  CHECK(shape("a == b") == "(== a b)");
  CHECK(shape("a != b") == "(!= a b)");
  CHECK(shape("a < b") == "(< a b)");
  CHECK(shape("a <= b") == "(<= a b)");
  CHECK(shape("a > b") == "(> a b)");
  CHECK(shape("a >= b") == "(>= a b)");
  CHECK(shape("a in b") == "(in a b)");
  CHECK(shape("a not in b") == "(not in a b)");
  CHECK(shape("a not   in b") == "(not in a b)");
  CHECK(shape("not a in b") == "(not (in a b))");
  CHECK(shape("not a not in b") == "(not (not in a b))");
  CHECK(shape("a intersects {1}") == "(intersects a { 1 })");
  CHECK(shape("a within b") == "(within a b)");
  CHECK(shape("notable in innocent") == "(in notable innocent)");  // keywords need a word boundary
}

TEST_CASE("postfix chains: fields, indexes, calls", "[parser]") {
  CHECK(shape("f(a)(b).c") == "(. (call (call f a) b) c)");
  CHECK(shape("t.lower(x, y,)") == "(call (. t lower) x y)");
  CHECK(shape("f()") == "(call f)");
  CHECK(shape("a[0][i + 1].b") == "(. ([] ([] a 0) (+ i 1)) b)");
  CHECK(shape("d.type.count") == "(. (. d type) count)");  // reserved words as field names
  CHECK(shape("(a).b") == "(. a b)");
  CHECK(shape("[1, 2][0]") == "([] [ 1 2 ] 0)");
}

TEST_CASE("literals", "[parser]") {
  CHECK(shape("true") == "true");
  CHECK(shape("false") == "false");
  CHECK(shape("none") == "none");
  CHECK(shape("1_000_000") == "1000000");
  CHECK(shape("9223372036854775807") == "9223372036854775807");
  CHECK(shape("-9223372036854775808") == "-9223372036854775808");
  CHECK(shape("-1") == "(- 1)");
  CHECK(shape("0.5") == "0.5");
  CHECK(shape("1e25") == "1e+25");
  CHECK(shape("1.5E-3") == "0.0015");
  CHECK(shape("2e+2") == "200");
  CHECK(shape("1e-999") == "0");
  CHECK(shape("[]") == "[ ]");
  CHECK(shape("{}") == "{ }");
  CHECK(shape("[1, [2, 3], {4,},]") == "[ 1 [ 2 3 ] { 4 } ]");
  CHECK(shape("{\"a\", \"b\"}") == "{ \"a\" \"b\" }");
  CHECK(shape("[\n  1,\n  2\n]") == "[ 1 2 ]");
}

TEST_CASE("strings: escapes and interpolation", "[parser]") {
  auto p = parse_expr(R"("tab\there \"q\" back\\slash \$5 $5 \n\r \u{1F600}\u{e9}")");
  const Expr& e = value_of(*p);
  REQUIRE(e.is<StringLit>());
  CHECK(e.as<StringLit>()->value ==
        "tab\there \"q\" back\\slash $5 $5 \n\r \xF0\x9F\x98\x80\xC3\xA9");

  CHECK(shape(R"("${a}")") == "(str a)");
  CHECK(shape(R"("x ${a + 1} y ${f("in ${b}")}")") ==
        "(str \"x \" (+ a 1) \" y \" (call f (str \"in \" b)))");
  CHECK(shape(R"("${ a }${b}")") == "(str a b)");
  CHECK(shape(R"("")") == "\"\"");
  CHECK(shape("\"caf\xC3\xA9 \xE2\x82\xAC\"") == "\"caf\xC3\xA9 \xE2\x82\xAC\"");
}

TEST_CASE("quantifiers: the body extends as far right as possible", "[parser]") {
  CHECK(shape("some d in data: personal(d)") == "(some d data (call personal d))");
  CHECK(shape("every c in oversight.checkpoints: c.can_override") ==
        "(every c (. oversight checkpoints) (. c can_override))");
  CHECK(shape("some d in data: p(d) and q or r") == "(some d data (or (and (call p d) q) r))");
  CHECK(shape("x and some d in data: p(d) or q") == "(and x (some d data (or (call p d) q)))");
  CHECK(shape("(some d in data: p(d)) or q") == "(or (some d data (call p d)) q)");
  CHECK(shape("not some d in data: p") == "(not (some d data p))");
  CHECK(shape("some a in xs: every b in a.ys: b > 0") == "(some a xs (every b (. a ys) (> b 0)))");
}

TEST_CASE("aggregates", "[parser]") {
  CHECK(shape("count(d in data where personal(d))") == "(count d data where (call personal d))");
  CHECK(shape("count(d in data)") == "(count d data)");
  CHECK(shape("sum(d.size for d in data)") == "(sum (. d size) d data)");
  CHECK(shape("sum(v for v in xs where v > 0)") == "(sum v v xs where (> v 0))");
  CHECK(shape("max(d.classification for d in data where \"x\" in d.used_for, default public)") ==
        "(max (. d classification) d data where (in \"x\" (. d used_for)) default public)");
  CHECK(shape("min(x for x in xs, default 0) + 1") == "(+ (min x x xs default 0) 1)");
}

TEST_CASE("expressions continue across lines", "[parser]") {
  auto p = parse_ok(
      "rule r {\n"
      "  when a\n"
      "    and b   // comment between operands\n"
      "    or\n"
      "    c ==\n"
      "      d\n"
      "  then deny \"x\"\n"
      "}\n");
  const auto& rule = p->decl_as<RuleDecl>(0);
  CHECK(show(*rule.when) == "(or (and a b) (== c d))");
  CHECK(p->text(rule.when->span) ==
        "a\n    and b   // comment between operands\n    or\n    c ==\n      d");
}

// ------------------------------------------------------------------ spans ---

TEST_CASE("spans cover exactly the tokens of a node", "[parser]") {
  auto p = parse_ok("const X = (a + b) * f(c)[0].d   // trailing comment\n\n");
  const Expr& mul = value_of(*p);
  CHECK(p->text(mul.span) == "(a + b) * f(c)[0].d");
  const auto& binary = *mul.as<Binary>();
  CHECK(p->text(binary.lhs->span) == "a + b");  // parentheses belong to the parent
  CHECK(p->text(binary.lhs->as<Binary>()->lhs->span) == "a");
  const Expr& field = *binary.rhs;
  CHECK(p->text(field.span) == "f(c)[0].d");
  CHECK(p->text(field.as<FieldAccess>()->field.span) == "d");
  const Expr& index = *field.as<FieldAccess>()->object;
  CHECK(p->text(index.span) == "f(c)[0]");
  const Expr& call = *index.as<IndexAccess>()->object;
  CHECK(p->text(call.span) == "f(c)");
  CHECK(p->text(call.as<Call>()->callee->span) == "f");
  CHECK(p->text(p->decl(0).span) == "const X = (a + b) * f(c)[0].d");
  CHECK(p->text(p->decl_as<ConstDecl>(0).name.span) == "X");
}

TEST_CASE("spans of prefix operators, quantifiers, aggregates and strings", "[parser]") {
  auto p = parse_ok(
      "const A = not  -x\n"
      "const B = some d in data: d.ok // c\n"
      "const C = sum(v for v in xs)\n"
      "const D = \"a ${b} c\"\n"
      "const E = if a then b else c\n");
  const Expr& a = *p->decl_as<ConstDecl>(0).value;
  CHECK(p->text(a.span) == "not  -x");
  CHECK(p->text(a.as<Unary>()->operand->span) == "-x");
  const Expr& b = *p->decl_as<ConstDecl>(1).value;
  CHECK(p->text(b.span) == "some d in data: d.ok");
  CHECK(p->text(b.as<Quantifier>()->var.span) == "d");
  CHECK(p->text(p->decl_as<ConstDecl>(2).value->span) == "sum(v for v in xs)");
  const Expr& d = *p->decl_as<ConstDecl>(3).value;
  CHECK(p->text(d.span) == "\"a ${b} c\"");
  CHECK(p->text(d.as<InterpString>()->parts[1].expr->span) == "b");
  CHECK(p->text(p->decl_as<ConstDecl>(4).value->span) == "if a then b else c");
}

// ----------------------------------------------------------------- errors ---

TEST_CASE("lexical errors: strings, escapes, numbers", "[parser]") {
  Failure f = parse_error("const X = \"abc\nconst Y = 1\n");
  CHECK(f.code == DiagCode::unterminated_string);
  CHECK(f.line == 1);
  CHECK(f.column == 11);
  CHECK(f.message == "unterminated string `\"abc`; a string must end with `\"` on the same line");
  CHECK(f.spanned == "\"abc");

  f = parse_error("const X = \"abc");
  CHECK(f.code == DiagCode::unterminated_string);
  CHECK(f.column == 11);

  f = parse_error("const X = \"a\\qb\"");
  CHECK(f.code == DiagCode::invalid_escape);
  CHECK(f.line == 1);
  CHECK(f.column == 13);
  CHECK(f.spanned == "\\q");

  f = parse_error("const X = \"\\u{110000}\"");
  CHECK(f.code == DiagCode::invalid_escape);
  CHECK(f.column == 12);
  CHECK(f.spanned == "\\u{110000}");

  f = parse_error("const X = \"\\u{D800}\"");
  CHECK(f.code == DiagCode::invalid_escape);

  f = parse_error("const X = \"\\u{zz}\"");
  CHECK(f.code == DiagCode::invalid_escape);
  CHECK(f.column == 12);

  f = parse_error("const X = \"\\u1234\"");
  CHECK(f.code == DiagCode::invalid_escape);
  CHECK(f.message == "expected `{` after `\\u`, as in `\\u{1F600}`");

  f = parse_error("const X = \"${a\"");
  CHECK(f.code == DiagCode::syntax_error);
  CHECK(f.message == "expected `}` to close `${...}`");
  CHECK(f.column == 15);

  f = parse_error("const X = 12abc");
  CHECK(f.code == DiagCode::invalid_number);
  CHECK(f.column == 11);
  CHECK(f.spanned == "12abc");

  f = parse_error("const X = 1_");
  CHECK(f.code == DiagCode::invalid_number);

  f = parse_error("const X = 1e");
  CHECK(f.code == DiagCode::invalid_number);

  f = parse_error("const X = 9223372036854775808");
  CHECK(f.code == DiagCode::invalid_number);
  CHECK(f.column == 11);
  CHECK(f.spanned == "9223372036854775808");

  f = parse_error("const X = -9223372036854775809");
  CHECK(f.code == DiagCode::invalid_number);

  f = parse_error("const X = 1e999");
  CHECK(f.code == DiagCode::invalid_number);
  CHECK(f.message == "number `1e999` is out of range");

  f = parse_error("enum E { a = 1.5 }");
  CHECK(f.code == DiagCode::invalid_number);
  CHECK(f.column == 14);
}

TEST_CASE("unterminated strings and invalid escapes name the text", "[parser]") {
  Failure f = parse_error("rule r {\n  title \"Emotion recognition\n  then deny \"x\"\n}\n");
  CHECK(f.code == DiagCode::unterminated_string);
  CHECK(f.line == 2);
  CHECK(f.column == 9);
  CHECK(f.message ==
        "unterminated string `\"Emotion recognition`; a string must end with `\"` on the same "
        "line");

  // Long strings are cut at 40 characters, CRLF or not.
  f = parse_error("const X = \"" + std::string(50, 'a') + "\r\nconst Y = 1\r\n");
  CHECK(f.code == DiagCode::unterminated_string);
  CHECK(f.column == 11);
  CHECK(f.message == "unterminated string `\"" + std::string(39, 'a') +
                         "\xE2\x80\xA6`; a string must end with `\"` on the same line");

  // Multi-byte characters are never cut in half.
  f = parse_error("const X = \"" + std::string(38, 'a') + "\xC3\xA9\xC3\xA9\xC3\xA9");
  CHECK(f.message == "unterminated string `\"" + std::string(38, 'a') +
                         "\xC3\xA9\xE2\x80\xA6`; a string must end with `\"` on the same line");

  // The string inside an interpolation is the one named.
  f = parse_error("const X = \"a ${f(\"b)}\"");
  CHECK(f.code == DiagCode::syntax_error);  // `)}"` is read as the inner string's text
  f = parse_error("const X = \"a ${f(\"b");
  CHECK(f.code == DiagCode::unterminated_string);
  CHECK(f.column == 18);
  CHECK(f.message.find("unterminated string `\"b`") == 0);

  f = parse_error("const X = \"C:\\path\"");
  CHECK(f.code == DiagCode::invalid_escape);
  CHECK(f.line == 1);
  CHECK(f.column == 14);
  CHECK(f.spanned == "\\p");
  CHECK(f.message ==
        "invalid escape `\\p` in string; use one of `\\n \\t \\r \\\" \\\\ \\$ \\u{...}`");

  f = parse_error("const X = \"caf\\\xC3\xA9\"");
  CHECK(f.code == DiagCode::invalid_escape);
  CHECK(f.spanned == "\\\xC3\xA9");
  CHECK(f.message.find("invalid escape `\\\xC3\xA9` in string; ") == 0);

  // A backslash at the end of the line escapes nothing.
  f = parse_error("const X = \"abc\\\nconst Y = 1");
  CHECK(f.code == DiagCode::invalid_escape);
  CHECK(f.column == 15);
  CHECK(f.spanned == "\\");
  CHECK(f.message.find("invalid escape `\\` in string; ") == 0);
}

TEST_CASE("reserved words where a name is declared", "[parser]") {
  Failure f =
      parse_error("rule r {\n  let count = n * 2\n  when count > 1\n  then deny \"x\"\n}\n");
  CHECK(f.code == DiagCode::syntax_error);
  CHECK(f.line == 2);
  CHECK(f.column == 7);
  CHECK(f.spanned == "count");
  CHECK(f.message == "`count` is a reserved word and cannot name a variable");

  f = parse_error("rule test {\n  when a\n  then deny \"x\"\n}\n");
  CHECK(f.code == DiagCode::syntax_error);
  CHECK(f.line == 1);
  CHECK(f.column == 6);
  CHECK(f.spanned == "test");
  CHECK(f.message == "`test` is a reserved word and cannot name a rule");

  const std::pair<const char*, const char*> cases[] = {
      {"package rule", "`rule` is a reserved word and cannot name a package"},
      {"import a.b as def", "`def` is a reserved word and cannot name an import alias"},
      {"enum in { a }", "`in` is a reserved word and cannot name an enum"},
      {"enum E { a, in }", "`in` is a reserved word and cannot name an enum member"},
      {"type output { a: int }", "`output` is a reserved word and cannot name a type"},
      {"const sum = 1", "`sum` is a reserved word and cannot name a constant"},
      {"def max(a: int): int = a", "`max` is a reserved word and cannot name a function"},
      {"def f(a: int, min: int): int = a", "`min` is a reserved word and cannot name a parameter"},
      {"output every: int", "`every` is a reserved word and cannot name an output"},
      {"rule r { for some in data then deny \"x\" }",
       "`some` is a reserved word and cannot name a variable"},
      {"const X = some count in xs: true", "`count` is a reserved word and cannot name a variable"},
      {"const X = count(none in xs)", "`none` is a reserved word and cannot name a variable"},
  };
  for (const auto& [source, message] : cases) {
    INFO(source);
    f = parse_error(source);
    CHECK(f.code == DiagCode::syntax_error);
    CHECK(f.message == message);
  }

  // Reserved words still name fields.
  parse_ok("type T { count: int }\nconst X = t.count");
}

TEST_CASE("a file that does not begin with package", "[parser]") {
  Failure f = parse_error("packag cases.x\n\nrule r { when a then deny \"x\" }\n");
  CHECK(f.code == DiagCode::missing_package);
  CHECK(f.line == 1);
  CHECK(f.column == 1);
  CHECK(f.spanned == "packag");
  CHECK(f.message ==
        "a rule file must begin with `package <name>`, not `packag`; did you mean `package`?");

  f = parse_error("// A comment.\nmod x\n");
  CHECK(f.code == DiagCode::missing_package);
  CHECK(f.line == 2);
  CHECK(f.column == 1);
  CHECK(f.spanned == "mod");
  CHECK(f.message == "a rule file must begin with `package <name>`, not `mod`");

  f = parse_error("\xEF\xBB\xBF{ }");
  CHECK(f.code == DiagCode::missing_package);
  CHECK(f.spanned == "{");
  CHECK(f.message == "a rule file must begin with `package <name>`");

  {
    auto p = parse("packag x\nrul y {}\n");
    CHECK(p->module == nullptr);
    CHECK(p->diags.all().size() == 1);  // one error, not one per line
  }

  // An empty file, or one that starts with an import or a declaration, parses:
  // the checker reports the missing package, with the same code and message.
  CHECK(parse_ok("")->module->package.parts.empty());
  CHECK(parse_ok("// only a comment\n")->module->package.parts.empty());
  CHECK(parse_ok("facts { a: int }")->module->package.parts.empty());
  CHECK(parse_ok("import a.b\nconst X = 1")->module->package.parts.empty());

  // A misplaced `package` is still reported as such.
  f = parse_error("const X = 1\npackage a\n");
  CHECK(f.code == DiagCode::syntax_error);
  CHECK(f.message == "`package` must be the first declaration of the file");
}

TEST_CASE("operators from other languages", "[parser]") {
  Failure f = parse_error("rule r {\n  when n = 1\n  then deny \"x\"\n}\n");
  CHECK(f.code == DiagCode::syntax_error);
  CHECK(f.line == 2);
  CHECK(f.column == 10);
  CHECK(f.spanned == "=");
  CHECK(f.message == "`=` is not a comparison; use `==`");

  f = parse_error("rule r {\n  when a && b\n  then deny \"x\"\n}\n");
  CHECK(f.code == DiagCode::syntax_error);
  CHECK(f.line == 2);
  CHECK(f.column == 10);
  CHECK(f.spanned == "&&");
  CHECK(f.message == "use `and` instead of `&&`");

  f = parse_error("rule r { when a || b then deny \"x\" }");
  CHECK(f.column == 17);
  CHECK(f.spanned == "||");
  CHECK(f.message == "use `or` instead of `||`");

  f = parse_error("rule r { when !a then deny \"x\" }");
  CHECK(f.column == 15);
  CHECK(f.spanned == "!");
  CHECK(f.message == "use `not` instead of `!`");

  f = parse_error("const X = (a = b)");
  CHECK(f.column == 14);
  CHECK(f.message == "`=` is not a comparison; use `==`");

  f = parse_error("const X = if a = b then 1 else 2");
  CHECK(f.message == "`=` is not a comparison; use `==`");

  f = parse_error("const X = [a && b]");
  CHECK(f.message == "use `and` instead of `&&`");

  f = parse_error("test \"t\" { expect o = 1 }");
  CHECK(f.column == 21);
  CHECK(f.message == "`=` is not a comparison; use `==`");

  // Where `=` is not after an expression, the usual message stays.
  f = parse_error("rule r = { when a then deny \"x\" }");
  CHECK(f.message == "expected `{` after the rule's name");
  f = parse_error("const X = = 1");
  CHECK(f.message == "expected the constant's value after `=`");

  parse_ok("const X = a != b and not c");
}

TEST_CASE("missing then", "[parser]") {
  Failure f = parse_error("rule r {\n  when a\n  deny \"x\"\n}\n");
  CHECK(f.code == DiagCode::missing_then);
  CHECK(f.line == 3);
  CHECK(f.column == 3);
  CHECK(f.message == "expected `then` before the rule's effects");
  CHECK(f.spanned == "deny");

  f = parse_error("rule r {\n  when a\n}\n");
  CHECK(f.code == DiagCode::missing_then);
  CHECK(f.line == 3);
  CHECK(f.column == 1);
  CHECK(f.spanned == "}");
  CHECK(f.message == "rule `r` has no `then` clause with its effects");

  f = parse_error("rule r { when a then }");
  CHECK(f.code == DiagCode::syntax_error);
  CHECK(f.column == 22);
  CHECK(f.message.find("expected an effect after `then`") == 0);
}

TEST_CASE("clause order", "[parser]") {
  Failure f = parse_error("rule r {\n  when a\n  title \"t\"\n  then deny \"x\"\n}\n");
  CHECK(f.code == DiagCode::clause_order);
  CHECK(f.line == 3);
  CHECK(f.column == 3);
  CHECK(f.spanned == "title");
  CHECK(f.message.find("`title` must come before `when`") == 0);

  f = parse_error("rule r { when a when b then deny \"x\" }");
  CHECK(f.code == DiagCode::clause_order);
  CHECK(f.column == 17);
  CHECK(f.message == "rule `r` has a second `when` clause");

  f = parse_error("rule r { then deny \"x\" unless b }");
  CHECK(f.code == DiagCode::clause_order);
  CHECK(f.spanned == "unless");
  CHECK(f.message.find("`unless` must come before `then`") == 0);

  f = parse_error("rule r { when a for d in data then deny \"x\" }");
  CHECK(f.code == DiagCode::clause_order);
  CHECK(f.spanned == "for");

  f = parse_error("rule r { severity low cite \"a\" then deny \"x\" }");
  CHECK(f.code == DiagCode::clause_order);
  CHECK(f.spanned == "cite");

  f = parse_error("rule r { then deny \"x\" then deny \"y\" }");
  CHECK(f.code == DiagCode::clause_order);
  CHECK(f.column == 24);
}

TEST_CASE("clause order errors are all reported", "[parser]") {
  auto p = parse("rule r { when a title \"t\" severity hgih then deny \"x\" }");
  CHECK(p->module == nullptr);
  REQUIRE(p->diags.all().size() == 3);
  CHECK(p->diags.all()[0].code == DiagCode::clause_order);
  CHECK(p->diags.all()[1].code == DiagCode::clause_order);
  CHECK(p->diags.all()[2].code == DiagCode::invalid_severity);
}

TEST_CASE("invalid severity", "[parser]") {
  Failure f = parse_error("rule r {\n  severity hgih\n  then deny \"x\"\n}");
  CHECK(f.code == DiagCode::invalid_severity);
  CHECK(f.line == 2);
  CHECK(f.column == 12);
  CHECK(f.spanned == "hgih");
  CHECK(f.message == "unknown severity `hgih`; did you mean `high`?");

  f = parse_error("rule r { severity 3 then deny \"x\" }");
  CHECK(f.code == DiagCode::syntax_error);
  CHECK(f.column == 19);

  f = parse_error("rule r { severity zzzzzzzzz then deny \"x\" }");
  CHECK(f.code == DiagCode::invalid_severity);
  CHECK(f.message ==
        "unknown severity `zzzzzzzzz`; expected `info`, `low`, `medium`, `high` or `critical`");
}

TEST_CASE("expression syntax errors", "[parser]") {
  Failure f = parse_error("const X = (a + b");
  CHECK(f.message == "expected `)` to close the parenthesis");
  CHECK(f.column == 17);
  CHECK(f.spanned.empty());  // the end of the file

  f = parse_error("const X = a +\nconst Y = 1");
  CHECK(f.message == "expected an expression after `+`");
  CHECK(f.line == 2);
  CHECK(f.column == 1);
  CHECK(f.spanned == "const");

  f = parse_error("const X = a < b < c");
  CHECK(f.message.find("comparisons do not chain") == 0);
  CHECK(f.column == 17);

  f = parse_error("const X = a not b");
  CHECK(f.message.find("expected a declaration") == 0);
  CHECK(f.column == 13);

  f = parse_error("const X = [1 2]");
  CHECK(f.message == "expected `,` or `]` in the list");
  CHECK(f.column == 14);

  f = parse_error("const X = if a then b");
  CHECK(f.message == "expected `else`: an `if` expression needs both branches");

  f = parse_error("const X = some d data: x");
  CHECK(f.message == "expected `in` after the quantifier's variable");
  CHECK(f.column == 18);

  f = parse_error("const X = some d in data x");
  CHECK(f.message == "expected `:` before the quantifier's condition");

  f = parse_error("const X = max(d for d in data, d)");
  CHECK(f.message == "expected `default` after `,` in the aggregate");
  CHECK(f.column == 32);

  f = parse_error("const X = max(a, b)");
  CHECK(f.message == "expected `for` after the value to aggregate");
  CHECK(f.column == 16);

  f = parse_error("const X = a.");
  CHECK(f.message == "expected a field name after `.`");

  f = parse_error("const X = not");
  CHECK(f.message == "expected an expression after `not`");

  f = parse_error("const X = a or and");
  CHECK(f.message == "expected an expression after `or`");
  CHECK(f.spanned == "and");

  f = parse_error("const X = f(a b)");
  CHECK(f.message == "expected `,` or `)` in the argument list");
}

TEST_CASE("declaration syntax errors", "[parser]") {
  Failure f = parse_error("package a\nrul x {}\n");
  CHECK(f.code == DiagCode::syntax_error);
  CHECK(f.line == 2);
  CHECK(f.column == 1);
  CHECK(f.spanned == "rul");
  CHECK(f.message.find("expected a declaration") == 0);

  f = parse_error("const X = 1\nimport a.b\n");
  CHECK(f.message == "imports must come before the other declarations");
  CHECK(f.line == 2);

  f = parse_error("import a.b\npackage c\n");
  CHECK(f.message == "`package` must be the first declaration of the file");

  f = parse_error("enum E { a b }");
  CHECK(f.message.find("expected `}` to close the enum") == 0);
  CHECK(f.column == 12);

  f = parse_error("type T {\n  a: int b: int\n}");
  CHECK(f.message.find("expected `}` to close the fields") == 0);
  CHECK(f.line == 2);
  CHECK(f.column == 10);

  f = parse_error("type T { a int }");
  CHECK(f.message == "expected `:` and a type after the field's name");

  f = parse_error("type T { a: }");
  CHECK(f.message == "expected a type after `:`");
  CHECK(f.column == 13);

  f = parse_error("type T { a: list<int }");
  CHECK(f.message == "expected `>` to close the type arguments");

  f = parse_error("const if = 1");
  CHECK(f.message == "`if` is a reserved word and cannot name a constant");
  CHECK(f.spanned == "if");

  f = parse_error("const = 1");
  CHECK(f.message == "expected a name for the declaration");
  CHECK(f.spanned == "=");

  f = parse_error("const X: int 1");
  CHECK(f.message == "expected `=` and the constant's value");

  f = parse_error("def f(a: int) = a");
  CHECK(f.message == "expected `:` and the result type after the parameters");

  f = parse_error("output o = 1");
  CHECK(f.message == "expected `:` and a type after the output's name");

  f = parse_error("rule r { when a then deny }");
  CHECK(f.message == "expected a message string");
  CHECK(f.column == 27);

  f = parse_error("rule r { when a then raise tier prohibited }");
  CHECK(f.message == "expected `to` after the output's name");

  f = parse_error("rule r { when then deny \"x\" }");
  CHECK(f.message == "expected a condition after `when`");
  CHECK(f.spanned == "then");

  f = parse_error("rule r { bogus then deny \"x\" }");
  CHECK(f.message.find("expected a rule clause") == 0);
  CHECK(f.spanned == "bogus");

  f = parse_error("rule r { title \"${x}\" then deny \"x\" }");
  CHECK(f.message == "a title cannot contain `${...}`; write `\\$` for a literal `$`");
  CHECK(f.spanned == "${x}");
}

TEST_CASE("test syntax errors", "[parser]") {
  Failure f = parse_error("test \"t\" { expect bogus }");
  CHECK(f.message == "expected `==` after the output's name");

  f = parse_error("test \"t\" { expect }");
  CHECK(f.message.find("expected an expectation") == 0);

  f = parse_error("test \"t\" { expect outcome }");
  CHECK(f.message.find("expected an outcome") == 0);

  f = parse_error("test \"t\" { expect no }");
  CHECK(f.message == "expected `deny`, `review` or `warn` after `no`");

  f = parse_error("test \"t\" { given { a: 1 b: 2 } }");
  CHECK(f.message.find("expected `}` to close the object") == 0);
  CHECK(f.column == 25);

  f = parse_error("test \"t\" { given { a: [1 2] } }");
  CHECK(f.message.find("expected `]` to close the array") == 0);

  f = parse_error("test \"t\" { given { a: x } }");
  CHECK(f.message.find("expected a value") == 0);

  f = parse_error("test \"t\" { given [] }");
  CHECK(f.message == "expected `{` or `file` after `given`");

  f = parse_error("test \"t\" { expect missing data[x] }");
  CHECK(f.message == "expected a list index");

  f = parse_error("test t { }");
  CHECK(f.message == "expected the test's name as a string");
}

TEST_CASE("bytes: UTF-8, NUL, size", "[parser]") {
  Failure f = parse_error(std::string("const X = \"a\xFF\"\n"));
  CHECK(f.code == DiagCode::invalid_utf8);
  CHECK(f.line == 1);
  CHECK(f.column == 13);
  CHECK(f.message == "invalid UTF-8 (byte 0xff)");

  f = parse_error(std::string("// caf\xC3\nconst X = 1"));  // truncated sequence
  CHECK(f.code == DiagCode::invalid_utf8);
  CHECK(f.column == 7);

  f = parse_error(std::string("const X = \"\xED\xA0\x80\""));  // an encoded surrogate
  CHECK(f.code == DiagCode::invalid_utf8);

  f = parse_error(std::string("const X = \"\xC0\xAF\""));  // overlong
  CHECK(f.code == DiagCode::invalid_utf8);

  f = parse_error(std::string("const X = 1\n\0", 13));
  CHECK(f.code == DiagCode::syntax_error);
  CHECK(f.line == 2);
  CHECK(f.message.find("NUL byte") != std::string::npos);

  ParseLimits small;
  small.max_source_bytes = 10;
  f = parse_error("const X = 12345", small);
  CHECK(f.code == DiagCode::file_too_large);

  f = parse_error("const X = a \xC3\xA9");
  CHECK(f.code == DiagCode::syntax_error);
  CHECK(f.column == 13);
  CHECK(f.spanned == "\xC3\xA9");
  CHECK(f.message ==
        "unexpected character `\xC3\xA9`; names are made of ASCII letters, digits and `_`");

  f = parse_error("const X = \x01");
  CHECK(f.message == "unexpected control character U+0001");
  CHECK(f.column == 11);
}

TEST_CASE("nesting limits", "[parser]") {
  Failure f = parse_error("const X = " + std::string(100, '(') + "1" + std::string(100, ')'));
  CHECK(f.code == DiagCode::nesting_too_deep);
  CHECK(f.line == 1);

  ParseLimits limits;
  limits.max_nesting = 5;
  CHECK(parse("const X = ((1))", limits)->module != nullptr);
  f = parse_error("const X = [[[[[[1]]]]]]", limits);
  CHECK(f.code == DiagCode::nesting_too_deep);
  f = parse_error("test \"t\" { given { a: { b: { c: { d: { e: { f: 1 } } } } } } }", limits);
  CHECK(f.code == DiagCode::nesting_too_deep);
  f = parse_error("const X: list<list<list<list<list<list<int>>>>>> = []", limits);
  CHECK(f.code == DiagCode::nesting_too_deep);
  f = parse_error("const X = - - - - - - - 1", limits);
  CHECK(f.code == DiagCode::nesting_too_deep);
  f = parse_error("const X = not not not not not not a", limits);
  CHECK(f.code == DiagCode::nesting_too_deep);

  // Operator chains do not nest in the grammar but make deep trees.
  std::string chain = "const X = 1";
  for (int i = 0; i < 300; ++i) chain += " + 1";
  f = parse_error(chain);
  CHECK(f.code == DiagCode::nesting_too_deep);
  std::string fields = "const X = a";
  for (int i = 0; i < 300; ++i) fields += ".b";
  CHECK(parse_error(fields).code == DiagCode::nesting_too_deep);
  std::string shallow = "const X = 1";
  for (int i = 0; i < 200; ++i) shallow += " + 1";
  CHECK(parse(shallow)->module != nullptr);
}

TEST_CASE("identifier and string length limits", "[parser]") {
  ParseLimits limits;
  limits.max_identifier_bytes = 8;
  limits.max_string_bytes = 4;
  CHECK(parse("const ABCDEFGH = \"abcd\"", limits)->module != nullptr);
  Failure f = parse_error("const ABCDEFGHI = 1", limits);
  CHECK(f.spanned == "ABCDEFGHI");
  f = parse_error("const X = \"abcde\"", limits);
  CHECK(f.spanned == "\"abcde\"");
}

// -------------------------------------------------------- whole programs ---

namespace {

const char* const sample_program = R"rules(package euaia.prohibited

import schema.ai
import std.eu.{eea, adequate}
import std.text as t

/// Ordered.
enum Classification { public, internal, confidential, restricted }
enum Scope { consumer_app = 1, enterprise_app = 2,
             pretrained_model = 3 }
enum TransferMechanism { no_mechanism = "none", scc, bcr }

type Dataset {
  name: string
  classification: Classification
  tags: set<string> = {}          // default
  residency: string?
}

facts {
  workload: Workload
  data: list<Dataset> = []
  model: Model?
}

const AREAS: set<string> = {"biometrics", "critical_infrastructure"}
const FLOPS = 1e25
def personal(d: ai.Dataset): bool =
  d.tags intersects {"pii", "phi", "special_category", "children"}
output tier: RiskTier = out_of_scope
output systemic: bool = model.general_purpose and model.flops > FLOPS

rule emotion_recognition_at_work {
  title "Emotion recognition in the workplace"
  cite  "EU AI Act Art. 5(1)(f)", "Recital 44"
  severity critical
  for d in data
  let n = count(x in data where personal(x))
  when  "emotion_recognition" in workload.capabilities
    and workload.setting in {"workplace", "education"}
    and some c in workload.checkpoints: c.can_override
  unless workload.medical_or_safety_purpose ?? false
  then
    raise tier to prohibited
    require oversight.checkpoint with { stage: "deploy", role: "dpo" } "Check ${d.name}"
    deny "Emotion recognition in ${workload.setting} is prohibited \u{1F600}"
}

test "a chatbot" {
  given {
    workload: { name: "helpdesk-bot", scope: 2, tags: ["a", "b"] }
    data: [], ratio: -0.5, x: null
  }
  expect outcome allow
  expect require transparency.disclose_ai
  expect euaia.tier == limited
  expect no deny
  expect deny euaia.*
  expect missing data[0].residency
  expect complete
}

test "file" {
  given file "fixtures/helpdesk.json" with { workload.scope: 1, data[0].tags: ["pii"] }
  expect deny scoping.consumer_app_personal_data
}
)rules";

}  // namespace

TEST_CASE("the sample program parses", "[parser]") {
  auto p = parse_ok(sample_program);
  CHECK(p->module->decls.size() == 13);
}

TEST_CASE("every prefix of a program parses or fails cleanly", "[parser]") {
  const std::string program = sample_program;
  std::size_t parsed = 0;
  for (std::size_t length = 0; length <= program.size(); ++length) {
    auto p = parse(program.substr(0, length));
    if (p->module) {
      ++parsed;
      CHECK(p->diags.empty());
    } else {
      REQUIRE_FALSE(p->diags.empty());
      for (const Diagnostic& d : p->diags.all()) {
        CHECK(d.span.file == p->file);
        CHECK(d.span.begin <= d.span.end);
        CHECK(d.span.end <= length);
      }
    }
  }
  CHECK(parsed > 10);
}

TEST_CASE("every valid corpus file and standard module parses", "[parser]") {
  namespace fs = std::filesystem;
  const fs::path source_dir(PRECEPT_SOURCE_DIR);
  std::size_t files = 0;
  for (const fs::path& root : {source_dir / "tests" / "lang" / "valid", source_dir / "stdlib"}) {
    if (!fs::exists(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.path().extension() != ".rules") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      INFO(entry.path().string());
      auto p = parse(text.str());
      for (const Diagnostic& d : p->diags.all()) {
        const LineCol at = p->sources.locate(d.span);
        UNSCOPED_INFO(fmt::format("{}:{}: {}", at.line, at.column, d.message));
      }
      CHECK(p->module != nullptr);
      ++files;
    }
  }
  CHECK(files > 0);
}

TEST_CASE("the grammar and the checker share one list of reserved words", "[parser]") {
  const char* words[] = {
#define RESERVED_WORD(w) w,
#include "lang/reserved_words.def"
#undef RESERVED_WORD
  };
  for (const char* word : words) {
    INFO(word);
    CHECK(precept::lang::is_reserved_word(word));
    precept::lang::SourceSet sources;
    auto id = sources.add("w.rules", std::string("package p\nconst ") + word + " = 1\n");
    precept::lang::Diagnostics diags;
    CHECK(precept::lang::parse_module(sources, id, diags) == nullptr);
    REQUIRE(diags.error_count() == 1);
    CHECK(diags.all()[0].message.find("reserved word") != std::string::npos);
  }
  CHECK_FALSE(precept::lang::is_reserved_word("title"));  // contextual, not reserved
}
