// Statements that real clients send, verbatim or nearly: psql (\d, \l, \dt
// and friends), pgbench (init and the TPC-B-like script), pg_dump output,
// node-postgres / postgres.js / pgjdbc session setup, and ORMs (Kysely,
// Drizzle, Prisma, TypeORM, Sequelize, Knex). Each must parse.

export const PSQL = [
  `SELECT d.datname as "Name", pg_catalog.pg_get_userbyid(d.datdba) as "Owner", pg_catalog.pg_encoding_to_char(d.encoding) as "Encoding", CASE d.datlocprovider WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu' END AS "Locale Provider", d.datcollate as "Collate", d.datctype as "Ctype", d.daticulocale as "ICU Locale", NULL as "ICU Rules", pg_catalog.array_to_string(d.datacl, E'\\n') AS "Access privileges" FROM pg_catalog.pg_database d ORDER BY 1;`,
  `SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
WHERE c.relkind IN ('r','p','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2;`,
  `SELECT c.oid,
  n.nspname,
  c.relname
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname OPERATOR(pg_catalog.~) '^(pgbench_accounts)$' COLLATE pg_catalog.default
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 2, 3;`,
  `SELECT c.relchecks, c.relkind, c.relhasindex, c.relhasrules, c.relhastriggers, c.relrowsecurity, c.relforcerowsecurity, false AS relhasoids, c.relispartition, pg_catalog.array_to_string(c.reloptions || array(select 'toast.' || x from pg_catalog.unnest(tc.reloptions) x), ', ')
, c.reltablespace, CASE WHEN c.reloftype = 0 THEN '' ELSE c.reloftype::pg_catalog.regtype::pg_catalog.text END, c.relpersistence, c.relreplident, am.amname
FROM pg_catalog.pg_class c
 LEFT JOIN pg_catalog.pg_class tc ON (c.reltoastrelid = tc.oid)
LEFT JOIN pg_catalog.pg_am am ON (c.relam = am.oid)
WHERE c.oid = '16384';`,
  `SELECT a.attname,
  pg_catalog.format_type(a.atttypid, a.atttypmod),
  (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true)
   FROM pg_catalog.pg_attrdef d
   WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef),
  a.attnotnull,
  (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t
   WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation) AS attcollation,
  a.attidentity,
  a.attgenerated
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = '16384' AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum;`,
  `SELECT c2.relname, i.indisprimary, i.indisunique, i.indisclustered, i.indisvalid, pg_catalog.pg_get_indexdef(i.indexrelid, 0, true),
  pg_catalog.pg_get_constraintdef(con.oid, true), contype, condeferrable, condeferred, i.indisreplident, c2.reltablespace
FROM pg_catalog.pg_class c, pg_catalog.pg_class c2, pg_catalog.pg_index i
  LEFT JOIN pg_catalog.pg_constraint con ON (conrelid = i.indrelid AND conindid = i.indexrelid AND contype IN ('p','u','x'))
WHERE c.oid = '16384' AND c.oid = i.indrelid AND i.indexrelid = c2.oid
ORDER BY i.indisprimary DESC, c2.relname;`,
  `SELECT true as sametable, conname,
  pg_catalog.pg_get_constraintdef(r.oid, true) as condef,
  conrelid::pg_catalog.regclass AS ontable
FROM pg_catalog.pg_constraint r
WHERE r.conrelid = '16384' AND r.contype = 'f'
     AND conparentid = 0
ORDER BY conname`,
  `SELECT conname, conrelid::pg_catalog.regclass AS ontable,
       pg_catalog.pg_get_constraintdef(oid, true) AS condef
  FROM pg_catalog.pg_constraint c
 WHERE confrelid IN (SELECT pg_catalog.pg_partition_ancestors('16384')
                     UNION ALL VALUES ('16384'::pg_catalog.regclass))
       AND contype = 'f' AND conparentid = 0
ORDER BY conname;`,
  `SELECT pubname
     , NULL
     , NULL
FROM pg_catalog.pg_publication p
     JOIN pg_catalog.pg_publication_namespace pn ON p.oid = pn.pnpubid
     JOIN pg_catalog.pg_class pc ON pc.relnamespace = pn.pnnspid
WHERE pc.oid ='16384' and pg_catalog.pg_relation_is_publishable('16384')
UNION
SELECT pubname
     , pg_get_expr(pr.prqual, c.oid)
     , (CASE WHEN pr.prattrs IS NOT NULL THEN
         (SELECT string_agg(attname, ', ')
           FROM pg_catalog.generate_series(0, pg_catalog.array_upper(pr.prattrs::pg_catalog.int2[], 1)) s,
                pg_catalog.pg_attribute
          WHERE attrelid = pr.prrelid AND attnum = prattrs[s])
        ELSE NULL END) FROM pg_catalog.pg_publication p
     JOIN pg_catalog.pg_publication_rel pr ON p.oid = pr.prpubid
     JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid
WHERE pr.prrelid = '16384'
UNION
SELECT pubname
     , NULL
     , NULL
FROM pg_catalog.pg_publication p
WHERE p.puballtables AND pg_catalog.pg_relation_is_publishable('16384')
ORDER BY 1;`,
  `SELECT pg_catalog.quote_ident(c.relname) FROM pg_catalog.pg_class c WHERE c.relkind IN ('r', 'S', 'v', 'm', 'f', 'p') AND substring(pg_catalog.quote_ident(c.relname),1,3)='pgb' AND pg_catalog.pg_table_is_visible(c.oid) AND c.relnamespace <> (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'pg_catalog') LIMIT 1000`,
  `SELECT r.rolname, r.rolsuper, r.rolinherit,
  r.rolcreaterole, r.rolcreatedb, r.rolcanlogin,
  r.rolconnlimit, r.rolvaliduntil, r.rolreplication, r.rolbypassrls
FROM pg_catalog.pg_roles r
WHERE r.rolname !~ '^pg_'
ORDER BY 1;`,
  `SELECT n.nspname AS "Schema", pg_catalog.pg_get_userbyid(n.nspowner) AS "Owner" FROM pg_catalog.pg_namespace n WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' ORDER BY 1;`,
  `SELECT pg_catalog.pg_get_viewdef('16400'::pg_catalog.oid, true);`,
  `select pg_catalog.set_config('search_path', '', false)`,
  `SHOW server_version`,
];

export const PGBENCH = [
  `drop table if exists pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers`,
  `create table pgbench_history(tid int,bid int,aid    int,delta int,mtime timestamp,filler char(22))`,
  `create table pgbench_tellers(tid int not null,bid int,tbalance int,filler char(84)) with (fillfactor=100)`,
  `CREATE TABLE pgbench_accounts (aid int not null, bid int, abalance int, filler char(84)) with (fillfactor=100)`,
  `create table pgbench_branches(bid int not null,bbalance int,filler char(88)) with (fillfactor=100)`,
  `truncate table pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers`,
  `insert into pgbench_branches(bid,bbalance) values(1,0)`,
  `insert into pgbench_tellers(tid,bid,tbalance) values (1,1,0)`,
  `copy pgbench_accounts from stdin with (freeze on)`,
  `copy pgbench_accounts from stdin`,
  `insert into pgbench_accounts(aid,bid,abalance,filler) select aid, (aid - 1) / 100000 + 1, 0, '' from generate_series(1, 100000) as aid`,
  `vacuum analyze pgbench_branches`,
  `vacuum analyze pgbench_tellers, pgbench_accounts, pgbench_history`,
  `alter table pgbench_branches add primary key (bid)`,
  `alter table pgbench_tellers add primary key (tid)`,
  `alter table pgbench_accounts add primary key (aid)`,
  `alter table pgbench_tellers add constraint pgbench_tellers_bid_fkey foreign key (bid) references pgbench_branches`,
  `alter table pgbench_history add constraint pgbench_history_aid_fkey foreign key (aid) references pgbench_accounts`,
  `select count(*) from pgbench_branches`,
  `select o.n, p.partstrat, pg_catalog.count(i.inhparent) from pg_catalog.pg_class as c join pg_catalog.pg_namespace as n on (n.oid = c.relnamespace) cross join lateral (select pg_catalog.array_position(pg_catalog.current_schemas(true), n.nspname)) as o(n) left join pg_catalog.pg_partitioned_table as p on (p.partrelid = c.oid) left join pg_catalog.pg_inherits as i on (c.oid = i.inhparent) where c.relname = 'pgbench_accounts' and o.n is not null group by 1, 2 order by 1 asc limit 1`,
  `BEGIN;`,
  `UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;`,
  `SELECT abalance FROM pgbench_accounts WHERE aid = $1;`,
  `UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2;`,
  `UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2;`,
  `INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP);`,
  `END;`,
  `UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = 42`,
];

export const PG_DUMP = [
  `SET statement_timeout = 0;`,
  `SET lock_timeout = 0;`,
  `SET idle_in_transaction_session_timeout = 0;`,
  `SET client_encoding = 'UTF8';`,
  `SET standard_conforming_strings = on;`,
  `SELECT pg_catalog.set_config('search_path', '', false);`,
  `SET check_function_bodies = false;`,
  `SET xmloption = content;`,
  `SET client_min_messages = warning;`,
  `SET row_security = off;`,
  `SET default_tablespace = '';`,
  `SET default_table_access_method = heap;`,
  `CREATE TABLE public.users (
    id integer NOT NULL,
    name text NOT NULL,
    email character varying(255),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    balance numeric(12,2) DEFAULT 0.00,
    tags text[] DEFAULT '{}'::text[]
);`,
  `CREATE SEQUENCE public.users_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;`,
  `ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;`,
  `ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);`,
  `COPY public.users (id, name, email, created_at, balance, tags) FROM stdin;`,
  `SELECT pg_catalog.setval('public.users_id_seq', 42, true);`,
  `ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);`,
  `CREATE UNIQUE INDEX users_email_idx ON public.users USING btree (lower((email)::text));`,
  `CREATE INDEX users_created_idx ON public.users USING btree (created_at DESC NULLS LAST);`,
  `ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;`,
];

export const DRIVERS = [
  `SET extra_float_digits = 3`,
  `SET application_name = 'PostgreSQL JDBC Driver'`,
  `SET DateStyle = 'ISO'`,
  `SET datestyle TO ISO, MDY`,
  `SET client_encoding TO 'UTF8'`,
  `SET TIME ZONE 'UTC'`,
  `SET TIME ZONE LOCAL`,
  `SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED`,
  `SET search_path TO "$user", public`,
  `SELECT version()`,
  `select 1`,
  `SELECT 1 AS "one"`,
  `select current_schema()`,
  `SELECT * FROM current_schema()`,
  `select b.oid, b.typarray from pg_catalog.pg_type a left join pg_catalog.pg_type b on b.oid = a.typelem where a.typcategory = 'A' group by b.oid, b.typarray order by b.oid`,
  `SELECT typname, oid, typarray FROM pg_type WHERE typname = ANY($1::text[])`,
  `DISCARD ALL`,
  `SHOW TRANSACTION ISOLATION LEVEL`,
  `SELECT pg_advisory_lock($1)`,
  `LISTEN my_channel`,
  `NOTIFY my_channel, 'hello'`,
  `SELECT pg_notify('ch', $1)`,
  `BEGIN READ ONLY`,
  `BEGIN ISOLATION LEVEL SERIALIZABLE, READ WRITE, NOT DEFERRABLE`,
  `START TRANSACTION ISOLATION LEVEL REPEATABLE READ`,
  `SAVEPOINT sp1`,
  `RELEASE SAVEPOINT sp1`,
  `ROLLBACK TO SAVEPOINT sp1`,
  `COMMIT`,
  `DEALLOCATE ALL`,
];

export const ORMS = [
  // Kysely introspection
  `select "ns"."nspname" as "schema", "c"."relname" as "table", "a"."attname" as "column", "a"."attnotnull" as "not_null", "a"."atthasdef" as "has_default", "typ"."typname" as "type", "dtns"."nspname" as "type_schema", col_description(a.attrelid, a.attnum) as "column_description", pg_get_serial_sequence(quote_ident(ns.nspname) || '.' || quote_ident(c.relname), a.attname) as "auto_incrementing" from "pg_catalog"."pg_attribute" as "a" inner join "pg_catalog"."pg_class" as "c" on "a"."attrelid" = "c"."oid" inner join "pg_catalog"."pg_namespace" as "ns" on "c"."relnamespace" = "ns"."oid" inner join "pg_catalog"."pg_type" as "typ" on "a"."atttypid" = "typ"."oid" inner join "pg_catalog"."pg_namespace" as "dtns" on "typ"."typnamespace" = "dtns"."oid" where "c"."relkind" in ($1, $2, $3) and "ns"."nspname" !~ $4 and "ns"."nspname" != $5 and "a"."attnum" >= $6 and "a"."attisdropped" != $7 order by "ns"."nspname", "c"."relname", "a"."attnum"`,
  `insert into "person" ("first_name", "last_name", "age") values ($1, $2, $3) returning "id"`,
  `select "person"."id", "pet"."name" as "pet_name" from "person" inner join "pet" on "pet"."owner_id" = "person"."id" where "person"."first_name" = $1 and ("age" > $2 or "age" is null) order by "person"."id" desc limit $3 offset $4`,
  `update "person" set "first_name" = $1, "last_name" = $2 where "id" = $3 returning *`,
  `delete from "person" where "id" in ($1, $2, $3)`,
  `insert into "person" ("id", "name") values ($1, $2) on conflict ("id") do update set "name" = "excluded"."name"`,
  `with "adults" as (select * from "person" where "age" >= $1) select count("id") as "count" from "adults"`,
  `select exists (select 1 from "person" where "id" = $1) as "exists"`,
  `create table if not exists "kysely_migration" ("name" varchar(255) not null primary key, "timestamp" varchar(255) not null)`,
  `create table if not exists "kysely_migration_lock" ("id" varchar(255) not null primary key, "is_locked" integer default 0 not null)`,
  `select "name", "timestamp" from "kysely_migration" order by "timestamp" asc, "name" asc`,
  `select * from "kysely_migration_lock" where "id" = $1 for update`,
  // Drizzle
  `CREATE SCHEMA IF NOT EXISTS "drizzle"`,
  `CREATE TABLE IF NOT EXISTS "drizzle"."__drizzle_migrations" (
			id SERIAL PRIMARY KEY,
			hash text NOT NULL,
			created_at bigint
		)`,
  `select id, hash, created_at from "drizzle"."__drizzle_migrations" order by created_at desc limit 1`,
  `insert into "drizzle"."__drizzle_migrations" ("hash", "created_at") values($1, $2)`,
  `CREATE TABLE IF NOT EXISTS "users" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text,
	"email" varchar(256) NOT NULL,
	"created_at" timestamp DEFAULT now() NOT NULL,
	CONSTRAINT "users_email_unique" UNIQUE("email")
);`,
  `ALTER TABLE "posts" ADD CONSTRAINT "posts_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;`,
  `CREATE INDEX IF NOT EXISTS "name_idx" ON "users" USING btree ("name");`,
  `select "id", "name", "email" from "users" where ("users"."id" = $1 and "users"."email" ilike $2) limit $3`,
  `insert into "users" ("id", "name", "email", "created_at") values (default, $1, $2, default) returning "id", "name"`,
  `select "users"."id", "users_posts"."data" as "posts" from "users" left join lateral (select coalesce(json_agg(json_build_array("users_posts"."id", "users_posts"."title")), '[]'::json) as "data" from "posts" "users_posts" where "users_posts"."author_id" = "users"."id") "users_posts" on true`,
  // Prisma
  `SELECT "public"."User"."id", "public"."User"."email", "public"."User"."name" FROM "public"."User" WHERE ("public"."User"."id" = $1 AND 1=1) LIMIT $2 OFFSET $3`,
  `INSERT INTO "public"."User" ("email","name") VALUES ($1,$2) RETURNING "public"."User"."id", "public"."User"."email"`,
  `SELECT COUNT(*) AS "_count._all" FROM (SELECT "public"."Post"."id" FROM "public"."Post" WHERE 1=1 OFFSET $1) AS "sub"`,
  `CREATE TABLE "Post" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "content" TEXT,
    "published" BOOLEAN NOT NULL DEFAULT false,
    "authorId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "meta" JSONB,

    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);`,
  `CREATE UNIQUE INDEX "User_email_key" ON "User"("email");`,
  `ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;`,
  // TypeORM
  `START TRANSACTION`,
  `SELECT * FROM "information_schema"."tables" WHERE "table_schema" = 'public' AND "table_name" = 'typeorm_metadata'`,
  `SELECT "User"."id" AS "User_id", "User"."firstName" AS "User_firstName" FROM "user" "User" WHERE "User"."id" IN ($1)`,
  `CREATE TABLE "user" ("id" SERIAL NOT NULL, "firstName" character varying NOT NULL, "age" integer NOT NULL, CONSTRAINT "PK_cace4a159ff9f2512dd42373760" PRIMARY KEY ("id"))`,
  `CREATE TABLE "photo" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "url" character varying(1000) NOT NULL, "userId" integer, CONSTRAINT "PK_photo" PRIMARY KEY ("id"))`,
  // Sequelize
  `SELECT "id", "name", "createdAt", "updatedAt" FROM "Users" AS "User" WHERE "User"."id" = 1;`,
  `INSERT INTO "Users" ("id","name","createdAt","updatedAt") VALUES (DEFAULT,$1,$2,$3) RETURNING "id","name","createdAt","updatedAt";`,
  `CREATE TABLE IF NOT EXISTS "Users" ("id"   SERIAL , "name" VARCHAR(255), "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL, "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL, PRIMARY KEY ("id"));`,
  `SELECT i.relname AS name, ix.indisprimary AS primary, ix.indisunique AS unique, ix.indkey AS indkey, array_agg(a.attnum) as column_indexes, array_agg(a.attname) AS column_names, pg_get_indexdef(ix.indexrelid) AS definition FROM pg_class t, pg_class i, pg_index ix, pg_attribute a WHERE t.oid = ix.indrelid AND i.oid = ix.indexrelid AND a.attrelid = t.oid AND t.relkind = 'r' and t.relname = 'Users' GROUP BY i.relname, ix.indexrelid, ix.indisprimary, ix.indisunique, ix.indkey ORDER BY i.relname;`,
  `SELECT pk.constraint_type as "Constraint", c.column_name as "Field", c.column_default as "Default", c.is_nullable as "Null", (CASE WHEN c.udt_name = 'hstore' THEN c.udt_name ELSE c.data_type END) || (CASE WHEN c.character_maximum_length IS NOT NULL THEN '(' || c.character_maximum_length || ')' ELSE '' END) as "Type", (SELECT array_agg(e.enumlabel) FROM pg_catalog.pg_type t JOIN pg_catalog.pg_enum e ON t.oid=e.enumtypid WHERE t.typname=c.udt_name) AS "special", (SELECT pgd.description FROM pg_catalog.pg_statio_all_tables AS st INNER JOIN pg_catalog.pg_description pgd on (pgd.objoid=st.relid) WHERE c.ordinal_position=pgd.objsubid AND c.table_name=st.relname) AS "Comment" FROM information_schema.columns c LEFT JOIN (SELECT tc.table_schema, tc.table_name, cu.column_name, tc.constraint_type FROM information_schema.TABLE_CONSTRAINTS tc JOIN information_schema.KEY_COLUMN_USAGE  cu ON tc.table_schema=cu.table_schema and tc.table_name=cu.table_name and tc.constraint_name=cu.constraint_name and tc.constraint_type='PRIMARY KEY') pk ON pk.table_schema=c.table_schema AND pk.table_name=c.table_name AND pk.column_name=c.column_name WHERE c.table_name = 'Users' AND c.table_schema = 'public'`,
  // Knex
  `select * from "accounts" where "id" = ? limit ?`,
  `insert into "accounts" ("name") values (?) returning "id"`,
  `update "accounts" set "balance" = "balance" + ? where "id" = ?`,
  `create table "knex_migrations" ("id" serial primary key, "name" varchar(255), "batch" integer, "migration_time" timestamptz)`,
  `select * from information_schema.tables where table_name = ? and table_schema = current_schema()`,
];

/** Typical application SQL exercising the rest of the dialect. */
export const APPLICATION = [
  `WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n+1 FROM t WHERE n < 100) SELECT sum(n) FROM t`,
  `SELECT department, avg(salary) FILTER (WHERE active), rank() OVER (PARTITION BY department ORDER BY salary DESC) FROM employees GROUP BY department, salary HAVING count(*) > 2`,
  `SELECT string_agg(name, ', ' ORDER BY name) FROM users`,
  `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY price) FROM products`,
  `SELECT sum(x) OVER w, avg(x) OVER (w ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM t WINDOW w AS (ORDER BY id)`,
  `SELECT data->>'name', data->'address'->>'city', data #>> '{a,b}', data @> '{"x":1}'::jsonb, data ? 'key', data ?| array['a','b'], data ?& array['a'] FROM docs`,
  `SELECT id FROM docs WHERE tags && ARRAY['a','b']::text[] AND body ~* 'hello' AND NOT (body !~ 'x')`,
  `SELECT DISTINCT ON (user_id) user_id, created_at FROM events ORDER BY user_id, created_at DESC`,
  `SELECT * FROM a NATURAL JOIN b`,
  `SELECT * FROM a FULL OUTER JOIN b USING (id) RIGHT JOIN c ON c.id = a.id`,
  `SELECT * FROM generate_series(1, 10) AS g(n) CROSS JOIN LATERAL (SELECT n * 2 AS m) AS x`,
  `SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v(id, name)`,
  `SELECT * FROM unnest(ARRAY[1,2,3]) WITH ORDINALITY AS u(x, i)`,
  `SELECT 1 UNION SELECT 2 INTERSECT SELECT 3 EXCEPT ALL SELECT 4 ORDER BY 1 LIMIT 10 OFFSET 5`,
  `(SELECT 1) UNION ALL (SELECT 2 ORDER BY 1 LIMIT 1)`,
  `SELECT * FROM t ORDER BY a NULLS FIRST, b DESC NULLS LAST FETCH FIRST 10 ROWS ONLY`,
  `SELECT * FROM t OFFSET 10 ROWS FETCH NEXT 5 ROWS WITH TIES`,
  `SELECT * FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`,
  `SELECT * FROM t FOR NO KEY UPDATE OF t NOWAIT`,
  `SELECT CAST(price AS numeric(10,2)), price::double precision, '2024-01-01'::date + INTERVAL '1 day', now() - interval '1' hour`,
  `SELECT TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP WITH TIME ZONE '2024-01-01 00:00:00+00', TIME '12:00', DATE '2024-01-01'`,
  `SELECT ts AT TIME ZONE 'UTC', extract(epoch from ts), date_trunc('day', ts) FROM t`,
  `SELECT coalesce(a, b, 0), nullif(a, 0), greatest(a, b), least(a, b) FROM t`,
  `SELECT CASE WHEN x > 0 THEN 'pos' WHEN x < 0 THEN 'neg' ELSE 'zero' END, CASE x WHEN 1 THEN 'one' END FROM t`,
  `SELECT a IS DISTINCT FROM b, a IS NOT DISTINCT FROM b, a IS TRUE, a IS NOT UNKNOWN, a ISNULL, a NOTNULL FROM t`,
  `SELECT * FROM t WHERE a BETWEEN SYMMETRIC 10 AND 1 AND b NOT BETWEEN 1 AND 2`,
  `SELECT * FROM t WHERE name LIKE 'a%' ESCAPE '\\' OR name NOT ILIKE '%b' OR name SIMILAR TO '(a|b)%'`,
  `SELECT * FROM t WHERE id = ANY(SELECT id FROM u) AND id <> ALL(ARRAY[1,2]) AND (a, b) IN (SELECT a, b FROM u)`,
  `SELECT ROW(1, 'a'), (1, 2) = (1, 2), ARRAY(SELECT 1), ARRAY[]::int[]`,
  `SELECT x FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.t_id = t.id) AND NOT EXISTS (SELECT FROM v)`,
  `SELECT count(DISTINCT user_id), count(ALL x), max(x) FROM t`,
  `SELECT CURRENT_DATE, CURRENT_TIME, CURRENT_TIMESTAMP(3), LOCALTIMESTAMP, CURRENT_USER, SESSION_USER, USER, now()`,
  `SELECT position('b' in 'abc'), substring('hello' from 2 for 3), substring('hello', 2), trim(leading 'x' from 'xxa'), trim('  a  '), overlay('Txxxxas' placing 'hom' from 2 for 4)`,
  `SELECT E'tab\\there', $$dollar 'quoted'$$, $fn$ body $fn$, U&'\\0041', B'1010', X'FF', N'national'`,
  `SELECT 1 -- trailing comment`,
  `SELECT /* outer /* nested */ still comment */ 1`,
  `SELECT a.b.c FROM a.b`,
  `SELECT t.* FROM t`,
  `SELECT x[1], x[1:2], x[:3], (f(x)).field, (row(1,2)).* FROM t`,
  `SELECT 'a' || 'b' || 'c', 2 ^ 3 ^ 2, -2 ^ 2, 10 % 3, @ -5, |/ 25.0`,
  `SELECT make_interval(days => 1, hours := 2)`,
  `SELECT GROUPING(a), a, b, sum(c) FROM t GROUP BY ROLLUP (a, b)`,
  `SELECT a, b FROM t GROUP BY GROUPING SETS ((a), (b), ())`,
  `SELECT a FROM t GROUP BY CUBE (a, b)`,
  `VALUES (1, 'one'), (2, 'two')`,
  `TABLE users`,
  `INSERT INTO t DEFAULT VALUES`,
  `INSERT INTO t (a, b) VALUES (1, DEFAULT), (2, 3) ON CONFLICT DO NOTHING`,
  `INSERT INTO t (a) SELECT a FROM u WHERE a > 0 ON CONFLICT (a) WHERE a > 0 DO UPDATE SET b = EXCLUDED.b + t.b WHERE t.b < 100 RETURNING *`,
  `INSERT INTO t AS x VALUES (1) ON CONFLICT ON CONSTRAINT t_pkey DO UPDATE SET (a, b) = (EXCLUDED.a, EXCLUDED.b)`,
  `INSERT INTO t OVERRIDING SYSTEM VALUE VALUES (1)`,
  `WITH moved AS (DELETE FROM queue WHERE id = $1 RETURNING *) INSERT INTO archive SELECT * FROM moved`,
  `UPDATE accounts AS a SET balance = a.balance - t.amount, updated_at = now() FROM transfers t WHERE t.account_id = a.id RETURNING a.id, a.balance`,
  `UPDATE t SET (a, b) = (SELECT x, y FROM u WHERE u.id = t.id)`,
  `UPDATE t SET (a, b) = ROW(1, 2)`,
  `DELETE FROM t USING u WHERE t.u_id = u.id AND u.gone RETURNING t.id`,
  `DELETE FROM ONLY t AS x WHERE x.id = 1`,
  `CREATE TABLE IF NOT EXISTS orders (
     id bigserial PRIMARY KEY,
     customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE ON UPDATE RESTRICT,
     status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'paid', 'shipped')),
     total numeric(12, 2) NOT NULL DEFAULT 0 CONSTRAINT total_positive CHECK (total >= 0),
     code uuid UNIQUE,
     seq integer GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 10),
     other integer GENERATED BY DEFAULT AS IDENTITY,
     doubled integer GENERATED ALWAYS AS (seq * 2) STORED,
     payload jsonb,
     created_at timestamptz NOT NULL DEFAULT now(),
     flags bit varying(8),
     small smallserial,
     f4 float4, f8 float8, r real, dp double precision, fl float(10), fl2 float(50),
     i2 int2, i4 int4, i8 int8, b bool, b2 boolean, d date, t time, ttz time with time zone,
     ts timestamp(6) without time zone, iv interval, ivd interval day to second(3), by bytea, j json, v varchar, c char,
     arr int[][], arr2 text ARRAY[4],
     UNIQUE (customer_id, code),
     CONSTRAINT orders_fk FOREIGN KEY (customer_id, code) REFERENCES customers (id, code) MATCH FULL ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED
   ) WITH (compression = 'lz4', fillfactor = 90)`,
  `CREATE TEMP TABLE tmp (id int) ON COMMIT DROP`,
  `CREATE UNLOGGED TABLE u (id int)`,
  `CREATE TABLE t2 AS SELECT * FROM t WITH NO DATA`,
  `CREATE TABLE t3 (a, b) AS VALUES (1, 2)`,
  `CREATE TABLE empty ()`,
  `CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS idx ON t USING hash (a) WHERE a IS NOT NULL`,
  `CREATE INDEX ON t ((a + b) DESC NULLS FIRST, lower(name) text_pattern_ops, c COLLATE "C" ASC) INCLUDE (d) WITH (fillfactor = 70)`,
  `DROP INDEX IF EXISTS idx, idx2 CASCADE`,
  `DROP INDEX CONCURRENTLY idx`,
  `CREATE OR REPLACE VIEW v (a, b) AS SELECT 1, 2 WITH LOCAL CHECK OPTION`,
  `CREATE VIEW active_users AS SELECT * FROM users WHERE active`,
  `DROP VIEW IF EXISTS v RESTRICT`,
  `ALTER TABLE t ADD COLUMN IF NOT EXISTS c int NOT NULL DEFAULT 0, DROP COLUMN IF EXISTS d CASCADE`,
  `ALTER TABLE t ADD c text`,
  `ALTER TABLE t DROP c`,
  `ALTER TABLE t RENAME COLUMN a TO b`,
  `ALTER TABLE t RENAME a TO b`,
  `ALTER TABLE t RENAME TO u`,
  `ALTER TABLE t RENAME CONSTRAINT c1 TO c2`,
  `ALTER TABLE IF EXISTS ONLY t ADD PRIMARY KEY (a, b)`,
  `ALTER TABLE t ADD CONSTRAINT u1 UNIQUE (a) DEFERRABLE`,
  `ALTER TABLE t DROP CONSTRAINT IF EXISTS u1`,
  `ALTER TABLE t ALTER COLUMN a SET DEFAULT 5, ALTER b DROP DEFAULT, ALTER COLUMN c SET NOT NULL, ALTER COLUMN d DROP NOT NULL`,
  `ALTER TABLE t ALTER COLUMN a TYPE bigint USING a::bigint, ALTER COLUMN b SET DATA TYPE varchar(20)`,
  `ALTER TABLE t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY, ALTER COLUMN x DROP IDENTITY IF EXISTS`,
  `ALTER TABLE t SET (compression = 'zstd'), RESET (fillfactor)`,
  `TRUNCATE t`,
  `TRUNCATE TABLE ONLY a, b RESTART IDENTITY CASCADE`,
  `CREATE SEQUENCE IF NOT EXISTS s INCREMENT 2 MINVALUE -100 MAXVALUE 100 START 1 CACHE 10 CYCLE OWNED BY t.id`,
  `ALTER SEQUENCE s RESTART WITH 10`,
  `DROP SEQUENCE IF EXISTS s`,
  `DROP SCHEMA IF EXISTS app CASCADE`,
  `CREATE ROLE app WITH LOGIN PASSWORD 'secret' CONNECTION LIMIT 10 VALID UNTIL '2030-01-01'`,
  `CREATE USER bob SUPERUSER`,
  `CREATE ROLE reader NOLOGIN NOSUPERUSER INHERIT IN ROLE app`,
  `ALTER USER bob WITH PASSWORD 'new'`,
  `ALTER ROLE bob NOSUPERUSER`,
  `DROP ROLE IF EXISTS reader, bob`,
  `DROP USER alice`,
  `EXPLAIN SELECT 1`,
  `EXPLAIN ANALYZE VERBOSE SELECT * FROM t`,
  `EXPLAIN (ANALYZE, FORMAT TEXT) SELECT * FROM t WHERE a = 1`,
  `EXPLAIN (ANALYZE true, COSTS off, BUFFERS, FORMAT JSON) UPDATE t SET a = 1`,
  `VACUUM`,
  `VACUUM FULL VERBOSE t`,
  `VACUUM (VERBOSE, ANALYZE) t (a, b), u`,
  `ANALYZE`,
  `ANALYZE VERBOSE t`,
  `COPY t FROM STDIN`,
  `COPY t (a, b) FROM STDIN WITH (FORMAT csv, HEADER, DELIMITER ';', NULL '', QUOTE '"', FORCE_NOT_NULL (a, b))`,
  `COPY t TO STDOUT (FORMAT csv, HEADER true)`,
  `COPY (SELECT * FROM t WHERE a > 1) TO STDOUT WITH CSV HEADER`,
  `COPY t FROM STDIN WITH DELIMITER AS ',' NULL AS 'null' CSV HEADER QUOTE AS '"' FORCE NOT NULL a, b`,
  `COPY t TO STDOUT WITH CSV FORCE QUOTE *`,
  `COPY t FROM '/tmp/data.csv' WITH (FORMAT csv) WHERE a > 0`,
  `COPY BINARY t TO STDOUT`,
  `COPY (INSERT INTO t VALUES (1) RETURNING *) TO STDOUT`,
  `PREPARE q (int, text) AS SELECT * FROM t WHERE a = $1 AND b = $2`,
  `EXECUTE q (1, 'x')`,
  `EXECUTE q`,
  `DEALLOCATE q`,
  `DEALLOCATE PREPARE q`,
  `CHECKPOINT`,
  `SET LOCAL statement_timeout TO DEFAULT`,
  `SET SESSION work_mem = '64MB'`,
  `SET NAMES 'UTF8'`,
  `SET SCHEMA 'app'`,
  `SET ROLE admin`,
  `SET SESSION AUTHORIZATION DEFAULT`,
  `SET TRANSACTION ISOLATION LEVEL SERIALIZABLE`,
  `SET my.custom_setting = 42`,
  `SET x = -1.5`,
  `SHOW ALL`,
  `SHOW TIME ZONE`,
  `SHOW search_path`,
  `RESET ALL`,
  `RESET search_path`,
  `BEGIN WORK`,
  `BEGIN TRANSACTION`,
  `COMMIT WORK`,
  `COMMIT AND NO CHAIN`,
  `END TRANSACTION`,
  `ROLLBACK`,
  `ABORT`,
  `ROLLBACK WORK TO sp`,
  `RELEASE sp`,
  `UNLISTEN *`,
];

/** Columns and tables named with non-reserved keywords, as PostgreSQL allows. */
export const KEYWORD_NAMES = [
  `CREATE TABLE kv (key text PRIMARY KEY, value jsonb, name text, text text, date date, type int, position int, time timestamp, timestamp timestamptz, year int, month int, day int, hour int, minute int, second int, level int, data bytea, action text, comment text, version int, role text, start int, "end" int, owner text, index int, language text, first int, last int, zone text, filter text, options text)`,
  `SELECT key, value, name, text, date, type, position, time, timestamp, level, data, action, version, role, start, owner, index, first, last, zone, options FROM kv`,
  `SELECT kv.key, kv.value, kv.name FROM kv WHERE key = 'a' AND value IS NOT NULL AND name LIKE 'x%' AND type = 1 AND position > 0 AND date < now()`,
  `INSERT INTO kv (key, value, name, type, position) VALUES ('a', '{}', 'n', 1, 2)`,
  `UPDATE kv SET value = '{}', name = 'b', type = 2 WHERE key = 'a'`,
  `SELECT name AS key, value AS name, 1 AS select, 2 AS from, 3 AS "order" FROM kv`,
  `SELECT count(*) AS count, sum(value) sum FROM kv`,
  `SELECT k.name FROM kv AS k, kv key`,
  `SELECT * FROM kv AS data WHERE data.value = 1`,
  `CREATE TABLE events (id int, name text, location text, status text, source text, target text, timestamp timestamp, public boolean, schema text, table_name text)`,
];
