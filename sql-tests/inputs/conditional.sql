-- Conditional expressions: CASE (searched and simple), IF, COALESCE, NVL, NULLIF.
SELECT id, CASE WHEN salary >= 80000 THEN 'high' WHEN salary >= 50000 THEN 'mid' ELSE 'low' END FROM emp;
SELECT id, CASE WHEN salary >= 80000 THEN 'high' WHEN salary >= 50000 THEN 'mid' END FROM emp;
SELECT id, CASE dept_id WHEN 10 THEN 'eng' WHEN 20 THEN 'sales' ELSE 'other' END FROM emp;
SELECT id, CASE dept_id WHEN 10 THEN 'eng' WHEN NULL THEN 'null dept' END FROM emp;
SELECT id, CASE WHEN active THEN 1 WHEN NOT active THEN 0 ELSE -1 END FROM emp;
SELECT id, CASE WHEN name IS NULL THEN 'no name' WHEN name = '' THEN 'empty' ELSE name END FROM emp;
SELECT id, CASE WHEN dept_id = 10 THEN salary ELSE 0 END FROM emp;
SELECT id, CASE WHEN bonus > 1000 THEN bonus ELSE NULL END FROM emp;
SELECT CASE WHEN NULL THEN 'a' ELSE 'b' END, CASE NULL WHEN NULL THEN 'match' ELSE 'no match' END;
SELECT CASE 1 WHEN 1 THEN 'one' WHEN 1 THEN 'first wins' END, CASE WHEN 1 > 0 THEN 'x' WHEN 1 / 0 > 0 THEN 'y' END;
SELECT id, if(active, 'yes', 'no') FROM emp;
SELECT id, if(salary > 60000, salary, 0) FROM emp;
SELECT id, if(dept_id IS NULL, -1, dept_id) FROM emp;
SELECT if(true, 1, 2), if(false, 1, 2), if(NULL, 1, 2);
SELECT id, if(bonus IS NULL, 0, bonus) FROM emp;
SELECT id, coalesce(name, 'unknown') FROM emp;
SELECT id, coalesce(salary, bonus, 0) FROM emp;
SELECT id, coalesce(dept_id, id) FROM emp;
SELECT coalesce(NULL, NULL, 3), coalesce(NULL, 'x'), coalesce(1, NULL);
SELECT coalesce(NULL, NULL);
-- reference: SELECT id, coalesce(name, '?'), coalesce(dept_id, 0) FROM emp
SELECT id, nvl(name, '?'), nvl(dept_id, 0) FROM emp;
-- reference: SELECT a, coalesce(c, -1) FROM nums
SELECT a, nvl(c, -1) FROM nums;
-- reference: SELECT id, coalesce(hired, DATE '1900-01-01') FROM emp
SELECT id, nvl(hired, DATE '1900-01-01') FROM emp;
SELECT id, nullif(dept_id, 10) FROM emp;
SELECT id, nullif(name, '') FROM emp;
SELECT nullif(1, 1), nullif(1, 2), nullif(NULL, 1);
SELECT a, b, nullif(a, b) FROM nums;
SELECT id, CASE WHEN dept_id IN (10, 20) THEN 'core' WHEN dept_id IS NULL THEN 'none' ELSE 'edge' END FROM emp;
SELECT kind, count(*), sum(CASE WHEN id > 5 THEN 1 ELSE 0 END) FROM events GROUP BY kind;
SELECT dept_id, sum(if(active, 1, 0)), count(if(active, 1, NULL)) FROM emp GROUP BY dept_id;
SELECT id, CASE WHEN ts IS NULL THEN 'never' WHEN ts < TIMESTAMP '2020-01-01 00:00:00' THEN 'old' ELSE 'new' END FROM events;
SELECT x, CASE WHEN x IS NULL THEN 'n' ELSE 'v' END FROM empty_t;
