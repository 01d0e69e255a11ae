# Known differences from PostgreSQL 15 in DDL. Expected outputs are
# PostgreSQL's.

# SELECT * from a table with no columns.
> CREATE TABLE empty_cols ()
---
CREATE TABLE

> SELECT * FROM empty_cols
---
--
(0 rows)

> CREATE TABLE t (id int PRIMARY KEY, a text, u numeric(4,2))
---
CREATE TABLE

> INSERT INTO t VALUES (1, 'one', 12.35)
---
INSERT 0 1

# A view that is not automatically updatable: PostgreSQL's code and message.
> CREATE VIEW agg AS SELECT count(*) AS n FROM t
---
CREATE VIEW

> INSERT INTO agg VALUES (1)
---
ERROR 55000: cannot insert into view "agg"
DETAIL: Views that return aggregate functions are not automatically updatable.

