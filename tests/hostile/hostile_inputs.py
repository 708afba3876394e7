#!/usr/bin/env python3
"""Hostile inputs end in a clear error or a decision: the promise of docs/security.md.

Usage: hostile_inputs.py RULEC SOURCE_DIR SCRATCH_DIR [--quick]

Regenerates a representative hostile corpus in SCRATCH_DIR (wiped first):
rule files, facts documents, `--batch` files, damaged bundles and abused
command lines, and runs RULEC on each input, one at a time. Nothing big is
committed: every input is written by the functions below.

Every run must end within HANG_GUARD seconds, with exit code 0, 1 or 2 (a
signal is a crash), and print none of CRASH_TEXTS; a rule file that `check`
or `build` refuses must be named with a `file:line:col: error` line. The
findings of the black-box hostile-input review have a case each that also
checks the expected diagnostic or decision (a `[code]`, an `indeterminate`
outcome with a `limit` error, a bounded time or output).

--quick runs a subset (every finding, fewer samples), for sanitizer builds
where each run is about five times slower; time bounds are scaled to match.

Prints one line per run (ok/FAIL, name, exit code, seconds) and a summary;
exits 1 if any check failed. Standard library only.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import json
import os
import random
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HANG_GUARD = 60  # seconds; far above any input here, so only a hang reaches it
SANITIZER_SLOWDOWN = 5  # --quick is for sanitizer builds: time bounds grow by this
NOW = ["--now", "2026-01-01"]  # decisions must not depend on the day the test runs

# Text that means the promise was broken, whatever the exit code.
CRASH_TEXTS = [
    "internal error",
    "terminate called",
    "what():",
    "AddressSanitizer",
    "LeakSanitizer",
    "runtime error:",
    "Segmentation",
]
LOCATION = re.compile(rb":[0-9]+:[0-9]+: error")
OUTPUT_KEPT = 64 * 1024 * 1024  # bytes of each stream read back for the checks
FIFO_GRACE = 3  # seconds a run may take before waiting on a FIFO is presumed


# --------------------------------------------------------------------- cases


@dataclass
class Outcome:
    """What one run of rulec did."""

    returncode: int | None  # None: killed by the hang guard
    stdout: bytes
    stderr: bytes
    seconds: float
    output_bytes: int  # the whole size of stdout + stderr, also past OUTPUT_KEPT
    waited_on_fifo: bool  # rulec sat waiting for a writer on a FIFO it was handed

    @property
    def text(self):
        return self.stdout + self.stderr


@dataclass
class Case:
    """One rulec run on one hostile input, and what it must show."""

    name: str
    args: list  # rulec's arguments
    kind: str  # what is hostile: rules, facts, batch, bundle or cli
    expect: list = field(default_factory=list)  # fn(Outcome, slowdown) -> problem or None
    quick: bool = False  # also run with --quick
    fifo: Path | None = None  # a FIFO this run must not wait on


def expect_code(code):
    """The diagnostic `[code]` is printed (a finding's expected refusal)."""

    def check(out, _):
        if f"[{code}]".encode() not in out.text:
            return f"no `[{code}]` diagnostic"
        return None

    return check


def expect_text(text):
    def check(out, _):
        return None if text.encode() in out.text else f"`{text}` not in the output"

    return check


def expect_exit(*codes):
    def check(out, _):
        if out.returncode not in codes:
            return f"exit {out.returncode}, expected {' or '.join(map(str, codes))}"
        return None

    return check


def expect_within(seconds):
    """A run that used to take far longer now stops in time (scaled for sanitizers)."""

    def check(out, slowdown):
        bound = seconds * slowdown
        return None if out.seconds <= bound else f"took {out.seconds:.1f} s, more than {bound:g} s"

    return check


def expect_output_at_most(limit):
    def check(out, _):
        if out.output_bytes > limit:
            return f"printed {out.output_bytes} bytes, more than {limit}"
        return None

    return check


def expect_location(out, _):
    """For commands other than check and build, which the general rule does not cover."""
    return None if LOCATION.search(out.text) else "no `file:line:col: error` line"


def expect_limit_decision(out, _):
    """The evaluation was stopped by a limit: outcome indeterminate, a `limit` error."""
    try:
        decision = json.loads(out.stdout)
    except ValueError:
        return "stdout is not one JSON decision"
    if decision.get("outcome") != "indeterminate":
        return f"outcome `{decision.get('outcome')}`, expected `indeterminate`"
    if not any(error.get("kind") == "limit" for error in decision.get("errors", [])):
        return "no error of kind `limit` in the decision"
    return None


def expect_line_per_document(batch):
    """`--batch` answers each non-blank line with a decision or an `error` line: none is skipped."""
    documents = sum(1 for line in batch.read_bytes().split(b"\n") if line.strip(b" \t\r"))

    def check(out, _):
        answers = out.stdout.count(b"\n") + (1 if out.stdout and not out.stdout.endswith(b"\n") else 0)
        return None if answers == documents else f"{answers} output lines for {documents} documents"

    return check


def expect_bench_json(key, value):
    def check(out, _):
        try:
            report = json.loads(out.stdout)
        except ValueError:
            return "stdout is not the bench's JSON report"
        return None if report.get(key) == value else f"`{key}` is {report.get(key)!r}, expected {value!r}"

    return check


def general_problems(case, out):
    """The promise every input shares, whatever its kind."""
    if out.returncode is None:
        return [f"no end after {HANG_GUARD} s (killed)"]
    problems = []
    if out.returncode < 0:
        problems.append(f"killed by signal {-out.returncode}")
    elif out.returncode not in (0, 1, 2):
        problems.append(f"exit code {out.returncode} is not 0, 1 or 2")
    problems += [f"printed `{text}`" for text in CRASH_TEXTS if text.encode() in out.text]
    if out.waited_on_fifo:
        problems.append("waited on a FIFO for a writer (released by the test)")
    refused = out.returncode in (1, 2) and case.args[0] in ("check", "build")
    if case.kind == "rules" and refused and not LOCATION.search(out.stderr + out.stdout):
        problems.append("a refused rule file without a `file:line:col: error` line")
    return problems


# --------------------------------------------------------------------- the corpus


class Corpus:
    """Writes the inputs into the scratch folder and collects the cases."""

    def __init__(self, scratch):
        self.scratch = scratch
        self.cases = []

    def write(self, relative, data):
        path = self.scratch / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
        return path

    def add(self, name, args, kind, expect=(), quick=False, fifo=None):
        self.cases.append(Case(name, [str(a) for a in args], kind, list(expect), quick, fifo))

    def rule_file(self, name, text):
        """Each rule file in a folder of its own: `rulec test FILE` brings its folder along."""
        return self.write(f"rules/{name}/{name}.rules", text)


# A schema with the kinds a facts document can get wrong: enums with codes,
# records, optionals, dates, sets and lists; rules whose work grows with the
# facts (pairs of `nums`, `matches` with a pattern from the facts).
POLICY = """package fp

enum Level { low = 1, mid = "m", high }

type Item {
  name: string
  level: Level
  tags: set<string> = {}
  seen: date?
  kids: list<Item> = []
}

facts {
  id: string
  n: int
  x: number
  flag: bool = false
  day: date
  level: Level
  items: list<Item> = []
  tags: set<string> = {}
  pattern: string = "a"
  nums: list<int> = []
}

output worst: Level = low

rule item_pii {
  cite "policy"
  for it in items
  when it.level >= mid and "pii" in it.tags
  then
    deny "item ${it.name} (${it.level}) holds pii"
    raise worst to it.level
}

rule arithmetic {
  cite "policy"
  when n * 2 > 10 or x / n > 1.5 or n % 7 == 3 or floor(x) > 3
  then review "n=${n} x=${x}"
}

rule pattern_match {
  cite "policy"
  when matches(id, pattern)
  then warn "id ${id} matches ${pattern}"
}

rule old_day {
  cite "policy"
  when days_between(day, now()) > 365
  then warn "day ${day} is old"
}

rule pairs {
  cite "policy"
  for a in nums
  for b in nums
  when a > b
  then warn "${a} > ${b}"
}
"""

VALID_FACTS = {
    "id": "abc",
    "n": 3,
    "x": 2.5,
    "flag": True,
    "day": "2024-02-29",
    "level": "high",
    "items": [{"name": "i1", "level": "m", "tags": ["pii"], "seen": "2023-01-01",
               "kids": [{"name": "k", "level": 1}]}],
    "tags": ["pii"],
    "pattern": "^a",
    "nums": [1, 2, 3],
}

# The fact schema of the small rule files below.
HEADER = ('package p\nfacts { a: int = 0\n s: string = ""\n b: bool = false\n'
          ' n: number = 0\n l: list<int> = [] }\n')


def rule_text(cond="a > 1", effect='deny "x"', before=""):
    return HEADER + before + f'rule r {{\n cite "c"\n when {cond}\n then {effect}\n}}\n'


def test_block(given):
    return (HEADER + 'rule r { cite "c" when a > 1 then deny "y" }\n'
            f'test "t" {{ given file "{given}"\n expect no deny }}\n')


def nested_interpolation(depth):
    text = "a"
    for _ in range(depth):
        text = '"${' + text + '}"'
    return text


# --------------------------------------------------------------------- findings


def add_chain_findings(corpus):
    """Long chains of declarations overflowed the checker's and compiler's stack."""
    chains = {
        "const_chain_3000": "package p\nfacts { a: int }\n"
        + "".join(f"const C{i} = C{i + 1} + 1\n" for i in range(3000))
        + "const C3000 = 1\nrule r { cite \"c\" when a > C0 then deny \"x\" }\n",
        "const_chain_forward_60000": "package p\nfacts { a: int }\nconst C0 = 1\n"
        + "".join(f"const C{i + 1} = C{i} + 1\n" for i in range(60000))
        + "rule r { cite \"c\" when a > C60000 then deny \"x\" }\n",
        "const_cycle_20000": "package p\n"
        + "".join(f"const C{i} = C{(i + 1) % 20000} + 1\n" for i in range(20000)),
        "def_chain_40000": "package p\nfacts { a: int }\n"
        + "".join(f"def f{i}(): int = f{i + 1}() + 1\n" for i in range(40000))
        + "def f40000(): int = a\nrule r { cite \"c\" when f0() > 1 then deny \"x\" }\n",
        "type_chain_40000": "package p\n"
        + "".join(f"type T{i} {{ x: T{i + 1} }}\n" for i in range(40000))
        + "type T40000 { v: int }\nfacts { a: T0 }\n"
        "rule r { cite \"c\" when a.x.v > 1 then deny \"x\" }\n",
    }
    for name, text in chains.items():
        path = corpus.rule_file(name, text)
        corpus.add(f"rules/{name}:check", ["check", path], "rules", [expect_code("nesting-too-deep")], quick=True)
        corpus.add(f"rules/{name}:build", ["build", path, "-o", corpus.scratch / "x.rbc"], "rules",
                   [expect_code("nesting-too-deep")])


def add_size_findings(corpus):
    """Inputs whose size made the checker or compiler quadratic, exponential or crash."""
    package = corpus.rule_file("package_100000_parts",
                               "package " + ".".join(f"s{i}" for i in range(100000)) + "\n")
    corpus.add("rules/package_100000_parts:check", ["check", package], "rules", [expect_exit(1)], quick=True)
    doubling = corpus.rule_file(
        "const_doubled_40_times",
        HEADER + 'const S0 = "abcdefghijklmnop"\n'
        + "".join(f"const S{i + 1} = S{i} + S{i}\n" for i in range(40))
        + 'rule r { cite "c" when s == S40 then deny "x" }\n')
    corpus.add("rules/const_doubled_40_times:check", ["check", doubling], "rules", [expect_within(10)], quick=True)
    corpus.add("rules/const_doubled_40_times:build", ["build", doubling, "-o", corpus.scratch / "x.rbc"], "rules",
               [expect_code("too-large"), expect_within(10)], quick=True)
    enum = corpus.rule_file("enum_100000_duplicates", "package p\nenum E { " + ", ".join(["m"] * 100000) + " }\n")
    corpus.add("rules/enum_100000_duplicates:check", ["check", enum], "rules",
               [expect_code("duplicate-declaration"), expect_within(10), expect_output_at_most(4 << 20)], quick=True)
    effects = corpus.rule_file("effects_100000", rule_text(effect=" ".join(['warn "w"'] * 100000)))
    corpus.add("rules/effects_100000:build", ["build", effects, "-o", corpus.scratch / "x.rbc"], "rules",
               [expect_within(10)], quick=True)
    facts = corpus.write("facts/a5.json", '{"a": 5}')
    corpus.add("rules/effects_100000:eval", ["eval", effects, "--facts", facts, "--explain", *NOW], "rules",
               [expect_within(15)])
    imports = corpus.rule_file("import_100000_duplicates",
                               "package p\nimport std.eu.{" + ", ".join(["eea"] * 100000) + "}\n")
    corpus.add("rules/import_100000_duplicates:check", ["check", imports], "rules",
               [expect_within(10), expect_output_at_most(4 << 20)], quick=True)
    # Many declarations, and errors, on one long line: anything that walks back
    # to the line's start for each of them is quadratic. Written one a line,
    # the same 30,000 rules take under a second.
    long_line = corpus.rule_file(
        "long_line_30000_errors",
        HEADER + " ".join(f'rule r{i} {{ cite "c" when undefined{i} > 1 then deny "y" }}' for i in range(30000)) + "\n")
    corpus.add("rules/long_line_30000_errors:check", ["check", long_line], "rules",
               [expect_exit(1), expect_within(4), expect_output_at_most(4 << 20)], quick=True)
    one_line = corpus.rule_file(
        "long_line_30000_rules",
        HEADER + " ".join(f'rule r{i} {{ cite "c" when a > {i} then deny "y" }}' for i in range(30000)) + "\n")
    corpus.add("rules/long_line_30000_rules:check", ["check", one_line], "rules", [expect_exit(0), expect_within(4)])


def add_given_file_findings(corpus):
    """A test's `given file` that never ends (a device, a FIFO) was read until memory ran out."""
    for name, given in (("given_file_dev_zero", "/dev/zero"), ("given_file_dev_urandom", "/dev/urandom")):
        path = corpus.rule_file(name, test_block(given))
        corpus.add(f"rules/{name}:check", ["check", path], "rules", [expect_code("given-file")], quick=True)
        corpus.add(f"rules/{name}:test", ["test", path, *NOW], "rules", [expect_code("given-file")])
    path = corpus.rule_file("given_file_fifo", test_block("input.fifo"))
    fifo = path.parent / "input.fifo"
    os.mkfifo(fifo)
    corpus.add("rules/given_file_fifo:check", ["check", path], "rules", [expect_code("given-file")], fifo=fifo)
    corpus.add("rules/given_file_fifo:test", ["test", path, *NOW], "rules", [expect_code("given-file")],
               quick=True, fifo=fifo)
    folder = corpus.rule_file("given_file_folder", test_block("."))
    corpus.add("rules/given_file_folder:test", ["test", folder, *NOW], "rules", [expect_code("given-file")])


def add_compiled_size_findings(corpus):
    """Valid programs past the operand stack (1,024) or the locals of one function:
    the compiler must refuse them with a diagnostic, not hand the verifier a bad bundle."""
    computed = [f"a + {i}" for i in range(1100)]
    programs = {
        "stack_list_1100": rule_text(cond="a in [" + ", ".join(computed) + "]"),
        "stack_set_1100": rule_text(cond="a in {" + ", ".join(computed) + "}"),
        "stack_call_arguments_1100": HEADER
        + "def f(" + ", ".join(f"x{i}: int" for i in range(1100)) + "): int = x0\n"
        + 'rule r { cite "c" when f(' + ", ".join(computed) + ') > 1 then deny "x" }\n',
        "stack_interpolations_1100": rule_text(effect='deny "' + "${a}-" * 1100 + '"'),
        "stack_with_fields_1100": rule_text(
            effect="require o.x with { " + ", ".join(f"k{i}: a + {i}" for i in range(1100)) + " }"),
        "stack_output_set_1100": HEADER + "output o: set<int> = {" + ", ".join(computed) + "}\n",
        "locals_for_nest_30000": HEADER + 'rule r {\n cite "c"\n'
        + "".join(f" for x{i} in l\n" for i in range(30000)) + ' when x0 > 1\n then deny "y"\n}\n',
        "locals_def_70000_parameters": "package p\nfacts { a: int }\n"
        + "def f(" + ", ".join(f"x{i}: int" for i in range(70000)) + "): int = x0\n"
        + 'rule r { cite "c" when f(' + ",".join(["a"] * 70000) + ') > 1 then deny "x" }\n',
    }
    for name, text in programs.items():
        path = corpus.rule_file(name, text)
        corpus.add(f"rules/{name}:build", ["build", path, "-o", corpus.scratch / "x.rbc"], "rules",
                   [expect_code("too-large")], quick=True)
        corpus.add(f"rules/{name}:test", ["test", path, *NOW], "rules", [expect_code("too-large")])
    empty_enum = corpus.rule_file("enum_empty_in_output", "package p\nenum E { }\noutput o: E\n")
    corpus.add("rules/enum_empty_in_output:build", ["build", empty_enum, "-o", corpus.scratch / "x.rbc"], "rules",
               [expect_exit(2)], quick=True)
    corpus.add("rules/enum_empty_in_output:test", ["test", empty_enum, *NOW], "rules",
               [expect_exit(2), expect_location])


def add_evaluation_findings(corpus, policy_bundle):
    """Evaluations whose work grows with the facts must stop on fuel, not run for minutes."""
    pairs = corpus.write("facts/pairs_5000.json", json.dumps(dict(VALID_FACTS, nums=list(range(5000)))))
    corpus.add("facts/pairs_5000_explain:eval", ["eval", "-b", policy_bundle, "--facts", pairs, "--explain",
                                                 "--format", "json", *NOW], "facts",
               [expect_exit(0), expect_limit_decision, expect_within(15)], quick=True)
    regex = corpus.write("facts/regex_cost.json",
                         json.dumps(dict(VALID_FACTS, pattern=".{1000}" * 50, id="a" * 60000)))
    corpus.add("facts/regex_cost:eval", ["eval", "-b", policy_bundle, "--facts", regex, "--explain",
                                         "--format", "json", *NOW], "facts",
               [expect_exit(0), expect_limit_decision, expect_within(10)], quick=True)
    tiny = corpus.write("batch/tiny_650k_lines.jsonl", b"{}\n" * 650_000)
    corpus.add("batch/tiny_650k_lines:bench", ["bench", "-b", policy_bundle, "--facts", tiny, "--seconds", "0.1",
                                               "--format", "json", *NOW], "batch",
               [expect_exit(0), expect_bench_json("documents_left_out", True), expect_within(10)], quick=True)
    slow = corpus.write("facts/nums_300k.json", json.dumps(dict(VALID_FACTS, nums=[1] * 300_000)))
    corpus.add("facts/nums_300k_slow:bench", ["bench", "-b", policy_bundle, "--facts", slow, "--seconds", "0.1",
                                              *NOW], "facts", [expect_exit(0), expect_within(12)], quick=True)


# --------------------------------------------------------------------- samples


def sample_rule_files():
    """The tester's other rule-file categories, a few of each: (name, bytes, in quick mode)."""
    valid = rule_text().encode()
    samples = [
        ("empty", b"", True),
        ("only_nuls", b"\0" * 1024, False),
        ("nul_in_code", valid.replace(b"when", b"wh\0en"), True),
        ("nul_in_string", rule_text(effect='deny "a\0b"').encode(), False),
        ("invalid_utf8_in_string", valid.replace(b'deny "x"', b'deny "\xff\xfe"'), True),
        ("invalid_utf8_in_name", b"package p\nconst \xe9t\xe9 = 1\n", False),
        ("invalid_utf8_surrogate", valid.replace(b'"x"', b'"\xed\xa0\x80"'), False),
        ("truncated_utf8_at_end", valid + b"\xe2\x82", False),
        ("bom", b"\xef\xbb\xbf" + valid, True),
        ("double_bom", b"\xef\xbb\xbf\xef\xbb\xbf" + valid, False),
        ("utf16", b"\xff\xfe" + rule_text().encode("utf-16-le"), False),
        ("cr_only_lines", rule_text().replace("\n", "\r").encode(), True),
        ("cr_only_lines_error", rule_text(cond="a >").replace("\n", "\r").encode(), False),
        ("unterminated_string", (HEADER + 'rule r { cite "c" when a > 1 then deny "abc').encode(), True),
        ("unterminated_block_comment", b"package p\n/* not closed\n", False),
        ("unterminated_interpolation", rule_text(effect='deny "${a"').encode(), True),
        ("unterminated_interpolation_at_end", (HEADER + 'rule r { cite "c" when a > 1 then deny "${a').encode(),
         False),
        ("nested_interpolations_5000", rule_text(effect="deny " + nested_interpolation(5000)).encode(), False),
        ("nested_parens_100000", rule_text(cond="(" * 100000 + "a" + ")" * 100000 + " > 1").encode(), True),
        ("nested_lists_10000", rule_text(cond="1 in " + "[" * 10000 + "1" + "]" * 10000).encode(), False),
        ("nested_sets_10000", rule_text(cond="1 in " + "{" * 10000 + "1" + "}" * 10000).encode(), False),
        ("unbalanced_parens_300000", rule_text(cond="(" * 300000 + "a").encode(), False),
        ("chain_add_100000", rule_text(cond=" + ".join(["a"] * 100000) + " > 1").encode(), True),
        ("chain_not_300000", rule_text(cond="not " * 300000 + "b").encode(), False),
        ("nested_types_100000", ("package p\nfacts { x: " + "list<" * 100000 + "int" + ">" * 100000 + " }\n").encode(),
         False),
        ("given_nesting_300000", (HEADER + 'rule r { cite "c" when a > 1 then deny "y" }\n'
                                  'test "t" {\n given { l: ' + "[" * 300000 + "]" * 300000
                                  + " }\n expect no deny\n}\n").encode(), False),
        ("name_1mb", f"package p\nconst {'a' * 1_000_000} = 1\n".encode(), False),
        ("string_1_9mb", rule_text(effect='deny "' + "x" * 1_900_000 + '"').encode(), False),
        ("garbage_bytes", bytes((i * 7919 + 13) % 256 for i in range(100_000)), True),
    ]
    constants = [
        ("int_5000_digits", "1" * 5000, True),
        ("int_max_plus_1", "9223372036854775808", False),
        ("float_1e999", "1e999", True),
        ("float_exponent_huge", "1e99999999999999999999999", False),
        ("add_overflow", "9223372036854775807 + 1", True),
        ("mul_overflow", "4294967296 * 4294967296", False),
        ("min_div_minus_1", "(-9223372036854775807 - 1) / -1", True),
        ("min_mod_minus_1", "(-9223372036854775807 - 1) % -1", False),
        ("negate_min", "-(-9223372036854775807 - 1)", False),
        ("divide_by_zero", "1 / 0", False),
        ("float_overflow", "1e308 * 10", False),
        ("floor_2_pow_63", "floor(9223372036854775808.0)", False),
        ("regex_unbalanced", 'if matches("a", "(") then 1 else 0', True),
        ("regex_backreference", 'if matches("aa", "(a)\\\\1") then 1 else 0', False),
        ("regex_huge_repeat", 'if matches("a", "((a{1000}){1000}){1000}") then 1 else 0', True),
        ("regex_invalid_utf8", 'if matches("a", "\\\\xff\\\\C") then 1 else 0', False),
    ]
    for name, expression, quick in constants:
        text = HEADER + f'const K = {expression}\nrule r {{ cite "c" when n > K then deny "x" }}\n'
        samples.append(("const_" + name, text.encode(), quick))
    return samples


def add_rule_file_samples(corpus, facts):
    for name, data, quick in sample_rule_files():
        path = corpus.write(f"rules/{name}/{name}.rules", data)
        corpus.add(f"rules/{name}:check", ["check", path], "rules", quick=quick)
        corpus.add(f"rules/{name}:build", ["build", path, "-o", corpus.scratch / "x.rbc"], "rules")
        corpus.add(f"rules/{name}:eval", ["eval", path, "--facts", facts, *NOW], "rules")


def sample_facts_documents():
    """(name, bytes, in quick mode, expected exit codes): each decided by the small policy."""
    valid = json.dumps(VALID_FACTS)

    def with_raw(key, text):
        return json.dumps(dict(VALID_FACTS, **{key: "@@"})).replace('"@@"', text)

    def with_value(key, value):
        return json.dumps(dict(VALID_FACTS, **{key: value}))

    decided_or_refused = (0, 2)
    refused = (2,)
    samples = [
        ("valid", valid, True, (0,)),
        ("empty", "", True, refused),
        ("whitespace_only", " \n\t ", False, refused),
        ("null", "null", True, refused),
        ("number", "42", False, refused),
        ("string", '"x"', False, refused),
        ("array", "[]", True, refused),
        ("truncated_half", valid[: len(valid) // 2], True, refused),
        ("truncated_in_string", '{"id": "abc', False, refused),
        ("truncated_in_escape", '{"id": "abc\\u12', False, refused),
        ("trailing_garbage", valid + " xyz", False, refused),
        ("trailing_comma", '{"n": 1,}', False, refused),
        ("single_quotes", "{'n': 1}", False, refused),
        ("nan_literal", '{"x": NaN, "n": 1}', False, refused),
        ("deep_arrays_100000", '{"zz": ' + "[" * 100000 + "]" * 100000 + "}", True, refused),
        ("deep_objects_100000", '{"zz": ' + '{"a":' * 100000 + "1" + "}" * 100000 + "}", False, refused),
        ("open_arrays_1000000", '{"items": ' + "[" * 1_000_000, False, refused),
        ("number_1e400", with_raw("x", "1e400"), True, decided_or_refused),
        ("number_10000_digits", with_raw("n", "9" * 10000), False, decided_or_refused),
        ("int_max_plus_1", with_raw("n", "9223372036854775808"), False, decided_or_refused),
        ("int_min", with_raw("n", "-9223372036854775808"), True, decided_or_refused),
        ("exponent_huge", with_raw("x", "1e999999999999999999999999"), False, decided_or_refused),
        ("string_1_9mb", with_value("id", "a" * 1_900_000), True, decided_or_refused),
        ("key_1mb", '{"' + "k" * 1_000_000 + '": 1, "n": 1}', False, decided_or_refused),
        ("duplicate_keys", '{"n": 1, "n": 2, "id": "a"}', True, decided_or_refused),
        ("duplicate_keys_nested", with_raw("items", '[{"name": "a", "name": "b", "level": "m"}]'), False,
         decided_or_refused),
        ("lone_high_surrogate", with_raw("id", '"\\ud800"'), True, decided_or_refused),
        ("lone_low_surrogate", with_raw("id", '"\\udc00"'), False, decided_or_refused),
        ("invalid_utf8", b'{"id": "\xff\xfe", "n": 1}', True, decided_or_refused),
        ("nul_bytes", b"\0" * 1000, False, refused),
        ("bom", b"\xef\xbb\xbf" + valid.encode(), False, decided_or_refused),
        ("wrong_type_string_for_int", with_value("n", "1"), True, (0,)),
        ("wrong_type_object_for_list", with_value("items", {}), False, (0,)),
        ("wrong_type_enum_code", with_value("level", 1.5), False, (0,)),
        ("wrong_type_date", with_value("day", "2024-02-30"), True, (0,)),
        ("wrong_types_in_items", with_value("items", [1, "a", None, [], {}]), False, (0,)),
        ("wrong_type_nested_kids", with_value("items", [{"name": "a", "level": "m",
                                                         "kids": [{"name": 1, "level": []}]}]), False, (0,)),
    ]
    return [(name, data.encode() if isinstance(data, str) else data, quick, codes)
            for name, data, quick, codes in samples]


def add_facts_samples(corpus, policy_bundle, policy_source):
    for name, data, quick, codes in sample_facts_documents():
        path = corpus.write(f"facts/{name}.json", data)
        corpus.add(f"facts/{name}:eval", ["eval", "-b", policy_bundle, "--facts", path, "--explain", *NOW],
                   "facts", [expect_exit(*codes)], quick=quick)
        corpus.add(f"facts/{name}:eval-text", ["eval", policy_source, "--facts", path, "--format", "text", *NOW],
                   "facts", [expect_exit(*codes)])
    big = corpus.write("facts/over_facts_bytes.json", json.dumps(dict(VALID_FACTS, id="a" * 2000)))
    corpus.add("facts/over_facts_bytes:eval", ["eval", "-b", policy_bundle, "--facts", big,
                                               "--limit", "facts-bytes=1KiB", *NOW], "facts",
               [expect_exit(2), expect_text("1024")], quick=True)


def add_batch_samples(corpus, policy_bundle):
    valid = json.dumps(VALID_FACTS).encode()
    batches = {
        "garbage_lines": b"\n".join([valid, b"{\"n\": ", b"\xff\xfe", b"null", b"[]", b"\0\0", valid]) + b"\n",
        "empty_lines": b"\n" * 100_000,
        "no_final_newline": valid + b"\n" + valid,
        "cr_only": valid + b"\r" + valid + b"\r",
        "over_long_line": valid + b"\n" + json.dumps(dict(VALID_FACTS, id="a" * 4000)).encode() + b"\n" + valid,
        "deep_lines": (b"[" * 100_000 + b"\n") * 10,
        "garbage_without_newline": bytes((i * 7919 + 13) % 256 for i in range(500_000)),
    }
    for name, data in batches.items():
        path = corpus.write(f"batch/{name}.jsonl", data)
        corpus.add(f"batch/{name}:eval", ["eval", "-b", policy_bundle, "--batch", path, "--jobs", "2",
                                          "--limit", "facts-bytes=2KiB", *NOW], "batch",
                   [expect_exit(0, 2), expect_line_per_document(path)],
                   quick=name in ("garbage_lines", "over_long_line"))
        corpus.add(f"batch/{name}:bench", ["bench", "-b", policy_bundle, "--facts", path, "--seconds", "0.1",
                                           "--limit", "facts-bytes=2KiB", *NOW], "batch", [expect_exit(0, 2)])


def replace_leaves(value, leaf):
    """The document with every string, number and boolean in it given to `leaf`."""
    if isinstance(value, dict):
        return {key: replace_leaves(item, leaf) for key, item in value.items()}
    if isinstance(value, list):
        return [replace_leaves(item, leaf) for item in value]
    return leaf(value)


def add_workload_samples(corpus, source_dir, quick):
    """The shipped packs' schema (built into rulec) meets damaged copies of the example workloads."""
    workloads = sorted((source_dir / "docs" / "examples" / "workloads").glob("*.json"))
    if not workloads:
        sys.exit(f"hostile_inputs: no example workloads under `{source_dir}`")
    for workload in workloads[:1] if quick else workloads:
        text = workload.read_text(encoding="utf-8")
        document = json.loads(text)
        variants = {
            "truncated": (text[: len(text) // 2], (2,)),
            "strings_as_numbers": (json.dumps(replace_leaves(document, lambda v: 7 if isinstance(v, str) else v)),
                                   (0,)),
            "leaves_in_lists": (json.dumps(replace_leaves(document, lambda v: [[v]])), (0,)),
        }
        for variant, (data, codes) in variants.items():
            name = f"{workload.stem}_{variant}"
            path = corpus.write(f"workloads/{name}.json", data)
            corpus.add(f"workloads/{name}:eval", ["eval", "--facts", path, "--explain", *NOW], "facts",
                       [expect_exit(*codes)], quick=True)


def bundle_lengths(size, quick):
    """Where to cut the bundle: every length near the header, then spread over the rest."""
    head = range(0, 65, 8 if quick else 1)
    spread = 12 if quick else 100
    return sorted(set(head) | {65 + (size - 66) * i // spread for i in range(spread + 1)}) if size > 66 else list(head)


def xxh3_64(data):
    """XXH3-64 of `data`, the bundle checksum, from the xxHash library the build links."""
    library = ctypes.CDLL(ctypes.util.find_library("xxhash") or "libxxhash.so.0")
    library.XXH3_64bits.restype = ctypes.c_uint64
    library.XXH3_64bits.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    return library.XXH3_64bits(data, len(data))


def with_checksum(body):
    """A damaged bundle whose checksum is made right again, so the verifier meets the damage."""
    return body[:-8] + xxh3_64(body[:-8]).to_bytes(8, "little")


def add_bundle_samples(corpus, policy_bundle, facts, quick):
    original = policy_bundle.read_bytes()
    corpus.add("bundles/empty:eval", ["eval", "-b", corpus.write("bundles/empty.rbc", b""), "--facts", facts],
               "bundle", [expect_exit(2)], quick=True)
    for length in bundle_lengths(len(original), quick):
        path = corpus.write(f"bundles/truncated_{length}.rbc", original[:length])
        # Both commands read bundles the same way; taking turns covers both for half the runs.
        command = ["eval", "-b", path, "--facts", facts] if length % 2 else ["disasm", path]
        corpus.add(f"bundles/truncated_{length}:{command[0]}", command, "bundle", [expect_exit(2)], quick=True)
    chooser = random.Random(20260101)  # the same offsets on every run, so a failure repeats
    count = 12 if quick else 100
    for offset in sorted(chooser.sample(range(len(original)), min(count, len(original)))):
        flipped = bytearray(original)
        flipped[offset] ^= 1 << chooser.randrange(8)
        raw = corpus.write(f"bundles/flipped_{offset}.rbc", bytes(flipped))
        corpus.add(f"bundles/flipped_{offset}:disasm", ["disasm", raw], "bundle", [expect_exit(2)], quick=True)
        if offset < len(original) - 32:
            fixed = corpus.write(f"bundles/flipped_{offset}_checksum_fixed.rbc", with_checksum(bytes(flipped)))
            corpus.add(f"bundles/flipped_{offset}_checksum_fixed:eval",
                       ["eval", "-b", fixed, "--facts", facts, "--explain", *NOW], "bundle", [expect_exit(0, 2)],
                       quick=True)
            corpus.add(f"bundles/flipped_{offset}_checksum_fixed:disasm", ["disasm", fixed], "bundle",
                       [expect_exit(0, 2)])


def add_command_line_samples(corpus, policy_bundle, policy_source, facts):
    valid_rules = corpus.rule_file("cli_valid", rule_text())
    refused_limits = ["facts-bytes=18446744073709551616", "fuel=18446744073709551616", "source-bytes=16EiB",
                      "source-bytes=1KB", "facts-bytes=5XiB", "nesting=abc", "nesting=", "=5", "nope=1",
                      "nesting=-1"]
    for limit in refused_limits:
        corpus.add(f"cli/limit[{limit}]:eval", ["eval", "-b", policy_bundle, "--facts", facts, "--limit", limit,
                                                *NOW], "cli", [expect_exit(2)], quick=limit.startswith("facts"))
    for limit in ("nesting=0", "source-bytes=0", "facts-bytes=0", "facts-depth=0", "fuel=0", "entries=0",
                  "fuel=18446744073709551615"):
        corpus.add(f"cli/limit[{limit}]:check", ["check", valid_rules, "--limit", limit], "cli", quick=True)
        corpus.add(f"cli/limit[{limit}]:eval", ["eval", policy_source, "--facts", facts, "--limit", limit, *NOW],
                   "cli")
    missing = corpus.scratch / "does-not-exist"
    folder = corpus.scratch / "facts"
    refused_paths = {
        "check_missing_file": ["check", f"{missing}.rules"],
        "eval_missing_facts": ["eval", "-b", policy_bundle, "--facts", f"{missing}.json"],
        "eval_missing_bundle": ["eval", "-b", f"{missing}.rbc", "--facts", facts],
        "test_missing_folder": ["test", missing],
        "eval_folder_as_facts": ["eval", "-b", policy_bundle, "--facts", folder],
        "eval_folder_as_batch": ["eval", "-b", policy_bundle, "--batch", folder],
        "eval_folder_as_bundle": ["eval", "-b", folder, "--facts", facts],
        "disasm_folder": ["disasm", folder],
        "bench_folder_as_facts": ["bench", "-b", policy_bundle, "--facts", folder, "--seconds", "0.1"],
        "build_output_is_folder": ["build", valid_rules, "-o", folder],
        "eval_rules_as_bundle": ["eval", "-b", valid_rules, "--facts", facts],
    }
    for name, args in refused_paths.items():
        corpus.add(f"cli/{name}", args, "cli", [expect_exit(2)], quick=name.startswith("eval"))


# --------------------------------------------------------------------- running


def read_kept(path):
    """The stream's first bytes, plus its end where sanitizer reports land."""
    size = path.stat().st_size
    with open(path, "rb") as stream:
        if size <= OUTPUT_KEPT:
            return stream.read(), size
        head = stream.read(OUTPUT_KEPT // 2)
        stream.seek(size - OUTPUT_KEPT // 2)
        return head + stream.read(), size


class FifoUnblocker:
    """While a run that was handed a FIFO lasts, opens the FIFO's writing end now and
    then without blocking and closes it at once: a rulec that wrongly waits on the
    FIFO for a writer then reads an empty file instead of hanging until the guard.
    The first try comes after FIFO_GRACE, long after a correct rulec has refused the
    FIFO and ended, so a try that finds a reader means rulec was waiting."""

    def __init__(self, fifo):
        self.fifo = fifo
        self.released_a_reader = False
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.poke, daemon=True)

    def poke(self):
        pause = FIFO_GRACE
        while not self.done.wait(pause):
            pause = 0.5
            try:
                os.close(os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK))
                self.released_a_reader = True
            except OSError:
                pass  # no reader waiting: nothing to release

    def __enter__(self):
        if self.fifo:
            self.thread.start()
        return self

    def __exit__(self, *_):
        self.done.set()
        if self.fifo:
            self.thread.join()


def run_case(rulec, case, scratch):
    """Runs rulec once; a run past the hang guard is killed with its whole process group."""
    out_path, err_path = scratch / "run.stdout", scratch / "run.stderr"
    with open(out_path, "wb") as out, open(err_path, "wb") as err, FifoUnblocker(case.fifo) as unblocker:
        started = time.monotonic()
        process = subprocess.Popen([rulec, *case.args], stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                   cwd=scratch, start_new_session=True)
        try:
            returncode = process.wait(timeout=HANG_GUARD)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            returncode = None
        seconds = time.monotonic() - started
    stdout, stdout_size = read_kept(out_path)
    stderr, stderr_size = read_kept(err_path)
    return Outcome(returncode, stdout, stderr, seconds, stdout_size + stderr_size, unblocker.released_a_reader)


def report(case, out, problems):
    code = "hang" if out.returncode is None else str(out.returncode)
    print(f"{'FAIL' if problems else 'ok  '} {case.name}  exit {code}  {out.seconds:.2f}s", flush=True)
    for problem in problems:
        print(f"     - {problem}")
    if problems:
        print("     $ rulec " + " ".join(case.args)[:300])
        for line in (out.stderr or out.stdout).decode("utf-8", "replace").splitlines()[:6]:
            print("     | " + line[:200])


def run_all(rulec, cases, scratch, slowdown):
    failures = 0
    for case in cases:
        out = run_case(rulec, case, scratch)
        problems = general_problems(case, out)
        if out.returncode is not None:
            problems += [p for p in (check(out, slowdown) for check in case.expect) if p]
        report(case, out, problems)
        failures += bool(problems)
    return failures


# --------------------------------------------------------------------- setup


def fresh_scratch(path):
    """Wipes the scratch folder; refuses anything that is not a folder of ours."""
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        sys.exit(f"hostile_inputs: `{path}` is not a folder")
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path.resolve()


def build_policy(rulec, corpus):
    """The small policy every facts, batch and bundle input is decided by."""
    source = corpus.write("policy/policy.rules", POLICY)
    bundle = corpus.scratch / "policy.rbc"
    result = subprocess.run([rulec, "build", source, "-o", bundle], stdin=subprocess.DEVNULL,
                            capture_output=True, timeout=HANG_GUARD)
    if result.returncode != 0:
        sys.exit("hostile_inputs: cannot build the test's policy:\n" + result.stderr.decode("utf-8", "replace"))
    return source, bundle


def make_corpus(rulec, source_dir, scratch, quick):
    corpus = Corpus(scratch)
    policy_source, policy_bundle = build_policy(rulec, corpus)
    facts = corpus.write("facts/valid.json", json.dumps(VALID_FACTS))
    add_chain_findings(corpus)
    add_size_findings(corpus)
    add_given_file_findings(corpus)
    add_compiled_size_findings(corpus)
    add_evaluation_findings(corpus, policy_bundle)
    add_rule_file_samples(corpus, facts)
    add_facts_samples(corpus, policy_bundle, policy_source)
    add_batch_samples(corpus, policy_bundle)
    add_workload_samples(corpus, source_dir, quick)
    add_bundle_samples(corpus, policy_bundle, facts, quick)
    add_command_line_samples(corpus, policy_bundle, policy_source, facts)
    return [case for case in corpus.cases if case.quick or not quick]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rulec", type=Path)
    parser.add_argument("source_dir", type=Path, help="the project's source folder (for its example workloads)")
    parser.add_argument("scratch_dir", type=Path, help="where the inputs are written (wiped first)")
    parser.add_argument("--quick", action="store_true", help="a subset, for sanitizer builds")
    options = parser.parse_args()
    rulec = options.rulec.resolve()
    if not os.access(rulec, os.X_OK) or not stat.S_ISREG(rulec.stat().st_mode):
        sys.exit(f"hostile_inputs: `{options.rulec}` is not an executable")
    scratch = fresh_scratch(options.scratch_dir)
    started = time.monotonic()
    cases = make_corpus(rulec, options.source_dir.resolve(), scratch, options.quick)
    failures = run_all(rulec, cases, scratch, SANITIZER_SLOWDOWN if options.quick else 1)
    print(f"hostile_inputs: {len(cases)} runs, {failures} failed, {time.monotonic() - started:.1f} s"
          f"{' (--quick)' if options.quick else ''}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
