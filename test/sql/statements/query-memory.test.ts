// The query memory limit (src/db/memory-guard.ts): a statement that holds
// too much (a sort, a hash join's build side, GROUP BY's groups, a result)
// fails with 53200 instead of taking the process down, and the session,
// its transaction block and the data carry on as after any error.
import { afterEach, describe, expect, it } from 'vitest';
import { Database, FlintError, memoryLimit, setMemoryLimit } from '../../../src/index.ts';
import { heapUsed } from '../../../src/db/memory-guard.ts';

const known = memoryLimit() !== undefined;

function failure(fn: () => unknown): FlintError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FlintError) return error;
    throw error;
  }
  throw new Error('expected a FlintError');
}

/** A limit 96 MiB above what the heap holds now: each query below needs several hundred MiB. */
function tightLimit(): void {
  setMemoryLimit(heapUsed() + (96 << 20));
}

describe('query memory limit', () => {
  afterEach(() => setMemoryLimit(undefined));

  it.skipIf(!known)('defaults to 80% of the runtime heap limit, and setMemoryLimit checks its argument', () => {
    expect(memoryLimit()).toBeGreaterThan(0);
    expect(() => setMemoryLimit(-1)).toThrow(/memory limit/);
    setMemoryLimit(0);
    expect(memoryLimit()).toBeUndefined();
  });

  it.skipIf(!known)('a sort, a hash join, GROUP BY and a result set past the limit fail with 53200; the session carries on', () => {
    const db = Database.open(':memory:');
    db.exec('CREATE TABLE kept (id int PRIMARY KEY, v text)');
    db.exec("INSERT INTO kept VALUES (1, 'one')");
    tightLimit();
    const queries = [
      "SELECT g, repeat('x', 300) || g AS s FROM generate_series(1, 3000000) g ORDER BY s DESC LIMIT 1",
      'SELECT count(*) FROM generate_series(1, 3000000) a JOIN generate_series(1, 3000000) b ON a = b',
      "SELECT g % 3000000 AS k, string_agg(repeat('y', 50), ',') FROM generate_series(1, 3000000) g GROUP BY 1",
      "SELECT g, repeat('z', 300) FROM generate_series(1, 3000000) g",
    ];
    for (const sql of queries) {
      const error = failure(() => db.prepare(sql).all());
      expect(error.code, sql).toBe('53200');
      expect(error.message).toBe('out of memory');
    }
    // Inside a block: the block fails as for any error, and ROLLBACK ends it.
    db.exec('BEGIN');
    db.exec("INSERT INTO kept VALUES (2, 'two')");
    expect(failure(() => db.prepare(queries[0]!).all()).code).toBe('53200');
    expect(failure(() => db.exec('SELECT 1')).code).toBe('25P02');
    db.exec('ROLLBACK');
    setMemoryLimit(undefined);
    expect(db.prepare('SELECT * FROM kept').all()).toEqual([{ id: 1, v: 'one' }]);
    expect(db.prepare('SELECT count(*) AS n FROM generate_series(1, 100000) g').get()).toEqual({ n: 100000 });
    db.close();
  });

  it.skipIf(!known)('garbage alone does not fail a statement: a long scan that allocates and drops rows completes under a tight limit', () => {
    const db = Database.open(':memory:');
    tightLimit();
    // Each row's string is garbage once counted: far more than the limit in all, little at any time.
    expect(db.prepare("SELECT count(*) AS n, max(length(repeat('x', 500) || g)) AS m FROM generate_series(1, 600000) g").get()).toEqual({ n: 600000, m: 506 });
    db.close();
  });
});
