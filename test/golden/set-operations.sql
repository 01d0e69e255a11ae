# UNION, INTERSECT, EXCEPT with and without ALL: duplicates, NULLs treated as
# equal, precedence (INTERSECT binds tighter), parentheses, ORDER BY and
# LIMIT over the whole result, column names from the first branch, type
# unification across branches, and column-count errors.

> CREATE TABLE a (x int)
---
CREATE TABLE

> CREATE TABLE b (x int)
---
CREATE TABLE

> INSERT INTO a VALUES (1), (2), (2), (3), (NULL), (NULL)
---
INSERT 0 6

> INSERT INTO b VALUES (2), (3), (3), (4), (NULL)
---
INSERT 0 5

> SELECT x FROM a UNION SELECT x FROM b ORDER BY x
---
  x
------
    1
    2
    3
    4
 NULL
(5 rows)

> SELECT x FROM a UNION ALL SELECT x FROM b ORDER BY x
---
  x
------
    1
    2
    2
    2
    3
    3
    3
    4
 NULL
 NULL
 NULL
(11 rows)

> SELECT x FROM a INTERSECT SELECT x FROM b ORDER BY x
---
  x
------
    2
    3
 NULL
(3 rows)

> SELECT x FROM a INTERSECT ALL SELECT x FROM b ORDER BY x
---
  x
------
    2
    3
 NULL
(3 rows)

> SELECT x FROM a EXCEPT SELECT x FROM b ORDER BY x
---
 x
---
 1
(1 row)

> SELECT x FROM a EXCEPT ALL SELECT x FROM b ORDER BY x
---
  x
------
    1
    2
 NULL
(3 rows)

> SELECT x FROM b EXCEPT ALL SELECT x FROM a ORDER BY x
---
 x
---
 3
 4
(2 rows)

> SELECT x FROM a UNION SELECT x FROM b INTERSECT SELECT 3 ORDER BY x
---
  x
------
    1
    2
    3
 NULL
(4 rows)

> (SELECT x FROM a UNION SELECT x FROM b) INTERSECT SELECT 3 ORDER BY x
---
 x
---
 3
(1 row)

> SELECT x FROM a EXCEPT SELECT x FROM b EXCEPT SELECT 1 ORDER BY x
---
 x
---
(0 rows)

> SELECT x FROM a UNION ALL SELECT x FROM b ORDER BY x DESC NULLS LAST LIMIT 3
---
 x
---
 4
 3
 3
(3 rows)

> (SELECT x FROM a ORDER BY x LIMIT 2) UNION ALL (SELECT x FROM b ORDER BY x DESC LIMIT 1) ORDER BY 1
---
  x
------
    1
    2
 NULL
(3 rows)

> SELECT 1 AS one, 'a' AS letter UNION SELECT 2, 'b' ORDER BY one DESC
---
 one | letter
-----+--------
   2 | b
   1 | a
(2 rows)

> SELECT 1 AS one UNION SELECT 2 AS two ORDER BY two
---
ERROR 42703: column "two" does not exist

> SELECT 1 UNION SELECT 2.5 ORDER BY 1
---
 ?column?
----------
        1
      2.5
(2 rows)

> SELECT 'a' UNION SELECT 'b' ORDER BY 1
---
 ?column?
----------
 a
 b
(2 rows)

> SELECT NULL UNION SELECT 1 ORDER BY 1
---
 ?column?
----------
        1
     NULL
(2 rows)

> SELECT 1::bigint UNION ALL SELECT 2::smallint ORDER BY 1
---
 int8
------
    1
    2
(2 rows)

> SELECT count(*) FROM (SELECT x FROM a UNION SELECT x FROM b) u
---
 count
-------
     5
(1 row)

> SELECT count(*) FROM (SELECT x FROM a UNION ALL SELECT x FROM b) u
---
 count
-------
    11
(1 row)

> SELECT x, count(*) FROM (SELECT x FROM a UNION ALL SELECT x FROM b) u GROUP BY x ORDER BY x
---
  x   | count
------+-------
    1 |     1
    2 |     3
    3 |     3
    4 |     1
 NULL |     3
(5 rows)

> SELECT * FROM (VALUES (1, 'a'), (1, 'a'), (2, 'b')) v(n, s) EXCEPT SELECT 2, 'b'
---
 n | s
---+---
 1 | a
(1 row)

> SELECT * FROM (VALUES (1, 'a'), (1, 'b')) v(n, s) INTERSECT SELECT 1, 'b'
---
 n | s
---+---
 1 | b
(1 row)

> SELECT x FROM a WHERE x > 1 UNION SELECT x + 10 FROM b WHERE x < 4 ORDER BY 1
---
 x
----
  2
  3
 12
 13
(4 rows)

> VALUES (3), (1) UNION ALL VALUES (2) ORDER BY 1
---
 column1
---------
       1
       2
       3
(3 rows)

> SELECT x FROM a UNION SELECT x FROM b ORDER BY nosuch
---
ERROR 42703: column "nosuch" does not exist

> SELECT x FROM a UNION ALL SELECT x FROM b LIMIT 2 OFFSET 100
---
 x
---
(0 rows)

> SELECT 1 INTERSECT SELECT 1 UNION SELECT 2 ORDER BY 1
---
 ?column?
----------
        1
        2
(2 rows)

> SELECT date '2024-01-01' UNION SELECT timestamp '2024-01-01 10:00' ORDER BY 1
---
        date
---------------------
 2024-01-01 00:00:00
 2024-01-01 10:00:00
(2 rows)
