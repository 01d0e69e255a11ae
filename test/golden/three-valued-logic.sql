# Three-valued logic: AND, OR and NOT over true, false and NULL (unknown);
# comparisons with NULL; WHERE keeps only true rows; NOT IN with a NULL;
# IS [NOT] DISTINCT FROM and IS [NOT] TRUE/FALSE/UNKNOWN never return NULL.

> CREATE TABLE tv (a boolean, b boolean)
---
CREATE TABLE

> INSERT INTO tv VALUES (true, true), (true, false), (true, NULL), (false, true), (false, false), (false, NULL), (NULL, true), (NULL, false), (NULL, NULL)
---
INSERT 0 9

> SELECT a, b, a AND b AS "and", a OR b AS "or", NOT a AS "not a" FROM tv ORDER BY a DESC NULLS LAST, b DESC NULLS LAST
---
  a   |  b   | and  |  or  | not a
------+------+------+------+-------
 t    | t    | t    | t    | f
 t    | f    | f    | t    | f
 t    | NULL | NULL | t    | f
 f    | t    | f    | t    | t
 f    | f    | f    | f    | t
 f    | NULL | f    | NULL | t
 NULL | t    | NULL | t    | NULL
 NULL | f    | f    | NULL | NULL
 NULL | NULL | NULL | NULL | NULL
(9 rows)

> SELECT a, b, a = b AS eq, a <> b AS ne, a IS DISTINCT FROM b AS distinct, a IS NOT DISTINCT FROM b AS not_distinct FROM tv ORDER BY a DESC NULLS LAST, b DESC NULLS LAST
---
  a   |  b   |  eq  |  ne  | distinct | not_distinct
------+------+------+------+----------+--------------
 t    | t    | t    | f    | f        | t
 t    | f    | f    | t    | t        | f
 t    | NULL | NULL | NULL | t        | f
 f    | t    | f    | t    | t        | f
 f    | f    | t    | f    | f        | t
 f    | NULL | NULL | NULL | t        | f
 NULL | t    | NULL | NULL | t        | f
 NULL | f    | NULL | NULL | t        | f
 NULL | NULL | NULL | NULL | f        | t
(9 rows)

> SELECT a, a IS TRUE AS t, a IS NOT TRUE AS nt, a IS FALSE AS f, a IS NOT FALSE AS nf, a IS UNKNOWN AS u, a IS NOT UNKNOWN AS nu FROM tv GROUP BY a ORDER BY a DESC NULLS LAST
---
  a   | t | nt | f | nf | u | nu
------+---+----+---+----+---+----
 t    | t | f  | f | t  | f | t
 f    | f | t  | t | f  | f | t
 NULL | f | t  | f | t  | t | f
(3 rows)

> SELECT count(*) FROM tv WHERE a AND b
---
 count
-------
     1
(1 row)

> SELECT count(*) FROM tv WHERE NOT (a AND b)
---
 count
-------
     5
(1 row)

> SELECT count(*) FROM tv WHERE (a AND b) IS NOT TRUE
---
 count
-------
     8
(1 row)

> SELECT count(*) FROM tv WHERE a OR b
---
 count
-------
     5
(1 row)

> SELECT count(*) FROM tv WHERE NOT (a OR b)
---
 count
-------
     1
(1 row)

> SELECT NULL = NULL, NULL <> NULL, NULL < 1, 1 = NULL, NULL + 1, NULL || 'x', NOT NULL
---
 ?column? | ?column? | ?column? | ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------+----------+----------+----------
 NULL     | NULL     | NULL     | NULL     |     NULL | NULL     | NULL
(1 row)

> SELECT NULL AND false, NULL AND true, NULL OR true, NULL OR false, false AND NULL, true OR NULL
---
 ?column? | ?column? | ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------+----------+----------
 f        | NULL     | t        | NULL     | f        | t
(1 row)

> SELECT 1 WHERE NULL
---
 ?column?
----------
(0 rows)

> SELECT 1 WHERE NOT NULL
---
 ?column?
----------
(0 rows)

> SELECT 1 WHERE NULL IS NULL
---
 ?column?
----------
        1
(1 row)

> CREATE TABLE nums (n int)
---
CREATE TABLE

> INSERT INTO nums VALUES (1), (2), (NULL)
---
INSERT 0 3

> SELECT n FROM nums WHERE n = 1 OR n IS NULL ORDER BY n
---
  n
------
    1
 NULL
(2 rows)

> SELECT n FROM nums WHERE n <> 1 ORDER BY n
---
 n
---
 2
(1 row)

> SELECT n FROM nums WHERE NOT (n = 1) ORDER BY n
---
 n
---
 2
(1 row)

> SELECT n FROM nums WHERE n IS DISTINCT FROM 1 ORDER BY n
---
  n
------
    2
 NULL
(2 rows)

> SELECT 3 IN (SELECT n FROM nums), 1 IN (SELECT n FROM nums), 3 NOT IN (SELECT n FROM nums), 1 NOT IN (SELECT n FROM nums)
---
 ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------
 NULL     | t        | NULL     | f
(1 row)

> SELECT 3 NOT IN (SELECT n FROM nums WHERE n IS NOT NULL)
---
 ?column?
----------
 t
(1 row)

> SELECT 3 = ANY (SELECT n FROM nums), 3 <> ALL (SELECT n FROM nums), 1 = ANY (SELECT n FROM nums), 0 < ALL (SELECT n FROM nums WHERE n IS NOT NULL)
---
 ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------
 NULL     | NULL     | t        | t
(1 row)

> SELECT n, n > 1 AS gt, CASE WHEN n > 1 THEN 'yes' WHEN NOT (n > 1) THEN 'no' ELSE 'unknown' END AS c FROM nums ORDER BY n
---
  n   |  gt  |    c
------+------+---------
    1 | f    | no
    2 | t    | yes
 NULL | NULL | unknown
(3 rows)

> SELECT count(n), count(*), sum(n), avg(n), max(n), min(n) FROM nums
---
 count | count | sum |        avg         | max | min
-------+-------+-----+--------------------+-----+-----
     2 |     3 |   3 | 1.5000000000000000 |   2 |   1
(1 row)

> SELECT count(n), sum(n), max(n), bool_and(n > 0) FROM nums WHERE n IS NULL
---
 count | sum  | max  | bool_and
-------+------+------+----------
     0 | NULL | NULL | NULL
(1 row)

> SELECT (NULL::boolean) IS TRUE, (NULL::boolean) IS NOT FALSE, NULL::boolean IS UNKNOWN
---
 ?column? | ?column? | ?column?
----------+----------+----------
 f        | t        | t
(1 row)

> SELECT n FROM nums WHERE n NOT IN (2, NULL)
---
 n
---
(0 rows)

> SELECT n FROM nums WHERE n IN (2, NULL)
---
 n
---
 2
(1 row)

> SELECT DISTINCT a FROM tv ORDER BY a
---
  a
------
 f
 t
 NULL
(3 rows)

> SELECT n, count(*) FROM (SELECT n FROM nums UNION ALL SELECT NULL) u GROUP BY n ORDER BY n
---
  n   | count
------+-------
    1 |     1
    2 |     1
 NULL |     2
(3 rows)
