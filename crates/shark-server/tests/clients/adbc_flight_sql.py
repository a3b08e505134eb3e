"""A real Flight SQL client against shark-server: Python's ADBC driver.

Run by tests/flight_clients.rs as: adbc_flight_sql.py URI TOKEN WAREHOUSE.
Checks queries into pyarrow Tables, sessions (USE, SET), a prepared
statement with parameters, catalog listing with adbc_get_objects, and
that a wrong password or a bad statement fails with a clear error.
"""

import os
import sys
import warnings

import adbc_driver_flightsql.dbapi as flight_sql
import adbc_driver_manager
import pyarrow as pa

# The driver warns that autocommit cannot be turned off: Hive has no
# transactions.
warnings.simplefilter("ignore")

uri, token, warehouse = sys.argv[1], sys.argv[2], sys.argv[3]


def connect(password):
    return flight_sql.connect(uri, db_kwargs={"username": "analyst", "password": password})


checks = 0


def check(cond, what):
    global checks
    if not cond:
        raise AssertionError(what)
    checks += 1


with connect(token) as conn:
    cur = conn.cursor()
    # Data to query, loaded from a file the way Hive users load it.
    incoming = os.path.join(warehouse, "incoming")
    os.makedirs(incoming, exist_ok=True)
    path = os.path.join(incoming, "people.txt")
    with open(path, "w") as f:
        for i, name in enumerate(["ada", "grace", "alan", "edsger", "barbara"]):
            f.write(f"{i + 1}\x01{name}\x01{1900 + 10 * i}\n")
    cur.execute("CREATE DATABASE IF NOT EXISTS adbc")
    cur.execute("USE adbc")
    cur.execute("CREATE TABLE people (id INT, name STRING, born INT)")
    cur.execute(f"LOAD DATA LOCAL INPATH '{path}' INTO TABLE people")

    # A query into a pyarrow Table, in the session's database.
    cur.execute("SELECT id, name FROM people WHERE born >= 1920 ORDER BY id")
    table = cur.fetch_arrow_table()
    check(isinstance(table, pa.Table), "a pyarrow Table")
    check(table.column_names == ["id", "name"], f"columns {table.column_names}")
    check(table.column("name").to_pylist() == ["alan", "edsger", "barbara"], str(table))
    check(table.schema.field("id").type == pa.int32(), str(table.schema))

    # A prepared statement with parameters, run twice.
    sql = "SELECT name FROM people WHERE born < ? AND name <> ? ORDER BY id"
    cur.execute(sql, parameters=(1930, "ada"))
    check([r[0] for r in cur.fetchall()] == ["grace", "alan"], "first binding")
    cur.execute(sql, parameters=(1920, "nobody"))
    check([r[0] for r in cur.fetchall()] == ["ada", "grace"], "second binding")

    # Session settings persist between statements.
    cur.execute("SET hivevar:who=adbc")
    cur.execute("SELECT '${who}' AS who")
    check(cur.fetchall() == [("adbc",)], "hivevar kept in the session")

    # Catalog: databases and tables through adbc_get_objects.
    objects = conn.adbc_get_objects(depth="tables").read_all().to_pylist()
    tables = {
        (s["db_schema_name"], t["table_name"])
        for c in objects
        for s in c["catalog_db_schemas"]
        for t in (s["db_schema_tables"] or [])
    }
    check(("adbc", "people") in tables, f"adbc.people listed: {sorted(tables)}")
    check(conn.adbc_get_table_types() == ["TABLE", "VIEW"], "table types")
    schema = conn.adbc_get_table_schema("people", db_schema_filter="adbc")
    check(schema.names == ["id", "name", "born"], f"table schema {schema}")
    info = conn.adbc_get_info()
    check(info["vendor_name"] == "Shark", f"vendor {info}")

    # A bad statement: a clear error with its position.
    try:
        cur.execute("SELECT id FROM people WHER id = 1")
        check(False, "a parse error")
    except adbc_driver_manager.ProgrammingError as e:
        check("line 1:" in str(e), f"error with position: {e}")
    cur.close()

# A wrong password is refused.
try:
    with connect("wrong") as conn:
        conn.cursor().execute("SELECT 1")
    check(False, "a wrong password")
except adbc_driver_manager.Error as e:
    check("UNAUTHENTICATED" in str(e).upper(), f"unauthenticated: {e}")

print(f"adbc client: all checks passed ({checks})")
