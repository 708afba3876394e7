#!/usr/bin/env bash
# rulec's command line as users and CI meet it: exit codes, outputs, bundle
# determinism, batch order and bad input. Usage: rulec_test.sh RULEC SOURCE_DIR
set -u
rulec=$1
source_dir=$2
example=$source_dir/docs/examples/quickstart
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failures=0

# expect CODE DESCRIPTION -- COMMAND...: runs COMMAND, checks its exit code.
expect() {
  local want=$1 what=$2
  shift 3
  "$@" >"$scratch/out" 2>"$scratch/err"
  local got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL: $what: exit $got, expected $want"
    sed 's/^/  stderr: /' "$scratch/err" | head -5
    failures=$((failures + 1))
  fi
}
# contains FILE TEXT DESCRIPTION
contains() {
  if ! grep -qF -- "$2" "$1"; then
    echo "FAIL: $3: \`$2\` not in output"
    head -20 "$1" | sed 's/^/  /'
    failures=$((failures + 1))
  fi
}

deny_facts=$scratch/deny.json
cat >"$deny_facts" <<'JSON'
{"workload": {"name": "x", "scope": 1, "purpose": "p", "org_country": "IT"},
 "data": [{"name": "hr", "classification": "restricted", "tags": ["pii"], "used_for": ["fine_tuning"]}]}
JSON

expect 0 "eval allows the example workload" -- "$rulec" eval "$example" --facts "$example/fixtures/credit.json" --now 2026-12-04
contains "$scratch/out" '"outcome": "allow"' "eval JSON"
expect 0 "eval without a gate exits 0 on deny" -- "$rulec" eval "$example" --facts "$deny_facts"
contains "$scratch/out" '"outcome": "deny"' "deny outcome"
expect 1 "--fail-on deny fails on deny" -- "$rulec" eval "$example" --facts "$deny_facts" --fail-on deny
expect 0 "--fail-on deny passes on allow" -- "$rulec" eval "$example" --facts "$example/fixtures/credit.json" --fail-on deny
expect 0 "text format" -- "$rulec" eval "$example" --facts "$deny_facts" --format text
contains "$scratch/out" "outcome: deny" "text starts with the outcome"
contains "$scratch/out" "Policy: generative AI scoping matrix, scope 1" "text shows the citation"

# Bundles: deterministic, and deciding like the sources.
expect 0 "build" -- "$rulec" build "$example" -o "$scratch/a.rbc"
expect 0 "build again" -- "$rulec" build "$example" -o "$scratch/a2.rbc" --name a
cmp -s "$scratch/a.rbc" "$scratch/a2.rbc" || { echo "FAIL: the same sources built different bundles"; failures=$((failures + 1)); }
expect 0 "eval from sources" -- "$rulec" eval "$example" --facts "$deny_facts" --explain --now 2026-12-04
cp "$scratch/out" "$scratch/from_sources.json"
expect 0 "eval from the bundle" -- "$rulec" eval -b "$scratch/a.rbc" --facts "$deny_facts" --explain --now 2026-12-04
cmp -s "$scratch/out" "$scratch/from_sources.json" || { echo "FAIL: bundle and sources decide differently"; failures=$((failures + 1)); }
# A program too large for the VM: `check` refuses it as `build` does, so a
# clean check means the build succeeds.
mkdir -p "$scratch/deep"
python3 - "$scratch/deep/deep.rules" <<'PY'
import sys
items = ", ".join(["n"] * 1100)
open(sys.argv[1], "w").write(
    "package deep\nfacts { n: int }\n"
    "rule r { cite \"c\" when n in [" + items + "] then deny \"x\" }\n")
PY
expect 1 "check refuses a program too large for the VM" -- "$rulec" check "$scratch/deep"
contains "$scratch/err" 'more than the VM can hold' "check's too-large error"
expect 2 "build refuses it too" -- "$rulec" build "$scratch/deep" -o "$scratch/deep.rbc"
contains "$scratch/err" 'more than the VM can hold' "build's too-large error"
expect 0 "disasm" -- "$rulec" disasm "$scratch/a.rbc"
contains "$scratch/out" "function rule quickstart.data.consumer_app_confidential_data" "disasm lists rule functions"

# The shipped packs are built in: no rules given.
expect 0 "eval with the built-in packs" -- "$rulec" eval --facts "$source_dir/docs/examples/workloads/credit-copilot.json" --now 2026-12-04
contains "$scratch/out" '"aigov.euaia.tier": "high"' "the credit copilot is high-risk"
contains "$scratch/out" '"id": "risk_management"' "a provider of a high-risk system manages risk"
expect 1 "the built-in packs deny an HR model trained without justification" -- "$rulec" eval --facts "$source_dir/docs/examples/workloads/hr-fine-tuned-model.json" --now 2026-12-04 --fail-on deny
expect 0 "an out-of-scope US tool" -- "$rulec" eval --facts "$source_dir/docs/examples/workloads/us-internal-tool.json" --now 2026-12-04 --format text
contains "$scratch/out" 'aigov.euaia.tier = "out_of_scope"' "out of scope of the AI Act"

# Bad input: exit 2 with a message, never a crash.
printf 'not json' >"$scratch/bad.json"
expect 2 "facts that are not JSON" -- "$rulec" eval "$example" --facts "$scratch/bad.json"
contains "$scratch/err" "bad.json" "the error names the file"
printf '[1, 2]' >"$scratch/array.json"
expect 2 "facts that are not an object" -- "$rulec" eval "$example" --facts "$scratch/array.json"
expect 2 "an endless facts file" -- "$rulec" eval "$example" --facts /dev/zero
contains "$scratch/err" "is larger than" "an endless file is refused at the facts limit"
expect 2 "missing facts file" -- "$rulec" eval "$example" --facts "$scratch/none.json"
expect 2 "both rules and a bundle" -- "$rulec" eval "$example" -b "$scratch/a.rbc" --facts "$deny_facts"
expect 2 "bad --now" -- "$rulec" eval "$example" --facts "$deny_facts" --now 2026-02-30
head -c 100 "$scratch/a.rbc" >"$scratch/truncated.rbc"
expect 2 "truncated bundle" -- "$rulec" eval -b "$scratch/truncated.rbc" --facts "$deny_facts"
contains "$scratch/err" "not a valid bundle" "truncated bundle message"
expect 2 "disasm of a truncated bundle" -- "$rulec" disasm "$scratch/truncated.rbc"
printf 'package broken\nrule r { when nope then deny "x" }\n' >"$scratch/broken.rules"
expect 2 "compile errors" -- "$rulec" eval "$scratch/broken.rules" --facts "$deny_facts"
contains "$scratch/err" "broken.rules:2:" "compile errors carry file:line"

# Batch: one decision per line, in input order, the same with threads.
for i in $(seq 1 300); do
  if [ $((i % 3)) = 0 ]; then tr -d '\n' <"$deny_facts"; else tr -d '\n' <"$example/fixtures/credit.json"; fi
  echo
done >"$scratch/batch.jsonl"
expect 0 "batch, one job" -- "$rulec" eval -b "$scratch/a.rbc" --batch "$scratch/batch.jsonl" --now 2026-12-04
cp "$scratch/out" "$scratch/batch1.jsonl"
[ "$(wc -l <"$scratch/batch1.jsonl")" = 300 ] || { echo "FAIL: batch wrote $(wc -l <"$scratch/batch1.jsonl") lines for 300"; failures=$((failures + 1)); }
[ "$(sed -n 3p "$scratch/batch1.jsonl" | grep -c '"outcome":"deny"')" = 1 ] || { echo "FAIL: line 3 of the batch is not a deny"; failures=$((failures + 1)); }
expect 0 "batch, two jobs" -- "$rulec" eval -b "$scratch/a.rbc" --batch "$scratch/batch.jsonl" --jobs 2 --now 2026-12-04
cmp -s "$scratch/out" "$scratch/batch1.jsonl" || { echo "FAIL: --jobs 2 changed the batch output"; failures=$((failures + 1)); }
# Several blocks of lines, shared out in chunks among three jobs, with a bad
# line in the second block: the output is still in input order, line for line.
tr -d '\n' <"$deny_facts" >"$scratch/deny-line.json"
tr -d '\n' <"$example/fixtures/credit.json" >"$scratch/credit-line.json"
awk -v deny="$(cat "$scratch/deny-line.json")" -v credit="$(cat "$scratch/credit-line.json")" \
  'BEGIN { for (i = 1; i <= 5000; ++i) print (i == 3001 ? "{not json" : (i % 7 == 0 ? deny : credit)) }' \
  >"$scratch/blocks.jsonl"
expect 2 "a batch of several blocks, one job" -- "$rulec" eval -b "$scratch/a.rbc" --batch "$scratch/blocks.jsonl" --now 2026-12-04
cp "$scratch/out" "$scratch/blocks1.jsonl"
[ "$(wc -l <"$scratch/blocks1.jsonl")" = 5000 ] || { echo "FAIL: the batch of several blocks wrote $(wc -l <"$scratch/blocks1.jsonl") lines for 5000"; failures=$((failures + 1)); }
[ "$(sed -n 3001p "$scratch/blocks1.jsonl" | grep -c '^{"error":"line 3001: ')" = 1 ] || { echo "FAIL: line 3001 of the batch is not its error"; failures=$((failures + 1)); }
[ "$(sed -n 4998p "$scratch/blocks1.jsonl" | grep -c '"outcome":"deny"')" = 1 ] || { echo "FAIL: line 4998 of the batch is not a deny"; failures=$((failures + 1)); }
expect 2 "a batch of several blocks, three jobs" -- "$rulec" eval -b "$scratch/a.rbc" --batch "$scratch/blocks.jsonl" --jobs 3 --now 2026-12-04
cmp -s "$scratch/out" "$scratch/blocks1.jsonl" || { echo "FAIL: --jobs 3 changed the output of a batch of several blocks"; failures=$((failures + 1)); }
expect 1 "batch gate" -- "$rulec" eval -b "$scratch/a.rbc" --batch "$scratch/batch.jsonl" --fail-on deny
printf '{"workload": 1}\nnot json\n' >"$scratch/mixed.jsonl"
expect 2 "batch with a bad line" -- "$rulec" eval -b "$scratch/a.rbc" --batch "$scratch/mixed.jsonl"
contains "$scratch/out" '{"error":"line 2:' "the bad line gets an error object"
printf '{"workload": 1}\n\n   \n%s\n{"workload": 1}' "$(head -c 300 /dev/zero | tr '\0' x)" >"$scratch/long.jsonl"
expect 2 "batch with a line over the facts limit" -- "$rulec" eval -b "$scratch/a.rbc" --batch "$scratch/long.jsonl" --limit facts-bytes=100
contains "$scratch/out" '{"error":"line 4: the facts document is larger than 100 bytes' "the long line is numbered and refused"
[ "$(wc -l <"$scratch/out")" = 3 ] || { echo "FAIL: the batch with a long line wrote $(wc -l <"$scratch/out") lines for 3"; failures=$((failures + 1)); }
expect 2 "an endless batch ends" -- timeout 20 "$rulec" eval -b "$scratch/a.rbc" --batch /dev/zero --limit facts-bytes=1000
contains "$scratch/err" 'the limit for a batch' "the endless batch error"
expect 2 "a folder is not a batch" -- "$rulec" eval -b "$scratch/a.rbc" --batch "$source_dir"
contains "$scratch/err" 'is a folder, not a file' "the folder error says so"

# A file that cannot be read says why.
expect 2 "a folder is not a facts file" -- "$rulec" eval "$example" --facts "$scratch"
contains "$scratch/err" "is a folder, not a file" "the folder is named as one"
if [ -r /proc/self/mem ]; then
  expect 2 "a facts file whose reads fail" -- "$rulec" eval "$example" --facts /proc/self/mem
  contains "$scratch/err" 'cannot read `/proc/self/mem`: ' "the read error gives the reason"
  # The line reader keeps the errno of the failed read: deciding lines
  # after it may change errno, and the reason must not read "Success".
  expect 2 "a batch whose reads fail" -- "$rulec" eval -b "$scratch/a.rbc" --batch /proc/self/mem
  contains "$scratch/err" 'cannot read `/proc/self/mem`: Input/output error' "the batch read error gives its reason"
  expect 2 "bench input whose reads fail" -- "$rulec" bench -b "$scratch/a.rbc" --facts /proc/self/mem
  contains "$scratch/err" 'cannot read `/proc/self/mem`: Input/output error' "the bench read error gives its reason"
fi

# Given files are facts documents: a device, a FIFO or a folder is refused
# where it is named, at once (/dev/zero once ran out of memory, and a FIFO
# without a writer hung even `rulec check`), and so is a file over the
# facts size limit.
mkdir -p "$scratch/given/folder" "$scratch/given/limit"
mkfifo "$scratch/given/fifo.json"
cat >"$scratch/given/g.rules" <<'RULES'
package g
facts { n: int = 0 }
test "zero" {
  given file "/dev/zero"
  expect complete
}
test "random" {
  given file "/dev/urandom"
  expect complete
}
test "fifo" {
  given file "fifo.json"
  expect complete
}
test "folder" {
  given file "folder"
  expect complete
}
RULES
expect 1 "check refuses given files that are not regular files" -- timeout 10 "$rulec" check "$scratch/given/g.rules"
contains "$scratch/err" 'g.rules:4:14: error: the given file `/dev/zero` is not a regular file' "/dev/zero is refused where it is named"
contains "$scratch/err" 'g.rules:8:14: error: the given file `/dev/urandom` is not a regular file' "/dev/urandom is refused where it is named"
contains "$scratch/err" 'g.rules:12:14: error: the given file `fifo.json` is not a regular file' "the FIFO is refused where it is named"
contains "$scratch/err" 'g.rules:16:14: error: the given file `folder` is a folder, not a file' "the folder is refused where it is named"
expect 2 "test refuses them too" -- timeout 10 "$rulec" test "$scratch/given/g.rules"
contains "$scratch/err" 'g.rules:12:14: error: the given file `fifo.json`' "test names the FIFO"
expect 2 "eval of the rules refuses them too" -- timeout 10 "$rulec" eval "$scratch/given/g.rules" --facts "$deny_facts"
printf '{"n": 1}' >"$scratch/given/limit/eight.json"
printf 'package h\nfacts { n: int = 0 }\ntest "t" {\n  given file "eight.json"\n  expect complete\n}\n' >"$scratch/given/limit/h.rules"
expect 0 "a given file of exactly the facts limit" -- "$rulec" test "$scratch/given/limit/h.rules" --limit facts-bytes=8
expect 1 "a given file one byte over the facts limit" -- "$rulec" check "$scratch/given/limit/h.rules" --limit facts-bytes=7
contains "$scratch/err" 'h.rules:4:14: error: the given file `eight.json` is larger than 7 bytes, the limit for a facts document' "the size error is located and names the limit"
expect 2 "test holds given files to the facts limit" -- "$rulec" test "$scratch/given/limit/h.rules" --limit facts-bytes=7

# Bench: a benchmark takes the first 10000 documents (keeping a million
# loaded ran out of memory) and says when it left some out.
printf 'package t\nfacts { n: int = 0 }\nrule r {\n  cite "x"\n  when n > 5\n  then warn "big"\n}\n' >"$scratch/tiny.rules"
yes '{"n": 1}' | head -n 20000 >"$scratch/tiny.jsonl"
expect 0 "bench over more documents than it takes" -- "$rulec" bench "$scratch/tiny.rules" --facts "$scratch/tiny.jsonl" --mode loaded --seconds 0.1 --format json
contains "$scratch/out" '"documents":10000,"documents_left_out":true' "bench takes 10000 documents and says so"
expect 0 "bench text says documents were left out" -- "$rulec" bench "$scratch/tiny.rules" --facts "$scratch/tiny.jsonl" --seconds 0.1
contains "$scratch/out" '10000 documents (the first of' "the text says documents were left out"
head -n 3 "$scratch/tiny.jsonl" >"$scratch/three.jsonl"
expect 0 "bench over a few documents" -- "$rulec" bench "$scratch/tiny.rules" --facts "$scratch/three.jsonl" --mode loaded --seconds 0.1 --format json
contains "$scratch/out" '"documents":3,"documents_left_out":false' "a short file is benched whole"
expect 2 "bench of a folder" -- "$rulec" bench "$scratch/tiny.rules" --facts "$scratch"
contains "$scratch/err" "is a folder, not a file" "bench says the folder is one"
printf '{"n": 1}\nnot json\n' >"$scratch/bad-bench.jsonl"
expect 2 "bench of a line that is not a facts document" -- "$rulec" bench "$scratch/tiny.rules" --facts "$scratch/bad-bench.jsonl"
contains "$scratch/err" 'line 2' "the bad line is numbered"
# One decision that runs out of fuel takes tens of milliseconds: --seconds
# 0.1 must not become a warm-up of 64 of them and 5 timed runs of 10 more.
printf 'package slow\nfacts { xs: list<int> = [] }\nrule spin {\n  cite "x"\n  for a in xs\n  for b in xs\n  for c in xs\n  when a + b + c == -1\n  then warn "never"\n}\n' >"$scratch/slow.rules"
printf '{"xs": [%s]}\n' "$(seq -s, 0 299)" >"$scratch/slow.jsonl"
started=$(date +%s%N)
expect 0 "bench with a slow decision" -- timeout 60 "$rulec" bench "$scratch/slow.rules" --facts "$scratch/slow.jsonl" --seconds 0.1 --limit fuel=20000000 --format json
took_ms=$((($(date +%s%N) - started) / 1000000))
contains "$scratch/out" '"documents":1,' "the slow bench measured"
[ "$took_ms" -lt 3000 ] || { echo "FAIL: bench --seconds 0.1 with a slow decision took $took_ms ms"; failures=$((failures + 1)); }

# Limits: each one changed with --limit and exceeded gives a clear error.
expect 0 "fuel limit" -- "$rulec" eval "$example" --facts "$deny_facts" --limit fuel=5
contains "$scratch/out" '"outcome": "indeterminate"' "out of fuel is indeterminate"
contains "$scratch/out" '"kind": "limit"' "out of fuel is a limit error"
contains "$scratch/out" 'the fuel limit' "the fuel error says so"
expect 0 "entries limit" -- "$rulec" eval --facts "$source_dir/docs/examples/workloads/hr-fine-tuned-model.json" --limit entries=1
contains "$scratch/out" 'the entry limit' "the entry error says so"
expect 2 "facts size limit" -- "$rulec" eval "$example" --facts "$deny_facts" --limit facts-bytes=64
contains "$scratch/err" 'larger than 64 bytes' "the size error names the limit"
expect 2 "facts depth limit" -- "$rulec" eval "$example" --facts "$deny_facts" --limit facts-depth=2
contains "$scratch/err" 'nested too deeply' "the depth error"
expect 1 "source size limit" -- "$rulec" check "$example" --limit source-bytes=1KiB
contains "$scratch/err" 'file-too-large' "the source size error"
expect 1 "nesting limit" -- "$rulec" check "$example" --limit nesting=1
contains "$scratch/err" 'nesting-too-deep' "the nesting error"
expect 1 "expression depth limit" -- "$rulec" check "$example" --limit expression-depth=2
contains "$scratch/err" 'nesting-too-deep' "the expression depth error"
expect 1 "identifier limit" -- "$rulec" check "$example" --limit identifier-bytes=4
expect 1 "string literal limit" -- "$rulec" check "$example" --limit string-bytes=4
expect 2 "bundle size limit" -- "$rulec" eval -b "$scratch/a.rbc" --facts "$deny_facts" --limit bundle-bytes=100
contains "$scratch/err" 'larger than 100 bytes' "the bundle size error names the limit"
expect 2 "disasm honours the bundle size limit" -- "$rulec" disasm "$scratch/a.rbc" --limit bundle-bytes=100
expect 0 "a bundle within the limit" -- "$rulec" disasm "$scratch/a.rbc" --limit bundle-bytes=1MiB
expect 2 "build honours the limits" -- "$rulec" build "$example" -o "$scratch/x.rbc" --limit source-bytes=16
expect 2 "test honours the limits" -- "$rulec" test "$example" --limit source-bytes=16
expect 2 "an unknown limit" -- "$rulec" eval "$example" --facts "$deny_facts" --limit fuell=5
contains "$scratch/err" 'no limit is called `fuell`' "the unknown limit is named"
contains "$scratch/err" 'facts-depth' "the known limits are listed"
expect 2 "a limit of zero" -- "$rulec" eval "$example" --facts "$deny_facts" --limit fuel=0
expect 2 "a limit that is not a number" -- "$rulec" eval "$example" --facts "$deny_facts" --limit fuel=lots

if [ "$failures" != 0 ]; then
  echo "$failures rulec check(s) failed"
  exit 1
fi
echo "rulec command-line checks passed"
