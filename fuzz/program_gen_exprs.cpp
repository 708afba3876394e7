// Typed expressions for the program generator: for a wanted type, one of the
// forms the checker accepts for it (docs/language.md "Type rules"), every
// composite parenthesised so precedence never changes what was meant.
#include <cctype>
#include <utility>
#include <vector>

#include "fuzz/program_gen_internal.hpp"

namespace precept::fuzz::gen {

namespace {

using K = Type::Kind;

const char* const strings[] = {"a", "b", "ab", "A", "\\u{e9}", "x y", ""};
constexpr std::size_t nonempty_strings = 6;  // without the last
const char* const dates[] = {"2026-01-01", "2026-12-04", "2025-06-30", "2027-08-02"};
const char* const patterns[] = {"^a", "b$", "a+", ".", "^$", "[ab]c?", "^[a-z]+$", "(a|b)"};
const char* const compare_ops[] = {"==", "!=", "<", "<=", ">", ">="};

std::string paren(const std::string& s) { return "(" + s + ")"; }

// Whether generated text is a compile-time constant: it names no fact
// (`f0`), variable (`v0`, `q0`), parameter (`p0`), def (`d0`) or now().
bool is_constant_text(const std::string& text) {
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    char c = text[i];
    bool starts_name =
        i == 0 || !(std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '_');
    if (starts_name && (c == 'f' || c == 'v' || c == 'q' || c == 'p' || c == 'd') &&
        std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
      return false;
    }
  }
  return text.find("now()") == std::string::npos;
}

}  // namespace

std::string Generator::type_text(const Type& t) const {
  switch (t.kind) {
    case K::boolean:
      return "bool";
    case K::integer:
      return "int";
    case K::number:
      return "number";
    case K::string:
      return "string";
    case K::date:
      return "date";
    case K::enumeration:
      return schema.enums[static_cast<std::size_t>(t.index)].name;
    case K::record:
      return schema.records[static_cast<std::size_t>(t.index)].name;
    case K::list:
      return "list<" + type_text(t.inner()) + ">";
    case K::set:
      return "set<" + type_text(t.inner()) + ">";
    case K::optional:
      return type_text(t.inner()) + "?";
  }
  return "bool";
}

std::string Generator::literal(const Type& t) {
  switch (t.kind) {
    case K::boolean:
      return in_.chance(50) ? "true" : "false";
    case K::integer: {
      static const char* const ints[] = {"0",  "1",  "2",     "3",
                                         "10", "-1", "1_000", "9223372036854775807"};
      return ints[in_.below(std::size(ints))];
    }
    case K::number: {
      std::vector<const char*> numbers = {"0.5", "2.0", "-1.5", "1e3", "3.25"};
      if (options_.signed_zero_literals) numbers.push_back("0.0");
      if (options_.huge_number_literals) numbers.push_back("1e308");
      return numbers[in_.below(numbers.size())];
    }
    case K::string:
      return "\"" +
             std::string(strings[in_.below(options_.empty_strings ? std::size(strings)
                                                                  : nonempty_strings)]) +
             "\"";
    case K::date:
      return "\"" + std::string(dates[in_.below(std::size(dates))]) + "\"";
    case K::enumeration: {
      const Enum& e = schema.enums[static_cast<std::size_t>(t.index)];
      return e.name + "." + e.members[in_.below(e.members.size())];
    }
    case K::list:
    case K::set: {
      if (!t.inner().is_scalar() || in_.chance(40)) return t.kind == K::list ? "[]" : "{}";
      std::string items = literal(t.inner());
      if (in_.chance(50)) items += ", " + literal(t.inner());
      return t.kind == K::list ? "[" + items + "]" : "{" + items + "}";
    }
    case K::optional:
      return in_.chance(50) ? "none" : literal(t.inner());
    case K::record:
      break;
  }
  return "true";
}

// ---------------------------------------------------------------- paths ---

std::vector<Path> Generator::paths(const Scope& scope) {
  std::vector<Path> found;
  std::vector<Path> roots;
  for (const Var& v : scope.vars) roots.push_back(Path{v.name, v.type});
  for (std::size_t i = 0; i < consts.size(); ++i) roots.push_back(Path{consts[i], const_types[i]});
  if (!scope.constant) {
    for (const Field& f : schema.facts) roots.push_back(Path{f.name, f.type});
  }
  // Fields (also through an optional record, which reads as an empty one
  // when absent) and list elements, a few levels deep.
  std::vector<Path> frontier = roots;
  for (int depth = 0; depth < 3 && !frontier.empty(); ++depth) {
    std::vector<Path> next;
    for (const Path& p : frontier) {
      found.push_back(p);
      const Type& t = p.type.kind == K::optional ? p.type.inner() : p.type;
      if (t.kind == K::record) {
        for (const Field& f : schema.records[static_cast<std::size_t>(t.index)].fields) {
          next.push_back(Path{p.text + "." + f.name, f.type});
        }
      } else if (p.type.kind == K::list) {
        next.push_back(Path{p.text + "[" + std::to_string(depth % 2) + "]", t.inner()});
      }
    }
    frontier = std::move(next);
  }
  for (const Path& p : frontier) found.push_back(p);
  return found;
}

std::optional<std::string> Generator::path_of(const Type& t, const Scope& scope) {
  std::vector<const Path*> matching;
  std::vector<Path> all = paths(scope);
  for (const Path& p : all) {
    if (p.type == t) matching.push_back(&p);
  }
  if (matching.empty()) return std::nullopt;
  return matching[in_.below(matching.size())]->text;
}

bool Generator::producible(const Type& t, const Scope& scope) {
  if (t.is_scalar()) return true;
  if (t.is_collection() && t.inner().is_scalar()) return true;
  for (const Path& p : paths(scope)) {
    if (p.type == t) return true;
  }
  return t.kind == K::list && producible(t.inner(), scope);
}

// --------------------------------------------------------- expressions ---

std::string Generator::expr(const Type& t, Scope& scope, int depth, bool hinted) {
  // Records and optionals are reached through paths; `none` where the type is known.
  if (t.kind == K::record) return path_of(t, scope).value_or("true");
  if (t.kind == K::optional) {
    if (auto p = path_of(t, scope); p && !in_.chance(20)) return *p;
    if (hinted && in_.chance(50)) return "none";
    return expr(t.inner(), scope, depth, hinted);
  }
  bool leaf = depth <= 0 || in_.chance(25);
  if (leaf || t.is_collection()) {
    if (auto p = path_of(t, scope); p && (t.is_collection() ? in_.chance(70) : in_.chance(60)))
      return *p;
  }
  if (t.is_collection()) {
    if (depth > 0 && in_.chance(15)) {
      return if_expr(t, scope, depth, hinted);
    }
    return collection_literal(t, scope, depth, hinted);
  }
  if (leaf) {
    // A date literal needs a date expected there; a const cannot call now().
    if (t.kind == K::date && !hinted)
      return scope.constant ? path_of(t, scope).value_or(literal(t)) : "now()";
    return literal(t);
  }
  // Forms every scalar type has: `if`, `??`, a def call.
  switch (in_.below(10)) {
    case 0:
      return if_expr(t, scope, depth, hinted);
    case 1:
      if (auto p = path_of(Type::optional(t), scope))
        return paren(*p + " ?? " + expr(t, scope, depth - 1, true));
      if (auto p = path_of(t, scope)) return paren(*p + " ?? " + expr(t, scope, depth - 1, true));
      break;
    case 2:
      if (auto call = def_call(t, scope, depth)) return *call;
      break;
    default:
      break;
  }
  switch (t.kind) {
    case K::boolean:
      return bool_expr(scope, depth);
    case K::integer:
      return int_expr(scope, depth);
    case K::number:
      return number_expr(scope, depth);
    case K::string:
      return string_expr(scope, depth);
    case K::date:
      if (!scope.constant && in_.chance(50)) return "now()";
      if (auto p = path_of(t, scope)) return *p;
      return hinted || scope.constant ? literal(t) : "now()";
    case K::enumeration:
      if (in_.chance(30)) return aggregate(t, scope, depth);
      if (auto p = path_of(t, scope); p && in_.chance(60)) return *p;
      return literal(t);
    default:
      return literal(t);
  }
}

// `if c then a else b`; the else branch has the then branch's type.
std::string Generator::if_expr(const Type& t, Scope& scope, int depth, bool hinted) {
  std::string c = expr(Type::of(K::boolean), scope, depth - 1);
  std::string a = expr(t, scope, depth - 1, hinted);
  std::string b = expr(t, scope, depth - 1, true);
  return paren("if " + c + " then " + a + " else " + b);
}

std::string Generator::collection_literal(const Type& t, Scope& scope, int depth, bool hinted) {
  const bool list = t.kind == K::list;
  std::size_t n = in_.below(4);
  if (n == 0 && !hinted) n = 1;
  std::string items;
  for (std::size_t i = 0; i < n; ++i) {
    // The first element gives the others their type unless the literal has one.
    items += (i ? ", " : "") + expr(t.inner(), scope, depth - 1, hinted || i > 0);
  }
  return list ? "[" + items + "]" : "{" + items + "}";
}

std::optional<std::string> Generator::def_call(const Type& t, Scope& scope, int depth) {
  if (scope.constant) return std::nullopt;  // a const cannot call a def
  std::vector<const Def*> fitting;
  for (const Def& d : defs) {
    if (d.result == t) fitting.push_back(&d);
  }
  if (fitting.empty()) return std::nullopt;
  const Def& d = *fitting[in_.below(fitting.size())];
  for (const Var& p : d.params) {
    if (!producible(p.type, scope)) return std::nullopt;
  }
  std::string call = d.name + "(";
  for (std::size_t i = 0; i < d.params.size(); ++i) {
    call += (i ? ", " : "") + expr(d.params[i].type, scope, depth - 1, true);
  }
  return call + ")";
}

// A scalar type for a comparison or membership test.
Type Generator::comparable_type() {
  switch (in_.below(6)) {
    case 0:
      return Type::of(K::integer);
    case 1:
      return Type::of(K::number);
    case 2:
      return Type::of(K::string);
    case 3:
      return Type::of(K::date);
    case 4:
      return Type::enum_(static_cast<int>(in_.below(schema.enums.size())));
    default:
      return Type::of(K::boolean);
  }
}

// The type of a `for`, quantifier or aggregate domain: a collection path
// in scope (facts lists and sets, variables), or a literal of scalars.
Type Generator::domain_type(const Scope& scope) {
  std::vector<Type> candidates;
  for (const Path& p : paths(scope)) {
    if (p.type.is_collection()) candidates.push_back(p.type);
  }
  if (!candidates.empty() && in_.chance(80)) return candidates[in_.below(candidates.size())];
  Type element = comparable_type();
  return in_.chance(50) ? Type::list(element) : Type::set(element);
}

std::string Generator::quantifier(Scope& scope, int depth) {
  Type domain = domain_type(scope);
  std::string dom = expr(domain, scope, depth - 1);
  std::string var = fresh("q");
  scope.vars.push_back(Var{var, domain.inner()});
  std::string body = expr(Type::of(K::boolean), scope, depth - 1);
  scope.vars.pop_back();
  return paren(std::string(in_.chance(50) ? "some " : "every ") + var + " in " + dom + ": " + body);
}

std::string Generator::aggregate(const Type& t, Scope& scope, int depth) {
  Type domain = domain_type(scope);
  std::string dom = expr(domain, scope, depth - 1);
  std::string var = fresh("q");
  scope.vars.push_back(Var{var, domain.inner()});
  std::string where =
      in_.chance(50) ? " where " + expr(Type::of(K::boolean), scope, depth - 1) : "";
  std::string text;
  if (t.kind == K::integer && in_.chance(40)) {
    text = "count(" + var + " in " + dom + where;
  } else {
    const char* kind = t.is_numeric() && in_.chance(50) ? "sum" : in_.chance(50) ? "max" : "min";
    text =
        std::string(kind) + "(" + expr(t, scope, depth - 1) + " for " + var + " in " + dom + where;
  }
  scope.vars.pop_back();
  bool needs_default = text.rfind("max", 0) == 0 || text.rfind("min", 0) == 0;
  if (needs_default || in_.chance(30)) text += ", default " + expr(t, scope, depth - 1, true);
  return text + ")";
}

std::string Generator::bool_expr(Scope& scope, int depth) {
  const Type boolean = Type::of(K::boolean);
  switch (in_.below(16)) {
    case 0:
    case 1: {
      Type u = comparable_type();
      const char* op = compare_ops[in_.below(u.kind == K::boolean ? 2 : 6)];
      std::string a = expr(u, scope, depth - 1);
      std::string b = expr(u, scope, depth - 1, true);
      return paren(a + " " + op + " " + b);
    }
    case 2:
    case 3: {
      std::string a = expr(boolean, scope, depth - 1);
      std::string b = expr(boolean, scope, depth - 1);
      if (!options_.absorbing_constant_operands && is_constant_text(b) && !is_constant_text(a)) {
        std::swap(a, b);
      }
      return paren(a + (in_.chance(50) ? " and " : " or ") + b);
    }
    case 4:
      return paren("not " + expr(boolean, scope, depth - 1));
    case 5: {
      Type u = comparable_type();
      Type c = in_.chance(50) ? Type::set(u) : Type::list(u);
      std::string x = expr(u, scope, depth - 1);
      const char* op = in_.chance(70) ? " in " : " not in ";
      std::string collection = expr(c, scope, depth - 1, true);
      return paren(x + op + collection);
    }
    case 6: {
      Type u = comparable_type();
      Type a = in_.chance(50) ? Type::set(u) : Type::list(u);
      Type b = in_.chance(50) ? Type::set(u) : Type::list(u);
      std::string left = expr(a, scope, depth - 1);
      const char* op = in_.chance(50) ? " intersects " : " within ";
      std::string right = expr(b, scope, depth - 1, true);
      return paren(left + op + right);
    }
    case 7:
    case 8:
      return quantifier(scope, depth);
    case 9: {
      // present(x) takes any value; `== none` only an optional one.
      Type u = comparable_type();
      if (auto p = path_of(Type::optional(u), scope); p && in_.chance(60)) {
        return paren(*p + (in_.chance(50) ? " == none" : " != none"));
      }
      return "present(" + path_of(Type::optional(u), scope).value_or(expr(u, scope, depth - 1)) +
             ")";
    }
    case 10: {
      Type u = comparable_type();
      if (auto p = path_of(Type::optional(u), scope)) {
        const char* op = in_.chance(50) ? " == " : " != ";
        return paren(*p + op + expr(u, scope, depth - 1, true));
      }
      break;
    }
    case 11: {
      static const char* const predicates[] = {"starts_with", "ends_with", "contains"};
      Type s = Type::of(K::string);
      const char* predicate = predicates[in_.below(3)];
      std::string text = expr(s, scope, depth - 1);
      std::string part = expr(s, scope, depth - 1);
      return std::string(predicate) + "(" + text + ", " + part + ")";
    }
    case 12: {
      Type s = Type::of(K::string);
      // A pattern from the facts may not compile: an evaluation error.
      std::string pattern =
          in_.chance(80) ? "\"" + std::string(patterns[in_.below(std::size(patterns))]) + "\""
                         : expr(s, scope, depth - 1);
      return "matches(" + expr(s, scope, depth - 1) + ", " + pattern + ")";
    }
    case 13: {
      Type u = comparable_type();
      Type c = in_.chance(50) ? Type::set(u) : Type::list(u);
      std::string a = expr(c, scope, depth - 1);
      const char* op = in_.chance(50) ? " == " : " != ";
      std::string b = expr(c, scope, depth - 1, true);
      return paren(a + op + b);
    }
    default:
      break;
  }
  if (auto p = path_of(boolean, scope)) return *p;
  return literal(boolean);
}

std::string Generator::int_expr(Scope& scope, int depth) {
  const Type integer = Type::of(K::integer);
  switch (in_.below(13)) {
    case 0:
    case 1: {
      static const char* const ops[] = {" + ", " - ", " * ", " % "};
      std::string a = expr(integer, scope, depth - 1);
      const char* op = ops[in_.below(4)];
      std::string b = expr(integer, scope, depth - 1);
      return paren(a + op + b);
    }
    case 2:
      return paren("-" + expr(integer, scope, depth - 1));
    case 3: {
      if (in_.chance(50)) return "len(" + expr(Type::of(K::string), scope, depth - 1) + ")";
      return "len(" + expr(domain_type(scope), scope, depth - 1) + ")";
    }
    case 4:
    case 5:
      return aggregate(integer, scope, depth);
    case 6:
      if (!scope.constant) {
        std::string from = expr(Type::of(K::date), scope, depth - 1, true);
        std::string to = expr(Type::of(K::date), scope, depth - 1, true);
        return "days_between(" + from + ", " + to + ")";
      }
      break;
    case 7: {
      const char* function = in_.chance(50) ? "floor(" : "ceil(";
      return function + expr(Type::of(K::number), scope, depth - 1) + ")";
    }
    case 8:
      return "abs(" + expr(integer, scope, depth - 1) + ")";
    case 9: {
      std::string list = expr(Type::list(integer), scope, depth - 1);
      std::string index = expr(integer, scope, 0);
      if (options_.huge_indexes) return list + "[" + index + "]";
      return list + "[(" + index + " % 4)]";
    }
    default:
      break;
  }
  if (auto p = path_of(integer, scope)) return *p;
  return literal(integer);
}

std::string Generator::number_expr(Scope& scope, int depth) {
  const Type number = Type::of(K::number);
  switch (in_.below(9)) {
    case 0:
    case 1: {
      static const char* const ops[] = {" + ", " - ", " * ", " / "};
      Type a = in_.chance(50) ? number : Type::of(K::integer);
      Type b = in_.chance(50) ? number : Type::of(K::integer);
      std::string left = expr(a, scope, depth - 1);
      const char* op = ops[in_.below(4)];
      std::string right = expr(b, scope, depth - 1);
      return paren(left + op + right);
    }
    case 2:
      return expr(Type::of(K::integer), scope, depth - 1);  // an int promotes
    case 3:
      return "abs(" + expr(number, scope, depth - 1) + ")";
    case 4:
      return aggregate(number, scope, depth);
    case 5:
      return paren("-" + expr(number, scope, depth - 1));
    default:
      break;
  }
  if (auto p = path_of(number, scope)) return *p;
  return literal(number);
}

std::string Generator::string_expr(Scope& scope, int depth) {
  const Type string = Type::of(K::string);
  switch (in_.below(8)) {
    case 0:
    case 1: {
      std::string a = expr(string, scope, depth - 1);
      std::string b = expr(string, scope, depth - 1);
      return paren(a + " + " + b);
    }
    case 2: {
      const char* function = in_.chance(50) ? "lower(" : "upper(";
      return function + expr(string, scope, depth - 1) + ")";
    }
    case 3:
      if (options_.interpolation_in_conditions) {
        return "\"<${" + expr(comparable_type(), scope, depth - 1) + "}>\"";
      }
      break;
    case 4:
      if (in_.chance(50)) return aggregate(string, scope, depth);
      break;
    default:
      break;
  }
  if (auto p = path_of(string, scope)) return *p;
  return literal(string);
}

std::string Generator::message(Scope& scope) {
  std::string text = "\"m";
  std::size_t parts = in_.below(3);
  for (std::size_t i = 0; i < parts; ++i) {
    text += " ${" + expr(comparable_type(), scope, 1) + "}";
  }
  return text + "\"";
}

}  // namespace precept::fuzz::gen
