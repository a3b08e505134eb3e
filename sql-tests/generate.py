#!/usr/bin/env python3
"""Regenerate the expected results of the SQL golden tests with DuckDB.

    pip install duckdb && python3 sql-tests/generate.py [feature ...]

Loads every sql-tests/data/<table>.tsv into an in-memory DuckDB database, runs
every query of sql-tests/inputs/<feature>.sql (or the DuckDB spelling given on
a `-- reference:` line right above it) and writes
sql-tests/results/<feature>.sql.out, rendering values as the Hive CLI prints
them.  See sql-tests/README.md for the file formats.

Settings that make DuckDB answer as Hive does (so that most queries need no
reference spelling):
  * numeric literals with a decimal point (`1.5`) are DOUBLE in Hive but
    DECIMAL in DuckDB: they are wrapped in CAST(... AS DOUBLE) before DuckDB
    sees them (outside string literals, in queries and references alike; write
    `'1.5'::DECIMAL(2,1)` in a reference to get a DuckDB decimal);
  * NULLs sort first in ASC and last in DESC (default_null_order);
  * integer division / modulo by zero give NULL (error_on_division_by_zero);
    note that DuckDB's `x / 0` still gives Infinity, so a division whose
    divisor may be zero needs a reference with NULLIF(divisor, 0);
  * one thread, UTC time zone.

Checks, each of which stops the script with an error:
  * a query fails in DuckDB outside inputs/errors.sql, or succeeds in it;
  * a result row renders as an empty line (it would read as the block end);
  * the output changes when the tables are loaded in reverse row order (an
    ORDER BY that does not fix the order, or a LIMIT without ORDER BY);
  * a result column has a type Hive cannot print here (lists, ...); INTERVAL
    is printed as Hive's interval_day_time.
Doubles that are NaN or infinite are reported as warnings: Hive gives
NULL where DuckDB gives NaN/Infinity for sqrt(-1), ln(0), x / 0.
"""

import datetime
import decimal
import math
import os
import re
import sys

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
INPUTS = os.path.join(HERE, "inputs")
RESULTS = os.path.join(HERE, "results")
ERRORS_FEATURE = "errors"

HIVE_TO_DUCKDB = {
    "tinyint": "TINYINT",
    "smallint": "SMALLINT",
    "int": "INTEGER",
    "bigint": "BIGINT",
    "double": "DOUBLE",
    "string": "VARCHAR",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
}


class GenError(Exception):
    pass


# ---------------------------------------------------------------- data files

def duckdb_type(hive_type):
    m = re.fullmatch(r"decimal\((\d+),\s*(\d+)\)", hive_type)
    if m:
        return "DECIMAL(%s,%s)" % (m.group(1), m.group(2))
    if hive_type not in HIVE_TO_DUCKDB:
        raise GenError("unknown column type %r" % hive_type)
    return HIVE_TO_DUCKDB[hive_type]


def read_table(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    columns = []
    for field in lines[0].split("\t"):
        name, _, typ = field.partition(":")
        columns.append((name, duckdb_type(typ)))
    rows = []
    for n, line in enumerate(lines[1:], start=2):
        values = line.split("\t")
        if len(values) != len(columns):
            raise GenError("%s:%d: %d fields, expected %d" % (path, n, len(values), len(columns)))
        rows.append(values)
    return columns, rows


def sql_value(value, typ):
    if value == "\\N":
        return "NULL"
    return "CAST('%s' AS %s)" % (value.replace("'", "''"), typ)


def load_tables(con, reverse_rows=False):
    for file in sorted(os.listdir(DATA)):
        if not file.endswith(".tsv"):
            continue
        table = file[: -len(".tsv")]
        columns, rows = read_table(os.path.join(DATA, file))
        con.execute("CREATE TABLE %s (%s)" % (table, ", ".join("%s %s" % c for c in columns)))
        if reverse_rows:
            rows = rows[::-1]
        for row in rows:
            con.execute("INSERT INTO %s VALUES (%s)" % (
                table, ", ".join(sql_value(v, c[1]) for v, c in zip(row, columns))))


def connect(reverse_rows=False):
    con = duckdb.connect(":memory:")
    con.execute("SET threads = 1")
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET default_null_order = 'nulls_first_on_asc_last_on_desc'")
    con.execute("SET error_on_division_by_zero = false")
    load_tables(con, reverse_rows)
    return con


# -------------------------------------------------------------- input files

def parse_inputs(path):
    """Returns [(hive_text, reference_or_None)]."""
    queries = []
    current = []
    reference = None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for n, line in enumerate(lines, start=1):
        where = "%s:%d" % (os.path.relpath(path, HERE), n)
        stripped = line.strip()
        if not current:
            if stripped.startswith("--"):
                if reference is not None:
                    raise GenError("%s: a reference must come directly before its query" % where)
                m = re.match(r"--\s*reference:\s*(.*)$", stripped)
                if m:
                    reference = m.group(1).strip()
                    while reference.endswith(";"):
                        reference = reference[:-1].rstrip()
                    if not reference:
                        raise GenError("%s: empty reference" % where)
                continue
            if not stripped:
                if reference is not None:
                    raise GenError("%s: a reference must come directly before its query" % where)
                continue
        elif not stripped or stripped.startswith("--"):
            raise GenError("%s: blank or comment line inside a query (missing ';'?)" % where)
        current.append(line.rstrip())
        if line.rstrip().endswith(";"):
            text = "\n".join(current).rstrip()[:-1].rstrip()
            queries.append((text, reference))
            current = []
            reference = None
    if current or reference is not None:
        raise GenError("%s: unfinished query at the end of the file" % path)
    return queries


def split_quoted(sql):
    """Yields (is_code, text) pieces: quoted literals/identifiers and comments are not code."""
    i = 0
    start = 0
    while i < len(sql):
        c = sql[i]
        if c in "'\"`":
            if start < i:
                yield True, sql[start:i]
            j = i + 1
            while j < len(sql):
                if sql[j] == c:
                    if j + 1 < len(sql) and sql[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            yield False, sql[i:j + 1]
            i = start = j + 1
        elif sql.startswith("--", i):
            if start < i:
                yield True, sql[start:i]
            j = sql.find("\n", i)
            j = len(sql) if j < 0 else j
            yield False, sql[i:j]
            i = start = j
        else:
            i += 1
    if start < len(sql):
        yield True, sql[start:]


DECIMAL_LITERAL = re.compile(r"(?<![\w.])(\d+\.\d*|\.\d+)([eE][+-]?\d+)?(?![\w.])")


def hive_literals_as_double(sql):
    return "".join(
        DECIMAL_LITERAL.sub(lambda m: "CAST(%s AS DOUBLE)" % m.group(0), text) if code else text
        for code, text in split_quoted(sql))


def has_top_level_order_by(sql):
    code = "".join(text if is_code else " ''" for is_code, text in split_quoted(sql))
    depth = 0
    top = []
    for c in code:
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif depth == 0:
            top.append(c)
    return re.search(r"\border\s+by\b", "".join(top), re.IGNORECASE) is not None


# --------------------------------------------------------------- rendering

def java_double(x):
    """Java's Double.toString (shortest round-trip digits, as Python's repr)."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "-0.0" if math.copysign(1.0, x) < 0 else "0.0"
    if 1e-3 <= abs(x) < 1e7:
        r = repr(x)
        return r if "." in r else r + ".0"
    sign, digits, exp = decimal.Decimal(repr(x)).as_tuple()
    digits = list(digits)
    while len(digits) > 1 and digits[-1] == 0:
        digits.pop()
        exp += 1
    mantissa = str(digits[0]) + "." + ("".join(map(str, digits[1:])) or "0")
    return ("-" if sign else "") + mantissa + "E" + str(len(digits) - 1 + exp)


INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
                 "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"}


def renderer(typ):
    t = str(typ).upper()
    if t in INTEGER_TYPES:
        return lambda v: str(int(v))
    if t in ("DOUBLE", "FLOAT"):
        return java_double
    m = re.fullmatch(r"DECIMAL\((\d+),(\d+)\)", t)
    if m:
        quantum = decimal.Decimal(1).scaleb(-int(m.group(2)))
        return lambda v: format(decimal.Decimal(v).quantize(quantum), "f")
    if t == "BOOLEAN":
        return lambda v: "true" if v else "false"
    if t == "VARCHAR":
        return lambda v: v
    if t == "DATE":
        return lambda v: v.isoformat()
    if t == "TIMESTAMP":
        def ts(v):
            s = v.strftime("%Y-%m-%d %H:%M:%S")
            if v.microsecond:
                s += ("%.6f" % (v.microsecond / 1e6))[1:].rstrip("0")
            return s
        return ts
    if t == "INTERVAL":
        # Hive's interval_day_time: D HH:MM:SS.fffffffff. (DuckDB hands
        # months over as 30 days: a year-month interval needs a reference
        # that prints Hive's Y-M text.)
        def day_time(v):
            us = (v.days * 86400 + v.seconds) * 1000000 + v.microseconds
            sign, us = ("-", -us) if us < 0 else ("", us)
            days, rest = divmod(us, 86400 * 1000000)
            h, rest = divmod(rest, 3600 * 1000000)
            m, rest = divmod(rest, 60 * 1000000)
            sec, micro = divmod(rest, 1000000)
            return "%s%d %02d:%02d:%02d.%09d" % (sign, days, h, m, sec, micro * 1000)
        return day_time
    if t == '"NULL"':
        return lambda v: "NULL"
    raise GenError("result column of type %s cannot be rendered as Hive does" % t)


def run(con, sql):
    """Returns ("ok", [rendered rows], warnings) or ("error", message, [])."""
    try:
        rel = con.sql(sql)
        if rel is None:
            raise GenError("not a query: %s" % sql)
        render = [renderer(t) for t in rel.types]
        rows = rel.fetchall()
    except duckdb.Error as e:
        message = str(e).strip().split("\n")[0].strip()
        return "error", message, []
    out = []
    warnings = set()
    for row in rows:
        cells = []
        for f, v in zip(render, row):
            if v is None:
                cells.append("NULL")
                continue
            cell = f(v)
            if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
                warnings.add("result has %s" % cell)
            cells.append(cell)
        out.append("\t".join(cells))
    return "ok", out, sorted(warnings)


def same_rows(a, b):
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if x == y:
            continue
        xs, ys = x.split("\t"), y.split("\t")
        if len(xs) != len(ys):
            return False
        for p, q in zip(xs, ys):
            if p == q:
                continue
            try:
                fp, fq = float(p), float(q)
            except ValueError:
                return False
            if not math.isclose(fp, fq, rel_tol=1e-9, abs_tol=1e-12):
                return False
    return True


# -------------------------------------------------------------------- main

def generate(feature, con, con_reversed, header):
    path = os.path.join(INPUTS, feature + ".sql")
    queries = parse_inputs(path)
    blocks = []
    errors = []
    for hive, reference in queries:
        sql = hive_literals_as_double(reference if reference is not None else hive)
        ordered = has_top_level_order_by(hive)
        status, result, warnings = run(con, sql)
        first_line = hive.split("\n")[0]
        for w in warnings:
            print("warning: %s: %s: %s" % (feature, first_line, w), file=sys.stderr)
        if status == "error":
            if feature != ERRORS_FEATURE:
                errors.append("%s: query failed in DuckDB: %s\n  %s" % (feature, result, sql))
                continue
            blocks.append("-- !query\n%s\n-- !query error\n%s\n" % (hive, result))
            continue
        if feature == ERRORS_FEATURE:
            errors.append("%s: query succeeded in DuckDB (drop it): %s" % (feature, hive))
            continue
        rows = result
        if any(r == "" for r in rows):
            errors.append("%s: a row renders as an empty line: %s" % (feature, hive))
            continue
        status2, rows2, _ = run(con_reversed, sql)
        if not ordered:
            rows = sorted(rows)
            rows2 = sorted(rows2) if status2 == "ok" else rows2
        if status2 != "ok" or not same_rows(rows, rows2):
            errors.append("%s: result depends on row order (fix the ORDER BY): %s" % (feature, hive))
            continue
        marker = "-- !query output" if ordered else "-- !query output unordered"
        blocks.append("-- !query\n%s\n%s\n%s" % (hive, marker, "".join(r + "\n" for r in rows)))
    if errors:
        raise GenError("\n".join(errors))
    text = header + "\n" + "\n".join(blocks)
    with open(os.path.join(RESULTS, feature + ".sql.out"), "w", encoding="utf-8") as f:
        f.write(text)
    return len(queries)


def main(argv):
    os.environ["TZ"] = "UTC"
    header = ("-- Expected results computed by DuckDB %s (sql-tests/generate.py); do not edit.\n"
              % duckdb.__version__)
    features = argv[1:] or sorted(f[: -len(".sql")] for f in os.listdir(INPUTS) if f.endswith(".sql"))
    con = connect()
    con_reversed = connect(reverse_rows=True)
    os.makedirs(RESULTS, exist_ok=True)
    if len(argv) == 1:  # a full run also removes results whose input is gone
        for out in sorted(os.listdir(RESULTS)):
            if out.endswith(".sql.out") and out[: -len(".sql.out")] not in features:
                os.remove(os.path.join(RESULTS, out))
                print("removed results/%s (no input file)" % out)
    total = 0
    failed = False
    for feature in features:
        try:
            n = generate(feature, con, con_reversed, header)
        except GenError as e:
            print("error: %s" % e, file=sys.stderr)
            failed = True
            continue
        total += n
        print("%-20s %3d queries" % (feature, n))
    print("%-20s %3d queries" % ("total", total))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
