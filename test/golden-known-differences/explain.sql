# Known problems in EXPLAIN output (Flint's own format: the expected outputs
# here are hand-written, not PostgreSQL's).
# pg-check: off

> CREATE TABLE a (id int PRIMARY KEY, x int, s text)
---
CREATE TABLE

# The Sort node prints no sort key expressions (only the direction).
> EXPLAIN SELECT x, count(*) FROM a GROUP BY x ORDER BY x
---
           QUERY PLAN
---------------------------------
 Sort
   Sort Key: x
   ->  Project (x, count)
         ->  HashAggregate
               Group Key: x
               ->  Seq Scan on a
(6 rows)

> EXPLAIN SELECT id FROM a ORDER BY x DESC
---
               QUERY PLAN
----------------------------------------
 Project (id)
   ->  Sort
         Sort Key: x DESC
         ->  Project (id, ?sort0)
               ->  Seq Scan on a
(5 rows)
