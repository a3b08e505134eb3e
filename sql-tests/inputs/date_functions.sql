-- Date and time functions (session time zone UTC; TIMESTAMP is zone-less local time).
-- reference: SELECT CAST(TIMESTAMP '2024-01-31 12:34:56' AS DATE), CAST(CAST('2024-02-29 23:59:59' AS TIMESTAMP) AS DATE), CAST('2024-03-01' AS DATE)
SELECT to_date(TIMESTAMP '2024-01-31 12:34:56'), to_date('2024-02-29 23:59:59'), to_date('2024-03-01');
-- reference: SELECT id, ts, CAST(ts AS DATE) FROM events
SELECT id, ts, to_date(ts) FROM events;
SELECT id, ts, year(ts), month(ts), day(ts), hour(ts), minute(ts), second(ts) FROM events;
SELECT id, d, year(d), month(d), day(d), dayofmonth(d) FROM events;
-- reference: SELECT year(DATE '2024-01-31'), month(TIMESTAMP '2024-01-31 10:20:30'), day(DATE '2024-01-31'), hour(TIMESTAMP '2024-01-31 10:20:30'), minute(TIMESTAMP '2024-01-31 10:20:30'), second(TIMESTAMP '2024-01-31 10:20:30')
SELECT year('2024-01-31'), month('2024-01-31 10:20:30'), day('2024-01-31'), hour('2024-01-31 10:20:30'), minute('2024-01-31 10:20:30'), second('2024-01-31 10:20:30');
SELECT id, hired, year(hired), month(hired) FROM emp;
SELECT id, d, quarter(d), weekofyear(d) FROM events;
-- reference: SELECT id, d, dayofweek(d) + 1 FROM events
SELECT id, d, dayofweek(d) FROM events;
-- reference: SELECT DATE '2024-03-01' - DATE '2024-02-01', DATE '2024-01-01' - DATE '2024-12-31', DATE '2024-01-31' - DATE '2024-01-31', CAST(TIMESTAMP '2024-03-01 23:00:00' AS DATE) - CAST(TIMESTAMP '2024-03-01 01:00:00' AS DATE)
SELECT datediff('2024-03-01', '2024-02-01'), datediff('2024-01-01', '2024-12-31'), datediff(DATE '2024-01-31', DATE '2024-01-31'), datediff('2024-03-01 23:00:00', '2024-03-01 01:00:00');
-- reference: SELECT id, d, d - DATE '2024-01-01' FROM events
SELECT id, d, datediff(d, '2024-01-01') FROM events;
-- reference: SELECT e.id, ev.id, CAST(ev.ts AS DATE) - e.hired FROM emp e JOIN events ev ON e.id = ev.id
SELECT e.id, ev.id, datediff(ev.ts, e.hired) FROM emp e JOIN events ev ON e.id = ev.id;
-- reference: SELECT DATE '2024-01-31' + 1, DATE '2024-02-28' + 1, DATE '2023-02-28' + 1, DATE '2024-12-31' + 1, DATE '2024-03-01' + -1
SELECT date_add('2024-01-31', 1), date_add('2024-02-28', 1), date_add('2023-02-28', 1), date_add(DATE '2024-12-31', 1), date_add('2024-03-01', -1);
-- reference: SELECT DATE '2024-03-01' - 1, DATE '2024-01-01' - 1, DATE '2024-03-01' - 366, DATE '2024-01-01' - -1
SELECT date_sub('2024-03-01', 1), date_sub('2024-01-01', 1), date_sub(DATE '2024-03-01', 366), date_sub('2024-01-01', -1);
-- reference: SELECT id, d, d + 30, d - 30 FROM events
SELECT id, d, date_add(d, 30), date_sub(d, 30) FROM events;
-- reference: SELECT id, ts, CAST(ts AS DATE) + 1 FROM events
SELECT id, ts, date_add(ts, 1) FROM events;
-- reference: SELECT CAST(DATE '2024-01-15' + to_months(1) AS DATE), CAST(DATE '2024-01-31' + to_months(1) AS DATE), CAST(DATE '2023-01-31' + to_months(1) AS DATE), last_day(CAST(DATE '2024-02-29' + to_months(1) AS DATE)), last_day(CAST(DATE '2024-04-30' + to_months(-2) AS DATE)), CAST(DATE '2024-05-15' + to_months(-12) AS DATE)
SELECT add_months('2024-01-15', 1), add_months('2024-01-31', 1), add_months('2023-01-31', 1), add_months('2024-02-29', 1), add_months('2024-04-30', -2), add_months('2024-05-15', -12);
-- reference: SELECT id, d, CASE WHEN d = last_day(d) THEN last_day(CAST(d + to_months(1) AS DATE)) ELSE CAST(d + to_months(1) AS DATE) END, CASE WHEN d = last_day(d) THEN last_day(CAST(d + to_months(-13) AS DATE)) ELSE CAST(d + to_months(-13) AS DATE) END FROM events
SELECT id, d, add_months(d, 1), add_months(d, -13) FROM events;
-- reference: SELECT last_day(DATE '2024-02-10'), last_day(DATE '2023-02-10'), last_day(DATE '2024-12-31'), last_day(CAST(TIMESTAMP '2024-04-15 10:00:00' AS DATE))
SELECT last_day('2024-02-10'), last_day('2023-02-10'), last_day('2024-12-31'), last_day('2024-04-15 10:00:00');
SELECT id, d, last_day(d) FROM events;
-- reference: SELECT id, ts, strftime(ts, '%Y-%m-%d'), strftime(ts, '%Y/%m/%d %H:%M:%S'), strftime(ts, '%d.%m.%y') FROM events
SELECT id, ts, date_format(ts, 'yyyy-MM-dd'), date_format(ts, 'yyyy/MM/dd HH:mm:ss'), date_format(ts, 'dd.MM.yy') FROM events;
-- reference: SELECT id, d, strftime(d, '%b %d %Y'), strftime(d, '%a'), strftime(d, '%B'), strftime(d, '%Y%m') FROM events
SELECT id, d, date_format(d, 'MMM dd yyyy'), date_format(d, 'EEE'), date_format(d, 'MMMM'), date_format(d, 'yyyyMM') FROM events;
-- reference: SELECT strftime(TIMESTAMP '2024-03-10 08:30:15', '%I:%M %p'), strftime(TIMESTAMP '2024-03-10 20:30:15', '%I:%M %p'), strftime(DATE '2024-03-10', '%Y-%m-%d %H:%M:%S')
SELECT date_format('2024-03-10 08:30:15', 'hh:mm a'), date_format('2024-03-10 20:30:15', 'hh:mm a'), date_format('2024-03-10', 'yyyy-MM-dd HH:mm:ss');
-- reference: SELECT CAST(date_trunc('month', DATE '2024-02-29') AS DATE), CAST(date_trunc('year', DATE '2024-02-29') AS DATE), CAST(date_trunc('month', DATE '2024-03-10') AS DATE), CAST(date_trunc('year', TIMESTAMP '2024-07-04 14:05:09') AS DATE)
SELECT trunc('2024-02-29', 'MM'), trunc('2024-02-29', 'YEAR'), trunc(DATE '2024-03-10', 'MONTH'), trunc('2024-07-04 14:05:09', 'YYYY');
-- reference: SELECT id, d, CAST(date_trunc('month', d) AS DATE), CAST(date_trunc('year', d) AS DATE) FROM events
SELECT id, d, trunc(d, 'MM'), trunc(d, 'YY') FROM events;
-- reference: SELECT id, ts, CAST(floor(epoch(ts)) AS BIGINT) FROM events
SELECT id, ts, unix_timestamp(ts) FROM events;
-- reference: SELECT CAST(epoch(TIMESTAMP '2024-01-31 12:00:00') AS BIGINT), CAST(epoch(TIMESTAMP '1970-01-01 00:00:00') AS BIGINT), CAST(epoch(TIMESTAMP '2024-01-31 00:00:00') AS BIGINT), CAST(epoch(TIMESTAMP '2024-01-31 00:00:00') AS BIGINT)
SELECT unix_timestamp('2024-01-31 12:00:00'), unix_timestamp('1970-01-01 00:00:00'), unix_timestamp('2024-01-31', 'yyyy-MM-dd'), unix_timestamp(DATE '2024-01-31');
-- reference: SELECT CAST(NULL AS BIGINT), CAST(NULL AS BIGINT)
SELECT unix_timestamp('not a timestamp'), unix_timestamp('2024-01-31', 'yyyy-MM-dd HH:mm:ss');
-- reference: SELECT strftime(make_timestamp(0), '%Y-%m-%d %H:%M:%S'), strftime(make_timestamp(1706702400::BIGINT * 1000000), '%Y-%m-%d %H:%M:%S'), strftime(make_timestamp(946684799::BIGINT * 1000000), '%Y-%m-%d %H:%M:%S'), strftime(make_timestamp(1709251199::BIGINT * 1000000), '%Y-%m-%d')
SELECT from_unixtime(0), from_unixtime(1706702400), from_unixtime(946684799), from_unixtime(1709251199, 'yyyy-MM-dd');
-- reference: SELECT id, strftime(make_timestamp(CAST(floor(epoch(ts)) AS BIGINT) * 1000000), '%Y-%m-%d %H:%M:%S') FROM events
SELECT id, from_unixtime(unix_timestamp(ts)) FROM events;
-- reference: SELECT key, strftime(make_timestamp(CAST(key AS BIGINT) * 86400 * 1000000), '%Y-%m-%d %H:%M:%S') FROM src WHERE key < 100
SELECT key, from_unixtime(key * 86400) FROM src WHERE key < 100;
SELECT id, ts FROM events WHERE ts BETWEEN TIMESTAMP '2024-01-01 00:00:00' AND TIMESTAMP '2024-03-01 00:00:00';
SELECT id, d FROM events WHERE year(d) = 2024 AND month(d) <= 3;
-- reference: SELECT year(d), count(*), min(CAST(ts AS DATE)) FROM events GROUP BY year(d)
SELECT year(d), count(*), min(to_date(ts)) FROM events GROUP BY year(d);
-- reference: SELECT x, DATE '2024-01-01' + x FROM empty_t
SELECT x, date_add('2024-01-01', x) FROM empty_t;
