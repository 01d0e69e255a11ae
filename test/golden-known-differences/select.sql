# Known differences from PostgreSQL 15 in SELECT. Expected outputs are
# PostgreSQL's.

> CREATE TABLE emp (id int PRIMARY KEY, name text)
---
CREATE TABLE

> INSERT INTO emp VALUES (1, 'Ada'), (2, 'Bob')
---
INSERT 0 2

# A table referenced by its name after it was given an alias: PostgreSQL's message differs.
> SELECT e.id, e.name FROM emp e WHERE emp.id = 1
---
ERROR 42P01: invalid reference to FROM-clause entry for table "emp"

