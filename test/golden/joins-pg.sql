# Joins where Flint once differed from PostgreSQL 15 (expected outputs are
# PostgreSQL's).

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

# SELECT * over JOIN USING / NATURAL JOIN: the merged columns come first.
> SELECT * FROM l JOIN r USING (k) ORDER BY l.id, r.id
---
 k | id | lv | id | rv
---+----+----+----+----
 1 |  1 | l1 | 10 | r1
 2 |  2 | l2 | 20 | r2
 2 |  2 | l2 | 50 | r5
 2 |  3 | l3 | 20 | r2
 2 |  3 | l3 | 50 | r5
(5 rows)

> SELECT * FROM l LEFT JOIN r USING (k) ORDER BY l.id, r.id
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

> SELECT * FROM color NATURAL RIGHT JOIN shade ORDER BY cid, shade
---
 cid | name | shade
-----+------+-------
   1 | red  | dark
   1 | red  | light
   2 | blue | navy
   4 | NULL | none
(4 rows)
