# NUMERIC(p,s): exact decimal arithmetic, scale of results, rounding half away
# from zero on assignment and casts, precision overflow (22003), NaN,
# division scale, and comparison across scales.

> SELECT 1.10, 1.10::numeric, 0.1 + 0.2, 1.0 / 3, 10.0 / 4, 1 / 3.0
---
 ?column? | numeric | ?column? |        ?column?        |      ?column?      |        ?column?
----------+---------+----------+------------------------+--------------------+------------------------
     1.10 |    1.10 |      0.3 | 0.33333333333333333333 | 2.5000000000000000 | 0.33333333333333333333
(1 row)

> SELECT 2.50 * 4.0, 1.000 - 0.1, -0.0, 100::numeric(10,2), 1.005::numeric(10,2), -1.005::numeric(10,2)
---
 ?column? | ?column? | ?column? | numeric | numeric | ?column?
----------+----------+----------+---------+---------+----------
   10.000 |    0.900 |      0.0 |  100.00 |    1.01 |    -1.01
(1 row)

> SELECT 123.456::numeric(5,2), 0.125::numeric(3,2), 0.135::numeric(3,2), -0.125::numeric(3,2)
---
 numeric | numeric | numeric | ?column?
---------+---------+---------+----------
  123.46 |    0.13 |    0.14 |    -0.13
(1 row)

> SELECT 99999.994::numeric(7,2)
---
 numeric
----------
 99999.99
(1 row)

> SELECT 12345678901234567890123456789.123456789::numeric
---
                 numeric
-----------------------------------------
 12345678901234567890123456789.123456789
(1 row)

> SELECT 12345678901234567890::numeric * 98765432109876543210::numeric
---
                 ?column?
------------------------------------------
 1219326311370217952237463801111263526900
(1 row)

> SELECT 1::numeric / 7, 22::numeric / 7, 1::numeric / 3 * 3, 2::numeric / 3
---
        ?column?        |      ?column?      |        ?column?        |        ?column?
------------------------+--------------------+------------------------+------------------------
 0.14285714285714285714 | 3.1428571428571429 | 0.99999999999999999999 | 0.66666666666666666667
(1 row)

> SELECT 10::numeric / 3.00000000000000000000, 1.000000000000000000001 + 1
---
        ?column?        |        ?column?
------------------------+-------------------------
 3.33333333333333333333 | 2.000000000000000000001
(1 row)

> SELECT 1::numeric / 0
---
ERROR 22012: division by zero

> SELECT 0.0 / 0
---
ERROR 22012: division by zero

> SELECT 5.5 % 2, -5.5 % 2, 7::numeric % 0.3, mod(10.5, 3)
---
 ?column? | ?column? | ?column? | mod
----------+----------+----------+-----
      1.5 |     -1.5 |      0.1 | 1.5
(1 row)

> SELECT 5.5 % 0
---
ERROR 22012: division by zero

> SELECT 'NaN'::numeric, 'nan'::numeric + 1, 'NaN'::numeric = 'NaN'::numeric, 'NaN'::numeric > 1e100
---
 numeric | ?column? | ?column? | ?column?
---------+----------+----------+----------
     NaN |      NaN | t        | t
(1 row)

> SELECT '  12.50 '::numeric, '-.5'::numeric, '1e3'::numeric, '1.5e-3'::numeric, '+3'::numeric
---
 numeric | numeric | numeric | numeric | numeric
---------+---------+---------+---------+---------
   12.50 |    -0.5 |    1000 |  0.0015 |       3
(1 row)

> SELECT '1.2.3'::numeric
---
ERROR 22P02: invalid input syntax for type numeric: "1.2.3"

> SELECT round(2.5), round(-2.5), round(2.4999), round(1.2345, 2), round(1.2355, 3), round(1234.5, -2), round(5.5, 0)
---
 round | round | round | round | round | round | round
-------+-------+-------+-------+-------+-------+-------
     3 |    -3 |     2 |  1.23 | 1.236 |  1200 |     6
(1 row)

> SELECT trunc(2.789, 1), trunc(-2.789), trunc(1234.5, -2), floor(-2.5), ceil(-2.5), ceil(2.1), floor(2.9)
---
 trunc | trunc | trunc | floor | ceil | ceil | floor
-------+-------+-------+-------+------+------+-------
   2.7 |    -2 |  1200 |    -3 |   -2 |    3 |     2
(1 row)

> SELECT abs(-1.50), sign(-1.50), sign(0.0), sqrt(2::numeric), power(2::numeric, 10), exp(1::numeric), ln(2::numeric)
---
 abs  | sign | sign |       sqrt        |         power         |        exp         |         ln
------+------+------+-------------------+-----------------------+--------------------+--------------------
 1.50 |   -1 |    0 | 1.414213562373095 | 1024.0000000000000000 | 2.7182818284590452 | 0.6931471805599453
(1 row)

> SELECT scale(1.500), min_scale(1.500), trim_scale(1.500), scale(10), trim_scale(0.000)
---
 scale | min_scale | trim_scale | scale | trim_scale
-------+-----------+------------+-------+------------
     3 |         1 |        1.5 |     0 |          0
(1 row)

> SELECT 1.5 = 1.50, 1.5 = 1.500::numeric(10,3), 2.0 > 1.99999, 1.0 < 1
---
 ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------
 t        | t        | t        | f
(1 row)

> SELECT 3.7::int, -3.7::int, 3.5::int, 4.5::int, 2.5::bigint, 3.49::smallint
---
 int4 | ?column? | int4 | int4 | int8 | int2
------+----------+------+------+------+------
    4 |       -4 |    4 |    5 |    3 |    3
(1 row)

> SELECT 1.5::float8::numeric, 0.1::float4::numeric, 1e20::float8::numeric, (1.0/3)::float8
---
 numeric | numeric |        numeric        |       float8
---------+---------+-----------------------+--------------------
     1.5 |     0.1 | 100000000000000000000 | 0.3333333333333333
(1 row)

> SELECT 'Infinity'::float8::numeric
---
 numeric
----------
 Infinity
(1 row)

> CREATE TABLE money (id int PRIMARY KEY, amount numeric(10,2), rate numeric(5,4), free numeric)
---
CREATE TABLE

> INSERT INTO money VALUES (1, 10.5, 0.12345, 1.5), (2, 20, 1.5, 1e-20), (3, -0.005, 0, 12345678901234567890), (4, NULL, NULL, NULL)
---
INSERT 0 4

> SELECT * FROM money ORDER BY id
---
 id | amount |  rate  |          free
----+--------+--------+------------------------
  1 |  10.50 | 0.1235 |                    1.5
  2 |  20.00 | 1.5000 | 0.00000000000000000001
  3 |  -0.01 | 0.0000 |   12345678901234567890
  4 |   NULL |   NULL |                   NULL
(4 rows)

> UPDATE money SET amount = amount * 1.015 WHERE id = 1 RETURNING amount
---
 amount
--------
  10.66
(1 row)
UPDATE 1

> SELECT sum(amount), avg(amount), min(amount), max(amount), sum(rate), avg(free) FROM money
---
  sum  |         avg         |  min  |  max  |  sum   |                   avg
-------+---------------------+-------+-------+--------+------------------------------------------
 30.65 | 10.2166666666666667 | -0.01 | 20.00 | 1.6235 | 4115226300411522630.50000000000000000000
(1 row)

> SELECT amount * rate, amount + rate, amount / 3 FROM money WHERE id = 1
---
 ?column? | ?column? |      ?column?
----------+----------+--------------------
 1.316510 |  10.7835 | 3.5533333333333333
(1 row)

> SELECT id FROM money WHERE amount > 10 ORDER BY id
---
 id
----
  1
  2
(2 rows)

> SELECT avg(x) FROM (VALUES (1), (2), (2)) v(x)
---
        avg
--------------------
 1.6666666666666667
(1 row)

> SELECT avg(x::numeric), sum(x::numeric) / 3 FROM (VALUES (1), (2), (4)) v(x)
---
        avg         |      ?column?
--------------------+--------------------
 2.3333333333333333 | 2.3333333333333333
(1 row)

> SELECT 0.1::numeric(2,1) * 3, 1.23::numeric(3,2)::numeric(2,1), 1.25::numeric(3,1), 1.35::numeric(3,1)
---
 ?column? | numeric | numeric | numeric
----------+---------+---------+---------
      0.3 |     1.2 |     1.3 |     1.4
(1 row)
