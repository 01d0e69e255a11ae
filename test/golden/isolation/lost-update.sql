# Lost update — FORBIDDEN under snapshot isolation. Two transactions read a
# row and both write it back; if both commits stood, one write would be lost.
# The rule (first updater wins): a transaction that updates or deletes a row
# which a concurrent transaction has changed — committed after the snapshot
# was taken, or not committed yet — fails with 40001 "could not serialize
# access due to concurrent update", and its block is then aborted.
#
# These scripts run on Flint's synchronous API, which cannot wait: it fails
# the second writer at once. PostgreSQL (and Flint's server, through
# Session.runAsync: test/sql/statements/row-waits.test.ts) makes it wait
# while the first writer is in progress, and fails it (40001) only if the
# first one commits; the cases where that differs are marked and not
# compared with PostgreSQL.

> CREATE TABLE counter (id int PRIMARY KEY, n int)
---
CREATE TABLE

> INSERT INTO counter VALUES (1, 0), (2, 0)
---
INSERT 0 2

# 1. The first writer commits before the second one writes.
[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > SELECT n FROM counter WHERE id = 1
---
 n
---
 0
(1 row)

[s2] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s2] > SELECT n FROM counter WHERE id = 1
---
 n
---
 0
(1 row)

[s1] > UPDATE counter SET n = n + 1 WHERE id = 1
---
UPDATE 1

[s1] > COMMIT
---
COMMIT

[s2] > UPDATE counter SET n = n + 1 WHERE id = 1
---
ERROR 40001: could not serialize access due to concurrent update

[s2] > SELECT n FROM counter WHERE id = 1
---
ERROR 25P02: current transaction is aborted, commands ignored until end of transaction block

[s2] > COMMIT
---
ROLLBACK

> SELECT n FROM counter WHERE id = 1
---
 n
---
 1
(1 row)

# 2. A DELETE conflicts with a committed UPDATE too, and an UPDATE with a committed DELETE.
[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > SELECT count(*) FROM counter
---
 count
-------
     2
(1 row)

[s2] > UPDATE counter SET n = 10 WHERE id = 2
---
UPDATE 1

[s1] > DELETE FROM counter WHERE id = 2
---
ERROR 40001: could not serialize access due to concurrent update

[s1] > ROLLBACK
---
ROLLBACK

> INSERT INTO counter VALUES (3, 0)
---
INSERT 0 1

[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > SELECT count(*) FROM counter
---
 count
-------
     3
(1 row)

[s2] > DELETE FROM counter WHERE id = 3
---
DELETE 1

[s1] > UPDATE counter SET n = 1 WHERE id = 3
---
ERROR 40001: could not serialize access due to concurrent delete

[s1] > ROLLBACK
---
ROLLBACK

# 3. Writes to different rows do not conflict; both commit.
[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > UPDATE counter SET n = n + 100 WHERE id = 1
---
UPDATE 1

[s2] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s2] > UPDATE counter SET n = n + 100 WHERE id = 2
---
UPDATE 1

[s1] > COMMIT
---
COMMIT

[s2] > COMMIT
---
COMMIT

> SELECT * FROM counter ORDER BY id
---
 id |  n
----+-----
  1 | 101
  2 | 110
(2 rows)

# 4. A statement that matches no changed row does not conflict, even if it
#    reads rows that a concurrent transaction changed.
[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > SELECT count(*) FROM counter
---
 count
-------
     2
(1 row)

[s2] > UPDATE counter SET n = n + 1 WHERE id = 1
---
UPDATE 1

[s1] > UPDATE counter SET n = n + 1 WHERE id = 2 AND n > (SELECT n FROM counter WHERE id = 1)
---
UPDATE 1

[s1] > COMMIT
---
COMMIT

> SELECT * FROM counter ORDER BY id
---
 id |  n
----+-----
  1 | 102
  2 | 111
(2 rows)

# 5. A transaction that began after the first writer committed sees its
#    write and may overwrite it.
[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > UPDATE counter SET n = 0 WHERE id = 1
---
UPDATE 1

[s1] > COMMIT
---
COMMIT

[s2] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s2] > UPDATE counter SET n = n + 5 WHERE id = 1 RETURNING n
---
 n
---
 5
(1 row)
UPDATE 1

[s2] > COMMIT
---
COMMIT

# pg-check: off
# 6. The first writer has not committed yet: Flint fails the second writer
#    at once (PostgreSQL would wait for the first to finish), and keeps the
#    failure even if the first writer then rolls back.
[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > UPDATE counter SET n = -1 WHERE id = 1
---
UPDATE 1

[s2] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s2] > SELECT n FROM counter WHERE id = 1
---
 n
---
 5
(1 row)

[s2] > UPDATE counter SET n = n + 1 WHERE id = 1
---
ERROR 40001: could not serialize access due to concurrent update

[s1] > ROLLBACK
---
ROLLBACK

[s2] > SELECT n FROM counter WHERE id = 1
---
ERROR 25P02: current transaction is aborted, commands ignored until end of transaction block

[s2] > COMMIT
---
ROLLBACK

# An autocommit statement conflicts with an uncommitted write the same way.
[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > DELETE FROM counter WHERE id = 2
---
DELETE 1

[s2] > UPDATE counter SET n = 7 WHERE id = 2
---
ERROR 40001: could not serialize access due to concurrent delete

[s1] > COMMIT
---
COMMIT

> SELECT * FROM counter ORDER BY id
---
 id | n
----+---
  1 | 5
(1 row)
