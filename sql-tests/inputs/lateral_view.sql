-- LATERAL VIEW [OUTER] explode / posexplode: over split(...) of a column, array(...) literals and
-- collect_list results; WHERE, GROUP BY and ORDER BY over exploded values; several LATERAL VIEWs
-- in a row (a cross product per row, a later one may use an earlier one's column); a UDTF alone
-- in the select list (`SELECT explode(...)`, `SELECT posexplode(...) AS (p, x)`).
-- Hive: split(NULL, ...) is NULL; explode of NULL or of an empty array gives no row, and LATERAL
-- VIEW OUTER then keeps the row with NULL columns; split('', ',') is ['']; 'red,,blue' gives an
-- empty middle element; posexplode counts from 0; collect_list skips NULLs.
-- DuckDB has no LATERAL VIEW: references unnest(string_split(...)) in FROM (LEFT JOIN ... ON true
-- for OUTER, WITH ORDINALITY for positions, pos - 1) and build collect_list with list(...) FILTER.
-- Patterns are ',' ' ' '-' only, and no split input ends with its separator: whether split keeps
-- trailing empty strings depends on the Hive version (split(s, regex, -1) in recent ones).
--
-- 1. explode over split of a column (tags: 'red,green', 'blue', '', NULL, 'red,blue,red',
--    'green,red', 'red,,blue', 'yellow').
-- reference: SELECT id, x FROM tags, unnest(string_split(tags, ',')) AS v(x)
SELECT id, x FROM tags LATERAL VIEW explode(split(tags, ',')) v AS x;
-- reference: SELECT t.id, v.x FROM tags t, unnest(string_split(t.tags, ',')) AS v(x) WHERE t.id <= 4
SELECT t.id, v.x FROM tags t LATERAL VIEW explode(split(t.tags, ',')) v AS x WHERE t.id <= 4;
-- reference: SELECT id, tags, x FROM tags, unnest(string_split(tags, ',')) AS v(x) ORDER BY id DESC, x
SELECT id, tags, x FROM tags LATERAL VIEW explode(split(tags, ',')) v AS x ORDER BY id DESC, x;
-- reference: SELECT id, x FROM tags, unnest(string_split(tags, ',')) AS v(x) WHERE x = 'red'
SELECT id, x FROM tags LATERAL VIEW explode(split(tags, ',')) v AS x WHERE x = 'red';
-- reference: SELECT id, x, length(x) FROM tags, unnest(string_split(tags, ',')) AS v(x) WHERE x = '' OR x LIKE 'g%'
SELECT id, x, length(x) FROM tags LATERAL VIEW explode(split(tags, ',')) v AS x WHERE x = '' OR x LIKE 'g%';
-- reference: SELECT id, w FROM strs, unnest(string_split(s, ' ')) AS v(w) WHERE id <> 3
SELECT id, w FROM strs LATERAL VIEW explode(split(s, ' ')) v AS w WHERE id <> 3;
--
-- 2. LATERAL VIEW OUTER: NULL arrays keep their row.
-- reference: SELECT id, x FROM tags LEFT JOIN unnest(string_split(tags, ',')) AS v(x) ON true
SELECT id, x FROM tags LATERAL VIEW OUTER explode(split(tags, ',')) v AS x;
-- reference: SELECT id, s, w FROM strs LEFT JOIN unnest(string_split(s, ' ')) AS v(w) ON true WHERE id IN (4, 5, 6, 9)
SELECT id, s, w FROM strs LATERAL VIEW OUTER explode(split(s, ' ')) v AS w WHERE id IN (4, 5, 6, 9);
--
-- 3. posexplode (positions from 0), plain and OUTER.
-- reference: SELECT id, pos - 1, x FROM tags, unnest(string_split(tags, ',')) WITH ORDINALITY AS v(x, pos)
SELECT id, pos, x FROM tags LATERAL VIEW posexplode(split(tags, ',')) v AS pos, x;
-- reference: SELECT id, pos - 1 AS p, x FROM tags, unnest(string_split(tags, ',')) WITH ORDINALITY AS v(x, pos) ORDER BY id, p
SELECT id, p, x FROM tags LATERAL VIEW posexplode(split(tags, ',')) v AS p, x ORDER BY id, p;
-- reference: SELECT id, pos - 1, x FROM tags LEFT JOIN unnest(string_split(tags, ',')) WITH ORDINALITY AS v(x, pos) ON true
SELECT id, pos, x FROM tags LATERAL VIEW OUTER posexplode(split(tags, ',')) v AS pos, x;
-- reference: SELECT id, x FROM tags, unnest(string_split(tags, ',')) WITH ORDINALITY AS v(x, pos) WHERE pos - 1 = 1
SELECT id, x FROM tags LATERAL VIEW posexplode(split(tags, ',')) v AS pos, x WHERE pos = 1;
-- reference: SELECT id, pos - 1, x FROM strs, unnest(string_split(s, '-')) WITH ORDINALITY AS v(x, pos) WHERE id IN (7, 9, 12)
SELECT id, pos, x FROM strs LATERAL VIEW posexplode(split(s, '-')) v AS pos, x WHERE id IN (7, 9, 12);
-- reference: SELECT id, pos - 1 AS p, x FROM tags, unnest(string_split(tags, ',')) WITH ORDINALITY AS v(x, pos) ORDER BY id DESC, p LIMIT 4
SELECT id, pos, x FROM tags LATERAL VIEW posexplode(split(tags, ',')) v AS pos, x ORDER BY id DESC, pos LIMIT 4;
--
-- 4. Aggregates over exploded values (word count).
-- reference: SELECT x, count(*) FROM tags, unnest(string_split(tags, ',')) AS v(x) GROUP BY x
SELECT x, count(*) FROM tags LATERAL VIEW explode(split(tags, ',')) v AS x GROUP BY x;
-- reference: SELECT x, count(*) AS c, count(DISTINCT id) AS ids FROM tags, unnest(string_split(tags, ',')) AS v(x) WHERE x <> '' GROUP BY x ORDER BY c DESC, x
SELECT x, count(*) AS c, count(DISTINCT id) AS ids FROM tags LATERAL VIEW explode(split(tags, ',')) v AS x WHERE x <> '' GROUP BY x ORDER BY c DESC, x;
-- reference: SELECT id, count(*), min(x), max(x) FROM tags, unnest(string_split(tags, ',')) AS v(x) GROUP BY id
SELECT id, count(*), min(x), max(x) FROM tags LATERAL VIEW explode(split(tags, ',')) v AS x GROUP BY id;
-- reference: SELECT w, count(*) FROM strs, unnest(string_split(s, ' ')) AS v(w) WHERE id <> 3 GROUP BY w
SELECT w, count(*) FROM strs LATERAL VIEW explode(split(s, ' ')) v AS w WHERE id <> 3 GROUP BY w;
-- reference: SELECT lower(w) AS lw, count(*) AS c FROM strs, unnest(string_split(s, ' ')) AS v(w) WHERE id <> 3 GROUP BY lower(w) ORDER BY c DESC, lw
SELECT lower(w) AS lw, count(*) AS c FROM strs LATERAL VIEW explode(split(s, ' ')) v AS w WHERE id <> 3 GROUP BY lower(w) ORDER BY c DESC, lw;
--
-- 5. Several LATERAL VIEWs in a row.
-- reference: SELECT id, x, n FROM tags, unnest(string_split(tags, ',')) AS a(x), unnest([1, 2]) AS b(n) WHERE id <= 3
SELECT id, x, n FROM tags LATERAL VIEW explode(split(tags, ',')) a AS x LATERAL VIEW explode(array(1, 2)) b AS n WHERE id <= 3;
-- reference: SELECT id, x, y FROM tags, unnest(string_split(tags, ',')) AS a(x), unnest([x, upper(x)]) AS b(y) WHERE id IN (1, 2, 4)
SELECT id, x, y FROM tags LATERAL VIEW explode(split(tags, ',')) a AS x LATERAL VIEW explode(array(x, upper(x))) b AS y WHERE id IN (1, 2, 4);
-- reference: SELECT t.id, a.x, b.pos - 1, b.y FROM tags t, unnest(string_split(t.tags, ',')) AS a(x), unnest(string_split(t.tags, ',')) WITH ORDINALITY AS b(y, pos) WHERE t.id IN (1, 5)
SELECT t.id, a.x, b.p, b.y FROM tags t LATERAL VIEW explode(split(t.tags, ',')) a AS x LATERAL VIEW posexplode(split(t.tags, ',')) b AS p, y WHERE t.id IN (1, 5);
-- reference: SELECT id, x, n FROM tags LEFT JOIN unnest(string_split(tags, ',')) AS a(x) ON true, unnest([10, 20]) AS b(n) WHERE id >= 3 AND id <= 4
SELECT id, x, n FROM tags LATERAL VIEW OUTER explode(split(tags, ',')) a AS x LATERAL VIEW explode(array(10, 20)) b AS n WHERE id >= 3 AND id <= 4;
--
-- 6. explode of array literals.
-- reference: SELECT id, n FROM tags, unnest([1, 2, 3]) AS v(n) WHERE id < 3
SELECT id, n FROM tags LATERAL VIEW explode(array(1, 2, 3)) v AS n WHERE id < 3;
-- reference: SELECT key, e FROM src, unnest([key, NULL, key * 2]) AS v(e) WHERE key < 20
SELECT key, e FROM src LATERAL VIEW explode(array(key, NULL, key * 2)) v AS e WHERE key < 20;
-- reference: SELECT key, pos - 1, s FROM src, unnest(['a', value]) WITH ORDINALITY AS v(s, pos) WHERE key = 86
SELECT key, p, s FROM src LATERAL VIEW posexplode(array('a', value)) v AS p, s WHERE key = 86;
--
-- 7. explode of collect_list results from a subquery (empty lists when every value is NULL).
-- reference: SELECT d, x FROM (SELECT dept_id d, list(name) FILTER (WHERE name IS NOT NULL) l FROM emp GROUP BY dept_id) t, unnest(l) AS v(x)
SELECT d, x FROM (SELECT dept_id d, collect_list(name) l FROM emp GROUP BY dept_id) t LATERAL VIEW explode(l) v AS x;
-- reference: SELECT d, x FROM (SELECT dept_id d, list(name) FILTER (WHERE active AND name IS NOT NULL) l FROM emp GROUP BY dept_id) t, unnest(l) AS v(x)
SELECT d, x FROM (SELECT dept_id d, collect_list(if(active, name, NULL)) l FROM emp GROUP BY dept_id) t LATERAL VIEW explode(l) v AS x;
-- reference: SELECT d, x FROM (SELECT dept_id d, list(name) FILTER (WHERE active AND name IS NOT NULL) l FROM emp GROUP BY dept_id) t LEFT JOIN unnest(l) AS v(x) ON true
SELECT d, x FROM (SELECT dept_id d, collect_list(if(active, name, NULL)) l FROM emp GROUP BY dept_id) t LATERAL VIEW OUTER explode(l) v AS x;
-- reference: SELECT d, pos - 1 AS p, x FROM (SELECT dept_id d, list_sort(list(name) FILTER (WHERE name IS NOT NULL)) l FROM emp GROUP BY dept_id) t, unnest(l) WITH ORDINALITY AS v(x, pos) ORDER BY d, p
SELECT d, p, x FROM (SELECT dept_id d, sort_array(collect_list(name)) l FROM emp GROUP BY dept_id) t LATERAL VIEW posexplode(l) v AS p, x ORDER BY d, p;
--
-- 8. A UDTF alone in the select list.
-- reference: SELECT unnest(string_split('a,b,c', ','))
SELECT explode(split('a,b,c', ','));
-- reference: SELECT unnest([1, 2, 3]) AS n
SELECT explode(array(1, 2, 3)) AS n;
-- reference: SELECT unnest(string_split(tags, ',')) AS x FROM tags WHERE id IN (1, 2, 4, 5, 6, 8)
SELECT explode(split(tags, ',')) AS x FROM tags WHERE id IN (1, 2, 4, 5, 6, 8);
-- reference: SELECT unnest(string_split(s, ' ')) AS w FROM strs WHERE id IN (2, 5, 9)
SELECT explode(split(s, ' ')) AS w FROM strs WHERE id IN (2, 5, 9);
-- reference: SELECT pos - 1, x FROM unnest(['x', 'y', 'z']) WITH ORDINALITY AS v(x, pos)
SELECT posexplode(array('x', 'y', 'z'));
-- reference: SELECT pos - 1, x FROM tags, unnest(string_split(tags, ',')) WITH ORDINALITY AS v(x, pos) WHERE id IN (5, 7)
SELECT posexplode(split(tags, ',')) AS (p, x) FROM tags WHERE id IN (5, 7);
--
-- 8. stack and inline (arrays of structs), alone and in LATERAL VIEW.
-- reference: SELECT * FROM (VALUES (1, 'a'), (2, 'b')) t(col0, col1)
SELECT stack(2, 1, 'a', 2, 'b');
-- reference: SELECT * FROM (VALUES (CAST(1 AS DOUBLE)), (CAST(2.5 AS DOUBLE)), (CAST(3 AS DOUBLE))) t(v)
SELECT stack(3, 1, 2.5, 3) AS (v);
-- reference: SELECT * FROM (VALUES (1, 'x'), (2, 'y')) t(a, b)
SELECT inline(array(named_struct('a', 1, 'b', 'x'), named_struct('a', 2, 'b', 'y')));
-- reference: SELECT key, c0, c1 FROM src, (VALUES (0, 'k'), (1, 'kk')) v(i, c1n), LATERAL (SELECT CASE WHEN i = 0 THEN key ELSE key * 10 END AS c0, c1n AS c1) WHERE key < 30
SELECT key, c0, c1 FROM src LATERAL VIEW stack(2, key, 'k', key * 10, 'kk') s AS c0, c1 WHERE key < 30;
-- reference: SELECT id, x.a, x.b FROM emp, (VALUES (1, 'one'), (2, 'two')) x(a, b) WHERE id < 3
SELECT id, x.a, x.b FROM emp LATERAL VIEW inline(array(named_struct('a', 1, 'b', 'one'), named_struct('a', 2, 'b', 'two'))) x AS a, b WHERE id < 3;
