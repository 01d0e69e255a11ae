# The session time zone: SET TIME ZONE takes UTC aliases, IANA names and
# POSIX offsets; timestamptz values print and parse in it, and date/time
# functions work in it (daylight saving included).

> SHOW TimeZone
---
 TimeZone
----------
 UTC
(1 row)

> SELECT timestamptz '2024-07-01 12:00:00+00'
---
      timestamptz
------------------------
 2024-07-01 12:00:00+00
(1 row)

> SET TIME ZONE 'Europe/Berlin'
---
SET

> SHOW timezone
---
   TimeZone
---------------
 Europe/Berlin
(1 row)

> SELECT timestamptz '2024-07-01 12:00:00+00', timestamptz '2024-01-01 12:00:00+00'
---
      timestamptz       |      timestamptz
------------------------+------------------------
 2024-07-01 14:00:00+02 | 2024-01-01 13:00:00+01
(1 row)

> SELECT timestamptz '2024-03-31 02:30:00'
---
      timestamptz
------------------------
 2024-03-31 03:30:00+02
(1 row)

> SELECT '2024-03-30 12:00'::timestamptz + interval '1 day'
---
        ?column?
------------------------
 2024-03-31 12:00:00+02
(1 row)

> SELECT date_trunc('day', timestamptz '2024-07-01 23:30:00+00')
---
       date_trunc
------------------------
 2024-07-02 00:00:00+02
(1 row)

> SELECT extract(hour FROM timestamptz '2024-07-01 12:00:00+00'), extract(timezone FROM timestamptz '2024-07-01 12:00:00+00')
---
 extract | extract
---------+---------
      14 |    7200
(1 row)

> SELECT timestamptz '2024-07-01 12:00:00+00' AT TIME ZONE 'America/New_York'
---
      timezone
---------------------
 2024-07-01 08:00:00
(1 row)

> SELECT (timestamp '2024-07-01 12:00:00')::timestamptz
---
      timestamptz
------------------------
 2024-07-01 12:00:00+02
(1 row)

> SET TIME ZONE '+05:30'
---
SET

> SELECT timestamptz '2024-07-01 12:00:00+00'
---
        timestamptz
---------------------------
 2024-07-01 06:30:00-05:30
(1 row)

> SET TIME ZONE 'UTC+3'
---
SET

> SELECT timestamptz '2024-07-01 12:00:00+00'
---
      timestamptz
------------------------
 2024-07-01 09:00:00-03
(1 row)

> SET TIME ZONE 'Nowhere/Special'
---
ERROR 22023: invalid value for parameter "TimeZone": "Nowhere/Special"

> SHOW TimeZone
---
 TimeZone
----------
 UTC+3
(1 row)

> SET TIME ZONE LOCAL
---
SET

> SHOW TimeZone
---
 TimeZone
----------
 UTC
(1 row)

> SET TIME ZONE 'America/Los_Angeles'
---
SET

> RESET TIME ZONE
---
RESET

> SELECT timestamptz '2024-07-01 12:00:00+00'
---
      timestamptz
------------------------
 2024-07-01 12:00:00+00
(1 row)

> SELECT timestamp '2024-07-01 12:00:00' AT TIME ZONE 'Asia/Tokyo', timestamptz '2024-07-01 12:00:00+00' AT TIME ZONE INTERVAL '+05:30'
---
        timezone        |      timezone
------------------------+---------------------
 2024-07-01 03:00:00+00 | 2024-07-01 17:30:00
(1 row)

> SELECT timestamptz '2024-07-01 12:00:00+00' AT TIME ZONE INTERVAL '1 day'
---
ERROR 22023: interval time zone "1 day" must not include months or days

> SELECT timestamptz '2024-07-01 12:00:00+00' AT TIME ZONE 'Mars/Olympus'
---
ERROR 22023: time zone "Mars/Olympus" not recognized
