#!/usr/bin/env python3
"""Write the peer benchmark's rule sets in the Precept language.

Reads source/rules-20.json, rules-200.json and rules-2000.json (copies of the
peer benchmark's rule files: {id, effect, obligation?, variantOf?, template,
params} per rule) and writes, for each size N, the folder rules-N/ with

  schema.rules   the fact schema of the whole document (identical in every folder)
  bench.rules    the named constant sets, then one rule per rule of the JSON

Every rule is one instance (no `for`): datasets, use cases and regions are
ranged over with quantifiers and set operators. Each of the 17 templates of
the scenario has one rendering function below (TEMPLATES); the legal basis,
title and message of a rule come from its base rule (BASE), so a variant
`D03_v17` reads like `D03` with its own constants.

Lists of constants: a list that holds the same codes as one of the scenario's
named sets is written by that name (EU_EEA, SAFE_REGIONS, ...); a list of at
most three values is written inline; any other list becomes a constant of its
rule, `<ID>_<PARAM>` (e.g. `D03_V17_ORIGIN`), declared just above it.

Usage:
  python3 generate.py          write the rule folders
  python3 generate.py --check  exit 1 if a committed file differs from what
                               would be written (or a stray .rules file is there)

Standard library only; the output is a pure function of the JSON files.
"""

import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source"
SIZES = (20, 200, 2000)
PACKAGE = "bench"
INLINE_MAX = 3  # lists up to this length are written inline

# The named constant sets of the scenario (scenario.md §2). Their members are
# taken from the base rules of the JSON, at the (rule, parameter) given here;
# every place a name is listed for must hold the same codes.
NAMED_SETS = {
    "EU_EEA": {
        "doc": "EU-27 plus the three EEA EFTA states (IS, LI, NO): 30 ISO 3166-1 alpha-2 codes.",
        "from": [("D03", "origin"), ("D10", "allowed"), ("O08", "countries")],
    },
    "SAFE_REGIONS": {
        "doc": "Where personal data may go without a transfer mechanism: EU_EEA plus the 14\n"
               "/// countries with a general adequacy decision (US deliberately absent): 44 codes.",
        "from": [("D03", "safe"), ("O06", "safe")],
    },
    "ANNEX_III": {
        "doc": "High-risk use cases modelled on EU AI Act Annex III (20 ids).",
        "from": [("D04", "useCases"), ("O07", "useCases")],
    },
    "PROHIBITED": {
        "doc": "Prohibited practices modelled on EU AI Act Art. 5 (8 ids).",
        "from": [("D05", "useCases")],
    },
    "FRIA_USE_CASES": {
        "doc": "Use cases that call for a fundamental-rights impact assessment (Art. 27 style).",
        "from": [("O04", "useCases")],
    },
    "EMBARGOED": {
        "doc": "Countries under embargo: no model from a provider there.",
        "from": [("D09", "countries")],
    },
    "SPECIAL_CATEGORY_PURPOSES": {
        "doc": "Purposes for which special-category data may train a model.",
        "from": [("D06", "allowedPurposes")],
    },
    "MINORS_BANNED_PURPOSES": {
        "doc": "Purposes for which data about minors must not be used.",
        "from": [("D11", "purposes")],
    },
}

# What a rule says about itself, by base rule; variants take their base's.
# (title, citations, message)
BASE = {
    "D01": ("Personal data in a consumer or enterprise application",
            ["GDPR Art. 25"],
            "Personal data is used at scope ${workload.scope}"),
    "D02": ("Restricted data fine-tunes a model not trained in-house",
            ["Data classification policy: restricted data"],
            "Restricted data is used with a model of type ${model.type}"),
    "D03": ("EU personal data transferred without a transfer mechanism",
            ["GDPR Art. 44", "GDPR Art. 46"],
            "Personal data from the EU/EEA is processed outside the safe regions without a transfer mechanism"),
    "D04": ("High-risk use without a human who can override",
            ["EU AI Act Art. 14(4)(d)"],
            "A high-risk use case has no oversight checkpoint that can override the system"),
    "D05": ("Prohibited AI practice",
            ["EU AI Act Art. 5(1)"],
            "The workload has a prohibited use case"),
    "D06": ("Special-category data trains a model",
            ["GDPR Art. 9(1)", "GDPR Art. 9(2)(j)"],
            "Special-category data trains a model for ${workload.purpose}"),
    "D07": ("Provider trains on confidential customer data without an opt-out",
            ["GDPR Art. 28(3)(a)", "Data classification policy: confidential data"],
            "The model provider trains on confidential customer data and offers no opt-out"),
    "D08": ("Profiling below scope 4",
            ["GDPR Art. 22"],
            "Profiling of natural persons at scope ${workload.scope}"),
    "D09": ("Model provider in an embargoed country",
            ["EU restrictive measures (sanctions)"],
            "The model provider is in ${model.provider_country}, an embargoed country"),
    "D10": ("Restricted data processed outside the EU/EEA",
            ["Data classification policy: restricted data", "GDPR Art. 44"],
            "Restricted data is processed in a region outside the EU/EEA"),
    "D11": ("Data about minors used for marketing",
            ["GDPR Art. 8", "DSA Art. 28(2)"],
            "Data about minors is used for ${workload.purpose}"),
    "D12": ("Personal data kept beyond the retention limit",
            ["GDPR Art. 5(1)(e)"],
            "Personal data is kept longer than the retention limit allows"),
    "O01": ("General-purpose model with systemic risk",
            ["EU AI Act Art. 51(2)", "EU AI Act Art. 55"],
            "The model was trained with ${model.training_compute_flops} FLOPs"),
    "O02": ("AI system that interacts with people",
            ["EU AI Act Art. 50(1)"],
            "Tell people that they are interacting with an AI system"),
    "O03": ("AI system that generates synthetic content",
            ["EU AI Act Art. 50(2)"],
            "Mark synthetic output as artificially generated"),
    "O04": ("Use case that needs a fundamental-rights impact assessment",
            ["EU AI Act Art. 27"],
            "Assess the impact on fundamental rights before deployment"),
    "O05": ("Processing that needs a data-protection impact assessment",
            ["GDPR Art. 35"],
            "Carry out a data-protection impact assessment"),
    "O06": ("Transfer under standard contractual clauses",
            ["GDPR Art. 46(2)(c)", "CJEU C-311/18 (Schrems II)"],
            "Assess the transfer to regions without an adequacy decision"),
    "O07": ("High-risk use case",
            ["EU AI Act Art. 12"],
            "Keep automatic logs of the high-risk system's operation"),
    "O08": ("Model provider outside the EU/EEA",
            ["EU AI Act Art. 22", "EU AI Act Art. 54"],
            "The provider in ${model.provider_country} needs an authorised representative in the EU"),
}

# Boolean fields of Workload that `workload_flag` may name.
WORKLOAD_FLAGS = ("interacts_with_natural_persons", "generates_synthetic_content")

TOKEN = re.compile(r"^[A-Za-z0-9_.\-]+$")
RULE_ID = re.compile(r"^([DO][0-9]{2})(?:_v([0-9]+))?$")


class GenError(Exception):
    pass


# ---------------------------------------------------------------- literals ---

def string(s):
    if not isinstance(s, str) or not TOKEN.match(s):
        raise GenError(f"unexpected string constant {s!r}")
    return '"' + s + '"'


def integer(n):
    if isinstance(n, bool) or not isinstance(n, int):
        if isinstance(n, float) and n.is_integer() and abs(n) < 2**53:
            return str(int(n))
        raise GenError(f"expected an integer, got {n!r}")
    return str(n)


def number(x):
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise GenError(f"expected a number, got {x!r}")
    text = repr(float(x)).replace("e+", "e")  # shortest round-trip form: 1e25, 9.4e26
    if not re.match(r"^[0-9]+(\.[0-9]+)?(e-?[0-9]+)?$", text):
        raise GenError(f"cannot write {x!r} as a number literal")
    return text


def set_literal(values, indent, width=100):
    """A set literal, wrapped to `width` columns with continuation at `indent`."""
    items = [string(v) for v in values]
    one_line = "{" + ", ".join(items) + "}"
    if len(one_line) + len(indent) <= width:
        return one_line
    lines, line = [], ""
    for item in items:
        piece = item + ","
        if line and len(indent) + 2 + len(line) + 1 + len(piece) > width:
            lines.append(line)
            line = piece
        else:
            line = f"{line} {piece}" if line else piece
    lines.append(line)
    inner = "\n".join(f"{indent}  {l}" for l in lines)
    return "{\n" + inner + "\n" + indent + "}"


def const_name(rule_id, param):
    snake = re.sub(r"([a-z])([A-Z])", r"\1_\2", param)
    return f"{rule_id}_{snake}".upper()


# ------------------------------------------------------------------ rules ---

class Context:
    """Resolves a list parameter of one rule to a name or a literal."""

    def __init__(self, rule, named):
        self.rule = rule
        self.named = named          # frozenset(members) -> name
        self.consts = []            # (name, values) declared above the rule

    def set_of(self, param):
        values = self.rule["params"][param]
        if not isinstance(values, list) or not values:
            raise GenError(f"{self.rule['id']}: `{param}` is not a non-empty list")
        name = self.named.get(frozenset(values))
        if name:
            return name
        if len(values) <= INLINE_MAX:
            return set_literal(values, "")
        name = const_name(self.rule["id"], param)
        self.consts.append((name, values))
        return name

    def str(self, param):
        return string(self.rule["params"][param])

    def int(self, param):
        return integer(self.rule["params"][param])

    def num(self, param):
        return number(self.rule["params"][param])


def unwrap(expr):
    """`(e)` as `e` when the parentheses enclose the whole expression."""
    if not expr.startswith("("):
        return expr
    depth = 0
    for i, ch in enumerate(expr):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            return expr[1:-1] if i == len(expr) - 1 else expr
    return expr


def some_dataset(body):
    return f"(some d in data: {body})"


def outside(regions):
    """Some processing region is not in `regions`."""
    return f"(some r in processing_regions: r not in {regions})"


# One function per template of scenario.md §5; each returns the `when`
# condition as a list of conjuncts (joined with `and`, one per line). Scalar
# tests come first, so a rule that cannot hold stops before it looks at the
# datasets; the meaning is the same in any order.

def scope_and_tag(c):
    return [f"workload.scope <= {c.int('maxScope')}",
            some_dataset(f"{c.str('tag')} in d.tags")]


def class_use_model(c):
    return [f"model.type != {c.str('modelType')}",
            some_dataset(f"d.classification == {c.str('cls')} and {c.str('use')} in d.used_for")]


def personal_data_transfer(c):
    return [f"transfer_mechanism == {c.str('mech')}",
            some_dataset(f"{c.str('tag')} in d.tags and d.residency in {c.set_of('origin')}"),
            outside(c.set_of("safe"))]


def use_case_without_override(c):
    return [f"workload.use_cases intersects {c.set_of('useCases')}",
            "not (some c in oversight.checkpoints: c.can_override)"]


def use_case_any(c):
    return [f"workload.use_cases intersects {c.set_of('useCases')}"]


def tag_use_purpose(c):
    return [f"workload.purpose not in {c.set_of('allowedPurposes')}",
            some_dataset(f"{c.str('tag')} in d.tags and d.used_for intersects {c.set_of('uses')}")]


def provider_training_on_class(c):
    return ["model.trains_on_customer_data",
            "not model.opt_out_available",
            some_dataset(f"d.classification in {c.set_of('classes')}")]


def profiling_low_scope(c):
    return ["workload.profiling_natural_persons",
            f"workload.scope < {c.int('minScope')}"]


def provider_country_in(c):
    return [f"model.provider_country in {c.set_of('countries')}"]


def class_outside_regions(c):
    # The two `some` are independent: a restricted dataset anywhere, and a
    # processing region outside the allowed ones.
    return [some_dataset(f"d.classification == {c.str('cls')}"),
            outside(c.set_of("allowed"))]


def tag_and_purpose(c):
    return [f"workload.purpose in {c.set_of('purposes')}",
            some_dataset(f"{c.str('tag')} in d.tags")]


def tag_retention(c):
    return [some_dataset(f"{c.str('tag')} in d.tags and d.retention_days > {c.int('maxDays')}")]


def compute_threshold(c):
    return [f"model.training_compute_flops >= {c.num('flops')}"]


def workload_flag(c):
    flag = c.rule["params"]["flag"]
    if flag not in WORKLOAD_FLAGS:
        raise GenError(f"{c.rule['id']}: unknown workload flag {flag!r}")
    return [f"workload.{flag}"]


def profiling_or_tag(c):
    return [f"(workload.profiling_natural_persons or {some_dataset(c.str('tag') + ' in d.tags')})"]


def mechanism_outside_regions(c):
    return [f"transfer_mechanism == {c.str('mech')}",
            outside(c.set_of("safe"))]


def provider_country_not_in(c):
    return [f"model.provider_country not in {c.set_of('countries')}"]


TEMPLATES = {f.__name__: f for f in (
    scope_and_tag, class_use_model, personal_data_transfer, use_case_without_override,
    use_case_any, tag_use_purpose, provider_training_on_class, profiling_low_scope,
    provider_country_in, class_outside_regions, tag_and_purpose, tag_retention,
    compute_threshold, workload_flag, profiling_or_tag, mechanism_outside_regions,
    provider_country_not_in,
)}


def render_rule(rule, named):
    rid = rule["id"]
    m = RULE_ID.match(rid)
    if not m:
        raise GenError(f"unexpected rule id {rid!r}")
    base_id, variant = m.group(1), m.group(2)
    if variant and rule.get("variantOf") != base_id:
        raise GenError(f"{rid}: variantOf is {rule.get('variantOf')!r}")
    if base_id not in BASE:
        raise GenError(f"{rid}: no base rule {base_id}")
    template = TEMPLATES.get(rule["template"])
    if template is None:
        raise GenError(f"{rid}: unknown template {rule['template']!r}")
    title, cites, message = BASE[base_id]

    ctx = Context(rule, named)
    conjuncts = template(ctx)
    out = []
    for name, values in ctx.consts:
        out.append(f"const {name}: set<string> = {set_literal(values, '')}\n")
    if variant:
        out.append(f"/// {rid}: {base_id} with other constants ({rule['template']}).")
        title = f"{title} (variant {variant})"
    else:
        out.append(f"/// {rid} ({rule['template']}).")
    out.append(f"rule {rid.lower()} {{")
    out.append(f'  title "{title}"')
    out.append("  cite " + ", ".join(f'"{c}"' for c in cites + [f"Peer benchmark {rid}"]))
    if len(conjuncts) == 1:
        conjuncts = [unwrap(conjuncts[0])]
    out.append("  when " + "\n    and ".join(conjuncts))
    if rule["effect"] == "deny":
        out.append(f'  then deny "{message}"')
    elif rule["effect"] == "obligation":
        obligation = rule.get("obligation", "")
        if not re.match(r"^[a-z][a-z0-9_]*$", obligation):
            raise GenError(f"{rid}: unexpected obligation name {obligation!r}")
        out.append(f'  then require {obligation} "{message}"')
    else:
        raise GenError(f"{rid}: unknown effect {rule['effect']!r}")
    out.append("}")
    return "\n".join(out)


def named_sets(rules):
    by_id = {r["id"]: r for r in rules}
    values = {}
    for name, spec in NAMED_SETS.items():
        for rid, param in spec["from"]:
            if rid not in by_id:
                raise GenError(f"base rule {rid} is missing")
            v = by_id[rid]["params"][param]
            if name in values and set(values[name]) != set(v):
                raise GenError(f"{rid}.{param} and an earlier use of {name} differ")
            values.setdefault(name, v)
    lookup = {}
    for name, v in values.items():
        key = frozenset(v)
        if key in lookup:
            raise GenError(f"{name} and {lookup[key]} have the same members")
        lookup[key] = name
    return values, lookup


def header(source, what):
    return (f"// GENERATED by tests/bench/peer/generate.py{source}: do not edit.\n"
            f"// Regenerate with: python3 tests/bench/peer/generate.py\n"
            f"// {what}\n")


SCHEMA = """package bench

// The fact document of the peer benchmark (its scenario, §1): one JSON object
// per AI workload. Every field is always present, so none is optional or
// defaulted; fields that no rule reads are declared all the same (the loader
// skips them).

/// The AI workload being decided.
type Workload {
  id: string
  name: string
  description: string
  owner_team: string
  lifecycle_stage: string
  /// An ISO 8601 timestamp (not a calendar date).
  created_at: string
  /// Scoping-matrix scope, 1..5.
  scope: int
  purpose: string
  /// ISO 3166-1 alpha-2.
  deployer_country: string
  interacts_with_natural_persons: bool
  generates_synthetic_content: bool
  /// Use-case ids such as `essential_services.insurance_pricing`.
  use_cases: set<string>
  profiling_natural_persons: bool
}

/// A dataset the workload uses.
type Dataset {
  /// Unique within the document.
  name: string
  /// public, internal, confidential or restricted (a string: rule variants
  /// compare with codes outside these four).
  classification: string
  /// pii, financial, health, special_category, minors, biometric, ...
  tags: set<string>
  /// ISO 3166-1 alpha-2.
  residency: string
  /// training, fine_tuning, rag, evaluation, analytics, prompting.
  used_for: set<string>
  retention_days: int
  record_count: int
  source_system: string
  owner: string
  encrypted_at_rest: bool
  schema_version: string
}

/// The model behind the workload.
type Model {
  name: string
  version: string
  context_window: int
  provider: string
  /// ISO 3166-1 alpha-2.
  provider_country: string
  /// self_trained, fine_tuned, api_foundation or open_weights.
  type: string
  /// A double: 1e20 .. 5e25, beyond the range of a 64-bit integer.
  training_compute_flops: number
  trains_on_customer_data: bool
  opt_out_available: bool
}

/// A human-oversight checkpoint.
type Checkpoint {
  stage: string
  approver_role: string
  can_override: bool
}

type Oversight {
  /// 0..3 checkpoints.
  checkpoints: list<Checkpoint>
  review_cadence_days: int
  escalation_contact: string
}

facts {
  workload: Workload
  /// 5..10 datasets.
  data: list<Dataset>
  model: Model
  oversight: Oversight
  /// 1..4 distinct ISO 3166-1 alpha-2 codes.
  processing_regions: set<string>
  /// none, scc, bcr or adequacy.
  transfer_mechanism: string
}
"""


def generate(size):
    rules = json.loads((SOURCE / f"rules-{size}.json").read_text(encoding="utf-8"))
    if not isinstance(rules, list) or len(rules) != size:
        raise GenError(f"rules-{size}.json: expected a list of {size} rules")
    ids = [r["id"] for r in rules]
    if len({i.lower() for i in ids}) != len(ids):
        raise GenError(f"rules-{size}.json: rule ids are not unique")
    values, lookup = named_sets(rules)

    parts = [header(f" from source/rules-{size}.json", f"{size} rules over the fact schema of schema.rules."), f"package {PACKAGE}\n"]
    parts.append("// ---------------------------------------------------------------------------\n"
                 "// The named constant sets of the scenario\n")
    for name, spec in NAMED_SETS.items():
        parts.append(f"/// {spec['doc']}\nconst {name}: set<string> = {set_literal(values[name], '')}\n")
    parts.append("// ---------------------------------------------------------------------------\n"
                 "// Base rules: D01-D12 deny, O01-O08 obligations\n")
    for i, rule in enumerate(rules):
        if i == 20:
            parts.append("// ---------------------------------------------------------------------------\n"
                         "// Variants: base rules with other constants\n")
        parts.append(render_rule(rule, lookup) + "\n")
    bench = "\n".join(parts)
    schema = header("", "The fact schema (the same in every rules-N folder).") + "\n" + SCHEMA
    return {f"rules-{size}/schema.rules": schema, f"rules-{size}/bench.rules": bench}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the committed files differ from what would be written")
    args = parser.parse_args()
    try:
        files = {}
        for size in SIZES:
            files.update(generate(size))
    except (GenError, OSError, ValueError, KeyError) as e:
        print(f"generate.py: {e}", file=sys.stderr)
        return 2

    if args.check:
        stale = []
        for rel, text in files.items():
            path = HERE / rel
            try:
                if path.read_text(encoding="utf-8") != text:
                    stale.append(f"{rel} differs")
            except OSError:
                stale.append(f"{rel} is missing")
        for size in SIZES:
            for path in sorted((HERE / f"rules-{size}").rglob("*.rules")):
                rel = path.relative_to(HERE).as_posix()
                if rel not in files:
                    stale.append(f"{rel} is not generated (stray file)")
        if stale:
            for s in stale:
                print(f"generate.py --check: {s}", file=sys.stderr)
            print("generate.py --check: run `python3 tests/bench/peer/generate.py`", file=sys.stderr)
            return 1
        print(f"generate.py --check: {len(files)} files up to date")
        return 0

    for rel, text in files.items():
        path = HERE / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
    print(f"generate.py: wrote {len(files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
