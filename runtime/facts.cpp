// The fact loader: JSON text → simdjson DOM → Values through the schema.
//
// simdjson validates the whole document (syntax, UTF-8, numbers) before a
// single value is converted, so text that is not JSON is always an error and
// never half-loaded. It reports an error code but no position, so a failed
// document is scanned once more by a small validator that finds the byte
// offset of the first problem (the cold path only).
//
// Depth: simdjson counts the nesting of arrays and objects that have
// something in them (an empty `[]` or `{}` adds no level), and so does the
// validator below and load_facts' walk: limits.max_depth = 64 admits 64
// nested non-empty levels.
#include "runtime/facts.hpp"

#include <nlohmann/json.hpp>

#include "runtime/facts_json.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <iterator>
#include <limits>
#include <new>
#include <optional>
#include <span>

#include "runtime/date.hpp"
#include "runtime/facts_convert.hpp"
#include "runtime/hash.hpp"
#include "runtime/simdjson_errors.hpp"

namespace precept::runtime {

// ---------------------------------------------------------------- Facts ---

void Facts::clear() {
  root = Value::none_value();
  paths.clear();
  paths.push_back(PathNode{});  // the root: no parent, no step
  // A document with many errors does not keep their strings for good.
  errors.clear_keeping(1'024);
  arena.reset();
  std::fill(guard_hits.begin(), guard_hits.end(), 0);
  std::fill(unclean_fields.begin(), unclean_fields.end(), 0);
}

std::string Facts::path_text(std::uint32_t path) const {
  // Steps from the leaf up to (not including) the root; the bound stops a
  // malformed chain from looping.
  std::vector<std::uint32_t> steps;
  for (std::uint32_t p = path; p != 0 && p < paths.size() && steps.size() < paths.size();
       p = paths[p].parent) {
    steps.push_back(p);
  }
  std::string text;
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    const PathNode& node = paths[*it];
    if (node.index != PathNode::field_step) {
      text += fmt::format("[{}]", node.index);
    } else {
      if (!text.empty()) text += '.';
      text += node.field;
    }
  }
  return text;
}

namespace detail {

namespace {

// "public, internal, confidential, restricted", at most ten members.
std::string member_list(const EnumType& type) {
  constexpr std::size_t shown = 10;
  std::string text;
  for (std::size_t i = 0; i < type.members.size() && i < shown; ++i) {
    const EnumMember& m = type.members[i];
    if (i > 0) text += ", ";
    text += m.name;
    if (m.code == EnumMember::Code::integer) text += fmt::format(" = {}", m.int_code);
    if (m.code == EnumMember::Code::string) text += fmt::format(" = \"{}\"", m.string_code);
  }
  if (type.members.size() > shown)
    text += fmt::format(", and {} more", type.members.size() - shown);
  return text;
}

}  // namespace

SchemaTables build_tables(const Schema& schema) {
  SchemaTables tables;
  std::vector<std::pair<std::string_view, std::uint32_t>> entries;
  tables.fields.resize(schema.records.size());
  for (std::size_t r = 0; r < schema.records.size(); ++r) {
    entries.clear();
    const auto& fields = schema.records[r].fields;
    // Read fields first, so that a read field wins over an unread one of the
    // same name. Unread fields are in the table all the same: the key order
    // a record type remembers (KeyOrder) names them too, so that their keys
    // are recognised without a lookup.
    for (bool read : {true, false}) {
      for (std::size_t f = 0; f < fields.size(); ++f) {
        if (fields[f].read == read)
          entries.emplace_back(fields[f].name, static_cast<std::uint32_t>(f));
      }
    }
    tables.fields[r].build(entries);
  }
  tables.enums.resize(schema.enums.size());
  for (std::size_t e = 0; e < schema.enums.size(); ++e) {
    const EnumType& type = schema.enums[e];
    EnumTable& table = tables.enums[e];
    entries.clear();
    // String codes first: a code is how the input spells a member, so it
    // wins over another member's name (the checker keeps them apart anyway).
    for (std::size_t m = 0; m < type.members.size(); ++m) {
      if (type.members[m].code == EnumMember::Code::string) {
        entries.emplace_back(type.members[m].string_code, static_cast<std::uint32_t>(m));
      }
      if (type.members[m].code == EnumMember::Code::integer) {
        table.int_codes.emplace_back(type.members[m].int_code, static_cast<std::uint32_t>(m));
      }
    }
    for (std::size_t m = 0; m < type.members.size(); ++m) {
      entries.emplace_back(type.members[m].name, static_cast<std::uint32_t>(m));
    }
    table.spellings.build(entries);
    std::stable_sort(table.int_codes.begin(), table.int_codes.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    table.expected = member_list(type);
  }
  return tables;
}

const char* found_text(JsonKind kind) {
  switch (kind) {
    case JsonKind::null:
      return "null";
    case JsonKind::boolean:
      return "a boolean";
    case JsonKind::integer:
    case JsonKind::unsigned_integer:
    case JsonKind::number:
      return "a number";
    case JsonKind::string:
      return "a string";
    case JsonKind::array:
      return "an array";
    case JsonKind::object:
      return "an object";
    case JsonKind::other:
      break;
  }
  return "an unsupported value";
}

namespace {

// Length of the valid UTF-8 sequence at text[i], or 0.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
  if (n == 0 || i + n > text.size()) return 0;
  unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
  if (c == 0xE0) lo = 0xA0;
  if (c == 0xED) hi = 0x9F;  // no surrogates
  if (c == 0xF0) lo = 0x90;
  if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

}  // namespace

void append_quoted(std::string& out, std::string_view text) {
  constexpr std::size_t longest = 60;
  out += '`';
  std::size_t i = 0;
  while (i < text.size()) {
    if (i >= longest) {
      out += "...";
      break;
    }
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7F) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
    } else if (std::size_t n = utf8_length(text, i); n == 0) {
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", c);
    } else {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    ++i;
  }
  out += '`';
}

std::string quote_input(std::string_view text) {
  std::string out;
  append_quoted(out, text);
  return out;
}

// ------------------------------------------------------- ConverterBase ---

namespace {

// How deep the empty records of absent optional records go; a record type
// already on the chain (a self-referential type) stops it earlier.
constexpr std::size_t empty_record_depth = 8;

// What a value of `type` should have been, appended to `out`.
void append_expected(std::string& out, const Schema& schema, std::uint32_t type) {
  const TypeDesc& t = schema.types[type];
  switch (t.kind) {
    case TypeKind::boolean:
      out += "a boolean";
      return;
    case TypeKind::integer:
      out += "an integer";
      return;
    case TypeKind::number:
      out += "a number";
      return;
    case TypeKind::string:
      out += "a string";
      return;
    case TypeKind::date:
      out += "a date string `YYYY-MM-DD`";
      return;
    case TypeKind::enumeration:
      fmt::format_to(std::back_inserter(out), "a member of `{}`", schema.enums[t.ref].name);
      return;
    case TypeKind::list:
    case TypeKind::set:
      out += "an array";
      return;
    case TypeKind::optional:
      append_expected(out, schema, t.ref);
      return;
    case TypeKind::record:
      out += "an object";
      return;
  }
  out += "a value";
}

bool same_scalar(const Value& a, const Value& b) {
  if (a.tag != b.tag) return false;
  switch (a.tag) {
    case Tag::none:
      return a.record == nullptr && b.record == nullptr;
    case Tag::boolean:
      return a.b == b.b;
    case Tag::integer:
    case Tag::date:
      return a.i == b.i;
    case Tag::member:
      return a.aux == b.aux && a.i == b.i;
    case Tag::number:
      return a.d == b.d;
    case Tag::string:
      return a.aux == b.aux && (a.aux == 0 || std::memcmp(a.s, b.s, a.aux) == 0);
    default:
      return false;  // missing values, lists and records are never repeats
  }
}

std::uint64_t hash_value(const Value& v) {
  std::uint64_t payload = 0;
  switch (v.tag) {
    case Tag::boolean:
      payload = v.b ? 1 : 0;
      break;
    case Tag::integer:
    case Tag::date:
    case Tag::member:
      payload = static_cast<std::uint64_t>(v.i) ^ (std::uint64_t{v.aux} << 40);
      break;
    case Tag::number:
      payload = v.d == 0 ? 0 : std::bit_cast<std::uint64_t>(v.d);
      break;
    case Tag::string:
      payload = hash_bytes(v.str());
      break;
    default:
      payload = 0;
      break;
  }
  return mix_bits(payload ^ (static_cast<std::uint64_t>(v.tag) << 56));
}

}  // namespace

std::string& ConverterBase::error_text(std::uint32_t path) {
  InputError& error = facts_.errors.add();
  error.path = path;
  error.message.clear();
  return error.message;
}

template <class Write>
Value ConverterBase::fail_with(const Step& step, Write&& write) {
  const std::uint32_t path = path_of(step);
  write(error_text(path));
  return Value::missing(path);
}

namespace {

// A writer for fail_with: the message formatted from `args`, which it
// refers to (it is called before they go).
template <class... Args>
auto formatted(fmt::format_string<Args&...> format, Args&... args) {
  return [format, &args...](std::string& message) {
    fmt::format_to(std::back_inserter(message), format, args...);
  };
}

}  // namespace

Value ConverterBase::wrong_type(const Step& step, std::uint32_t type, JsonKind found) {
  return fail_with(step, [&](std::string& message) {
    message += "expected ";
    append_expected(message, schema_, type);
    message += ", found ";
    message += found_text(found);
  });
}

Value ConverterBase::too_deep(const Step& step) {
  return fail_with(step,
                   formatted("nested deeper than {} levels of arrays and objects", max_depth_));
}

Value ConverterBase::duplicate_key(const Step& step, std::string_view key) {
  return fail_with(step, [&](std::string& message) {
    message += "duplicate key ";
    append_quoted(message, key);
  });
}

template <class Shown>
Value ConverterBase::unknown_member(const Step& step, std::uint32_t type, Shown&& shown) {
  return fail_with(step, [&](std::string& message) {
    shown(message);
    const std::uint32_t e = schema_.types[type].ref;
    fmt::format_to(std::back_inserter(message), " is not a member of `{}`; expected one of: {}",
                   schema_.enums[e].name, tables_.enums[e].expected);
  });
}

Value ConverterBase::from_boolean(const Step& step, std::uint32_t type, bool b) {
  if (schema_.types[type].kind != TypeKind::boolean)
    return wrong_type(step, type, JsonKind::boolean);
  return Value::boolean(b);
}

Value ConverterBase::from_integer(const Step& step, std::uint32_t type, std::int64_t i) {
  const TypeDesc& t = schema_.types[type];
  switch (t.kind) {
    case TypeKind::integer:
      return Value::integer(i);
    case TypeKind::number:
      return Value::number(static_cast<double>(i));
    case TypeKind::enumeration: {
      const auto& codes = tables_.enums[t.ref].int_codes;
      auto it =
          std::lower_bound(codes.begin(), codes.end(), i,
                           [](const auto& entry, std::int64_t code) { return entry.first < code; });
      if (it != codes.end() && it->first == i) return Value::member(t.ref, it->second);
      return unknown_member(step, type, formatted("`{}`", i));
    }
    default:
      return wrong_type(step, type, JsonKind::integer);
  }
}

Value ConverterBase::from_unsigned(const Step& step, std::uint32_t type, std::uint64_t u) {
  const TypeDesc& t = schema_.types[type];
  switch (t.kind) {
    case TypeKind::integer:
      return fail_with(step, formatted("`{}` is outside the 64-bit integer range", u));
    case TypeKind::number:
      return Value::number(static_cast<double>(u));
    case TypeKind::enumeration:
      return unknown_member(step, type, formatted("`{}`", u));
    default:
      return wrong_type(step, type, JsonKind::unsigned_integer);
  }
}

Value ConverterBase::from_number(const Step& step, std::uint32_t type, double d) {
  const TypeDesc& t = schema_.types[type];
  if (t.kind != TypeKind::integer && t.kind != TypeKind::number &&
      t.kind != TypeKind::enumeration) {
    return wrong_type(step, type, JsonKind::number);
  }
  // JSON text has no infinities or NaN, but a host-built nlohmann value may.
  if (!std::isfinite(d)) return fail_with(step, formatted("`{}` is not a finite number", d));
  if (t.kind == TypeKind::number) return Value::number(d);
  // An integral number (`3.0`, `1e3`) is as good as an integer.
  constexpr double two_63 = 9223372036854775808.0;
  bool integral = std::trunc(d) == d;
  if (integral && d >= -two_63 && d < two_63)
    return from_integer(step, type, static_cast<std::int64_t>(d));
  if (t.kind == TypeKind::enumeration) return unknown_member(step, type, formatted("`{}`", d));
  if (!integral) return fail_with(step, formatted("`{}` is not an integer", d));
  return fail_with(step, formatted("`{}` is outside the 64-bit integer range", d));
}

Value ConverterBase::from_string(const Step& step, std::uint32_t type, std::string_view s) {
  const TypeDesc& t = schema_.types[type];
  switch (t.kind) {
    case TypeKind::date: {
      if (auto days = parse_iso_date(s)) return Value::date(*days);
      return fail_with(step, [s](std::string& message) {
        append_quoted(message, s);
        message += " is not a valid date; expected an ISO 8601 calendar date `YYYY-MM-DD`";
      });
    }
    case TypeKind::enumeration: {
      std::uint32_t ordinal = tables_.enums[t.ref].spellings.find(s);
      if (ordinal != no_index) return Value::member(t.ref, ordinal);
      return unknown_member(step, type, [s](std::string& message) { append_quoted(message, s); });
    }
    default:
      return wrong_type(step, type, JsonKind::string);
  }
}

Value ConverterBase::absent(const FieldDesc& field, std::uint32_t record_path) {
  switch (field.presence) {
    case Presence::required:
      return Value::missing(facts_.add_path(record_path, field.name));
    case Presence::defaulted:
      return exe_.constant(field.default_value);
    case Presence::optional:
      break;
  }
  const TypeDesc& t = schema_.types[field.type];
  if (t.kind == TypeKind::optional && schema_.types[t.ref].kind == TypeKind::record) {
    scratch_.chain.clear();
    return empty_record(schema_.types[t.ref].ref, facts_.add_path(record_path, field.name));
  }
  return Value::none_value();
}

// none whose `record` is what an absent optional record reads as: its
// required fields missing at their full paths (`model.general_purpose`),
// defaulted ones their defaults, optional ones none (or empty records).
Value ConverterBase::empty_record(std::uint32_t record, std::uint32_t path) {
  if (scratch_.chain.size() >= empty_record_depth ||
      std::find(scratch_.chain.begin(), scratch_.chain.end(), record) != scratch_.chain.end()) {
    return Value::none_value();
  }
  scratch_.chain.push_back(record);
  const RecordType& type = schema_.records[record];
  Value* slots = slots_for(type.fields.size());
  for (std::size_t f = 0; f < type.fields.size(); ++f) {
    const FieldDesc& field = type.fields[f];
    if (!field.read) {
      slots[f] = Value::none_value();
    } else if (field.presence != Presence::optional) {
      slots[f] = absent(field, path);
    } else {
      const TypeDesc& t = schema_.types[field.type];
      slots[f] = t.kind == TypeKind::optional && schema_.types[t.ref].kind == TypeKind::record
                     ? empty_record(schema_.types[t.ref].ref, facts_.add_path(path, field.name))
                     : Value::none_value();
    }
  }
  scratch_.chain.pop_back();
  Value v = Value::none_value();
  v.record = finish_record(slots, record, path).record;
  return v;
}

void ConverterBase::drop_repeats(Value* items, std::uint32_t& count) {
  if (count < 2) return;
  std::uint32_t kept = 0;
  if (count <= 16) {
    for (std::uint32_t i = 0; i < count; ++i) {
      bool repeat = false;
      for (std::uint32_t k = 0; k < kept && !repeat; ++k) repeat = same_scalar(items[k], items[i]);
      if (!repeat) items[kept++] = items[i];
    }
    count = kept;
    return;
  }
  // Larger sets: an open-addressing table of the kept items' positions.
  std::vector<std::uint32_t>& table = scratch_.seen;
  table.assign(table_slots(count), no_index);
  const std::size_t mask = table.size() - 1;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::size_t slot = hash_value(items[i]) & mask;
    bool repeat = false;
    while (table[slot] != no_index) {
      if (same_scalar(items[table[slot]], items[i])) {
        repeat = true;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (repeat) continue;
    items[kept] = items[i];
    table[slot] = kept++;
  }
  count = kept;
}

}  // namespace detail

// -------------------------------------------------------- FactLoader ---

namespace {

using detail::JsonKind;

// Reads simdjson's DOM tape directly (simdjson's doc/tape.md: one 64-bit
// word per value, the top byte its type, and a second word for numbers;
// strings in a side buffer, each a 32-bit length and the bytes). Going
// through dom::element instead costs a document pointer per node and a
// type switch per step, which was a quarter of loading a document.
//
// A node is the index of a value's tape word. The tape and string buffer
// are members simdjson's API marks private; their layout has not changed
// since simdjson 0.x, and the golden and fuzz tests load every kind of
// value through it, but a new major version is checked here first.
static_assert(simdjson::SIMDJSON_VERSION_MAJOR == 3,
              "TapeAdapter reads simdjson 3's DOM tape: check its layout (doc/tape.md) "
              "against this version, then widen this assertion");
class TapeAdapter {
 public:
  using Node = std::uint32_t;

  explicit TapeAdapter(const simdjson::dom::document& doc)
      : tape_(doc.tape.get()), strings_(doc.string_buf.get()) {}

  // The document's value (tape word 0 is the root marker).
  static constexpr Node root = 1;

  JsonKind kind(Node v) const {
    switch (type(v)) {
      case 'n':
        return JsonKind::null;
      case 't':
      case 'f':
        return JsonKind::boolean;
      case 'l':
        return JsonKind::integer;
      case 'u':
        return JsonKind::unsigned_integer;
      case 'd':
        return JsonKind::number;
      case '"':
        return JsonKind::string;
      case '[':
        return JsonKind::array;
      case '{':
        return JsonKind::object;
      default:
        return JsonKind::other;
    }
  }
  bool boolean(Node v) const { return type(v) == 't'; }
  std::int64_t integer(Node v) const { return static_cast<std::int64_t>(tape_[v + 1]); }
  std::uint64_t unsigned_integer(Node v) const { return tape_[v + 1]; }
  double number(Node v) const { return std::bit_cast<double>(tape_[v + 1]); }
  std::string_view string(Node v) const {
    const char* at = reinterpret_cast<const char*>(strings_ + (tape_[v] & payload_mask));
    return {at + sizeof(std::uint32_t), load_u32(at)};
  }
  std::size_t size(Node v) const {
    const std::size_t n = (tape_[v] >> 32) & count_mask;
    if (n < count_mask) return n;  // the count saturates there
    std::size_t counted = 0;
    each_element(v, [&](Node) { ++counted; });
    return counted;
  }
  template <class F>
  void each_element(Node v, F&& f) const {
    const Node end = after(v) - 1;  // the closing bracket
    for (Node at = v + 1; at < end; at = after(at)) f(at);
  }
  template <class F>
  void each_member(Node v, F&& f) const {
    const Node end = after(v) - 1;
    for (Node key = v + 1; key < end; key = after(key + 1)) f(string(key), key + 1);
  }

 private:
  static constexpr std::uint64_t payload_mask = (std::uint64_t{1} << 56) - 1;
  static constexpr std::uint64_t count_mask = 0xFFFFFF;

  char type(Node v) const { return static_cast<char>(tape_[v] >> 56); }
  // The node after `v` and everything in it: an opening bracket's word
  // holds that index, a number takes two words, anything else one.
  Node after(Node v) const {
    switch (type(v)) {
      case '[':
      case '{':
        return static_cast<Node>(tape_[v]);
      case 'l':
      case 'u':
      case 'd':
        return v + 2;
      default:
        return v + 1;
    }
  }

  const std::uint64_t* tape_;
  const std::uint8_t* strings_;
};

struct JsonProblem {
  std::size_t offset = 0;
  std::string message;
  bool too_deep = false;
};

std::string byte_text(unsigned char c) {
  if (c >= 0x21 && c < 0x7F) return fmt::format("`{}`", static_cast<char>(c));
  return fmt::format("byte 0x{:02x}", c);
}

// Finds the first place where `text` is not JSON (RFC 8259) or nests
// non-empty arrays and objects deeper than `max_depth`. Iterative: the stack
// is the open containers, at most max_depth of them.
class JsonScanner {
 public:
  JsonScanner(std::string_view text, std::size_t max_depth) : s_(text), max_depth_(max_depth) {}

  std::optional<JsonProblem> run() {
    skip_space();
    if (i_ == s_.size()) return problem(i_, "the text is empty");
    for (;;) {
      // A value starts at i_.
      skip_space();
      if (i_ == s_.size()) return problem(i_, "unexpected end of the text; expected a value");
      char c = s_[i_];
      if (c == '{' || c == '[') {
        std::size_t open = i_++;
        skip_space();
        char close = c == '{' ? '}' : ']';
        if (i_ < s_.size() && s_[i_] == close) {
          ++i_;
        } else {
          if (stack_.size() >= max_depth_) {
            return JsonProblem{
                open, fmt::format("more than {} levels of arrays and objects", max_depth_), true};
          }
          stack_.push_back(c);
          if (c == '{') {
            if (auto p = key()) return p;
          }
          continue;
        }
      } else if (c == '"') {
        if (auto p = string()) return p;
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        if (auto p = number()) return p;
      } else if (c == 't' || c == 'f' || c == 'n') {
        std::string_view word = c == 't' ? "true" : c == 'f' ? "false" : "null";
        for (std::size_t k = 0; k < word.size(); ++k, ++i_) {
          if (i_ == s_.size() || s_[i_] != word[k]) {
            return problem(i_, fmt::format("invalid literal; expected `{}`", word));
          }
        }
      } else {
        return unexpected("a value");
      }
      // After a value: a separator, a closing bracket or the end.
      for (;;) {
        skip_space();
        if (stack_.empty()) {
          if (i_ != s_.size())
            return problem(i_, fmt::format("unexpected {} after the document", byte_text(at(i_))));
          return std::nullopt;
        }
        char top = stack_.back();
        const char* expected =
            top == '{' ? "`,` or `}` after an object member" : "`,` or `]` after an array element";
        if (i_ == s_.size())
          return problem(i_, fmt::format("unexpected end of the text; expected {}", expected));
        if (s_[i_] == (top == '{' ? '}' : ']')) {
          ++i_;
          stack_.pop_back();
          continue;
        }
        if (s_[i_] != ',') return unexpected(expected);
        ++i_;
        if (top == '{') {
          if (auto p = key()) return p;
        }
        break;
      }
    }
  }

 private:
  unsigned char at(std::size_t k) const { return static_cast<unsigned char>(s_[k]); }
  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }
  static std::optional<JsonProblem> problem(std::size_t offset, std::string message) {
    return JsonProblem{offset, std::move(message), false};
  }
  std::optional<JsonProblem> unexpected(const char* expected) {
    if (i_ == s_.size())
      return problem(i_, fmt::format("unexpected end of the text; expected {}", expected));
    return problem(i_, fmt::format("unexpected {}; expected {}", byte_text(at(i_)), expected));
  }

  // An object key and its colon; i_ is before the key.
  std::optional<JsonProblem> key() {
    skip_space();
    if (i_ == s_.size() || s_[i_] != '"') return unexpected("a string key");
    if (auto p = string()) return p;
    skip_space();
    if (i_ == s_.size() || s_[i_] != ':') return unexpected("`:` after an object key");
    ++i_;
    return std::nullopt;
  }

  std::optional<JsonProblem> string() {
    std::size_t start = i_++;
    while (i_ < s_.size()) {
      unsigned char c = at(i_);
      if (c == '"') {
        ++i_;
        return std::nullopt;
      }
      if (c == '\\') {
        if (i_ + 1 == s_.size()) break;
        char e = s_[i_ + 1];
        if (e == 'u') {
          auto unit = hex4(i_ + 2);
          if (!unit) return problem(i_, "invalid `\\u` escape; expected four hexadecimal digits");
          if (*unit >= 0xDC00 && *unit <= 0xDFFF)
            return problem(i_, "unpaired UTF-16 surrogate in a `\\u` escape");
          if (*unit >= 0xD800 && *unit <= 0xDBFF) {
            auto low = i_ + 7 < s_.size() && s_[i_ + 6] == '\\' && s_[i_ + 7] == 'u' ? hex4(i_ + 8)
                                                                                     : std::nullopt;
            if (!low || *low < 0xDC00 || *low > 0xDFFF) {
              return problem(i_, "unpaired UTF-16 surrogate in a `\\u` escape");
            }
            i_ += 12;
          } else {
            i_ += 6;
          }
          continue;
        }
        if (std::strchr("\"\\/bfnrt", e) == nullptr || e == '\0') {
          return problem(i_, "invalid escape in a string");
        }
        i_ += 2;
        continue;
      }
      if (c < 0x20) return problem(i_, "control character in a string; it must be escaped");
      std::size_t n = detail::utf8_length(s_, i_);
      if (n == 0) return problem(i_, "invalid UTF-8");
      i_ += n;
    }
    return problem(start, "unterminated string");
  }

  std::optional<unsigned> hex4(std::size_t from) const {
    if (from + 4 > s_.size()) return std::nullopt;
    unsigned v = 0;
    for (std::size_t k = from; k < from + 4; ++k) {
      char c = s_[k];
      unsigned d = c >= '0' && c <= '9'   ? unsigned(c - '0')
                   : c >= 'a' && c <= 'f' ? unsigned(c - 'a' + 10)
                   : c >= 'A' && c <= 'F' ? unsigned(c - 'A' + 10)
                                          : 16u;
      if (d == 16) return std::nullopt;
      v = v * 16 + d;
    }
    return v;
  }

  std::optional<JsonProblem> number() {
    std::size_t start = i_;
    auto digit = [&] { return i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9'; };
    if (s_[i_] == '-') ++i_;
    if (!digit()) return unexpected("a digit");
    if (s_[i_] == '0') {
      ++i_;
      if (digit()) return problem(i_ - 1, "a number cannot start with `0`");
    } else {
      while (digit()) ++i_;
    }
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (!digit()) return unexpected("a digit after `.`");
      while (digit()) ++i_;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (!digit()) return unexpected("a digit in the exponent");
      while (digit()) ++i_;
    }
    // Integers beyond 64 bits are numbers too (widen_big_integers): what is
    // out of range is a number past the largest double, however written.
    const std::string_view text = s_.substr(start, i_ - start);
    if (overflows(text)) {
      return problem(start,
                     fmt::format("{} is out of the range of a number", detail::quote_input(text)));
    }
    return std::nullopt;
  }

  // Whether a number is too large for a double (too small is fine: it
  // reads as zero). from_chars ignores the locale.
  static bool overflows(std::string_view text) {
    double value = 0;
    if (std::from_chars(text.data(), text.data() + text.size(), value).ec !=
        std::errc::result_out_of_range) {
      return false;
    }
    // Out of range either way: the sign of the decimal magnitude tells which.
    std::size_t k = text[0] == '-' ? 1 : 0;
    auto digit = [&] { return k < text.size() && text[k] >= '0' && text[k] <= '9'; };
    long magnitude = 0;
    bool significant = false;
    for (; digit(); ++k) {
      significant = significant || text[k] != '0';
      if (significant) ++magnitude;
    }
    if (k < text.size() && text[k] == '.') {
      for (++k; digit(); ++k) {
        if (significant) continue;
        if (text[k] == '0') --magnitude;
        significant = text[k] != '0';
      }
    }
    long exponent = 0;
    bool negative = false;
    if (k < text.size() && (text[k] == 'e' || text[k] == 'E')) {
      ++k;
      if (k < text.size() && (text[k] == '+' || text[k] == '-')) negative = text[k++] == '-';
      for (; digit(); ++k) exponent = std::min(exponent * 10 + (text[k] - '0'), 1000000000L);
    }
    return magnitude + (negative ? -exponent : exponent) > 0;
  }

  std::string_view s_;
  std::size_t max_depth_;
  std::size_t i_ = 0;
  std::vector<char> stack_;
};

// What simdjson's error means when the scanner found no place for it.
const char* simdjson_problem(simdjson::error_code code) {
  if (refused_number(code)) return "a number is malformed or out of range";
  switch (code) {
    case simdjson::STRING_ERROR:
    case simdjson::UNCLOSED_STRING:
      return "a string is malformed";
    case simdjson::UNESCAPED_CHARS:
      return "a string has an unescaped control character";
    case simdjson::UTF8_ERROR:
      return "the text is not valid UTF-8";
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
      return "a literal is misspelled";
    case simdjson::EMPTY:
      return "the text is empty";
    default:
      return "the structure is malformed";
  }
}

std::string not_json(std::string_view text, simdjson::error_code code, std::size_t max_depth) {
  if (code == simdjson::MEMALLOC) return "out of memory while parsing the facts";
  if (code == simdjson::CAPACITY)
    return fmt::format("the facts document is too large to parse: {} bytes", text.size());
  std::optional<JsonProblem> p = JsonScanner(text, max_depth).run();
  if (p && p->too_deep)
    return fmt::format("facts are nested too deeply: offset {}: {}", p->offset, p->message);
  if (p) return fmt::format("facts are not valid JSON: offset {}: {}", p->offset, p->message);
  if (code == simdjson::DEPTH_ERROR) {
    return fmt::format("facts are nested too deeply: more than {} levels of arrays and objects",
                       max_depth);
  }
  return fmt::format("facts are not valid JSON: {}", simdjson_problem(code));
}

// simdjson's DOM refuses integers beyond 64 bits (a FLOP count written out,
// 3.2 × 10^20 as 320000000000000000000), which are valid JSON and which the
// language reads as numbers. The loader rewrites each as a number simdjson
// reads as the double it stands for, then has simdjson read the text again.
//
// The integers are found through the structural indexes of the parse that
// failed: simdjson's stage 1 marks the first byte of every value outside
// strings, and a refused number comes from its stage 2, so they cover the
// whole text. Walking them instead of the text skips every string without
// looking for its end, which made this twice as fast on documents that
// are mostly strings.
//
// Trailing zeros become an exponent (`32e19`): the same value, and with at
// most 19 significant digits simdjson converts it exactly on its fast path
// instead of its slow big-decimal one. Other integers get `.0`.

// An integer beyond 64 bits: its digits text[begin, end), `significant` of
// them before its trailing zeros.
struct BigInteger {
  std::size_t begin = 0, end = 0, significant = 0;
  std::size_t zeros() const { return end - begin - significant; }
};

// Calls `f(BigInteger)` for each such integer (its digits after any minus
// sign). False when the text is not one to rewrite.
template <class F>
bool each_big_integer(std::string_view text, const std::uint32_t* starts, std::size_t count,
                      F&& f) {
  // The indexes are offsets in the text simdjson parsed. Later simdjson 3
  // releases skip a byte order mark first (simdjson 3.0 refuses it, see
  // the tests), which would shift them; such a text is not rewritten.
  if (text.starts_with("\xEF\xBB\xBF")) return false;
  auto digit = [&](std::size_t i) { return i < text.size() && text[i] >= '0' && text[i] <= '9'; };
  for (std::size_t k = 0; k < count; ++k) {
    std::size_t i = starts[k];
    if (i >= text.size()) break;  // the index past the text that stage 1 appends
    const bool negative = text[i] == '-';
    if (negative) ++i;
    if (!digit(i)) continue;
    std::size_t end = i;
    while (digit(end)) ++end;
    const bool integer =
        end == text.size() || (text[end] != '.' && text[end] != 'e' && text[end] != 'E');
    // What simdjson accepts: up to UINT64_MAX, and down to INT64_MIN.
    const std::string_view digits = text.substr(i, end - i);
    // A leading zero is not JSON (`000...0`): left for simdjson to refuse,
    // which an exponent in place of the zeros would hide.
    if (digits.size() > 1 && digits[0] == '0') continue;
    const std::string_view largest = negative ? "9223372036854775808" : "18446744073709551615";
    const bool too_big =
        digits.size() > largest.size() || (digits.size() == largest.size() && digits > largest);
    if (!integer || !too_big) continue;
    std::size_t significant = digits.size();
    while (significant > 1 && digits[significant - 1] == '0') --significant;
    f(BigInteger{i, end, significant});
  }
  return true;
}

// The exponent of its `32e19` form, `e19`, written to `at` (room for 24
// characters); returns its end. Not a std::string: loads allocate nothing.
char* write_exponent(char* at, const BigInteger& n) {
  *at++ = 'e';
  return std::to_chars(at, at + 23, n.zeros()).ptr;
}

// Copies `text` with every integer beyond 64 bits rewritten; false when
// there is none (the error was something else).
bool widen_big_integers(std::string_view text, const std::uint32_t* starts, std::size_t count,
                        std::string& out) {
  out.clear();
  std::size_t copied = 0;
  const bool readable = each_big_integer(text, starts, count, [&](const BigInteger& n) {
    out.append(text.substr(copied, n.begin - copied));
    out.append(text.substr(n.begin, n.significant));
    if (n.zeros() > 0) {
      char exponent[24];
      out.append(exponent, write_exponent(exponent, n));
    } else {
      out += ".0";
    }
    copied = n.end;
  });
  if (!readable || copied == 0) return false;
  out.append(text.substr(copied));
  return true;
}

// The same rewriting done in `text` itself, each integer replaced by its
// exponent form and spaces to its length, so that the structural indexes
// simdjson's stage 1 found in it still hold and only its stage 2 needs to
// run again. False, changing nothing, when there is none or when one does
// not fit; the text is then copied instead. One fits when it has two
// trailing zeros or more (then `e` and the count of zeros take no more
// room than the zeros; `.0` and `e1` are longer), and when what follows
// it is whitespace, a bracket, a comma, a colon or the end: stage 1 marks a
// byte after a space that it does not mark after a digit, so in
// `320000000000000000000x` the `x` would go unread once spaces came before
// it, and text that is not JSON would load. `found` is scratch, kept from
// one call to the next.
bool widen_in_place(std::span<char> text, const std::uint32_t* starts, std::size_t count,
                    std::vector<BigInteger>& found) {
  const std::string_view view(text.data(), text.size());
  found.clear();
  const bool readable =
      each_big_integer(view, starts, count, [&](const BigInteger& n) { found.push_back(n); });
  if (!readable || found.empty()) return false;
  constexpr std::string_view may_follow = " \t\n\r{}[],:";
  for (const BigInteger& n : found) {
    if (n.zeros() < 2) return false;
    if (n.end < view.size() && may_follow.find(view[n.end]) == std::string_view::npos) {
      return false;
    }
  }
  for (const BigInteger& n : found) {
    char exponent[24];
    const auto size = static_cast<std::size_t>(write_exponent(exponent, n) - exponent);
    char* at = text.data() + n.begin + n.significant;  // the digits before it stay
    std::memcpy(at, exponent, size);
    std::memset(at + size, ' ', n.zeros() - size);
  }
  return true;
}

}  // namespace

struct FactLoader::Impl {
  FactLimits limits;
  std::size_t depth = 0;
  detail::SchemaTables tables;
  simdjson::dom::parser parser;
  simdjson::dom::document document;  // the parsed text's tape
  bool allocated = false;
  detail::ConvertScratch scratch;
  std::vector<detail::Converter<TapeAdapter>::FieldSlot> fields;
  std::vector<char> text;  // the caller's text, padded for simdjson, unless it was already
  std::string widened;     // the text with big integers made doubles (rare)
  std::vector<BigInteger> big_integers;  // widen_in_place's scratch
};

FactLoader::FactLoader(std::shared_ptr<const Executable> exe, FactLimits limits)
    : exe_(std::move(exe)), impl_(std::make_unique<Impl>()) {
  impl_->limits = limits;
  impl_->depth = detail::effective_depth(limits);
  if (exe_) impl_->tables = detail::build_tables(exe_->schema());
}

FactLoader::~FactLoader() = default;
FactLoader::FactLoader(FactLoader&&) noexcept = default;
FactLoader& FactLoader::operator=(FactLoader&&) noexcept = default;

static_assert(FactLoader::text_padding >= simdjson::SIMDJSON_PADDING);

bool FactLoader::load_text(std::string_view json_text, bool padded, Facts& out,
                           std::string& error) {
  error.clear();
  try {
    out.clear();
    if (!exe_ || !impl_ || exe_->schema().root >= exe_->schema().records.size()) {
      error = "the program has no facts schema";
      return false;
    }
    Impl& im = *impl_;
    if (json_text.size() > im.limits.max_bytes) {
      error = fmt::format("the facts document is too large: {} bytes, the limit is {}",
                          json_text.size(), im.limits.max_bytes);
      return false;
    }
    if (!im.allocated) {
      // simdjson fails at a depth equal to its max_depth (see the top of the file).
      if (im.parser.allocate(std::max<std::size_t>(json_text.size(), 4096), im.depth + 1)) {
        error = "out of memory while parsing the facts";
        return false;
      }
      im.allocated = true;
    }
    // Unless the caller's text is padded, it is copied into a padded buffer
    // reused from one document to the next (ours, not the parser's, so that
    // big integers can be rewritten in it: widen_in_place).
    auto parse = [&](std::string_view text, bool copy) {
      return im.parser.parse_into_document(im.document, text.data(), text.size(), copy).error();
    };
    std::string_view text = json_text;
    if (!padded) {
      if (im.text.size() < json_text.size() + simdjson::SIMDJSON_PADDING) {
        im.text.resize(json_text.size() + simdjson::SIMDJSON_PADDING);
      }
      std::memcpy(im.text.data(), json_text.data(), json_text.size());
      text = std::string_view(im.text.data(), json_text.size());
    }
    auto code = parse(text, false);
    if (refused_number(code)) {
      auto& stages = *im.parser.implementation;
      const std::uint32_t* starts = stages.structural_indexes.get();
      const std::size_t count = stages.n_structural_indexes;
      if (!padded &&
          widen_in_place({im.text.data(), json_text.size()}, starts, count, im.big_integers)) {
        code = stages.stage2(im.document);
      } else if (widen_big_integers(json_text, starts, count, im.widened)) {
        code = parse(im.widened, true);
      }
    }
    if (code) {
      if (refused_number(code) || code == simdjson::NUMBER_OUT_OF_RANGE) {
        // What is left is rarer still: a number simdjson refuses that
        // nlohmann reads (nlohmann refuses one beyond the range of a
        // double, 1e400, and then the scanner below names it).
        nlohmann::json parsed = nlohmann::json::parse(json_text, nullptr, false);
        if (!parsed.is_discarded()) return load_facts(*exe_, parsed, out, error, im.limits);
      }
      error = not_json(json_text, code, im.depth);
      return false;
    }
    const TapeAdapter tape{im.document};
    JsonKind kind = tape.kind(TapeAdapter::root);
    if (kind != JsonKind::object) {
      error = fmt::format("the facts document must be a JSON object, found {}",
                          detail::found_text(kind));
      return false;
    }
    detail::Converter<TapeAdapter> converter(tape, *exe_, im.tables, out, im.limits, im.scratch,
                                             im.fields);
    converter.run(TapeAdapter::root);
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
