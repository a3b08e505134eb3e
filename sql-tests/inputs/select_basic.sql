-- Projection, aliases, arithmetic in the select list and literals of each type.
SELECT * FROM dept;
SELECT id, name FROM emp;
SELECT name AS n, id AS `identifier` FROM emp;
SELECT e.id, e.name, e.dept_id FROM emp e;
SELECT emp.name, emp.active FROM emp;
SELECT `id`, `name` FROM `dept`;
SELECT id, salary * 2, salary + bonus, id + dept_id FROM emp;
SELECT key, value FROM src;
SELECT * FROM empty_t;
SELECT x, y FROM empty_t;
SELECT 1;
SELECT 1, 2 + 3, 10 - 20, 6 * 7;
SELECT 10000000000, -2147483648, 9223372036854775807;
SELECT 1.5, 0.1, 100.0, -2.25, 1.0E10, 1.5e-5;
SELECT 0.1 + 0.2;
SELECT 'hello', '', 'a b c';
-- reference: SELECT 'double quoted', 'with ''single'' inside'
SELECT "double quoted", "with 'single' inside";
SELECT true, false, NOT true;
SELECT NULL;
SELECT NULL, 1, NULL;
SELECT DATE '2024-01-31', TIMESTAMP '2024-01-31 12:34:56', TIMESTAMP '2024-01-31 12:34:56.25';
SELECT ti, si, i, bi, d, de, s, b, dt, ts FROM alltypes;
-- reference: SELECT CAST(ti AS INT) + 1, CAST(si AS INT) * 2, i - 1, bi // 10, d / 2, de * 2 FROM alltypes
SELECT ti + 1, si * 2, i - 1, bi DIV 10, d / 2, de * 2 FROM alltypes;
SELECT id, name, id * 10 AS tenfold FROM emp WHERE id < 4;
SELECT a, b, a + b, a * b, c FROM nums;
SELECT a, -a, +a, -c FROM nums;
SELECT id, bonus, bonus + 1, bonus - bonus, bonus * 2 FROM emp;
SELECT id, salary + 0.5, salary * 1.5, bonus + 0.5 FROM emp;
SELECT id, hired, active FROM emp;
SELECT t.k, t.v FROM (SELECT key AS k, value AS v FROM src) t WHERE t.k > 400;
SELECT id, name, name FROM dept;
SELECT id, 'const', 42, NULL FROM dept;
SELECT id, ts, d, kind FROM events;
SELECT * FROM nums WHERE a = 1;
SELECT key FROM src WHERE key < 10;
-- A WITH clause before a FROM-first query.
-- reference: WITH q AS (SELECT id, name FROM emp WHERE id < 5) SELECT id, name FROM q ORDER BY id
WITH q AS (SELECT id, name FROM emp WHERE id < 5) FROM q SELECT id, name ORDER BY id;
SELECT - NULL, -(NULL) + 1;
