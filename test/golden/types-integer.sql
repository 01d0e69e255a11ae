# SMALLINT, INTEGER, BIGINT: ranges, overflow (22003), integer division and
# modulo (truncating toward zero), division by zero (22012, only when the
# expression is evaluated), mixed-width arithmetic and casts.

> SELECT 32767::smallint, (-32768)::smallint, 2147483647, -2147483648, 9223372036854775807, -9223372036854775808
---
 int2  |  int2  |  ?column?  |  ?column?   |      ?column?       |       ?column?
-------+--------+------------+-------------+---------------------+----------------------
 32767 | -32768 | 2147483647 | -2147483648 | 9223372036854775807 | -9223372036854775808
(1 row)

> SELECT 32768::smallint
---
ERROR 22003: smallint out of range

> SELECT 2147483648::int
---
ERROR 22003: integer out of range

> SELECT 9223372036854775808::bigint
---
ERROR 22003: bigint out of range

> SELECT 2147483647 + 1
---
ERROR 22003: integer out of range

> SELECT 2147483647::bigint + 1
---
  ?column?
------------
 2147483648
(1 row)

> SELECT 9223372036854775807 + 1
---
ERROR 22003: bigint out of range

> SELECT -9223372036854775807 - 2
---
ERROR 22003: bigint out of range

> SELECT 32767::smallint + 1::smallint
---
ERROR 22003: smallint out of range

> SELECT 32767::smallint + 1
---
 ?column?
----------
    32768
(1 row)

> SELECT 46341 * 46341
---
ERROR 22003: integer out of range

> SELECT 3037000500 * 3037000500
---
ERROR 22003: bigint out of range

> SELECT (-2147483648) * -1
---
ERROR 22003: integer out of range

> SELECT (-9223372036854775808) / -1
---
ERROR 22003: bigint out of range

> SELECT abs(-2147483648)
---
ERROR 22003: integer out of range

> SELECT -(-2147483648)
---
  ?column?
------------
 2147483648
(1 row)

> SELECT 7 / 2, -7 / 2, 7 / -2, -7 / -2
---
 ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------
        3 |       -3 |       -3 |        3
(1 row)

> SELECT 7 % 3, -7 % 3, 7 % -3, -7 % -3
---
 ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------
        1 |       -1 |        1 |       -1
(1 row)

> SELECT 1 / 0
---
ERROR 22012: division by zero

> SELECT 1 % 0
---
ERROR 22012: division by zero

> SELECT 1::bigint / 0
---
ERROR 22012: division by zero

> SELECT 1::smallint / 0::smallint
---
ERROR 22012: division by zero

> SELECT CASE WHEN false THEN 1 / 0 ELSE 2 END
---
 case
------
    2
(1 row)

> SELECT 2 + 3 * 4, (2 + 3) * 4, 2 ^ 10, -2 ^ 2, 10 - 2 - 3
---
 ?column? | ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------+----------
       14 |       20 |     1024 |        4 |        5
(1 row)

> SELECT '42'::int, ' 42 '::int, '-0'::int, '+7'::int
---
 int4 | int4 | int4 | int4
------+------+------+------
   42 |   42 |    0 |    7
(1 row)

> SELECT 'abc'::int
---
ERROR 22P02: invalid input syntax for type integer: "abc"

> SELECT ''::int
---
ERROR 22P02: invalid input syntax for type integer: ""

> SELECT '4.5'::int
---
ERROR 22P02: invalid input syntax for type integer: "4.5"

> SELECT 4.5::int, 5.5::int, -4.5::int, 2.5::smallint, 3.5::bigint
---
 int4 | int4 | ?column? | int2 | int8
------+------+----------+------+------
    5 |    6 |       -5 |    3 |    4
(1 row)

> SELECT 4.5::float8::int, 5.5::float8::int, -2.5::float8::int
---
 int4 | int4 | ?column?
------+------+----------
    4 |    6 |       -2
(1 row)

> SELECT 1e10::int
---
ERROR 22003: integer out of range

> SELECT 2147483647.4::int, 2147483647.5::int
---
ERROR 22003: integer out of range

> CREATE TABLE ints (a smallint, b integer, c bigint)
---
CREATE TABLE

> INSERT INTO ints VALUES (1, 2, 3), (-32768, -2147483648, -9223372036854775808), (32767, 2147483647, 9223372036854775807), (NULL, NULL, NULL)
---
INSERT 0 4

> SELECT * FROM ints ORDER BY c
---
   a    |      b      |          c
--------+-------------+----------------------
 -32768 | -2147483648 | -9223372036854775808
      1 |           2 |                    3
  32767 |  2147483647 |  9223372036854775807
   NULL |        NULL |                 NULL
(4 rows)

> INSERT INTO ints VALUES (32768, 0, 0)
---
ERROR 22003: smallint out of range

> INSERT INTO ints VALUES (0, 2147483648, 0)
---
ERROR 22003: integer out of range

> INSERT INTO ints VALUES ('12', '13', '14')
---
INSERT 0 1

> INSERT INTO ints VALUES (1.6, 2.4, 3.5)
---
INSERT 0 1

> SELECT b / 0 FROM ints WHERE a > 32000 AND a < 0
---
 ?column?
----------
(0 rows)

> SELECT a, b / (a - 1) FROM ints WHERE a <> 1 ORDER BY a
---
   a    | ?column?
--------+----------
 -32768 |    65534
      2 |        2
     12 |        1
  32767 |    65540
(4 rows)

> SELECT a, b / (a - 1) FROM ints ORDER BY a
---
ERROR 22012: division by zero

> SELECT a + b, b + c, a * c FROM ints WHERE a = 1
---
 ?column? | ?column? | ?column?
----------+----------+----------
        3 |        5 |        3
(1 row)

> SELECT sum(a), sum(b), sum(c) FROM ints WHERE a > 0
---
  sum  |    sum     |         sum
-------+------------+---------------------
 32782 | 2147483664 | 9223372036854775828
(1 row)

> SELECT sum(c) FROM ints
---
 sum
-----
  20
(1 row)

> SELECT avg(a), avg(b) FROM ints WHERE a > 0
---
          avg          |        avg
-----------------------+--------------------
 8195.5000000000000000 | 536870916.00000000
(1 row)

> SELECT min(a), max(a), min(c), max(c) FROM ints
---
  min   |  max  |         min          |         max
--------+-------+----------------------+---------------------
 -32768 | 32767 | -9223372036854775808 | 9223372036854775807
(1 row)

> SELECT 3 = 3.0, 3 < 3.5, 2::smallint = 2::bigint, 1 <> 2
---
 ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------
 t        | t        | t        | t
(1 row)

> SELECT div(7, 2), div(-7, 2), mod(7, 3), mod(-7, 3), gcd(12, 18), lcm(4, 6)
---
 div | div | mod | mod | gcd | lcm
-----+-----+-----+-----+-----+-----
   3 |  -3 |   1 |  -1 |   6 |  12
(1 row)

> SELECT abs(-5), sign(-5), sign(0), sign(5)
---
 abs | sign | sign | sign
-----+------+------+------
   5 |   -1 |    0 |    1
(1 row)

> SELECT 10::text || 'x', 42::varchar, 123::bigint::text
---
 ?column? | varchar | text
----------+---------+------
 10x      | 42      | 123
(1 row)
