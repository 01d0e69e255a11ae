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

> CREATE TABLE s3 (a text, b int DEFAULT 5, c text)
---
CREATE TABLE

# Naming the table after giving it an alias: PostgreSQL's message differs.
> UPDATE s3 t SET b = s3.b
---
ERROR 42P01: invalid reference to FROM-clause entry for table "s3"
