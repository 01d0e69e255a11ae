// Sequences: CREATE / ALTER / DROP SEQUENCE, nextval, currval, setval,
// lastval, and the sequences behind serial and identity columns, against
// PostgreSQL 15.
import { describe, expect, it } from 'vitest';
import { error, memoryDb, rows, sessionOf, tag } from './helpers.ts';

describe('sequence functions', () => {
  it('nextval, currval, lastval, setval', () => {
    const db = memoryDb();
    expect(tag(db, 'CREATE SEQUENCE s')).toBe('CREATE SEQUENCE');
    expect(error(db, "SELECT currval('s')")).toMatchObject({ code: '55000', message: 'currval of sequence "s" is not yet defined in this session' });
    expect(error(db, 'SELECT lastval()')).toMatchObject({ code: '55000', message: 'lastval is not yet defined in this session' });
    expect(rows(db, "SELECT nextval('s'), nextval('s'), currval('s'), lastval()")).toEqual([[1, 2, 2, 2]]);
    expect(rows(db, "SELECT setval('s', 10), nextval('s')")).toEqual([[10, 11]]);
    expect(rows(db, "SELECT setval('s', 10, false), nextval('s')")).toEqual([[10, 10]]);
    expect(error(db, "SELECT setval('s', 0)")).toMatchObject({ code: '22003', message: 'setval: value 0 is out of bounds for sequence "s" (1..9223372036854775807)' });
    db.close();
  });

  it('options: START, INCREMENT, MAXVALUE, CYCLE, descending, AS', () => {
    const db = memoryDb();
    rows(db, 'CREATE SEQUENCE a START 10 INCREMENT BY 5; CREATE SEQUENCE b MAXVALUE 2; CREATE SEQUENCE c INCREMENT -1 MINVALUE -3 CYCLE');
    expect(rows(db, "SELECT nextval('a'), nextval('a')")).toEqual([[10, 15]]);
    expect(rows(db, "SELECT nextval('b'), nextval('b')")).toEqual([[1, 2]]);
    expect(error(db, "SELECT nextval('b')")).toMatchObject({ code: '2200H', message: 'nextval: reached maximum value of sequence "b" (2)' });
    expect(rows(db, "SELECT nextval('c'), nextval('c'), nextval('c'), nextval('c')")).toEqual([[-1, -2, -3, -1]]);
    rows(db, 'CREATE SEQUENCE d AS smallint');
    expect(rows(db, "SELECT setval('d', 32767)")).toEqual([[32767]]);
    expect(error(db, "SELECT nextval('d')")).toMatchObject({ code: '2200H', message: 'nextval: reached maximum value of sequence "d" (32767)' });
    db.close();
  });

  it('names: quoted, schema-qualified, missing, not a sequence', () => {
    const db = memoryDb();
    rows(db, 'CREATE SEQUENCE "MySeq"; CREATE TABLE t (a int)');
    expect(rows(db, `SELECT nextval('"MySeq"'), nextval('public."MySeq"')`)).toEqual([[1, 2]]);
    expect(error(db, "SELECT nextval('myseq')")).toMatchObject({ code: '42P01', message: 'relation "myseq" does not exist' });
    expect(error(db, "SELECT nextval('t')")).toMatchObject({ code: '42809', message: '"t" is not a sequence' });
    db.close();
  });

  it('nextval is not transactional: a rollback does not give values back', () => {
    const db = memoryDb();
    rows(db, 'CREATE SEQUENCE s');
    rows(db, "BEGIN; SELECT nextval('s'); SELECT nextval('s'); ROLLBACK");
    expect(rows(db, "SELECT nextval('s')")).toEqual([[3]]);
    db.close();
  });

  it('currval and lastval are per session; values are shared', () => {
    const db = memoryDb();
    rows(db, 'CREATE SEQUENCE s');
    const other = db.session();
    expect(rows(db, "SELECT nextval('s')")).toEqual([[1]]);
    expect(error(other, "SELECT currval('s')")).toMatchObject({ code: '55000' });
    expect(rows(other, "SELECT nextval('s')")).toEqual([[2]]);
    expect(rows(sessionOf(db), "SELECT currval('s')")).toEqual([[1]]);
    db.close();
  });
});

describe('CREATE / ALTER / DROP SEQUENCE', () => {
  it('option errors as PostgreSQL reports them (22023)', () => {
    const db = memoryDb();
    expect(error(db, 'CREATE SEQUENCE s INCREMENT 0')).toMatchObject({ code: '22023', message: 'INCREMENT must not be zero' });
    expect(error(db, 'CREATE SEQUENCE s MINVALUE 10 MAXVALUE 5')).toMatchObject({ code: '22023', message: 'MINVALUE (10) must be less than MAXVALUE (5)' });
    expect(error(db, 'CREATE SEQUENCE s START 0')).toMatchObject({ code: '22023', message: 'START value (0) cannot be less than MINVALUE (1)' });
    expect(error(db, 'CREATE SEQUENCE s AS text')).toMatchObject({ code: '22023', message: 'sequence type must be smallint, integer, or bigint' });
    expect(error(db, 'CREATE SEQUENCE s AS int MAXVALUE 99999999999')).toMatchObject({ code: '22023', message: 'MAXVALUE (99999999999) is out of range for sequence data type integer' });
    expect(error(db, 'CREATE SEQUENCE s CACHE 0')).toMatchObject({ code: '22023', message: 'CACHE (0) must be greater than zero' });
    expect(db.engine.table('s')).toBeUndefined();
    db.close();
  });

  it('names are shared with tables; IF NOT EXISTS', () => {
    const db = memoryDb();
    rows(db, 'CREATE SEQUENCE s');
    expect(error(db, 'CREATE SEQUENCE s')).toMatchObject({ code: '42P07', message: 'relation "s" already exists' });
    expect(tag(db, 'CREATE SEQUENCE IF NOT EXISTS s')).toBe('CREATE SEQUENCE');
    expect(error(db, 'CREATE TABLE s (a int)')).toMatchObject({ code: '42P07' });
    db.close();
  });

  it('ALTER SEQUENCE RESTART, INCREMENT, MAXVALUE carry on from where it is', () => {
    const db = memoryDb();
    rows(db, "CREATE SEQUENCE s; SELECT nextval('s')");
    rows(db, 'ALTER SEQUENCE s RESTART WITH 50');
    expect(rows(db, "SELECT nextval('s')")).toEqual([[50]]);
    rows(db, 'ALTER SEQUENCE s INCREMENT BY 10');
    expect(rows(db, "SELECT nextval('s'), nextval('s')")).toEqual([[60, 70]]);
    rows(db, 'ALTER SEQUENCE s MAXVALUE 75');
    expect(error(db, "SELECT nextval('s')")).toMatchObject({ code: '2200H' });
    rows(db, 'ALTER SEQUENCE s RESTART');
    expect(rows(db, "SELECT nextval('s')")).toEqual([[1]]);
    expect(error(db, 'ALTER SEQUENCE nope RESTART')).toMatchObject({ code: '42P01' });
    expect(tag(db, 'ALTER SEQUENCE IF EXISTS nope RESTART')).toBe('ALTER SEQUENCE');
    db.close();
  });

  it('DROP SEQUENCE; errors for missing, wrong kind and dependents', () => {
    const db = memoryDb();
    rows(db, 'CREATE SEQUENCE s; CREATE TABLE t (a int)');
    expect(tag(db, 'DROP SEQUENCE s')).toBe('DROP SEQUENCE');
    expect(error(db, "SELECT nextval('s')")).toMatchObject({ code: '42P01' });
    expect(error(db, 'DROP SEQUENCE s')).toMatchObject({ code: '42P01', message: 'sequence "s" does not exist' });
    expect(tag(db, 'DROP SEQUENCE IF EXISTS s')).toBe('DROP SEQUENCE');
    expect(error(db, 'DROP SEQUENCE t')).toMatchObject({ code: '42809', message: '"t" is not a sequence', hint: 'Use DROP TABLE to remove a table.' });
    rows(db, 'CREATE TABLE u (id serial, g int GENERATED ALWAYS AS IDENTITY)');
    expect(error(db, 'DROP SEQUENCE u_id_seq')).toMatchObject({
      code: '2BP01', message: 'cannot drop sequence u_id_seq because other objects depend on it',
      detail: 'default value for column id of table u depends on sequence u_id_seq',
    });
    expect(error(db, 'DROP SEQUENCE u_g_seq')).toMatchObject({
      code: '2BP01', message: 'cannot drop sequence u_g_seq because column g of table u requires it', hint: 'You can drop column g of table u instead.',
    });
    rows(db, 'DROP SEQUENCE u_id_seq CASCADE');
    expect(error(db, 'INSERT INTO u DEFAULT VALUES')).toMatchObject({ code: '23502' });
    db.close();
  });
});

describe('serial and identity columns', () => {
  it('draw from their own sequence; lastInsertId reports the value', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE a (id serial PRIMARY KEY, v text); CREATE TABLE b (id bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 100 INCREMENT BY 10), v text)');
    expect(rows(db, "INSERT INTO a (v) VALUES ('x'), ('y') RETURNING id")).toEqual([[1], [2]]);
    expect(db.prepare("INSERT INTO b (v) VALUES ('x')").run()).toEqual({ changes: 1, lastInsertId: 100 });
    expect(rows(db, "INSERT INTO b VALUES (5, 'explicit'), (DEFAULT, 'z') RETURNING id")).toEqual([[5], [110]]);
    expect(rows(db, "SELECT nextval('a_id_seq')")).toEqual([[3]]);
    // The sequence belongs to the table: it goes with it.
    rows(db, 'DROP TABLE a');
    expect(error(db, "SELECT nextval('a_id_seq')")).toMatchObject({ code: '42P01' });
    db.close();
  });

  it('a taken name gets a number; TRUNCATE RESTART IDENTITY restarts', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t_id_seq (x int); CREATE TABLE t (id serial, v int)');
    rows(db, 'INSERT INTO t (v) VALUES (1), (2)');
    expect(rows(db, "SELECT currval('t_id_seq1')")).toEqual([[2]]);
    rows(db, 'TRUNCATE t RESTART IDENTITY');
    expect(rows(db, 'INSERT INTO t (v) VALUES (3) RETURNING id')).toEqual([[1]]);
    db.close();
  });

  it('definition errors: DEFAULT with serial or identity, identity on a non-integer', () => {
    const db = memoryDb();
    expect(error(db, 'CREATE TABLE t (id serial DEFAULT 5)')).toMatchObject({ code: '42601', message: 'multiple default values specified for column "id" of table "t"' });
    expect(error(db, 'CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY DEFAULT 5)')).toMatchObject({ code: '42601', message: 'both default and identity specified for column "id" of table "t"' });
    expect(error(db, 'CREATE TABLE t (id text GENERATED ALWAYS AS IDENTITY)')).toMatchObject({ code: '22023', message: 'identity column type must be smallint, integer, or bigint' });
    expect(db.engine.tables.map((t) => t.name)).toEqual([]);
    db.close();
  });
});
