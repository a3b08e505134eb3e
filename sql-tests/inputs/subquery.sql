-- Subqueries: in FROM (with alias), IN / NOT IN, EXISTS / NOT EXISTS (correlated), scalar subqueries, WITH.
SELECT t.id, t.name FROM (SELECT id, name FROM emp WHERE dept_id = 10) t;
SELECT t.d, t.c FROM (SELECT dept_id AS d, count(*) AS c FROM emp GROUP BY dept_id) t WHERE t.c > 1;
SELECT t2.k FROM (SELECT t1.k FROM (SELECT key AS k FROM src WHERE key < 100) t1 WHERE t1.k > 10) t2;
SELECT avg(t.s) FROM (SELECT dept_id, sum(salary) AS s FROM emp GROUP BY dept_id) t;
SELECT t.x FROM (SELECT x FROM empty_t) t;
SELECT id, name FROM emp WHERE dept_id IN (SELECT id FROM dept WHERE region = 'east');
SELECT id, name FROM emp WHERE dept_id IN (SELECT id FROM dept);
SELECT id FROM emp WHERE dept_id NOT IN (SELECT id FROM dept WHERE id IS NOT NULL);
SELECT id FROM emp WHERE dept_id NOT IN (SELECT id FROM dept);
SELECT id FROM emp WHERE dept_id NOT IN (SELECT x FROM empty_t);
SELECT id FROM emp WHERE dept_id IN (SELECT x FROM empty_t);
SELECT key FROM src WHERE key IN (SELECT a FROM nums);
SELECT id, name FROM dept WHERE id IN (SELECT dept_id FROM emp WHERE active);
SELECT id, name FROM dept WHERE id NOT IN (SELECT dept_id FROM emp WHERE dept_id IS NOT NULL);
SELECT d.id, d.name FROM dept d WHERE EXISTS (SELECT 1 FROM emp e WHERE e.dept_id = d.id);
SELECT d.id, d.name FROM dept d WHERE NOT EXISTS (SELECT 1 FROM emp e WHERE e.dept_id = d.id);
SELECT e.id FROM emp e WHERE EXISTS (SELECT 1 FROM dept d WHERE d.id = e.dept_id AND d.region = 'west');
SELECT e.id FROM emp e WHERE NOT EXISTS (SELECT 1 FROM dept d WHERE d.id = e.dept_id);
SELECT e.id FROM emp e WHERE EXISTS (SELECT 1 FROM empty_t t WHERE t.x = e.id);
SELECT e.id FROM emp e WHERE NOT EXISTS (SELECT 1 FROM empty_t t WHERE t.x = e.id) AND e.id < 3;
SELECT e.id, e.salary FROM emp e WHERE e.salary > (SELECT avg(salary) FROM emp);
SELECT id FROM emp WHERE salary = (SELECT max(salary) FROM emp);
SELECT id FROM emp WHERE hired < (SELECT min(d) FROM events WHERE kind = 'view');
SELECT id, salary - (SELECT avg(salary) FROM emp) FROM emp WHERE id < 5;
SELECT (SELECT count(*) FROM dept), (SELECT max(key) FROM src);
SELECT (SELECT max(x) FROM empty_t);
SELECT id FROM emp WHERE salary > (SELECT max(x) FROM empty_t);
SELECT e.id, e.salary FROM emp e WHERE e.salary > (SELECT avg(e2.salary) FROM emp e2 WHERE e2.dept_id = e.dept_id);
SELECT d.id, d.name, (SELECT count(*) FROM emp e WHERE e.dept_id = d.id) FROM dept d;
WITH t AS (SELECT dept_id, count(*) AS c FROM emp GROUP BY dept_id) SELECT dept_id, c FROM t WHERE c >= 3;
WITH a AS (SELECT key FROM src WHERE key < 100), b AS (SELECT key FROM a WHERE key > 20) SELECT key FROM b;
WITH t AS (SELECT id, name FROM dept) SELECT e.id, t.name FROM emp e JOIN t ON e.dept_id = t.id WHERE e.id < 5;
WITH e AS (SELECT * FROM empty_t) SELECT count(*) FROM e;
WITH t AS (SELECT key, count(*) AS c FROM src GROUP BY key) SELECT key, c FROM t WHERE c = (SELECT max(c) FROM t);
SELECT t.dept_id, t.m FROM (SELECT dept_id, max(salary) AS m FROM emp GROUP BY dept_id) t JOIN dept d ON t.dept_id = d.id;
WITH per_dept AS (
  SELECT dept_id, count(*) AS n, max(salary) AS best
  FROM emp
  WHERE dept_id IS NOT NULL
  GROUP BY dept_id
)
SELECT d.name AS dname, p.n, p.best
FROM per_dept p
JOIN dept d ON p.dept_id = d.id
ORDER BY dname;
-- A correlated scalar subquery inside an IN subquery's WHERE (TPC-H Q20's shape).
SELECT count(*) FROM src s WHERE s.key IN (SELECT a.key FROM src a WHERE a.key > (SELECT 0.5 * sum(b.key) FROM src b WHERE b.key = a.key AND b.value = a.value));
SELECT id, name FROM emp e WHERE e.dept_id IN (SELECT d.id FROM dept d WHERE d.id >= (SELECT min(x.dept_id) FROM emp x WHERE x.dept_id = d.id AND x.salary > 0)) ORDER BY id;
-- An uncorrelated scalar subquery inside an EXISTS subquery's WHERE.
SELECT id FROM emp e WHERE EXISTS (SELECT 1 FROM dept d WHERE d.id = e.dept_id AND d.id > (SELECT min(id) FROM dept)) ORDER BY id;
-- IN and EXISTS inside expressions: under OR and in the select list, with IN's NULL semantics.
SELECT count(*) FROM src WHERE key < 3 OR key IN (SELECT key FROM src WHERE key > 490);
SELECT id, dept_id, dept_id IN (SELECT id FROM dept), dept_id NOT IN (SELECT id FROM dept) FROM emp ORDER BY id;
SELECT id, dept_id IN (SELECT id FROM dept WHERE id IS NOT NULL), dept_id IN (SELECT id FROM dept WHERE id > 1000) FROM emp ORDER BY id;
SELECT id FROM emp e WHERE e.salary > 80000 OR EXISTS (SELECT 1 FROM dept d WHERE d.id = e.dept_id AND d.region = 'west') ORDER BY id;
SELECT id FROM emp e WHERE e.id < 3 OR NOT EXISTS (SELECT 1 FROM dept d WHERE d.id = e.dept_id) ORDER BY id;
SELECT id, EXISTS (SELECT 1 FROM dept d WHERE d.id = e.dept_id) FROM emp e ORDER BY id;
SELECT count(*) FROM emp WHERE id < 3 OR EXISTS (SELECT 1 FROM dept WHERE id > 1000);
-- IN / EXISTS in HAVING: planned over the groups; the outer side names GROUP BY columns.
SELECT dept_id, count(*) FROM emp GROUP BY dept_id HAVING dept_id IN (SELECT id FROM dept WHERE region = 'west') ORDER BY dept_id;
SELECT dept_id, sum(salary) FROM emp GROUP BY dept_id HAVING dept_id NOT IN (SELECT id FROM dept WHERE id IS NOT NULL) ORDER BY dept_id;
SELECT e.dept_id, count(*) AS n FROM emp e GROUP BY e.dept_id HAVING count(*) > 1 AND EXISTS (SELECT 1 FROM dept d WHERE d.id = e.dept_id) ORDER BY e.dept_id;
SELECT dept_id FROM emp GROUP BY dept_id HAVING NOT EXISTS (SELECT 1 FROM dept d WHERE d.id = emp.dept_id) ORDER BY dept_id;
SELECT dept_id FROM emp GROUP BY dept_id HAVING dept_id IN (SELECT id FROM dept WHERE region = 'east') OR dept_id IS NULL ORDER BY dept_id;
