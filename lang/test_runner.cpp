#include "lang/test_runner.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "lang/fold.hpp"
#include "lang/frontend.hpp"
#include "runtime/date.hpp"
#include "runtime/facts_json.hpp"
#include "runtime/json_text.hpp"
#include "runtime/vm.hpp"

namespace precept::lang {

namespace {

using nlohmann::json;
namespace rt = runtime;

// ------------------------------------------------------------- given ---

json to_json(const GivenValue& v) {
  struct Visitor {
    json operator()(std::monostate) const { return nullptr; }
    json operator()(bool b) const { return b; }
    json operator()(std::int64_t i) const { return i; }
    json operator()(double d) const { return d; }
    json operator()(const std::string& s) const { return s; }
    json operator()(const std::vector<GivenPtr>& items) const {
      json a = json::array();
      for (const GivenPtr& item : items) a.push_back(item ? to_json(*item) : json());
      return a;
    }
    json operator()(const std::vector<GivenMember>& members) const {
      json o = json::object();
      for (const GivenMember& m : members) o[m.key] = m.value ? to_json(*m.value) : json();
      return o;
    }
  };
  return std::visit(Visitor{}, v.node);
}

std::string step_text(const std::vector<GivenPathStep>& path, std::size_t upto) {
  std::string text;
  for (std::size_t i = 0; i < upto && i < path.size(); ++i) {
    if (auto* field = std::get_if<std::string>(&path[i].step)) {
      if (!text.empty()) text += '.';
      text += *field;
    } else {
      text += fmt::format("[{}]", std::get<std::int64_t>(path[i].step));
    }
  }
  return text;
}

// Sets `value` at `path` in `document`, creating objects on the way; a list
// index must already exist. Empty on success, otherwise why not.
std::string apply_override(json& document, const std::vector<GivenPathStep>& path,
                           const json& value) {
  json* node = &document;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (auto* field = std::get_if<std::string>(&path[i].step)) {
      if (node->is_null()) *node = json::object();
      if (!node->is_object()) {
        return fmt::format("cannot override `{}`: `{}` is not an object",
                           step_text(path, path.size()), step_text(path, i));
      }
      node = &(*node)[*field];
    } else {
      std::int64_t index = std::get<std::int64_t>(path[i].step);
      if (!node->is_array() || index < 0 || static_cast<std::size_t>(index) >= node->size()) {
        return fmt::format("cannot override `{}`: `{}` has no element {}",
                           step_text(path, path.size()), step_text(path, i), index);
      }
      node = &(*node)[static_cast<std::size_t>(index)];
    }
  }
  *node = value;
  return {};
}

// A test's `given file`, read as the checker reads it (a regular file
// within the facts size limit), then parsed.
bool read_given_file(const TestDecl& test, const SourceSet& sources, const rt::FactLimits& limits,
                     json& document, std::string& error) {
  std::filesystem::path base =
      std::filesystem::path(sources.file(test.name_span.file).path()).parent_path();
  std::filesystem::path file = base / *test.given.file;
  const std::string what = fmt::format("the given file `{}`", file.generic_string());
  InputFile how{what, limits.max_bytes, "the limit for a facts document", true};
  std::string text;
  if (!read_input_file(file.string(), how, text, error)) return false;
  document = json::parse(text, nullptr, false);
  if (document.is_discarded()) {
    error = what + " is not valid JSON";
    return false;
  }
  return true;
}

// The facts document a test's `given` describes, or an error.
bool given_document(const TestDecl& test, const SourceSet& sources, const rt::FactLimits& limits,
                    json& document, std::string& error) {
  const Given& given = test.given;
  if (given.file) {
    if (!read_given_file(test, sources, limits, document, error)) return false;
  } else if (given.literal) {
    document = to_json(*given.literal);
  } else {
    document = json::object();
  }
  for (const GivenOverride& o : given.overrides) {
    error = apply_override(document, o.path, o.value ? to_json(*o.value) : json());
    if (!error.empty()) return false;
  }
  return true;
}

// ------------------------------------------------------- expectations ---

std::string source_text(const SourceSet& sources, Span span) {
  if (!span.valid()) return {};
  const std::string& text = sources.file(span.file).text();
  std::string s = text.substr(span.begin, span.end - span.begin);
  // One line, spaces collapsed: expectations are short.
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

const char* effect_word(EffectKind kind) {
  switch (kind) {
    case EffectKind::deny:
      return "deny";
    case EffectKind::review:
      return "review";
    case EffectKind::warn:
      return "warn";
    default:
      return "require";
  }
}

const char* effect_plural(EffectKind kind) {
  switch (kind) {
    case EffectKind::deny:
      return "denies";
    case EffectKind::review:
      return "reviews";
    case EffectKind::warn:
      return "warnings";
    default:
      return "obligations";
  }
}

bool matches_target(const std::string& id, const Expect& e) {
  if (e.resolved_target.empty()) return true;  // `expect no deny` without a rule
  if (e.wildcard) return id.compare(0, e.resolved_target.size(), e.resolved_target) == 0;
  return id == e.resolved_target;
}

std::string list_or_none(const std::vector<std::string>& items) {
  if (items.empty()) return "none";
  std::string s;
  for (const std::string& item : items) s += (s.empty() ? "" : ", ") + item;
  return s;
}

// Why a decision came out as it did, in one line: its outcome, what denied
// and asked for review (unless the message already listed what fired), and
// what was missing.
std::string summary(const rt::Decision& d, const rt::Image& image, bool with_effects = true) {
  std::vector<std::string> denies, reviews, missing;
  for (const auto& e : d.violations) denies.push_back(image.rules[e.rule].id);
  for (const auto& e : d.reviews) reviews.push_back(image.rules[e.rule].id);
  for (const auto& m : d.missing) missing.push_back(m.path);
  auto unique = [](std::vector<std::string>& v) {
    std::vector<std::string> out;
    for (auto& s : v) {
      if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    }
    v = out;
  };
  unique(denies);
  unique(reviews);
  std::string s = with_effects ? fmt::format("outcome {}; denies: {}; reviews: {}; missing: {}",
                                             rt::to_string(d.outcome), list_or_none(denies),
                                             list_or_none(reviews), list_or_none(missing))
                               : fmt::format("outcome {}; missing: {}", rt::to_string(d.outcome),
                                             list_or_none(missing));
  for (const auto& e : d.errors)
    s += fmt::format("; {} error: {}", rt::to_string(e.kind), e.message);
  return s;
}

// A folded constant as the JSON the VM writes for the same value.
std::string const_json(const ConstValue& v) {
  using K = ConstValue::Kind;
  std::string out;
  switch (v.kind) {
    case K::none:
      return "null";
    case K::boolean:
      return v.boolean ? "true" : "false";
    case K::integer:
      return fmt::format("{}", v.integer);
    case K::number:
      rt::append_json_number(out, v.number);
      return out;
    case K::string:
      rt::append_json_string(out, v.string);
      return out;
    case K::date:
      rt::append_json_string(out, rt::format_iso_date(v.integer));
      return out;
    case K::member: {
      const auto* decl = v.enum_decl ? v.enum_decl->as<EnumDecl>() : nullptr;
      std::string name =
          decl && v.integer >= 0 && static_cast<std::size_t>(v.integer) < decl->members.size()
              ? decl->members[v.integer].name.name
              : "?";
      rt::append_json_string(out, name);
      return out;
    }
    case K::list:
    case K::set: {
      out = "[";
      for (std::size_t i = 0; i < v.items.size(); ++i)
        out += (i ? "," : "") + const_json(v.items[i]);
      return out + "]";
    }
  }
  return "null";
}

// Equal as values: numbers by value, sets in any order.
bool same_json(const json& expected, const json& actual, bool as_set) {
  if (!as_set || !expected.is_array() || !actual.is_array()) return expected == actual;
  auto sorted = [](const json& a) {
    std::vector<std::string> items;
    for (const auto& item : a) items.push_back(item.dump());
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
    return items;
  };
  return sorted(expected) == sorted(actual);
}

ExpectationResult check(const Expect& e, const Program& program, const SourceSet& sources,
                        const rt::Decision& d, const rt::Image& image) {
  ExpectationResult r;
  r.text = source_text(sources, e.span);
  r.line = e.span.valid() ? sources.locate(e.span).line : 0;
  switch (e.kind) {
    case ExpectKind::outcome:
      r.passed = e.outcome == rt::to_string(d.outcome);
      if (!r.passed)
        r.message = fmt::format("expected outcome {}, got {}", e.outcome, summary(d, image));
      break;
    case ExpectKind::effect:
    case ExpectKind::no_effect: {
      std::vector<std::string> fired, matching;
      for (const auto& entry : d.entries(static_cast<rt::EffectKind>(e.effect))) {
        const std::string& id = image.rules[entry.rule].id;
        if (std::find(fired.begin(), fired.end(), id) == fired.end()) fired.push_back(id);
        if (matches_target(id, e) &&
            std::find(matching.begin(), matching.end(), id) == matching.end()) {
          matching.push_back(id);
        }
      }
      std::string what = e.resolved_target.empty() ? std::string("any rule")
                         : e.wildcard              ? "`" + e.resolved_target + "*`"
                                                   : "`" + e.resolved_target + "`";
      if (e.kind == ExpectKind::effect) {
        r.passed = !matching.empty();
        if (!r.passed) {
          r.message = fmt::format("expected a {} from {}; {} that fired: {}; {}",
                                  effect_word(e.effect), what, effect_plural(e.effect),
                                  list_or_none(fired), summary(d, image, false));
        }
      } else {
        r.passed = matching.empty();
        if (!r.passed) {
          r.message = fmt::format("expected no {} from {}, but {} fired", effect_word(e.effect),
                                  what, list_or_none(matching));
        }
      }
      break;
    }
    case ExpectKind::require:
    case ExpectKind::no_require: {
      std::vector<std::string> ids;
      std::vector<std::string> from;  // the rules that required it
      for (const auto& entry : d.obligations) {
        const std::string& id = image.rules[entry.rule].effects[entry.effect].obligation;
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
        if (id == e.resolved_target) from.push_back(image.rules[entry.rule].id);
      }
      bool present = std::find(ids.begin(), ids.end(), e.resolved_target) != ids.end();
      if (e.kind == ExpectKind::no_require) {
        r.passed = !present;
        if (!r.passed) {
          r.message = fmt::format("expected no obligation `{}`, but {} required it",
                                  e.resolved_target, list_or_none(from));
        }
        break;
      }
      r.passed = present;
      if (!r.passed) {
        r.message = fmt::format("expected the obligation `{}`; the obligations are: {}; {}",
                                e.resolved_target, list_or_none(ids), summary(d, image));
      }
      break;
    }
    case ExpectKind::output_eq: {
      std::size_t index = image.outputs.size();
      for (std::size_t i = 0; i < image.outputs.size(); ++i) {
        if (image.outputs[i].id == e.resolved_target) index = i;
      }
      auto folded = e.value ? fold_constant(e.value.get(), program.types()) : std::nullopt;
      if (index == image.outputs.size() || !folded) {
        r.message = fmt::format("`{}` cannot be compared", e.resolved_target);
        break;
      }
      const rt::OutputEntry& out = d.outputs[index];
      std::string expected = const_json(*folded);
      if (folded->kind == ConstValue::Kind::none) {  // `== none`: null, or not settled
        r.passed = !out.settled || out.value == "null";
        if (!r.passed)
          r.message = fmt::format("expected `{}` to be none, got {}", e.resolved_target, out.value);
        break;
      }
      if (!out.settled) {
        r.message = fmt::format("expected `{}` to be {}, but it is unsettled (null); {}",
                                e.resolved_target, expected, summary(d, image));
        break;
      }
      bool as_set = folded->kind == ConstValue::Kind::set;
      r.passed = same_json(json::parse(expected), json::parse(out.value), as_set);
      if (!r.passed) {
        r.message =
            fmt::format("expected `{}` to be {}, got {}", e.resolved_target, expected, out.value);
      }
      break;
    }
    case ExpectKind::missing: {
      std::vector<std::string> paths;
      for (const auto& m : d.missing) paths.push_back(m.path);
      std::string path = step_text(e.path, e.path.size());  // `data[0] . x` is `data[0].x`
      r.passed = std::find(paths.begin(), paths.end(), path) != paths.end();
      if (!r.passed) {
        r.message =
            fmt::format("expected `{}` to be missing; missing: {}", path, list_or_none(paths));
      }
      break;
    }
    case ExpectKind::complete:
      r.passed = d.complete;
      if (!r.passed)
        r.message = fmt::format("expected a complete decision, got {}", summary(d, image));
      break;
  }
  return r;
}

struct TestCaseRef {
  const Program::Test* test = nullptr;
};

void run_one(const Program::Test& t, const Program& program, const SourceSet& sources,
             const std::shared_ptr<const rt::Executable>& exe, rt::Vm& vm,
             const TestOptions& options, TestResult& result) {
  auto start = std::chrono::steady_clock::now();
  const TestDecl& test = *t.test;
  result.name = test.name;
  result.package = t.package ? t.package->name : std::string{};
  if (test.name_span.valid()) {
    result.file = sources.file(test.name_span.file).path();
    result.line = sources.locate(test.name_span).line;
  }
  json document;
  std::string error;
  rt::Facts facts;
  if (!given_document(test, sources, options.fact_limits, document, error) ||
      !rt::load_facts(*exe, document, facts, error, options.fact_limits)) {
    result.error = error;
    result.passed = false;
  } else if (!facts.errors.empty()) {
    // A fixture a rule author wrote with a wrong value would otherwise just
    // read as missing; a test's facts must be well-formed.
    const rt::InputError& first = facts.errors.front();
    result.error = fmt::format("the given facts are not valid: `{}`: {}",
                               facts.path_text(first.path), first.message);
    if (facts.errors.size() > 1)
      result.error += fmt::format(" (and {} more)", facts.errors.size() - 1);
    result.passed = false;
  } else {
    rt::EvalOptions eval;
    eval.now = options.now;
    eval.fuel = options.fuel;
    eval.max_entries = options.max_entries;
    vm.evaluate(facts, eval, result.decision);
    result.passed = true;
    for (const Expect& e : test.expects) {
      result.expectations.push_back(check(e, program, sources, result.decision, exe->image()));
      result.passed = result.passed && result.expectations.back().passed;
    }
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

std::size_t TestRun::passed() const {
  return static_cast<std::size_t>(
      std::count_if(tests.begin(), tests.end(), [](const TestResult& t) { return t.passed; }));
}
std::size_t TestRun::failed() const { return tests.size() - passed(); }
std::size_t TestRun::rules_fired() const {
  return static_cast<std::size_t>(std::count_if(coverage.begin(), coverage.end(),
                                                [](const RuleCoverage& c) { return c.fired > 0; }));
}

TestRun run_tests(const Program& program, const SourceSet& sources,
                  const std::shared_ptr<const rt::Executable>& exe, const TestOptions& options) {
  std::vector<const Program::Test*> selected;
  for (const Program::Test& t : program.tests()) {
    if (!options.filter.empty() && t.test->name.find(options.filter) == std::string::npos) continue;
    if (!options.files.empty()) {
      const Span& at = t.test->name_span;
      if (!at.valid() || options.files.count(sources.file(at.file).path()) == 0) continue;
    }
    selected.push_back(&t);
  }
  TestRun run;
  run.tests.resize(selected.size());
  unsigned jobs =
      std::max(1u, std::min<unsigned>(options.jobs, static_cast<unsigned>(selected.size())));
  auto work = [&](std::size_t from, std::size_t to) {
    rt::Vm vm(exe);
    for (std::size_t i = from; i < to; ++i)
      run_one(*selected[i], program, sources, exe, vm, options, run.tests[i]);
  };
  if (jobs <= 1) {
    work(0, selected.size());
  } else {
    std::vector<std::thread> threads;
    std::size_t chunk = (selected.size() + jobs - 1) / jobs;
    for (unsigned j = 0; j < jobs; ++j) {
      std::size_t from = j * chunk;
      std::size_t to = std::min(selected.size(), from + chunk);
      if (from < to) threads.emplace_back(work, from, to);
    }
    for (std::thread& t : threads) t.join();
  }

  const rt::Image& image = exe->image();
  run.coverage.resize(image.rules.size());
  for (std::size_t r = 0; r < image.rules.size(); ++r) {
    RuleCoverage& c = run.coverage[r];
    c.id = image.rules[r].id;
    const rt::SourceLoc& loc = image.rules[r].loc;
    if (loc.file < image.files.size()) c.file = image.files[loc.file].path;
    c.line = loc.line;
    for (const TestResult& t : run.tests) {
      if (!t.error.empty() || r >= t.decision.rule_counts.size()) continue;
      const rt::RuleCounts& counts = t.decision.rule_counts[r];
      c.fired += counts.fired > 0 ? 1 : 0;
      c.not_fired += counts.not_fired > 0 ? 1 : 0;
      c.undetermined += counts.undetermined > 0 ? 1 : 0;
    }
  }
  return run;
}

}  // namespace precept::lang
