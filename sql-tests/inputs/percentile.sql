-- percentile and percentile_approx (computed exactly, as Hive's percentile: the value at
-- p * (n - 1) of the sorted non-NULL values, linearly interpolated); NULLs ignored.
-- reference: SELECT quantile_cont(key, 0.5), quantile_cont(key, 0.0), quantile_cont(key, 1.0), quantile_cont(key, 0.25) FROM src
SELECT percentile(key, 0.5), percentile(key, 0), percentile(key, 1), percentile(key, 0.25) FROM src;
-- reference: SELECT dept_id, quantile_cont(salary, 0.5), count(salary) FROM emp GROUP BY dept_id
SELECT dept_id, percentile(salary, 0.5), count(salary) FROM emp GROUP BY dept_id;
-- reference: SELECT quantile_cont(salary, 0.9), quantile_cont(id, 0.1) FROM emp
SELECT percentile_approx(salary, 0.9), percentile_approx(id, 0.1) FROM emp;
-- reference: SELECT quantile_cont(salary, [0.1, 0.5, 0.9])[1], quantile_cont(salary, [0.1, 0.5, 0.9])[3] FROM emp
SELECT percentile(salary, array(0.1, 0.5, 0.9))[0], percentile(salary, array(0.1, 0.5, 0.9))[2] FROM emp;
-- reference: SELECT quantile_cont(x, 0.5), count(*) FROM empty_t
SELECT percentile(x, 0.5), count(*) FROM empty_t;
-- reference: SELECT key % 3 AS m, quantile_cont(key, 0.75) AS p FROM src GROUP BY key % 3 HAVING quantile_cont(key, 0.75) > 100 ORDER BY m
SELECT key % 3 AS m, percentile(key, 0.75) AS p FROM src GROUP BY key % 3 HAVING percentile(key, 0.75) > 100 ORDER BY m;
-- covar_pop, covar_samp and corr over the pairs where both values are non-NULL.
SELECT covar_pop(id, salary), covar_samp(id, salary), corr(id, salary) FROM emp;
-- Hive's corr is NULL for fewer than two pairs (DuckDB gives NaN).
-- reference: SELECT dept_id, covar_pop(id, salary), covar_samp(id, salary), CASE WHEN count(salary) < 2 THEN NULL ELSE corr(id, salary) END FROM emp GROUP BY dept_id
SELECT dept_id, covar_pop(id, salary), covar_samp(id, salary), corr(id, salary) FROM emp GROUP BY dept_id;
SELECT corr(key, key * 2), covar_pop(key, key), covar_samp(a, c) FROM src, nums WHERE key < 50;
SELECT covar_pop(x, x), covar_samp(x, x), corr(x, x), count(*) FROM empty_t;
