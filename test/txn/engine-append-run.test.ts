// A transaction's ascending primary keys wait in the primary tree's append
// run (BTree.append) from its second row on, and go into the leaves in one
// build when anything else uses the tree or the transaction commits. What
// that logs, that every read in between (the transaction's own lookups, its
// uniqueness checks, other transactions, savepoint rollbacks) sees the keys
// as if they were in the leaves, and that recovery after a power loss at any
// sync has every acknowledged row and none of an unfinished transaction.
import { describe, expect, it } from 'vitest';
import { RecordType } from '../../src/storage/record-types.ts';
import { createFaultVfs, createMemoryVfs, type Vfs } from '../../src/storage/vfs/index.ts';
import { WalReader } from '../../src/storage/wal/index.ts';
import { Engine } from '../../src/txn/engine.ts';
import type { Transaction } from '../../src/txn/transaction.ts';
import { DIR, KINDS, LONG_MS, ROW_COLUMNS, flintError, smallOptions } from './engine-helpers.ts';

const PK = { name: 't_pkey', columns: [{ column: 0, key: { type: 'int64' as const } }] };

/** Record counts by type in the WAL from `fromLsn`. */
function recordTypes(vfs: Vfs, fromLsn = 0): Map<number, number> {
  const counts = new Map<number, number>();
  const reader = WalReader.open(vfs, `${DIR}/wal`, fromLsn);
  for (let r = reader.next(); r !== null; r = reader.next()) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return counts;
}

const delta = (after: Map<number, number>, before: Map<number, number>, type: number): number => (after.get(type) ?? 0) - (before.get(type) ?? 0);

/** The rows the transaction finds through the primary key for key k (values as stored). */
function lookup(db: Engine, txn: Transaction, k: bigint): unknown[][] {
  const t = db.table('t', txn)!;
  const pk = db.indexes(t.id, txn).find((d) => d.primary)!;
  const bound = { values: [k], inclusive: true };
  const found: unknown[][] = [];
  db.indexScan(txn, t.id, pk.id, { lower: bound, upper: bound }, (_tid, row) => void found.push(row));
  return found;
}

/** Every key in `keys` found once through the primary key by a new transaction, and no other row in the table. */
function expectRows(db: Engine, keys: readonly bigint[]): void {
  const t = db.table('t')!;
  const txn = db.begin();
  for (const k of keys) expect(lookup(db, txn, k).map((r) => r[0]), `key ${k}`).toEqual([k]);
  let n = 0;
  db.scan(txn, t.id, () => void n++);
  expect(n).toBe(keys.length);
  db.commit(txn);
  db.verifyIndexes(t.id);
}

const range = (from: number, to: number): bigint[] => Array.from({ length: to - from + 1 }, (_, i) => BigInt(from + i));

for (const kind of KINDS) {
  describe(`primary key append run (${kind} kernels)`, () => {
    it('logs an ascending load as plain tuple records and the leaves built at commit; recovery finds every row', () => {
      const vfs = createMemoryVfs();
      const db = Engine.open(smallOptions(kind, vfs, { checkpointWalBytes: 1 << 30, walFileBytes: 1 << 24, poolBytes: 4 << 20 }));
      const t = db.createTable('t', ROW_COLUMNS, undefined, PK);
      const before = recordTypes(vfs);
      const txn = db.begin();
      for (let k = 1; k <= 3000; k++) db.insert(txn, t.id, [BigInt(k), 1, `row ${k}`]);
      db.commit(txn);
      const after = recordTypes(vfs);
      // The first row's entry is staged with its version (nothing to append to yet); the others wait in the run.
      expect(delta(after, before, RecordType.tupleInsertEntry)).toBe(1);
      expect(delta(after, before, RecordType.tupleInsert)).toBe(2999);
      expect(delta(after, before, RecordType.indexInsert)).toBe(0);
      // Built a few leaves a change past the tree's last key, not leaf by leaf with a split each.
      expect(delta(after, before, RecordType.indexPages)).toBeLessThan(20);
      expectRows(db, range(1, 3000));
      // A second load goes on past the first's last key the same way.
      const more = db.begin();
      for (let k = 3001; k <= 4000; k++) db.insert(more, t.id, [BigInt(k), 2, `row ${k}`]);
      db.commit(more);
      expectRows(db, range(1, 4000));
      db.close();
      const reopened = Engine.open(smallOptions(kind, vfs, { poolBytes: 4 << 20 }));
      expectRows(reopened, range(1, 4000));
      reopened.close();
    }, LONG_MS);

    it('the transaction itself finds its rows by key, updates them, and gets 23505 for a key in the run', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const t = db.createTable('t', ROW_COLUMNS, undefined, PK);
      const txn = db.begin();
      const tids: number[] = [];
      for (let k = 1; k <= 500; k++) tids.push(db.insert(txn, t.id, [BigInt(k), 1, `row ${k}`]));
      expect(lookup(db, txn, 250n)).toEqual([[250n, 1, 'row 250']]);
      expect(lookup(db, txn, 500n)).toEqual([[500n, 1, 'row 500']]);
      // The lookup put the run in the leaves; the rows after it start a new run.
      for (let k = 501; k <= 800; k++) tids.push(db.insert(txn, t.id, [BigInt(k), 1, `row ${k}`]));
      expect(flintError(() => db.insert(txn, t.id, [700n, 9, 'dup'])).code).toBe('23505');
      expect(flintError(() => db.insert(txn, t.id, [800n, 9, 'dup'])).code).toBe('23505');
      db.update(txn, t.id, tids[799]!, [800n, 2, 'updated']);
      expect(lookup(db, txn, 800n)).toEqual([[800n, 2, 'updated']]);
      // A key below the run's first goes in as usual, and the run goes on after it.
      db.delete(txn, t.id, tids[9]!);
      db.insert(txn, t.id, [10n, 3, 'again']);
      for (let k = 801; k <= 900; k++) db.insert(txn, t.id, [BigInt(k), 1, `row ${k}`]);
      db.commit(txn);
      expectRows(db, range(1, 900));
      const r = db.begin();
      expect(lookup(db, r, 10n)).toEqual([[10n, 3, 'again']]);
      expect(lookup(db, r, 800n)).toEqual([[800n, 2, 'updated']]);
      db.commit(r);
      db.close();
    });

    it('a savepoint rollback and a rollback undo the keys of the run', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const t = db.createTable('t', ROW_COLUMNS, undefined, PK);
      const txn = db.begin();
      for (let k = 1; k <= 100; k++) db.insert(txn, t.id, [BigInt(k), 1, 'a']);
      const marker = db.savepoint(txn);
      for (let k = 101; k <= 300; k++) db.insert(txn, t.id, [BigInt(k), 1, 'b']);
      db.rollbackToSavepoint(txn, marker);
      // The undone keys are free again, in the transaction and after it.
      for (let k = 150; k <= 160; k++) db.insert(txn, t.id, [BigInt(k), 2, 'c']);
      db.commit(txn);
      expectRows(db, [...range(1, 100), ...range(150, 160)]);
      const gone = db.begin();
      for (let k = 1000; k <= 1400; k++) db.insert(gone, t.id, [BigInt(k), 3, 'd']);
      db.rollback(gone);
      const again = db.begin();
      for (let k = 1000; k <= 1100; k++) db.insert(again, t.id, [BigInt(k), 4, 'e']);
      db.commit(again);
      expectRows(db, [...range(1, 100), ...range(150, 160), ...range(1000, 1100)]);
      db.close();
    });

    it('another transaction meets the run as if its keys were in the leaves', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const t = db.createTable('t', ROW_COLUMNS, undefined, PK);
      const a = db.begin();
      for (let k = 1; k <= 200; k++) db.insert(a, t.id, [BigInt(k), 1, 'a']);
      const b = db.begin();
      // A key A holds (in its run) is a conflict, not free; one past it is free.
      expect(flintError(() => db.insert(b, t.id, [150n, 2, 'b'])).code).toBe('40001');
      expect(lookup(db, b, 150n)).toEqual([]);
      db.rollback(b);
      const c = db.begin();
      for (let k = 1001; k <= 1100; k++) db.insert(c, t.id, [BigInt(k), 3, 'c']);
      // A goes on above C's keys (its run and C's share the tree: each flushes what it meets).
      for (let k = 2001; k <= 2100; k++) db.insert(a, t.id, [BigInt(k), 1, 'a']);
      db.commit(c);
      expect(flintError(() => db.insert(a, t.id, [1050n, 1, 'dup'])).code).toBe('23505');
      db.commit(a);
      expectRows(db, [...range(1, 200), ...range(1001, 1100), ...range(2001, 2100)]);
      db.close();
    });

    it('dropping the table in the transaction that loaded it leaves nothing behind', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const txn = db.begin();
      for (let round = 0; round < 2; round++) {
        const t = db.createTable('t', ROW_COLUMNS, undefined, PK);
        const w = db.begin();
        for (let k = 1; k <= 300; k++) db.insert(w, t.id, [BigInt(k), 1, 'x']);
        db.rollback(w);
        db.dropTable('t');
      }
      db.commit(txn);
      const t = db.createTable('t', ROW_COLUMNS, undefined, PK);
      const w = db.begin();
      for (let k = 1; k <= 300; k++) db.insert(w, t.id, [BigInt(k), 1, 'x']);
      db.commit(w);
      expectRows(db, range(1, 300));
      db.close();
    });

    it('recovers every acknowledged row, and none of an unfinished load, after a power loss at any sync, torn or clean', () => {
      const rounds = 8;
      const perRound = 150;
      const write = (vfs: Vfs, acked: bigint[]): void => {
        const db = Engine.open(smallOptions(kind, vfs));
        const t = db.createTable('t', ROW_COLUMNS, undefined, PK);
        for (let n = 1; n <= rounds; n++) {
          const txn = db.begin();
          const keys = range(n * 1000, n * 1000 + perRound - 1);
          for (const k of keys) db.insert(txn, t.id, [k, n, 'v'.repeat(40 + n * 10)]);
          db.commit(txn);
          acked.push(...keys);
        }
        db.close();
      };
      const probe = createFaultVfs({ seed: 4 });
      write(probe, []);
      const syncs = probe.counters.sync;
      expect(syncs).toBeGreaterThan(rounds);
      for (let at = 1; at <= syncs; at += Math.max(1, Math.floor(syncs / 12))) {
        for (const tear of [false, true]) {
          const vfs = createFaultVfs({ seed: at * 5 + (tear ? 1 : 0) });
          vfs.crashAtSync(at);
          const acked: bigint[] = [];
          try {
            write(vfs, acked);
          } catch (error) {
            if (!vfs.crashed) throw error;
          }
          if (!vfs.crashed) continue;
          const db = Engine.open(smallOptions(kind, vfs.crash({ tear, entries: 'all' })));
          const t = db.table('t');
          if (t !== undefined) {
            // A transaction whose commit the crash struck may or may not have made it: all of its rows or none.
            const txn = db.begin();
            let n = 0;
            db.scan(txn, t.id, () => void n++);
            db.commit(txn);
            expect(n === acked.length || n === acked.length + perRound, `sync ${at}${tear ? ' torn' : ''}: ${n} rows, ${acked.length} acknowledged`).toBe(true);
            expectRows(db, n === acked.length ? acked : [...acked, ...range((acked.length / perRound + 1) * 1000, (acked.length / perRound + 1) * 1000 + perRound - 1)]);
          } else expect(acked.length).toBe(0);
          db.close();
        }
      }
    }, LONG_MS);
  });
}
