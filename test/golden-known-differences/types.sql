# Known differences from PostgreSQL 15 in the type system. Expected outputs
# are PostgreSQL's; each case fails on Flint today.

# pg_typeof() does not exist.
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

# Bitwise integer operators are missing.
> SELECT 5 & 3, 5 | 3, 5 # 3, ~5, 1 << 4, 256 >> 2
---
 ?column? | ?column? | ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------+----------+----------
        1 |        7 |        6 |       -6 |       16 |       64
(1 row)

# Assignment of a wrong type: the message is garbled (PostgreSQL names the column).
> CREATE TABLE flags (id int PRIMARY KEY, b boolean)
---
CREATE TABLE

> INSERT INTO flags VALUES (6, 2)
---
ERROR 42804: column "b" is of type boolean but expression is of type integer

> INSERT INTO flags (b, id) VALUES (1.5, 7)
---
ERROR 42804: column "b" is of type boolean but expression is of type numeric

# numeric field overflow: PostgreSQL adds a DETAIL line.
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

# text || boolean uses the boolean's cast to text ('true'), not its output function ('t').
> SELECT 'a' || true, false || 'b'
---
 ?column? | ?column?
----------+----------
 atrue    | falseb
(1 row)

# The TIME type is missing.
> SELECT '2024-01-01'::date + time '10:30', time '10:30:15.5'
---
      ?column?       |    time
---------------------+------------
 2024-01-01 10:30:00 | 10:30:15.5
(1 row)

# Named arguments (name => value) are not supported.
> SELECT make_interval(years => 1, days => 2), make_interval(hours => 1, mins => 30)
---
 make_interval | make_interval
---------------+---------------
 1 year 2 days | 01:30:00
(1 row)

# jsonb numbers lose their scale: PostgreSQL keeps 1.50 and 36.0 as written.
> SELECT '1.50'::jsonb, '{"a": 36.0}'::jsonb, jsonb_build_array(2.50), to_jsonb(1.50), '[1.0, 2.00]'::jsonb
---
 jsonb |    jsonb    | jsonb_build_array | to_jsonb |    jsonb
-------+-------------+-------------------+----------+-------------
 1.50  | {"a": 36.0} | [2.50]            | 1.50     | [1.0, 2.00]
(1 row)

> SELECT ('{"age": 36.0}'::jsonb ->> 'age')::int
---
ERROR 22P02: invalid input syntax for type integer: "36.0"

> SELECT '{"age": 36.0}'::jsonb ->> 'age', '{"age": 36.0}'::jsonb @> '{"age": 36}'
---
 ?column? | ?column?
----------+----------
 36.0     | t
(1 row)

# jsonb parse errors: PostgreSQL adds a DETAIL line naming the problem.
> SELECT '{"a": }'::jsonb
---
ERROR 22P02: invalid input syntax for type json
DETAIL: Expected JSON value, but found "}".

> SELECT 'nul'::jsonb
---
ERROR 22P02: invalid input syntax for type json
DETAIL: Token "nul" is invalid.

# ARRAY[...] constructors are missing (needed by ?| and ?&).
> SELECT '{"a": 1, "b": 2}'::jsonb ?| array['z', 'b'], '{"a": 1, "b": 2}'::jsonb ?& array['a', 'b']
---
 ?column? | ?column?
----------+----------
 t        | t
(1 row)
