// The C ABI: handles, statuses, messages, decision access, and no crash on
// any null, out-of-range or malformed argument.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "precept/precept.h"
#include "precept/precept.hpp"
#include "tests/api/api_support.hpp"
#include "tests/api/header_check.h"

using precept::api_test::bundle_path;
using precept::api_test::read_text;
using precept::api_test::workload;

namespace {

std::string text(precept_string s) { return std::string(s.data, s.size); }

// A bundle, an engine, an evaluator and a decision, freed at the end.
struct Handles {
  precept_bundle* bundle = nullptr;
  precept_engine* engine = nullptr;
  precept_evaluator* evaluator = nullptr;
  precept_decision* decision = nullptr;
  precept_options options{};

  explicit Handles(const std::string& bundle_file) {
    char error[256] = "";
    REQUIRE(precept_bundle_load(bundle_path(bundle_file).c_str(), &bundle, error, sizeof error) ==
            PRECEPT_OK);
    REQUIRE(precept_engine_new(bundle, &engine) == PRECEPT_OK);
    REQUIRE(precept_evaluator_new(engine, &evaluator) == PRECEPT_OK);
    REQUIRE(precept_decision_new(&decision) == PRECEPT_OK);
    REQUIRE(precept_options_init(&options) == PRECEPT_OK);
    options.now = "2026-12-04";
  }
  ~Handles() {
    precept_decision_free(decision);
    precept_evaluator_free(evaluator);
    precept_engine_free(engine);
    precept_bundle_free(bundle);
  }
  precept_status evaluate(const std::string& facts) {
    return precept_evaluate(evaluator, facts.data(), facts.size(), &options, decision);
  }
};

}  // namespace

TEST_CASE("C: the headers compile alone, in C99 and C++", "[api][c]") {
  CHECK(std::string(precept_header_check_cpp()) == PRECEPT_VERSION_STRING);
  CHECK(precept_header_check_c() == 1);
}

TEST_CASE("C: versions and status names", "[api][c]") {
  CHECK(precept_version() == PRECEPT_VERSION);
  CHECK(std::string(precept_version_string()) == PRECEPT_VERSION_STRING);
  CHECK(std::string(precept_status_name(PRECEPT_OK)) == "none");
  CHECK(std::string(precept_status_name(PRECEPT_BAD_FACTS)) == "bad_facts");
  CHECK(std::string(precept_status_name(static_cast<precept_status>(99))) == "unknown");
}

TEST_CASE("C: options start at the C++ defaults", "[api][c]") {
  precept_options options;
  std::memset(&options, 0xAB, sizeof options);
  REQUIRE(precept_options_init(&options) == PRECEPT_OK);
  precept::Options defaults;
  CHECK(options.explain == 0);
  CHECK(options.now == nullptr);
  CHECK(options.fuel == defaults.fuel);
  CHECK(options.max_entries == defaults.max_entries);
  CHECK(options.max_fact_bytes == defaults.max_fact_bytes);
  CHECK(options.max_fact_depth == defaults.max_fact_depth);
  CHECK(precept_options_init(nullptr) == PRECEPT_INVALID_ARGUMENT);
}

TEST_CASE("C: a bundle that cannot be loaded says why in the caller's buffer", "[api][c][errors]") {
  precept_bundle* bundle = nullptr;
  char error[256] = "untouched";
  CHECK(precept_bundle_load("no/such.rbc", &bundle, error, sizeof error) == PRECEPT_IO_ERROR);
  CHECK(bundle == nullptr);
  CHECK(std::string(error) == "cannot read `no/such.rbc`: No such file or directory");

  char small[8];
  CHECK(precept_bundle_load("no/such.rbc", &bundle, small, sizeof small) == PRECEPT_IO_ERROR);
  CHECK(std::string(small) == "cannot ");
  CHECK(precept_bundle_load("no/such.rbc", &bundle, nullptr, 0) == PRECEPT_IO_ERROR);

  CHECK(precept_bundle_from_bytes("garbage", 7, &bundle, error, sizeof error) ==
        PRECEPT_BAD_BUNDLE);
  CHECK_THAT(error, Catch::StartsWith("the data is not a valid bundle: "));
  CHECK(precept_bundle_from_bytes(nullptr, 0, &bundle, error, sizeof error) == PRECEPT_BAD_BUNDLE);
  CHECK(precept_bundle_from_bytes(nullptr, 5, &bundle, error, sizeof error) ==
        PRECEPT_INVALID_ARGUMENT);
  CHECK(precept_bundle_load(nullptr, &bundle, error, sizeof error) == PRECEPT_INVALID_ARGUMENT);
  CHECK(precept_bundle_load("x.rbc", nullptr, error, sizeof error) == PRECEPT_INVALID_ARGUMENT);
  CHECK(bundle == nullptr);
}

TEST_CASE("C: the bundle size limit is the caller's to set", "[api][c][errors]") {
  precept_load_options options;
  REQUIRE(precept_load_options_init(&options) == PRECEPT_OK);
  CHECK(options.max_bundle_bytes == 256u << 20);
  CHECK(precept_load_options_init(nullptr) == PRECEPT_INVALID_ARGUMENT);
  const std::string path = bundle_path("reload-b.rbc");
  const std::string bytes = read_text(path);
  precept_bundle* bundle = nullptr;
  char error[256] = "";
  options.max_bundle_bytes = bytes.size() - 1;
  CHECK(precept_bundle_load_with(path.c_str(), &options, &bundle, error, sizeof error) ==
        PRECEPT_BAD_BUNDLE);
  CHECK_THAT(error, Catch::EndsWith("bytes, the limit for a bundle"));
  CHECK(precept_bundle_from_bytes_with(bytes.data(), bytes.size(), &options, &bundle, error,
                                       sizeof error) == PRECEPT_BAD_BUNDLE);
  CHECK(bundle == nullptr);
  CHECK(precept_bundle_load_with(path.c_str(), nullptr, &bundle, error, sizeof error) ==
        PRECEPT_INVALID_ARGUMENT);
  options.max_bundle_bytes = bytes.size();
  REQUIRE(precept_bundle_from_bytes_with(bytes.data(), bytes.size(), &options, &bundle, error,
                                         sizeof error) == PRECEPT_OK);
  precept_bundle_free(bundle);
}

TEST_CASE("C: bundles from files and bytes carry their manifest", "[api][c]") {
  precept_bundle* bundle = nullptr;
  REQUIRE(precept_bundle_load(bundle_path("reload-b.rbc").c_str(), &bundle, nullptr, 0) ==
          PRECEPT_OK);
  precept_string name{}, version{};
  REQUIRE(precept_bundle_name(bundle, &name) == PRECEPT_OK);
  REQUIRE(precept_bundle_version(bundle, &version) == PRECEPT_OK);
  CHECK(text(name) == "reload-b");
  CHECK(text(version) == "2.0.0");
  CHECK(name.data[name.size] == '\0');
  precept_bundle_free(bundle);

  std::string bytes = precept::api_test::read_text(bundle_path("reload-a.rbc"));
  REQUIRE(precept_bundle_from_bytes(bytes.data(), bytes.size(), &bundle, nullptr, 0) == PRECEPT_OK);
  REQUIRE(precept_bundle_name(bundle, &name) == PRECEPT_OK);
  CHECK(text(name) == "reload-a");
  precept_bundle_free(bundle);
}

TEST_CASE("C: deciding the HR workload", "[api][c]") {
  Handles h("aigov.rbc");
  REQUIRE(h.evaluate(workload("hr-fine-tuned-model")) == PRECEPT_OK);
  CHECK(std::string(precept_evaluator_error(h.evaluator)).empty());

  precept_outcome outcome = PRECEPT_ALLOW;
  REQUIRE(precept_decision_outcome(h.decision, &outcome) == PRECEPT_OK);
  CHECK(outcome == PRECEPT_DENY);
  int complete = -1;
  REQUIRE(precept_decision_complete(h.decision, &complete) == PRECEPT_OK);
  CHECK((complete == 0 || complete == 1));
  precept_string name{}, version{};
  REQUIRE(precept_decision_bundle(h.decision, &name, &version) == PRECEPT_OK);
  CHECK(text(name) == "aigov");
  CHECK(text(version) == "1.2.3");

  size_t violations = 0;
  REQUIRE(precept_decision_count(h.decision, PRECEPT_VIOLATIONS, &violations) == PRECEPT_OK);
  REQUIRE(violations >= 1);
  bool found = false;
  for (size_t i = 0; i < violations; ++i) {
    precept_entry entry{};
    REQUIRE(precept_decision_entry(h.decision, PRECEPT_VIOLATIONS, i, &entry) == PRECEPT_OK);
    if (text(entry.rule) != "aigov.residency.transfer_without_mechanism") continue;
    found = true;
    CHECK(entry.severity == PRECEPT_HIGH);
    CHECK(text(entry.obligation).empty());
    CHECK(entry.obligation.data != nullptr);
    CHECK(text(entry.message).find("hr_records") != std::string::npos);
    REQUIRE(entry.citation_count == 3);
    precept_string cite{};
    REQUIRE(precept_decision_entry_citation(h.decision, PRECEPT_VIOLATIONS, i, 0, &cite) ==
            PRECEPT_OK);
    CHECK(text(cite) == "GDPR Art. 44");
    CHECK(precept_decision_entry_citation(h.decision, PRECEPT_VIOLATIONS, i, 3, &cite) ==
          PRECEPT_INVALID_ARGUMENT);
    REQUIRE(entry.binding_count == 3);
    precept_string binding{}, value{};
    REQUIRE(precept_decision_entry_binding(h.decision, PRECEPT_VIOLATIONS, i, 0, &binding,
                                           &value) == PRECEPT_OK);
    CHECK(text(binding) == "d");
    CHECK(text(value) == "data[0]");
  }
  CHECK(found);

  size_t obligations = 0;
  REQUIRE(precept_decision_count(h.decision, PRECEPT_OBLIGATIONS, &obligations) == PRECEPT_OK);
  REQUIRE(obligations >= 1);
  precept_entry obligation{};
  REQUIRE(precept_decision_entry(h.decision, PRECEPT_OBLIGATIONS, 0, &obligation) == PRECEPT_OK);
  CHECK(obligation.obligation.size > 0);

  size_t outputs = 0;
  REQUIRE(precept_decision_count(h.decision, PRECEPT_OUTPUTS, &outputs) == PRECEPT_OK);
  REQUIRE(outputs >= 1);
  precept_string id{}, output{};
  REQUIRE(precept_decision_output(h.decision, 0, &id, &output) == PRECEPT_OK);
  CHECK(id.size > 0);
  CHECK(output.size > 0);
  CHECK(precept_decision_output(h.decision, outputs, &id, &output) == PRECEPT_INVALID_ARGUMENT);
}

TEST_CASE("C: the JSON and text forms are the C++ API's", "[api][c]") {
  Handles h("aigov.rbc");
  std::string facts = workload("incomplete-submission");
  REQUIRE(h.evaluate(facts) == PRECEPT_OK);

  precept::Engine engine{*precept::Bundle::load(bundle_path("aigov.rbc"))};
  precept::Options options{.now = std::chrono::year{2026} / 12 / 4};
  precept::Result<precept::Decision> expected = engine.evaluator().evaluate(facts, options);
  REQUIRE(expected.ok());

  precept_string json{};
  REQUIRE(precept_decision_json(h.decision, 1, &json) == PRECEPT_OK);
  CHECK(text(json) == expected->to_json(true));
  CHECK(json.data[json.size] == '\0');
  REQUIRE(precept_decision_json(h.decision, 0, &json) == PRECEPT_OK);
  CHECK(text(json) == expected->to_json());
  precept_string human{};
  REQUIRE(precept_decision_text(h.decision, &human) == PRECEPT_OK);
  CHECK(text(human) == expected->to_text());

  size_t missing = 0;
  REQUIRE(precept_decision_count(h.decision, PRECEPT_MISSING, &missing) == PRECEPT_OK);
  REQUIRE(missing == expected->missing().size());
  REQUIRE(missing >= 1);
  precept_string path{};
  REQUIRE(precept_decision_missing(h.decision, 0, &path) == PRECEPT_OK);
  CHECK(text(path) == std::string(expected->missing()[0].path));
}

TEST_CASE("C: input errors in the facts are listed", "[api][c]") {
  Handles h("reload-a.rbc");
  REQUIRE(h.evaluate(R"({"request": {"user": "ann", "amount": "lots"}})") == PRECEPT_OK);
  size_t errors = 0;
  REQUIRE(precept_decision_count(h.decision, PRECEPT_ERRORS, &errors) == PRECEPT_OK);
  REQUIRE(errors == 1);
  precept_string kind{}, path{}, at{}, message{};
  REQUIRE(precept_decision_error(h.decision, 0, &kind, &path, &at, &message) == PRECEPT_OK);
  CHECK(text(kind) == "input");
  CHECK(text(path) == "request.amount");
  CHECK(text(at).empty());
  CHECK(message.size > 0);
  CHECK(precept_decision_error(h.decision, 0, nullptr, nullptr, nullptr, nullptr) == PRECEPT_OK);
  CHECK(precept_decision_error(h.decision, 1, &kind, &path, &at, &message) ==
        PRECEPT_INVALID_ARGUMENT);
}

TEST_CASE("C: bad facts and bad options are reported on the evaluator", "[api][c][errors]") {
  Handles h("reload-a.rbc");
  REQUIRE(h.evaluate(R"({"request": {"user": "ann", "amount": 150}})") == PRECEPT_OK);

  CHECK(h.evaluate("{\"request\": ") == PRECEPT_BAD_FACTS);
  CHECK(std::string(precept_evaluator_error(h.evaluator)).size() > 0);
  precept_outcome outcome = PRECEPT_ALLOW;
  REQUIRE(precept_decision_outcome(h.decision, &outcome) == PRECEPT_OK);
  CHECK(outcome == PRECEPT_INDETERMINATE);  // emptied: a failure never reads as allow
  precept_string name{};
  REQUIRE(precept_decision_bundle(h.decision, &name, nullptr) == PRECEPT_OK);
  CHECK(name.size == 0);

  std::string with_nul("{\"request\": {}}\0", 16);
  CHECK(h.evaluate(with_nul) == PRECEPT_BAD_FACTS);

  h.options.now = "2026-02-30";
  CHECK(h.evaluate("{}") == PRECEPT_INVALID_ARGUMENT);
  CHECK(std::string(precept_evaluator_error(h.evaluator)) ==
        "the option `now` is `2026-02-30`, not a date: write YYYY-MM-DD");

  h.options.now = nullptr;
  CHECK(h.evaluate("{}") == PRECEPT_OK);
  CHECK(std::string(precept_evaluator_error(h.evaluator)).empty());
  CHECK(precept_evaluate(h.evaluator, "{}", 2, nullptr, h.decision) == PRECEPT_OK);
}

TEST_CASE("C: null handles and out-of-range indices never crash", "[api][c][errors]") {
  Handles h("aigov.rbc");
  REQUIRE(h.evaluate(workload("us-internal-tool")) == PRECEPT_OK);
  precept_string s{};
  precept_entry entry{};
  size_t count = 0;
  precept_outcome outcome{};
  int flag = 0;
  CHECK(precept_bundle_name(nullptr, &s) == PRECEPT_INVALID_ARGUMENT);
  CHECK(precept_bundle_version(h.bundle, nullptr) == PRECEPT_INVALID_ARGUMENT);
  CHECK(precept_engine_new(nullptr, &h.engine) == PRECEPT_INVALID_ARGUMENT);
  CHECK(precept_engine_reload(nullptr, h.bundle) == PRECEPT_INVALID_ARGUMENT);
  CHECK(precept_engine_reload(h.engine, nullptr) == PRECEPT_INVALID_ARGUMENT);
  CHECK(precept_evaluator_new(nullptr, &h.evaluator) == PRECEPT_INVALID_ARGUMENT);
  CHECK(precept_evaluate(nullptr, "{}", 2, nullptr, h.decision) == PRECEPT_INVALID_ARGUMENT);
  CHECK(precept_evaluate(h.evaluator, "{}", 2, nullptr, nullptr) == PRECEPT_INVALID_ARGUMENT);
  CHECK(precept_evaluate(h.evaluator, nullptr, 2, nullptr, h.decision) == PRECEPT_INVALID_ARGUMENT);
  CHECK(std::string(precept_evaluator_error(nullptr)).empty());
  CHECK(precept_decision_new(nullptr) == PRECEPT_INVALID_ARGUMENT);
  CHECK(precept_decision_outcome(nullptr, &outcome) == PRECEPT_INVALID_ARGUMENT);
  CHECK(precept_decision_complete(h.decision, nullptr) == PRECEPT_INVALID_ARGUMENT);
  CHECK(precept_decision_complete(nullptr, &flag) == PRECEPT_INVALID_ARGUMENT);
  CHECK(precept_decision_bundle(nullptr, &s, &s) == PRECEPT_INVALID_ARGUMENT);
  CHECK(precept_decision_count(h.decision, static_cast<precept_list>(42), &count) ==
        PRECEPT_INVALID_ARGUMENT);
  CHECK(precept_decision_entry(h.decision, PRECEPT_OUTPUTS, 0, &entry) == PRECEPT_INVALID_ARGUMENT);
  CHECK(precept_decision_entry(h.decision, PRECEPT_VIOLATIONS, 1000, &entry) ==
        PRECEPT_INVALID_ARGUMENT);
  CHECK(precept_decision_entry(nullptr, PRECEPT_VIOLATIONS, 0, &entry) == PRECEPT_INVALID_ARGUMENT);
  CHECK(precept_decision_entry_binding(h.decision, PRECEPT_WARNINGS, 1000, 0, &s, &s) ==
        PRECEPT_INVALID_ARGUMENT);
  CHECK(precept_decision_missing(h.decision, 1000, &s) == PRECEPT_INVALID_ARGUMENT);
  CHECK(precept_decision_json(nullptr, 0, &s) == PRECEPT_INVALID_ARGUMENT);
  CHECK(precept_decision_text(h.decision, nullptr) == PRECEPT_INVALID_ARGUMENT);
  precept_bundle_free(nullptr);
  precept_engine_free(nullptr);
  precept_evaluator_free(nullptr);
  precept_decision_free(nullptr);
}

TEST_CASE("C: reloading swaps the bundle; evaluators outlive the engine handle", "[api][c]") {
  Handles h("reload-a.rbc");
  const std::string facts = R"({"request": {"user": "ann", "amount": 150}})";
  precept_bundle* b = nullptr;
  REQUIRE(precept_bundle_load(bundle_path("reload-b.rbc").c_str(), &b, nullptr, 0) == PRECEPT_OK);
  REQUIRE(h.evaluate(facts) == PRECEPT_OK);
  precept_outcome outcome{};
  REQUIRE(precept_decision_outcome(h.decision, &outcome) == PRECEPT_OK);
  CHECK(outcome == PRECEPT_DENY);

  REQUIRE(precept_engine_reload(h.engine, b) == PRECEPT_OK);
  precept_bundle_free(b);
  precept_engine_free(h.engine);
  h.engine = nullptr;
  REQUIRE(h.evaluate(facts) == PRECEPT_OK);
  REQUIRE(precept_decision_outcome(h.decision, &outcome) == PRECEPT_OK);
  CHECK(outcome == PRECEPT_REVIEW);
  precept_string name{};
  REQUIRE(precept_decision_bundle(h.decision, &name, nullptr) == PRECEPT_OK);
  CHECK(text(name) == "reload-b");
}
