-- nvl2, hex, bin, base64, crc32, substring_index, find_in_set, levenshtein, elt, field, chr,
-- factorial, shiftleft, shiftright.
-- reference: SELECT id, CASE WHEN name IS NOT NULL THEN 'has' ELSE 'none' END, CASE WHEN dept_id IS NOT NULL THEN dept_id * 2 ELSE -1 END FROM emp
SELECT id, nvl2(name, 'has', 'none'), nvl2(dept_id, dept_id * 2, -1) FROM emp;
SELECT hex(255), hex(0), hex(-1), hex('abc'), bin(13), bin(0);
-- reference: SELECT key, hex(CAST(key AS BIGINT)), bin(CAST(key AS BIGINT)) FROM src WHERE key < 20
SELECT key, hex(key), bin(key) FROM src WHERE key < 20;
-- reference: SELECT to_base64('abc'::BLOB), to_base64(''::BLOB)
SELECT base64(cast('abc' AS binary)), base64(cast('' AS binary));
-- reference: SELECT 891568578, 0
SELECT crc32('abc'), crc32('');
-- reference: SELECT 'www.apache', 'apache.org', 'www.apache.org', '', 'org'
SELECT substring_index('www.apache.org', '.', 2), substring_index('www.apache.org', '.', -2), substring_index('www.apache.org', '.', 5), substring_index('www.apache.org', '.', 0), substring_index('www.apache.org', '.', -1);
-- reference: SELECT 2, 0, 0, 1
SELECT find_in_set('b', 'a,b,c'), find_in_set('d', 'a,b,c'), find_in_set('a,b', 'a,b,c'), find_in_set('', ',a');
-- reference: SELECT id, levenshtein(coalesce(name, ''), 'alice') FROM emp
SELECT id, levenshtein(coalesce(name, ''), 'alice') FROM emp;
-- reference: SELECT levenshtein('kitten', 'sitting'), levenshtein('', 'abc'), levenshtein('same', 'same')
SELECT levenshtein('kitten', 'sitting'), levenshtein('', 'abc'), levenshtein('same', 'same');
-- reference: SELECT 'b', CAST(NULL AS VARCHAR), 'a'
SELECT elt(2, 'a', 'b', 'c'), elt(4, 'a', 'b', 'c'), elt(1, 'a', 'b');
-- reference: SELECT 2, 0, 3
SELECT field('b', 'a', 'b', 'c'), field('z', 'a', 'b'), field('c', 'a', 'b', 'c');
SELECT chr(65), chr(97), factorial(5), factorial(0), factorial(20);
-- reference: SELECT 1 << 4, 16 >> 2, 5 << 0
SELECT shiftleft(1, 4), shiftright(16, 2), shiftleft(5, 0);
-- months_between (Hive: whole months for the same day or two month ends, else days / 31, rounded
-- to 8 decimals) and next_day (the next date strictly after, by a day name or its first two letters).
-- reference: SELECT CAST(3.94959677 AS DOUBLE), CAST(1.0 AS DOUBLE), CAST(-2.0 AS DOUBLE), CAST(0.51612903 AS DOUBLE)
SELECT months_between('1997-02-28 10:30:00', '1996-10-30'), months_between('2024-03-31', '2024-02-29'), months_between('2024-01-15', '2024-03-15'), months_between('2024-02-20', '2024-02-04');
-- reference: SELECT DATE '2015-01-20', DATE '2015-01-21', CAST(NULL AS DATE), DATE '2024-03-04'
SELECT next_day('2015-01-14', 'TU'), next_day('2015-01-14', 'Wednesday'), next_day('2015-01-14', 'xx'), next_day('2024-02-29', 'mon');
-- Digests as lower-case hex.
-- reference: SELECT md5('abc'), md5(''), sha256('abc'), sha1('abc')
SELECT md5('abc'), md5(''), sha2('abc', 256), sha1('abc');
-- reference: SELECT id, md5(coalesce(name, '')), sha256(coalesce(name, '')) FROM emp
SELECT id, md5(coalesce(name, '')), sha2(coalesce(name, ''), 0) FROM emp;
-- reference: SELECT CAST(NULL AS VARCHAR), '23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7', 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f', 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7'
SELECT sha2('abc', 100), sha2('abc', 224), sha2('abc', 512), sha2('abc', 384);
-- format_number (half-even, thousands grouped) and printf (Java's String.format conversions).
-- reference: SELECT '1,234,567.89', '-1,234', '0.500', '12,346'
SELECT format_number(1234567.891, 2), format_number(-1234.5, 0), format_number(0.5, 3), format_number(12345.6, 0);
-- reference: SELECT id, CASE WHEN salary IS NULL THEN NULL ELSE format('{:,.1f}', salary) END FROM emp
SELECT id, format_number(salary, 1) FROM emp;
-- reference: SELECT printf('%s=%d', 'a', 5), printf('[%5s|%-5s|%05d|%.2f|%x]', 'ab', 'cd', -42, 3.14159, 255)
SELECT printf('%s=%d', 'a', 5), printf('[%5s|%-5s|%05d|%.2f|%x]', 'ab', 'cd', -42, 3.14159, 255);
-- reference: SELECT key, printf('%03d:%s', key, value) FROM src WHERE key < 20
SELECT key, printf('%03d:%s', key, value) FROM src WHERE key < 20;
