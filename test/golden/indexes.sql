# Indexes: primary keys, UNIQUE constraints and CREATE INDEX give the same
# answers as a scan would (the planner reads through them: see explain.sql),
# including after updates that move rows between keys, deletes, re-inserts
# and VACUUM; unique indexes refuse duplicates with PostgreSQL's messages.

> CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE, team int, score numeric(6,2), joined date)
---
CREATE TABLE

> INSERT INTO users SELECT g, 'u' || g || '@example.com', g % 5, (g * 7 % 100) / 4.0, DATE '2024-01-01' + g FROM generate_series(1, 200) g
---
INSERT 0 200

> CREATE INDEX users_team ON users (team)
---
CREATE INDEX

> CREATE INDEX ON users (score DESC, id)
---
CREATE INDEX

> SELECT id, email FROM users WHERE id = 42
---
 id |      email
----+-----------------
 42 | u42@example.com
(1 row)

> SELECT id FROM users WHERE email = 'u7@example.com'
---
 id
----
  7
(1 row)

> SELECT count(*) FROM users WHERE team = 3
---
 count
-------
    40
(1 row)

> SELECT id FROM users WHERE id BETWEEN 10 AND 14 ORDER BY id
---
 id
----
 10
 11
 12
 13
 14
(5 rows)

> SELECT id FROM users WHERE id > 195 ORDER BY id DESC
---
 id
-----
 200
 199
 198
 197
 196
(5 rows)

> SELECT id FROM users WHERE id < 3 OR id > 199 ORDER BY id
---
 id
-----
   1
   2
 200
(3 rows)

> SELECT id, score FROM users WHERE score = 24.75 ORDER BY id
---
 id  | score
-----+-------
  57 | 24.75
 157 | 24.75
(2 rows)

> SELECT id FROM users WHERE score = 24.750 AND id > 100
---
 id
-----
 157
(1 row)

> SELECT id FROM users WHERE score >= 24.5 ORDER BY score DESC, id
---
 id
-----
  57
 157
  14
 114
(4 rows)

> SELECT id FROM users WHERE joined = DATE '2024-01-11'
---
 id
----
 10
(1 row)

> SELECT id FROM users WHERE id = 2.5
---
 id
----
(0 rows)

> SELECT id FROM users WHERE id = 42::bigint
---
 id
----
 42
(1 row)

> SELECT id FROM users WHERE id = NULL
---
 id
----
(0 rows)

> SELECT id FROM users WHERE id = (SELECT max(id) FROM users WHERE id < 100)
---
 id
----
 99
(1 row)

> SELECT u.id, (SELECT count(*) FROM users v WHERE v.team = u.team AND v.id < u.id) AS before FROM users u WHERE u.id IN (5, 10) ORDER BY u.id
---
 id | before
----+--------
  5 |      0
 10 |      1
(2 rows)

> SELECT id FROM users WHERE id IN (3, 1, 2, 3, NULL, 500) ORDER BY id
---
 id
----
  1
  2
  3
(3 rows)

> SELECT count(*) FROM users WHERE team IN (1, 2) AND id < 50
---
 count
-------
    20
(1 row)

> SELECT id, team FROM users ORDER BY id DESC LIMIT 3
---
 id  | team
-----+------
 200 |    0
 199 |    4
 198 |    3
(3 rows)

> SELECT id FROM users WHERE team = 4 ORDER BY id DESC LIMIT 2
---
 id
-----
 199
 194
(2 rows)

> SELECT id, score FROM users ORDER BY score DESC, id LIMIT 4
---
 id  | score
-----+-------
  57 | 24.75
 157 | 24.75
  14 | 24.50
 114 | 24.50
(4 rows)

> SELECT id, score FROM users ORDER BY score, id DESC LIMIT 4
---
 id  | score
-----+-------
 200 |  0.00
 100 |  0.00
 143 |  0.25
  43 |  0.25
(4 rows)

> SELECT id FROM users WHERE id > 190 ORDER BY id LIMIT 3 OFFSET 2
---
 id
-----
 193
 194
 195
(3 rows)

# Uniqueness, with PostgreSQL's messages.

> INSERT INTO users (id, email) VALUES (42, 'new@example.com')
---
ERROR 23505: duplicate key value violates unique constraint "users_pkey"
DETAIL: Key (id)=(42) already exists.

> INSERT INTO users (id, email) VALUES (201, 'u42@example.com')
---
ERROR 23505: duplicate key value violates unique constraint "users_email_key"
DETAIL: Key (email)=(u42@example.com) already exists.

> UPDATE users SET email = 'u1@example.com' WHERE id = 2
---
ERROR 23505: duplicate key value violates unique constraint "users_email_key"
DETAIL: Key (email)=(u1@example.com) already exists.

> INSERT INTO users (id, email) VALUES (201, NULL), (202, NULL)
---
INSERT 0 2

> SELECT count(*) FROM users WHERE email IS NULL
---
 count
-------
     2
(1 row)

# Rows that move between keys are found under the new key only.

> UPDATE users SET team = 9 WHERE id IN (1, 2, 3)
---
UPDATE 3

> SELECT id FROM users WHERE team = 9 ORDER BY id
---
 id
----
  1
  2
  3
(3 rows)

> SELECT count(*) FROM users WHERE team = 1
---
 count
-------
    39
(1 row)

> UPDATE users SET id = id + 1000 WHERE id > 198
---
UPDATE 4

> SELECT id FROM users WHERE id > 198 ORDER BY id
---
  id
------
 1199
 1200
 1201
 1202
(4 rows)

> SELECT id FROM users WHERE id = 199
---
 id
----
(0 rows)

> DELETE FROM users WHERE team = 9
---
DELETE 3

> INSERT INTO users (id, email, team) VALUES (1, 'again@example.com', 9)
---
INSERT 0 1

> VACUUM
---
VACUUM

> SELECT id, email FROM users WHERE team = 9
---
 id |       email
----+-------------------
  1 | again@example.com
(1 row)

> SELECT count(*) FROM users WHERE id < 100
---
 count
-------
    97
(1 row)

# ON CONFLICT finds the conflicting row through the unique index.

> INSERT INTO users (id, email, team) VALUES (5, 'x@example.com', 0) ON CONFLICT (id) DO UPDATE SET team = 7 RETURNING id, team
---
 id | team
----+------
  5 |    7
(1 row)
INSERT 0 1

> INSERT INTO users (id, email) VALUES (300, 'u6@example.com') ON CONFLICT (email) DO NOTHING
---
INSERT 0 0

# A unique index over existing duplicates cannot be built.

> CREATE TABLE dup (a int)
---
CREATE TABLE

> INSERT INTO dup VALUES (1), (2), (3), (2)
---
INSERT 0 4

> CREATE UNIQUE INDEX dup_a_key ON dup (a)
---
ERROR 23505: could not create unique index "dup_a_key"
DETAIL: Key (a)=(2) is duplicated.

> DROP INDEX users_team
---
DROP INDEX

> SELECT count(*) FROM users WHERE team = 2
---
 count
-------
    39
(1 row)

# Composite keys, text keys and a column added after the rows.

> CREATE TABLE events (tenant text, seq bigint, kind text, PRIMARY KEY (tenant, seq))
---
CREATE TABLE

> INSERT INTO events SELECT CASE WHEN g % 3 = 0 THEN 'acme' WHEN g % 3 = 1 THEN 'globex' ELSE 'initech' END, g, 'k' || (g % 4) FROM generate_series(1, 60) g
---
INSERT 0 60

> SELECT seq FROM events WHERE tenant = 'globex' AND seq > 50 ORDER BY seq
---
 seq
-----
  52
  55
  58
(3 rows)

> SELECT count(*) FROM events WHERE tenant = 'acme'
---
 count
-------
    20
(1 row)

> ALTER TABLE events ADD COLUMN region text DEFAULT 'eu'
---
ALTER TABLE

> CREATE INDEX events_region ON events (region)
---
CREATE INDEX

> INSERT INTO events VALUES ('acme', 100, 'k0', 'us')
---
INSERT 0 1

> SELECT count(*) FROM events WHERE region = 'eu'
---
 count
-------
    60
(1 row)

> SELECT tenant, seq FROM events WHERE region = 'us'
---
 tenant | seq
--------+-----
 acme   | 100
(1 row)

> SELECT count(*) FROM events e WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = e.seq AND u.team = 1)
---
 count
-------
    11
(1 row)

> ALTER TABLE events DROP COLUMN region
---
ALTER TABLE

> SELECT count(*) FROM events WHERE tenant = 'initech' AND seq < 10
---
 count
-------
     3
(1 row)

# Other key types.

> CREATE TABLE things (id uuid PRIMARY KEY, at timestamptz, price numeric, f float8)
---
CREATE TABLE

> CREATE INDEX things_at ON things (at)
---
CREATE INDEX

> CREATE INDEX things_price ON things (price)
---
CREATE INDEX

> CREATE INDEX things_f ON things (f)
---
CREATE INDEX

> INSERT INTO things VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2024-05-01 10:00+00', 1.50, -0.0), ('b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2024-05-02 10:00+00', 1.5, 'NaN'), ('c0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2024-05-03 10:00+00', 10, 'Infinity')
---
INSERT 0 3

> SELECT id FROM things WHERE id = 'B0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'
---
                  id
--------------------------------------
 b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11
(1 row)

> SELECT count(*) FROM things WHERE price = 1.5
---
 count
-------
     2
(1 row)

> SELECT price FROM things WHERE price > 1.5
---
 price
-------
    10
(1 row)

> SELECT count(*) FROM things WHERE at >= '2024-05-02'
---
 count
-------
     2
(1 row)

> SELECT f FROM things WHERE f = 0
---
 f
---
 0
(1 row)

> SELECT f FROM things WHERE f > 1e308 ORDER BY f
---
    f
----------
 Infinity
      NaN
(2 rows)

# Hash indexes answer equality, whatever the key's length.

> CREATE TABLE pages (id int PRIMARY KEY, url text)
---
CREATE TABLE

> CREATE INDEX pages_url ON pages USING HASH (url)
---
CREATE INDEX

> INSERT INTO pages SELECT g, 'https://example.com/' || repeat('p', g * 40) || '/' || g FROM generate_series(1, 60) g
---
INSERT 0 60

> SELECT id FROM pages WHERE url = 'https://example.com/' || repeat('p', 2000) || '/50'
---
 id
----
 50
(1 row)

> SELECT count(*) FROM pages WHERE url IN ('https://example.com/' || repeat('p', 40) || '/1', 'https://example.com/pp/2', 'nope')
---
 count
-------
     1
(1 row)

> UPDATE pages SET url = 'short' WHERE id = 7
---
UPDATE 1

> SELECT id FROM pages WHERE url = 'short'
---
 id
----
  7
(1 row)

> SELECT count(*) FROM pages WHERE url > 'https://example.com/pppp'
---
 count
-------
    60
(1 row)

# The same answers without index scans.

> SET enable_indexscan = off
---
SET

> SELECT id, team FROM users ORDER BY id DESC LIMIT 3
---
  id  | team
------+------
 1202 | NULL
 1201 | NULL
 1200 |    0
(3 rows)

> SELECT id FROM users WHERE id IN (3, 1, 2, 3, NULL, 500) ORDER BY id
---
 id
----
  1
(1 row)

> SELECT count(*) FROM users WHERE team = 9
---
 count
-------
     1
(1 row)

> SET enable_indexscan = on
---
SET

# pg-check: off

# Flint's own limits, with their SQLSTATEs.

> CREATE TABLE docs (id int PRIMARY KEY, body jsonb)
---
CREATE TABLE

> CREATE INDEX ON docs (body)
---
ERROR 0A000: indexes on columns of type jsonb are not supported yet

> CREATE UNIQUE INDEX ON docs USING HASH (id)
---
ERROR 0A000: access method "hash" does not support unique indexes

> CREATE INDEX ON docs USING HASH (id, body)
---
ERROR 0A000: access method "hash" does not support multicolumn indexes

> CREATE INDEX ON docs USING gist (id)
---
ERROR 42704: access method "gist" does not exist

> CREATE TABLE big (id int PRIMARY KEY, t text)
---
CREATE TABLE

> CREATE INDEX ON big (t)
---
CREATE INDEX

> INSERT INTO big VALUES (1, repeat('x', 2000))
---
ERROR 54000: index row size 2003 exceeds the maximum 1024 for index "big_t_idx"

> SELECT count(*) FROM big
---
 count
-------
     0
(1 row)

> ALTER TABLE users DROP CONSTRAINT users_pkey
---
ERROR 0A000: dropping or changing the primary key "users_pkey" of table "users", which holds rows, is not supported yet

> CREATE TABLE fresh (a int, b int)
---
CREATE TABLE

> ALTER TABLE fresh ADD PRIMARY KEY (a)
---
ALTER TABLE

> INSERT INTO fresh VALUES (1, 1), (2, 2)
---
INSERT 0 2

> INSERT INTO fresh VALUES (1, 3)
---
ERROR 23505: duplicate key value violates unique constraint "fresh_pkey"
DETAIL: Key (a)=(1) already exists.
