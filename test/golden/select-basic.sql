# SELECT basics: select lists (*, t.*, expressions, aliases), FROM with table
# and column aliases, WHERE, identifier case folding and quoting, SELECT
# without FROM, VALUES as a query, and derived tables.

> CREATE TABLE emp (id int PRIMARY KEY, name text NOT NULL, dept text, salary numeric(8,2), manager int, hired date)
---
CREATE TABLE

> INSERT INTO emp VALUES
>   (1, 'Ada', 'eng', 9000, NULL, '2019-03-01'),
>   (2, 'Bob', 'eng', 7000, 1, '2020-07-15'),
>   (3, 'Cy', 'ops', 5000, 1, '2021-01-10'),
>   (4, 'Di', 'ops', 5500, 3, '2018-11-30'),
>   (5, 'Ed', NULL, 4000, NULL, '2022-05-05'),
>   (6, 'Flo', 'sales', NULL, 1, NULL)
---
INSERT 0 6

> SELECT * FROM emp ORDER BY id
---
 id | name | dept  | salary  | manager |   hired
----+------+-------+---------+---------+------------
  1 | Ada  | eng   | 9000.00 |    NULL | 2019-03-01
  2 | Bob  | eng   | 7000.00 |       1 | 2020-07-15
  3 | Cy   | ops   | 5000.00 |       1 | 2021-01-10
  4 | Di   | ops   | 5500.00 |       3 | 2018-11-30
  5 | Ed   | NULL  | 4000.00 |    NULL | 2022-05-05
  6 | Flo  | sales |    NULL |       1 | NULL
(6 rows)

> SELECT emp.* FROM emp WHERE id = 1
---
 id | name | dept | salary  | manager |   hired
----+------+------+---------+---------+------------
  1 | Ada  | eng  | 9000.00 |    NULL | 2019-03-01
(1 row)

> SELECT e.name, e.dept FROM emp e WHERE e.salary > 5000 ORDER BY e.name
---
 name | dept
------+------
 Ada  | eng
 Bob  | eng
 Di   | ops
(3 rows)

> SELECT e.name, e.dept FROM emp AS e WHERE e.salary >= 5500 ORDER BY 1
---
 name | dept
------+------
 Ada  | eng
 Bob  | eng
 Di   | ops
(3 rows)

> SELECT name, salary * 12 AS yearly, salary / 1000 AS k FROM emp WHERE dept = 'eng' ORDER BY id
---
 name |  yearly   |         k
------+-----------+--------------------
 Ada  | 108000.00 | 9.0000000000000000
 Bob  |  84000.00 | 7.0000000000000000
(2 rows)

> SELECT id, name FROM emp WHERE dept = 'ops' AND salary < 5500 OR dept IS NULL ORDER BY id
---
 id | name
----+------
  3 | Cy
  5 | Ed
(2 rows)

> SELECT id FROM emp WHERE dept IN ('eng', 'sales') ORDER BY id
---
 id
----
  1
  2
  6
(3 rows)

> SELECT id FROM emp WHERE dept NOT IN ('eng', 'sales') ORDER BY id
---
 id
----
  3
  4
(2 rows)

> SELECT id FROM emp WHERE hired BETWEEN '2019-01-01' AND '2020-12-31' ORDER BY id
---
 id
----
  1
  2
(2 rows)

> SELECT id FROM emp WHERE name LIKE '_d%' OR name ILIKE 'f%' ORDER BY id
---
 id
----
  1
  5
  6
(3 rows)

> SELECT id FROM emp WHERE salary IS NULL OR manager IS NULL ORDER BY id
---
 id
----
  1
  5
  6
(3 rows)

> SELECT ID, Name, "name" FROM EMP WHERE Id = 2
---
 id | name | name
----+------+------
  2 | Bob  | Bob
(1 row)

> SELECT "Name" FROM emp
---
ERROR 42703: column "Name" does not exist

> CREATE TABLE "Quoted Table" ("Col A" int, "select" text, lower_col int)
---
CREATE TABLE

> INSERT INTO "Quoted Table" VALUES (1, 'reserved word column', 10)
---
INSERT 0 1

> SELECT "Col A", "select", LOWER_COL FROM "Quoted Table"
---
 Col A |        select        | lower_col
-------+----------------------+-----------
     1 | reserved word column |        10
(1 row)

> SELECT * FROM "quoted table"
---
ERROR 42P01: relation "quoted table" does not exist

> SELECT x.a, x.b FROM emp AS x(a, b) ORDER BY x.a LIMIT 2
---
 a |  b
---+-----
 1 | Ada
 2 | Bob
(2 rows)

> SELECT a, b, salary FROM emp AS x(a, b) WHERE a < 3 ORDER BY a
---
 a |  b  | salary
---+-----+---------
 1 | Ada | 9000.00
 2 | Bob | 7000.00
(2 rows)

> SELECT 1 + 1 AS two, 'literal' AS s, current_date = current_date AS today
---
 two |    s    | today
-----+---------+-------
   2 | literal | t
(1 row)

> VALUES (1, 'a'), (2, 'b'), (3, NULL)
---
 column1 | column2
---------+---------
       1 | a
       2 | b
       3 | NULL
(3 rows)

> VALUES (1, 'a'), (2, 'b') ORDER BY 1 DESC
---
 column1 | column2
---------+---------
       2 | b
       1 | a
(2 rows)

> SELECT * FROM (VALUES (1, 'one'), (2, 'two')) AS v(n, word) WHERE n > 1
---
 n | word
---+------
 2 | two
(1 row)

> SELECT * FROM (VALUES (1, 2)) v
---
 column1 | column2
---------+---------
       1 |       2
(1 row)

> VALUES (1), ('x')
---
ERROR 22P02: invalid input syntax for type integer: "x"

> VALUES (1, 2), (3)
---
ERROR 42601: VALUES lists must all be the same length at position 17

> VALUES (1), (2.5), (NULL)
---
 column1
---------
       1
     2.5
    NULL
(3 rows)

> SELECT d.dept, d.n FROM (SELECT dept, count(*) AS n FROM emp GROUP BY dept) AS d WHERE d.n > 1 ORDER BY d.dept
---
 dept | n
------+---
 eng  | 2
 ops  | 2
(2 rows)

> SELECT * FROM (SELECT id, name FROM emp WHERE id < 3) sub ORDER BY id DESC
---
 id | name
----+------
  2 | Bob
  1 | Ada
(2 rows)

> SELECT s.x FROM (SELECT id * 10 AS x FROM emp) s WHERE s.x BETWEEN 20 AND 40 ORDER BY s.x
---
 x
----
 20
 30
 40
(3 rows)

> SELECT name FROM emp WHERE salary > (SELECT avg(salary) FROM emp) ORDER BY name
---
 name
------
 Ada
 Bob
(2 rows)

> SELECT * FROM emp WHERE false
---
 id | name | dept | salary | manager | hired
----+------+------+--------+---------+-------
(0 rows)

> SELECT count(*) FROM emp WHERE true
---
 count
-------
     6
(1 row)

> SELECT id, name FROM emp WHERE name = 'ada'
---
 id | name
----+------
(0 rows)

> SELECT id, name FROM emp WHERE lower(name) = 'ada'
---
 id | name
----+------
  1 | Ada
(1 row)

> SELECT DISTINCT dept FROM emp ORDER BY dept
---
 dept
-------
 eng
 ops
 sales
 NULL
(4 rows)

> SELECT 1 FROM emp WHERE id = 1
---
 ?column?
----------
        1
(1 row)

> SELECT name || ' (' || coalesce(dept, 'none') || ')' AS label FROM emp ORDER BY id
---
    label
-------------
 Ada (eng)
 Bob (eng)
 Cy (ops)
 Di (ops)
 Ed (none)
 Flo (sales)
(6 rows)

> SELECT id, CASE WHEN salary >= 7000 THEN 'high' WHEN salary >= 5000 THEN 'mid' ELSE 'low' END AS band FROM emp ORDER BY id
---
 id | band
----+------
  1 | high
  2 | high
  3 | mid
  4 | mid
  5 | low
  6 | low
(6 rows)

> SELECT id FROM emp e1, emp e2
---
ERROR 42702: column reference "id" is ambiguous
