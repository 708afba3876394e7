// The reference evaluator's core: names, fields, indexing, calls, literals,
// `if`, quantifiers and aggregates (operators are in reference_ops.cpp,
// builtins in reference_builtins.cpp). Every rule here is one sentence of
// docs/language.md; the comments quote or name it.
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "lang/reference_eval.hpp"

namespace precept::lang::reference {

namespace {

std::string join_path(const std::string& parent, const std::string& field) {
  return parent.empty() ? field : parent + "." + field;
}

// Binds a variable for a scope and restores what it shadowed when done.
class ScopedBinding {
 public:
  ScopedBinding(std::unordered_map<const void*, Value>& locals, const void* ident)
      : locals_(locals), ident_(ident) {
    if (auto it = locals_.find(ident); it != locals_.end()) saved_ = it->second;
  }
  ~ScopedBinding() {
    if (saved_) {
      locals_[ident_] = *saved_;
    } else {
      locals_.erase(ident_);
    }
  }
  ScopedBinding(const ScopedBinding&) = delete;
  ScopedBinding& operator=(const ScopedBinding&) = delete;
  void set(Value v) { locals_[ident_] = std::move(v); }

 private:
  std::unordered_map<const void*, Value>& locals_;
  const void* ident_;
  std::optional<Value> saved_;
};

}  // namespace

// ------------------------------------------------------------------ run ---

std::string Run::location(Span span) const {
  if (!span.valid() || span.file >= sources.size()) return {};
  LineCol at = sources.locate(span);
  return fmt::format("{}:{}:{}", sources.file(span.file).path(), at.line, at.column);
}

void Run::evaluation_error(Span span, std::string message) {
  std::string at = location(span);
  for (const ErrorEntry& e : errors) {
    if (e.kind == "evaluation" && e.at == at && e.message == message) return;
  }
  errors.push_back(ErrorEntry{"evaluation", {}, std::move(at), std::move(message)});
}

void Run::limit_error(Span span, std::string message) {
  hit_limit = true;
  std::string at = location(span);
  for (const ErrorEntry& e : errors) {
    if (e.kind == "limit" && e.at == at && e.message == message) return;
  }
  errors.push_back(ErrorEntry{"limit", {}, std::move(at), std::move(message)});
}

void Run::stop(Span span, std::string message) {
  limit_error(span, std::move(message));
  throw Stopped{};
}

void Run::charge(Span span, std::uint64_t units) {
  // steps <= max_steps here, so the subtraction cannot wrap.
  if (units > options.max_steps - steps) stop(span, "evaluation ran out of fuel");
  steps += units;
}

void Reads::add(const std::string& path, nlohmann::json value) {
  for (const auto& entry : entries_) {
    if (entry.first == path) return;  // each path once, in the order first read
  }
  entries_.emplace_back(path, std::move(value));
}

nlohmann::json Reads::to_json() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [path, value] : entries_) {
    list.push_back(nlohmann::json::object({{"path", path}, {"value", value}}));
  }
  return list;
}

// ------------------------------------------------------------ dispatch ---

Value Evaluator::eval(const Expr& e) {
  if (++run_.steps > run_.options.max_steps) {
    run_.stop(e.span, "evaluation ran out of fuel");
  }
  // `int` promotes to `number` wherever a number is expected.
  return coerce(eval_node(e), e.type);
}

Value Evaluator::eval_node(const Expr& e) {
  if (e.is<NoneLit>()) return Value::none();
  if (auto* b = e.as<BoolLit>()) return Value::of(b->value);
  if (auto* i = e.as<IntLit>()) return Value::of_int(i->value);
  if (auto* n = e.as<NumberLit>()) return Value::of_number(n->value);
  if (auto* s = e.as<StringLit>()) {
    // A string literal compared with or assigned to a date is a date.
    if (e.type && strip_optional(e.type)->kind == TypeKind::date) {
      if (auto days = parse_iso_date(s->value)) return Value::of_date(*days);
      return Value::unknown();
    }
    return Value::of_string(s->value);
  }
  if (auto* is = e.as<InterpString>()) return eval_interpolation(*is);
  if (auto* l = e.as<ListLit>()) return eval_collection(l->elements, false);
  if (auto* s = e.as<SetLit>()) return eval_collection(s->elements, true);
  if (e.is<NameRef>()) return eval_name(e);
  if (auto* fa = e.as<FieldAccess>()) return eval_field(e, *fa);
  if (auto* ia = e.as<IndexAccess>()) return eval_index(e, *ia);
  if (auto* c = e.as<Call>()) return eval_call(e, *c);
  if (auto* u = e.as<Unary>()) {
    Value v = u->operand ? eval(*u->operand) : Value::unknown();
    return u->op == UnaryOp::not_ ? kleene_not(v) : eval_negate(e, v);
  }
  if (auto* b = e.as<Binary>()) return eval_binary(e, *b);
  if (auto* ie = e.as<IfElse>()) return eval_if(*ie);
  if (auto* q = e.as<Quantifier>()) return eval_quantifier(*q);
  if (auto* a = e.as<Aggregate>()) return eval_aggregate(e, *a);
  return Value::unknown();
}

// --------------------------------------------------------------- names ---

Value Evaluator::constant(const Decl* decl) {
  if (auto it = run_.constants.find(decl); it != run_.constants.end()) return it->second;
  const auto* c = decl->as<ConstDecl>();
  Value v = Value::unknown();
  if (c != nullptr && c->value) {
    Reads* saved = reads;
    reads = nullptr;  // constants read no facts
    v = eval(*c->value);
    reads = saved;
    if (c->type && c->type->resolved) v = coerce(v, c->type->resolved);
  }
  run_.constants[decl] = v;
  return v;
}

Value Evaluator::eval_name(const Expr& e) {
  switch (e.ref.kind) {
    case RefKind::fact: {
      // Fact fields are visible bare: the field of the facts root by name.
      std::string name;
      if (auto* n = e.as<NameRef>()) name = n->name.name;
      if (auto* fa = e.as<FieldAccess>()) name = fa->field.name;
      Value v = field_of(run_.facts, run_.program.facts(), name);
      note_read(name, v, e.type);
      return v;
    }
    case RefKind::local: {
      auto it = locals_.find(e.ref.local);
      // A variable a cut-short instance never bound (a `for` over an
      // unknown collection) has no value: unknown.
      return it != locals_.end() ? it->second : Value::unknown();
    }
    case RefKind::constant:
      return constant(e.ref.decl);
    case RefKind::enum_member: {
      const Type* t = run_.program.types().declared(e.ref.decl);
      return Value::of_member(t, e.ref.index);
    }
    default:
      return Value::unknown();
  }
}

Value Evaluator::field_of(const Value& object, const Type* record_type, const std::string& name) {
  if (object.is_unknown()) return Value::unknown(object.missing);
  const Type* rt = strip_optional(record_type);
  const RecordField* field = rt ? rt->field(name) : nullptr;
  if (field == nullptr) return Value::unknown();
  std::size_t index = static_cast<std::size_t>(field - rt->fields.data());
  if (object.kind == Value::Kind::record && object.record) {
    return index < object.record->fields.size() ? object.record->fields[index] : Value::unknown();
  }
  if (object.kind != Value::Kind::none) return Value::unknown();
  // An absent optional record reads as an empty record: its required fields
  // are missing (by their full path), its defaulted fields have their
  // defaults and its optional fields are none (docs/language.md, "Decided
  // here: optional records").
  std::string path = join_path(object.path, name);
  if (field->has_default && field->decl && field->decl->default_value) {
    Reads* saved = reads;
    reads = nullptr;
    Value v = coerce(eval(*field->decl->default_value), field->type);
    reads = saved;
    return v;
  }
  if (is_optional(field->type)) {
    Value v = Value::none();
    v.path = path;
    return v;
  }
  return Value::missing_fact(path);
}

void Evaluator::note_read(const std::string& path, const Value& v, const Type* type) {
  // `because` shows the facts read with their values: scalars and
  // collections of scalars; a record only by the fields read from it.
  if (reads == nullptr || v.is_unknown()) return;
  if (type && strip_optional(type)->kind == TypeKind::record) return;
  if (holds_record(v)) return;
  reads->add(path, to_json(v));
}

Value Evaluator::eval_field(const Expr& e, const FieldAccess& fa) {
  if (e.ref.kind != RefKind::field) return eval_name(e);  // `Level.high`, `gdpr.PERSONAL`
  if (!fa.object) return Value::unknown();
  Value object = eval(*fa.object);
  Value v = field_of(object, fa.object->type, fa.field.name);
  if (!object.is_unknown()) note_read(join_path(object.path, fa.field.name), v, e.type);
  return v;
}

Value Evaluator::eval_index(const Expr& e, const IndexAccess& ia) {
  if (!ia.object || !ia.index) return Value::unknown();
  Value list = eval(*ia.object);
  Value index = eval(*ia.index);
  if (list.is_unknown() || index.is_unknown()) {
    PathList missing = list.missing;
    missing.add_all(index.missing);
    return Value::unknown(std::move(missing));
  }
  const Items& items = list.elements();
  std::int64_t i = index.integer;
  if (i >= 0 && static_cast<std::uint64_t>(i) < items.size())
    return items[static_cast<std::size_t>(i)];
  // Past the end of a facts list is a missing fact (`data[5]`); before the
  // start, or past the end of a computed list, an evaluation error.
  if (i >= 0 && !list.path.empty()) return Value::missing_fact(fmt::format("{}[{}]", list.path, i));
  run_.evaluation_error(e.span,
                        fmt::format("index {} is outside the list (length {})", i, items.size()));
  return Value::unknown();
}

// --------------------------------------------------------------- calls ---

Value Evaluator::eval_call(const Expr& e, const Call& call) {
  if (!call.callee) return Value::unknown();
  const Resolution& ref = call.callee->ref;
  if (ref.kind == RefKind::builtin) return eval_builtin(e, call, ref.index);
  if (ref.kind != RefKind::def || ref.decl == nullptr) return Value::unknown();
  const auto& def = *ref.decl->as<DefDecl>();
  std::vector<Value> args;
  for (std::size_t i = 0; i < call.args.size() && i < def.params.size(); ++i) {
    args.push_back(coerce(eval(*call.args[i]), def.params[i].type.resolved));
  }
  std::vector<std::unique_ptr<ScopedBinding>> scope;
  for (std::size_t i = 0; i < args.size(); ++i) {
    scope.push_back(std::make_unique<ScopedBinding>(locals_, &def.params[i].name));
    scope.back()->set(std::move(args[i]));
  }
  Value result = def.body ? eval(*def.body) : Value::unknown();
  return coerce(result, def.result.resolved);
}

// ------------------------------------------------------------ literals ---

Value Evaluator::eval_collection(const std::vector<ExprPtr>& elements, bool is_set) {
  Items items;
  for (const ExprPtr& el : elements) {
    Value v = el ? eval(*el) : Value::unknown();
    // An element of a computed collection binds by its value; a record
    // keeps its path, which names the fields read from it.
    if (v.kind != Value::Kind::record && v.kind != Value::Kind::none) v.path.clear();
    items.push_back(std::move(v));
  }
  return is_set ? Value::set_of(std::move(items)) : Value::list_of(std::move(items));
}

Value Evaluator::built_string(const Expr& e, std::string s) {
  constexpr std::size_t max_string_bytes = 1u << 20;
  if (s.size() > max_string_bytes) {
    run_.limit_error(e.span, "a string longer than 1 MiB");
    return Value::unknown();
  }
  return Value::of_string(std::move(s));
}

Value Evaluator::eval_interpolation(const InterpString& s) {
  // In an expression (not a message), an unknown part makes the string
  // unknown: "any other operation on an unknown operand is unknown".
  std::string text;
  PathList missing;
  bool unknown = false;
  for (const InterpPart& part : s.parts) {
    if (!part.expr) {
      text += part.text;
      continue;
    }
    Value v = eval(*part.expr);
    if (v.is_unknown()) {
      unknown = true;
      missing.add_all(v.missing);
    } else {
      text += to_message_text(v);
    }
  }
  if (unknown) return Value::unknown(std::move(missing));
  return Value::of_string(std::move(text));
}

std::string Evaluator::message(const Expr& e, PathList& missing, bool& unknown) {
  if (auto* s = e.as<StringLit>()) return s->value;
  auto* is = e.as<InterpString>();
  if (is == nullptr) {
    Value v = eval(e);
    unknown = unknown || v.is_unknown();
    missing.add_all(v.missing);
    return to_message_text(v);
  }
  std::string text;
  for (const InterpPart& part : is->parts) {
    if (!part.expr) {
      text += part.text;
      continue;
    }
    // A fired rule whose message reads a missing fact still applies; the
    // message shows `unknown` there and the fact is listed as missing.
    Value v = eval(*part.expr);
    if (v.is_unknown()) {
      unknown = true;
      missing.add_all(v.missing);
    }
    text += to_message_text(v);
  }
  return text;
}

Value Evaluator::eval_if(const IfElse& ie) {
  // Only the branch taken is evaluated; an unknown condition is unknown.
  Value c = ie.cond ? eval(*ie.cond) : Value::unknown();
  if (c.is_unknown()) return Value::unknown(c.missing);
  const ExprPtr& branch = c.is_true() ? ie.then_value : ie.else_value;
  return branch ? eval(*branch) : Value::unknown();
}

// ------------------------------------------------- quantifiers, aggregates ---

Value Evaluator::eval_quantifier(const Quantifier& q) {
  Value domain = q.domain ? eval(*q.domain) : Value::unknown();
  if (domain.is_unknown()) return Value::unknown(domain.missing);
  // `some` is true if any element's body is true, else unknown if any is
  // unknown, else false; `every` dually. Elements are looked at one by one.
  const bool every = q.kind == QuantKind::every;
  ScopedBinding var(locals_, &q.var);
  PathList missing;
  bool unknown = false;
  for (const Value& element : domain.elements()) {
    var.set(element);
    Value body = q.body ? eval(*q.body) : Value::unknown();
    if (body.is_unknown()) {
      unknown = true;
      missing.add_all(body.missing);
    } else if (body.boolean != every) {
      return Value::of(!every);  // decided: the first true (some) or false (every)
    }
  }
  if (unknown) return Value::unknown(std::move(missing));
  return Value::of(every);
}

Value Evaluator::eval_aggregate(const Expr& e, const Aggregate& a) {
  Value domain = a.domain ? eval(*a.domain) : Value::unknown();
  if (domain.is_unknown()) return Value::unknown(domain.missing);
  ScopedBinding var(locals_, &a.var);
  PathList missing;
  bool unknown = false;
  std::size_t matched = 0;
  Value total;  // sum, max, min so far
  for (const Value& element : domain.elements()) {
    var.set(element);
    if (a.where) {
      Value w = eval(*a.where);
      if (w.is_unknown()) {
        unknown = true;
        missing.add_all(w.missing);
        continue;
      }
      if (!w.boolean) continue;
    }
    if (a.kind == AggKind::count) {
      ++matched;
      continue;
    }
    Value v = a.value ? eval(*a.value) : Value::unknown();
    if (v.is_unknown()) {
      unknown = true;
      missing.add_all(v.missing);
      continue;
    }
    v.path.clear();
    // The aggregate's type (an int value with a number `default` makes a
    // number) is the type its values are added in.
    v = coerce(v, e.type);
    if (matched++ == 0) {
      total = v;
      continue;
    }
    if (a.kind == AggKind::sum) {
      // A sum is the left fold of `+`: once a term is unknown (a missing
      // fact, or an overflow, reported at the aggregate), so is the sum,
      // nothing more is added (no later overflow can be reported) and the
      // missing facts of the later terms still join it.
      if (unknown) continue;
      total = eval_arithmetic(e, BinaryOp::add, total, v);
      if (total.is_unknown()) unknown = true;
    } else {
      int c = compare_values(v, total);
      if ((a.kind == AggKind::max && c > 0) || (a.kind == AggKind::min && c < 0)) total = v;
    }
  }
  // count, max, min and sum are unknown if any element's body or value is
  // (and a sum if it overflowed).
  if (unknown) return Value::unknown(std::move(missing));
  if (a.kind == AggKind::count && matched > 0)
    return Value::of_int(static_cast<std::int64_t>(matched));
  if (matched > 0) return total;
  // Over nothing: the `default`, else 0 for count and sum.
  if (a.fallback) return eval(*a.fallback);
  if (e.type && e.type->kind == TypeKind::number) return Value::of_number(0);
  return Value::of_int(0);
}

}  // namespace precept::lang::reference
