-- WHERE and predicates: comparisons across types, three-valued logic, BETWEEN, IN, IS NULL, LIKE, RLIKE.
-- Predicates in the select list show their NULL results; in WHERE a NULL predicate drops the row.
SELECT id, name FROM emp WHERE dept_id = 10;
SELECT id, name FROM emp WHERE dept_id <> 10;
SELECT id, dept_id = 20, dept_id != 20, dept_id < 20, dept_id >= 30 FROM emp;
SELECT id, salary > 60000, salary >= 62000.5, salary < 0, salary = 85000 FROM emp;
SELECT id FROM emp WHERE salary < 0 OR salary IS NULL;
SELECT id, bonus <= 100.10, bonus = 1500.5, bonus > 0 FROM emp;
SELECT id, hired > DATE '2020-07-01', hired = '2019-03-15', hired <= '2018-01-20' FROM emp;
SELECT id, name = 'Alice', name > 'H', name = '', name <> 'Bob' FROM emp;
SELECT id FROM emp WHERE active;
SELECT id FROM emp WHERE NOT active;
SELECT id, active, NOT active, active = false, active IS NULL, active IS NOT NULL FROM emp;
SELECT p.v, q.v, p.v AND q.v, p.v OR q.v, NOT p.v FROM (SELECT true AS v UNION ALL SELECT false AS v UNION ALL SELECT CAST(NULL AS boolean) AS v) p CROSS JOIN (SELECT true AS v UNION ALL SELECT false AS v UNION ALL SELECT CAST(NULL AS boolean) AS v) q;
SELECT id FROM emp WHERE dept_id = 10 AND active;
SELECT id FROM emp WHERE dept_id = 10 OR active;
SELECT id FROM emp WHERE NOT (dept_id = 10 OR active);
SELECT id FROM emp WHERE (dept_id = 20 OR dept_id IS NULL) AND NOT (salary IS NULL);
SELECT id FROM emp WHERE dept_id = NULL;
SELECT id FROM emp WHERE NULL;
SELECT id FROM emp WHERE dept_id IS NULL;
SELECT id, salary BETWEEN 45000 AND 70000, salary NOT BETWEEN 45000 AND 70000 FROM emp;
SELECT id FROM emp WHERE hired BETWEEN DATE '2019-01-01' AND DATE '2020-12-31';
SELECT id FROM emp WHERE name BETWEEN 'B' AND 'F';
SELECT id FROM emp WHERE dept_id IN (10, NULL);
SELECT id FROM emp WHERE dept_id NOT IN (10, NULL);
SELECT id, dept_id IN (10, 20), dept_id NOT IN (10, 20), dept_id IN (10, NULL), dept_id NOT IN (10, NULL) FROM emp;
SELECT id FROM emp WHERE name IN ('Alice', 'alice', '');
SELECT id, name LIKE 'A%', name LIKE '%a%', name LIKE '_a%', name NOT LIKE '%e', name LIKE '' FROM emp;
SELECT id, s LIKE '%', s LIKE '%o%o%', s LIKE 'a_b%c', t LIKE '_' FROM strs;
-- reference: SELECT id FROM emp WHERE regexp_matches(name, '^[A-D]')
SELECT id FROM emp WHERE name RLIKE '^[A-D]';
-- reference: SELECT id, regexp_matches(s, 'ss'), regexp_matches(s, '[0-9]+'), NOT regexp_matches(s, 'o'), regexp_matches(s, '^h.*o$') FROM strs
SELECT id, s RLIKE 'ss', s REGEXP '[0-9]+', NOT s RLIKE 'o', s RLIKE '^h.*o$' FROM strs;
-- reference: SELECT a, s FROM nums WHERE TRY_CAST(s AS DOUBLE) = 2.5
SELECT a, s FROM nums WHERE s = 2.5;
-- reference: SELECT a, s FROM nums WHERE TRY_CAST(s AS DOUBLE) > 1
SELECT a, s FROM nums WHERE s > 1;
-- reference: SELECT a, s FROM nums WHERE TRY_CAST(s AS DOUBLE) = a
SELECT a, s FROM nums WHERE s = a;
SELECT a, b, c, a = b, a < c, c = 2, b > c FROM nums;
-- reference: SELECT id FROM emp WHERE dept_id IS NOT DISTINCT FROM NULL
SELECT id FROM emp WHERE dept_id <=> NULL;
-- reference: SELECT e.id, d.id FROM emp e, dept d WHERE e.dept_id IS NOT DISTINCT FROM d.id AND e.id > 4
SELECT e.id, d.id FROM emp e, dept d WHERE e.dept_id <=> d.id AND e.id > 4;
SELECT id FROM events WHERE ts >= TIMESTAMP '2024-01-01 00:00:00';
SELECT id FROM events WHERE d < '2000-01-01';
SELECT x FROM empty_t WHERE x > 0;
SELECT key FROM src WHERE key = 311 OR value = 'val_0';
