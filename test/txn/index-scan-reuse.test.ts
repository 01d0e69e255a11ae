// A secondary-index scan reuses what it builds from scan to scan
// (index-manager.ts: one entry collector per nesting depth, the column plan
// and key columns of the last index and column selection). Both kernels:
//   - a visitor that scans the same index again, inside the outer scan's
//     visit, gets its own entries, and the outer scan goes on with its own
//     (one shared collector would overwrite them);
//   - a caller that refills its column selection between scans gets the
//     columns it asks for each time (the plan is kept by content, not by
//     the array);
//   - a scan of more entries than a collector keeps, then a small one, are
//     both right.
import { describe, expect, it } from 'vitest';
import { createMemoryVfs } from '../../src/storage/vfs/index.ts';
import { Engine, type ColumnDef } from '../../src/txn/engine.ts';
import { KINDS, smallOptions } from './engine-helpers.ts';

const COLUMNS: readonly ColumnDef[] = [
  { name: 'id', type: 'int64', nullable: false },
  { name: 'cat', type: 'int32', nullable: true },
  { name: 'name', type: 'text', nullable: true },
  { name: 'amount', type: 'float64', nullable: true },
];
const PK = { name: 't_pkey', columns: [{ column: 0, key: { type: 'int64' as const } }] };
const BY_CAT = { name: 't_cat', columns: [{ column: 1, key: { type: 'int64' as const } }] };

for (const kind of KINDS) {
  describe(`secondary scans reusing their buffers (${kind} kernels)`, () => {
    function setup(rows: number) {
      const db = Engine.open(smallOptions(kind, createMemoryVfs(), { poolBytes: 4 << 20 }));
      const t = db.createTable('t', COLUMNS, undefined, PK);
      const index = db.createIndex(t.id, BY_CAT);
      const txn = db.begin();
      for (let i = 0; i < rows; i++) db.insert(txn, t.id, [BigInt(i), i % 7, `name ${i}`, i * 0.5]);
      db.commit(txn);
      return { db, t, index };
    }
    const eq = (cat: number) => ({ lower: { values: [cat], inclusive: true }, upper: { values: [cat], inclusive: true } });

    it('a scan nested in another scan’s visitor has its own entries', () => {
      const { db, t, index } = setup(700);
      const txn = db.begin();
      const pairs: string[] = [];
      db.indexScan(txn, t.id, index.id, eq(3), (_tid, outer) => {
        const inner: bigint[] = [];
        // A different category, and more entries than the outer one has left: they would overwrite its collected entries.
        db.indexScan(txn, t.id, index.id, eq(Number(outer[0] as bigint) % 2 === 0 ? 4 : 5), (_t, row) => void inner.push(row[0] as bigint));
        pairs.push(`${outer[0]}:${inner.length}:${inner[0]}`);
      });
      const want: string[] = [];
      for (let i = 3; i < 700; i += 7) want.push(i % 2 === 0 ? `${i}:100:4` : `${i}:100:5`);
      expect(pairs).toEqual(want);
      db.commit(txn);
      db.close();
    });

    it('a column selection refilled between scans is read afresh; a large scan then a small one', () => {
      const { db, t, index } = setup(20000);
      const txn = db.begin();
      const wanted = [true, false, false, true];
      const read = () => {
        const out: unknown[][] = [];
        db.indexScan(txn, t.id, index.id, eq(2), (_tid, row) => void out.push([...row]), wanted, true);
        return out;
      };
      const first = read();
      expect(first.length).toBe(Math.ceil((20000 - 2) / 7));
      expect(first[0]).toEqual([2n, 2, null, 1]);
      wanted[2] = true;
      wanted[3] = false;
      expect(read()[0]).toEqual([2n, 2, 'name 2', null]);
      // Every row: a collector of ~20000 entries (about 360 KiB of them), then a small scan again.
      let all = 0;
      db.indexScan(txn, t.id, index.id, {}, () => void all++);
      expect(all).toBe(20000);
      expect(read().length).toBe(first.length);
      db.commit(txn);
      db.close();
    });
  });
}
