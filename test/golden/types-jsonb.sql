# JSONB: canonical output (key order by length then bytes, duplicate keys keep
# the last, numbers as written), the operators -> ->> #> #>> @> <@ ? ?| ?& ||
# and -, the functions, comparison and ordering, invalid input (22P02).

> SELECT '{"b": 1, "a": [1, 2, {"c": null}], "aa": true}'::jsonb, '[]'::jsonb, '{}'::jsonb, 'null'::jsonb, '"str"'::jsonb, '1.5'::jsonb, '-1.25e-2'::jsonb
---
                     jsonb                      | jsonb | jsonb | jsonb | jsonb | jsonb |  jsonb
------------------------------------------------+-------+-------+-------+-------+-------+---------
 {"a": [1, 2, {"c": null}], "b": 1, "aa": true} | []    | {}    | null  | "str" | 1.5   | -0.0125
(1 row)

> SELECT '{"a": 1, "a": 2}'::jsonb, '{"b":1,"a":2,"ccc":3,"dd":4}'::jsonb, '[1,   2,3]'::jsonb, '1e2'::jsonb, '-0'::jsonb
---
  jsonb   |                jsonb                |   jsonb   | jsonb | jsonb
----------+-------------------------------------+-----------+-------+-------
 {"a": 2} | {"a": 2, "b": 1, "dd": 4, "ccc": 3} | [1, 2, 3] | 100   | 0
(1 row)

> SELECT '{"a": {"b": [10, 20, 30]}}'::jsonb -> 'a', '{"a": {"b": [10, 20, 30]}}'::jsonb -> 'a' -> 'b' -> 1, '{"a": "x"}'::jsonb ->> 'a', '{"a": "x"}'::jsonb -> 'a'
---
      ?column?       | ?column? | ?column? | ?column?
---------------------+----------+----------+----------
 {"b": [10, 20, 30]} | 20       | x        | "x"
(1 row)

> SELECT '[1, 2, 3]'::jsonb -> 0, '[1, 2, 3]'::jsonb -> -1, '[1, 2, 3]'::jsonb -> 5, '{"a": 1}'::jsonb -> 'z', '{"a": null}'::jsonb ->> 'a', '{"a": null}'::jsonb -> 'a'
---
 ?column? | ?column? | ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------+----------+----------
 1        | 3        | NULL     | NULL     | NULL     | null
(1 row)

> SELECT '{"a": {"b": [10, 20]}}'::jsonb #> '{a,b,1}', '{"a": {"b": [10, 20]}}'::jsonb #>> '{a,b}', '{"a": {"b": [10, 20]}}'::jsonb #> '{a,x}'
---
 ?column? | ?column? | ?column?
----------+----------+----------
 20       | [10, 20] | NULL
(1 row)

> SELECT '{"a": 1, "b": 2}'::jsonb @> '{"a": 1}', '{"a": 1}'::jsonb <@ '{"a": 1, "b": 2}', '[1, 2, 3]'::jsonb @> '[3, 1]', '[1, [2, 3]]'::jsonb @> '[[3]]', '{"a": [1, 2]}'::jsonb @> '{"a": [2]}'
---
 ?column? | ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------+----------
 t        | t        | t        | t        | t
(1 row)

> SELECT '{"a": 1, "b": 2}'::jsonb ? 'a', '{"a": 1}'::jsonb ? 'z', '["x", "y"]'::jsonb ? 'x'
---
 ?column? | ?column? | ?column?
----------+----------+----------
 t        | f        | t
(1 row)

> SELECT '{"a": 1}'::jsonb || '{"b": 2}', '[1, 2]'::jsonb || '[3]', '[1]'::jsonb || '2', '{"a": 1, "b": 2}'::jsonb - 'a', '[1, 2, 3]'::jsonb - 1, '["a", "b"]'::jsonb - 'a'
---
     ?column?     | ?column?  | ?column? | ?column? | ?column? | ?column?
------------------+-----------+----------+----------+----------+----------
 {"a": 1, "b": 2} | [1, 2, 3] | [1, 2]   | {"b": 2} | [1, 3]   | ["b"]
(1 row)

> SELECT '{"a": 1, "b": {"c": 2}}'::jsonb #- '{b,c}'
---
     ?column?
-------------------
 {"a": 1, "b": {}}
(1 row)

> SELECT jsonb_typeof('1'), jsonb_typeof('"s"'), jsonb_typeof('null'), jsonb_typeof('[1]'), jsonb_typeof('{}'), jsonb_typeof('true'), jsonb_array_length('[1, 2, [3]]')
---
 jsonb_typeof | jsonb_typeof | jsonb_typeof | jsonb_typeof | jsonb_typeof | jsonb_typeof | jsonb_array_length
--------------+--------------+--------------+--------------+--------------+--------------+--------------------
 number       | string       | null         | array        | object       | boolean      |                  3
(1 row)

> SELECT jsonb_array_length('{}')
---
ERROR 22023: cannot get array length of a non-array

> SELECT jsonb_build_object('a', 1, 'b', 'x', 'c', NULL, 'd', true), jsonb_build_array(1, 'two', NULL, 2.5), jsonb_build_object(), jsonb_build_array()
---
            jsonb_build_object            |   jsonb_build_array   | jsonb_build_object | jsonb_build_array
------------------------------------------+-----------------------+--------------------+-------------------
 {"a": 1, "b": "x", "c": null, "d": true} | [1, "two", null, 2.5] | {}                 | []
(1 row)

> SELECT to_jsonb('text'::text), to_jsonb(42), to_jsonb(1.5), to_jsonb(true), to_jsonb(NULL::text), to_jsonb(date '2024-01-02'), to_jsonb(timestamp '2024-01-02 03:04:05')
---
 to_jsonb | to_jsonb | to_jsonb | to_jsonb | to_jsonb |   to_jsonb   |       to_jsonb
----------+----------+----------+----------+----------+--------------+-----------------------
 "text"   | 42       | 1.5      | true     | NULL     | "2024-01-02" | "2024-01-02T03:04:05"
(1 row)

> SELECT jsonb_set('{"a": 1, "b": [1, 2]}', '{b,0}', '"x"'), jsonb_set('{"a": 1}', '{c}', '3'), jsonb_set('{"a": 1}', '{c}', '3', false), jsonb_strip_nulls('{"a": null, "b": {"c": null, "d": 1}}')
---
        jsonb_set        |    jsonb_set     | jsonb_set | jsonb_strip_nulls
-------------------------+------------------+-----------+-------------------
 {"a": 1, "b": ["x", 2]} | {"a": 1, "c": 3} | {"a": 1}  | {"b": {"d": 1}}
(1 row)

> SELECT jsonb_extract_path('{"a": {"b": 1}}', 'a', 'b'), jsonb_extract_path_text('{"a": {"b": "x"}}', 'a', 'b')
---
 jsonb_extract_path | jsonb_extract_path_text
--------------------+-------------------------
 1                  | x
(1 row)

> SELECT jsonb_pretty('{"a": [1, {"b": 2}], "c": {}}')
---
    jsonb_pretty
--------------------
 {                 +
     "a": [        +
         1,        +
         {         +
             "b": 2+
         }         +
     ],            +
     "c": {        +
     }             +
 }
(1 row)

> CREATE TABLE docs (id int PRIMARY KEY, doc jsonb)
---
CREATE TABLE

> INSERT INTO docs VALUES (1, '{"name": "ada", "tags": ["x", "y"], "age": 36}'), (2, '{"name": "bob", "age": 7}'), (3, '[1, 2]'), (4, 'null'), (5, NULL), (6, '"just a string"'), (7, '{"name": "cy", "age": 36}')
---
INSERT 0 7

> SELECT id, doc ->> 'name' AS name, (doc ->> 'age')::int AS age FROM docs WHERE doc ? 'name' ORDER BY id
---
 id | name | age
----+------+-----
  1 | ada  |  36
  2 | bob  |   7
  7 | cy   |  36
(3 rows)

> SELECT id FROM docs WHERE doc @> '{"age": 36}' ORDER BY id
---
 id
----
  1
  7
(2 rows)

> SELECT id FROM docs WHERE doc -> 'tags' ? 'y'
---
 id
----
  1
(1 row)

> SELECT id, doc FROM docs ORDER BY doc, id
---
 id |                      doc
----+------------------------------------------------
  4 | null
  6 | "just a string"
  3 | [1, 2]
  2 | {"age": 7, "name": "bob"}
  7 | {"age": 36, "name": "cy"}
  1 | {"age": 36, "name": "ada", "tags": ["x", "y"]}
  5 | NULL
(7 rows)

> SELECT '1'::jsonb = '1.0'::jsonb, '{"a":1,"b":2}'::jsonb = '{"b":2,"a":1}'::jsonb, '[1,2]'::jsonb < '[1,3]'::jsonb, 'null'::jsonb < 'true'::jsonb
---
 ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------
 t        | t        | t        | t
(1 row)

> SELECT jsonb_agg(id ORDER BY id), jsonb_object_agg(id, doc ->> 'name') FROM docs WHERE doc ? 'name'
---
 jsonb_agg |          jsonb_object_agg
-----------+-------------------------------------
 [1, 2, 7] | {"1": "ada", "2": "bob", "7": "cy"}
(1 row)

> SELECT jsonb_agg(x) FROM (VALUES (1), (NULL), (3)) v(x)
---
  jsonb_agg
--------------
 [1, null, 3]
(1 row)

> SELECT (doc -> 'age')::numeric, (doc -> 'name')::text FROM docs WHERE id = 1
---
 numeric | text
---------+-------
      36 | "ada"
(1 row)

> SELECT '{"a": 1}'::jsonb::text, '1'::jsonb::int, 'true'::jsonb::boolean
---
   text   | int4 | bool
----------+------+------
 {"a": 1} |    1 | t
(1 row)

> SELECT '"x"'::jsonb::int
---
ERROR 22023: cannot cast jsonb string to type integer

> UPDATE docs SET doc = doc || '{"age": 37}' WHERE id = 1 RETURNING doc
---
                      doc
------------------------------------------------
 {"age": 37, "name": "ada", "tags": ["x", "y"]}
(1 row)
UPDATE 1

> UPDATE docs SET doc = jsonb_set(doc, '{tags,1}', '"z"') WHERE id = 1 RETURNING doc -> 'tags'
---
  ?column?
------------
 ["x", "z"]
(1 row)
UPDATE 1
