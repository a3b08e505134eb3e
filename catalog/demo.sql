-- The demo warehouse shark-cli creates on first use.
-- ${hivevar:kv1} is the path of kv1.txt (500 rows, \001-delimited), written
-- out by the CLI from its embedded copy of catalog/kv1.txt.

-- Hive's classic test tables.
CREATE TABLE IF NOT EXISTS src (key INT, value STRING)
  COMMENT 'Hive''s classic key-value table: 500 rows';
LOAD DATA LOCAL INPATH '${hivevar:kv1}' OVERWRITE INTO TABLE src;

CREATE TABLE IF NOT EXISTS srcpart (key INT, value STRING)
  PARTITIONED BY (ds STRING, hr STRING);
LOAD DATA LOCAL INPATH '${hivevar:kv1}' OVERWRITE INTO TABLE srcpart PARTITION (ds='2008-04-08', hr='11');
LOAD DATA LOCAL INPATH '${hivevar:kv1}' OVERWRITE INTO TABLE srcpart PARTITION (ds='2008-04-08', hr='12');
LOAD DATA LOCAL INPATH '${hivevar:kv1}' OVERWRITE INTO TABLE srcpart PARTITION (ds='2008-04-09', hr='11');
LOAD DATA LOCAL INPATH '${hivevar:kv1}' OVERWRITE INTO TABLE srcpart PARTITION (ds='2008-04-09', hr='12');

-- A small star schema in Parquet: sales facts and three dimensions.
CREATE TABLE IF NOT EXISTS dim_store STORED AS PARQUET AS
SELECT * FROM (VALUES
  (1, 'Seattle', 'west'), (2, 'Portland', 'west'), (3, 'Denver', 'mountain'),
  (4, 'Austin', 'south'), (5, 'Chicago', 'midwest'), (6, 'Boston', 'east'),
  (7, 'New York', 'east'), (8, 'Atlanta', 'south')) s(store_id, city, region);

CREATE TABLE IF NOT EXISTS dim_product STORED AS PARQUET AS
SELECT DISTINCT key AS product_id,
       concat('product_', key) AS name,
       CASE pmod(key, 4) WHEN 0 THEN 'books' WHEN 1 THEN 'games' WHEN 2 THEN 'music' ELSE 'tools' END AS category,
       round(5 + pmod(key * 37, 95) + pmod(key, 100) / 100.0, 2) AS list_price
FROM src;

CREATE TABLE IF NOT EXISTS dim_date STORED AS PARQUET AS
SELECT DISTINCT d AS date_key, year(d) AS year, month(d) AS month, dayofweek(d) AS weekday
FROM (SELECT date_add('2024-01-01', pmod(key * 7, 366)) AS d FROM src) days;

CREATE TABLE IF NOT EXISTS fact_sales STORED AS PARQUET AS
SELECT date_add('2024-01-01', pmod(a.key * 7 + b.key, 366)) AS date_key,
       a.key AS product_id,
       pmod(b.key, 8) + 1 AS store_id,
       pmod(a.key + b.key, 9) + 1 AS quantity,
       round((pmod(a.key * 37, 95) + 5) * (1 - pmod(b.key, 4) * 0.05), 2) AS unit_price
FROM src a JOIN src b ON pmod(a.key, 25) = pmod(b.key, 25);
