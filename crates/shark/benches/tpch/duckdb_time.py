#!/usr/bin/env python3
"""Times statements in DuckDB on the bench's Parquet files, for ratios
against Shark's timings of the same statements.

    python3 crates/shark/benches/tpch/duckdb_time.py DIR/sf1 FILE [threads]

FILE holds one statement per line (e.g. benches/tpch/windows.sql); every
table directory under DIR/sf1 becomes a view over its Parquet files. Prints
the best of two runs and the answer of each statement.
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
    with open(queries) as f:
        statements = [q.strip() for q in f if q.strip() and not q.startswith("--")]
    for i, q in enumerate(statements, 1):
        best = None
        for _ in range(2):
            started = time.time()
            rows = con.execute(q).fetchall()
            took = time.time() - started
            best = took if best is None else min(best, took)
        print(f"{i}\t{best:.3f} s\t{rows}")


if __name__ == "__main__":
    main()
