#include "fuzz/schema_facts.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "runtime/date.hpp"

namespace precept::fuzz {

namespace {

using json = nlohmann::json;
using runtime::TypeKind;

class SchemaFacts {
 public:
  SchemaFacts(ByteSource& in, const runtime::Image& image) : in_(in), image_(image) {
    for (const runtime::Constant& c : image.constants) {
      if (c.kind == runtime::Constant::Kind::string) strings_.push_back(c.string);
      if (c.kind == runtime::Constant::Kind::date) days_.push_back(c.integer);
    }
    strings_.insert(strings_.end(), {"", "a", "\xC3\xA9", "x y"});
    days_.push_back(*runtime::parse_iso_date("2026-12-04"));
  }

  json record(std::uint32_t index, unsigned depth) {
    json object = json::object();
    if (index >= image_.schema.records.size()) return object;
    for (const runtime::FieldDesc& f : image_.schema.records[index].fields) {
      std::size_t roll = in_.below(100);
      if (roll < 10) continue;  // absent
      if (roll < 15) {
        object[f.name] = nullptr;
      } else if (roll < 20) {
        object[f.name] = wrong();
      } else {
        object[f.name] = value(f.type, depth + 1);
      }
    }
    if (in_.chance(5)) object["not_in_the_schema"] = 1;  // ignored
    return object;
  }

 private:
  json value(std::uint32_t type, unsigned depth) {
    if (type >= image_.schema.types.size() || depth > 8) return nullptr;
    const runtime::TypeDesc& t = image_.schema.types[type];
    switch (t.kind) {
      case TypeKind::boolean:
        return in_.chance(50);
      case TypeKind::integer:
        return integer();
      case TypeKind::number:
        return in_.chance(30) ? json(integer()) : json(number());
      case TypeKind::string:
        return pick(strings_);
      case TypeKind::date: {
        if (in_.chance(5)) return "2026-02-30";  // not a date: an input error
        std::int64_t day = pick(days_) + static_cast<std::int64_t>(in_.below(5)) - 2;
        return runtime::format_iso_date(day);
      }
      case TypeKind::enumeration:
        return member(t.ref);
      case TypeKind::optional:
        return in_.chance(20) ? json(nullptr) : value(t.ref, depth);
      case TypeKind::list:
      case TypeKind::set: {
        json items = json::array();
        std::size_t n = in_.below(5);
        for (std::size_t i = 0; i < n; ++i) items.push_back(value(t.ref, depth + 1));
        if (n > 0 && in_.chance(10)) items.push_back(items.front());  // a repeat
        return items;
      }
      case TypeKind::record:
        return record(t.ref, depth);
    }
    return nullptr;
  }

  json integer() {
    switch (in_.below(10)) {
      case 0:
        return std::numeric_limits<std::int64_t>::max();
      case 1:
        return std::numeric_limits<std::int64_t>::min();
      case 2:
        return std::numeric_limits<std::uint64_t>::max();  // past an int
      case 3:
        return 2.0;  // a whole number: fills an int
      case 4:
        return 0.5;  // an input error
      default:
        return static_cast<std::int64_t>(in_.below(20)) - 5;
    }
  }
  json number() {
    switch (in_.below(8)) {
      case 0:
        return 1e308;
      case 1:
        return -0.0;
      case 2:
        return 5e-324;
      default:
        return static_cast<double>(in_.below(2000)) / 8.0 - 50.0;
    }
  }
  json member(std::uint32_t index) {
    if (index >= image_.schema.enums.size()) return nullptr;
    const auto& members = image_.schema.enums[index].members;
    if (members.empty() || in_.chance(5)) return "no_such_member";
    const runtime::EnumMember& m = members[in_.below(members.size())];
    if (in_.chance(30)) {
      if (m.code == runtime::EnumMember::Code::integer) return m.int_code;
      if (m.code == runtime::EnumMember::Code::string) return m.string_code;
    }
    return m.name;
  }
  json wrong() {
    switch (in_.below(4)) {
      case 0:
        return "x";
      case 1:
        return json::array({1});
      case 2:
        return json::object();
      default:
        return 1.5;
    }
  }
  template <class T>
  const T& pick(const std::vector<T>& from) {
    return from[in_.below(from.size())];
  }

  ByteSource& in_;
  const runtime::Image& image_;
  std::vector<std::string> strings_;
  std::vector<std::int64_t> days_;
};

}  // namespace

nlohmann::json facts_for_schema(ByteSource& in, const runtime::Image& image) {
  return SchemaFacts(in, image).record(image.schema.root, 0);
}

}  // namespace precept::fuzz
