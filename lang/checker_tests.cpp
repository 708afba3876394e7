// Test blocks: `given` literals and overrides typed against the facts
// schema, and expectations naming rules, obligations, outputs and paths.
// (A `given file` is read here only to check that it is a JSON file within
// the facts size limit; its values are typed by the test harness.)
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "lang/checker_internal.hpp"
#include "lang/frontend.hpp"
#include "runtime/facts.hpp"

namespace precept::lang::detail {

static_assert(CheckOptions{}.max_given_file_bytes == runtime::FactLimits{}.max_bytes,
              "a given file is held to the fact loader's size limit");

namespace {

// How a JSON value reads in a message: `true`, `7`, `"x"`, an array.
std::string json_word(const GivenValue& v) {
  struct Visitor {
    std::string operator()(std::monostate) const { return "`null`"; }
    std::string operator()(bool b) const { return b ? "`true`" : "`false`"; }
    std::string operator()(std::int64_t i) const { return ticked(std::to_string(i)); }
    std::string operator()(double d) const {
      std::string s = std::to_string(d);
      s.erase(s.find_last_not_of('0') + 1);
      if (!s.empty() && s.back() == '.') s.pop_back();
      return ticked(s);
    }
    std::string operator()(const std::string& s) const { return ticked("\"" + s + "\""); }
    std::string operator()(const std::vector<GivenPtr>&) const { return "an array"; }
    std::string operator()(const std::vector<GivenMember>&) const { return "an object"; }
  };
  return std::visit(Visitor{}, v.node);
}

std::string child_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string path_text(const std::vector<GivenPathStep>& path) {
  std::string s;
  for (const GivenPathStep& step : path) {
    if (auto* name = std::get_if<std::string>(&step.step)) {
      s = child_path(s, *name);
    } else {
      // Appended piece by piece: `"[" + std::to_string(...)` trips GCC 12's
      // false -Wrestrict warning at -O3.
      s += '[';
      s += std::to_string(std::get<std::int64_t>(step.step));
      s += ']';
    }
  }
  return s;
}

// "did you mean" for a rule or output named in a test: a close name in
// scope, else a declaration of another package whose own name is (close to)
// this one, by its full id: `tier` -> `euaia.tier`.
std::string suggest_full_id(std::string message, const std::string& name,
                            const std::vector<std::string>& candidates,
                            const std::vector<std::pair<std::string, std::string>>& elsewhere) {
  if (!closest_match(name, as_views(candidates)).empty() ||
      std::find(candidates.begin(), candidates.end(), name) != candidates.end()) {
    return with_suggestion(std::move(message), name, as_views(candidates));
  }
  std::vector<std::string> found;
  for (const auto& [short_name, id] : elsewhere) {
    if (short_name == name) found.push_back(id);
  }
  if (found.empty()) {
    std::vector<std::string> names;
    for (const auto& [short_name, id] : elsewhere) names.push_back(short_name);
    std::string_view close = closest_match(name, as_views(names));
    for (const auto& [short_name, id] : elsewhere) {
      if (!close.empty() && short_name == close) found.push_back(id);
    }
  }
  if (found.empty()) {
    // `emotion` for `emotion_recognition`: the start of a longer name.
    for (const auto& [short_name, id] : elsewhere) {
      if (name.size() >= 3 && short_name.rfind(name, 0) == 0) found.push_back(id);
    }
  }
  if (found.empty()) return message;
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  constexpr std::size_t shown = 3;
  message += "; did you mean ";
  for (std::size_t i = 0; i < found.size() && i < shown; ++i) {
    if (i > 0) message += i + 1 == found.size() ? " or " : ", ";
    message += ticked(found[i]);
  }
  message += found.size() > shown ? ", ...?" : "?";
  return message;
}

constexpr std::string_view outcomes[] = {"allow", "review", "deny", "indeterminate"};

}  // namespace

void Checker::check_tests() {
  for (auto& file : files_) {
    for (auto& decl : file->module->decls) {
      if (!decl) continue;
      if (auto* test = decl->as<TestDecl>()) {
        ctx_ = Context{};
        ctx_.file = file.get();
        locals_.clear();
        check_test(*decl, *test);
      }
    }
  }
  ctx_ = Context{};
}

void Checker::check_test(Decl& decl, TestDecl& test) {
  Given& given = test.given;
  if (given.literal) check_given_value(given.literal.get(), types_.facts_root(), "");
  if (given.file && options_.read_given_files) check_given_file(given);
  for (GivenOverride& o : given.overrides) {
    const Type* t = walk_schema_path(o.path);
    if (o.value) check_given_value(o.value.get(), t, path_text(o.path));
  }
  for (Expect& x : test.expects) check_expect(decl, x);
}

void Checker::check_given_file(const Given& given) {
  namespace fs = std::filesystem;
  Span at = given.file_span.valid() ? given.file_span : given.span;
  if (!at.valid() || at.file >= sources_.size()) return;
  fs::path path = fs::path(sources_.file(at.file).path()).parent_path() / *given.file;
  const std::string what = "the given file " + ticked(*given.file);
  InputFile how{what, options_.max_given_file_bytes, "the limit for a facts document", true};
  std::string text;
  std::string problem;
  if (!read_input_file(path.string(), how, text, problem)) {
    error(DiagCode::given_file, at, problem);
    return;
  }
  if (!nlohmann::json::accept(text)) {
    error(DiagCode::given_file, at, what + " is not valid JSON");
  }
}

void Checker::check_given_value(GivenValue* v, const Type* type, std::string path) {
  if (v == nullptr || is_error(type)) return;
  if (std::holds_alternative<std::monostate>(v->node)) return;  // null: absent
  const Type* t = strip_optional(type);
  std::string where = path.empty() ? std::string("the facts") : ticked(path);
  auto mismatch = [&](std::string expected) {
    error(DiagCode::invalid_given, v->span,
          where + " must be " + expected + ", but the test gives " + json_word(*v));
  };

  switch (t->kind) {
    case TypeKind::bool_:
      if (!std::holds_alternative<bool>(v->node)) mismatch("`bool`");
      return;
    case TypeKind::int_:
      if (auto* d = std::get_if<double>(&v->node); d && std::trunc(*d) == *d) return;
      if (!std::holds_alternative<std::int64_t>(v->node)) mismatch("an `int`");
      return;
    case TypeKind::number:
      if (!std::holds_alternative<std::int64_t>(v->node) &&
          !std::holds_alternative<double>(v->node)) {
        mismatch("a `number`");
      }
      return;
    case TypeKind::string:
      if (!std::holds_alternative<std::string>(v->node)) mismatch("a `string`");
      return;
    case TypeKind::date: {
      auto* s = std::get_if<std::string>(&v->node);
      if (s == nullptr) {
        mismatch("a `date` string `YYYY-MM-DD`");
      } else if (!parse_iso_date(*s)) {
        error(DiagCode::invalid_date, v->span,
              ticked(*s) + " is not a valid date for " + where +
                  "; write an ISO 8601 calendar date `YYYY-MM-DD`");
      }
      return;
    }
    case TypeKind::enum_: {
      const EnumDecl* en = t->enum_decl();
      if (en == nullptr) return;
      // By name or by the member's explicit JSON code.
      if (auto* s = std::get_if<std::string>(&v->node)) {
        for (const EnumMember& m : en->members) {
          auto* code = std::get_if<std::string>(&m.code);
          if (m.name.name == *s || (code && *code == *s)) return;
        }
        std::vector<std::string> names;
        for (const EnumMember& m : en->members) names.push_back(m.name.name);
        error(DiagCode::invalid_given, v->span,
              with_suggestion(
                  ticked(*s) + " is not a member of " + ticked(t->name) + " (at " + where + ")", *s,
                  as_views(names)));
        return;
      }
      if (auto* i = std::get_if<std::int64_t>(&v->node)) {
        for (const EnumMember& m : en->members) {
          auto* code = std::get_if<std::int64_t>(&m.code);
          if (code && *code == *i) return;
        }
        error(DiagCode::invalid_given, v->span,
              ticked(std::to_string(*i)) + " is not the code of any member of " + ticked(t->name) +
                  " (at " + where + ")");
        return;
      }
      mismatch("a member of " + ticked(t->name));
      return;
    }
    case TypeKind::list:
    case TypeKind::set: {
      auto* items = std::get_if<std::vector<GivenPtr>>(&v->node);
      if (items == nullptr) {
        mismatch("an array (" + ticked(describe(t)) + ")");
        return;
      }
      for (std::size_t i = 0; i < items->size(); ++i) {
        check_given_value((*items)[i].get(), t->element, path + "[" + std::to_string(i) + "]");
      }
      return;
    }
    case TypeKind::record: {
      auto* members = std::get_if<std::vector<GivenMember>>(&v->node);
      if (members == nullptr) {
        mismatch("an object (" + ticked(t->name) + ")");
        return;
      }
      std::map<std::string, const GivenMember*, std::less<>> seen;
      std::vector<std::string> names;
      for (const RecordField& f : t->fields) names.push_back(f.name);
      for (GivenMember& m : *members) {
        if (auto [it, ok] = seen.try_emplace(m.key, &m); !ok) {
          auto& d = error(DiagCode::duplicate_field, m.key_span,
                          ticked(m.key) + " is already given in this object");
          note(d, it->second->key_span, "first given here");
          continue;
        }
        const RecordField* f = t->field(m.key);
        if (f == nullptr) {
          error(DiagCode::unknown_field, m.key_span,
                with_suggestion(t == types_.facts_root() ? "unknown fact " + ticked(m.key)
                                                         : "unknown field " + ticked(m.key) +
                                                               " on type " + ticked(t->name),
                                m.key, as_views(names)));
          continue;
        }
        check_given_value(m.value.get(), f->type, child_path(path, m.key));
      }
      return;
    }
    default:
      return;
  }
}

const Type* Checker::walk_schema_path(const std::vector<GivenPathStep>& path) {
  const Type* t = types_.facts_root();
  std::string walked;
  for (const GivenPathStep& step : path) {
    const Type* inner = strip_optional(t);
    if (auto* name = std::get_if<std::string>(&step.step)) {
      if (inner->kind != TypeKind::record) {
        error(DiagCode::unknown_field, step.span,
              ticked(walked) + " is " + ticked(describe(t)) + ", which has no field " +
                  ticked(*name));
        return types_.error();
      }
      const RecordField* f = inner->field(*name);
      if (f == nullptr) {
        std::vector<std::string> names;
        for (const RecordField& r : inner->fields) names.push_back(r.name);
        std::string message = inner == types_.facts_root() ? "unknown fact " + ticked(*name)
                                                           : "unknown field " + ticked(*name) +
                                                                 " on type " + ticked(inner->name);
        error(DiagCode::unknown_field, step.span,
              with_suggestion(std::move(message), *name, as_views(names)));
        return types_.error();
      }
      walked = child_path(walked, *name);
      t = f->type;
    } else {
      if (inner->kind != TypeKind::list) {
        error(DiagCode::type_mismatch, step.span,
              ticked(walked) + " is " + ticked(describe(t)) + ", not a list; it has no index");
        return types_.error();
      }
      walked += "[" + std::to_string(std::get<std::int64_t>(step.step)) + "]";
      t = inner->element;
    }
    if (is_error(t)) return t;
  }
  return t;
}

// `expect deny r` where `r` has no `deny` effect can never pass; saying so at
// check time saves the author a puzzling test failure.
void Checker::check_rule_has_effect(const Expect& x, const Program::Rule& rule) {
  if (x.kind != ExpectKind::effect || rule.rule == nullptr) return;
  for (const Effect& effect : rule.rule->effects) {
    if (effect.kind == x.effect) return;
  }
  error(DiagCode::impossible_expectation, x.target.span,
        "rule " + ticked(rule.id) + " has no `" + to_string(x.effect) +
            "` effect, so this expectation can never pass");
}

void Checker::check_expect(Decl& decl, Expect& x) {
  PackageInfo* package = package_of(&decl);
  const std::string own = package ? package->name : std::string();
  auto qualify = [&](const std::string& name) { return own.empty() ? name : own + "." + name; };
  const std::string name = x.target.str();

  switch (x.kind) {
    case ExpectKind::outcome: {
      if (x.outcome.empty()) return;
      if (std::find(std::begin(outcomes), std::end(outcomes), x.outcome) != std::end(outcomes)) {
        return;
      }
      std::vector<std::string_view> words(std::begin(outcomes), std::end(outcomes));
      error(DiagCode::invalid_outcome, x.outcome_span.valid() ? x.outcome_span : x.span,
            with_suggestion(ticked(x.outcome) +
                                " is not an outcome; use `allow`, `review`, `deny` or "
                                "`indeterminate`",
                            x.outcome, words));
      return;
    }
    case ExpectKind::effect:
    case ExpectKind::no_effect: {
      if (x.target.parts.empty()) return;  // `expect no deny`: any rule
      // A rule id in full or relative to the test's package: `loans.minor`, `minor`.
      if (x.wildcard) {
        for (const std::string& prefix : {name + ".", qualify(name) + "."}) {
          bool any =
              std::any_of(program_.rules_.begin(), program_.rules_.end(),
                          [&](const Program::Rule& r) { return r.id.rfind(prefix, 0) == 0; });
          if (any) {
            x.resolved_target = prefix;
            return;
          }
        }
        error(
            DiagCode::unknown_rule, x.target.span,
            "no rule id starts with " + ticked(name + ".") + " or " + ticked(qualify(name) + "."));
        return;
      }
      for (const std::string& id : {qualify(name), name}) {
        if (const Program::Rule* rule = program_.find_rule(id)) {
          x.resolved_target = id;
          check_rule_has_effect(x, *rule);
          return;
        }
      }
      std::vector<std::string> candidates;
      std::vector<std::pair<std::string, std::string>> elsewhere;  // (name, full id)
      for (const Program::Rule& r : program_.rules_) {
        candidates.push_back(r.id);
        if (r.package != nullptr && r.package->name == own) {
          candidates.push_back(r.rule->name.name);
        } else {
          elsewhere.push_back({r.rule->name.name, r.id});
        }
      }
      error(DiagCode::unknown_rule, x.target.span,
            suggest_full_id("unknown rule " + ticked(name), name, candidates, elsewhere));
      return;
    }
    case ExpectKind::require:
    case ExpectKind::no_require: {
      if (name.empty()) return;
      if (obligations_.count(name)) {
        x.resolved_target = name;
        return;
      }
      error(DiagCode::unknown_obligation, x.target.span,
            with_suggestion("no rule requires " + ticked(name), name,
                            as_views(program_.obligations_)));
      return;
    }
    case ExpectKind::output_eq: {
      if (name.empty()) return;
      // Through the package's scope and imports, or by full id from anywhere.
      const Program::Output* out = nullptr;
      Target t = resolve_dotted(x.target, Lookup::value, false);
      if (t.kind == Target::Kind::output) out = program_.output_of(t.decl);
      if (out == nullptr) out = program_.find_output(name);
      if (out == nullptr) {
        std::vector<std::string> candidates;
        std::vector<std::pair<std::string, std::string>> elsewhere;  // (name, full id)
        for (const Program::Output& o : program_.outputs_) {
          candidates.push_back(o.id);
          if (package && o.id == qualify(o.output->name.name)) {
            candidates.push_back(o.output->name.name);
          } else {
            elsewhere.push_back({o.output->name.name, o.id});
          }
        }
        // The value is not checked: without the output there is no type to
        // check it against, and its members would only be reported again.
        error(DiagCode::unknown_output, x.target.span,
              suggest_full_id("unknown output " + ticked(name), name, candidates, elsewhere));
        return;
      }
      if (t.kind == Target::Kind::output) resolve_dotted(x.target, Lookup::value, true);
      x.resolved_target = out->id;
      x.target_ref = Resolution{RefKind::output, out->decl, 0, nullptr};
      if (!x.value) return;
      // `none` expects the output to be null in the decision (not settled).
      if (x.value->is<NoneLit>()) {
        check(x.value.get());
        return;
      }
      std::string what = "the expected value of " + ticked(out->id);
      ctx_.constant = true;
      ctx_.constant_what = what;
      check_as(x.value.get(), out->type, what);
      ctx_.constant = false;
      ctx_.constant_what = {};
      return;
    }
    case ExpectKind::missing: {
      const Type* t = walk_schema_path(x.path);
      if (!is_error(t)) x.resolved_target = path_text(x.path);
      return;
    }
    case ExpectKind::complete:
      return;
  }
}

}  // namespace precept::lang::detail
