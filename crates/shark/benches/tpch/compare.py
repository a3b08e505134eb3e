#!/usr/bin/env python3
"""Shark and DuckDB side by side on the same TPC-H Parquet files and cores:
per-query seconds, ratios, total and geometric mean of the ratios.

    python3 crates/shark/benches/tpch/compare.py [--sf 1] [--threads 2] [--runs 2]
        [--set key=value ...]   (Shark session settings, e.g. to switch a feature off)
        [--datafusion]          (DataFusion too: pip install datafusion)

Runs the Shark bench (`cargo bench -p shark --bench tpch`, which generates
the data under target/tpch on first use) and then DuckDB (`duckdb_time.py`,
best of two) on the files it wrote, `--runs` times each, alternating, and
keeps each query's best time of each engine. Needs the duckdb package
(pip install duckdb).
"""

import argparse
import math
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))


def shark_times(sf, threads, settings):
    sets = [a for kv in settings for a in ("--set", kv)]
    out = subprocess.run(
        ["cargo", "bench", "-q", "-p", "shark", "--bench", "tpch", "--",
         "--sf", str(sf), "--master", f"local[{threads}]"] + sets,
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    return {
        m.group(1).lower(): float(m.group(2))
        for m in re.finditer(r"^(q\d\d)\s+([0-9.]+)\s+\d+", out, re.M)
    }


def peer_times(script, data, threads):
    """Best seconds per query from a peer's timing script (duckdb_time.py,
    datafusion_time.py), which print `qNN.sql<TAB><seconds> s`."""
    out = subprocess.run(
        [sys.executable, os.path.join(HERE, script), data, HERE, str(threads)],
        check=True, capture_output=True, text=True,
    ).stdout
    return {
        m.group(1).lower(): float(m.group(2))
        for m in re.finditer(r"^(q\d\d)\.sql\t([0-9.]+) s", out, re.M)
    }


def summary(name, shark, peer):
    qs = [q for q in shark if q in peer]
    ratios = [shark[q] / max(peer[q], 1e-6) for q in qs]
    ts, tp = sum(shark[q] for q in qs), sum(peer[q] for q in qs)
    geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    return (f"against {name} over {len(qs)} queries: total {ts:.2f} s vs {tp:.2f} s = "
            f"{ts / tp:.2f}x, geometric mean {geo:.2f}x, worst {max(ratios):.1f}x")


def best(into, new):
    for q, t in new.items():
        into[q] = min(t, into.get(q, t))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sf", default="1")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--runs", type=int, default=2)
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--datafusion", action="store_true")
    a = p.parse_args()
    data = os.path.join(ROOT, "target", "tpch", f"sf{a.sf}")
    shark, duck, df = {}, {}, {}
    for _ in range(a.runs):
        best(shark, shark_times(a.sf, a.threads, a.set))
        best(duck, peer_times("duckdb_time.py", data, a.threads))
        if a.datafusion:
            best(df, peer_times("datafusion_time.py", data, a.threads))
    print(f"TPC-H SF{a.sf}, {a.threads} threads each, best of {a.runs} runs"
          + "".join(f", {kv}" for kv in a.set))
    extra = " DataFusion s | ratio |" if a.datafusion else ""
    print("| query | Shark s | DuckDB s | ratio |" + extra)
    print("|---|---:|---:|---:|" + ("---:|---:|" if a.datafusion else ""))
    ratios = []
    for q in sorted(shark):
        if q not in duck:
            continue
        r = shark[q] / max(duck[q], 1e-6)
        ratios.append(r)
        cols = ""
        if a.datafusion:
            cols = (f" {df[q]:.3f} | {shark[q] / max(df[q], 1e-6):.1f}x |" if q in df
                    else " failed | |")
        print(f"| {q.upper()} | {shark[q]:.3f} | {duck[q]:.3f} | {r:.1f}x |" + cols)
    ts, td = sum(shark.values()), sum(duck[q] for q in shark if q in duck)
    geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    print(f"| **total** | **{ts:.2f}** | **{td:.2f}** | **{ts / td:.1f}x** |")
    print(f"geometric mean of the ratios: {geo:.2f}x; worst: {max(ratios):.1f}x")
    if a.datafusion:
        print(summary("DataFusion", shark, df))


if __name__ == "__main__":
    main()
