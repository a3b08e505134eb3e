-- Window (analytic) functions: ranking, lag/lead, first_value/last_value, aggregates over
-- partitions and frames (ROWS and RANGE), windows in expressions, with WHERE/GROUP BY/DISTINCT/LIMIT,
-- top-N per group, windows over joins and subqueries, empty inputs, named windows.
-- Hive sorts NULLs first in ASC and last in DESC, in window ORDER BY as everywhere else.
-- Every window ORDER BY used by row_number, lag, lead, first_value, last_value or a ROWS frame
-- fixes the order inside its partition completely (ties are broken by a unique column).
--
-- 1. Ranking: row_number, rank, dense_rank, percent_rank, cume_dist, ntile.
SELECT id, salary, row_number() OVER (ORDER BY salary, id) FROM emp;
SELECT id, dept_id, salary, row_number() OVER (PARTITION BY dept_id ORDER BY salary DESC, id) FROM emp;
SELECT id, salary, rank() OVER (ORDER BY salary) FROM emp;
SELECT id, salary, rank() OVER (ORDER BY salary DESC), dense_rank() OVER (ORDER BY salary DESC) FROM emp;
SELECT id, dept_id, salary, rank() OVER (PARTITION BY dept_id ORDER BY salary DESC), dense_rank() OVER (PARTITION BY dept_id ORDER BY salary DESC) FROM emp;
SELECT id, bonus, rank() OVER (ORDER BY bonus DESC), dense_rank() OVER (ORDER BY bonus DESC) FROM emp;
SELECT id, active, dept_id, rank() OVER (PARTITION BY active ORDER BY dept_id) FROM emp;
SELECT key, value, rank() OVER (ORDER BY key), dense_rank() OVER (ORDER BY key DESC) FROM src WHERE key < 100;
SELECT kind, id, ts, row_number() OVER (PARTITION BY kind ORDER BY ts DESC, id) FROM events;
SELECT id, salary, percent_rank() OVER (ORDER BY salary) FROM emp;
SELECT id, dept_id, salary, percent_rank() OVER (PARTITION BY dept_id ORDER BY salary) FROM emp;
SELECT id, salary, cume_dist() OVER (ORDER BY salary) FROM emp;
SELECT id, dept_id, salary, cume_dist() OVER (PARTITION BY dept_id ORDER BY salary DESC) FROM emp;
SELECT id, ntile(4) OVER (ORDER BY id) FROM emp;
SELECT id, dept_id, ntile(2) OVER (PARTITION BY dept_id ORDER BY id) FROM emp;
SELECT id, ntile(20) OVER (ORDER BY id DESC) FROM emp WHERE id <= 5;
--
-- 2. Offsets: lag, lead (offset, default), first_value, last_value.
SELECT id, salary, lag(salary) OVER (ORDER BY id), lead(salary) OVER (ORDER BY id) FROM emp;
SELECT id, salary, lag(salary, 2) OVER (ORDER BY id), lead(salary, 2) OVER (ORDER BY id) FROM emp;
SELECT id, dept_id, name, lag(name, 1, 'none') OVER (PARTITION BY dept_id ORDER BY id), lead(name, 1, 'none') OVER (PARTITION BY dept_id ORDER BY id) FROM emp;
SELECT id, dept_id, salary, lag(salary, 1, 0.0) OVER (PARTITION BY dept_id ORDER BY salary, id), lead(salary, 1, -1.0) OVER (PARTITION BY dept_id ORDER BY salary, id) FROM emp;
SELECT id, bonus, lag(bonus) OVER (ORDER BY bonus, id), lead(bonus, 3) OVER (ORDER BY bonus, id) FROM emp;
SELECT id, hired, lag(hired) OVER (ORDER BY hired DESC, id), lead(hired) OVER (ORDER BY hired DESC, id) FROM emp;
SELECT id, lag(id, 0) OVER (ORDER BY id), lead(id, 20, -1) OVER (ORDER BY id), lag(id, 4, 99) OVER (ORDER BY id) FROM emp WHERE id < 6;
SELECT id, salary - lag(salary) OVER (PARTITION BY dept_id ORDER BY id) FROM emp;
SELECT id, d, lag(kind, 1, 'first') OVER (ORDER BY d, id), lead(ts) OVER (ORDER BY d, id) FROM events;
SELECT id, dept_id, first_value(name) OVER (PARTITION BY dept_id ORDER BY id), last_value(name) OVER (PARTITION BY dept_id ORDER BY id) FROM emp;
SELECT id, dept_id, salary, first_value(salary) OVER (PARTITION BY dept_id ORDER BY salary DESC, id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), last_value(salary) OVER (PARTITION BY dept_id ORDER BY salary DESC, id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM emp;
SELECT id, bonus, first_value(bonus) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING), last_value(bonus) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM emp;
-- first_value/last_value with Hive's second argument `true` (skip NULLs).
-- reference: SELECT id, dept_id, first_value(bonus IGNORE NULLS) OVER (PARTITION BY dept_id ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), last_value(salary IGNORE NULLS) OVER (PARTITION BY dept_id ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM emp
SELECT id, dept_id, first_value(bonus, true) OVER (PARTITION BY dept_id ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), last_value(salary, true) OVER (PARTITION BY dept_id ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM emp;
--
-- 3. Aggregates as windows: whole table, whole partition, running (RANGE default frame: peers share
-- the value), ROWS frames, RANGE frames with unbounded/current row and numeric offsets.
SELECT id, count(*) OVER (), count(salary) OVER (), sum(salary) OVER (), avg(salary) OVER (), min(salary) OVER (), max(salary) OVER () FROM emp;
SELECT id, dept_id, count(*) OVER (PARTITION BY dept_id), count(salary) OVER (PARTITION BY dept_id), sum(salary) OVER (PARTITION BY dept_id) FROM emp;
SELECT id, dept_id, avg(salary) OVER (PARTITION BY dept_id), min(name) OVER (PARTITION BY dept_id), max(hired) OVER (PARTITION BY dept_id) FROM emp;
SELECT id, dept_id, sum(bonus) OVER (PARTITION BY dept_id), min(bonus) OVER (PARTITION BY dept_id), max(bonus) OVER (PARTITION BY dept_id) FROM emp;
SELECT id, dept_id, sum(id) OVER (PARTITION BY dept_id), avg(id) OVER (PARTITION BY dept_id) FROM emp;
SELECT id, salary, sum(salary) OVER (ORDER BY id), count(*) OVER (ORDER BY id), avg(salary) OVER (ORDER BY id) FROM emp;
SELECT id, salary, count(*) OVER (ORDER BY salary), count(salary) OVER (ORDER BY salary), sum(salary) OVER (ORDER BY salary) FROM emp;
SELECT id, dept_id, salary, sum(salary) OVER (PARTITION BY dept_id ORDER BY salary), max(id) OVER (PARTITION BY dept_id ORDER BY salary) FROM emp;
SELECT id, hired, count(*) OVER (ORDER BY hired DESC), min(id) OVER (ORDER BY hired DESC) FROM emp;
SELECT id, bonus, sum(bonus) OVER (ORDER BY bonus), count(bonus) OVER (ORDER BY bonus) FROM emp;
SELECT a, b, sum(b) OVER (ORDER BY a), count(*) OVER (ORDER BY a) FROM nums;
SELECT id, salary, sum(salary) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), count(salary) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), avg(salary) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM emp;
SELECT id, dept_id, salary, sum(salary) OVER (PARTITION BY dept_id ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING), min(salary) OVER (PARTITION BY dept_id ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING), max(salary) OVER (PARTITION BY dept_id ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM emp;
SELECT id, count(bonus) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING), count(name) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING), sum(bonus) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM emp;
SELECT id, dept_id, sum(id) OVER (PARTITION BY dept_id ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING), count(*) OVER (PARTITION BY dept_id ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING), count(salary) OVER (PARTITION BY dept_id ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM emp;
SELECT id, dept_id, sum(salary) OVER (PARTITION BY dept_id ORDER BY id ROWS UNBOUNDED PRECEDING), max(name) OVER (PARTITION BY dept_id ORDER BY id ROWS UNBOUNDED PRECEDING) FROM emp;
SELECT id, sum(id) OVER (ORDER BY id ROWS 2 PRECEDING), min(hired) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM emp;
SELECT s, c, sum(c) OVER (ORDER BY s ROWS BETWEEN 1 PRECEDING AND CURRENT ROW), avg(c) OVER (ORDER BY s ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM nums;
SELECT id, dept_id, salary, sum(salary) OVER (PARTITION BY dept_id ORDER BY salary RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), count(*) OVER (PARTITION BY dept_id ORDER BY salary RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM emp;
SELECT id, salary, count(*) OVER (ORDER BY salary RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING), sum(salary) OVER (ORDER BY salary RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM emp;
SELECT key, count(*) OVER (ORDER BY key RANGE BETWEEN 10 PRECEDING AND 10 FOLLOWING), sum(key) OVER (ORDER BY key RANGE BETWEEN 10 PRECEDING AND 10 FOLLOWING) FROM src WHERE key < 100;
SELECT key, count(*) OVER (ORDER BY key DESC RANGE BETWEEN 20 PRECEDING AND CURRENT ROW), min(key) OVER (ORDER BY key DESC RANGE BETWEEN 20 PRECEDING AND CURRENT ROW) FROM src WHERE key < 100;
SELECT id, dept_id, sum(id) OVER (PARTITION BY dept_id ORDER BY id RANGE BETWEEN 3 PRECEDING AND 3 FOLLOWING), count(*) OVER (PARTITION BY dept_id ORDER BY id RANGE BETWEEN 3 PRECEDING AND 3 FOLLOWING) FROM emp;
--
-- 4. Several windows in one SELECT, windows in expressions, with WHERE, GROUP BY, DISTINCT,
-- ORDER BY and LIMIT, top-N per group, windows over joins and subqueries.
SELECT id, dept_id, salary, row_number() OVER (ORDER BY id DESC), rank() OVER (PARTITION BY dept_id ORDER BY salary DESC), sum(salary) OVER (PARTITION BY active), count(*) OVER (ORDER BY hired) FROM emp;
SELECT id, salary - avg(salary) OVER (PARTITION BY dept_id), salary / sum(salary) OVER (PARTITION BY dept_id) FROM emp;
SELECT id, name, CASE WHEN rank() OVER (PARTITION BY dept_id ORDER BY salary DESC) = 1 THEN 'top' ELSE 'other' END FROM emp;
SELECT id, dept_id, salary, rank() OVER (PARTITION BY dept_id ORDER BY salary DESC), count(*) OVER (PARTITION BY dept_id) FROM emp WHERE active;
SELECT dept_id, sum(salary), rank() OVER (ORDER BY sum(salary) DESC) FROM emp GROUP BY dept_id;
SELECT dept_id, count(*), sum(count(*)) OVER (), dense_rank() OVER (ORDER BY count(*) DESC) FROM emp GROUP BY dept_id;
SELECT dept_id, avg(salary), row_number() OVER (ORDER BY avg(salary) DESC, dept_id) FROM emp GROUP BY dept_id HAVING count(*) > 1;
SELECT DISTINCT dept_id, cnt FROM (SELECT dept_id, count(*) OVER (PARTITION BY dept_id) AS cnt FROM emp) t;
SELECT DISTINCT dept_id, max(salary) OVER (PARTITION BY dept_id) FROM emp;
SELECT id, salary, rank() OVER (ORDER BY salary DESC) AS r FROM emp ORDER BY r, id LIMIT 5;
SELECT id, name, sum(salary) OVER (ORDER BY id) AS running FROM emp ORDER BY running DESC, id LIMIT 3;
SELECT id, dept_id, row_number() OVER (PARTITION BY dept_id ORDER BY hired DESC, id) AS rn FROM emp ORDER BY dept_id, rn;
SELECT * FROM (SELECT id, dept_id, salary, row_number() OVER (PARTITION BY dept_id ORDER BY salary DESC, id) AS rn FROM emp) t WHERE rn <= 2;
SELECT id, rn, sum(rn) OVER (ORDER BY id) FROM (SELECT id, row_number() OVER (ORDER BY salary DESC, id) AS rn FROM emp) t;
SELECT e.id, d.name, rank() OVER (PARTITION BY d.region ORDER BY e.salary DESC) FROM emp e JOIN dept d ON e.dept_id = d.id;
SELECT e.id, d.region, count(*) OVER (PARTITION BY d.region), row_number() OVER (PARTITION BY d.region ORDER BY e.id, d.name) FROM emp e LEFT JOIN dept d ON e.dept_id = d.id;
--
-- 5. Edge cases: no rows, one-row partitions, all-NULL partition keys, expressions as keys.
SELECT x, row_number() OVER (ORDER BY x), count(*) OVER (), sum(x) OVER (PARTITION BY y) FROM empty_t;
SELECT x, y, sum(x) OVER (PARTITION BY y ORDER BY x ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING), lag(y) OVER (ORDER BY x) FROM empty_t;
SELECT id, rank() OVER (PARTITION BY id ORDER BY salary), percent_rank() OVER (PARTITION BY id ORDER BY salary), cume_dist() OVER (PARTITION BY id ORDER BY salary), lag(id) OVER (PARTITION BY id ORDER BY id), sum(salary) OVER (PARTITION BY id) FROM emp WHERE id < 6;
SELECT id, sum(salary) OVER (PARTITION BY dept_id), count(dept_id) OVER (PARTITION BY dept_id), row_number() OVER (PARTITION BY dept_id ORDER BY id) FROM emp WHERE dept_id IS NULL;
SELECT id, count(*) OVER (PARTITION BY id % 3), row_number() OVER (PARTITION BY id % 3 ORDER BY id DESC) FROM emp;
SELECT id, dept_id, active, count(*) OVER (PARTITION BY dept_id, active), rank() OVER (PARTITION BY dept_id, active ORDER BY id) FROM emp;
-- Frames that are empty at the partition edges: sum/max give NULL, count gives 0 (the SQL
-- standard's answer; Hive before 4.0 may give 0 for a streamed sum over an empty or all-NULL
-- ROWS frame, HIVE-26683).
SELECT id, salary, sum(salary) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING), count(salary) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING) FROM emp WHERE id < 6;
SELECT id, dept_id, sum(id) OVER (PARTITION BY dept_id ORDER BY id ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING), count(*) OVER (PARTITION BY dept_id ORDER BY id ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING), max(name) OVER (PARTITION BY dept_id ORDER BY id ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING) FROM emp;
--
-- 6. Named windows (WINDOW clause after HAVING), less common.
SELECT id, dept_id, sum(salary) OVER w, row_number() OVER w FROM emp WINDOW w AS (PARTITION BY dept_id ORDER BY id);
SELECT id, count(*) OVER w1, max(salary) OVER w2 FROM emp WINDOW w1 AS (PARTITION BY active), w2 AS (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING);
--
-- 7. Windows written Hive's way: DISTRIBUTE BY / SORT BY / CLUSTER BY inside OVER and WINDOW.
-- reference: SELECT id, dept_id, sum(salary) OVER (PARTITION BY dept_id ORDER BY id) FROM emp ORDER BY id
SELECT id, dept_id, sum(salary) OVER (DISTRIBUTE BY dept_id SORT BY id) FROM emp ORDER BY id;
-- reference: SELECT id, rank() OVER (PARTITION BY active ORDER BY id DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM emp ORDER BY id
SELECT id, rank() OVER (PARTITION BY active SORT BY id DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM emp ORDER BY id;
-- reference: SELECT id, count(*) OVER w, max(id) OVER w2 FROM emp WINDOW w AS (PARTITION BY dept_id ORDER BY id), w2 AS (PARTITION BY active ORDER BY active) ORDER BY id
SELECT id, count(*) OVER w, max(id) OVER w2 FROM emp WINDOW w AS (DISTRIBUTE BY dept_id SORT BY id), w2 AS (CLUSTER BY active) ORDER BY id;
