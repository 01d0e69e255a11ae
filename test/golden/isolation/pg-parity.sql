# Concurrent sessions where Flint once differed from PostgreSQL 15.
# Expected outputs are PostgreSQL's (REPEATABLE READ). PostgreSQL makes a
# writer wait for a concurrent uncommitted writer; these cases avoid that.

> CREATE TABLE t (id int PRIMARY KEY, v int)
---
CREATE TABLE

> INSERT INTO t VALUES (1, 0), (2, 0)
---
INSERT 0 2

# The 40001 message: "concurrent update" (or "concurrent delete" when the
# row was deleted), PostgreSQL's words.
[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > SELECT count(*) FROM t
---
 count
-------
     2
(1 row)

[s2] > UPDATE t SET v = 1 WHERE id = 1
---
UPDATE 1

[s1] > UPDATE t SET v = 2 WHERE id = 1
---
ERROR 40001: could not serialize access due to concurrent update

[s1] > ROLLBACK
---
ROLLBACK

[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > SELECT count(*) FROM t
---
 count
-------
     2
(1 row)

[s2] > DELETE FROM t WHERE id = 2
---
DELETE 1

[s1] > UPDATE t SET v = 2 WHERE id = 2
---
ERROR 40001: could not serialize access due to concurrent delete

[s1] > ROLLBACK
---
ROLLBACK

> INSERT INTO t VALUES (2, 0)
---
INSERT 0 1

# A primary key is enforced against a row that a concurrent transaction
# committed after this transaction's snapshot: 23505, as in PostgreSQL.
[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > SELECT count(*) FROM t
---
 count
-------
     2
(1 row)

[s2] > INSERT INTO t VALUES (3, 3)
---
INSERT 0 1

[s1] > INSERT INTO t VALUES (3, 4)
---
ERROR 23505: duplicate key value violates unique constraint "t_pkey"
DETAIL: Key (id)=(3) already exists.

[s1] > COMMIT
---
ROLLBACK

> SELECT * FROM t ORDER BY id, v
---
 id | v
----+---
  1 | 1
  2 | 0
  3 | 3
(3 rows)

# The snapshot of a REPEATABLE READ transaction is taken by its first
# statement, not by BEGIN: a change committed between BEGIN and the first
# SELECT is visible.
> CREATE TABLE s (id int PRIMARY KEY, v int)
---
CREATE TABLE

> INSERT INTO s VALUES (1, 0)
---
INSERT 0 1

[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s2] > UPDATE s SET v = 5 WHERE id = 1
---
UPDATE 1

[s1] > SELECT v FROM s
---
 v
---
 5
(1 row)

[s1] > UPDATE s SET v = v + 1 WHERE id = 1 RETURNING v
---
 v
---
 6
(1 row)
UPDATE 1

[s1] > COMMIT
---
COMMIT
