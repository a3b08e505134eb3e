#!/usr/bin/env python3
"""Checks Shark's TPC-H answers against DuckDB's.

    python3 crates/shark/benches/tpch/check.py DIR/sf<SF> [--queries 1,3,5] [--save OUT]

Loads the Parquet tables the bench wrote under DIR/sf<SF>/<table>/ into
DuckDB (`pip install duckdb`), runs the same qNN.sql files, renders each
value the way Hive prints it (integers plain, doubles as Java's
Double.toString, decimals with their scale, dates YYYY-MM-DD, NULL) and
compares with DIR/sf<SF>/results/qNN.tsv from the bench:

* the same number of rows;
* the same values; numbers agree within a relative 1e-6, and where DuckDB
  computes a double but Shark prints a fixed-point decimal (Hive types
  avg() and decimal division as decimals, rounded to their scale), within
  half a unit of Shark's last printed digit;
* rows in the order of the query's ORDER BY; rows whose ORDER BY keys tie
  may come in any order (compared as multisets), and queries without an
  ORDER BY are compared as multisets.

Prints OK or DIFF (with the first differing row) per query and a summary
line `N passed, M failed`; exits non-zero if any failed.
"""

import argparse
import datetime
import decimal
import math
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TABLES = ["nation", "region", "part", "supplier", "partsupp", "customer", "orders", "lineitem"]


def q11_fraction(sf):
    """The bench's `${hivevar:q11_fraction}`: 0.0001 / SF as a decimal literal."""
    s = "%.12f" % (0.0001 / sf)
    return s.rstrip("0").rstrip(".")


def java_double(v):
    """Java's Double.toString with shortest round-trip digits."""
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if v == 0.0:
        return "-0.0" if math.copysign(1.0, v) < 0 else "0.0"
    sign = "-" if v < 0 else ""
    a = abs(v)
    d = decimal.Decimal(repr(a))
    _, digits, exp = d.as_tuple()
    digits = "".join(map(str, digits)).rstrip("0") or "0"
    # value = 0.digits * 10^(point), i.e. point = position of the decimal point
    point = len("".join(map(str, d.as_tuple()[1]))) + exp
    if 1e-3 <= a < 1e7:
        if point <= 0:
            s = "0." + "0" * (-point) + digits
        elif point >= len(digits):
            s = digits + "0" * (point - len(digits)) + ".0"
        else:
            s = digits[:point] + "." + digits[point:]
        return sign + s
    mantissa = digits[0] + "." + (digits[1:] or "0")
    return sign + mantissa + "E" + str(point - 1)


def render(value, type_name):
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, decimal.Decimal):
        m = re.match(r"DECIMAL\((\d+),\s*(\d+)\)", type_name or "")
        if m:
            scale = int(m.group(2))
            value = value.quantize(decimal.Decimal(1).scaleb(-scale))
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        s = value.strftime("%Y-%m-%d %H:%M:%S")
        if value.microsecond:
            s += ("." + "%06d" % value.microsecond).rstrip("0")
        return s
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


def cell_equal(got, want, want_is_double):
    if got == want:
        return True
    if not (NUMBER.match(got) and NUMBER.match(want)):
        return False
    g, w = float(got), float(want)
    tol = 1e-6 * max(abs(g), abs(w))
    if want_is_double and "e" not in got.lower() and "." in got:
        # Shark printed a fixed-point decimal where DuckDB has a double.
        scale = len(got.split(".")[1])
        tol = max(tol, 0.5 * 10.0 ** (-scale) * (1 + 1e-9))
    return abs(g - w) <= tol


def rows_equal(got, want, doubles):
    return len(got) == len(want) and all(
        cell_equal(g, w, d) for g, w, d in zip(got, want, doubles)
    )


def sort_key(row):
    """A total order on rendered rows: numbers by value, then text."""
    out = []
    for v in row:
        if NUMBER.match(v):
            out.append((0, float(v), ""))
        else:
            out.append((1, 0.0, v))
    return out


def order_by_columns(sql, names):
    """[(output column index, descending)] of the outermost ORDER BY, or None."""
    text = re.sub(r"--[^\n]*", "", sql)
    m = list(re.finditer(r"\border\s+by\b", text, re.I))
    if not m:
        return None
    tail = text[m[-1].end():]
    tail = re.split(r"\blimit\b|;", tail, flags=re.I)[0]
    # The outermost ORDER BY comes after the last closing parenthesis.
    if tail.count(")") > tail.count("("):
        return None
    keys = []
    lower = [n.lower() for n in names]
    for item in tail.split(","):
        words = item.split()
        if not words:
            continue
        desc = len(words) > 1 and words[-1].lower() == "desc"
        name = words[0].split(".")[-1].lower()
        if name.isdigit():
            keys.append((int(name) - 1, desc))
        elif name in lower:
            keys.append((lower.index(name), desc))
        else:
            return None
    return keys


def key_cmp(a, b, keys):
    for i, desc in keys:
        ka, kb = sort_key([a[i]])[0], sort_key([b[i]])[0]
        if ka != kb:
            r = -1 if ka < kb else 1
            return -r if desc else r
    return 0


def ordered_within(rows, keys):
    return all(key_cmp(rows[i], rows[i + 1], keys) <= 0 for i in range(len(rows) - 1))


def compare(got, want, keys, doubles):
    """None when equal, else a description of the first difference."""
    if len(got) != len(want):
        first = next(
            (i for i, (g, w) in enumerate(zip(got, want)) if not rows_equal(g, w, doubles)),
            min(len(got), len(want)),
        )
        return "%d rows, expected %d; first difference at row %d:\n  got  %s\n  want %s" % (
            len(got),
            len(want),
            first + 1,
            "\t".join(got[first]) if first < len(got) else "(none)",
            "\t".join(want[first]) if first < len(want) else "(none)",
        )
    bad = [i for i, (g, w) in enumerate(zip(got, want)) if not rows_equal(g, w, doubles)]
    if not bad:
        return None
    # Rows may legitimately differ in order where the ORDER BY keys tie:
    # compare each run of equal keys (the whole result without an ORDER
    # BY) as a multiset.
    if keys is not None and not ordered_within(got, keys):
        i = next(i for i in range(len(got) - 1) if key_cmp(got[i], got[i + 1], keys) > 0)
        return "rows %d and %d are out of ORDER BY order:\n  %s\n  %s" % (
            i + 1,
            i + 2,
            "\t".join(got[i]),
            "\t".join(got[i + 1]),
        )
    def groups(rows):
        out, start = [], 0
        for i in range(1, len(rows) + 1):
            if keys is None:
                if i == len(rows):
                    out.append(rows[start:i])
            elif i == len(rows) or key_cmp(rows[start], rows[i], keys) != 0:
                out.append(rows[start:i])
                start = i
        return out

    gg, wg = groups(got), groups(want)
    if len(gg) == len(wg) and all(len(a) == len(b) for a, b in zip(gg, wg)):
        offset = 0
        for a, b in zip(gg, wg):
            a, b = sorted(a, key=sort_key), sorted(b, key=sort_key)
            for j, (g, w) in enumerate(zip(a, b)):
                if not rows_equal(g, w, doubles):
                    return "first difference at row %d (ties in ORDER BY compared as multisets):\n  got  %s\n  want %s" % (
                        offset + j + 1,
                        "\t".join(g),
                        "\t".join(w),
                    )
            offset += len(a)
        return None
    i = bad[0]
    return "first difference at row %d:\n  got  %s\n  want %s" % (
        i + 1,
        "\t".join(got[i]),
        "\t".join(want[i]),
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir", help="DIR/sf<SF>, as written by the bench")
    ap.add_argument("--queries", default=",".join(str(i) for i in range(1, 23)))
    ap.add_argument("--sf", type=float, help="scale factor (default: from the dir name)")
    ap.add_argument("--save", metavar="OUT",
                    help="write DuckDB's answers, rendered as Hive prints them, to OUT/qNN.tsv "
                         "(the expected answers of crates/shark/tests/tpch_spec.rs) instead of comparing")
    args = ap.parse_args()

    import duckdb

    sf = args.sf
    if sf is None:
        m = re.search(r"sf([0-9.]+)$", os.path.normpath(args.dir))
        if not m:
            sys.exit("cannot tell the scale factor from %s; pass --sf" % args.dir)
        sf = float(m.group(1))
    con = duckdb.connect()
    for t in TABLES:
        path = os.path.join(args.dir, t, "*.parquet")
        con.execute("create view %s as select * from read_parquet('%s')" % (t, path))

    passed, failed = 0, []
    for q in [int(x.strip().lstrip("qQ")) for x in args.queries.split(",") if x.strip()]:
        name = "q%02d" % q
        with open(os.path.join(HERE, name + ".sql")) as f:
            sql = f.read()
        sql = sql.replace("${hivevar:q11_fraction}", q11_fraction(sf))
        if args.save:
            cur = con.execute(sql)
            types = [str(d[1]) for d in cur.description]
            os.makedirs(args.save, exist_ok=True)
            with open(os.path.join(args.save, name + ".tsv"), "w") as f:
                for row in cur.fetchall():
                    f.write("\t".join(render(v, t) for v, t in zip(row, types)) + "\n")
            print("%s  saved" % name)
            passed += 1
            continue
        result_path = os.path.join(args.dir, "results", name + ".tsv")
        if not os.path.exists(result_path):
            print("%s  DIFF  no result file %s (the query failed in Shark?)" % (name, result_path))
            failed.append(name)
            continue
        with open(result_path) as f:
            got = [line.rstrip("\n").split("\t") for line in f if line != "\n"]
        cur = con.execute(sql)
        desc = cur.description
        types = [str(d[1]) for d in desc]
        want_raw = cur.fetchall()
        want = [[render(v, t) for v, t in zip(row, types)] for row in want_raw]
        doubles = [t.upper() in ("DOUBLE", "FLOAT") for t in types]
        keys = order_by_columns(sql, [d[0] for d in desc])
        diff = compare(got, want, keys, doubles)
        if diff is None:
            print("%s  OK    %d rows" % (name, len(got)))
            passed += 1
        else:
            print("%s  DIFF  %s" % (name, diff))
            failed.append(name)
    print("%d passed, %d failed" % (passed, len(failed)))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
