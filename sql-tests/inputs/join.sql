-- Joins: inner, outer, LEFT SEMI, cross, non-equi, multi-key, against empty_t, self-joins; duplicate and NULL keys.
SELECT e.id, e.name, d.name FROM emp e JOIN dept d ON e.dept_id = d.id;
SELECT e.id, d.id, d.region FROM emp e INNER JOIN dept d ON e.dept_id = d.id;
SELECT e.id, e.dept_id, d.name FROM emp e LEFT OUTER JOIN dept d ON e.dept_id = d.id;
SELECT e.id, d.id, d.name FROM emp e RIGHT OUTER JOIN dept d ON e.dept_id = d.id;
SELECT e.id, e.dept_id, d.id, d.name FROM emp e FULL OUTER JOIN dept d ON e.dept_id = d.id;
SELECT e.id, d.id FROM emp e FULL JOIN dept d ON e.dept_id = d.id WHERE e.id IS NULL OR d.id IS NULL;
-- reference: SELECT d.id, d.name FROM dept d SEMI JOIN emp e ON d.id = e.dept_id
SELECT d.id, d.name FROM dept d LEFT SEMI JOIN emp e ON d.id = e.dept_id;
-- reference: SELECT e.id, e.name FROM emp e SEMI JOIN dept d ON e.dept_id = d.id
SELECT e.id, e.name FROM emp e LEFT SEMI JOIN dept d ON e.dept_id = d.id;
-- reference: SELECT e.id FROM emp e SEMI JOIN dept d ON e.dept_id = d.id AND d.region = 'east'
SELECT e.id FROM emp e LEFT SEMI JOIN dept d ON e.dept_id = d.id AND d.region = 'east';
-- reference: SELECT s.key, s.value FROM src s SEMI JOIN src t ON s.key = t.key AND t.value = 'val_311'
SELECT s.key, s.value FROM src s LEFT SEMI JOIN src t ON s.key = t.key AND t.value = 'val_311';
SELECT e.id, d.id FROM emp e CROSS JOIN dept d WHERE e.id < 3;
SELECT d1.id, d2.id FROM dept d1 CROSS JOIN dept d2 WHERE d1.id = 20;
SELECT count(*) FROM emp CROSS JOIN dept;
SELECT e.id, d.id FROM emp e, dept d WHERE e.dept_id = d.id AND d.region = 'west';
SELECT e.id, d.id FROM emp e JOIN dept d ON e.dept_id < d.id WHERE e.id <= 4;
SELECT e.id, d.id FROM emp e JOIN dept d ON e.dept_id = d.id AND e.salary > 60000;
SELECT e.id, d.id, d.name FROM emp e LEFT JOIN dept d ON e.dept_id = d.id AND d.region = 'east';
SELECT e.id, d.id FROM emp e LEFT JOIN dept d ON e.dept_id = d.id WHERE d.region = 'east';
SELECT e.id, d.id FROM emp e JOIN dept d ON e.dept_id = d.id OR e.id = d.id;
SELECT e.id, d.id FROM emp e JOIN dept d ON (e.dept_id + 10 = d.id);
SELECT a.id, b.id FROM emp a JOIN emp b ON a.salary = b.salary AND a.bonus = b.bonus WHERE a.id < b.id;
SELECT a.id, b.id FROM emp a JOIN emp b ON a.dept_id = b.dept_id AND a.hired = b.hired AND a.id <> b.id;
SELECT a.id, a.name, b.name FROM emp a JOIN emp b ON a.dept_id = b.dept_id WHERE a.id < b.id;
SELECT a.key, b.key FROM src a JOIN src b ON a.key = b.key WHERE a.key < 20;
SELECT a.key, count(*) FROM src a JOIN src b ON a.key = b.key GROUP BY a.key HAVING count(*) > 1;
SELECT e.id, t.x FROM emp e JOIN empty_t t ON e.id = t.x;
SELECT e.id, t.x, t.y FROM emp e LEFT JOIN empty_t t ON e.id = t.x WHERE e.id < 4;
SELECT e.id, t.x FROM emp e RIGHT JOIN empty_t t ON e.id = t.x;
SELECT e.id, t.x FROM emp e FULL OUTER JOIN empty_t t ON e.id = t.x WHERE e.id > 12;
SELECT t.x, e.id FROM empty_t t CROSS JOIN emp e;
-- reference: SELECT e.id FROM emp e SEMI JOIN empty_t t ON e.id = t.x
SELECT e.id FROM emp e LEFT SEMI JOIN empty_t t ON e.id = t.x;
SELECT e.name, d.name, s.value FROM emp e JOIN dept d ON e.dept_id = d.id JOIN src s ON e.id = s.key;
SELECT e.id, d.name, s.value FROM emp e LEFT JOIN dept d ON e.dept_id = d.id LEFT JOIN src s ON e.id = s.key;
SELECT e.id, d.name FROM emp e JOIN (SELECT id, name FROM dept WHERE region IS NOT NULL) d ON e.dept_id = d.id;
SELECT d.name, t.c FROM dept d JOIN (SELECT dept_id, count(*) AS c FROM emp GROUP BY dept_id) t ON d.id = t.dept_id;
SELECT n.a, m.a FROM nums n JOIN nums m ON n.a = m.b;
SELECT n.a, n.c, m.a FROM nums n JOIN nums m ON n.c = m.a;
SELECT e.id, ev.id FROM emp e JOIN events ev ON e.hired = ev.d;
SELECT s.id, t.id FROM strs s JOIN strs t ON s.s = t.t;
SELECT e.id, d.id FROM emp e JOIN dept d ON e.dept_id = d.id WHERE e.name LIKE '%a%' AND d.id <> 30;
-- An OR across both sides of a join: each side is also pruned by what the OR implies for it.
SELECT e.id, d.id FROM emp e JOIN dept d ON e.dept_id = d.id WHERE (e.salary > 3000 AND d.region = 'east') OR (e.salary < 1000 AND d.region <> 'east');
SELECT e.id, d.name FROM emp e, dept d WHERE (e.dept_id = d.id AND e.active) OR (e.dept_id = d.id AND d.name = '');
-- UNIQUEJOIN: per key, every combination of the tables' rows (NULLs for a table without one), kept when all tables have the key or a PRESERVE table does; a NULL key matches nothing.
-- reference: SELECT e.id, d.name FROM emp e JOIN dept d ON e.dept_id = d.id
FROM UNIQUEJOIN emp e (e.dept_id), dept d (d.id) SELECT e.id, d.name;
-- reference: SELECT e.id, d.id FROM emp e LEFT JOIN dept d ON e.dept_id = d.id
FROM UNIQUEJOIN PRESERVE emp e (e.dept_id), dept d (d.id) SELECT e.id, d.id;
-- reference: SELECT e.id, d.id, d.region FROM emp e FULL OUTER JOIN dept d ON e.dept_id = d.id
FROM UNIQUEJOIN PRESERVE emp e (e.dept_id), PRESERVE dept d (d.id) SELECT e.id, d.id, d.region;
-- reference: SELECT d.id, e.id, x.id FROM dept d LEFT JOIN emp e ON d.id = e.dept_id LEFT JOIN emp x ON d.id = x.dept_id WHERE d.id > 10
FROM UNIQUEJOIN PRESERVE dept d (d.id), emp e (e.dept_id), emp x (x.dept_id) SELECT d.id, e.id, x.id WHERE d.id > 10;
-- reference: SELECT a.key, count(*) FROM src a JOIN src b ON a.key = b.key AND a.value = b.value GROUP BY a.key ORDER BY a.key
FROM UNIQUEJOIN src a (a.key, a.value), src b (b.key, b.value) SELECT a.key, count(*) GROUP BY a.key ORDER BY a.key;
-- reference: SELECT e.id, d.name FROM emp e LEFT JOIN dept d ON e.dept_id = d.id WHERE e.id < 6
SELECT e.id, d.name FROM UNIQUEJOIN PRESERVE emp e (e.dept_id), dept d (d.id) WHERE e.id < 6;
-- ON conditions over the side an outer join does not preserve filter that side before the join.
SELECT e.id, d.name FROM emp e LEFT JOIN dept d ON e.dept_id = d.id AND d.name NOT LIKE '%EU%' AND e.salary > 50000 ORDER BY e.id, d.name;
SELECT e.id, d.id FROM emp e RIGHT JOIN dept d ON e.dept_id = d.id AND e.active AND d.region <> 'east' ORDER BY d.id, e.id;
SELECT d.id, d.name FROM dept d WHERE EXISTS (SELECT 1 FROM emp e WHERE e.dept_id = d.id AND e.salary > 60000) ORDER BY d.id, d.name;
SELECT d.id, d.name FROM dept d WHERE NOT EXISTS (SELECT 1 FROM emp e WHERE e.dept_id = d.id AND e.active) ORDER BY d.id, d.name;
