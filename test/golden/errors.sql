# Errors: syntax errors with their 1-based character position, undefined
# tables, columns and functions, ambiguous references, type mismatches found
# while planning (before any row is read), and runtime errors. Every error
# carries PostgreSQL's SQLSTATE.

> CREATE TABLE t (id int PRIMARY KEY, name text, n numeric)
---
CREATE TABLE

> CREATE TABLE u (id int, t_id int, name text)
---
CREATE TABLE

> INSERT INTO t VALUES (1, 'a', 1.5)
---
INSERT 0 1

> SELEC 1
---
ERROR 42601: syntax error at or near "SELEC" at position 1

> SELECT 1 FORM t
---
ERROR 42601: syntax error at or near "t" at position 15

> SELECT * FROM
---
ERROR 42601: syntax error at end of input at position 14

> SELECT (1 + 2
---
ERROR 42601: syntax error at end of input at position 14

> SELECT 1 +
---
ERROR 42601: syntax error at end of input at position 11

> SELECT 'unterminated
---
ERROR 42601: unterminated quoted string at or near "'unterminated" at position 8

> SELECT * FROM t WHERE
---
ERROR 42601: syntax error at end of input at position 22

> SELECT * FROM t WHERE id = = 1
---
ERROR 42601: syntax error at or near "=" at position 28

> SELECT * FROM t ORDER id
---
ERROR 42601: syntax error at or near "id" at position 23

> INSERT INTO t VALUES
---
ERROR 42601: syntax error at end of input at position 21

> INSERT t VALUES (1)
---
ERROR 42601: syntax error at or near "t" at position 8

> UPDATE t name = 'x'
---
ERROR 42601: syntax error at or near "=" at position 15

> CREATE TABLE (id int)
---
ERROR 42601: syntax error at or near "(" at position 14

> CREATE TABLE x (id int,)
---
ERROR 42601: syntax error at or near ")" at position 24

> SELECT 1,
> 2,
> FROM t
---
ERROR 42601: syntax error at or near "FROM" at position 14

> SELECT "unterminated
---
ERROR 42601: unterminated quoted identifier at or near ""unterminated" at position 8

> SELECT 1 2
---
ERROR 42601: syntax error at or near "2" at position 10

> SELECT * FROM t LIMIT
---
ERROR 42601: syntax error at end of input at position 22

> SELECT select
---
ERROR 42601: syntax error at or near "select" at position 8

> SELECT 1 AS from
---
 from
------
    1
(1 row)

> SELECT 1e
---
ERROR 42601: trailing junk after numeric literal at or near "1e" at position 8

> SELECT * FROM nosuch
---
ERROR 42P01: relation "nosuch" does not exist

> SELECT nosuch FROM t
---
ERROR 42703: column "nosuch" does not exist

> SELECT nosuch.id FROM t
---
ERROR 42P01: missing FROM-clause entry for table "nosuch"

> SELECT * FROM t WHERE nosuch = 1
---
ERROR 42703: column "nosuch" does not exist

> SELECT id FROM t ORDER BY nosuch
---
ERROR 42703: column "nosuch" does not exist

> SELECT id, count(*) FROM t GROUP BY nosuch
---
ERROR 42703: column "nosuch" does not exist

> SELECT id FROM t JOIN u ON t.id = u.t_id
---
ERROR 42702: column reference "id" is ambiguous

> SELECT name FROM t, u
---
ERROR 42702: column reference "name" is ambiguous

> SELECT nosuchfunc(1)
---
ERROR 42883: function nosuchfunc(integer) does not exist

> SELECT abs('x', 1)
---
ERROR 42883: function abs(unknown, integer) does not exist

> SELECT length(1)
---
ERROR 42883: function length(integer) does not exist

> SELECT upper(1)
---
ERROR 42883: function upper(integer) does not exist

> SELECT substring(1, 2)
---
ERROR 42883: function substring(integer, integer) does not exist

> SELECT 1 + true
---
ERROR 42883: operator does not exist: integer + boolean

> SELECT 'a' - 'b'
---
ERROR 42725: operator is not unique: unknown - unknown

> SELECT id + name FROM t
---
ERROR 42883: operator does not exist: integer + text

# Type errors are found while planning: no row needs to be read.
> SELECT id + name FROM t WHERE false
---
ERROR 42883: operator does not exist: integer + text

> SELECT upper(id) FROM u
---
ERROR 42883: function upper(integer) does not exist

> SELECT * FROM u WHERE t_id = 'x'
---
ERROR 22P02: invalid input syntax for type integer: "x"

> SELECT sum(name) FROM u
---
ERROR 42883: function sum(text) does not exist

> SELECT * FROM t WHERE name
---
ERROR 42804: argument of WHERE must be type boolean, not type text

> SELECT * FROM t WHERE id
---
ERROR 42804: argument of WHERE must be type boolean, not type integer

> SELECT * FROM t WHERE id = 'x'
---
ERROR 22P02: invalid input syntax for type integer: "x"

> SELECT * FROM t WHERE name = 1
---
ERROR 42883: operator does not exist: text = integer

> SELECT * FROM t WHERE n > 'abc'
---
ERROR 22P02: invalid input syntax for type numeric: "abc"

> SELECT CASE WHEN 1 THEN 2 END
---
ERROR 42804: argument of CASE/WHEN must be type boolean, not type integer

> SELECT 1 WHERE 'x' AND true
---
ERROR 22P02: invalid input syntax for type boolean: "x"

> SELECT NOT 5
---
ERROR 42804: argument of NOT must be type boolean, not type integer

> SELECT date 'garbage'
---
ERROR 22007: invalid input syntax for type date: "garbage"

> SELECT '2024-02-30'::date
---
ERROR 22008: date/time field value out of range: "2024-02-30"

> SELECT 'x'::uuid
---
ERROR 22P02: invalid input syntax for type uuid: "x"

> SELECT 1::bool::date
---
ERROR 42846: cannot cast type boolean to date

> SELECT 1::date
---
ERROR 42846: cannot cast type integer to date

> SELECT true::numeric
---
ERROR 42846: cannot cast type boolean to numeric

> SELECT sum(name) FROM t
---
ERROR 42883: function sum(text) does not exist

> SELECT avg(true)
---
ERROR 42883: function avg(boolean) does not exist

> SELECT max(id) FROM t GROUP BY max(id)
---
ERROR 42803: aggregate functions are not allowed in GROUP BY

> SELECT id FROM t WHERE sum(id) > 1
---
ERROR 42803: aggregate functions are not allowed in WHERE

> SELECT count(count(*)) FROM t
---
ERROR 42803: aggregate function calls cannot be nested

> INSERT INTO t (id, name) VALUES ('one', 'x')
---
ERROR 22P02: invalid input syntax for type integer: "one"

> INSERT INTO t (id) VALUES (1.5e10)
---
ERROR 22003: integer out of range

> SELECT * FROM t WHERE id = 1 / 0
---
ERROR 22012: division by zero

> SELECT 2147483647 + id FROM t
---
ERROR 22003: integer out of range

> SELECT repeat('x', -1), lpad('x', -5)
---
 repeat | lpad
--------+------
        |
(1 row)

> SELECT chr(0)
---
ERROR 54000: null character not permitted

> SELECT substring('abc', 1, -1)
---
ERROR 22011: negative substring length not allowed

> SELECT split_part('a,b', ',', 0)
---
ERROR 22023: field position must not be zero

> SELECT encode('a'::bytea, 'nosuch')
---
ERROR 22023: unrecognized encoding: "nosuch"

> SELECT date_trunc('nosuch', timestamp '2024-01-01')
---
ERROR 22023: unit "nosuch" not recognized for type timestamp without time zone

> DROP TABLE nosuch
---
ERROR 42P01: table "nosuch" does not exist

> DROP VIEW t
---
ERROR 42809: "t" is not a view

> CREATE VIEW v AS SELECT nosuch FROM t
---
ERROR 42703: column "nosuch" does not exist

> SELECT * FROM v
---
ERROR 42P01: relation "v" does not exist

> SHOW
---
ERROR 42601: syntax error at end of input at position 5

> ;
---

>
---

> -- only a comment
---
