# Scalar expressions: operator precedence, CASE (simple and searched, lazy),
# CAST and ::, COALESCE/NULLIF/GREATEST/LEAST, BETWEEN [SYMMETRIC], IN lists,
# IS [NOT] DISTINCT FROM, type resolution of mixed operands, math functions,
# and column names PostgreSQL gives to unnamed expressions.

> SELECT 1 + 2 * 3 - 4 / 2, (1 + 2) * 3, -3 ^ 2, 2 ^ 3 ^ 2, 10 % 4 * 2, - - 1
---
 ?column? | ?column? | ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------+----------+----------
        5 |        9 |        9 |       64 |        4 |        1
(1 row)

> SELECT 1 < 2 AND 2 < 3, NOT 1 = 2, 1 = 1 OR 1 / 0 = 1 AND false
---
 ?column? | ?column? | ?column?
----------+----------+----------
 t        | t        | t
(1 row)

> SELECT 1 = 1 = true, NOT true = false
---
ERROR 42601: syntax error at or near "=" at position 14

> SELECT 'a' || 'b' = 'ab', 1 + 1 BETWEEN 1 AND 3
---
 ?column? | ?column?
----------+----------
 t        | t
(1 row)

> SELECT CASE WHEN 1 > 2 THEN 'a' WHEN 2 > 1 THEN 'b' ELSE 'c' END, CASE 3 WHEN 1 THEN 'one' WHEN 3 THEN 'three' END, CASE WHEN false THEN 1 END
---
 case | case  | case
------+-------+------
 b    | three | NULL
(1 row)

> SELECT CASE NULL WHEN NULL THEN 'null matches' ELSE 'null does not match' END
---
        case
---------------------
 null does not match
(1 row)

> SELECT CASE WHEN true THEN 1 ELSE 2.5 END, CASE WHEN false THEN 1 ELSE 2.5 END
---
 case | case
------+------
    1 |  2.5
(1 row)

> SELECT CASE WHEN true THEN 1 ELSE 'x' END
---
ERROR 22P02: invalid input syntax for type integer: "x"

> SELECT CASE 1 WHEN 1 THEN 'a' ELSE 1 / 0 END
---
ERROR 22P02: invalid input syntax for type integer: "a"

> SELECT CAST(1.7 AS int), CAST('12' AS bigint), '3'::int + 4, CAST(NULL AS int), 1::text::int, CAST(2 AS numeric(5,2)), CAST('x' AS varchar(3))
---
 int4 | int8 | ?column? | int4 | int4 | numeric | varchar
------+------+----------+------+------+---------+---------
    2 |   12 |        7 | NULL |    1 |    2.00 | x
(1 row)

> SELECT int '42', numeric '1.5', date '2024-01-02', text 'abc', bigint '9000000000', boolean 'yes'
---
 int4 | numeric |    date    | text |    int8    | bool
------+---------+------------+------+------------+------
   42 |     1.5 | 2024-01-02 | abc  | 9000000000 | t
(1 row)

> SELECT '1' + 1, '1.5' + 1.5, 1 + '2'
---
 ?column? | ?column? | ?column?
----------+----------+----------
        2 |      3.0 |        3
(1 row)

> SELECT 'a' + 1
---
ERROR 22P02: invalid input syntax for type integer: "a"

> SELECT 1 + 'a'
---
ERROR 22P02: invalid input syntax for type integer: "a"

> SELECT COALESCE(NULL, NULL, 3, 4), COALESCE(NULL::int, 2), COALESCE(1, 1 / 0), COALESCE(NULL, 'x'), COALESCE(NULL, NULL)
---
 coalesce | coalesce | coalesce | coalesce | coalesce
----------+----------+----------+----------+----------
        3 |        2 |        1 | x        | NULL
(1 row)

> SELECT NULLIF(1, 1), NULLIF(1, 2), NULLIF('a', 'b'), NULLIF(NULL, 1), NULLIF(1, NULL)
---
 nullif | nullif | nullif | nullif | nullif
--------+--------+--------+--------+--------
   NULL |      1 | a      |   NULL |      1
(1 row)

> SELECT GREATEST(1, 3, 2), LEAST(1, 3, 2), GREATEST(1, NULL, 3), LEAST(NULL, NULL), GREATEST('a', 'b'), LEAST(1, 2.5), GREATEST(date '2024-01-01', date '2023-01-01')
---
 greatest | least | greatest | least | greatest | least |  greatest
----------+-------+----------+-------+----------+-------+------------
        3 |     1 |        3 | NULL  | b        |     1 | 2024-01-01
(1 row)

> SELECT 2 BETWEEN 1 AND 3, 2 BETWEEN 3 AND 1, 2 BETWEEN SYMMETRIC 3 AND 1, 2 NOT BETWEEN 1 AND 3, NULL BETWEEN 1 AND 3, 'b' BETWEEN 'a' AND 'c'
---
 ?column? | ?column? | ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------+----------+----------
 t        | f        | t        | f        | NULL     | t
(1 row)

> SELECT 1 IN (1, 2, 3), 4 IN (1, 2, 3), 4 NOT IN (1, 2, 3), 1 IN (NULL, 1), 4 IN (NULL, 1), 4 NOT IN (NULL, 1), NULL IN (1, 2), 'a' IN ('a', 'b')
---
 ?column? | ?column? | ?column? | ?column? | ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------+----------+----------+----------+----------
 t        | f        | t        | t        | NULL     | NULL     | NULL     | t
(1 row)

> SELECT 1 IN (1.0, 2), 2.5 IN (1, 2), 1 IN ('1', '2')
---
 ?column? | ?column? | ?column?
----------+----------+----------
 t        | f        | t
(1 row)

> SELECT 1 IS DISTINCT FROM 2, 1 IS DISTINCT FROM 1, 'a' IS NOT DISTINCT FROM 'a', x IS DISTINCT FROM 1, x IS NOT DISTINCT FROM 1 FROM (VALUES (1), (NULL)) v(x) ORDER BY x
---
 ?column? | ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------+----------
 t        | f        | t        | f        | t
 t        | f        | t        | t        | f
(2 rows)

> SELECT NULL IS NULL, 1 IS NULL, NULL IS NOT NULL, 1 IS NOT NULL, NULL::int ISNULL, 1 NOTNULL
---
 ?column? | ?column? | ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------+----------+----------
 t        | f        | f        | t        | t        | t
(1 row)

> SELECT abs(-3), abs(-3.5), abs(-2.5::float8), ceil(1.2), floor(-1.2), round(1.456, 2), trunc(9.99), mod(10, 3), power(2, 10), sqrt(16), exp(0), ln(1), log(2, 8), log(1000)
---
 abs | abs | abs | ceil | floor | round | trunc | mod | power | sqrt | exp | ln |        log         | log
-----+-----+-----+------+-------+-------+-------+-----+-------+------+-----+----+--------------------+-----
   3 | 3.5 | 2.5 |    2 |    -2 |  1.46 |     9 |   1 |  1024 |    4 |   1 |  0 | 3.0000000000000000 |   3
(1 row)

> SELECT 7 / 2, 7 / 2.0, 7.0 / 2, 7::float8 / 2, 7 / 2::float8, -7 / 2, 7 % -3
---
 ?column? |      ?column?      |      ?column?      | ?column? | ?column? | ?column? | ?column?
----------+--------------------+--------------------+----------+----------+----------+----------
        3 | 3.5000000000000000 | 3.5000000000000000 |      3.5 |      3.5 |       -3 |        1
(1 row)

> SELECT sign(-2.5), sign(3::float8), div(9, 4), div(-9.5, 4), degrees(1), radians(90)
---
 sign | sign | div | div |      degrees      |      radians
------+------+-----+-----+-------------------+--------------------
   -1 |    1 |   2 |  -2 | 57.29577951308232 | 1.5707963267948966
(1 row)

> SELECT sqrt(-4)
---
ERROR 2201F: cannot take square root of a negative number

> SELECT log(0)
---
ERROR 2201E: cannot take logarithm of zero

> SELECT power(0, -1)
---
ERROR 2201F: zero raised to a negative power is undefined

> SELECT power(-8, 1.0 / 3)
---
ERROR 2201F: a negative number raised to a non-integer power yields a complex result

> SELECT 2 ^ 0.5, 4 ^ 0.5, (-2) ^ 2, 2 ^ -1, 10 ^ 20
---
      ?column?      |      ?column?      | ?column? | ?column? | ?column?
--------------------+--------------------+----------+----------+----------
 1.4142135623730950 | 2.0000000000000000 |        4 |      0.5 |    1e+20
(1 row)

> SELECT 1 AS a, 2 b, 'x' AS "Mixed Case", 3 AS "select"
---
 a | b | Mixed Case | select
---+---+------------+--------
 1 | 2 | x          |      3
(1 row)

> SELECT 1, 1 + 1, 'x', NULL, true, abs(-1), count(*), CAST(1 AS text), 1::int8, (1), -1, CASE WHEN true THEN 1 END, COALESCE(1, 2), NULLIF(1, 2), GREATEST(1, 2), 1 IN (1), NOT true, 1 BETWEEN 0 AND 2, 1 IS NULL, 'a' LIKE 'a', EXISTS (SELECT 1)
---
 ?column? | ?column? | ?column? | ?column? | ?column? | abs | count | text | int8 | ?column? | ?column? | case | coalesce | nullif | greatest | ?column? | ?column? | ?column? | ?column? | ?column? | exists
----------+----------+----------+----------+----------+-----+-------+------+------+----------+----------+------+----------+--------+----------+----------+----------+----------+----------+----------+--------
        1 |        2 | x        | NULL     | t        |   1 |     1 | 1    |    1 |        1 |       -1 |    1 |        1 |      1 |        2 | t        | f        | t        | f        | t        | t
(1 row)

> SELECT x, x * 2 AS doubled, x + x FROM (SELECT 21 AS x) s
---
 x  | doubled | ?column?
----+---------+----------
 21 |      42 |       42
(1 row)

> SELECT 1 AS a, 2 AS a
---
 a | a
---+---
 1 | 2
(1 row)

> SELECT 1 = 1.0, 1::float8 = 1::numeric, 1::int2 = 1::int8, '1'::text = '1', 1 < 1.5, 0.1 + 0.2 = 0.3, 0.1::float8 + 0.2::float8 = 0.3::float8
---
 ?column? | ?column? | ?column? | ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------+----------+----------+----------
 t        | t        | t        | t        | t        | t        | f
(1 row)

> SELECT CASE WHEN x > 0 THEN 'pos' WHEN x < 0 THEN 'neg' ELSE 'zero' END AS s, x FROM (VALUES (1), (-1), (0), (NULL)) v(x) ORDER BY x NULLS FIRST
---
  s   |  x
------+------
 zero | NULL
 neg  |   -1
 zero |    0
 pos  |    1
(4 rows)

> SELECT x, 10 / x FROM (VALUES (1), (2), (5)) v(x) WHERE x <> 0 ORDER BY x
---
 x | ?column?
---+----------
 1 |       10
 2 |        5
 5 |        2
(3 rows)

> SELECT x, CASE WHEN x = 0 THEN NULL ELSE 10 / x END FROM (VALUES (0), (2)) v(x) ORDER BY x
---
 x | case
---+------
 0 | NULL
 2 |    5
(2 rows)

> SELECT * FROM generate_series(1, 10, 3)
---
 generate_series
-----------------
               1
               4
               7
              10
(4 rows)

> SELECT * FROM generate_series(5, 1, -2) AS g(n)
---
 n
---
 5
 3
 1
(3 rows)

> SELECT * FROM generate_series(1, 0)
---
 generate_series
-----------------
(0 rows)

> SELECT g FROM generate_series(1, 3) g ORDER BY g DESC
---
 g
---
 3
 2
 1
(3 rows)

> SELECT * FROM generate_series(1, 3, 0)
---
ERROR 22023: step size cannot equal zero

> SELECT sum(g), count(*) FROM generate_series(1, 1000) g
---
  sum   | count
--------+-------
 500500 |  1000
(1 row)

> SELECT $$dollar 'quoted'$$, $tag$with $$ inside$tag$, U&'\0041', E'\x41\101\u0041'
---
    ?column?     |    ?column?    | ?column? | ?column?
-----------------+----------------+----------+----------
 dollar 'quoted' | with $$ inside | A        | AAA
(1 row)

> SELECT 'multi'
> 'line' AS joined
---
  joined
-----------
 multiline
(1 row)

> SELECT 'one' 'line'
---
ERROR 42601: syntax error at or near "'line'" at position 14
