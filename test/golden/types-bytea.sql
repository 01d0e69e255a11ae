# BYTEA: hex input and output, escape input, comparison and ordering by bytes,
# concatenation, length, substring, encode/decode and md5.

> SELECT '\x'::bytea, '\x00ff'::bytea, 'abc'::bytea, '\xDEADBEEF'::bytea
---
 bytea | bytea  |  bytea   |   bytea
-------+--------+----------+------------
 \x    | \x00ff | \x616263 | \xdeadbeef
(1 row)

> SELECT 'a\\b'::bytea, 'a\000b'::bytea, E'\\x41'::bytea
---
  bytea   |  bytea   | bytea
----------+----------+-------
 \x615c62 | \x610062 | \x41
(1 row)

> SELECT '\xzz'::bytea
---
ERROR 22023: invalid hexadecimal digit: "z"

> SELECT '\x123'::bytea
---
ERROR 22023: invalid hexadecimal data: odd number of digits

> SELECT '\x01'::bytea < '\x02'::bytea, '\x01'::bytea < '\x0100'::bytea, '\xff'::bytea > '\x00ff'::bytea, 'abc'::bytea = '\x616263'::bytea
---
 ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------
 t        | t        | t        | t
(1 row)

> SELECT '\x01'::bytea || '\x02'::bytea, length('\x010203'::bytea), octet_length('abc'::bytea)
---
 ?column? | length | octet_length
----------+--------+--------------
 \x0102   |      3 |            3
(1 row)

> SELECT substring('\x0102030405'::bytea, 2, 3), substring('\x0102030405'::bytea FROM 4)
---
 substring | substring
-----------+-----------
 \x020304  | \x0405
(1 row)

> SELECT encode('\x00ff10'::bytea, 'hex'), encode('abc'::bytea, 'base64'), encode('a\000b'::bytea, 'escape'), decode('00ff', 'hex'), decode('YWJj', 'base64')
---
 encode | encode | encode | decode |  decode
--------+--------+--------+--------+----------
 00ff10 | YWJj   | a\000b | \x00ff | \x616263
(1 row)

> SELECT md5('abc'::bytea)
---
               md5
----------------------------------
 900150983cd24fb0d6963f7d28e17f72
(1 row)

> CREATE TABLE blobs (id int PRIMARY KEY, b bytea)
---
CREATE TABLE

> INSERT INTO blobs VALUES (1, '\xff'), (2, '\x00'), (3, ''), (4, NULL), (5, '\x0001'), (6, 'hello')
---
INSERT 0 6

> SELECT * FROM blobs ORDER BY b, id
---
 id |      b
----+--------------
  3 | \x
  2 | \x00
  5 | \x0001
  6 | \x68656c6c6f
  1 | \xff
  4 | NULL
(6 rows)

> SELECT id, length(b) FROM blobs ORDER BY id
---
 id | length
----+--------
  1 |      1
  2 |      1
  3 |      0
  4 |   NULL
  5 |      2
  6 |      5
(6 rows)

> SELECT id FROM blobs WHERE b = '\x00' ORDER BY id
---
 id
----
  2
(1 row)

> SELECT max(b), min(b) FROM blobs
---
ERROR 42883: function max(bytea) does not exist

> SELECT 'abc'::bytea::text
---
   text
----------
 \x616263
(1 row)
