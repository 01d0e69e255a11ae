# Write skew — ALLOWED under snapshot isolation. Two transactions read an
# overlapping set of rows, each checks a constraint that spans them, and
# each updates a different row. Neither writes a row the other wrote, so
# there is no write-write conflict, both commit, and the invariant breaks.
# SERIALIZABLE (PostgreSQL's SSI; Flint's goal beyond SI) would abort one of
# them with 40001; under snapshot isolation, as here, both succeed.
#
# The classic example: at least one doctor must stay on call. Alice and Bob
# are both on call and both ask to go off call at the same time.

> CREATE TABLE doctors (name text PRIMARY KEY, on_call boolean NOT NULL)
---
CREATE TABLE

> INSERT INTO doctors VALUES ('alice', true), ('bob', true)
---
INSERT 0 2

[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s2] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

# Each checks that someone else would still be on call...
[s1] > SELECT count(*) FROM doctors WHERE on_call
---
 count
-------
     2
(1 row)

[s2] > SELECT count(*) FROM doctors WHERE on_call
---
 count
-------
     2
(1 row)

# ...and goes off call.
[s1] > UPDATE doctors SET on_call = false WHERE name = 'alice'
---
UPDATE 1

[s2] > UPDATE doctors SET on_call = false WHERE name = 'bob'
---
UPDATE 1

[s1] > COMMIT
---
COMMIT

[s2] > COMMIT
---
COMMIT

# Nobody is on call: the invariant both transactions checked is broken.
> SELECT * FROM doctors ORDER BY name
---
 name  | on_call
-------+---------
 alice | f
 bob   | f
(2 rows)

# The same skew with inserts: two transactions each insert a row into a set
# whose size they checked (at most one reservation per room and day).
> CREATE TABLE booking (id int PRIMARY KEY, room int, day date)
---
CREATE TABLE

[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s2] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > SELECT count(*) FROM booking WHERE room = 1 AND day = '2024-06-01'
---
 count
-------
     0
(1 row)

[s2] > SELECT count(*) FROM booking WHERE room = 1 AND day = '2024-06-01'
---
 count
-------
     0
(1 row)

[s1] > INSERT INTO booking VALUES (1, 1, '2024-06-01')
---
INSERT 0 1

[s2] > INSERT INTO booking VALUES (2, 1, '2024-06-01')
---
INSERT 0 1

[s1] > COMMIT
---
COMMIT

[s2] > COMMIT
---
COMMIT

> SELECT room, day, count(*) FROM booking GROUP BY room, day
---
 room |    day     | count
------+------------+-------
    1 | 2024-06-01 |     2
(1 row)

# Materialising the conflict turns the skew into a write-write conflict that
# snapshot isolation does catch: both transactions update one shared row.
> CREATE TABLE room_day (room int, day date, taken int, PRIMARY KEY (room, day))
---
CREATE TABLE

> INSERT INTO room_day VALUES (2, '2024-06-01', 0)
---
INSERT 0 1

[s1] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s2] > BEGIN ISOLATION LEVEL REPEATABLE READ
---
BEGIN

[s1] > SELECT taken FROM room_day WHERE room = 2
---
 taken
-------
     0
(1 row)

[s2] > SELECT taken FROM room_day WHERE room = 2
---
 taken
-------
     0
(1 row)

[s1] > UPDATE room_day SET taken = taken + 1 WHERE room = 2 AND taken = 0
---
UPDATE 1

[s1] > INSERT INTO booking VALUES (3, 2, '2024-06-01')
---
INSERT 0 1

[s1] > COMMIT
---
COMMIT

[s2] > UPDATE room_day SET taken = taken + 1 WHERE room = 2 AND taken = 0
---
ERROR 40001: could not serialize access due to concurrent update

[s2] > ROLLBACK
---
ROLLBACK

> SELECT count(*) FROM booking WHERE room = 2
---
 count
-------
     1
(1 row)
