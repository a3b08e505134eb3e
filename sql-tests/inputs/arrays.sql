-- Array functions: array(...), split, a[i] (0-based, NULL past either end), size (-1 for NULL),
-- sort_array (ascending, NULLs first), array_contains; arrays printed as Hive's CLI prints them.
-- Hive: split keeps inner empty strings; none of the inputs here ends with its separator.
-- reference: SELECT id, string_split(tags, ',')[1], string_split(tags, ',')[2], string_split(tags, ',')[4] FROM tags
SELECT id, split(tags, ',')[0], split(tags, ',')[1], split(tags, ',')[3] FROM tags;
-- reference: SELECT id, CASE WHEN tags IS NULL THEN -1 ELSE len(string_split(tags, ',')) END FROM tags
SELECT id, size(split(tags, ',')) FROM tags;
-- reference: SELECT id, list_contains(string_split(tags, ','), 'red') FROM tags
SELECT id, array_contains(split(tags, ','), 'red') FROM tags;
-- reference: SELECT id, array_to_string(list_sort(string_split(tags, ',')), '|') FROM tags WHERE id IN (1, 5, 6, 7)
SELECT id, concat_ws('|', sort_array(split(tags, ','))[0], sort_array(split(tags, ','))[1], sort_array(split(tags, ','))[2]) FROM tags WHERE id IN (1, 5, 6, 7);
-- reference: SELECT id, [id, id * 2, NULL][2], len([id, id * 2]) FROM tags WHERE id < 4
SELECT id, array(id, id * 2, NULL)[1], size(array(id, id * 2)) FROM tags WHERE id < 4;
-- reference: SELECT id, string_split(s, ' ')[2] FROM strs WHERE id IN (2, 9, 13)
SELECT id, split(s, ' ')[1] FROM strs WHERE id IN (2, 9, 13);
-- reference: SELECT string_split(tags, ',')[1] AS first, count(*) FROM tags WHERE tags IS NOT NULL AND tags <> '' GROUP BY first
SELECT split(tags, ',')[0] AS first, count(*) FROM tags WHERE tags IS NOT NULL AND tags <> '' GROUP BY split(tags, ',')[0];
-- reference: SELECT id FROM tags WHERE list_contains(string_split(tags, ','), 'blue')
SELECT id FROM tags WHERE array_contains(split(tags, ','), 'blue');
-- reference: SELECT key, list_contains([1, 2, 3], key % 5) FROM src WHERE key < 30
SELECT key, array_contains(array(1, 2, 3), key % 5) FROM src WHERE key < 30;
-- reference: SELECT id, string_split(s, '-')[3], string_split(s, '-')[-1 + 1] FROM strs WHERE id = 12
SELECT id, split(s, '-')[2], split(s, '-')[-1] FROM strs WHERE id = 12;
