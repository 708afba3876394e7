#!/usr/bin/env python3
"""Precept must decide the peer benchmark's 88 documents exactly as expected.

Usage: python3 check_agreement.py RULEC [--sizes 20,200,2000] [--keep DIR]

For each size N, runs `RULEC eval rules-N --batch <88 documents>` (the 24
sample documents source/facts/doc-NN.json, compacted, then the 64 lines of
source/facts/pool.jsonl), projects each decision to the scenario's result

  {decision, deny: sorted deny rule ids,
   obligations: sorted obligation rule ids when allowed, else []}

(Precept's rule `bench.d01_v17` is the scenario's `D01_v17`) and compares it
with source/facts/expected.json. A decision that is not `allow` or `deny`, is
incomplete, or reports missing facts or errors is a disagreement too. Runs
`generate.py --check` first. Exits 1 on any disagreement, naming the size, the
document and the difference; 2 when rulec cannot be run.

Builds nothing; standard library only.
"""

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FACTS = HERE / "source" / "facts"
PACKAGE = "bench"
RULE = re.compile(r"^" + PACKAGE + r"\.([do][0-9]{2})(_v[0-9]+)?$")


def scenario_id(rule):
    m = RULE.match(rule)
    if not m:
        raise ValueError(f"unexpected rule id `{rule}`")
    return m.group(1).upper() + (m.group(2) or "")


def documents():
    """[(name, compact JSON)] in the order of expected.json."""
    docs = []
    for path in sorted(FACTS.glob("doc-*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        docs.append((path.stem, json.dumps(doc, separators=(",", ":"), ensure_ascii=False)))
    lines = [l for l in (FACTS / "pool.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]
    for i, line in enumerate(lines):
        json.loads(line)  # must be one document per line
        docs.append((f"pool-{i:02d}", line))
    return docs


def project(decision):
    """The scenario's result for a Precept decision, and its problems."""
    problems = []
    if "error" in decision:
        return None, [f"not decided: {decision['error']}"]
    deny = sorted({scenario_id(v["rule"]) for v in decision["violations"]})
    obligations = sorted({scenario_id(o["rule"]) for o in decision["obligations"]})
    projected = "deny" if deny else "allow"
    if decision["outcome"] != projected:
        problems.append(f"outcome is {decision['outcome']}")
    if not decision["complete"]:
        problems.append("decision is incomplete")
    if decision["missing"]:
        problems.append(f"missing facts: {json.dumps(decision['missing'])}")
    if decision["errors"]:
        problems.append(f"errors: {json.dumps(decision['errors'])}")
    for key in ("reviews", "warnings"):
        if decision[key]:
            problems.append(f"unexpected {key}")
    result = {"decision": projected, "deny": deny, "obligations": [] if deny else obligations}
    return result, problems


def diff(want, got):
    parts = []
    for key in ("decision", "deny", "obligations"):
        if want[key] == got[key]:
            continue
        if isinstance(want[key], list):
            extra = sorted(set(got[key]) - set(want[key]))
            lacking = sorted(set(want[key]) - set(got[key]))
            parts.append(f"{key}: extra {extra}, lacking {lacking}")
        else:
            parts.append(f"{key}: want {want[key]}, got {got[key]}")
    return "; ".join(parts)


def check_size(rulec, size, docs, expected, batch):
    """Prints one summary line; returns the number of disagreements."""
    rules_dir = HERE / f"rules-{size}"
    run = subprocess.run([rulec, "eval", str(rules_dir), "--batch", str(batch)],
                         capture_output=True, text=True)
    if run.returncode != 0:
        print(f"size {size:>4}: rulec eval exited {run.returncode}\n{run.stderr.rstrip()}")
        return max(1, len(docs))
    lines = run.stdout.splitlines()
    if len(lines) != len(docs):
        print(f"size {size:>4}: {len(lines)} decisions for {len(docs)} documents")
        return max(1, len(docs))
    failures = deny = allow = variant_fires = fires = 0
    fired = set()
    want_all = expected[f"rules-{size}"]
    for (name, _), line in zip(docs, lines):
        want = want_all[name]
        deny += want["decision"] == "deny"
        allow += want["decision"] == "allow"
        for rid in want["deny"] + want["obligations"]:
            fired.add(rid)
            fires += 1
            variant_fires += "_v" in rid
        try:
            got, problems = project(json.loads(line))
        except (ValueError, KeyError) as e:
            got, problems = None, [f"unreadable decision: {e}"]
        if got is None or got != want or problems:
            failures += 1
            print(f"MISMATCH size={size} {name}")
            if got is not None and got != want:
                print(f"  difference: {diff(want, got)}")
                print(f"  want {json.dumps(want)}")
                print(f"  got  {json.dumps(got)}")
            for p in problems:
                print(f"  {p}")
    verdict = "DISAGREE" if failures else "all agree"
    print(f"size {size:>4}: {len(docs)} docs ({deny} deny / {allow} allow), precept vs expected: "
          f"{verdict}; distinct rules that fired: {len(fired)}, variant firings: {variant_fires}/{fires}")
    return failures


def main():
    parser = argparse.ArgumentParser(description="Precept vs the peer benchmark's expected results")
    parser.add_argument("rulec", help="the rulec binary")
    parser.add_argument("--sizes", default="20,200,2000", help="rule-set sizes (default 20,200,2000)")
    parser.add_argument("--keep", metavar="DIR", help="also write the 88-document batch file here")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    sizes = [int(s) for s in args.sizes.split(",")]

    gen = subprocess.run([sys.executable, str(HERE / "generate.py"), "--check"])
    failures = 0 if gen.returncode == 0 else 1

    docs = documents()
    expected = json.loads((FACTS / "expected.json").read_text(encoding="utf-8"))
    for size in sizes:
        names = list(expected[f"rules-{size}"])
        if names != [n for n, _ in docs]:
            print(f"expected.json (rules-{size}) does not list the 88 documents in order")
            return 1
    with tempfile.TemporaryDirectory(prefix="peer-agreement-") as tmp:
        batch = Path(args.keep or tmp) / "documents.jsonl"
        batch.parent.mkdir(parents=True, exist_ok=True)
        batch.write_text("".join(text + "\n" for _, text in docs), encoding="utf-8")
        try:
            for size in sizes:
                failures += check_size(args.rulec, size, docs, expected, batch)
        except OSError as e:
            print(f"check_agreement.py: cannot run {args.rulec}: {e}", file=sys.stderr)
            return 2
    if failures:
        print(f"CHECK FAILED: {failures} disagreements")
        return 1
    print("CHECK OK: Precept agrees with expected.json on every document at every size")
    return 0


if __name__ == "__main__":
    sys.exit(main())
