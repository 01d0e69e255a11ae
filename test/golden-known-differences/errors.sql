# Known differences from PostgreSQL 15 in error reporting. Expected outputs
# are PostgreSQL's.

> CREATE TABLE t (id int PRIMARY KEY, name text)
---
CREATE TABLE

# A parameter that was not supplied: PostgreSQL reports 42P02 (undefined parameter).
> SELECT $1
---
ERROR 42P02: there is no parameter $1

# The relation name is reported as written, schema included.
> SELECT * FROM public.nosuch
---
ERROR 42P01: relation "public.nosuch" does not exist

# A qualified column name is not quoted as one identifier.
> SELECT t.nosuch FROM t
---
ERROR 42703: column t.nosuch does not exist

# Invalid ESCAPE: PostgreSQL gives the explanation as a HINT, not a DETAIL.
> SELECT 'a' LIKE 'b' ESCAPE 'xy'
---
ERROR 22025: invalid escape string
