// The program generator's declarations: the schema (enums with JSON codes,
// record types, the facts block with required, defaulted and optional
// fields), constants, functions, outputs and rules. Expressions are in
// program_gen_exprs.cpp, facts documents in facts_gen.cpp.
#include "fuzz/program_gen_internal.hpp"

namespace precept::fuzz {

namespace gen {

namespace {

const char* const severities[] = {"info", "low", "medium", "high", "critical"};

}  // namespace

Type Generator::scalar_type(bool with_enums) {
  std::size_t n = with_enums && !schema.enums.empty() ? 6 : 5;
  switch (in_.below(n)) {
    case 0:
      return Type::of(Type::Kind::boolean);
    case 1:
      return Type::of(Type::Kind::integer);
    case 2:
      return Type::of(Type::Kind::number);
    case 3:
      return Type::of(Type::Kind::string);
    case 4:
      return Type::of(Type::Kind::date);
    default:
      return Type::enum_(static_cast<int>(in_.below(schema.enums.size())));
  }
}

// A field of a record (record_index >= 0) or of the facts (-1): scalars,
// collections of scalars, and records declared before it.
Type Generator::field_type(int record_index) {
  int records = record_index < 0 ? static_cast<int>(schema.records.size()) : record_index;
  switch (in_.below(records > 0 ? 8 : 5)) {
    case 0:
    case 1:
    case 2:
      return scalar_type();
    case 3:
      return Type::set(scalar_type());
    case 4:
      return Type::list(scalar_type(false));
    case 5:
    case 6:
      return Type::record(static_cast<int>(in_.below(static_cast<std::size_t>(records))));
    default:
      return Type::list(
          Type::record(static_cast<int>(in_.below(static_cast<std::size_t>(records)))));
  }
}

void Generator::make_schema(std::string& out) {
  std::size_t enum_count = 1 + in_.below(2);
  for (std::size_t e = 0; e < enum_count; ++e) {
    Enum en;
    en.name = "E" + std::to_string(e);
    std::size_t members = 2 + in_.below(3);
    out += "enum " + en.name + " { ";
    for (std::size_t m = 0; m < members; ++m) {
      std::string name = std::string(1, static_cast<char>('a' + e)) + std::to_string(m);
      en.members.push_back(name);
      out += (m ? ", " : "") + name;
      switch (in_.below(4)) {
        case 1:
          en.codes.emplace_back(static_cast<std::int64_t>(10 * e + m + 1));
          out += " = " + std::to_string(10 * e + m + 1);
          break;
        case 2:
          en.codes.emplace_back("c" + name);
          out += " = \"c" + name + "\"";
          break;
        default:
          en.codes.emplace_back(std::monostate{});
          break;
      }
    }
    out += " }\n";
    schema.enums.push_back(std::move(en));
  }

  auto make_fields = [&](int record_index, std::size_t count, std::vector<Field>& fields) {
    for (std::size_t i = 0; i < count; ++i) {
      Field f;
      f.name = (record_index < 0 ? "f" : "x") + std::to_string(i);
      f.type = field_type(record_index);
      switch (in_.below(3)) {
        case 1:
          if (f.type.kind != Type::Kind::record) {
            f.presence = Field::Presence::defaulted;
            f.default_text = literal(f.type);
          }
          break;
        case 2:
          if (!f.type.is_collection()) {
            f.presence = Field::Presence::optional;
            f.type = Type::optional(f.type);
          }
          break;
        default:
          break;
      }
      fields.push_back(std::move(f));
    }
  };

  std::size_t record_count = 1 + in_.below(2);
  for (std::size_t r = 0; r < record_count; ++r) {
    Record rec;
    rec.name = "R" + std::to_string(r);
    make_fields(static_cast<int>(r), 1 + in_.below(4), rec.fields);
    schema.records.push_back(std::move(rec));
  }
  make_fields(-1, 3 + in_.below(6), schema.facts);

  auto write_fields = [&](const std::vector<Field>& fields) {
    for (const Field& f : fields) {
      out += "  " + f.name + ": " + type_text(f.type);
      if (f.presence == Field::Presence::defaulted) out += " = " + f.default_text;
      out += "\n";
    }
  };
  for (const Record& rec : schema.records) {
    out += "type " + rec.name + " {\n";
    write_fields(rec.fields);
    out += "}\n";
  }
  out += "facts {\n";
  write_fields(schema.facts);
  out += "}\n";
}

void Generator::make_consts(std::string& out) {
  std::size_t count = in_.below(3);
  for (std::size_t i = 0; i < count; ++i) {
    Type t = in_.chance(30) ? Type::set(scalar_type()) : scalar_type();
    std::string name = "C" + std::to_string(i);
    Scope scope;
    scope.constant = true;
    // A typed const: date and enum literals and `{}` need the type.
    out += "const " + name + ": " + type_text(t) + " = " + expr(t, scope, 1, true) + "\n";
    consts.push_back(name);
    const_types.push_back(t);
  }
}

void Generator::make_defs(std::string& out) {
  std::size_t count = in_.below(4);
  for (std::size_t i = 0; i < count; ++i) {
    Def def;
    def.name = "d" + std::to_string(i);
    std::size_t params = 1 + in_.below(2);
    Scope scope;
    for (std::size_t p = 0; p < params; ++p) {
      Type t;
      switch (in_.below(6)) {
        case 0:
        case 1:
          t = Type::record(static_cast<int>(in_.below(schema.records.size())));
          if (!producible(t, Scope{})) t = scalar_type();
          break;
        case 2:
          t = Type::list(scalar_type());
          break;
        case 3:
          t = Type::optional(scalar_type());
          break;
        default:
          t = scalar_type();
          break;
      }
      def.params.push_back(Var{"p" + std::to_string(p), t});
    }
    def.result = scalar_type();
    scope.vars = def.params;
    std::string body = expr(def.result, scope, 3, true);
    out += "def " + def.name + "(";
    for (std::size_t p = 0; p < def.params.size(); ++p) {
      out += (p ? ", " : "") + def.params[p].name + ": " + type_text(def.params[p].type);
    }
    out += "): " + type_text(def.result) + " = " + body + "\n";
    defs.push_back(std::move(def));  // after its body: defs call earlier ones only
  }
}

void Generator::make_outputs(std::string& out) {
  std::size_t count = in_.below(5);
  for (std::size_t i = 0; i < count; ++i) {
    Output o;
    o.name = "o" + std::to_string(i);
    Scope scope;
    switch (in_.below(6)) {
      case 0:
        o.type = Type::enum_(static_cast<int>(in_.below(schema.enums.size())));
        o.raisable = true;
        break;
      case 1:
        o.type = Type::of(Type::Kind::boolean);
        o.raisable = true;
        break;
      case 2:
        o.type = Type::set(in_.chance(50) ? Type::of(Type::Kind::string) : scalar_type());
        o.raisable = true;
        break;
      case 3:
        o.type = Type::of(in_.chance(50) ? Type::Kind::integer : Type::Kind::number);
        o.raisable = true;
        break;
      case 4:
        o.type = in_.chance(50) ? Type::list(scalar_type()) : scalar_type();  // computed
        break;
      default:
        o.type = scalar_type();
        break;
    }
    out += "output " + o.name + ": " + type_text(o.type);
    // Numbers have no lowest value and other types cannot be joined: they need one.
    bool needs_value = !o.raisable || o.type.is_numeric();
    if (needs_value || in_.chance(50)) out += " = " + expr(o.type, scope, 2, true);
    out += "\n";
    outputs.push_back(std::move(o));
  }
}

std::string Generator::effect(Scope& scope) {
  switch (in_.below(6)) {
    case 0:
      return "deny " + message(scope);
    case 1:
      return "review " + message(scope);
    case 2:
      return "warn " + message(scope);
    case 3: {
      std::string text = "require ob.k" + std::to_string(in_.below(3));
      if (in_.chance(60)) {
        text += " with { ";
        std::size_t n = 1 + in_.below(3);
        for (std::size_t i = 0; i < n; ++i) {
          Type t = scalar_type();
          if (in_.chance(25)) t = Type::list(t);
          text += (i ? ", " : "") + std::string("w") + std::to_string(i) + ": " + expr(t, scope, 2);
        }
        text += " }";
      }
      if (in_.chance(50)) text += " " + message(scope);
      return text;
    }
    default: {
      std::vector<const Output*> raisable;
      for (const Output& o : outputs) {
        if (o.raisable) raisable.push_back(&o);
      }
      if (raisable.empty()) return "warn " + message(scope);
      const Output& o = *raisable[in_.below(raisable.size())];
      return "raise " + o.name + " to " + expr(o.type, scope, 2, true);
    }
  }
}

std::string Generator::rule(int index) {
  std::string text = "rule r" + std::to_string(index) + " {\n";
  if (in_.chance(30)) text += "  title \"Rule " + std::to_string(index) + "\"\n";
  text += "  cite \"Policy " + std::to_string(index) + "\"\n";
  if (in_.chance(50)) text += "  severity " + std::string(severities[in_.below(5)]) + "\n";
  Scope scope;
  std::size_t bindings = in_.below(4);
  for (std::size_t i = 0; i < bindings; ++i) {
    std::string name = fresh("v");
    if (in_.chance(60)) {
      Type domain = domain_type(scope);
      text += "  for " + name + " in " + expr(domain, scope, 2) + "\n";
      scope.vars.push_back(Var{name, domain.inner()});
    } else if (std::vector<Path> all = paths(scope); !all.empty() && in_.chance(20)) {
      // A record, a list of them or an optional value, reached by a path.
      const Path& p = all[in_.below(all.size())];
      text += "  let " + name + " = " + p.text + "\n";
      scope.vars.push_back(Var{name, p.type});
    } else {
      Type t = scalar_type();
      if (in_.chance(20)) t = Type::set(t);
      text += "  let " + name + " = " + expr(t, scope, 2) + "\n";
      scope.vars.push_back(Var{name, t});
    }
  }
  if (in_.chance(90) || bindings == 0) text += "  when " + condition(scope) + "\n";
  if (in_.chance(30)) text += "  unless " + condition(scope) + "\n";
  text += "  then\n";
  std::size_t effects = 1 + in_.below(3);
  for (std::size_t i = 0; i < effects; ++i) text += "    " + effect(scope) + "\n";
  return text + "}\n";
}

void Generator::make_rules(std::string& out) {
  std::size_t count = 1 + in_.below(5);
  for (std::size_t i = 0; i < count; ++i) out += rule(static_cast<int>(i));
}

GeneratedCase Generator::generate() {
  GeneratedCase c;
  std::string& out = c.rules;
  out = "package g\n";
  make_schema(out);
  make_consts(out);
  make_defs(out);
  make_outputs(out);
  make_rules(out);
  c.facts = facts_document();
  c.now = 20'000 + static_cast<std::int64_t>(in_.below(1000));  // mid 2024 to 2027
  c.explain = !in_.chance(20);
  return c;
}

}  // namespace gen

GeneratedCase generate_case(const std::uint8_t* data, std::size_t size,
                            const GeneratorOptions& options) {
  ByteSource in(data, size);
  gen::Generator generator(in, options);
  return generator.generate();
}

}  // namespace precept::fuzz
