// Decides one facts document with the rules in a folder, compiled in
// memory: Precept's C++ API.
//
//   decide RULES_DIR FACTS.json
//   decide rules/ docs/examples/workloads/hr-fine-tuned-model.json
//
// Prints the bundle, the outcome, and each violation and review. Built
// against an installed Precept by the CMakeLists.txt beside it
// (find_package(Precept), target Precept::compiler for Bundle::compile; a
// program that loads bundles built by `rulec build` needs Precept::precept
// only).
#include <precept/precept.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

bool read_file(const fs::path& path, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream content;
  content << in.rdbuf();
  text = content.str();
  return true;
}

// Every `.rules` file under `folder`, in a stable order (the bundle's
// manifest lists them in this order).
bool read_rules(const fs::path& folder, std::vector<precept::Source>& sources) {
  std::error_code error;
  std::vector<fs::path> files;
  for (fs::recursive_directory_iterator it(folder, error), end; !error && it != end;
       it.increment(error)) {
    if (it->is_regular_file() && it->path().extension() == ".rules") files.push_back(it->path());
  }
  if (error) return false;
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    precept::Source source{file.string(), {}};
    if (!read_file(file, source.text)) return false;
    sources.push_back(std::move(source));
  }
  return !sources.empty();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: decide RULES_DIR FACTS.json\n";
    return 2;
  }
  std::vector<precept::Source> sources;
  std::string facts;
  if (!read_rules(argv[1], sources) || !read_file(argv[2], facts)) {
    std::cerr << "decide: cannot read the rules in `" << argv[1] << "` or the facts `" << argv[2]
              << "`\n";
    return 2;
  }

  precept::Result<precept::Bundle> bundle =
      precept::Bundle::compile(sources, {.name = "aigov", .version = PRECEPT_VERSION_STRING});
  if (!bundle) {
    std::cerr << bundle.status().message() << "\n";  // the diagnostics, with file:line:col
    return 2;
  }
  precept::Engine engine{*bundle};                    // one per process, shared by threads
  precept::Evaluator evaluator = engine.evaluator();  // one per thread

  precept::Result<precept::Decision> decision = evaluator.evaluate(facts, {.explain = false});
  if (!decision) {
    std::cerr << "decide: " << decision.status().message() << "\n";  // not a JSON object
    return 2;
  }
  std::cout << "bundle: " << decision->bundle_name() << " " << decision->bundle_version() << "\n";
  std::cout << "outcome: " << precept::to_string(decision->outcome()) << "\n";
  for (const precept::Entry& violation : decision->violations()) {
    std::cout << "deny " << violation.rule << ": " << violation.message << "\n";
  }
  for (const precept::Entry& review : decision->reviews()) {
    std::cout << "review " << review.rule << ": " << review.message << "\n";
  }
  return 0;
}
