// GROUP BY read as columns (src/sql/exec/columnar-aggregate.ts over
// Engine.scanColumns and the pageExtractColumns kernel): every query it takes
// must answer exactly as the plain scan and fast aggregate do, float sums
// bit for bit, under MVCC (updated, deleted, rolled back rows, another
// session's uncommitted rows, the transaction's own), with NULLs, keys of
// every type it reads (-0, NaN, negative, large), columns added after rows
// were stored (their DEFAULT), compressed blocks, and pages the kernel gives
// back to the tuple-by-tuple walk. Both kernel kinds.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Database } from '../../../src/db/database.ts';
import type { Session } from '../../../src/db/session.ts';
import type { KernelKind } from '../../../src/kernels/index.ts';
import { setColumnarAggregates } from '../../../src/sql/exec/columnar-aggregate.ts';
import { Heap } from '../../../src/storage/heap/heap.ts';
import { Prng } from '../../../src/storage/vfs/index.ts';
import { Engine } from '../../../src/txn/engine.ts';
import { rows } from './helpers.ts';

const QUERIES = [
  'SELECT k4, count(*), sum(f8), avg(f8) FROM t GROUP BY k4',
  'SELECT k2, count(f4), sum(f4), avg(f4), count(name) FROM t GROUP BY k2',
  'SELECT kf8, count(*), sum(f8) FROM t GROUP BY kf8',
  'SELECT kf4, count(*), sum(f4), count(big) FROM t GROUP BY kf4',
  'SELECT count(*), sum(f8), sum(f4), avg(f8), count(k4), count(added) FROM t',
  'SELECT added, count(*), sum(f8) FROM t GROUP BY added',
  'SELECT k4, sum(added8) FROM t GROUP BY k4',
];

/** Results as comparable text: floats by their exact bits (-0 and NaN included), in output order. */
function exact(result: unknown[][]): string[] {
  return result.map((r) => r.map((v) => (typeof v === 'number' ? (Object.is(v, -0) ? '-0' : String(v)) : typeof v === 'bigint' ? `${v}n` : String(v))).join('|'));
}

for (const kernels of ['wasm', 'ts'] as KernelKind[]) {
  describe(`GROUP BY read as columns (${kernels} kernels)`, () => {
    let db: Database;
    let other: Session;
    let plainRuns = 0;

    beforeAll(() => {
      db = Database.open(':memory:', { kernels, backgroundIntervalMs: 0, poolBytes: 8 << 20 });
      rows(db, `CREATE TABLE t (id int PRIMARY KEY, k4 int, k2 smallint, kf8 double precision, kf4 real, name text, f8 double precision, f4 real, big bigint)`);
      // Seeded, so a failure replays.
      const prng = new Prng(kernels === 'wasm' ? 1 : 2);
      const random = () => prng.float();
      const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
      const insert = db.prepare('INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)');
      const row = (id: number) => [
        id,
        random() < 0.05 ? null : pick([0, 1, 2, 3, 17, 1023, 1024, 999_999, 1_048_575, 1_048_576, 5_000_000, -1, -7, 2_147_483_647, -2_147_483_648]),
        random() < 0.05 ? null : pick([0, 1, -1, 32767, -32768, 300]),
        random() < 0.05 ? null : pick([0, -0, 1.5, -2.25, NaN, Infinity, -Infinity, 1e300, 3, 4]),
        random() < 0.05 ? null : pick([0, -0, 0.1, 2.5, NaN, 3]),
        random() < 0.2 ? null : `name ${id} ${'x'.repeat(Math.floor(random() * 40))}`,
        random() < 0.1 ? null : (random() - 0.5) * 10 ** Math.floor(random() * 12),
        random() < 0.1 ? null : Math.fround((random() - 0.5) * 1000),
        random() < 0.1 ? null : BigInt(Math.floor(random() * 1e9)) * 1_000_003n,
      ];
      db.transaction(() => {
        for (let id = 1; id <= 3000; id++) insert.run(...row(id));
      })();
      // Rows stored before these columns: they read the DEFAULT (a constant, or NULL).
      rows(db, 'ALTER TABLE t ADD COLUMN added int DEFAULT 42; ALTER TABLE t ADD COLUMN added8 double precision DEFAULT 0.5');
      rows(db, 'INSERT INTO t (id, k4, f8, added, added8) VALUES (5001, 1, 2.5, 7, 1.25), (5002, 2, NULL, NULL, NULL), (5003, NULL, 1, 42, -0)');
      // Versions the snapshot must skip: updated (old versions), deleted, rolled back.
      rows(db, 'UPDATE t SET f8 = f8 * 3, k4 = k4 / 2 WHERE id % 7 = 0; DELETE FROM t WHERE id % 11 = 0');
      rows(db, "BEGIN; INSERT INTO t (id, k4, f8) VALUES (6001, 1, 1e10); UPDATE t SET f8 = 0 WHERE id % 5 = 0; ROLLBACK");
      // Another session's uncommitted rows, invisible to the queries below.
      other = db.session();
      other.execute("BEGIN; INSERT INTO t (id, k4, f8) VALUES (7001, 1, 1e12), (7002, 3, 5); DELETE FROM t WHERE id % 13 = 0");
    });

    afterAll(() => {
      other.execute('ROLLBACK');
      db.close();
    });

    afterEach(() => {
      setColumnarAggregates(true);
      vi.restoreAllMocks();
    });

    /** The query read as columns (checked that it was) and the same query the plain way. */
    function both(target: Database | Session, sql: string): { columnar: string[]; plain: string[] } {
      const spy = vi.spyOn(Engine.prototype, 'scanColumns');
      const columnar = exact(rows(target, sql));
      expect(spy).toHaveBeenCalled();
      spy.mockRestore();
      setColumnarAggregates(false);
      // A different text, so the plan is compiled again (the plan cache is keyed by the text).
      const plain = exact(rows(target, `${sql} -- plain ${plainRuns++}`));
      setColumnarAggregates(true);
      return { columnar, plain };
    }

    it('answers every query as the plain scan does, exactly', () => {
      for (const sql of QUERIES) {
        const { columnar, plain } = both(db, sql);
        expect(columnar.length).toBeGreaterThan(0);
        expect(columnar).toEqual(plain);
      }
      // The data has what the cases are about.
      expect(exact(rows(db, 'SELECT count(*) FROM t WHERE kf8 = \'NaN\'::float8'))[0]).not.toBe('0n');
      const added = exact(rows(db, 'SELECT added, count(*) FROM t GROUP BY added ORDER BY added'));
      expect(added).toHaveLength(3);
      expect(added[0]).toBe('7|1');
      expect(added[2]).toBe('null|1');
    });

    it('sees the transaction\'s own uncommitted rows and not the rows it deleted', () => {
      const s = db.session();
      s.execute("BEGIN; INSERT INTO t (id, k4, f8, k2) VALUES (8001, 1, 0.125, 3), (8002, 2000000, 7, 3); DELETE FROM t WHERE id % 17 = 0 AND id % 13 <> 0; UPDATE t SET f8 = -f8 WHERE id % 19 = 0 AND id % 13 <> 0");
      for (const sql of QUERIES) {
        const { columnar, plain } = both(s, sql);
        expect(columnar).toEqual(plain);
      }
      expect(both(s, 'SELECT k4, sum(f8) FROM t GROUP BY k4').columnar).toContain('2000000|7');
      s.execute('ROLLBACK');
      expect(exact(rows(db, 'SELECT k4, sum(f8) FROM t GROUP BY k4'))).not.toContain('2000000|7');
    });

    it('walks a page the kernel gives back tuple by tuple, with the same answers', () => {
      const expected = QUERIES.map((sql) => both(db, sql).plain);
      vi.spyOn(Heap.prototype, 'extractColumns').mockReturnValue(-1);
      QUERIES.forEach((sql, i) => expect(exact(rows(db, `${sql} -- walked`))).toEqual(expected[i]));
    });

    it('reads compressed blocks', () => {
      rows(db, "CREATE TABLE z (k int, v double precision) WITH (compression = 'lz4')");
      const insert = db.prepare('INSERT INTO z VALUES ($1, $2)');
      db.transaction(() => {
        for (let i = 0; i < 20_000; i++) insert.run(i % 97, i / 8);
      })();
      const { columnar, plain } = both(db, 'SELECT k, count(*), sum(v) FROM z GROUP BY k');
      expect(columnar).toHaveLength(97);
      expect(columnar).toEqual(plain);
    });

    it('leaves other shapes to the plain path', () => {
      const spy = vi.spyOn(Engine.prototype, 'scanColumns');
      rows(db, 'SELECT k4, count(*) FROM t WHERE f8 > 0 GROUP BY k4');
      rows(db, 'SELECT big, count(*) FROM t GROUP BY big');
      rows(db, 'SELECT k4 / 2, count(*) FROM t GROUP BY k4 / 2');
      rows(db, 'SELECT k4, sum(f8 * 2) FROM t GROUP BY k4');
      rows(db, 'SELECT k4, count(DISTINCT f8) FROM t GROUP BY k4');
      rows(db, 'SELECT k4, k2, count(*) FROM t GROUP BY k4, k2');
      rows(db, 'SELECT k4, sum(k2) FROM t GROUP BY k4');
      expect(spy).not.toHaveBeenCalled();
    });
  });
}
