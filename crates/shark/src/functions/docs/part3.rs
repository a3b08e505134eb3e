//! `DESCRIBE FUNCTION` texts for built-ins `regexp_replace` … `year`, in our own words.

use super::FunctionDoc;

pub(super) const DOCS: &[FunctionDoc] = &[
    FunctionDoc {
        name: "regexp_replace",
        usage: "regexp_replace(str, regexp, rep) - str with every match of regexp swapped for rep",
        extended: "All non-overlapping matches are rewritten; rep may refer to capture groups as $1, $2, ...\nA backslash in the pattern must be doubled inside a SQL string literal. NULL in any argument gives NULL.\nExample:\n  > SELECT regexp_replace('abc123def', '[0-9]+', '#');\n  abc#def\n  > SELECT regexp_replace('john smith', '([a-z]+) ([a-z]+)', '$2 $1');\n  smith john",
    },
    FunctionDoc {
        name: "repeat",
        usage: "repeat(str, n) - str repeated n times",
        extended: "A count of zero or less yields the empty string. NULL in either argument gives NULL.\nExample:\n  > SELECT repeat('ab', 3);\n  ababab",
    },
    FunctionDoc {
        name: "replace",
        usage: "replace(str, search, rep) - str with each occurrence of search changed to rep",
        extended: "Matching is literal (no regular expressions) and case-sensitive. An empty search string leaves str unchanged.\nExample:\n  > SELECT replace('banana', 'an', 'AN');\n  bANANa",
    },
    FunctionDoc {
        name: "reverse",
        usage: "reverse(str) - the characters of str in backwards order",
        extended: "Works on characters, not bytes. NULL input gives NULL.\nExample:\n  > SELECT reverse('shark');\n  krahs",
    },
    FunctionDoc {
        name: "round",
        usage: "round(x[, d]) - x rounded to d decimal places (default 0)",
        extended: "Halves are rounded away from zero. A negative d rounds to the left of the decimal point.\nExample:\n  > SELECT round(3.14159, 2);\n  3.14\n  > SELECT round(1234.5, -2);\n  1200.0",
    },
    FunctionDoc {
        name: "rpad",
        usage: "rpad(str, len, pad) - str filled out on the right with pad up to len characters",
        extended: "If str is already longer than len it is cut down to its first len characters. The pad string is repeated as often as needed.\nExample:\n  > SELECT rpad('hi', 5, 'xy');\n  hixyx\n  > SELECT rpad('abcdef', 3, 'x');\n  abc",
    },
    FunctionDoc {
        name: "rtrim",
        usage: "rtrim(str) - str without its trailing spaces",
        extended: "Only spaces at the end are removed; leading spaces stay. NULL input gives NULL.\nExample:\n  > SELECT concat('[', rtrim('  hi  '), ']');\n  [  hi]",
    },
    FunctionDoc {
        name: "second",
        usage: "second(ts) - the seconds field (0-59) of a timestamp or time string",
        extended: "Accepts a timestamp, a 'yyyy-MM-dd HH:mm:ss' string or a 'HH:mm:ss' string. Unparseable input gives NULL.\nExample:\n  > SELECT second('2024-03-05 10:20:30');\n  30",
    },
    FunctionDoc {
        name: "sha",
        usage: "sha(str_or_bin) - the SHA-1 digest of the argument as 40 hex digits",
        extended: "Synonym: sha1. The result is a lower-case hex string; NULL input gives NULL.\nExample:\n  > SELECT sha('abc');\n  a9993e364706816aba3e25717850c26c9cd0d89d",
    },
    FunctionDoc {
        name: "sha1",
        usage: "sha1(str_or_bin) - the SHA-1 digest of the argument as 40 hex digits",
        extended: "Synonym: sha. The result is a lower-case hex string; NULL input gives NULL.\nExample:\n  > SELECT sha1('abc');\n  a9993e364706816aba3e25717850c26c9cd0d89d",
    },
    FunctionDoc {
        name: "sentences",
        usage: "sentences(str[, lang, country]) - str cut into sentences, each an array of its words",
        extended: "A sentence ends at '.', '!' or '?' followed by a space, or at a line break; its words are the runs of letters and digits (an apostrophe or a period between two of them stays in the word), punctuation dropped. The language and country arguments are accepted and ignored. NULL gives NULL.\nExample:\n  > SELECT sentences('Hello there! How are you?');\n  [[\"Hello\",\"there\"],[\"How\",\"are\",\"you\"]]",
    },
    FunctionDoc {
        name: "sha2",
        usage: "sha2(str_or_bin, bits) - the SHA-2 digest of the argument as a hex string",
        extended: "bits picks the variant: 224, 256, 384 or 512 (0 also means 256). Any other length gives NULL, as does NULL input.\nExample:\n  > SELECT sha2('abc', 256);\n  ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n  > SELECT sha2('abc', 100);\n  NULL",
    },
    FunctionDoc {
        name: "shiftleft",
        usage: "shiftleft(a, n) - a with its bits moved n places to the left",
        extended: "The result is a bigint when a is a bigint and an int otherwise; for an int the shift count wraps at 32.\nExample:\n  > SELECT shiftleft(1, 4);\n  16",
    },
    FunctionDoc {
        name: "shiftright",
        usage: "shiftright(a, n) - a with its bits moved n places to the right, keeping the sign",
        extended: "This is an arithmetic shift: negative numbers stay negative. See shiftrightunsigned for a zero-filling shift.\nExample:\n  > SELECT shiftright(256, 3);\n  32\n  > SELECT shiftright(-16, 2);\n  -4",
    },
    FunctionDoc {
        name: "sign",
        usage: "sign(x) - -1.0, 0.0 or 1.0 depending on whether x is negative, zero or positive",
        extended: "Synonym: signum. The result is a double; NULL input gives NULL.\nExample:\n  > SELECT sign(-7.5);\n  -1.0\n  > SELECT sign(0);\n  0.0",
    },
    FunctionDoc {
        name: "signum",
        usage: "signum(x) - -1.0, 0.0 or 1.0 depending on whether x is negative, zero or positive",
        extended: "Synonym: sign. The result is a double; NULL input gives NULL.\nExample:\n  > SELECT signum(42);\n  1.0",
    },
    FunctionDoc {
        name: "sin",
        usage: "sin(x) - the sine of x, with x in radians",
        extended: "The result is a double; NULL input gives NULL.\nExample:\n  > SELECT sin(0);\n  0.0\n  > SELECT sin(pi() / 2);\n  1.0",
    },
    FunctionDoc {
        name: "size",
        usage: "size(a) - the number of elements in an array or entries in a map",
        extended: "A NULL argument gives -1 rather than NULL.\nExample:\n  > SELECT size(array(1, 2, 3));\n  3\n  > SELECT size(map('a', 1, 'b', 2));\n  2",
    },
    FunctionDoc {
        name: "sort_array",
        usage: "sort_array(array) - the elements of array in ascending order",
        extended: "Elements must be of a comparable type. NULL elements sort before all others.\nExample:\n  > SELECT sort_array(array(3, 1, 2));\n  [1,2,3]\n  > SELECT sort_array(array('b', 'c', 'a'));\n  [\"a\",\"b\",\"c\"]",
    },
    FunctionDoc {
        name: "space",
        usage: "space(n) - a string made of n spaces",
        extended: "A count of zero or less yields the empty string. NULL input gives NULL.\nExample:\n  > SELECT concat('[', space(3), ']');\n  [   ]",
    },
    FunctionDoc {
        name: "split",
        usage: "split(str, regexp) - an array of the pieces of str between matches of regexp",
        extended: "The separator is a regular expression, so characters like '.' need escaping ('\\\\.'). NULL in either argument gives NULL.\nExample:\n  > SELECT split('a,b,c', ',');\n  [\"a\",\"b\",\"c\"]\n  > SELECT split('one1two22three', '[0-9]+');\n  [\"one\",\"two\",\"three\"]",
    },
    FunctionDoc {
        name: "sqrt",
        usage: "sqrt(x) - the square root of x",
        extended: "The result is a double. Negative input has no real root and gives NULL.\nExample:\n  > SELECT sqrt(16);\n  4.0\n  > SELECT sqrt(-1);\n  NULL",
    },
    FunctionDoc {
        name: "std",
        usage: "std(x) - the population standard deviation of the non-NULL values of x",
        extended: "Synonym: stddev_pop (also stddev). Aggregate; the result is a double, NULL when there are no non-NULL rows.\nExample:\n  > SELECT std(key) FROM src;\n  149.3779416647585",
    },
    FunctionDoc {
        name: "stddev",
        usage: "stddev(x) - the population standard deviation of the non-NULL values of x",
        extended: "Synonym: stddev_pop (also std). Aggregate; the result is a double, NULL when there are no non-NULL rows.\nExample:\n  > SELECT stddev(key) FROM src;\n  149.3779416647585",
    },
    FunctionDoc {
        name: "stddev_pop",
        usage: "stddev_pop(x) - the population standard deviation of the non-NULL values of x",
        extended: "Aggregate: the square root of var_pop(x), dividing by the row count n. NULL rows are skipped; no rows gives NULL.\nSynonyms: std, stddev.\nExample:\n  > SELECT stddev_pop(key) FROM src;\n  149.3779416647585",
    },
    FunctionDoc {
        name: "stddev_samp",
        usage: "stddev_samp(x) - the sample standard deviation of the non-NULL values of x",
        extended: "Aggregate: the square root of var_samp(x), dividing by n - 1. A group with fewer than two non-NULL values gives NULL.\nExample:\n  > SELECT stddev_samp(key) FROM src;\n  149.52754404743533",
    },
    FunctionDoc {
        name: "str_to_map",
        usage: "str_to_map(text[, delim1[, delim2]]) - a map<string,string> built by splitting text into pairs",
        extended: "delim1 separates entries (default ',') and delim2 separates a key from its value (default ':'). An entry without delim2 maps its key to NULL.\nExample:\n  > SELECT str_to_map('a:1,b:2');\n  {\"a\":\"1\",\"b\":\"2\"}\n  > SELECT str_to_map('a=1;b=2', ';', '=');\n  {\"a\":\"1\",\"b\":\"2\"}",
    },
    FunctionDoc {
        name: "struct",
        usage: "struct(v1, v2, ...) - a struct whose fields col1, col2, ... hold the given values",
        extended: "Field names are generated; use named_struct to choose your own.\nExample:\n  > SELECT struct(1, 'a', true);\n  {\"col1\":1,\"col2\":\"a\",\"col3\":true}",
    },
    FunctionDoc {
        name: "struct_field",
        usage: "struct_field(s, name) - the field called name of the struct s",
        extended: "Internal form of the s.name syntax, which is how it should be written in queries. A NULL struct gives a NULL field.\nExample:\n  > SELECT named_struct('x', 1, 'y', 2).y;\n  2\n  > SELECT struct(1, 'a').col2;\n  a",
    },
    FunctionDoc {
        name: "substr",
        usage: "substr(str, pos[, len]) - the part of str starting at pos, at most len characters long",
        extended: "Positions count from 1; a negative pos counts back from the end of str. Without len the rest of the string is returned.\nSynonym: substring.\nExample:\n  > SELECT substr('Facebook', 5);\n  book\n  > SELECT substr('Facebook', -4, 2);\n  bo",
    },
    FunctionDoc {
        name: "substring",
        usage: "substring(str, pos[, len]) - the part of str starting at pos, at most len characters long",
        extended: "Positions count from 1; a negative pos counts back from the end of str. Without len the rest of the string is returned.\nSynonym: substr.\nExample:\n  > SELECT substring('Hadoop', 2, 3);\n  ado",
    },
    FunctionDoc {
        name: "substring_index",
        usage: "substring_index(str, delim, count) - the part of str before the count-th occurrence of delim",
        extended: "A positive count counts occurrences from the left and keeps what precedes; a negative count counts from the right and keeps what follows. A count of 0 gives ''.\nExample:\n  > SELECT substring_index('www.apache.org', '.', 2);\n  www.apache\n  > SELECT substring_index('www.apache.org', '.', -1);\n  org",
    },
    FunctionDoc {
        name: "sum",
        usage: "sum(x) - the total of the non-NULL values of x",
        extended: "Aggregate. Integer input adds up as bigint, floating input as double. With DISTINCT each value is counted once. No non-NULL rows gives NULL.\nExample:\n  > SELECT sum(key) FROM src;\n  126694\n  > SELECT sum(key), sum(DISTINCT key) FROM src WHERE key < 10;\n  58\t22",
    },
    FunctionDoc {
        name: "tan",
        usage: "tan(x) - the tangent of x, with x in radians",
        extended: "The result is a double; NULL input gives NULL.\nExample:\n  > SELECT tan(0);\n  0.0\n  > SELECT tan(pi() / 4);\n  0.9999999999999999",
    },
    FunctionDoc {
        name: "timestamp",
        usage: "timestamp(x) - x converted to a timestamp",
        extended: "Same as CAST(x AS TIMESTAMP). A date-only string gets midnight; text that does not parse gives NULL.\nExample:\n  > SELECT timestamp('2024-03-05 10:20:30');\n  2024-03-05 10:20:30\n  > SELECT timestamp('2024-03-05');\n  2024-03-05 00:00:00",
    },
    FunctionDoc {
        name: "to_date",
        usage: "to_date(ts) - the date part of a timestamp or date-time string",
        extended: "The time of day is dropped. Input that is not a valid date or timestamp gives NULL.\nExample:\n  > SELECT to_date('2024-03-05 10:20:30');\n  2024-03-05",
    },
    FunctionDoc {
        name: "to_utc_timestamp",
        usage: "to_utc_timestamp(ts, tz) - ts read as a local time in zone tz, shifted to UTC",
        extended: "tz is a zone name such as 'America/Los_Angeles' or an offset; daylight saving time is taken into account. Inverse of from_utc_timestamp.\nExample:\n  > SELECT to_utc_timestamp('2024-03-05 10:00:00', 'America/Los_Angeles');\n  2024-03-05 18:00:00\n  > SELECT to_utc_timestamp('2024-07-05 10:00:00', 'Asia/Tokyo');\n  2024-07-05 01:00:00",
    },
    FunctionDoc {
        name: "translate",
        usage: "translate(str, from, to) - str with characters of from swapped for those at the same place in to",
        extended: "Characters of from that have no partner in to (because to is shorter) are deleted. NULL in any argument gives NULL.\nExample:\n  > SELECT translate('hello', 'lo', 'xy');\n  hexxy\n  > SELECT translate('hello', 'el', 'a');\n  hao",
    },
    FunctionDoc {
        name: "trim",
        usage: "trim(str) - str without leading and trailing spaces",
        extended: "Only space characters are removed. See ltrim and rtrim for one side only. NULL input gives NULL.\nExample:\n  > SELECT concat('[', trim('  hi  '), ']');\n  [hi]",
    },
    FunctionDoc {
        name: "trunc",
        usage: "trunc(date, fmt) - date cut back to the first day of its year, quarter, month or week; trunc(number[, scale]) - number cut toward zero to scale decimals",
        extended: "For a date, fmt is 'YEAR'/'YYYY'/'YY', 'QUARTER'/'Q', 'MONTH'/'MON'/'MM' or 'WEEK'/'W' (any case); other formats give NULL. For a number, scale (default 0) counts digits after the point, or before it when negative; the result keeps the number's type.\nExample:\n  > SELECT trunc('2024-03-15', 'MM');\n  2024-03-01\n  > SELECT trunc('2024-03-15', 'YEAR');\n  2024-01-01\n  > SELECT trunc(1234.5678, 2);\n  1234.56\n  > SELECT trunc(1234.5678, -2);\n  1200.0",
    },
    FunctionDoc {
        name: "ucase",
        usage: "ucase(str) - str with all letters in upper case",
        extended: "Synonym: upper. Characters that are not letters pass through unchanged.\nExample:\n  > SELECT ucase('hive');\n  HIVE",
    },
    FunctionDoc {
        name: "unbase64",
        usage: "unbase64(str) - the binary value that the base-64 text str encodes",
        extended: "Inverse of base64. Text that is not valid base-64 gives NULL. Cast the result to STRING to read it as text.\nExample:\n  > SELECT cast(unbase64('aGVsbG8=') AS STRING);\n  hello",
    },
    FunctionDoc {
        name: "unhex",
        usage: "unhex(str) - the binary value whose bytes are spelled by the hex digits in str",
        extended: "Each pair of hex digits becomes one byte; inverse of hex. A non-hex character gives NULL.\nExample:\n  > SELECT cast(unhex('4869') AS STRING);\n  Hi",
    },
    FunctionDoc {
        name: "unix_timestamp",
        usage: "unix_timestamp([str[, pattern]]) - seconds since 1970-01-01 00:00:00 UTC",
        extended: "With no argument: the current time. Otherwise str is parsed with pattern (default 'yyyy-MM-dd HH:mm:ss') as a wall-clock time of the session's time zone (hive.local.time.zone, else TZ, else UTC); a failed parse gives NULL.\nExample:\n  > SELECT unix_timestamp('2024-01-01 00:00:00');\n  1704067200\n  > SELECT unix_timestamp('05/03/2024', 'dd/MM/yyyy');\n  1709596800",
    },
    FunctionDoc {
        name: "upper",
        usage: "upper(str) - str with all letters in upper case",
        extended: "Synonym: ucase. Characters that are not letters pass through unchanged; NULL input gives NULL.\nExample:\n  > SELECT upper('Shark 1');\n  SHARK 1",
    },
    FunctionDoc {
        name: "var_pop",
        usage: "var_pop(x) - the population variance of the non-NULL values of x",
        extended: "Aggregate: the mean squared distance from the average, dividing by the row count n. No non-NULL rows gives NULL.\nSynonym: variance.\nExample:\n  > SELECT var_pop(key) FROM src;\n  22313.769455999995",
    },
    FunctionDoc {
        name: "var_samp",
        usage: "var_samp(x) - the sample variance of the non-NULL values of x",
        extended: "Aggregate: like var_pop but dividing by n - 1. A group with fewer than two non-NULL values gives NULL.\nExample:\n  > SELECT var_samp(key) FROM src;\n  22358.48642885771",
    },
    FunctionDoc {
        name: "variance",
        usage: "variance(x) - the population variance of the non-NULL values of x",
        extended: "Synonym: var_pop. Aggregate; the result is a double, NULL when there are no non-NULL rows.\nExample:\n  > SELECT variance(key) FROM src;\n  22313.769455999995",
    },
    FunctionDoc {
        name: "weekofyear",
        usage: "weekofyear(date) - the ISO-8601 week number (1-53) of a date or timestamp",
        extended: "Weeks start on Monday, and week 1 is the one holding the year's first Thursday, so early January can fall in week 52 or 53.\nExample:\n  > SELECT weekofyear('2024-03-05');\n  10\n  > SELECT weekofyear('2021-01-01');\n  53",
    },
    FunctionDoc {
        name: "xpath",
        usage: "xpath(xml, xpath) - the text of every text, attribute or comment node an XPath expression selects, as an array",
        extended: "Elements contribute nothing of their own: select their text() or attributes. NULL or empty arguments give NULL; text that is not XML is an error.\nExample:\n  > SELECT xpath('<a><b>1</b><b>2</b></a>', 'a/b/text()');\n  [\"1\",\"2\"]\n  > SELECT xpath('<a><b k=\"x\"/></a>', 'a/b/@k');\n  [\"x\"]",
    },
    FunctionDoc {
        name: "xpath_boolean",
        usage: "xpath_boolean(xml, xpath) - true when an XPath expression is true (a node-set is true when it is not empty)",
        extended: "Example:\n  > SELECT xpath_boolean('<a><b>1</b></a>', 'a/b = 1');\n  true\n  > SELECT xpath_boolean('<a/>', 'a/c');\n  false",
    },
    FunctionDoc {
        name: "xpath_double",
        usage: "xpath_double(xml, xpath) - the number value of an XPath expression, as a DOUBLE",
        extended: "Text that is no number gives NaN.\nExample:\n  > SELECT xpath_double('<a><b>1.5</b><b>2</b></a>', 'sum(a/b)');\n  3.5",
    },
    FunctionDoc {
        name: "xpath_float",
        usage: "xpath_float(xml, xpath) - the number value of an XPath expression, as a FLOAT",
        extended: "Example:\n  > SELECT xpath_float('<a><b>0.25</b></a>', 'a/b');\n  0.25",
    },
    FunctionDoc {
        name: "xpath_int",
        usage: "xpath_int(xml, xpath) - the number value of an XPath expression, cut to an INT",
        extended: "The fraction is dropped; text that is no number gives 0.\nExample:\n  > SELECT xpath_int('<a><b>7.9</b></a>', 'a/b');\n  7\n  > SELECT xpath_int('<a><b>x</b></a>', 'a/b');\n  0",
    },
    FunctionDoc {
        name: "xpath_long",
        usage: "xpath_long(xml, xpath) - the number value of an XPath expression, cut to a BIGINT",
        extended: "Example:\n  > SELECT xpath_long('<a><b>3</b><b>4</b></a>', 'sum(a/b)');\n  7",
    },
    FunctionDoc {
        name: "xpath_number",
        usage: "xpath_number(xml, xpath) - the number value of an XPath expression, as a DOUBLE (as xpath_double)",
        extended: "Example:\n  > SELECT xpath_number('<a><b>2</b></a>', 'a/b * 3');\n  6.0",
    },
    FunctionDoc {
        name: "xpath_short",
        usage: "xpath_short(xml, xpath) - the number value of an XPath expression, cut to a SMALLINT",
        extended: "Example:\n  > SELECT xpath_short('<a><b>12</b></a>', 'a/b');\n  12",
    },
    FunctionDoc {
        name: "xpath_string",
        usage: "xpath_string(xml, xpath) - the string value of an XPath expression (for a node-set, the text of its first node)",
        extended: "Example:\n  > SELECT xpath_string('<a><b>x</b><b>y</b></a>', 'a/b');\n  x\n  > SELECT xpath_string('<a><b>x</b><b>y</b></a>', 'a/b[2]');\n  y",
    },
    FunctionDoc {
        name: "year",
        usage: "year(date) - the year of a date, timestamp or date string",
        extended: "Input that does not parse as a date gives NULL.\nExample:\n  > SELECT year('2024-03-05 10:20:30');\n  2024",
    },
];
