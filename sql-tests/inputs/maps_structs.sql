-- Map and struct functions: map(k1, v1, ...) (keys and values coerced to common types), m[k]
-- (NULL when absent or for a NULL key; the LAST value of a repeated key wins), size (-1 for a
-- NULL map), map_keys / map_values, str_to_map(text[, pair_delim[, key_delim]]) (defaults ','
-- and ':', both regular expressions; an entry without the key delimiter maps to NULL; the key
-- delimiter splits once), struct (fields col1, col2, ...), named_struct, s.field, nesting.
-- Results must be scalars, so every map/struct is read back through m[k], size, s.f, ...
-- Not tested here: size / map_keys of a map whose key repeats (Hive keeps one entry per key),
-- str_to_map of NULL (Hive 1.x/2.x throw a NullPointerException), str_to_map of a text ending
-- with the pair delimiter (Java's split drops trailing empty entries).
--
-- DuckDB: MAP {k: v} literals (duplicate keys rejected, so a repeated key is spelled with its
-- last value), m[k] gives the value or NULL, cardinality for size, struct literals {'x': 1},
-- lists 1-based (Hive's a[i] is 0-based); no str_to_map, so its answers are spelled out or
-- derived with string_split.
-- reference: SELECT MAP {'a': 1, 'b': 2}['a'], MAP {'a': 1, 'b': 2}['b'], MAP {'a': 1, 'b': 2}['z'], MAP {'a': 1, 'b': 2}['A']
SELECT map('a', 1, 'b', 2)['a'], map('a', 1, 'b', 2)['b'], map('a', 1, 'b', 2)['z'], map('a', 1, 'b', 2)['A'];
-- reference: SELECT MAP {'a': 1, 'b': 2.5}['a'], MAP {'a': 1::BIGINT, 'b': 10000000000}['a'], MAP {1: 'x', 2: 'y'}[2], MAP {'a': 1, 'b': NULL}['b']
SELECT map('a', 1, 'b', 2.5)['a'], map('a', 1, 'b', 10000000000)['a'], map(1, 'x', 2, 'y')[2], map('a', 1, 'b', NULL)['b'];
-- A repeated key: the last value wins.
-- reference: SELECT MAP {'a': 3, 'b': 2}['a'], MAP {'a': 3, 'b': 2}['b'], MAP {'k': '2'}['k']
SELECT map('a', 1, 'b', 2, 'a', 3)['a'], map('a', 1, 'b', 2, 'a', 3)['b'], str_to_map('k:1,k:2')['k'];
-- A NULL key finds nothing (name is NULL for id 9).
-- reference: SELECT id, MAP {'Alice': 1, 'Bob': 2}[name], NULL::INTEGER FROM emp WHERE id IN (1, 2, 3, 9)
SELECT id, map('Alice', 1, 'Bob', 2)[name], map('a', 1)[NULL] FROM emp WHERE id IN (1, 2, 3, 9);
-- reference: SELECT cardinality(MAP {'a': 1, 'b': 2}), cardinality(MAP {}), len(string_split('a:1,b:2,c:3', ',')), len(string_split('', ','))
SELECT size(map('a', 1, 'b', 2)), size(map()), size(str_to_map('a:1,b:2,c:3')), size(str_to_map(''));
-- size of a NULL map is -1; a lookup in it is NULL.
-- reference: SELECT id, coalesce(cardinality(IF(id > 2, MAP {'a': id, 'b': 0}, NULL)), -1), IF(id > 2, MAP {'a': id, 'b': 0}, NULL)['a'] FROM tags WHERE id < 5
SELECT id, size(if(id > 2, map('a', id, 'b', 0), NULL)), if(id > 2, map('a', id, 'b', 0), NULL)['a'] FROM tags WHERE id < 5;
-- reference: SELECT len(map_keys(MAP {'a': 1, 'b': 2})), list_sort(map_keys(MAP {'b': 1, 'a': 2}))[1], list_sort(map_values(MAP {'b': 1, 'a': 2}))[2], list_contains(map_keys(MAP {'a': 1}), 'a'), list_contains(map_values(MAP {'a': 1}), 2)
SELECT size(map_keys(map('a', 1, 'b', 2))), sort_array(map_keys(map('b', 1, 'a', 2)))[0], sort_array(map_values(map('b', 1, 'a', 2)))[1], array_contains(map_keys(map('a', 1)), 'a'), array_contains(map_values(map('a', 1)), 2);
-- str_to_map: default delimiters, explicit ones, a regular-expression pair delimiter, a value
-- holding the key delimiter (split once), an entry without it (NULL value), an empty value.
-- reference: SELECT '2', NULL::VARCHAR, '1', '2', '2', '1:2', NULL::VARCHAR, true, '', 'end'
SELECT str_to_map('a:1,b:2')['b'], str_to_map('a:1,b:2')['c'], str_to_map('a=1;b=2', ';', '=')['a'], str_to_map('a:1;b:2', ';')['b'], str_to_map('a=1,  b=2', ', *', '=')['b'], str_to_map('a:1:2,b')['a'], str_to_map('a:1:2,b')['b'], array_contains(map_keys(str_to_map('a:1:2,b')), 'b'), str_to_map('x:,y:2')['x'], 'end';
-- Keys are case-sensitive.
-- reference: SELECT NULL::VARCHAR, '1'
SELECT str_to_map('A:1')['a'], str_to_map('A:1')['A'];
-- Tags hold no ':', so each tag is a key with a NULL value (id 3: one empty key).
-- reference: SELECT id, list_contains(string_split(tags, ','), 'red'), NULL::VARCHAR, list_sort(string_split(tags, ','))[1] FROM tags WHERE tags IS NOT NULL
SELECT id, array_contains(map_keys(str_to_map(tags)), 'red'), str_to_map(tags)['red'], sort_array(map_keys(str_to_map(tags)))[0] FROM tags WHERE tags IS NOT NULL;
-- Row 5 (red,blue,red) repeats a key: left out, see the top.
-- reference: SELECT id, len(string_split(tags, ',')), len(string_split(tags, ',')) FROM tags WHERE tags IS NOT NULL AND id <> 5
SELECT id, size(str_to_map(tags)), size(map_values(str_to_map(tags))) FROM tags WHERE tags IS NOT NULL AND id <> 5;
-- reference: SELECT id FROM tags WHERE tags IS NOT NULL AND list_contains(string_split(tags, ','), 'blue')
SELECT id FROM tags WHERE tags IS NOT NULL AND array_contains(map_keys(str_to_map(tags)), 'blue');
-- reference: SELECT key, CAST(key AS VARCHAR), value FROM src WHERE key < 20
SELECT key, str_to_map(concat('k:', key, ',v:', value))['k'], str_to_map(concat('k=', key, '&v=', value), '&', '=')['v'] FROM src WHERE key < 20;
-- 'foo-bar-baz' with pair delimiter '-' and key delimiter 'a': foo -> NULL, b -> r, then b -> z.
-- reference: SELECT id, 'z', NULL::VARCHAR, true FROM strs WHERE id = 12
SELECT id, str_to_map(s, '-', 'a')['b'], str_to_map(s, '-', 'a')['foo'], array_contains(map_keys(str_to_map(s, '-', 'a')), 'foo') FROM strs WHERE id = 12;
-- A key repeated row by row: for key 0 the second entry (0, 'zero') wins.
-- reference: SELECT key, 'zero', CASE WHEN key = 0 THEN 'zero' ELSE value END FROM src WHERE key < 20
SELECT key, map(key, value, 0, 'zero')[0], map(key, value, 0, 'zero')[key] FROM src WHERE key < 20;
-- reference: SELECT key FROM src WHERE key > 400 AND key < 420
SELECT key FROM src WHERE map('lo', key < 100, 'hi', key > 400)['hi'] AND key < 420;
-- reference: SELECT key, value FROM src WHERE value IN ('val_0', 'val_10', 'val_238')
SELECT key, value FROM src WHERE str_to_map(concat('k:', key, ',v:', value))['v'] IN ('val_0', 'val_10', 'val_238');
-- reference: SELECT {'x': 1, 'y': 'a'}.y, {'x': 1, 'y': 'a'}.x, {'col1': 1, 'col2': 'a'}.col2, {'col1': 1, 'col2': 'a'}.col1, {'Foo': 2}.foo
SELECT named_struct('x', 1, 'y', 'a').y, named_struct('x', 1, 'y', 'a').x, struct(1, 'a').col2, struct(1, 'a').col1, named_struct('Foo', 2).foo;
-- reference: SELECT NULL::VARCHAR, 1, 2
SELECT named_struct('a', NULL, 'b', 1).a, named_struct('a', NULL, 'b', 1).b, struct(NULL, 2).col2;
-- reference: SELECT key, value, key + 1 FROM src WHERE key < 20
SELECT key, named_struct('k', key, 'v', value).v, struct(key, value).col1 + 1 FROM src WHERE key < 20;
-- Fields keep their types (double, decimal(10,2), date, boolean), NULLs included.
-- reference: SELECT id, salary, bonus, hired, active FROM emp WHERE id IN (1, 5, 7, 14)
SELECT id, named_struct('s', salary, 'b', bonus, 'h', hired, 'a', active).s, named_struct('s', salary, 'b', bonus, 'h', hired, 'a', active).b, named_struct('s', salary, 'b', bonus, 'h', hired, 'a', active).h, named_struct('s', salary, 'b', bonus, 'h', hired, 'a', active).a FROM emp WHERE id IN (1, 5, 7, 14);
-- reference: SELECT {'a': {'b': 5}}.a.b, {'l': [1, 2, 3]}.l[3], [{'x': 1}, {'x': 2}][2].x
SELECT named_struct('a', named_struct('b', 5)).a.b, named_struct('l', array(1, 2, 3)).l[2], array(named_struct('x', 1), named_struct('x', 2))[1].x;
-- reference: SELECT [MAP {'a': 1}, MAP {'a': 2}][2]['a'], MAP {'k': [1, 2]}['k'][2], MAP {'p': {'x': 1, 'y': 'b'}}['p'].y
SELECT array(map('a', 1), map('a', 2))[1]['a'], map('k', array(1, 2))['k'][1], map('p', named_struct('x', 1, 'y', 'b'))['p'].y;
-- reference: SELECT id, name, dept_id FROM emp WHERE id < 4
SELECT id, named_struct('e', named_struct('id', id, 'n', name)).e.n, map('d', array(dept_id, id))['d'][0] FROM emp WHERE id < 4;
-- reference: SELECT id, name FROM emp WHERE dept_id = 10 AND salary >= 85000
SELECT id, name FROM emp WHERE named_struct('d', dept_id, 's', salary).d = 10 AND named_struct('d', dept_id, 's', salary).s >= 85000;
-- reference: SELECT dept_id AS d, count(*) FROM emp GROUP BY d ORDER BY d
SELECT map('d', dept_id)['d'] AS d, count(*) FROM emp GROUP BY map('d', dept_id)['d'] ORDER BY d;
-- reference: SELECT CAST(dept_id AS VARCHAR) AS d, count(*) FROM emp WHERE dept_id IS NOT NULL GROUP BY d
SELECT str_to_map(concat('d:', dept_id))['d'] AS d, count(*) FROM emp WHERE dept_id IS NOT NULL GROUP BY str_to_map(concat('d:', dept_id))['d'];
-- reference: SELECT region AS r, count(*) FROM dept GROUP BY r
SELECT struct(region, id).col1 AS r, count(*) FROM dept GROUP BY struct(region, id).col1;
-- reference: SELECT key AS k, value AS v FROM src WHERE key > 400 ORDER BY k DESC, v
SELECT named_struct('k', key, 'v', value).k AS k, named_struct('k', key, 'v', value).v AS v FROM src WHERE key > 400 ORDER BY k DESC, v;
-- Repeated keys keep one entry (Hive fills a LinkedHashMap), a trailing pair delimiter adds none.
-- reference: SELECT 1, 1, 1, 'b'
SELECT size(map('a', 1, 'a', 2)), size(str_to_map('k:1,k:2')), size(str_to_map('a:1,')), sort_array(map_keys(map('b', 1, 'a', 2, 'b', 3)))[1];
