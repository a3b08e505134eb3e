-- Math functions. round rounds half away from zero (on the decimal form of the double), bround half to even;
-- floor/ceil of a double are BIGINT; sign gives DOUBLE; sqrt/ln/log of a number out of domain is NULL;
-- greatest/least are NULL when any argument is NULL.
SELECT abs(-5), abs(5), abs(-2.5), abs(0), abs(NULL);
SELECT a, abs(a), c, abs(c) FROM nums;
SELECT id, bonus, abs(bonus) FROM emp;
SELECT round(2.5), round(-2.5), round(3.14159, 2), round(1234.5678, -2), round(0.5), round(1.4999);
-- reference: SELECT CAST(round(CAST(2.675 AS DECIMAL(38,10)), 2) AS DOUBLE), CAST(round(CAST(1.005 AS DECIMAL(38,10)), 2) AS DOUBLE)
SELECT round(2.675, 2), round(1.005, 2);
SELECT round(7), round(-7), round(15, 1);
-- reference: SELECT c, round(c) + 0.0, round(c, 1) + 0.0, round(c, 2) + 0.0 FROM nums
SELECT c, round(c), round(c, 1), round(c, 2) FROM nums;
-- reference: SELECT id, salary, round(salary / 7, 2), round(salary, -3) + 0.0 FROM emp
SELECT id, salary, round(salary / 7, 2), round(salary, -3) FROM emp;
SELECT id, bonus, round(bonus), round(bonus, 1) FROM emp;
-- reference: SELECT round_even(2.5, 0), round_even(3.5, 0), round_even(-2.5, 0), round_even(2.25, 1), round_even(2.35, 1), round_even(7.0, 0)
SELECT bround(2.5), bround(3.5), bround(-2.5), bround(2.25, 1), bround(2.35, 1), bround(7.0);
-- reference: SELECT CAST(floor(2.5) AS BIGINT), CAST(floor(-2.5) AS BIGINT), CAST(ceil(2.1) AS BIGINT), CAST(ceil(-2.1) AS BIGINT), CAST(ceil(3.0) AS BIGINT), CAST(ceil(2.1) AS BIGINT)
SELECT floor(2.5), floor(-2.5), ceil(2.1), ceil(-2.1), ceil(3.0), ceiling(2.1);
-- reference: SELECT c, CAST(floor(c) AS BIGINT), CAST(ceil(c) AS BIGINT) FROM nums
SELECT c, floor(c), ceil(c) FROM nums;
-- reference: SELECT a, CAST(floor(a) AS BIGINT), CAST(ceil(a) AS BIGINT) FROM nums
SELECT a, floor(a), ceil(a) FROM nums;
SELECT pow(2, 10), pow(2, -1), power(9, 0.5), pow(10, 0), pow(0, 0), pow(-2, 3);
SELECT a, pow(a, 2), power(a, 3) FROM nums;
-- reference: SELECT sqrt(16), sqrt(2), sqrt(0), CASE WHEN -1 < 0 THEN NULL ELSE sqrt(-1) END, sqrt(NULL)
SELECT sqrt(16), sqrt(2), sqrt(0), sqrt(-1), sqrt(NULL);
-- reference: SELECT c, CASE WHEN c < 0 THEN NULL ELSE sqrt(c) END FROM nums
SELECT c, sqrt(c) FROM nums;
SELECT exp(0), exp(1), exp(-1), exp(2.5);
-- reference: SELECT ln(1), ln(exp(2)), CASE WHEN 0 <= 0 THEN NULL ELSE ln(0) END, CASE WHEN -1 <= 0 THEN NULL ELSE ln(-1) END
SELECT ln(1), ln(exp(2)), ln(0), ln(-1);
-- reference: SELECT log10(1000), log10(0.01), log2(8), log2(1024), CASE WHEN 0 <= 0 THEN NULL ELSE log10(0) END, CASE WHEN -4 <= 0 THEN NULL ELSE log2(-4) END
SELECT log10(1000), log10(0.01), log2(8), log2(1024), log10(0), log2(-4);
-- reference: SELECT log(10, 100), log(2, 1024), log(3, 81), CASE WHEN 0 <= 0 THEN NULL ELSE log(10, 0) END
SELECT log(10, 100), log(2, 1024), log(3, 81), log(10, 0);
-- reference: SELECT a, CASE WHEN a <= 0 THEN NULL ELSE ln(a) END, CASE WHEN a <= 0 THEN NULL ELSE log10(a) END, CASE WHEN a <= 0 THEN NULL ELSE log(2, a) END FROM nums
SELECT a, ln(a), log10(a), log(2, a) FROM nums;
-- reference: SELECT ((7 % 3) + 3) % 3, ((-7 % 3) + 3) % 3, ((7 % -3) + -3) % -3, ((-7.5 % 2) + 2) % 2, ((7 % NULLIF(0, 0)) + 0) % NULLIF(0, 0)
SELECT pmod(7, 3), pmod(-7, 3), pmod(7, -3), pmod(-7.5, 2), pmod(7, 0);
-- reference: SELECT key, ((key % 7) + 7) % 7, ((-key % 7) + 7) % 7 FROM src WHERE key < 100
SELECT key, pmod(key, 7), pmod(-key, 7) FROM src WHERE key < 100;
-- reference: SELECT CAST(sign(-5) AS DOUBLE), CAST(sign(0) AS DOUBLE), CAST(sign(3) AS DOUBLE), CAST(sign(-2.5) AS DOUBLE), CAST(sign(0.0) AS DOUBLE)
SELECT sign(-5), sign(0), sign(3), sign(-2.5), sign(0.0);
-- reference: SELECT c, CAST(sign(c) AS DOUBLE) FROM nums
SELECT c, sign(c) FROM nums;
SELECT greatest(1, 5, 3), least(1, 5, 3), greatest(2.5, 1), least('b', 'a', 'c'), greatest(DATE '2024-01-01', DATE '2023-06-30');
-- reference: SELECT NULL, NULL
SELECT greatest(1, NULL, 3), least(NULL, 2);
-- reference: SELECT a, b, CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE greatest(a, b) END, CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE least(a, b) END FROM nums
SELECT a, b, greatest(a, b), least(a, b) FROM nums;
-- reference: SELECT id, CASE WHEN salary IS NULL OR bonus IS NULL THEN NULL ELSE greatest(salary, CAST(bonus AS DOUBLE) * 20) END FROM emp
SELECT id, greatest(salary, bonus * 20) FROM emp;
SELECT pi(), degrees(pi()), radians(180), sin(0), cos(0), tan(0), atan(1) * 4;
SELECT x, abs(x), round(x), pow(x, 2) FROM empty_t;
