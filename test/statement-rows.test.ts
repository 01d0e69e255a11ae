// Rows that Statement.get and all() hand out are the caller's own. A query
// whose plan makes a new array for every row it pushes (run.ts,
// pushesOwnRows: scans and projections, and filters, LIMITs and sorts of
// them) gives its result's arrays out as they are when they are raw and
// need no conversion (StatementResult.ownRows); any other plan, or values
// that convert (bigint, numeric, timestamps), or rows as objects, are
// copies as before. Either way: every row its own array, nothing the
// caller changes seen by the next run, values converted as documented.

import { describe, expect, it } from 'vitest';
import { Database } from '../src/db/database.ts';
import { pushesOwnRows } from '../src/sql/exec/run.ts';
import type { Plan } from '../src/sql/plan/plan.ts';

function setup(): Database {
  const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
  db.exec('CREATE TABLE t (id int PRIMARY KEY, cat int, name text, f double precision, big bigint, n numeric, ts timestamp)');
  db.exec('CREATE INDEX t_cat ON t (cat)');
  db.exec("INSERT INTO t VALUES (1, 1, 'a', 1.5, 10, 1.25, '2020-01-01 00:00:00'), (2, 1, 'b', 2.5, 20, 2.5, '2020-01-02 00:00:00'), (3, 2, 'c', NULL, 30, NULL, NULL)");
  return db;
}

/** Runs a raw statement three times, scribbling over what each run returned: every run gives `expected`, each row its own array. */
function stable(db: Database, sql: string, expected: unknown[][], ...params: unknown[]): void {
  const s = db.prepare(sql).raw();
  for (let run = 0; run < 3; run++) {
    const rows = s.all(...params) as unknown[][];
    expect(rows).toEqual(expected);
    expect(new Set(rows).size).toBe(rows.length);
    const first = s.get(...params) as unknown[] | undefined;
    expect(first).toEqual(expected[0]);
    if (first !== undefined) first[0] = 'scribbled';
    for (const row of rows) row.fill('scribbled');
    rows.push(['extra']);
  }
}

describe('rows handed out by Statement.get and all()', () => {
  it('are the caller\'s own, for plans that make their rows and plans that do not', () => {
    const db = setup();
    stable(db, 'SELECT id, cat, name, f FROM t', [[1, 1, 'a', 1.5], [2, 1, 'b', 2.5], [3, 2, 'c', null]]);
    stable(db, 'SELECT f, id FROM t WHERE cat = $1', [[1.5, 1], [2.5, 2]], 1);
    stable(db, 'SELECT id, name FROM t WHERE id = $1', [[2, 'b']], 2);
    stable(db, 'SELECT id FROM t WHERE f > $1 ORDER BY id DESC LIMIT 2', [[2], [1]], 1);
    stable(db, 'SELECT id + 1, name FROM t WHERE cat = $1', [[2, 'a'], [3, 'b']], 1);
    stable(db, 'SELECT cat, count(*) FROM t GROUP BY cat ORDER BY cat', [[1, 2], [2, 1]]);
    stable(db, 'SELECT id FROM t WHERE cat = 2 UNION ALL SELECT id FROM t WHERE cat = 2', [[3], [3]]);
    stable(db, 'SELECT DISTINCT cat FROM t ORDER BY cat', [[1], [2]]);
    stable(db, 'VALUES (1, 2), (3, 4)', [[1, 2], [3, 4]]);
    stable(db, 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r', [[1], [2], [3]]);
    stable(db, 'SELECT a.id, b.id FROM t a JOIN t b ON a.cat = b.cat WHERE a.id = $1 ORDER BY b.id', [[1, 1], [1, 2]], 1);
    stable(db, 'SELECT id FROM t WHERE cat = $1', [], 9);
    db.close();
  });

  it('convert what needs converting, however the plan made them', () => {
    const db = setup();
    const dates = [new Date('2020-01-01T00:00:00Z'), new Date('2020-01-02T00:00:00Z')];
    expect(db.prepare('SELECT id, big FROM t WHERE cat = $1').raw().all(1)).toEqual([[1, 10], [2, 20]]);
    expect(db.prepare('SELECT n, ts FROM t WHERE cat = $1').raw().all(1)).toEqual([['1.25', dates[0]], ['2.5', dates[1]]]);
    expect(db.prepare('SELECT big FROM t WHERE id = $1').raw().get(3)).toEqual([30]);
    expect(db.prepare('SELECT id, f FROM t WHERE cat = $1').all(1)).toEqual([{ id: 1, f: 1.5 }, { id: 2, f: 2.5 }]);
    expect(db.prepare('SELECT id, f FROM t WHERE id = $1').get(1)).toEqual({ id: 1, f: 1.5 });
    // One statement switched between raw and objects.
    const s = db.prepare('SELECT id, name FROM t WHERE cat = $1');
    expect(s.raw().all(2)).toEqual([[3, 'c']]);
    expect(s.raw(false).all(2)).toEqual([{ id: 3, name: 'c' }]);
    expect(s.raw().get(2)).toEqual([3, 'c']);
    db.close();
  });

  it('come out as they are only from plans whose runner makes a new array for each row it pushes', () => {
    const scan = { kind: 'scan' } as unknown as Plan;
    const values = { kind: 'values' } as unknown as Plan;
    const over = (kind: string, input: Plan) => ({ kind, input }) as unknown as Plan;
    expect(pushesOwnRows(scan)).toBe(true);
    expect(pushesOwnRows(over('project', values))).toBe(true);
    expect(pushesOwnRows(over('limit', over('sort', over('filter', scan))))).toBe(true);
    expect(pushesOwnRows(over('filter', values))).toBe(false);
    expect(pushesOwnRows(over('sort', over('aggregate', scan)))).toBe(false);
    for (const kind of ['values', 'one', 'aggregate', 'join', 'setOp', 'distinct', 'workTable', 'recursiveUnion', 'series', 'unnest', 'system']) {
      expect(pushesOwnRows({ kind } as unknown as Plan)).toBe(false);
    }
  });
});
