// What insert() looks up once and keeps for the rows after (the table and
// whether it takes row ids, by the catalog as the transaction sees it) and
// what it adds up before the map has it (each table's row estimate): every
// insert still sees the table as its transaction's catalog has it at that
// moment, and every read of an estimate the rows counted so far. Both kernels.
import { describe, expect, it } from 'vitest';
import { createMemoryVfs } from '../../src/storage/vfs/index.ts';
import { Engine, type ColumnDef } from '../../src/txn/engine.ts';
import type { Transaction } from '../../src/txn/transaction.ts';
import { KINDS, smallOptions } from './engine-helpers.ts';

const TWO: readonly ColumnDef[] = [
  { name: 'id', type: 'int64', nullable: false },
  { name: 'v', type: 'text', nullable: true },
];
const THREE: readonly ColumnDef[] = [...TWO, { name: 'w', type: 'int32', nullable: false }];
const PK = { name: 'pkey', columns: [{ column: 0, key: { type: 'int64' as const } }] };

function inTxn<T>(db: Engine, txn: Transaction, fn: () => T): T {
  db.catalogTxn = txn;
  try {
    return fn();
  } finally {
    db.catalogTxn = null;
  }
}

for (const kind of KINDS) {
  describe(`insert's kept lookups (${kind} kernels)`, () => {
    it('an ALTER TABLE in the inserting transaction, and its rollback to a savepoint, change what the next insert checks', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const t = db.createTable('t', TWO, undefined, PK);
      const txn = db.begin();
      db.insert(txn, t.id, [1n, 'a']);
      // A third, NOT NULL column in this transaction's own catalog: two values are too few now, and a null in it fails.
      const marker = db.savepoint(txn);
      inTxn(db, txn, () => db.alterTable(t.id, { columns: THREE }));
      expect(() => db.insert(txn, t.id, [2n, 'b'])).toThrow(/has 3 columns but 2 values/);
      expect(() => db.insert(txn, t.id, [2n, 'b', null])).toThrow(/violates not-null constraint/);
      db.insert(txn, t.id, [2n, 'b', 7]);
      // Another transaction sees the committed table, of two columns.
      const other = db.begin();
      db.insert(other, t.id, [10n, 'x']);
      expect(() => db.insert(other, t.id, [11n, 'y', 1])).toThrow(/has 2 columns but 3 values/);
      db.rollback(other);
      // Back to the savepoint: two columns again for this transaction.
      db.rollbackToSavepoint(txn, marker);
      db.releaseSavepoint(txn, marker);
      expect(() => db.insert(txn, t.id, [3n, 'c', 1])).toThrow(/has 2 columns but 3 values/);
      db.insert(txn, t.id, [3n, 'c']);
      db.commit(txn);
      db.close();
    });

    it('a table dropped and created again under its name is a new table to insert into; a dropped one is no table', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const t = db.createTable('t', TWO, undefined, PK);
      let txn = db.begin();
      db.insert(txn, t.id, [1n, 'a']);
      db.commit(txn);
      db.dropTable('t');
      txn = db.begin();
      expect(() => db.insert(txn, t.id, [2n, 'b'])).toThrow(/does not exist/);
      db.rollback(txn);
      // No primary key this time: its rows take row ids.
      const t2 = db.createTable('t', THREE);
      txn = db.begin();
      db.insert(txn, t2.id, [1n, 'a', 1]);
      db.insert(txn, t2.id, [1n, 'a', 1]);
      db.commit(txn);
      const seen: unknown[] = [];
      const r = db.begin();
      db.scan(r, t2.id, (_tid, row) => void seen.push(row));
      db.commit(r);
      expect(seen).toHaveLength(2);
      db.close();
    });

    it('a row estimate read between inserts, or after inserts into another table, counts every row inserted since it was made', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const a = db.createTable('a', TWO, undefined, PK);
      const b = db.createTable('b', TWO, undefined, PK);
      expect(db.rowEstimate(a.id)).toBe(0);
      expect(db.rowEstimate(b.id)).toBe(0);
      const txn = db.begin();
      for (let i = 0; i < 5; i++) db.insert(txn, a.id, [BigInt(i), 'x']);
      expect(db.rowEstimate(a.id)).toBe(5);
      for (let i = 5; i < 8; i++) db.insert(txn, a.id, [BigInt(i), 'x']);
      for (let i = 0; i < 2; i++) db.insert(txn, b.id, [BigInt(i), 'y']);
      db.insert(txn, a.id, [100n, 'x']);
      expect(db.rowEstimate(b.id)).toBe(2);
      expect(db.rowEstimate(a.id)).toBe(9);
      db.commit(txn);
      // A delete counts one out.
      const del = db.begin();
      let first = -1;
      db.scan(del, a.id, (tid) => {
        if (first < 0) first = tid;
      });
      expect(db.delete(del, a.id, first)).toBe(true);
      db.commit(del);
      expect(db.rowEstimate(a.id)).toBe(8);
      db.close();
    });
  });
}
