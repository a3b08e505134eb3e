#!/usr/bin/env python3
"""Peak memory against the configured budgets.

Runs aggregation, DISTINCT, join, sort, top-n and window queries with wide
keys over TPC-H `lineitem` (6M rows at SF1, `l_comment` up to 44 bytes) and
`orders`, each in a fresh process of the TPC-H bench binary with small
engine budgets, and reads each process's peak RSS from the kernel
(`wait4`). A query passes when its peak stays within the budgets' sum plus
10%, plus the base: the peak of a plain scan in the same run (the binary,
the Parquet reader, thread stacks).

    cargo bench -p shark --bench tpch --no-run      # builds the binary, makes no data
    cargo bench -p shark --bench tpch -- --sf 1 --queries 1   # generates SF1 once
    python3 crates/shark/benches/memory_budget.py [--execution 64m] [--bin PATH]

Exits 1 when a query passes its limit or fails.
"""

import argparse
import glob
import os
import subprocess
import sys

QUERIES = [
    ("base: scan", "SELECT sum(length(l_comment)) FROM lineitem"),
    ("shuffle of a wide column",
     "SELECT sum(length(c)) FROM (SELECT l_comment c FROM lineitem DISTRIBUTE BY c) t"),
    ("aggregation, 5.1M wide groups",
     "SELECT count(*), sum(c) FROM (SELECT l_comment, l_shipinstruct, count(*) c "
     "FROM lineitem GROUP BY l_comment, l_shipinstruct) t"),
    ("count(DISTINCT wide)", "SELECT count(DISTINCT l_comment) FROM lineitem"),
    ("join, wide build side",
     "SELECT count(*), sum(length(o_comment)) FROM lineitem JOIN orders ON l_orderkey = o_orderkey"),
    ("sort by a wide key",
     "SELECT count(*) FROM (SELECT l_comment FROM lineitem ORDER BY l_comment) t"),
    ("top 5M of 6M",
     "SELECT count(*) FROM (SELECT l_comment FROM lineitem ORDER BY l_comment LIMIT 5000000) t"),
    ("window over wide order",
     "SELECT count(*), max(r) FROM (SELECT row_number() OVER (PARTITION BY l_suppkey "
     "ORDER BY l_comment) r FROM lineitem) t"),
]


def size(text):
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    text = text.strip().lower()
    return int(text[:-1]) * units[text[-1]] if text[-1] in units else int(text)


def newest_binary():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", "..", ".."))
    found = [p for p in glob.glob(os.path.join(root, "target", "release", "deps", "tpch-*"))
             if not p.endswith(".d") and os.access(p, os.X_OK)]
    if not found:
        sys.exit("no bench binary: run `cargo bench -p shark --bench tpch --no-run` first")
    return max(found, key=os.path.getmtime)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=None)
    ap.add_argument("--sf", default="1")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--execution", default="64m")
    ap.add_argument("--storage", default="32m")
    ap.add_argument("--shuffle", default="32m")
    a = ap.parse_args()
    binary = a.bin or newest_binary()
    budgets = size(a.execution) + size(a.storage) + size(a.shuffle)
    args = ["--sf", a.sf, "--master", a.master,
            "--conf", f"shark.memory.execution={a.execution}",
            "--conf", f"shark.memory.storage={a.storage}",
            "--conf", f"shark.shuffle.memory={a.shuffle}"]
    print(f"budgets: execution {a.execution} + storage {a.storage} + shuffle {a.shuffle}"
          f" = {budgets >> 20} MiB; {a.master}; SF{a.sf}; {binary}")
    print(f"{'query':34} {'seconds':>8} {'peak MiB':>9} {'limit MiB':>10}  verdict")
    base = None
    failed = False
    for name, sql in QUERIES:
        # A fresh `python -c` parent per query keeps RUSAGE_CHILDREN exact.
        probe = subprocess.run(
            [sys.executable, "-c",
             "import resource,subprocess,sys,time;t=time.time();"
             "r=subprocess.run(sys.argv[1:],capture_output=True);"
             "print(time.time()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode);"
             "sys.stderr.write(r.stderr.decode()[-2000:])",
             binary] + args + ["--sql", sql],
            capture_output=True, text=True)
        secs, rss_kb, code = probe.stdout.split()
        secs, peak, code = float(secs), int(rss_kb) * 1024, int(code)
        if base is None:
            base = peak
            limit = None
        else:
            limit = int(budgets * 1.1) + base
        if code != 0:
            verdict = "FAILED: " + probe.stderr.strip().splitlines()[-1] if probe.stderr.strip() else "FAILED"
            failed = True
        elif limit is None:
            verdict = "base"
        elif peak <= limit:
            verdict = "ok"
        else:
            verdict = f"OVER by {(peak - limit) >> 20} MiB"
            failed = True
        shown = "-" if limit is None else str(limit >> 20)
        print(f"{name:34} {secs:8.2f} {peak >> 20:9} {shown:>10}  {verdict}", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
