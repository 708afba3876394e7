#!/usr/bin/env bash
# `rulec test` as rule authors and CI meet it, over the corpus in
# tests/testing/: exit codes, the text, JSON and JUnit reports, --filter,
# --now, coverage and --jobs. Usage: rulec_test_test.sh RULEC SOURCE_DIR
set -u
rulec=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
# Paths in reports are as given on the command line: run from the source
# folder so they read `tests/testing/...` wherever the tree is.
cd "$2" || exit 1
corpus=tests/testing
schema=tests/cli/junit.xsd
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failures=0

fail() {
  echo "FAIL: $1"
  failures=$((failures + 1))
}
# expect CODE DESCRIPTION -- COMMAND...: runs COMMAND, checks its exit code.
expect() {
  local want=$1 what=$2
  shift 3
  "$@" >"$scratch/out" 2>"$scratch/err"
  local got=$?
  if [ "$got" != "$want" ]; then
    fail "$what: exit $got, expected $want"
    sed 's/^/  stdout: /' "$scratch/out" | head -10
    sed 's/^/  stderr: /' "$scratch/err" | head -5
  fi
}
# contains FILE TEXT DESCRIPTION
contains() {
  if ! grep -qF -- "$2" "$1"; then
    fail "$3: \`$2\` not in output"
    head -20 "$1" | sed 's/^/  /'
  fi
}
# has_line FILE LINE DESCRIPTION: LINE is a whole line of FILE.
has_line() {
  if ! grep -qxF -- "$2" "$1"; then
    fail "$3: no line \`$2\`"
    head -20 "$1" | sed 's/^/  /'
  fi
}
# last_line FILE LINE DESCRIPTION
last_line() {
  local got
  got=$(tail -n 1 "$1")
  [ "$got" = "$2" ] || fail "$3: last line \`$got\`, expected \`$2\`"
}
# count FILE REGEX N DESCRIPTION: N lines of FILE match REGEX.
count() {
  local got
  got=$(grep -cE -- "$2" "$1")
  [ "$got" = "$3" ] || fail "$4: $got lines match \`$2\`, expected $3"
}

pass_dir=$corpus/passing
fail_dir=$corpus/failing
unfired_dir=$corpus/unfired
now=(--now 2026-06-01)

# ---------------------------------------------------------------- text ---

expect 0 "all tests pass" -- "$rulec" test "$pass_dir" "${now[@]}"
last_line "$scratch/out" "6 passed, 0 failed" "passing summary"
count "$scratch/out" '^(FAIL|ok) ' 0 "no test listed without -v"

expect 0 "-v" -- "$rulec" test "$pass_dir" "${now[@]}" -v
count "$scratch/out" '^ok   ' 6 "-v lists every passing test"
has_line "$scratch/out" "ok   a private app with low-level data is allowed ($pass_dir/checks_test.rules:3)" "-v line"
has_line "$scratch/out" "ok   an app with an empty owner is denied ($pass_dir/owners_test.rules:3)" "-v second package"
cp "$scratch/out" "$scratch/verbose1"

expect 1 "failing tests" -- "$rulec" test "$fail_dir" "${now[@]}"
last_line "$scratch/out" "1 passed, 10 failed" "failing summary"
count "$scratch/out" '^FAIL ' 10 "one FAIL line per failing test"
cp "$scratch/out" "$scratch/failing.txt"
t=$scratch/failing.txt
has_line "$t" "FAIL fails: the outcome ($fail_dir/policy_test.rules:11)" "outcome: name and file:line"
has_line "$t" "  line 14: expect outcome allow" "outcome: the expectation and its line"
contains "$t" "expected outcome allow, got outcome deny" "outcome: expected vs actual"
contains "$t" "denies: failing.exposed_high" "outcome: the violations"
contains "$t" "missing: data[1].level" "outcome: the missing facts"
has_line "$t" "FAIL fails: a deny that did not fire ($fail_dir/policy_test.rules:17)" "deny"
has_line "$t" "  line 19: expect deny exposed_high" "deny expectation"
has_line "$t" "FAIL fails: a review by prefix ($fail_dir/policy_test.rules:22)" "review by prefix"
contains "$t" "expected a review from \`failing.*\`" "review by prefix message"
has_line "$t" "FAIL fails: a warning ($fail_dir/policy_test.rules:27)" "warn"
has_line "$t" "FAIL fails: no deny ($fail_dir/policy_test.rules:32)" "no deny"
contains "$t" "expected no deny from any rule, but failing.exposed_high fired" "no deny message"
has_line "$t" "FAIL fails: an obligation ($fail_dir/policy_test.rules:37)" "require"
contains "$t" "expected the obligation \`privacy.dpia\`" "require message"
has_line "$t" "FAIL fails: an output ($fail_dir/policy_test.rules:42)" "output"
contains "$t" "expected \`failing.worst\` to be \"high\", got \"low\"" "output message"
has_line "$t" "FAIL fails: a missing fact ($fail_dir/policy_test.rules:47)" "missing"
contains "$t" "expected \`data[0].level\` to be missing; missing: none" "missing message"
has_line "$t" "FAIL fails: complete ($fail_dir/policy_test.rules:52)" "complete"
contains "$t" "expected a complete decision" "complete message"
has_line "$t" "FAIL fails: an override of a list element that does not exist ($fail_dir/policy_test.rules:57)" "error test"
contains "$t" "  error: cannot override \`data[3].level\`: \`data\` has no element 3" "error message"
# Only failed expectations are listed: the passing one before it is not.
if grep -qxF "  line 13: expect deny exposed_high" "$t"; then fail "a passed expectation was listed"; fi

# -------------------------------------------------------------- --filter ---

expect 1 "--filter selects by name" -- "$rulec" test "$fail_dir" "${now[@]}" --filter "a deny"
last_line "$scratch/out" "0 passed, 1 failed" "--filter summary"
expect 0 "--filter with only passing tests" -- "$rulec" test "$fail_dir" "${now[@]}" --filter "no data"
last_line "$scratch/out" "1 passed, 0 failed" "--filter passing summary"
# A mistyped filter must not pass a CI job by running nothing.
expect 2 "--filter that matches nothing" -- "$rulec" test "$fail_dir" "${now[@]}" --filter "no such test"
contains "$scratch/err" "no test name contains \`no such test\`" "--filter nothing says so"

# ----------------------------------------------------------------- --now ---

expect 0 "--now after the expiry date" -- "$rulec" test "$pass_dir" --now 2000-01-02 --filter "past its date"
expect 1 "--now before the expiry date" -- "$rulec" test "$pass_dir" --now 1999-12-31 --filter "past its date"
contains "$scratch/out" "expected a warn from \`passing.checks.expired\`" "--now decides now()"

# ---------------------------------------------------------------- JSON ---

json_check() {  # json_check FILE PYTHON-ASSERTIONS DESCRIPTION
  if ! python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
$2" "$1" 2>"$scratch/py"; then
    fail "$3"
    sed 's/^/  /' "$scratch/py" | tail -3
  fi
}
expect 1 "--format json" -- "$rulec" test "$fail_dir" "${now[@]}" --format json
cp "$scratch/out" "$scratch/failing.json"
json_check "$scratch/failing.json" '
assert d["passed"] == 1 and d["failed"] == 10, (d["passed"], d["failed"])
assert len(d["tests"]) == 11
assert "coverage" not in d
t = d["tests"][1]
assert t["name"] == "fails: the outcome" and t["package"] == "failing", t
assert t["file"].endswith("failing/policy_test.rules") and t["line"] == 11, t
assert not t["passed"] and "error" not in t
assert [e["passed"] for e in t["expectations"]] == [True, False]
assert t["expectations"][0] == {"expect": "expect deny exposed_high", "line": 13, "passed": True}
assert t["expectations"][1]["line"] == 14 and "expected outcome allow" in t["expectations"][1]["message"]
e = d["tests"][10]
assert not e["passed"] and "has no element 3" in e["error"] and e["expectations"] == []
assert all(isinstance(t["seconds"], float) for t in d["tests"])
' "JSON report of the failing tests"
expect 0 "--format json --coverage" -- "$rulec" test "$unfired_dir" "${now[@]}" --format json --coverage
json_check "$scratch/out" '
c = d["coverage"]
assert (c["fired"], c["total"]) == (1, 2), c
assert [(r["id"], r["fired"], r["not_fired"], r["undetermined"]) for r in c["rules"]] == [
    ("unfired.large_budget", 1, 1, 1), ("unfired.negative_budget", 0, 2, 1)], c["rules"]
assert c["rules"][1]["file"].endswith("unfired/budget.rules") and c["rules"][1]["line"] == 14
' "JSON coverage"

# --------------------------------------------------------------- JUnit ---

# junit_counts FILE: tests/failures/errors of <testsuites>, and the number of <testsuite>s.
junit_counts() {
  python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
print(root.tag, root.get("tests"), root.get("failures"), root.get("errors"), len(root.findall("testsuite")))
PY
}
expect 1 "--junit with failures" -- "$rulec" test "$fail_dir" "${now[@]}" --junit "$scratch/failing.xml"
if ! xmllint --noout --schema "$schema" "$scratch/failing.xml" 2>"$scratch/xmllint"; then
  fail "the JUnit report does not validate against $schema"
  head -5 "$scratch/xmllint" | sed 's/^/  /'
fi
got=$(junit_counts "$scratch/failing.xml")
[ "$got" = "testsuites 11 9 1 1" ] || fail "JUnit counts of the failing tests: $got"
contains "$scratch/failing.xml" "<testcase name=\"fails: the outcome\" classname=\"failing\" file=\"$fail_dir/policy_test.rules\" line=\"11\"" "JUnit testcase"
contains "$scratch/failing.xml" '<failure message="expected outcome allow, got outcome deny' "JUnit failure message"
contains "$scratch/failing.xml" "line 14: expect outcome allow: expected outcome allow" "JUnit failure text"
# shellcheck disable=SC2016  # backquotes are literal text here
contains "$scratch/failing.xml" '<error message="cannot override `data[3].level`' "JUnit error"
expect 0 "--junit, all passing" -- "$rulec" test "$pass_dir" "${now[@]}" --junit "$scratch/passing.xml"
xmllint --noout --schema "$schema" "$scratch/passing.xml" 2>/dev/null || fail "the passing JUnit report does not validate"
got=$(junit_counts "$scratch/passing.xml")
[ "$got" = "testsuites 6 0 0 2" ] || fail "JUnit counts of the passing tests (one suite per package): $got"
contains "$scratch/passing.xml" '<testsuite name="passing.owners" tests="1" failures="0" errors="0" skipped="0"' "second testsuite"
# Names that need escaping, and a control character XML cannot hold.
mkdir -p "$scratch/escape"
cp "$unfired_dir/budget.rules" "$scratch/escape/"
cat >"$scratch/escape/escape_test.rules" <<'RULES'
package unfired

test "<a> & \"b\" \u{1} fails" {
  given { budget: 1 }
  expect outcome deny
}
RULES
expect 1 "--junit with markup in a test name" -- "$rulec" test "$scratch/escape" --junit "$scratch/escape.xml"
xmllint --noout --schema "$schema" "$scratch/escape.xml" 2>/dev/null || fail "JUnit with markup in a name does not validate"
contains "$scratch/escape.xml" 'name="&lt;a&gt; &amp; &quot;b&quot;' "JUnit escapes the name"

# ------------------------------------------------------------ coverage ---

expect 0 "--coverage" -- "$rulec" test "$unfired_dir" "${now[@]}" --coverage
cp "$scratch/out" "$scratch/coverage1"
has_line "$scratch/out" "1/2 rules fired" "coverage summary"
has_line "$scratch/out" "rules no test fired:" "unfired heading"
has_line "$scratch/out" "  unfired.negative_budget ($unfired_dir/budget.rules:14)" "the unfired rule with file:line"
count "$scratch/out" '^unfired\.large_budget +1 +1 +1$' 1 "large_budget: fired, not fired, undetermined"
count "$scratch/out" '^unfired\.negative_budget +0 +2 +1$' 1 "negative_budget counts"
last_line "$scratch/out" "3 passed, 0 failed" "coverage run summary"
expect 1 "--coverage-min 100 with an unfired rule" -- "$rulec" test "$unfired_dir" "${now[@]}" --coverage-min 100
contains "$scratch/err" "50.0% of the rules fired" "coverage-min message"
expect 0 "--coverage-min 50" -- "$rulec" test "$unfired_dir" "${now[@]}" --coverage-min 50
expect 0 "--coverage-min 100 when every rule fires" -- "$rulec" test "$pass_dir" "${now[@]}" --coverage-min 100
has_line "$scratch/out" "5/5 rules fired" "all rules fired"
count "$scratch/out" '^passing\.checks\.public_high_data +1 +4 +1$' 1 "public_high_data counts"
if grep -qxF "rules no test fired:" "$scratch/out"; then fail "an unfired list when all rules fire"; fi

# ---------------------------------------------------------------- jobs ---

expect 0 "--jobs 2" -- "$rulec" test "$pass_dir" "${now[@]}" -v --jobs 2
cmp -s "$scratch/out" "$scratch/verbose1" || fail "--jobs 2 changed the -v output"
for jobs in 1 2; do
  expect 1 "--jobs $jobs on the failing tests" -- "$rulec" test "$fail_dir" "${now[@]}" -v --coverage --jobs "$jobs"
  cp "$scratch/out" "$scratch/jobs$jobs.txt"
  expect 1 "--jobs $jobs, JSON" -- "$rulec" test "$fail_dir" "${now[@]}" --format json --jobs "$jobs"
  sed 's/"seconds": [0-9.]*/"seconds": S/' "$scratch/out" >"$scratch/jobs$jobs.json"
done
cmp -s "$scratch/jobs1.txt" "$scratch/jobs2.txt" || fail "--jobs 2 changed the text output"
cmp -s "$scratch/jobs1.json" "$scratch/jobs2.json" || fail "--jobs 2 changed the JSON output"

# ------------------------------------------------ inputs and usage errors ---

expect 0 "a test file alone brings its folder's rules" -- "$rulec" test "$unfired_dir/budget_test.rules" "${now[@]}"
last_line "$scratch/out" "3 passed, 0 failed" "a test file alone"
mkdir -p "$scratch/broken"
cp "$unfired_dir/budget.rules" "$scratch/broken/"
printf 'package unfired\n\ntest "t" {\n  given { budget: 1 }\n  expect deny no_such_rule\n}\n' >"$scratch/broken/broken_test.rules"
expect 2 "a test naming an unknown rule" -- "$rulec" test "$scratch/broken"
contains "$scratch/err" "broken_test.rules:5:" "the compile error carries file:line"
contains "$scratch/err" "no test was run" "compile errors run no test"
expect 2 "a compile error with --junit" -- "$rulec" test "$scratch/broken" --junit "$scratch/broken.xml"
if ! xmllint --noout --schema "$schema" "$scratch/broken.xml" 2>"$scratch/xmllint"; then
  echo "FAIL: the JUnit report of a compile error does not validate"; sed 's/^/  /' "$scratch/xmllint"; failures=$((failures + 1))
fi
contains "$scratch/broken.xml" "<error" "a compile error is an <error> in the JUnit report"
contains "$scratch/broken.xml" "no_such_rule" "the JUnit error holds the diagnostics"
printf 'package unfired\n\ntest "t" {\n  given file "nowhere.json"\n  expect outcome allow\n}\n' >"$scratch/broken/broken_test.rules"
expect 2 "a given file that does not exist" -- "$rulec" test "$scratch/broken"
contains "$scratch/err" "nowhere.json" "the missing given file is named"
printf 'package unfired\n\ntest "t" {\n  given { budget: "many" }\n  expect outcome allow\n}\n' >"$scratch/broken/broken_test.rules"
expect 2 "a given value of the wrong type" -- "$rulec" test "$scratch/broken"
expect 2 "no path" -- "$rulec" test
expect 2 "a path that does not exist" -- "$rulec" test "$scratch/none"
expect 2 "an unknown format" -- "$rulec" test "$pass_dir" --format xml
expect 2 "a bad --now" -- "$rulec" test "$pass_dir" --now 2026-02-30
expect 2 "--coverage-min above 100" -- "$rulec" test "$pass_dir" --coverage-min 101
expect 2 "--jobs 0" -- "$rulec" test "$pass_dir" --jobs 0

if [ "$failures" != 0 ]; then
  echo "$failures rulec test check(s) failed"
  exit 1
fi
echo "rulec test checks passed"
