# Known differences from PostgreSQL 15 in joins. Expected outputs are
# PostgreSQL's.

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

# Message: PostgreSQL does not quote a qualified name as one identifier.
> SELECT l.nosuch FROM l
---
ERROR 42703: column l.nosuch does not exist

# Aliases on parenthesised joins are not supported.
> SELECT * FROM (l JOIN r ON l.k = r.k) j WHERE j.lv = 'l1'
---
 id | k | lv | id | k | rv
----+---+----+----+---+----
  1 | 1 | l1 | 10 | 1 | r1
(1 row)
