// Deciding through the API: the shipped packs on the example workloads,
// options and limits, facts that are not documents, reuse, lifetimes.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "precept/json.hpp"
#include "precept/precept.hpp"
#include "tests/api/api_support.hpp"

using namespace precept;
using precept::api_test::bundle_path;
using precept::api_test::workload;

namespace {

const std::vector<std::string> workload_names = {"credit-copilot", "customer-service-chatbot",
                                                 "hr-fine-tuned-model", "incomplete-submission",
                                                 "us-internal-tool"};

// The packs as rulec built them, loaded once.
const Bundle& packs() {
  static const Bundle bundle = *Bundle::load(bundle_path("aigov.rbc"));
  return bundle;
}

const Options fixed_date{.now = std::chrono::year{2026} / 12 / 4};

std::vector<std::string> rule_ids(const List<Entry>& entries) {
  std::vector<std::string> ids;
  for (const Entry& e : entries) ids.emplace_back(e.rule);
  return ids;
}

std::string text(std::string_view view) { return std::string(view); }

// JSON text of a value, as it appears inside the decision's JSON.
std::string dumped(const nlohmann::ordered_json& value) { return value.dump(); }

void check_entry(const Entry& entry, const nlohmann::ordered_json& json, bool explained) {
  bool obligation = entry.kind == EffectKind::require;
  CHECK(json.at("rule") == text(entry.rule));
  if (obligation) {
    CHECK(json.at("id") == text(entry.obligation));
    CHECK(json.contains("message") == entry.has_message);
  } else {
    CHECK(entry.obligation.empty());
    CHECK(json.value("title", "") == text(entry.title));
    CHECK(json.at("message") == text(entry.message));
  }
  if (entry.has_message && json.contains("message"))
    CHECK(json.at("message") == text(entry.message));
  CHECK(json.at("severity") == to_string(entry.severity));
  REQUIRE(json.at("cite").size() == entry.citations.size());
  std::size_t i = 0;
  for (std::string_view cite : entry.citations) CHECK(json.at("cite")[i++] == text(cite));
  REQUIRE(json.at("bindings").size() == entry.bindings.size());
  for (const Binding& b : entry.bindings) {
    const auto& value = json.at("bindings").at(text(b.name));
    CHECK((b.is_path ? value.get<std::string>() : dumped(value)) == text(b.value));
  }
  CHECK(json.contains("because") == explained);
  if (explained) {
    REQUIRE(json.at("because").size() == entry.because.size());
    i = 0;
    for (const FactRead& read : entry.because) {
      CHECK(json.at("because")[i].at("path") == text(read.path));
      CHECK(dumped(json.at("because")[i].at("value")) == text(read.value));
      ++i;
    }
  }
  if (obligation) {
    REQUIRE(json.at("fields").size() == entry.fields.size());
    for (const Field& f : entry.fields)
      CHECK(dumped(json.at("fields").at(text(f.name))) == text(f.value));
  } else {
    CHECK(entry.fields.empty());
  }
}

void check_entries(const List<Entry>& entries, const nlohmann::ordered_json& json, EffectKind kind,
                   bool explained) {
  REQUIRE(json.size() == entries.size());
  std::size_t i = 0;
  for (const Entry& entry : entries) {
    CHECK(entry.kind == kind);
    check_entry(entry, json[i++], explained);
  }
}

// Every accessor agrees with the JSON form.
void check_mirrors_json(const Decision& d) {
  nlohmann::ordered_json json = nlohmann::ordered_json::parse(d.to_json());
  CHECK(json.at("outcome") == to_string(d.outcome()));
  CHECK(json.at("complete") == d.complete());
  check_entries(d.violations(), json.at("violations"), EffectKind::deny, d.explained());
  check_entries(d.reviews(), json.at("reviews"), EffectKind::review, d.explained());
  check_entries(d.warnings(), json.at("warnings"), EffectKind::warn, d.explained());
  check_entries(d.obligations(), json.at("obligations"), EffectKind::require, d.explained());
  REQUIRE(json.at("outputs").size() == d.outputs().size());
  for (const Output& o : d.outputs()) {
    CHECK(dumped(json.at("outputs").at(text(o.id))) == text(o.value));
    if (!o.settled) CHECK(o.value == "null");  // a settled output may be null too (none)
  }
  REQUIRE(json.at("missing").size() == d.missing().size());
  std::size_t i = 0;
  for (const MissingFact& m : d.missing()) {
    const auto& entry = json.at("missing")[i++];
    CHECK(entry.at("path") == text(m.path));
    REQUIRE(entry.at("rules").size() == m.rules.size());
    for (std::size_t k = 0; k < m.rules.size(); ++k)
      CHECK(entry.at("rules")[k] == text(m.rules[k]));
  }
  REQUIRE(json.at("errors").size() == d.errors().size());
  i = 0;
  for (const DecisionError& e : d.errors()) {
    const auto& entry = json.at("errors")[i++];
    CHECK(entry.at("kind") == to_string(e.kind));
    CHECK(entry.value("path", "") == text(e.path));
    CHECK(entry.value("at", "") == text(e.at));
    CHECK(entry.at("message") == text(e.message));
  }
}

}  // namespace

TEST_CASE("the HR workload is denied, with the residency violation", "[api][evaluate]") {
  Engine engine{packs()};
  Evaluator evaluator = engine.evaluator();
  Result<Decision> decision = evaluator.evaluate(workload("hr-fine-tuned-model"), fixed_date);
  REQUIRE(decision.ok());
  CHECK(decision->outcome() == Outcome::deny);
  CHECK(decision->bundle_name() == "aigov");
  CHECK(decision->bundle_version() == "1.2.3");
  std::vector<std::string> ids = rule_ids(decision->violations());
  CHECK(std::count(ids.begin(), ids.end(), "aigov.residency.transfer_without_mechanism") == 1);
  for (const Entry& v : decision->violations()) {
    if (v.rule != "aigov.residency.transfer_without_mechanism") continue;
    CHECK(v.severity == Severity::high);
    CHECK(v.kind == EffectKind::deny);
    REQUIRE(v.citations.size() == 3);
    CHECK(v.citations[0] == "GDPR Art. 44");
    REQUIRE(v.bindings.size() == 3);
    CHECK(v.bindings[0].name == "d");
    CHECK(v.bindings[0].value == "data[0]");
    CHECK(v.bindings[0].is_path);
    CHECK(v.message.find("hr_records") != std::string_view::npos);
  }
  CHECK(decision->to_text().rfind("outcome: deny\n", 0) == 0);
}

TEST_CASE("accessors mirror the JSON form on every example workload", "[api][evaluate]") {
  Engine engine{packs()};
  Evaluator evaluator = engine.evaluator();
  for (bool explain : {false, true}) {
    for (const std::string& name : workload_names) {
      INFO(name << (explain ? " explained" : ""));
      Options options = fixed_date;
      options.explain = explain;
      Result<Decision> decision = evaluator.evaluate(workload(name), options);
      REQUIRE(decision.ok());
      CHECK(decision->explained() == explain);
      check_mirrors_json(*decision);
    }
  }
}

TEST_CASE("a bundle compiled in memory decides as the one rulec built",
          "[api][evaluate][compile]") {
  std::vector<Source> sources;
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(precept::api_test::source_dir() / "rules")) {
    if (entry.is_regular_file() && entry.path().extension() == ".rules")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files)
    sources.push_back({file.string(), precept::api_test::read_text(file)});
  Result<Bundle> compiled = Bundle::compile(sources, {.name = "aigov", .version = "1.2.3"});
  REQUIRE(compiled.ok());

  Engine from_file{packs()};
  Engine from_memory{*compiled};
  Evaluator a = from_file.evaluator();
  Evaluator b = from_memory.evaluator();
  for (const std::string& name : workload_names) {
    INFO(name);
    std::string facts = workload(name);
    CHECK(a.evaluate(facts, fixed_date)->to_json(true) ==
          b.evaluate(facts, fixed_date)->to_json(true));
  }
}

TEST_CASE("a reused decision gives the bytes of a fresh one", "[api][evaluate]") {
  Engine engine{packs()};
  Evaluator evaluator = engine.evaluator();
  Decision reused;
  for (int round = 0; round < 3; ++round) {
    for (const std::string& name : workload_names) {
      INFO(name);
      std::string facts = workload(name);
      REQUIRE(evaluator.evaluate(facts, fixed_date, reused).ok());
      CHECK(reused.to_json() == evaluator.evaluate(facts, fixed_date)->to_json());
    }
  }
}

TEST_CASE("facts that are not a JSON object are error values", "[api][evaluate][errors]") {
  Engine engine{packs()};
  Evaluator evaluator = engine.evaluator();
  auto refused = [&](std::string_view facts) {
    Result<Decision> decision = evaluator.evaluate(facts, fixed_date);
    REQUIRE_FALSE(decision.ok());
    CHECK(decision.status().kind() == ErrorKind::bad_facts);
    return decision.status().message();
  };
  // The messages are the fact loader's (tests/runtime/facts_test.cpp); here,
  // that each is an error value with a reason.
  constexpr char trailing_nul[] = "{\"workload\": {}}\0garbage";
  for (std::string_view facts :
       {std::string_view("not json"), std::string_view(""), std::string_view("[1, 2]"),
        std::string_view("{\"workload\": "),
        std::string_view(trailing_nul, sizeof trailing_nul - 1), std::string_view("\0\0\0\0", 4)}) {
    INFO(facts);
    CHECK_FALSE(refused(facts).empty());
  }
  CHECK_THAT(refused("[1, 2]"), Catch::Contains("must be a JSON object"));
}

TEST_CASE("a NUL character inside a JSON string is just text", "[api][evaluate]") {
  Engine engine{packs()};
  Evaluator evaluator = engine.evaluator();
  nlohmann::json facts = nlohmann::json::parse(workload("hr-fine-tuned-model"));
  facts["workload"]["name"] = std::string("talent\0ranker", 13);
  Result<Decision> decision = evaluator.evaluate(facts.dump(), fixed_date);
  REQUIRE(decision.ok());
  CHECK(decision->outcome() == Outcome::deny);
  CHECK(decision->to_json().find("talent\\u0000ranker") != std::string::npos);
}

TEST_CASE("wrong values inside a document are input errors in the decision", "[api][evaluate]") {
  Engine engine{packs()};
  Evaluator evaluator = engine.evaluator();
  nlohmann::json facts = nlohmann::json::parse(workload("hr-fine-tuned-model"));
  facts["data"][0]["residency"] = 3;
  Result<Decision> decision = evaluator.evaluate(facts.dump(), fixed_date);
  REQUIRE(decision.ok());
  REQUIRE(decision->errors().size() >= 1);
  DecisionError error = decision->errors()[0];
  CHECK(error.kind == DecisionError::Kind::input);
  CHECK(error.path == "data[0].residency");
}

TEST_CASE("a failed evaluation leaves an empty, indeterminate decision",
          "[api][evaluate][errors]") {
  Engine engine{packs()};
  Evaluator evaluator = engine.evaluator();
  Decision decision;
  CHECK(decision.outcome() == Outcome::indeterminate);
  CHECK_FALSE(decision.complete());
  REQUIRE(evaluator.evaluate(workload("hr-fine-tuned-model"), fixed_date, decision).ok());
  CHECK(decision.outcome() == Outcome::deny);
  Status status = evaluator.evaluate("{", fixed_date, decision);
  CHECK(status.kind() == ErrorKind::bad_facts);
  CHECK(decision.outcome() == Outcome::indeterminate);
  CHECK_FALSE(decision.complete());
  CHECK(decision.bundle_name().empty());
  CHECK(decision.violations().empty());
  nlohmann::json json = nlohmann::json::parse(decision.to_json());
  CHECK(json.at("outcome") == "indeterminate");
  CHECK(json.at("complete") == false);
  CHECK(decision.to_text() == "outcome: indeterminate (incomplete)\n");
}

TEST_CASE("fuel and entry limits stop an evaluation with a limit error",
          "[api][evaluate][limits]") {
  Engine engine{packs()};
  Evaluator evaluator = engine.evaluator();
  Options options = fixed_date;
  SECTION("fuel") { options.fuel = 10; }
  SECTION("entries") { options.max_entries = 1; }
  Result<Decision> decision = evaluator.evaluate(workload("hr-fine-tuned-model"), options);
  REQUIRE(decision.ok());
  CHECK(decision->outcome() == Outcome::indeterminate);
  CHECK_FALSE(decision->complete());
  bool limited = false;
  for (const DecisionError& e : decision->errors())
    limited = limited || e.kind == DecisionError::Kind::limit;
  CHECK(limited);
}

TEST_CASE("fact limits refuse large and deep documents", "[api][evaluate][limits]") {
  Engine engine{packs()};
  Evaluator evaluator = engine.evaluator();
  std::string facts = workload("hr-fine-tuned-model");
  Options small = fixed_date;
  small.max_fact_bytes = 100;
  Result<Decision> large = evaluator.evaluate(facts, small);
  CHECK(large.status().kind() == ErrorKind::bad_facts);

  Options shallow = fixed_date;
  shallow.max_fact_depth = 2;
  Result<Decision> deep = evaluator.evaluate(facts, shallow);
  CHECK(deep.status().kind() == ErrorKind::bad_facts);

  // And the evaluator goes back to the defaults.
  CHECK(evaluator.evaluate(facts, fixed_date).ok());
}

TEST_CASE("the same date gives the same bytes", "[api][evaluate]") {
  Engine engine{packs()};
  Evaluator first = engine.evaluator();
  Evaluator second = engine.evaluator();
  std::string facts = workload("credit-copilot");
  CHECK(first.evaluate(facts, fixed_date)->to_json() ==
        second.evaluate(facts, fixed_date)->to_json());
  // Without a date, today's: still a decision.
  CHECK(first.evaluate(facts).ok());
}

TEST_CASE("decisions and evaluators outlive reloads and the engine", "[api][evaluate][reload]") {
  Bundle a = *Bundle::load(bundle_path("reload-a.rbc"));
  Bundle b = *Bundle::load(bundle_path("reload-b.rbc"));
  const std::string facts = R"({"request": {"user": "ann", "amount": 150}})";
  Evaluator evaluator;
  Decision before;
  {
    Engine engine{a};
    evaluator = engine.evaluator();
    REQUIRE(evaluator.evaluate(facts, {}, before).ok());
    REQUIRE(engine.reload(b).ok());
    CHECK(engine.bundle().name() == "reload-b");
  }
  // The engine is gone; its evaluator still decides with the current bundle.
  Result<Decision> after = evaluator.evaluate(facts);
  REQUIRE(after.ok());
  CHECK(after->bundle_name() == "reload-b");
  CHECK(after->outcome() == Outcome::review);
  // The first decision still reads as bundle A made it.
  CHECK(before.bundle_name() == "reload-a");
  CHECK(before.bundle_version() == "1.0.0");
  REQUIRE(before.violations().size() == 1);
  CHECK(before.violations()[0].message == "the request of ann is above 100");
}

TEST_CASE("evaluators without an engine refuse to evaluate", "[api][evaluate][errors]") {
  Evaluator detached;
  Result<Decision> decision = detached.evaluate("{}");
  CHECK(decision.status().kind() == ErrorKind::invalid_argument);

  Engine engine{packs()};
  Engine moved = std::move(engine);
  Evaluator from_moved = engine.evaluator();  // NOLINT(bugprone-use-after-move): what it does
  CHECK(from_moved.evaluate("{}").status().kind() == ErrorKind::invalid_argument);
  CHECK(engine.reload(packs()).kind() == ErrorKind::invalid_argument);
  CHECK(engine.bundle().empty());
  CHECK(moved.evaluator().evaluate(workload("us-internal-tool"), fixed_date).ok());
}

TEST_CASE("an nlohmann::json value decides as its text does", "[api][evaluate][json]") {
  Engine engine{packs()};
  Evaluator evaluator = engine.evaluator();
  std::string text = workload("customer-service-chatbot");
  Result<Decision> from_value =
      precept::evaluate(evaluator, nlohmann::json::parse(text), fixed_date);
  REQUIRE(from_value.ok());
  CHECK(from_value->to_json() == evaluator.evaluate(text, fixed_date)->to_json());
  Result<Decision> array = precept::evaluate(evaluator, nlohmann::json::array(), fixed_date);
  CHECK(array.status().kind() == ErrorKind::bad_facts);
}

TEST_CASE("enum names are the JSON form's", "[api]") {
  CHECK(std::string(to_string(Outcome::indeterminate)) == "indeterminate");
  CHECK(std::string(to_string(Severity::critical)) == "critical");
  CHECK(std::string(to_string(EffectKind::require)) == "require");
  CHECK(std::string(to_string(DecisionError::Kind::evaluation)) == "evaluation");
}
