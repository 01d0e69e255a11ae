# Bulk data through the storage engine: thousands of rows inserted, updated
# and deleted in one table (enough to fill memtables and, on the file vfs,
# flush them to the heap), checked by aggregates before and after a restart;
# and a keyed table of a thousand rows. (Tables with a primary key are kept
# small: each insert checks uniqueness with a scan, so bulk inserts into
# them take quadratic time.)

> CREATE TABLE big (id int NOT NULL, grp int NOT NULL, payload text, amount numeric(12,2))
---
CREATE TABLE

> INSERT INTO big SELECT g, g % 10, repeat(md5(g::text), 4), g * 1.25 FROM generate_series(1, 6000) g
---
INSERT 0 6000

> SELECT count(*), sum(amount), min(id), max(id), count(DISTINCT grp), sum(length(payload)) FROM big
---
 count |     sum     | min | max  | count |  sum
-------+-------------+-----+------+-------+--------
  6000 | 22503750.00 |   1 | 6000 |    10 | 768000
(1 row)

> SELECT grp, count(*), sum(amount) FROM big GROUP BY grp ORDER BY grp
---
 grp | count |    sum
-----+-------+------------
   0 |   600 | 2253750.00
   1 |   600 | 2247000.00
   2 |   600 | 2247750.00
   3 |   600 | 2248500.00
   4 |   600 | 2249250.00
   5 |   600 | 2250000.00
   6 |   600 | 2250750.00
   7 |   600 | 2251500.00
   8 |   600 | 2252250.00
   9 |   600 | 2253000.00
(10 rows)

> UPDATE big SET amount = amount * 2, payload = upper(payload) WHERE id % 3 = 0
---
UPDATE 2000

> DELETE FROM big WHERE id % 5 = 0
---
DELETE 1200

> SELECT count(*), sum(amount), sum(length(payload)) FROM big
---
 count |     sum     |  sum
-------+-------------+--------
  4800 | 24000000.00 | 614400
(1 row)

> SELECT id, grp, left(payload, 12) AS head, amount FROM big WHERE id IN (1, 3, 5, 3000, 5999, 6000) ORDER BY id
---
  id  | grp |     head     | amount
------+-----+--------------+---------
    1 |   1 | c4ca4238a0b9 |    1.25
    3 |   3 | ECCBC87E4B5C |    7.50
 5999 |   9 | cca289d2a4ac | 7498.75
(3 rows)

> BEGIN
---
BEGIN

> INSERT INTO big SELECT g, -1, 'tx', 0 FROM generate_series(10001, 12000) g
---
INSERT 0 2000

> UPDATE big SET grp = -2 WHERE grp = 0
---
UPDATE 0

> SELECT count(*) FROM big WHERE grp < 0
---
 count
-------
  2000
(1 row)

> ROLLBACK
---
ROLLBACK

> SELECT count(*) FROM big WHERE grp < 0
---
 count
-------
     0
(1 row)

> INSERT INTO big VALUES (3, 0, NULL, 0.5)
---
INSERT 0 1

> INSERT INTO big SELECT g, 99, NULL, NULL FROM generate_series(6001, 7000) g
---
INSERT 0 1000

[restart]

> SELECT count(*), sum(amount), sum(length(payload)), count(payload), max(id) FROM big
---
 count |     sum     |  sum   | count | max
-------+-------------+--------+-------+------
  5801 | 24000000.50 | 614400 |  4800 | 7000
(1 row)

> SELECT grp, count(*) FROM big GROUP BY grp ORDER BY grp
---
 grp | count
-----+-------
   0 |     1
   1 |   600
   2 |   600
   3 |   600
   4 |   600
   6 |   600
   7 |   600
   8 |   600
   9 |   600
  99 |  1000
(10 rows)

> SELECT a.grp, count(*) FROM big a JOIN big b ON a.id = b.id + 1 WHERE a.grp = b.grp + 1 GROUP BY a.grp ORDER BY a.grp
---
 grp | count
-----+-------
   2 |   600
   3 |   600
   4 |   600
   7 |   600
   8 |   600
   9 |   600
(6 rows)

> DELETE FROM big WHERE grp = 99
---
DELETE 1000

> UPDATE big SET id = id + 100000 WHERE id <= 1000
---
UPDATE 801

[restart]

> SELECT count(*), min(id), max(id), sum(amount) FROM big
---
 count | min  |  max   |     sum
-------+------+--------+-------------
  4801 | 1001 | 100999 | 24000000.50
(1 row)

> TRUNCATE big
---
TRUNCATE TABLE

> SELECT count(*) FROM big
---
 count
-------
     0
(1 row)

[restart]

> SELECT count(*) FROM big
---
 count
-------
     0
(1 row)

> INSERT INTO big VALUES (1, 1, 'again', 1) RETURNING *
---
 id | grp | payload | amount
----+-----+---------+--------
  1 |   1 | again   |   1.00
(1 row)
INSERT 0 1

> CREATE TABLE keyed (id int PRIMARY KEY, v text)
---
CREATE TABLE

> INSERT INTO keyed SELECT g, md5(g::text) FROM generate_series(1, 1000) g
---
INSERT 0 1000

> INSERT INTO keyed VALUES (500, 'dup')
---
ERROR 23505: duplicate key value violates unique constraint "keyed_pkey"
DETAIL: Key (id)=(500) already exists.

> UPDATE keyed SET id = id + 1000 WHERE id % 2 = 0
---
UPDATE 500

> UPDATE keyed SET id = id + 1 WHERE id = 1999
---
UPDATE 0

[restart]

> SELECT count(*), min(id), max(id), count(DISTINCT v) FROM keyed
---
 count | min | max  | count
-------+-----+------+-------
  1000 |   1 | 2000 |  1000
(1 row)

> SELECT k.id, k.v FROM keyed k WHERE k.id IN (1, 2, 1002, 2000) ORDER BY k.id
---
  id  |                v
------+----------------------------------
    1 | c4ca4238a0b923820dcc509a6f75849b
 1002 | c81e728d9d4c2f636f067f89cc14862c
 2000 | a9b7ba70783b617e9998dc4dd82eb3c5
(3 rows)
