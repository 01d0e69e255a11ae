# A concurrent uncommitted insert of the same key. PostgreSQL makes the
# second inserter wait and then fails it with 23505 once the first commits
# (the checker's lock_timeout turns the wait into 55P03). Flint never waits:
# the unique index fails the second insert at once with 40001 (retry), and
# the table never holds two rows with one key.
# pg-check: off

> CREATE TABLE t (id int PRIMARY KEY, v int)
---
CREATE TABLE

[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > INSERT INTO t VALUES (2, 1)
---
INSERT 0 1

[s2] > INSERT INTO t VALUES (2, 2)
---
ERROR 40001: could not serialize access due to concurrent update
DETAIL: Another transaction in progress holds a row with the same key in "t_pkey".

[s1] > COMMIT
---
COMMIT

> SELECT * FROM t ORDER BY id, v
---
 id | v
----+---
  2 | 1
(1 row)
