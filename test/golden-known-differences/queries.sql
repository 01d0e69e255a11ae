# Known differences from PostgreSQL 15 in subqueries, set operations and
# WITH. Expected outputs are PostgreSQL's.

> CREATE TABLE emp (id int PRIMARY KEY, name text, salary int)
---
CREATE TABLE

> INSERT INTO emp VALUES (1, 'ada', 100), (2, 'bob', 80)
---
INSERT 0 2

# UNION of an integer and an untyped literal: the literal is read as an integer.
> SELECT 1 UNION SELECT 'x'
---
ERROR 22P02: invalid input syntax for type integer: "x"

# Position of the column-count error: PostgreSQL points at the second branch.
> SELECT 1, 2 UNION SELECT 1
---
ERROR 42601: each UNION query must have the same number of columns at position 26

# The same in a recursive CTE's UNION.
> WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT 'x')
> SELECT * FROM t
---
ERROR 22P02: invalid input syntax for type integer: "x"
