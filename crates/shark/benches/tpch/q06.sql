-- TPC-H Q6: Forecasting Revenue Change (DATE = 1994-01-01, DISCOUNT = 0.06, QUANTITY = 24).
-- `between 0.06 - 0.01 and 0.06 + 0.01` is written with the bounds computed
-- (0.05, 0.07): HiveQL types 0.06 as DOUBLE, and 0.06 + 0.01 in doubles is
-- 0.06999999999999999, which would leave out the rows with l_discount = 0.07.
select
    sum(l_extendedprice * l_discount) as revenue
from
    lineitem
where
    l_shipdate >= date '1994-01-01'
    and l_shipdate < date '1994-01-01' + interval '1' year
    and l_discount between 0.05 and 0.07
    and l_quantity < 24;
