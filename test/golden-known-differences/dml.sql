# Known differences from PostgreSQL 15 in INSERT, UPDATE and DELETE. Expected outputs are PostgreSQL's.

> CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, qty int DEFAULT 0, note varchar(10))
---
CREATE TABLE

> INSERT INTO items (name, qty) VALUES ('a', 11), ('b', 5)
---
INSERT 0 2

# Position of the error: PostgreSQL points at the first surplus target column.
> INSERT INTO items (name, qty) VALUES ('x')
---
ERROR 42601: INSERT has more target columns than expressions at position 26


# INSERT without a column list may give fewer values than the table has
# columns: the rest get their defaults. Flint rejects it.
> CREATE TABLE s3 (a text, b int DEFAULT 5, c text)
---
CREATE TABLE

> INSERT INTO s3 VALUES ('x'), ('y')
---
INSERT 0 2

> INSERT INTO s3 VALUES ('z', 1)
---
INSERT 0 1

> SELECT * FROM s3 ORDER BY a
---
 a | b |  c
---+---+------
 x | 5 | NULL
 y | 5 | NULL
 z | 1 | NULL
(3 rows)

# Naming the table after giving it an alias: PostgreSQL's message differs.
> UPDATE s3 t SET b = s3.b
---
ERROR 42P01: invalid reference to FROM-clause entry for table "s3"
