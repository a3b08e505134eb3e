-- ORDER BY (expressions, aliases, ASC/DESC, NULLS FIRST/LAST; NULLs first in ASC and last in DESC by default) and LIMIT.
SELECT id, name FROM emp ORDER BY id;
SELECT id, name FROM emp ORDER BY id DESC;
SELECT id, salary FROM emp ORDER BY salary, id;
SELECT id, salary FROM emp ORDER BY salary DESC, id;
SELECT id, salary FROM emp ORDER BY salary ASC NULLS LAST, id;
SELECT id, salary FROM emp ORDER BY salary DESC NULLS FIRST, id DESC;
SELECT id, dept_id FROM emp ORDER BY dept_id, id DESC;
SELECT id, name FROM emp ORDER BY name, id;
SELECT id, name FROM emp ORDER BY name DESC, id;
SELECT id, hired FROM emp ORDER BY hired, id;
SELECT id, active FROM emp ORDER BY active, id;
SELECT id, bonus FROM emp ORDER BY bonus DESC, id;
SELECT id, ts FROM events ORDER BY ts, id;
SELECT id, kind FROM events ORDER BY kind NULLS LAST, id;
SELECT id, salary * 2 AS double_salary FROM emp ORDER BY double_salary, id;
SELECT id, name AS n FROM emp ORDER BY n DESC, id;
SELECT id, dept_id % 20 AS m FROM emp ORDER BY m, id;
SELECT a, b, c FROM nums ORDER BY c, a, b;
SELECT s, a FROM nums ORDER BY s;
SELECT key, value FROM src ORDER BY key, value;
SELECT key, value FROM src ORDER BY value DESC, key;
SELECT dept_id, count(*) AS c FROM emp GROUP BY dept_id ORDER BY dept_id;
SELECT dept_id, sum(salary) AS total FROM emp GROUP BY dept_id ORDER BY total DESC;
SELECT id, name FROM emp ORDER BY id LIMIT 3;
SELECT id, name FROM emp ORDER BY id DESC LIMIT 3;
SELECT id, salary FROM emp ORDER BY salary DESC, id LIMIT 5;
SELECT id, salary FROM emp ORDER BY salary, id LIMIT 4;
SELECT key FROM src ORDER BY key LIMIT 5;
SELECT key, value FROM src ORDER BY key DESC, value LIMIT 10;
SELECT id FROM emp ORDER BY id LIMIT 0;
SELECT id FROM emp LIMIT 0;
SELECT id FROM emp ORDER BY id LIMIT 100;
SELECT x FROM empty_t ORDER BY x;
SELECT x FROM empty_t ORDER BY x LIMIT 5;
SELECT count(*) FROM emp LIMIT 1;
SELECT t.id FROM (SELECT id FROM emp ORDER BY id LIMIT 5) t ORDER BY id DESC;
SELECT dept_id, count(*) AS c FROM emp GROUP BY dept_id ORDER BY c DESC, dept_id LIMIT 2;
SELECT DISTINCT dept_id FROM emp ORDER BY dept_id DESC LIMIT 3;
SELECT e.id AS eid, d.name AS dname FROM emp e JOIN dept d ON e.dept_id = d.id ORDER BY dname, eid;
SELECT id, length(name) AS len FROM emp ORDER BY len DESC, id;
-- LIMIT with an offset (Hive's LIMIT m, n and the standard OFFSET).
-- reference: SELECT key, value FROM src ORDER BY key, value LIMIT 3 OFFSET 2
SELECT key, value FROM src ORDER BY key, value LIMIT 2, 3;
SELECT key, value FROM src ORDER BY key DESC, value LIMIT 4 OFFSET 5;
SELECT id, name FROM emp ORDER BY id LIMIT 100 OFFSET 12;
SELECT id FROM emp ORDER BY id LIMIT 3 OFFSET 50;
-- reference: SELECT dept_id, count(*) AS c FROM emp GROUP BY dept_id ORDER BY c DESC, dept_id LIMIT 2 OFFSET 1
SELECT dept_id, count(*) AS c FROM emp GROUP BY dept_id ORDER BY c DESC, dept_id LIMIT 1, 2;
