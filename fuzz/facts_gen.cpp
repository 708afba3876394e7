// Facts documents for generated programs: mostly well-typed, with absent
// fields, nulls, values of the wrong JSON type, fractions and huge numbers
// in ints, enum codes and unknown members, invalid dates and repeated set
// elements, so every path of the loaders and the three-valued logic is hit.
#include <cstdint>
#include <limits>

#include "fuzz/program_gen_internal.hpp"

namespace precept::fuzz::gen {

namespace {

using json = nlohmann::json;
using K = Type::Kind;

const char* const strings[] = {"a", "b", "ab", "A", "\xC3\xA9", "a(", "x y", ""};
constexpr std::size_t nonempty_strings = 7;  // without the last
const char* const dates[] = {"2026-01-01", "2026-12-04", "2025-06-30", "2027-08-02", "2024-02-29"};

class FactsWriter {
 public:
  FactsWriter(ByteSource& in, const Schema& schema, bool empty_strings)
      : in_(in),
        schema_(schema),
        string_count_(empty_strings ? std::size(strings) : nonempty_strings) {}

  json record(const std::vector<Field>& fields) {
    json object = json::object();
    for (const Field& f : fields) {
      std::size_t roll = in_.below(100);
      if (roll < 12) continue;  // absent
      if (roll < 17) {
        object[f.name] = nullptr;  // the same as absent
      } else if (roll < 22) {
        object[f.name] = wrong(f.type);
      } else {
        object[f.name] = value(f.type);
      }
    }
    if (in_.chance(5)) object["unknown_key"] = 1;  // ignored
    return object;
  }

 private:
  json value(const Type& t) {
    switch (t.kind) {
      case K::boolean:
        return in_.chance(50);
      case K::integer:
        switch (in_.below(12)) {
          case 0:
            return 3.0;  // fills an int
          case 1:
            return 1.5;  // an input error
          case 2:
            return std::numeric_limits<std::uint64_t>::max();  // past 64 bits
          case 3:
            return std::numeric_limits<std::int64_t>::max();
          case 4:
            return std::numeric_limits<std::int64_t>::min();
          default:
            return static_cast<std::int64_t>(in_.below(14)) - 3;
        }
      case K::number:
        switch (in_.below(8)) {
          case 0:
            return 0.5;
          case 1:
            return -2.25;
          case 2:
            return 1e300;
          case 3:
            return 0.0;
          default:
            return static_cast<std::int64_t>(in_.below(10)) - 2;
        }
      case K::string:
        return strings[in_.below(string_count_)];
      case K::date:
        if (in_.chance(8)) return "2026-02-30";  // not a date
        return dates[in_.below(std::size(dates))];
      case K::enumeration: {
        const Enum& e = schema_.enums[static_cast<std::size_t>(t.index)];
        std::size_t m = in_.below(e.members.size());
        if (in_.chance(8)) return "zz";  // no member
        const auto& code = e.codes[m];
        if (in_.chance(50)) {
          if (auto* i = std::get_if<std::int64_t>(&code)) return *i;
          if (auto* s = std::get_if<std::string>(&code)) return *s;
        }
        return e.members[m];
      }
      case K::list:
      case K::set: {
        json array = json::array();
        std::size_t n = in_.below(4);
        for (std::size_t i = 0; i < n; ++i) {
          std::size_t roll = in_.below(100);
          if (roll < 5) {
            array.push_back(nullptr);  // an input error in a list
          } else if (roll < 10) {
            array.push_back(wrong(t.inner()));
          } else {
            array.push_back(value(t.inner()));
          }
        }
        return array;
      }
      case K::record:
        return record(schema_.records[static_cast<std::size_t>(t.index)].fields);
      case K::optional:
        return value(t.inner());
    }
    return nullptr;
  }

  // A value of another JSON type than `t` wants.
  json wrong(const Type& t) {
    const Type& u = t.kind == K::optional ? t.inner() : t;
    switch (u.kind) {
      case K::string:
      case K::date:
      case K::enumeration:
        return in_.chance(50) ? json(5) : json(true);
      case K::list:
      case K::set:
        return in_.chance(50) ? json("x") : json::object();
      case K::record:
        return in_.chance(50) ? json("x") : json::array();
      case K::number:
        return "1.5";
      default:
        return in_.chance(50) ? json("x") : json::array();
    }
  }

  ByteSource& in_;
  const Schema& schema_;
  std::size_t string_count_;
};

}  // namespace

nlohmann::json Generator::facts_document() {
  FactsWriter writer(in_, schema, options_.empty_strings);
  return writer.record(schema.facts);
}

}  // namespace precept::fuzz::gen
