// Builtin functions of the reference evaluator (docs/language.md, "The
// standard library"), written from their documentation one by one.
#include <fmt/format.h>
#include <re2/re2.h>

#include <cmath>
#include <limits>
#include <optional>

#include "lang/reference_eval.hpp"
#include "stdlib/builtins.hpp"

namespace precept::lang::reference {

namespace {

std::int64_t code_points(const std::string& s) {
  std::int64_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;  // every byte but a UTF-8 continuation starts a code point
  }
  return n;
}

std::string ascii_case(std::string s, bool upper) {
  // lower and upper change ASCII letters only.
  for (char& c : s) {
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

bool starts_with(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}

bool ends_with(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

// A number as an int: unknown outside the int range.
std::optional<std::int64_t> to_int(double d) {
  constexpr double low = -9223372036854775808.0;  // -2^63, exactly representable
  if (!(d >= low && d < -low)) return std::nullopt;
  return static_cast<std::int64_t>(d);
}

}  // namespace

Value Evaluator::eval_builtin(const Expr& e, const Call& call, std::uint32_t builtin) {
  using stdlib::BuiltinId;
  auto id = static_cast<BuiltinId>(builtin);
  std::vector<Value> args;
  for (const ExprPtr& arg : call.args) args.push_back(arg ? eval(*arg) : Value::unknown());

  // present(x) is false for none and for a missing fact: it never is unknown.
  if (id == BuiltinId::present) {
    bool present = !args.empty() && !args[0].is_unknown() && args[0].kind != Value::Kind::none;
    return Value::of(present);
  }
  if (id == BuiltinId::now) return Value::of_date(run_.options.now);

  // Any other builtin of an unknown argument is unknown.
  PathList missing;
  bool unknown = false;
  for (const Value& a : args) {
    if (a.is_unknown()) {
      unknown = true;
      missing.add_all(a.missing);
    }
  }
  if (unknown || args.size() < stdlib::builtin(id).arity) return Value::unknown(std::move(missing));
  const Value& x = args[0];

  switch (id) {
    case BuiltinId::len:
      if (x.kind == Value::Kind::string) return Value::of_int(code_points(x.text));
      // A collection with a missing element is unknown where used whole.
      if (has_unknown_element(x)) return Value::unknown(unknown_elements(x));
      return Value::of_int(static_cast<std::int64_t>(x.elements().size()));
    case BuiltinId::lower:
    case BuiltinId::upper:
      return Value::of_string(ascii_case(x.text, id == BuiltinId::upper));
    case BuiltinId::starts_with:
      return Value::of(starts_with(x.text, args[1].text));
    case BuiltinId::ends_with:
      return Value::of(ends_with(x.text, args[1].text));
    case BuiltinId::contains:
      return Value::of(x.text.find(args[1].text) != std::string::npos);
    case BuiltinId::matches: {
      // An unanchored RE2 search; a pattern that does not compile (RE2's
      // default 8 MiB budget) is an evaluation error and the value unknown.
      // Its cost in steps is the VM's fuel for it (docs/security.md "Fuel"):
      // the pattern's bytes before compiling, 64 per program instruction
      // after, then text × program / 16 before matching, so a hostile
      // pattern stops the decision before RE2 runs long. The reference
      // compiles on every call and charges every call; the VM charges a
      // pattern's compiling once per evaluation. Decisions that hit a limit
      // are not compared, so the two need not stop at the same place.
      const std::string& pattern = args[1].text;
      run_.charge(e.span, pattern.size());
      RE2::Options options;
      options.set_log_errors(false);
      options.set_max_mem(std::int64_t{8} << 20);
      RE2 re(pattern, options);
      if (!re.ok()) {
        run_.evaluation_error(e.span,
                              "`" + pattern + "` is not a valid regular expression: " + re.error());
        return Value::unknown();
      }
      auto program = static_cast<std::uint64_t>(re.ProgramSize());
      run_.charge(e.span, 64 * program);
      run_.charge(e.span, x.text.size() * program / 16);
      return Value::of(RE2::PartialMatch(x.text, re));
    }
    case BuiltinId::abs:
      if (x.kind == Value::Kind::integer) {
        if (x.integer == std::numeric_limits<std::int64_t>::min()) {
          run_.evaluation_error(e.span, "integer overflow");
          return Value::unknown();
        }
        return Value::of_int(x.integer < 0 ? -x.integer : x.integer);
      }
      return Value::of_number(std::fabs(x.number));
    case BuiltinId::floor:
    case BuiltinId::ceil: {
      double n = x.kind == Value::Kind::integer ? static_cast<double>(x.integer) : x.number;
      double rounded = id == BuiltinId::floor ? std::floor(n) : std::ceil(n);
      if (auto i = to_int(rounded)) return Value::of_int(*i);
      // Reported once per place and value.
      run_.evaluation_error(e.span, fmt::format("`{}` is outside the int range", rounded));
      return Value::unknown();
    }
    case BuiltinId::days_between:
      return Value::of_int(args[1].integer - x.integer);  // days from a to b
    default:
      return Value::unknown();
  }
}

}  // namespace precept::lang::reference
