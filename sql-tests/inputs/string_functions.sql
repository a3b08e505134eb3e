-- String functions. concat is NULL when any argument is NULL; concat_ws skips NULLs; substr is 1-based,
-- a negative start counts from the end, start 0 means 1, and |start| > length gives ''; instr/locate are 1-based, 0 when absent.
-- reference: SELECT 'a' || 'b' || 'c', 'x' || '', 'a' || NULL
SELECT concat('a', 'b', 'c'), concat('x', ''), concat('a', NULL);
-- reference: SELECT id, s || '|' || t FROM strs
SELECT id, concat(s, '|', t) FROM strs;
-- reference: SELECT id, name || '#' || CAST(id AS VARCHAR) FROM emp
SELECT id, concat(name, '#', id) FROM emp;
SELECT id, concat_ws(',', s, t) FROM strs;
SELECT concat_ws('-', 'a', 'b', 'c'), concat_ws('', 'a', 'b'), concat_ws('-', 'a', NULL, 'c'), concat_ws('-', NULL, NULL), concat_ws(NULL, 'a', 'b');
SELECT id, s, length(s), length(t) FROM strs;
SELECT length(''), length(' '), length('hello'), length(NULL);
SELECT id, lower(s), upper(s) FROM strs;
SELECT id, concat('[', trim(s), ']'), concat('[', ltrim(s), ']'), concat('[', rtrim(s), ']') FROM strs WHERE id IN (1, 3, 4);
-- reference: SELECT '[' || trim('  a b  ') || ']', '[' || ltrim('  a b  ') || ']', '[' || rtrim('  a b  ') || ']', trim(NULL)
SELECT concat('[', trim('  a b  '), ']'), concat('[', ltrim('  a b  '), ']'), concat('[', rtrim('  a b  '), ']'), trim(NULL);
SELECT lpad('hi', 5, 'xy'), rpad('hi', 5, 'xy'), lpad('hello', 3, 'x'), rpad('hello', 3, 'x'), lpad('7', 3, '0');
SELECT id, lpad(s, 8, '*'), rpad(s, 8, '*') FROM strs;
-- reference: SELECT substring('Facebook', 5), substring('Facebook', 5, 1), substring('Facebook', -5), substring('Facebook', -5, 2), substring('Facebook', 1, 3)
SELECT substr('Facebook', 5), substr('Facebook', 5, 1), substr('Facebook', -5), substr('Facebook', -5, 2), substr('Facebook', 1, 3);
-- reference: SELECT substring('hello', 1, 2), concat('[', '', ']'), concat('[', '', ']'), concat('[', '', ']'), concat('[', '', ']')
SELECT substr('hello', 0, 2), concat('[', substr('hello', 10), ']'), concat('[', substr('hello', -10), ']'), concat('[', substr('hello', 2, 0), ']'), concat('[', substr('hello', 2, -1), ']');
-- reference: SELECT substring('hello', 2, 100), substring('hello', -1), substring('hello', 5, 1), substr(NULL, 1, 2)
SELECT substring('hello', 2, 100), substring('hello', -1), substring('hello', 5, 1), substr(NULL, 1, 2);
-- reference: SELECT id, s, CASE WHEN 2 > length(s) THEN '' ELSE substring(s, 2, 3) END, CASE WHEN 3 > length(s) THEN '' ELSE substring(s, -3) END FROM strs
SELECT id, s, substr(s, 2, 3), substr(s, -3) FROM strs;
-- instr/locate with an empty search string fail in Hive (findText reads its first byte), so t = '' is left out.
SELECT id, s, t, instr(s, t) FROM strs WHERE t <> '';
SELECT instr('hello', 'l'), instr('hello', 'z'), instr('', 'a'), instr(NULL, 'a'), instr('abcabc', 'ca');
-- reference: SELECT instr('hello', 'l'), instr('hello', 'z'), instr('banana', 'an')
SELECT locate('l', 'hello'), locate('z', 'hello'), locate('an', 'banana');
-- reference: SELECT CASE WHEN instr(substring('banana', 3), 'an') = 0 THEN 0 ELSE instr(substring('banana', 3), 'an') + 2 END, CASE WHEN instr(substring('banana', 5), 'an') = 0 THEN 0 ELSE instr(substring('banana', 5), 'an') + 4 END, instr('banana', 'an')
SELECT locate('an', 'banana', 3), locate('an', 'banana', 5), locate('an', 'banana', 1);
-- reference: SELECT id, s, t, instr(s, t) FROM strs WHERE t <> ''
SELECT id, s, t, locate(t, s) FROM strs WHERE t <> '';
SELECT replace('hello world', 'o', '0'), replace('aaa', 'a', 'bb'), replace('abc', 'x', 'y');
SELECT id, replace(s, 'l', 'L') FROM strs WHERE s <> '';
-- reference: SELECT regexp_replace('a1b22c333', '[0-9]+', '#', 'g'), regexp_replace('hello', 'l', '', 'g'), regexp_replace('abc', 'x', 'y', 'g')
SELECT regexp_replace('a1b22c333', '[0-9]+', '#'), regexp_replace('hello', 'l', ''), regexp_replace('abc', 'x', 'y');
-- reference: SELECT id, regexp_replace(s, '[aeiou]', '_', 'g') FROM strs WHERE s <> ''
SELECT id, regexp_replace(s, '[aeiou]', '_') FROM strs WHERE s <> '';
SELECT regexp_extract('foo-bar-baz', '([a-z]+)-([a-z]+)', 1), regexp_extract('foo-bar-baz', '([a-z]+)-([a-z]+)', 2), regexp_extract('foo-bar-baz', '([a-z]+)-([a-z]+)', 0);
SELECT id, concat('[', regexp_extract(s, '([0-9]+)', 1), ']') FROM strs WHERE s IS NOT NULL;
SELECT id, s, reverse(s) FROM strs;
SELECT reverse('abc'), reverse(''), reverse(NULL);
SELECT repeat('ab', 3), concat('[', repeat('ab', 0), ']'), concat('[', repeat('ab', -1), ']'), repeat('-', 5);
SELECT id, repeat(t, 2) FROM strs WHERE t <> '';
SELECT ascii('A'), ascii('abc'), ascii(''), ascii('0'), ascii(NULL);
SELECT id, s, ascii(s) FROM strs;
-- reference: SELECT id, s, array_to_string(list_transform(string_split(s, ' '), lambda x: upper(x[1]) || lower(x[2:])), ' ') FROM strs
SELECT id, s, initcap(s) FROM strs;
-- reference: SELECT 'Hello World', 'Abc', ''
SELECT initcap('hello world'), initcap('aBC'), initcap('');
SELECT translate('hello', 'lo', 'xy'), translate('abcabc', 'abc', 'AB');
SELECT id, upper(concat_ws(' ', name, CAST(dept_id AS string))) FROM emp;
SELECT id, length(concat_ws('', s, t)) FROM strs;
SELECT x, y, upper(y), length(y) FROM empty_t;
SELECT key, upper(value), substr(value, 5), length(value) FROM src WHERE key < 30;
