# UUID: accepted input forms (upper case, braces, no hyphens), canonical
# lower-case output, byte-order comparison, invalid input (22P02).

> SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid, '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}'::uuid, 'a0eebc999c0b4ef8bb6d6bb9bd380a11'::uuid
---
                 uuid                 |                 uuid                 |                 uuid                 |                 uuid
--------------------------------------+--------------------------------------+--------------------------------------+--------------------------------------
 a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 | a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 | a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 | a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11
(1 row)

> SELECT 'a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11'::uuid
---
                 uuid
--------------------------------------
 a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11
(1 row)

> SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1'::uuid
---
ERROR 22P02: invalid input syntax for type uuid: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1"

> SELECT 'not-a-uuid'::uuid
---
ERROR 22P02: invalid input syntax for type uuid: "not-a-uuid"

> CREATE TABLE ids (id uuid PRIMARY KEY, n int)
---
CREATE TABLE

> INSERT INTO ids VALUES ('00000000-0000-0000-0000-000000000002', 2), ('00000000-0000-0000-0000-000000000001', 1), ('ffffffff-ffff-ffff-ffff-ffffffffffff', 3), ('10000000-0000-0000-0000-000000000000', 4)
---
INSERT 0 4

> SELECT * FROM ids ORDER BY id
---
                  id                  | n
--------------------------------------+---
 00000000-0000-0000-0000-000000000001 | 1
 00000000-0000-0000-0000-000000000002 | 2
 10000000-0000-0000-0000-000000000000 | 4
 ffffffff-ffff-ffff-ffff-ffffffffffff | 3
(4 rows)

> INSERT INTO ids VALUES ('00000000-0000-0000-0000-000000000001', 5)
---
ERROR 23505: duplicate key value violates unique constraint "ids_pkey"
DETAIL: Key (id)=(00000000-0000-0000-0000-000000000001) already exists.

> SELECT n FROM ids WHERE id = '{00000000-0000-0000-0000-000000000002}'
---
 n
---
 2
(1 row)

> SELECT n FROM ids WHERE id > '0fffffff-ffff-ffff-ffff-ffffffffffff' ORDER BY n
---
 n
---
 3
 4
(2 rows)

> SELECT '00000000-0000-0000-0000-000000000001'::uuid < '00000000-0000-0000-0000-000000000002'::uuid, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid::text
---
 ?column? |                 text
----------+--------------------------------------
 t        | a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11
(1 row)

> SELECT length(gen_random_uuid()::text), gen_random_uuid() = gen_random_uuid()
---
 length | ?column?
--------+----------
     36 | f
(1 row)

> SELECT min(id), max(id), count(DISTINCT id) FROM ids
---
ERROR 42883: function min(uuid) does not exist
