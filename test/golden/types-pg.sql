# The type system where Flint once differed from PostgreSQL 15 (expected
# outputs are PostgreSQL's): pg_typeof, bitwise integer operators,
# assignment and numeric overflow messages, text || boolean.

# pg_typeof() names the argument's type.
> SELECT pg_typeof(1), pg_typeof(2147483648), pg_typeof(1.5), pg_typeof(1e2), pg_typeof(1 + 1.5::float8), pg_typeof(2::smallint * 1.5::real)
---
 pg_typeof | pg_typeof | pg_typeof | pg_typeof |    pg_typeof     |    pg_typeof
-----------+-----------+-----------+-----------+------------------+------------------
 integer   | bigint    | numeric   | numeric   | double precision | double precision
(1 row)

> SELECT pg_typeof(sum(x)), pg_typeof(sum(x::bigint)), pg_typeof(avg(x)), pg_typeof(sum(x::real)), pg_typeof(avg(x::real)) FROM (VALUES (1)) v(x)
---
 pg_typeof | pg_typeof | pg_typeof | pg_typeof |    pg_typeof
-----------+-----------+-----------+-----------+------------------
 bigint    | numeric   | numeric   | real      | double precision
(1 row)

# Bitwise integer operators.
> SELECT 5 & 3, 5 | 3, 5 # 3, ~5, 1 << 4, 256 >> 2
---
 ?column? | ?column? | ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------+----------+----------
        1 |        7 |        6 |       -6 |       16 |       64
(1 row)

# Assignment of a wrong type names the column.
> CREATE TABLE flags (id int PRIMARY KEY, b boolean)
---
CREATE TABLE

> INSERT INTO flags VALUES (6, 2)
---
ERROR 42804: column "b" is of type boolean but expression is of type integer

> INSERT INTO flags (b, id) VALUES (1.5, 7)
---
ERROR 42804: column "b" is of type boolean but expression is of type numeric

# numeric field overflow explains itself in a DETAIL line.
> SELECT 1000::numeric(5,2)
---
ERROR 22003: numeric field overflow
DETAIL: A field with precision 5, scale 2 must round to an absolute value less than 10^3.

> SELECT 999.995::numeric(5,2)
---
ERROR 22003: numeric field overflow
DETAIL: A field with precision 5, scale 2 must round to an absolute value less than 10^3.

> SELECT 1::numeric(3,5)
---
ERROR 22003: numeric field overflow
DETAIL: A field with precision 3, scale 5 must round to an absolute value less than 10^-2.

> CREATE TABLE money (id int PRIMARY KEY, amount numeric(10,2), rate numeric(5,4))
---
CREATE TABLE

> INSERT INTO money VALUES (5, 123456789.12, 0)
---
ERROR 22003: numeric field overflow
DETAIL: A field with precision 10, scale 2 must round to an absolute value less than 10^8.

> INSERT INTO money VALUES (5, 1, 10)
---
ERROR 22003: numeric field overflow
DETAIL: A field with precision 5, scale 4 must round to an absolute value less than 10^1.

# text || boolean uses the boolean's cast to text ('true'), not its output ('t').
> SELECT 'a' || true, false || 'b'
---
 ?column? | ?column?
----------+----------
 atrue    | falseb
(1 row)

> SELECT 1::int8 << 62, (-8)::int8 >> 1, 1 << 33, 5::int2 & 3::int2, pg_typeof(5::int2 & 3::int2), ~0::int8, 6 # 3 # 1
---
      ?column?       | ?column? | ?column? | ?column? | pg_typeof | ?column? | ?column?
---------------------+----------+----------+----------+-----------+----------+----------
 4611686018427387904 |       -4 |        2 |        1 | smallint  |       -1 |        4
(1 row)

> SELECT 1 + 2 & 3, 12 | 3 << 1, pg_typeof(1::int8 & 1), pg_typeof(1 << 2::int8)
---
ERROR 42883: operator does not exist: integer << bigint

> SELECT pg_typeof('a'::varchar(5)), pg_typeof(now()), pg_typeof(NULL), pg_typeof('x'), pg_typeof(ARRAY_NO_SUCH)
---
ERROR 42703: column "array_no_such" does not exist

> SELECT true || 'x', 'y' || NULL::boolean, 'z' || 1.50, 'd' || date '2024-01-02'
---
 ?column? | ?column? | ?column? |  ?column?
----------+----------+----------+-------------
 truex    | NULL     | z1.50    | d2024-01-02
(1 row)
