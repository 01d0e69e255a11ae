# Aggregates: count/sum/avg/min/max/bool_and/bool_or/string_agg/jsonb_agg,
# with DISTINCT, FILTER (WHERE) and ORDER BY inside the call; GROUP BY by
# columns, expressions, ordinals and aliases; HAVING; empty input (one row
# of NULLs, count 0) versus empty groups (no rows); and grouping errors.

> CREATE TABLE sales (id int PRIMARY KEY, region text, product text, qty int, price numeric(6,2))
---
CREATE TABLE

> INSERT INTO sales VALUES
>   (1, 'north', 'apple', 10, 1.50),
>   (2, 'north', 'pear', 5, 2.00),
>   (3, 'south', 'apple', 20, 1.40),
>   (4, 'south', 'apple', NULL, 1.60),
>   (5, 'east', 'fig', 7, NULL),
>   (6, NULL, 'pear', 3, 2.10),
>   (7, 'north', 'apple', 10, 1.50)
---
INSERT 0 7

> SELECT count(*), count(qty), count(price), sum(qty), avg(qty), min(qty), max(qty) FROM sales
---
 count | count | count | sum |        avg         | min | max
-------+-------+-------+-----+--------------------+-----+-----
     7 |     6 |     6 |  55 | 9.1666666666666667 |   3 |  20
(1 row)

> SELECT sum(qty * price), avg(price), min(price), max(price), sum(price) / count(price) FROM sales
---
  sum  |        avg         | min  | max  |      ?column?
-------+--------------------+------+------+--------------------
 74.30 | 1.6833333333333333 | 1.40 | 2.10 | 1.6833333333333333
(1 row)

> SELECT region, count(*), sum(qty) FROM sales GROUP BY region ORDER BY region
---
 region | count | sum
--------+-------+-----
 east   |     1 |   7
 north  |     3 |  25
 south  |     2 |  20
 NULL   |     1 |   3
(4 rows)

> SELECT region, product, count(*) FROM sales GROUP BY region, product ORDER BY region NULLS FIRST, product
---
 region | product | count
--------+---------+-------
 NULL   | pear    |     1
 east   | fig     |     1
 north  | apple   |     2
 north  | pear    |     1
 south  | apple   |     2
(5 rows)

> SELECT product, sum(qty) AS total FROM sales GROUP BY product HAVING sum(qty) > 10 ORDER BY total DESC
---
 product | total
---------+-------
 apple   |    40
(1 row)

> SELECT product, count(*) FROM sales GROUP BY 1 HAVING count(*) >= 2 ORDER BY 1
---
 product | count
---------+-------
 apple   |     4
 pear    |     2
(2 rows)

> SELECT upper(product) AS p, count(*) FROM sales GROUP BY p ORDER BY p
---
   p   | count
-------+-------
 APPLE |     4
 FIG   |     1
 PEAR  |     2
(3 rows)

> SELECT qty > 5 AS big, count(*) FROM sales GROUP BY qty > 5 ORDER BY big NULLS FIRST
---
 big  | count
------+-------
 NULL |     1
 f    |     2
 t    |     4
(3 rows)

> SELECT count(DISTINCT product), count(DISTINCT region), sum(DISTINCT qty), avg(DISTINCT qty), count(DISTINCT region || product) FROM sales
---
 count | count | sum |        avg         | count
-------+-------+-----+--------------------+-------
     3 |     3 |  45 | 9.0000000000000000 |     4
(1 row)

> SELECT count(*) FILTER (WHERE qty > 5) AS big, sum(qty) FILTER (WHERE region = 'north') AS north, count(*) FILTER (WHERE false) AS none, max(price) FILTER (WHERE product = 'pear') FROM sales
---
 big | north | none | max
-----+-------+------+------
   4 |    25 |    0 | 2.10
(1 row)

> SELECT region, count(*) FILTER (WHERE product = 'apple') AS apples FROM sales GROUP BY region ORDER BY region NULLS LAST
---
 region | apples
--------+--------
 east   |      0
 north  |      2
 south  |      2
 NULL   |      0
(4 rows)

> SELECT string_agg(product, ',') FROM (SELECT product FROM sales ORDER BY id) s
---
              string_agg
---------------------------------------
 apple,pear,apple,apple,fig,pear,apple
(1 row)

> SELECT string_agg(product, ',' ORDER BY product), string_agg(product, '|' ORDER BY id DESC), string_agg(DISTINCT product, ';' ORDER BY product) FROM sales
---
              string_agg               |              string_agg               |   string_agg
---------------------------------------+---------------------------------------+----------------
 apple,apple,apple,apple,fig,pear,pear | apple|pear|fig|apple|apple|pear|apple | apple;fig;pear
(1 row)

> SELECT region, string_agg(product || ':' || qty, ', ' ORDER BY id) FROM sales GROUP BY region ORDER BY region NULLS FIRST
---
 region |         string_agg
--------+----------------------------
 NULL   | pear:3
 east   | fig:7
 north  | apple:10, pear:5, apple:10
 south  | apple:20
(4 rows)

> SELECT jsonb_agg(qty ORDER BY id), jsonb_agg(DISTINCT product ORDER BY product) FROM sales
---
          jsonb_agg          |        jsonb_agg
-----------------------------+--------------------------
 [10, 5, 20, null, 7, 3, 10] | ["apple", "fig", "pear"]
(1 row)

> SELECT bool_and(qty > 2), bool_or(qty > 15), every(price > 1) FROM sales
---
 bool_and | bool_or | every
----------+---------+-------
 t        | t       | t
(1 row)

> SELECT count(*), sum(qty), avg(qty), max(qty), string_agg(product, ','), bool_and(true), jsonb_agg(qty) FROM sales WHERE false
---
 count | sum  | avg  | max  | string_agg | bool_and | jsonb_agg
-------+------+------+------+------------+----------+-----------
     0 | NULL | NULL | NULL | NULL       | NULL     | NULL
(1 row)

> SELECT region, count(*) FROM sales WHERE false GROUP BY region
---
 region | count
--------+-------
(0 rows)

> SELECT count(*) FROM sales HAVING count(*) > 100
---
 count
-------
(0 rows)

> SELECT 1 AS one FROM sales HAVING count(*) > 1
---
 one
-----
   1
(1 row)

> SELECT count(*) AS n
---
 n
---
 1
(1 row)

> SELECT count(*) FROM sales WHERE count(*) > 1
---
ERROR 42803: aggregate functions are not allowed in WHERE

> SELECT sum(count(*)) FROM sales
---
ERROR 42803: aggregate function calls cannot be nested

> SELECT sum(product) FROM sales
---
ERROR 42883: function sum(text) does not exist

> SELECT avg('a')
---
ERROR 42725: function avg(unknown) is not unique

> SELECT region, sum(qty) FROM sales GROUP BY region HAVING region <> 'east' ORDER BY 1
---
 region | sum
--------+-----
 north  |  25
 south  |  20
(2 rows)

> SELECT sum(qty) / count(*), sum(qty)::numeric / count(*) FROM sales
---
 ?column? |      ?column?
----------+--------------------
        7 | 7.8571428571428571
(1 row)

> SELECT avg(x), sum(x), count(x) FROM (VALUES (1::smallint), (2::smallint)) v(x)
---
        avg         | sum | count
--------------------+-----+-------
 1.5000000000000000 |   3 |     2
(1 row)

> SELECT sum(x) FROM (VALUES (9223372036854775807), (1)) v(x)
---
         sum
---------------------
 9223372036854775808
(1 row)

> SELECT sum(x) FROM (VALUES (2147483647), (1)) v(x)
---
    sum
------------
 2147483648
(1 row)

> SELECT max(x), min(x) FROM (VALUES ('b'), ('a'), (NULL)) v(x)
---
 max | min
-----+-----
 b   | a
(1 row)

> SELECT min(x), max(x), avg(x) FROM (VALUES (1.5::float8), ('NaN'), (-1)) v(x)
---
 min | max | avg
-----+-----+-----
  -1 | NaN | NaN
(1 row)

> SELECT product, max(qty) - min(qty) AS spread, round(avg(price), 3) AS avg_price FROM sales GROUP BY product ORDER BY product
---
 product | spread | avg_price
---------+--------+-----------
 apple   |     10 |     1.500
 fig     |      0 |      NULL
 pear    |      2 |     2.050
(3 rows)

> SELECT region, count(*) FROM sales GROUP BY region HAVING count(*) = (SELECT max(c) FROM (SELECT count(*) AS c FROM sales GROUP BY region) s)
---
 region | count
--------+-------
 north  |     3
(1 row)

> SELECT count(*) FROM (SELECT region FROM sales GROUP BY region) g
---
 count
-------
     4
(1 row)

> SELECT region IS NULL AS unknown, count(*) FROM sales GROUP BY region IS NULL ORDER BY 1
---
 unknown | count
---------+-------
 f       |     6
 t       |     1
(2 rows)

> SELECT count(1), count(NULL), count('x'), sum(1) FROM sales
---
 count | count | count | sum
-------+-------+-------+-----
     7 |     0 |     7 |   7
(1 row)

> SELECT count(*) FROM generate_series(1, 10000) g WHERE g % 7 = 0
---
 count
-------
  1428
(1 row)

> SELECT g % 3 AS m, sum(g), count(*), min(g), max(g) FROM generate_series(1, 10) g GROUP BY g % 3 ORDER BY m
---
 m | sum | count | min | max
---+-----+-------+-----+-----
 0 |  18 |     3 |   3 |   9
 1 |  22 |     4 |   1 |  10
 2 |  15 |     3 |   2 |   8
(3 rows)

> SELECT product, sum(qty) FROM sales GROUP BY product ORDER BY sum(qty) DESC NULLS LAST
---
 product | sum
---------+-----
 apple   |  40
 pear    |   8
 fig     |   7
(3 rows)

> SELECT count(*) FILTER (WHERE qty) FROM sales
---
ERROR 42804: argument of FILTER must be type boolean, not type integer
