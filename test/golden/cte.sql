# WITH (non-recursive): a CTE referenced once or several times, CTEs referring
# to earlier ones, column aliases, shadowing a table name, CTEs in
# subqueries, and in INSERT ... SELECT.

> CREATE TABLE orders (id int PRIMARY KEY, customer text, amount int)
---
CREATE TABLE

> INSERT INTO orders VALUES (1, 'ann', 10), (2, 'ann', 20), (3, 'ben', 5), (4, 'cat', 50), (5, 'ben', 15)
---
INSERT 0 5

> WITH totals AS (SELECT customer, sum(amount) AS total FROM orders GROUP BY customer)
> SELECT * FROM totals ORDER BY total DESC
---
 customer | total
----------+-------
 cat      |    50
 ann      |    30
 ben      |    20
(3 rows)

> WITH totals AS (SELECT customer, sum(amount) AS total FROM orders GROUP BY customer)
> SELECT customer FROM totals WHERE total > (SELECT avg(total) FROM totals) ORDER BY customer
---
 customer
----------
 cat
(1 row)

> WITH a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS y FROM a), c AS (SELECT y * 10 AS z FROM b)
> SELECT * FROM a, b, c
---
 x | y | z
---+---+----
 1 | 2 | 20
(1 row)

> WITH t(n, label) AS (VALUES (1, 'one'), (2, 'two'))
> SELECT label FROM t WHERE n = 2
---
 label
-------
 two
(1 row)

> WITH t(n) AS (SELECT id, customer FROM orders)
> SELECT * FROM t ORDER BY n LIMIT 2
---
 n | customer
---+----------
 1 | ann
 2 | ann
(2 rows)

> WITH orders AS (SELECT 99 AS id)
> SELECT * FROM orders
---
 id
----
 99
(1 row)

> WITH big AS (SELECT * FROM orders WHERE amount >= 15)
> SELECT o.id, big.id IS NOT NULL AS is_big FROM orders o LEFT JOIN big ON big.id = o.id ORDER BY o.id
---
 id | is_big
----+--------
  1 | f
  2 | t
  3 | f
  4 | t
  5 | t
(5 rows)

> WITH c AS (SELECT customer FROM orders)
> SELECT count(*), count(DISTINCT customer) FROM c
---
 count | count
-------+-------
     5 |     3
(1 row)

> SELECT * FROM (WITH x AS (SELECT 5 AS v) SELECT v * 2 AS w FROM x) s
---
 w
----
 10
(1 row)

> SELECT (WITH m AS (SELECT max(amount) AS mx FROM orders) SELECT mx FROM m) AS top
---
 top
-----
  50
(1 row)

> WITH x AS (SELECT 1 AS v), x AS (SELECT 2 AS v) SELECT * FROM x
---
ERROR 42712: WITH query name "x" specified more than once

> WITH a AS (SELECT customer, amount FROM orders)
> SELECT customer FROM a GROUP BY customer HAVING sum(amount) > 20
> UNION
> SELECT 'zed'
> ORDER BY 1
---
 customer
----------
 ann
 cat
 zed
(3 rows)

> WITH u AS (SELECT id FROM orders WHERE id < 3 UNION ALL SELECT id FROM orders WHERE id > 3)
> SELECT array_length_check FROM (SELECT count(*) AS array_length_check FROM u) s
---
 array_length_check
--------------------
                  4
(1 row)

> WITH first AS (SELECT id, amount FROM orders ORDER BY amount DESC LIMIT 2)
> SELECT sum(amount) FROM first
---
 sum
-----
  70
(1 row)

> INSERT INTO orders WITH s AS (SELECT 20 AS v) SELECT v, 'eve', 2 FROM s
---
INSERT 0 1

> SELECT count(*) FROM orders
---
 count
-------
     6
(1 row)

# WITH before INSERT, UPDATE and DELETE.
> WITH s AS (SELECT 1 AS v) INSERT INTO orders SELECT 10 + v, 'dan', 1 FROM s
---
INSERT 0 1

> SELECT * FROM orders WHERE id > 5 ORDER BY id
---
 id | customer | amount
----+----------+--------
 11 | dan      |      1
 20 | eve      |      2
(2 rows)

> WITH d AS (SELECT 11 AS id) UPDATE orders SET amount = amount + 1 WHERE id IN (SELECT id FROM d) RETURNING *
---
 id | customer | amount
----+----------+--------
 11 | dan      |      2
(1 row)
UPDATE 1

> WITH d AS (SELECT id FROM orders WHERE customer = 'dan')
> DELETE FROM orders WHERE id IN (SELECT id FROM d)
---
DELETE 1

# WITH RECURSIVE.
> WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5)
> SELECT sum(i), count(*) FROM n
---
 sum | count
-----+-------
  15 |     5
(1 row)

> WITH RECURSIVE fib(a, b) AS (SELECT 0, 1 UNION ALL SELECT b, a + b FROM fib WHERE b < 60)
> SELECT a FROM fib ORDER BY a
---
 a
----
  0
  1
  1
  2
  3
  5
  8
 13
 21
 34
 55
(11 rows)

> CREATE TABLE staff (id int PRIMARY KEY, name text, boss int)
---
CREATE TABLE

> INSERT INTO staff VALUES (1, 'root', NULL), (2, 'a', 1), (3, 'b', 1), (4, 'a1', 2), (5, 'a1x', 4), (6, 'b1', 3)
---
INSERT 0 6

> WITH RECURSIVE chain AS (
>   SELECT id, name, 0 AS depth, name AS path FROM staff WHERE boss IS NULL
>   UNION ALL
>   SELECT s.id, s.name, c.depth + 1, c.path || '/' || s.name FROM staff s JOIN chain c ON s.boss = c.id
> )
> SELECT depth, path FROM chain ORDER BY path
---
 depth |     path
-------+---------------
     0 | root
     1 | root/a
     2 | root/a/a1
     3 | root/a/a1/a1x
     1 | root/b
     2 | root/b/b1
(6 rows)

> WITH RECURSIVE up(id, boss) AS (SELECT id, boss FROM staff WHERE id = 5 UNION ALL SELECT s.id, s.boss FROM staff s JOIN up ON s.id = up.boss)
> SELECT id FROM up ORDER BY id
---
 id
----
  1
  2
  4
  5
(4 rows)

> CREATE TABLE edge (a int, b int)
---
CREATE TABLE

> INSERT INTO edge VALUES (1, 2), (2, 3), (3, 1), (3, 4)
---
INSERT 0 4

> WITH RECURSIVE reach(n) AS (SELECT 1 UNION SELECT e.b FROM edge e JOIN reach r ON e.a = r.n)
> SELECT n FROM reach ORDER BY n
---
 n
---
 1
 2
 3
 4
(4 rows)

> WITH RECURSIVE bad(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM bad WHERE n < 3 ORDER BY 1)
> SELECT * FROM bad
---
ERROR 0A000: ORDER BY in a recursive query is not implemented
