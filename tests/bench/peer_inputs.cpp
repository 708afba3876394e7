#include "tests/bench/peer_inputs.hpp"

#include <fstream>
#include <stdexcept>

#include "lang/compiler.hpp"
#include "lang/frontend.hpp"
#include "lang/render.hpp"
#include "runtime/bundle.hpp"

namespace precept::bench {

namespace {

const std::string peer_dir = PRECEPT_SOURCE_DIR "/tests/bench/peer/";

std::string rules_dir(std::int64_t size) { return peer_dir + "rules-" + std::to_string(size); }

}  // namespace

void fail(const std::string& what) { throw std::runtime_error(what); }

lang::SourceSet read_rules(std::int64_t size) {
  std::vector<std::string> files;
  std::string error;
  lang::SourceSet sources;
  if (!lang::collect_rule_files({rules_dir(size)}, files, error) ||
      !lang::read_sources(files, sources, error)) {
    fail(error);
  }
  return sources;
}

runtime::Image compile_image(lang::SourceSet& sources) {
  lang::Diagnostics diags;
  auto program = lang::check_sources(sources, diags, {});
  if (program == nullptr || diags.has_errors()) fail(lang::render_text(diags, sources, {}));
  return lang::compile(*program, sources);
}

std::string bundle_bytes(std::int64_t size) {
  lang::SourceSet sources = read_rules(size);
  return runtime::write_bundle(compile_image(sources));
}

std::vector<std::string> pool_documents() {
  std::ifstream in(peer_dir + "source/facts/pool.jsonl");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  if (lines.empty()) fail("no documents in pool.jsonl");
  return lines;
}

}  // namespace precept::bench
