# EXPLAIN: the plan's shape only (operators, join kinds and keys, pushed-down
# filters); Flint's plans are its own, so these are not compared with
# PostgreSQL. No timings: EXPLAIN ANALYZE is not used.
# pg-check: off

> CREATE TABLE a (id int PRIMARY KEY, x int, s text)
---
CREATE TABLE

> CREATE TABLE b (id int PRIMARY KEY, a_id int, y int)
---
CREATE TABLE

> EXPLAIN SELECT * FROM a
---
     QUERY PLAN
---------------------
 Project (id, x, s)
   ->  Seq Scan on a
(2 rows)

> EXPLAIN SELECT id FROM a WHERE x > 1
---
       QUERY PLAN
-------------------------
 Project (id)
   ->  Seq Scan on a
         Filter: (x > 1)
(3 rows)

> EXPLAIN SELECT id FROM a WHERE id = 5
---
             QUERY PLAN
------------------------------------
 Project (id)
   ->  Index Scan using a_pkey on a
         Index Cond: (id = 5)
(3 rows)

> EXPLAIN SELECT a.id, b.y FROM a JOIN b ON a.id = b.a_id
---
            QUERY PLAN
----------------------------------
 Project (id, y)
   ->  Hash Join
         Hash Cond: (id = a_id)
         Join Filter: (id = a_id)
         ->  Seq Scan on a
         ->  Seq Scan on b
(6 rows)

> EXPLAIN SELECT a.id, b.y FROM a JOIN b ON a.id = b.a_id WHERE a.x = 1 AND b.y > 2
---
            QUERY PLAN
----------------------------------
 Project (id, y)
   ->  Hash Join
         Hash Cond: (id = a_id)
         Join Filter: (id = a_id)
         ->  Seq Scan on a
               Filter: (x = 1)
         ->  Seq Scan on b
               Filter: (y > 2)
(8 rows)

> EXPLAIN SELECT a.id, b.y FROM a LEFT JOIN b ON a.id = b.a_id WHERE b.y IS NULL
---
               QUERY PLAN
----------------------------------------
 Project (id, y)
   ->  Filter
         Filter: (y IS NULL)
         ->  Hash Join Left
               Hash Cond: (id = a_id)
               Join Filter: (id = a_id)
               ->  Seq Scan on a
               ->  Seq Scan on b
(8 rows)

> EXPLAIN SELECT a.id FROM a FULL JOIN b ON a.id = b.a_id
---
            QUERY PLAN
----------------------------------
 Project (id)
   ->  Hash Join Full
         Hash Cond: (id = a_id)
         Join Filter: (id = a_id)
         ->  Seq Scan on a
         ->  Seq Scan on b
(6 rows)

> EXPLAIN SELECT a.id FROM a, b WHERE a.x < b.y
---
          QUERY PLAN
------------------------------
 Project (id)
   ->  Nested Loop
         Join Filter: (x < y)
         ->  Seq Scan on a
         ->  Seq Scan on b
(5 rows)

> EXPLAIN SELECT x, count(*) FROM a GROUP BY x HAVING count(*) > 1
---
           QUERY PLAN
---------------------------------
 Project (x, count)
   ->  Filter
         Filter: (count > 1)
         ->  HashAggregate
               Group Key: x
               ->  Seq Scan on a
(6 rows)

> EXPLAIN SELECT id FROM a LIMIT 10 OFFSET 5
---
        QUERY PLAN
---------------------------
 Limit
   ->  Project (id)
         ->  Seq Scan on a
(3 rows)

> EXPLAIN SELECT DISTINCT s FROM a
---
        QUERY PLAN
---------------------------
 HashAggregate (DISTINCT)
   ->  Project (s)
         ->  Seq Scan on a
(3 rows)

> EXPLAIN SELECT id FROM a UNION SELECT id FROM b
---
        QUERY PLAN
---------------------------
 HashSetOp Union
   ->  Project (id)
         ->  Seq Scan on a
   ->  Project (id)
         ->  Seq Scan on b
(5 rows)

> EXPLAIN SELECT id FROM a WHERE id IN (SELECT a_id FROM b)
---
          QUERY PLAN
-------------------------------
 Project (id)
   ->  Seq Scan on a
         Filter: (SubPlan any)
(3 rows)

> EXPLAIN SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.a_id = a.id)
---
            QUERY PLAN
----------------------------------
 Project (id)
   ->  Seq Scan on a
         Filter: (SubPlan exists)
(3 rows)

> EXPLAIN SELECT id, (SELECT max(y) FROM b) FROM a
---
     QUERY PLAN
---------------------
 Project (id, max)
   ->  Seq Scan on a
(2 rows)

> EXPLAIN SELECT * FROM a WHERE 1 = 0
---
       QUERY PLAN
-------------------------
 Project (id, x, s)
   ->  Seq Scan on a
         Filter: (1 = 0)
(3 rows)

> EXPLAIN SELECT * FROM a WHERE true
---
     QUERY PLAN
---------------------
 Project (id, x, s)
   ->  Seq Scan on a
(2 rows)

> EXPLAIN WITH c AS (SELECT id FROM a) SELECT * FROM c WHERE id > 1
---
                QUERY PLAN
------------------------------------------
 Project (id)
   ->  Project (id)
         ->  Index Scan using a_pkey on a
               Index Cond: (id > 1)
(4 rows)

> EXPLAIN SELECT * FROM (VALUES (1), (2)) v(n)
---
         QUERY PLAN
----------------------------
 Project (n)
   ->  Values Scan (2 rows)
(2 rows)

> EXPLAIN SELECT * FROM generate_series(1, 10) g
---
               QUERY PLAN
----------------------------------------
 Project (g)
   ->  Function Scan on generate_series
(2 rows)

> EXPLAIN INSERT INTO a VALUES (1, 1, 'x')
---
ERROR 0A000: EXPLAIN supports queries only so far

> EXPLAIN SELECT nosuch FROM a
---
ERROR 42703: column "nosuch" does not exist

# Index scans: equality on a key prefix, a range on the next column, and
# what the index does not answer stays a filter.

> CREATE TABLE ev (tenant text, seq int, kind text, PRIMARY KEY (tenant, seq))
---
CREATE TABLE

> CREATE INDEX ev_kind ON ev (kind)
---
CREATE INDEX

> EXPLAIN SELECT * FROM ev WHERE tenant = 'acme' AND seq >= 10 AND seq < 20
---
                              QUERY PLAN
----------------------------------------------------------------------
 Project (tenant, seq, kind)
   ->  Index Scan using ev_pkey on ev
         Index Cond: (tenant = 'acme') AND (seq >= 10) AND (seq < 20)
(3 rows)

> EXPLAIN SELECT * FROM ev WHERE tenant = 'acme' AND kind = 'x'
---
              QUERY PLAN
---------------------------------------
 Project (tenant, seq, kind)
   ->  Index Scan using ev_pkey on ev
         Index Cond: (tenant = 'acme')
         Filter: (kind = 'x')
(4 rows)

> EXPLAIN SELECT * FROM ev WHERE kind = 'x' AND seq = 3
---
              QUERY PLAN
--------------------------------------
 Project (tenant, seq, kind)
   ->  Index Scan using ev_kind on ev
         Index Cond: (kind = 'x')
         Filter: (seq = 3)
(4 rows)

> EXPLAIN SELECT * FROM ev WHERE seq = 3
---
         QUERY PLAN
-----------------------------
 Project (tenant, seq, kind)
   ->  Seq Scan on ev
         Filter: (seq = 3)
(3 rows)

> EXPLAIN SELECT * FROM a WHERE id = (SELECT max(a_id) FROM b)
---
                 QUERY PLAN
---------------------------------------------
 Project (id, x, s)
   ->  Index Scan using a_pkey on a
         Index Cond: (id = (SubPlan scalar))
(3 rows)

> EXPLAIN SELECT * FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.id = a.x)
---
            QUERY PLAN
----------------------------------
 Project (id, x, s)
   ->  Seq Scan on a
         Filter: (SubPlan exists)
(3 rows)

> EXPLAIN SELECT * FROM ev WHERE tenant = 'acme' ORDER BY seq DESC LIMIT 5
---
                     QUERY PLAN
-----------------------------------------------------
 Limit
   ->  Project (tenant, seq, kind)
         ->  Index Scan Backward using ev_pkey on ev
               Index Cond: (tenant = 'acme')
(4 rows)

> EXPLAIN SELECT * FROM ev WHERE tenant = 'acme' ORDER BY tenant, seq
---
              QUERY PLAN
---------------------------------------
 Project (tenant, seq, kind)
   ->  Index Scan using ev_pkey on ev
         Index Cond: (tenant = 'acme')
(3 rows)

> EXPLAIN SELECT * FROM ev ORDER BY tenant, seq LIMIT 10
---
                 QUERY PLAN
--------------------------------------------
 Limit
   ->  Project (tenant, seq, kind)
         ->  Index Scan using ev_pkey on ev
(3 rows)

> EXPLAIN SELECT * FROM ev ORDER BY tenant DESC, seq DESC LIMIT 10
---
                     QUERY PLAN
-----------------------------------------------------
 Limit
   ->  Project (tenant, seq, kind)
         ->  Index Scan Backward using ev_pkey on ev
(3 rows)

> EXPLAIN SELECT * FROM ev ORDER BY tenant, seq DESC LIMIT 10
---
               QUERY PLAN
-----------------------------------------
 Limit
   ->  Sort
         Sort Key: tenant, seq DESC
         ->  Project (tenant, seq, kind)
               ->  Seq Scan on ev
(5 rows)

> EXPLAIN SELECT * FROM ev ORDER BY tenant, seq
---
            QUERY PLAN
-----------------------------------
 Sort
   Sort Key: tenant, seq
   ->  Project (tenant, seq, kind)
         ->  Seq Scan on ev
(4 rows)

> EXPLAIN SELECT * FROM ev WHERE tenant IN ('a', 'b') AND seq = 3
---
                        QUERY PLAN
----------------------------------------------------------
 Project (tenant, seq, kind)
   ->  Index Scan using ev_pkey on ev
         Index Cond: (tenant IN ('a', 'b')) AND (seq = 3)
(3 rows)

> EXPLAIN SELECT * FROM ev WHERE kind IN ('x', 'y')
---
                QUERY PLAN
------------------------------------------
 Project (tenant, seq, kind)
   ->  Index Scan using ev_kind on ev
         Index Cond: (kind IN ('x', 'y'))
(3 rows)

> CREATE INDEX ev_kind_hash ON ev USING HASH (kind)
---
CREATE INDEX

> DROP INDEX ev_kind
---
DROP INDEX

> EXPLAIN SELECT * FROM ev WHERE kind = 'x'
---
                QUERY PLAN
-------------------------------------------
 Project (tenant, seq, kind)
   ->  Index Scan using ev_kind_hash on ev
         Index Cond: (kind = 'x')
(3 rows)

> EXPLAIN SELECT * FROM ev WHERE kind > 'x'
---
          QUERY PLAN
------------------------------
 Project (tenant, seq, kind)
   ->  Seq Scan on ev
         Filter: (kind > 'x')
(3 rows)

> EXPLAIN SELECT * FROM ev WHERE kind IN ('x', 'y') ORDER BY kind LIMIT 1
---
                      QUERY PLAN
-------------------------------------------------------
 Limit
   ->  Sort
         Sort Key: kind
         ->  Project (tenant, seq, kind)
               ->  Index Scan using ev_kind_hash on ev
                     Index Cond: (kind IN ('x', 'y'))
(6 rows)

# Index nested loop joins: the side whose filter leaves few rows streams, and
# each of its rows probes an index of the other side on the join key (the
# planner compares that with a hash join over both tables; row counts come
# from the engine). Tiny tables stay hash joins.
> CREATE TABLE cat (id int PRIMARY KEY, label text)
---
CREATE TABLE

> CREATE TABLE item (id int PRIMARY KEY, cat_id int, price float8)
---
CREATE TABLE

> CREATE INDEX item_cat ON item (cat_id)
---
CREATE INDEX

> INSERT INTO cat SELECT i, 'c' || i FROM generate_series(1, 200) AS g(i)
---
INSERT 0 200

> INSERT INTO item SELECT i, i % 200 + 1, i * 0.25 FROM generate_series(1, 4000) AS g(i)
---
INSERT 0 4000

> EXPLAIN SELECT item.id, cat.label FROM item JOIN cat ON cat.id = item.cat_id WHERE cat.label = 'c7'
---
                  QUERY PLAN
-----------------------------------------------
 Project (id, label)
   ->  Nested Loop
         ->  Seq Scan on cat
               Filter: (label = 'c7')
         ->  Index Scan using item_cat on item
               Index Cond: (cat_id = cat.id)
(6 rows)

> EXPLAIN SELECT item.id, cat.label FROM item JOIN cat ON cat.id = item.cat_id WHERE item.id = 42
---
                   QUERY PLAN
------------------------------------------------
 Project (id, label)
   ->  Nested Loop
         ->  Index Scan using item_pkey on item
               Index Cond: (id = 42)
         ->  Index Scan using cat_pkey on cat
               Index Cond: (id = item.cat_id)
(6 rows)

> EXPLAIN SELECT cat.id, item.price FROM cat LEFT JOIN item ON item.cat_id = cat.id AND item.price > 100 WHERE cat.label = 'c7'
---
                  QUERY PLAN
-----------------------------------------------
 Project (id, price)
   ->  Nested Loop Left
         Join Filter: (price > 100)
         ->  Seq Scan on cat
               Filter: (label = 'c7')
         ->  Index Scan using item_cat on item
               Index Cond: (cat_id = cat.id)
(7 rows)

> EXPLAIN SELECT item.id, cat.label FROM item JOIN cat ON cat.id = item.cat_id
---
             QUERY PLAN
------------------------------------
 Project (id, label)
   ->  Hash Join
         Hash Cond: (cat_id = id)
         Join Filter: (id = cat_id)
         ->  Seq Scan on item
         ->  Seq Scan on cat
(6 rows)

> SET enable_indexscan = off
---
SET

> EXPLAIN SELECT item.id, cat.label FROM item JOIN cat ON cat.id = item.cat_id WHERE cat.label = 'c7'
---
              QUERY PLAN
--------------------------------------
 Project (id, label)
   ->  Hash Join
         Hash Cond: (cat_id = id)
         Join Filter: (id = cat_id)
         ->  Seq Scan on item
         ->  Seq Scan on cat
               Filter: (label = 'c7')
(7 rows)

> SET enable_indexscan = on
---
SET
