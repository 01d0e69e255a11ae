# INSERT (VALUES, several rows, column lists, DEFAULT and DEFAULT VALUES,
# INSERT ... SELECT, RETURNING), UPDATE and DELETE (WHERE, expressions over
# the old row, RETURNING, no match), TRUNCATE, serial and identity columns,
# and assignment casts (rounding, length checks) on the way in.

> CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, qty int DEFAULT 0, price numeric(6,2) DEFAULT 9.99, note varchar(10))
---
CREATE TABLE

> INSERT INTO items (name) VALUES ('a')
---
INSERT 0 1

> INSERT INTO items (name, qty) VALUES ('b', 5), ('c', 7) RETURNING id, name, qty, price
---
 id | name | qty | price
----+------+-----+-------
  2 | b    |   5 |  9.99
  3 | c    |   7 |  9.99
(2 rows)
INSERT 0 2

> INSERT INTO items (name, qty, price) VALUES ('d', DEFAULT, DEFAULT) RETURNING *
---
 id | name | qty | price | note
----+------+-----+-------+------
  4 | d    |   0 |  9.99 | NULL
(1 row)
INSERT 0 1

> INSERT INTO items VALUES (DEFAULT, 'e', 1, 1.5, 'note') RETURNING id
---
 id
----
  5
(1 row)
INSERT 0 1

> INSERT INTO items (qty, name) VALUES (3, 'f') RETURNING name AS n, qty * 2 AS double
---
 n | double
---+--------
 f |      6
(1 row)
INSERT 0 1

> SELECT * FROM items ORDER BY id
---
 id | name | qty | price | note
----+------+-----+-------+------
  1 | a    |   0 |  9.99 | NULL
  2 | b    |   5 |  9.99 | NULL
  3 | c    |   7 |  9.99 | NULL
  4 | d    |   0 |  9.99 | NULL
  5 | e    |   1 |  1.50 | note
  6 | f    |   3 |  9.99 | NULL
(6 rows)

> INSERT INTO items (name, price) VALUES ('g', 1.005), ('h', '2.5'), ('i', 3) RETURNING price
---
 price
-------
  1.01
  2.50
  3.00
(3 rows)
INSERT 0 3

> INSERT INTO items (name, qty) VALUES ('j', 2.5) RETURNING qty
---
 qty
-----
   3
(1 row)
INSERT 0 1

> INSERT INTO items (name, qty) VALUES ('k', '2.5')
---
ERROR 22P02: invalid input syntax for type integer: "2.5"

> INSERT INTO items (name, note) VALUES ('l', 'this is too long')
---
ERROR 22001: value too long for type character varying(10)

> INSERT INTO items (name, note) VALUES ('l', 'ten chars!     ') RETURNING note, length(note) AS len
---
    note    | len
------------+-----
 ten chars! |  10
(1 row)
INSERT 0 1

> INSERT INTO items (name, nosuch) VALUES ('x', 1)
---
ERROR 42703: column "nosuch" of relation "items" does not exist

> INSERT INTO items (name) VALUES ('x', 1)
---
ERROR 42601: INSERT has more expressions than target columns at position 39

> INSERT INTO items VALUES (100, 'explicit id', 1, 1, NULL)
---
INSERT 0 1

> INSERT INTO nosuch VALUES (1)
---
ERROR 42P01: relation "nosuch" does not exist

> CREATE TABLE archive (id int, name text, qty int)
---
CREATE TABLE

> INSERT INTO archive SELECT id, name, qty FROM items WHERE qty > 2 ORDER BY id
---
INSERT 0 4

> INSERT INTO archive (name, id) SELECT name, id + 1000 FROM items WHERE id = 1 RETURNING *
---
  id  | name | qty
------+------+------
 1001 | a    | NULL
(1 row)
INSERT 0 1

> INSERT INTO archive SELECT id, name FROM items WHERE id = 2
---
INSERT 0 1

> SELECT * FROM archive ORDER BY id
---
  id  | name | qty
------+------+------
    2 | b    |    5
    2 | b    | NULL
    3 | c    |    7
    6 | f    |    3
   10 | j    |    3
 1001 | a    | NULL
(6 rows)

> INSERT INTO archive SELECT * FROM archive WHERE id < 5
---
INSERT 0 3

> SELECT count(*) FROM archive
---
 count
-------
     9
(1 row)

> UPDATE items SET qty = qty + 10 WHERE name IN ('a', 'b')
---
UPDATE 2

> UPDATE items SET qty = qty * 2, price = price / 2 WHERE id = 2 RETURNING id, qty, price
---
 id | qty | price
----+-----+-------
  2 |  30 |  5.00
(1 row)
UPDATE 1

> UPDATE items SET name = upper(name), note = name WHERE id = 3 RETURNING *
---
 id | name | qty | price | note
----+------+-----+-------+------
  3 | C    |   7 |  9.99 | c
(1 row)
UPDATE 1

> UPDATE items SET qty = DEFAULT WHERE id = 2 RETURNING qty
---
 qty
-----
   0
(1 row)
UPDATE 1

> UPDATE items SET qty = 0 WHERE false
---
UPDATE 0

> UPDATE items SET qty = 1 WHERE id = 12345 RETURNING *
---
 id | name | qty | price | note
----+------+-----+-------+------
(0 rows)
UPDATE 0

> UPDATE items SET nosuch = 1
---
ERROR 42703: column "nosuch" of relation "items" does not exist

> UPDATE items SET qty = 'abc'
---
ERROR 22P02: invalid input syntax for type integer: "abc"

> UPDATE items SET note = 'way too long for this'
---
ERROR 22001: value too long for type character varying(10)

> UPDATE items SET qty = qty + 1
---
UPDATE 12

> SELECT id, name, qty FROM items ORDER BY id
---
 id  |    name     | qty
-----+-------------+-----
   1 | a           |  11
   2 | b           |   1
   3 | C           |   8
   4 | d           |   1
   5 | e           |   2
   6 | f           |   4
   7 | g           |   1
   8 | h           |   1
   9 | i           |   1
  10 | j           |   4
  11 | l           |   1
 100 | explicit id |   2
(12 rows)

> UPDATE items SET id = id + 1000 WHERE id = 100 RETURNING id
---
  id
------
 1100
(1 row)
UPDATE 1

> UPDATE items SET qty = items.qty - 1 WHERE items.id = 1 RETURNING items.qty
---
 qty
-----
  10
(1 row)
UPDATE 1

> DELETE FROM items WHERE qty > 10 RETURNING id, name
---
 id | name
----+------
(0 rows)
DELETE 0

> DELETE FROM items WHERE id = 98765
---
DELETE 0

> DELETE FROM items WHERE name LIKE 'x%' RETURNING *
---
 id | name | qty | price | note
----+------+-----+-------+------
(0 rows)
DELETE 0

> DELETE FROM items WHERE items.price IS NULL
---
DELETE 0

> SELECT count(*) FROM items
---
 count
-------
    12
(1 row)

> DELETE FROM archive
---
DELETE 9

> SELECT count(*) FROM archive
---
 count
-------
     0
(1 row)

> INSERT INTO archive VALUES (1, 'a', 1), (2, 'b', 2)
---
INSERT 0 2

> TRUNCATE archive
---
TRUNCATE TABLE

> SELECT * FROM archive
---
 id | name | qty
----+------+-----
(0 rows)

> TRUNCATE TABLE archive, items
---
TRUNCATE TABLE

> INSERT INTO items (name) VALUES ('after truncate') RETURNING id
---
 id
----
 12
(1 row)
INSERT 0 1

> TRUNCATE nosuch
---
ERROR 42P01: relation "nosuch" does not exist

> CREATE TABLE ident (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text)
---
CREATE TABLE

> INSERT INTO ident (v) VALUES ('a'), ('b') RETURNING *
---
 id | v
----+---
  1 | a
  2 | b
(2 rows)
INSERT 0 2

> CREATE TABLE ident2 (id bigint GENERATED BY DEFAULT AS IDENTITY, v text)
---
CREATE TABLE

> INSERT INTO ident2 (v) VALUES ('a') RETURNING id
---
 id
----
  1
(1 row)
INSERT 0 1

> INSERT INTO ident2 (id, v) VALUES (10, 'b') RETURNING id
---
 id
----
 10
(1 row)
INSERT 0 1

> INSERT INTO ident2 (v) VALUES ('c') RETURNING id
---
 id
----
  2
(1 row)
INSERT 0 1

> CREATE TABLE big (id bigserial PRIMARY KEY, s smallserial)
---
CREATE TABLE

> INSERT INTO big DEFAULT VALUES RETURNING *
---
 id | s
----+---
  1 | 1
(1 row)
INSERT 0 1

> INSERT INTO big DEFAULT VALUES RETURNING *
---
 id | s
----+---
  2 | 2
(1 row)
INSERT 0 1

> CREATE TABLE defaults (id int, a text DEFAULT 'x' || 'y', b int DEFAULT 1 + 2, c date DEFAULT '2024-01-01', d boolean DEFAULT true, e int)
---
CREATE TABLE

> INSERT INTO defaults (id) VALUES (1) RETURNING *
---
 id | a  | b |     c      | d |  e
----+----+---+------------+---+------
  1 | xy | 3 | 2024-01-01 | t | NULL
(1 row)
INSERT 0 1

> INSERT INTO defaults DEFAULT VALUES RETURNING *
---
  id  | a  | b |     c      | d |  e
------+----+---+------------+---+------
 NULL | xy | 3 | 2024-01-01 | t | NULL
(1 row)
INSERT 0 1

> INSERT INTO defaults VALUES (3, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT) RETURNING *
---
 id | a  | b |     c      | d |  e
----+----+---+------------+---+------
  3 | xy | 3 | 2024-01-01 | t | NULL
(1 row)
INSERT 0 1

> CREATE TABLE kv (k int PRIMARY KEY, v int)
---
CREATE TABLE

> INSERT INTO kv SELECT g, g * g FROM generate_series(1, 100) g
---
INSERT 0 100

> UPDATE kv SET v = -v WHERE k % 10 = 0
---
UPDATE 10

> DELETE FROM kv WHERE k > 90
---
DELETE 10

> SELECT count(*), sum(v), min(v), max(k) FROM kv
---
 count |  sum   |  min  | max
-------+--------+-------+-----
    90 | 190065 | -8100 |  90
(1 row)

> UPDATE kv SET k = k + 1
---
ERROR 23505: duplicate key value violates unique constraint "kv_pkey"
DETAIL: Key (k)=(2) already exists.

> UPDATE kv SET k = k + 1000
---
UPDATE 90

> SELECT min(k), max(k), count(*) FROM kv
---
 min  | max  | count
------+------+-------
 1001 | 1090 |    90
(1 row)

> INSERT INTO kv VALUES (1, 1) RETURNING k
---
 k
---
 1
(1 row)
INSERT 0 1

> INSERT INTO kv VALUES (2001, 0), (2001, 1)
---
ERROR 23505: duplicate key value violates unique constraint "kv_pkey"
DETAIL: Key (k)=(2001) already exists.

> SELECT count(*) FROM kv WHERE k > 2000
---
 count
-------
     0
(1 row)

# Table aliases in UPDATE and DELETE; a column named twice; RETURNING names.
> CREATE TABLE stock (sku text PRIMARY KEY, qty int NOT NULL DEFAULT 0, note text)
---
CREATE TABLE

> INSERT INTO stock (sku, qty) VALUES ('a', 1), ('b', 2)
---
INSERT 0 2

> INSERT INTO stock (sku, sku) VALUES ('x', 'y')
---
ERROR 42701: column "sku" specified more than once

> INSERT INTO stock (sku, note) VALUES ('r', 'ret') RETURNING length(note), upper(sku), qty + 1, note
---
 length | upper | ?column? | note
--------+-------+----------+------
      3 | R     |        1 | ret
(1 row)
INSERT 0 1

> UPDATE stock s SET qty = s.qty + 10 WHERE s.sku = 'a' RETURNING s.sku, s.qty
---
 sku | qty
-----+-----
 a   |  11
(1 row)
UPDATE 1

> UPDATE stock AS s SET qty = qty - 1 WHERE s.qty > 100
---
UPDATE 0

> DELETE FROM stock s WHERE s.sku = 'r' RETURNING s.*
---
 sku | qty | note
-----+-----+------
 r   |   0 | ret
(1 row)
DELETE 1

> DELETE FROM stock AS s WHERE s.note IS NOT NULL
---
DELETE 0

# INSERT ... ON CONFLICT.
> INSERT INTO stock (sku, qty) VALUES ('a', 5) ON CONFLICT DO NOTHING
---
INSERT 0 0

> INSERT INTO stock (sku, qty) VALUES ('a', 5), ('c', 3) ON CONFLICT (sku) DO NOTHING RETURNING *
---
 sku | qty | note
-----+-----+------
 c   |   3 | NULL
(1 row)
INSERT 0 1

> INSERT INTO stock (sku, qty) VALUES ('a', 5) ON CONFLICT (sku) DO UPDATE SET qty = stock.qty + excluded.qty RETURNING *
---
 sku | qty | note
-----+-----+------
 a   |  16 | NULL
(1 row)
INSERT 0 1

> INSERT INTO stock AS s (sku, qty) VALUES ('b', 10), ('d', 1), ('a', 1) ON CONFLICT (sku) DO UPDATE SET qty = s.qty + excluded.qty, note = 'merged' WHERE s.qty < 5 RETURNING sku, qty, note
---
 sku | qty |  note
-----+-----+--------
 b   |  12 | merged
 d   |   1 | NULL
(2 rows)
INSERT 0 2

> INSERT INTO stock (sku, qty) VALUES ('e', 1), ('e', 2) ON CONFLICT (sku) DO UPDATE SET qty = excluded.qty
---
ERROR 21000: ON CONFLICT DO UPDATE command cannot affect row a second time

> INSERT INTO stock (sku, qty) VALUES ('e', 1), ('e', 2) ON CONFLICT DO NOTHING RETURNING sku, qty
---
 sku | qty
-----+-----
 e   |   1
(1 row)
INSERT 0 1

> INSERT INTO stock (sku, qty) VALUES ('a', 1) ON CONFLICT (qty) DO NOTHING
---
ERROR 42P10: there is no unique or exclusion constraint matching the ON CONFLICT specification

> INSERT INTO stock (sku, qty) VALUES ('a', 1) ON CONFLICT (sku) DO UPDATE SET sku = 'b'
---
ERROR 23505: duplicate key value violates unique constraint "stock_pkey"
DETAIL: Key (sku)=(b) already exists.

> SELECT * FROM stock ORDER BY sku
---
 sku | qty |  note
-----+-----+--------
 a   |  16 | NULL
 b   |  12 | merged
 c   |   3 | NULL
 d   |   1 | NULL
 e   |   1 | NULL
(5 rows)

# UPDATE ... FROM, multi-column SET, DELETE ... USING.
> UPDATE stock SET qty = v.q FROM (VALUES ('a', 100), ('z', 1)) v(sku, q) WHERE stock.sku = v.sku RETURNING stock.sku, qty
---
 sku | qty
-----+-----
 a   | 100
(1 row)
UPDATE 1

> CREATE TABLE price (sku text, cents int)
---
CREATE TABLE

> INSERT INTO price VALUES ('b', 250), ('c', 99), ('c', 100)
---
INSERT 0 3

> UPDATE stock SET note = 'priced ' || p.cents FROM price p WHERE p.sku = stock.sku AND p.sku = 'b' RETURNING stock.sku, note
---
 sku |    note
-----+------------
 b   | priced 250
(1 row)
UPDATE 1

> UPDATE stock SET (qty, note) = (0, 'zeroed') WHERE sku = 'd' RETURNING *
---
 sku | qty |  note
-----+-----+--------
 d   |   0 | zeroed
(1 row)
UPDATE 1

> UPDATE stock SET (qty, note) = (SELECT 7, 'from subquery') WHERE sku = 'e' RETURNING *
---
 sku | qty |     note
-----+-----+---------------
 e   |   7 | from subquery
(1 row)
UPDATE 1

> UPDATE stock SET (qty, note) = (1, 'x', 'y') WHERE sku = 'e'
---
ERROR 42601: number of columns does not match number of values at position 32

> DELETE FROM stock USING price WHERE stock.sku = price.sku AND price.cents < 100 RETURNING stock.sku
---
 sku
-----
 c
(1 row)
DELETE 1

> DELETE FROM stock USING (VALUES ('d'), ('zz')) v(sku) WHERE stock.sku = v.sku RETURNING stock.*
---
 sku | qty |  note
-----+-----+--------
 d   |   0 | zeroed
(1 row)
DELETE 1

> SELECT * FROM stock ORDER BY sku
---
 sku | qty |     note
-----+-----+---------------
 a   | 100 | NULL
 b   |  12 | priced 250
 e   |   7 | from subquery
(3 rows)

# Identity columns: GENERATED ALWAYS refuses explicit values.
> CREATE TABLE ident3 (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text)
---
CREATE TABLE

> INSERT INTO ident3 (v) VALUES ('a') RETURNING *
---
 id | v
----+---
  1 | a
(1 row)
INSERT 0 1

> INSERT INTO ident3 (id, v) VALUES (10, 'c')
---
ERROR 428C9: cannot insert a non-DEFAULT value into column "id"
DETAIL: Column "id" is an identity column defined as GENERATED ALWAYS.

> INSERT INTO ident3 (id, v) OVERRIDING SYSTEM VALUE VALUES (10, 'c') RETURNING *
---
 id | v
----+---
 10 | c
(1 row)
INSERT 0 1

> UPDATE ident3 SET id = 5
---
ERROR 428C9: column "id" can only be updated to DEFAULT
DETAIL: Column "id" is an identity column defined as GENERATED ALWAYS.

> INSERT INTO ident3 (v) VALUES ('d') RETURNING *
---
 id | v
----+---
  2 | d
(1 row)
INSERT 0 1

# INSERT without a column list may give fewer values than the table has
# columns: the rest get their defaults (PostgreSQL semantics).
> CREATE TABLE s3 (a text, b int DEFAULT 5, c text)
---
CREATE TABLE

> INSERT INTO s3 VALUES ('x'), ('y')
---
INSERT 0 2

> INSERT INTO s3 VALUES ('z', 1)
---
INSERT 0 1

> SELECT * FROM s3 ORDER BY a
---
 a | b |  c
---+---+------
 x | 5 | NULL
 y | 5 | NULL
 z | 1 | NULL
(3 rows)
