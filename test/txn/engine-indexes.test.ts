// Indexes under MVCC through the engine API: primary keys and hidden row
// ids, secondary and unique indexes, what old snapshots find through an
// index after updates, deletes and re-inserts, uniqueness against committed
// and in-progress rows, vacuum cleaning entries, reopen and crash recovery,
// and a seeded random workload whose every index lookup must equal a scan
// filtered by the same key under the same snapshot. Both kernels.
import { describe, expect, it } from 'vitest';
import type { StorageValue } from '../../src/storage/tuple.ts';
import { createMemoryVfs } from '../../src/storage/vfs/index.ts';
import { Engine, type ColumnDef, type TableDef } from '../../src/txn/engine.ts';
import type { IndexDef } from '../../src/txn/index-keys.ts';
import type { Transaction } from '../../src/txn/transaction.ts';
import { KINDS, LONG_MS, Prng, flintError, smallOptions } from './engine-helpers.ts';

const COLUMNS: readonly ColumnDef[] = [
  { name: 'id', type: 'int64', nullable: false },
  { name: 'email', type: 'text', nullable: true },
  { name: 'n', type: 'int32', nullable: true },
];

const PK = { name: 'users_pkey', columns: [{ column: 0, key: { type: 'int64' as const } }] };

function setup(kind: 'wasm' | 'ts', withPk = true) {
  const vfs = createMemoryVfs();
  const db = Engine.open(smallOptions(kind, vfs));
  const t = db.createTable('users', COLUMNS, undefined, withPk ? PK : undefined);
  return { vfs, db, t };
}

/** Rows txn finds through the index with key prefix `values`, as [id, email, n] arrays. */
function lookup(db: Engine, txn: Transaction, t: TableDef, index: IndexDef, values: StorageValue[]): StorageValue[][] {
  const out: StorageValue[][] = [];
  const bound = { values, inclusive: true };
  db.indexScan(txn, t.id, index.id, { lower: bound, upper: bound }, (_tid, row) => void out.push(row));
  return out;
}

function primary(db: Engine, t: TableDef): IndexDef {
  return db.indexes(t.id).find((d) => d.primary)!;
}

function insert(db: Engine, t: TableDef, rows: StorageValue[][]): void {
  const txn = db.begin();
  for (const r of rows) db.insert(txn, t.id, r);
  db.commit(txn);
}

function find(db: Engine, txn: Transaction, t: TableDef, id: bigint): { tid: number; row: StorageValue[] } | undefined {
  let found: { tid: number; row: StorageValue[] } | undefined;
  const bound = { values: [id], inclusive: true };
  db.indexScan(txn, t.id, primary(db, t).id, { lower: bound, upper: bound }, (tid, row) => {
    found = { tid, row };
  });
  return found;
}

for (const kind of KINDS) {
  describe(`engine indexes (${kind} kernels)`, () => {
    it('finds rows by primary key, refuses duplicates with 23505 and changes nothing', () => {
      const { db, t } = setup(kind);
      insert(db, t, [[1n, 'a@x', 1], [2n, 'b@x', 2]]);
      const txn = db.begin();
      expect(lookup(db, txn, t, primary(db, t), [2n])).toEqual([[2n, 'b@x', 2]]);
      expect(lookup(db, txn, t, primary(db, t), [3n])).toEqual([]);
      const err = flintError(() => db.insert(txn, t.id, [1n, 'dup', 0]));
      expect(err.code).toBe('23505');
      expect(err.constraint).toBe('users_pkey');
      db.commit(txn);
      const check = db.begin();
      expect(lookup(db, check, t, primary(db, t), [1n])).toEqual([[1n, 'a@x', 1]]);
      let count = 0;
      db.scan(check, t.id, () => void count++);
      expect(count).toBe(2);
      db.verifyIndexes(t.id);
      db.close();
    });

    it('range scans forward and reverse over the primary key', () => {
      const { db, t } = setup(kind);
      insert(db, t, Array.from({ length: 300 }, (_, i) => [BigInt(i * 2), `e${i}`, i]));
      const txn = db.begin();
      const ids = (range: Parameters<Engine['indexScan']>[3]) => {
        const out: bigint[] = [];
        db.indexScan(txn, t.id, primary(db, t).id, range, (_tid, row) => void out.push(row[0] as bigint));
        return out;
      };
      expect(ids({ lower: { values: [10n], inclusive: true }, upper: { values: [16n], inclusive: true } })).toEqual([10n, 12n, 14n, 16n]);
      expect(ids({ lower: { values: [10n], inclusive: false }, upper: { values: [16n], inclusive: false } })).toEqual([12n, 14n]);
      expect(ids({ lower: { values: [590n], inclusive: true } })).toEqual([590n, 592n, 594n, 596n, 598n]);
      expect(ids({ upper: { values: [4n], inclusive: true }, reverse: true })).toEqual([4n, 2n, 0n]);
      expect(ids({ reverse: true }).slice(0, 3)).toEqual([598n, 596n, 594n]);
      expect(ids({}).length).toBe(300);
      db.commit(txn);
      db.close();
    });

    it('an old snapshot still finds the old row through the index after update, delete and re-insert', () => {
      const { db, t } = setup(kind);
      insert(db, t, [[1n, 'v1', 1]]);
      const old = db.begin();
      expect(find(db, old, t, 1n)?.row).toEqual([1n, 'v1', 1]);
      const w = db.begin();
      db.update(w, t.id, find(db, w, t, 1n)!.tid, [1n, 'v2', 2]);
      db.commit(w);
      const afterUpdate = db.begin();
      const d = db.begin();
      db.delete(d, t.id, find(db, d, t, 1n)!.tid);
      db.commit(d);
      const afterDelete = db.begin();
      insert(db, t, [[1n, 'v3', 3]]);
      const now = db.begin();
      expect(find(db, old, t, 1n)?.row).toEqual([1n, 'v1', 1]);
      expect(find(db, afterUpdate, t, 1n)?.row).toEqual([1n, 'v2', 2]);
      expect(find(db, afterDelete, t, 1n)).toBeUndefined();
      expect(find(db, now, t, 1n)?.row).toEqual([1n, 'v3', 3]);
      for (const txn of [old, afterUpdate, afterDelete, now]) db.commit(txn);
      db.verifyIndexes(t.id);
      db.vacuum();
      db.verifyIndexes(t.id);
      const last = db.begin();
      expect(find(db, last, t, 1n)?.row).toEqual([1n, 'v3', 3]);
      db.commit(last);
      db.close();
    });

    it('changing the primary key moves the row: the old key finds it only in old snapshots', () => {
      const { db, t } = setup(kind);
      insert(db, t, [[1n, 'a', 1]]);
      const old = db.begin();
      const w = db.begin();
      db.update(w, t.id, find(db, w, t, 1n)!.tid, [5n, 'a', 1]);
      expect(find(db, w, t, 1n)).toBeUndefined();
      expect(find(db, w, t, 5n)?.row).toEqual([5n, 'a', 1]);
      db.commit(w);
      expect(find(db, old, t, 1n)?.row).toEqual([1n, 'a', 1]);
      expect(find(db, old, t, 5n)).toBeUndefined();
      db.commit(old);
      insert(db, t, [[1n, 'again', 0]]); // the old key is free again
      db.vacuum();
      db.verifyIndexes(t.id);
      db.close();
    });

    it('uniqueness: a committed row is 23505 even if the snapshot does not see it; an uncommitted one is 40001', () => {
      const { db, t } = setup(kind);
      const early = db.begin();
      const other = db.begin();
      db.insert(other, t.id, [7n, 'other', 0]);
      expect(flintError(() => db.insert(early, t.id, [7n, 'mine', 0])).code).toBe('40001');
      db.rollback(early);
      db.commit(other);
      const late = db.begin();
      const snapshotBefore = db.begin();
      expect(flintError(() => db.insert(late, t.id, [7n, 'mine', 0])).code).toBe('23505');
      db.rollback(late);
      // A key deleted by a commit this snapshot does not see is still taken for it.
      const d = db.begin();
      db.delete(d, t.id, find(db, d, t, 7n)!.tid);
      db.commit(d);
      expect(flintError(() => db.insert(snapshotBefore, t.id, [7n, 'x', 0])).code).toBe('40001');
      db.rollback(snapshotBefore);
      const fresh = db.begin();
      db.insert(fresh, t.id, [7n, 'new', 1]);
      db.commit(fresh);
      db.verifyIndexes(t.id);
      db.close();
    });

    it('a rolled-back insert frees its key; rollback to a savepoint restores the old row for the transaction', () => {
      const { db, t } = setup(kind);
      const a = db.begin();
      db.insert(a, t.id, [1n, 'gone', 0]);
      db.rollback(a);
      insert(db, t, [[1n, 'kept', 1]]);
      const b = db.begin();
      const sp = db.savepoint(b);
      db.update(b, t.id, find(db, b, t, 1n)!.tid, [1n, 'changed', 2]);
      expect(find(db, b, t, 1n)?.row[1]).toBe('changed');
      db.rollbackToSavepoint(b, sp);
      expect(find(db, b, t, 1n)?.row[1]).toBe('kept');
      db.update(b, t.id, find(db, b, t, 1n)!.tid, [1n, 'second', 3]);
      db.commit(b);
      const c = db.begin();
      expect(find(db, c, t, 1n)?.row[1]).toBe('second');
      db.commit(c);
      db.vacuum();
      db.verifyIndexes(t.id);
      db.close();
    });

    // The undone version used to stay the primary entry's head: after COMMIT
    // every other transaction stopped there as at a deleted row, so the row
    // vanished from index lookups and its key could be inserted twice.
    it('after rollback to a savepoint and commit, others find the revived row through every index and its key stays taken', () => {
      const { db, t } = setup(kind);
      insert(db, t, [[1n, 'kept', 1], [2n, 'other', 2]]);
      const byN = db.createIndex(t.id, { name: 'users_n', columns: [{ column: 2, key: { type: 'int64' } }] });
      const b = db.begin();
      db.update(b, t.id, find(db, b, t, 2n)!.tid, [2n, 'before the savepoint', 2]);
      const sp = db.savepoint(b);
      db.update(b, t.id, find(db, b, t, 1n)!.tid, [1n, 'changed', 5]);
      db.update(b, t.id, find(db, b, t, 1n)!.tid, [1n, 'changed twice', 6]);
      db.insert(b, t.id, [3n, 'new key', 7]);
      db.rollbackToSavepoint(b, sp);
      db.commit(b);
      const c = db.begin();
      expect(find(db, c, t, 1n)?.row).toEqual([1n, 'kept', 1]);
      expect(find(db, c, t, 2n)?.row).toEqual([2n, 'before the savepoint', 2]);
      expect(find(db, c, t, 3n)).toBeUndefined();
      expect(lookup(db, c, t, byN, [1])).toEqual([[1n, 'kept', 1]]);
      expect(lookup(db, c, t, byN, [5])).toEqual([]);
      expect(lookup(db, c, t, byN, [6])).toEqual([]);
      expect(flintError(() => db.insert(c, t.id, [1n, 'duplicate', 0])).code).toBe('23505');
      db.insert(c, t.id, [3n, 'now it exists', 7]);
      db.commit(c);
      db.verifyIndexes(t.id);
      db.vacuum();
      db.verifyIndexes(t.id);
      const d = db.begin();
      expect(find(db, d, t, 1n)?.row).toEqual([1n, 'kept', 1]);
      expect(lookup(db, d, t, byN, [7])).toEqual([[3n, 'now it exists', 7]]);
      db.commit(d);
      db.close();
    });

    // The index manager keeps the indexes of the table written last at hand
    // (a load asks for them several times a row): an index created or
    // dropped between two inserts must be seen by the second.
    it('inserts see an index created or dropped since the last insert into the same table, and another table in between', () => {
      const { db, t } = setup(kind);
      const u = db.createTable('other', COLUMNS, undefined, { ...PK, name: 'other_pkey' });
      const txn = db.begin();
      db.insert(txn, t.id, [1n, 'a', 1]);
      db.insert(txn, t.id, [2n, 'b', 2]);
      db.commit(txn);
      const byN = db.createIndex(t.id, { name: 'users_n', columns: [{ column: 2, key: { type: 'int64' } }] });
      const b = db.begin();
      db.insert(b, t.id, [3n, 'c', 1]);
      db.insert(b, u.id, [1n, 'other', 1]);
      db.insert(b, t.id, [4n, 'd', 1]);
      db.commit(b);
      const byEmail = db.createIndex(t.id, { name: 'users_email_key', columns: [{ column: 1, key: { type: 'text' } }], unique: true });
      expect(flintError(() => insert(db, t, [[5n, 'c', 9]])).code).toBe('23505');
      db.dropIndex(byEmail.id);
      insert(db, t, [[5n, 'c', 9]]);
      const c = db.begin();
      expect(lookup(db, c, t, byN, [1]).map((r) => r[0])).toEqual([1n, 3n, 4n]);
      expect(lookup(db, c, t, byN, [9])).toEqual([[5n, 'c', 9]]);
      expect(find(db, c, u, 1n)?.row).toEqual([1n, 'other', 1]);
      db.commit(c);
      db.verifyIndexes(t.id);
      db.verifyIndexes(u.id);
      db.close();
    });

    // IndexManager.beforeUpdate/afterUpdate take key columns whose values an
    // UPDATE keeps as keeping the key (sameKeyValues), and encode only the
    // others: a float key going from 0 to -0 (two encodings), NaN, and bytes
    // (decoded again, another object) count as changed, and the encoded keys
    // decide as before.
    it('updates that keep, change or re-state key values (0 and -0, NaN, bytes, text, NULL) leave every index right', () => {
      const vfs = createMemoryVfs();
      const db = Engine.open(smallOptions(kind, vfs));
      const columns: ColumnDef[] = [
        { name: 'id', type: 'int64', nullable: false },
        { name: 'f', type: 'float64', nullable: true },
        { name: 'b', type: 'bytes', nullable: true },
        { name: 's', type: 'text', nullable: true },
        { name: 'n', type: 'int32', nullable: true },
      ];
      const t = db.createTable('k', columns, undefined, { name: 'k_pkey', columns: [{ column: 0, key: { type: 'int64' } }] });
      const byF = db.createIndex(t.id, { name: 'k_f', columns: [{ column: 1, key: { type: 'float64' } }] });
      const byB = db.createIndex(t.id, { name: 'k_b', columns: [{ column: 2, key: { type: 'bytes' } }], unique: true });
      const byS = db.createIndex(t.id, { name: 'k_s', columns: [{ column: 3, key: { type: 'text' } }, { column: 1, key: { type: 'float64' } }] });
      insert(db, t, [[1n, 0, Uint8Array.of(1, 2), 'a', 1], [2n, Number.NaN, Uint8Array.of(3), null, 2]]);
      const update = (id: bigint, change: (row: StorageValue[]) => StorageValue[]): void => {
        const txn = db.begin();
        const found = find(db, txn, t, id)!;
        db.update(txn, t.id, found.tid, change([...found.row]));
        db.commit(txn);
      };
      const ids = (index: IndexDef, values: StorageValue[]): bigint[] => {
        const txn = db.begin();
        const out = lookup(db, txn, t, index, values).map((r) => r[0] as bigint);
        db.commit(txn);
        return out;
      };
      for (let round = 0; round < 2; round++) {
        update(1n, (r) => [r[0]!, r[1]!, r[2]!, r[3]!, (r[4] as number) + 1]); // only n: every key kept
        update(2n, (r) => [r[0]!, r[1]!, r[2]!, r[3]!, (r[4] as number) + 1]);
        update(1n, (r) => [r[0]!, -0, Uint8Array.of(1, 2), r[3]!, r[4]!]); // 0 to -0, the same bytes anew
        update(2n, (r) => [r[0]!, Number.NaN, r[2]!, 'b', r[4]!]); // NaN again, NULL to text
        update(1n, (r) => [r[0]!, 0, Uint8Array.of(9), r[3]!, r[4]!]); // -0 back to 0, other bytes
        update(1n, (r) => [r[0]!, r[1]!, Uint8Array.of(1, 2), r[3]!, r[4]!]);
        db.verifyIndexes(t.id);
      }
      expect(ids(byF, [0])).toEqual([1n]);
      expect(ids(byB, [Uint8Array.of(1, 2)])).toEqual([1n]);
      expect(ids(byB, [Uint8Array.of(9)])).toEqual([]);
      expect(ids(byB, [Uint8Array.of(3)])).toEqual([2n]);
      expect(ids(byS, ['a'])).toEqual([1n]);
      expect(ids(byS, ['b'])).toEqual([2n]);
      expect(flintError(() => insert(db, t, [[3n, 1, Uint8Array.of(1, 2), 'c', 3]])).code).toBe('23505');
      const txn = db.begin();
      expect(find(db, txn, t, 1n)?.row).toEqual([1n, 0, Uint8Array.of(1, 2), 'a', 3]);
      db.commit(txn);
      db.vacuum();
      db.verifyIndexes(t.id);
      db.close();
    });

    it('secondary indexes: lookups, updates that move a row between keys, unique secondaries with NULLs', () => {
      const { db, t } = setup(kind);
      insert(db, t, [[1n, 'a@x', 10], [2n, 'b@x', 10], [3n, null, 20], [4n, null, 20]]);
      const byN = db.createIndex(t.id, { name: 'users_n', columns: [{ column: 2, key: { type: 'int64' } }] });
      const byEmail = db.createIndex(t.id, { name: 'users_email_key', columns: [{ column: 1, key: { type: 'text' } }], unique: true });
      const r = db.begin();
      expect(lookup(db, r, t, byN, [10]).map((x) => x[0])).toEqual([1n, 2n]);
      expect(lookup(db, r, t, byEmail, ['b@x'])).toEqual([[2n, 'b@x', 10]]);
      expect(lookup(db, r, t, byEmail, [null]).map((x) => x[0])).toEqual([3n, 4n]);
      const w = db.begin();
      db.update(w, t.id, find(db, w, t, 1n)!.tid, [1n, 'a@x', 20]);
      expect(flintError(() => db.insert(w, t.id, [9n, 'b@x', 0])).code).toBe('23505');
      db.insert(w, t.id, [9n, null, 0]); // NULLs are distinct
      db.commit(w);
      const now = db.begin();
      expect(lookup(db, now, t, byN, [10]).map((x) => x[0])).toEqual([2n]);
      expect(lookup(db, now, t, byN, [20]).map((x) => x[0])).toEqual([1n, 3n, 4n]);
      // The snapshot from before the update still sees row 1 under n = 10, and only there.
      expect(lookup(db, r, t, byN, [10]).map((x) => x[0])).toEqual([1n, 2n]);
      expect(lookup(db, r, t, byN, [20]).map((x) => x[0])).toEqual([3n, 4n]);
      db.commit(r);
      db.commit(now);
      db.vacuum();
      db.verifyIndexes(t.id);
      expect(flintError(() => db.createIndex(t.id, { name: 'users_n_key', columns: [{ column: 2, key: { type: 'int64' } }], unique: true })).code).toBe('23505');
      expect(db.indexes(t.id).map((d) => d.name)).toEqual(['users_pkey', 'users_n', 'users_email_key']);
      db.dropIndex(byN.id);
      expect(db.indexes(t.id).map((d) => d.name)).toEqual(['users_pkey', 'users_email_key']);
      db.close();
    });

    it('hash indexes: equality lookups, keys longer than a B+-tree key, updates, vacuum and reopen', () => {
      const vfs = createMemoryVfs();
      let db = Engine.open(smallOptions(kind, vfs));
      let t = db.createTable('users', COLUMNS, undefined, PK);
      const long = (i: number) => `${'x'.repeat(3000)}-${i}`;
      insert(db, t, Array.from({ length: 300 }, (_, i) => [BigInt(i), i % 2 === 0 ? long(i) : `short${i % 7}`, i]));
      let byEmail = db.createIndex(t.id, { name: 'users_email_hash', columns: [{ column: 1, key: { type: 'text' } }], method: 'hash' });
      const r = db.begin();
      expect(lookup(db, r, t, byEmail, [long(42)]).map((x) => x[0])).toEqual([42n]);
      expect(lookup(db, r, t, byEmail, ['short3']).map((x) => x[0]).sort()).toEqual([3n, 17n, 31n, 45n, 59n, 73n, 87n, 101n, 115n, 129n, 143n, 157n, 171n, 185n, 199n, 213n, 227n, 241n, 255n, 269n, 283n, 297n].sort());
      expect(lookup(db, r, t, byEmail, ['nobody'])).toEqual([]);
      // Ranges are not a hash index's business.
      expect(flintError(() => db.indexScan(r, t.id, byEmail.id, { lower: { values: ['a'], inclusive: true } }, () => {})).code).toBe('0A000');
      const w = db.begin();
      db.update(w, t.id, find(db, w, t, 42n)!.tid, [42n, 'moved', 0]);
      db.commit(w);
      const now = db.begin();
      expect(lookup(db, now, t, byEmail, [long(42)])).toEqual([]);
      expect(lookup(db, now, t, byEmail, ['moved']).map((x) => x[0])).toEqual([42n]);
      expect(lookup(db, r, t, byEmail, [long(42)]).map((x) => x[0])).toEqual([42n]);
      db.commit(r);
      db.commit(now);
      db.vacuum();
      db.verifyIndexes(t.id);
      db.close();
      db = Engine.open(smallOptions(kind, vfs.crash()));
      t = db.table('users')!;
      byEmail = db.indexes(t.id).find((d) => d.name === 'users_email_hash')!;
      expect(byEmail.method).toBe('hash');
      const after = db.begin();
      expect(lookup(db, after, t, byEmail, [long(44)]).map((x) => x[0])).toEqual([44n]);
      db.commit(after);
      db.verifyIndexes(t.id);
      db.close();
    });

    it('tables without a primary key get hidden row ids that survive reopen', () => {
      const vfs = createMemoryVfs();
      let db = Engine.open(smallOptions(kind, vfs));
      let t = db.createTable('log', COLUMNS);
      insert(db, t, [[1n, 'x', 1], [1n, 'x', 1], [2n, 'y', 2]]);
      db.createIndex(t.id, { name: 'log_id', columns: [{ column: 0, key: { type: 'int64' } }] });
      db.close();
      db = Engine.open(smallOptions(kind, vfs));
      t = db.table('log')!;
      insert(db, t, [[1n, 'z', 3]]);
      const txn = db.begin();
      const byId = db.indexes(t.id).find((d) => d.name === 'log_id')!;
      expect(lookup(db, txn, t, byId, [1n]).map((r) => r[1])).toEqual(['x', 'x', 'z']);
      db.commit(txn);
      db.verifyIndexes(t.id);
      db.close();
    });

    it('indexes survive reopen and a crash (recovery replays index records)', () => {
      const vfs = createMemoryVfs();
      let db = Engine.open(smallOptions(kind, vfs));
      let t = db.createTable('users', COLUMNS, undefined, PK);
      db.createIndex(t.id, { name: 'users_n', columns: [{ column: 2, key: { type: 'int64' } }] });
      insert(db, t, Array.from({ length: 500 }, (_, i) => [BigInt(i), `user${i}@example.com`, i % 7]));
      db.close();
      db = Engine.open(smallOptions(kind, vfs));
      t = db.table('users')!;
      insert(db, t, Array.from({ length: 500 }, (_, i) => [BigInt(500 + i), `late${i}`, i % 7]));
      // Crash: drop everything not synced. Commits are synced (synchronous full).
      const crashed = vfs.crash();
      db = Engine.open(smallOptions(kind, crashed));
      t = db.table('users')!;
      const txn = db.begin();
      expect(find(db, txn, t, 999n)?.row).toEqual([999n, 'late499', 499 % 7]);
      const byN = db.indexes(t.id).find((d) => d.name === 'users_n')!;
      expect(lookup(db, txn, t, byN, [3]).length).toBe(Array.from({ length: 1000 }, (_, i) => i).filter((i) => (i < 500 ? i : i - 500) % 7 === 3).length);
      db.commit(txn);
      db.verifyIndexes(t.id);
      db.close();
    });

    it('random workload: every index lookup equals a filtered scan of the same snapshot', { timeout: LONG_MS }, () => {
      const prng = new Prng(kind === 'wasm' ? 11 : 12);
      const { db, t } = setup(kind);
      const byN = db.createIndex(t.id, { name: 'users_n', columns: [{ column: 2, key: { type: 'int64' } }] });
      const byEmail = db.createIndex(t.id, { name: 'users_email', columns: [{ column: 1, key: { type: 'text' } }], unique: true });
      const open: Transaction[] = [];
      for (let step = 0; step < 1500; step++) {
        if (open.length < 3 || prng.int(10) === 0) open.push(db.begin());
        const i = prng.int(open.length);
        const txn = open[i]!;
        const op = prng.int(100);
        const id = BigInt(prng.int(60));
        try {
          if (op < 35) {
            db.insert(txn, t.id, [id, prng.int(4) === 0 ? null : `e${prng.int(80)}`, prng.int(10)]);
          } else if (op < 60) {
            const found = find(db, txn, t, id);
            if (found !== undefined) db.update(txn, t.id, found.tid, [prng.int(5) === 0 ? BigInt(prng.int(60)) : id, `e${prng.int(80)}`, prng.int(10)]);
          } else if (op < 75) {
            const found = find(db, txn, t, id);
            if (found !== undefined) db.delete(txn, t.id, found.tid);
          } else if (op < 85) {
            open.splice(i, 1);
            if (prng.int(3) === 0) db.rollback(txn);
            else db.commit(txn);
          } else if (op < 90) {
            db.vacuumStep(4);
          } else {
            checkAgainstScan(db, txn, t, [primary(db, t), byN, byEmail], prng);
          }
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code !== '23505' && code !== '40001') throw error;
          open.splice(i, 1);
          db.rollback(txn);
        }
      }
      for (const txn of open) db.commit(txn);
      db.vacuum();
      db.verifyIndexes(t.id);
      const txn = db.begin();
      checkAgainstScan(db, txn, t, [primary(db, t), byN, byEmail], prng);
      db.commit(txn);
      db.close();
    });
  });
}

/** For a few random keys of each index: the rows found through the index are those a scan finds with that key. */
function checkAgainstScan(db: Engine, txn: Transaction, t: TableDef, indexes: IndexDef[], prng: Prng): void {
  const all: StorageValue[][] = [];
  db.scan(txn, t.id, (_tid, row) => void all.push(row));
  for (const index of indexes) {
    const col = index.columns[0]!.column;
    for (let k = 0; k < 3; k++) {
      const pick = all.length > 0 && prng.int(4) > 0 ? all[prng.int(all.length)]![col]! : col === 0 ? BigInt(prng.int(60)) : col === 1 ? `e${prng.int(80)}` : prng.int(10);
      const key = typeof pick === 'number' && col === 0 ? BigInt(pick) : pick;
      const want = all.filter((r) => r[col] === key || (typeof key === 'bigint' && r[col] === key)).map((r) => String(r[0])).sort();
      const got = lookup(db, txn, t, index, [key]).map((r) => String(r[0])).sort();
      expect(got, `index ${index.name} key ${String(key)}`).toEqual(want);
    }
  }
  // The whole primary index in order equals the scan sorted by id.
  const ordered: bigint[] = [];
  db.indexScan(txn, t.id, indexes[0]!.id, {}, (_tid, row) => void ordered.push(row[0] as bigint));
  expect(ordered).toEqual(all.map((r) => r[0] as bigint).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
}
