#include "lang/compile_guards.hpp"

#include <map>
#include <optional>
#include <string>

#include "lang/fold.hpp"

namespace precept::lang {

namespace {

using runtime::FieldRef;
using runtime::Guard;
using Path = std::vector<FieldRef>;

// Where a value comes from in the facts: the fields from the root, and the
// checked type of the last one.
struct FactPath {
  Path fields;
  const Type* type = nullptr;
};

class GuardFinder {
 public:
  GuardFinder(const Program& program, const RecordIndex& record_index)
      : program_(program), record_index_(record_index) {}

  // Whether evaluating `e` can report an error or hit a limit: only reads,
  // comparisons, membership, logic and quantifiers are known not to.
  bool quiet(const Expr& e) const {
    if (e.is<NoneLit>() || e.is<BoolLit>() || e.is<IntLit>() || e.is<NumberLit>() ||
        e.is<StringLit>()) {
      return true;
    }
    if (const auto* l = e.as<ListLit>()) return all_quiet(l->elements);
    if (const auto* s = e.as<SetLit>()) return all_quiet(s->elements);
    if (e.is<NameRef>() || e.is<FieldAccess>()) {
      switch (e.ref.kind) {
        case RefKind::fact:
        case RefKind::local:
        case RefKind::enum_member:
          return true;
        case RefKind::constant:
          return fold_constant(&e, program_.types()).has_value();
        case RefKind::field:
          return quiet(*e.as<FieldAccess>()->object);
        default:
          return false;
      }
    }
    if (const auto* u = e.as<Unary>()) return u->op == UnaryOp::not_ && quiet(*u->operand);
    if (const auto* b = e.as<Binary>()) {
      switch (b->op) {
        case BinaryOp::add:
        case BinaryOp::sub:
        case BinaryOp::mul:
        case BinaryOp::div:
        case BinaryOp::mod:
          return false;
        default:
          return quiet(*b->lhs) && quiet(*b->rhs);
      }
    }
    if (const auto* i = e.as<IfElse>())
      return quiet(*i->cond) && quiet(*i->then_value) && quiet(*i->else_value);
    if (const auto* q = e.as<Quantifier>()) return quiet(*q->domain) && quiet(*q->body);
    return false;  // calls, indexing, aggregates, interpolation
  }

  // Necessary conditions of `e` being true, added to `out`.
  void collect(const Expr& e, std::vector<Guard>& out) {
    if (const auto* b = e.as<Binary>()) {
      switch (b->op) {
        case BinaryOp::and_:
          collect(*b->lhs, out);
          collect(*b->rhs, out);
          return;
        case BinaryOp::in:
          // "pii" in d.tags, or d.residency in EU_EEA
          if (add(path_of(*b->rhs), strings_of(*b->lhs), out)) return;
          add(path_of(*b->lhs), strings_of(*b->rhs), out);
          return;
        case BinaryOp::eq:
        case BinaryOp::intersects:
          if (add(path_of(*b->lhs), strings_of(*b->rhs), out)) return;
          add(path_of(*b->rhs), strings_of(*b->lhs), out);
          return;
        default:
          return;
      }
    }
    if (const auto* q = e.as<Quantifier>()) {
      // `some x in D: body`: every element fails the body when the body's
      // guard fails for all of them, so the guard over D's elements holds.
      if (q->kind != QuantKind::some) return;
      std::optional<FactPath> domain = path_of(*q->domain);
      if (!domain) return;
      locals_[&q->var] = *domain;
      collect(*q->body, out);
      locals_.erase(&q->var);
    }
  }

 private:
  bool all_quiet(const std::vector<ExprPtr>& items) const {
    for (const ExprPtr& item : items) {
      if (!quiet(*item)) return false;
    }
    return true;
  }

  // Where the value of `e` comes from, if it is a fact, a field of one, or
  // a quantifier variable over one.
  std::optional<FactPath> path_of(const Expr& e) const {
    if (e.ref.kind == RefKind::fact) {
      const Type* root = program_.facts();
      const std::string* name = nullptr;
      if (const auto* n = e.as<NameRef>()) name = &n->name.name;
      if (const auto* f = e.as<FieldAccess>()) name = &f->field.name;
      const RecordField* field = name ? root->field(*name) : nullptr;
      if (field == nullptr) return std::nullopt;
      return FactPath{{FieldRef{record_index_(root),
                                static_cast<std::uint32_t>(field - root->fields.data())}},
                      field->type};
    }
    if (e.ref.kind == RefKind::local) {
      auto it = locals_.find(e.ref.local);
      if (it == locals_.end()) return std::nullopt;
      return it->second;
    }
    if (e.ref.kind == RefKind::field) {
      const auto* access = e.as<FieldAccess>();
      if (access == nullptr) return std::nullopt;
      std::optional<FactPath> object = path_of(*access->object);
      const Type* record = strip_optional(access->object->type);
      if (!object || record == nullptr || record->kind != TypeKind::record) return std::nullopt;
      const RecordField* field = record->field(access->field.name);
      if (field == nullptr) return std::nullopt;
      object->fields.push_back(FieldRef{
          record_index_(record), static_cast<std::uint32_t>(field - record->fields.data())});
      object->type = field->type;
      return object;
    }
    return std::nullopt;
  }

  // The strings of a constant string or collection of strings.
  std::optional<std::vector<std::string>> strings_of(const Expr& e) const {
    std::optional<ConstValue> v = fold_constant(&e, program_.types());
    if (!v) return std::nullopt;
    if (v->kind == ConstValue::Kind::string) return std::vector<std::string>{v->string};
    if (v->kind != ConstValue::Kind::list && v->kind != ConstValue::Kind::set) return std::nullopt;
    std::vector<std::string> strings;
    for (const ConstValue& item : v->items) {
      if (item.kind != ConstValue::Kind::string) return std::nullopt;
      strings.push_back(item.string);
    }
    return strings;
  }

  // A guard when `path` ends at a field of strings (or of lists or sets of
  // them) and `strings` are known.
  static bool add(const std::optional<FactPath>& path,
                  const std::optional<std::vector<std::string>>& strings,
                  std::vector<Guard>& out) {
    if (!path || path->fields.empty() || !strings || strings->empty()) return false;
    const Type* t = strip_optional(path->type);
    if (t != nullptr && is_collection(t)) t = strip_optional(t->element);
    if (t == nullptr || t->kind != TypeKind::string) return false;
    out.push_back(Guard{path->fields, *strings});
    return true;
  }

  const Program& program_;
  const RecordIndex& record_index_;
  std::map<const void*, FactPath> locals_;
};

}  // namespace

std::vector<runtime::Guard> derive_guards(const RuleDecl& rule, const Program& program,
                                          const RecordIndex& record_index) {
  if (!rule.bindings.empty() || !rule.when) return {};
  GuardFinder finder(program, record_index);
  if (!finder.quiet(*rule.when) || (rule.unless && !finder.quiet(*rule.unless))) return {};
  std::vector<runtime::Guard> guards;
  finder.collect(*rule.when, guards);
  return guards;
}

}  // namespace precept::lang
