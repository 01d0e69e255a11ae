# Known differences from PostgreSQL 15 in expressions. Expected outputs are
# PostgreSQL's.

# IS [NOT] DISTINCT FROM with an untyped NULL literal fails with an internal error.
> SELECT NULL IS DISTINCT FROM NULL, NULL IS DISTINCT FROM 1, 1 IS NOT DISTINCT FROM NULL, NULL::int IS NOT DISTINCT FROM NULL
---
 ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------
 f        | t        | f        | t
(1 row)

> SELECT NULL::int IS DISTINCT FROM NULL::int, 1 IS NOT DISTINCT FROM NULL::int
---
 ?column? | ?column?
----------+----------
 f        | f
(1 row)

> SELECT x IS DISTINCT FROM NULL, x IS NOT DISTINCT FROM NULL FROM (VALUES (1), (NULL)) v(x) ORDER BY x
---
 ?column? | ?column?
----------+----------
 t        | f
 f        | t
(2 rows)

# Set-returning functions in the select list are not supported.
> SELECT generate_series(1, 3)
---
 generate_series
-----------------
               1
               2
               3
(3 rows)

> SELECT generate_series(1, 2) AS g, 'x' AS c
---
 g | c
---+---
 1 | x
 2 | x
(2 rows)

