# REAL and DOUBLE PRECISION: shortest round-trip output, special values
# (NaN, Infinity), overflow, division by zero, rounding of casts to integers,
# NaN sorting above every number, and mixing with integers and numeric.

> SELECT 1.5::real, 0.1::real, 1.5::float8, 0.1::float8, 0.1::float8 + 0.2::float8
---
 float4 | float4 | float8 | float8 |      ?column?
--------+--------+--------+--------+---------------------
    1.5 |    0.1 |    1.5 |    0.1 | 0.30000000000000004
(1 row)

> SELECT 1e300::float8 * 10, 1e-300::float8, 123456789012345678::float8
---
 ?column? | float8 |         float8
----------+--------+------------------------
   1e+301 | 1e-300 | 1.2345678901234568e+17
(1 row)

> SELECT 1e300::float8 * 1e300::float8
---
ERROR 22003: value out of range: overflow

> SELECT 3.4e38::real, 1e39::real
---
ERROR 22003: "1000000000000000000000000000000000000000" is out of range for type real

> SELECT 'NaN'::float8, 'Infinity'::float8, '-Infinity'::float8, 'inf'::float8, '-inf'::real, 'nan'::real
---
 float8 |  float8  |  float8   |  float8  |  float4   | float4
--------+----------+-----------+----------+-----------+--------
    NaN | Infinity | -Infinity | Infinity | -Infinity |    NaN
(1 row)

> SELECT 'NaN'::float8 = 'NaN'::float8, 'NaN'::float8 > 'Infinity'::float8, 'Infinity'::float8 > 1e308
---
 ?column? | ?column? | ?column?
----------+----------+----------
 t        | t        | t
(1 row)

> SELECT 1::float8 / 0
---
ERROR 22012: division by zero

> SELECT 1::float8 / 0::float8
---
ERROR 22012: division by zero

> SELECT 0::float8 / 0::float8
---
ERROR 22012: division by zero

> SELECT 'Infinity'::float8 - 'Infinity'::float8, 'Infinity'::float8 * 0
---
 ?column? | ?column?
----------+----------
      NaN |      NaN
(1 row)

> SELECT 1.0e0, 2.5e-3, 1e2, .5e1, 1.5E+3
---
 ?column? | ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------+----------
      1.0 |   0.0025 |      100 |        5 |     1500
(1 row)

> SELECT 'abc'::float8
---
ERROR 22P02: invalid input syntax for type double precision: "abc"

> SELECT '  1.25  '::float8, '-0'::float8, '1e5'::real, '.5'::float8
---
 float8 | float8 | float4 | float8
--------+--------+--------+--------
   1.25 |     -0 | 100000 |    0.5
(1 row)

> SELECT 2.5::float8::int, 3.5::float8::int, -2.5::float8::int, 2.5::real::int
---
 int4 | int4 | ?column? | int4
------+------+----------+------
    2 |    4 |       -2 |    2
(1 row)

> SELECT 1e20::float8::bigint
---
ERROR 22003: bigint out of range

> SELECT 'NaN'::float8::int
---
ERROR 22003: integer out of range

> SELECT 1::float8 / 3, 1::real / 3, 2::real * 1.1::real
---
      ?column?      |      ?column?      | ?column?
--------------------+--------------------+----------
 0.3333333333333333 | 0.3333333333333333 |      2.2
(1 row)

> SELECT 1::real = 1::float8, 0.1::real = 0.1::float8, 0.5::real = 0.5::float8
---
 ?column? | ?column? | ?column?
----------+----------+----------
 t        | f        | t
(1 row)

> SELECT sqrt(2::float8), cbrt(-8::float8), power(2::float8, 0.5), exp(1::float8), ln(10::float8), log(100::float8), log10(1000::float8)
---
        sqrt        | cbrt |       power        |        exp        |        ln         | log | log10
--------------------+------+--------------------+-------------------+-------------------+-----+-------
 1.4142135623730951 |   -2 | 1.4142135623730951 | 2.718281828459045 | 2.302585092994046 |   2 |     3
(1 row)

> SELECT sqrt(-1::float8)
---
ERROR 2201F: cannot take square root of a negative number

> SELECT ln(0::float8)
---
ERROR 2201E: cannot take logarithm of zero

> SELECT ln(-1::float8)
---
ERROR 2201E: cannot take logarithm of a negative number

> SELECT floor(-1.5::float8), ceil(-1.5::float8), round(2.5::float8), round(-2.5::float8), round(3.5::float8), trunc(-1.7::float8)
---
 floor | ceil | round | round | round | trunc
-------+------+-------+-------+-------+-------
    -2 |   -1 |     2 |    -2 |     4 |    -1
(1 row)

> SELECT round(1.23456::float8)
---
 round
-------
     1
(1 row)

> SELECT sin(0::float8), cos(0::float8), atan2(1::float8, 1::float8), pi(), degrees(pi()), radians(180::float8)
---
 sin | cos |       atan2        |        pi         | degrees |      radians
-----+-----+--------------------+-------------------+---------+-------------------
   0 |   1 | 0.7853981633974483 | 3.141592653589793 |     180 | 3.141592653589793
(1 row)

> CREATE TABLE floats (id int PRIMARY KEY, r real, d double precision)
---
CREATE TABLE

> INSERT INTO floats VALUES (1, 1.5, 1.5), (2, -0.25, 1e-10), (3, 'NaN', 'NaN'), (4, 'Infinity', '-Infinity'), (5, NULL, NULL), (6, 3.14159274, 2.718281828459045)
---
INSERT 0 6

> SELECT * FROM floats ORDER BY d, id
---
 id |     r     |         d
----+-----------+-------------------
  4 |  Infinity |         -Infinity
  2 |     -0.25 |             1e-10
  1 |       1.5 |               1.5
  6 | 3.1415927 | 2.718281828459045
  3 |       NaN |               NaN
  5 |      NULL |              NULL
(6 rows)

> SELECT * FROM floats ORDER BY r DESC, id
---
 id |     r     |         d
----+-----------+-------------------
  5 |      NULL |              NULL
  3 |       NaN |               NaN
  4 |  Infinity |         -Infinity
  6 | 3.1415927 | 2.718281828459045
  1 |       1.5 |               1.5
  2 |     -0.25 |             1e-10
(6 rows)

> SELECT id FROM floats WHERE d > 0 ORDER BY id
---
 id
----
  1
  2
  3
  6
(4 rows)

> SELECT sum(d) FROM floats WHERE id IN (1, 2, 6)
---
        sum
-------------------
 4.218281828559045
(1 row)

> SELECT sum(r), avg(r), min(r), max(r), count(r) FROM floats WHERE id IN (1, 2, 6)
---
   sum    |        avg         |  min  |    max    | count
----------+--------------------+-------+-----------+-------
 4.391593 | 1.4638642470041912 | -0.25 | 3.1415927 |     3
(1 row)

> SELECT sum(d), max(d), min(d) FROM floats
---
 sum | max |    min
-----+-----+-----------
 NaN | NaN | -Infinity
(1 row)

> SELECT 1 + 1.5::float8, 2::smallint * 1.5::real, 1.5::numeric + 1::float8
---
 ?column? | ?column? | ?column?
----------+----------+----------
      2.5 |        3 |      2.5
(1 row)
