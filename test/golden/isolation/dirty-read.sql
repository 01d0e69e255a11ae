# Dirty read — FORBIDDEN under snapshot isolation (and under every
# PostgreSQL isolation level): a transaction never sees another
# transaction's uncommitted changes, whether that transaction later commits
# or rolls back.
#
# Every transaction here reads right after BEGIN: PostgreSQL takes a
# REPEATABLE READ snapshot at the first statement, not at BEGIN, so reading
# first makes both engines take it at the same point.

> CREATE TABLE acct (id int PRIMARY KEY, bal int)
---
CREATE TABLE

> INSERT INTO acct VALUES (1, 100), (2, 200)
---
INSERT 0 2

[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > UPDATE acct SET bal = 999 WHERE id = 1
---
UPDATE 1

[s1] > INSERT INTO acct VALUES (3, 300)
---
INSERT 0 1

[s1] > DELETE FROM acct WHERE id = 2
---
DELETE 1

# s1 sees its own changes.
[s1] > SELECT * FROM acct ORDER BY id
---
 id | bal
----+-----
  1 | 999
  3 | 300
(2 rows)

# s2, outside any transaction block, sees none of them.
[s2] > SELECT * FROM acct ORDER BY id
---
 id | bal
----+-----
  1 | 100
  2 | 200
(2 rows)

[s2] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s2] > SELECT * FROM acct ORDER BY id
---
 id | bal
----+-----
  1 | 100
  2 | 200
(2 rows)

[s1] > ROLLBACK
---
ROLLBACK

[s2] > SELECT * FROM acct ORDER BY id
---
 id | bal
----+-----
  1 | 100
  2 | 200
(2 rows)

[s2] > COMMIT
---
COMMIT

# The same, with the writer committing: the reader's snapshot still hides the change.
[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > UPDATE acct SET bal = bal + 1 WHERE id = 1
---
UPDATE 1

[s2] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s2] > SELECT bal FROM acct WHERE id = 1
---
 bal
-----
 100
(1 row)

[s1] > COMMIT
---
COMMIT

[s2] > SELECT bal FROM acct WHERE id = 1
---
 bal
-----
 100
(1 row)

[s2] > COMMIT
---
COMMIT

# A new statement outside a block sees the committed change.
[s2] > SELECT bal FROM acct WHERE id = 1
---
 bal
-----
 101
(1 row)
