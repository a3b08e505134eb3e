-- CAST between numeric types, strings, dates, timestamps and booleans; bad casts are NULL.
SELECT CAST(1 AS bigint), CAST(1 AS double), CAST(1 AS string), CAST(1 AS smallint), CAST(1 AS tinyint);
SELECT CAST(-42 AS double), CAST(-42 AS string), CAST(100 AS decimal(5,2));
-- reference: SELECT CAST(trunc(2.7) AS INT), CAST(trunc(-2.7) AS INT), CAST(trunc(2.5) AS BIGINT), CAST(trunc(-0.5) AS INT)
SELECT CAST(2.7 AS int), CAST(-2.7 AS int), CAST(2.5 AS bigint), CAST(-0.5 AS int);
-- reference: SELECT c, CAST(trunc(c) AS INT) FROM nums WHERE abs(c) < 1000000
SELECT c, CAST(c AS int) FROM nums WHERE abs(c) < 1000000;
-- reference: SELECT c, CAST(trunc(c) AS BIGINT) FROM nums
SELECT c, CAST(c AS bigint) FROM nums;
SELECT CAST('42' AS int), CAST('-17' AS bigint), CAST('+5' AS int), CAST('007' AS int);
-- reference: SELECT TRY_CAST('x' AS INT), TRY_CAST('' AS INT), TRY_CAST('12abc' AS INT), CAST(NULL AS INT), CAST(NULL AS INT)
SELECT CAST('x' AS int), CAST('' AS int), CAST('12abc' AS int), CAST('  42' AS int), CAST('1e3' AS int);
-- reference: SELECT s, CASE WHEN regexp_matches(s, '^[+-]?[0-9]+(\.[0-9]*)?$') THEN CAST(regexp_extract(s, '^[+-]?[0-9]+', 0) AS INT) END FROM nums
SELECT s, CAST(s AS int) FROM nums;
-- reference: SELECT s, CASE WHEN regexp_matches(s, '^[+-]?[0-9]+(\.[0-9]*)?$') THEN CAST(regexp_extract(s, '^[+-]?[0-9]+', 0) AS BIGINT) END FROM nums
SELECT s, CAST(s AS bigint) FROM nums;
SELECT CAST('2.5' AS double), CAST('-0.125' AS double), CAST('1e3' AS double), CAST('10' AS double);
-- reference: SELECT TRY_CAST('abc' AS DOUBLE), TRY_CAST('' AS DOUBLE), TRY_CAST('1.2.3' AS DOUBLE)
SELECT CAST('abc' AS double), CAST('' AS double), CAST('1.2.3' AS double);
-- reference: SELECT s, TRY_CAST(s AS DOUBLE) FROM nums WHERE s <> '  42'
SELECT s, CAST(s AS double) FROM nums WHERE s <> '  42';
SELECT CAST('12.345' AS decimal(10,2)), CAST('-0.5' AS decimal(4,1)), CAST('100' AS decimal(10,2));
-- reference: SELECT TRY_CAST('abc' AS DECIMAL(10,2)), TRY_CAST('123456789012' AS DECIMAL(10,2))
SELECT CAST('abc' AS decimal(10,2)), CAST('123456789012' AS decimal(10,2));
SELECT id, bonus, CAST(bonus AS double) FROM emp;
-- reference: SELECT id, bonus, CAST(trunc(bonus) AS INT) FROM emp
SELECT id, bonus, CAST(bonus AS int) FROM emp;
SELECT id, salary, CAST(salary AS decimal(12,2)) FROM emp;
SELECT CAST(1.5 AS decimal(10,2)), CAST(-2.25 AS decimal(10,1)), CAST(3.14159 AS decimal(10,3));
SELECT a, CAST(a AS string), CAST(a AS double), CAST(a AS bigint) FROM nums;
SELECT c, CAST(c AS string) FROM nums WHERE c = 0 OR abs(c) BETWEEN 0.001 AND 1000000;
SELECT id, CAST(id AS string), CAST(dept_id AS string) FROM emp;
SELECT CAST('2024-01-31' AS date), CAST('1999-12-31' AS date), CAST('2024-01-31 10:11:12' AS date);
-- reference: SELECT TRY_CAST('abc' AS DATE), TRY_CAST('' AS DATE), TRY_CAST('31/01/2024' AS DATE)
SELECT CAST('abc' AS date), CAST('' AS date), CAST('31/01/2024' AS date);
SELECT CAST('2024-01-31 10:11:12' AS timestamp), CAST('2024-01-31 10:11:12.5' AS timestamp);
-- reference: SELECT TRY_CAST('abc' AS TIMESTAMP), TRY_CAST('' AS TIMESTAMP)
SELECT CAST('abc' AS timestamp), CAST('' AS timestamp);
SELECT id, d, CAST(d AS string), CAST(d AS timestamp) FROM events;
SELECT id, ts, CAST(ts AS string), CAST(ts AS date) FROM events;
-- reference: SELECT id, ts, CAST(floor(epoch(ts)) AS BIGINT) FROM events
SELECT id, ts, CAST(ts AS bigint) FROM events;
SELECT CAST(true AS int), CAST(false AS int), CAST(true AS bigint), CAST(true AS double);
SELECT CAST(0 AS boolean), CAST(5 AS boolean), CAST(-1 AS boolean), CAST(0.0 AS boolean), CAST(0.5 AS boolean);
SELECT id, active, CAST(active AS string) FROM emp;
SELECT CAST(NULL AS int), CAST(NULL AS string), CAST(NULL AS date), CAST(NULL AS double), CAST(NULL AS boolean);
SELECT ti, CAST(ti AS int), CAST(si AS bigint), CAST(i AS double), CAST(bi AS string) FROM alltypes;
SELECT CAST(CAST(42 AS string) AS int), CAST(CAST('3.5' AS double) AS string), CAST(CAST('2024-02-29' AS date) AS string);
SELECT CAST(x AS string), CAST(y AS int) FROM empty_t;
SELECT concat('x', true), concat(CAST(false AS string), '!'), CAST(1.5 AS decimal(3,1)) > 1;
