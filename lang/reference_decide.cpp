// The reference interpreter's decision: every rule instance (one per
// combination of its `for` bindings) is fired, not fired or undetermined;
// fired instances apply their effects; then every output is joined and
// settled; then the outcome (docs/decisions.md).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>

#include "lang/reference.hpp"
#include "lang/reference_eval.hpp"
#include "lang/reference_facts.hpp"
#include "lang/reference_join.hpp"

namespace precept::lang {

namespace reference {
namespace {

using nlohmann::json;

constexpr std::size_t max_entries = 100'000;  // docs/language.md "Entries"

// `missing`: each path once, in order of first appearance, with the ids of
// the rules (and outputs) it left undetermined, each once.
class MissingTable {
 public:
  void add(const PathList& paths, const std::string& id) {
    for (const std::string& path : paths.paths()) {
      auto it = std::find_if(entries_.begin(), entries_.end(),
                             [&](const auto& e) { return e.first == path; });
      if (it == entries_.end()) {
        entries_.push_back({path, {}});
        it = entries_.end() - 1;
      }
      if (std::find(it->second.begin(), it->second.end(), id) == it->second.end()) {
        it->second.push_back(id);
      }
    }
  }
  json to_json() const {
    json list = json::array();
    for (const auto& [path, ids] : entries_) list.push_back(json{{"path", path}, {"rules", ids}});
    return list;
  }

 private:
  std::vector<std::pair<std::string, std::vector<std::string>>> entries_;
};

// One rule instance while its bindings are made.
struct Instance {
  std::vector<std::pair<std::string, Value>> bindings;  // `for` variables, outermost first
  Reads reads;
};

struct OutputRaises {
  std::vector<Value> fired;         // values raised by fired instances
  std::vector<Value> undetermined;  // values undetermined instances would raise
};

class Decider {
 public:
  explicit Decider(Run& run) : run_(run), eval_(run), outputs_(run.program.outputs().size()) {}

  void decide_rules() {
    for (const Program::Rule& rule : run_.program.rules()) {
      if (rule.rule == nullptr) continue;
      eval_.clear_locals();
      Instance instance;
      enumerate(rule, 0, instance);
    }
    eval_.clear_locals();
  }

  // Output values are computed before the rules (so their evaluation
  // errors come first), and joined and settled after them.
  void compute_output_bases() {
    eval_.reads = nullptr;
    for (const Program::Output& out : run_.program.outputs()) {
      bases_.push_back(out.output && out.output->value ? whole(eval_.eval(*out.output->value))
                                                       : lowest_value(out.type));
    }
  }

  json decide_outputs() {
    json outputs = json::object();
    const auto& declared = run_.program.outputs();
    for (std::size_t i = 0; i < declared.size(); ++i) {
      const Program::Output& out = declared[i];
      std::vector<Value> contributions{bases_[i]};
      for (const Value& v : outputs_[i].fired) contributions.push_back(whole(v));
      Value value = out.raised ? join_values(out.type, contributions) : bases_[i];
      // Settled: known, and no undetermined instance could raise it higher.
      bool settled = !value.is_unknown();
      for (const Value& v : outputs_[i].undetermined) {
        if (settled && could_raise(out.type, value, whole(v))) settled = false;
      }
      // The output's own value needed these facts (an output unsettled only
      // by an undetermined rule is explained by that rule's entry).
      if (value.is_unknown()) missing_.add(value.missing, out.id);
      if (!settled) incomplete_ = true;
      outputs[out.id] = settled ? to_json(value) : json(nullptr);
    }
    return outputs;
  }

  json decision(json outputs) const {
    const char* outcome = run_.hit_limit        ? "indeterminate"
                          : deny_fired_         ? "deny"
                          : undetermined_block_ ? "indeterminate"
                          : review_fired_       ? "review"
                                                : "allow";
    json errors = json::array();
    for (const ErrorEntry& e : run_.errors) {
      json entry = json::object();
      entry["kind"] = e.kind;
      if (!e.path.empty()) entry["path"] = e.path;
      if (!e.at.empty()) entry["at"] = e.at;
      entry["message"] = e.message;
      errors.push_back(std::move(entry));
    }
    return json{{"outcome", outcome},
                {"complete", !incomplete_ && !run_.hit_limit},
                {"outputs", std::move(outputs)},
                {"violations", violations_},
                {"reviews", reviews_},
                {"warnings", warnings_},
                {"obligations", obligations_},
                {"missing", missing_.to_json()},
                {"errors", std::move(errors)}};
  }

  // After a limit stopped the evaluation: what was decided is not reliable,
  // so outputs are unsettled and the outcome indeterminate.
  json stopped_outputs() const {
    json outputs = json::object();
    for (const Program::Output& out : run_.program.outputs()) outputs[out.id] = nullptr;
    return outputs;
  }

 private:
  // Binds the rule's `for` and `let` clauses in the order written, one
  // instance per combination of `for` elements (outermost first).
  void enumerate(const Program::Rule& rule, std::size_t next, Instance& instance) {
    const RuleDecl& decl = *rule.rule;
    if (next == decl.bindings.size()) {
      finish(rule, instance);
      return;
    }
    const RuleBinding& binding = decl.bindings[next];
    eval_.reads = &instance.reads;  // `because` covers `for` domains and `let`s
    Value value = binding.value ? eval_.eval(*binding.value) : Value::unknown();
    if (binding.kind == RuleBinding::Kind::let) {
      eval_.bind(&binding.name, value);
      enumerate(rule, next + 1, instance);
      eval_.unbind(&binding.name);
      return;
    }
    // A `for` over an unknown collection is one undetermined instance with
    // the bindings made so far.
    if (value.is_unknown()) {
      undetermined(rule, value.missing, /*bound=*/false);
      return;
    }
    for (const Value& element : value.elements()) {
      Instance child = instance;
      child.bindings.emplace_back(binding.name.name, element);
      eval_.bind(&binding.name, element);
      enumerate(rule, next + 1, child);
    }
    eval_.unbind(&binding.name);
  }

  // `when c unless u` is `c and not u`, with Kleene logic.
  Value condition(const RuleDecl& decl) {
    Value when = decl.when ? eval_.eval(*decl.when) : Value::of(true);
    if (when.is_false() || !decl.unless) return when;
    Value exempt = kleene_not(eval_.eval(*decl.unless));
    if (exempt.is_false()) return exempt;
    if (when.is_true()) return exempt;
    PathList missing = when.missing;
    if (exempt.is_unknown()) missing.add_all(exempt.missing);
    return Value::unknown(std::move(missing));
  }

  void finish(const Program::Rule& rule, Instance& instance) {
    eval_.reads = &instance.reads;
    Value fired = condition(*rule.rule);
    eval_.reads = nullptr;
    if (fired.is_unknown()) {
      undetermined(rule, fired.missing, /*bound=*/true);
    } else if (fired.boolean) {
      apply_effects(rule, instance);
    }
  }

  // `bound`: every variable of the instance has its value; an instance cut
  // short by a `for` over an unknown collection has no value to raise, so
  // it could raise anything.
  void undetermined(const Program::Rule& rule, const PathList& missing, bool bound) {
    eval_.reads = nullptr;
    incomplete_ = true;
    missing_.add(missing, rule.id);
    for (const Effect& effect : rule.rule->effects) {
      if (effect.kind == EffectKind::deny || effect.kind == EffectKind::review) {
        undetermined_block_ = true;
      }
      // What it would raise decides whether the output is settled.
      if (effect.kind == EffectKind::raise && effect.raise_value) {
        if (auto index = output_index(effect)) {
          outputs_[*index].undetermined.push_back(bound ? eval_.eval(*effect.raise_value)
                                                        : Value::unknown());
        }
      }
    }
  }

  std::optional<std::size_t> output_index(const Effect& effect) const {
    const Program::Output* out = run_.program.output_of(effect.output_ref.decl);
    if (out == nullptr) return std::nullopt;
    return static_cast<std::size_t>(out - run_.program.outputs().data());
  }

  void apply_effects(const Program::Rule& rule, const Instance& instance) {
    const RuleDecl& decl = *rule.rule;
    for (const Effect& effect : decl.effects) {
      PathList missing;      // facts a fired effect read but lacked: listed, never silent
      bool unknown = false;  // a value of the effect is unknown
      switch (effect.kind) {
        case EffectKind::deny:
        case EffectKind::review:
        case EffectKind::warn: {
          json entry = json::object();
          entry["rule"] = rule.id;
          if (decl.title) entry["title"] = *decl.title;
          entry["message"] = effect.message ? eval_.message(*effect.message, missing, unknown) : "";
          add_tail(entry, decl, instance);
          json& list = effect.kind == EffectKind::deny     ? violations_
                       : effect.kind == EffectKind::review ? reviews_
                                                           : warnings_;
          add_entry(list, std::move(entry), effect);
          if (effect.kind == EffectKind::deny) deny_fired_ = true;
          if (effect.kind == EffectKind::review) review_fired_ = true;
          break;
        }
        case EffectKind::require: {
          json entry = json::object();
          entry["id"] = effect.obligation.str();
          entry["rule"] = rule.id;
          // The message is evaluated before the fields (the order their
          // missing facts are listed in).
          if (effect.message) entry["message"] = eval_.message(*effect.message, missing, unknown);
          json fields = json::object();
          for (const WithField& w : effect.with) {
            Value v = w.value ? eval_.eval(*w.value) : Value::unknown();
            if (v.is_unknown()) missing.add_all(v.missing);
            if (v.is_collection()) missing.add_all(unknown_elements(v));
            unknown = unknown || v.is_unknown() || (v.is_collection() && has_unknown_element(v));
            fields[w.key.name] = to_json(v);
          }
          entry["fields"] = std::move(fields);
          add_tail(entry, decl, instance);
          add_entry(obligations_, std::move(entry), effect);
          break;
        }
        case EffectKind::raise:
          if (auto index = output_index(effect); index && effect.raise_value) {
            outputs_[*index].fired.push_back(eval_.eval(*effect.raise_value));
          }
          break;
      }
      // `complete: true` always means every value in the decision is
      // known: a message or field showing `unknown` makes it incomplete.
      if (unknown) incomplete_ = true;
      missing_.add(missing, rule.id);
    }
  }

  // The keys every entry ends with: severity, cite, bindings and because.
  void add_tail(json& entry, const RuleDecl& decl, const Instance& instance) const {
    entry["severity"] = to_string(decl.severity.value_or(RuleSeverity::medium));
    entry["cite"] = decl.cites;
    json bindings = json::object();
    for (const auto& [name, value] : instance.bindings) {
      // An element of the facts binds to its path, a computed one to its value.
      bindings[name] = value.path.empty() ? to_json(value) : json(value.path);
    }
    entry["bindings"] = std::move(bindings);
    if (run_.options.explain) entry["because"] = instance.reads.to_json();
  }

  void add_entry(json& list, json entry, const Effect& effect) {
    if (++entries_ > max_entries) run_.stop(effect.span, "more than 100000 decision entries");
    list.push_back(std::move(entry));
  }

  Run& run_;
  Evaluator eval_;
  std::vector<OutputRaises> outputs_;
  std::vector<Value> bases_;  // each output's own value, in declaration order
  MissingTable missing_;
  json violations_ = json::array();
  json reviews_ = json::array();
  json warnings_ = json::array();
  json obligations_ = json::array();
  std::size_t entries_ = 0;
  bool deny_fired_ = false;
  bool review_fired_ = false;
  bool undetermined_block_ = false;  // an undetermined instance with deny or review
  bool incomplete_ = false;
};

}  // namespace
}  // namespace reference

nlohmann::json reference_decide(const Program& program, const SourceSet& sources,
                                const nlohmann::json& facts, const ReferenceOptions& options) {
  using namespace reference;
  Run run(program, sources, options);
  Decider decider(run);
  try {
    Evaluator defaults(run);
    run.facts = load_facts(program, facts, ReadFields(program), defaults, run.errors);
    decider.compute_output_bases();
    decider.decide_rules();
    nlohmann::json outputs = decider.decide_outputs();
    return decider.decision(std::move(outputs));
  } catch (const Stopped&) {
    return decider.decision(decider.stopped_outputs());
  }
}

}  // namespace precept::lang
