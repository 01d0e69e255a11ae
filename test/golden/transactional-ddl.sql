# DDL inside a transaction block belongs to the transaction, as in
# PostgreSQL: ROLLBACK (or ROLLBACK TO SAVEPOINT) undoes CREATE, DROP and
# ALTER together with the rows written through them, and other sessions see
# a change only once it commits.

> BEGIN
---
BEGIN

> CREATE TABLE t (a int PRIMARY KEY, b text)
---
CREATE TABLE

> INSERT INTO t VALUES (1, 'one'), (2, 'two')
---
INSERT 0 2

> CREATE INDEX t_b ON t (b)
---
CREATE INDEX

> SELECT a FROM t WHERE b = 'two'
---
 a
---
 2
(1 row)

> ROLLBACK
---
ROLLBACK

> SELECT * FROM t
---
ERROR 42P01: relation "t" does not exist

> DROP INDEX t_b
---
ERROR 42704: index "t_b" does not exist

> CREATE TABLE t (a int PRIMARY KEY, b text)
---
CREATE TABLE

> INSERT INTO t VALUES (1, 'one')
---
INSERT 0 1

> BEGIN
---
BEGIN

> DROP TABLE t
---
DROP TABLE

> SELECT * FROM t
---
ERROR 42P01: relation "t" does not exist

> ROLLBACK
---
ROLLBACK

> SELECT * FROM t
---
 a |  b
---+-----
 1 | one
(1 row)

> BEGIN
---
BEGIN

> ALTER TABLE t ADD COLUMN c int DEFAULT 7
---
ALTER TABLE

> INSERT INTO t VALUES (2, 'two', 8)
---
INSERT 0 1

> UPDATE t SET c = 9 WHERE a = 1
---
UPDATE 1

> SELECT * FROM t ORDER BY a
---
 a |  b  | c
---+-----+---
 1 | one | 9
 2 | two | 8
(2 rows)

> ROLLBACK
---
ROLLBACK

> SELECT * FROM t ORDER BY a
---
 a |  b
---+-----
 1 | one
(1 row)

> VACUUM
---
VACUUM

> SELECT * FROM t ORDER BY a
---
 a |  b
---+-----
 1 | one
(1 row)

> BEGIN
---
BEGIN

> ALTER TABLE t RENAME TO t2
---
ALTER TABLE

> CREATE TABLE t (x int)
---
CREATE TABLE

> SAVEPOINT s
---
SAVEPOINT

> CREATE TABLE gone (y serial PRIMARY KEY, z text)
---
CREATE TABLE

> INSERT INTO gone (z) VALUES ('a'), ('b')
---
INSERT 0 2

> SELECT * FROM gone ORDER BY y
---
 y | z
---+---
 1 | a
 2 | b
(2 rows)

> ROLLBACK TO SAVEPOINT s
---
ROLLBACK

> SELECT * FROM gone
---
ERROR 42P01: relation "gone" does not exist

> ROLLBACK TO SAVEPOINT s
---
ROLLBACK

> COMMIT
---
COMMIT

> SELECT * FROM t2
---
 a |  b
---+-----
 1 | one
(1 row)

> SELECT * FROM t
---
 x
---
(0 rows)

> SELECT * FROM gone
---
ERROR 42P01: relation "gone" does not exist

# A failed statement fails the block; ROLLBACK undoes the DDL before it.

> BEGIN
---
BEGIN

> CREATE TABLE u (a int)
---
CREATE TABLE

> INSERT INTO u VALUES ('x')
---
ERROR 22P02: invalid input syntax for type integer: "x"

> COMMIT
---
ROLLBACK

> SELECT * FROM u
---
ERROR 42P01: relation "u" does not exist

# Sessions: s2 sees s1's DDL only after s1 commits.

[s1] > BEGIN
---
BEGIN

[s1] > CREATE TABLE shared (a int)
---
CREATE TABLE

[s1] > INSERT INTO shared VALUES (1)
---
INSERT 0 1

[s2] > SELECT * FROM shared
---
ERROR 42P01: relation "shared" does not exist

[s1] > COMMIT
---
COMMIT

[s2] > SELECT * FROM shared
---
 a
---
 1
(1 row)

# pg-check: off
# While s1's DROP TABLE is uncommitted, PostgreSQL makes s2 wait for s1's
# lock; Flint never waits, and s2 still reads the table, which exists until
# the drop commits.

[s1] > BEGIN
---
BEGIN

[s1] > DROP TABLE shared
---
DROP TABLE

[s2] > SELECT * FROM shared
---
 a
---
 1
(1 row)

[s1] > COMMIT
---
COMMIT

[s2] > SELECT * FROM shared
---
ERROR 42P01: relation "shared" does not exist
