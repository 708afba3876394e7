#!/usr/bin/env python3
"""Precept side by side with the peer engines, measured in one run.

The peer benchmark (Cedar via Wasm, two CEL engines, json-rules-engine and
hand-written JS, on Node.js) is a separate checkout with its own `bench.mjs`;
this script runs it and `rulec bench` in interleaved rounds on the same
machine, then prints the markdown table of docs/performance.md:

    python3 tests/bench/peer/compare.py --peers PATH/TO/peers \\
        --rulec build/tools/rulec/rulec --bench build/tests/precept_bench

Each round runs every engine at 20, 200 and 2000 rules, each in a fresh
process; the table shows the median over rounds of each process's median.
Precept's numbers come from `rulec bench` (rules compiled from
tests/bench/peer/rules-N, documents from source/facts/pool.jsonl, the same
64 documents the peers cycle through); its compile and bundle-load times,
and its decisions through the embedding API, from the Google Benchmark
suite; its batch throughput and peak memory from `rulec eval`. Standard
library only.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = (20, 200, 2000)
PEERS = ("js-reference", "cel-js", "cel-bufbuild", "json-rules-engine", "cedar-wasm",
         "cedar-wasm-fullctx")
POOL = os.path.join(HERE, "source", "facts", "pool.jsonl")


def run_json(cmd, cwd=None):
    out = subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def peer_round(peers_dir, engine, size):
    cmd = ["node", "--no-turbo-inline-js-wasm-calls", "bench.mjs", "--engine", engine,
           "--size", str(size)]
    if size == 20:
        cmd += ["--text", "1"]
    r = run_json(cmd, cwd=peers_dir)
    return {"parsed": r["obj_us"]["median"],
            "text": r.get("text_us", {}).get("median"),
            "load_ms": r["load_ms"]["median"]}


def precept_round(rulec, size, seconds):
    rules = os.path.join(HERE, f"rules-{size}")
    loaded = run_json([rulec, "bench", rules, "--facts", POOL, "--mode", "loaded",
                       "--seconds", str(seconds), "--format", "json", "--now", "2026-12-04"])
    result = {"parsed": loaded["median_us"], "p99": loaded["p99_us"], "text": None}
    if size == 20:
        text = run_json([rulec, "bench", rules, "--facts", POOL, "--mode", "text",
                         "--seconds", str(seconds), "--format", "json", "--now", "2026-12-04"])
        result["text"] = text["median_us"]
        result["text_p99"] = text["p99_us"]
    return result


def google_bench(bench):
    out = subprocess.run([bench, "--benchmark_filter=BM_(compile|bundle_load|executable_free)/"
                          "|BM_(c_api_|api_)?decide_text/20$",
                          "--benchmark_format=json", "--benchmark_repetitions=5",
                          "--benchmark_report_aggregates_only=true"],
                         check=True, capture_output=True, text=True).stdout
    times = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("aggregate_name") == "median":
            # BM_compile/2000 (a fixed iteration count adds /iterations:N)
            name = b["run_name"].split("/iterations:")[0]
            times[name] = b["real_time"]  # the benchmark's unit: ms, or µs for decisions
    return times


def batch_and_rss(rulec, tmp):
    """rulec eval --batch over the pool repeated to 100k lines, --jobs 2, to
    /dev/null; and peak RSS of one rulec eval with the 2000-rule bundle."""
    lines = open(POOL).read().splitlines()
    big = os.path.join(tmp, "pool-100k.jsonl")
    with open(big, "w") as f:
        for i in range(100_000):
            f.write(lines[i % len(lines)] + "\n")
    rules20 = os.path.join(tmp, "rules-20.rbc")
    subprocess.run([rulec, "build", os.path.join(HERE, "rules-20"), "-o", rules20],
                   check=True, capture_output=True)
    rates = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([rulec, "eval", "-b", rules20, "--batch", big, "--jobs", "2",
                        "--now", "2026-12-04"], check=True, stdout=subprocess.DEVNULL)
        rates.append(100_000 / (time.perf_counter() - start))
    rules2000 = os.path.join(tmp, "rules-2000.rbc")
    subprocess.run([rulec, "build", os.path.join(HERE, "rules-2000"), "-o", rules2000],
                   check=True, capture_output=True)
    doc = os.path.join(tmp, "doc.json")
    with open(doc, "w") as f:
        f.write(lines[0])
    rss = []
    for _ in range(3):
        r = subprocess.run(["/usr/bin/time", "-f", "%M", rulec, "eval", "-b", rules2000,
                            "--facts", doc, "--now", "2026-12-04"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)
        rss.append(int(r.stderr.strip().splitlines()[-1]) / 1024)
    return statistics.median(rates), statistics.median(rss), os.path.getsize(rules2000)


def fmt(x, digits=3):
    if x is None:
        return "—"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.{digits}g}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peers", required=True, help="the peer benchmark's folder (bench.mjs)")
    ap.add_argument("--rulec", required=True)
    ap.add_argument("--bench", required=True, help="the precept_bench executable")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=2.0, help="rulec bench time per process")
    ap.add_argument("--engines", default=",".join(PEERS))
    args = ap.parse_args()
    engines = [e for e in args.engines.split(",") if e]
    if not os.path.isdir(os.path.join(args.peers, "node_modules")):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=args.peers, check=True)

    samples = {}  # (engine, size) -> list of round results
    for rnd in range(args.rounds):
        for size in SIZES:
            for engine in ["precept"] + engines:
                print(f"round {rnd + 1}/{args.rounds}: {engine} at {size} rules",
                      file=sys.stderr, flush=True)
                if engine == "precept":
                    r = precept_round(args.rulec, size, args.seconds)
                else:
                    r = peer_round(args.peers, engine, size)
                samples.setdefault((engine, size), []).append(r)

    def med(engine, size, key):
        vals = [r.get(key) for r in samples.get((engine, size), []) if r.get(key) is not None]
        return statistics.median(vals) if vals else None

    print("| engine | µs/decision, 20 rules, loaded | µs/decision, 20 rules, from JSON text |"
          " µs/decision, 200 rules | µs/decision, 2000 rules |")
    print("|---|---:|---:|---:|---:|")
    for engine in ["precept"] + engines:
        print(f"| {engine} | {fmt(med(engine, 20, 'parsed'))} | {fmt(med(engine, 20, 'text'))} |"
              f" {fmt(med(engine, 200, 'parsed'))} | {fmt(med(engine, 2000, 'parsed'))} |")
    print()
    p_text = med("precept", 20, "text")
    p_loaded = med("precept", 20, "parsed")
    print("Ratios (peer median / Precept median, same run):")
    for engine in engines:
        parts = []
        for label, key, size, mine in (("loaded 20", "parsed", 20, p_loaded),
                                       ("text 20", "text", 20, p_text),
                                       ("200", "parsed", 200, med("precept", 200, "parsed")),
                                       ("2000", "parsed", 2000, med("precept", 2000, "parsed"))):
            theirs = med(engine, size, key)
            if theirs and mine:
                parts.append(f"{label} {theirs / mine:.1f}×")
        print(f"- {engine}: " + ", ".join(parts))
    print()
    print(f"Precept p99, 20 rules: loaded {fmt(med('precept', 20, 'p99'))} µs, "
          f"from text {fmt(med('precept', 20, 'text_p99'))} µs")
    times = google_bench(args.bench)
    print("Precept compile in memory (median of 5, ms): " +
          ", ".join(f"{s} rules {fmt(times.get(f'BM_compile/{s}'))}" for s in SIZES))
    print("Precept bundle load + verify (median of 5, ms): " +
          ", ".join(f"{s} rules {fmt(times.get(f'BM_bundle_load/{s}'))}" for s in SIZES) +
          f"; freeing the 2000-rule executable (not part of the load) "
          f"{fmt(times.get('BM_executable_free/2000'))}")
    print("Precept from JSON text, 20 rules, through the embedding API (median of 5, µs): "
          f"C++ API {fmt(times.get('BM_api_decide_text/20'))}, "
          f"C ABI {fmt(times.get('BM_c_api_decide_text/20'))}; "
          f"the engine directly {fmt(times.get('BM_decide_text/20'))}")
    tmp = tempfile.mkdtemp()
    try:
        rate, rss, size2000 = batch_and_rss(args.rulec, tmp)
    finally:
        shutil.rmtree(tmp)
    print(f"rulec eval --batch, 100k lines, --jobs 2, 20 rules, to /dev/null: "
          f"{rate:,.0f} decisions/s (median of 3)")
    print(f"rulec eval -b rules-2000.rbc (bundle {size2000:,} bytes): peak RSS {rss:.1f} MB "
          f"(median of 3)")


if __name__ == "__main__":
    main()
