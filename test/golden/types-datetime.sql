# DATE, TIMESTAMP, TIMESTAMPTZ (session time zone UTC), INTERVAL: input
# forms, ISO output, infinity, BC dates, field range errors (22008 / 22007),
# arithmetic between them, extract/date_part/date_trunc, age, justify_*,
# make_*, to_timestamp, comparisons and ordering.

> SELECT '2024-02-29'::date, 'Feb 29, 2024'::date, '20240229'::date, '2024/02/29'::date, '1/2/2024'::date
---
    date    |    date    |    date    |    date    |    date
------------+------------+------------+------------+------------
 2024-02-29 | 2024-02-29 | 2024-02-29 | 2024-02-29 | 2024-01-02
(1 row)

> SELECT '2023-02-29'::date
---
ERROR 22008: date/time field value out of range: "2023-02-29"

> SELECT '2024-13-01'::date
---
ERROR 22008: date/time field value out of range: "2024-13-01"

> SELECT 'not a date'::date
---
ERROR 22007: invalid input syntax for type date: "not a date"

> SELECT 'infinity'::date, '-infinity'::date, '0044-03-15 BC'::date, '0001-01-01'::date - 1
---
   date   |   date    |     date      |   ?column?
----------+-----------+---------------+---------------
 infinity | -infinity | 0044-03-15 BC | 0001-12-31 BC
(1 row)

> SELECT '2024-01-31'::date + 1, '2024-03-01'::date - 1, '2024-03-01'::date - '2024-02-01'::date, '2024-01-01'::date + 366
---
  ?column?  |  ?column?  | ?column? |  ?column?
------------+------------+----------+------------
 2024-02-01 | 2024-02-29 |       29 | 2025-01-01
(1 row)

> SELECT '2024-05-06 07:08:09'::timestamp, '2024-05-06T07:08:09.123456'::timestamp, '2024-05-06 07:08:09.1234567'::timestamp, '2024-05-06'::timestamp
---
      timestamp      |         timestamp          |         timestamp          |      timestamp
---------------------+----------------------------+----------------------------+---------------------
 2024-05-06 07:08:09 | 2024-05-06 07:08:09.123456 | 2024-05-06 07:08:09.123457 | 2024-05-06 00:00:00
(1 row)

> SELECT '2024-05-06 07:08:09+02'::timestamptz, '2024-05-06 07:08:09-05:30'::timestamptz, '2024-05-06 07:08:09 UTC'::timestamptz, '2024-05-06 07:08:09Z'::timestamptz
---
      timestamptz       |      timestamptz       |      timestamptz       |      timestamptz
------------------------+------------------------+------------------------+------------------------
 2024-05-06 05:08:09+00 | 2024-05-06 12:38:09+00 | 2024-05-06 07:08:09+00 | 2024-05-06 07:08:09+00
(1 row)

> SELECT '2024-05-06 07:08:09+02'::timestamp
---
      timestamp
---------------------
 2024-05-06 07:08:09
(1 row)

> SELECT '2024-05-06 24:00:00'::timestamp, '2024-05-06 23:59:60'::timestamp
---
      timestamp      |      timestamp
---------------------+---------------------
 2024-05-07 00:00:00 | 2024-05-07 00:00:00
(1 row)

> SELECT '2024-05-06 25:00:00'::timestamp
---
ERROR 22008: date/time field value out of range: "2024-05-06 25:00:00"

> SELECT 'infinity'::timestamp, '-infinity'::timestamptz, 'infinity'::timestamp > '9999-12-31'::timestamp
---
 timestamp | timestamptz | ?column?
-----------+-------------+----------
 infinity  | -infinity   | t
(1 row)

> SELECT '2024-05-06 07:08:09'::timestamp::date, '2024-05-06'::date::timestamp, '2024-05-06 07:08:09'::timestamp::timestamptz, '2024-05-06 07:08:09+03'::timestamptz::timestamp
---
    date    |      timestamp      |      timestamptz       |      timestamp
------------+---------------------+------------------------+---------------------
 2024-05-06 | 2024-05-06 00:00:00 | 2024-05-06 07:08:09+00 | 2024-05-06 04:08:09
(1 row)

> SELECT '2024-05-06 07:08:09'::timestamp + interval '1 day 2 hours', '2024-05-06 07:08:09'::timestamp - interval '10 minutes', '2024-05-06 07:08:09'::timestamp - '2024-05-01 00:00:00'::timestamp
---
      ?column?       |      ?column?       |    ?column?
---------------------+---------------------+-----------------
 2024-05-07 09:08:09 | 2024-05-06 06:58:09 | 5 days 07:08:09
(1 row)

> SELECT '2024-01-31 00:00'::timestamp + interval '1 month', '2024-03-31 00:00'::timestamp - interval '1 month', '2023-01-31'::timestamp + interval '1 month 1 day'
---
      ?column?       |      ?column?       |      ?column?
---------------------+---------------------+---------------------
 2024-02-29 00:00:00 | 2024-02-29 00:00:00 | 2023-03-01 00:00:00
(1 row)

> SELECT interval '1 day', interval '1 year 2 months 3 days 04:05:06.5', interval '-1 day +2 hours', interval '90 minutes', interval '1.5 days', interval 'P1Y2M3DT4H5M6S'
---
 interval |            interval             |     interval      | interval |    interval    |           interval
----------+---------------------------------+-------------------+----------+----------------+-------------------------------
 1 day    | 1 year 2 mons 3 days 04:05:06.5 | -1 days +02:00:00 | 01:30:00 | 1 day 12:00:00 | 1 year 2 mons 3 days 04:05:06
(1 row)

> SELECT interval '1 day' * 3, interval '1 hour' / 4, interval '1 month' * 1.5, -interval '1 day', interval '1 day' + interval '1 hour', interval '2 days' - interval '1 day 1 hour'
---
 ?column? | ?column? |   ?column?    | ?column? |    ?column?    |    ?column?
----------+----------+---------------+----------+----------------+-----------------
 3 days   | 00:15:00 | 1 mon 15 days | -1 days  | 1 day 01:00:00 | 1 day -01:00:00
(1 row)

> SELECT interval '24 hours' = interval '1 day', interval '30 days' = interval '1 month', interval '1 day' < interval '25 hours', interval '1 year' > interval '360 days'
---
 ?column? | ?column? | ?column? | ?column?
----------+----------+----------+----------
 t        | t        | t        | f
(1 row)

> SELECT '1 fortnight'::interval
---
ERROR 22007: invalid input syntax for type interval: "1 fortnight"

> SELECT interval '1 day' / 0
---
ERROR 22012: division by zero

> SELECT extract(year FROM date '2024-05-06'), extract(month FROM timestamp '2024-05-06 07:08:09'), extract(day FROM timestamp '2024-05-06 07:08:09'), extract(hour FROM timestamp '2024-05-06 07:08:09'), extract(second FROM timestamp '2024-05-06 07:08:09.5')
---
 extract | extract | extract | extract | extract
---------+---------+---------+---------+----------
    2024 |       5 |       6 |       7 | 9.500000
(1 row)

> SELECT extract(dow FROM date '2024-05-06'), extract(isodow FROM date '2024-05-05'), extract(doy FROM date '2024-12-31'), extract(week FROM date '2024-01-01'), extract(quarter FROM date '2024-05-06'), extract(epoch FROM timestamp '2024-01-01 00:00:00')
---
 extract | extract | extract | extract | extract |      extract
---------+---------+---------+---------+---------+-------------------
       1 |       7 |     366 |       1 |       2 | 1704067200.000000
(1 row)

> SELECT extract(epoch FROM interval '1 day 1 hour'), extract(day FROM interval '40 days'), extract(month FROM interval '14 months'), extract(century FROM date '2024-01-01'), extract(millennium FROM date '2000-12-31'), extract(decade FROM date '2024-01-01')
---
   extract    | extract | extract | extract | extract | extract
--------------+---------+---------+---------+---------+---------
 90000.000000 |      40 |       2 |      21 |       2 |     202
(1 row)

> SELECT date_part('year', timestamp '2024-05-06 07:08:09'), date_part('minute', timestamp '2024-05-06 07:08:09'), date_part('epoch', timestamptz '1970-01-02 00:00:00+00')
---
 date_part | date_part | date_part
-----------+-----------+-----------
      2024 |         8 |     86400
(1 row)

> SELECT date_trunc('month', timestamp '2024-05-06 07:08:09'), date_trunc('hour', timestamp '2024-05-06 07:08:09'), date_trunc('year', timestamptz '2024-05-06 07:08:09+00'), date_trunc('week', timestamp '2024-05-08 10:00'), date_trunc('day', interval '1 day 5 hours')
---
     date_trunc      |     date_trunc      |       date_trunc       |     date_trunc      | date_trunc
---------------------+---------------------+------------------------+---------------------+------------
 2024-05-01 00:00:00 | 2024-05-06 07:00:00 | 2024-01-01 00:00:00+00 | 2024-05-06 00:00:00 | 1 day
(1 row)

> SELECT extract(foo FROM date '2024-01-01')
---
ERROR 22023: unit "foo" not recognized for type date

> SELECT age(timestamp '2024-05-06', timestamp '2020-02-29'), age(timestamp '2024-01-01 10:00', timestamp '2024-01-02 12:30'), age(date '2024-03-31', date '2024-02-29')
---
          age          |        age        |     age
-----------------------+-------------------+--------------
 4 years 2 mons 6 days | -1 days -02:30:00 | 1 mon 2 days
(1 row)

> SELECT justify_days(interval '35 days'), justify_hours(interval '27 hours'), justify_interval(interval '1 month -1 hour'), justify_interval(interval '-35 days 25 hours')
---
 justify_days | justify_hours  | justify_interval |     justify_interval
--------------+----------------+------------------+---------------------------
 1 mon 5 days | 1 day 03:00:00 | 29 days 23:00:00 | -1 mons -3 days -23:00:00
(1 row)

> SELECT '2024-01-31'::date + interval '1 month', '2024-01-31'::date - interval '1 day'
---
      ?column?       |      ?column?
---------------------+---------------------
 2024-02-29 00:00:00 | 2024-01-30 00:00:00
(1 row)

> SELECT make_date(2024, 2, 29), make_timestamp(2024, 5, 6, 7, 8, 9.5), make_timestamptz(2024, 5, 6, 7, 8, 9), make_interval(0, 0, 0, 1, 2, 3, 4.5)
---
 make_date  |    make_timestamp     |    make_timestamptz    |  make_interval
------------+-----------------------+------------------------+------------------
 2024-02-29 | 2024-05-06 07:08:09.5 | 2024-05-06 07:08:09+00 | 1 day 02:03:04.5
(1 row)

> SELECT make_date(2023, 2, 29)
---
ERROR 22008: date field value out of range: 2023-02-29

> SELECT to_timestamp(0), to_timestamp(1700000000.5), isfinite(date '2024-01-01'), isfinite('infinity'::timestamp)
---
      to_timestamp      |       to_timestamp       | isfinite | isfinite
------------------------+--------------------------+----------+----------
 1970-01-01 00:00:00+00 | 2023-11-14 22:13:20.5+00 | t        | f
(1 row)

> CREATE TABLE events (id int PRIMARY KEY, d date, ts timestamp, tz timestamptz, dur interval)
---
CREATE TABLE

> INSERT INTO events VALUES
>   (1, '2024-01-15', '2024-01-15 10:00:00', '2024-01-15 10:00:00+00', '1 hour'),
>   (2, '2023-12-31', '2023-12-31 23:59:59.999999', '2024-01-01 01:00:00+02', '1 day'),
>   (3, 'infinity', 'infinity', 'infinity', '-1 day'),
>   (4, '-infinity', '-infinity', '-infinity', '1 mon'),
>   (5, NULL, NULL, NULL, NULL),
>   (6, '1999-01-08', '1999-01-08 04:05:06', '1999-01-08 04:05:06-08', '30 days')
---
INSERT 0 6

> SELECT * FROM events ORDER BY d, id
---
 id |     d      |             ts             |           tz           |   dur
----+------------+----------------------------+------------------------+----------
  4 | -infinity  | -infinity                  | -infinity              | 1 mon
  6 | 1999-01-08 | 1999-01-08 04:05:06        | 1999-01-08 12:05:06+00 | 30 days
  2 | 2023-12-31 | 2023-12-31 23:59:59.999999 | 2023-12-31 23:00:00+00 | 1 day
  1 | 2024-01-15 | 2024-01-15 10:00:00        | 2024-01-15 10:00:00+00 | 01:00:00
  3 | infinity   | infinity                   | infinity               | -1 days
  5 | NULL       | NULL                       | NULL                   | NULL
(6 rows)

> SELECT * FROM events ORDER BY ts DESC, id
---
 id |     d      |             ts             |           tz           |   dur
----+------------+----------------------------+------------------------+----------
  5 | NULL       | NULL                       | NULL                   | NULL
  3 | infinity   | infinity                   | infinity               | -1 days
  1 | 2024-01-15 | 2024-01-15 10:00:00        | 2024-01-15 10:00:00+00 | 01:00:00
  2 | 2023-12-31 | 2023-12-31 23:59:59.999999 | 2023-12-31 23:00:00+00 | 1 day
  6 | 1999-01-08 | 1999-01-08 04:05:06        | 1999-01-08 12:05:06+00 | 30 days
  4 | -infinity  | -infinity                  | -infinity              | 1 mon
(6 rows)

> SELECT id, dur FROM events ORDER BY dur, id
---
 id |   dur
----+----------
  3 | -1 days
  1 | 01:00:00
  2 | 1 day
  4 | 1 mon
  6 | 30 days
  5 | NULL
(6 rows)

> SELECT id FROM events WHERE d BETWEEN '2023-01-01' AND '2024-12-31' ORDER BY id
---
 id
----
  1
  2
(2 rows)

> SELECT id, tz FROM events WHERE tz < '2024-01-01 00:00:00+00' ORDER BY id
---
 id |           tz
----+------------------------
  2 | 2023-12-31 23:00:00+00
  4 | -infinity
  6 | 1999-01-08 12:05:06+00
(3 rows)

> SELECT id, ts + dur FROM events WHERE id IN (1, 2, 6) ORDER BY id
---
 id |          ?column?
----+----------------------------
  1 | 2024-01-15 11:00:00
  2 | 2024-01-01 23:59:59.999999
  6 | 1999-02-07 04:05:06
(3 rows)

> SELECT min(d), max(d), min(ts), max(tz), min(dur), max(dur) FROM events WHERE id IN (1, 2, 6)
---
    min     |    max     |         min         |          max           |   min    |   max
------------+------------+---------------------+------------------------+----------+---------
 1999-01-08 | 2024-01-15 | 1999-01-08 04:05:06 | 2024-01-15 10:00:00+00 | 01:00:00 | 30 days
(1 row)

> SELECT sum(dur), avg(dur) FROM events WHERE id IN (1, 2, 6)
---
       sum        |       avg
------------------+------------------
 31 days 01:00:00 | 10 days 08:20:00
(1 row)

> SELECT date '2024-01-01' = timestamp '2024-01-01 00:00', date '2024-01-01' < timestamp '2024-01-01 00:00:01', timestamp '2024-01-01' = timestamptz '2024-01-01 00:00+00'
---
 ?column? | ?column? | ?column?
----------+----------+----------
 t        | t        | t
(1 row)

> SELECT '2024-01-01'::date::text, '2024-01-01 10:00'::timestamp::text, interval '1 day'::text, '2024-01-01 10:00+00'::timestamptz::text
---
    text    |        text         | text  |          text
------------+---------------------+-------+------------------------
 2024-01-01 | 2024-01-01 10:00:00 | 1 day | 2024-01-01 10:00:00+00
(1 row)

> SELECT '294277-01-01'::timestamp
---
ERROR 22008: timestamp out of range: "294277-01-01"

> SELECT date '5874898-01-01'
---
ERROR 22008: date out of range: "5874898-01-01"

> SELECT timestamp '2024-01-01 10:00' - date '2024-01-01', date '2024-01-02' - timestamp '2024-01-01 12:00'
---
 ?column? | ?column?
----------+----------
 10:00:00 | 12:00:00
(1 row)

> SELECT interval '1 day 1 hour' * 0.5, interval '1 month' / 3, interval '10 days' / 3
---
 ?column? | ?column? |    ?column?
----------+----------+-----------------
 12:30:00 | 10 days  | 3 days 08:00:00
(1 row)
