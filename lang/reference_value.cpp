#include "lang/reference_value.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "lang/ast.hpp"
#include "runtime/date.hpp"

namespace precept::lang::reference {

void PathList::add(const std::string& path) {
  if (std::find(paths_.begin(), paths_.end(), path) == paths_.end()) paths_.push_back(path);
}

void PathList::add_all(const PathList& other) {
  for (const std::string& p : other.paths_) add(p);
}

const Items& Value::elements() const {
  static const Items empty;
  return items ? *items : empty;
}

Value Value::unknown(PathList missing) {
  Value v;
  v.missing = std::move(missing);
  return v;
}

Value Value::missing_fact(const std::string& path) {
  Value v;
  v.missing.add(path);
  return v;
}

Value Value::none() {
  Value v;
  v.kind = Kind::none;
  return v;
}

Value Value::of(bool b) {
  Value v;
  v.kind = Kind::boolean;
  v.boolean = b;
  return v;
}

Value Value::of_int(std::int64_t i) {
  Value v;
  v.kind = Kind::integer;
  v.integer = i;
  return v;
}

Value Value::of_number(double n) {
  Value v;
  v.kind = Kind::number;
  v.number = n;
  return v;
}

Value Value::of_string(std::string s) {
  Value v;
  v.kind = Kind::string;
  v.text = std::move(s);
  return v;
}

Value Value::of_date(std::int64_t days) {
  Value v;
  v.kind = Kind::date;
  v.integer = days;
  return v;
}

Value Value::of_member(const Type* enum_type, std::uint32_t index) {
  Value v;
  v.kind = Kind::member;
  v.enum_type = enum_type;
  v.integer = index;
  return v;
}

Value Value::list_of(Items items) {
  Value v;
  v.kind = Kind::list;
  v.items = std::make_shared<const Items>(std::move(items));
  return v;
}

Value Value::set_of(Items items, bool* dropped) {
  Items unique;
  bool any_dropped = false;
  for (Value& item : items) {
    // An unknown element cannot be compared, so it is kept as it is.
    bool repeat =
        !item.is_unknown() && std::any_of(unique.begin(), unique.end(), [&](const Value& u) {
          return !u.is_unknown() && values_equal(u, item);
        });
    if (repeat) {
      any_dropped = true;
    } else {
      unique.push_back(std::move(item));
    }
  }
  if (dropped != nullptr) *dropped = any_dropped;
  Value v;
  v.kind = Kind::set;
  v.items = std::make_shared<const Items>(std::move(unique));
  return v;
}

PathList unknown_elements(const Value& collection) {
  PathList paths;
  for (const Value& e : collection.elements()) {
    if (e.is_unknown()) paths.add_all(e.missing);
  }
  return paths;
}

bool has_unknown_element(const Value& collection) {
  const Items& items = collection.elements();
  return std::any_of(items.begin(), items.end(), [](const Value& e) { return e.is_unknown(); });
}

namespace {

bool is_numeric(const Value& v) {
  return v.kind == Value::Kind::integer || v.kind == Value::Kind::number;
}

double as_number(const Value& v) {
  return v.kind == Value::Kind::integer ? static_cast<double>(v.integer) : v.number;
}

bool contains_equal(const Items& items, const Value& x) {
  return std::any_of(items.begin(), items.end(),
                     [&](const Value& e) { return values_equal(e, x); });
}

}  // namespace

bool values_equal(const Value& a, const Value& b) {
  using K = Value::Kind;
  if (is_numeric(a) && is_numeric(b)) {
    if (a.kind == K::integer && b.kind == K::integer) return a.integer == b.integer;
    return as_number(a) == as_number(b);
  }
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case K::unknown:
    case K::none:
      return true;
    case K::boolean:
      return a.boolean == b.boolean;
    case K::string:
      return a.text == b.text;
    case K::date:
      return a.integer == b.integer;
    case K::member:
      return a.enum_type == b.enum_type && a.integer == b.integer;
    case K::list: {
      const Items& x = a.elements();
      const Items& y = b.elements();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!values_equal(x[i], y[i])) return false;
      }
      return true;
    }
    case K::set: {
      const Items& x = a.elements();
      const Items& y = b.elements();
      if (x.size() != y.size()) return false;
      return std::all_of(x.begin(), x.end(), [&](const Value& e) { return contains_equal(y, e); });
    }
    case K::record:
      return a.record == b.record;
    case K::integer:
    case K::number:
      break;
  }
  return false;
}

int compare_values(const Value& a, const Value& b) {
  using K = Value::Kind;
  if (is_numeric(a) && is_numeric(b)) {
    if (a.kind == K::integer && b.kind == K::integer) {
      return a.integer < b.integer ? -1 : a.integer > b.integer ? 1 : 0;
    }
    double x = as_number(a);
    double y = as_number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.kind == K::string) {
    // std::string compares bytes as unsigned chars: UTF-8 byte order is code point order.
    int c = a.text.compare(b.text);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  // dates and members: days and declaration order
  return a.integer < b.integer ? -1 : a.integer > b.integer ? 1 : 0;
}

Value coerce(const Value& v, const Type* type) {
  if (type == nullptr) return v;
  const Type* t = strip_optional(type);
  if (t->kind == TypeKind::number && v.kind == Value::Kind::integer) {
    Value n = Value::of_number(static_cast<double>(v.integer));
    n.path = v.path;
    return n;
  }
  if (is_collection(t) && v.is_collection() &&
      strip_optional(t->element)->kind == TypeKind::number) {
    const Items& items = v.elements();
    bool any_int = std::any_of(items.begin(), items.end(),
                               [](const Value& e) { return e.kind == Value::Kind::integer; });
    if (!any_int) return v;
    Items converted;
    for (const Value& e : items) converted.push_back(coerce(e, t->element));
    Value c = v;
    c.items = std::make_shared<const Items>(std::move(converted));
    return c;
  }
  return v;
}

nlohmann::json to_json(const Value& v) {
  using K = Value::Kind;
  switch (v.kind) {
    case K::unknown:
    case K::none:
      return nullptr;
    case K::boolean:
      return v.boolean;
    case K::integer:
      return v.integer;
    case K::number:
      return v.number;
    case K::string:
      return v.text;
    case K::date:
      return runtime::format_iso_date(v.integer);
    case K::member: {
      const EnumDecl* decl = v.enum_type ? v.enum_type->enum_decl() : nullptr;
      if (decl && v.integer >= 0 && static_cast<std::size_t>(v.integer) < decl->members.size()) {
        return decl->members[static_cast<std::size_t>(v.integer)].name.name;
      }
      return nullptr;
    }
    case K::list:
    case K::set: {
      nlohmann::json a = nlohmann::json::array();
      for (const Value& e : v.elements()) a.push_back(to_json(e));
      return a;
    }
    case K::record: {
      // Only for completeness: decisions never show a record whole.
      nlohmann::json o = nlohmann::json::object();
      if (v.record && v.record->type) {
        for (std::size_t i = 0; i < v.record->type->fields.size(); ++i) {
          o[v.record->type->fields[i].name] = to_json(v.record->fields[i]);
        }
      }
      return o;
    }
  }
  return nullptr;
}

std::string to_message_text(const Value& v) {
  using K = Value::Kind;
  switch (v.kind) {
    case K::unknown:
      return "unknown";
    case K::none:
      return "none";
    case K::boolean:
      return v.boolean ? "true" : "false";
    case K::integer:
      return std::to_string(v.integer);
    case K::number:
      return fmt::format("{}", v.number);
    case K::string:
      return v.text;
    case K::date:
      return runtime::format_iso_date(v.integer);
    case K::member:
      return to_json(v).is_string() ? to_json(v).get<std::string>() : "unknown";
    case K::list:
    case K::set:
    case K::record:
      return to_json(v).dump();
  }
  return "unknown";
}

bool holds_record(const Value& v) {
  if (v.kind == Value::Kind::record) return true;
  if (!v.is_collection()) return false;
  const Items& items = v.elements();
  return std::any_of(items.begin(), items.end(), [](const Value& e) { return holds_record(e); });
}

}  // namespace precept::lang::reference
