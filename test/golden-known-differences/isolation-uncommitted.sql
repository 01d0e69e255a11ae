# Known difference from PostgreSQL 15 with an uncommitted concurrent insert
# of the same key. PostgreSQL makes the second inserter wait and then fails
# it with 23505 once the first commits (the checker's lock_timeout turns the
# wait into 55P03). Flint neither waits nor fails: both inserts succeed and
# the committed table holds two rows with the same primary key. Under
# Flint's no-wait rule the second insert should fail at once (23505, as
# written here, or 40001).
# pg-check: off

> CREATE TABLE t (id int PRIMARY KEY, v int)
---
CREATE TABLE

[s1] > BEGIN
---
BEGIN

[s1] > INSERT INTO t VALUES (2, 1)
---
INSERT 0 1

[s2] > INSERT INTO t VALUES (2, 2)
---
ERROR 23505: duplicate key value violates unique constraint "t_pkey"
DETAIL: Key (id)=(2) already exists.

[s1] > COMMIT
---
COMMIT

> SELECT * FROM t ORDER BY id, v
---
 id | v
----+---
  2 | 1
(1 row)
