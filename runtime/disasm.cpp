// The disassembler reads any image the bundle reader accepts, verified or
// not (it is also a debugging tool for bad bundles): every index is checked
// before use, and constants and types render within a size and depth budget
// so a hostile image cannot make it recurse or print without end.
#include "runtime/disasm.hpp"

#include "runtime/decision.hpp"

#include <fmt/format.h>
#include <string_view>
#include <vector>

#include "runtime/date.hpp"
#include "stdlib/builtins.hpp"

namespace precept::runtime {

namespace {

constexpr int max_type_depth = 64;
constexpr std::size_t max_constant_chars = 1000;
// Source locations line up here unless the operands run past it.
constexpr std::size_t loc_column = 40;

std::string_view op_name(Op op) {
  std::string_view name = op_info(op).name;
  if (!name.empty() && name.back() == '_') name.remove_suffix(1);
  return name;
}


std::string_view join_name(Join j) {
  switch (j) {
    case Join::none:
      return "none";
    case Join::max:
      return "max";
    case Join::or_:
      return "or";
    case Join::union_:
      return "union";
  }
  return "?";
}

std::string_view state_name(std::uint32_t state) {
  switch (state) {
    case 0:
      return "fired";
    case 1:
      return "not_fired";
    case 2:
      return "undetermined";
    default:
      return "?";
  }
}

// A string as a JSON literal.
void quote(std::string& out, std::string_view text) {
  out += '"';
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

std::string quoted(std::string_view text) {
  std::string out;
  quote(out, text);
  return out;
}

class Disassembler {
 public:
  explicit Disassembler(const Image& image) : image_(image) {}

  std::string run() {
    manifest();
    schema();
    constants();
    outputs();
    rules();
    // Each rule's function, for resolving `emit`'s effects.
    std::vector<const RuleDesc*> rule_of(image_.functions.size(), nullptr);
    for (const RuleDesc& rule : image_.rules) {
      if (rule.function < rule_of.size()) rule_of[rule.function] = &rule;
    }
    for (std::size_t i = 0; i < image_.functions.size(); ++i) {
      function(image_.functions[i], rule_of[i]);
    }
    return std::move(out_);
  }

 private:
  template <class... Args>
  void line(fmt::format_string<Args...> format, Args&&... args) {
    out_ += fmt::format(format, std::forward<Args>(args)...);
    out_ += '\n';
  }

  // -------------------------------------------------------------- names ---

  std::string type(std::uint32_t index, int depth = 0) const {
    const Schema& schema = image_.schema;
    if (index >= schema.types.size()) return fmt::format("type#{}?", index);
    if (depth >= max_type_depth) return "...";
    const TypeDesc& t = schema.types[index];
    switch (t.kind) {
      case TypeKind::boolean:
        return "bool";
      case TypeKind::integer:
        return "int";
      case TypeKind::number:
        return "number";
      case TypeKind::string:
        return "string";
      case TypeKind::date:
        return "date";
      case TypeKind::enumeration:
        return enum_name(t.ref);
      case TypeKind::record:
        return t.ref < schema.records.size() ? schema.records[t.ref].name
                                             : fmt::format("record#{}?", t.ref);
      case TypeKind::list:
        return fmt::format("list<{}>", type(t.ref, depth + 1));
      case TypeKind::set:
        return fmt::format("set<{}>", type(t.ref, depth + 1));
      case TypeKind::optional:
        return type(t.ref, depth + 1) + "?";
    }
    return "?";
  }

  std::string enum_name(std::uint32_t index) const {
    if (index >= image_.schema.enums.size()) return fmt::format("enum#{}?", index);
    return image_.schema.enums[index].name;
  }

  std::string function_name(std::uint32_t index) const {
    if (index >= image_.functions.size()) return fmt::format("function#{}?", index);
    return image_.functions[index].name;
  }

  std::string output_name(std::uint32_t index) const {
    if (index >= image_.outputs.size()) return fmt::format("output#{}?", index);
    return image_.outputs[index].id;
  }

  std::string loc(const SourceLoc& at) const {
    if (at.file == no_index) return {};
    std::string file = at.file < image_.files.size() ? image_.files[at.file].path
                                                     : fmt::format("file#{}?", at.file);
    return fmt::format("{}:{}:{}", file, at.line, at.column);
  }

  std::string constant(std::uint32_t index) const {
    std::string out;
    constant(out, index);
    if (out.size() > max_constant_chars) {
      out.resize(max_constant_chars);
      out += "...";
    }
    return out;
  }

  void constant(std::string& out, std::uint32_t index) const {
    if (out.size() > max_constant_chars) return;
    if (index >= image_.constants.size()) {
      out += fmt::format("#{}?", index);
      return;
    }
    const Constant& c = image_.constants[index];
    switch (c.kind) {
      case Constant::Kind::none:
        out += "none";
        break;
      case Constant::Kind::boolean:
        out += c.integer != 0 ? "true" : "false";
        break;
      case Constant::Kind::integer:
        out += fmt::format("{}", c.integer);
        break;
      case Constant::Kind::number: {
        std::string text = fmt::format("{}", c.number);
        // Keep numbers distinguishable from ints: `2.0`, not `2`.
        if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
        out += text;
        break;
      }
      case Constant::Kind::string:
        quote(out, c.string);
        break;
      case Constant::Kind::date:
        out += format_iso_date(c.integer);
        break;
      case Constant::Kind::enumeration: {
        out += enum_name(c.enum_type);
        out += '.';
        const EnumType* e =
            c.enum_type < image_.schema.enums.size() ? &image_.schema.enums[c.enum_type] : nullptr;
        if (e != nullptr && c.integer >= 0 &&
            static_cast<std::uint64_t>(c.integer) < e->members.size()) {
          out += e->members[static_cast<std::size_t>(c.integer)].name;
        } else {
          out += fmt::format("#{}?", c.integer);
        }
        break;
      }
      case Constant::Kind::list:
      case Constant::Kind::set: {
        bool is_set = c.kind == Constant::Kind::set;
        out += is_set ? '{' : '[';
        for (std::size_t i = 0; i < c.elements.size() && out.size() <= max_constant_chars; ++i) {
          if (i > 0) out += ", ";
          constant(out, c.elements[i]);
        }
        out += is_set ? '}' : ']';
        break;
      }
    }
  }

  // ----------------------------------------------------------- sections ---

  void manifest() {
    line("bundle {} version {}", quoted(image_.name), quoted(image_.version));
    for (const SourceFile& f : image_.files) line("  file {} sha256 {}", f.path, f.sha256);
  }

  void schema() {
    const Schema& schema = image_.schema;
    for (const EnumType& e : schema.enums) {
      line("");
      line("enum {}", e.name);
      for (std::size_t m = 0; m < e.members.size(); ++m) {
        const EnumMember& member = e.members[m];
        switch (member.code) {
          case EnumMember::Code::none:
            line("  {} {}", m, member.name);
            break;
          case EnumMember::Code::integer:
            line("  {} {} = {}", m, member.name, member.int_code);
            break;
          case EnumMember::Code::string:
            line("  {} {} = {}", m, member.name, quoted(member.string_code));
            break;
        }
      }
    }
    for (std::size_t r = 0; r < schema.records.size(); ++r) {
      const RecordType& record = schema.records[r];
      line("");
      line("record {}{}", record.name, r == schema.root ? " (root)" : "");
      for (std::size_t k = 0; k < record.fields.size(); ++k) {
        const FieldDesc& field = record.fields[k];
        std::string presence;
        switch (field.presence) {
          case Presence::required:
            presence = "required";
            break;
          case Presence::optional:
            presence = "optional";
            break;
          case Presence::defaulted:
            presence = "= " + constant(field.default_value);
            break;
        }
        line("  {} {}: {} {}{}", k, field.name, type(field.type), presence,
             field.read ? "" : " (unread)");
      }
    }
  }

  void constants() {
    if (image_.constants.empty()) return;
    line("");
    line("constants");
    for (std::size_t i = 0; i < image_.constants.size(); ++i) {
      line("  {} {}", i, constant(static_cast<std::uint32_t>(i)));
    }
  }

  void outputs() {
    if (image_.outputs.empty()) return;
    line("");
    line("outputs");
    for (std::size_t i = 0; i < image_.outputs.size(); ++i) {
      const OutputDesc& o = image_.outputs[i];
      line("  {} {}: {}, join {}, function {}", i, o.id, type(o.type), join_name(o.join),
           function_name(o.function));
    }
  }

  void rules() {
    if (image_.rules.empty()) return;
    line("");
    line("rules");
    for (std::size_t i = 0; i < image_.rules.size(); ++i) {
      const RuleDesc& rule = image_.rules[i];
      std::string where = loc(rule.loc);
      line("  {} {} severity {}{}", i, rule.id, to_string(rule.severity),
           where.empty() ? "" : " ; " + where);
      line("    function {}", function_name(rule.function));
      if (!rule.title.empty()) line("    title {}", quoted(rule.title));
      for (const std::string& cite : rule.cites) line("    cites {}", quoted(cite));
      for (const ForBinding& b : rule.bindings) line("    for {} in %{}", b.name, b.iterator);
      for (std::size_t e = 0; e < rule.effects.size(); ++e) {
        line("    effect {} {}", e, effect(rule, e, true));
      }
      for (std::uint32_t g : rule.guards) line("    guard {}", guard(g));
    }
  }

  // `data.tags has "pii"`: the field path (through records) and its strings.
  std::string guard(std::uint32_t index) const {
    if (index >= image_.guards.size()) return fmt::format("guard#{}?", index);
    const Guard& g = image_.guards[index];
    std::string text;
    for (const FieldRef& step : g.path) {
      if (!text.empty()) text += '.';
      const auto& records = image_.schema.records;
      text += step.record < records.size() && step.field < records[step.record].fields.size()
                  ? records[step.record].fields[step.field].name
                  : "?";
    }
    text += " has ";
    constexpr std::size_t shown = 5;
    for (std::size_t i = 0; i < g.strings.size() && i < shown; ++i) {
      if (i > 0) text += " or ";
      text += quoted(g.strings[i]);
    }
    if (g.strings.size() > shown) text += fmt::format(" or {} more", g.strings.size() - shown);
    return text;
  }

  // An effect by kind, obligation and (in the rules section) its `with` keys.
  std::string effect(const RuleDesc& rule, std::size_t index, bool keys) const {
    if (index >= rule.effects.size()) return fmt::format("effect#{}?", index);
    const EffectDesc& e = rule.effects[index];
    // Appended piece by piece: `" " + name` made GCC 12 warn, wrongly,
    // that the copy might overlap itself (-Wrestrict) in optimised builds.
    std::string text(to_string(e.kind));
    if (e.kind == EffectKind::require) {
      text += ' ';
      text += e.obligation;
    }
    if (e.kind == EffectKind::require && keys) {
      for (std::size_t k = 0; k < e.with_keys.size(); ++k) {
        text += k == 0 ? " with " : ", ";
        text += e.with_keys[k];
      }
    }
    if (e.kind == EffectKind::raise) {
      text += ' ';
      text += output_name(e.output);
    }
    return text;
  }

  std::string operands(const Instr& in, const RuleDesc* rule) const {
    auto target = [](std::uint32_t t) { return fmt::format("-> {}", t); };
    switch (op_info(in.op).operands) {
      case Operands::none:
        return {};
      case Operands::const_a:
        return constant(in.a);
      case Operands::local_a:
        return fmt::format("%{}", in.a);
      case Operands::iter_a_jump_b:
      case Operands::local_a_jump_b:
        return fmt::format("%{} {}", in.a, target(in.b));
      case Operands::jump_a:
        return target(in.a);
      case Operands::jump_a_b:
        return fmt::format("{}, unknown {}", target(in.a), target(in.b));
      case Operands::slot_a:
        return fmt::format("slot {}", in.a);
      case Operands::root_a: {
        const Schema& schema = image_.schema;
        if (schema.root < schema.records.size() &&
            in.a < schema.records[schema.root].fields.size()) {
          return schema.records[schema.root].fields[in.a].name;
        }
        return fmt::format("slot {}?", in.a);
      }
      case Operands::count_a:
        // concat's B = 1 marks an effect's message (unknown parts read `unknown`).
        return in.op == Op::concat && in.b == 1 ? fmt::format("{} message", in.a)
                                                 : fmt::format("{}", in.a);
      case Operands::builtin_a:
        if (in.a < stdlib::builtin_count) {
          return fmt::format("{}/{}", stdlib::builtins[in.a].name, in.b);
        }
        return fmt::format("builtin#{}?/{}", in.a, in.b);
      case Operands::function_a:
        return fmt::format("{}/{}", function_name(in.a), in.b);
      case Operands::effect_a_count_b:
        if (rule == nullptr) return fmt::format("effect#{}?/{}", in.a, in.b);
        return fmt::format("{}/{}", effect(*rule, in.a, false), in.b);
      case Operands::output_a:
        return output_name(in.a);
      case Operands::bindings_a:
        return fmt::format("{}", in.a);
      case Operands::state_a_jump_b:
        return fmt::format("{} {}", state_name(in.a), target(in.b));
    }
    return {};
  }

  void function(const Function& f, const RuleDesc* rule) {
    line("");
    line("function {} (params {}, locals {}, stack {})", f.name, f.params, f.locals, f.max_stack);
    for (std::size_t pc = f.entry; pc < f.end && pc < image_.code.size(); ++pc) {
      const Instr& in = image_.code[pc];
      std::string text = fmt::format("{:5}  {:<17} {}", pc, op_name(in.op), operands(in, rule));
      while (!text.empty() && text.back() == ' ') text.pop_back();
      if (pc < image_.locs.size()) {
        std::string where = loc(image_.locs[pc]);
        if (!where.empty()) {
          if (text.size() < loc_column) text.resize(loc_column, ' ');
          text += " ; " + where;
        }
      }
      out_ += text;
      out_ += '\n';
    }
  }

  const Image& image_;
  std::string out_;
};

}  // namespace

std::string disassemble(const Image& image) { return Disassembler(image).run(); }

}  // namespace precept::runtime
