# Views and what depends on them: DROP refuses while a view reads the
# relation (2BP01, naming every dependent view), and CASCADE drops the
# views with it, views over views included.

> CREATE TABLE t (id int PRIMARY KEY, a text)
---
CREATE TABLE

> INSERT INTO t VALUES (1, 'one'), (2, 'two')
---
INSERT 0 2

> CREATE VIEW v AS SELECT id FROM t WHERE id < 2
---
CREATE VIEW

> CREATE VIEW w AS SELECT * FROM v
---
CREATE VIEW

> CREATE VIEW unrelated AS SELECT 1 AS x
---
CREATE VIEW

> DROP TABLE t
---
ERROR 2BP01: cannot drop table t because other objects depend on it
DETAIL: view v depends on table t
view w depends on view v

> DROP VIEW v
---
ERROR 2BP01: cannot drop view v because other objects depend on it
DETAIL: view w depends on view v

> SELECT * FROM w
---
 id
----
  1
(1 row)

> DROP VIEW w
---
DROP VIEW

> DROP TABLE t CASCADE
---
DROP TABLE

> SELECT * FROM v
---
ERROR 42P01: relation "v" does not exist

> SELECT * FROM unrelated
---
 x
---
 1
(1 row)

> CREATE TABLE s (id int)
---
CREATE TABLE

> CREATE VIEW sv AS WITH s AS (SELECT 1 AS id) SELECT id FROM s
---
CREATE VIEW

> DROP TABLE s
---
DROP TABLE

> SELECT * FROM sv
---
 id
----
  1
(1 row)
