// The bundle format (docs/bytecode.md has the layout). Every field is written
// in the order the reader reads it; both halves are in this one file so they
// cannot drift apart.
#include "runtime/bundle.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#include <xxhash.h>

namespace precept::runtime {

namespace {

// The fixed part before the sections: magic and format version.
constexpr std::size_t header_size = sizeof(bundle_magic) + 4;

// ------------------------------------------------------------ writing ---

class Writer {
 public:
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void f64(double v) { u64(std::bit_cast<std::uint64_t>(v)); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  // A size past 4 GiB cannot be written, but such an image is far past
  // default_max_bundle_bytes anyway and no reader would accept it.
  void size(std::size_t n) { u32(static_cast<std::uint32_t>(n)); }
  void str(std::string_view s) {
    size(s.size());
    out_.append(s);
  }
  void raw(std::string_view s) { out_.append(s); }
  // `v` in its column's `width` bytes (see packed_width).
  void packed(std::uint32_t v, std::uint8_t width) {
    for (std::uint8_t i = 0; i < width; ++i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  template <class T, class Each>
  void vec(const std::vector<T>& items, Each each) {
    size(items.size());
    for (const T& item : items) each(item);
  }
  template <class E>
  void enum_byte(E e) {
    u8(static_cast<std::uint8_t>(e));
  }

  std::string& out() { return out_; }

 private:
  std::string out_;
};

// The fewest bytes, 1 to 4, that hold every value of a packed column.
std::uint8_t packed_width(std::uint32_t max) {
  std::uint8_t width = 1;
  while (width < 4 && max >> (8 * width) != 0) ++width;
  return width;
}

template <class T, class Column>
std::uint8_t packed_width(const std::vector<T>& items, Column column) {
  std::uint32_t max = 0;
  for (const T& item : items) max = std::max(max, column(item));
  return packed_width(max);
}

// A location's file is packed as file + 1, so that `no file` (no_index)
// packs as 0 instead of widening the column to 4 bytes.
std::uint32_t packed_file(const SourceLoc& loc) { return loc.file + 1; }

// Instructions and their locations are most of a big bundle's bytes, and
// their fields rarely need 4 bytes: each section gives the width of each
// column once, then every item in those widths (docs/bytecode.md).
void write_code(Writer& w, const std::vector<Instr>& code) {
  const std::uint8_t a = packed_width(code, [](const Instr& in) { return in.a; });
  const std::uint8_t b = packed_width(code, [](const Instr& in) { return in.b; });
  w.u8(a);
  w.u8(b);
  w.vec(code, [&](const Instr& in) {
    w.enum_byte(in.op);
    w.packed(in.a, a);
    w.packed(in.b, b);
  });
}

void write_locs(Writer& w, const std::vector<SourceLoc>& locs) {
  const std::uint8_t file = packed_width(locs, packed_file);
  const std::uint8_t line = packed_width(locs, [](const SourceLoc& loc) { return loc.line; });
  const std::uint8_t column = packed_width(locs, [](const SourceLoc& loc) { return loc.column; });
  w.u8(file);
  w.u8(line);
  w.u8(column);
  w.vec(locs, [&](const SourceLoc& loc) {
    w.packed(packed_file(loc), file);
    w.packed(loc.line, line);
    w.packed(loc.column, column);
  });
}

void write_loc(Writer& w, const SourceLoc& loc) {
  w.u32(loc.file);
  w.u32(loc.line);
  w.u32(loc.column);
}

void write_constant(Writer& w, const Constant& c) {
  w.enum_byte(c.kind);
  switch (c.kind) {
    case Constant::Kind::none:
      break;
    case Constant::Kind::boolean:
      w.boolean(c.integer != 0);
      break;
    case Constant::Kind::integer:
    case Constant::Kind::date:
      w.i64(c.integer);
      break;
    case Constant::Kind::number:
      w.f64(c.number);
      break;
    case Constant::Kind::string:
      w.str(c.string);
      break;
    case Constant::Kind::enumeration:
      w.u32(c.enum_type);
      w.i64(c.integer);
      break;
    case Constant::Kind::list:
    case Constant::Kind::set:
      w.vec(c.elements, [&](std::uint32_t e) { w.u32(e); });
      break;
  }
}

// ------------------------------------------------------------ reading ---

// The little-endian T at `p`, which the caller has checked is in bounds.
template <class T>
T load_le(const char* p) {
  if constexpr (std::endian::native == std::endian::little) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
  } else {
    T v = 0;
    for (std::size_t i = 0; i < sizeof v; ++i)
      v |= static_cast<T>(static_cast<std::uint8_t>(p[i])) << (8 * i);
    return v;
  }
}

// The value of a packed column's `width` bytes at `p`. A switch rather than
// a loop over the bytes: the width is the same for a whole section, so the
// branch is predicted, and this runs for every field of every instruction.
std::uint32_t load_packed(const char* p, std::uint8_t width) {
  switch (width) {
    case 1:
      return static_cast<std::uint8_t>(p[0]);
    case 2:
      return load_le<std::uint16_t>(p);
    case 3:
      return load_le<std::uint16_t>(p) | std::uint32_t{static_cast<std::uint8_t>(p[2])} << 16;
    default:
      return load_le<std::uint32_t>(p);
  }
}

// Reads the sections of one bundle. The first problem sticks: every later
// read returns a zero value, and loops stop on !ok(), so a hostile count can
// neither allocate nor loop past the bytes that are really there.
class Reader {
 public:
  explicit Reader(std::string_view body) : bytes_(body), budget_(memory_budget(body.size())) {}

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  std::size_t offset() const { return pos_; }
  std::size_t remaining() const { return bytes_.size() - pos_; }

  // Names the item being read in error messages: `rule 3: effect 1: ...`.
  class Scope {
   public:
    Scope(Reader& r, const char* name, std::size_t index) : r_(r) {
      if (r_.depth_ < r_.scopes_.size()) r_.scopes_[r_.depth_] = {name, index};
      ++r_.depth_;
    }
    ~Scope() { --r_.depth_; }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    Reader& r_;
  };

  void fail(std::size_t at, std::string_view what, std::string_view problem) {
    if (!ok()) return;
    error_ = fmt::format("offset {}: ", at);
    for (std::size_t i = 0; i < depth_ && i < scopes_.size(); ++i) {
      error_ += fmt::format("{} {}: ", scopes_[i].name, scopes_[i].index);
    }
    if (!what.empty()) error_ += fmt::format("{}: ", what);
    error_ += problem;
  }

  std::uint8_t u8(std::string_view what) {
    if (!need(1, what)) return 0;
    return static_cast<std::uint8_t>(bytes_[pos_++]);
  }
  std::uint32_t u32(std::string_view what) {
    if (!need(4, what)) return 0;
    pos_ += 4;
    return load_le<std::uint32_t>(bytes_.data() + pos_ - 4);
  }
  std::uint64_t u64(std::string_view what) {
    if (!need(8, what)) return 0;
    pos_ += 8;
    return load_le<std::uint64_t>(bytes_.data() + pos_ - 8);
  }
  void skip(std::size_t n) {
    if (need(n, "header")) pos_ += n;
  }
  std::int64_t i64(std::string_view what) { return static_cast<std::int64_t>(u64(what)); }
  double f64(std::string_view what) { return std::bit_cast<double>(u64(what)); }

  // The width of a packed column: 1 to 4 bytes.
  std::uint8_t width(std::string_view what) {
    std::size_t at = pos_;
    std::uint8_t b = u8(what);
    if (ok() && (b < 1 || b > 4)) {
      fail(at, "", fmt::format("{} byte {} is not a width from 1 to 4", what, b));
    }
    return b;
  }

  bool boolean(std::string_view what) {
    std::size_t at = pos_;
    std::uint8_t b = u8(what);
    if (b > 1) fail(at, "", fmt::format("{} byte {} is neither 0 nor 1", what, b));
    return b == 1;
  }

  std::string str(std::string_view what) {
    std::size_t at = pos_;
    std::uint32_t length = u32(what);
    if (!ok()) return {};
    if (length > remaining()) {
      fail(at, what, fmt::format("string length {} runs past the end of the bundle", length));
      return {};
    }
    if (!charge(at, what, length)) return {};
    std::string s(bytes_.substr(pos_, length));
    pos_ += length;
    return s;
  }

  // A byte that must be below `limit` (the number of enumerators of E).
  template <class E>
  E enum_byte(std::string_view what, std::size_t limit) {
    std::size_t at = pos_;
    std::uint8_t b = u8(what);
    return ok() ? enum_of<E>(at, b, what, limit) : E{};
  }
  // The byte `b`, read at `at`, as an E, when it is below `limit`.
  template <class E>
  E enum_of(std::size_t at, std::uint8_t b, std::string_view what, std::size_t limit) {
    if (b < limit) return static_cast<E>(b);
    fail(at, "", fmt::format("{} byte {} is out of range", what, b));
    return E{};
  }

  // A vector: its count, then each item read by `each(item, index)`. Every
  // item takes at least `min_size` bytes, so a count the remaining bytes
  // cannot hold is rejected before anything is allocated.
  template <class T, class Each>
  void vec(std::vector<T>& items, std::string_view what, std::size_t min_size, Each each) {
    std::size_t at = pos_;
    std::uint32_t count = u32(what);
    if (!ok()) return;
    if (static_cast<std::uint64_t>(count) * min_size > remaining()) {
      fail(at, "", fmt::format("{} {} runs past the end of the bundle", what, count));
      return;
    }
    if (!charge(at, what, static_cast<std::uint64_t>(count) * sizeof(T))) return;
    items.resize(count);
    for (std::uint32_t i = 0; i < count && ok(); ++i) each(items[i], i);
  }

  // A vector of items that take exactly `size` bytes each: the count is
  // checked against the remaining bytes once, then `decode(bytes, index)`
  // makes each item from its bytes without checking bounds again. (Reading
  // the tens of thousands of instructions and locations of a big bundle
  // field by field, each read checked, was a tenth of its load time.) The
  // reader stands at the item while it is decoded, for error offsets.
  template <class T, class Decode>
  void records(std::vector<T>& items, std::string_view what, std::size_t size, Decode decode) {
    std::size_t at = pos_;
    std::uint32_t count = u32(what);
    if (!ok()) return;
    if (static_cast<std::uint64_t>(count) * size > remaining()) {
      fail(at, "", fmt::format("{} {} runs past the end of the bundle", what, count));
      return;
    }
    if (!charge(at, what, static_cast<std::uint64_t>(count) * sizeof(T))) return;
    items.reserve(count);
    for (std::uint32_t i = 0; i < count && ok(); ++i, pos_ += size) {
      items.push_back(decode(bytes_.data() + pos_, i));
    }
  }

 private:
  struct ScopeName {
    const char* name = "";
    std::size_t index = 0;
  };

  // A bundle's decoded form may be larger than its bytes (an 1-byte `none`
  // constant is a whole Constant in memory), but only by a bounded factor:
  // hostile counts cannot turn a small file into gigabytes.
  static std::uint64_t memory_budget(std::size_t size) {
    return static_cast<std::uint64_t>(size) * 64 + (1u << 20);
  }

  bool charge(std::size_t at, std::string_view what, std::uint64_t bytes) {
    if (bytes > budget_) {
      fail(at, what, "needs more memory than a bundle of this size may use");
      return false;
    }
    budget_ -= bytes;
    return true;
  }

  bool need(std::size_t n, std::string_view what) {
    if (!ok()) return false;
    if (n > remaining()) {
      fail(pos_, "", fmt::format("{} runs past the end of the bundle", what));
      return false;
    }
    return true;
  }

  std::string_view bytes_;
  std::size_t pos_ = 0;
  std::uint64_t budget_;
  std::string error_;
  std::array<ScopeName, 4> scopes_{};
  std::size_t depth_ = 0;
};

// The number of enumerators of each enum a bundle stores as a byte.
constexpr std::size_t type_kinds = static_cast<std::size_t>(TypeKind::record) + 1;
constexpr std::size_t code_kinds = static_cast<std::size_t>(EnumMember::Code::string) + 1;
constexpr std::size_t presences = static_cast<std::size_t>(Presence::optional) + 1;
constexpr std::size_t constant_kinds = static_cast<std::size_t>(Constant::Kind::set) + 1;
constexpr std::size_t severities = static_cast<std::size_t>(Severity::critical) + 1;
constexpr std::size_t effect_kinds = static_cast<std::size_t>(EffectKind::raise) + 1;
constexpr std::size_t joins = static_cast<std::size_t>(Join::union_) + 1;

// The smallest encoding of each item, for the count checks.
constexpr std::size_t string_min = 4;
constexpr std::size_t file_min = 2 * string_min;
constexpr std::size_t type_min = 1 + 4;
constexpr std::size_t enum_min = string_min + 4;
constexpr std::size_t member_min = string_min + 1;
constexpr std::size_t record_min = string_min + 4;
constexpr std::size_t field_min = string_min + 4 + 1 + 4 + 1;
constexpr std::size_t constant_min = 1;
constexpr std::size_t function_min = string_min + 4 * 4;
constexpr std::size_t loc_size = 3 * 4;
constexpr std::size_t binding_min = string_min + 4;
constexpr std::size_t effect_min = 1 + string_min + 4 + 4;
constexpr std::size_t rule_min = 3 * string_min + 1 + loc_size + 4 + 4 + 4 + 4;
constexpr std::size_t output_min = string_min + 4 + 1 + 4;
constexpr std::size_t guard_min = 4 + 4;
constexpr std::size_t field_ref_min = 4 + 4;

SourceLoc read_loc(Reader& r) {
  SourceLoc loc;
  loc.file = r.u32("source file");
  loc.line = r.u32("source line");
  loc.column = r.u32("source column");
  return loc;
}

// The packed sections (write_code, write_locs).
void read_code(Reader& r, std::vector<Instr>& code) {
  const std::uint8_t a = r.width("operand A width");
  const std::uint8_t b = r.width("operand B width");
  if (!r.ok()) return;
  r.records(code, "instruction count", 1u + a + b, [&](const char* p, std::uint32_t i) {
    Reader::Scope scope(r, "instruction", i);
    return Instr{r.enum_of<Op>(r.offset(), static_cast<std::uint8_t>(p[0]), "opcode", op_count),
                 load_packed(p + 1, a), load_packed(p + 1 + a, b)};
  });
}

void read_locs(Reader& r, std::vector<SourceLoc>& locs) {
  const std::uint8_t file = r.width("source file width");
  const std::uint8_t line = r.width("source line width");
  const std::uint8_t column = r.width("source column width");
  if (!r.ok()) return;
  r.records(locs, "source location count", std::size_t{file} + line + column,
            [&](const char* p, std::uint32_t) {
              return SourceLoc{load_packed(p, file) - 1, load_packed(p + file, line),
                               load_packed(p + file + line, column)};
            });
}

void read_u32_list(Reader& r, std::vector<std::uint32_t>& out, std::string_view what) {
  r.records(out, what, 4, [](const char* p, std::uint32_t) { return load_le<std::uint32_t>(p); });
}

void read_string_list(Reader& r, std::vector<std::string>& out, std::string_view what) {
  r.vec(out, what, string_min, [&](std::string& s, std::uint32_t) { s = r.str(what); });
}

void read_schema(Reader& r, Schema& schema) {
  r.vec(schema.types, "type count", type_min, [&](TypeDesc& t, std::uint32_t i) {
    Reader::Scope scope(r, "type", i);
    t.kind = r.enum_byte<TypeKind>("type kind", type_kinds);
    t.ref = r.u32("type reference");
  });
  r.vec(schema.enums, "enum count", enum_min, [&](EnumType& e, std::uint32_t i) {
    Reader::Scope scope(r, "enum", i);
    e.name = r.str("enum name");
    r.vec(e.members, "member count", member_min, [&](EnumMember& m, std::uint32_t k) {
      Reader::Scope member_scope(r, "member", k);
      m.name = r.str("member name");
      m.code = r.enum_byte<EnumMember::Code>("member code kind", code_kinds);
      if (m.code == EnumMember::Code::integer) m.int_code = r.i64("member code");
      if (m.code == EnumMember::Code::string) m.string_code = r.str("member code");
    });
  });
  r.vec(schema.records, "record count", record_min, [&](RecordType& rec, std::uint32_t i) {
    Reader::Scope scope(r, "record", i);
    rec.name = r.str("record name");
    r.vec(rec.fields, "field count", field_min, [&](FieldDesc& f, std::uint32_t k) {
      Reader::Scope field_scope(r, "field", k);
      f.name = r.str("field name");
      f.type = r.u32("field type");
      f.presence = r.enum_byte<Presence>("presence", presences);
      f.default_value = r.u32("field default");
      f.read = r.boolean("field read flag");
    });
  });
  schema.root = r.u32("root record");
}

void read_constant(Reader& r, Constant& c) {
  c.kind = r.enum_byte<Constant::Kind>("constant kind", constant_kinds);
  if (!r.ok()) return;
  switch (c.kind) {
    case Constant::Kind::none:
      break;
    case Constant::Kind::boolean:
      c.integer = r.boolean("boolean") ? 1 : 0;
      break;
    case Constant::Kind::integer:
      c.integer = r.i64("integer");
      break;
    case Constant::Kind::date:
      c.integer = r.i64("date");
      break;
    case Constant::Kind::number:
      c.number = r.f64("number");
      break;
    case Constant::Kind::string:
      c.string = r.str("string");
      break;
    case Constant::Kind::enumeration:
      c.enum_type = r.u32("enum type");
      c.integer = r.i64("member ordinal");
      break;
    case Constant::Kind::list:
    case Constant::Kind::set:
      read_u32_list(r, c.elements, "element count");
      break;
  }
}

void read_rule(Reader& r, RuleDesc& rule) {
  rule.id = r.str("rule id");
  rule.title = r.str("rule title");
  read_string_list(r, rule.cites, "cite");
  rule.severity = r.enum_byte<Severity>("severity", severities);
  rule.loc = read_loc(r);
  r.vec(rule.bindings, "binding count", binding_min, [&](ForBinding& b, std::uint32_t k) {
    Reader::Scope scope(r, "binding", k);
    b.name = r.str("binding name");
    b.iterator = r.u32("binding iterator");
  });
  r.vec(rule.effects, "effect count", effect_min, [&](EffectDesc& e, std::uint32_t k) {
    Reader::Scope scope(r, "effect", k);
    e.kind = r.enum_byte<EffectKind>("effect kind", effect_kinds);
    e.obligation = r.str("obligation");
    read_string_list(r, e.with_keys, "with key");
    e.output = r.u32("effect output");
  });
  rule.function = r.u32("rule function");
  read_u32_list(r, rule.guards, "guard count");
}

}  // namespace

std::string write_bundle(const Image& image) {
  Writer w;
  w.raw(std::string_view(bundle_magic, sizeof(bundle_magic)));
  w.u32(bundle_format_version);

  // manifest
  w.str(image.name);
  w.str(image.version);
  w.vec(image.files, [&](const SourceFile& f) {
    w.str(f.path);
    w.str(f.sha256);
  });

  // schema
  const Schema& schema = image.schema;
  w.vec(schema.types, [&](const TypeDesc& t) {
    w.enum_byte(t.kind);
    w.u32(t.ref);
  });
  w.vec(schema.enums, [&](const EnumType& e) {
    w.str(e.name);
    w.vec(e.members, [&](const EnumMember& m) {
      w.str(m.name);
      w.enum_byte(m.code);
      if (m.code == EnumMember::Code::integer) w.i64(m.int_code);
      if (m.code == EnumMember::Code::string) w.str(m.string_code);
    });
  });
  w.vec(schema.records, [&](const RecordType& rec) {
    w.str(rec.name);
    w.vec(rec.fields, [&](const FieldDesc& f) {
      w.str(f.name);
      w.u32(f.type);
      w.enum_byte(f.presence);
      w.u32(f.default_value);
      w.boolean(f.read);
    });
  });
  w.u32(schema.root);

  w.vec(image.constants, [&](const Constant& c) { write_constant(w, c); });

  // max_stack is not stored: the verifier computes it, so a bundle cannot lie about it.
  w.vec(image.functions, [&](const Function& f) {
    w.str(f.name);
    w.u32(f.entry);
    w.u32(f.end);
    w.u32(f.params);
    w.u32(f.locals);
  });
  write_code(w, image.code);
  write_locs(w, image.locs);

  w.vec(image.rules, [&](const RuleDesc& rule) {
    w.str(rule.id);
    w.str(rule.title);
    w.vec(rule.cites, [&](const std::string& s) { w.str(s); });
    w.enum_byte(rule.severity);
    write_loc(w, rule.loc);
    w.vec(rule.bindings, [&](const ForBinding& b) {
      w.str(b.name);
      w.u32(b.iterator);
    });
    w.vec(rule.effects, [&](const EffectDesc& e) {
      w.enum_byte(e.kind);
      w.str(e.obligation);
      w.vec(e.with_keys, [&](const std::string& s) { w.str(s); });
      w.u32(e.output);
    });
    w.u32(rule.function);
    w.vec(rule.guards, [&](std::uint32_t g) { w.u32(g); });
  });
  w.vec(image.outputs, [&](const OutputDesc& o) {
    w.str(o.id);
    w.u32(o.type);
    w.enum_byte(o.join);
    w.u32(o.function);
  });
  w.vec(image.guards, [&](const Guard& g) {
    w.vec(g.path, [&](const FieldRef& f) {
      w.u32(f.record);
      w.u32(f.field);
    });
    w.vec(g.strings, [&](const std::string& s) { w.str(s); });
  });

  return with_checksum(std::move(w.out()));
}

namespace {
std::uint64_t checksum(std::string_view body) { return XXH3_64bits(body.data(), body.size()); }
}  // namespace

std::string with_checksum(std::string body) {
  const std::uint64_t sum = checksum(body);
  for (std::size_t i = 0; i < bundle_checksum_size; ++i) {
    body.push_back(static_cast<char>(sum >> (8 * i)));
  }
  return body;
}

std::string read_bundle(std::string_view bytes, Image& out, std::size_t max_bytes) {
  if (bytes.size() > max_bytes) {
    return fmt::format("the bundle is {} bytes; the limit is {}", bytes.size(), max_bytes);
  }
  if (bytes.size() < header_size + bundle_checksum_size) {
    return fmt::format("offset 0: {} bytes is too short for a bundle", bytes.size());
  }
  if (std::memcmp(bytes.data(), bundle_magic, sizeof(bundle_magic)) != 0) {
    return "offset 0: not a Precept bundle (bad magic)";
  }
  std::string_view body = bytes.substr(0, bytes.size() - bundle_checksum_size);
  Reader r(body);
  r.skip(sizeof(bundle_magic));
  std::uint32_t version = r.u32("format version");
  if (version != bundle_format_version) {
    return fmt::format("offset {}: bundle format version {} is not supported (this build reads {})",
                       sizeof(bundle_magic), version, bundle_format_version);
  }
  if (load_le<std::uint64_t>(bytes.data() + body.size()) != checksum(body)) {
    return fmt::format("offset {}: checksum mismatch (the bundle is damaged or truncated)",
                       body.size());
  }

  Image image;
  image.name = r.str("bundle name");
  image.version = r.str("bundle version");
  r.vec(image.files, "file count", file_min, [&](SourceFile& f, std::uint32_t i) {
    Reader::Scope scope(r, "file", i);
    f.path = r.str("path");
    f.sha256 = r.str("sha256");
  });
  read_schema(r, image.schema);
  r.vec(image.constants, "constant count", constant_min, [&](Constant& c, std::uint32_t i) {
    Reader::Scope scope(r, "constant", i);
    read_constant(r, c);
  });
  r.vec(image.functions, "function count", function_min, [&](Function& f, std::uint32_t i) {
    Reader::Scope scope(r, "function", i);
    f.name = r.str("function name");
    f.entry = r.u32("function entry");
    f.end = r.u32("function end");
    f.params = r.u32("function params");
    f.locals = r.u32("function locals");
  });
  read_code(r, image.code);
  read_locs(r, image.locs);
  r.vec(image.rules, "rule count", rule_min, [&](RuleDesc& rule, std::uint32_t i) {
    Reader::Scope scope(r, "rule", i);
    read_rule(r, rule);
  });
  r.vec(image.outputs, "output count", output_min, [&](OutputDesc& o, std::uint32_t i) {
    Reader::Scope scope(r, "output", i);
    o.id = r.str("output id");
    o.type = r.u32("output type");
    o.join = r.enum_byte<Join>("join", joins);
    o.function = r.u32("output function");
  });
  r.vec(image.guards, "guard count", guard_min, [&](Guard& g, std::uint32_t i) {
    Reader::Scope scope(r, "guard", i);
    r.vec(g.path, "guard path length", field_ref_min, [&](FieldRef& f, std::uint32_t) {
      f.record = r.u32("guard record");
      f.field = r.u32("guard field");
    });
    read_string_list(r, g.strings, "guard string");
  });
  if (r.ok() && r.remaining() != 0) {
    r.fail(r.offset(), "",
           fmt::format("{} bytes of trailing data after the guards", r.remaining()));
  }
  if (!r.ok()) return r.error();
  out = std::move(image);
  return {};
}

}  // namespace precept::runtime
