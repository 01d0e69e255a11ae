# Subqueries: scalar (one column, at most one row: 21000 otherwise, NULL when
# empty), IN / NOT IN (with NULLs), EXISTS / NOT EXISTS, ANY / ALL,
# correlated subqueries in WHERE, the select list, HAVING and ORDER BY,
# nesting, and derived tables.

> CREATE TABLE dept (id int PRIMARY KEY, name text)
---
CREATE TABLE

> CREATE TABLE emp (id int PRIMARY KEY, name text, dept_id int, salary int)
---
CREATE TABLE

> INSERT INTO dept VALUES (1, 'eng'), (2, 'ops'), (3, 'empty')
---
INSERT 0 3

> INSERT INTO emp VALUES (1, 'ada', 1, 100), (2, 'bob', 1, 80), (3, 'cy', 2, 70), (4, 'di', 2, 90), (5, 'ed', NULL, 60)
---
INSERT 0 5

> SELECT (SELECT max(salary) FROM emp) AS top, (SELECT name FROM emp WHERE id = 2) AS second, (SELECT name FROM emp WHERE id = 99) AS missing
---
 top | second | missing
-----+--------+---------
 100 | bob    | NULL
(1 row)

> SELECT (SELECT id FROM emp)
---
ERROR 21000: more than one row returned by a subquery used as an expression

> SELECT (SELECT id, name FROM emp WHERE id = 1)
---
ERROR 42601: subquery must return only one column at position 8

> SELECT name FROM emp WHERE salary = (SELECT max(salary) FROM emp)
---
 name
------
 ada
(1 row)

> SELECT name FROM emp WHERE salary > (SELECT avg(salary) FROM emp) ORDER BY name
---
 name
------
 ada
 di
(2 rows)

> SELECT name FROM emp WHERE dept_id IN (SELECT id FROM dept WHERE name LIKE 'e%') ORDER BY name
---
 name
------
 ada
 bob
(2 rows)

> SELECT name FROM emp WHERE dept_id NOT IN (SELECT id FROM dept WHERE name = 'ops') ORDER BY name
---
 name
------
 ada
 bob
(2 rows)

> SELECT name FROM dept WHERE id NOT IN (SELECT dept_id FROM emp) ORDER BY name
---
 name
------
(0 rows)

> SELECT name FROM dept WHERE id NOT IN (SELECT dept_id FROM emp WHERE dept_id IS NOT NULL) ORDER BY name
---
 name
-------
 empty
(1 row)

> SELECT d.name FROM dept d WHERE EXISTS (SELECT 1 FROM emp e WHERE e.dept_id = d.id) ORDER BY d.name
---
 name
------
 eng
 ops
(2 rows)

> SELECT d.name FROM dept d WHERE NOT EXISTS (SELECT * FROM emp e WHERE e.dept_id = d.id) ORDER BY d.name
---
 name
-------
 empty
(1 row)

> SELECT EXISTS (SELECT 1 FROM emp WHERE salary > 95), EXISTS (SELECT 1 FROM emp WHERE salary > 1000), NOT EXISTS (SELECT 1 WHERE false)
---
 exists | exists | ?column?
--------+--------+----------
 t      | f      | t
(1 row)

> SELECT e.name, (SELECT d.name FROM dept d WHERE d.id = e.dept_id) AS dept FROM emp e ORDER BY e.id
---
 name | dept
------+------
 ada  | eng
 bob  | eng
 cy   | ops
 di   | ops
 ed   | NULL
(5 rows)

> SELECT e.name FROM emp e WHERE e.salary > (SELECT avg(salary) FROM emp x WHERE x.dept_id = e.dept_id) ORDER BY e.name
---
 name
------
 ada
 di
(2 rows)

> SELECT e.name, e.salary, (SELECT count(*) FROM emp x WHERE x.salary > e.salary) AS richer FROM emp e ORDER BY richer, e.name
---
 name | salary | richer
------+--------+--------
 ada  |    100 |      0
 di   |     90 |      1
 bob  |     80 |      2
 cy   |     70 |      3
 ed   |     60 |      4
(5 rows)

> SELECT d.name, (SELECT sum(salary) FROM emp e WHERE e.dept_id = d.id) AS total FROM dept d ORDER BY d.id
---
 name  | total
-------+-------
 eng   |   180
 ops   |   160
 empty |  NULL
(3 rows)

> SELECT d.name, (SELECT count(*) FROM emp e WHERE e.dept_id = d.id) AS n FROM dept d ORDER BY d.id
---
 name  | n
-------+---
 eng   | 2
 ops   | 2
 empty | 0
(3 rows)

> SELECT name FROM emp WHERE salary > ANY (SELECT salary FROM emp WHERE dept_id = 2) ORDER BY name
---
 name
------
 ada
 bob
 di
(3 rows)

> SELECT name FROM emp WHERE salary > ALL (SELECT salary FROM emp WHERE dept_id = 2) ORDER BY name
---
 name
------
 ada
(1 row)

> SELECT name FROM emp WHERE salary > ALL (SELECT salary FROM emp WHERE false) ORDER BY name
---
 name
------
 ada
 bob
 cy
 di
 ed
(5 rows)

> SELECT name FROM emp WHERE salary = SOME (SELECT salary FROM emp WHERE salary < 80) ORDER BY name
---
 name
------
 cy
 ed
(2 rows)

> SELECT name FROM emp WHERE dept_id = ANY (SELECT id FROM dept) ORDER BY name
---
 name
------
 ada
 bob
 cy
 di
(4 rows)

> SELECT 1 < ALL (SELECT x FROM (VALUES (2), (NULL)) v(x)), 3 < ALL (SELECT x FROM (VALUES (2), (NULL)) v(x)), 3 > ANY (SELECT x FROM (VALUES (2), (NULL)) v(x)), 1 > ANY (SELECT x FROM (VALUES (2), (NULL)) v(x))
---
 ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------
 NULL     | f        | t        | NULL
(1 row)

> SELECT name FROM emp e WHERE EXISTS (SELECT 1 FROM dept d WHERE d.id = e.dept_id AND EXISTS (SELECT 1 FROM emp e2 WHERE e2.dept_id = d.id AND e2.salary > e.salary)) ORDER BY name
---
 name
------
 bob
 cy
(2 rows)

> SELECT (SELECT (SELECT max(id) FROM dept) + 1)
---
 ?column?
----------
        4
(1 row)

> SELECT dept_id, max(salary) FROM emp GROUP BY dept_id HAVING max(salary) > (SELECT avg(salary) FROM emp) ORDER BY dept_id
---
 dept_id | max
---------+-----
       1 | 100
       2 |  90
(2 rows)

> SELECT name FROM emp e ORDER BY (SELECT d.name FROM dept d WHERE d.id = e.dept_id) NULLS FIRST, name
---
 name
------
 ed
 ada
 bob
 cy
 di
(5 rows)

> SELECT * FROM (SELECT dept_id, avg(salary) AS a FROM emp GROUP BY dept_id) s WHERE a > 75 ORDER BY dept_id
---
 dept_id |          a
---------+---------------------
       1 | 90.0000000000000000
       2 | 80.0000000000000000
(2 rows)

> SELECT t.n FROM (SELECT (SELECT count(*) FROM emp) AS n) t
---
 n
---
 5
(1 row)

> SELECT x FROM (SELECT 1 AS x UNION ALL SELECT 2) s WHERE x IN (SELECT 2)
---
 x
---
 2
(1 row)

> SELECT name FROM emp WHERE (SELECT true)
---
 name
------
 ada
 bob
 cy
 di
 ed
(5 rows)

> SELECT name FROM emp WHERE id IN (SELECT id FROM emp WHERE salary > 85) AND dept_id IN (SELECT id FROM dept) ORDER BY 1
---
 name
------
 ada
 di
(2 rows)

> SELECT name FROM emp WHERE id = (SELECT id FROM emp WHERE salary > 1000)
---
 name
------
(0 rows)

> SELECT name FROM emp WHERE id IN (SELECT name FROM emp)
---
ERROR 42883: operator does not exist: integer = text

> SELECT * FROM emp WHERE id IN (SELECT id, name FROM emp)
---
ERROR 42601: subquery has too many columns at position 28

> SELECT 1 WHERE 1 IN (SELECT NULL::int)
---
 ?column?
----------
(0 rows)

> SELECT e.id, (SELECT e.salary * 2) FROM emp e WHERE e.id < 3 ORDER BY 1
---
 id | ?column?
----+----------
  1 |      200
  2 |      160
(2 rows)

> SELECT e.name FROM emp e WHERE (SELECT count(*) FROM emp x WHERE x.dept_id = e.dept_id) = 2 ORDER BY 1
---
 name
------
 ada
 bob
 cy
 di
(4 rows)

> UPDATE emp SET salary = salary + 1 WHERE dept_id IN (SELECT id FROM dept WHERE name = 'ops') RETURNING name, salary
---
 name | salary
------+--------
 cy   |     71
 di   |     91
(2 rows)
UPDATE 2

> DELETE FROM emp WHERE salary < (SELECT avg(salary) FROM emp) - 20 RETURNING name
---
 name
------
 ed
(1 row)
DELETE 1

> SELECT count(*) FROM emp
---
 count
-------
     4
(1 row)
