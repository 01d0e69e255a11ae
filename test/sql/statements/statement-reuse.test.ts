// What a prepared query keeps from run to run instead of making it anew
// (a point select's garbage): the session's read-only autocommit
// transaction (Engine.begin's spare), the bound query's execution context,
// planRows' row collector, and an equality probe's range. Each is kept only
// while no run has it: the same statement run inside its own run (here
// from its parameter read, which the probe calls) gets its own, and a run
// that fails half way leaves nothing behind for the next.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../../src/db/database.ts';
import { FlintError } from '../../../src/errors.ts';
import { parseScript } from '../../../src/sql/parser.ts';
import { bindStatement, newSessionState } from '../../../src/sql/exec/statements.ts';
import type { RunOptions, RunParams } from '../../../src/sql/exec/statement-context.ts';
import { UTC } from '../../../src/sql/types/timezone.ts';
import type { RuntimeValue } from '../../../src/sql/types/type-info.ts';
import { Engine } from '../../../src/txn/engine.ts';
import { Transaction } from '../../../src/txn/transaction.ts';
import { memoryDb } from './helpers.ts';

function loaded(): Database {
  const db = memoryDb();
  db.exec('CREATE TABLE t (id int PRIMARY KEY, name text)');
  db.exec("INSERT INTO t SELECT g, 'n' || g FROM generate_series(1, 40) g");
  return db;
}

/** The transactions Engine.begin hands out, in order. */
function recordBegins(): Transaction[] {
  const begun: Transaction[] = [];
  const begin = Engine.prototype.begin;
  vi.spyOn(Engine.prototype, 'begin').mockImplementation(function (this: Engine, spare?: Transaction | null) {
    const txn = begin.call(this, spare);
    begun.push(txn);
    return txn;
  });
  return begun;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a read-only autocommit transaction is begun again in the same object', () => {
  it('Engine.begin(spare) resets a committed read-only transaction to what a new one is', () => {
    const db = loaded();
    const engine = db.engine;
    const first = engine.begin();
    engine.commit(first);
    const again = engine.begin(first);
    expect(again).toBe(first);
    expect({ ...again }).toEqual({ ...new Transaction(again.snapshot), liveIndex: again.liveIndex });
    expect(again.isActive).toBe(true);
    engine.commit(again);
    // Not one still active, one that rolled back, or one that wrote (a txid) and committed.
    const active = engine.begin();
    expect(engine.begin(active)).not.toBe(active);
    const rolledBack = engine.begin();
    engine.rollback(rolledBack);
    expect(engine.begin(rolledBack)).not.toBe(rolledBack);
    const begun = recordBegins();
    db.exec("INSERT INTO t VALUES (100, 'w')");
    const writer = begun[0]!;
    expect(writer.txid).not.toBe(0);
    expect(writer.state).toBe('committed');
    expect(engine.begin(writer)).not.toBe(writer);
    db.close();
  });

  it('a session begins its next autocommit statement in its last read-only one', () => {
    const db = loaded();
    const begun = recordBegins();
    const get = db.prepare('SELECT name FROM t WHERE id = $1').raw();
    expect(get.get(3)).toEqual(['n3']);
    expect(get.get(4)).toEqual(['n4']);
    expect(db.prepare('SELECT count(*) FROM t').raw().get()).toEqual([40]);
    expect(begun.length).toBe(3);
    expect(begun[1]).toBe(begun[0]);
    expect(begun[2]).toBe(begun[0]);
    // A write takes a txid: its transaction is not kept, the statement after it begins a new one.
    db.prepare('UPDATE t SET name = $2 WHERE id = $1').run(3, 'x');
    expect(get.get(3)).toEqual(['x']);
    expect(begun[3]).toBe(begun[0]);
    expect(begun[4]).not.toBe(begun[0]);
    expect(begun[4]!.state).toBe('committed');
    db.close();
  });

  it('each statement still takes its own snapshot: another session commit in between is seen', async () => {
    const db = loaded();
    const begun = recordBegins();
    const get = db.prepare('SELECT name FROM t WHERE id = $1').raw();
    expect(get.get(41)).toBeUndefined();
    const other = db.session();
    await other.query("INSERT INTO t VALUES (41, 'new')");
    expect(get.get(41)).toEqual(['new']);
    expect(begun.at(-1)).toBe(begun[0]);
    db.close();
  });

  it('a failed statement rolls back its transaction and the next begins a new one', () => {
    const db = loaded();
    const begun = recordBegins();
    const get = db.prepare('SELECT 10 / id FROM t WHERE id = $1').raw();
    expect(get.get(5)).toEqual([2]);
    db.exec('INSERT INTO t VALUES (0, \'zero\')');
    expect(() => get.get(0)).toThrow(FlintError);
    const failed = begun.at(-1)!;
    expect(failed.state).toBe('aborted');
    expect(get.get(5)).toEqual([2]);
    expect(begun.at(-1)).not.toBe(failed);
    expect(begun.at(-1)!.state).toBe('committed');
    db.close();
  });

  it('a block begun after a read may take the kept transaction, and its snapshot holds for REPEATABLE READ', async () => {
    const db = loaded();
    const s = db.session();
    await s.query('SELECT name FROM t WHERE id = 1');
    await s.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    expect((await s.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 40 }]);
    db.exec("INSERT INTO t VALUES (50, 'later')");
    expect((await s.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 40 }]);
    await s.query('COMMIT');
    expect((await s.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 41 }]);
    db.close();
  });
});

/** A prepared query (a point select by default) bound by hand: run(params) runs it in a transaction of its own. */
function boundPointSelect(db: Database, sql = 'SELECT id, name FROM t WHERE id = $1'): (params: RunParams) => unknown[][] {
  const engine = db.engine;
  const evalContext = { timeZone: UTC } as never;
  const paramTypes: RunOptions['paramTypes'] = [];
  const stmt = parseScript(sql)[0]!.statement;
  const bound = bindStatement(stmt, { engine, paramTypes, eval: evalContext, state: db.sqlState, session: newSessionState(), indexScans: true })!;
  return (params) => {
    const txn = engine.begin();
    try {
      return bound.run({ engine, txn, params, paramTypes, eval: evalContext, state: db.sqlState, checkInterrupt: () => {} }).rows;
    } finally {
      engine.commit(txn);
    }
  };
}

function values(...v: RuntimeValue[]): RunParams {
  return { get: (i) => v[i]! };
}

describe('a prepared query keeps its context, row collector and probe range from run to run', () => {
  it('the index scan gets the same range object each run, holding that run values, emptied after it', () => {
    const db = loaded();
    const run = boundPointSelect(db);
    const seen: { range: unknown; values: unknown[] }[] = [];
    const indexScan = Engine.prototype.indexScan;
    vi.spyOn(Engine.prototype, 'indexScan').mockImplementation(function (this: Engine, ...args: Parameters<Engine['indexScan']>) {
      seen.push({ range: args[3], values: [...args[3].lower!.values] });
      return indexScan.apply(this, args);
    });
    expect(run(values(7))).toEqual([[7, 'n7']]);
    expect(run(values(9))).toEqual([[9, 'n9']]);
    expect(seen.map((s) => s.values)).toEqual([[7], [9]]);
    expect(seen[1]!.range).toBe(seen[0]!.range);
    expect((seen[0]!.range as { lower: { values: unknown[] } }).lower.values).toEqual([null]);
    db.close();
  });

  it('the same statement run inside its own run (from its parameter read) has its own of each', () => {
    const db = loaded();
    const run = boundPointSelect(db);
    const inner: unknown[][][] = [];
    const nesting: RunParams = {
      get(i) {
        // Inside the outer run's probe: its context, collector and range are taken.
        if (inner.length === 0) inner.push(run(values(12)), run(values(13)));
        return [20][i]!;
      },
    };
    expect(run(values(1))).toEqual([[1, 'n1']]);
    const first = run(nesting);
    expect(inner).toEqual([[[12, 'n12']], [[13, 'n13']]]);
    expect(first).toEqual([[20, 'n20']]);
    // And each result is an array of its own, unchanged by the runs after it.
    const second = run(values(21));
    expect(second).toEqual([[21, 'n21']]);
    expect(first).toEqual([[20, 'n20']]);
    expect(second).not.toBe(first);
    db.close();
  });

  it('a run of the same statement started after its outer run collected rows leaves the outer its rows and parameters', () => {
    const db = loaded();
    // The residual filter reads $2 for every row the range scan finds.
    const run = boundPointSelect(db, 'SELECT id FROM t WHERE id <= $1 AND name <> $2');
    let reads = 0;
    let inner: unknown[][] = [];
    const nesting: RunParams = {
      get(i) {
        // At the second row: the outer run has its first row collected and its context in use.
        if (i === 1 && ++reads === 2) inner = run(values(3, 'x'));
        return [5, 'n3'][i]!;
      },
    };
    // A run first: the next one takes over a kept context.
    expect(run(values(1, 'x'))).toEqual([[1]]);
    expect(run(nesting)).toEqual([[1], [2], [4], [5]]);
    expect(inner).toEqual([[1], [2], [3]]);
    db.close();
  });

  it('a run started inside the probe of a key of two columns leaves the outer probe its values', () => {
    const db = memoryDb();
    db.exec('CREATE TABLE u (a int, b int, PRIMARY KEY (a, b))');
    db.exec('INSERT INTO u SELECT g / 10, g % 10 FROM generate_series(0, 99) g');
    const run = boundPointSelect(db, 'SELECT a, b FROM u WHERE a = $1 AND b = $2');
    let inner: unknown[][] = [];
    const nesting: RunParams = {
      get(i) {
        // Between the outer probe's first value and its second.
        if (i === 1 && inner.length === 0) inner = run(values(7, 8));
        return [3, 4][i]!;
      },
    };
    expect(run(nesting)).toEqual([[3, 4]]);
    expect(inner).toEqual([[7, 8]]);
    db.close();
  });

  it('a run that fails half way leaves the next run nothing of its own', () => {
    const db = loaded();
    const run = boundPointSelect(db);
    expect(() => run({ get: () => { throw new FlintError('22023', 'no value'); } })).toThrow('no value');
    expect(run(values(2))).toEqual([[2, 'n2']]);
    db.close();
  });

  it('results of many rows and of few, in turn, are each whole and separate', () => {
    const db = loaded();
    const range = db.prepare('SELECT id FROM t WHERE id <= $1 ORDER BY id').raw();
    const got: unknown[][][] = [];
    for (const n of [3, 30, 2, 25, 17, 16, 1, 0, 40]) got.push(range.all(n) as unknown[][]);
    const expected = [3, 30, 2, 25, 17, 16, 1, 0, 40].map((n) => Array.from({ length: n }, (_, i) => [i + 1]));
    expect(got).toEqual(expected);
    for (let i = 1; i < got.length; i++) expect(got[i]).not.toBe(got[i - 1]);
    db.close();
  });
});

describe('Statement.get with one argument passes it in an array kept for it', () => {
  it('the same array each call, emptied after it', async () => {
    const db = loaded();
    const { Session } = await import('../../../src/db/session.ts');
    const arrays: unknown[][] = [];
    const run = Session.prototype.run;
    vi.spyOn(Session.prototype, 'run').mockImplementation(function (this: InstanceType<typeof Session>, ...args: Parameters<InstanceType<typeof Session>['run']>) {
      arrays.push(args[1] as unknown[]);
      return run.apply(this, args);
    });
    const get = db.prepare('SELECT name FROM t WHERE id = $1').raw();
    expect(get.get(3)).toEqual(['n3']);
    expect(get.get(4)).toEqual(['n4']);
    expect(arrays.length).toBe(2);
    expect(arrays[1]).toBe(arrays[0]);
    expect(arrays[0]).toEqual([undefined]);
    // Other argument counts, and an array of parameters, as before.
    expect(db.prepare('SELECT $1::int + $2::int').raw().get(1, 2)).toEqual([3]);
    expect(db.prepare('SELECT $1::int + $2::int').raw().get([1, 2])).toEqual([3]);
    expect(get.get([5])).toEqual(['n5']);
    expect(db.prepare('SELECT 1').raw().get()).toEqual([1]);
    db.close();
  });

  it('the statement run again while its parameter is read (a Date whose getTime runs it) has an array of its own', () => {
    const db = memoryDb();
    const get = db.prepare('SELECT $1::timestamptz = $2::timestamptz').raw();
    const echo = db.prepare('SELECT extract(epoch FROM $1::timestamptz)::int').raw();
    let inner: unknown;
    class Nesting extends Date {
      override getTime(): number {
        if (inner === undefined) inner = echo.get(new Date(5000));
        return super.getTime();
      }
    }
    expect(echo.get(new Nesting(7000))).toEqual([7]);
    expect(inner).toEqual([5]);
    expect(get.get(new Date(1000), new Date(1000))).toEqual([true]);
    db.close();
  });
});
