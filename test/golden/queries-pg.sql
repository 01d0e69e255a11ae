# Subqueries, set operations and WITH where Flint once differed from
# PostgreSQL 15 (expected outputs are PostgreSQL's).

> CREATE TABLE emp (id int PRIMARY KEY, name text, salary int)
---
CREATE TABLE

> INSERT INTO emp VALUES (1, 'ada', 100), (2, 'bob', 80)
---
INSERT 0 2

# A scalar subquery's column is named after the subquery's column.
> SELECT (SELECT max(salary) FROM emp), (SELECT name FROM emp WHERE id = 2)
---
 max | name
-----+------
 100 | bob
(1 row)

> SELECT (WITH m AS (SELECT max(salary) AS mx FROM emp) SELECT mx FROM m)
---
 mx
-----
 100
(1 row)

# ORDER BY over a set operation accepts only output column names or ordinals.
> SELECT id FROM emp UNION SELECT 3 ORDER BY id + 1
---
ERROR 0A000: invalid UNION/INTERSECT/EXCEPT ORDER BY clause
DETAIL: Only result column names can be used, not expressions or functions.

# The message says "WITH query".
> WITH t(a, b, c) AS (SELECT id, name FROM emp)
> SELECT * FROM t
---
ERROR 42P10: WITH query "t" has 2 columns available but 3 columns specified

# A CTE cannot see a later CTE of the same WITH (without RECURSIVE).
> WITH x AS (SELECT * FROM y), y AS (SELECT 1 AS v) SELECT * FROM x
---
ERROR 42P01: relation "y" does not exist
DETAIL: There is a WITH item named "y", but it cannot be referenced from this part of the query.
