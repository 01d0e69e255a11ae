// The system catalogs and catalog functions in an embedded database:
// pg_class, pg_attribute, pg_index, pg_constraint, pg_type,
// information_schema, the reg* types, format_type and friends, name
// resolution (pg_catalog first) and transactional visibility of DDL.
// Expected values are PostgreSQL 15's for the same schema where Flint's
// OIDs do not enter (checked against a PostgreSQL 15 server).
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.ts';
import { error, memoryDb, rows } from './statements/helpers.ts';

const SCHEMA = `
CREATE TABLE t (id serial PRIMARY KEY, name varchar(20) NOT NULL DEFAULT 'x', v numeric(10,2) CHECK (v > 0), u text UNIQUE);
CREATE TABLE c (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tid int REFERENCES t(id) ON DELETE SET NULL);
CREATE INDEX t_name ON t (name DESC);
CREATE VIEW vv AS SELECT id, name FROM t;
CREATE SEQUENCE s1;
`;

function withSchema(): Database {
  const db = memoryDb();
  rows(db, SCHEMA);
  return db;
}

describe('pg_class, pg_namespace, pg_attribute', () => {
  it('lists tables, indexes, sequences and views in public, with their kinds', () => {
    const db = withSchema();
    expect(rows(db, `SELECT c.relname, c.relkind, n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = 'public' ORDER BY c.relname`)).toEqual([
      ['c', 'r', 'public'], ['c_id_seq', 'S', 'public'], ['c_pkey', 'i', 'public'], ['s1', 'S', 'public'], ['t', 'r', 'public'],
      ['t_id_seq', 'S', 'public'], ['t_name', 'i', 'public'], ['t_pkey', 'i', 'public'], ['t_u_key', 'i', 'public'], ['vv', 'v', 'public'],
    ]);
    expect(rows(db, "SELECT relhasindex, relchecks, relnatts, relhastriggers FROM pg_class WHERE relname = 't'")).toEqual([[true, 1, 4, true]]);
    expect(rows(db, 'SELECT nspname FROM pg_namespace ORDER BY oid')).toEqual([['pg_catalog'], ['public'], ['information_schema']]);
    db.close();
  });

  it('pg_attribute: types, modifiers, NOT NULL, defaults, identity; format_type as PostgreSQL prints it', () => {
    const db = withSchema();
    expect(rows(db, `SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, a.atthasdef, a.attidentity,
                            (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true) FROM pg_catalog.pg_attrdef d WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum)
                     FROM pg_catalog.pg_attribute a WHERE a.attrelid = 't'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`)).toEqual([
      ['id', 'integer', true, true, '', "nextval('t_id_seq'::regclass)"],
      ['name', 'character varying(20)', true, true, '', "'x'::character varying"],
      ['v', 'numeric(10,2)', false, false, '', null],
      ['u', 'text', false, false, '', null],
    ]);
    expect(rows(db, "SELECT attname, attidentity FROM pg_attribute WHERE attrelid = 'c'::regclass ORDER BY attnum")).toEqual([['id', 'a'], ['tid', '']]);
    // A view's columns carry the types of its query.
    expect(rows(db, "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'vv'::regclass ORDER BY attnum"))
      .toEqual([['id', 'integer'], ['name', 'character varying(20)']]);
    db.close();
  });

  it('a dropped column keeps its slot, hidden as attisdropped', () => {
    const db = withSchema();
    rows(db, 'ALTER TABLE t DROP COLUMN v');
    expect(rows(db, "SELECT attnum, attname, attisdropped FROM pg_attribute WHERE attrelid = 't'::regclass ORDER BY attnum")).toEqual([
      [1, 'id', false], [2, 'name', false], [3, '........pg.dropped.3........', true], [4, 'u', false],
    ]);
    db.close();
  });
});

describe('indexes and constraints', () => {
  it('pg_index with pg_get_indexdef, pg_constraint with pg_get_constraintdef', () => {
    const db = withSchema();
    expect(rows(db, `SELECT c2.relname, i.indisprimary, i.indisunique, i.indkey, pg_get_indexdef(i.indexrelid), pg_get_indexdef(i.indexrelid, 1, true)
                     FROM pg_index i JOIN pg_class c2 ON c2.oid = i.indexrelid WHERE i.indrelid = 't'::regclass ORDER BY c2.relname`)).toEqual([
      ['t_name', false, false, [2], 'CREATE INDEX t_name ON public.t USING btree (name DESC)', 'name'],
      ['t_pkey', true, true, [1], 'CREATE UNIQUE INDEX t_pkey ON public.t USING btree (id)', 'id'],
      ['t_u_key', false, true, [4], 'CREATE UNIQUE INDEX t_u_key ON public.t USING btree (u)', 'u'],
    ]);
    expect(rows(db, `SELECT conname, contype, conkey, confkey, confrelid::regclass::text, confdeltype, pg_get_constraintdef(oid, true)
                     FROM pg_constraint WHERE conrelid IN ('t'::regclass, 'c'::regclass) ORDER BY conname`)).toEqual([
      ['c_pkey', 'p', [1], null, '-', ' ', 'PRIMARY KEY (id)'],
      ['c_tid_fkey', 'f', [2], [1], 't', 'n', 'FOREIGN KEY (tid) REFERENCES t(id) ON DELETE SET NULL'],
      ['t_pkey', 'p', [1], null, '-', ' ', 'PRIMARY KEY (id)'],
      ['t_u_key', 'u', [4], null, '-', ' ', 'UNIQUE (u)'],
      ['t_v_check', 'c', [3], null, '-', ' ', 'CHECK (v > 0)'],
    ]);
    db.close();
  });
});

describe('reg* types, casts and catalog functions', () => {
  it("'t'::regclass reads the OID and prints the name; unknown names are 42P01", () => {
    const db = withSchema();
    const [[oid]] = rows(db, "SELECT 't'::regclass::oid") as [[number]];
    expect(oid).toBeGreaterThanOrEqual(16384);
    expect(rows(db, `SELECT ${oid}::regclass::text, 'public.t'::regclass = 't'::regclass, 'pg_class'::regclass::text, 'int4'::regtype::text,
                            'character varying'::regtype::oid, 11::regnamespace::text, 99999::regclass::text`))
      .toEqual([['t', true, 'pg_class', 'integer', 1043, 'pg_catalog', '99999']]);
    expect(error(db, "SELECT 'nope'::regclass")).toMatchObject({ code: '42P01', message: 'relation "nope" does not exist' });
    expect(error(db, "SELECT 'nope'::regtype")).toMatchObject({ code: '42704', message: 'type "nope" does not exist' });
    db.close();
  });

  it('session and server functions', () => {
    const db = withSchema();
    const [[version, database, schema, schemas, user, path, pid, missing]] = rows(db, `SELECT version(), current_database(), current_schema(),
      current_schemas(true), current_user, current_setting('search_path'), pg_backend_pid(), current_setting('no.such', true)`) as unknown[][] as [unknown[]];
    expect(version).toMatch(/^PostgreSQL 15\.0 \(Flint 0\.1\.0\)/);
    expect([database, schema, schemas, user, path, missing]).toEqual(['flint', 'public', ['pg_catalog', 'public'], 'flint', '"$user", public', null]);
    expect(pid).toBe(process.pid);
    expect(error(db, "SELECT current_setting('no.such')")).toMatchObject({ code: '42704', message: 'unrecognized configuration parameter "no.such"' });
    expect(rows(db, "SELECT set_config('application_name', 'tool', false), current_setting('application_name')")).toEqual([['tool', 'tool']]);
    expect(rows(db, `SELECT pg_get_serial_sequence('t', 'id'), pg_get_serial_sequence('public.c', 'id'), pg_get_serial_sequence('t', 'u'),
                            pg_table_is_visible('t'::regclass), pg_get_userbyid(10), pg_encoding_to_char(6), obj_description('t'::regclass, 'pg_class'),
                            has_table_privilege('t', 'SELECT'), pg_size_pretty(10240::int8), pg_size_pretty(123456789::int8)`))
      .toEqual([['public.t_id_seq', 'public.c_id_seq', null, true, 'flint', 'UTF8', null, true, '10 kB', '118 MB']]);
    expect(rows(db, 'SELECT format_type(1043, NULL), format_type(1042, -1), format_type(1007, -1), format_type(18, -1), format_type(99999, -1), format_type(NULL, 1)'))
      .toEqual([['character varying', 'character', 'integer[]', '"char"', '???', null]]);
    db.close();
  });

  it("psql's name lookup: OPERATOR(pg_catalog.~), COLLATE pg_catalog.default, pg_catalog-qualified functions", () => {
    const db = withSchema();
    expect(rows(db, `SELECT c.relname FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                     WHERE c.relname OPERATOR(pg_catalog.~) '^(t|vv)$' COLLATE pg_catalog.default AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 1`))
      .toEqual([['t'], ['vv']]);
    expect(rows(db, "SELECT 'abc' ~ 'B', 'abc' ~* 'B', 'abc' !~ '^a', 'x1' ~ '[[:digit:]]'")).toEqual([[false, true, false, true]]);
    expect(rows(db, `SELECT 'b' COLLATE "C" > 'a', 'x' COLLATE "POSIX"`)).toEqual([[true, 'x']]);
    expect(error(db, `SELECT 'a' COLLATE "de_DE"`)).toMatchObject({ code: '42704', message: 'collation "de_DE" for encoding "UTF8" does not exist' });
    expect(error(db, `SELECT 1 COLLATE "C"`)).toMatchObject({ code: '42804', message: 'collations are not supported by type integer' });
    db.close();
  });

  it('arrays: ARRAY[...], ARRAY(subquery), = ANY, subscripts, array_to_string, literals', () => {
    const db = withSchema();
    expect(rows(db, `SELECT ARRAY[1, 2, 3], (ARRAY[5, 6])[2], 2 = ANY (ARRAY[1, 2]), 3 = ANY ('{1,2}'), 3 <> ALL ('{1,2}'::int4[]),
                            array_to_string(ARRAY(SELECT relname FROM pg_class WHERE relkind = 'S' ORDER BY 1), ','), '{a,"b c",NULL}'::text[]::text,
                            array_position(current_schemas(true), 'public'), '{1,2}'::int4[] = ARRAY[1, 2]`))
      .toEqual([[[1, 2, 3], 6, true, false, true, 'c_id_seq,s1,t_id_seq', '{a,"b c",NULL}', 2, true]]);
    expect(rows(db, "SELECT ARRAY[1] || ARRAY[2, 3], ARRAY['a'] || 'b'::text, 0 || ARRAY[1], NULL::int4[] || ARRAY[4], ARRAY[1] || '{9}'"))
      .toEqual([[[1, 2, 3], ['a', 'b'], [0, 1], [4], [1, 9]]]);
    expect(rows(db, "SELECT u.x, u.n FROM unnest(ARRAY['p', NULL, 'q']) WITH ORDINALITY AS u(x, n)")).toEqual([['p', 1], [null, 2], ['q', 3]]);
    expect(rows(db, 'SELECT * FROM unnest(NULL::int4[])')).toEqual([]);
    expect(error(db, 'CREATE TABLE arr (a int[])')).toMatchObject({ code: '0A000' });
    db.close();
  });
});

describe('pg_depend', () => {
  it('a serial column owns its sequence (auto), an identity column its own (internal)', () => {
    const db = withSchema();
    expect(rows(db, `SELECT d.objid::regclass::text, d.refobjid::regclass::text, a.attname, d.deptype FROM pg_depend d
                     JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                     WHERE d.classid = 'pg_catalog.pg_class'::regclass ORDER BY 1`)).toEqual([['c_id_seq', 'c', 'id', 'i'], ['t_id_seq', 't', 'id', 'a']]);
    db.close();
  });
});

describe('information_schema', () => {
  it('tables, columns, table_constraints, key_column_usage', () => {
    const db = withSchema();
    expect(rows(db, "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"))
      .toEqual([['c', 'BASE TABLE'], ['t', 'BASE TABLE'], ['vv', 'VIEW']]);
    expect(rows(db, `SELECT column_name, ordinal_position, data_type, is_nullable, column_default, character_maximum_length, numeric_precision, numeric_scale, udt_name
                     FROM information_schema.columns WHERE table_name = 't' ORDER BY ordinal_position`)).toEqual([
      ['id', 1, 'integer', 'NO', "nextval('t_id_seq'::regclass)", null, 32, 0, 'int4'],
      ['name', 2, 'character varying', 'NO', "'x'::character varying", 20, null, null, 'varchar'],
      ['v', 3, 'numeric', 'YES', null, null, 10, 2, 'numeric'],
      ['u', 4, 'text', 'YES', null, null, null, null, 'text'],
    ]);
    expect(rows(db, "SELECT column_name, is_identity, identity_generation FROM information_schema.columns WHERE table_name = 'c' ORDER BY 1"))
      .toEqual([['id', 'YES', 'ALWAYS'], ['tid', 'NO', null]]);
    expect(rows(db, "SELECT constraint_name, constraint_type FROM information_schema.table_constraints WHERE table_name = 'c' ORDER BY 1"))
      .toEqual([['c_pkey', 'PRIMARY KEY'], ['c_tid_fkey', 'FOREIGN KEY']]);
    expect(rows(db, "SELECT constraint_name, column_name, ordinal_position FROM information_schema.key_column_usage WHERE table_name = 't' ORDER BY 1"))
      .toEqual([['t_pkey', 'id', 1], ['t_u_key', 'u', 1]]);
    expect(rows(db, "SELECT schema_name FROM information_schema.schemata ORDER BY 1")).toEqual([['information_schema'], ['pg_catalog'], ['public']]);
    expect(rows(db, 'SELECT constraint_name, unique_constraint_name, match_option, update_rule, delete_rule FROM information_schema.referential_constraints'))
      .toEqual([['c_tid_fkey', 't_pkey', 'NONE', 'NO ACTION', 'SET NULL']]);
    expect(rows(db, "SELECT table_name, column_name, constraint_name FROM information_schema.constraint_column_usage WHERE table_schema = 'public' ORDER BY 3, 2"))
      .toEqual([['c', 'id', 'c_pkey'], ['t', 'id', 'c_tid_fkey'], ['t', 'id', 't_pkey'], ['t', 'u', 't_u_key'], ['t', 'v', 't_v_check']]);
    db.close();
  });
});

describe('name resolution and visibility', () => {
  it('pg_catalog comes first for an unqualified name, unless search_path puts it after public', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE pg_am (mine int); INSERT INTO pg_am VALUES (42)');
    expect(rows(db, 'SELECT amname FROM pg_am ORDER BY 1')).toEqual([['btree'], ['hash'], ['heap']]);
    expect(rows(db, 'SELECT mine FROM public.pg_am')).toEqual([[42]]);
    rows(db, 'SET search_path = public, pg_catalog');
    expect(rows(db, 'SELECT mine FROM pg_am')).toEqual([[42]]);
    expect(rows(db, 'SELECT count(*) FROM pg_catalog.pg_am')).toEqual([[3]]);
    expect(error(db, 'SELECT * FROM pg_catalog.nope')).toMatchObject({ code: '42P01', message: 'relation "pg_catalog.nope" does not exist' });
    db.close();
  });

  it('a table created in an open transaction shows in that session only, and goes with ROLLBACK', () => {
    const db = memoryDb();
    const a = db.session();
    const b = db.session();
    rows(a, 'BEGIN; CREATE TABLE fresh (x int)');
    expect(rows(a, "SELECT relname FROM pg_class WHERE relname = 'fresh'")).toEqual([['fresh']]);
    expect(rows(a, "SELECT column_name FROM information_schema.columns WHERE table_name = 'fresh'")).toEqual([['x']]);
    expect(rows(b, "SELECT relname FROM pg_class WHERE relname = 'fresh'")).toEqual([]);
    rows(a, 'ROLLBACK');
    expect(rows(a, "SELECT relname FROM pg_class WHERE relname = 'fresh'")).toEqual([]);
    rows(a, 'BEGIN; CREATE TABLE kept (x int); COMMIT');
    expect(rows(b, "SELECT relname FROM pg_class WHERE relname = 'kept'")).toEqual([['kept']]);
    db.close();
  });

  it('LATERAL subqueries read the FROM items to their left', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE l (a int); INSERT INTO l VALUES (1), (2), (3)');
    expect(rows(db, 'SELECT l.a, x.d FROM l CROSS JOIN LATERAL (SELECT l.a * 10 AS d) x ORDER BY 1')).toEqual([[1, 10], [2, 20], [3, 30]]);
    expect(rows(db, 'SELECT l.a, x.b FROM l LEFT JOIN LATERAL (SELECT l.a AS b WHERE l.a > 1) x ON true ORDER BY 1')).toEqual([[1, null], [2, 2], [3, 3]]);
    expect(rows(db, 'SELECT l.a, x.n FROM l, LATERAL (SELECT count(*) AS n FROM l l2 WHERE l2.a <= l.a) x ORDER BY 1')).toEqual([[1, 1], [2, 2], [3, 3]]);
    // Functions in FROM read the items to their left as PostgreSQL's do (implicitly lateral).
    expect(rows(db, 'SELECT l.a, g FROM l, generate_series(1, l.a) g ORDER BY 1, 2')).toEqual([[1, 1], [2, 1], [2, 2], [3, 1], [3, 2], [3, 3]]);
    expect(rows(db, 'SELECT l.a, x FROM l CROSS JOIN LATERAL unnest(ARRAY[l.a, l.a * 10]) x WHERE l.a < 3 ORDER BY 1, 2')).toEqual([[1, 1], [1, 10], [2, 2], [2, 20]]);
    expect(rows(db, 'SELECT count(*) FROM l, generate_series(1, 2)')).toEqual([[6]]);
    expect(error(db, 'SELECT * FROM l RIGHT JOIN LATERAL (SELECT l.a) x ON true')).toMatchObject({ code: '42601' });
    db.close();
  });
});
