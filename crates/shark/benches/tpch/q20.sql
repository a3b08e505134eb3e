-- TPC-H Q20: Potential Part Promotion (COLOR = forest, DATE = 1994-01-01;
-- + 1 year = 1995-01-01, NATION = CANADA).
-- Rewritten, because Shark does not plan a scalar subquery inside a
-- subquery's WHERE: the IN subquery's
--   ps_availqty > (select 0.5 * sum(l_quantity) from lineitem
--                  where l_partkey = ps_partkey and l_suppkey = ps_suppkey and <dates>)
-- is a join with lineitem's quantities summed per (l_partkey, l_suppkey)
-- over the same dates. A (ps_partkey, ps_suppkey) without such lineitem rows
-- makes the scalar subquery NULL and the comparison not true, just as the
-- inner join drops it.
select
    s_name,
    s_address
from
    supplier,
    nation
where
    s_suppkey in (
        select
            ps_suppkey
        from
            partsupp,
            (
                select
                    l_partkey,
                    l_suppkey,
                    0.5 * sum(l_quantity) as half_quantity
                from
                    lineitem
                where
                    l_shipdate >= date '1994-01-01'
                    and l_shipdate < date '1995-01-01'
                group by
                    l_partkey,
                    l_suppkey
            ) as shipped
        where
            ps_partkey in (
                select
                    p_partkey
                from
                    part
                where
                    p_name like 'forest%'
            )
            and l_partkey = ps_partkey
            and l_suppkey = ps_suppkey
            and ps_availqty > half_quantity
    )
    and s_nationkey = n_nationkey
    and n_name = 'CANADA'
order by
    s_name;
