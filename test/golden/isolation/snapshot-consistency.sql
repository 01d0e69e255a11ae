# A snapshot never sees part of a transaction: a reader sees all of a
# committed transaction's writes or none of them, never a state in the
# middle of a multi-statement transaction. Here a transfer moves money
# between accounts in several statements while readers sum the balances;
# every reader's sum is the invariant total, and each reader sees either
# the state before the transfer or the state after it.

> CREATE TABLE acct (id int PRIMARY KEY, bal int NOT NULL)
---
CREATE TABLE

> INSERT INTO acct SELECT g, 100 FROM generate_series(1, 5) g
---
INSERT 0 5

[s3] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s3] > SELECT sum(bal), count(*) FROM acct
---
 sum | count
-----+-------
 500 |     5
(1 row)

# The transfer: 50 from account 1 to accounts 2 and 3, and a new account 6.
[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > UPDATE acct SET bal = bal - 50 WHERE id = 1
---
UPDATE 1

# An autocommit reader in the middle of the transfer sees none of it.
[s2] > SELECT sum(bal), count(*) FROM acct
---
 sum | count
-----+-------
 500 |     5
(1 row)

[s1] > UPDATE acct SET bal = bal + 20 WHERE id = 2
---
UPDATE 1

[s1] > UPDATE acct SET bal = bal + 20 WHERE id = 3
---
UPDATE 1

[s1] > INSERT INTO acct VALUES (6, 10)
---
INSERT 0 1

# A reader whose snapshot starts mid-transfer sees none of it either.
[s2] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s2] > SELECT * FROM acct ORDER BY id
---
 id | bal
----+-----
  1 | 100
  2 | 100
  3 | 100
  4 | 100
  5 | 100
(5 rows)

# The transfer sees itself: the total is 500 again.
[s1] > SELECT sum(bal), count(*) FROM acct
---
 sum | count
-----+-------
 500 |     6
(1 row)

[s1] > COMMIT
---
COMMIT

# Both older snapshots still see the state before the transfer, row by row.
[s2] > SELECT * FROM acct ORDER BY id
---
 id | bal
----+-----
  1 | 100
  2 | 100
  3 | 100
  4 | 100
  5 | 100
(5 rows)

[s3] > SELECT sum(bal), count(*) FROM acct
---
 sum | count
-----+-------
 500 |     5
(1 row)

[s3] > SELECT id, bal FROM acct WHERE id <= 3 ORDER BY id
---
 id | bal
----+-----
  1 | 100
  2 | 100
  3 | 100
(3 rows)

[s2] > COMMIT
---
COMMIT

[s3] > COMMIT
---
COMMIT

# New snapshots see all of it.
[s2] > SELECT * FROM acct ORDER BY id
---
 id | bal
----+-----
  1 |  50
  2 | 120
  3 | 120
  4 | 100
  5 | 100
  6 |  10
(6 rows)

[s3] > SELECT sum(bal), count(*) FROM acct
---
 sum | count
-----+-------
 500 |     6
(1 row)

# A transfer that rolls back leaves no trace in any snapshot.
[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > UPDATE acct SET bal = 0
---
UPDATE 6

[s1] > DELETE FROM acct WHERE id = 6
---
DELETE 1

[s2] > SELECT sum(bal), count(*) FROM acct
---
 sum | count
-----+-------
 500 |     6
(1 row)

[s1] > ROLLBACK
---
ROLLBACK

[s2] > SELECT sum(bal), count(*) FROM acct
---
 sum | count
-----+-------
 500 |     6
(1 row)
