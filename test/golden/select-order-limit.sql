# ORDER BY (ordinals, output aliases, input columns not in the select list,
# expressions, ASC/DESC, NULLS FIRST/LAST and their defaults), LIMIT and
# OFFSET (including ALL, NULL, 0, expressions and errors), FETCH FIRST.

> CREATE TABLE t (id int PRIMARY KEY, grp text, score int, note text)
---
CREATE TABLE

> INSERT INTO t VALUES (1, 'a', 10, 'x'), (2, 'b', NULL, 'y'), (3, 'a', 30, NULL), (4, 'c', 20, 'x'), (5, 'b', 10, 'z'), (6, NULL, 40, 'y'), (7, 'c', NULL, NULL)
---
INSERT 0 7

> SELECT id, score FROM t ORDER BY score, id
---
 id | score
----+-------
  1 |    10
  5 |    10
  4 |    20
  3 |    30
  6 |    40
  2 |  NULL
  7 |  NULL
(7 rows)

> SELECT id, score FROM t ORDER BY score DESC, id
---
 id | score
----+-------
  2 |  NULL
  7 |  NULL
  6 |    40
  3 |    30
  4 |    20
  1 |    10
  5 |    10
(7 rows)

> SELECT id, score FROM t ORDER BY score NULLS FIRST, id
---
 id | score
----+-------
  2 |  NULL
  7 |  NULL
  1 |    10
  5 |    10
  4 |    20
  3 |    30
  6 |    40
(7 rows)

> SELECT id, score FROM t ORDER BY score DESC NULLS LAST, id DESC
---
 id | score
----+-------
  6 |    40
  3 |    30
  4 |    20
  5 |    10
  1 |    10
  7 |  NULL
  2 |  NULL
(7 rows)

> SELECT id, score FROM t ORDER BY score ASC NULLS LAST, id
---
 id | score
----+-------
  1 |    10
  5 |    10
  4 |    20
  3 |    30
  6 |    40
  2 |  NULL
  7 |  NULL
(7 rows)

> SELECT id, grp, score FROM t ORDER BY 2, 3 DESC, 1
---
 id | grp  | score
----+------+-------
  3 | a    |    30
  1 | a    |    10
  2 | b    |  NULL
  5 | b    |    10
  7 | c    |  NULL
  4 | c    |    20
  6 | NULL |    40
(7 rows)

> SELECT id, score AS s FROM t ORDER BY s, id
---
 id |  s
----+------
  1 |   10
  5 |   10
  4 |   20
  3 |   30
  6 |   40
  2 | NULL
  7 | NULL
(7 rows)

> SELECT id AS grp, grp AS id FROM t ORDER BY grp
---
 grp |  id
-----+------
   1 | a
   2 | b
   3 | a
   4 | c
   5 | b
   6 | NULL
   7 | c
(7 rows)

> SELECT id FROM t ORDER BY note, score, id
---
 id
----
  1
  4
  6
  2
  5
  3
  7
(7 rows)

> SELECT id, score FROM t ORDER BY -score, id
---
 id | score
----+-------
  6 |    40
  3 |    30
  4 |    20
  1 |    10
  5 |    10
  2 |  NULL
  7 |  NULL
(7 rows)

> SELECT id, score FROM t ORDER BY coalesce(score, 0) + id, id
---
 id | score
----+-------
  2 |  NULL
  7 |  NULL
  1 |    10
  5 |    10
  4 |    20
  3 |    30
  6 |    40
(7 rows)

> SELECT id, grp FROM t ORDER BY grp IS NULL, grp DESC, id
---
 id | grp
----+------
  4 | c
  7 | c
  2 | b
  5 | b
  1 | a
  3 | a
  6 | NULL
(7 rows)

> SELECT id, score * 2 AS double FROM t ORDER BY double DESC NULLS LAST, id LIMIT 3
---
 id | double
----+--------
  6 |     80
  3 |     60
  4 |     40
(3 rows)

> SELECT id, score FROM t ORDER BY 3
---
ERROR 42P10: ORDER BY position 3 is not in select list

> SELECT id, score FROM t ORDER BY 0
---
ERROR 42P10: ORDER BY position 0 is not in select list

> SELECT id FROM t ORDER BY nosuch
---
ERROR 42703: column "nosuch" does not exist

> SELECT id FROM t ORDER BY id LIMIT 3
---
 id
----
  1
  2
  3
(3 rows)

> SELECT id FROM t ORDER BY id LIMIT 3 OFFSET 2
---
 id
----
  3
  4
  5
(3 rows)

> SELECT id FROM t ORDER BY id OFFSET 5
---
 id
----
  6
  7
(2 rows)

> SELECT id FROM t ORDER BY id LIMIT 0
---
 id
----
(0 rows)

> SELECT id FROM t ORDER BY id LIMIT ALL
---
 id
----
  1
  2
  3
  4
  5
  6
  7
(7 rows)

> SELECT id FROM t ORDER BY id LIMIT NULL
---
 id
----
  1
  2
  3
  4
  5
  6
  7
(7 rows)

> SELECT id FROM t ORDER BY id LIMIT 1 + 1 OFFSET 2 * 2
---
 id
----
  5
  6
(2 rows)

> SELECT id FROM t ORDER BY id OFFSET 100
---
 id
----
(0 rows)

> SELECT id FROM t ORDER BY id LIMIT -1
---
ERROR 2201W: LIMIT must not be negative

> SELECT id FROM t ORDER BY id OFFSET -1
---
ERROR 2201X: OFFSET must not be negative

> SELECT id FROM t ORDER BY id FETCH FIRST 2 ROWS ONLY
---
 id
----
  1
  2
(2 rows)

> SELECT id FROM t ORDER BY id OFFSET 1 ROW FETCH NEXT 1 ROW ONLY
---
 id
----
  2
(1 row)

> SELECT id FROM t ORDER BY id LIMIT 'x'
---
ERROR 22P02: invalid input syntax for type bigint: "x"

> SELECT grp, count(*) AS n FROM t GROUP BY grp ORDER BY n DESC, grp NULLS FIRST
---
 grp  | n
------+---
 a    | 2
 b    | 2
 c    | 2
 NULL | 1
(4 rows)

> SELECT grp, max(score) FROM t GROUP BY grp ORDER BY max(score) DESC NULLS LAST, grp
---
 grp  | max
------+-----
 NULL |  40
 a    |  30
 c    |  20
 b    |  10
(4 rows)

> SELECT grp, max(score) FROM t GROUP BY grp ORDER BY 2, 1
---
 grp  | max
------+-----
 b    |  10
 c    |  20
 a    |  30
 NULL |  40
(4 rows)

> SELECT DISTINCT grp FROM t ORDER BY grp DESC
---
 grp
------
 NULL
 c
 b
 a
(4 rows)

> SELECT DISTINCT grp FROM t ORDER BY score
---
ERROR 42P10: for SELECT DISTINCT, ORDER BY expressions must appear in select list

> SELECT id, note FROM t ORDER BY upper(note) DESC NULLS LAST, id
---
 id | note
----+------
  5 | z
  2 | y
  6 | y
  1 | x
  4 | x
  3 | NULL
  7 | NULL
(7 rows)

> SELECT * FROM (SELECT id, score FROM t ORDER BY score DESC NULLS LAST LIMIT 3) top ORDER BY id
---
 id | score
----+-------
  3 |    30
  4 |    20
  6 |    40
(3 rows)

> SELECT id, score FROM t WHERE score IS NOT NULL ORDER BY score, id DESC LIMIT 2 OFFSET 1
---
 id | score
----+-------
  1 |    10
  4 |    20
(2 rows)

> SELECT x FROM (VALUES ('b'), ('a'), ('B'), ('A'), ('_'), ('1'), (' ')) v(x) ORDER BY x
---
 x
---
 
 1
 A
 B
 _
 a
 b
(7 rows)

> SELECT x FROM (VALUES (2.5), (-1), (10), (0.001)) v(x) ORDER BY x DESC
---
   x
-------
    10
   2.5
 0.001
    -1
(4 rows)
