// Facts from an nlohmann::json value: the same conversion as FactLoader
// (facts_convert.hpp) behind an adapter for nlohmann's values.
//
// The host parsed the document, so two things differ from loading text:
// nlohmann keeps one copy of a repeated key (no "duplicate key" error is
// possible here), and the byte limit applies to the size of the document's
// compact JSON text, counted without string escapes.
#include "runtime/facts_json.hpp"

#include <fmt/format.h>

#include <limits>
#include <new>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "runtime/facts_convert.hpp"

namespace precept::runtime {

namespace {

using detail::JsonKind;
using json = nlohmann::json;

struct NlohmannAdapter {
  using Node = const json*;

  static JsonKind kind(Node v) {
    switch (v->type()) {
      case json::value_t::null:
        return JsonKind::null;
      case json::value_t::boolean:
        return JsonKind::boolean;
      case json::value_t::number_integer:
        return JsonKind::integer;
      case json::value_t::number_unsigned:
        // nlohmann reads every non-negative integer as unsigned; simdjson only
        // those above INT64_MAX.
        return *v->get_ptr<const json::number_unsigned_t*>() >
                       static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
                   ? JsonKind::unsigned_integer
                   : JsonKind::integer;
      case json::value_t::number_float:
        return JsonKind::number;
      case json::value_t::string:
        return JsonKind::string;
      case json::value_t::array:
        return JsonKind::array;
      case json::value_t::object:
        return JsonKind::object;
      default:
        return JsonKind::other;  // binary, discarded
    }
  }
  static bool boolean(Node v) { return *v->get_ptr<const json::boolean_t*>(); }
  static std::int64_t integer(Node v) {
    if (auto u = v->get_ptr<const json::number_unsigned_t*>()) return static_cast<std::int64_t>(*u);
    return *v->get_ptr<const json::number_integer_t*>();
  }
  static std::uint64_t unsigned_integer(Node v) {
    return *v->get_ptr<const json::number_unsigned_t*>();
  }
  static double number(Node v) { return *v->get_ptr<const json::number_float_t*>(); }
  static std::string_view string(Node v) { return *v->get_ptr<const json::string_t*>(); }
  static std::size_t size(Node v) { return v->get_ptr<const json::array_t*>()->size(); }
  template <class F>
  static void each_element(Node v, F&& f) {
    for (const json& element : *v->get_ptr<const json::array_t*>()) f(&element);
  }
  template <class F>
  static void each_member(Node v, F&& f) {
    for (const auto& [key, value] : *v->get_ptr<const json::object_t*>())
      f(std::string_view{key}, &value);
  }
};

std::size_t decimal_digits(std::uint64_t u) {
  std::size_t n = 1;
  while (u >= 10) {
    u /= 10;
    ++n;
  }
  return n;
}

// The size of `v` as compact JSON text (strings unescaped).
std::size_t scalar_bytes(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return 4;
    case json::value_t::boolean:
      return *v.get_ptr<const json::boolean_t*>() ? 4 : 5;
    case json::value_t::number_integer: {
      std::int64_t i = *v.get_ptr<const json::number_integer_t*>();
      return i < 0 ? 1 + decimal_digits(0 - static_cast<std::uint64_t>(i))
                   : decimal_digits(static_cast<std::uint64_t>(i));
    }
    case json::value_t::number_unsigned:
      return decimal_digits(*v.get_ptr<const json::number_unsigned_t*>());
    case json::value_t::number_float:
      return fmt::formatted_size("{}", *v.get_ptr<const json::number_float_t*>());
    case json::value_t::string:
      return v.get_ptr<const json::string_t*>()->size() + 2;
    default:
      return 1;
  }
}

// Checks the limits FactLoader::load applies to text: the byte size and the
// nesting of non-empty arrays and objects (an empty one adds no level, as in
// simdjson). Iterative, so a deep document cannot exhaust the stack.
std::string check_limits(const json& document, std::size_t max_bytes, std::size_t max_depth) {
  std::vector<std::pair<const json*, std::size_t>> pending{{&document, 0}};
  std::size_t bytes = 0;
  while (!pending.empty()) {
    auto [v, enclosing] = pending.back();
    pending.pop_back();
    if (v->is_object()) {
      const auto& members = *v->get_ptr<const json::object_t*>();
      bytes += 2 + (members.empty() ? 0 : members.size() - 1);
      if (!members.empty() && enclosing + 1 > max_depth) {
        return fmt::format("facts are nested too deeply: more than {} levels of arrays and objects",
                           max_depth);
      }
      for (const auto& [key, value] : members) {
        bytes += key.size() + 3;
        pending.emplace_back(&value, enclosing + 1);
      }
    } else if (v->is_array()) {
      const auto& elements = *v->get_ptr<const json::array_t*>();
      bytes += 2 + (elements.empty() ? 0 : elements.size() - 1);
      if (!elements.empty() && enclosing + 1 > max_depth) {
        return fmt::format("facts are nested too deeply: more than {} levels of arrays and objects",
                           max_depth);
      }
      for (const json& element : elements) pending.emplace_back(&element, enclosing + 1);
    } else {
      bytes += scalar_bytes(*v);
    }
    if (bytes > max_bytes) {
      return fmt::format("the facts document is too large: more than {} bytes as JSON text",
                         max_bytes);
    }
  }
  return {};
}

}  // namespace

bool load_facts(const Executable& exe, const nlohmann::json& document, Facts& out,
                std::string& error, const FactLimits& limits) {
  error.clear();
  try {
    out.clear();
    if (exe.schema().root >= exe.schema().records.size()) {
      error = "the program has no facts schema";
      return false;
    }
    error = check_limits(document, limits.max_bytes, detail::effective_depth(limits));
    if (!error.empty()) return false;
    JsonKind kind = NlohmannAdapter::kind(&document);
    if (kind != JsonKind::object) {
      error = fmt::format("the facts document must be a JSON object, found {}",
                          detail::found_text(kind));
      return false;
    }
    detail::SchemaTables tables = detail::build_tables(exe.schema());
    detail::ConvertScratch scratch;
    std::vector<detail::Converter<NlohmannAdapter>::FieldSlot> fields;
    detail::Converter<NlohmannAdapter> converter(NlohmannAdapter{}, exe, tables, out, limits,
                                                 scratch, fields);
    converter.run(&document);
    return true;
  } catch (const std::bad_alloc&) {
    error = "out of memory while loading the facts";
  }
  try {
    out.clear();
  } catch (const std::bad_alloc&) {
    out.root = Value::none_value();
  }
  return false;
}

}  // namespace precept::runtime
