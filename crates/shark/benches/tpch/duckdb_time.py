#!/usr/bin/env python3
"""Times statements in DuckDB on the bench's Parquet files, for ratios
against Shark's timings of the same statements.

    python3 crates/shark/benches/tpch/duckdb_time.py DIR/sf1 FILE|QUERY_DIR [threads]

FILE holds one statement per line (e.g. benches/tpch/windows.sql); a
QUERY_DIR (e.g. benches/tpch) runs each qNN.sql file (SET lines dropped,
Q11's fraction given for SF1). Every table directory under DIR/sf1 becomes a
view over its Parquet files. Prints the best of two runs of each statement
(and its answer, for FILE) and the total.
"""

import os
import sys
import time

import duckdb


def main():
    data, queries = sys.argv[1], sys.argv[2]
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    con = duckdb.connect()
    con.execute(f"SET threads={threads}")
    for t in sorted(os.listdir(data)):
        if t != "results" and os.path.isdir(os.path.join(data, t)):
            con.execute(
                f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{data}/{t}/*.parquet')"
            )
    if os.path.isdir(queries):
        statements = []
        for name in sorted(os.listdir(queries)):
            if name.startswith("q") and name.endswith(".sql"):
                with open(os.path.join(queries, name)) as f:
                    lines = [
                        l for l in f.read().split("\n")
                        if not l.strip().startswith("--") and not l.strip().lower().startswith("set ")
                    ]
                sql = "\n".join(lines).strip().rstrip(";")
                statements.append((name, sql.replace("${hivevar:q11_fraction}", "0.0001")))
        show = False
    else:
        with open(queries) as f:
            statements = [
                (str(i), q.strip())
                for i, q in enumerate((q for q in f if q.strip() and not q.startswith("--")), 1)
            ]
        show = True
    total = 0.0
    for name, q in statements:
        best = None
        for _ in range(2):
            started = time.time()
            rows = con.execute(q).fetchall()
            took = time.time() - started
            best = took if best is None else min(best, took)
        total += best
        print(f"{name}\t{best:.3f} s" + (f"\t{rows}" if show else ""))
    print(f"total\t{total:.3f} s")


if __name__ == "__main__":
    main()
