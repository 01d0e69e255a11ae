# Transaction blocks in one session: BEGIN/START TRANSACTION, COMMIT/END,
# ROLLBACK/ABORT; effects visible inside the block and gone after ROLLBACK;
# an error fails the block (25P02 until it ends) and COMMIT then rolls back;
# autocommit statements are atomic; TRUNCATE is transactional; SET/SHOW/RESET.
# (Concurrent sessions are in isolation/.)

> CREATE TABLE acc (id int PRIMARY KEY, bal int NOT NULL CHECK (bal >= 0))
---
CREATE TABLE

> INSERT INTO acc VALUES (1, 100), (2, 50)
---
INSERT 0 2

> BEGIN
---
BEGIN

> UPDATE acc SET bal = bal - 30 WHERE id = 1
---
UPDATE 1

> UPDATE acc SET bal = bal + 30 WHERE id = 2
---
UPDATE 1

> SELECT * FROM acc ORDER BY id
---
 id | bal
----+-----
  1 |  70
  2 |  80
(2 rows)

> COMMIT
---
COMMIT

> SELECT * FROM acc ORDER BY id
---
 id | bal
----+-----
  1 |  70
  2 |  80
(2 rows)

> BEGIN
---
BEGIN

> DELETE FROM acc
---
DELETE 2

> INSERT INTO acc VALUES (3, 1)
---
INSERT 0 1

> SELECT * FROM acc ORDER BY id
---
 id | bal
----+-----
  3 |   1
(1 row)

> ROLLBACK
---
ROLLBACK

> SELECT * FROM acc ORDER BY id
---
 id | bal
----+-----
  1 |  70
  2 |  80
(2 rows)

> INSERT INTO acc VALUES (3, 10)
---
INSERT 0 1

> END
---
COMMIT

> BEGIN TRANSACTION
---
BEGIN

> UPDATE acc SET bal = 0 WHERE id = 3
---
UPDATE 1

> ABORT
---
ROLLBACK

> SELECT * FROM acc ORDER BY id
---
 id | bal
----+-----
  1 |  70
  2 |  80
  3 |  10
(3 rows)

# An error inside a block fails it; every statement is refused until it ends.
> BEGIN
---
BEGIN

> INSERT INTO acc VALUES (4, 4)
---
INSERT 0 1

> INSERT INTO acc VALUES (1, 1)
---
ERROR 23505: duplicate key value violates unique constraint "acc_pkey"
DETAIL: Key (id)=(1) already exists.

> SELECT 1
---
ERROR 25P02: current transaction is aborted, commands ignored until end of transaction block

> INSERT INTO acc VALUES (5, 5)
---
ERROR 25P02: current transaction is aborted, commands ignored until end of transaction block

> COMMIT
---
ROLLBACK

> SELECT * FROM acc ORDER BY id
---
 id | bal
----+-----
  1 |  70
  2 |  80
  3 |  10
(3 rows)

> BEGIN
---
BEGIN

> SELECT 1 / 0
---
ERROR 22012: division by zero

> ROLLBACK
---
ROLLBACK

> SELECT 'usable again' AS s
---
      s
--------------
 usable again
(1 row)

# Autocommit: a statement that fails changes nothing, even for rows before the failure.
> INSERT INTO acc VALUES (6, 6), (7, 7), (1, 1)
---
ERROR 23505: duplicate key value violates unique constraint "acc_pkey"
DETAIL: Key (id)=(1) already exists.

> UPDATE acc SET bal = bal - 70
---
ERROR 23514: new row for relation "acc" violates check constraint "acc_bal_check"
DETAIL: Failing row contains (3, -60).

> SELECT * FROM acc ORDER BY id
---
 id | bal
----+-----
  1 |  70
  2 |  80
  3 |  10
(3 rows)

# COMMIT and ROLLBACK outside a block only warn.
> COMMIT
---
COMMIT

> ROLLBACK
---
ROLLBACK

> BEGIN
---
BEGIN

> BEGIN
---
BEGIN

> INSERT INTO acc VALUES (8, 8)
---
INSERT 0 1

> COMMIT
---
COMMIT

> SELECT count(*) FROM acc WHERE id = 8
---
 count
-------
     1
(1 row)

# TRUNCATE is transactional.
> BEGIN
---
BEGIN

> TRUNCATE acc
---
TRUNCATE TABLE

> SELECT count(*) FROM acc
---
 count
-------
     0
(1 row)

> ROLLBACK
---
ROLLBACK

> SELECT count(*) FROM acc
---
 count
-------
     4
(1 row)

# DDL commits with its block.
> BEGIN
---
BEGIN

> CREATE TABLE kept (x int)
---
CREATE TABLE

> INSERT INTO kept VALUES (42)
---
INSERT 0 1

> COMMIT
---
COMMIT

> SELECT * FROM kept
---
 x
----
 42
(1 row)

# Serial values are not rolled back.
> CREATE TABLE s (id serial, v text)
---
CREATE TABLE

> INSERT INTO s (v) VALUES ('a')
---
INSERT 0 1

> BEGIN
---
BEGIN

> INSERT INTO s (v) VALUES ('b')
---
INSERT 0 1

> ROLLBACK
---
ROLLBACK

> INSERT INTO s (v) VALUES ('c')
---
INSERT 0 1

> SELECT * FROM s ORDER BY id
---
 id | v
----+---
  1 | a
  3 | c
(2 rows)

# Session settings.
> SHOW transaction_isolation
---
 transaction_isolation
-----------------------
 read committed
(1 row)

> SHOW standard_conforming_strings
---
 standard_conforming_strings
-----------------------------
 on
(1 row)

> SET application_name = 'golden'
---
SET

> SHOW application_name
---
 application_name
------------------
 golden
(1 row)

> SET application_name TO 'other'
---
SET

> SHOW application_name
---
 application_name
------------------
 other
(1 row)

> RESET application_name
---
RESET

> SHOW application_name
---
 application_name
------------------
 
(1 row)

> SET TIME ZONE 'UTC'
---
SET

> SET timezone = 'UTC'
---
SET

> SHOW nosuch_setting
---
ERROR 42704: unrecognized configuration parameter "nosuch_setting"

> SELECT timestamptz '2024-06-01 12:00:00+02'
---
      timestamptz
------------------------
 2024-06-01 10:00:00+00
(1 row)

> BEGIN
---
BEGIN

> SET application_name = 'in block'
---
SET

> SHOW application_name
---
 application_name
------------------
 in block
(1 row)

> COMMIT
---
COMMIT

> SHOW application_name
---
 application_name
------------------
 in block
(1 row)

> BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

> SHOW transaction_isolation
---
 transaction_isolation
-----------------------
 repeatable read
(1 row)

> COMMIT
---
COMMIT

# Savepoints.
> BEGIN
---
BEGIN

> INSERT INTO acc VALUES (20, 20)
---
INSERT 0 1

> SAVEPOINT a
---
SAVEPOINT

> INSERT INTO acc VALUES (21, 21)
---
INSERT 0 1

> SAVEPOINT b
---
SAVEPOINT

> INSERT INTO acc VALUES (22, 22)
---
INSERT 0 1

> ROLLBACK TO SAVEPOINT b
---
ROLLBACK

> SELECT id FROM acc WHERE id >= 20 ORDER BY id
---
 id
----
 20
 21
(2 rows)

> INSERT INTO acc VALUES (20, 0)
---
ERROR 23505: duplicate key value violates unique constraint "acc_pkey"
DETAIL: Key (id)=(20) already exists.

> SELECT 1
---
ERROR 25P02: current transaction is aborted, commands ignored until end of transaction block

> ROLLBACK TO a
---
ROLLBACK

> SELECT id FROM acc WHERE id >= 20 ORDER BY id
---
 id
----
 20
(1 row)

> RELEASE SAVEPOINT a
---
RELEASE

> ROLLBACK TO SAVEPOINT a
---
ERROR 3B001: savepoint "a" does not exist

> COMMIT
---
ROLLBACK

> SELECT id FROM acc WHERE id >= 20 ORDER BY id
---
 id
----
(0 rows)

> SAVEPOINT outside
---
ERROR 25P01: SAVEPOINT can only be used in transaction blocks

> BEGIN
---
BEGIN

> SAVEPOINT s1
---
SAVEPOINT

> INSERT INTO acc VALUES (23, 23)
---
INSERT 0 1

> RELEASE s1
---
RELEASE

> COMMIT
---
COMMIT

> SELECT id FROM acc WHERE id >= 20 ORDER BY id
---
 id
----
 23
(1 row)

