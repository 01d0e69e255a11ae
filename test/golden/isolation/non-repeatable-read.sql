# Non-repeatable read — FORBIDDEN under snapshot isolation: reading the same
# row twice in one transaction gives the same value, even though another
# transaction changed (or deleted) it and committed in between. (READ
# COMMITTED would allow it; snapshot isolation reads from one snapshot
# taken at the transaction's start.)

> CREATE TABLE item (id int PRIMARY KEY, price int)
---
CREATE TABLE

> INSERT INTO item VALUES (1, 10), (2, 20)
---
INSERT 0 2

[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > SELECT price FROM item WHERE id = 1
---
 price
-------
    10
(1 row)

# s2 changes both rows and commits (autocommit).
[s2] > UPDATE item SET price = 11 WHERE id = 1
---
UPDATE 1

[s2] > DELETE FROM item WHERE id = 2
---
DELETE 1

[s1] > SELECT price FROM item WHERE id = 1
---
 price
-------
    10
(1 row)

[s1] > SELECT * FROM item ORDER BY id
---
 id | price
----+-------
  1 |    10
  2 |    20
(2 rows)

# Aggregates read the same snapshot.
[s1] > SELECT sum(price), count(*) FROM item
---
 sum | count
-----+-------
  30 |     2
(1 row)

[s1] > COMMIT
---
COMMIT

# After the transaction, the committed changes are visible.
[s1] > SELECT * FROM item ORDER BY id
---
 id | price
----+-------
  1 |    11
(1 row)

# The same holds for a read-only transaction that only reads.
[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > SELECT price FROM item WHERE id = 1
---
 price
-------
    11
(1 row)

[s2] > UPDATE item SET price = 12 WHERE id = 1
---
UPDATE 1

[s1] > SELECT price FROM item WHERE id = 1
---
 price
-------
    11
(1 row)

[s1] > ROLLBACK
---
ROLLBACK

[s1] > SELECT price FROM item WHERE id = 1
---
 price
-------
    12
(1 row)
