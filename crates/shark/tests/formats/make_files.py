#!/usr/bin/env python3
"""Writes the ORC and Avro files the file-format tests read, with real
writers (pyarrow's ORC writer, fastavro), and the answers DuckDB gives over
the same rows (expected.tsv).

    pip install pyarrow fastavro duckdb
    python3 crates/shark/tests/formats/make_files.py

The rows are a fixed function of their id, so the files are reproducible.
"""

import datetime
import decimal
import os

import duckdb
import fastavro
import pyarrow as pa
import pyarrow.orc as orc

HERE = os.path.dirname(os.path.abspath(__file__))
ROWS = 30000
CATEGORIES = ["alpha", "beta", "gamma", "delta", None]


def row(i):
    return {
        "id": i,
        "small": i % 100 - 50,
        "name": None if i % 11 == 0 else f"n{i:05d}",
        "category": CATEGORIES[i % 5],
        "price": decimal.Decimal(i % 1000) / 100 + decimal.Decimal("0.25"),
        "ratio": None if i % 13 == 0 else i / 7.0,
        "flag": i % 3 == 0,
        "day": datetime.date(2020, 1, 1) + datetime.timedelta(days=i % 400),
        "ts": datetime.datetime(2021, 3, 4, 5, 6, 7) + datetime.timedelta(seconds=i * 37),
        "tags": [f"t{i % 4}", f"u{i % 3}"] if i % 7 else [],
    }


rows = [row(i) for i in range(ROWS)]
schema = pa.schema(
    [
        ("id", pa.int64()),
        ("small", pa.int32()),
        ("name", pa.string()),
        ("category", pa.string()),
        ("price", pa.decimal128(7, 2)),
        ("ratio", pa.float64()),
        ("flag", pa.bool_()),
        ("day", pa.date32()),
        ("ts", pa.timestamp("us")),
        ("tags", pa.list_(pa.string())),
    ]
)
table = pa.Table.from_pylist(rows, schema=schema)

# Small stripes and row groups, so that scans split files and filters skip
# row groups.
orc.write_table(
    table,
    os.path.join(HERE, "items.orc"),
    compression="zlib",
    stripe_size=16 * 1024,
    row_index_stride=1000,
)

avro_schema = {
    "type": "record",
    "name": "item",
    "fields": [
        {"name": "id", "type": "long"},
        {"name": "small", "type": "int"},
        {"name": "name", "type": ["null", "string"]},
        {"name": "category", "type": ["null", "string"]},
        {
            "name": "price",
            "type": {"type": "bytes", "logicalType": "decimal", "precision": 7, "scale": 2},
        },
        {"name": "ratio", "type": ["null", "double"]},
        {"name": "flag", "type": "boolean"},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-micros"}},
        {"name": "tags", "type": {"type": "array", "items": "string"}},
    ],
}
with open(os.path.join(HERE, "items.avro"), "wb") as out:
    avro_rows = [dict(r, ts=r["ts"].replace(tzinfo=datetime.timezone.utc)) for r in rows]
    fastavro.writer(out, fastavro.parse_schema(avro_schema), avro_rows, codec="deflate")

QUERIES = [
    "SELECT count(*) FROM items",
    "SELECT count(name), sum(id), sum(small), min(name), max(name) FROM items",
    "SELECT category, count(*), sum(price), round(avg(ratio), 3) FROM items "
    "GROUP BY category ORDER BY category NULLS FIRST",
    "SELECT min(day), max(day), min(ts), max(ts), sum(CASE WHEN flag THEN 1 ELSE 0 END) FROM items",
    "SELECT id, name, price, day, ts, size(tags) FROM items WHERE id BETWEEN 12340 AND 12344 ORDER BY id",
    "SELECT count(*) FROM items WHERE id = 29999",
    "SELECT count(*) FROM items WHERE name > 'n29990'",
]

con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
items = table  # noqa: F841 (DuckDB reads the Arrow table by its name)
with open(os.path.join(HERE, "expected.tsv"), "w") as out:
    for q in QUERIES:
        duck = q.replace("size(tags)", "len(tags)")
        out.write(f"> {q}\n")
        for r in con.execute(duck).fetchall():
            out.write("\t".join("NULL" if v is None else str(v) for v in r) + "\n")
