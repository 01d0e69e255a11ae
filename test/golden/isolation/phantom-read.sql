# Phantom read — FORBIDDEN under snapshot isolation (the ANSI REPEATABLE
# READ level would allow it; PostgreSQL's REPEATABLE READ and Flint's
# snapshot isolation do not): repeating a query with a search condition in
# one transaction returns the same set of rows, although another transaction
# inserted, deleted or updated rows into or out of that set and committed.

> CREATE TABLE task (id int PRIMARY KEY, owner text, done boolean)
---
CREATE TABLE

> INSERT INTO task VALUES (1, 'ann', false), (2, 'ann', true), (3, 'bob', false)
---
INSERT 0 3

[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > SELECT id FROM task WHERE owner = 'ann' AND NOT done ORDER BY id
---
 id
----
  1
(1 row)

[s1] > SELECT count(*) FROM task WHERE owner = 'ann'
---
 count
-------
     2
(1 row)

# s2 inserts a matching row, moves a row into the set, and deletes one out of it.
[s2] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s2] > INSERT INTO task VALUES (4, 'ann', false)
---
INSERT 0 1

[s2] > UPDATE task SET owner = 'ann' WHERE id = 3
---
UPDATE 1

[s2] > DELETE FROM task WHERE id = 1
---
DELETE 1

[s2] > COMMIT
---
COMMIT

[s1] > SELECT id FROM task WHERE owner = 'ann' AND NOT done ORDER BY id
---
 id
----
  1
(1 row)

[s1] > SELECT count(*) FROM task WHERE owner = 'ann'
---
 count
-------
     2
(1 row)

[s1] > SELECT t.id, u.id FROM task t JOIN task u ON t.owner = u.owner AND t.id < u.id ORDER BY 1, 2
---
 id | id
----+----
  1 |  2
(1 row)

[s1] > COMMIT
---
COMMIT

[s1] > SELECT id FROM task WHERE owner = 'ann' AND NOT done ORDER BY id
---
 id
----
  3
  4
(2 rows)

# An insert by the reader itself is of course visible to it.
[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > SELECT count(*) FROM task
---
 count
-------
     3
(1 row)

[s1] > INSERT INTO task VALUES (5, 'cy', false)
---
INSERT 0 1

[s2] > INSERT INTO task VALUES (6, 'cy', false)
---
INSERT 0 1

[s1] > SELECT id FROM task WHERE owner = 'cy' ORDER BY id
---
 id
----
  5
(1 row)

[s1] > COMMIT
---
COMMIT

[s1] > SELECT id FROM task WHERE owner = 'cy' ORDER BY id
---
 id
----
  5
  6
(2 rows)
