-- Aggregate functions without GROUP BY: counts, sums, averages, extremes, variances; empty and all-NULL inputs.
SELECT count(*) FROM emp;
SELECT count(*), count(dept_id), count(salary), count(name), count(bonus), count(hired), count(active) FROM emp;
SELECT count(1), count(NULL) FROM emp;
SELECT count(DISTINCT dept_id), count(DISTINCT salary), count(DISTINCT name), count(DISTINCT active) FROM emp;
-- reference: SELECT count(DISTINCT CASE WHEN salary IS NOT NULL AND bonus IS NOT NULL THEN (salary, bonus) END) FROM emp
SELECT count(DISTINCT salary, bonus) FROM emp;
SELECT sum(id), sum(dept_id), sum(salary), sum(bonus) FROM emp;
SELECT sum(a), sum(b), sum(c) FROM nums;
SELECT avg(id), avg(dept_id), avg(salary) FROM emp;
SELECT avg(a), avg(b), avg(c) FROM nums;
SELECT avg(CAST(bonus AS double)) FROM emp;
SELECT min(id), max(id), min(salary), max(salary), min(bonus), max(bonus) FROM emp;
SELECT min(name), max(name), min(hired), max(hired), min(active), max(active) FROM emp;
SELECT min(ts), max(ts), min(d), max(d), min(kind), max(kind) FROM events;
SELECT min(s), max(s), min(a), max(b), min(c), max(c) FROM nums;
-- reference: SELECT var_pop(salary), stddev_pop(salary) FROM emp
SELECT variance(salary), stddev(salary) FROM emp;
SELECT var_pop(salary), stddev_pop(salary), var_samp(salary), stddev_samp(salary) FROM emp;
-- reference: SELECT var_pop(a), var_samp(a), stddev_pop(a), stddev_samp(a) FROM nums
SELECT variance(a), var_samp(a), stddev(a), stddev_samp(a) FROM nums;
-- reference: SELECT var_pop(key), stddev_pop(key) FROM src
SELECT var_pop(key), std(key) FROM src;
-- reference: SELECT var_pop(salary), var_samp(salary), stddev_pop(salary), stddev_samp(salary) FROM emp WHERE id = 1
SELECT variance(salary), var_samp(salary), stddev(salary), stddev_samp(salary) FROM emp WHERE id = 1;
SELECT count(*), count(x), count(DISTINCT x), sum(x), avg(x), min(x), max(x) FROM empty_t;
-- reference: SELECT var_pop(x), var_samp(x), stddev_pop(x), stddev_samp(x), min(y), max(y) FROM empty_t
SELECT variance(x), var_samp(x), stddev(x), stddev_samp(x), min(y), max(y) FROM empty_t;
SELECT count(*), sum(salary), avg(salary), min(name), max(hired) FROM emp WHERE id > 100;
SELECT count(*), count(dept_id), sum(dept_id), avg(dept_id), min(dept_id), max(dept_id) FROM emp WHERE dept_id IS NULL;
SELECT sum(DISTINCT dept_id), avg(DISTINCT dept_id), count(DISTINCT dept_id) FROM emp;
SELECT count(*), sum(key), avg(key), min(value), max(value) FROM src;
SELECT count(DISTINCT key), count(DISTINCT value), sum(DISTINCT key) FROM src;
SELECT sum(salary) / count(salary), avg(salary) FROM emp;
SELECT max(salary) - min(salary), sum(id * 2), count(*) + 1 FROM emp;
SELECT sum(CASE WHEN active THEN 1 ELSE 0 END), count(CASE WHEN active THEN 1 END) FROM emp;
SELECT count(*) FROM emp e JOIN dept d ON e.dept_id = d.id;
SELECT sum(ti), sum(si), sum(i), sum(d), sum(de), avg(ti), avg(i) FROM alltypes WHERE i < 100000;
SELECT min(ti), max(si), min(bi), max(de), min(b), max(dt), max(ts) FROM alltypes;
SELECT count(*), min(x) FROM (SELECT x FROM empty_t) t;
SELECT avg(c), sum(c), count(c) FROM nums WHERE c IS NULL;
SELECT max(length(name)), min(length(name)) FROM emp;
