# READ COMMITTED, the default as in PostgreSQL: every statement of a block
# reads a new snapshot, so it sees what other transactions committed before
# it began (non-repeatable reads and phantoms are allowed), and an UPDATE of
# a row another transaction changed and committed applies to the committed
# version instead of failing. (A writer in progress makes the second writer
# wait: row-waits.test.ts, as the server does; this script's runner cannot
# wait, so it avoids that case.)

> CREATE TABLE acct (id int PRIMARY KEY, balance int)
---
CREATE TABLE

> INSERT INTO acct VALUES (1, 100), (2, 100)
---
INSERT 0 2

[s1] > BEGIN
---
BEGIN

[s1] > SHOW transaction_isolation
---
 transaction_isolation
-----------------------
 read committed
(1 row)

[s1] > SELECT sum(balance) FROM acct
---
 sum
-----
 200
(1 row)

# s2 moves money and adds an account, and commits.
[s2] > UPDATE acct SET balance = balance - 10 WHERE id = 1
---
UPDATE 1

[s2] > INSERT INTO acct VALUES (3, 10)
---
INSERT 0 1

# s1's next statement sees both (REPEATABLE READ would still say 200).
[s1] > SELECT sum(balance), count(*) FROM acct
---
 sum | count
-----+-------
 200 |     3
(1 row)

# s1 updates the row s2 changed: no 40001; it applies to s2's committed version.
[s1] > UPDATE acct SET balance = balance + 1 WHERE id = 1 RETURNING balance
---
 balance
---------
      91
(1 row)
UPDATE 1

[s1] > COMMIT
---
COMMIT

> SELECT id, balance FROM acct ORDER BY id
---
 id | balance
----+---------
  1 |      91
  2 |     100
  3 |      10
(3 rows)

# Within one statement the snapshot holds: a statement never sees a commit
# that happened while it ran. And a block can still ask for one snapshot.
[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > SELECT count(*) FROM acct
---
 count
-------
     3
(1 row)

[s2] > DELETE FROM acct WHERE id = 3
---
DELETE 1

[s1] > SELECT count(*) FROM acct
---
 count
-------
     3
(1 row)

[s1] > COMMIT
---
COMMIT

# SET TRANSACTION chooses the level before the block's first query, not after.
[s1] > BEGIN
---
BEGIN

[s1] > SET TRANSACTION ISOLATION LEVEL REPEATABLE READ
---
SET

[s1] > SHOW transaction_isolation
---
 transaction_isolation
-----------------------
 repeatable read
(1 row)

[s1] > SELECT 1 AS one
---
 one
-----
   1
(1 row)

[s1] > SET TRANSACTION ISOLATION LEVEL READ COMMITTED
---
ERROR 25001: SET TRANSACTION ISOLATION LEVEL must be called before any query

[s1] > ROLLBACK
---
ROLLBACK
