-- GROUPING SETS, ROLLUP and CUBE: Hive's `GROUP BY a, b GROUPING SETS (...)` (every set column
-- is in the GROUP BY list), `GROUP BY a, b WITH ROLLUP` / `WITH CUBE`, and the Hive 3 (standard)
-- `GROUP BY ROLLUP(a, b)` / `CUBE(a, b)`; aggregates, count(DISTINCT), HAVING and ORDER BY over
-- them; grouping(col) (1 when col is rolled up in the row, else 0; 0 in a plain GROUP BY).
-- GROUPING__ID is left out on purpose: its bits differ between Hive versions and DuckDB.
-- DuckDB only knows `GROUP BY GROUPING SETS (...)`, `ROLLUP(...)` and `CUBE(...)`: the Hive
-- spellings get a reference line.
-- A real NULL key and a rolled-up NULL print alike: ordered queries sort by grouping(...) first.
-- Duplicate grouping sets: Hive (CBO, the default) keeps each distinct set once ((b, a) is the
-- same set as (a, b)), its Calcite plan needs them without duplicates; DuckDB repeats the rows of
-- a repeated set, so those references leave the duplicates out.
--
-- 1. GROUPING SETS in Hive's form.
-- reference: SELECT dept_id, active, count(*) FROM emp GROUP BY GROUPING SETS ((dept_id, active), (dept_id), ())
SELECT dept_id, active, count(*) FROM emp GROUP BY dept_id, active GROUPING SETS ((dept_id, active), (dept_id), ());
-- reference: SELECT dept_id, active, grouping(dept_id) AS gd, grouping(active) AS ga, count(*) AS c FROM emp GROUP BY GROUPING SETS ((dept_id, active), (dept_id), ()) ORDER BY gd, ga, dept_id, active
SELECT dept_id, active, grouping(dept_id) AS gd, grouping(active) AS ga, count(*) AS c FROM emp GROUP BY dept_id, active GROUPING SETS ((dept_id, active), (dept_id), ()) ORDER BY gd, ga, dept_id, active;
-- reference: SELECT dept_id, active, count(*) FROM emp GROUP BY GROUPING SETS ((dept_id), (active))
SELECT dept_id, active, count(*) FROM emp GROUP BY dept_id, active GROUPING SETS (dept_id, active);
-- reference: SELECT dept_id, active, grouping(dept_id), grouping(active), count(*), sum(salary) FROM emp GROUP BY GROUPING SETS ((dept_id), (active))
SELECT dept_id, active, grouping(dept_id), grouping(active), count(*), sum(salary) FROM emp GROUP BY dept_id, active GROUPING SETS (dept_id, active);
-- reference: SELECT dept_id, active, count(*) FROM emp GROUP BY GROUPING SETS ((active, dept_id), (active))
SELECT dept_id, active, count(*) FROM emp GROUP BY dept_id, active GROUPING SETS ((active, dept_id), (active));
-- reference: SELECT dept_id, count(*) FROM emp GROUP BY GROUPING SETS ((dept_id), ())
SELECT dept_id, count(*) FROM emp GROUP BY dept_id GROUPING SETS ((dept_id), dept_id, ());
-- reference: SELECT dept_id, active, count(*), sum(salary) FROM emp GROUP BY GROUPING SETS ((dept_id, active), (active), ())
SELECT dept_id, active, count(*), sum(salary) FROM emp GROUP BY dept_id, active GROUPING SETS ((dept_id, active), (active, dept_id), (active), ());
-- reference: SELECT key, value, count(*) FROM src WHERE key < 100 GROUP BY GROUPING SETS ((key), (value), ())
SELECT key, value, count(*) FROM src WHERE key < 100 GROUP BY key, value GROUPING SETS (key, value, ());
-- reference: SELECT kind, count(*), min(id), max(id) FROM events GROUP BY GROUPING SETS ((kind), ())
SELECT kind, count(*), min(id), max(id) FROM events GROUP BY kind GROUPING SETS ((kind), ());
-- reference: SELECT dept_id, active, year(hired), count(*) FROM emp GROUP BY GROUPING SETS ((dept_id, active), (active, year(hired)), (year(hired)), ())
SELECT dept_id, active, year(hired), count(*) FROM emp GROUP BY dept_id, active, year(hired) GROUPING SETS ((dept_id, active), (active, year(hired)), (year(hired)), ());
--
-- 2. WITH ROLLUP and WITH CUBE (Hive's old syntax).
-- reference: SELECT dept_id, active, count(*), sum(salary) FROM emp GROUP BY ROLLUP(dept_id, active)
SELECT dept_id, active, count(*), sum(salary) FROM emp GROUP BY dept_id, active WITH ROLLUP;
-- reference: SELECT dept_id, active, grouping(dept_id) AS gd, grouping(active) AS ga, count(*) AS c FROM emp GROUP BY ROLLUP(dept_id, active) ORDER BY gd, ga, dept_id, active
SELECT dept_id, active, grouping(dept_id) AS gd, grouping(active) AS ga, count(*) AS c FROM emp GROUP BY dept_id, active WITH ROLLUP ORDER BY gd, ga, dept_id, active;
-- reference: SELECT dept_id, active, count(*), count(salary), avg(salary) FROM emp GROUP BY CUBE(dept_id, active)
SELECT dept_id, active, count(*), count(salary), avg(salary) FROM emp GROUP BY dept_id, active WITH CUBE;
-- reference: SELECT dept_id, active, grouping(dept_id) AS gd, grouping(active) AS ga, count(*) AS c FROM emp GROUP BY CUBE(dept_id, active) ORDER BY gd DESC, ga DESC, dept_id, active
SELECT dept_id, active, grouping(dept_id) AS gd, grouping(active) AS ga, count(*) AS c FROM emp GROUP BY dept_id, active WITH CUBE ORDER BY gd DESC, ga DESC, dept_id, active;
-- reference: SELECT dept_id, count(*), sum(salary) FROM emp GROUP BY ROLLUP(dept_id)
SELECT dept_id, count(*), sum(salary) FROM emp GROUP BY dept_id WITH ROLLUP;
-- reference: SELECT kind, year(d), count(*) FROM events GROUP BY ROLLUP(kind, year(d))
SELECT kind, year(d), count(*) FROM events GROUP BY kind, year(d) WITH ROLLUP;
-- reference: SELECT a % 2, count(*), sum(c), avg(a) FROM nums GROUP BY CUBE(a % 2)
SELECT a % 2, count(*), sum(c), avg(a) FROM nums GROUP BY a % 2 WITH CUBE;
--
-- 3. ROLLUP(...) and CUBE(...) (Hive 3 and standard syntax).
SELECT dept_id, active, count(*), min(salary), max(salary) FROM emp GROUP BY ROLLUP(dept_id, active);
SELECT active, dept_id, count(*) FROM emp GROUP BY ROLLUP(active, dept_id);
SELECT dept_id, active, count(*), sum(salary), min(name), max(hired) FROM emp GROUP BY CUBE(dept_id, active);
SELECT dept_id, active, grouping(dept_id) + grouping(active) AS lvl, grouping(dept_id) AS gd, count(*) AS c FROM emp GROUP BY CUBE(dept_id, active) ORDER BY lvl DESC, gd, dept_id, active;
SELECT region, name, count(*) FROM dept GROUP BY CUBE(region, name);
SELECT key % 3, key % 2, count(*), sum(key), count(DISTINCT value) FROM src GROUP BY ROLLUP(key % 3, key % 2);
--
-- 4. Empty input: only the grand total of an empty set () gives a row (count 0).
SELECT x, y, count(*), sum(x) FROM empty_t GROUP BY ROLLUP(x, y);
-- reference: SELECT x, count(*), grouping(x) FROM empty_t GROUP BY ROLLUP(x)
SELECT x, count(*), grouping(x) FROM empty_t GROUP BY x WITH ROLLUP;
-- reference: SELECT x, y, count(*) FROM empty_t GROUP BY GROUPING SETS ((x, y), (x))
SELECT x, y, count(*) FROM empty_t GROUP BY x, y GROUPING SETS ((x, y), (x));
SELECT x, count(*), max(y) FROM empty_t GROUP BY CUBE(x);
--
-- 5. count(DISTINCT), HAVING, ORDER BY and LIMIT over rolled-up groups.
-- reference: SELECT dept_id, count(DISTINCT salary), count(DISTINCT active) FROM emp GROUP BY ROLLUP(dept_id)
SELECT dept_id, count(DISTINCT salary), count(DISTINCT active) FROM emp GROUP BY dept_id WITH ROLLUP;
-- reference: SELECT active, count(DISTINCT dept_id), count(dept_id), count(*) FROM emp GROUP BY ROLLUP(active)
SELECT active, count(DISTINCT dept_id), count(dept_id), count(*) FROM emp GROUP BY active WITH ROLLUP;
-- reference: SELECT dept_id, active, count(*) AS c FROM emp GROUP BY ROLLUP(dept_id, active) HAVING count(*) > 2
SELECT dept_id, active, count(*) AS c FROM emp GROUP BY dept_id, active WITH ROLLUP HAVING count(*) > 2;
SELECT dept_id, active, count(*) FROM emp GROUP BY CUBE(dept_id, active) HAVING grouping(dept_id) = 1;
SELECT dept_id, active, sum(salary) AS total FROM emp GROUP BY ROLLUP(dept_id, active) HAVING grouping(active) = 1 AND sum(salary) > 80000;
-- reference: SELECT dept_id, grouping(dept_id) AS g, sum(salary) AS total FROM emp GROUP BY ROLLUP(dept_id) ORDER BY total DESC, g, dept_id
SELECT dept_id, grouping(dept_id) AS g, sum(salary) AS total FROM emp GROUP BY dept_id WITH ROLLUP ORDER BY total DESC, g, dept_id;
SELECT dept_id, active, grouping(dept_id) AS gd, grouping(active) AS ga, count(*) AS c FROM emp GROUP BY CUBE(dept_id, active) ORDER BY c DESC, gd, ga, dept_id, active LIMIT 5;
--
-- 6. Real NULL keys against rolled-up NULLs, expressions as keys, grouping() without sets.
-- reference: SELECT dept_id, grouping(dept_id) AS g, count(*) AS c FROM emp GROUP BY ROLLUP(dept_id) ORDER BY g, dept_id
SELECT dept_id, grouping(dept_id) AS g, count(*) AS c FROM emp GROUP BY dept_id WITH ROLLUP ORDER BY g, dept_id;
-- reference: SELECT dept_id % 20, active, count(*), sum(salary) FROM emp GROUP BY ROLLUP(dept_id % 20, active)
SELECT dept_id % 20, active, count(*), sum(salary) FROM emp GROUP BY dept_id % 20, active WITH ROLLUP;
-- reference: SELECT dept_id % 20 AS m, active, grouping(dept_id % 20) AS gm, grouping(active) AS ga, count(*) AS c FROM emp GROUP BY ROLLUP(dept_id % 20, active) ORDER BY gm, ga, m, active
SELECT dept_id % 20 AS m, active, grouping(dept_id % 20) AS gm, grouping(active) AS ga, count(*) AS c FROM emp GROUP BY dept_id % 20, active WITH ROLLUP ORDER BY gm, ga, m, active;
-- reference: SELECT upper(substr(name, 1, 1)), grouping(upper(substr(name, 1, 1))), count(*) FROM emp GROUP BY ROLLUP(upper(substr(name, 1, 1)))
SELECT upper(substr(name, 1, 1)), grouping(upper(substr(name, 1, 1))), count(*) FROM emp GROUP BY upper(substr(name, 1, 1)) WITH ROLLUP;
SELECT dept_id, grouping(dept_id), count(*) FROM emp GROUP BY dept_id;
-- reference: SELECT d.region, e.active, count(*), sum(e.salary) FROM emp e JOIN dept d ON e.dept_id = d.id GROUP BY ROLLUP(d.region, e.active)
SELECT d.region, e.active, count(*), sum(e.salary) FROM emp e JOIN dept d ON e.dept_id = d.id GROUP BY d.region, e.active WITH ROLLUP;
SELECT t.dept_id, t.g, t.c FROM (SELECT dept_id, grouping(dept_id) AS g, count(*) AS c FROM emp GROUP BY ROLLUP(dept_id)) t WHERE t.g = 1 OR t.dept_id IS NULL;
