-- TABLESAMPLE on a table in FROM. BUCKET x OUT OF y ON expr keeps the rows whose
-- Hive bucket, (hash(expr) & 2147483647) % y, is x - 1; an INT hashes to itself in
-- Hive (Java's Integer.hashCode), so DuckDB's reference computes the bucket from the
-- value. (n ROWS) keeps n rows (Shark, like Spark, n in all).
-- reference: SELECT key, value FROM src WHERE (key & 2147483647) % 2 = 0 ORDER BY key, value
SELECT key, value FROM src TABLESAMPLE(BUCKET 1 OUT OF 2 ON key) s ORDER BY key, value;
-- reference: SELECT key FROM src WHERE (key & 2147483647) % 3 = 1 AND key < 300 ORDER BY key
SELECT s.key FROM src TABLESAMPLE(BUCKET 2 OUT OF 3 ON key) s WHERE s.key < 300 ORDER BY s.key;
-- reference: SELECT count(*) FROM src WHERE ((key + 1) & 2147483647) % 4 = 3
SELECT count(*) FROM src TABLESAMPLE(BUCKET 4 OUT OF 4 ON key + 1) t;
-- Hive hashes NULL to 0: rows with a NULL a are in bucket 1.
-- reference: SELECT a, b FROM nums WHERE coalesce((a & 2147483647) % 5, 0) = 0 ORDER BY a NULLS FIRST, b NULLS FIRST
SELECT a, b FROM nums TABLESAMPLE(BUCKET 1 OUT OF 5 ON a) ORDER BY a, b;
-- reference: SELECT count(*) FROM src a JOIN src b ON a.key = b.key WHERE (a.key & 2147483647) % 2 = 1
SELECT count(*) FROM src TABLESAMPLE(BUCKET 2 OUT OF 2 ON key) a JOIN src b ON a.key = b.key;
-- reference: SELECT count(*) FROM (SELECT * FROM src LIMIT 5) t
SELECT count(*) FROM (SELECT * FROM src TABLESAMPLE(5 ROWS) s) t;
-- reference: SELECT count(*) FROM (SELECT * FROM src LIMIT 1000) t
SELECT count(*) FROM (SELECT key FROM src TABLESAMPLE(1000 ROWS) s) t;
-- reference: SELECT count(*) FROM src
SELECT count(*) FROM src TABLESAMPLE(BUCKET 1 OUT OF 1 ON key) s;
