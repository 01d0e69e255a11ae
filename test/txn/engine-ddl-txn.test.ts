// Transactional DDL: catalog changes made with Engine.catalogTxn set join
// that transaction. Only it sees them until it commits; a rollback (or a
// rollback to a savepoint) undoes them and gives back the storage they
// created; a crash before the commit record loses them whole, a crash after
// it keeps them, also across a checkpoint taken while they were pending, and
// a follower applies them at the commit. Both kernels.
import { describe, expect, it } from 'vitest';
import type { StorageValue } from '../../src/storage/tuple.ts';
import { createMemoryVfs } from '../../src/storage/vfs/index.ts';
import { WalReader } from '../../src/storage/wal/index.ts';
import { Engine, type ColumnDef, type TableDef } from '../../src/txn/engine.ts';
import type { Transaction } from '../../src/txn/transaction.ts';
import { DIR, KINDS, flintError, smallOptions } from './engine-helpers.ts';

const COLUMNS: readonly ColumnDef[] = [
  { name: 'id', type: 'int64', nullable: false },
  { name: 'v', type: 'text', nullable: true },
];
const PK = { name: 't_pkey', columns: [{ column: 0, key: { type: 'int64' as const } }] };

/** Run fn with `txn` as the engine's catalog transaction (what a SQL session does around a statement). */
function inTxn<T>(db: Engine, txn: Transaction, fn: () => T): T {
  db.catalogTxn = txn;
  try {
    return fn();
  } finally {
    db.catalogTxn = null;
  }
}

function rows(db: Engine, table: TableDef): StorageValue[][] {
  const txn = db.begin();
  const out: StorageValue[][] = [];
  db.scan(txn, table.id, (_tid, row) => void out.push(row));
  db.commit(txn);
  return out;
}

for (const kind of KINDS) {
  describe(`transactional DDL (${kind} kernels)`, () => {
    it('CREATE TABLE is seen only by its transaction; rollback removes it and its storage', () => {
      const vfs = createMemoryVfs();
      const db = Engine.open(smallOptions(kind, vfs));
      const txn = db.begin();
      const t = inTxn(db, txn, () => db.createTable('t', COLUMNS, undefined, PK));
      db.insert(txn, t.id, [1n, 'a']);
      expect(inTxn(db, txn, () => db.table('t'))?.id).toBe(t.id);
      expect(db.table('t')).toBeUndefined();
      expect(db.indexes(t.id)).toEqual([]);
      expect(inTxn(db, txn, () => db.indexes(t.id)).map((d) => d.name)).toEqual(['t_pkey']);
      db.rollback(txn);
      expect(db.table('t')).toBeUndefined();
      // The name is free again, and the new table is empty.
      const t2 = db.createTable('t', COLUMNS, undefined, PK);
      expect(t2.id).not.toBe(t.id);
      expect(rows(db, t2)).toEqual([]);
      db.close();
    });

    it('a committed CREATE TABLE is visible to all and survives a crash; an uncommitted one is gone after it', () => {
      const vfs = createMemoryVfs();
      let db = Engine.open(smallOptions(kind, vfs));
      const a = db.begin();
      const ta = inTxn(db, a, () => db.createTable('kept', COLUMNS, undefined, PK));
      db.insert(a, ta.id, [1n, 'x']);
      db.commit(a);
      expect(db.table('kept')?.id).toBe(ta.id);
      const b = db.begin();
      const tb = inTxn(db, b, () => db.createTable('lost', COLUMNS));
      db.insert(b, tb.id, [2n, 'y']);
      db.checkpoint(); // the pending DDL is in the catalog snapshot, as pending
      db = Engine.open(smallOptions(kind, vfs.crash()));
      expect(db.table('lost')).toBeUndefined();
      expect(rows(db, db.table('kept')!)).toEqual([[1n, 'x']]);
      db.verifyIndexes(db.table('kept')!.id);
      db.close();
    });

    it('DDL pending at a checkpoint still applies when its commit comes after it', () => {
      const vfs = createMemoryVfs();
      let db = Engine.open(smallOptions(kind, vfs));
      const txn = db.begin();
      const t = inTxn(db, txn, () => db.createTable('late', COLUMNS, undefined, PK));
      db.insert(txn, t.id, [1n, 'x']);
      db.checkpoint();
      const index = inTxn(db, txn, () => db.createIndex(t.id, { name: 'late_v', columns: [{ column: 1, key: { type: 'text' } }] }));
      db.commit(txn);
      db = Engine.open(smallOptions(kind, vfs.crash()));
      const late = db.table('late')!;
      expect(late.id).toBe(t.id);
      expect(db.indexes(late.id).map((d) => d.id)).toEqual([db.indexes(late.id)[0]!.id, index.id]);
      expect(rows(db, late)).toEqual([[1n, 'x']]);
      db.verifyIndexes(late.id);
      db.close();
    });

    it('DROP TABLE in a transaction: others keep reading it; rollback keeps it, commit removes it', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const t = db.createTable('t', COLUMNS, undefined, PK);
      const w = db.begin();
      db.insert(w, t.id, [1n, 'x']);
      db.commit(w);
      const dropper = db.begin();
      inTxn(db, dropper, () => db.dropTable('t'));
      expect(inTxn(db, dropper, () => db.table('t'))).toBeUndefined();
      expect(db.table('t')?.id).toBe(t.id);
      expect(rows(db, t)).toEqual([[1n, 'x']]);
      db.rollback(dropper);
      expect(rows(db, db.table('t')!)).toEqual([[1n, 'x']]);
      const again = db.begin();
      inTxn(db, again, () => db.dropTable('t'));
      db.commit(again);
      expect(db.table('t')).toBeUndefined();
      expect(flintError(() => db.insert(db.begin(), t.id, [2n, 'y'])).code).toBe('42P01');
      db.close();
    });

    it('ALTER TABLE ADD COLUMN rolled back: the rows it wrote wide are vacuumed, the table keeps its old shape', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const t = db.createTable('t', COLUMNS, undefined, PK);
      db.createIndex(t.id, { name: 't_v', columns: [{ column: 1, key: { type: 'text' } }] });
      const w = db.begin();
      db.insert(w, t.id, [1n, 'x']);
      db.commit(w);
      const alter = db.begin();
      const wide = inTxn(db, alter, () => db.alterTable(t.id, { columns: [...COLUMNS, { name: 'extra', type: 'int32', nullable: true }] }));
      expect(wide.columns.length).toBe(3);
      expect(db.table('t')!.columns.length).toBe(2);
      db.insert(alter, t.id, [2n, 'y', 42]);
      db.update(alter, t.id, (() => {
        let tid = 0;
        db.scan(alter, t.id, (id, row) => {
          if (row[0] === 1n) tid = id;
        });
        return tid;
      })(), [1n, 'x2', 7]);
      db.rollback(alter);
      expect(db.table('t')!.columns.length).toBe(2);
      expect(rows(db, db.table('t')!)).toEqual([[1n, 'x']]);
      db.vacuum();
      db.verifyIndexes(t.id);
      db.close();
    });

    it('CREATE INDEX in a transaction is kept complete by other writers and appears at commit; rollback drops it', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const t = db.createTable('t', COLUMNS, undefined, PK);
      const creator = db.begin();
      const index = inTxn(db, creator, () => db.createIndex(t.id, { name: 't_v', columns: [{ column: 1, key: { type: 'text' } }] }));
      expect(db.indexes(t.id).map((d) => d.name)).toEqual(['t_pkey']);
      const other = db.begin();
      db.insert(other, t.id, [5n, 'five']);
      db.commit(other);
      db.commit(creator);
      expect(db.indexes(t.id).map((d) => d.name)).toEqual(['t_pkey', 't_v']);
      const r = db.begin();
      const found: StorageValue[][] = [];
      const bound = { values: ['five'], inclusive: true };
      db.indexScan(r, t.id, index.id, { lower: bound, upper: bound }, (_tid, row) => void found.push(row));
      db.commit(r);
      expect(found).toEqual([[5n, 'five']]);
      db.verifyIndexes(t.id);
      const dropper = db.begin();
      const second = inTxn(db, dropper, () => db.createIndex(t.id, { name: 't_v2', columns: [{ column: 1, key: { type: 'text' } }] }));
      db.rollback(dropper);
      expect(db.indexes(t.id).map((d) => d.name)).toEqual(['t_pkey', 't_v']);
      expect(second.id).toBeGreaterThan(index.id);
      db.verifyIndexes(t.id);
      db.close();
    });

    it('ROLLBACK TO SAVEPOINT undoes the DDL after it, also after a crash once the rest commits', () => {
      const vfs = createMemoryVfs();
      let db = Engine.open(smallOptions(kind, vfs));
      const txn = db.begin();
      const keep = inTxn(db, txn, () => db.createTable('keep', COLUMNS));
      const sp = db.savepoint(txn);
      const gone = inTxn(db, txn, () => db.createTable('gone', COLUMNS));
      db.insert(txn, gone.id, [1n, 'x']);
      db.rollbackToSavepoint(txn, sp);
      expect(inTxn(db, txn, () => db.table('gone'))).toBeUndefined();
      expect(inTxn(db, txn, () => db.table('keep'))?.id).toBe(keep.id);
      inTxn(db, txn, () => db.createTable('gone', COLUMNS)); // the name is free again in the transaction
      db.commit(txn);
      db = Engine.open(smallOptions(kind, vfs.crash()));
      expect(db.table('keep')?.id).toBe(keep.id);
      expect(db.table('gone')).toBeDefined();
      expect(db.table('gone')!.id).not.toBe(gone.id);
      db.close();
    });

    it('two transactions altering one table: the second to commit fails with 40001 and changes nothing', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const t = db.createTable('t', COLUMNS);
      const a = db.begin();
      const b = db.begin();
      inTxn(db, a, () => db.alterTable(t.id, { meta: { by: 'a' } }));
      inTxn(db, b, () => db.alterTable(t.id, { meta: { by: 'b' } }));
      db.commit(a);
      expect(flintError(() => db.commit(b)).code).toBe('40001');
      db.rollback(b);
      expect(db.table('t')!.meta).toEqual({ by: 'a' });
      db.close();
    });

    it('two transactions creating one name: the second to commit fails with 40001', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const a = db.begin();
      const b = db.begin();
      inTxn(db, a, () => db.createTable('same', COLUMNS));
      inTxn(db, b, () => db.createTable('same', COLUMNS));
      db.commit(a);
      expect(flintError(() => db.commit(b)).code).toBe('40001');
      db.rollback(b);
      expect(db.tables.filter((t) => t.name === 'same').length).toBe(1);
      db.close();
    });

    it('a follower applies DDL at its transaction\'s commit, not before', () => {
      const vfs = createMemoryVfs();
      const db = Engine.open(smallOptions(kind, vfs));
      const follower = Engine.follower(smallOptions(kind, createMemoryVfs()));
      let lsn = 0;
      const ship = () => {
        const reader = WalReader.open(vfs, `${DIR}/wal`, lsn);
        for (let r = reader.next(); r !== null; r = reader.next()) follower.applyRecord(r.type, r.payload, r.lsn);
        lsn = reader.endLsn;
      };
      ship();
      const txn = db.begin();
      const t = inTxn(db, txn, () => db.createTable('f', COLUMNS, undefined, PK));
      db.insert(txn, t.id, [1n, 'x']);
      ship();
      expect(follower.table('f')).toBeUndefined();
      db.commit(txn);
      ship();
      const f = follower.table('f')!;
      expect(f.id).toBe(t.id);
      expect(follower.indexes(f.id).map((d) => d.name)).toEqual(['t_pkey']);
      expect(rows(follower, f)).toEqual([[1n, 'x']]);
      const gone = db.begin();
      inTxn(db, gone, () => db.dropTable('f'));
      db.rollback(gone);
      ship();
      expect(follower.table('f')?.id).toBe(t.id);
      follower.close();
      db.close();
    });
  });
}
