# DDL: CREATE TABLE (types, IF NOT EXISTS, duplicate names, CREATE TABLE AS),
# DROP TABLE (IF EXISTS, several tables), CREATE/DROP VIEW (views are
# re-planned on use, see the tables they name, and take column aliases),
# CREATE/DROP INDEX (including UNIQUE indexes, which enforce uniqueness),
# ALTER TABLE, and the catalog surviving a restart.

> CREATE TABLE t (id int PRIMARY KEY, a text, b numeric(5,1), c timestamp, d boolean, e bytea, f jsonb, g uuid, h interval, i date, j real, k double precision, l smallint, m bigint, n varchar(3), o char(2), p timestamptz, q int4, r int8, s float8, u decimal(4,2), v bool, w character varying(5), x character(1))
---
CREATE TABLE

> SELECT * FROM t
---
 id | a | b | c | d | e | f | g | h | i | j | k | l | m | n | o | p | q | r | s | u | v | w | x
----+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---
(0 rows)

> INSERT INTO t (id, a, u, x) VALUES (1, 'one', 12.345, 'y') RETURNING id, a, u, x
---
 id |  a  |   u   | x
----+-----+-------+---
  1 | one | 12.35 | y
(1 row)
INSERT 0 1

> CREATE TABLE t (id int)
---
ERROR 42P07: relation "t" already exists

> CREATE TABLE IF NOT EXISTS t (id int)
---
CREATE TABLE

> CREATE TABLE T (id int)
---
ERROR 42P07: relation "t" already exists

> CREATE TABLE dupcol (a int, a text)
---
ERROR 42701: column "a" specified more than once

> CREATE TABLE badtype (a notatype)
---
ERROR 42704: type "notatype" does not exist

> CREATE TABLE empty_cols ()
---
CREATE TABLE

> CREATE TABLE made AS SELECT id, a, u FROM t
---
--
(0 rows)

> SELECT * FROM made
---
 id |  a  |   u
----+-----+-------
  1 | one | 12.35
(1 row)

> CREATE TABLE made2 (x, y) AS SELECT id * 10, a || '!' FROM t WHERE id = 1
---
--
(0 rows)

> SELECT * FROM made2
---
 x  |  y
----+------
 10 | one!
(1 row)

> CREATE TABLE made3 AS SELECT g AS n, g::text AS s FROM generate_series(1, 5) g WHERE g > 2
---
--
(0 rows)

> SELECT * FROM made3 ORDER BY n
---
 n | s
---+---
 3 | 3
 4 | 4
 5 | 5
(3 rows)

> CREATE TABLE made4 AS SELECT 1 AS a, 2 AS a
---
ERROR 42701: column "a" specified more than once

> CREATE TABLE made AS SELECT 1
---
ERROR 42P07: relation "made" already exists

> DROP TABLE made, made2, made3
---
DROP TABLE

> CREATE TABLE copy (id int)
---
CREATE TABLE

> CREATE TABLE copy2 (id int)
---
CREATE TABLE

> CREATE TABLE copy3 (id int)
---
CREATE TABLE

> DROP TABLE copy, copy2, copy3
---
DROP TABLE

> SELECT * FROM copy
---
ERROR 42P01: relation "copy" does not exist

> DROP TABLE copy
---
ERROR 42P01: table "copy" does not exist

> DROP TABLE IF EXISTS copy
---
DROP TABLE

> DROP TABLE IF EXISTS nosuch, empty_cols
---
DROP TABLE

> SELECT * FROM empty_cols
---
ERROR 42P01: relation "empty_cols" does not exist

> CREATE TABLE base (id int PRIMARY KEY, name text, score int)
---
CREATE TABLE

> INSERT INTO base VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30)
---
INSERT 0 3

> CREATE VIEW high AS SELECT id, name FROM base WHERE score > 15
---
CREATE VIEW

> SELECT * FROM high ORDER BY id
---
 id | name
----+------
  2 | b
  3 | c
(2 rows)

> INSERT INTO base VALUES (4, 'd', 40)
---
INSERT 0 1

> SELECT * FROM high ORDER BY id
---
 id | name
----+------
  2 | b
  3 | c
  4 | d
(3 rows)

> SELECT h.name, b.score FROM high h JOIN base b USING (id) ORDER BY 1
---
 name | score
------+-------
 b    |    20
 c    |    30
 d    |    40
(3 rows)

> CREATE VIEW named (k, label) AS SELECT id, upper(name) FROM base
---
CREATE VIEW

> SELECT * FROM named WHERE k < 3 ORDER BY k
---
 k | label
---+-------
 1 | A
 2 | B
(2 rows)

> CREATE VIEW agg AS SELECT count(*) AS n, sum(score) AS total FROM base
---
CREATE VIEW

> SELECT * FROM agg
---
 n | total
---+-------
 4 |   100
(1 row)

> CREATE VIEW high AS SELECT 1
---
ERROR 42P07: relation "high" already exists

> CREATE OR REPLACE VIEW high AS SELECT id, name FROM base WHERE score > 25
---
CREATE VIEW

> SELECT * FROM high ORDER BY id
---
 id | name
----+------
  3 | c
  4 | d
(2 rows)

> CREATE VIEW v_of_v AS SELECT count(*) AS c FROM high
---
CREATE VIEW

> SELECT * FROM v_of_v
---
 c
---
 2
(1 row)

> DROP VIEW v_of_v
---
DROP VIEW

> DROP VIEW agg, named
---
DROP VIEW

> DROP VIEW base
---
ERROR 42809: "base" is not a view

> DROP TABLE high
---
ERROR 42809: "high" is not a table

> DROP VIEW IF EXISTS nosuch
---
DROP VIEW

> CREATE INDEX base_name_idx ON base (name)
---
CREATE INDEX

> CREATE INDEX base_name_idx ON base (score)
---
ERROR 42P07: relation "base_name_idx" already exists

> CREATE INDEX IF NOT EXISTS base_name_idx ON base (score)
---
CREATE INDEX

> CREATE INDEX ON base (score DESC)
---
CREATE INDEX

> CREATE INDEX bad_idx ON base (nosuch)
---
ERROR 42703: column "nosuch" does not exist

> CREATE INDEX bad_idx ON nosuch (a)
---
ERROR 42P01: relation "nosuch" does not exist

> SELECT name FROM base WHERE name = 'c'
---
 name
------
 c
(1 row)

> CREATE UNIQUE INDEX base_score_key ON base (score)
---
CREATE INDEX

> INSERT INTO base VALUES (5, 'e', 10)
---
ERROR 23505: duplicate key value violates unique constraint "base_score_key"
DETAIL: Key (score)=(10) already exists.

> INSERT INTO base VALUES (5, 'e', 50)
---
INSERT 0 1

> CREATE TABLE dups (a int)
---
CREATE TABLE

> INSERT INTO dups VALUES (1), (1)
---
INSERT 0 2

> DROP INDEX base_name_idx
---
DROP INDEX

> DROP INDEX base_name_idx
---
ERROR 42704: index "base_name_idx" does not exist

> DROP INDEX IF EXISTS base_name_idx
---
DROP INDEX

> CREATE UNIQUE INDEX dups_a ON dups (a)
---
ERROR 23505: could not create unique index "dups_a"
DETAIL: Key (a)=(1) is duplicated.

> DROP TABLE dups
---
DROP TABLE

> CREATE TABLE persisted (id serial PRIMARY KEY, v text DEFAULT 'dflt', CONSTRAINT v_short CHECK (length(v) < 10))
---
CREATE TABLE

> INSERT INTO persisted (v) VALUES ('one'), (DEFAULT)
---
INSERT 0 2

[restart]

> SELECT * FROM persisted ORDER BY id
---
 id |  v
----+------
  1 | one
  2 | dflt
(2 rows)

> INSERT INTO persisted (v) VALUES ('three') RETURNING *
---
 id |   v
----+-------
  3 | three
(1 row)
INSERT 0 1

> INSERT INTO persisted (v) VALUES ('far too long')
---
ERROR 23514: new row for relation "persisted" violates check constraint "v_short"
DETAIL: Failing row contains (4, far too long).

> SELECT * FROM high ORDER BY id
---
 id | name
----+------
  3 | c
  4 | d
  5 | e
(3 rows)

> INSERT INTO base VALUES (6, 'f', 50)
---
ERROR 23505: duplicate key value violates unique constraint "base_score_key"
DETAIL: Key (score)=(50) already exists.

> SELECT count(*) FROM base
---
 count
-------
     5
(1 row)

> DROP VIEW high
---
DROP VIEW

> DROP TABLE base
---
DROP TABLE

> SELECT * FROM base
---
ERROR 42P01: relation "base" does not exist

> CREATE TABLE tcheck (id int, v text, CHECK (length(v) < 3), CHECK (id > 0 AND length(v) > 0))
---
CREATE TABLE

> INSERT INTO tcheck VALUES (1, 'long')
---
ERROR 23514: new row for relation "tcheck" violates check constraint "tcheck_v_check"
DETAIL: Failing row contains (1, long).

> INSERT INTO tcheck VALUES (0, 'x')
---
ERROR 23514: new row for relation "tcheck" violates check constraint "tcheck_check"
DETAIL: Failing row contains (0, x).

# ALTER TABLE.
> CREATE TABLE alt (id int PRIMARY KEY, a text)
---
CREATE TABLE

> INSERT INTO alt VALUES (1, 'one'), (2, 'two')
---
INSERT 0 2

> ALTER TABLE alt ADD COLUMN b int DEFAULT 7
---
ALTER TABLE

> ALTER TABLE alt ADD COLUMN c text
---
ALTER TABLE

> SELECT * FROM alt ORDER BY id
---
 id |  a  | b |  c
----+-----+---+------
  1 | one | 7 | NULL
  2 | two | 7 | NULL
(2 rows)

> INSERT INTO alt (id, a) VALUES (3, 'three') RETURNING *
---
 id |   a   | b |  c
----+-------+---+------
  3 | three | 7 | NULL
(1 row)
INSERT 0 1

> ALTER TABLE alt ADD COLUMN a int
---
ERROR 42701: column "a" of relation "alt" already exists

> ALTER TABLE alt ADD COLUMN d int NOT NULL
---
ERROR 23502: column "d" of relation "alt" contains null values

> ALTER TABLE alt ADD COLUMN d int NOT NULL DEFAULT 0
---
ALTER TABLE

> ALTER TABLE alt DROP COLUMN c
---
ALTER TABLE

> SELECT * FROM alt ORDER BY id
---
 id |   a   | b | d
----+-------+---+---
  1 | one   | 7 | 0
  2 | two   | 7 | 0
  3 | three | 7 | 0
(3 rows)

> ALTER TABLE alt DROP COLUMN nosuch
---
ERROR 42703: column "nosuch" of relation "alt" does not exist

> ALTER TABLE alt DROP COLUMN IF EXISTS nosuch
---
ALTER TABLE

> ALTER TABLE alt RENAME COLUMN a TO name
---
ALTER TABLE

> SELECT id, name FROM alt ORDER BY id
---
 id | name
----+-------
  1 | one
  2 | two
  3 | three
(3 rows)

> ALTER TABLE alt RENAME TO alt2
---
ALTER TABLE

> SELECT count(*) FROM alt
---
ERROR 42P01: relation "alt" does not exist

> SELECT count(*) FROM alt2
---
 count
-------
     3
(1 row)

> ALTER TABLE alt2 ALTER COLUMN b SET DEFAULT 42
---
ALTER TABLE

> INSERT INTO alt2 (id, name) VALUES (4, 'four') RETURNING b
---
 b
----
 42
(1 row)
INSERT 0 1

> ALTER TABLE alt2 ALTER COLUMN b DROP DEFAULT
---
ALTER TABLE

> INSERT INTO alt2 (id, name) VALUES (5, 'five') RETURNING b
---
  b
------
 NULL
(1 row)
INSERT 0 1

> ALTER TABLE alt2 ALTER COLUMN b SET NOT NULL
---
ERROR 23502: column "b" of relation "alt2" contains null values

> DELETE FROM alt2 WHERE b IS NULL
---
DELETE 1

> ALTER TABLE alt2 ALTER COLUMN b SET NOT NULL
---
ALTER TABLE

> INSERT INTO alt2 (id, name) VALUES (6, 'six')
---
ERROR 23502: null value in column "b" of relation "alt2" violates not-null constraint
DETAIL: Failing row contains (6, six, null, 0).

> ALTER TABLE alt2 ALTER COLUMN b DROP NOT NULL
---
ALTER TABLE

> ALTER TABLE alt2 ADD CONSTRAINT b_small CHECK (b < 10)
---
ERROR 23514: check constraint "b_small" of relation "alt2" is violated by some row

> ALTER TABLE alt2 ADD CONSTRAINT b_big CHECK (b > 10)
---
ERROR 23514: check constraint "b_big" of relation "alt2" is violated by some row

> INSERT INTO alt2 (id, name, b) VALUES (6, 'six', 11)
---
INSERT 0 1

> ALTER TABLE alt2 DROP CONSTRAINT b_small
---
ERROR 42704: constraint "b_small" of relation "alt2" does not exist

> INSERT INTO alt2 (id, name, b) VALUES (6, 'six', 11)
---
ERROR 23505: duplicate key value violates unique constraint "alt_pkey"
DETAIL: Key (id)=(6) already exists.

> ALTER TABLE alt2 ADD CONSTRAINT name_unique UNIQUE (name)
---
ALTER TABLE

> INSERT INTO alt2 (id, name) VALUES (7, 'six')
---
ERROR 23505: duplicate key value violates unique constraint "name_unique"
DETAIL: Key (name)=(six) already exists.

> ALTER TABLE alt2 DROP CONSTRAINT nosuch
---
ERROR 42704: constraint "nosuch" of relation "alt2" does not exist

> ALTER TABLE nosuch ADD COLUMN x int
---
ERROR 42P01: relation "nosuch" does not exist

[restart]

> SELECT * FROM alt2 ORDER BY id
---
 id | name  | b  | d
----+-------+----+---
  1 | one   |  7 | 0
  2 | two   |  7 | 0
  3 | three |  7 | 0
  4 | four  | 42 | 0
  6 | six   | 11 | 0
(5 rows)

> INSERT INTO alt2 (id, name, b) VALUES (8, 'eight', 12) RETURNING *
---
 id | name  | b  | d
----+-------+----+---
  8 | eight | 12 | 0
(1 row)
INSERT 0 1
