// The verifier against hand-built images: a small sound one (also used by
// bundle_test.cpp), then one mutation per rule the verifier enforces, each
// checked for the message that names the problem. The disassembler's text
// for the same image is pinned here too.
#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <string>

#include "runtime/date.hpp"
#include "runtime/disasm.hpp"
#include "runtime/image.hpp"
#include "runtime/sha256.hpp"
#include "runtime/verifier.hpp"
#include "stdlib/builtins.hpp"

namespace precept::runtime::test {

// A tiny sound image:
//
//   enum Classification { public, internal = 2, restricted = "RESTRICTED" }
//   facts { items: list<string>  strict: bool = false  owner: string?  level: Classification }
//   def is_x(s: string): bool = s == "x"
//   output flagged: bool = false
//   rule no_x: for d in items when is_x(d) deny "item is x", raise flagged
Image sample_image() {
  Image image;
  image.name = "demo";
  image.version = "1.0.0";
  image.files.push_back({"demo/policy.rules", sha256_hex("package demo\n")});

  Schema& schema = image.schema;
  schema.types = {
      {TypeKind::boolean, no_index},  // 0
      {TypeKind::string, no_index},   // 1
      {TypeKind::list, 1},            // 2 list<string>
      {TypeKind::optional, 1},        // 3 string?
      {TypeKind::enumeration, 0},     // 4 Classification
      {TypeKind::date, no_index},     // 5
  };
  EnumType classification;
  classification.name = "Classification";
  classification.members.push_back({"public", EnumMember::Code::none, 0, ""});
  classification.members.push_back({"internal", EnumMember::Code::integer, 2, ""});
  classification.members.push_back({"restricted", EnumMember::Code::string, 0, "RESTRICTED"});
  schema.enums.push_back(classification);
  RecordType facts;
  facts.name = "facts";
  facts.fields.push_back({"items", 2, Presence::required, no_index, true});
  facts.fields.push_back({"strict", 0, Presence::defaulted, 0, true});
  facts.fields.push_back({"owner", 3, Presence::optional, no_index, false});
  facts.fields.push_back({"level", 4, Presence::required, no_index, false});
  schema.records.push_back(facts);
  schema.root = 0;

  auto constant = [&](Constant::Kind kind) -> Constant& {
    Constant& c = image.constants.emplace_back();
    c.kind = kind;
    return c;
  };
  constant(Constant::Kind::boolean).integer = 0;                 // 0 false
  constant(Constant::Kind::string).string = "x";                 // 1
  constant(Constant::Kind::string).string = "item is x";         // 2
  constant(Constant::Kind::boolean).integer = 1;                 // 3 true
  Constant& restricted = constant(Constant::Kind::enumeration);  // 4
  restricted.enum_type = 0;
  restricted.integer = 2;
  constant(Constant::Kind::date).integer = *parse_iso_date("2026-01-31");  // 5
  constant(Constant::Kind::string).string = "y";                           // 6
  constant(Constant::Kind::list).elements = {1, 6};                        // 7 ["x", "y"]
  constant(Constant::Kind::number).number = 2.5;                           // 8

  auto emit = [&](Op op, std::uint32_t a = 0, std::uint32_t b = 0, std::uint32_t line = 0) {
    image.code.push_back({op, a, b});
    image.locs.push_back(line == 0 ? SourceLoc{} : SourceLoc{0, line, 3});
  };
  // 0: def demo.is_x
  emit(Op::load_local, 0, 0, 2);
  emit(Op::push_const, 1, 0, 2);
  emit(Op::eq, 0, 0, 2);
  emit(Op::ret, 0, 0, 2);
  // 4: rule demo.no_x
  emit(Op::load_fact, 0, 0, 6);          // 4
  emit(Op::iter_init, 0, 18, 6);         // 5  unknown collection: 18
  emit(Op::iter_next, 0, 19, 6);         // 6  done: 19
  emit(Op::store_local, 2, 0, 6);        // 7  d
  emit(Op::begin_condition, 0, 0, 7);    // 8
  emit(Op::load_local, 2, 0, 7);         // 9
  emit(Op::call, 0, 1, 7);               // 10 is_x(d)
  emit(Op::decide, 1, 0, 7);             // 11
  emit(Op::jump_unless_state, 0, 6, 7);  // 12 not fired: next item
  emit(Op::push_const, 2, 0, 8);         // 13
  emit(Op::emit, 0, 1, 8);               // 14 deny "item is x"
  emit(Op::push_const, 3, 0, 9);         // 15
  emit(Op::raise, 0, 0, 9);              // 16 raise flagged
  emit(Op::jump, 6, 0, 6);               // 17
  emit(Op::decide, 0, 0, 6);             // 18 the whole rule is undetermined
  emit(Op::halt, 0, 0, 6);               // 19
  // 20: output demo.flagged (generated: no source location)
  emit(Op::push_const, 0);
  emit(Op::set_output, 0);
  emit(Op::halt);

  image.functions.push_back({"demo.is_x", 0, 4, 1, 1, 0});
  image.functions.push_back({"rule demo.no_x", 4, 20, 0, 3, 0});
  image.functions.push_back({"output demo.flagged", 20, 23, 0, 0, 0});

  RuleDesc rule;
  rule.id = "demo.no_x";
  rule.title = "No x items";
  rule.cites = {"Demo Act Art. 1"};
  rule.severity = Severity::high;
  rule.loc = {0, 5, 1};
  rule.bindings.push_back({"d", 0});
  EffectDesc deny;
  deny.kind = EffectKind::deny;
  rule.effects.push_back(deny);
  EffectDesc raise;
  raise.kind = EffectKind::raise;
  raise.output = 0;
  rule.effects.push_back(raise);
  rule.function = 1;
  rule.guards = {0};
  image.rules.push_back(rule);

  image.outputs.push_back({"demo.flagged", 0, Join::or_, 2});
  image.guards.push_back(Guard{{FieldRef{image.schema.root, 0}}, {"x"}});
  return image;
}

}  // namespace precept::runtime::test

using namespace precept::runtime;
using precept::runtime::test::sample_image;

namespace {

// verify() on the sample image after `mutate`.
std::string verify_with(const std::function<void(Image&)>& mutate) {
  Image image = sample_image();
  mutate(image);
  return verify(image);
}

// Appends a def function made of `code` (source locations left empty).
void append_def(Image& image, std::string name, std::uint32_t params, std::uint32_t locals,
                const std::vector<Instr>& code) {
  auto entry = static_cast<std::uint32_t>(image.code.size());
  for (const Instr& in : code) {
    image.code.push_back(in);
    image.locs.push_back({});
  }
  image.functions.push_back(
      {std::move(name), entry, static_cast<std::uint32_t>(image.code.size()), params, locals, 0});
}

}  // namespace

TEST_CASE("the sample image is sound and its stack depths are computed", "[verifier]") {
  Image image = sample_image();
  REQUIRE(verify(image) == "");
  CHECK(image.functions[0].max_stack == 2);
  CHECK(image.functions[1].max_stack == 1);
  CHECK(image.functions[2].max_stack == 1);
}

TEST_CASE("the verifier rejects guards that name nothing", "[verifier]") {
  CHECK(verify_with([](Image& im) { im.rules[0].guards = {1}; }) ==
        "rule `demo.no_x`: guard 1 does not exist");
  CHECK(verify_with([](Image& im) { im.guards[0].path[0].field = 77; }) ==
        "guard 0: field 77 of record " + std::to_string(sample_image().schema.root) +
            " does not exist");
  CHECK(verify_with([](Image& im) { im.guards[0].path.clear(); }) == "guard 0: the path is empty");
}

TEST_CASE("the verifier rejects bad jumps", "[verifier]") {
  CHECK(verify_with([](Image& im) { im.code[17].a = 99; }) ==
        "function `rule demo.no_x`: instruction 17 (jump): target 99 is outside the function");
  CHECK(verify_with([](Image& im) { im.code[17].a = 2; }) ==
        "function `rule demo.no_x`: instruction 17 (jump): target 2 is outside the function");
  CHECK(verify_with([](Image& im) { im.code[5].b = 20; }) ==
        "function `rule demo.no_x`: instruction 5 (iter_init): target 20 is outside the function");
  CHECK(verify_with([](Image& im) { im.code[12].b = 4000000000u; }) ==
        "function `rule demo.no_x`: instruction 12 (jump_unless_state): target 4000000000 is "
        "outside the function");
}

TEST_CASE("the verifier rejects bad constant, local, slot and root operands", "[verifier]") {
  CHECK(verify_with([](Image& im) { im.code[13].a = 50; }) ==
        "function `rule demo.no_x`: instruction 13 (push_const): constant 50 does not exist");
  CHECK(verify_with([](Image& im) { im.code[9].a = 3; }) ==
        "function `rule demo.no_x`: instruction 9 (load_local): local %3 does not exist (the "
        "function has 3)");
  // An iterator needs two slots: A and A+1.
  CHECK(verify_with([](Image& im) { im.code[5].a = 2; }) ==
        "function `rule demo.no_x`: instruction 5 (iter_init): local %3 does not exist (the "
        "function has 3)");
  CHECK(verify_with([](Image& im) { im.code[4].a = 4; }) ==
        "function `rule demo.no_x`: instruction 4 (load_fact): the facts root has no field slot 4");
  CHECK(
      verify_with([](Image& im) {
        im.code[4] = {Op::get_field, 4, 0};
      }) ==
      "function `rule demo.no_x`: instruction 4 (get_field): field slot 4 is beyond every record");
}

TEST_CASE("the verifier checks the operand stack", "[verifier]") {
  SECTION("underflow") {
    CHECK(verify_with([](Image& im) {
            im.code[1] = {Op::not_, 0, 0};
          }) ==
          "function `demo.is_x`: instruction 2 (eq): stack underflow: pops 2 values but the stack "
          "holds 1");
  }
  SECTION("a conditional jump needs its operand") {
    CHECK(verify_with([](Image& im) {
            im.code[20] = {Op::jump_if_false, 21, 0};
          }) ==
          "function `output demo.flagged`: instruction 20 (jump_if_false): stack underflow: it "
          "needs a value on the stack");
  }
  SECTION("a huge count does not wrap around") {
    CHECK(verify_with([](Image& im) {
            im.code[20] = {Op::make_list, 0x80000000u, 0};
          }) ==
          "function `output demo.flagged`: instruction 20 (make_list): stack underflow: pops "
          "2147483648 values but the stack holds 0");
  }
  SECTION("different depths where paths join") {
    CHECK(verify_with([](Image& im) {
            im.code[16] = {Op::push_const, 3, 0};
          }) ==
          "function `rule demo.no_x`: instruction 17 (jump): reaches instruction 6 with stack "
          "depth 2 where another path has 0");
  }
  SECTION("running off the end") {
    CHECK(verify_with([](Image& im) {
            im.code[22] = {Op::push_none, 0, 0};
          }) ==
          "function `output demo.flagged`: instruction 22 (push_none): execution runs off the end "
          "of the function");
    // A conditional jump as the last instruction falls through past the end.
    CHECK(verify_with([](Image& im) {
            append_def(im, "demo.cond", 1, 1, {{Op::load_local, 0, 0}, {Op::jump_if_true, 24, 0}});
          }) ==
          "function `demo.cond`: instruction 24 (jump_if_true): execution runs off the end of the "
          "function");
  }
  SECTION("ret and halt need the right depth") {
    CHECK(verify_with([](Image& im) {
            im.code[2] = {Op::push_none, 0, 0};
          }) ==
          "function `demo.is_x`: instruction 3 (ret): returns with 3 values on the stack; it needs "
          "exactly 1");
    CHECK(verify_with([](Image& im) {
            im.code[21] = {Op::push_none, 0, 0};
          }) ==
          "function `output demo.flagged`: instruction 22 (halt): halts with 2 values left on the "
          "stack");
  }
  SECTION("a bounded depth") {
    std::vector<Instr> pushes(1100, Instr{Op::push_none, 0, 0});
    pushes.push_back({Op::ret, 0, 0});
    CHECK(verify_with([&](Image& im) { append_def(im, "demo.deep", 0, 0, pushes); }) ==
          "function `demo.deep`: instruction 1047 (push_none): the operand stack grows deeper than "
          "1024");
  }
}

TEST_CASE("the verifier checks calls and builtins", "[verifier]") {
  CHECK(verify_with([](Image& im) {
          im.code[1] = {Op::call, 0, 1};
        }) == "recursive calls: `demo.is_x` -> `demo.is_x`");
  CHECK(verify_with([](Image& im) {
          append_def(im, "demo.a", 0, 0, {{Op::call, 4, 0}, {Op::ret, 0, 0}});
          append_def(im, "demo.b", 0, 0, {{Op::call, 3, 0}, {Op::ret, 0, 0}});
        }) == "recursive calls: `demo.a` -> `demo.b` -> `demo.a`");
  CHECK(verify_with([](Image& im) { im.code[10].b = 2; }) ==
        "function `rule demo.no_x`: instruction 10 (call): `demo.is_x` takes 1 argument, not 2");
  CHECK(verify_with([](Image& im) { im.code[10].a = 1; }) ==
        "function `rule demo.no_x`: instruction 10 (call): `rule demo.no_x` is the function of a "
        "rule, not a def");
  CHECK(verify_with([](Image& im) { im.code[10].a = 7; }) ==
        "function `rule demo.no_x`: instruction 10 (call): function 7 does not exist");
  CHECK(verify_with([](Image& im) {
          im.code[1] = {Op::builtin, 0, 2};
        }) ==
        "function `demo.is_x`: instruction 1 (builtin): builtin `len` takes 1 argument, not 2");
  CHECK(verify_with([](Image& im) {
          im.code[1] = {Op::builtin, 200, 1};
        }) == "function `demo.is_x`: instruction 1 (builtin): builtin 200 does not exist");
  CHECK(verify_with([](Image& im) {
          append_def(im, "demo.size", 1, 1,
                     {{Op::load_local, 0, 0}, {Op::builtin, 0, 1}, {Op::ret, 0, 0}});
          append_def(im, "demo.today", 0, 0,
                     {{Op::builtin, static_cast<std::uint32_t>(precept::stdlib::BuiltinId::now), 0},
                      {Op::ret, 0, 0}});
        }) == "");
}

TEST_CASE("the verifier keeps rule, output and def instructions apart", "[verifier]") {
  CHECK(verify_with([](Image& im) {
          im.code[21] = {Op::emit, 0, 1};
        }) ==
        "function `output demo.flagged`: instruction 21 (emit): only a rule's function may use it");
  CHECK(verify_with([](Image& im) {
          im.code[1] = {Op::decide, 0, 0};
        }) == "function `demo.is_x`: instruction 1 (decide): only a rule's function may use it");
  CHECK(verify_with([](Image& im) {
          im.code[16] = {Op::set_output, 0, 0};
        }) ==
        "function `rule demo.no_x`: instruction 16 (set_output): only an output's function may use "
        "it");
  CHECK(verify_with([](Image& im) {
          im.code[3] = {Op::halt, 0, 0};
        }) == "function `demo.is_x`: instruction 3 (halt): a def must return, not halt");
  CHECK(verify_with([](Image& im) {
          im.code[19] = {Op::ret, 0, 0};
        }) ==
        "function `rule demo.no_x`: instruction 19 (ret): only a def returns; rules and outputs "
        "halt");
  CHECK(verify_with([](Image& im) { im.outputs[0].function = 1; }) ==
        "function `rule demo.no_x` is used by both rule `demo.no_x` and output `demo.flagged`");
  CHECK(verify_with([](Image& im) { im.rules[0].function = 0; }) ==
        "function `demo.is_x` of rule `demo.no_x` takes parameters");
}

TEST_CASE("the verifier checks effects, outputs and decisions", "[verifier]") {
  CHECK(verify_with([](Image& im) { im.code[14].b = 2; }) ==
        "function `rule demo.no_x`: instruction 14 (emit): effect 0 takes 1 value, not 2");
  CHECK(verify_with([](Image& im) { im.code[14].a = 1; }) ==
        "function `rule demo.no_x`: instruction 14 (emit): a raise effect is applied with `raise`");
  CHECK(verify_with([](Image& im) { im.code[14].a = 2; }) ==
        "function `rule demo.no_x`: instruction 14 (emit): effect 2 does not exist (rule "
        "`demo.no_x` has 2)");
  CHECK(verify_with([](Image& im) {
          im.rules[0].effects[0].kind = EffectKind::require;
          im.rules[0].effects[0].obligation = "demo.review";
          im.rules[0].effects[0].with_keys = {"owner", "reason"};
        }) == "function `rule demo.no_x`: instruction 14 (emit): effect 0 takes 3 values, not 1");
  CHECK(verify_with([](Image& im) { im.code[16].a = 3; }) ==
        "function `rule demo.no_x`: instruction 16 (raise): output 3 does not exist");
  CHECK(verify_with([](Image& im) { im.code[11].a = 2; }) ==
        "function `rule demo.no_x`: instruction 11 (decide): 2 bindings but the rule has 1");
  CHECK(verify_with([](Image& im) { im.code[12].a = 3; }) ==
        "function `rule demo.no_x`: instruction 12 (jump_unless_state): instance state 3 does not "
        "exist");
  CHECK(verify_with([](Image& im) { im.code[21].a = 1; }) ==
        "function `output demo.flagged`: instruction 21 (set_output): output 1 does not exist");
  CHECK(verify_with([](Image& im) { im.outputs[0].join = Join::none; }) ==
        "rule `demo.no_x`: effect 1: output `demo.flagged` cannot be raised");
  CHECK(verify_with([](Image& im) { im.outputs[0].join = Join::max; }) ==
        "output `demo.flagged`: its join does not suit its type");
  CHECK(verify_with([](Image& im) { im.outputs[0].type = 9; }) ==
        "output `demo.flagged`: type 9 does not exist");
  CHECK(verify_with([](Image& im) { im.rules[0].bindings[0].iterator = 2; }) ==
        "rule `demo.no_x`: binding `d`: iterator slots 2 and 3 are not locals of `rule demo.no_x`");
  CHECK(verify_with([](Image& im) { im.rules.push_back(im.rules[0]); }) ==
        "function `rule demo.no_x` is used by both rule `demo.no_x` and rule `demo.no_x`");
  CHECK(verify_with([](Image& im) {
          im.rules.push_back(im.rules[0]);
          im.rules.back().function = 3;
          append_def(im, "rule demo.again", 0, 3, {{Op::halt, 0, 0}});
        }) == "rule `demo.no_x` is declared twice");
}

TEST_CASE("the verifier checks the function layout", "[verifier]") {
  CHECK(verify_with([](Image& im) { im.functions[1].entry = 3; }) ==
        "functions `demo.is_x` and `rule demo.no_x` overlap");
  CHECK(verify_with([](Image& im) { im.functions[0].end = 3; }) ==
        "instruction 3 belongs to no function");
  CHECK(verify_with([](Image& im) { im.functions[2].end = 22; }) ==
        "instruction 22 belongs to no function");
  CHECK(verify_with([](Image& im) { im.functions[2].end = 24; }) ==
        "function `output demo.flagged`: instructions 20 to 24 are not a range of the code");
  CHECK(verify_with([](Image& im) { im.functions[0].params = 2; }) ==
        "function `demo.is_x`: 2 parameters but only 1 local");
  CHECK(verify_with([](Image& im) { im.functions[0].locals = 70000; }) ==
        "function `demo.is_x`: 70000 locals is more than the limit of 65536");
  CHECK(verify_with([](Image& im) { im.locs.pop_back(); }) ==
        "22 source locations for 23 instructions");
  CHECK(verify_with([](Image& im) { im.locs[3].file = 1; }) ==
        "instruction 3: source file 1 does not exist");
}

TEST_CASE("the verifier checks the schema and constants", "[verifier]") {
  CHECK(verify_with([](Image& im) { im.schema.root = 1; }) == "the facts root 1 is not a record");
  CHECK(verify_with([](Image& im) { im.schema.types[2].ref = 6; }) ==
        "type 2: element type 6 does not exist");
  CHECK(verify_with([](Image& im) { im.schema.types[2].ref = 2; }) ==
        "type 2: nested deeper than 128 levels or contains itself");
  CHECK(verify_with([](Image& im) { im.schema.types[4].ref = 1; }) ==
        "type 4: enum 1 does not exist");
  CHECK(verify_with([](Image& im) { im.schema.records[0].fields[1].default_value = 40; }) ==
        "record `facts`: field `strict`: default constant 40 does not exist");
  CHECK(verify_with([](Image& im) { im.schema.records[0].fields[2].type = 1; }) ==
        "record `facts`: field `owner` is optional but its type is not");
  CHECK(verify_with([](Image& im) { im.schema.records[0].fields[2].name = "items"; }) ==
        "record `facts`: field `items` is declared twice");
  CHECK(verify_with([](Image& im) { im.schema.enums[0].members[1].name = "public"; }) ==
        "enum `Classification`: member `public` is declared twice");
  CHECK(verify_with([](Image& im) { im.schema.enums[0].members[2].string_code = "public"; }) ==
        "enum `Classification`: member `restricted` has the code `public`, which already names "
        "`public`");
  CHECK(verify_with([](Image& im) {
          im.constants[7].elements = {1, 7};
        }) == "constant 7: element 7 does not come before the collection");
  CHECK(verify_with([](Image& im) { im.constants[4].integer = 3; }) ==
        "constant 4: enum `Classification` has no member 3");
  CHECK(verify_with([](Image& im) { im.constants[4].enum_type = 1; }) ==
        "constant 4: enum 1 does not exist");
  // Found by fuzz_bundle: a date constant of 2^63 - 33 days overflowed the
  // disassembler's date formatting (signed overflow).
  CHECK(verify_with([](Image& im) { im.constants[5].integer = INT64_MAX - 33; }) ==
        "constant 5: date 9223372036854775774 is not between 0000-01-01 and 9999-12-31");
  CHECK(verify_with([](Image& im) { im.constants[5].integer = min_iso_date - 1; }) ==
        "constant 5: date -719529 is not between 0000-01-01 and 9999-12-31");
  CHECK(verify_with([](Image& im) { im.constants[5].integer = max_iso_date; }).empty());
}

TEST_CASE("dates are formatted for any day count", "[date]") {
  CHECK(format_iso_date(0) == "1970-01-01");
  CHECK(format_iso_date(min_iso_date) == "0000-01-01");
  CHECK(format_iso_date(max_iso_date) == "9999-12-31");
  CHECK(parse_iso_date("0000-01-01") == min_iso_date);
  CHECK(parse_iso_date("9999-12-31") == max_iso_date);
  CHECK(format_iso_date(max_iso_date + 1) == "10000-01-01");
  CHECK(format_iso_date(INT64_MAX) == "+9223372036854775807 days");
  CHECK(format_iso_date(INT64_MIN) == "-9223372036854775808 days");
}

TEST_CASE("disassembly of the sample image", "[disasm]") {
  Image image = sample_image();
  REQUIRE(verify(image) == "");
  std::string text = disassemble(image);
  INFO(text);
  for (const char* expected : {
           "bundle \"demo\" version \"1.0.0\"\n",
           "\nenum Classification\n  0 public\n  1 internal = 2\n  2 restricted = \"RESTRICTED\"\n",
           "\nrecord facts (root)\n  0 items: list<string> required\n  1 strict: bool = false\n"
           "  2 owner: string? optional (unread)\n  3 level: Classification required (unread)\n",
           "\n  4 Classification.restricted\n  5 2026-01-31\n  6 \"y\"\n  7 [\"x\", \"y\"]\n"
           "  8 2.5\n",
           "\noutputs\n  0 demo.flagged: bool, join or, function output demo.flagged\n",
           "\nrules\n  0 demo.no_x severity high ; demo/policy.rules:5:1\n"
           "    function rule demo.no_x\n    title \"No x items\"\n    cites \"Demo Act Art. 1\"\n"
           "    for d in %0\n    effect 0 deny\n    effect 1 raise demo.flagged\n",
           "\nfunction demo.is_x (params 1, locals 1, stack 2)\n"
           "    0  load_local        %0              ; demo/policy.rules:2:3\n"
           "    1  push_const        \"x\"             ; demo/policy.rules:2:3\n"
           "    2  eq                                ; demo/policy.rules:2:3\n"
           "    3  ret                               ; demo/policy.rules:2:3\n",
           "\nfunction rule demo.no_x (params 0, locals 3, stack 1)\n"
           "    4  load_fact         items           ; demo/policy.rules:6:3\n"
           "    5  iter_init         %0 -> 18        ; demo/policy.rules:6:3\n"
           "    6  iter_next         %0 -> 19        ; demo/policy.rules:6:3\n",
           "   10  call              demo.is_x/1     ; demo/policy.rules:7:3\n"
           "   11  decide            1               ; demo/policy.rules:7:3\n"
           "   12  jump_unless_state fired -> 6      ; demo/policy.rules:7:3\n",
           "   14  emit              deny/1          ; demo/policy.rules:8:3\n",
           "   16  raise             demo.flagged    ; demo/policy.rules:9:3\n"
           "   17  jump              -> 6            ; demo/policy.rules:6:3\n",
           "\nfunction output demo.flagged (params 0, locals 0, stack 1)\n"
           "   20  push_const        false\n"
           "   21  set_output        demo.flagged\n"
           "   22  halt\n",
       }) {
    CHECK_THAT(text, Catch::Matchers::Contains(expected));
  }
  CHECK(disassemble(image) == text);

  // A `require` lists its `with` keys in the rules section; `emit` shows the obligation.
  image.rules[0].effects[0].kind = EffectKind::require;
  image.rules[0].effects[0].obligation = "demo.review";
  image.rules[0].effects[0].with_keys = {"owner", "reason"};
  text = disassemble(image);
  CHECK_THAT(text,
             Catch::Matchers::Contains("    effect 0 require demo.review with owner, reason\n"));
  CHECK_THAT(text, Catch::Matchers::Contains("   14  emit              require demo.review/1 ;"));
}

TEST_CASE("disassembly of a broken image does not crash", "[disasm]") {
  Image image = sample_image();
  image.schema.types[2].ref = 2;         // list<list<list<...>>>
  image.constants[7].elements = {7, 7};  // contains itself
  image.code[10].a = 77;
  image.code[4].a = 99;
  image.code[14].a = 5;
  image.locs[0].file = 8;
  image.outputs[0].type = 100;
  std::string text = disassemble(image);
  CHECK_THAT(text, Catch::Matchers::Contains("function#77?/1"));
  CHECK_THAT(text, Catch::Matchers::Contains("effect#5?/1"));
  CHECK_THAT(text, Catch::Matchers::Contains("slot 99?"));
  CHECK_THAT(text, Catch::Matchers::Contains(" ; file#8?:2:3"));
  CHECK_THAT(text, Catch::Matchers::Contains("type#100?"));
  CHECK(text.size() < 20000);
}
