# Read-only transaction anomaly — ALLOWED under snapshot isolation (Fekete,
# O'Neil and O'Neil, "A Read-Only Transaction Anomaly Under Snapshot
# Isolation", SIGMOD Record 2004). Two update transactions are serializable
# on their own; a third, read-only transaction observes a state that no
# serial order of the three could produce. SERIALIZABLE would abort one of
# the transactions; snapshot isolation lets all three commit.
#
# A customer has a checking account x and a savings account y, both 0.
#   T1 (s1): withdraw 10 from checking; if x + y would go negative, charge a
#            penalty of 1. It reads x and y, then writes x.
#   T2 (s2): deposit 20 into savings. It reads and writes y.
#   T3 (s3): read-only; prints x and y.

> CREATE TABLE accounts (name text PRIMARY KEY, bal int NOT NULL)
---
CREATE TABLE

> INSERT INTO accounts VALUES ('x', 0), ('y', 0)
---
INSERT 0 2

# T1 starts and reads both balances (x + y = 0).
[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > SELECT sum(bal) FROM accounts
---
 sum
-----
   0
(1 row)

# T2 deposits 20 into savings and commits.
[s2] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s2] > SELECT bal FROM accounts WHERE name = 'y'
---
 bal
-----
   0
(1 row)

[s2] > UPDATE accounts SET bal = bal + 20 WHERE name = 'y'
---
UPDATE 1

[s2] > COMMIT
---
COMMIT

# T3 reads after T2 committed: x = 0, y = 20. In a serial order T3 must
# come after T2 and before T1 — so T1 should have seen y = 20 and charged
# no penalty.
[s3] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s3] > SELECT * FROM accounts ORDER BY name
---
 name | bal
------+-----
 x    |   0
 y    |  20
(2 rows)

[s3] > COMMIT
---
COMMIT

# T1, from its snapshot (x + y = 0 < 10), withdraws 10 and charges the
# penalty: x = -11. It writes only x, which nobody else wrote: it commits.
[s1] > UPDATE accounts SET bal = bal - 11 WHERE name = 'x'
---
UPDATE 1

[s1] > COMMIT
---
COMMIT

# Final state x = -11, y = 20: consistent with T1 before T2, but T3 saw T2
# without T1 — no serial order of T1, T2 and T3 explains what T3 saw.
> SELECT * FROM accounts ORDER BY name
---
 name | bal
------+-----
 x    | -11
 y    |  20
(2 rows)
