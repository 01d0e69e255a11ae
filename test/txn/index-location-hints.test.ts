// Secondary B-tree entries carry a location hint: the tid of the version
// they were written for (index-manager.ts, #hintedRow; docs/indexes.md). A
// lookup reads the hinted tuple first and keeps it only if it is a tuple of
// the table, visible to the snapshot, with the entry's primary key (and
// secondary key); anything else goes through the primary index as before.
// These tests check that the hint is used where it holds (no primary
// lookup at all), and that answers stay exact where it does not: versions
// updated since, slots vacuumed and reused by another row with the same
// secondary key, hidden row ids, old snapshots. Both kernels.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BTree } from '../../src/storage/index/btree.ts';
import type { StorageValue } from '../../src/storage/tuple.ts';
import { createMemoryVfs } from '../../src/storage/vfs/index.ts';
import { Engine, type ColumnDef, type TableDef } from '../../src/txn/engine.ts';
import type { IndexDef } from '../../src/txn/index-keys.ts';
import type { Transaction } from '../../src/txn/transaction.ts';
import { KINDS, smallOptions } from './engine-helpers.ts';

const COLUMNS: readonly ColumnDef[] = [
  { name: 'id', type: 'int64', nullable: false },
  { name: 'k', type: 'int32', nullable: true },
  { name: 'pad', type: 'text', nullable: true },
];
const PK = { name: 't_pkey', columns: [{ column: 0, key: { type: 'int64' as const } }] };

/** Rows txn finds through `index` with key `k`, as [id, k, pad], and how many primary-index lookups that took. */
function lookup(db: Engine, txn: Transaction, t: TableDef, index: IndexDef, k: number): { rows: StorageValue[][]; primaryLookups: number } {
  const rows: StorageValue[][] = [];
  const spy = vi.spyOn(BTree.prototype, 'findAt');
  const bound = { values: [k], inclusive: true };
  try {
    db.indexScan(txn, t.id, index.id, { lower: bound, upper: bound }, (_tid, row) => void rows.push(row.slice()));
    return { rows: rows.sort((a, b) => Number(a[0]) - Number(b[0])), primaryLookups: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
}

/** The same rows by a full scan of the snapshot. */
function scanned(db: Engine, txn: Transaction, t: TableDef, k: number): StorageValue[][] {
  const rows: StorageValue[][] = [];
  db.scan(txn, t.id, (_tid, row) => void (row[1] === k && rows.push(row.slice())));
  return rows.sort((a, b) => Number(a[0]) - Number(b[0]));
}

for (const kind of KINDS) {
  describe(`secondary entries' location hints (${kind} kernels)`, () => {
    let db: Engine;
    beforeEach(() => {
      db = Engine.open(smallOptions(kind, createMemoryVfs()));
    });
    afterEach(() => db.close());

    it('rows loaded in one transaction (deferred entries) and autocommit rows are found without a primary-index lookup', () => {
      const t = db.createTable('t', COLUMNS, undefined, PK);
      const byK = db.createIndex(t.id, { name: 't_k', columns: [{ column: 1, key: { type: 'int64' } }] });
      const load = db.begin();
      for (let i = 0; i < 2000; i++) db.insert(load, t.id, [BigInt(i), i % 50, `row ${i}`]);
      db.commit(load);
      for (let i = 2000; i < 2010; i++) {
        const one = db.begin();
        db.insert(one, t.id, [BigInt(i), 7, 'late']);
        db.commit(one);
      }
      const txn = db.begin();
      const found = lookup(db, txn, t, byK, 7);
      expect(found.rows).toEqual(scanned(db, txn, t, 7));
      expect(found.rows.length).toBe(40 + 10);
      expect(found.primaryLookups).toBe(0);
      db.commit(txn);
      // CREATE INDEX on the loaded table writes hints too.
      const byPad = db.createIndex(t.id, { name: 't_k2', columns: [{ column: 1, key: { type: 'int64' } }] });
      const again = db.begin();
      expect(lookup(db, again, t, byPad, 7)).toEqual({ rows: found.rows, primaryLookups: 0 });
      db.commit(again);
    });

    it('a row updated since its entry was written: the old snapshot keeps the hinted version, a new one goes through the primary index', () => {
      const t = db.createTable('t', COLUMNS, undefined, PK);
      const byK = db.createIndex(t.id, { name: 't_k', columns: [{ column: 1, key: { type: 'int64' } }] });
      const load = db.begin();
      const tids: number[] = [];
      for (let i = 0; i < 300; i++) tids.push(db.insert(load, t.id, [BigInt(i), i % 10, 'v1']));
      db.commit(load);
      const old = db.begin();
      expect(lookup(db, old, t, byK, 3).rows.length).toBe(30);
      const w = db.begin();
      // Same secondary key: the entry stays and names the old version.
      for (let i = 3; i < 300; i += 10) db.update(w, t.id, tids[i]!, [BigInt(i), 3, 'v2']);
      db.commit(w);
      const now = db.begin();
      const fresh = lookup(db, now, t, byK, 3);
      expect(fresh.rows).toEqual(scanned(db, now, t, 3));
      expect(fresh.rows.every((r) => r[2] === 'v2')).toBe(true);
      expect(fresh.primaryLookups).toBe(30);
      const stale = lookup(db, old, t, byK, 3);
      expect(stale.rows).toEqual(scanned(db, old, t, 3));
      expect(stale.rows.every((r) => r[2] === 'v1')).toBe(true);
      expect(stale.primaryLookups).toBe(0);
      db.commit(old);
      db.commit(now);
    });

    it('a hinted slot vacuumed and reused by another row with the same secondary key: each row once, with its own values', () => {
      const t = db.createTable('t', COLUMNS, undefined, PK);
      const byK = db.createIndex(t.id, { name: 't_k', columns: [{ column: 1, key: { type: 'int64' } }] });
      const tids: number[] = [];
      const load = db.begin();
      for (let i = 0; i < 200; i++) tids.push(db.insert(load, t.id, [BigInt(i), 5, `first ${i}`]));
      db.commit(load);
      // Updates keep k = 5: the entries keep naming the first versions, which vacuum then frees.
      const w = db.begin();
      for (let i = 0; i < 200; i++) db.update(w, t.id, tids[i]!, [BigInt(i), 5, `second ${i}`]);
      db.commit(w);
      db.vacuum();
      const freed = new Set(tids);
      // New rows with k = 5 until some land in the freed slots.
      let reused = 0;
      for (let i = 1000; i < 3000 && reused < 20; i++) {
        const one = db.begin();
        if (freed.has(db.insert(one, t.id, [BigInt(i), 5, `new ${i}`]))) reused++;
        db.commit(one);
      }
      expect(reused).toBeGreaterThan(0);
      const txn = db.begin();
      const found = lookup(db, txn, t, byK, 5);
      expect(found.rows).toEqual(scanned(db, txn, t, 5));
      expect(new Set(found.rows.map((r) => r[0])).size).toBe(found.rows.length);
      expect(found.rows.filter((r) => String(r[2]).startsWith('second')).length).toBe(200);
      db.commit(txn);
      db.verifyIndexes(t.id);
    });

    it('a table with hidden row ids: the hint is checked against the row id', () => {
      const t = db.createTable('h', COLUMNS);
      const byK = db.createIndex(t.id, { name: 'h_k', columns: [{ column: 1, key: { type: 'int64' } }] });
      const load = db.begin();
      const tids: number[] = [];
      for (let i = 0; i < 100; i++) tids.push(db.insert(load, t.id, [BigInt(i), i % 4, 'a']));
      db.commit(load);
      const txn = db.begin();
      const found = lookup(db, txn, t, byK, 2);
      expect(found.rows).toEqual(scanned(db, txn, t, 2));
      expect(found.primaryLookups).toBe(0);
      db.commit(txn);
      const w = db.begin();
      for (let i = 2; i < 100; i += 4) db.update(w, t.id, tids[i]!, [BigInt(i), 2, 'b']);
      db.commit(w);
      db.vacuum();
      const after = db.begin();
      const again = lookup(db, after, t, byK, 2);
      expect(again.rows).toEqual(scanned(db, after, t, 2));
      expect(again.rows.every((r) => r[2] === 'b')).toBe(true);
      db.commit(after);
    });
  });
}
