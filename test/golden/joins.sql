# Joins: INNER, LEFT, RIGHT, FULL and CROSS; ON, USING (merged columns) and
# NATURAL; NULL keys never match; non-equi conditions; ON versus WHERE for
# outer joins; self joins; joins of three tables, derived tables and VALUES;
# comma joins; and name resolution (ambiguous, USING column qualification).

> CREATE TABLE l (id int, k int, lv text)
---
CREATE TABLE

> CREATE TABLE r (id int, k int, rv text)
---
CREATE TABLE

> INSERT INTO l VALUES (1, 1, 'l1'), (2, 2, 'l2'), (3, 2, 'l3'), (4, NULL, 'l4'), (5, 5, 'l5')
---
INSERT 0 5

> INSERT INTO r VALUES (10, 1, 'r1'), (20, 2, 'r2'), (30, 3, 'r3'), (40, NULL, 'r4'), (50, 2, 'r5')
---
INSERT 0 5

> SELECT l.id, r.id FROM l JOIN r ON l.k = r.k ORDER BY l.id, r.id
---
 id | id
----+----
  1 | 10
  2 | 20
  2 | 50
  3 | 20
  3 | 50
(5 rows)

> SELECT l.id, r.id FROM l INNER JOIN r ON l.k = r.k AND r.rv <> 'r5' ORDER BY l.id, r.id
---
 id | id
----+----
  1 | 10
  2 | 20
  3 | 20
(3 rows)

> SELECT l.id, l.k, r.id, r.k FROM l LEFT JOIN r ON l.k = r.k ORDER BY l.id, r.id
---
 id |  k   |  id  |  k
----+------+------+------
  1 |    1 |   10 |    1
  2 |    2 |   20 |    2
  2 |    2 |   50 |    2
  3 |    2 |   20 |    2
  3 |    2 |   50 |    2
  4 | NULL | NULL | NULL
  5 |    5 | NULL | NULL
(7 rows)

> SELECT l.id, l.k, r.id, r.k FROM l LEFT OUTER JOIN r ON l.k = r.k AND r.id > 20 ORDER BY l.id, r.id
---
 id |  k   |  id  |  k
----+------+------+------
  1 |    1 | NULL | NULL
  2 |    2 |   50 |    2
  3 |    2 |   50 |    2
  4 | NULL | NULL | NULL
  5 |    5 | NULL | NULL
(5 rows)

> SELECT l.id, l.k, r.id, r.k FROM l LEFT JOIN r ON l.k = r.k WHERE r.id > 20 ORDER BY l.id, r.id
---
 id | k | id | k
----+---+----+---
  2 | 2 | 50 | 2
  3 | 2 | 50 | 2
(2 rows)

> SELECT l.id, r.id FROM l LEFT JOIN r ON l.k = r.k WHERE r.id IS NULL ORDER BY l.id
---
 id |  id
----+------
  4 | NULL
  5 | NULL
(2 rows)

> SELECT l.id, l.k, r.id, r.k FROM l RIGHT JOIN r ON l.k = r.k ORDER BY r.id, l.id
---
  id  |  k   | id |  k
------+------+----+------
    1 |    1 | 10 |    1
    2 |    2 | 20 |    2
    3 |    2 | 20 |    2
 NULL | NULL | 30 |    3
 NULL | NULL | 40 | NULL
    2 |    2 | 50 |    2
    3 |    2 | 50 |    2
(7 rows)

> SELECT l.id, l.k, r.id, r.k FROM l FULL JOIN r ON l.k = r.k ORDER BY l.id NULLS LAST, r.id NULLS LAST
---
  id  |  k   |  id  |  k
------+------+------+------
    1 |    1 |   10 |    1
    2 |    2 |   20 |    2
    2 |    2 |   50 |    2
    3 |    2 |   20 |    2
    3 |    2 |   50 |    2
    4 | NULL | NULL | NULL
    5 |    5 | NULL | NULL
 NULL | NULL |   30 |    3
 NULL | NULL |   40 | NULL
(9 rows)

> SELECT l.id, r.id FROM l FULL OUTER JOIN r ON l.k = r.k WHERE l.id IS NULL OR r.id IS NULL ORDER BY l.id, r.id
---
  id  |  id
------+------
    4 | NULL
    5 | NULL
 NULL |   30
 NULL |   40
(4 rows)

> SELECT l.id, r.id FROM l FULL JOIN r ON false ORDER BY l.id, r.id
---
  id  |  id
------+------
    1 | NULL
    2 | NULL
    3 | NULL
    4 | NULL
    5 | NULL
 NULL |   10
 NULL |   20
 NULL |   30
 NULL |   40
 NULL |   50
(10 rows)

> SELECT count(*) FROM l CROSS JOIN r
---
 count
-------
    25
(1 row)

> SELECT l.id, r.id FROM l CROSS JOIN r WHERE l.id = 1 ORDER BY r.id
---
 id | id
----+----
  1 | 10
  1 | 20
  1 | 30
  1 | 40
  1 | 50
(5 rows)

> SELECT count(*) FROM l, r WHERE l.k = r.k
---
 count
-------
     5
(1 row)

> SELECT l.id, r.id FROM l JOIN r ON l.k < r.k AND r.id <= 30 ORDER BY l.id, r.id
---
 id | id
----+----
  1 | 20
  1 | 30
  2 | 30
  3 | 30
(4 rows)

> SELECT l.id, r.id FROM l JOIN r ON true WHERE l.id = 5 AND r.id = 10
---
 id | id
----+----
  5 | 10
(1 row)

> SELECT l.id, r.id FROM l LEFT JOIN r ON l.k = r.k AND l.id = 2 ORDER BY l.id, r.id
---
 id |  id
----+------
  1 | NULL
  2 |   20
  2 |   50
  3 | NULL
  4 | NULL
  5 | NULL
(6 rows)

> SELECT k, l.id, lv, r.id, rv FROM l JOIN r USING (k) ORDER BY l.id, r.id
---
 k | id | lv | id | rv
---+----+----+----+----
 1 |  1 | l1 | 10 | r1
 2 |  2 | l2 | 20 | r2
 2 |  2 | l2 | 50 | r5
 2 |  3 | l3 | 20 | r2
 2 |  3 | l3 | 50 | r5
(5 rows)

> SELECT k, l.k, r.k FROM l JOIN r USING (k) ORDER BY 1, l.id, r.id
---
 k | k | k
---+---+---
 1 | 1 | 1
 2 | 2 | 2
 2 | 2 | 2
 2 | 2 | 2
 2 | 2 | 2
(5 rows)

> SELECT k, l.id, lv, r.id, rv FROM l LEFT JOIN r USING (k) ORDER BY l.id, r.id
---
  k   | id | lv |  id  |  rv
------+----+----+------+------
    1 |  1 | l1 |   10 | r1
    2 |  2 | l2 |   20 | r2
    2 |  2 | l2 |   50 | r5
    2 |  3 | l3 |   20 | r2
    2 |  3 | l3 |   50 | r5
 NULL |  4 | l4 | NULL | NULL
    5 |  5 | l5 | NULL | NULL
(7 rows)

> SELECT k, lv, rv FROM l FULL JOIN r USING (k) ORDER BY k NULLS LAST, lv NULLS LAST, rv NULLS LAST
---
  k   |  lv  |  rv
------+------+------
    1 | l1   | r1
    2 | l2   | r2
    2 | l2   | r5
    2 | l3   | r2
    2 | l3   | r5
    3 | NULL | r3
    5 | l5   | NULL
 NULL | l4   | NULL
 NULL | NULL | r4
(9 rows)

> SELECT * FROM l JOIN r USING (id)
---
 id | k | lv | k | rv
----+---+----+---+----
(0 rows)

> SELECT * FROM l NATURAL JOIN r
---
 id | k | lv | rv
----+---+----+----
(0 rows)

> CREATE TABLE color (cid int, name text)
---
CREATE TABLE

> CREATE TABLE shade (cid int, shade text)
---
CREATE TABLE

> INSERT INTO color VALUES (1, 'red'), (2, 'blue'), (3, 'green')
---
INSERT 0 3

> INSERT INTO shade VALUES (1, 'dark'), (1, 'light'), (2, 'navy'), (4, 'none')
---
INSERT 0 4

> SELECT * FROM color NATURAL JOIN shade ORDER BY cid, shade
---
 cid | name | shade
-----+------+-------
   1 | red  | dark
   1 | red  | light
   2 | blue | navy
(3 rows)

> SELECT * FROM color NATURAL LEFT JOIN shade ORDER BY cid, shade
---
 cid | name  | shade
-----+-------+-------
   1 | red   | dark
   1 | red   | light
   2 | blue  | navy
   3 | green | NULL
(4 rows)

> SELECT * FROM color NATURAL FULL JOIN shade ORDER BY cid, shade
---
 cid | name  | shade
-----+-------+-------
   1 | red   | dark
   1 | red   | light
   2 | blue  | navy
   3 | green | NULL
   4 | NULL  | none
(5 rows)

> SELECT cid, name, shade FROM color NATURAL RIGHT JOIN shade ORDER BY cid, shade
---
 cid | name | shade
-----+------+-------
   1 | red  | dark
   1 | red  | light
   2 | blue | navy
   4 | NULL | none
(4 rows)

> SELECT c.name, s.shade FROM color c JOIN shade s USING (cid) WHERE cid = 1 ORDER BY s.shade
---
 name | shade
------+-------
 red  | dark
 red  | light
(2 rows)

> SELECT a.id AS a, b.id AS b FROM l a JOIN l b ON a.k = b.k AND a.id < b.id
---
 a | b
---+---
 2 | 3
(1 row)

> SELECT l.id, r.id, c.name FROM l JOIN r ON l.k = r.k JOIN color c ON c.cid = l.k ORDER BY l.id, r.id
---
 id | id | name
----+----+------
  1 | 10 | red
  2 | 20 | blue
  2 | 50 | blue
  3 | 20 | blue
  3 | 50 | blue
(5 rows)

> SELECT l.id, r.id, c.name FROM l LEFT JOIN r ON l.k = r.k LEFT JOIN color c ON c.cid = r.k ORDER BY l.id, r.id
---
 id |  id  | name
----+------+------
  1 |   10 | red
  2 |   20 | blue
  2 |   50 | blue
  3 |   20 | blue
  3 |   50 | blue
  4 | NULL | NULL
  5 | NULL | NULL
(7 rows)

> SELECT l.id, x.n FROM l JOIN (VALUES (1, 'one'), (2, 'two')) AS x(k, n) ON l.k = x.k ORDER BY l.id
---
 id |  n
----+-----
  1 | one
  2 | two
  3 | two
(3 rows)

> SELECT l.id, s.total FROM l JOIN (SELECT k, count(*) AS total FROM r GROUP BY k) s ON s.k = l.k ORDER BY l.id
---
 id | total
----+-------
  1 |     1
  2 |     2
  3 |     2
(3 rows)

> SELECT * FROM l JOIN r ON l.k = r.k JOIN color ON color.cid = r.id
---
 id | k | lv | id | k | rv | cid | name
----+---+----+----+---+----+-----+------
(0 rows)

> SELECT l.id FROM l, r WHERE l.id = r.id / 10 ORDER BY l.id
---
 id
----
  1
  2
  3
  4
  5
(5 rows)

> SELECT id FROM l JOIN r ON l.k = r.k
---
ERROR 42702: column reference "id" is ambiguous

> SELECT k FROM l JOIN r ON l.k = r.k
---
ERROR 42702: column reference "k" is ambiguous

> SELECT * FROM l JOIN r ON l.k = nosuch.k
---
ERROR 42P01: missing FROM-clause entry for table "nosuch"

> SELECT * FROM l JOIN r USING (nosuch)
---
ERROR 42703: column "nosuch" specified in USING clause does not exist in left table

> SELECT * FROM l JOIN r
---
ERROR 42601: syntax error at end of input at position 23

> SELECT l.lv, r.rv FROM l FULL JOIN r USING (k) WHERE l.id IS NULL OR r.id IS NULL ORDER BY 1, 2
---
  lv  |  rv
------+------
 l4   | NULL
 l5   | NULL
 NULL | r3
 NULL | r4
(4 rows)

> SELECT l.id, r.id FROM (l LEFT JOIN r ON l.k = r.k) ORDER BY 1, 2
---
 id |  id
----+------
  1 |   10
  2 |   20
  2 |   50
  3 |   20
  3 |   50
  4 | NULL
  5 | NULL
(7 rows)

> SELECT count(*) FROM l JOIN r ON l.k IS NOT DISTINCT FROM r.k
---
 count
-------
     6
(1 row)

> SELECT l.id, r.id FROM l JOIN r ON l.k = r.k OR (l.k IS NULL AND r.k IS NULL) ORDER BY 1, 2
---
 id | id
----+----
  1 | 10
  2 | 20
  2 | 50
  3 | 20
  3 | 50
  4 | 40
(6 rows)

> SELECT l.id, r.id FROM l LEFT JOIN r ON r.k = l.k AND r.k = 2 WHERE l.k < 3 ORDER BY 1, 2
---
 id |  id
----+------
  1 | NULL
  2 |   20
  2 |   50
  3 |   20
  3 |   50
(5 rows)

> SELECT l.id, cnt FROM l LEFT JOIN (SELECT k, count(*) AS cnt FROM r GROUP BY k) c ON c.k = l.k ORDER BY l.id
---
 id | cnt
----+------
  1 |    1
  2 |    2
  3 |    2
  4 | NULL
  5 | NULL
(5 rows)

> SELECT l.id, coalesce(r.rv, 'none') FROM l LEFT JOIN r ON l.k = r.k AND r.rv = 'r1' ORDER BY l.id
---
 id | coalesce
----+----------
  1 | r1
  2 | none
  3 | none
  4 | none
  5 | none
(5 rows)

> CREATE TABLE big_a (n int)
---
CREATE TABLE

> INSERT INTO big_a SELECT g FROM generate_series(1, 500) g
---
INSERT 0 500

> SELECT count(*), sum(a.n) FROM big_a a JOIN big_a b ON a.n = b.n + 1
---
 count |  sum
-------+--------
   499 | 125249
(1 row)

> SELECT count(*) FROM big_a a LEFT JOIN big_a b ON a.n = b.n * 2 WHERE b.n IS NULL
---
 count
-------
   250
(1 row)
