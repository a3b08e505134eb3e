-- Joins whose build side's keys filter the probe side's scan (dynamic
-- join filters): the answers must be those of the plain join, whatever
-- the filter passes through on its way down to the scan.
-- Build side filtered: only employees of western departments.
SELECT e.id, e.name, d.name FROM emp e JOIN dept d ON e.dept_id = d.id WHERE d.region = 'west' ORDER BY e.id;
-- Duplicate build keys (20 twice), a NULL build key, keys nobody has.
SELECT e.id, d.name FROM emp e JOIN dept d ON e.dept_id = d.id ORDER BY e.id, d.name;
-- An empty build side: no probe row survives.
SELECT e.id FROM emp e JOIN dept d ON e.dept_id = d.id WHERE d.region = 'nowhere';
-- The probe key renamed by a projection in a derived table.
SELECT x.emp_id, x.dep, d.region FROM (SELECT id AS emp_id, dept_id AS dep, salary * 2 AS s2 FROM emp) x JOIN dept d ON x.dep = d.id WHERE d.region IS NOT NULL ORDER BY x.emp_id, d.region;
-- The probe key is a group key of an aggregation below the join.
SELECT g.dept_id, g.n, d.name FROM (SELECT dept_id, count(*) AS n FROM emp GROUP BY dept_id) g JOIN dept d ON g.dept_id = d.id WHERE d.name LIKE 'S%' ORDER BY g.dept_id, d.name;
-- The probe key is computed: the filter stays above the computation.
SELECT x.k, d.name FROM (SELECT dept_id + 10 AS k FROM emp) x JOIN dept d ON x.k = d.id WHERE d.region = 'east' ORDER BY x.k, d.name;
-- LEFT JOIN: every probe row stays, matched or not.
SELECT e.id, d.name FROM emp e LEFT JOIN dept d ON e.dept_id = d.id AND d.region = 'west' ORDER BY e.id, d.name;
-- RIGHT JOIN with a filtered preserved side.
SELECT e.id, d.id, d.name FROM emp e RIGHT JOIN dept d ON e.dept_id = d.id WHERE d.region = 'west' OR d.region IS NULL ORDER BY d.id, e.id;
-- An inner join above a LEFT join: the filter may reach the LEFT join's preserved side only.
SELECT e.id, m.name, d.name FROM emp e LEFT JOIN emp m ON e.id = m.dept_id JOIN dept d ON e.dept_id = d.id WHERE d.region = 'east' ORDER BY e.id, m.name, d.name;
-- Three tables: the filter passes through an inner join to the table that has the key.
SELECT e.id, s.value, d.name FROM emp e JOIN src s ON e.id = s.key JOIN dept d ON e.dept_id = d.id WHERE d.region IN ('west', 'east') ORDER BY e.id, s.value;
-- Semi joins: IN and EXISTS subqueries and LEFT SEMI JOIN.
SELECT id, name FROM emp WHERE dept_id IN (SELECT id FROM dept WHERE region = 'east') ORDER BY id;
SELECT e.id FROM emp e WHERE EXISTS (SELECT 1 FROM dept d WHERE d.id = e.dept_id AND d.name LIKE '%EU') ORDER BY e.id;
-- reference: SELECT e.id, e.dept_id FROM emp e SEMI JOIN dept d ON e.dept_id = d.id AND d.region = 'north' ORDER BY e.id
SELECT e.id, e.dept_id FROM emp e LEFT SEMI JOIN dept d ON e.dept_id = d.id AND d.region = 'north' ORDER BY e.id;
-- Anti joins keep the rows without a match.
SELECT id FROM emp WHERE dept_id NOT IN (SELECT id FROM dept WHERE id IS NOT NULL AND region = 'west') ORDER BY id;
SELECT e.id FROM emp e WHERE NOT EXISTS (SELECT 1 FROM dept d WHERE d.id = e.dept_id AND d.region = 'west') ORDER BY e.id;
-- BIGINT keys far apart (a hash set rather than a bitmap), negative keys, and an INT key against a BIGINT one.
SELECT n.a, n.b, m.b FROM nums n JOIN nums m ON n.b = m.b WHERE m.c < 5 ORDER BY n.a, n.b;
SELECT n.a, m.b FROM nums n JOIN nums m ON n.a = m.b WHERE m.b < 50 ORDER BY n.a, m.b;
-- DATE keys.
SELECT a.id, b.id FROM events a JOIN events b ON a.d = b.d WHERE b.kind = 'view' ORDER BY a.id, b.id;
-- Two keys, each filtering on its own.
SELECT a.id, b.id FROM emp a JOIN emp b ON a.dept_id = b.dept_id AND a.id = b.id + 1 WHERE b.active ORDER BY a.id;
-- UNION ALL below the join: the filter stays above the union.
SELECT u.k, d.name FROM (SELECT dept_id AS k FROM emp UNION ALL SELECT id AS k FROM dept) u JOIN dept d ON u.k = d.id WHERE d.region = 'europe' ORDER BY u.k, d.name;
-- A window below the join must see every row of its partition.
SELECT w.id, w.cnt FROM (SELECT id, dept_id, count(*) OVER (PARTITION BY active) AS cnt FROM emp) w JOIN dept d ON w.dept_id = d.id WHERE d.region = 'west' ORDER BY w.id;
-- A LIMIT below the join keeps its rows before the join filters them.
SELECT t.id FROM (SELECT id, dept_id FROM emp ORDER BY id LIMIT 4) t JOIN dept d ON t.dept_id = d.id WHERE d.region = 'east' ORDER BY t.id;
-- The key's position among the group keys differs from its column in the table: a final aggregation reads its keys first.
SELECT g.dept_id, g.c FROM (SELECT dept_id, count(id) AS c FROM emp GROUP BY dept_id) g JOIN dept d ON g.dept_id = d.id WHERE d.region = 'west' ORDER BY g.dept_id;
SELECT g.dept_id, g.id, g.s FROM (SELECT dept_id, id, sum(salary) AS s FROM emp GROUP BY dept_id, id) g JOIN dept d ON g.dept_id = d.id WHERE d.region = 'east' ORDER BY g.id;
