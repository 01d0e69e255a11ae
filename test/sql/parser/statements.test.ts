import { describe, expect, it } from 'vitest';
import { parse } from '../../../src/sql/index.ts';
import { one, parseError, shape } from './helpers.ts';

const col = (column: string, table: string | null = null) => ({ kind: 'columnRef', catalog: null, schema: null, table, column });
const int = (text: string) => ({ kind: 'number', text, form: 'integer' });
const type = (name: string, modifiers: number[] = []) => ({ kind: 'typeName', schema: null, name, modifiers, arrayBounds: [], intervalFields: null });

describe('INSERT', () => {
  it('reads columns, VALUES with DEFAULT, and RETURNING', () => {
    expect(shape(one('INSERT INTO s.t AS x (a, b) VALUES (1, DEFAULT), ($1, 2) RETURNING a, b AS bee'))).toEqual({
      kind: 'insert',
      with: null,
      table: { schema: 's', name: 't' },
      alias: 'x',
      columns: [{ name: 'a' }, { name: 'b' }],
      overriding: null,
      source: {
        kind: 'query',
        with: null,
        body: { kind: 'values', rows: [[int('1'), { kind: 'default' }], [{ kind: 'param', index: 1 }, int('2')]] },
        orderBy: [],
        limit: null,
        withTies: false,
        offset: null,
        locking: [],
      },
      onConflict: null,
      returning: [
        { kind: 'target', expr: col('a'), alias: null },
        { kind: 'target', expr: col('b'), alias: 'bee' },
      ],
    });
  });

  it('reads DEFAULT VALUES, SELECT sources and OVERRIDING', () => {
    expect(shape(one('INSERT INTO t DEFAULT VALUES'))).toMatchObject({ columns: null, source: null });
    expect(shape(one('INSERT INTO t SELECT * FROM u'))).toMatchObject({ columns: null, source: { body: { kind: 'select' } } });
    expect(shape(one('INSERT INTO t (SELECT * FROM u)'))).toMatchObject({ columns: null, source: { body: { kind: 'select' } } });
    expect(shape(one('INSERT INTO t (a) (SELECT 1) UNION (SELECT 2)'))).toMatchObject({ columns: [{ name: 'a' }], source: { body: { kind: 'setOp' } } });
    expect(shape(one('INSERT INTO t OVERRIDING USER VALUE VALUES (1)'))).toMatchObject({ overriding: 'user' });
  });

  it('reads ON CONFLICT', () => {
    expect(shape(one('INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING'))).toMatchObject({
      onConflict: { kind: 'onConflict', target: null, constraint: null, action: 'nothing', set: [], where: null },
    });
    expect(shape(one('INSERT INTO t VALUES (1) ON CONFLICT (a, lower(b)) WHERE c DO UPDATE SET a = EXCLUDED.a, (b, c) = (1, 2) WHERE t.a > 0'))).toMatchObject({
      onConflict: {
        target: [
          { kind: 'indexElem', column: 'a', expr: null },
          { kind: 'indexElem', column: null, expr: { kind: 'funcCall', name: 'lower' } },
        ],
        targetWhere: col('c'),
        action: 'update',
        set: [
          { kind: 'assign', column: { name: 'a' }, value: col('a', 'excluded') },
          { kind: 'multiAssign', columns: [{ name: 'b' }, { name: 'c' }], value: { kind: 'row' } },
        ],
        where: { kind: 'binaryOp' },
      },
    });
    expect(shape(one('INSERT INTO t VALUES (1) ON CONFLICT ON CONSTRAINT t_pkey DO NOTHING'))).toMatchObject({ onConflict: { constraint: 't_pkey', target: null } });
  });
});

describe('UPDATE and DELETE', () => {
  it('reads UPDATE with alias, FROM, WHERE and RETURNING', () => {
    expect(shape(one('UPDATE ONLY t AS x SET a = a + 1, (b, c) = (SELECT 1, 2) FROM u WHERE x.id = u.id RETURNING *'))).toMatchObject({
      kind: 'update',
      table: { name: 't' },
      alias: 'x',
      only: true,
      set: [
        { kind: 'assign', column: { name: 'a' }, value: { kind: 'binaryOp', op: '+' } },
        { kind: 'multiAssign', value: { kind: 'subquery' } },
      ],
      from: [{ kind: 'tableRef', name: { name: 'u' } }],
      where: { kind: 'binaryOp', op: '=' },
      returning: [{ expr: { kind: 'star' } }],
    });
    expect(shape(one('UPDATE t x SET a = 1'))).toMatchObject({ alias: 'x' });
    expect(shape(one('UPDATE t SET a = DEFAULT'))).toMatchObject({ alias: null, set: [{ value: { kind: 'default' } }] });
  });

  it('reads DELETE with alias, USING, WHERE and RETURNING', () => {
    expect(shape(one('DELETE FROM t AS x USING u, v WHERE x.a = u.a RETURNING x.*'))).toMatchObject({
      kind: 'delete',
      alias: 'x',
      using: [{ name: { name: 'u' } }, { name: { name: 'v' } }],
      returning: [{ expr: { kind: 'star', table: { name: 'x' } } }],
    });
    expect(shape(one('DELETE FROM t'))).toMatchObject({ where: null, using: [], returning: [] });
  });
});

describe('CREATE TABLE', () => {
  it('reads columns, types and column constraints', () => {
    const t = one(`CREATE TABLE IF NOT EXISTS app.users (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      name varchar(100) NOT NULL CONSTRAINT name_nonempty CHECK (name <> ''),
      email text NULL UNIQUE,
      org int REFERENCES orgs (id) ON DELETE SET NULL ON UPDATE CASCADE,
      score numeric(10, 2) DEFAULT 0 NOT NULL,
      created timestamptz DEFAULT now()
    )`);
    expect(shape(t)).toMatchObject({
      kind: 'createTable',
      name: { schema: 'app', name: 'users' },
      ifNotExists: true,
      temporary: false,
      columns: [
        { kind: 'columnDef', name: 'id', type: type('int8'), constraints: [{ kind: 'identity', always: true, options: [] }, { kind: 'primaryKey', columns: null }] },
        { name: 'name', type: type('varchar', [100]), constraints: [{ kind: 'notNull', name: null }, { kind: 'check', name: 'name_nonempty', expr: { op: '<>' } }] },
        { name: 'email', type: type('text'), constraints: [{ kind: 'nullable' }, { kind: 'unique', columns: null, nullsNotDistinct: false }] },
        { name: 'org', constraints: [{ kind: 'foreignKey', columns: null, refTable: { name: 'orgs' }, refColumns: [{ name: 'id' }], onDelete: 'setNull', onUpdate: 'cascade', match: 'simple' }] },
        { name: 'score', type: type('numeric', [10, 2]), constraints: [{ kind: 'columnDefault', expr: int('0') }, { kind: 'notNull' }] },
        { name: 'created', constraints: [{ kind: 'columnDefault', expr: { kind: 'funcCall', name: 'now' } }] },
      ],
      constraints: [],
      options: [],
      onCommit: null,
    });
  });

  it('reads table constraints and deferral', () => {
    const t = one(`CREATE TABLE t (a int, b int, c int,
      PRIMARY KEY (a, b),
      CONSTRAINT u UNIQUE NULLS NOT DISTINCT (c) DEFERRABLE INITIALLY DEFERRED,
      CHECK (a > 0) NO INHERIT,
      FOREIGN KEY (b, c) REFERENCES p (x, y) MATCH FULL ON DELETE RESTRICT)`);
    expect(shape(t)).toMatchObject({
      constraints: [
        { kind: 'primaryKey', name: null, columns: [{ name: 'a' }, { name: 'b' }], deferrable: false },
        { kind: 'unique', name: 'u', columns: [{ name: 'c' }], nullsNotDistinct: true, deferrable: true, initiallyDeferred: true },
        { kind: 'check', noInherit: true },
        { kind: 'foreignKey', columns: [{ name: 'b' }, { name: 'c' }], refColumns: [{ name: 'x' }, { name: 'y' }], match: 'full', onDelete: 'restrict', onUpdate: 'noAction' },
      ],
    });
  });

  it('canonicalises keyword type names like PostgreSQL', () => {
    const names: [string, string, number[]][] = [
      ['smallint', 'int2', []], ['int2', 'int2', []], ['integer', 'int4', []], ['int', 'int4', []], ['int4', 'int4', []],
      ['bigint', 'int8', []], ['int8', 'int8', []], ['real', 'float4', []], ['float4', 'float4', []], ['float', 'float8', []],
      ['float(24)', 'float4', []], ['float(25)', 'float8', []], ['float8', 'float8', []], ['double precision', 'float8', []],
      ['numeric', 'numeric', []], ['decimal(5)', 'numeric', [5]], ['dec(5, 2)', 'numeric', [5, 2]], ['boolean', 'bool', []],
      ['bool', 'bool', []], ['char', 'bpchar', [1]], ['character(3)', 'bpchar', [3]], ['varchar', 'varchar', []],
      ['character varying(9)', 'varchar', [9]], ['national character varying(2)', 'varchar', [2]], ['nchar(2)', 'bpchar', [2]],
      ['text', 'text', []], ['bytea', 'bytea', []], ['uuid', 'uuid', []], ['json', 'json', []], ['jsonb', 'jsonb', []],
      ['date', 'date', []], ['time', 'time', []], ['time(3) with time zone', 'timetz', [3]], ['timestamp', 'timestamp', []],
      ['timestamp without time zone', 'timestamp', []], ['timestamp(6) with time zone', 'timestamptz', [6]],
      ['timestamptz', 'timestamptz', []], ['interval', 'interval', []], ['interval(3)', 'interval', [3]], ['serial', 'serial', []],
      ['bigserial', 'bigserial', []], ['smallserial', 'smallserial', []], ['bit', 'bit', [1]], ['bit varying(5)', 'varbit', [5]],
      ['"char"', 'char', []],
    ];
    for (const [text, name, modifiers] of names) {
      const t = one(`CREATE TABLE t (c ${text})`);
      expect(t.kind === 'createTable' && shape(t.columns[0]!.type), text).toMatchObject({ name, modifiers });
    }
    const t = one('CREATE TABLE t (a int[], b text[3][], c int ARRAY, d interval day to second(2), e pg_catalog.int4)');
    expect(t.kind === 'createTable' && shape(t.columns.map((c) => c.type))).toEqual([
      { kind: 'typeName', schema: null, name: 'int4', modifiers: [], arrayBounds: [-1], intervalFields: null },
      { kind: 'typeName', schema: null, name: 'text', modifiers: [], arrayBounds: [3, -1], intervalFields: null },
      { kind: 'typeName', schema: null, name: 'int4', modifiers: [], arrayBounds: [-1], intervalFields: null },
      { kind: 'typeName', schema: null, name: 'interval', modifiers: [2], arrayBounds: [], intervalFields: 'day to second' },
      { kind: 'typeName', schema: 'pg_catalog', name: 'int4', modifiers: [], arrayBounds: [], intervalFields: null },
    ]);
    expect(parseError('CREATE TABLE t (a float(54))')).toMatchObject({ code: '22023', message: 'precision for type float must be less than 54 bits' });
  });

  it('reads storage parameters, generated columns, temporary tables', () => {
    expect(shape(one("CREATE TABLE t (a int) WITH (compression = 'lz4', fillfactor = 70, toast.enabled = true, flag)"))).toMatchObject({
      options: [
        { name: 'compression', value: 'lz4' },
        { name: 'fillfactor', value: '70' },
        { name: 'toast.enabled', value: 'true' },
        { name: 'flag', value: null },
      ],
    });
    expect(shape(one('CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) STORED, c int GENERATED BY DEFAULT AS IDENTITY (START WITH 5 INCREMENT BY 2))'))).toMatchObject({
      columns: [{}, { constraints: [{ kind: 'generated', stored: true, expr: { op: '*' } }] }, { constraints: [{ kind: 'identity', always: false, options: [{ option: 'start', value: '5' }, { option: 'increment', value: '2' }] }] }],
    });
    expect(shape(one('CREATE TEMPORARY TABLE t (a int) ON COMMIT DELETE ROWS'))).toMatchObject({ temporary: true, onCommit: 'deleteRows' });
    expect(shape(one('CREATE LOCAL TEMP TABLE t (a int)'))).toMatchObject({ temporary: true });
    expect(shape(one('CREATE UNLOGGED TABLE t (a int)'))).toMatchObject({ unlogged: true });
    expect(shape(one('CREATE TABLE t (a text COLLATE "C" NOT NULL)'))).toMatchObject({ columns: [{ collation: { name: 'C' }, constraints: [{ kind: 'notNull' }] }] });
  });

  it('reads CREATE TABLE AS', () => {
    expect(shape(one('CREATE TABLE t2 (x, y) AS SELECT 1, 2 WITH NO DATA'))).toMatchObject({ kind: 'createTableAs', columns: ['x', 'y'], withData: false, query: { kind: 'query' } });
    expect(shape(one('CREATE TABLE IF NOT EXISTS t2 AS TABLE t'))).toMatchObject({ kind: 'createTableAs', ifNotExists: true, columns: null, withData: true });
  });
});

describe('other DDL', () => {
  it('reads CREATE INDEX', () => {
    expect(shape(one('CREATE UNIQUE INDEX IF NOT EXISTS i ON s.t USING btree (a DESC NULLS LAST, (b + 1), lower(c) text_pattern_ops) INCLUDE (d) WHERE a > 0'))).toMatchObject({
      kind: 'createIndex',
      name: 'i',
      table: { schema: 's', name: 't' },
      unique: true,
      ifNotExists: true,
      concurrently: false,
      method: 'btree',
      elements: [
        { kind: 'indexElem', column: 'a', expr: null, desc: true, nulls: 'last', opclass: null },
        { column: null, expr: { kind: 'binaryOp' } },
        { column: null, expr: { kind: 'funcCall', name: 'lower' }, opclass: { name: 'text_pattern_ops' } },
      ],
      include: [{ name: 'd' }],
      where: { kind: 'binaryOp' },
    });
    expect(shape(one('CREATE INDEX ON t (a)'))).toMatchObject({ name: null, unique: false, method: null });
    expect(shape(one('CREATE INDEX CONCURRENTLY i ON t USING hash (a)'))).toMatchObject({ concurrently: true, method: 'hash' });
  });

  it('reads DROP statements', () => {
    expect(shape(one('DROP TABLE IF EXISTS a, s.b CASCADE'))).toEqual({
      kind: 'drop', objectType: 'table', names: [{ schema: null, name: 'a' }, { schema: 's', name: 'b' }], ifExists: true, cascade: true, concurrently: false,
    });
    expect(shape(one('DROP TABLE a RESTRICT'))).toMatchObject({ ifExists: false, cascade: false });
    expect(shape(one('DROP INDEX CONCURRENTLY IF EXISTS i'))).toMatchObject({ objectType: 'index', concurrently: true, ifExists: true });
    expect(shape(one('DROP VIEW v'))).toMatchObject({ objectType: 'view' });
    expect(shape(one('DROP SEQUENCE s'))).toMatchObject({ objectType: 'sequence' });
    expect(shape(one('DROP SCHEMA s CASCADE'))).toMatchObject({ objectType: 'schema', cascade: true });
  });

  it('reads CREATE VIEW with its definition text', () => {
    const sql = 'CREATE OR REPLACE VIEW v (a, b) AS SELECT x, y FROM t WHERE x > 1 WITH CASCADED CHECK OPTION';
    expect(shape(one(sql))).toMatchObject({
      kind: 'createView', orReplace: true, columns: ['a', 'b'], definition: 'SELECT x, y FROM t WHERE x > 1', checkOption: 'cascaded', query: { kind: 'query' },
    });
    expect(shape(one('CREATE TEMP VIEW v AS VALUES (1)'))).toMatchObject({ temporary: true, checkOption: null, definition: 'VALUES (1)' });
  });

  it('reads ALTER TABLE actions', () => {
    const t = one(`ALTER TABLE IF EXISTS ONLY t
      ADD COLUMN IF NOT EXISTS c int DEFAULT 1,
      ADD d text,
      ADD CONSTRAINT c_pos CHECK (c > 0),
      ADD PRIMARY KEY (a),
      DROP COLUMN IF EXISTS e CASCADE,
      DROP f,
      DROP CONSTRAINT IF EXISTS g,
      ALTER COLUMN h SET DEFAULT 0,
      ALTER i DROP DEFAULT,
      ALTER j SET NOT NULL,
      ALTER k DROP NOT NULL,
      ALTER l TYPE bigint USING l::bigint,
      ALTER m SET DATA TYPE text COLLATE "C",
      SET (fillfactor = 50),
      RESET (fillfactor)`);
    expect(shape(t)).toMatchObject({
      kind: 'alterTable',
      ifExists: true,
      only: true,
      actions: [
        { kind: 'addColumn', ifNotExists: true, column: { name: 'c', constraints: [{ kind: 'columnDefault' }] } },
        { kind: 'addColumn', ifNotExists: false, column: { name: 'd' } },
        { kind: 'addConstraint', constraint: { kind: 'check', name: 'c_pos' } },
        { kind: 'addConstraint', constraint: { kind: 'primaryKey', columns: [{ name: 'a' }] } },
        { kind: 'dropColumn', column: { name: 'e' }, ifExists: true, cascade: true },
        { kind: 'dropColumn', column: { name: 'f' }, ifExists: false, cascade: false },
        { kind: 'dropConstraint', constraint: { name: 'g' }, ifExists: true },
        { kind: 'setDefault', column: { name: 'h' }, expr: int('0') },
        { kind: 'dropDefault', column: { name: 'i' } },
        { kind: 'setNotNull', column: { name: 'j' } },
        { kind: 'dropNotNull', column: { name: 'k' } },
        { kind: 'alterType', column: { name: 'l' }, type: { name: 'int8' }, using: { kind: 'cast' } },
        { kind: 'alterType', column: { name: 'm' }, type: { name: 'text' }, collation: { name: 'C' }, using: null },
        { kind: 'setOptions', options: [{ name: 'fillfactor', value: '50' }] },
        { kind: 'resetOptions', names: ['fillfactor'] },
      ],
    });
  });

  it('reads ALTER TABLE RENAME forms as the only action', () => {
    expect(shape(one('ALTER TABLE t RENAME TO u'))).toMatchObject({ actions: [{ kind: 'renameTable', newName: 'u' }] });
    expect(shape(one('ALTER TABLE t RENAME COLUMN a TO b'))).toMatchObject({ actions: [{ kind: 'renameColumn', column: { name: 'a' }, newName: 'b' }] });
    expect(shape(one('ALTER TABLE t RENAME a TO b'))).toMatchObject({ actions: [{ kind: 'renameColumn' }] });
    expect(shape(one('ALTER TABLE t RENAME CONSTRAINT a TO b'))).toMatchObject({ actions: [{ kind: 'renameConstraint' }] });
    expect(parseError('ALTER TABLE t RENAME TO u, ADD c int').message).toBe('syntax error at or near ","');
  });

  it('reads TRUNCATE', () => {
    expect(shape(one('TRUNCATE TABLE a, ONLY b RESTART IDENTITY CASCADE'))).toEqual({
      kind: 'truncate', tables: [{ schema: null, name: 'a' }, { schema: null, name: 'b' }], restartIdentity: true, cascade: true,
    });
    expect(shape(one('TRUNCATE t'))).toMatchObject({ restartIdentity: false, cascade: false });
  });

  it('reads sequences and schemas', () => {
    expect(shape(one('CREATE SEQUENCE IF NOT EXISTS s AS bigint INCREMENT BY -1 MINVALUE -10 NO MAXVALUE START WITH -1 CACHE 5 NO CYCLE OWNED BY t.c'))).toMatchObject({
      kind: 'createSequence',
      ifNotExists: true,
      options: [
        { option: 'as', type: { name: 'int8' } },
        { option: 'increment', value: '-1' },
        { option: 'minvalue', value: '-10' },
        { option: 'maxvalue', value: null },
        { option: 'start', value: '-1' },
        { option: 'cache', value: '5' },
        { option: 'cycle', value: false },
        { option: 'ownedBy', column: ['t', 'c'] },
      ],
    });
    expect(shape(one('ALTER SEQUENCE s RESTART'))).toMatchObject({ kind: 'alterSequence', options: [{ option: 'restart', value: null }] });
    expect(shape(one('CREATE SCHEMA IF NOT EXISTS app AUTHORIZATION bob'))).toEqual({ kind: 'createSchema', name: 'app', ifNotExists: true, authorization: 'bob' });
  });

  it('reads roles', () => {
    expect(shape(one("CREATE ROLE app WITH LOGIN SUPERUSER NOCREATEDB PASSWORD 'x' CONNECTION LIMIT 5 VALID UNTIL 'infinity' IN ROLE a, b"))).toEqual({
      kind: 'createRole',
      name: 'app',
      isUser: false,
      options: [
        { name: 'login', value: true },
        { name: 'superuser', value: true },
        { name: 'createdb', value: false },
        { name: 'password', value: 'x' },
        { name: 'connectionLimit', value: '5' },
        { name: 'validUntil', value: 'infinity' },
        { name: 'inRole', value: ['a', 'b'] },
      ],
    });
    expect(shape(one('CREATE USER bob'))).toEqual({ kind: 'createRole', name: 'bob', isUser: true, options: [] });
    expect(shape(one('ALTER USER bob WITH ENCRYPTED PASSWORD NULL'))).toEqual({ kind: 'alterRole', name: 'bob', options: [{ name: 'password', value: null }] });
    expect(shape(one('DROP ROLE IF EXISTS a, b'))).toEqual({ kind: 'dropRole', names: ['a', 'b'], ifExists: true });
    expect(shape(one('DROP USER a'))).toEqual({ kind: 'dropRole', names: ['a'], ifExists: false });
  });
});

describe('transactions and session', () => {
  it('reads transaction statements', () => {
    expect(shape(parse('BEGIN; BEGIN WORK; BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY; START TRANSACTION READ WRITE, DEFERRABLE'))).toEqual([
      { kind: 'begin', isolationLevel: null, readOnly: null, deferrable: null },
      { kind: 'begin', isolationLevel: null, readOnly: null, deferrable: null },
      { kind: 'begin', isolationLevel: 'repeatable read', readOnly: true, deferrable: null },
      { kind: 'begin', start: true, isolationLevel: null, readOnly: false, deferrable: true },
    ]);
    expect(shape(parse('COMMIT; END WORK; COMMIT AND CHAIN; ROLLBACK; ABORT TRANSACTION; ROLLBACK AND NO CHAIN'))).toEqual([
      { kind: 'commit', chain: false },
      { kind: 'commit', chain: false },
      { kind: 'commit', chain: true },
      { kind: 'rollback', chain: false },
      { kind: 'rollback', chain: false },
      { kind: 'rollback', chain: false },
    ]);
    expect(shape(parse('SAVEPOINT s; RELEASE SAVEPOINT s; RELEASE s; ROLLBACK TO SAVEPOINT s; ROLLBACK WORK TO s'))).toEqual([
      { kind: 'savepoint', name: 's' },
      { kind: 'releaseSavepoint', name: 's' },
      { kind: 'releaseSavepoint', name: 's' },
      { kind: 'rollbackToSavepoint', name: 's' },
      { kind: 'rollbackToSavepoint', name: 's' },
    ]);
    expect(shape(one('SET TRANSACTION ISOLATION LEVEL READ COMMITTED'))).toEqual({ kind: 'setTransaction', session: false, isolationLevel: 'read committed', readOnly: null, deferrable: null });
  });

  it('reads SET in its forms', () => {
    expect(shape(parse(`SET search_path TO "$user", public; SET LOCAL x.y = 5; SET SESSION z = DEFAULT; SET a = -1.5, 'b', on`))).toEqual([
      { kind: 'set', name: 'search_path', local: false, values: [{ type: 'word', value: '$user' }, { type: 'word', value: 'public' }] },
      { kind: 'set', name: 'x.y', local: true, values: [{ type: 'number', value: '5' }] },
      { kind: 'set', name: 'z', local: false, values: null },
      { kind: 'set', name: 'a', local: false, values: [{ type: 'number', value: '-1.5' }, { type: 'string', value: 'b' }, { type: 'word', value: 'on' }] },
    ]);
    expect(shape(parse("SET TIME ZONE 'UTC'; SET TIME ZONE LOCAL; SET NAMES 'UTF8'; SET SCHEMA 'app'; SET ROLE admin; SET SESSION AUTHORIZATION DEFAULT"))).toEqual([
      { kind: 'set', name: 'timezone', local: false, values: [{ type: 'string', value: 'UTC' }] },
      { kind: 'set', name: 'timezone', local: false, values: null },
      { kind: 'set', name: 'client_encoding', local: false, values: [{ type: 'string', value: 'UTF8' }] },
      { kind: 'set', name: 'search_path', local: false, values: [{ type: 'string', value: 'app' }] },
      { kind: 'set', name: 'role', local: false, values: [{ type: 'word', value: 'admin' }] },
      { kind: 'set', name: 'session_authorization', local: false, values: null },
    ]);
  });

  it('reads SHOW, RESET and DISCARD', () => {
    expect(shape(parse('SHOW ALL; SHOW TIME ZONE; SHOW TRANSACTION ISOLATION LEVEL; show Work_Mem; RESET ALL; RESET x.y; DISCARD ALL; DISCARD TEMP'))).toEqual([
      { kind: 'show', name: 'all' },
      { kind: 'show', name: 'timezone' },
      { kind: 'show', name: 'transaction_isolation' },
      { kind: 'show', name: 'work_mem' },
      { kind: 'reset', name: 'all' },
      { kind: 'reset', name: 'x.y' },
      { kind: 'discard', target: 'all' },
      { kind: 'discard', target: 'temp' },
    ]);
  });
});

describe('utility statements', () => {
  it('reads EXPLAIN in both styles', () => {
    expect(shape(one('EXPLAIN ANALYZE VERBOSE SELECT 1'))).toMatchObject({
      kind: 'explain', options: [{ name: 'analyze', value: null }, { name: 'verbose', value: null }], statement: { kind: 'query' },
    });
    expect(shape(one('EXPLAIN (ANALYZE, FORMAT TEXT, COSTS false) DELETE FROM t'))).toMatchObject({
      options: [{ name: 'analyze', value: null }, { name: 'format', value: 'text' }, { name: 'costs', value: 'false' }],
      statement: { kind: 'delete' },
    });
    expect(shape(one('EXPLAIN SELECT 1'))).toMatchObject({ options: [] });
  });

  it('reads VACUUM and ANALYZE', () => {
    expect(shape(one('VACUUM'))).toEqual({ kind: 'vacuum', options: [], tables: [] });
    expect(shape(one('VACUUM FULL ANALYZE t (a), u'))).toEqual({
      kind: 'vacuum',
      options: [{ name: 'full', value: null }, { name: 'analyze', value: null }],
      tables: [{ table: { schema: null, name: 't' }, columns: [{ name: 'a' }] }, { table: { schema: null, name: 'u' }, columns: [] }],
    });
    expect(shape(one('VACUUM (VERBOSE, PARALLEL 2) t'))).toMatchObject({ options: [{ name: 'verbose' }, { name: 'parallel', value: '2' }] });
    expect(shape(one('ANALYZE VERBOSE t'))).toMatchObject({ kind: 'analyze', options: [{ name: 'verbose' }], tables: [{ table: { name: 't' } }] });
  });

  it('reads COPY in the new and the old option styles', () => {
    expect(shape(one("COPY t (a, b) FROM STDIN WITH (FORMAT csv, HEADER, DELIMITER '|', NULL 'x', FORCE_NULL (a))"))).toEqual({
      kind: 'copy',
      table: { schema: null, name: 't' },
      columns: [{ name: 'a' }, { name: 'b' }],
      query: null,
      direction: 'from',
      stdio: true,
      filename: null,
      program: false,
      options: [
        { name: 'format', value: 'csv' },
        { name: 'header', value: null },
        { name: 'delimiter', value: '|' },
        { name: 'null', value: 'x' },
        { name: 'force_null', value: ['a'] },
      ],
      where: null,
    });
    expect(shape(one("COPY t TO STDOUT WITH CSV HEADER DELIMITER AS ';' FORCE QUOTE a, b"))).toMatchObject({
      direction: 'to',
      options: [{ name: 'format', value: 'csv' }, { name: 'header' }, { name: 'delimiter', value: ';' }, { name: 'force_quote', value: ['a', 'b'] }],
    });
    expect(shape(one('COPY (SELECT 1) TO STDOUT (FORMAT binary)'))).toMatchObject({ table: null, query: { kind: 'query' }, options: [{ name: 'format', value: 'binary' }] });
    expect(shape(one("COPY t FROM '/data/x.csv' WHERE a > 1"))).toMatchObject({ stdio: false, filename: '/data/x.csv', where: { kind: 'binaryOp' } });
    expect(shape(one("COPY t TO PROGRAM 'gzip > x.gz'"))).toMatchObject({ program: true, filename: 'gzip > x.gz' });
  });

  it('reads PREPARE, EXECUTE and DEALLOCATE', () => {
    expect(shape(one('PREPARE q (int, text) AS SELECT $1, $2'))).toMatchObject({ kind: 'prepare', name: 'q', paramTypes: [{ name: 'int4' }, { name: 'text' }], statement: { kind: 'query' } });
    expect(shape(one("EXECUTE q (1, 'a')"))).toMatchObject({ kind: 'execute', name: 'q', params: [{ text: '1' }, { value: 'a' }] });
    expect(shape(one('DEALLOCATE PREPARE q'))).toEqual({ kind: 'deallocate', name: 'q' });
    expect(shape(one('DEALLOCATE ALL'))).toEqual({ kind: 'deallocate', name: null });
  });

  it('reads CHECKPOINT, LISTEN, UNLISTEN and NOTIFY', () => {
    expect(shape(parse("CHECKPOINT; LISTEN c; UNLISTEN *; UNLISTEN c; NOTIFY c; NOTIFY c, 'x'"))).toEqual([
      { kind: 'checkpoint' },
      { kind: 'listen', channel: 'c' },
      { kind: 'unlisten', channel: null },
      { kind: 'unlisten', channel: 'c' },
      { kind: 'notify', channel: 'c', payload: null },
      { kind: 'notify', channel: 'c', payload: 'x' },
    ]);
  });
});
