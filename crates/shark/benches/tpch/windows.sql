SELECT count(*), sum(rn) FROM (SELECT row_number() OVER (PARTITION BY l_suppkey ORDER BY l_orderkey, l_linenumber) rn FROM lineitem) t
SELECT sum(s) FROM (SELECT sum(l_quantity) OVER (PARTITION BY l_suppkey ORDER BY l_orderkey, l_linenumber) s FROM lineitem) t
SELECT count(*) FROM (SELECT rank() OVER (PARTITION BY l_partkey ORDER BY l_extendedprice DESC) r FROM lineitem) t WHERE r <= 3
SELECT count(*) FROM (SELECT l_extendedprice, avg(l_extendedprice) OVER (PARTITION BY l_suppkey) a FROM lineitem) t WHERE l_extendedprice > a
SELECT sum(s) FROM (SELECT sum(l_quantity) OVER (PARTITION BY l_suppkey ORDER BY l_orderkey, l_linenumber ROWS BETWEEN 3 PRECEDING AND 3 FOLLOWING) s FROM lineitem) t
SELECT sum(CASE WHEN l_shipdate > prev THEN 1 ELSE 0 END) FROM (SELECT l_shipdate, lag(l_shipdate) OVER (PARTITION BY l_orderkey ORDER BY l_linenumber) prev FROM lineitem) t
