-- Arithmetic: + - * / DIV % pmod, negation, precedence, division by zero (NULL in Hive).
SELECT 1 + 2, 5 - 8, 6 * 7, 7 / 2, -7 / 2, 1 / 3;
-- reference: SELECT 7 // 2, -7 // 2, 7 // -2, 0 // 5
SELECT 7 DIV 2, -7 DIV 2, 7 DIV -2, 0 DIV 5;
SELECT 7 % 3, -7 % 3, 7 % -3, -7 % -3, 0 % 3;
-- reference: SELECT ((7 % 3) + 3) % 3, ((-7 % 3) + 3) % 3, ((7 % -3) + -3) % -3, ((-7 % -3) + -3) % -3
SELECT pmod(7, 3), pmod(-7, 3), pmod(7, -3), pmod(-7, -3);
SELECT 7.5 % 2, -7.5 % 2, 10 % 3.5;
-- reference: SELECT ((7.5 % 2) + 2) % 2, ((-7.5 % 2) + 2) % 2
SELECT pmod(7.5, 2), pmod(-7.5, 2);
-- reference: SELECT 1 / NULLIF(0, 0), 1.5 / NULLIF(0.0, 0), 0 / NULLIF(0, 0)
SELECT 1 / 0, 1.5 / 0.0, 0 / 0;
-- reference: SELECT 1 // 0, 1 % 0, -5 // 0, 5 % 0
SELECT 1 DIV 0, 1 % 0, -5 DIV 0, 5 % 0;
-- reference: SELECT 7.5 % NULLIF(0, 0), 7.5 % NULLIF(0.0, 0)
SELECT 7.5 % 0, 7.5 % 0.0;
-- reference: SELECT ((7 % NULLIF(0, 0)) + 0) % NULLIF(0, 0)
SELECT pmod(7, 0);
SELECT 2 + 3 * 4, (2 + 3) * 4, 10 - 2 - 3, 2 * 3 % 4, 100 / 10 / 2, -2 * -3;
-- reference: SELECT (7 // 2) * 2, 7 // (2 * 2)
SELECT 7 DIV 2 * 2, 7 DIV (2 * 2);
-- reference: SELECT 1 + NULL, NULL * 2, NULL / 1, NULL // 2, NULL % 2
SELECT 1 + NULL, NULL * 2, NULL / 1, NULL DIV 2, NULL % 2;
SELECT a, b, a + b, a - b, a * b FROM nums;
-- reference: SELECT a, b, a / NULLIF(b, 0), b / NULLIF(a, 0) FROM nums
SELECT a, b, a / b, b / a FROM nums;
-- reference: SELECT a, b, b // a, b % a FROM nums
SELECT a, b, b DIV a, b % a FROM nums;
-- reference: SELECT a, b, ((b % a) + a) % a FROM nums
SELECT a, b, pmod(b, a) FROM nums;
SELECT a, c, a + c, a * c, c - a FROM nums;
-- reference: SELECT a, c, c / NULLIF(a, 0) FROM nums
SELECT a, c, c / a FROM nums;
SELECT a, -a, - -a, -(a + 1) FROM nums;
SELECT id, salary / 12, salary * 0.1, salary - 1000 FROM emp;
SELECT id, bonus + bonus, bonus - 1, -bonus, bonus * bonus FROM emp;
SELECT id, bonus + salary, bonus * 1.5, bonus + id FROM emp;
SELECT id, id * 2 + dept_id, (id + dept_id) * 2 FROM emp;
-- reference: SELECT key // 100, key % 100 FROM src WHERE key > 300
SELECT key DIV 100, key % 100 FROM src WHERE key > 300;
SELECT ti + si, si + i, i + bi, bi * 2, d * 2, de + 1 FROM alltypes WHERE i < 100000;
-- reference: SELECT 5 & 3, 5 | 3, xor(5, 3), ~5, ~0
SELECT 5 & 3, 5 | 3, 5 ^ 3, ~5, ~0;
SELECT sum(a + b), sum(a * 2), sum(c / 2) FROM nums;
SELECT x + 1, x / 2 FROM empty_t;
SELECT 1.0E10 * 10, 123456.789 * 1000, 0.001 / 10, 1.0E-5 * 1.0E-5;
SELECT 100000 * 10000, 10000000000 * 3;
