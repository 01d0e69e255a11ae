# Transaction blocks and session settings where Flint once differed from
# PostgreSQL 15 (the expected outputs are PostgreSQL's): START
# TRANSACTION's tag, DDL rolled back with its transaction, SHOW's column
# names.

> CREATE TABLE acc (id int PRIMARY KEY, bal int)
---
CREATE TABLE

> INSERT INTO acc VALUES (1, 100), (2, 50)
---
INSERT 0 2

# START TRANSACTION's command tag is START TRANSACTION.
> START TRANSACTION
---
START TRANSACTION

> COMMIT
---
COMMIT

# CREATE TABLE and DROP TABLE are rolled back with their transaction.
> BEGIN
---
BEGIN

> CREATE TABLE tmp (x int)
---
CREATE TABLE

> ROLLBACK
---
ROLLBACK

> SELECT * FROM tmp
---
ERROR 42P01: relation "tmp" does not exist

> BEGIN
---
BEGIN

> DROP TABLE acc
---
DROP TABLE

> ROLLBACK
---
ROLLBACK

> SELECT count(*) FROM acc
---
 count
-------
     2
(1 row)

# SHOW names the column after the setting's canonical spelling.
> SHOW timezone
---
 TimeZone
----------
 UTC
(1 row)

> SHOW TIME ZONE
---
 TimeZone
----------
 UTC
(1 row)

> SHOW datestyle
---
 DateStyle
-----------
 ISO, MDY
(1 row)
