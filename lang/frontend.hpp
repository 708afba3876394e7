// The front end as one call: find rule files, read them, parse and check
// them together. `rulec check`, the compiler and the test harness share it so
// that they agree on what a set of paths means.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lang/checker.hpp"
#include "lang/diagnostic.hpp"
#include "lang/parser.hpp"
#include "lang/source.hpp"

namespace precept::lang {

// Expands paths: a file is taken as given; a directory is searched
// recursively for `*.rules` files, in sorted order so every run sees the
// same files in the same order. A file named twice is listed once. Returns
// false and sets `error` when a path does not exist, is not a regular file
// or folder, or a folder or `*.rules` entry in it cannot be read.
bool collect_rule_files(const std::vector<std::string>& paths, std::vector<std::string>& files,
                        std::string& error);

// Reads each file into `sources`, at most `max_bytes` + 1 bytes of each (so
// the parser can report a file over its size limit without the whole file
// being read). Returns false and sets `error` (naming the file and the
// reason) on the first file that cannot be read.
bool read_sources(const std::vector<std::string>& files, SourceSet& sources, std::string& error,
                  std::size_t max_bytes = ParseLimits{}.max_source_bytes);

// How read_input_file reads one input file and names it in messages.
struct InputFile {
  std::string_view what;  // "`facts.json`", "the given file `shop.json`"
  std::size_t max_bytes = SIZE_MAX;
  std::string_view limit;  // what the size limit is: "the limit for a facts document"
  // Refuse devices, FIFOs and sockets: /dev/zero never ends and a FIFO
  // without a writer never answers, which a file named in a rule file
  // must not be able to do to every `rulec check`. Off, a pipe the user
  // names on the command line (`--facts /dev/stdin`) still works.
  bool regular_only = false;
};

// Reads the whole of `path` into `text`, never more than one byte past
// `how.max_bytes`, so a huge or endless file cannot exhaust memory; with
// `regular_only` it is opened without blocking and refused, unread, if it
// is not a regular file. Returns false with `error` saying why, naming the
// file as `how.what`: "`x.json` is a folder, not a file", "`x.json` is
// larger than 64 bytes, the limit ...", "cannot read `x.json`: Input/output error".
bool read_input_file(const std::string& path, const InputFile& how, std::string& text,
                     std::string& error);

// The path prefix of the embedded standard modules in a SourceSet.
inline constexpr std::string_view standard_module_prefix = "<std>/";

struct FrontEndOptions {
  ParseLimits limits;
  CheckOptions check;
};

// Parses every file of `sources` and checks them as one program. Every
// file is parsed, so each file's syntax error is reported; when any file has
// one, checking is skipped (its declarations would otherwise show up as
// undefined names elsewhere) and the result is null. Diagnostics come out
// sorted by file and position. The standard modules (`std.eu`, ...) that the
// program imports are added to `sources`, under paths beginning `<std>/`, so
// diagnostics in them can be rendered.
std::unique_ptr<Program> check_sources(SourceSet& sources, Diagnostics& diags,
                                       const FrontEndOptions& options = {});

}  // namespace precept::lang
