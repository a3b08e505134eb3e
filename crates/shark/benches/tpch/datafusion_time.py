#!/usr/bin/env python3
"""Times the 22 TPC-H queries in DataFusion on the bench's Parquet files,
for ratios against Shark's timings (compare.py --datafusion).

    python3 crates/shark/benches/tpch/datafusion_time.py DIR/sf1 QUERY_DIR [threads]

Every table directory under DIR/sf1 is registered as a Parquet table; each
qNN.sql file runs (SET lines dropped, Q11's fraction given for SF1) twice
and its best time is printed, as duckdb_time.py does. A query DataFusion
cannot run prints `failed` with its error and counts nothing.
Needs the datafusion package (pip install datafusion).
"""

import os
import sys
import time

import datafusion


def main():
    data, queries = sys.argv[1], sys.argv[2]
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    config = datafusion.SessionConfig().with_target_partitions(threads)
    ctx = datafusion.SessionContext(config)
    for t in sorted(os.listdir(data)):
        if t != "results" and os.path.isdir(os.path.join(data, t)):
            ctx.register_parquet(t, os.path.join(data, t))
    total = 0.0
    for name in sorted(os.listdir(queries)):
        if not (name.startswith("q") and name.endswith(".sql")):
            continue
        with open(os.path.join(queries, name)) as f:
            lines = [
                l for l in f.read().split("\n")
                if not l.strip().startswith("--") and not l.strip().lower().startswith("set ")
            ]
        sql = "\n".join(lines).strip().rstrip(";").replace("${hivevar:q11_fraction}", "0.0001")
        best = None
        try:
            for _ in range(2):
                started = time.time()
                ctx.sql(sql).collect()
                took = time.time() - started
                best = took if best is None else min(best, took)
        except Exception as e:  # a dialect difference: report and go on
            print(f"{name}\tfailed\t{str(e).splitlines()[0]}")
            continue
        total += best
        print(f"{name}\t{best:.3f} s")
    print(f"total\t{total:.3f} s")


if __name__ == "__main__":
    main()
