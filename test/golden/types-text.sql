# TEXT, VARCHAR(n), CHAR(n): length limits (22001, except that trailing
# spaces may be cut and explicit casts truncate), char(n) padding and its
# blank-insensitive comparison, concatenation, escapes, collation-free
# (byte/code point) ordering, and the string functions.

> SELECT 'hello', 'it''s', E'tab\there', E'new\nline', 'a' || 'b' || 'c', 'x' || NULL
---
 ?column? | ?column? | ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------+----------+----------
 hello    | it's     | tab	here | new     +| abc      | NULL
          |          |          | line     |          |
(1 row)

> SELECT 'abc'::varchar(2), 'abc'::char(2), 'ab'::char(4) || '|', length('ab'::char(4)), octet_length('ab'::char(4))
---
 varchar | bpchar | ?column? | length | octet_length
---------+--------+----------+--------+--------------
 ab      | ab     | ab|      |      2 |            4
(1 row)

> CREATE TABLE strs (id int PRIMARY KEY, t text, v varchar(5), c char(3))
---
CREATE TABLE

> INSERT INTO strs VALUES (1, 'hello', 'hello', 'abc'), (2, '', '', ''), (3, NULL, NULL, NULL), (4, 'ümlaut', 'ñandú', 'é')
---
INSERT 0 4

> INSERT INTO strs VALUES (5, 'x', 'toolong', 'a')
---
ERROR 22001: value too long for type character varying(5)

> INSERT INTO strs VALUES (5, 'x', 'a', 'abcd')
---
ERROR 22001: value too long for type character(3)

> INSERT INTO strs VALUES (5, 'x', 'abc   ', 'ab   ')
---
INSERT 0 1

> SELECT id, t, v, c, length(c), c || '|' AS c_concat, length(v) FROM strs ORDER BY id
---
 id |   t    |   v   |  c   | length | c_concat | length
----+--------+-------+------+--------+----------+--------
  1 | hello  | hello | abc  |      3 | abc|     |      5
  2 |        |       |      |      0 | |        |      0
  3 | NULL   | NULL  | NULL |   NULL | NULL     |   NULL
  4 | ümlaut | ñandú | é    |      1 | é|       |      5
  5 | x      | abc   | ab   |      2 | ab|      |      5
(5 rows)

> SELECT id FROM strs WHERE c = 'ab' ORDER BY id
---
 id
----
  5
(1 row)

> SELECT id FROM strs WHERE c = 'ab  ' ORDER BY id
---
 id
----
  5
(1 row)

> SELECT id, v = 'abc' AS eq FROM strs WHERE id = 5
---
 id | eq
----+----
  5 | f
(1 row)

> SELECT 'a'::char(3) = 'a  '::char(3), 'a '::text = 'a'::text, 'a'::varchar = 'a '::varchar
---
 ?column? | ?column? | ?column?
----------+----------+----------
 t        | f        | f
(1 row)

> SELECT t FROM strs WHERE t IS NOT NULL ORDER BY t
---
   t
--------
 
 hello
 x
 ümlaut
(4 rows)

> SELECT t FROM strs WHERE t IS NOT NULL ORDER BY t DESC
---
   t
--------
 ümlaut
 x
 hello
 
(4 rows)

> SELECT 'a' < 'b', 'B' < 'a', 'abc' < 'abd', 'ab' < 'abc', '' < 'a', 'Z' < 'a'
---
 ?column? | ?column? | ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------+----------+----------
 t        | t        | t        | t        | t        | t
(1 row)

> SELECT length('hello'), length(''), char_length('ümlaut'), octet_length('ümlaut'), bit_length('ab')
---
 length | length | char_length | octet_length | bit_length
--------+--------+-------------+--------------+------------
      5 |      0 |           6 |            7 |         16
(1 row)

> SELECT upper('hello World'), lower('HELLO ÜBER'), initcap('hello wORLD foo_bar')
---
    upper    |   lower    |       initcap
-------------+------------+---------------------
 HELLO WORLD | hello über | Hello World Foo_Bar
(1 row)

> SELECT substring('hello world', 7), substring('hello world', 1, 5), substring('hello', 0, 3), substring('hello', -1, 3), substring('hello' FROM 2 FOR 3)
---
 substring | substring | substring | substring | substring
-----------+-----------+-----------+-----------+-----------
 world     | hello     | he        | h         | ell
(1 row)

> SELECT substring('hello', 2, -1)
---
ERROR 22011: negative substring length not allowed

> SELECT position('lo' IN 'hello'), strpos('hello', 'l'), strpos('hello', 'z'), position('' IN 'abc')
---
 position | strpos | strpos | position
----------+--------+--------+----------
        4 |      3 |      0 |        1
(1 row)

> SELECT trim('  x  ') || '|', ltrim('  x  ') || '|', rtrim('  x  ') || '|', btrim('xxhixx', 'x'), trim(BOTH 'x' FROM 'xxhixx'), trim(LEADING 'x' FROM 'xxhixx'), trim(TRAILING 'x' FROM 'xxhixx')
---
 ?column? | ?column? | ?column? | btrim | btrim | ltrim | rtrim
----------+----------+----------+-------+-------+-------+-------
 x|       | x  |     |   x|     | hi    | hi    | hixx  | xxhi
(1 row)

> SELECT lpad('5', 3, '0'), rpad('ab', 5, '*-'), lpad('hello', 3), rpad('', 2), lpad('x', 4)
---
 lpad | rpad  | lpad | rpad | lpad
------+-------+------+------+------
 005  | ab*-* | hel  |      |    x
(1 row)

> SELECT left('hello', 2), right('hello', 2), left('hello', -2), right('hello', -2), repeat('ab', 3), repeat('x', 0), reverse('abc')
---
 left | right | left | right | repeat | repeat | reverse
------+-------+------+-------+--------+--------+---------
 he   | lo    | hel  | llo   | ababab |        | cba
(1 row)

> SELECT replace('hello world', 'o', '0'), translate('hello', 'el', 'ip'), translate('abc', 'ab', 'x'), split_part('a,b,c', ',', 2), split_part('a,b,c', ',', 5), split_part('a,b,c', ',', -1)
---
   replace   | translate | translate | split_part | split_part | split_part
-------------+-----------+-----------+------------+------------+------------
 hell0 w0rld | hippo     | xc        | b          |            | c
(1 row)

> SELECT concat('a', 1, NULL, true, 2.5), concat_ws('-', 'a', NULL, 'b', 3), concat(), concat_ws(',', NULL)
---
ERROR 42883: function concat() does not exist

> SELECT ascii('A'), chr(65), chr(252), md5('abc'), md5(''), to_hex(255), to_hex(-1), starts_with('hello', 'he')
---
 ascii | chr | chr |               md5                |               md5                | to_hex |  to_hex  | starts_with
-------+-----+-----+----------------------------------+----------------------------------+--------+----------+-------------
    65 | A   | ü   | 900150983cd24fb0d6963f7d28e17f72 | d41d8cd98f00b204e9800998ecf8427e | ff     | ffffffff | t
(1 row)

> SELECT quote_ident('foo'), quote_ident('Foo Bar'), quote_ident('select'), quote_literal('it''s'), quote_literal(42)
---
 quote_ident | quote_ident | quote_ident | quote_literal | quote_literal
-------------+-------------+-------------+---------------+---------------
 foo         | "Foo Bar"   | "select"    | 'it''s'       | '42'
(1 row)

> SELECT format('%s and %s', 'a', 'b'), format('%I', 'my col'), format('%L', 'x''y'), format('%L', NULL), format('%s%%', 5)
---
 format  |  format  | format | format | format
---------+----------+--------+--------+--------
 a and b | "my col" | 'x''y' | NULL   | 5%
(1 row)

> SELECT 'abc' LIKE 'a%', 'abc' LIKE '_b_', 'abc' LIKE 'A%', 'abc' ILIKE 'A%', 'abc' NOT LIKE '%c', 'a_c' LIKE 'a\_c', 'abc' LIKE 'a\_c'
---
 ?column? | ?column? | ?column? | ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------+----------+----------+----------
 t        | t        | f        | t        | f        | t        | f
(1 row)

> SELECT '100%' LIKE '100\%', 'x%y' LIKE 'x#%y' ESCAPE '#', 'abc' LIKE '%', '' LIKE '%', NULL LIKE 'a', 'a' LIKE NULL
---
 ?column? | ?column? | ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------+----------+----------
 t        | t        | t        | t        | NULL     | NULL
(1 row)

> SELECT 'ABC' ~~ 'A%', 'abc' !~~ 'A%', 'abc' ~~* 'A%', 'abc' !~~* 'A%'
---
 ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------
 t        | t        | t        | f
(1 row)

> SELECT id, t FROM strs WHERE t LIKE '%l%' ORDER BY id
---
 id |   t
----+--------
  1 | hello
  4 | ümlaut
(2 rows)

> SELECT id, t FROM strs WHERE t ILIKE '%L%' ORDER BY id
---
 id |   t
----+--------
  1 | hello
  4 | ümlaut
(2 rows)

> SELECT 'abc'::varchar(10) || 'def'::char(3), 'x'::char(3) || 'y'::char(3)
---
 ?column? | ?column?
----------+----------
 abcdef   | xy
(1 row)

> SELECT 12::text, 1.50::text, true::text, 'abc'::text::varchar(2), CAST('x' AS char)
---
 text | text | text | varchar | bpchar
------+------+------+---------+--------
 12   | 1.50 | true | ab      | x
(1 row)

> SELECT 'été'::varchar(3), 'étés'::varchar(3)
---
 varchar | varchar
---------+---------
 été     | été
(1 row)

> SELECT upper(NULL), length(NULL), NULL || 'a', coalesce(NULL, 'd')
---
 upper | length | ?column? | coalesce
-------+--------+----------+----------
 NULL  |   NULL | NULL     | d
(1 row)

> SELECT 'a' || 1, 1 || 'a', 'a' || 1.5, 'a' || '2020-01-01'::date
---
 ?column? | ?column? | ?column? |  ?column?
----------+----------+----------+-------------
 a1       | 1a       | a1.5     | a2020-01-01
(1 row)

> SELECT max(t), min(t), string_agg(t, ',' ORDER BY t) FROM strs
---
  max   | min |   string_agg
--------+-----+-----------------
 ümlaut |     | ,hello,x,ümlaut
(1 row)

> SELECT encode('hello'::bytea, 'base64'), encode('hello'::bytea, 'hex'), decode('aGVsbG8=', 'base64'), decode('68656c6c6f', 'hex')
---
  encode  |   encode   |    decode    |    decode
----------+------------+--------------+--------------
 aGVsbG8= | 68656c6c6f | \x68656c6c6f | \x68656c6c6f
(1 row)
