# Known differences from PostgreSQL 15 in the type system. Expected outputs
# are PostgreSQL's; each case fails on Flint today.

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
