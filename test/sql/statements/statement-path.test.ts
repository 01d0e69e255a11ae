// The per-statement path of a prepared statement run again and again
// (Session.run / runAsync down to the engine): a single-row INSERT's
// parameters converted straight into its row (RunParams.readInto), the
// session's own statements (BEGIN, SET, ...) told apart from the ones it
// binds, Statement.run's changes worked out once per command string, and
// runAsync's autocommit without a { result, commit } pair.
import { describe, expect, it } from 'vitest';
import { FlintError } from '../../../src/errors.ts';
import { parseScript } from '../../../src/sql/parser.ts';
import { bindStatement, newSessionState } from '../../../src/sql/exec/statements.ts';
import type { RunOptions, RunParams } from '../../../src/sql/exec/statement-context.ts';
import { UTC } from '../../../src/sql/types/timezone.ts';
import type { RuntimeValue } from '../../../src/sql/types/type-info.ts';
import { memoryDb, rows } from './helpers.ts';

/** A prepared single-row INSERT bound by hand, run with `params` (engine and transaction from `db`). */
function runInsert(sql: string, params: RunParams): { table: unknown[][] } {
  const db = memoryDb();
  db.exec('CREATE TABLE t (id int PRIMARY KEY, name text, amount float8)');
  const engine = db.engine;
  const evalContext = { timeZone: UTC } as never;
  const paramTypes: RunOptions['paramTypes'] = [];
  const stmt = parseScript(sql)[0]!.statement;
  const bound = bindStatement(stmt, { engine, paramTypes, eval: evalContext, state: db.sqlState, session: newSessionState(), indexScans: true })!;
  const txn = engine.begin();
  bound.run({ engine, txn, params, paramTypes, eval: evalContext, state: db.sqlState, checkInterrupt: () => {} });
  engine.commit(txn);
  const table = rows(db, 'SELECT id, name, amount FROM t ORDER BY id');
  db.close();
  return { table };
}

/** Parameters that record how they are read: get(i), or readInto (as the session's StatementRun implements it). */
function recordingParams(values: readonly RuntimeValue[], calls: string[], withReadInto: boolean): RunParams {
  const get = (i: number): RuntimeValue => {
    if (i >= values.length) throw new FlintError('08P01', `there is no parameter $${i + 1}`);
    return values[i]!;
  };
  const params: RunParams = {
    get(i) {
      calls.push(`get ${i}`);
      return get(i);
    },
  };
  if (withReadInto) {
    params.readInto = (row, at, indexes, n) => {
      calls.push(`readInto ${indexes.slice(0, n).join(',')} -> ${at.slice(0, n).join(',')}`);
      for (let k = 0; k < n; k++) row[at[k]!] = get(indexes[k]!);
    };
  }
  return params;
}

describe('the prepared single-row INSERT reads its parameters', () => {
  it('in one readInto call where each parameter is read once, into the target columns', () => {
    const calls: string[] = [];
    const { table } = runInsert('INSERT INTO t (amount, id, name) VALUES ($3, $1, $2)', recordingParams([7, 'seven', 3.5], calls, true));
    expect(calls).toEqual(['readInto 2,0,1 -> 2,0,1']);
    expect(table).toEqual([[7, 'seven', 3.5]]);
  });

  it('through get() where a parameter repeats, or the parameters have no readInto', () => {
    const calls: string[] = [];
    const { table } = runInsert('INSERT INTO t (id, amount) VALUES ($1, $1)', recordingParams([4], calls, true));
    expect(calls).toEqual(['get 0', 'get 0']);
    expect(table).toEqual([[4, null, 4]]);
    calls.length = 0;
    expect(runInsert('INSERT INTO t VALUES ($1, $2, $3)', recordingParams([1, 'a', 2], calls, false)).table).toEqual([[1, 'a', 2]]);
    expect(calls).toEqual(['get 0', 'get 1', 'get 2']);
  });

  it('converts each value as get() does, with the same errors, through the public API', () => {
    const db = memoryDb();
    db.exec('CREATE TABLE t (id int PRIMARY KEY, big bigint, n numeric, at timestamptz, name varchar(3))');
    const insert = db.prepare('INSERT INTO t VALUES ($1, $2, $3, $4, $5)');
    db.transaction(() => {
      insert.run(1, 2n ** 40n, 1.25, new Date(86_400_000), 'abc');
      insert.run(2, 5, '2.50', '1970-01-03 00:00:00+00', null);
    })();
    expect(db.prepare('SELECT id, big, n::text, extract(epoch FROM at)::int, name FROM t ORDER BY id').raw().all()).toEqual([
      [1, 2 ** 40, '1.25', 86_400, 'abc'],
      [2, 5, '2.50', 172_800, null],
    ]);
    // Too few parameters: 08P01 for the first one missing, as get() reports it; a value too long for varchar(3): 22001.
    expect(() => insert.run(3, 1, 1)).toThrow(expect.objectContaining({ code: '08P01', message: 'there is no parameter $4' }));
    expect(() => insert.run(3, 1, 1, null, 'abcd')).toThrow(expect.objectContaining({ code: '22001' }));
    expect(() => insert.run('x', 1, 1, null, null)).toThrow(expect.objectContaining({ code: '22P02' }));
    expect(rows(db, 'SELECT count(*) FROM t')).toEqual([[2]]);
    db.close();
  });
});

describe('a prepared statement run again and again', () => {
  it('reports the changes of its own command each run, whatever the command string', () => {
    const db = memoryDb();
    db.exec('CREATE TABLE s (k int); INSERT INTO s VALUES (1), (2), (2); CREATE TABLE t (k int)');
    const copy = db.prepare('INSERT INTO t SELECT k FROM s WHERE k = $1');
    const count = db.prepare('SELECT count(*) FROM t');
    expect([copy.run(2).changes, copy.run(3).changes, copy.run(1).changes, copy.run(2).changes]).toEqual([2, 0, 1, 2]);
    expect(count.run().changes).toBe(0);
    const remove = db.prepare('DELETE FROM t WHERE k = $1');
    expect([remove.run(2).changes, remove.run(2).changes, remove.run(1).changes]).toEqual([4, 0, 1]);
    db.close();
  });

  it('sees DDL, SET and the session statements between two runs', async () => {
    const db = memoryDb();
    db.exec('CREATE TABLE t (id int PRIMARY KEY, v int)');
    const s = db.session();
    const insert = s.parse('INSERT INTO t VALUES ($1, $2)')[0]!.statement;
    const types: RunOptions['paramTypes'] = [];
    s.describe(insert, types);
    await s.runAsync(insert, [1, 10], types);
    s.execute('ALTER TABLE t ADD COLUMN w int DEFAULT 5');
    await s.runAsync(insert, [2, 20], types);
    s.execute('BEGIN; SET enable_indexscan = off');
    await s.runAsync(insert, [3, 30], types);
    expect(s.execute('SHOW enable_indexscan')[0]!.rows).toEqual([['off']]);
    s.execute('ROLLBACK');
    s.execute('DROP TABLE t');
    await expect(s.runAsync(insert, [4, 40], types)).rejects.toMatchObject({ code: '42P01' });
    s.execute('CREATE TABLE t (id int PRIMARY KEY, v text)');
    await s.runAsync(insert, [5, 50], types);
    expect(rows(db, 'SELECT id, v FROM t')).toEqual([[5, '50']]);
    s.close();
    db.close();
  });

  it('commits each autocommit runAsync, and rolls back the one that fails', async () => {
    const db = memoryDb();
    db.exec('CREATE TABLE t (id int PRIMARY KEY)');
    const s = db.session();
    const insert = s.parse('INSERT INTO t VALUES ($1)')[0]!.statement;
    const results = await Promise.all([1, 2, 3].map((id) => s.runAsync(insert, [id])));
    expect(results.map((r) => r.command)).toEqual(['INSERT 0 1', 'INSERT 0 1', 'INSERT 0 1']);
    await expect(s.runAsync(insert, [2])).rejects.toMatchObject({ code: '23505' });
    await s.runAsync(insert, [4]);
    expect(s.status).toBe('I');
    expect(rows(db, 'SELECT id FROM t ORDER BY id')).toEqual([[1], [2], [3], [4]]);
    s.close();
    db.close();
  });
});
