// The fact loader: JSON → Values through the schema, from text (simdjson)
// and from an nlohmann::json value, which must agree.
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/date.hpp"
#include "runtime/executable.hpp"
#include "runtime/facts.hpp"
#include "runtime/facts_convert.hpp"
#include "runtime/facts_json.hpp"
#include "runtime/name_table.hpp"
#include "runtime/simdjson_errors.hpp"

using namespace precept::runtime;

namespace {

// Indexes into the test schema.
// clang-format off
enum : std::uint32_t {
  t_bool, t_int, t_number, t_string, t_date, t_scope, t_class, t_string_set, t_workload,
  t_dataset, t_datasets, t_model, t_opt_model, t_strings, t_opt_string, t_int_set, t_class_set,
};
// clang-format on
enum : std::uint32_t { r_facts, r_workload, r_dataset, r_model };
enum : std::uint32_t { c_empty_set, c_empty_list, c_label, c_half };

FieldDesc field(std::string name, std::uint32_t type, Presence presence = Presence::required,
                std::uint32_t default_value = no_index, bool read = true) {
  return FieldDesc{std::move(name), type, presence, default_value, read};
}

EnumMember member(std::string name) {
  return EnumMember{std::move(name), EnumMember::Code::none, 0, {}};
}
EnumMember member(std::string name, std::int64_t code) {
  return EnumMember{std::move(name), EnumMember::Code::integer, code, {}};
}
EnumMember member(std::string name, std::string code) {
  return EnumMember{std::move(name), EnumMember::Code::string, 0, std::move(code)};
}

// facts {
//   workload: Workload
//   data: list<ai.Dataset> = []
//   model: Model?
//   regions: list<string>
//   count: int
//   ids: set<int> = {}
//   kinds: set<ai.Classification> = {}
//   legacy: string        (read by nothing)
//   note: string?
// }
Image test_image() {
  Image image;
  image.name = "facts-test";
  image.version = "1";
  Schema& s = image.schema;
  s.types = {
      {TypeKind::boolean, no_index}, {TypeKind::integer, no_index}, {TypeKind::number, no_index},
      {TypeKind::string, no_index},  {TypeKind::date, no_index},    {TypeKind::enumeration, 0},
      {TypeKind::enumeration, 1},    {TypeKind::set, t_string},     {TypeKind::record, r_workload},
      {TypeKind::record, r_dataset}, {TypeKind::list, t_dataset},   {TypeKind::record, r_model},
      {TypeKind::optional, t_model}, {TypeKind::list, t_string},    {TypeKind::optional, t_string},
      {TypeKind::set, t_int},        {TypeKind::set, t_class},
  };
  s.enums = {
      EnumType{
          "Scope",
          {member("consumer_app", 1), member("enterprise_app", 2), member("pretrained_model", 3)}},
      EnumType{"ai.Classification",
               {member("public"), member("internal"), member("confidential", std::string("conf")),
                member("restricted")}},
  };
  s.records = {
      RecordType{"facts",
                 {field("workload", t_workload),
                  field("data", t_datasets, Presence::defaulted, c_empty_list),
                  field("model", t_opt_model, Presence::optional), field("regions", t_strings),
                  field("count", t_int), field("ids", t_int_set, Presence::defaulted, c_empty_set),
                  field("kinds", t_class_set, Presence::defaulted, c_empty_set),
                  field("legacy", t_string, Presence::required, no_index, false),
                  field("note", t_opt_string, Presence::optional)}},
      RecordType{"Workload",
                 {field("name", t_string), field("scope", t_scope), field("flags", t_bool),
                  field("placed_on_market", t_date),
                  field("tags", t_string_set, Presence::defaulted, c_empty_set),
                  field("ratio", t_number, Presence::defaulted, c_half)}},
      RecordType{"ai.Dataset",
                 {field("name", t_string), field("classification", t_class),
                  field("residency", t_opt_string, Presence::optional),
                  field("tags", t_string_set, Presence::defaulted, c_empty_set)}},
      RecordType{
          "Model",
          {field("general_purpose", t_bool), field("flops", t_number),
           field("label", t_string, Presence::defaulted, c_label),
           field("parent", t_opt_model, Presence::optional),  // a record type that refers to itself
           field("notes", t_opt_string, Presence::optional)}},
  };
  s.root = r_facts;
  Constant empty_set;
  empty_set.kind = Constant::Kind::set;
  Constant empty_list;
  empty_list.kind = Constant::Kind::list;
  Constant label;
  label.kind = Constant::Kind::string;
  label.string = "unlabelled";
  Constant half;
  half.kind = Constant::Kind::number;
  half.number = 0.5;
  image.constants = {empty_set, empty_list, label, half};
  return image;
}

std::shared_ptr<const Executable> test_exe() {
  static std::shared_ptr<const Executable> exe = [] {
    std::string error;
    auto made = Executable::make(test_image(), error);
    if (!made) FAIL("the test image does not verify: " << error);
    return made;
  }();
  return exe;
}

// The slot of field `name` in a record, or in the empty record of a none.
const Value& slot(const Value& record, std::string_view name) {
  REQUIRE((record.tag == Tag::record || record.tag == Tag::none));
  REQUIRE(record.record != nullptr);
  const RecordType& type = test_exe()->schema().records[record.record->type];
  for (std::size_t i = 0; i < type.fields.size(); ++i) {
    if (type.fields[i].name == name) return record.record->slots[i];
  }
  FAIL("no field " << name);
  return record;
}

const Value& item(const Value& list, std::size_t i) {
  REQUIRE(list.tag == Tag::list);
  REQUIRE(i < list.list->count);
  return list.list->items[i];
}

std::vector<std::string> strings(const Value& list) {
  std::vector<std::string> out;
  REQUIRE(list.tag == Tag::list);
  for (std::uint32_t i = 0; i < list.list->count; ++i) {
    REQUIRE(list.list->items[i].tag == Tag::string);
    out.emplace_back(list.list->items[i].str());
  }
  return out;
}

std::vector<std::string> errors(const Facts& facts) {
  std::vector<std::string> out;
  for (const InputError& e : facts.errors)
    out.push_back(facts.path_text(e.path) + ": " + e.message);
  return out;
}

std::string missing_path(const Facts& facts, const Value& v) {
  REQUIRE(v.tag == Tag::missing);
  return facts.path_text(v.aux);
}

void load(std::string_view text, Facts& facts) {
  FactLoader loader{test_exe()};
  std::string error;
  bool ok = loader.load(text, facts, error);
  INFO(error);
  REQUIRE(ok);
  CHECK(error.empty());
}

// The error of a document that does not load.
std::string failure(std::string_view text, FactLimits limits = {}) {
  FactLoader loader{test_exe(), limits};
  Facts facts;
  std::string error;
  CHECK_FALSE(loader.load(text, facts, error));
  CHECK(facts.errors.empty());
  CHECK(facts.root.tag == Tag::none);
  return error;
}

// Two loads of one document agree value by value.
void same_value(const Value& a, const Facts& fa, const Value& b, const Facts& fb,
                const std::string& where);

void same_record(const RecordData* a, const Facts& fa, const RecordData* b, const Facts& fb,
                 const std::string& where) {
  REQUIRE(a->type == b->type);
  CHECK(fa.path_text(a->path) == fb.path_text(b->path));
  const RecordType& type = test_exe()->schema().records[a->type];
  for (std::size_t i = 0; i < type.fields.size(); ++i) {
    same_value(a->slots[i], fa, b->slots[i], fb, where + "." + type.fields[i].name);
  }
}

void same_value(const Value& a, const Facts& fa, const Value& b, const Facts& fb,
                const std::string& where) {
  INFO(where);
  REQUIRE(a.tag == b.tag);
  switch (a.tag) {
    case Tag::missing:
      CHECK(fa.path_text(a.aux) == fb.path_text(b.aux));
      break;
    case Tag::none:
      REQUIRE((a.record == nullptr) == (b.record == nullptr));
      if (a.record) same_record(a.record, fa, b.record, fb, where);
      break;
    case Tag::boolean:
      CHECK(a.b == b.b);
      break;
    case Tag::integer:
    case Tag::date:
      CHECK(a.i == b.i);
      break;
    case Tag::member:
      CHECK((a.aux == b.aux && a.i == b.i));
      break;
    case Tag::number:
      CHECK(a.d == b.d);
      break;
    case Tag::string:
      CHECK(a.str() == b.str());
      break;
    case Tag::list:
      REQUIRE(a.list->count == b.list->count);
      CHECK(a.list->is_set == b.list->is_set);
      CHECK(fa.path_text(a.list->path) == fb.path_text(b.list->path));
      for (std::uint32_t i = 0; i < a.list->count; ++i) {
        same_value(a.list->items[i], fa, b.list->items[i], fb,
                   where + "[" + std::to_string(i) + "]");
      }
      break;
    case Tag::record:
      same_record(a.record, fa, b.record, fb, where);
      break;
    default:
      FAIL("unexpected tag in facts");
      break;
  }
}

void same_facts(const Facts& a, const Facts& b) {
  same_value(a.root, a, b.root, b, "facts");
  CHECK(errors(a) == errors(b));
}

constexpr std::string_view valid_document = R"({
  "workload": {"name": "chatbot", "scope": 2, "flags": true, "placed_on_market": "2026-08-02",
               "tags": ["a", "b", "a"]},
  "data": [
    {"name": "crm", "classification": "confidential", "residency": "eu", "tags": ["pii"]},
    {"name": "logs", "classification": "conf"},
    {"name": "web", "classification": "public", "residency": null}
  ],
  "regions": ["eu-west-1", "us-east-1"],
  "count": 3.0,
  "ids": [3, 1, 3, 2, 1],
  "kinds": ["public", "conf", "confidential", "public"],
  "legacy": 42,
  "extra": {"ignored": [1, 2, {"x": null}]}
})";

constexpr std::string_view wrong_document = R"({
  "workload": {"name": 5, "scope": "galactic", "flags": "yes", "placed_on_market": "2026-13-01", "tags": "x"},
  "data": [{"name": "a", "classification": "public"}, {"name": "b", "classification": "pending"}, 7],
  "model": [],
  "regions": ["eu", 3, null],
  "count": 3.5,
  "note": {"a": 1}
})";

}  // namespace

TEST_CASE("facts load values by slot through the schema", "[facts]") {
  Facts facts;
  load(valid_document, facts);
  CHECK(facts.errors.empty());
  REQUIRE(facts.root.tag == Tag::record);
  CHECK(facts.root.record->type == r_facts);
  CHECK(facts.root.record->path == 0);

  const Value& workload = slot(facts.root, "workload");
  REQUIRE(workload.tag == Tag::record);
  CHECK(facts.path_text(workload.record->path) == "workload");
  CHECK(slot(workload, "name").str() == "chatbot");
  CHECK(slot(workload, "flags").tag == Tag::boolean);
  CHECK(slot(workload, "flags").b);
  CHECK(slot(workload, "placed_on_market").tag == Tag::date);
  CHECK(slot(workload, "placed_on_market").i == *parse_iso_date("2026-08-02"));
  CHECK(slot(workload, "ratio").tag == Tag::number);  // the default
  CHECK(slot(workload, "ratio").d == 0.5);

  const Value& tags = slot(workload, "tags");
  CHECK(tags.list->is_set);
  CHECK(strings(tags) == std::vector<std::string>{"a", "b"});
  // Repeats were dropped, so positions no longer match the document: the
  // set has no path (bindings over it show values instead of wrong paths).
  CHECK(tags.list->path == no_index);

  const Value& data = slot(facts.root, "data");
  REQUIRE(data.list->count == 3);
  CHECK_FALSE(data.list->is_set);
  CHECK(facts.path_text(data.list->path) == "data");
  CHECK(facts.path_text(item(data, 2).record->path) == "data[2]");
  CHECK(slot(item(data, 0), "residency").str() == "eu");
  CHECK(strings(slot(item(data, 0), "tags")) == std::vector<std::string>{"pii"});
  CHECK(slot(item(data, 1), "residency").tag == Tag::none);  // absent
  CHECK(slot(item(data, 2), "residency").tag == Tag::none);  // null
  CHECK(slot(item(data, 1), "tags").list->count == 0);       // the default {}

  CHECK(strings(slot(facts.root, "regions")) == std::vector<std::string>{"eu-west-1", "us-east-1"});
  CHECK(slot(facts.root, "count").tag == Tag::integer);  // 3.0 is an integer
  CHECK(slot(facts.root, "count").i == 3);
  CHECK(slot(facts.root, "note").tag == Tag::none);
}

TEST_CASE("facts read enum members by name, string code and integer code", "[facts]") {
  Facts facts;
  load(valid_document, facts);
  const Value& scope = slot(slot(facts.root, "workload"), "scope");
  CHECK(scope.tag == Tag::member);
  CHECK(scope.aux == 0);  // Scope
  CHECK(scope.i == 1);    // enterprise_app = 2

  const Value& data = slot(facts.root, "data");
  const Value& by_name = slot(item(data, 0), "classification");
  const Value& by_code = slot(item(data, 1), "classification");
  CHECK((by_name.tag == Tag::member && by_name.aux == 1 && by_name.i == 2));
  CHECK((by_code.tag == Tag::member && by_code.aux == 1 && by_code.i == 2));
  CHECK(slot(item(data, 2), "classification").i == 0);

  load(R"({"workload": {"scope": "pretrained_model"}, "count": 1})", facts);
  CHECK(slot(slot(facts.root, "workload"), "scope").i == 2);
  load(R"({"workload": {"scope": 3.0}, "count": 1})", facts);
  CHECK(slot(slot(facts.root, "workload"), "scope").i == 2);
  CHECK(facts.errors.empty());

  load(R"({"workload": {"scope": 7}, "data": [{"classification": 1}], "count": 1})", facts);
  CHECK(errors(facts) ==
        std::vector<std::string>{
            "workload.scope: `7` is not a member of `Scope`; expected one of: consumer_app = 1, "
            "enterprise_app = 2, pretrained_model = 3",
            "data[0].classification: `1` is not a member of `ai.Classification`; expected one of: "
            "public, "
            "internal, confidential = \"conf\", restricted"});
  load(R"({"workload": {"scope": "2"}, "count": 1})", facts);  // an integer code is not a string
  REQUIRE(facts.errors.size() == 1);
  CHECK(facts.errors[0].message.rfind("`2` is not a member of `Scope`", 0) == 0);
}

TEST_CASE("sets drop repeated values and keep the first occurrences in order", "[facts]") {
  Facts facts;
  load(valid_document, facts);
  const Value& ids = slot(facts.root, "ids");
  REQUIRE(ids.list->count == 3);
  CHECK(ids.list->is_set);
  CHECK((item(ids, 0).i == 3 && item(ids, 1).i == 1 && item(ids, 2).i == 2));
  const Value& kinds = slot(facts.root, "kinds");  // "conf" and "confidential" are one member
  REQUIRE(kinds.list->count == 2);
  CHECK((item(kinds, 0).i == 0 && item(kinds, 1).i == 2));

  // Past the small-set path: 200 numbers, 7 distinct.
  std::string text = R"({"count": 1, "ids": [)";
  for (int i = 0; i < 200; ++i) {
    if (i > 0) text += ',';
    text += std::to_string((i * 5) % 7);
  }
  text += "]}";
  load(text, facts);
  const Value& many = slot(facts.root, "ids");
  REQUIRE(many.list->count == 7);
  for (std::uint32_t i = 0; i < 7; ++i) CHECK(item(many, i).i == (i * 5) % 7);

  // An element in error is missing and never a repeat of another.
  load(R"({"count": 1, "ids": [1, "x", 1, "y"]})", facts);
  const Value& mixed = slot(facts.root, "ids");
  REQUIRE(mixed.list->count == 3);
  CHECK(missing_path(facts, item(mixed, 1)) == "ids[1]");
  CHECK(missing_path(facts, item(mixed, 2)) == "ids[3]");
}

TEST_CASE("absent and null fields follow their presence", "[facts]") {
  Facts facts;
  load(R"({"workload": {"name": null, "tags": null}, "data": null, "note": null})", facts);
  CHECK(facts.errors.empty());  // absence is not an input error
  const Value& workload = slot(facts.root, "workload");
  CHECK(missing_path(facts, slot(workload, "name")) == "workload.name");
  CHECK(missing_path(facts, slot(workload, "scope")) == "workload.scope");
  CHECK(slot(workload, "tags").list->count == 0);
  CHECK(slot(facts.root, "data").list->count == 0);
  CHECK(missing_path(facts, slot(facts.root, "regions")) == "regions");
  CHECK(missing_path(facts, slot(facts.root, "count")) == "count");
  CHECK(slot(facts.root, "note").tag == Tag::none);
  CHECK(slot(facts.root, "note").record == nullptr);

  load("{}", facts);
  CHECK(missing_path(facts, slot(facts.root, "workload")) == "workload");
}

TEST_CASE("an absent optional record reads as an empty record", "[facts]") {
  Facts facts;
  for (std::string_view text : {R"({})", R"({"model": null})"}) {
    load(text, facts);
    const Value& model = slot(facts.root, "model");
    REQUIRE(model.tag == Tag::none);
    REQUIRE(model.record != nullptr);
    CHECK(model.record->type == r_model);
    CHECK(facts.path_text(model.record->path) == "model");
    CHECK(missing_path(facts, slot(model, "general_purpose")) == "model.general_purpose");
    CHECK(missing_path(facts, slot(model, "flops")) == "model.flops");
    CHECK(slot(model, "label").str() == "unlabelled");
    CHECK(slot(model, "notes").tag == Tag::none);
    // Model refers to itself: the empty record stops there with a plain none.
    CHECK(slot(model, "parent").tag == Tag::none);
    CHECK(slot(model, "parent").record == nullptr);
  }

  load(R"({"model": {"general_purpose": true, "flops": 10}})", facts);
  const Value& model = slot(facts.root, "model");
  REQUIRE(model.tag == Tag::record);
  CHECK(slot(model, "flops").tag == Tag::number);  // an integer is a number
  CHECK(slot(model, "flops").d == 10.0);
  const Value& parent = slot(model, "parent");
  REQUIRE(parent.tag == Tag::none);
  REQUIRE(parent.record != nullptr);
  CHECK(missing_path(facts, slot(parent, "general_purpose")) == "model.parent.general_purpose");
  CHECK(slot(parent, "parent").record == nullptr);
}

TEST_CASE("values of the wrong JSON type are input errors at their paths", "[facts]") {
  Facts facts;
  load(wrong_document, facts);
  CHECK(errors(facts) == std::vector<std::string>{
                             "workload.name: expected a string, found a number",
                             "workload.scope: `galactic` is not a member of `Scope`; expected one "
                             "of: consumer_app = 1, "
                             "enterprise_app = 2, pretrained_model = 3",
                             "workload.flags: expected a boolean, found a string",
                             "workload.placed_on_market: `2026-13-01` is not a valid date; "
                             "expected an ISO 8601 calendar date "
                             "`YYYY-MM-DD`",
                             "workload.tags: expected an array, found a string",
                             "data[1].classification: `pending` is not a member of "
                             "`ai.Classification`; expected one of: "
                             "public, internal, confidential = \"conf\", restricted",
                             "data[2]: expected an object, found a number",
                             "model: expected an object, found an array",
                             "regions[1]: expected a string, found a number",
                             "regions[2]: expected a string, found null",
                             "count: `3.5` is not an integer",
                             "note: expected a string, found an object",
                         });
  const Value& workload = slot(facts.root, "workload");
  CHECK(missing_path(facts, slot(workload, "name")) == "workload.name");
  CHECK(missing_path(facts, slot(workload, "tags")) == "workload.tags");
  const Value& data = slot(facts.root, "data");
  CHECK(slot(item(data, 0), "classification").tag == Tag::member);
  CHECK(missing_path(facts, slot(item(data, 1), "classification")) == "data[1].classification");
  CHECK(missing_path(facts, item(data, 2)) == "data[2]");
  CHECK(missing_path(facts, slot(facts.root, "model")) == "model");
  CHECK(item(slot(facts.root, "regions"), 0).str() == "eu");
  CHECK(missing_path(facts, slot(facts.root, "count")) == "count");
  for (const InputError& e : facts.errors) CHECK(e.path < facts.paths.size());
}

TEST_CASE("integers, numbers and dates are checked", "[facts]") {
  Facts facts;
  auto count_error = [&](std::string_view count) {
    load(R"({"count": )" + std::string(count) + "}", facts);
    return facts.errors.empty() ? std::string{} : facts.errors[0].message;
  };
  CHECK(count_error("1e3").empty());
  CHECK(slot(facts.root, "count").i == 1000);
  CHECK(count_error("-9223372036854775808").empty());
  CHECK(slot(facts.root, "count").i == INT64_MIN);
  CHECK(count_error("9223372036854775808") ==
        "`9223372036854775808` is outside the 64-bit integer range");
  CHECK(count_error("1e19") == "`1e+19` is outside the 64-bit integer range");
  CHECK(count_error("-0.5") == "`-0.5` is not an integer");
  CHECK(count_error("true") == "expected an integer, found a boolean");

  load(R"({"model": {"flops": 18446744073709551615}})", facts);
  CHECK(slot(slot(facts.root, "model"), "flops").d == 18446744073709551615.0);

  auto date_error = [&](std::string_view date) {
    load(R"({"workload": {"placed_on_market": )" + std::string(date) + "}}", facts);
    return facts.errors.empty() ? std::string{} : facts.errors[0].message;
  };
  CHECK(date_error(R"("2024-02-29")").empty());
  CHECK(slot(slot(facts.root, "workload"), "placed_on_market").i == *parse_iso_date("2024-02-29"));
  CHECK(date_error(R"("2023-02-29")") ==
        "`2023-02-29` is not a valid date; expected an ISO 8601 calendar date `YYYY-MM-DD`");
  CHECK(date_error("20240229") == "expected a date string `YYYY-MM-DD`, found a number");
  // Hostile text is escaped and shortened in messages.
  std::string long_text(100, 'x');
  CHECK(date_error(R"("a\nb`")") ==
        "`a\\nb`` is not a valid date; expected an ISO 8601 calendar date `YYYY-MM-DD`");
  CHECK(date_error("\"" + long_text + "\"") ==
        "`" + std::string(60, 'x') +
            "...` is not a valid date; expected an ISO 8601 calendar "
            "date `YYYY-MM-DD`");
}

TEST_CASE("a repeated key is an input error and the field is missing", "[facts]") {
  Facts facts;
  load(R"({"workload": {"name": "a", "flags": true, "name": "b"}, "count": 1, "count": 1,
           "extra": 1, "extra": 2, "legacy": 1, "legacy": 2})",
       facts);
  CHECK(errors(facts) == std::vector<std::string>{"workload.name: duplicate key `name`",
                                                  "count: duplicate key `count`"});
  CHECK(missing_path(facts, slot(slot(facts.root, "workload"), "name")) == "workload.name");
  CHECK(slot(slot(facts.root, "workload"), "flags").b);
  CHECK(missing_path(facts, slot(facts.root, "count")) == "count");
  // A key spelled with an escape is the same key.
  load(R"({"count": 1, "\u0063ount": 2})", facts);
  CHECK(errors(facts) == std::vector<std::string>{"count: duplicate key `count`"});
}

TEST_CASE("unknown keys are ignored and unread fields are not converted", "[facts]") {
  Facts facts;
  load(R"({"count": 1, "legacy": {"deep": [1, "x"]}, "surprise": [[[]]], "Count": "x"})", facts);
  CHECK(facts.errors.empty());
  CHECK(slot(facts.root, "legacy").tag == Tag::none);
  CHECK(slot(facts.root, "count").i == 1);
  load(R"({"count": 1})", facts);  // an absent unread required field is not missing either
  CHECK(slot(facts.root, "legacy").tag == Tag::none);
}

TEST_CASE("text that is not a facts document does not load", "[facts]") {
  CHECK(failure(R"({"a": })") ==
        "facts are not valid JSON: offset 6: unexpected `}`; expected a value");
  CHECK(failure("") == "facts are not valid JSON: offset 0: the text is empty");
  CHECK(failure(R"({"a": 1} x)") ==
        "facts are not valid JSON: offset 9: unexpected `x` after the document");
  CHECK(failure(R"({"a": 1,})") ==
        "facts are not valid JSON: offset 8: unexpected `}`; expected a string key");
  CHECK(failure(R"({"a" 1})") ==
        "facts are not valid JSON: offset 5: unexpected `1`; expected `:` after an object key");
  CHECK(failure(R"({"a": [1 2]})") ==
        "facts are not valid JSON: offset 9: unexpected `2`; expected `,` or `]` after an array "
        "element");
  CHECK(failure(R"({"a": "x)") == "facts are not valid JSON: offset 6: unterminated string");
  CHECK(failure("{\"a\": \"\xff\"}") == "facts are not valid JSON: offset 7: invalid UTF-8");
  CHECK(failure("{\"a\": \"\x01\"}") ==
        "facts are not valid JSON: offset 7: control character in a string; it must be escaped");
  CHECK(failure(R"({"a": "\ud800"})") ==
        "facts are not valid JSON: offset 7: unpaired UTF-16 surrogate in a `\\u` escape");
  CHECK(failure(R"({"a": tru})") ==
        "facts are not valid JSON: offset 9: invalid literal; expected `true`");
  CHECK(failure(R"({"a": 01})") ==
        "facts are not valid JSON: offset 6: a number cannot start with `0`");
  {
    // An integer beyond 64 bits is valid JSON (a FLOP count written out):
    // it loads, as a number.
    FactLoader loader{test_exe()};
    Facts facts;
    std::string error;
    CHECK(loader.load(R"({"a": 123456789012345678901234567890})", facts, error));
    CHECK(error.empty());
  }
  CHECK(failure(R"({"a": 1e400})") ==
        "facts are not valid JSON: offset 6: `1e400` is out of the range of a number");
  CHECK(failure(R"({"a": [1e-400, 0.001e312]})") ==
        "facts are not valid JSON: offset 15: `0.001e312` is out of the range of a number");
  CHECK(failure("\xef\xbb\xbf{}") ==
        "facts are not valid JSON: offset 0: unexpected byte 0xef; expected a value");

  CHECK(failure("[1, 2]") == "the facts document must be a JSON object, found an array");
  CHECK(failure(R"("facts")") == "the facts document must be a JSON object, found a string");
  CHECK(failure("null") == "the facts document must be a JSON object, found null");
}

TEST_CASE("facts past the limits do not load", "[facts]") {
  FactLimits limits;
  limits.max_depth = 4;
  // Four nested levels (an empty array or object adds none) load; five do not.
  Facts facts;
  FactLoader loader{test_exe(), limits};
  std::string error;
  CHECK(loader.load(R"({"a": [[[1]]]})", facts, error));
  CHECK(loader.load(R"({"a": [[[{}]]]})", facts, error));
  CHECK(failure(R"({"a": [[[[1]]]]})", limits) ==
        "facts are nested too deeply: offset 9: more than 4 levels of arrays and objects");
  // The default limit is 64.
  std::string deep = R"({"a": )" + std::string(100, '[') + std::string(100, ']') + "}";
  CHECK(failure(deep) ==
        "facts are nested too deeply: offset 69: more than 64 levels of arrays and objects");
  std::string very_deep(1 << 20, '[');
  CHECK(failure(very_deep).rfind("facts are nested too deeply: offset 64:", 0) == 0);

  limits = {};
  limits.max_bytes = 20;
  CHECK(failure(R"({"count":1,"x":12345})", limits) ==
        "the facts document is too large: 21 bytes, the limit is 20");
  FactLoader small{test_exe(), limits};
  CHECK(small.load(R"({"count":1,"x":123})", facts, error));
}

TEST_CASE("nlohmann values load like text", "[facts]") {
  auto exe = test_exe();
  FactLoader loader{exe};
  std::string documents[] = {
      std::string(valid_document),
      std::string(wrong_document),
      "{}",
      R"({"model": {"general_purpose": "yes", "flops": 1e25, "parent": {"flops": "many"}}})",
      R"({"workload": {"scope": 18446744073709551615}, "count": -3, "ids": [1e2, 100, 3.5]})",
      R"({"count": 9223372036854775807, "kinds": [2, "internal", null]})",
  };
  for (const std::string& text : documents) {
    INFO(text);
    Facts from_text;
    Facts from_json;
    std::string error;
    REQUIRE(loader.load(text, from_text, error));
    REQUIRE(load_facts(*exe, nlohmann::json::parse(text), from_json, error));
    same_facts(from_text, from_json);
  }

  Facts facts;
  std::string error;
  CHECK_FALSE(load_facts(*exe, nlohmann::json::array(), facts, error));
  CHECK(error == "the facts document must be a JSON object, found an array");
  FactLimits limits;
  limits.max_depth = 4;
  CHECK(load_facts(*exe, nlohmann::json::parse(R"({"a": [[[{}]]]})"), facts, error, limits));
  CHECK_FALSE(load_facts(*exe, nlohmann::json::parse(R"({"a": [[[[1]]]]})"), facts, error, limits));
  CHECK(error == "facts are nested too deeply: more than 4 levels of arrays and objects");
  limits = {};
  limits.max_bytes = 20;
  // Counted as compact text: 19 and 21 bytes.
  CHECK(load_facts(*exe, nlohmann::json::parse(R"({"count": 1, "x": 123})"), facts, error, limits));
  CHECK_FALSE(
      load_facts(*exe, nlohmann::json::parse(R"({"count": 1, "x": 12345})"), facts, error, limits));
  CHECK(error == "the facts document is too large: more than 20 bytes as JSON text");
}

TEST_CASE("the two loaders agree on the depth limit", "[facts]") {
  auto exe = test_exe();
  const char* innermost[] = {"1", "[]", "{}", "[1]", "{\"k\": null}"};
  for (std::size_t max_depth : {1u, 2u, 3u, 6u}) {
    FactLimits limits;
    limits.max_depth = max_depth;
    FactLoader loader{exe, limits};
    for (std::size_t levels = 0; levels <= max_depth + 2; ++levels) {
      for (const char* inner : innermost) {
        for (bool objects : {false, true}) {
          std::string text = inner;
          for (std::size_t i = 0; i < levels; ++i)
            text = objects ? "{\"k\": " + text + "}" : "[" + text + "]";
          text = "{\"a\": " + text + "}";
          INFO(text << " with max_depth " << max_depth);
          Facts a;
          Facts b;
          std::string error_a;
          std::string error_b;
          bool ok_a = loader.load(text, a, error_a);
          bool ok_b = load_facts(*exe, nlohmann::json::parse(text), b, error_b, limits);
          CHECK(ok_a == ok_b);
          if (!ok_a) CHECK(error_a.find("offset") != std::string::npos);
        }
      }
    }
  }
}

TEST_CASE("one Facts and one loader serve many documents", "[facts]") {
  FactLoader loader{test_exe()};
  FactLoader moved = std::move(loader);
  Facts facts;
  std::string error;
  for (int round = 0; round < 3; ++round) {
    REQUIRE(moved.load(valid_document, facts, error));
    Facts fresh;
    load(valid_document, fresh);
    same_facts(facts, fresh);
    REQUIRE(moved.load(wrong_document, facts, error));
    CHECK(facts.errors.size() == 12);
    CHECK_FALSE(moved.load("{", facts, error));
    CHECK(facts.paths.size() == 1);
    CHECK(facts.errors.empty());
  }
  // Once its buffers are big enough, a Facts stops growing.
  REQUIRE(moved.load(wrong_document, facts, error));
  std::size_t arena = facts.arena.capacity();
  std::size_t paths = facts.paths.capacity();
  for (int round = 0; round < 10; ++round) {
    REQUIRE(moved.load(valid_document, facts, error));
    REQUIRE(moved.load(wrong_document, facts, error));
  }
  CHECK(facts.arena.capacity() == arena);
  CHECK(facts.paths.capacity() == paths);

  facts.clear();
  CHECK(facts.paths.size() == 1);
  CHECK(facts.paths[0].parent == no_index);
  CHECK(facts.errors.empty());
  CHECK(facts.root.tag == Tag::none);
  CHECK(facts.path_text(0).empty());
}

TEST_CASE("path_text renders fields and list positions", "[facts]") {
  Facts facts;
  facts.clear();
  std::uint32_t data = facts.add_path(0, "data");
  std::uint32_t second = facts.add_index_path(data, 2);
  std::uint32_t residency = facts.add_path(second, "residency");
  std::uint32_t nested = facts.add_index_path(facts.add_path(residency, "x"), 0);
  CHECK(facts.path_text(data) == "data");
  CHECK(facts.path_text(second) == "data[2]");
  CHECK(facts.path_text(residency) == "data[2].residency");
  CHECK(facts.path_text(nested) == "data[2].residency.x[0]");
  CHECK(facts.path_text(9999).empty());
}

TEST_CASE("truncated and corrupted documents never crash the loader", "[facts]") {
  auto exe = test_exe();
  FactLoader loader{exe};
  Facts facts;
  std::string error;
  const std::string text{valid_document};
  // Every prefix: only the whole document is JSON.
  for (std::size_t n = 0; n <= text.size(); ++n) {
    bool ok = loader.load(std::string_view(text).substr(0, n), facts, error);
    INFO(n << ": " << error);
    CHECK(ok == (n == text.size()));
    if (!ok) CHECK(error.find("offset") != std::string::npos);
  }
  // Every byte flipped four ways; what still loads must load the same from nlohmann.
  std::size_t loaded = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    for (unsigned mask : {0x01u, 0x20u, 0x80u, 0xFFu}) {
      std::string bad = text;
      bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ mask);
      bool ok = loader.load(bad, facts, error);
      INFO("byte " << i << " ^ " << mask << ": " << error);
      if (!ok) {
        CHECK(!error.empty());
        CHECK(facts.errors.empty());
        continue;
      }
      ++loaded;
      CHECK(error.empty());
      nlohmann::json parsed = nlohmann::json::parse(bad, nullptr, false);
      bool repeated = false;
      for (const InputError& e : facts.errors) repeated |= e.message.rfind("duplicate key", 0) == 0;
      if (parsed.is_discarded() || repeated) continue;
      Facts from_json;
      REQUIRE(load_facts(*exe, parsed, from_json, error));
      same_facts(facts, from_json);
    }
  }
  CHECK(loaded > 0);
}

TEST_CASE("a name table tells keys apart by every byte, at every length", "[facts]") {
  // NameTable compares a probe's words (its first and last eight bytes)
  // and reads a key's text only past 16 bytes: every length class, and a
  // difference at every position, must be seen. The keys share prefixes
  // and suffixes, as field names do.
  std::vector<std::string> keys;
  for (std::size_t n = 0; n <= 40; ++n) {
    std::string key;
    for (std::size_t i = 0; i < n; ++i) key += static_cast<char>('a' + i % 26);
    keys.push_back(key);
  }
  std::vector<std::pair<std::string_view, std::uint32_t>> entries;
  for (std::size_t k = 0; k < keys.size(); ++k) entries.emplace_back(keys[k], k);
  NameTable table;
  table.build(entries);
  for (std::size_t n = 0; n < keys.size(); ++n) {
    const std::string& key = keys[n];
    INFO("length " << n);
    CHECK(table.find(std::string(key)) == n);  // another copy: found by content
    CHECK(table.find(key + "#") == no_index);
    for (std::size_t i = 0; i < n; ++i) {
      std::string near = key;
      near[i] = 'Z';
      INFO("differing at " << i);
      CHECK(table.find(near) == no_index);
    }
  }
  // A NUL where a key has its last byte (short keys are zero-padded words).
  CHECK(table.find(std::string("abc\0", 4)) == no_index);
  CHECK(table.find(std::string("\0", 1)) == no_index);
  NameTable empty;
  CHECK(empty.find("a") == no_index);
}

TEST_CASE("keys that share their first and last eight bytes do not pile up", "[facts]") {
  // `projects/<n>/locations/global`: the same words, different middles. A
  // hash of the words alone sends all 4,096 to one home slot, so a probe
  // landing there walks thousands of keys and building the table takes
  // quadratic time; hashed with their middles, no key sits far from home.
  std::vector<std::string> keys;
  for (int n = 0; n < 4096; ++n) keys.push_back(fmt::format("projects/{:06}/locations/global", n));
  std::vector<std::pair<std::string_view, std::uint32_t>> entries;
  for (std::size_t k = 0; k < keys.size(); ++k) entries.emplace_back(keys[k], k);
  NameTable table;
  table.build(entries);
  CHECK(table.longest_displacement() < 64);
  for (std::size_t k = 0; k < keys.size(); k += 97) CHECK(table.find(keys[k]) == k);
  CHECK(table.find("projects/999999/locations/global") == no_index);
}

TEST_CASE("a loader that remembers key order reads every order alike", "[facts]") {
  // One loader remembers, per record type, the keys of the last object; the
  // documents below change the order, replace read keys by unread, unknown
  // and near-miss keys at the same positions, repeat keys, and pass the 64
  // remembered positions. Each must load as a fresh loader and nlohmann load it.
  std::string many_keys = R"({"workload": {"name": "w", "scope": 1, "flags": true,
      "placed_on_market": "2026-01-01")";
  for (int i = 0; i < 70; ++i)
    many_keys += ", \"k" + std::to_string(i) + "\": " + std::to_string(i);
  many_keys += R"(, "tags": ["late"]}, "count": 2})";
  std::string repeated_late = many_keys;
  repeated_late.insert(repeated_late.size() - 1, R"(, "count": 3)");
  const std::string documents[] = {
      std::string(valid_document),
      R"({"count": 1, "regions": [], "legacy": 1, "ids": [2], "data": [{"tags": ["x"],
          "classification": "public", "name": "n"}, {"name": "m", "classification": "internal"}],
          "workload": {"tags": [], "flags": false, "scope": 3, "name": "v",
          "placed_on_market": "2025-01-01"}})",
      R"({"counts": 1, "regions": [], "legac": 1, "IDS": [2], "data": [{"tag": ["x"],
          "classification": "publicx", "nam": "n"}, {"name": "m", "name": "o"}],
          "workload": {"tags": [], "flags": false, "scope": 3, "name": "v"}, "count": 4})",
      R"({"count": 1, "count": 2, "data": [{"name": "a", "classification": "public"},
          {"classification": "public", "name": "b", "name": "c"}]})",
      R"({"legacy": "x", "note": "n", "kinds": [1], "ids": [], "count": 5, "regions": ["r"],
          "model": {"parent": {"notes": "p", "flops": 2}, "general_purpose": true, "flops": 1,
          "label": "l"}, "data": [], "workload": {"name": "w", "scope": 2, "flags": true,
          "placed_on_market": "2026-01-01"}})",
      many_keys,
      repeated_late,
      std::string(wrong_document),
      std::string(valid_document),
  };
  auto exe = test_exe();
  FactLoader remembering{exe};
  for (int round = 0; round < 2; ++round) {
    for (const std::string& text : documents) {
      INFO(text);
      Facts facts;
      std::string error;
      REQUIRE(remembering.load(text, facts, error));
      Facts fresh;
      load(text, fresh);
      same_facts(facts, fresh);
      bool repeated = false;
      for (const InputError& e : facts.errors) repeated |= e.message.rfind("duplicate key", 0) == 0;
      if (repeated) continue;  // nlohmann keeps one of the copies
      Facts from_json;
      REQUIRE(load_facts(*exe, nlohmann::json::parse(text), from_json, error));
      same_facts(facts, from_json);
    }
  }
  Facts facts;
  load(repeated_late, facts);
  CHECK(errors(facts) == std::vector<std::string>{"count: duplicate key `count`"});
  load(many_keys, facts);
  CHECK(strings(slot(slot(facts.root, "workload"), "tags")) == std::vector<std::string>{"late"});
}

TEST_CASE("integers beyond 64 bits read as numbers, and strings keep their digits", "[facts]") {
  // The loader rewrites such integers outside strings (`32e19`, or `.0`
  // after them); quotes after escaped backslashes end a string, escaped
  // quotes do not.
  const std::string text = R"({"note": "a\"12345678901234567890123\\", "legacy": 1,
      "model": {"flops": 320000000000000000000, "general_purpose": true,
                "notes": "\\\"99999999999999999999999"},
      "regions": ["\\", "123456789012345678901234567890"], "count": -4,
      "extra": [-92233720368547758080, 18446744073709551616]})";
  Facts facts;
  load(text, facts);
  CHECK(facts.errors.empty());
  CHECK(slot(facts.root, "note").str() == "a\"12345678901234567890123\\");
  const Value& model = slot(facts.root, "model");
  CHECK(slot(model, "flops").tag == Tag::number);
  CHECK(slot(model, "flops").d == 3.2e20);
  CHECK(slot(model, "notes").str() == "\\\"99999999999999999999999");
  CHECK(strings(slot(facts.root, "regions")) ==
        std::vector<std::string>{"\\", "123456789012345678901234567890"});
  CHECK(slot(facts.root, "count").i == -4);
  Facts from_json;
  std::string error;
  REQUIRE(load_facts(*test_exe(), nlohmann::json::parse(text), from_json, error));
  same_facts(facts, from_json);
}

TEST_CASE("an integer beyond 64 bits is the double nearest to it, however it is written",
          "[facts]") {
  // Each is rewritten before simdjson reads it: trailing zeros as an
  // exponent, other digits with `.0`. Either way the value must be the
  // correctly rounded double of the digits as written, as strtod and the
  // nlohmann path read them; the first two are just past the 64-bit ranges.
  const std::vector<std::string> spellings = {
      "18446744073709551616",
      "-9223372036854775809",
      "320000000000000000000",
      "-92233720368547758080",
      "123456789012345678901",
      "100000000000000000000000000000000000000000",
      "12345678901234567890123456789000000000000000000000",
      "99999999999999999999999999999999999999999999999999999999999999999999999999999999999999",
      // The largest double, written out.
      "17976931348623157" + std::string(292, '0'),
  };
  for (const std::string& digits : spellings) {
    INFO(digits);
    // Twice, in an array and after a newline, to move it off any boundary.
    const std::string text = "{\"legacy\": [0, " + digits + "], \"model\": {\"flops\":\n" + digits +
                             ", \"general_purpose\": true}}";
    Facts facts;
    load(text, facts);
    CHECK(facts.errors.empty());
    const Value& flops = slot(slot(facts.root, "model"), "flops");
    REQUIRE(flops.tag == Tag::number);
    CHECK(flops.d == std::strtod(digits.c_str(), nullptr));
    Facts from_json;
    std::string error;
    REQUIRE(load_facts(*test_exe(), nlohmann::json::parse(text), from_json, error));
    same_facts(facts, from_json);
  }
  // Past the largest double, a number is out of range however it is
  // written; a valid big integer before another problem is not the problem.
  CHECK(failure("{\"model\": {\"flops\": 1" + std::string(400, '0') + "}}") ==
        "facts are not valid JSON: offset 20: `1" + std::string(59, '0') +
            "...` is out of the range of a number");
  // Zeros past a leading zero are not JSON however many there are.
  CHECK(failure(R"({"a": 000000000000000000000})") ==
        "facts are not valid JSON: offset 6: a number cannot start with `0`");
  CHECK(failure(R"({"a": -00000000000000000000})") ==
        "facts are not valid JSON: offset 7: a number cannot start with `0`");
  // simdjson 3.0 refuses a byte order mark; a big integer after one is
  // not rewritten (a later simdjson that skipped the mark would shift the
  // structural indexes the rewriting reads).
  CHECK(failure("\xef\xbb\xbf{\"a\": 123456789012345678901234567890}") ==
        "facts are not valid JSON: offset 0: unexpected byte 0xef; expected a value");
  CHECK(failure(R"({"legacy": 123456789012345678901234567890, "model": tru})") ==
        "facts are not valid JSON: offset 55: invalid literal; expected `true`");
}

TEST_CASE("big integers read the same however the loader rewrites them", "[facts]") {
  // Integers with two trailing zeros or more, followed by whitespace or
  // punctuation, are rewritten in the loader's copy of the text (`32e19`
  // and spaces) and only simdjson's stage 2 runs again; a document with any
  // other, or text the caller padded, is copied with every one rewritten
  // and parsed again. Both must give the value strtod and nlohmann give.
  auto with_flops = [](const std::string& flops, const std::string& legacy) {
    return R"({"legacy": [0, )" + legacy + R"(], "model": {"flops": )" + flops +
           R"(, "general_purpose": true}})";
  };
  const std::vector<std::string> documents = {
      // In place: the one read and the one that is not.
      with_flops("1000000000000000000000", "320000000000000000000"),
      with_flops("-9223372036854775808000", "320000000000000000000"),
      with_flops("18446744073709551616000", "-9223372036854775808000 "),
      // Copied: the read one has a single trailing zero, or another does.
      with_flops("12345678901234567890120", "320000000000000000000"),
      with_flops("1000000000000000000000", "12345678901234567890120"),
      with_flops("18446744073709551616000", "123456789012345678901234567"),
  };
  FactLoader loader{test_exe()};
  std::string error;
  for (const std::string& text : documents) {
    INFO(text);
    const std::size_t at = text.find("flops\": ") + 8;
    const std::string digits = text.substr(at, text.find(',', at) - at);
    // The loader is reused: the rewriting of one document must not show in
    // the next, which has the same bytes before it was rewritten.
    for (int round = 0; round < 2; ++round) {
      Facts facts;
      REQUIRE(loader.load(text, facts, error));
      CHECK(facts.errors.empty());
      const Value& flops = slot(slot(facts.root, "model"), "flops");
      REQUIRE(flops.tag == Tag::number);
      CHECK(flops.d == std::strtod(digits.c_str(), nullptr));
      const std::string padded = text + std::string(FactLoader::text_padding, 'x');
      Facts from_padded;
      REQUIRE(
          loader.load_padded(std::string_view(padded).substr(0, text.size()), from_padded, error));
      same_facts(facts, from_padded);
      Facts from_json;
      REQUIRE(load_facts(*test_exe(), nlohmann::json::parse(text), from_json, error));
      same_facts(facts, from_json);
    }
  }
  // Whatever follows a big integer that is not JSON stays an error, padded
  // or not: stage 1 does not mark a byte right after a digit, so rewriting
  // such an integer in place would leave that byte unread.
  for (const char* after : {"x", "\"s\"", "true", "-1", "0x"}) {
    for (const std::string& text :
         {R"({"model": {"flops": 1000000000000000000000)" + std::string(after) + "}}",
          R"({"legacy": [320000000000000000000)" + std::string(after) + "]}",
          "320000000000000000000" + std::string(after)}) {
      INFO(text);
      const std::string error_text = failure(text);
      CHECK_THAT(error_text, Catch::StartsWith("facts are not valid JSON: offset "));
      const std::string padded = text + std::string(FactLoader::text_padding, ' ');
      Facts facts;
      CHECK_FALSE(
          loader.load_padded(std::string_view(padded).substr(0, text.size()), facts, error));
      CHECK(error == error_text);
    }
  }
}

namespace simdjson_3_0 {
enum error_code { SUCCESS, NUMBER_ERROR, NUMBER_OUT_OF_RANGE, TAPE_ERROR };
}
namespace simdjson_later {
enum error_code { SUCCESS, NUMBER_ERROR, BIGINT_ERROR, NUMBER_OUT_OF_RANGE, TAPE_ERROR };
}

TEST_CASE("a refused number is recognised under either simdjson 3 spelling", "[facts]") {
  // simdjson 3.0 reports an integer beyond 64 bits as NUMBER_ERROR; later
  // 3.x releases as BIGINT_ERROR. The loader rewrites such integers on
  // either, so a newer simdjson keeps loading the documents this one does.
  STATIC_REQUIRE(refused_number(simdjson_3_0::NUMBER_ERROR));
  STATIC_REQUIRE_FALSE(refused_number(simdjson_3_0::NUMBER_OUT_OF_RANGE));
  STATIC_REQUIRE_FALSE(refused_number(simdjson_3_0::TAPE_ERROR));
  STATIC_REQUIRE(refused_number(simdjson_later::NUMBER_ERROR));
  STATIC_REQUIRE(refused_number(simdjson_later::BIGINT_ERROR));
  STATIC_REQUIRE_FALSE(refused_number(simdjson_later::TAPE_ERROR));
  STATIC_REQUIRE_FALSE(refused_number(simdjson_later::SUCCESS));
}
