// Declarations with values: consts (checked on first use, so their order in
// the files does not matter), defs (signatures, bodies, call cycles) and
// outputs.
#include <algorithm>
#include <functional>
#include <string_view>
#include <unordered_map>

#include "lang/checker_internal.hpp"

namespace precept::lang::detail {

namespace {

template <class Fn>
void for_each_decl(std::vector<std::unique_ptr<FileScope>>& files, Fn fn) {
  for (auto& file : files) {
    for (auto& decl : file->module->decls) {
      if (decl) fn(*file, *decl);
    }
  }
}

}  // namespace

const Type* Checker::const_type(Decl* decl) {
  ConstState& state = consts_[decl];
  auto* c = decl->as<ConstDecl>();
  switch (state.phase) {
    case ConstState::Phase::done:
      return state.type;
    case ConstState::Phase::checking:
      error(DiagCode::not_constant, c->name.span,
            "const " + ticked(c->name.name) + " depends on its own value");
      state.type = types_.error();
      return state.type;
    case ConstState::Phase::unchecked:
      break;
  }
  if (const_chain_ >= max_declaration_chain) {
    chain_too_long(*c);
    state.type = types_.error();
    state.phase = ConstState::Phase::done;
    return state.type;
  }
  state.phase = ConstState::Phase::checking;
  ++const_chain_;
  struct Unchain {
    int& chain;
    ~Unchain() { --chain; }
  } unchain{const_chain_};

  ContextGuard guard(*this);
  std::string what = "the value of const " + ticked(c->name.name);
  ctx_.file = file_of(decl);
  ctx_.constant = true;
  ctx_.constant_what = what;
  ctx_.const_ = decl;

  const Type* declared = c->type ? resolve_type(*c->type) : nullptr;
  const Type* type = declared ? declared : types_.error();
  if (c->value) {
    if (declared != nullptr) {
      check_as(c->value.get(), declared, what);
    } else {
      const Type* inferred = check(c->value.get(), nullptr);
      bool vague = inferred->kind == TypeKind::none ||
                   (is_collection(inferred) && inferred->element->kind == TypeKind::nothing);
      if (vague) {
        error(DiagCode::type_mismatch, c->value->span,
              "the type of const " + ticked(c->name.name) + " cannot be inferred from " +
                  describe_expr(*c->value) + "; declare it, as in " +
                  ticked("const " + c->name.name + ": set<string> = {}"));
      } else {
        type = inferred;
      }
    }
  }
  // A cycle through this const already reported and set the error type.
  ConstState& done = consts_[decl];
  if (done.type == nullptr) done.type = type;
  done.phase = ConstState::Phase::done;
  // The consts it reads are done by now, in whatever order they were
  // declared: a chain written forwards is as long as one written backwards.
  if (auto deps = const_deps_.find(decl); deps != const_deps_.end()) {
    for (const Decl* dep : deps->second) {
      if (dep != decl) done.chain = std::max(done.chain, consts_[dep].chain + 1);
    }
  }
  if (done.chain > max_declaration_chain && !is_error(done.type)) {
    chain_too_long(*c);
    done.type = types_.error();
  }
  return done.type;
}

void Checker::chain_too_long(const ConstDecl& c) {
  error(DiagCode::nesting_too_deep, c.name.span,
        "const " + ticked(c.name.name) + " ends a chain of more than " +
            std::to_string(max_declaration_chain) +
            " consts, each computed from the next; the limit keeps checking and compiling bounded");
}

void Checker::check_consts() {
  for_each_decl(files_, [&](FileScope&, Decl& d) {
    if (d.is<ConstDecl>()) const_type(&d);
  });
  // Dependencies first, for a compiler folding them in order.
  std::unordered_set<const Decl*> seen;
  // Iterative: a chain too long is an error, but is still walked here.
  auto visit = [&](Decl* root) {
    if (!seen.insert(root).second) return;
    std::vector<std::pair<Decl*, std::size_t>> stack{{root, 0}};  // a const, its next dep
    while (!stack.empty()) {
      auto& [d, next] = stack.back();
      auto it = const_deps_.find(d);
      if (it != const_deps_.end() && next < it->second.size()) {
        Decl* dep = it->second[next++];
        if (seen.insert(dep).second) stack.push_back({dep, 0});
        continue;
      }
      program_.const_order_.push_back(d);
      stack.pop_back();
    }
  };
  for_each_decl(files_, [&](FileScope&, Decl& d) {
    if (d.is<ConstDecl>()) visit(&d);
  });
}

void Checker::check_def_signatures() {
  for_each_decl(files_, [&](FileScope& file, Decl& d) {
    ctx_ = Context{};
    ctx_.file = &file;
    if (auto* def = d.as<DefDecl>()) {
      std::unordered_map<std::string_view, const Param*> seen;  // a def may have thousands
      for (Param& p : def->params) {
        resolve_type(p.type);
        if (p.name.name.empty()) continue;
        if (auto [first, fresh] = seen.try_emplace(p.name.name, &p); !fresh) {
          auto& diag = error(DiagCode::duplicate_declaration, p.name.span,
                             "parameter " + ticked(p.name.name) + " is declared twice");
          note(diag, first->second->name.span, "first declared here");
        }
      }
      resolve_type(def->result);
    }
    if (auto* out = d.as<OutputDecl>()) {
      const Type* t = resolve_type(out->type);
      PackageInfo* package = file.package;
      if (out->name.name.empty()) return;
      std::string id =
          package->name.empty() ? out->name.name : package->name + "." + out->name.name;
      program_.outputs_.push_back(Program::Output{std::move(id), &d, out, t, false});
    }
  });
  ctx_ = Context{};
}

void Checker::check_def_bodies() {
  for_each_decl(files_, [&](FileScope& file, Decl& d) {
    auto* def = d.as<DefDecl>();
    if (def == nullptr) return;
    ctx_ = Context{};
    ctx_.file = &file;
    ctx_.def = &d;
    locals_.clear();
    for (Param& p : def->params) push_local(p.name, p.type.resolved);
    if (def->body) {
      check_as(def->body.get(), def->result.resolved, "the result of " + ticked(def->name.name));
    }
    locals_.clear();
  });
  ctx_ = Context{};
}

void Checker::check_def_cycles() {
  // A depth-first search of the call graph: a call to a def that is still
  // on the stack closes a cycle. Each cycle is reported once, at that call.
  std::unordered_map<const Decl*, int> state;  // 0 new, 1 on the stack, 2 done
  std::vector<const Decl*> stack;
  auto name_of = [](const Decl* d) { return d->as<DefDecl>()->name.name; };
  std::function<void(Decl*)> visit = [&](Decl* d) {
    state[d] = 1;
    stack.push_back(d);
    if (auto it = calls_.find(d); it != calls_.end()) {
      for (auto& [callee, site] : it->second) {
        if (state[callee] == 0 && stack.size() >= max_declaration_chain) {
          error(DiagCode::nesting_too_deep, site,
                "this call ends a chain of more than " + std::to_string(max_declaration_chain) +
                    " defs, each calling the next (" + name_of(stack.front()) + " -> ... -> " +
                    name_of(callee) + "); the limit keeps evaluation bounded");
          state[callee] = 2;  // not followed further
        } else if (state[callee] == 1) {
          auto start = std::find(stack.begin(), stack.end(), callee);
          std::string path;
          for (auto s = start; s != stack.end(); ++s) path += name_of(*s) + " -> ";
          path += name_of(callee);
          error(DiagCode::def_cycle, site,
                ticked(name_of(callee)) + " calls itself (" + path +
                    "); `def` functions cannot be recursive");
        } else if (state[callee] == 0) {
          visit(callee);
        }
      }
    }
    stack.pop_back();
    state[d] = 2;
    program_.def_order_.push_back(d);
  };
  for_each_decl(files_, [&](FileScope&, Decl& d) {
    if (d.is<DefDecl>() && state[&d] == 0) visit(&d);
  });
}

void Checker::check_outputs() {
  for_each_decl(files_, [&](FileScope& file, Decl& d) {
    auto* out = d.as<OutputDecl>();
    if (out == nullptr) return;
    ctx_ = Context{};
    ctx_.file = &file;
    locals_.clear();
    const Type* t = out->type.resolved;
    if (out->value) {
      check_as(out->value.get(), t, "the value of output " + ticked(out->name.name));
    } else if (!is_error(t) && !is_joinable(t)) {
      error(DiagCode::type_mismatch, out->name.span,
            "output " + ticked(out->name.name) + " needs a value, as in " +
                ticked("output " + out->name.name + ": " + describe(t) + " = ..."));
    } else if (is_numeric(t)) {
      // enum, bool and set outputs start from their least value; numbers have none
      error(DiagCode::type_mismatch, out->name.span,
            "output " + ticked(out->name.name) + " needs a starting value, as in " +
                ticked("output " + out->name.name + ": " + describe(t) + " = 0"));
    }
  });
  ctx_ = Context{};
}

}  // namespace precept::lang::detail
