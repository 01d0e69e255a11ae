# Constraints: NOT NULL (23502), CHECK (23514; NULL passes), PRIMARY KEY and
# UNIQUE (23505, single and multi-column, NULLs distinct), DEFAULT, named
# constraints, violations in multi-row INSERT and UPDATE leaving no partial
# effect, and constraint names in messages.

> CREATE TABLE acct (id int PRIMARY KEY, email text UNIQUE, balance numeric(10,2) NOT NULL DEFAULT 0 CHECK (balance >= 0), kind text CHECK (kind IN ('a', 'b')))
---
CREATE TABLE

> INSERT INTO acct VALUES (1, 'a@x', 10, 'a'), (2, 'b@x', 0, NULL), (3, NULL, 5, 'b'), (4, NULL, 1, 'a')
---
INSERT 0 4

> INSERT INTO acct VALUES (1, 'z@x', 1, 'a')
---
ERROR 23505: duplicate key value violates unique constraint "acct_pkey"
DETAIL: Key (id)=(1) already exists.

> INSERT INTO acct VALUES (5, 'a@x', 1, 'a')
---
ERROR 23505: duplicate key value violates unique constraint "acct_email_key"
DETAIL: Key (email)=(a@x) already exists.

> INSERT INTO acct (id, email, balance) VALUES (5, 'c@x', NULL)
---
ERROR 23502: null value in column "balance" of relation "acct" violates not-null constraint
DETAIL: Failing row contains (5, c@x, null, null).

> INSERT INTO acct (id, email, balance) VALUES (5, 'c@x', -1)
---
ERROR 23514: new row for relation "acct" violates check constraint "acct_balance_check"
DETAIL: Failing row contains (5, c@x, -1.00, null).

> INSERT INTO acct (id, email, kind) VALUES (5, 'c@x', 'z')
---
ERROR 23514: new row for relation "acct" violates check constraint "acct_kind_check"
DETAIL: Failing row contains (5, c@x, 0.00, z).

> INSERT INTO acct (email) VALUES ('d@x')
---
ERROR 23502: null value in column "id" of relation "acct" violates not-null constraint
DETAIL: Failing row contains (null, d@x, 0.00, null).

> INSERT INTO acct (id) VALUES (5) RETURNING *
---
 id | email | balance | kind
----+-------+---------+------
  5 | NULL  |    0.00 | NULL
(1 row)
INSERT 0 1

> INSERT INTO acct VALUES (6, 'e@x', 1, 'a'), (7, 'f@x', 1, 'a'), (6, 'g@x', 1, 'a')
---
ERROR 23505: duplicate key value violates unique constraint "acct_pkey"
DETAIL: Key (id)=(6) already exists.

> SELECT id FROM acct ORDER BY id
---
 id
----
  1
  2
  3
  4
  5
(5 rows)

> UPDATE acct SET balance = balance - 5 WHERE id IN (1, 3)
---
UPDATE 2

> SELECT id, balance FROM acct WHERE id IN (1, 3) ORDER BY id
---
 id | balance
----+---------
  1 |    5.00
  3 |    0.00
(2 rows)

> UPDATE acct SET balance = balance - 5
---
ERROR 23514: new row for relation "acct" violates check constraint "acct_balance_check"
DETAIL: Failing row contains (2, b@x, -5.00, null).

> SELECT id, balance FROM acct ORDER BY id
---
 id | balance
----+---------
  1 |    5.00
  2 |    0.00
  3 |    0.00
  4 |    1.00
  5 |    0.00
(5 rows)

> UPDATE acct SET email = 'b@x' WHERE id = 1
---
ERROR 23505: duplicate key value violates unique constraint "acct_email_key"
DETAIL: Key (email)=(b@x) already exists.

> UPDATE acct SET id = 2 WHERE id = 1
---
ERROR 23505: duplicate key value violates unique constraint "acct_pkey"
DETAIL: Key (id)=(2) already exists.

> UPDATE acct SET id = id + 1
---
ERROR 23505: duplicate key value violates unique constraint "acct_pkey"
DETAIL: Key (id)=(3) already exists.

> UPDATE acct SET id = id + 100
---
UPDATE 5

> SELECT id FROM acct ORDER BY id
---
 id
-----
 101
 102
 103
 104
 105
(5 rows)

> UPDATE acct SET email = NULL
---
UPDATE 5

> SELECT count(*), count(email) FROM acct
---
 count | count
-------+-------
     5 |     0
(1 row)

> CREATE TABLE pair (a int, b int, c text, PRIMARY KEY (a, b), CONSTRAINT c_unique UNIQUE (c), CONSTRAINT b_positive CHECK (b > 0))
---
CREATE TABLE

> INSERT INTO pair VALUES (1, 1, 'x'), (1, 2, 'y'), (2, 1, NULL), (3, 1, NULL)
---
INSERT 0 4

> INSERT INTO pair VALUES (1, 1, 'z')
---
ERROR 23505: duplicate key value violates unique constraint "pair_pkey"
DETAIL: Key (a, b)=(1, 1) already exists.

> INSERT INTO pair VALUES (1, 3, 'x')
---
ERROR 23505: duplicate key value violates unique constraint "c_unique"
DETAIL: Key (c)=(x) already exists.

> INSERT INTO pair VALUES (1, 0, 'q')
---
ERROR 23514: new row for relation "pair" violates check constraint "b_positive"
DETAIL: Failing row contains (1, 0, q).

> INSERT INTO pair VALUES (NULL, 1, 'q')
---
ERROR 23502: null value in column "a" of relation "pair" violates not-null constraint
DETAIL: Failing row contains (null, 1, q).

> CREATE TABLE nn (a int NOT NULL, b text NOT NULL DEFAULT 'dflt', c int NULL)
---
CREATE TABLE

> INSERT INTO nn (a) VALUES (1) RETURNING *
---
 a |  b   |  c
---+------+------
 1 | dflt | NULL
(1 row)
INSERT 0 1

> INSERT INTO nn (b) VALUES ('x')
---
ERROR 23502: null value in column "a" of relation "nn" violates not-null constraint
DETAIL: Failing row contains (null, x, null).

> INSERT INTO nn VALUES (2, NULL, NULL)
---
ERROR 23502: null value in column "b" of relation "nn" violates not-null constraint
DETAIL: Failing row contains (2, null, null).

> UPDATE nn SET a = NULL
---
ERROR 23502: null value in column "a" of relation "nn" violates not-null constraint
DETAIL: Failing row contains (null, dflt, null).

> CREATE TABLE chk (x int CHECK (x > 0), y int, CHECK (x < y))
---
CREATE TABLE

> INSERT INTO chk VALUES (1, 2), (NULL, 5), (3, NULL), (NULL, NULL)
---
INSERT 0 4

> INSERT INTO chk VALUES (5, 1)
---
ERROR 23514: new row for relation "chk" violates check constraint "chk_check"
DETAIL: Failing row contains (5, 1).

> INSERT INTO chk VALUES (0, 1)
---
ERROR 23514: new row for relation "chk" violates check constraint "chk_x_check"
DETAIL: Failing row contains (0, 1).

> UPDATE chk SET y = 0 WHERE x = 1
---
ERROR 23514: new row for relation "chk" violates check constraint "chk_check"
DETAIL: Failing row contains (1, 0).

> CREATE TABLE u2 (a int, b int, UNIQUE (a, b))
---
CREATE TABLE

> INSERT INTO u2 VALUES (1, NULL), (1, NULL), (NULL, NULL), (1, 2)
---
INSERT 0 4

> INSERT INTO u2 VALUES (1, 2)
---
ERROR 23505: duplicate key value violates unique constraint "u2_a_b_key"
DETAIL: Key (a, b)=(1, 2) already exists.

> SELECT count(*) FROM u2
---
 count
-------
     4
(1 row)

> CREATE TABLE pk_text (code varchar(3) PRIMARY KEY, n int)
---
CREATE TABLE

> INSERT INTO pk_text VALUES ('abc', 1), ('ABC', 2), ('ab', 3)
---
INSERT 0 3

> INSERT INTO pk_text VALUES ('abc', 4)
---
ERROR 23505: duplicate key value violates unique constraint "pk_text_pkey"
DETAIL: Key (code)=(abc) already exists.

> INSERT INTO pk_text VALUES (NULL, 5)
---
ERROR 23502: null value in column "code" of relation "pk_text" violates not-null constraint
DETAIL: Failing row contains (null, 5).

> DELETE FROM pk_text WHERE code = 'abc'
---
DELETE 1

> INSERT INTO pk_text VALUES ('abc', 6) RETURNING *
---
 code | n
------+---
 abc  | 6
(1 row)
INSERT 0 1

> CREATE TABLE bad_check (a int CHECK (nosuch > 0))
---
ERROR 42703: column "nosuch" does not exist

> CREATE TABLE two_pk (a int PRIMARY KEY, b int PRIMARY KEY)
---
ERROR 42P16: multiple primary keys for table "two_pk" are not allowed

> CREATE TABLE bad_default (a int DEFAULT 'x')
---
ERROR 22P02: invalid input syntax for type integer: "x"

# FOREIGN KEY: references must exist (23503); deleting or updating a
# referenced row is refused (NO ACTION / RESTRICT), cascades, or sets NULL.
> CREATE TABLE parent (id int PRIMARY KEY, name text UNIQUE)
---
CREATE TABLE

> CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent (id), pname text REFERENCES parent (name) ON DELETE SET NULL ON UPDATE CASCADE)
---
CREATE TABLE

> INSERT INTO parent VALUES (1, 'p1'), (2, 'p2'), (3, 'p3')
---
INSERT 0 3

> INSERT INTO child VALUES (10, 1, 'p1'), (11, 1, NULL), (12, NULL, 'p2')
---
INSERT 0 3

> INSERT INTO child VALUES (13, 9, NULL)
---
ERROR 23503: insert or update on table "child" violates foreign key constraint "child_parent_id_fkey"
DETAIL: Key (parent_id)=(9) is not present in table "parent".

> INSERT INTO child VALUES (13, NULL, 'nope')
---
ERROR 23503: insert or update on table "child" violates foreign key constraint "child_pname_fkey"
DETAIL: Key (pname)=(nope) is not present in table "parent".

> UPDATE child SET parent_id = 4 WHERE id = 10
---
ERROR 23503: insert or update on table "child" violates foreign key constraint "child_parent_id_fkey"
DETAIL: Key (parent_id)=(4) is not present in table "parent".

> DELETE FROM parent WHERE id = 1
---
ERROR 23503: update or delete on table "parent" violates foreign key constraint "child_parent_id_fkey" on table "child"
DETAIL: Key (id)=(1) is still referenced from table "child".

> UPDATE parent SET id = 100 WHERE id = 1
---
ERROR 23503: update or delete on table "parent" violates foreign key constraint "child_parent_id_fkey" on table "child"
DETAIL: Key (id)=(1) is still referenced from table "child".

> DELETE FROM parent WHERE id = 3
---
DELETE 1

> UPDATE parent SET name = 'p2x' WHERE id = 2
---
UPDATE 1

> SELECT * FROM child ORDER BY id
---
 id | parent_id | pname
----+-----------+-------
 10 |         1 | p1
 11 |         1 | NULL
 12 |      NULL | p2x
(3 rows)

> DELETE FROM parent WHERE name = 'p2x'
---
DELETE 1

> SELECT * FROM child ORDER BY id
---
 id | parent_id | pname
----+-----------+-------
 10 |         1 | p1
 11 |         1 | NULL
 12 |      NULL | NULL
(3 rows)

> CREATE TABLE line (id int PRIMARY KEY, order_id int NOT NULL REFERENCES parent ON DELETE CASCADE)
---
CREATE TABLE

> INSERT INTO parent VALUES (4, 'p4')
---
INSERT 0 1

> INSERT INTO line VALUES (1, 1), (2, 1), (3, 4)
---
INSERT 0 3

> DELETE FROM child
---
DELETE 3

> DELETE FROM parent WHERE id = 1
---
DELETE 1

> SELECT * FROM line ORDER BY id
---
 id | order_id
----+----------
  3 |        4
(1 row)

> CREATE TABLE ref_pair (a int, b int, FOREIGN KEY (a, b) REFERENCES pair (a, b))
---
CREATE TABLE

> INSERT INTO ref_pair VALUES (1, 1), (NULL, 99)
---
INSERT 0 2

> INSERT INTO ref_pair VALUES (1, 99)
---
ERROR 23503: insert or update on table "ref_pair" violates foreign key constraint "ref_pair_a_b_fkey"
DETAIL: Key (a, b)=(1, 99) is not present in table "pair".

> CREATE TABLE bad_ref (x int REFERENCES nosuch (id))
---
ERROR 42P01: relation "nosuch" does not exist

> CREATE TABLE bad_ref (x int REFERENCES parent (nosuch))
---
ERROR 42703: column "nosuch" referenced in foreign key constraint does not exist

> CREATE TABLE bad_ref (x int REFERENCES child (pname))
---
ERROR 42830: there is no unique constraint matching given keys for referenced table "child"

> DROP TABLE parent
---
ERROR 2BP01: cannot drop table parent because other objects depend on it
DETAIL: constraint child_parent_id_fkey on table child depends on table parent
constraint child_pname_fkey on table child depends on table parent
constraint line_order_id_fkey on table line depends on table parent

> TRUNCATE parent
---
ERROR 0A000: cannot truncate a table referenced in a foreign key constraint
DETAIL: Table "child" references "parent".

