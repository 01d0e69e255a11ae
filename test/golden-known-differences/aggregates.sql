# Known differences from PostgreSQL 15 in aggregates. Expected outputs are
# PostgreSQL's.

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

# Row constructors are not supported.
> SELECT count(DISTINCT (region, product)) FROM sales
---
 count
-------
     5
(1 row)
