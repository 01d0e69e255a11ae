// ALTER TABLE against PostgreSQL 15's behaviour: results, SQLSTATEs and
// messages (checked against a PostgreSQL 15 server).
import { describe, expect, it } from 'vitest';
import { error, memoryDb, rows, tag } from './helpers.ts';

describe('ALTER TABLE ADD COLUMN', () => {
  it('existing rows read the default; new rows get it too', () => {
    const db = memoryDb();
    rows(db, "CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2)");
    expect(tag(db, "ALTER TABLE t ADD COLUMN c text DEFAULT 'x'")).toBe('ALTER TABLE');
    rows(db, 'INSERT INTO t (id) VALUES (3)');
    rows(db, 'INSERT INTO t VALUES (4, NULL)');
    expect(rows(db, 'SELECT * FROM t ORDER BY id')).toEqual([[1, 'x'], [2, 'x'], [3, 'x'], [4, null]]);
    // Rows written before the column existed are filtered, grouped and joined on it as stored ones are.
    expect(rows(db, "SELECT count(*) FROM t WHERE c = 'x'")).toEqual([[3]]);
    expect(rows(db, 'SELECT c, count(*) FROM t GROUP BY c ORDER BY c')).toEqual([['x', 3], [null, 1]]);
    db.close();
  });

  it('without a default reads NULL; a later SET DEFAULT changes only new rows', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (id int); INSERT INTO t VALUES (1)');
    rows(db, 'ALTER TABLE t ADD COLUMN n int');
    rows(db, 'ALTER TABLE t ALTER COLUMN n SET DEFAULT 5');
    rows(db, 'INSERT INTO t (id) VALUES (2)');
    expect(rows(db, 'SELECT * FROM t ORDER BY id')).toEqual([[1, null], [2, 5]]);
    rows(db, 'ALTER TABLE t ALTER COLUMN n DROP DEFAULT');
    rows(db, 'INSERT INTO t (id) VALUES (3)');
    expect(rows(db, 'SELECT n FROM t WHERE id = 3')).toEqual([[null]]);
    db.close();
  });

  it('a volatile default gives each existing row its own value (serial, identity)', () => {
    const db = memoryDb();
    rows(db, "CREATE TABLE t (v text); INSERT INTO t VALUES ('a'), ('b'), ('c')");
    rows(db, 'ALTER TABLE t ADD COLUMN id serial');
    expect(rows(db, 'SELECT id FROM t ORDER BY id')).toEqual([[1], [2], [3]]);
    expect(rows(db, "INSERT INTO t (v) VALUES ('d') RETURNING id")).toEqual([[4]]);
    rows(db, 'ALTER TABLE t ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY (START WITH 10)');
    expect(rows(db, 'SELECT n FROM t ORDER BY n')).toEqual([[10], [11], [12], [13]]);
    db.close();
  });

  it('IF NOT EXISTS skips an existing column; a duplicate is 42701', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (a int)');
    expect(tag(db, 'ALTER TABLE t ADD COLUMN IF NOT EXISTS a text')).toBe('ALTER TABLE');
    expect(error(db, 'ALTER TABLE t ADD COLUMN a int')).toMatchObject({ code: '42701', message: 'column "a" of relation "t" already exists' });
    db.close();
  });

  it('NOT NULL without a default fails on a non-empty table; with a default it passes', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (a int); INSERT INTO t VALUES (1)');
    expect(error(db, 'ALTER TABLE t ADD COLUMN c int NOT NULL')).toMatchObject({ code: '23502', message: 'column "c" of relation "t" contains null values' });
    expect(rows(db, 'SELECT * FROM t')).toEqual([[1]]);
    rows(db, 'ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0');
    expect(error(db, 'INSERT INTO t VALUES (2, NULL)')).toMatchObject({ code: '23502', message: 'null value in column "c" of relation "t" violates not-null constraint' });
    db.close();
  });

  it('column constraints are checked against the existing rows', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (a int); INSERT INTO t VALUES (1), (2)');
    expect(error(db, 'ALTER TABLE t ADD COLUMN c int DEFAULT 0 CHECK (c > 0)')).toMatchObject({
      code: '23514', message: 'check constraint "t_c_check" of relation "t" is violated by some row',
    });
    expect(error(db, 'ALTER TABLE t ADD COLUMN u int DEFAULT 1 UNIQUE')).toMatchObject({
      code: '23505', message: 'could not create unique index "t_u_key"', detail: 'Key (u)=(1) is duplicated.',
    });
    // A failed ALTER changes nothing.
    expect(rows(db, 'SELECT * FROM t ORDER BY a')).toEqual([[1], [2]]);
    db.close();
  });

  it('refuses a view (42809) and a missing table (42P01), unless IF EXISTS', () => {
    const db = memoryDb();
    rows(db, 'CREATE VIEW v AS SELECT 1 AS x');
    expect(error(db, 'ALTER TABLE v ADD COLUMN y int')).toMatchObject({ code: '42809', message: 'ALTER action ADD COLUMN cannot be performed on relation "v"' });
    expect(error(db, 'ALTER TABLE nope ADD COLUMN y int')).toMatchObject({ code: '42P01', message: 'relation "nope" does not exist' });
    expect(tag(db, 'ALTER TABLE IF EXISTS nope ADD COLUMN y int')).toBe('ALTER TABLE');
    db.close();
  });
});

describe('ALTER TABLE DROP COLUMN', () => {
  it('hides the column everywhere: *, INSERT without a column list, references', () => {
    const db = memoryDb();
    rows(db, "CREATE TABLE t (a int, b text NOT NULL, c int); INSERT INTO t VALUES (1, 'x', 10)");
    rows(db, 'ALTER TABLE t DROP COLUMN b');
    expect(rows(db, 'SELECT * FROM t')).toEqual([[1, 10]]);
    rows(db, 'INSERT INTO t VALUES (2, 20)');
    expect(rows(db, 'SELECT a, c FROM t ORDER BY a')).toEqual([[1, 10], [2, 20]]);
    expect(error(db, 'SELECT b FROM t')).toMatchObject({ code: '42703', message: 'column "b" does not exist' });
    // A new column may take the dropped one's name.
    rows(db, "ALTER TABLE t ADD COLUMN b text DEFAULT 'new'");
    expect(rows(db, 'SELECT * FROM t ORDER BY a')).toEqual([[1, 10, 'new'], [2, 20, 'new']]);
    expect(rows(db, 'UPDATE t SET c = c + 1 WHERE a = 1 RETURNING *')).toEqual([[1, 11, 'new']]);
    db.close();
  });

  it('takes the constraints on the column with it', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (a int PRIMARY KEY, b int CHECK (b > 0), c int, UNIQUE (b, c))');
    rows(db, 'ALTER TABLE t DROP COLUMN b');
    rows(db, 'INSERT INTO t VALUES (1, 1), (2, 1)');
    expect(error(db, 'INSERT INTO t VALUES (1, 5)')).toMatchObject({ code: '23505', message: 'duplicate key value violates unique constraint "t_pkey"' });
    db.close();
  });

  it('IF EXISTS skips a missing column; otherwise 42703', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (a int)');
    expect(tag(db, 'ALTER TABLE t DROP COLUMN IF EXISTS x')).toBe('ALTER TABLE');
    expect(error(db, 'ALTER TABLE t DROP COLUMN x')).toMatchObject({ code: '42703', message: 'column "x" of relation "t" does not exist' });
    db.close();
  });

  it('a column another table references needs CASCADE (2BP01)', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE p (id int PRIMARY KEY, x int); CREATE TABLE c (pid int REFERENCES p)');
    expect(error(db, 'ALTER TABLE p DROP COLUMN id')).toMatchObject({
      code: '2BP01', message: 'cannot drop column id of table p because other objects depend on it',
      detail: 'constraint c_pid_fkey on table c depends on column id of table p', hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
    });
    rows(db, 'ALTER TABLE p DROP COLUMN id CASCADE');
    rows(db, 'INSERT INTO c VALUES (42)');
    expect(rows(db, 'SELECT * FROM c')).toEqual([[42]]);
    db.close();
  });
});

describe('ALTER TABLE RENAME', () => {
  it('renames a column: queries, constraints and CHECK expressions follow', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (a int CHECK (a > 0), b int, UNIQUE (a))');
    rows(db, 'ALTER TABLE t RENAME COLUMN a TO z');
    rows(db, 'INSERT INTO t VALUES (1, 2)');
    expect(rows(db, 'SELECT z, b FROM t')).toEqual([[1, 2]]);
    expect(error(db, 'INSERT INTO t VALUES (0, 2)')).toMatchObject({ code: '23514', message: 'new row for relation "t" violates check constraint "t_a_check"' });
    expect(error(db, 'INSERT INTO t VALUES (1, 3)')).toMatchObject({ code: '23505', detail: 'Key (z)=(1) already exists.' });
    db.close();
  });

  it('column rename errors: missing (42703), taken (42701)', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (a int, b int)');
    expect(error(db, 'ALTER TABLE t RENAME COLUMN x TO y')).toMatchObject({ code: '42703', message: 'column "x" does not exist' });
    expect(error(db, 'ALTER TABLE t RENAME COLUMN a TO b')).toMatchObject({ code: '42701', message: 'column "b" of relation "t" already exists' });
    db.close();
  });

  it('renames a table; foreign keys referencing it follow', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (pid int REFERENCES p); INSERT INTO p VALUES (1)');
    rows(db, 'ALTER TABLE p RENAME TO parent');
    rows(db, 'INSERT INTO c VALUES (1)');
    expect(error(db, 'INSERT INTO c VALUES (2)')).toMatchObject({ code: '23503', detail: 'Key (pid)=(2) is not present in table "parent".' });
    expect(error(db, 'SELECT * FROM p')).toMatchObject({ code: '42P01' });
    rows(db, 'CREATE TABLE other (x int)');
    expect(error(db, 'ALTER TABLE parent RENAME TO other')).toMatchObject({ code: '42P07', message: 'relation "other" already exists' });
    db.close();
  });

  it('renames a referenced column; the foreign key follows', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (pid int REFERENCES p(id)); INSERT INTO p VALUES (1)');
    rows(db, 'ALTER TABLE p RENAME COLUMN id TO key');
    rows(db, 'INSERT INTO c VALUES (1)');
    expect(error(db, 'DELETE FROM p')).toMatchObject({ code: '23503', detail: 'Key (key)=(1) is still referenced from table "c".' });
    db.close();
  });

  it('renames a constraint; missing is 42704, taken is 42710', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (a int CONSTRAINT pos CHECK (a > 0), b int CHECK (b > 0))');
    rows(db, 'ALTER TABLE t RENAME CONSTRAINT pos TO positive');
    expect(error(db, 'INSERT INTO t VALUES (0, 1)')).toMatchObject({ message: 'new row for relation "t" violates check constraint "positive"' });
    expect(error(db, 'ALTER TABLE t RENAME CONSTRAINT nope TO x')).toMatchObject({ code: '42704', message: 'constraint "nope" for table "t" does not exist' });
    expect(error(db, 'ALTER TABLE t RENAME CONSTRAINT positive TO t_b_check')).toMatchObject({ code: '42710', message: 'constraint "t_b_check" for relation "t" already exists' });
    db.close();
  });
});

describe('ALTER TABLE constraints', () => {
  it('ADD PRIMARY KEY makes the columns NOT NULL and checks the rows', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (a int, b int); INSERT INTO t VALUES (1, NULL), (1, 2)');
    expect(error(db, 'ALTER TABLE t ADD PRIMARY KEY (b)')).toMatchObject({ code: '23502', message: 'column "b" of relation "t" contains null values' });
    expect(error(db, 'ALTER TABLE t ADD PRIMARY KEY (a)')).toMatchObject({ code: '23505', message: 'could not create unique index "t_pkey"', detail: 'Key (a)=(1) is duplicated.' });
    rows(db, 'DELETE FROM t WHERE b IS NULL');
    rows(db, 'ALTER TABLE t ADD PRIMARY KEY (a)');
    expect(error(db, 'INSERT INTO t VALUES (1, 3)')).toMatchObject({ code: '23505', message: 'duplicate key value violates unique constraint "t_pkey"' });
    expect(error(db, 'INSERT INTO t VALUES (NULL, 3)')).toMatchObject({ code: '23502' });
    expect(error(db, 'ALTER TABLE t ADD PRIMARY KEY (b)')).toMatchObject({ code: '42P16', message: 'multiple primary keys for table "t" are not allowed' });
    expect(error(db, 'ALTER TABLE t ADD PRIMARY KEY (nope)')).toMatchObject({ code: '42703', message: 'column "nope" of relation "t" does not exist' });
    db.close();
  });

  it('ADD CONSTRAINT UNIQUE / CHECK validate and then hold', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (a int, b int); INSERT INTO t VALUES (1, 5), (2, 6)');
    rows(db, 'ALTER TABLE t ADD CONSTRAINT b_small CHECK (b < 10), ADD CONSTRAINT a_once UNIQUE (a)');
    expect(error(db, 'INSERT INTO t VALUES (3, 11)')).toMatchObject({ code: '23514', message: 'new row for relation "t" violates check constraint "b_small"', detail: 'Failing row contains (3, 11).' });
    expect(error(db, 'INSERT INTO t VALUES (1, 1)')).toMatchObject({ code: '23505', message: 'duplicate key value violates unique constraint "a_once"' });
    expect(error(db, 'ALTER TABLE t ADD CONSTRAINT big CHECK (b > 5)')).toMatchObject({ code: '23514', message: 'check constraint "big" of relation "t" is violated by some row' });
    expect(error(db, 'ALTER TABLE t ADD CONSTRAINT b_small CHECK (b > 0)')).toMatchObject({ code: '42710', message: 'constraint "b_small" for relation "t" already exists' });
    expect(error(db, 'ALTER TABLE t ADD UNIQUE (nope)')).toMatchObject({ code: '42703', message: 'column "nope" named in key does not exist' });
    db.close();
  });

  it('one failing action undoes the whole statement', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (a int); INSERT INTO t VALUES (-1)');
    expect(error(db, 'ALTER TABLE t ADD COLUMN b int, ADD CHECK (a > 0)')).toMatchObject({ code: '23514' });
    expect(rows(db, 'SELECT * FROM t')).toEqual([[-1]]);
    db.close();
  });

  it('ADD FOREIGN KEY checks the existing rows', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (pid int); INSERT INTO p VALUES (1); INSERT INTO c VALUES (1), (2)');
    expect(error(db, 'ALTER TABLE c ADD CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p')).toMatchObject({
      code: '23503', message: 'insert or update on table "c" violates foreign key constraint "fk"', detail: 'Key (pid)=(2) is not present in table "p".',
    });
    rows(db, 'DELETE FROM c WHERE pid = 2');
    rows(db, 'ALTER TABLE c ADD CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p');
    expect(error(db, 'INSERT INTO c VALUES (3)')).toMatchObject({ code: '23503' });
    db.close();
  });

  it('DROP CONSTRAINT; IF EXISTS; a key others reference needs CASCADE', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (a int CONSTRAINT pos CHECK (a > 0))');
    rows(db, 'ALTER TABLE t DROP CONSTRAINT pos');
    rows(db, 'INSERT INTO t VALUES (-1)');
    expect(tag(db, 'ALTER TABLE t DROP CONSTRAINT IF EXISTS pos')).toBe('ALTER TABLE');
    expect(error(db, 'ALTER TABLE t DROP CONSTRAINT pos')).toMatchObject({ code: '42704', message: 'constraint "pos" of relation "t" does not exist' });
    rows(db, 'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (pid int REFERENCES p)');
    expect(error(db, 'ALTER TABLE p DROP CONSTRAINT p_pkey')).toMatchObject({
      code: '2BP01', message: 'cannot drop constraint p_pkey on table p because other objects depend on it',
      detail: 'constraint c_pid_fkey on table c depends on index p_pkey',
    });
    rows(db, 'ALTER TABLE p DROP CONSTRAINT p_pkey CASCADE');
    rows(db, 'INSERT INTO c VALUES (7)');
    rows(db, 'INSERT INTO p VALUES (1), (1)');
    expect(rows(db, 'SELECT count(*) FROM p')).toEqual([[2]]);
    db.close();
  });

  it('SET NOT NULL validates; DROP NOT NULL refuses key and identity columns', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (id int PRIMARY KEY, a int, g int GENERATED ALWAYS AS IDENTITY); INSERT INTO t (id, a) VALUES (1, NULL)');
    expect(error(db, 'ALTER TABLE t ALTER COLUMN a SET NOT NULL')).toMatchObject({ code: '23502', message: 'column "a" of relation "t" contains null values' });
    rows(db, 'UPDATE t SET a = 0');
    rows(db, 'ALTER TABLE t ALTER COLUMN a SET NOT NULL');
    expect(error(db, 'INSERT INTO t (id) VALUES (2)')).toMatchObject({ code: '23502', message: 'null value in column "a" of relation "t" violates not-null constraint' });
    rows(db, 'ALTER TABLE t ALTER COLUMN a DROP NOT NULL');
    rows(db, 'INSERT INTO t (id) VALUES (2)');
    expect(error(db, 'ALTER TABLE t ALTER COLUMN id DROP NOT NULL')).toMatchObject({ code: '42P16', message: 'column "id" is in a primary key' });
    expect(error(db, 'ALTER TABLE t ALTER COLUMN g DROP NOT NULL')).toMatchObject({ code: '42601', message: 'column "g" of relation "t" is an identity column' });
    expect(error(db, 'ALTER TABLE t ALTER COLUMN x SET NOT NULL')).toMatchObject({ code: '42703', message: 'column "x" of relation "t" does not exist' });
    db.close();
  });

  it('SET DEFAULT checks the expression; identity columns have none to set', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (a int, g int GENERATED BY DEFAULT AS IDENTITY)');
    expect(error(db, "ALTER TABLE t ALTER COLUMN a SET DEFAULT 'abc'")).toMatchObject({ code: '22P02', message: 'invalid input syntax for type integer: "abc"' });
    expect(error(db, 'ALTER TABLE t ALTER COLUMN g SET DEFAULT 1')).toMatchObject({ code: '42601', message: 'column "g" of relation "t" is an identity column' });
    expect(error(db, 'ALTER TABLE t ALTER COLUMN x DROP DEFAULT')).toMatchObject({ code: '42703' });
    db.close();
  });

  it('records storage options; checks compression values', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (a int)');
    rows(db, 'ALTER TABLE t SET (compression = lz4, fillfactor = 90)');
    const meta = db.engine.table('t')!.meta as { options: Record<string, string> };
    expect(meta.options).toEqual({ compression: 'lz4', fillfactor: '90' });
    rows(db, 'ALTER TABLE t RESET (fillfactor)');
    expect((db.engine.table('t')!.meta as { options: Record<string, string> }).options).toEqual({ compression: 'lz4' });
    expect(error(db, 'ALTER TABLE t SET (compression = snappy)')).toMatchObject({ code: '22023', message: 'invalid value for parameter "compression": "snappy"' });
    db.close();
  });
});
