-- TPC-H Q11: Important Stock Identification (NATION = GERMANY, FRACTION = 0.0001 / SF,
-- which the bench sets as the variable q11_fraction).
-- Rewritten: the HAVING clause with a scalar subquery is a WHERE over the
-- grouped rows in a derived table (Shark rejects scalar subqueries in HAVING).
select
    ps_partkey,
    value
from
    (
        select
            ps_partkey,
            sum(ps_supplycost * ps_availqty) as value
        from
            partsupp,
            supplier,
            nation
        where
            ps_suppkey = s_suppkey
            and s_nationkey = n_nationkey
            and n_name = 'GERMANY'
        group by
            ps_partkey
    ) as grouped
where
    value > (
        select
            sum(ps_supplycost * ps_availqty) * ${hivevar:q11_fraction}
        from
            partsupp,
            supplier,
            nation
        where
            ps_suppkey = s_suppkey
            and s_nationkey = n_nationkey
            and n_name = 'GERMANY'
    )
order by
    value desc;
