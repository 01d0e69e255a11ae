# Known differences from PostgreSQL 15 in subqueries, set operations and
# WITH. Expected outputs are PostgreSQL's.

> CREATE TABLE emp (id int PRIMARY KEY, name text, salary int)
---
CREATE TABLE

> INSERT INTO emp VALUES (1, 'ada', 100), (2, 'bob', 80)
---
INSERT 0 2

# A scalar subquery's column is named after the subquery's only column.
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

# UNION of an integer and an untyped literal: the literal is read as an integer.
> SELECT 1 UNION SELECT 'x'
---
ERROR 22P02: invalid input syntax for type integer: "x"

# Position of the column-count error: PostgreSQL points at the second branch.
> SELECT 1, 2 UNION SELECT 1
---
ERROR 42601: each UNION query must have the same number of columns at position 26

# ORDER BY over a set operation accepts only output column names or ordinals.
> SELECT id FROM emp UNION SELECT 3 ORDER BY id + 1
---
ERROR 0A000: invalid UNION/INTERSECT/EXCEPT ORDER BY clause
DETAIL: Only result column names can be used, not expressions or functions.

# Message: PostgreSQL says "WITH query".
> WITH t(a, b, c) AS (SELECT id, name FROM emp)
> SELECT * FROM t
---
ERROR 42P10: WITH query "t" has 2 columns available but 3 columns specified

# A CTE cannot see a later CTE of the same WITH (without RECURSIVE).
> WITH x AS (SELECT * FROM y), y AS (SELECT 1 AS v) SELECT * FROM x
---
ERROR 42P01: relation "y" does not exist
DETAIL: There is a WITH item named "y", but it cannot be referenced from this part of the query.

# The same in a recursive CTE's UNION.
> WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT 'x')
> SELECT * FROM t
---
ERROR 22P02: invalid input syntax for type integer: "x"
