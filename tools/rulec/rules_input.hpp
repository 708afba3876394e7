// Getting a runnable program from the command line, shared by build, eval
// and disasm: compile rule files and folders (diagnostics to stderr), or
// read and verify a bundle. Problems are printed; the caller exits 2.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "runtime/executable.hpp"
#include "runtime/image.hpp"
#include "tools/rulec/limits.hpp"

namespace precept::rulec {

// Compiles the `.rules` files under `paths`; false after printing the
// diagnostics or the I/O error.
bool compile_paths(const std::vector<std::string>& paths, const std::string& name,
                   runtime::Image& image, const Limits& limits);

// Reads a bundle file of at most `max_bytes` into `image` (framing
// checked, not yet verified).
bool read_bundle_file(const std::string& path, runtime::Image& image, std::size_t max_bytes);

// A verified executable from rule paths or a bundle (at most one of them);
// with neither, the shipped rule packs built into rulec.
std::shared_ptr<const runtime::Executable> load_program(const std::vector<std::string>& paths,
                                                        const std::string& bundle,
                                                        const Limits& limits);

// The PATH... and -b BUNDLE options of the commands that run a program
// (load_program's inputs).
void add_program_options(CLI::App* cmd, std::vector<std::string>& paths, std::string& bundle);

// Reads a whole file of at most `max_bytes` (a pipe or device too, read
// no further than one byte past the limit); false with `error` set, naming
// the file and why, when it is a folder, cannot be read or is larger.
bool read_file(const std::string& path, std::string& text, std::string& error,
               std::size_t max_bytes);

// Opens a file to be read as a stream (JSON Lines); null with `error` set,
// naming the file and why, when it cannot be opened or is a folder (which
// opens, but every read fails).
std::FILE* open_input_stream(const std::string& path, std::string& error);

}  // namespace precept::rulec
