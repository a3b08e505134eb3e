-- get_json_object(js, path) and json_tuple(js, k1, k2, ...) over json_docs (12 rows: objects,
-- nested objects, arrays of objects, a document with spaces between tokens, {}, a top-level
-- array [1,2,3], two malformed documents (ids 7 and 11) and NULL (id 6)).
-- Hive: both return STRING. A string value comes back unquoted; numbers and booleans as their JSON
-- text; an object or array as compact JSON (no spaces) with keys in document order. JSON null, a
-- missing key, an index out of range, a NULL or malformed document, and a path that does not
-- start with '$' give NULL. A wildcard [*] matching 2+ values gives a JSON array of the matches
-- (with 1 match Hive gives the bare value: not tested, no such data). json_tuple gives exactly one
-- row per input row (all NULL for a NULL or malformed document) and looks up top-level keys only.
-- Only decimals without trailing zeros or exponents are used: Hive re-prints numbers through
-- Java (2.50 -> 2.5, 1e3 -> 1000.0) while DuckDB keeps the document text.
-- DuckDB references: json_extract_string (the same rendering for scalars, objects and arrays,
-- NULL for JSON null) over a CTE `d` that turns malformed documents into NULL with json_valid
-- (json_extract_string raises an error on them); a wildcard gives a LIST in DuckDB, rendered with
-- to_json(json_extract(...)) and NULL when empty; json_tuple is one json_extract_string per key.
--
-- 1. Whole documents, top-level keys, scalar renderings.
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, json_extract_string(js, '$') FROM d ORDER BY id
SELECT id, get_json_object(js, '$') FROM json_docs ORDER BY id;
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, json_extract_string(js, '$.a'), json_extract_string(js, '$.b') FROM d ORDER BY id
SELECT id, get_json_object(js, '$.a'), get_json_object(js, '$.b') FROM json_docs ORDER BY id;
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, json_extract_string(js, '$.z'), json_extract_string(js, '$.name'), json_extract_string(js, '$.score'), json_extract_string(js, '$.price'), json_extract_string(js, '$.flag') FROM d ORDER BY id
SELECT id, get_json_object(js, '$.z'), get_json_object(js, '$.name'), get_json_object(js, '$.score'), get_json_object(js, '$.price'), get_json_object(js, '$.flag') FROM json_docs ORDER BY id;
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, json_extract_string(js, '$.c'), json_extract_string(js, '$.obj'), json_extract_string(js, '$.arr'), json_extract_string(js, '$.nested') FROM d WHERE id IN (1, 4, 5, 12)
SELECT id, get_json_object(js, '$.c'), get_json_object(js, '$.obj'), get_json_object(js, '$.arr'), get_json_object(js, '$.nested') FROM json_docs WHERE id IN (1, 4, 5, 12);
-- JSON null (id 4), a missing key, key lookup is case sensitive.
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, json_extract_string(js, '$.a') IS NULL, json_extract_string(js, '$.missing'), json_extract_string(js, '$.A'), json_extract_string(js, '$.B') FROM d ORDER BY id
SELECT id, get_json_object(js, '$.a') IS NULL, get_json_object(js, '$.missing'), get_json_object(js, '$.A'), get_json_object(js, '$.B') FROM json_docs ORDER BY id;
--
-- 2. Nested paths (a key under a scalar or a missing object is NULL).
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, json_extract_string(js, '$.c.d'), json_extract_string(js, '$.c.d.e'), json_extract_string(js, '$.nested.m'), json_extract_string(js, '$.nested.m.a'), json_extract_string(js, '$.nested.m.z'), json_extract_string(js, '$.a.b') FROM d ORDER BY id
SELECT id, get_json_object(js, '$.c.d'), get_json_object(js, '$.c.d.e'), get_json_object(js, '$.nested.m'), get_json_object(js, '$.nested.m.a'), get_json_object(js, '$.nested.m.z'), get_json_object(js, '$.a.b') FROM json_docs ORDER BY id;
--
-- 3. Array indexes (from 0; out of range, or an index on a non-array, is NULL).
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, json_extract_string(js, '$.c.e[0]'), json_extract_string(js, '$.c.e[2]'), json_extract_string(js, '$.c.e[3]'), json_extract_string(js, '$.b[1]'), json_extract_string(js, '$.nested.k[1]') FROM d ORDER BY id
SELECT id, get_json_object(js, '$.c.e[0]'), get_json_object(js, '$.c.e[2]'), get_json_object(js, '$.c.e[3]'), get_json_object(js, '$.b[1]'), get_json_object(js, '$.nested.k[1]') FROM json_docs ORDER BY id;
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, json_extract_string(js, '$.arr[0]'), json_extract_string(js, '$.arr[1]'), json_extract_string(js, '$.arr[2]'), json_extract_string(js, '$.arr[3]'), json_extract_string(js, '$.arr[4]'), json_extract_string(js, '$.arr[5]') FROM d WHERE id = 4
SELECT id, get_json_object(js, '$.arr[0]'), get_json_object(js, '$.arr[1]'), get_json_object(js, '$.arr[2]'), get_json_object(js, '$.arr[3]'), get_json_object(js, '$.arr[4]'), get_json_object(js, '$.arr[5]') FROM json_docs WHERE id = 4;
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, json_extract_string(js, '$.items[0]'), json_extract_string(js, '$.items[1].sku'), json_extract_string(js, '$.items[2].sku'), json_extract_string(js, '$.items[1].qty') FROM d WHERE json_extract_string(js, '$.items') IS NOT NULL
SELECT id, get_json_object(js, '$.items[0]'), get_json_object(js, '$.items[1].sku'), get_json_object(js, '$.items[2].sku'), get_json_object(js, '$.items[1].qty') FROM json_docs WHERE get_json_object(js, '$.items') IS NOT NULL;
--
-- 4. Wildcards: a JSON array of the matches (ids 3 and 10 have 2 and 3 items), NULL without match.
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, CASE WHEN len(json_extract(js, '$.items[*].sku')) > 0 THEN to_json(json_extract(js, '$.items[*].sku'))::VARCHAR END, CASE WHEN len(json_extract(js, '$.items[*].qty')) > 0 THEN to_json(json_extract(js, '$.items[*].qty'))::VARCHAR END FROM d ORDER BY id
SELECT id, get_json_object(js, '$.items[*].sku'), get_json_object(js, '$.items[*].qty') FROM json_docs ORDER BY id;
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, CASE WHEN len(json_extract(js, '$.items[*]')) > 0 THEN to_json(json_extract(js, '$.items[*]'))::VARCHAR END, CASE WHEN len(json_extract(js, '$.c.e[*]')) > 0 THEN to_json(json_extract(js, '$.c.e[*]'))::VARCHAR END FROM d WHERE id IN (1, 3, 10)
SELECT id, get_json_object(js, '$.items[*]'), get_json_object(js, '$.c.e[*]') FROM json_docs WHERE id IN (1, 3, 10);
--
-- 5. A top-level array (id 9): '$[i]' and '$[*]'; NULL for object documents.
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, json_extract_string(js, '$[0]'), json_extract_string(js, '$[2]'), json_extract_string(js, '$[3]'), CASE WHEN len(json_extract(js, '$[*]')) > 0 THEN to_json(json_extract(js, '$[*]'))::VARCHAR END FROM d ORDER BY id
SELECT id, get_json_object(js, '$[0]'), get_json_object(js, '$[2]'), get_json_object(js, '$[3]'), get_json_object(js, '$[*]') FROM json_docs ORDER BY id;
--
-- 6. Paths that do not start with '$' give NULL.
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), json_extract_string(js, '$.a') FROM d WHERE id IN (1, 2, 3)
SELECT id, get_json_object(js, 'a'), get_json_object(js, ''), get_json_object(js, '$.a') FROM json_docs WHERE id IN (1, 2, 3);
--
-- 7. A literal document; a path that is not a constant.
-- reference: SELECT json_extract_string('{"a":{"b":[1,{"c":"x y"}]}}', '$.a.b[1].c'), json_extract_string('{"a":{"b":[1,{"c":"x y"}]}}', '$.a.b')
SELECT get_json_object('{"a":{"b":[1,{"c":"x y"}]}}', '$.a.b[1].c'), get_json_object('{"a":{"b":[1,{"c":"x y"}]}}', '$.a.b');
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, json_extract_string(js, CASE WHEN id < 5 THEN '$.a' ELSE '$.b' END) FROM d ORDER BY id
SELECT id, get_json_object(js, CASE WHEN id < 5 THEN '$.a' ELSE '$.b' END) FROM json_docs ORDER BY id;
--
-- 8. WHERE on extracted values ('1' matches both 1 and "1").
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, json_extract_string(js, '$.b') FROM d WHERE json_extract_string(js, '$.a') = '1'
SELECT id, get_json_object(js, '$.b') FROM json_docs WHERE get_json_object(js, '$.a') = '1';
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, json_extract_string(js, '$.b') FROM d WHERE json_extract_string(js, '$.b') IS NOT NULL AND json_extract_string(js, '$.b') <> 'x' ORDER BY id
SELECT id, get_json_object(js, '$.b') FROM json_docs WHERE get_json_object(js, '$.b') IS NOT NULL AND get_json_object(js, '$.b') <> 'x' ORDER BY id;
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, js FROM d WHERE json_extract_string(js, '$.flag') = 'true' OR json_extract_string(js, '$.arr[2]') = 'true'
SELECT id, js FROM json_docs WHERE get_json_object(js, '$.flag') = 'true' OR get_json_object(js, '$.arr[2]') = 'true';
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, json_extract_string(js, '$.c.d') FROM d WHERE json_extract_string(js, '$.c.d.e') IS NULL AND json_extract_string(js, '$.c') IS NOT NULL
SELECT id, get_json_object(js, '$.c.d') FROM json_docs WHERE get_json_object(js, '$.c.d.e') IS NULL AND get_json_object(js, '$.c') IS NOT NULL;
--
-- 9. GROUP BY and CAST of extracted values.
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT json_extract_string(js, '$.a') AS a, count(*) FROM d GROUP BY json_extract_string(js, '$.a')
SELECT get_json_object(js, '$.a') AS a, count(*) FROM json_docs GROUP BY get_json_object(js, '$.a');
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT json_extract_string(js, '$.b') AS b, count(*) AS c, min(id), max(id) FROM d GROUP BY json_extract_string(js, '$.b') ORDER BY c DESC, b
SELECT get_json_object(js, '$.b') AS b, count(*) AS c, min(id), max(id) FROM json_docs GROUP BY get_json_object(js, '$.b') ORDER BY c DESC, b;
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, CAST(json_extract_string(js, '$.a') AS INT) + 10, CAST(json_extract_string(js, '$.price') AS DOUBLE) * 2, TRY_CAST(json_extract_string(js, '$.b') AS INT) FROM d ORDER BY id
SELECT id, CAST(get_json_object(js, '$.a') AS int) + 10, CAST(get_json_object(js, '$.price') AS double) * 2, CAST(get_json_object(js, '$.b') AS int) FROM json_docs ORDER BY id;
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT sum(CAST(json_extract_string(js, '$.a') AS INT)), sum(CAST(json_extract_string(js, '$.price') AS DOUBLE)), count(json_extract_string(js, '$.a')), count(DISTINCT json_extract_string(js, '$.a')) FROM d
SELECT sum(CAST(get_json_object(js, '$.a') AS int)), sum(CAST(get_json_object(js, '$.price') AS double)), count(get_json_object(js, '$.a')), count(DISTINCT get_json_object(js, '$.a')) FROM json_docs;
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, CAST(json_extract_string(js, '$.items[2].qty') AS INT) AS q FROM d WHERE CAST(json_extract_string(js, '$.score') AS INT) < 0 OR CAST(json_extract_string(js, '$.items[2].qty') AS INT) < 0
SELECT id, CAST(get_json_object(js, '$.items[2].qty') AS int) AS q FROM json_docs WHERE CAST(get_json_object(js, '$.score') AS int) < 0 OR CAST(get_json_object(js, '$.items[2].qty') AS int) < 0;
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT CAST(json_extract_string(js, '$.a') AS INT) AS a, count(*) AS c, sum(id) FROM d WHERE json_extract_string(js, '$.a') IS NOT NULL GROUP BY CAST(json_extract_string(js, '$.a') AS INT) ORDER BY a DESC
SELECT CAST(get_json_object(js, '$.a') AS int) AS a, count(*) AS c, sum(id) FROM json_docs WHERE get_json_object(js, '$.a') IS NOT NULL GROUP BY CAST(get_json_object(js, '$.a') AS int) ORDER BY a DESC;
--
-- 10. json_tuple in LATERAL VIEW: one row per input row, NULL columns for NULL/malformed/array
--     documents, missing keys and JSON nulls; objects and arrays as compact JSON.
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, json_extract_string(js, '$.a'), json_extract_string(js, '$.b') FROM d
SELECT id, t.a, t.b FROM json_docs LATERAL VIEW json_tuple(js, 'a', 'b') t AS a, b;
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, json_extract_string(js, '$.c'), json_extract_string(js, '$.items'), json_extract_string(js, '$.flag'), json_extract_string(js, '$.price') FROM d ORDER BY id
SELECT id, t.c, t.items, t.flag, t.price FROM json_docs LATERAL VIEW json_tuple(js, 'c', 'items', 'flag', 'price') t AS c, items, flag, price ORDER BY id;
-- Keys in another order than in the document; 'c.d' is a (missing) top-level key, not a path.
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, json_extract_string(js, '$.z'), json_extract_string(js, '$.a'), json_extract_string(js, '$.nope'), json_extract_string(js, '$.obj'), json_extract_string(js, '$.arr'), json_extract_string(js, '$.nested'), CAST(NULL AS VARCHAR) FROM d ORDER BY id
SELECT id, t.z, t.a, t.nope, t.obj, t.arr, t.nested, t.cd FROM json_docs LATERAL VIEW json_tuple(js, 'z', 'a', 'nope', 'obj', 'arr', 'nested', 'c.d') t AS z, a, nope, obj, arr, nested, cd ORDER BY id;
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT count(*), count(json_extract_string(js, '$.a')), count(json_extract_string(js, '$.b')), count(DISTINCT json_extract_string(js, '$.a')) FROM d
SELECT count(*), count(t.a), count(t.b), count(DISTINCT t.a) FROM json_docs LATERAL VIEW json_tuple(js, 'a', 'b') t AS a, b;
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, json_extract_string(js, '$.a'), CAST(json_extract_string(js, '$.a') AS INT) * 100 FROM d WHERE json_extract_string(js, '$.a') IS NOT NULL ORDER BY id
SELECT id, t.a, CAST(t.a AS int) * 100 FROM json_docs LATERAL VIEW json_tuple(js, 'a') t AS a WHERE t.a IS NOT NULL ORDER BY id;
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, json_extract_string(js, '$.b') FROM d WHERE json_extract_string(js, '$.b') = 'x' OR id > 10
SELECT id, t.b FROM json_docs LATERAL VIEW json_tuple(js, 'b') t AS b WHERE t.b = 'x' OR id > 10;
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT json_extract_string(js, '$.b') AS b, count(*), sum(CAST(json_extract_string(js, '$.a') AS INT)) FROM d GROUP BY json_extract_string(js, '$.b')
SELECT t.b, count(*), sum(CAST(t.a AS int)) FROM json_docs LATERAL VIEW json_tuple(js, 'a', 'b') t AS a, b GROUP BY t.b;
--
-- 11. A json_tuple over another's output, and get_json_object over a json_tuple column.
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, json_extract_string(js, '$.c'), json_extract_string(json_extract_string(js, '$.c'), '$.d'), json_extract_string(json_extract_string(js, '$.c'), '$.e') FROM d ORDER BY id
SELECT id, t1.c, t2.d, t2.e FROM json_docs LATERAL VIEW json_tuple(js, 'c') t1 AS c LATERAL VIEW json_tuple(t1.c, 'd', 'e') t2 AS d, e ORDER BY id;
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT id, json_extract_string(json_extract_string(js, '$.c'), '$.d.e'), json_extract_string(json_extract_string(js, '$.nested'), '$.k[0]') FROM d WHERE id IN (1, 5, 12)
SELECT id, get_json_object(t.c, '$.d.e'), get_json_object(t.nested, '$.k[0]') FROM json_docs LATERAL VIEW json_tuple(js, 'c', 'nested') t AS c, nested WHERE id IN (1, 5, 12);
--
-- 12. json_tuple alone in the select list.
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT json_extract_string(js, '$.a'), json_extract_string(js, '$.b') FROM d WHERE id IN (1, 2, 6, 7, 9)
SELECT json_tuple(js, 'a', 'b') AS (a, b) FROM json_docs WHERE id IN (1, 2, 6, 7, 9);
-- reference: WITH d AS (SELECT id, CASE WHEN json_valid(js) THEN js END AS js FROM json_docs) SELECT json_extract_string(js, '$.name'), json_extract_string(js, '$.score'), json_extract_string(js, '$.price'), json_extract_string(js, '$.z') FROM d WHERE id = 2
SELECT json_tuple(js, 'name', 'score', 'price', 'z') AS (n, s, p, z) FROM json_docs WHERE id = 2;
-- reference: SELECT json_extract_string('{"k1":"v1","k2":{"x":[1,2]}}', '$.k2'), json_extract_string('{"k1":"v1","k2":{"x":[1,2]}}', '$.k1'), json_extract_string('{"k1":"v1","k2":{"x":[1,2]}}', '$.k3')
SELECT json_tuple('{"k1":"v1","k2":{"x":[1,2]}}', 'k2', 'k1', 'k3');
