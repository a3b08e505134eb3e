//! `DESCRIBE FUNCTION` texts for built-ins `get_json_object` … `regexp_extract`, in our own words.

use super::FunctionDoc;

pub(super) const DOCS: &[FunctionDoc] = &[
    FunctionDoc {
        name: "get_json_object",
        usage: "get_json_object(json_txt, path) - the part of a JSON string selected by a JSONPath expression",
        extended: "path starts with $ and may use .field, [index] and [*]. Objects and arrays come back as JSON text.\nNULL if the JSON is malformed or nothing matches the path.\nExample:\n  > SELECT get_json_object('{\"a\":{\"b\":[10,20]}}', '$.a.b[1]');\n  20\n  > SELECT get_json_object('{\"a\":[{\"b\":1},{\"b\":2}]}', '$.a[*].b');\n  [1,2]",
    },
    FunctionDoc {
        name: "greatest",
        usage: "greatest(v1, v2, ...) - the largest of the arguments",
        extended: "Takes two or more values of comparable types; strings compare lexicographically.\nIf any argument is NULL the result is NULL.\nExample:\n  > SELECT greatest(3, 9, 4);\n  9\n  > SELECT greatest(1, NULL, 5);\n  NULL",
    },
    FunctionDoc {
        name: "hash",
        usage: "hash(a1[, a2, ...]) - Hive's hash code of the arguments, as an int",
        extended: "Each value hashes by the Java rule Hive uses for its type (an int is itself, a bigint folds its two halves, a double its bits, a string its UTF-8 bytes, true is 1, NULL is 0); several arguments combine as h = 31*h + hash(arg). Hive's tests check whole results with sum(hash(...)).\nExample:\n  > SELECT hash('hello');\n  99162322\n  > SELECT hash(1, 'a');\n  128",
    },
    FunctionDoc {
        name: "histogram_numeric",
        usage: "histogram_numeric(x, b) - a histogram of the non-NULL numbers x in at most b bins, as an array of (x, y) structs: bin centre and height",
        extended: "An aggregate. Each value starts as a bin of its own; whenever there are more than b bins, the two closest merge at their weighted mean. With at most b distinct values the bins are exact; otherwise they approximate the distribution, and may differ with the order the rows arrive in.\nExample:\n  > SELECT histogram_numeric(x, 3) FROM (SELECT explode(array(1, 2, 2, 10)) AS x) t;\n  [{\"x\":1.0,\"y\":1.0},{\"x\":2.0,\"y\":2.0},{\"x\":10.0,\"y\":1.0}]",
    },
    FunctionDoc {
        name: "hex",
        usage: "hex(x) - x in hexadecimal",
        extended: "For an integer, its hex digits (negative values as 64-bit two's complement).\nFor a string or binary, two upper-case hex digits per byte.\nExample:\n  > SELECT hex(255);\n  FF\n  > SELECT hex('Hi');\n  4869",
    },
    FunctionDoc {
        name: "hour",
        usage: "hour(ts) - the hour (0-23) of a timestamp or time string",
        extended: "Accepts 'yyyy-MM-dd HH:mm:ss' as well as a bare 'HH:mm:ss'.\nNULL for NULL or unparsable input.\nExample:\n  > SELECT hour('2024-03-15 17:42:08');\n  17",
    },
    FunctionDoc {
        name: "if",
        usage: "if(cond, x, y) - x when cond is true, otherwise y",
        extended: "A NULL or false condition picks y. x and y are brought to a common type.\nExample:\n  > SELECT if(2 > 1, 'yes', 'no');\n  yes\n  > SELECT if(NULL, 'yes', 'no');\n  no",
    },
    FunctionDoc {
        name: "index",
        usage: "index(a, n) - element n of array a, or the value for key n of map a",
        extended: "Array positions start at 0. Same as the a[n] operator.\nNULL when the position is out of range or the key is absent.\nExample:\n  > SELECT index(array(10, 20, 30), 1);\n  20\n  > SELECT index(map('a', 1), 'a');\n  1",
    },
    FunctionDoc {
        name: "initcap",
        usage: "initcap(str) - str with each word's first letter upper-cased and the rest lower-cased",
        extended: "Words are separated by whitespace. NULL stays NULL.\nExample:\n  > SELECT initcap('hello big WORLD');\n  Hello Big World",
    },
    FunctionDoc {
        name: "instr",
        usage: "instr(str, substr) - the 1-based position of the first substr in str",
        extended: "Returns 0 when substr does not occur, NULL if either argument is NULL.\nExample:\n  > SELECT instr('database', 'base');\n  5\n  > SELECT instr('database', 'xyz');\n  0",
    },
    FunctionDoc {
        name: "isnotnull",
        usage: "isnotnull(x) - true if x is not NULL, else false",
        extended: "Same as x IS NOT NULL; never returns NULL itself.\nExample:\n  > SELECT isnotnull(1), isnotnull(NULL);\n  true\tfalse",
    },
    FunctionDoc {
        name: "isnull",
        usage: "isnull(x) - true if x is NULL, else false",
        extended: "Same as x IS NULL. An empty string is not NULL.\nExample:\n  > SELECT isnull(NULL), isnull('x');\n  true\tfalse",
    },
    FunctionDoc {
        name: "java_method",
        usage: "java_method(class, method, arg1, ...) - the result of calling a static Java method",
        extended: "In Hive this invokes a Java method by reflection.\nNot supported in Shark, which runs no Java code: any call fails with a semantic error.\nSynonym: reflect",
    },
    FunctionDoc {
        name: "last_day",
        usage: "last_day(date) - the last day of the month that date falls in",
        extended: "Takes a date, timestamp or 'yyyy-MM-dd' string and returns a date; leap years are handled.\nExample:\n  > SELECT last_day('2024-02-10');\n  2024-02-29",
    },
    FunctionDoc {
        name: "lcase",
        usage: "lcase(str) - str converted to lower case",
        extended: "Synonym: lower\nExample:\n  > SELECT lcase('MiXeD');\n  mixed",
    },
    FunctionDoc {
        name: "least",
        usage: "least(v1, v2, ...) - the smallest of the arguments",
        extended: "Takes two or more values of comparable types; strings compare lexicographically.\nIf any argument is NULL the result is NULL.\nExample:\n  > SELECT least(3, 9, 4);\n  3\n  > SELECT least('pear', 'apple');\n  apple",
    },
    FunctionDoc {
        name: "length",
        usage: "length(str | bin) - the number of characters in a string or bytes in a binary",
        extended: "Characters are counted, not bytes, for multi-byte UTF-8 text. NULL stays NULL.\nExample:\n  > SELECT length('shark');\n  5\n  > SELECT length('héllo');\n  5",
    },
    FunctionDoc {
        name: "levenshtein",
        usage: "levenshtein(str1, str2) - the edit distance between two strings",
        extended: "Counts the single-character insertions, deletions and substitutions needed.\nNULL if either argument is NULL.\nExample:\n  > SELECT levenshtein('kitten', 'mitten');\n  1\n  > SELECT levenshtein('flaw', 'lawn');\n  2",
    },
    FunctionDoc {
        name: "ln",
        usage: "ln(x) - the natural logarithm of x",
        extended: "Returns a double; NULL when x is zero or negative.\nExample:\n  > SELECT ln(1);\n  0.0\n  > SELECT ln(0);\n  NULL",
    },
    FunctionDoc {
        name: "locate",
        usage: "locate(substr, str[, pos]) - the 1-based position of the first substr in str at or after pos",
        extended: "pos defaults to 1. Returns 0 when there is no match or pos is below 1.\nNote the argument order differs from instr.\nExample:\n  > SELECT locate('a', 'banana');\n  2\n  > SELECT locate('a', 'banana', 3);\n  4",
    },
    FunctionDoc {
        name: "log",
        usage: "log(base, x) - the logarithm of x in the given base",
        extended: "Returns a double; NULL when base or x is not positive. Floating point may round.\nExample:\n  > SELECT log(2, 8);\n  3.0\n  > SELECT log(10, 1000);\n  2.9999999999999996",
    },
    FunctionDoc {
        name: "log10",
        usage: "log10(x) - the base-10 logarithm of x",
        extended: "Returns a double; NULL when x is zero or negative.\nExample:\n  > SELECT log10(1000);\n  3.0",
    },
    FunctionDoc {
        name: "log2",
        usage: "log2(x) - the base-2 logarithm of x",
        extended: "Returns a double; NULL when x is zero or negative.\nExample:\n  > SELECT log2(1024);\n  10.0\n  > SELECT log2(0);\n  NULL",
    },
    FunctionDoc {
        name: "lower",
        usage: "lower(str) - str converted to lower case",
        extended: "NULL stays NULL. Synonym: lcase\nExample:\n  > SELECT lower('ShArK');\n  shark",
    },
    FunctionDoc {
        name: "lpad",
        usage: "lpad(str, len, pad) - str padded on the left with pad up to len characters",
        extended: "A str longer than len is cut to its first len characters.\nAn empty pad gives NULL.\nExample:\n  > SELECT lpad('7', 3, '0');\n  007\n  > SELECT lpad('abcdef', 3, 'x');\n  abc",
    },
    FunctionDoc {
        name: "ltrim",
        usage: "ltrim(str) - str with leading spaces removed",
        extended: "Only the left end is trimmed; trailing spaces stay.\nExample:\n  > SELECT concat('[', ltrim('  x  '), ']');\n  [x  ]",
    },
    FunctionDoc {
        name: "map",
        usage: "map(k1, v1, k2, v2, ...) - a map built from alternating keys and values",
        extended: "Keys share one type and values share one type. Look values up with m[key].\nExample:\n  > SELECT map('a', 1, 'b', 2);\n  {\"a\":1,\"b\":2}\n  > SELECT map('k', 'v')['k'];\n  v",
    },
    FunctionDoc {
        name: "map_keys",
        usage: "map_keys(m) - an array of the keys of map m",
        extended: "An empty map gives an empty array.\nExample:\n  > SELECT map_keys(map('a', 1, 'b', 2));\n  [\"a\",\"b\"]",
    },
    FunctionDoc {
        name: "map_values",
        usage: "map_values(m) - an array of the values of map m",
        extended: "Values are listed in the same order as map_keys lists the keys.\nExample:\n  > SELECT map_values(map('a', 1, 'b', 2));\n  [1,2]",
    },
    FunctionDoc {
        name: "max",
        usage: "max(expr) - the largest value of expr over the group",
        extended: "Aggregate. NULL values are skipped; NULL if the group has no non-NULL value.\nWorks on any ordered type; strings compare lexicographically.\nExample:\n  > SELECT max(key) FROM src;\n  499\n  > SELECT max(value) FROM src;\n  val_97",
    },
    FunctionDoc {
        name: "md5",
        usage: "md5(str | bin) - the MD5 digest of the argument as 32 hex characters",
        extended: "The result is lower-case hex. NULL stays NULL.\nExample:\n  > SELECT md5('');\n  d41d8cd98f00b204e9800998ecf8427e",
    },
    FunctionDoc {
        name: "mean",
        usage: "mean(x) - the arithmetic mean of x over the group",
        extended: "Aggregate returning a double; NULL values are skipped.\nSynonym: avg\nExample:\n  > SELECT mean(key) FROM src;\n  253.388",
    },
    FunctionDoc {
        name: "min",
        usage: "min(expr) - the smallest value of expr over the group",
        extended: "Aggregate. NULL values are skipped; NULL if the group has no non-NULL value.\nWorks on any ordered type; strings compare lexicographically.\nExample:\n  > SELECT min(key) FROM src;\n  0\n  > SELECT min(value) FROM src;\n  val_0",
    },
    FunctionDoc {
        name: "minute",
        usage: "minute(ts) - the minute (0-59) of a timestamp or time string",
        extended: "Accepts 'yyyy-MM-dd HH:mm:ss' as well as a bare 'HH:mm:ss'.\nNULL for NULL or unparsable input.\nExample:\n  > SELECT minute('2024-03-15 17:42:08');\n  42",
    },
    FunctionDoc {
        name: "month",
        usage: "month(date) - the month (1-12) of a date, timestamp or date string",
        extended: "NULL for NULL or unparsable input.\nExample:\n  > SELECT month('2024-03-15');\n  3",
    },
    FunctionDoc {
        name: "months_between",
        usage: "months_between(date1, date2[, roundOff]) - the number of months from date2 to date1",
        extended: "Positive when date1 is later. Whole when both are the same day of month or both month-ends;\notherwise the fraction uses 31-day months. Rounded to 8 digits unless roundOff is false.\nExample:\n  > SELECT months_between('2024-03-31', '2024-01-31');\n  2.0\n  > SELECT months_between('2024-03-15', '2024-02-01');\n  1.4516129",
    },
    FunctionDoc {
        name: "named_struct",
        usage: "named_struct(name1, val1, name2, val2, ...) - a struct with the given field names and values",
        extended: "Names must be constant strings. Read a field with s.name.\nExample:\n  > SELECT named_struct('id', 7, 'name', 'bob');\n  {\"id\":7,\"name\":\"bob\"}\n  > SELECT named_struct('id', 7, 'name', 'bob').name;\n  bob",
    },
    FunctionDoc {
        name: "next_day",
        usage: "next_day(start_date, day_of_week) - the first date after start_date that falls on day_of_week",
        extended: "day_of_week is a day name or its 2- or 3-letter abbreviation, case-insensitive.\nAlways strictly later than start_date; NULL for an unknown day name.\nExample:\n  > SELECT next_day('2024-03-15', 'MO');\n  2024-03-18\n  > SELECT next_day('2024-03-15', 'friday');\n  2024-03-22",
    },
    FunctionDoc {
        name: "ngrams",
        usage: "ngrams(sentences, n, k[, pf]) - the k most frequent runs of n consecutive words, with their counts (an aggregate)",
        extended: "sentences is an array of sentences, each an array of words, as sentences() makes (a plain array of words is one sentence). The answer is an array of structs {ngram: array of n words, estfrequency: its count}, most frequent first; ties go in the order of their words. Shark counts exactly; the precision factor pf is accepted and ignored.\nExample:\n  > SELECT ngrams(sentences('the cat and the cat and a dog'), 2, 2);\n  [{\"ngram\":[\"cat\",\"and\"],\"estfrequency\":2.0},{\"ngram\":[\"the\",\"cat\"],\"estfrequency\":2.0}]",
    },
    FunctionDoc {
        name: "nullif",
        usage: "nullif(a, b) - NULL if a equals b, otherwise a",
        extended: "Shorthand for CASE WHEN a = b THEN NULL ELSE a END.\nExample:\n  > SELECT nullif(5, 5);\n  NULL\n  > SELECT nullif(5, 3);\n  5",
    },
    FunctionDoc {
        name: "nvl",
        usage: "nvl(value, default) - value, or default when value is NULL",
        extended: "Both arguments are brought to a common type.\nExample:\n  > SELECT nvl(NULL, 'fallback');\n  fallback\n  > SELECT nvl('set', 'fallback');\n  set",
    },
    FunctionDoc {
        name: "nvl2",
        usage: "nvl2(expr, if_not_null, if_null) - if_not_null when expr is not NULL, otherwise if_null",
        extended: "Only the NULL-ness of expr matters, not its value.\nExample:\n  > SELECT nvl2(NULL, 'has value', 'is null');\n  is null\n  > SELECT nvl2(1, 'has value', 'is null');\n  has value",
    },
    FunctionDoc {
        name: "parse_url",
        usage: "parse_url(url, part[, key]) - the named part of a URL",
        extended: "part is one of HOST, PATH, QUERY, REF, PROTOCOL, AUTHORITY, FILE, USERINFO.\nWith QUERY, key picks a single query parameter. NULL when the part is missing.\nExample:\n  > SELECT parse_url('http://example.com:8080/p/q.html?x=1&y=2#top', 'HOST');\n  example.com\n  > SELECT parse_url('http://example.com:8080/p/q.html?x=1&y=2#top', 'QUERY', 'y');\n  2",
    },
    FunctionDoc {
        name: "percentile",
        usage: "percentile(col, p) - the exact p-th percentile of a numeric column over the group",
        extended: "Aggregate. p is a fraction in [0, 1], or an array of them to get an array back.\nInterpolates between neighbouring values; NULLs are skipped.\nExample:\n  > SELECT percentile(key, 0.5) FROM src;\n  253.5\n  > SELECT percentile(key, array(0.25, 0.75)) FROM src;\n  [128.75,389.25]",
    },
    FunctionDoc {
        name: "percentile_approx",
        usage: "percentile_approx(col, p[, accuracy]) - an approximate p-th percentile of a numeric column over the group",
        extended: "Aggregate. p is a fraction in [0, 1] or an array of them. Larger accuracy\n(default 10000) trades memory for precision. Result is a double.\nExample:\n  > SELECT percentile_approx(key, 0.5) FROM src;\n  253.5\n  > SELECT percentile_approx(key, array(0.1, 0.9), 1000) FROM src;\n  [45.0,457.20000000000005]",
    },
    FunctionDoc {
        name: "pi",
        usage: "pi() - the constant pi",
        extended: "Returns a double.\nExample:\n  > SELECT pi();\n  3.141592653589793",
    },
    FunctionDoc {
        name: "pmod",
        usage: "pmod(a, b) - the non-negative remainder of a divided by b",
        extended: "Unlike a % b the result takes the sign of b, so it is never negative for b > 0.\nNULL when b is 0.\nExample:\n  > SELECT pmod(-7, 3);\n  2\n  > SELECT pmod(7.5, 2);\n  1.5",
    },
    FunctionDoc {
        name: "pow",
        usage: "pow(x, p) - x raised to the power p",
        extended: "Returns a double. Synonym: power\nExample:\n  > SELECT pow(2, 10);\n  1024.0\n  > SELECT pow(4, 0.5);\n  2.0",
    },
    FunctionDoc {
        name: "power",
        usage: "power(x, p) - x raised to the power p",
        extended: "Returns a double. Synonym: pow\nExample:\n  > SELECT power(3, 3);\n  27.0",
    },
    FunctionDoc {
        name: "printf",
        usage: "printf(format, args...) - a string built from a printf-style format",
        extended: "Supports the usual conversions such as %s, %d, %f and %x with width and precision.\nExample:\n  > SELECT printf('%s has %d rows', 'src', 500);\n  src has 500 rows\n  > SELECT printf('%05.2f', 3.14159);\n  03.14",
    },
    FunctionDoc {
        name: "quarter",
        usage: "quarter(date) - the quarter of the year (1-4) of a date, timestamp or date string",
        extended: "NULL for NULL or unparsable input.\nExample:\n  > SELECT quarter('2024-08-20');\n  3",
    },
    FunctionDoc {
        name: "radians",
        usage: "radians(x) - x degrees converted to radians",
        extended: "Returns a double.\nExample:\n  > SELECT radians(180);\n  3.141592653589793",
    },
    FunctionDoc {
        name: "rand",
        usage: "rand([seed]) - a random double in [0, 1)",
        extended: "Gives a new value per row. With a seed the sequence is repeatable.\nExample:\n  > SELECT rand(42) >= 0 AND rand(42) < 1;\n  true\n  > SELECT rand(7) = rand(7);\n  true",
    },
    FunctionDoc {
        name: "reflect",
        usage: "reflect(class, method, arg1, ...) - the result of calling a static Java method",
        extended: "In Hive this invokes a Java method by reflection.\nNot supported in Shark, which runs no Java code: any call fails with a semantic error.\nSynonym: java_method",
    },
    FunctionDoc {
        name: "regexp_extract",
        usage: "regexp_extract(str, regexp[, idx]) - the text matched by capture group idx of regexp in str",
        extended: "idx defaults to 1; 0 means the whole match. Gives '' when there is no match.\nBackslashes in the pattern must be doubled inside SQL string literals.\nExample:\n  > SELECT regexp_extract('abc-123-xyz', '([a-z]+)-(\\\\d+)', 2);\n  123\n  > SELECT regexp_extract('abc-123-xyz', '([a-z]+)-(\\\\d+)', 0);\n  abc-123",
    },
];
