# generate_series in FROM over integers, numeric and timestamps, as
# PostgreSQL resolves and runs it.

> SELECT * FROM generate_series(1, 3)
---
 generate_series
-----------------
               1
               2
               3
(3 rows)

> SELECT * FROM generate_series(5, 1, -2)
---
 generate_series
-----------------
               5
               3
               1
(3 rows)

> SELECT * FROM generate_series(1, 0)
---
 generate_series
-----------------
(0 rows)

> SELECT * FROM generate_series(9223372036854775806, 9223372036854775807)
---
   generate_series
---------------------
 9223372036854775806
 9223372036854775807
(2 rows)

> SELECT * FROM generate_series(1.5, 3.5, 0.5)
---
 generate_series
-----------------
             1.5
             2.0
             2.5
             3.0
             3.5
(5 rows)

> SELECT * FROM generate_series(1, 2.25, 0.5)
---
 generate_series
-----------------
               1
             1.5
             2.0
(3 rows)

> SELECT * FROM generate_series(3.0, 1, -0.75)
---
 generate_series
-----------------
             3.0
            2.25
            1.50
(3 rows)

> SELECT * FROM generate_series(1, 2, 0.0)
---
ERROR 22023: step size cannot equal zero

> SELECT * FROM generate_series(timestamp '2024-01-01', timestamp '2024-01-03', interval '1 day')
---
   generate_series
---------------------
 2024-01-01 00:00:00
 2024-01-02 00:00:00
 2024-01-03 00:00:00
(3 rows)

> SELECT * FROM generate_series(timestamp '2024-01-31', timestamp '2024-05-01', interval '1 month')
---
   generate_series
---------------------
 2024-01-31 00:00:00
 2024-02-29 00:00:00
 2024-03-29 00:00:00
 2024-04-29 00:00:00
(4 rows)

> SELECT * FROM generate_series(timestamptz '2024-03-01 00:00+00', timestamptz '2024-02-28 12:00+00', interval '-18 hours')
---
    generate_series
------------------------
 2024-03-01 00:00:00+00
 2024-02-29 06:00:00+00
 2024-02-28 12:00:00+00
(3 rows)

> SELECT g::date FROM generate_series(date '2024-02-27', date '2024-03-02', interval '1 day') g
---
     g
------------
 2024-02-27
 2024-02-28
 2024-02-29
 2024-03-01
 2024-03-02
(5 rows)

> SELECT * FROM generate_series(timestamp '2024-01-01', timestamp '2024-01-02', interval '0 days')
---
ERROR 22023: step size cannot equal zero

> SELECT count(*) FROM generate_series(timestamp '2024-01-01', timestamp '2024-12-31', '1 week')
---
 count
-------
    53
(1 row)

> SELECT * FROM generate_series('a', 'b')
---
ERROR 42725: function generate_series(unknown, unknown) is not unique
