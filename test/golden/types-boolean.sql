# BOOLEAN: literals, input forms, output (t/f), three-valued operators,
# ordering (false < true, NULL last), storage and casts to and from text and int.

> SELECT true, false, NULL::boolean
---
 ?column? | ?column? | bool
----------+----------+------
 t        | f        | NULL
(1 row)

> SELECT 'yes'::boolean, 'no'::boolean, 'on'::boolean, 'off'::boolean, '1'::boolean, '0'::boolean
---
 bool | bool | bool | bool | bool | bool
------+------+------+------+------+------
 t    | f    | t    | f    | t    | f
(1 row)

> SELECT 't'::boolean, 'f'::boolean, 'TRUE'::boolean, ' false '::boolean, 'y'::boolean, 'n'::boolean
---
 bool | bool | bool | bool | bool | bool
------+------+------+------+------+------
 t    | f    | t    | f    | t    | f
(1 row)

> SELECT 'maybe'::boolean
---
ERROR 22P02: invalid input syntax for type boolean: "maybe"

> SELECT true AND false, true OR false, NOT true, NOT false
---
 ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------
 f        | t        | f        | t
(1 row)

> SELECT true = true, true <> false, false < true, true > false, true >= true
---
 ?column? | ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------+----------
 t        | t        | t        | t        | t
(1 row)

> SELECT 1::boolean, 0::boolean, true::int, false::int
---
 bool | bool | int4 | int4
------+------+------+------
 t    | f    |    1 |    0
(1 row)

> SELECT true::text, false::text, 'true'::text::boolean
---
 text | text  | bool
------+-------+------
 true | false | t
(1 row)

> CREATE TABLE flags (id int PRIMARY KEY, b boolean)
---
CREATE TABLE

> INSERT INTO flags VALUES (1, true), (2, false), (3, NULL), (4, 't'), (5, 'off')
---
INSERT 0 5

> SELECT * FROM flags ORDER BY b, id
---
 id |  b
----+------
  2 | f
  5 | f
  1 | t
  4 | t
  3 | NULL
(5 rows)

> SELECT * FROM flags ORDER BY b DESC, id
---
 id |  b
----+------
  3 | NULL
  1 | t
  4 | t
  2 | f
  5 | f
(5 rows)

> SELECT id FROM flags WHERE b ORDER BY id
---
 id
----
  1
  4
(2 rows)

> SELECT id FROM flags WHERE NOT b ORDER BY id
---
 id
----
  2
  5
(2 rows)

> SELECT id, b IS TRUE AS is_t, b IS NOT TRUE AS not_t, b IS FALSE AS is_f, b IS NOT FALSE AS not_f, b IS UNKNOWN AS unk, b IS NOT UNKNOWN AS not_unk FROM flags ORDER BY id
---
 id | is_t | not_t | is_f | not_f | unk | not_unk
----+------+-------+------+-------+-----+---------
  1 | t    | f     | f    | t     | f   | t
  2 | f    | t     | t    | f     | f   | t
  3 | f    | t     | f    | t     | t   | f
  4 | t    | f     | f    | t     | f   | t
  5 | f    | t     | t    | f     | f   | t
(5 rows)

> SELECT bool_and(b), bool_or(b), every(b), count(b), count(*) FROM flags
---
 bool_and | bool_or | every | count | count
----------+---------+-------+-------+-------
 f        | t       | f     |     4 |     5
(1 row)

> SELECT bool_and(b), bool_or(b) FROM flags WHERE b IS NULL
---
 bool_and | bool_or
----------+---------
 NULL     | NULL
(1 row)

> SELECT b, count(*) FROM flags GROUP BY b ORDER BY b
---
  b   | count
------+-------
 f    |     2
 t    |     2
 NULL |     1
(3 rows)

> INSERT INTO flags VALUES (6, 'nope')
---
ERROR 22P02: invalid input syntax for type boolean: "nope"

> SELECT 1 WHERE 'true'
---
 ?column?
----------
        1
(1 row)

> SELECT 1 WHERE 1
---
ERROR 42804: argument of WHERE must be type boolean, not type integer
