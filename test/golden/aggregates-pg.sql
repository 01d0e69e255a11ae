# Aggregates where Flint once differed from PostgreSQL 15 (expected outputs
# are PostgreSQL's).

> CREATE TABLE sales (id int PRIMARY KEY, region text, product text, qty int, price numeric(6,2))
---
CREATE TABLE

> INSERT INTO sales VALUES
>   (1, 'north', 'apple', 10, 1.50),
>   (2, 'north', 'pear', 5, 2.00),
>   (3, 'south', 'apple', 20, 1.40),
>   (4, 'south', 'apple', NULL, 1.60),
>   (5, 'east', 'fig', 7, NULL),
>   (6, NULL, 'pear', 3, 2.10),
>   (7, 'north', 'apple', 10, 1.50)
---
INSERT 0 7

# A correlated scalar subquery in the select list of a grouped query reads
# the outer group's key (it once read NULL there).
> SELECT s.region, (SELECT count(*) FROM sales t WHERE t.region = s.region) AS n FROM sales s GROUP BY s.region ORDER BY 1
---
 region | n
--------+---
 east   | 1
 north  | 3
 south  | 2
 NULL   | 0
(4 rows)

# Messages: PostgreSQL qualifies the column, and names FILTER.
> SELECT region, product FROM sales GROUP BY region
---
ERROR 42803: column "sales.product" must appear in the GROUP BY clause or be used in an aggregate function

> SELECT region, count(*) FROM sales
---
ERROR 42803: column "sales.region" must appear in the GROUP BY clause or be used in an aggregate function

> SELECT max(qty) FILTER (WHERE qty < max(qty)) FROM sales
---
ERROR 42803: aggregate functions are not allowed in FILTER
