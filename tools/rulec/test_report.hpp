// Reports of a `rulec test` run: text for people, JSON for tools, JUnit XML
// for CI systems, and rule coverage.
#pragma once

#include <string>

#include "lang/test_runner.hpp"
#include "runtime/image.hpp"

namespace precept::rulec {

struct ReportOptions {
  bool verbose = false;   // list passing tests too
  bool coverage = false;  // add the coverage table and summary
  bool color = false;     // ANSI colors (a terminal)
};

// One line per failing test (name, file:line) with each failed expectation
// (expected vs actual), every test with `verbose`, the coverage section with
// `coverage`, then `N passed, M failed`.
std::string text_report(const lang::TestRun& run, const runtime::Image& image,
                        const ReportOptions& options);
// Every test and expectation with its result (and coverage with `coverage`).
std::string json_report(const lang::TestRun& run, const ReportOptions& options);
// JUnit XML: one testsuite per package, one testcase per test, failures
// with their messages, file and line.
std::string junit_report(const lang::TestRun& run);

}  // namespace precept::rulec
