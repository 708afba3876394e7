// Rules: their `for`/`let` bindings, conditions and effects (messages,
// obligations, raises of outputs).
#include <algorithm>
#include <map>

#include "lang/checker_internal.hpp"

namespace precept::lang::detail {

void Checker::check_rules() {
  for (auto& file : files_) {
    for (auto& decl : file->module->decls) {
      if (!decl) continue;
      if (auto* rule = decl->as<RuleDecl>()) {
        ctx_ = Context{};
        ctx_.file = file.get();
        check_rule(*rule);
      }
    }
  }
  ctx_ = Context{};

  for (Program::Output& out : program_.outputs_) out.raised = raised_outputs_.count(out.decl) > 0;
  program_.obligations_.assign(obligations_.begin(), obligations_.end());
  std::sort(program_.obligations_.begin(), program_.obligations_.end());
}

void Checker::check_rule(RuleDecl& rule) {
  locals_.clear();
  std::vector<std::size_t> binding_locals;  // index into locals_ per binding
  for (RuleBinding& binding : rule.bindings) {
    const Type* t = types_.error();
    if (binding.kind == RuleBinding::Kind::for_) {
      const Type* dt = check(binding.value.get());
      if (binding.value) t = element_type_of(*binding.value, dt, "`for`");
    } else {
      t = check(binding.value.get());
    }
    if (binding.name.name.empty()) {
      binding_locals.push_back(SIZE_MAX);
      continue;
    }
    for (const RuleBinding& earlier : rule.bindings) {
      if (&earlier == &binding) break;
      if (earlier.name.name == binding.name.name) {
        auto& d = error(DiagCode::duplicate_declaration, binding.name.span,
                        ticked(binding.name.name) + " is already bound in this rule");
        note(d, earlier.name.span, "first bound here");
        break;
      }
    }
    binding_locals.push_back(locals_.size());
    push_local(binding.name, t);
  }

  if (rule.when) check_condition(rule.when.get(), "`when` condition");
  if (rule.unless) check_condition(rule.unless.get(), "`unless` condition");
  for (Effect& effect : rule.effects) check_effect(effect);

  if (options_.lints) {
    for (std::size_t i = 0; i < rule.bindings.size(); ++i) {
      std::size_t index = binding_locals[i];
      if (index == SIZE_MAX || index >= locals_.size() || locals_[index].used) continue;
      const RuleBinding& b = rule.bindings[i];
      warning(DiagCode::unused_binding, b.name.span,
              std::string(b.kind == RuleBinding::Kind::for_ ? "`for`" : "`let`") + " variable " +
                  ticked(b.name.name) + " is never used");
    }
  }
  locals_.clear();
}

void Checker::check_effect(Effect& effect) {
  switch (effect.kind) {
    case EffectKind::deny:
    case EffectKind::review:
    case EffectKind::warn:
      check_as(effect.message.get(), types_.string(), "a message");
      return;
    case EffectKind::require: {
      std::string id = effect.obligation.str();
      if (!id.empty()) obligations_.insert(id);
      std::map<std::string, const WithField*, std::less<>> keys;
      for (WithField& field : effect.with) {
        const Type* t = check(field.value.get());
        if (!field.key.name.empty()) {
          if (auto [it, ok] = keys.try_emplace(field.key.name, &field); !ok) {
            auto& d = error(DiagCode::duplicate_field, field.key.span,
                            ticked(field.key.name) + " is already given");
            note(d, it->second->key.span, "first given here");
          }
        }
        if (!field.value || is_error(t) || reject_optional(*field.value, t)) continue;
        bool fits =
            is_scalar(t) ||
            (is_collection(t) && (is_scalar(t->element) || t->element->kind == TypeKind::nothing));
        if (!fits) {
          error(DiagCode::type_mismatch, field.value->span,
                "a `with` value must be a scalar, an enum or a list or set of them, but " +
                    describe_expr(*field.value) + " is " + ticked(describe(t)));
        }
      }
      if (effect.message) check_as(effect.message.get(), types_.string(), "a message");
      return;
    }
    case EffectKind::raise: {
      if (effect.output.parts.empty()) {
        check(effect.raise_value.get());
        return;
      }
      std::string name = effect.output.str();
      Target t = resolve_dotted(effect.output, Lookup::value, false);
      if (t.kind != Target::Kind::output) {
        std::vector<std::string> candidates;
        if (ctx_.file && ctx_.file->package) {
          for (auto& [n, d] : ctx_.file->package->names) {
            if (d->is<OutputDecl>()) candidates.push_back(n);
          }
        }
        for (const Program::Output& o : program_.outputs_) candidates.push_back(o.id);
        std::string message = ticked(name) + " is not an output";
        if (t.kind == Target::Kind::error) message = "unknown output " + ticked(name);
        error(DiagCode::unknown_output, effect.output.span,
              with_suggestion(std::move(message), name, as_views(candidates)));
        check(effect.raise_value.get());
        return;
      }
      resolve_dotted(effect.output, Lookup::value, true);  // counts the import as used
      effect.output_ref = Resolution{RefKind::output, t.decl, 0, nullptr};
      raised_outputs_.insert(t.decl);
      const Type* type = t.type;
      if (!is_error(type) && !is_joinable(type)) {
        error(DiagCode::not_joinable, effect.output.span,
              "`raise` needs an output whose type can be joined; " + ticked(name) + " is " +
                  ticked(describe(type)) + " (enums, numbers, `bool` and sets can be raised)");
        check(effect.raise_value.get(), type);
        return;
      }
      check_as(effect.raise_value.get(), type, "the value raised to " + ticked(name));
      return;
    }
  }
}

}  // namespace precept::lang::detail
