// Real clients reading the system catalogs through the server: psql 15's
// \d commands (their output compared with what PostgreSQL 15 prints for the
// same schema, recorded below from a PostgreSQL 15 server), postgres.js
// with its default fetch_types (it reads pg_type at connect), Kysely's
// introspection through node-postgres, and the catalog query pgbench runs
// before a benchmark.
import { spawnSync } from 'node:child_process';
import { Kysely, PostgresDialect, sql as ksql } from 'kysely';
import pg from 'pg';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.ts';
import { RoleStore } from '../../src/server/roles.ts';
import { FlintServer } from '../../src/server/server.ts';
import { runChild, type PsqlResult } from './run-psql.ts';

const PASSWORD = 'catalog clients';
// The role and database named as in the PostgreSQL run the expected output was recorded from.
const USER = 'postgres';
const DATABASE = 'catx';
const havePsql = spawnSync('psql', ['--version']).status === 0;
const havePgbench = spawnSync('pgbench', ['--version']).status === 0;

const SCHEMA = `
CREATE TABLE authors (id serial PRIMARY KEY, name varchar(40) NOT NULL, email text UNIQUE, born date);
CREATE TABLE books (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, author_id int NOT NULL REFERENCES authors(id) ON DELETE CASCADE, title text NOT NULL DEFAULT 'untitled', price numeric(8,2), qty int CHECK (qty >= 0));
CREATE INDEX books_title ON books (title);
CREATE INDEX books_author_hash ON books USING hash (author_id);
CREATE UNIQUE INDEX authors_name_born ON authors (name, born);
CREATE VIEW cheap_books AS SELECT id, title FROM books WHERE price < 10;
CREATE SEQUENCE tickets;
`;

let db: Database;
let server: FlintServer;

beforeAll(async () => {
  db = Database.open(':memory:');
  db.exec(SCHEMA);
  const roles = RoleStore.memory();
  roles.set(USER, PASSWORD, true);
  server = await FlintServer.start({ db, port: 0, roles });
});

afterAll(async () => {
  await server.stop();
  db.close();
});

// Asynchronous (run-psql.ts): the server runs in this process, so a spawnSync would block it.
function psql(args: string[]): Promise<PsqlResult> {
  return runChild('psql', [`postgresql://${USER}@127.0.0.1:${server.port}/${DATABASE}`, '-X', '-v', 'ON_ERROR_STOP=1', ...args], {
    env: { ...process.env, PGPASSWORD: PASSWORD, PAGER: '', COLUMNS: '200' },
  });
}

/** PostgreSQL 15's output for the schema above (psql 15, `psql -X -c ...`). */
const EXPECTED: Record<string, string> = {
  '\\dt': `
          List of relations
 Schema |  Name   | Type  |  Owner   
--------+---------+-------+----------
 public | authors | table | postgres
 public | books   | table | postgres
(2 rows)
`,
  '\\d': `
               List of relations
 Schema |      Name      |   Type   |  Owner   
--------+----------------+----------+----------
 public | authors        | table    | postgres
 public | authors_id_seq | sequence | postgres
 public | books          | table    | postgres
 public | books_id_seq   | sequence | postgres
 public | cheap_books    | view     | postgres
 public | tickets        | sequence | postgres
(6 rows)
`,
  '\\d authors': `
                                   Table "public.authors"
 Column |         Type          | Collation | Nullable |               Default               
--------+-----------------------+-----------+----------+-------------------------------------
 id     | integer               |           | not null | nextval('authors_id_seq'::regclass)
 name   | character varying(40) |           | not null | 
 email  | text                  |           |          | 
 born   | date                  |           |          | 
Indexes:
    "authors_pkey" PRIMARY KEY, btree (id)
    "authors_email_key" UNIQUE CONSTRAINT, btree (email)
    "authors_name_born" UNIQUE, btree (name, born)
Referenced by:
    TABLE "books" CONSTRAINT "books_author_id_fkey" FOREIGN KEY (author_id) REFERENCES authors(id) ON DELETE CASCADE
`,
  '\\d books': `
                              Table "public.books"
  Column   |     Type     | Collation | Nullable |           Default            
-----------+--------------+-----------+----------+------------------------------
 id        | integer      |           | not null | generated always as identity
 author_id | integer      |           | not null | 
 title     | text         |           | not null | 'untitled'::text
 price     | numeric(8,2) |           |          | 
 qty       | integer      |           |          | 
Indexes:
    "books_pkey" PRIMARY KEY, btree (id)
    "books_author_hash" hash (author_id)
    "books_title" btree (title)
Check constraints:
    "books_qty_check" CHECK (qty >= 0)
Foreign-key constraints:
    "books_author_id_fkey" FOREIGN KEY (author_id) REFERENCES authors(id) ON DELETE CASCADE
`,
  '\\di': `
                    List of relations
 Schema |       Name        | Type  |  Owner   |  Table  
--------+-------------------+-------+----------+---------
 public | authors_email_key | index | postgres | authors
 public | authors_name_born | index | postgres | authors
 public | authors_pkey      | index | postgres | authors
 public | books_author_hash | index | postgres | books
 public | books_pkey        | index | postgres | books
 public | books_title       | index | postgres | books
(6 rows)
`,
  '\\dv': `
           List of relations
 Schema |    Name     | Type |  Owner   
--------+-------------+------+----------
 public | cheap_books | view | postgres
(1 row)
`,
  '\\ds': `
               List of relations
 Schema |      Name      |   Type   |  Owner   
--------+----------------+----------+----------
 public | authors_id_seq | sequence | postgres
 public | books_id_seq   | sequence | postgres
 public | tickets        | sequence | postgres
(3 rows)
`,
  '\\dn': `
      List of schemas
  Name  |       Owner       
--------+-------------------
 public | pg_database_owner
(1 row)
`,
  '\\d+ books': `
                                                         Table "public.books"
  Column   |     Type     | Collation | Nullable |           Default            | Storage  | Compression | Stats target | Description 
-----------+--------------+-----------+----------+------------------------------+----------+-------------+--------------+-------------
 id        | integer      |           | not null | generated always as identity | plain    |             |              | 
 author_id | integer      |           | not null |                              | plain    |             |              | 
 title     | text         |           | not null | 'untitled'::text             | extended |             |              | 
 price     | numeric(8,2) |           |          |                              | main     |             |              | 
 qty       | integer      |           |          |                              | plain    |             |              | 
Indexes:
    "books_pkey" PRIMARY KEY, btree (id)
    "books_author_hash" hash (author_id)
    "books_title" btree (title)
Check constraints:
    "books_qty_check" CHECK (qty >= 0)
Foreign-key constraints:
    "books_author_id_fkey" FOREIGN KEY (author_id) REFERENCES authors(id) ON DELETE CASCADE
Access method: heap
`,
  '\\d tickets': `
                          Sequence "public.tickets"
  Type  | Start | Minimum |       Maximum       | Increment | Cycles? | Cache 
--------+-------+---------+---------------------+-----------+---------+-------
 bigint |     1 |       1 | 9223372036854775807 |         1 | no      |     1
`,
  '\\d authors_id_seq': `
                   Sequence "public.authors_id_seq"
  Type   | Start | Minimum |  Maximum   | Increment | Cycles? | Cache 
---------+-------+---------+------------+-----------+---------+-------
 integer |     1 |       1 | 2147483647 |         1 | no      |     1
Owned by: public.authors.id
`,
  '\\d books_id_seq': `
                    Sequence "public.books_id_seq"
  Type   | Start | Minimum |  Maximum   | Increment | Cycles? | Cache 
---------+-------+---------+------------+-----------+---------+-------
 integer |     1 |       1 | 2147483647 |         1 | no      |     1
Sequence for identity column: public.books.id
`,
  '\\d books_title': `
    Index "public.books_title"
 Column | Type | Key? | Definition 
--------+------+------+------------
 title  | text | yes  | title
btree, for table "public.books"
`,
  '\\d authors_name_born': `
          Index "public.authors_name_born"
 Column |         Type          | Key? | Definition 
--------+-----------------------+------+------------
 name   | character varying(40) | yes  | name
 born   | date                  | yes  | born
unique, btree, for table "public.authors"
`,
  '\\d cheap_books': `
             View "public.cheap_books"
 Column |  Type   | Collation | Nullable | Default 
--------+---------+-----------+----------+---------
 id     | integer |           |          | 
 title  | text    |           |          | 
`,
  '\\df abs': `
                         List of functions
   Schema   | Name | Result data type | Argument data types | Type 
------------+------+------------------+---------------------+------
 pg_catalog | abs  | bigint           | bigint              | func
 pg_catalog | abs  | double precision | double precision    | func
 pg_catalog | abs  | integer          | integer             | func
 pg_catalog | abs  | numeric          | numeric             | func
 pg_catalog | abs  | real             | real                | func
 pg_catalog | abs  | smallint         | smallint            | func
(6 rows)
`,
  '\\df md5': `
                         List of functions
   Schema   | Name | Result data type | Argument data types | Type 
------------+------+------------------+---------------------+------
 pg_catalog | md5  | text             | bytea               | func
 pg_catalog | md5  | text             | text                | func
(2 rows)
`,
  '\\df count': `
                         List of functions
   Schema   | Name  | Result data type | Argument data types | Type 
------------+-------+------------------+---------------------+------
 pg_catalog | count | bigint           |                     | agg
 pg_catalog | count | bigint           | "any"               | agg
(2 rows)
`,
  '\\df concat': `
                          List of functions
   Schema   |  Name  | Result data type | Argument data types | Type 
------------+--------+------------------+---------------------+------
 pg_catalog | concat | text             | VARIADIC "any"      | func
(1 row)
`,
  '\\df': `
                       List of functions
 Schema | Name | Result data type | Argument data types | Type 
--------+------+------------------+---------------------+------
(0 rows)
`,
  // PostgreSQL's own run had only this role too.
  '\\du': `
                                   List of roles
 Role name |                         Attributes                         | Member of 
-----------+------------------------------------------------------------+-----------
 postgres  | Superuser, Create role, Create DB, Replication, Bypass RLS | {}
`,
};

describe.skipIf(!havePsql)('psql 15 describe commands', () => {
  for (const [command, expected] of Object.entries(EXPECTED)) {
    it(`${command} prints what PostgreSQL 15 prints`, { timeout: 30_000 }, async () => {
      const r = await psql(['-c', command]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect('\n' + r.stdout).toBe(expected + '\n');
    });
  }

  it('\\l lists the database the client connected to, owned by the superuser', { timeout: 30_000 }, async () => {
    const r = await psql(['-c', '\\l']);
    expect(r.stderr).toBe('');
    // PostgreSQL lists its template databases too; a Flint server has one database. Its locale is C (code-point order).
    expect(r.stdout).toContain(' catx | postgres | UTF8     | C       | C     |            | libc            | \n');
    expect(r.stdout).toContain('(1 row)');
  });

  it('sees DDL of its own open transaction only', { timeout: 30_000 }, async () => {
    const other = new pg.Client({ host: '127.0.0.1', port: server.port, user: USER, password: PASSWORD, database: DATABASE });
    await other.connect();
    await other.query('BEGIN');
    await other.query('CREATE TABLE pending (x int)');
    expect((await other.query("SELECT relname FROM pg_class WHERE relname = 'pending'")).rows).toEqual([{ relname: 'pending' }]);
    const r = await psql(['-c', '\\dt']);
    expect(r.stdout).not.toContain('pending');
    await other.query('COMMIT');
    expect((await psql(['-c', '\\dt'])).stdout).toContain(' public | pending | table | postgres');
    await other.query('DROP TABLE pending');
    await other.end();
  });
});

describe('drivers and tools', () => {
  it('postgres.js connects with fetch_types on and reads typed results, arrays included', async () => {
    const sql = postgres({ host: '127.0.0.1', port: server.port, user: USER, password: PASSWORD, database: DATABASE, max: 1, onnotice: () => {} });
    try {
      const rows = await sql`SELECT relname, relkind FROM pg_catalog.pg_class WHERE relnamespace = 2200 AND relkind = 'r' ORDER BY relname`;
      expect(rows.map((r) => [r.relname, r.relkind])).toEqual([['authors', 'r'], ['books', 'r']]);
      // fetch_types registered the array types: a text[] arrives as a JavaScript array.
      const [schemas] = await sql`SELECT current_schemas(true) AS s, ARRAY[1, 2, 3] AS a`;
      expect(schemas!.s).toEqual(['pg_catalog', 'public']);
      expect(schemas!.a).toEqual([1, 2, 3]);
    } finally {
      await sql.end();
    }
  });

  it('Kysely introspection: tables, views, columns, types, nullability, defaults, auto-increment', async () => {
    const kdb = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ host: '127.0.0.1', port: server.port, user: USER, password: PASSWORD, database: DATABASE, max: 1 }) }),
    });
    try {
      const schemas = await kdb.introspection.getSchemas();
      expect(schemas.map((s) => s.name).sort()).toEqual(['information_schema', 'pg_catalog', 'public']);
      const tables = await kdb.introspection.getTables();
      const summary = tables.map((t) => ({
        name: t.name, schema: t.schema, isView: t.isView,
        columns: t.columns.map((c) => [c.name, c.dataType, c.isNullable, c.hasDefaultValue, c.isAutoIncrementing]),
      }));
      expect(summary).toEqual([
        {
          name: 'authors', schema: 'public', isView: false,
          columns: [['id', 'int4', false, true, true], ['name', 'varchar', false, false, false], ['email', 'text', true, false, false], ['born', 'date', true, false, false]],
        },
        {
          name: 'books', schema: 'public', isView: false,
          columns: [
            ['id', 'int4', false, false, true], ['author_id', 'int4', false, false, false], ['title', 'text', false, true, false],
            ['price', 'numeric', true, false, false], ['qty', 'int4', true, false, false],
          ],
        },
        { name: 'cheap_books', schema: 'public', isView: true, columns: [['id', 'int4', true, false, false], ['title', 'text', true, false, false]] },
      ]);
      const r = await ksql<{ n: number }>`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = 'public'`.execute(kdb);
      expect(r.rows).toEqual([{ n: 11 }]);
    } finally {
      await kdb.destroy();
    }
  });

  it('session functions: the connection\'s database, user and backend pid (its BackendKeyData)', async () => {
    const c = new pg.Client({ host: '127.0.0.1', port: server.port, user: USER, password: PASSWORD, database: DATABASE });
    await c.connect();
    try {
      const r = await c.query('SELECT current_database() AS db, current_user AS u, session_user AS s, pg_backend_pid() AS pid, version() AS v');
      const processId = (c as unknown as { processID: number }).processID;
      expect(r.rows).toEqual([{ db: DATABASE, u: USER, s: USER, pid: processId, v: expect.stringMatching(/^PostgreSQL 15\.0 \(Flint 0\.1\.0\)/) }]);
      expect(r.fields.map((f) => f.dataTypeID)).toEqual([25, 25, 25, 23, 25]);
      const reg = await c.query("SELECT 'books'::regclass AS r, 'books'::regclass::oid AS o, ARRAY['a', 'b'] AS a");
      expect(reg.fields.map((f) => f.dataTypeID)).toEqual([2205, 26, 1009]);
      expect(reg.rows[0].r).toBe('books');
      // node-postgres parses text[] (1009) into an array; oid (26) arrives as a number.
      expect(reg.rows[0].a).toEqual(['a', 'b']);
      expect(reg.rows[0].o).toBeGreaterThanOrEqual(16384);
    } finally {
      await c.end();
    }
  });

  it("pgbench's table check: one row, pgbench_accounts not partitioned", async () => {
    const c = new pg.Client({ host: '127.0.0.1', port: server.port, user: USER, password: PASSWORD, database: DATABASE });
    await c.connect();
    try {
      await c.query('CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, bid int, abalance int, filler char(84))');
      const r = await c.query(
        'select o.n, p.partstrat, pg_catalog.count(i.inhparent) from pg_catalog.pg_class as c join pg_catalog.pg_namespace as n on (n.oid = c.relnamespace) ' +
          'cross join lateral (select pg_catalog.array_position(pg_catalog.current_schemas(true), n.nspname)) as o(n) ' +
          'left join pg_catalog.pg_partitioned_table as p on (p.partrelid = c.oid) left join pg_catalog.pg_inherits as i on (c.oid = i.inhparent) ' +
          "where c.relname = 'pgbench_accounts' and o.n is not null group by 1, 2 order by 1 asc limit 1",
      );
      // PostgreSQL 15 answers the same: public is second in current_schemas(true) = {pg_catalog,public}.
      expect(r.rows).toEqual([{ n: 2, partstrat: null, count: '0' }]);
      await c.query('DROP TABLE pgbench_accounts');
    } finally {
      await c.end();
    }
  });
});

describe.skipIf(!havePgbench)('pgbench', () => {
  it('runs its select-only and TPC-B-like scripts: the catalog check at start finds pgbench_accounts unpartitioned', { timeout: 60_000 }, async () => {
    const c = new pg.Client({ host: '127.0.0.1', port: server.port, user: USER, password: PASSWORD, database: DATABASE });
    await c.connect();
    await c.query(`CREATE TABLE pgbench_branches (bid int PRIMARY KEY, bbalance int, filler char(88));
      CREATE TABLE pgbench_tellers (tid int PRIMARY KEY, bid int, tbalance int, filler char(84));
      CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, bid int, abalance int, filler char(84));
      CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22));
      INSERT INTO pgbench_branches VALUES (1, 0, '');
      INSERT INTO pgbench_tellers SELECT g, 1, 0, '' FROM generate_series(1, 10) g;
      INSERT INTO pgbench_accounts SELECT g, 1, 0, '' FROM generate_series(1, 100000) g;`);
    try {
      for (const script of [['-S'], []]) {
        const run = await runChild('pgbench', ['-h', '127.0.0.1', '-p', String(server.port), '-U', USER, '-n', ...script, '-t', '20', DATABASE], {
          env: { ...process.env, PGPASSWORD: PASSWORD },
        });
        const r = { status: run.status, out: run.stdout + run.stderr };
        expect(r.out).toContain('number of transactions actually processed: 20/20');
        expect(r.status).toBe(0);
      }
      expect((await c.query('SELECT count(*)::int AS n FROM pgbench_history')).rows).toEqual([{ n: 20 }]);
    } finally {
      await c.query('DROP TABLE pgbench_history; DROP TABLE pgbench_accounts; DROP TABLE pgbench_tellers; DROP TABLE pgbench_branches');
      await c.end();
    }
  });
});
