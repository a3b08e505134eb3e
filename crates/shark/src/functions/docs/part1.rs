//! `DESCRIBE FUNCTION` texts for built-ins `abs` … `from_utc_timestamp`, in our own words.

use super::FunctionDoc;

pub(super) const DOCS: &[FunctionDoc] = &[
    FunctionDoc {
        name: "abs",
        usage: "abs(x) - the absolute value of x",
        extended: "x may be any numeric type and the result keeps that type.\nNULL in, NULL out.\nExample:\n  > SELECT abs(-3.5);\n  3.5\n  > SELECT abs(-7);\n  7",
    },
    FunctionDoc {
        name: "acos",
        usage: "acos(x) - the arc cosine of x, in radians",
        extended: "x is read as a double. For x outside [-1, 1] the result is NULL (unlike acos, which gives NaN); NULL gives NULL.\nExample:\n  > SELECT acos(1);\n  0.0\n  > SELECT acos(0.5);\n  1.0471975511965979",
    },
    FunctionDoc {
        name: "add_months",
        usage: "add_months(start_date, num_months[, output_format]) - the date num_months months after start_date",
        extended: "start_date is a date, timestamp or 'yyyy-MM-dd' string; num_months may be negative. Without output_format the result is a date (any time part is dropped); with one (a Java date pattern) it is a string that keeps start_date's time of day.\nIf the day does not exist in the target month, or start_date is the last day of its month, the last day of the target month is used.\nExample:\n  > SELECT add_months('2024-01-31', 1);\n  2024-02-29\n  > SELECT add_months('2024-03-15', -2);\n  2024-01-15\n  > SELECT add_months('2024-01-31 08:30:00', 1, 'dd.MM.yyyy HH:mm');\n  29.02.2024 08:30",
    },
    FunctionDoc {
        name: "array",
        usage: "array(v1, v2, ...) - an array holding the given values",
        extended: "All elements are brought to one common type; NULL elements are kept.\nWith no arguments the array is empty.\nExample:\n  > SELECT array(1, 2, 3);\n  [1,2,3]\n  > SELECT array(1, 2.5);\n  [1.0,2.5]",
    },
    FunctionDoc {
        name: "array_contains",
        usage: "array_contains(arr, value) - true if value occurs in arr",
        extended: "value is compared with the elements after conversion to the element type.\nNULL when arr or value is NULL.\nExample:\n  > SELECT array_contains(array(1, 2, 3), 2);\n  true\n  > SELECT array_contains(array('x', 'y'), 'z');\n  false",
    },
    FunctionDoc {
        name: "ascii",
        usage: "ascii(str) - the numeric value of the first byte of str",
        extended: "An empty string gives 0 and NULL gives NULL. Only the first byte counts, so a multi-byte UTF-8 character yields a negative number.\nExample:\n  > SELECT ascii('Hive');\n  72\n  > SELECT ascii('');\n  0",
    },
    FunctionDoc {
        name: "asin",
        usage: "asin(x) - the arc sine of x, in radians",
        extended: "x is read as a double. For x outside [-1, 1] the result is NaN; NULL gives NULL.\nExample:\n  > SELECT asin(1);\n  1.5707963267948966\n  > SELECT asin(0);\n  0.0",
    },
    FunctionDoc {
        name: "assert_true",
        usage: "assert_true(cond) - NULL if cond holds, otherwise the query fails",
        extended: "Use it to stop a query when a condition about the data is broken.\nA false or NULL condition raises an error.\nExample:\n  > SELECT assert_true(1 < 2);\n  NULL",
    },
    FunctionDoc {
        name: "atan",
        usage: "atan(x) - the arc tangent of x, in radians",
        extended: "x is read as a double; the result lies between -pi/2 and pi/2. NULL gives NULL.\nExample:\n  > SELECT atan(1);\n  0.7853981633974483\n  > SELECT atan(0);\n  0.0",
    },
    FunctionDoc {
        name: "avg",
        usage: "avg([DISTINCT] x) - aggregate: the mean of the non-NULL values of x",
        extended: "NULL values are skipped; with no non-NULL values the result is NULL.\nThe result is a double (a decimal for decimal input). DISTINCT averages each value once.\nExample:\n  > SELECT avg(x) FROM (SELECT explode(array(1, 2, 4)) AS x) t;\n  2.3333333333333335\n  > SELECT avg(DISTINCT x) FROM (SELECT explode(array(1, 1, 4)) AS x) t;\n  2.5",
    },
    FunctionDoc {
        name: "base64",
        usage: "base64(bin) - bin encoded as a base-64 string",
        extended: "Takes a binary value (a string is taken as its UTF-8 bytes). The output uses the standard alphabet with '=' padding. NULL gives NULL.\nSee also: unbase64\nExample:\n  > SELECT base64(CAST('Shark' AS BINARY));\n  U2hhcms=\n  > SELECT base64('hi');\n  aGk=",
    },
    FunctionDoc {
        name: "bin",
        usage: "bin(n) - n written in binary digits",
        extended: "n is a bigint; a negative n is shown as its 64-bit two's complement. NULL gives NULL.\nExample:\n  > SELECT bin(10);\n  1010\n  > SELECT bin(-1);\n  1111111111111111111111111111111111111111111111111111111111111111",
    },
    FunctionDoc {
        name: "bround",
        usage: "bround(x[, d]) - x rounded to d decimal places, ties going to the even neighbour",
        extended: "d defaults to 0 and may be negative. Unlike round, an exact half goes to the nearest even digit (banker's rounding).\nExample:\n  > SELECT bround(2.5), bround(3.5);\n  2.0\t4.0\n  > SELECT bround(8.25, 1);\n  8.2",
    },
    FunctionDoc {
        name: "cbrt",
        usage: "cbrt(x) - the cube root of x",
        extended: "x is read as a double and may be negative. NULL gives NULL.\nExample:\n  > SELECT cbrt(27);\n  3.0\n  > SELECT cbrt(-8);\n  -2.0",
    },
    FunctionDoc {
        name: "ceil",
        usage: "ceil(x) - the smallest integer not less than x",
        extended: "Returns a bigint. NULL gives NULL.\nSynonym: ceiling\nExample:\n  > SELECT ceil(4.2);\n  5\n  > SELECT ceil(-4.2);\n  -4",
    },
    FunctionDoc {
        name: "ceiling",
        usage: "ceiling(x) - the smallest integer not less than x",
        extended: "Returns a bigint. NULL gives NULL.\nSynonym: ceil\nExample:\n  > SELECT ceiling(4.2);\n  5\n  > SELECT ceiling(-4.2);\n  -4",
    },
    FunctionDoc {
        name: "chr",
        usage: "chr(n) - the character whose code is n modulo 256",
        extended: "n is taken modulo 256, so chr(321) equals chr(65). A negative n gives an empty string; NULL gives NULL.\nExample:\n  > SELECT chr(65);\n  A\n  > SELECT chr(72), chr(105);\n  H\ti",
    },
    FunctionDoc {
        name: "coalesce",
        usage: "coalesce(v1, v2, ...) - the first argument that is not NULL",
        extended: "Arguments are brought to a common type. If every argument is NULL the result is NULL.\nExample:\n  > SELECT coalesce(NULL, 'b', 'c');\n  b\n  > SELECT coalesce(NULL, NULL);\n  NULL",
    },
    FunctionDoc {
        name: "collect_list",
        usage: "collect_list(x) - aggregate: an array of the values of x, duplicates included",
        extended: "NULL values are left out. The order of the elements follows the order the rows were read in and is not guaranteed.\nExample:\n  > SELECT collect_list(x) FROM (SELECT explode(array(1, 2, 1)) AS x) t;\n  [1,2,1]",
    },
    FunctionDoc {
        name: "collect_set",
        usage: "collect_set(x) - aggregate: an array of the distinct values of x",
        extended: "Each value appears once; NULL values are left out. The order of the elements is not guaranteed.\nExample:\n  > SELECT collect_set(x) FROM (SELECT explode(array(1, 2, 1)) AS x) t;\n  [1,2]",
    },
    FunctionDoc {
        name: "concat",
        usage: "concat(s1, s2, ...) - the arguments joined end to end into one string",
        extended: "Non-string arguments are converted to strings first. If any argument is NULL the result is NULL.\nExample:\n  > SELECT concat('Sh', 'ar', 'k');\n  Shark\n  > SELECT concat('a', NULL);\n  NULL",
    },
    FunctionDoc {
        name: "concat_ws",
        usage: "concat_ws(sep, s1, s2, ...) - the strings joined with sep between them",
        extended: "Non-string arguments are converted to strings; an array's elements are joined in place.\nNULL arguments are skipped; a NULL separator gives NULL.\nExample:\n  > SELECT concat_ws('-', 'a', 'b', 'c');\n  a-b-c\n  > SELECT concat_ws('-', 'a', NULL, 'c');\n  a-c",
    },
    FunctionDoc {
        name: "context_ngrams",
        usage: "context_ngrams(sentences, context, k[, pf]) - the k most frequent ways the NULLs of a context of words are filled in a set of sentences, with their counts",
        extended: "An aggregate. sentences is an array of arrays of words (as sentences() gives) or an array of words; context is an array of words and NULLs: the words must appear as given, each NULL takes whatever word is there. Counts are exact (pf is accepted and ignored); ties come in the order of the words.\nExample:\n  > SELECT context_ngrams(sentences('I like tea. I like milk. You like tea.'), array(NULL, 'like', NULL), 2);\n  [{\"ngram\":[\"I\",\"milk\"],\"estfrequency\":1.0},{\"ngram\":[\"I\",\"tea\"],\"estfrequency\":1.0}]",
    },
    FunctionDoc {
        name: "conv",
        usage: "conv(num, from_base, to_base) - num converted from one number base to another",
        extended: "num is an integer or a string of digits in from_base. Bases run from 2 to 36; a negative to_base treats the value as signed.\nInvalid digits end the number; an invalid base gives NULL.\nExample:\n  > SELECT conv('ff', 16, 10);\n  255\n  > SELECT conv(100, 10, 2);\n  1100100",
    },
    FunctionDoc {
        name: "corr",
        usage: "corr(x, y) - aggregate: the Pearson correlation coefficient of the pairs (x, y)",
        extended: "Rows where x or y is NULL are ignored. The result is a double, or NULL when fewer than two pairs remain or either column does not vary.\nExample:\n  > SELECT corr(x, y) FROM (SELECT stack(3, 1, 2, 2, 4, 3, 5) AS (x, y)) t;\n  0.9819805060619659",
    },
    FunctionDoc {
        name: "cos",
        usage: "cos(x) - the cosine of x, an angle in radians",
        extended: "x is read as a double. NULL gives NULL.\nExample:\n  > SELECT cos(0);\n  1.0\n  > SELECT cos(pi());\n  -1.0",
    },
    FunctionDoc {
        name: "count",
        usage: "count(*), count([DISTINCT] expr, ...) - aggregate: the number of rows",
        extended: "count(*) counts every row. count(expr, ...) counts the rows where no listed expression is NULL; with DISTINCT each distinct combination is counted once.\nExample:\n  > SELECT count(*) FROM src;\n  500\n  > SELECT count(x), count(DISTINCT x) FROM (SELECT explode(array(1, 1, NULL, 2)) AS x) t;\n  3\t2",
    },
    FunctionDoc {
        name: "covar_pop",
        usage: "covar_pop(x, y) - aggregate: the population covariance of the pairs (x, y)",
        extended: "Rows where x or y is NULL are ignored; the sum of products of deviations is divided by n.\nNULL if no pairs remain.\nExample:\n  > SELECT covar_pop(x, y) FROM (SELECT stack(3, 1, 2, 2, 4, 3, 6) AS (x, y)) t;\n  1.3333333333333333",
    },
    FunctionDoc {
        name: "covar_samp",
        usage: "covar_samp(x, y) - aggregate: the sample covariance of the pairs (x, y)",
        extended: "Rows where x or y is NULL are ignored; the sum of products of deviations is divided by n - 1.\nNULL when fewer than two pairs remain.\nExample:\n  > SELECT covar_samp(x, y) FROM (SELECT stack(3, 1, 2, 2, 4, 3, 6) AS (x, y)) t;\n  2.0",
    },
    FunctionDoc {
        name: "crc32",
        usage: "crc32(str) - the CRC-32 checksum of a string or binary value, as a bigint",
        extended: "Strings are checksummed over their UTF-8 bytes. The result is never negative. NULL gives NULL.\nExample:\n  > SELECT crc32('ABC');\n  2743272264",
    },
    FunctionDoc {
        name: "current_date",
        usage: "current_date() - today's date",
        extended: "May be written with or without parentheses. The date is the session's (hive.local.time.zone, else TZ, else UTC) when the statement is planned.\nExample:\n  > SELECT current_date() = to_date(current_timestamp());\n  true\n  > SELECT datediff(current_date, '2020-01-01') > 0;\n  true",
    },
    FunctionDoc {
        name: "current_timestamp",
        usage: "current_timestamp() - the current date and time",
        extended: "May be written with or without parentheses. The session time zone's wall clock (hive.local.time.zone, else TZ, else UTC), with microseconds, the same for every row of a query.\nExample:\n  > SELECT current_timestamp() > CAST('2020-01-01 00:00:00' AS TIMESTAMP);\n  true",
    },
    FunctionDoc {
        name: "date",
        usage: "date(x) - x converted to a date",
        extended: "Same as CAST(x AS DATE). Strings in 'yyyy-MM-dd' form (optionally followed by a time) and timestamps are accepted; the time part is dropped.\nUnparsable input gives NULL.\nExample:\n  > SELECT date('2024-05-06 12:34:56');\n  2024-05-06",
    },
    FunctionDoc {
        name: "date_add",
        usage: "date_add(start_date, num_days) - the date num_days days after start_date",
        extended: "start_date is a date, timestamp or 'yyyy-MM-dd' string; any time part is dropped. A negative num_days moves backwards.\nNULL if either argument is NULL or the date cannot be parsed.\nExample:\n  > SELECT date_add('2024-02-27', 3);\n  2024-03-01\n  > SELECT date_add('2024-01-10', -10);\n  2023-12-31",
    },
    FunctionDoc {
        name: "date_format",
        usage: "date_format(ts, fmt) - a date or timestamp rendered as text using the pattern fmt",
        extended: "fmt uses Java SimpleDateFormat letters such as yyyy, MM, dd, HH, mm, ss and EEE.\nNULL if either argument is NULL.\nExample:\n  > SELECT date_format('2024-05-06', 'yyyy/MM/dd');\n  2024/05/06\n  > SELECT date_format('2024-05-06 13:45:00', 'EEE HH:mm');\n  Mon 13:45",
    },
    FunctionDoc {
        name: "date_sub",
        usage: "date_sub(start_date, num_days) - the date num_days days before start_date",
        extended: "start_date is a date, timestamp or 'yyyy-MM-dd' string; any time part is dropped. A negative num_days moves forwards.\nNULL if either argument is NULL.\nExample:\n  > SELECT date_sub('2024-03-01', 1);\n  2024-02-29",
    },
    FunctionDoc {
        name: "datediff",
        usage: "datediff(enddate, startdate) - the number of days from startdate to enddate",
        extended: "Only the date parts count; times of day are ignored. The result is negative when enddate is earlier.\nNULL if either argument is NULL.\nExample:\n  > SELECT datediff('2024-03-01', '2024-02-01');\n  29\n  > SELECT datediff('2024-01-01', '2024-01-31');\n  -30",
    },
    FunctionDoc {
        name: "day",
        usage: "day(date) - the day of the month (1-31) of a date or timestamp",
        extended: "Accepts dates, timestamps and date or timestamp strings. NULL for NULL or unparsable input.\nSynonym: dayofmonth\nExample:\n  > SELECT day('2024-05-06');\n  6",
    },
    FunctionDoc {
        name: "dayofmonth",
        usage: "dayofmonth(date) - the day of the month (1-31) of a date or timestamp",
        extended: "Accepts dates, timestamps and date or timestamp strings. NULL for NULL or unparsable input.\nSynonym: day\nExample:\n  > SELECT dayofmonth('2024-05-06 10:00:00');\n  6",
    },
    FunctionDoc {
        name: "dayofweek",
        usage: "dayofweek(date) - the weekday of a date as a number, 1 for Sunday to 7 for Saturday",
        extended: "Accepts dates, timestamps and date or timestamp strings. NULL for NULL or unparsable input.\nExample:\n  > SELECT dayofweek('2024-05-05');\n  1\n  > SELECT dayofweek('2024-05-11');\n  7",
    },
    FunctionDoc {
        name: "degrees",
        usage: "degrees(x) - x converted from radians to degrees",
        extended: "x is read as a double. NULL gives NULL.\nExample:\n  > SELECT degrees(pi());\n  180.0",
    },
    FunctionDoc {
        name: "e",
        usage: "e() - Euler's number, the base of natural logarithms",
        extended: "Takes no arguments and returns a double.\nExample:\n  > SELECT e();\n  2.718281828459045",
    },
    FunctionDoc {
        name: "elt",
        usage: "elt(n, s1, s2, ...) - the n-th string after n in the argument list",
        extended: "Counting starts at 1. NULL when n is NULL, below 1 or greater than the number of strings.\nExample:\n  > SELECT elt(2, 'a', 'b', 'c');\n  b\n  > SELECT elt(5, 'a', 'b');\n  NULL",
    },
    FunctionDoc {
        name: "exp",
        usage: "exp(x) - e raised to the power x",
        extended: "x is read as a double. Very large x gives Infinity. NULL gives NULL.\nExample:\n  > SELECT exp(0);\n  1.0\n  > SELECT exp(1);\n  2.718281828459045",
    },
    FunctionDoc {
        name: "factorial",
        usage: "factorial(n) - the factorial of n, as a bigint",
        extended: "n must lie between 0 and 20 (larger results do not fit a bigint); outside that range, or for NULL, the result is NULL.\nExample:\n  > SELECT factorial(5);\n  120\n  > SELECT factorial(21);\n  NULL",
    },
    FunctionDoc {
        name: "field",
        usage: "field(v, v1, v2, ...) - the 1-based position of v in the list that follows it",
        extended: "Comparison is exact (case-sensitive for strings). 0 when v is not found or is NULL.\nExample:\n  > SELECT field('b', 'a', 'b', 'c');\n  2\n  > SELECT field('z', 'a', 'b');\n  0",
    },
    FunctionDoc {
        name: "find_in_set",
        usage: "find_in_set(str, str_list) - the 1-based position of str in the comma-separated list str_list",
        extended: "0 when str is absent or itself contains a comma; NULL if either argument is NULL. Matching is case-sensitive.\nExample:\n  > SELECT find_in_set('b', 'a,b,c');\n  2\n  > SELECT find_in_set('d', 'a,b,c');\n  0",
    },
    FunctionDoc {
        name: "floor",
        usage: "floor(x) - the largest integer not greater than x",
        extended: "Returns a bigint. NULL gives NULL.\nExample:\n  > SELECT floor(4.8);\n  4\n  > SELECT floor(-4.2);\n  -5",
    },
    FunctionDoc {
        name: "format_number",
        usage: "format_number(x, d) - x as text with grouped thousands and d decimal places",
        extended: "Rounding is half-even and d must be 0 or more; a negative d, or a NULL argument, gives NULL.\nExample:\n  > SELECT format_number(1234567.891, 2);\n  1,234,567.89\n  > SELECT format_number(0.5, 3);\n  0.500",
    },
    FunctionDoc {
        name: "from_unixtime",
        usage: "from_unixtime(unix_time[, fmt]) - a count of seconds since 1970-01-01 00:00:00 UTC, as a date-time string",
        extended: "fmt defaults to 'yyyy-MM-dd HH:mm:ss' and uses SimpleDateFormat letters. The time is shown in the session's time zone (hive.local.time.zone, else TZ, else UTC). NULL gives NULL.\nExample:\n  > SELECT from_unixtime(0);\n  1970-01-01 00:00:00\n  > SELECT from_unixtime(86400, 'yyyy-MM-dd');\n  1970-01-02",
    },
    FunctionDoc {
        name: "from_utc_timestamp",
        usage: "from_utc_timestamp(ts, tz) - reads ts as a UTC time and gives the same instant in time zone tz",
        extended: "tz is a region id such as 'Asia/Tokyo' or an offset such as '+05:30'; an unknown zone is treated as UTC.\nNULL if ts is NULL.\nExample:\n  > SELECT from_utc_timestamp('2024-07-01 00:00:00', 'Asia/Tokyo');\n  2024-07-01 09:00:00\n  > SELECT from_utc_timestamp('2024-01-01 12:00:00', 'America/Los_Angeles');\n  2024-01-01 04:00:00",
    },
];
