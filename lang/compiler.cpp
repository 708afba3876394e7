// Lowering of the checked AST to bytecode (see compiler.hpp and
// docs/bytecode.md for the shape of the code it emits).
#include "lang/compiler.hpp"

#include "lang/compile_guards.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <map>
#include <unordered_map>

#include "lang/fold.hpp"
#include "runtime/sha256.hpp"
#include "runtime/verifier.hpp"
#include "stdlib/builtins.hpp"

namespace precept::lang {

namespace {

namespace rt = runtime;
using rt::Op;

// Emits the code of one function: instructions with their source places,
// forward jumps patched when their label is placed, and local slots.
// Thrown by emit() past max_instructions, and caught by compile().
struct TooMuchCode {
  Span at;
};

class FunctionBuilder {
 public:
  FunctionBuilder(rt::Image& image, std::vector<Span>& spans, const SourceSet& sources,
                  const std::unordered_map<FileId, std::uint32_t>& files, std::string name,
                  std::uint32_t params)
      : image_(image), spans_(spans), sources_(sources), files_(files) {
    fn_.name = std::move(name);
    fn_.entry = static_cast<std::uint32_t>(image_.code.size());
    fn_.params = params;
    fn_.locals = params;
  }

  std::uint32_t emit(Op op, Span span, std::uint32_t a = 0, std::uint32_t b = 0) {
    if (image_.code.size() >= max_instructions) throw TooMuchCode{span};
    image_.code.push_back(rt::Instr{op, a, b});
    image_.locs.push_back(loc(span));
    spans_.push_back(span);
    return static_cast<std::uint32_t>(image_.code.size() - 1);
  }
  std::uint32_t here() const { return static_cast<std::uint32_t>(image_.code.size()); }
  // Points operand A (or B) of `at` to the next instruction emitted.
  void patch_a(std::uint32_t at) { image_.code[at].a = here(); }
  void patch_b(std::uint32_t at) { image_.code[at].b = here(); }

  std::uint32_t local(const void* key) {
    std::uint32_t slot = fn_.locals++;
    if (key != nullptr) slots_[key] = slot;
    return slot;
  }
  // Two slots: a collection and the position in it.
  std::uint32_t iterator() {
    std::uint32_t slot = fn_.locals;
    fn_.locals += 2;
    return slot;
  }
  void bind(const void* key, std::uint32_t slot) { slots_[key] = slot; }
  std::uint32_t slot_of(const void* key) const {
    auto it = slots_.find(key);
    assert(it != slots_.end() && "a checked local always has a slot");
    return it == slots_.end() ? 0 : it->second;
  }

  std::uint32_t finish() {
    fn_.end = here();
    image_.functions.push_back(fn_);
    return static_cast<std::uint32_t>(image_.functions.size() - 1);
  }

  rt::SourceLoc loc(Span span) const {
    rt::SourceLoc l;
    if (!span.valid()) return l;
    auto it = files_.find(span.file);
    if (it == files_.end()) return l;
    LineCol lc = sources_.locate(span);
    l.file = it->second;
    l.line = lc.line;
    l.column = lc.column;
    return l;
  }

 private:
  rt::Image& image_;
  std::vector<Span>& spans_;  // of each instruction of the image
  const SourceSet& sources_;
  const std::unordered_map<FileId, std::uint32_t>& files_;
  rt::Function fn_;
  std::unordered_map<const void*, std::uint32_t> slots_;
};

class Compiler {
 public:
  Compiler(const Program& program, const SourceSet& sources)
      : program_(program), sources_(sources) {}

  rt::Image run(const CompileOptions& options) {
    image_.name = options.name;
    image_.version = options.version;
    add_files();
    // Each const folded once, dependencies first.
    for (const Decl* c : program_.consts_in_dependency_order()) {
      if (auto* decl = c->as<ConstDecl>()) consts_[c] = fold(decl->value.get());
    }
    image_.schema.root = record_index(program_.facts());
    // Defs first, in call order, so every call names a known function.
    const auto& defs = program_.defs_in_call_order();
    for (std::size_t i = 0; i < defs.size(); ++i)
      def_index_[defs[i]] = static_cast<std::uint32_t>(i);
    for (const Decl* def : defs) compile_def(*def);
    for (std::size_t i = 0; i < program_.outputs().size(); ++i) compile_output(i);
    for (const Program::Rule& rule : program_.rules()) compile_rule(rule);
    return std::move(image_);
  }
  // Where instruction `pc` came from (run() has moved the image out, not these).
  Span span_of(std::uint32_t pc) const { return pc < spans_.size() ? spans_[pc] : Span{}; }

 private:
  // ------------------------------------------------------------ files ---

  void add_files() {
    // Every file that holds a declaration of the program, in input order.
    for (const auto& module : program_.modules()) {
      if (files_.count(module->file) != 0 || module->file == no_file) continue;
      const SourceFile& file = sources_.file(module->file);
      files_[module->file] = static_cast<std::uint32_t>(image_.files.size());
      image_.files.push_back(rt::SourceFile{file.path(), rt::sha256_hex(file.text())});
    }
  }

  // ----------------------------------------------------------- schema ---

  std::uint32_t type_index(const Type* type) {
    auto it = type_index_.find(type);
    if (it != type_index_.end()) return it->second;
    rt::TypeDesc desc;
    switch (type->kind) {
      case TypeKind::bool_:
        desc.kind = rt::TypeKind::boolean;
        break;
      case TypeKind::int_:
        desc.kind = rt::TypeKind::integer;
        break;
      case TypeKind::number:
        desc.kind = rt::TypeKind::number;
        break;
      case TypeKind::string:
        desc.kind = rt::TypeKind::string;
        break;
      case TypeKind::date:
        desc.kind = rt::TypeKind::date;
        break;
      case TypeKind::enum_:
        desc.kind = rt::TypeKind::enumeration;
        desc.ref = enum_index(type);
        break;
      case TypeKind::record:
        desc.kind = rt::TypeKind::record;
        desc.ref = record_index(type);
        break;
      case TypeKind::list:
      case TypeKind::set:
      case TypeKind::optional:
        desc.kind = type->kind == TypeKind::list  ? rt::TypeKind::list
                    : type->kind == TypeKind::set ? rt::TypeKind::set
                                                  : rt::TypeKind::optional;
        desc.ref = type_index(type->element);
        break;
      default:
        // none, nothing and error never reach a checked schema; an empty
        // collection's element type defaults to string.
        desc.kind = rt::TypeKind::string;
        break;
    }
    auto index = static_cast<std::uint32_t>(image_.schema.types.size());
    image_.schema.types.push_back(desc);
    type_index_[type] = index;
    return index;
  }

  std::uint32_t enum_index(const Type* type) {
    auto it = enum_index_.find(type);
    if (it != enum_index_.end()) return it->second;
    rt::EnumType e;
    e.name = qualified_name(type);
    if (const EnumDecl* decl = type->enum_decl()) {
      for (const EnumMember& m : decl->members) {
        rt::EnumMember member;
        member.name = m.name.name;
        if (auto* i = std::get_if<std::int64_t>(&m.code)) {
          member.code = rt::EnumMember::Code::integer;
          member.int_code = *i;
        } else if (auto* s = std::get_if<std::string>(&m.code)) {
          member.code = rt::EnumMember::Code::string;
          member.string_code = *s;
        }
        e.members.push_back(std::move(member));
      }
    }
    auto index = static_cast<std::uint32_t>(image_.schema.enums.size());
    image_.schema.enums.push_back(std::move(e));
    enum_index_[type] = index;
    return index;
  }

  std::uint32_t record_index(const Type* type) {
    auto it = record_index_.find(type);
    if (it != record_index_.end()) return it->second;
    auto index = static_cast<std::uint32_t>(image_.schema.records.size());
    record_index_[type] = index;
    image_.schema.records.push_back(rt::RecordType{qualified_name(type), {}});
    // Fields after the record has its index: record types may refer to
    // themselves through lists.
    std::vector<rt::FieldDesc> fields;
    for (const RecordField& f : type->fields) {
      rt::FieldDesc field;
      field.name = f.name;
      field.type = type_index(f.type);
      if (f.has_default && f.decl != nullptr && f.decl->default_value) {
        field.presence = rt::Presence::defaulted;
        field.default_value = constant_of(*f.decl->default_value, f.type);
      } else if (is_optional(f.type)) {
        field.presence = rt::Presence::optional;
      }
      fields.push_back(std::move(field));
    }
    image_.schema.records[index].fields = std::move(fields);
    return index;
  }

  std::string qualified_name(const Type* type) const {
    if (type->decl == nullptr) return type->name;
    const Program::Package* package = program_.package_of(type->decl);
    return package ? package->name + "." + type->name : type->name;
  }

  // A field read marks it for the fact loader; returns its slot.
  std::uint32_t mark_read(const Type* record, std::string_view field) {
    record = strip_optional(record);
    const RecordField* f = record->field(field);
    assert(f != nullptr);
    auto slot = static_cast<std::uint32_t>(f - record->fields.data());
    image_.schema.records[record_index(record)].fields[slot].read = true;
    return slot;
  }

  // Rules with the same guard share it (variants of one rule often do).
  std::uint32_t add_guard(rt::Guard guard) {
    std::string key;
    for (const rt::FieldRef& f : guard.path) key += fmt::format("{}.{}/", f.record, f.field);
    for (const std::string& text : guard.strings) key += fmt::format("{}:{}", text.size(), text);
    auto [it, added] = guard_index_.emplace(std::move(key), image_.guards.size());
    if (added) image_.guards.push_back(std::move(guard));
    return static_cast<std::uint32_t>(it->second);
  }

  // -------------------------------------------------------- constants ---

  std::optional<ConstValue> fold(const Expr* e) const {
    return fold_constant(e, program_.types(), &consts_);
  }

  std::uint32_t add_constant(rt::Constant c) {
    std::string key = fmt::format("{}|{}|{}|{}|{}|", static_cast<int>(c.kind), c.integer, c.number,
                                  c.enum_type, c.string.size());
    key += c.string;
    for (std::uint32_t e : c.elements) key += fmt::format(",{}", e);
    auto it = constant_index_.find(key);
    if (it != constant_index_.end()) return it->second;
    auto index = static_cast<std::uint32_t>(image_.constants.size());
    image_.constants.push_back(std::move(c));
    constant_index_.emplace(std::move(key), index);
    return index;
  }

  // A folded value as a constant of `type` (ints become numbers where a
  // number is expected; sets drop repeats).
  std::uint32_t constant_from(const ConstValue& v, const Type* type) {
    using K = ConstValue::Kind;
    const Type* t = strip_optional(type);
    rt::Constant c;
    switch (v.kind) {
      case K::none:
        c.kind = rt::Constant::Kind::none;
        break;
      case K::boolean:
        c.kind = rt::Constant::Kind::boolean;
        c.integer = v.boolean ? 1 : 0;
        break;
      case K::integer:
        if (t != nullptr && t->kind == TypeKind::number) {
          c.kind = rt::Constant::Kind::number;
          c.number = static_cast<double>(v.integer);
        } else {
          c.kind = rt::Constant::Kind::integer;
          c.integer = v.integer;
        }
        break;
      case K::number:
        c.kind = rt::Constant::Kind::number;
        c.number = v.number;
        break;
      case K::string:
        c.kind = rt::Constant::Kind::string;
        c.string = v.string;
        break;
      case K::date:
        c.kind = rt::Constant::Kind::date;
        c.integer = v.integer;
        break;
      case K::member: {
        c.kind = rt::Constant::Kind::enumeration;
        c.integer = v.integer;
        const Type* enum_type = program_.types().declared(v.enum_decl);
        c.enum_type = enum_type ? enum_index(enum_type) : rt::no_index;
        break;
      }
      case K::list:
      case K::set: {
        c.kind = v.kind == K::list ? rt::Constant::Kind::list : rt::Constant::Kind::set;
        const Type* element = (t != nullptr && is_collection(t)) ? t->element : nullptr;
        bool has_zero = false;
        for (const ConstValue& item : v.items) {
          std::uint32_t e = constant_from(item, element);
          if (c.kind == rt::Constant::Kind::set) {
            // Constants are deduplicated, so equal values share an index,
            // except 0.0 and -0.0: equal, but two constants.
            const rt::Constant& added = image_.constants[e];
            bool zero = added.kind == rt::Constant::Kind::number && added.number == 0;
            if ((zero && has_zero) ||
                std::find(c.elements.begin(), c.elements.end(), e) != c.elements.end()) {
              continue;
            }
            has_zero = has_zero || zero;
          }
          c.elements.push_back(e);
        }
        break;
      }
    }
    return add_constant(std::move(c));
  }

  // The constant an expression folds to (a default value, a literal).
  std::uint32_t constant_of(const Expr& e, const Type* type) {
    auto v = fold(&e);
    if (!v) return add_constant(rt::Constant{});  // checked defaults always fold
    return constant_from(*v, type);
  }

  // ------------------------------------------------------ expressions ---

  // Compiles `e`, promoting an int to a number where `expected` is a number.
  void value(FunctionBuilder& fb, const Expr& e, const Type* expected) {
    expr(fb, e);
    const Type* want = strip_optional(expected);
    if (want != nullptr && want->kind == TypeKind::number && e.type != nullptr &&
        strip_optional(e.type)->kind == TypeKind::int_) {
      fb.emit(Op::int_to_number, e.span);
    }
  }

  bool try_fold(FunctionBuilder& fb, const Expr& e) {
    // Only values whose folding cannot lose anything: no facts, no calls.
    // A const's expression is compiled at each use of the const, so each
    // node is folded once and remembered (a large constant costs its size
    // once, not at every use).
    auto [it, first] = folded_.try_emplace(&e);
    if (first) {
      if (auto v = fold(&e)) {
        it->second = v->kind == ConstValue::Kind::none ? Folded::none
                                                        : constant_from(*v, e.type);
      } else {
        it->second = Folded::not_constant;
      }
    }
    switch (it->second) {
      case Folded::not_constant:
        return false;
      case Folded::none:
        fb.emit(Op::push_none, e.span);
        return true;
      default:
        fb.emit(Op::push_const, e.span, it->second);
        return true;
    }
  }

  void expr(FunctionBuilder& fb, const Expr& e) {
    if (!e.is<NameRef>() && !e.is<Call>() && !e.is<InterpString>() && try_fold(fb, e)) return;
    std::visit([&](const auto& node) { compile_node(fb, e, node); }, e.node);
  }

  void compile_node(FunctionBuilder& fb, const Expr& e, const NoneLit&) {
    fb.emit(Op::push_none, e.span);
  }
  void compile_node(FunctionBuilder& fb, const Expr& e, const BoolLit&) { try_fold(fb, e); }
  void compile_node(FunctionBuilder& fb, const Expr& e, const IntLit&) { try_fold(fb, e); }
  void compile_node(FunctionBuilder& fb, const Expr& e, const NumberLit&) { try_fold(fb, e); }
  void compile_node(FunctionBuilder& fb, const Expr& e, const StringLit& s) {
    if (!try_fold(fb, e)) {
      rt::Constant c;
      c.kind = rt::Constant::Kind::string;
      c.string = s.value;
      fb.emit(Op::push_const, e.span, add_constant(std::move(c)));
    }
  }

  void compile_node(FunctionBuilder& fb, const Expr& e, const InterpString& s) {
    // Only the message itself shows unknown parts as text; an interpolation
    // anywhere else (a condition, a def, a nested one) is a value, unknown
    // when a part is.
    const bool message = compiling_message_;
    compiling_message_ = false;
    std::uint32_t count = 0;
    for (const InterpPart& part : s.parts) {
      if (part.expr) {
        expr(fb, *part.expr);
      } else {
        if (part.text.empty()) continue;
        fb.emit(Op::push_const, e.span, string_constant(part.text));
      }
      ++count;
    }
    if (count == 1 && s.parts.size() == 1 && !s.parts[0].expr) return;  // plain text
    fb.emit(Op::concat, e.span, count, message ? 1 : 0);
  }

  std::uint32_t string_constant(std::string text) {
    rt::Constant c;
    c.kind = rt::Constant::Kind::string;
    c.string = std::move(text);
    return add_constant(std::move(c));
  }

  void elements(FunctionBuilder& fb, const Expr& e, const std::vector<ExprPtr>& items, Op op) {
    const Type* t = strip_optional(e.type);
    const Type* element = (t != nullptr && is_collection(t)) ? t->element : nullptr;
    for (const ExprPtr& item : items) value(fb, *item, element);
    fb.emit(op, e.span, static_cast<std::uint32_t>(items.size()));
  }
  void compile_node(FunctionBuilder& fb, const Expr& e, const ListLit& l) {
    elements(fb, e, l.elements, Op::make_list);
  }
  void compile_node(FunctionBuilder& fb, const Expr& e, const SetLit& s) {
    elements(fb, e, s.elements, Op::make_set);
  }

  // Names and dotted paths: what the checker resolved them to.
  void reference(FunctionBuilder& fb, const Expr& e) {
    switch (e.ref.kind) {
      case RefKind::fact: {
        // By name in the merged root: ref.index is the field's position in
        // its own `facts` block, which is not its slot when there are several.
        const Type* root = program_.facts();
        const std::string* name = nullptr;
        if (auto* n = e.as<NameRef>()) name = &n->name.name;
        if (auto* f = e.as<FieldAccess>()) name = &f->field.name;
        const RecordField* f = name ? root->field(*name) : nullptr;
        std::uint32_t slot = f ? mark_read(root, f->name) : 0;
        fb.emit(Op::load_fact, e.span, slot);
        return;
      }
      case RefKind::local:
        fb.emit(Op::load_local, e.span, fb.slot_of(e.ref.local));
        return;
      case RefKind::constant: {
        if (try_fold(fb, e)) return;
        // A constant the folder cannot evaluate (a quantifier, a builtin):
        // its expression is pure, so it is compiled where it is used.
        const auto* c = e.ref.decl ? e.ref.decl->as<ConstDecl>() : nullptr;
        if (c != nullptr && c->value) {
          value(fb, *c->value, e.type);
          return;
        }
        break;
      }
      case RefKind::enum_member:
        try_fold(fb, e);
        return;
      default:
        break;
    }
    fb.emit(Op::push_unknown, e.span);  // unreachable for a checked program
  }

  void compile_node(FunctionBuilder& fb, const Expr& e, const NameRef&) { reference(fb, e); }

  void compile_node(FunctionBuilder& fb, const Expr& e, const FieldAccess& f) {
    if (e.ref.kind != RefKind::field) {
      reference(fb, e);
      return;
    }
    expr(fb, *f.object);
    fb.emit(Op::get_field, f.field.span, mark_read(f.object->type, f.field.name));
  }

  void compile_node(FunctionBuilder& fb, const Expr& e, const IndexAccess& i) {
    expr(fb, *i.object);
    expr(fb, *i.index);
    fb.emit(Op::index, e.span);
  }

  void compile_node(FunctionBuilder& fb, const Expr& e, const Call& c) {
    const Resolution& callee = c.callee->ref;
    if (callee.kind == RefKind::builtin) {
      for (const ExprPtr& arg : c.args) expr(fb, *arg);
      fb.emit(Op::builtin, e.span, callee.index, static_cast<std::uint32_t>(c.args.size()));
      return;
    }
    const auto* def = callee.decl ? callee.decl->as<DefDecl>() : nullptr;
    auto it = def_index_.find(callee.decl);
    if (def == nullptr || it == def_index_.end()) {
      fb.emit(Op::push_unknown, e.span);
      return;
    }
    for (std::size_t i = 0; i < c.args.size(); ++i) {
      const Type* param = i < def->params.size() ? def->params[i].type.resolved : nullptr;
      value(fb, *c.args[i], param);
    }
    fb.emit(Op::call, e.span, it->second, static_cast<std::uint32_t>(c.args.size()));
  }

  void compile_node(FunctionBuilder& fb, const Expr& e, const Unary& u) {
    expr(fb, *u.operand);
    fb.emit(u.op == UnaryOp::not_ ? Op::not_ : Op::neg, e.span);
  }

  void compile_node(FunctionBuilder& fb, const Expr& e, const Binary& b) {
    switch (b.op) {
      case BinaryOp::and_:
      case BinaryOp::or_: {
        // Kleene with a short cut: `false and x` is false and `true or x`
        // true whatever x is, so x is not evaluated.
        bool is_and = b.op == BinaryOp::and_;
        expr(fb, *b.lhs);
        std::uint32_t skip = fb.emit(is_and ? Op::jump_if_false : Op::jump_if_true, e.span);
        expr(fb, *b.rhs);
        fb.emit(is_and ? Op::and_ : Op::or_, e.span);
        fb.patch_a(skip);
        return;
      }
      case BinaryOp::coalesce: {
        value(fb, *b.lhs, e.type);
        std::uint32_t done = fb.emit(Op::coalesce, e.span);
        value(fb, *b.rhs, e.type);
        fb.patch_a(done);
        return;
      }
      default:
        break;
    }
    expr(fb, *b.lhs);
    expr(fb, *b.rhs);
    static const std::map<BinaryOp, Op> ops = {
        {BinaryOp::eq, Op::eq},
        {BinaryOp::ne, Op::ne},
        {BinaryOp::lt, Op::lt},
        {BinaryOp::le, Op::le},
        {BinaryOp::gt, Op::gt},
        {BinaryOp::ge, Op::ge},
        {BinaryOp::in, Op::in},
        {BinaryOp::not_in, Op::not_in},
        {BinaryOp::intersects, Op::intersects},
        {BinaryOp::within, Op::within},
        {BinaryOp::add, Op::add},
        {BinaryOp::sub, Op::sub},
        {BinaryOp::mul, Op::mul},
        {BinaryOp::div, Op::div},
        {BinaryOp::mod, Op::mod},
    };
    fb.emit(ops.at(b.op), e.span);
  }

  void compile_node(FunctionBuilder& fb, const Expr& e, const IfElse& i) {
    expr(fb, *i.cond);
    std::uint32_t branch = fb.emit(Op::branch, e.span);
    value(fb, *i.then_value, e.type);
    std::uint32_t jump = fb.emit(Op::jump, e.span);
    fb.patch_a(branch);
    value(fb, *i.else_value, e.type);
    fb.patch_b(branch);
    fb.patch_a(jump);
  }

  // some/every: a loop with a Kleene accumulator that stops at the first
  // element that decides the answer.
  void compile_node(FunctionBuilder& fb, const Expr& e, const Quantifier& q) {
    bool some = q.kind == QuantKind::some;
    expr(fb, *q.domain);
    std::uint32_t it = fb.iterator();
    std::uint32_t acc = fb.local(nullptr);
    std::uint32_t var = fb.local(&q.var);
    std::uint32_t init = fb.emit(Op::iter_init, e.span, it);
    rt::Constant start;
    start.kind = rt::Constant::Kind::boolean;
    start.integer = some ? 0 : 1;
    fb.emit(Op::push_const, e.span, add_constant(start));
    fb.emit(Op::store_local, e.span, acc);
    std::uint32_t loop = fb.emit(Op::iter_next, e.span, it);
    fb.emit(Op::store_local, q.var.span, var);
    expr(fb, *q.body);
    std::uint32_t step = fb.emit(some ? Op::acc_or : Op::acc_and, e.span, acc);
    fb.emit(Op::jump, e.span, loop);
    fb.patch_b(loop);
    fb.patch_b(step);
    fb.emit(Op::load_local, e.span, acc);
    fb.patch_b(init);
  }

  void compile_node(FunctionBuilder& fb, const Expr& e, const Aggregate& a) {
    expr(fb, *a.domain);
    std::uint32_t it = fb.iterator();
    std::uint32_t acc = fb.local(nullptr);
    std::uint32_t var = fb.local(&a.var);
    std::uint32_t init = fb.emit(Op::iter_init, e.span, it);
    fb.emit(Op::push_empty, e.span);
    fb.emit(Op::store_local, e.span, acc);
    std::uint32_t loop = fb.emit(Op::iter_next, e.span, it);
    fb.emit(Op::store_local, a.var.span, var);
    if (a.where) {
      expr(fb, *a.where);
      fb.emit(Op::acc_filter, a.where->span, acc, loop);
    }
    switch (a.kind) {
      case AggKind::count:
        fb.emit(Op::acc_count, e.span, acc);
        break;
      case AggKind::sum:
        value(fb, *a.value, e.type);
        fb.emit(Op::acc_sum, e.span, acc);
        break;
      case AggKind::max:
        value(fb, *a.value, e.type);
        fb.emit(Op::acc_max, e.span, acc);
        break;
      case AggKind::min:
        value(fb, *a.value, e.type);
        fb.emit(Op::acc_min, e.span, acc);
        break;
    }
    fb.emit(Op::jump, e.span, loop);
    fb.patch_b(loop);
    fb.emit(Op::load_local, e.span, acc);
    std::uint32_t has_value = fb.emit(Op::take_default, e.span);
    if (a.fallback) {
      value(fb, *a.fallback, e.type);
    } else {
      // count and sum of nothing are 0 (the checker requires a default for max/min).
      rt::Constant zero;
      const Type* t = strip_optional(e.type);
      zero.kind = t && t->kind == TypeKind::number ? rt::Constant::Kind::number
                                                   : rt::Constant::Kind::integer;
      fb.emit(Op::push_const, e.span, add_constant(zero));
    }
    fb.patch_a(has_value);
    fb.patch_b(init);
  }

  // ---------------------------------------------------- declarations ---

  std::string package_of(const Decl& decl) const {
    const Program::Package* p = program_.package_of(&decl);
    return p ? p->name : std::string{};
  }

  void compile_def(const Decl& decl) {
    const auto& def = std::get<DefDecl>(decl.node);
    FunctionBuilder fb(image_, spans_, sources_, files_, package_of(decl) + "." + def.name.name,
                       static_cast<std::uint32_t>(def.params.size()));
    for (std::size_t i = 0; i < def.params.size(); ++i) {
      fb.bind(&def.params[i].name, static_cast<std::uint32_t>(i));
    }
    value(fb, *def.body, def.result.resolved);
    fb.emit(Op::ret, def.body->span);
    fb.finish();
  }

  void compile_output(std::size_t index) {
    const Program::Output& output = program_.outputs()[index];
    rt::OutputDesc desc;
    desc.id = output.id;
    desc.type = type_index(output.type);
    if (output.raised) {
      const Type* t = strip_optional(output.type);
      desc.join = t->kind == TypeKind::bool_ ? rt::Join::or_
                  : t->kind == TypeKind::set ? rt::Join::union_
                                             : rt::Join::max;
    }
    FunctionBuilder fb(image_, spans_, sources_, files_, "output " + output.id, 0);
    Span span = output.decl->span;
    if (output.output->value) {
      value(fb, *output.output->value, output.type);
    } else {
      fb.emit(Op::push_const, span, lowest_value(output.type));
    }
    auto out = static_cast<std::uint32_t>(index);
    fb.emit(Op::set_output, span, out);
    fb.emit(Op::halt, span);
    desc.function = fb.finish();
    image_.outputs.push_back(std::move(desc));
  }

  // The value an output declared without one starts from.
  std::uint32_t lowest_value(const Type* type) {
    const Type* t = strip_optional(type);
    rt::Constant c;
    switch (t->kind) {
      case TypeKind::enum_:
        c.kind = rt::Constant::Kind::enumeration;
        c.enum_type = enum_index(t);
        break;
      case TypeKind::bool_:
        c.kind = rt::Constant::Kind::boolean;
        break;
      case TypeKind::set:
        c.kind = rt::Constant::Kind::set;
        break;
      case TypeKind::list:
        c.kind = rt::Constant::Kind::list;
        break;
      case TypeKind::number:
        c.kind = rt::Constant::Kind::number;
        break;
      case TypeKind::int_:
        c.kind = rt::Constant::Kind::integer;
        break;
      case TypeKind::string:
        c.kind = rt::Constant::Kind::string;
        break;
      default:
        break;
    }
    return add_constant(std::move(c));
  }

  // A rule: one loop per `for`, the `let`s where they are written, then for
  // each instance its condition, `decide`, and the effects of a fired
  // instance (or the raises an undetermined one could make).
  void compile_rule(const Program::Rule& rule) {
    const RuleDecl& r = *rule.rule;
    rt::RuleDesc desc;
    desc.id = rule.id;
    desc.title = r.title.value_or("");
    desc.cites = r.cites;
    // The AST enums match the runtime's member for member (checked in ast.cpp).
    desc.severity = static_cast<rt::Severity>(r.severity.value_or(RuleSeverity::medium));
    FunctionBuilder fb(image_, spans_, sources_, files_, "rule " + rule.id, 0);
    desc.loc = fb.loc(rule.decl->span);
    for (const Effect& effect : r.effects) {
      rt::EffectDesc d;
      d.kind = static_cast<rt::EffectKind>(effect.kind);
      d.obligation = effect.obligation.str();
      for (const WithField& w : effect.with) d.with_keys.push_back(w.key.name);
      if (effect.kind == EffectKind::raise) d.output = output_index(effect.output_ref.decl);
      desc.effects.push_back(std::move(d));
    }
    for (rt::Guard& guard :
         derive_guards(r, program_, [this](const Type* t) { return record_index(t); })) {
      desc.guards.push_back(add_guard(std::move(guard)));
    }
    bool raises = std::any_of(r.effects.begin(), r.effects.end(),
                              [](const Effect& e) { return e.kind == EffectKind::raise; });
    auto rule_index = static_cast<std::uint32_t>(image_.rules.size());
    (void)rule_index;

    struct Loop {
      std::uint32_t init = 0;   // iter_init (its B: the domain is unknown)
      std::uint32_t next = 0;   // iter_next (its B: the loop is done)
      std::uint32_t bound = 0;  // `for` bindings active inside the loop's parent
    };
    std::vector<Loop> loops;
    for (const RuleBinding& binding : r.bindings) {
      if (binding.kind == RuleBinding::Kind::let) {
        std::uint32_t slot = fb.local(&binding.name);
        expr(fb, *binding.value);
        fb.emit(Op::store_local, binding.span, slot);
        continue;
      }
      expr(fb, *binding.value);
      std::uint32_t it = fb.iterator();
      std::uint32_t var = fb.local(&binding.name);
      Loop loop;
      loop.bound = static_cast<std::uint32_t>(loops.size());
      loop.init = fb.emit(Op::iter_init, binding.span, it);
      loop.next = fb.emit(Op::iter_next, binding.span, it);
      fb.emit(Op::store_local, binding.name.span, var);
      loops.push_back(loop);
      desc.bindings.push_back(rt::ForBinding{binding.name.name, it});
    }

    Span span = rule.decl->span;
    fb.emit(Op::begin_condition, span);
    condition(fb, r, span);
    fb.emit(Op::decide, span, static_cast<std::uint32_t>(loops.size()));
    std::uint32_t not_fired = fb.emit(Op::jump_unless_state, span, 0);
    for (std::size_t i = 0; i < r.effects.size(); ++i)
      effect(fb, r.effects[i], static_cast<std::uint32_t>(i));
    std::uint32_t after_effects = fb.emit(Op::jump, span);
    fb.patch_b(not_fired);
    if (raises) {
      std::uint32_t not_pending = fb.emit(Op::jump_unless_state, span, 2);
      for (const Effect& e : r.effects) {
        if (e.kind != EffectKind::raise) continue;
        value(fb, *e.raise_value, output_type(e.output_ref.decl));
        fb.emit(Op::raise_pending, e.span, output_index(e.output_ref.decl));
      }
      fb.patch_b(not_pending);
    }
    fb.patch_a(after_effects);
    // Close the loops, innermost first.
    for (std::size_t k = loops.size(); k-- > 0;) {
      fb.emit(Op::jump, span, loops[k].next);
      fb.patch_b(loops[k].next);
    }
    fb.emit(Op::halt, span);
    // A domain that is unknown: one undetermined instance for the bindings
    // made so far, then on with the enclosing loop.
    for (std::size_t k = 0; k < loops.size(); ++k) {
      fb.patch_b(loops[k].init);
      fb.emit(Op::decide, span, loops[k].bound);
      if (raises) {
        for (const Effect& e : r.effects) {
          if (e.kind != EffectKind::raise) continue;
          fb.emit(Op::push_unknown, e.span);
          fb.emit(Op::raise_pending, e.span, output_index(e.output_ref.decl));
        }
      }
      if (k == 0) {
        fb.emit(Op::halt, span);
      } else {
        fb.emit(Op::jump, span, loops[k - 1].next);
      }
    }
    desc.function = fb.finish();
    image_.rules.push_back(std::move(desc));
  }

  // `when c unless u` is `c and not u` in Kleene logic; no clause is true.
  void condition(FunctionBuilder& fb, const RuleDecl& r, Span span) {
    if (r.when) expr(fb, *r.when);
    if (r.unless) {
      std::uint32_t skip = 0;
      if (r.when) skip = fb.emit(Op::jump_if_false, span);
      expr(fb, *r.unless);
      fb.emit(Op::not_, r.unless->span);
      if (r.when) {
        fb.emit(Op::and_, span);
        fb.patch_a(skip);
      }
    }
    if (!r.when && !r.unless) {
      rt::Constant t;
      t.kind = rt::Constant::Kind::boolean;
      t.integer = 1;
      fb.emit(Op::push_const, span, add_constant(t));
    }
  }

  void effect(FunctionBuilder& fb, const Effect& e, std::uint32_t index) {
    if (e.kind == EffectKind::raise) {
      value(fb, *e.raise_value, output_type(e.output_ref.decl));
      fb.emit(Op::raise, e.span, output_index(e.output_ref.decl));
      return;
    }
    if (e.message) {
      compiling_message_ = true;
      expr(fb, *e.message);
      compiling_message_ = false;
    } else {
      fb.emit(Op::push_none, e.span);
    }
    for (const WithField& w : e.with) expr(fb, *w.value);
    fb.emit(Op::emit, e.span, index, static_cast<std::uint32_t>(e.with.size() + 1));
  }

  std::uint32_t output_index(const Decl* decl) const {
    const auto& outputs = program_.outputs();
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      if (outputs[i].decl == decl) return static_cast<std::uint32_t>(i);
    }
    return rt::no_index;
  }
  const Type* output_type(const Decl* decl) const {
    const Program::Output* o = program_.output_of(decl);
    return o ? o->type : nullptr;
  }

  const Program& program_;
  const SourceSet& sources_;
  rt::Image image_;
  std::vector<Span> spans_;
  ConstCache consts_;
  // try_fold's results by node: a constant index, or one of these.
  struct Folded {
    static constexpr std::uint32_t not_constant = rt::no_index;
    static constexpr std::uint32_t none = rt::no_index - 1;
  };
  std::unordered_map<const Expr*, std::uint32_t> folded_;
  std::unordered_map<FileId, std::uint32_t> files_;
  std::unordered_map<const Type*, std::uint32_t> type_index_;
  std::unordered_map<const Type*, std::uint32_t> enum_index_;
  std::unordered_map<const Type*, std::uint32_t> record_index_;
  std::unordered_map<std::string, std::size_t> guard_index_;
  bool compiling_message_ = false;  // the next interpolation is an effect's message
  std::unordered_map<std::string, std::uint32_t> constant_index_;
  std::unordered_map<const Decl*, std::uint32_t> def_index_;
};

}  // namespace

runtime::Image compile(const Program& program, const SourceSet& sources, Diagnostics& diags,
                       const CompileOptions& options) {
  Compiler compiler(program, sources);
  runtime::Image image;
  try {
    image = compiler.run(options);
  } catch (const TooMuchCode& too_much) {
    diags.error(DiagCode::too_large, too_much.at,
                fmt::format("the program compiles to more than {} instructions here; a const "
                            "that cannot be computed when compiling is compiled at each use, so "
                            "use it in fewer places or make it simpler",
                            max_instructions));
    return {};
  }
  // What the VM cannot run (a deep operand stack, too many locals), at the
  // instruction that needs it. Whatever else the verifier finds is a bug of
  // the compiler, left for Executable::make to report.
  runtime::VerifyResult verified = runtime::verify_detailed(image);
  Span span = compiler.span_of(verified.at);
  if (verified.exceeds_vm_limits && span.valid()) {
    const std::string& problem = verified.problem;
    diags.error(DiagCode::too_large, span,
                "this needs more than the VM can hold (" + problem.substr(problem.rfind(": ") + 2) +
                    "); split it into smaller expressions, defs or rules");
  }
  return image;
}

runtime::Image compile(const Program& program, const SourceSet& sources,
                       const CompileOptions& options) {
  Diagnostics ignored;
  return compile(program, sources, ignored, options);
}

}  // namespace precept::lang
