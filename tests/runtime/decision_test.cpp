// Decisions as JSON and text (docs/decisions.md): exact bytes for each part
// of the shape, escaping, determinism. Every JSON produced here is also read
// back by nlohmann, whose ordered dump must reproduce it byte for byte.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

#include "runtime/decision.hpp"
#include "runtime/json_text.hpp"

using namespace precept::runtime;

namespace {

// Three rules and two outputs, enough for every kind of entry.
Image sample_image() {
  Image image;
  RuleDesc transfer;
  transfer.id = "gdpr.transfer";
  transfer.title = "Transfer without a mechanism";
  transfer.cites = {"GDPR Art. 44", "GDPR Art. 46"};
  transfer.severity = Severity::high;
  transfer.effects = {EffectDesc{EffectKind::deny, "", {}, no_index}};
  image.rules.push_back(transfer);

  RuleDesc chatbot;
  chatbot.id = "euaia.chatbot";
  chatbot.effects = {
      EffectDesc{EffectKind::warn, "", {}, no_index},
      EffectDesc{EffectKind::require, "transparency.disclose_ai", {"stage", "role"}, no_index},
  };
  image.rules.push_back(chatbot);

  RuleDesc oversight;
  oversight.id = "euaia.oversight";
  oversight.title = "Human oversight";
  oversight.cites = {"EU AI Act Art. 14"};
  oversight.severity = Severity::critical;
  oversight.effects = {EffectDesc{EffectKind::review, "", {}, no_index}};
  image.rules.push_back(oversight);

  image.outputs.push_back(OutputDesc{"euaia.tier", no_index, Join::max, no_index});
  image.outputs.push_back(OutputDesc{"euaia.systemic", no_index, Join::or_, no_index});
  return image;
}

// to_json, checked to be JSON that nlohmann reads and writes back unchanged:
// compact is nlohmann's dump(), pretty its dump(2) (with keys in our order).
std::string json(const Decision& decision, const Image& image, bool pretty = false) {
  std::string text = to_json(decision, image, pretty);
  nlohmann::ordered_json parsed;
  REQUIRE_NOTHROW(parsed = nlohmann::ordered_json::parse(text));
  CHECK(parsed.dump(pretty ? 2 : -1) == text);
  if (!pretty) CHECK(text.find('\n') == std::string::npos);  // dump() above: no whitespace
  CHECK(text.back() == '}');
  return text;
}

EffectEntry transfer_violation() {
  EffectEntry e;
  e.rule = 0;
  e.effect = 0;
  e.message = "Personal data in crm is processed in US without a transfer mechanism";
  e.bindings = {{"d", "data[2]", true}, {"region", "\"US\"", false}};
  return e;
}

}  // namespace

TEST_CASE("to_string names outcomes, severities and error kinds", "[decision]") {
  CHECK(std::string(to_string(Outcome::allow)) == "allow");
  CHECK(std::string(to_string(Outcome::review)) == "review");
  CHECK(std::string(to_string(Outcome::deny)) == "deny");
  CHECK(std::string(to_string(Outcome::indeterminate)) == "indeterminate");
  CHECK(std::string(to_string(Severity::info)) == "info");
  CHECK(std::string(to_string(Severity::low)) == "low");
  CHECK(std::string(to_string(Severity::medium)) == "medium");
  CHECK(std::string(to_string(Severity::high)) == "high");
  CHECK(std::string(to_string(Severity::critical)) == "critical");
  CHECK(std::string(to_string(ErrorEntry::Kind::input)) == "input");
  CHECK(std::string(to_string(ErrorEntry::Kind::evaluation)) == "evaluation");
  CHECK(std::string(to_string(ErrorEntry::Kind::limit)) == "limit");
}

TEST_CASE("an empty allow decision has every key", "[decision]") {
  Image image = sample_image();
  Decision d;
  CHECK(json(d, image) ==
        R"({"outcome":"allow","complete":true,"outputs":{},"violations":[],"reviews":[],)"
        R"("warnings":[],"obligations":[],"missing":[],"errors":[]})");
  CHECK(json(d, image, true) == R"({
  "outcome": "allow",
  "complete": true,
  "outputs": {},
  "violations": [],
  "reviews": [],
  "warnings": [],
  "obligations": [],
  "missing": [],
  "errors": []
})");
}

TEST_CASE("a deny carries the rule's title, severity, citations and bindings", "[decision]") {
  Image image = sample_image();
  Decision d;
  d.outcome = Outcome::deny;
  d.outputs = {{0, true, "\"high_risk\""}, {1, true, "false"}};
  d.violations.push_back(transfer_violation());

  CHECK(json(d, image) ==
        R"({"outcome":"deny","complete":true,)"
        R"("outputs":{"euaia.tier":"high_risk","euaia.systemic":false},)"
        R"("violations":[{"rule":"gdpr.transfer","title":"Transfer without a mechanism",)"
        R"("message":"Personal data in crm is processed in US without a transfer mechanism",)"
        R"("severity":"high","cite":["GDPR Art. 44","GDPR Art. 46"],)"
        R"("bindings":{"d":"data[2]","region":"US"}}],)"
        R"("reviews":[],"warnings":[],"obligations":[],"missing":[],"errors":[]})");
  CHECK(json(d, image, true) == R"({
  "outcome": "deny",
  "complete": true,
  "outputs": {
    "euaia.tier": "high_risk",
    "euaia.systemic": false
  },
  "violations": [
    {
      "rule": "gdpr.transfer",
      "title": "Transfer without a mechanism",
      "message": "Personal data in crm is processed in US without a transfer mechanism",
      "severity": "high",
      "cite": [
        "GDPR Art. 44",
        "GDPR Art. 46"
      ],
      "bindings": {
        "d": "data[2]",
        "region": "US"
      }
    }
  ],
  "reviews": [],
  "warnings": [],
  "obligations": [],
  "missing": [],
  "errors": []
})");
}

TEST_CASE("entries without a title or citations; reviews and warnings", "[decision]") {
  Image image = sample_image();
  Decision d;
  d.outcome = Outcome::review;
  EffectEntry review;
  review.rule = 2;
  review.message = "needs a human in the loop";
  d.reviews.push_back(review);
  EffectEntry warning;
  warning.rule = 1;
  warning.message = "a chatbot";
  warning.bindings = {{"c", R"({"name":"helpdesk","scope":[1,2]})", false}};
  d.warnings.push_back(warning);

  CHECK(json(d, image) ==
        R"({"outcome":"review","complete":true,"outputs":{},"violations":[],)"
        R"("reviews":[{"rule":"euaia.oversight","title":"Human oversight",)"
        R"("message":"needs a human in the loop","severity":"critical",)"
        R"("cite":["EU AI Act Art. 14"],"bindings":{}}],)"
        R"("warnings":[{"rule":"euaia.chatbot","message":"a chatbot","severity":"medium",)"
        R"("cite":[],"bindings":{"c":{"name":"helpdesk","scope":[1,2]}}}],)"
        R"("obligations":[],"missing":[],"errors":[]})");
}

TEST_CASE("an obligation carries its id and fields, and no message when it has none",
          "[decision]") {
  Image image = sample_image();
  Decision d;
  EffectEntry with_fields;
  with_fields.rule = 1;
  with_fields.effect = 1;
  with_fields.has_message = false;
  with_fields.fields = {{"stage", "\"deployment\""}, {"role", "\"operator\""}};
  d.obligations.push_back(with_fields);
  EffectEntry with_message;
  with_message.rule = 1;
  with_message.effect = 1;
  with_message.message = "tell users they talk to an AI";
  with_message.bindings = {{"s", "systems[0]", true}};
  d.obligations.push_back(with_message);

  CHECK(json(d, image) ==
        R"({"outcome":"allow","complete":true,"outputs":{},"violations":[],"reviews":[],)"
        R"("warnings":[],"obligations":[)"
        R"({"id":"transparency.disclose_ai","rule":"euaia.chatbot",)"
        R"("fields":{"stage":"deployment","role":"operator"},)"
        R"("severity":"medium","cite":[],"bindings":{}},)"
        R"({"id":"transparency.disclose_ai","rule":"euaia.chatbot",)"
        R"("message":"tell users they talk to an AI","fields":{},)"
        R"("severity":"medium","cite":[],"bindings":{"s":"systems[0]"}}],)"
        R"("missing":[],"errors":[]})");
  CHECK(json(d, image, true) == R"({
  "outcome": "allow",
  "complete": true,
  "outputs": {},
  "violations": [],
  "reviews": [],
  "warnings": [],
  "obligations": [
    {
      "id": "transparency.disclose_ai",
      "rule": "euaia.chatbot",
      "fields": {
        "stage": "deployment",
        "role": "operator"
      },
      "severity": "medium",
      "cite": [],
      "bindings": {}
    },
    {
      "id": "transparency.disclose_ai",
      "rule": "euaia.chatbot",
      "message": "tell users they talk to an AI",
      "fields": {},
      "severity": "medium",
      "cite": [],
      "bindings": {
        "s": "systems[0]"
      }
    }
  ],
  "missing": [],
  "errors": []
})");
}

TEST_CASE("an unsettled output is null and its missing paths are listed", "[decision]") {
  Image image = sample_image();
  Decision d;
  d.outcome = Outcome::indeterminate;
  d.complete = false;
  d.outputs = {{0, false, ""}, {1, true, "true"}};
  d.missing = {{"workload.purpose", {"euaia.oversight", "euaia.tier"}},
               {"data[0].residency", {"gdpr.transfer"}}};

  CHECK(json(d, image) ==
        R"({"outcome":"indeterminate","complete":false,)"
        R"("outputs":{"euaia.tier":null,"euaia.systemic":true},)"
        R"("violations":[],"reviews":[],"warnings":[],"obligations":[],)"
        R"("missing":[{"path":"workload.purpose","rules":["euaia.oversight","euaia.tier"]},)"
        R"({"path":"data[0].residency","rules":["gdpr.transfer"]}],"errors":[]})");
  CHECK(json(d, image, true) == R"({
  "outcome": "indeterminate",
  "complete": false,
  "outputs": {
    "euaia.tier": null,
    "euaia.systemic": true
  },
  "violations": [],
  "reviews": [],
  "warnings": [],
  "obligations": [],
  "missing": [
    {
      "path": "workload.purpose",
      "rules": [
        "euaia.oversight",
        "euaia.tier"
      ]
    },
    {
      "path": "data[0].residency",
      "rules": [
        "gdpr.transfer"
      ]
    }
  ],
  "errors": []
})");
}

TEST_CASE("errors carry their kind and only the places they have", "[decision]") {
  Image image = sample_image();
  Decision d;
  d.outcome = Outcome::indeterminate;
  d.complete = false;
  d.errors = {
      {ErrorEntry::Kind::input, "data[0].classification", "", "expected a string, got 3"},
      {ErrorEntry::Kind::evaluation, "", "rules/a.rules:12:7", "division by zero"},
      {ErrorEntry::Kind::limit, "", "", "fuel exhausted after 50000000 instructions"},
  };
  CHECK(json(d, image) ==
        R"({"outcome":"indeterminate","complete":false,"outputs":{},"violations":[],)"
        R"("reviews":[],"warnings":[],"obligations":[],"missing":[],"errors":[)"
        R"({"kind":"input","path":"data[0].classification","message":"expected a string, got 3"},)"
        R"({"kind":"evaluation","at":"rules/a.rules:12:7","message":"division by zero"},)"
        R"({"kind":"limit","message":"fuel exhausted after 50000000 instructions"}]})");
  CHECK(json(d, image, true) == R"({
  "outcome": "indeterminate",
  "complete": false,
  "outputs": {},
  "violations": [],
  "reviews": [],
  "warnings": [],
  "obligations": [],
  "missing": [],
  "errors": [
    {
      "kind": "input",
      "path": "data[0].classification",
      "message": "expected a string, got 3"
    },
    {
      "kind": "evaluation",
      "at": "rules/a.rules:12:7",
      "message": "division by zero"
    },
    {
      "kind": "limit",
      "message": "fuel exhausted after 50000000 instructions"
    }
  ]
})");
}

TEST_CASE("because is written only for a decision made with explanations", "[decision]") {
  Image image = sample_image();
  Decision d;
  d.outcome = Outcome::deny;
  EffectEntry e = transfer_violation();
  e.bindings.clear();
  e.because = {{"data[2].residency", "\"DE\""}, {"data[2].personal", "true"}};
  d.violations.push_back(e);
  EffectEntry obligation;
  obligation.rule = 1;
  obligation.effect = 1;
  obligation.has_message = false;
  d.obligations.push_back(obligation);  // read nothing: [] when explained

  const std::string prefix =
      R"({"outcome":"deny","complete":true,"outputs":{},"violations":[{"rule":"gdpr.transfer",)"
      R"("title":"Transfer without a mechanism",)"
      R"("message":"Personal data in crm is processed in US without a transfer mechanism",)"
      R"("severity":"high","cite":["GDPR Art. 44","GDPR Art. 46"],"bindings":{})";
  const std::string obligation_prefix =
      R"(],"reviews":[],"warnings":[],"obligations":[{"id":"transparency.disclose_ai",)"
      R"("rule":"euaia.chatbot","fields":{},"severity":"medium","cite":[],"bindings":{})";
  const std::string suffix = R"(],"missing":[],"errors":[]})";

  SECTION("without explanations") {
    CHECK(json(d, image) == prefix + "}" + obligation_prefix + "}" + suffix);
  }
  SECTION("with explanations, even when empty") {
    d.explained = true;
    CHECK(json(d, image) == prefix +
                                R"(,"because":[{"path":"data[2].residency","value":"DE"},)"
                                R"({"path":"data[2].personal","value":true}]})" +
                                obligation_prefix + R"(,"because":[]})" + suffix);
    std::string pretty = json(d, image, true);
    CHECK(pretty.find(R"(
      "because": [
        {
          "path": "data[2].residency",
          "value": "DE"
        },
        {
          "path": "data[2].personal",
          "value": true
        }
      ]
    }
  ],)") != std::string::npos);
    CHECK(pretty.find(R"(
      "bindings": {},
      "because": []
    }
  ],
  "missing": [],)") != std::string::npos);
  }
}

TEST_CASE("strings are escaped and invalid UTF-8 replaced", "[decision]") {
  Image image = sample_image();
  image.rules[0].title = "a \"quoted\" \\ title";
  Decision d;
  d.outcome = Outcome::deny;
  EffectEntry e = transfer_violation();
  e.message =
      "line\nnext\ttab\rcr\bbs\fff \x01 \x1f del\x7f bad\xFF ok "
      "\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80 \xE2\x80\xA8";
  e.bindings = {{"k\"ey", "data[\"x\"]", true}};
  d.violations.push_back(e);
  d.errors = {{ErrorEntry::Kind::input, "tags[0]", "",
               "truncated \xE2\x82 then\xE2\x82"
               "A overlong \xC0\xAF surrogate \xED\xA0\x80 "
               "past \xF4\x90\x80\x80 stray \x80 end \xF0\x9F\x98"}};

  std::string text = json(d, image);
  CHECK(text.find(R"("title":"a \"quoted\" \\ title")") != std::string::npos);
  CHECK(text.find("\"message\":\"line\\nnext\\ttab\\rcr\\bbs\\fff \\u0001 \\u001f del\x7f bad"
                  "\xEF\xBF\xBD ok \xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80 \xE2\x80\xA8\"") !=
        std::string::npos);
  CHECK(text.find(R"("bindings":{"k\"ey":"data[\"x\"]"})") != std::string::npos);
  // One U+FFFD per maximal ill-formed subsequence.
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(text.find("\"message\":\"truncated " + fffd + " then" + fffd + "A overlong " + fffd + fffd +
                  " surrogate " + fffd + fffd + fffd + " past " + fffd + fffd + fffd + fffd +
                  " stray " + fffd + " end " + fffd + "\"") != std::string::npos);

  nlohmann::json parsed = nlohmann::json::parse(text);
  CHECK(parsed["violations"][0]["title"] == "a \"quoted\" \\ title");
  CHECK(parsed["violations"][0]["bindings"]["k\"ey"] == "data[\"x\"]");
  CHECK(parsed["violations"][0]["message"].get<std::string>().substr(0, 12) == "line\nnext\tta");
  json(d, image, true);
}

TEST_CASE("the same decision gives the same bytes", "[decision]") {
  Image image = sample_image();
  auto make = [] {
    Decision d;
    d.outcome = Outcome::deny;
    d.complete = false;
    d.explained = true;
    d.outputs = {{0, true, "\"prohibited\""}, {1, false, ""}};
    d.violations.push_back(transfer_violation());
    d.missing = {{"model.flops", {"euaia.systemic"}}};
    d.errors = {{ErrorEntry::Kind::limit, "", "", "fuel exhausted"}};
    return d;
  };
  Decision a = make();
  Decision b = make();
  CHECK(to_json(a, image) == to_json(a, image));
  CHECK(to_json(a, image) == to_json(b, image));
  CHECK(to_json(a, image, true) == to_json(b, image, true));
  CHECK(to_text(a, image) == to_text(b, image));
  json(a, image);
  json(a, image, true);
}

TEST_CASE("clear resets a decision to allow and keeps its buffers", "[decision]") {
  Image image = sample_image();
  Decision d;
  d.outcome = Outcome::deny;
  d.complete = false;
  d.explained = true;
  for (int i = 0; i < 10; ++i) d.violations.push_back(transfer_violation());
  d.outputs = {{0, true, "\"x\""}};
  d.missing = {{"a", {"b"}}};
  d.errors = {{ErrorEntry::Kind::limit, "", "", "x"}};
  d.clear();
  CHECK(d.outcome == Outcome::allow);
  CHECK(d.complete);
  CHECK(!d.explained);
  CHECK(d.violations.empty());
  CHECK(d.violations.kept() == 10);  // for the next decision to refill
  CHECK(to_json(d, image) == to_json(Decision{}, image));
  const EffectEntry& refilled = d.add_effect(EffectKind::deny);
  CHECK(refilled.message.empty());
  CHECK(refilled.bindings.empty());
  CHECK(d.violations.size() == 1);
}

TEST_CASE("an index past the image's tables is an error, not a read out of bounds", "[decision]") {
  Image image = sample_image();
  Decision d;
  EffectEntry e;
  e.rule = 7;
  d.violations.push_back(e);
  CHECK_THROWS_AS(to_json(d, image), std::out_of_range);
  CHECK_THROWS_AS(to_text(d, image), std::out_of_range);
  d.violations.clear();
  e.rule = 0;
  e.effect = 3;
  d.obligations.push_back(e);
  CHECK_THROWS_AS(to_json(d, image), std::out_of_range);
  d.obligations.clear();
  d.outputs = {{2, true, "1"}};
  CHECK_THROWS_AS(to_json(d, image), std::out_of_range);
}

TEST_CASE("the text form lists what a person needs, section by section", "[decision]") {
  Image image = sample_image();
  Decision d;
  d.outcome = Outcome::deny;
  d.complete = false;
  d.explained = true;
  d.outputs = {{0, true, "\"high_risk\""}, {1, false, ""}};
  EffectEntry violation = transfer_violation();
  violation.because = {{"data[2].residency", "\"DE\""}};
  d.violations.push_back(violation);
  EffectEntry review;
  review.rule = 2;
  review.message = "needs a human\nin the loop";
  d.reviews.push_back(review);
  EffectEntry warning;
  warning.rule = 1;
  warning.message = "a chatbot";
  d.warnings.push_back(warning);
  EffectEntry obligation;
  obligation.rule = 1;
  obligation.effect = 1;
  obligation.message = "tell users they talk to an AI";
  obligation.fields = {{"stage", "\"deployment\""}, {"role", "\"operator\""}};
  d.obligations.push_back(obligation);
  d.missing = {{"model.flops", {"euaia.oversight", "euaia.systemic"}}, {"workload.purpose", {}}};
  d.errors = {
      {ErrorEntry::Kind::input, "data[0].classification", "", "expected a string, got 3"},
      {ErrorEntry::Kind::limit, "", "rules/a.rules:3:9", "fuel exhausted"},
  };

  CHECK(to_text(d, image) ==
        "outcome: deny (incomplete)\n"
        "deny gdpr.transfer [high] GDPR Art. 44; GDPR Art. 46\n"
        "  Personal data in crm is processed in US without a transfer mechanism\n"
        "  bindings: d = data[2], region = \"US\"\n"
        "  because:\n"
        "    data[2].residency = \"DE\"\n"
        "review euaia.oversight [critical] EU AI Act Art. 14\n"
        "  needs a human\\nin the loop\n"
        "warn euaia.chatbot [medium]\n"
        "  a chatbot\n"
        "require transparency.disclose_ai (from euaia.chatbot)\n"
        "  tell users they talk to an AI\n"
        "  stage = \"deployment\"\n"
        "  role = \"operator\"\n"
        "outputs:\n"
        "  euaia.tier = \"high_risk\"\n"
        "  euaia.systemic = unsettled\n"
        "missing:\n"
        "  model.flops (rules: euaia.oversight, euaia.systemic)\n"
        "  workload.purpose\n"
        "errors:\n"
        "  input data[0].classification: expected a string, got 3\n"
        "  limit rules/a.rules:3:9: fuel exhausted\n");

  CHECK(to_text(Decision{}, image) == "outcome: allow\n");
}

TEST_CASE("the text form shows control characters as escapes", "[decision]") {
  Image image = sample_image();
  Decision d;
  EffectEntry warning;
  warning.rule = 1;
  warning.message = "esc\x1b[2J c1\xC2\x9B bad\xFF \"kept\" \\ \xC3\xA9";
  d.warnings.push_back(warning);
  CHECK(to_text(d, image) ==
        "outcome: allow\n"
        "warn euaia.chatbot [medium]\n"
        "  esc\\u001b[2J c1\\u009b bad\xEF\xBF\xBD \"kept\" \\ \xC3\xA9\n");
}

// append_escaped skips eight plain bytes at a time: every byte that needs
// attention must stop it wherever it sits in the word.
TEST_CASE("escaping finds a special byte at every position of a word", "[decision]") {
  auto expected_of = [](const std::string& s) {
    std::string e = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') {
        e += '\\';
        e += c;
      } else if (c == '\n') {
        e += "\\n";
      } else if (static_cast<unsigned char>(c) < 0x20) {
        e += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
      } else {
        e += c;  // printable ASCII, DEL, and the bytes of a well-formed é
      }
    }
    return e + "\"";
  };
  for (std::string special : {"\"", "\\", "\n", "\x01", "\x1f", "\x7f", "\xc3\xa9"}) {
    for (std::size_t at = 0; at <= 24; ++at) {
      std::string s = std::string(at, 'a') + special + std::string(24 - at, 'b');
      std::string out;
      append_json_string(out, s);
      INFO("special byte " << static_cast<int>(static_cast<unsigned char>(special[0])) << " at "
                           << at);
      CHECK(out == expected_of(s));
    }
  }
  std::string out;
  append_json_string(out, "\xff" + std::string(16, 'x'));
  CHECK(out == "\"\xEF\xBF\xBD" + std::string(16, 'x') + "\"");
}

TEST_CASE("a decision's lists keep their elements for the next decision", "[decision]") {
  EntryList<EffectEntry> list;
  for (int i = 0; i < 3; ++i) list.push_back(transfer_violation());
  list.clear();
  CHECK(list.empty());
  CHECK(list.kept() == 3);

  SECTION("a refilled element is the kept one, contents and all") {
    EffectEntry& e = list.add();
    CHECK(list.size() == 1);
    CHECK(e.bindings.size() == 2);  // the caller resets what it fills
  }
  SECTION("a copy holds the elements in the list, not the kept ones") {
    list.push_back(transfer_violation());
    EntryList<EffectEntry> copy = list;
    CHECK(copy.size() == 1);
    CHECK(copy.kept() == 1);
    copy = list;
    CHECK(copy.size() == 1);
  }
  SECTION("a moved-from list is empty and takes new elements") {
    list.push_back(transfer_violation());
    EntryList<EffectEntry> moved = std::move(list);
    CHECK(moved.size() == 1);
    CHECK(list.empty());  // NOLINT(bugprone-use-after-move): that is the point
    CHECK(list.kept() == 0);
    list.push_back(transfer_violation());
    CHECK(list.size() == 1);
    moved = std::move(list);
    CHECK(list.empty());  // NOLINT(bugprone-use-after-move)
    CHECK(moved.size() == 1);
  }
  SECTION("a decision lets a list of more than 4,096 entries go") {
    Decision d;
    for (int i = 0; i < 10; ++i) d.add_effect(EffectKind::warn);
    d.clear();
    CHECK(d.warnings.kept() == 10);
    for (int i = 0; i < 5'000; ++i) d.add_effect(EffectKind::warn);
    d.clear();
    CHECK(d.warnings.empty());
    CHECK(d.warnings.kept() == 0);
  }
}
