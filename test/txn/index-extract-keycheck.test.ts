// A secondary lookup that reads its hinted tuples through the tuplesExtract
// kernel checks each one against its entry with the kernel's numbers
// (int64KeyEqualsAt, when every column of the entry is an int16 or int32
// column the kernel reads), else with the row (keyEqualsAt). A hinted tuple
// the snapshot sees but with another key must be skipped there and the row
// found through the primary index, as before. Both kernels:
//   - a hinted slot vacuumed and reused by another row with the same
//     secondary key (the primary key differs);
//   - a row its own transaction changes in place to another secondary key,
//     or to NULL (the entry and its hint stay until the transaction ends);
//   - answers equal to a full scan's, each row once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StorageValue } from '../../src/storage/tuple.ts';
import { createMemoryVfs } from '../../src/storage/vfs/index.ts';
import { Engine, type ColumnDef, type TableDef } from '../../src/txn/engine.ts';
import type { IndexDef } from '../../src/txn/index-keys.ts';
import type { Transaction } from '../../src/txn/transaction.ts';
import { KINDS, smallOptions } from './engine-helpers.ts';

const COLUMNS: readonly ColumnDef[] = [
  { name: 'id', type: 'int32', nullable: false },
  { name: 'k', type: 'int32', nullable: true },
  { name: 'amount', type: 'float64', nullable: true },
];
const PK = { name: 't_pkey', columns: [{ column: 0, key: { type: 'int64' as const } }] };
const BY_K = { name: 't_k', columns: [{ column: 1, key: { type: 'int64' as const } }] };
/** id and amount: with the index's k, every column read is a number (the kernel's path). */
const WANTED = [true, false, true];

/** Rows txn finds through `index` with key k (one array refilled per row, as the executor reads them), as [id, amount]. */
function lookup(db: Engine, txn: Transaction, t: TableDef, index: IndexDef, k: number): StorageValue[][] {
  const rows: StorageValue[][] = [];
  const bound = { values: [k], inclusive: true };
  db.indexScan(txn, t.id, index.id, { lower: bound, upper: bound }, (_tid, row) => void rows.push([row[0]!, row[2]!]), WANTED, true);
  return rows.sort((a, b) => Number(a[0]) - Number(b[0]));
}

function scanned(db: Engine, txn: Transaction, t: TableDef, k: number): StorageValue[][] {
  const rows: StorageValue[][] = [];
  db.scan(txn, t.id, (_tid, row) => void (row[1] === k && rows.push([row[0]!, row[2]!])));
  return rows.sort((a, b) => Number(a[0]) - Number(b[0]));
}

for (const kind of KINDS) {
  describe(`extracted hinted tuples checked against their entries (${kind} kernels)`, () => {
    let db: Engine;
    beforeEach(() => {
      db = Engine.open(smallOptions(kind, createMemoryVfs()));
    });
    afterEach(() => db.close());

    it('a hinted slot reused by another row with the same secondary key: each row once, with its own values', () => {
      const t = db.createTable('t', COLUMNS, undefined, PK);
      const byK = db.createIndex(t.id, BY_K);
      const tids: number[] = [];
      const load = db.begin();
      for (let i = 0; i < 200; i++) tids.push(db.insert(load, t.id, [i, 5, i]));
      db.commit(load);
      // Updates keep k = 5: the entries keep naming the first versions, which vacuum then frees.
      const w = db.begin();
      for (let i = 0; i < 200; i++) db.update(w, t.id, tids[i]!, [i, 5, i + 0.5]);
      db.commit(w);
      db.vacuum();
      const freed = new Set(tids);
      let reused = 0;
      for (let i = 1000; i < 3000 && reused < 20; i++) {
        const one = db.begin();
        if (freed.has(db.insert(one, t.id, [i, 5, -i]))) reused++;
        db.commit(one);
      }
      expect(reused).toBeGreaterThan(0);
      const txn = db.begin();
      const found = lookup(db, txn, t, byK, 5);
      expect(found).toEqual(scanned(db, txn, t, 5));
      expect(new Set(found.map((r) => r[0])).size).toBe(found.length);
      expect(found.filter((r) => Number(r[0]) < 200).every((r) => r[1] === Number(r[0]) + 0.5)).toBe(true);
      db.commit(txn);
    });

    it('rows a transaction moves to another key or to NULL: its own lookups skip the old key’s entries', () => {
      const t = db.createTable('t', COLUMNS, undefined, PK);
      const byK = db.createIndex(t.id, BY_K);
      const load = db.begin();
      const tids: number[] = [];
      for (let i = 0; i < 400; i++) tids.push(db.insert(load, t.id, [i, i % 4, i * 2]));
      db.commit(load);
      const w = db.begin();
      for (let i = 0; i < 200; i++) tids.push(db.insert(w, t.id, [1000 + i, 1, i]));
      // Its own new rows (changed where they lie) and committed rows, moved to k = 2 or to NULL.
      for (let i = 400; i < 600; i += 3) tids[i] = db.update(w, t.id, tids[i]!, [1000 + i - 400, i % 2 === 0 ? 2 : null, 7]);
      for (let i = 1; i < 400; i += 8) tids[i] = db.update(w, t.id, tids[i]!, [i, i % 3 === 0 ? null : 2, 9]);
      for (const k of [0, 1, 2, 3]) expect(lookup(db, w, t, byK, k)).toEqual(scanned(db, w, t, k));
      const other = db.begin();
      for (const k of [0, 1, 2, 3]) expect(lookup(db, other, t, byK, k)).toEqual(scanned(db, other, t, k));
      db.commit(other);
      db.commit(w);
      const after = db.begin();
      for (const k of [0, 1, 2, 3]) expect(lookup(db, after, t, byK, k)).toEqual(scanned(db, after, t, k));
      db.commit(after);
      db.verifyIndexes(t.id);
    });
  });
}
