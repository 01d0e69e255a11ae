# DISTINCT: duplicates removed with NULLs equal to each other, over one and
# several columns, with ORDER BY, inside aggregates and derived tables, and
# DISTINCT ON.

> CREATE TABLE d (a int, b text)
---
CREATE TABLE

> INSERT INTO d VALUES (1, 'x'), (1, 'x'), (1, 'y'), (2, 'x'), (NULL, 'x'), (NULL, 'x'), (2, NULL), (2, NULL)
---
INSERT 0 8

> SELECT DISTINCT a FROM d ORDER BY a
---
  a
------
    1
    2
 NULL
(3 rows)

> SELECT DISTINCT a, b FROM d ORDER BY a, b
---
  a   |  b
------+------
    1 | x
    1 | y
    2 | x
    2 | NULL
 NULL | x
(5 rows)

> SELECT DISTINCT b FROM d ORDER BY b NULLS FIRST
---
  b
------
 NULL
 x
 y
(3 rows)

> SELECT count(DISTINCT a), count(DISTINCT b), count(*) FROM d
---
 count | count | count
-------+-------+-------
     2 |     2 |     8
(1 row)

> SELECT count(*) FROM (SELECT DISTINCT a, b FROM d) s
---
 count
-------
     5
(1 row)

> SELECT DISTINCT a + 1 AS a1 FROM d ORDER BY a1
---
  a1
------
    2
    3
 NULL
(3 rows)

> SELECT ALL a FROM d WHERE a = 1
---
 a
---
 1
 1
 1
(3 rows)

> SELECT count(DISTINCT x) FROM (VALUES (1.0), (1.00), (1)) v(x)
---
 count
-------
     1
(1 row)

> SELECT count(DISTINCT x) FROM (VALUES ('a'::char(3)), ('a  '), ('a ')) v(x)
---
 count
-------
     1
(1 row)

> SELECT count(DISTINCT x), count(x) FROM (VALUES (0.0::float8), (-0.0::float8), ('NaN'::float8), ('NaN'::float8)) v(x)
---
 count | count
-------+-------
     2 |     4
(1 row)

> SELECT DISTINCT x FROM (VALUES ('NaN'::float8), (1), ('NaN'::float8), (1)) v(x) ORDER BY x
---
  x
-----
   1
 NaN
(2 rows)

> SELECT DISTINCT ON (a) a, b FROM d ORDER BY a, b
---
  a   | b
------+---
    1 | x
    2 | x
 NULL | x
(3 rows)

> SELECT DISTINCT ON (b) b, a FROM d ORDER BY b, a DESC
---
  b   |  a
------+------
 x    | NULL
 y    |    1
 NULL |    2
(3 rows)

> SELECT DISTINCT ON (a, b) a, b FROM d ORDER BY a, b
---
  a   |  b
------+------
    1 | x
    1 | y
    2 | x
    2 | NULL
 NULL | x
(5 rows)

> SELECT DISTINCT ON (a) a, b FROM d ORDER BY b
---
ERROR 42P10: SELECT DISTINCT ON expressions must match initial ORDER BY expressions
