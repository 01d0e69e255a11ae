// TUPLE_UPDATE: an UPDATE's new version, the replaced version's xmax and
// (the primary key kept) the key's entry naming the new version, in ONE WAL
// record (Heap.insert's `replaces`, BTree.stageValue). What an update logs,
// that recovery after a power loss (torn or clean) and a follower replaying
// the log both rebuild every acknowledged update, that each part is applied
// to its own page only if that page is older (the two versions' page once
// when they share it), and that a log of the records written before (a
// TUPLE_INSERT, a TUPLE_XMAX and an INDEX_VALUE) still replays.
import { describe, expect, it } from 'vitest';
import { RecordType } from '../../src/storage/record-types.ts';
import { createFaultVfs, createMemoryVfs, type Vfs } from '../../src/storage/vfs/index.ts';
import { WalReader } from '../../src/storage/wal/index.ts';
import { Engine } from '../../src/txn/engine.ts';
import type { Transaction } from '../../src/txn/transaction.ts';
import { DIR, KINDS, LONG_MS, Prng, ROW_COLUMNS, crashPoints, payload, smallOptions } from './engine-helpers.ts';

const PK = { name: 't_pkey', columns: [{ column: 0, key: { type: 'int64' as const } }] };

interface Rec {
  type: number;
  payload: Uint8Array;
  lsn: number;
}

function records(vfs: Vfs, fromLsn = 0): Rec[] {
  const out: Rec[] = [];
  const reader = WalReader.open(vfs, `${DIR}/wal`, fromLsn);
  for (let r = reader.next(); r !== null; r = reader.next()) out.push({ type: r.type, payload: r.payload.slice(), lsn: r.lsn });
  return out;
}

function counts(recs: readonly Rec[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of recs) out.set(r.type, (out.get(r.type) ?? 0) + 1);
  return out;
}

/** The tid of key k's version that txn sees, through the primary index. */
function tidOfIn(db: Engine, txn: Transaction, k: bigint): number {
  const t = db.table('t')!;
  const pk = db.indexes(t.id).find((d) => d.primary)!;
  const bound = { values: [k], inclusive: true };
  let tid = -1;
  db.indexScan(txn, t.id, pk.id, { lower: bound, upper: bound }, (found) => void (tid = found));
  return tid;
}

/** The tid of key k's visible version. */
function tidOf(db: Engine, k: bigint): number {
  const txn = db.begin();
  const tid = tidOfIn(db, txn, k);
  db.commit(txn);
  return tid;
}

/**
 * Every key's row found through the primary index is `want(k)` (or, for the
 * key of `inflight`, the update whose commit the crash interrupted: it may
 * have reached the disk), and a scan sees each key once.
 */
function expectRows(db: Engine, want: ReadonlyMap<bigint, [number, string]>, inflight: readonly Inflight[] = []): void {
  const t = db.table('t')!;
  const pk = db.indexes(t.id).find((d) => d.primary)!;
  const txn = db.begin();
  for (const [k, [n, v]] of want) {
    const bound = { values: [k], inclusive: true };
    const found: unknown[][] = [];
    db.indexScan(txn, t.id, pk.id, { lower: bound, upper: bound }, (_tid, row) => void found.push(row));
    const late = inflight.find((f) => f.k === k);
    if (late !== undefined && found.length === 1 && found[0]![1] === late.row[0]) expect(found, `key ${k}`).toEqual([[k, ...late.row]]);
    else expect(found, `key ${k}`).toEqual([[k, n, v]]);
  }
  let rows = 0;
  db.scan(txn, t.id, () => void rows++);
  expect(rows).toBe(want.size);
  db.commit(txn);
  db.verifyIndexes(t.id);
}

interface Inflight {
  k: bigint;
  row: [number, string];
}

/**
 * Updates of random keys of 1..keys, `perTxn` (distinct keys) a transaction
 * (values as `want` records them; `inflight`, if given, those being committed).
 */
function updateRandom(db: Engine, prng: Prng, n: number, keys: number, want: Map<bigint, [number, string]>, round: number, acked?: Map<bigint, [number, string]>, inflight?: { at: Inflight[] }, perTxn = 1): void {
  const t = db.table('t')!;
  for (let i = 0; i < n; ) {
    const txn = db.begin();
    const batch: Inflight[] = [];
    for (let j = 0; j < perTxn && i < n; j++, i++) {
      const k = BigInt(1 + prng.int(keys));
      if (batch.some((b) => b.k === k)) continue;
      const row: [number, string] = [round * 1000 + i, payload(prng, 10 + prng.int(200))];
      db.update(txn, t.id, tidOfIn(db, txn, k), [k, ...row]);
      batch.push({ k, row });
    }
    if (inflight !== undefined) inflight.at = batch;
    db.commit(txn);
    if (inflight !== undefined) inflight.at = [];
    for (const { k, row } of batch) {
      want.set(k, row);
      acked?.set(k, row);
    }
  }
}

for (const kind of KINDS) {
  describe(`TUPLE_UPDATE (${kind} kernels)`, () => {
    it('logs an update that keeps its key as one record besides the commit; one that changes its key folds the tuple and the xmax', () => {
      const vfs = createMemoryVfs();
      const db = Engine.open(smallOptions(kind, vfs, { checkpointWalBytes: 1 << 30, walFileBytes: 1 << 24 }));
      const t = db.createTable('t', ROW_COLUMNS, undefined, PK);
      const want = new Map<bigint, [number, string]>();
      const load = db.begin();
      for (let k = 1; k <= 200; k++) {
        db.insert(load, t.id, [BigInt(k), 0, `row ${k}`]);
        want.set(BigInt(k), [0, `row ${k}`]);
      }
      db.commit(load);
      const start = records(vfs).length;
      for (let k = 1; k <= 50; k++) {
        const txn = db.begin();
        db.update(txn, t.id, tidOf(db, BigInt(k)), [BigInt(k), k, `updated ${k}`]);
        db.commit(txn);
        want.set(BigInt(k), [k, `updated ${k}`]);
      }
      const recs = records(vfs).slice(start);
      const c = counts(recs);
      expect(c.get(RecordType.tupleUpdate)).toBe(50);
      expect(c.get(RecordType.txnCommit)).toBe(50);
      expect(c.get(RecordType.tupleInsert) ?? 0).toBe(0);
      expect(c.get(RecordType.tupleXmax) ?? 0).toBe(0);
      expect(c.get(RecordType.indexValue) ?? 0).toBe(0);
      // Each carries the primary entry's new value (INDEX_VALUE: u32 page, u16 pos, the 8-byte tid).
      for (const r of recs) {
        if (r.type !== RecordType.tupleUpdate) continue;
        const len = new DataView(r.payload.buffer).getUint16(0, true);
        expect(r.payload.length).toBe(9 + len + 17 + 6 + 8);
      }
      // A new key: the tuple and the xmax still share a record; the key's entries log their own.
      const before = records(vfs).length;
      const txn = db.begin();
      db.update(txn, t.id, tidOf(db, 60n), [1060n, 7, 'moved']);
      db.commit(txn);
      want.delete(60n);
      want.set(1060n, [7, 'moved']);
      const moved = records(vfs).slice(before);
      const mc = counts(moved);
      expect(mc.get(RecordType.tupleUpdate)).toBe(1);
      expect(mc.get(RecordType.tupleXmax) ?? 0).toBe(0);
      expect(mc.get(RecordType.tupleInsert) ?? 0).toBe(0);
      const rec = moved.find((r) => r.type === RecordType.tupleUpdate)!;
      expect(rec.payload.length).toBe(9 + new DataView(rec.payload.buffer).getUint16(0, true) + 17);
      expectRows(db, want);
      db.close();
      // Recovery from the whole log replays them.
      const reopened = Engine.open(smallOptions(kind, vfs));
      expectRows(reopened, want);
      reopened.close();
    });

    it('an update in a transaction with a savepoint rolled back and updated again recovers as committed', () => {
      const vfs = createMemoryVfs();
      const db = Engine.open(smallOptions(kind, vfs, { checkpointWalBytes: 1 << 30, walFileBytes: 1 << 24 }));
      const t = db.createTable('t', ROW_COLUMNS, undefined, PK);
      const load = db.begin();
      for (let k = 1; k <= 20; k++) db.insert(load, t.id, [BigInt(k), 0, `row ${k}`]);
      db.commit(load);
      const txn = db.begin();
      const sp = db.savepoint(txn);
      let tid = db.update(txn, t.id, tidOf(db, 5n), [5n, 1, 'undone']);
      db.rollbackToSavepoint(txn, sp);
      tid = db.update(txn, t.id, tidOf(db, 5n), [5n, 2, 'kept']);
      tid = db.update(txn, t.id, tid, [5n, 3, 'kept again']);
      db.commit(txn);
      const want = new Map<bigint, [number, string]>();
      for (let k = 1; k <= 20; k++) want.set(BigInt(k), k === 5 ? [3, 'kept again'] : [0, `row ${k}`]);
      expectRows(db, want);
      db.close();
      const reopened = Engine.open(smallOptions(kind, vfs));
      expectRows(reopened, want);
      reopened.close();
    });

    it('recovers every acknowledged update after a power loss at any sync, torn or clean', () => {
      // Rows big enough that pages fill, memtables freeze and checkpoints run (torn-page guards of all three pages).
      const keys = 200;
      const rounds = 5;
      const perRound = 48;
      let checkpointsDuringUpdates = 0;
      const write = (vfs: Vfs, acked: Map<bigint, [number, string]>, inflight?: { at: Inflight[] }): void => {
        const prng = new Prng(5);
        const db = Engine.open(smallOptions(kind, vfs, { checkpointWalBytes: 48 << 10 }));
        const t = db.createTable('t', ROW_COLUMNS, undefined, PK);
        const load = db.begin();
        const loaded = new Map<bigint, [number, string]>();
        for (let k = 1; k <= keys; k++) {
          const row: [number, string] = [0, payload(prng, 20 + prng.int(200))];
          db.insert(load, t.id, [BigInt(k), ...row]);
          loaded.set(BigInt(k), row);
        }
        db.commit(load);
        for (const [k, row] of loaded) acked.set(k, row);
        const want = new Map(loaded);
        const checkpoints = db.stats.checkpoints;
        for (let n = 1; n <= rounds; n++) updateRandom(db, prng, perRound, keys, want, n, acked, inflight, 8);
        checkpointsDuringUpdates = db.stats.checkpoints - checkpoints;
        db.close();
      };
      const probe = createFaultVfs({ seed: 4 });
      write(probe, new Map());
      const syncs = probe.counters.sync;
      expect(syncs).toBeGreaterThan(rounds);
      // Checkpoints between the updates: pages changed after them log their images first (torn pages rebuilt).
      expect(checkpointsDuringUpdates).toBeGreaterThan(0);
      let crashes = 0;
      for (const at of crashPoints(syncs)) {
        for (const tear of [false, true]) {
          const vfs = createFaultVfs({ seed: at * 5 + (tear ? 1 : 0) });
          vfs.crashAtSync(at);
          const acked = new Map<bigint, [number, string]>();
          const inflight: { at: Inflight[] } = { at: [] };
          try {
            write(vfs, acked, inflight);
          } catch (error) {
            if (!vfs.crashed) throw error;
          }
          if (!vfs.crashed) continue;
          crashes++;
          const db = Engine.open(smallOptions(kind, vfs.crash({ tear, entries: 'all' })));
          const t = db.table('t');
          if (t !== undefined && acked.size > 0) expectRows(db, acked, inflight.at);
          else if (t === undefined) expect(acked.size).toBe(0);
          db.close();
        }
      }
      expect(crashes).toBeGreaterThan(10);
    }, LONG_MS);

    it('a follower replays the log as the primary wrote it; TUPLE_UPDATE applied again, or split into the records written before, gives the same rows', () => {
      const pvfs = createMemoryVfs();
      const primary = Engine.open(smallOptions(kind, pvfs, { checkpointWalBytes: 1 << 30, walFileBytes: 1 << 24 }));
      const t = primary.createTable('t', ROW_COLUMNS, undefined, PK);
      const prng = new Prng(11);
      const want = new Map<bigint, [number, string]>();
      const load = primary.begin();
      for (let k = 1; k <= 100; k++) {
        const row: [number, string] = [0, payload(prng, 10 + prng.int(100))];
        primary.insert(load, t.id, [BigInt(k), ...row]);
        want.set(BigInt(k), row);
      }
      primary.commit(load);
      updateRandom(primary, prng, 300, 100, want, 1);
      expectRows(primary, want);
      const recs = records(pvfs);
      const updates = recs.filter((r) => r.type === RecordType.tupleUpdate);
      expect(updates.length).toBe(300);
      // Some new versions share the page of the version they replace: the page takes both parts or neither.
      const samePage = updates.filter((r) => {
        const v = new DataView(r.payload.buffer);
        const x = 9 + v.getUint16(0, true);
        return v.getUint32(2, true) === v.getUint32(x, true) && v.getUint8(6) === v.getUint8(x + 4);
      });
      expect(samePage.length).toBeGreaterThan(0);

      // As written; then every TUPLE_UPDATE once more: each page has it already, nothing changes.
      const follower = Engine.follower(smallOptions(kind, createMemoryVfs(), { dir: '/replica' }));
      for (const r of recs) follower.applyRecord(r.type, r.payload, r.lsn);
      expectRows(follower, want);
      for (const r of updates) follower.applyRecord(r.type, r.payload, r.lsn);
      expectRows(follower, want);
      follower.close();

      // The same log with each TUPLE_UPDATE as the TUPLE_INSERT, TUPLE_XMAX and INDEX_VALUE a WAL of before held.
      const old = Engine.follower(smallOptions(kind, createMemoryVfs(), { dir: '/replica' }));
      let split = 0;
      for (const r of recs) {
        if (r.type !== RecordType.tupleUpdate) {
          old.applyRecord(r.type, r.payload, r.lsn);
          continue;
        }
        const len = new DataView(r.payload.buffer).getUint16(0, true);
        old.applyRecord(RecordType.tupleInsert, r.payload.slice(2, 9 + len), r.lsn);
        old.applyRecord(RecordType.tupleXmax, r.payload.slice(9 + len, 9 + len + 17), r.lsn + 1);
        if (r.payload.length > 9 + len + 17) old.applyRecord(RecordType.indexValue, r.payload.slice(9 + len + 17), r.lsn + 2);
        split++;
      }
      expect(split).toBe(300);
      expectRows(old, want);
      old.close();
      primary.close();
    });
  });
}
