// Facts: one input document loaded through the schema into fixed record
// slots, ready for the VM. The loader reads JSON text with simdjson (the hot
// path); facts_json.hpp loads an nlohmann::json value the same way.
//
//   FactLoader loader{exe};
//   Facts facts;
//   std::string error;
//   if (!loader.load(text, facts, error)) fail(error);  // not JSON: "offset 17: ..."
//   facts.errors;   // input errors: wrong types, unknown enum members, bad dates
//
// Loading rules (LANGUAGE.md "Types and the fact schema"): objects become
// records (unknown keys ignored), arrays lists or sets (repeats dropped),
// strings enum members by name or by their JSON code (integers too), ISO
// strings dates. An absent required field is `missing` at its path; an absent
// defaulted field its default; an absent optional field none. A value of the
// wrong JSON type is an input error at its path and the path is missing.
// Fields no rule reads are not converted at all.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/arena.hpp"
#include "runtime/entry_list.hpp"
#include "runtime/executable.hpp"
#include "runtime/value.hpp"

namespace precept::runtime {

// One step of a fact path. paths[0] is the root (the document itself).
// A position is 64 bits wide: the VM names reads past the end of a facts
// list at any int index (`xs[4294967295]`) as missing paths too.
struct PathNode {
  static constexpr std::uint64_t field_step = ~std::uint64_t{0};
  std::uint32_t parent = no_index;
  std::uint64_t index = field_step;  // a list position, or field_step
  std::string_view field;            // the field name for a field step (points into the schema)
};

struct InputError {
  std::uint32_t path = 0;  // index into Facts::paths
  std::string message;     // `expected a string, found a number`
};

struct Facts {
  Value root;                    // a record of Schema::root
  std::vector<PathNode> paths;   // every path a value or a missing fact needs
  EntryList<InputError> errors;  // in schema field order, then element order; kept by clear()
  Arena arena;                   // strings, lists and records of this document
  // Rule indexing (runtime/guard_index.hpp), as bitsets: the guards whose
  // strings the document holds, and the fields that had a value missing,
  // none or defaulted somewhere in it. Empty when the program has no guards.
  std::vector<std::uint64_t> guard_hits;
  std::vector<std::uint64_t> unclean_fields;

  // Forgets the document, keeping memory for the next one.
  void clear();
  // `data[2].residency`; empty for the root.
  std::string path_text(std::uint32_t path) const;
  std::uint32_t add_path(std::uint32_t parent, std::string_view field) {
    paths.push_back(PathNode{parent, PathNode::field_step, field});
    return static_cast<std::uint32_t>(paths.size() - 1);
  }
  std::uint32_t add_index_path(std::uint32_t parent, std::uint32_t index) {
    paths.push_back(PathNode{parent, index, {}});
    return static_cast<std::uint32_t>(paths.size() - 1);
  }
};

// Limits on what a facts document may be; past them loading fails with an error.
struct FactLimits {
  std::size_t max_bytes = 64u << 20;  // 64 MiB
  std::size_t max_depth = 64;         // nesting of arrays and objects
};

// Owns a reusable simdjson parser: use one loader per thread.
class FactLoader {
 public:
  explicit FactLoader(std::shared_ptr<const Executable> exe, FactLimits limits = {});
  ~FactLoader();
  FactLoader(FactLoader&&) noexcept;
  FactLoader& operator=(FactLoader&&) noexcept;

  // Loads one JSON document into `out` (cleared first). Returns false with
  // `error` set when the text is not JSON, is not an object at the top level
  // or exceeds the limits (the message names the byte offset where it can).
  // Wrong values inside a well-formed document are not failures: they are
  // input errors in out.errors.
  bool load(std::string_view json_text, Facts& out, std::string& error) {
    return load_text(json_text, false, out, error);
  }
  // Bytes that must be readable after the text given to load_padded.
  static constexpr std::size_t text_padding = 64;
  // As load, for text followed by at least text_padding readable bytes of
  // any value (the next line of a block, say): the parser reads it where it
  // is instead of copying it into a padded buffer first.
  bool load_padded(std::string_view json_text, Facts& out, std::string& error) {
    return load_text(json_text, true, out, error);
  }

  const Executable& executable() const { return *exe_; }

 private:
  bool load_text(std::string_view json_text, bool padded, Facts& out, std::string& error);

  struct Impl;
  std::shared_ptr<const Executable> exe_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace precept::runtime
