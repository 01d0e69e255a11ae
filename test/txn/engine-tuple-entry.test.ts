// TUPLE_INSERT_ENTRY: a new row's version and its primary key's entry in ONE
// WAL record (Heap.insert's staged entry, BTree.stageInsert). What each write
// logs, that recovery after a power loss (torn or clean) and a follower
// replaying the log both rebuild every committed row reachable through its
// primary key, and that the record's parts are applied each to its own page.
import { describe, expect, it } from 'vitest';
import { RecordType } from '../../src/storage/record-types.ts';
import { createFaultVfs, createMemoryVfs, type Vfs } from '../../src/storage/vfs/index.ts';
import { WalReader } from '../../src/storage/wal/index.ts';
import { Engine } from '../../src/txn/engine.ts';
import { DIR, KINDS, LONG_MS, Prng, ROW_COLUMNS, payload, rowValues, smallOptions } from './engine-helpers.ts';

const PK = { name: 't_pkey', columns: [{ column: 0, key: { type: 'int64' as const } }] };

/** Record counts by type in the WAL from `fromLsn`. */
function recordTypes(vfs: Vfs, fromLsn = 0): Map<number, number> {
  const counts = new Map<number, number>();
  const reader = WalReader.open(vfs, `${DIR}/wal`, fromLsn);
  for (let r = reader.next(); r !== null; r = reader.next()) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return counts;
}

/** Every key 1..n found through the primary index, with its row's txn and payload as written. */
function expectAllFound(db: Engine, keys: Iterable<bigint>, want: (k: bigint) => { txn: number; v: string }): void {
  const t = db.table('t')!;
  const pk = db.indexes(t.id).find((d) => d.primary)!;
  const txn = db.begin();
  for (const k of keys) {
    const bound = { values: [k], inclusive: true };
    const found: unknown[][] = [];
    db.indexScan(txn, t.id, pk.id, { lower: bound, upper: bound }, (_tid, row) => void found.push(row));
    const w = want(k);
    expect(found, `key ${k}`).toEqual([[k, w.txn, w.v]]);
  }
  db.commit(txn);
  db.verifyIndexes(t.id);
}

for (const kind of KINDS) {
  describe(`TUPLE_INSERT_ENTRY (${kind} kernels)`, () => {
    it('logs a new key with its version in one record; updates and keys with older versions keep their own records', () => {
      const vfs = createMemoryVfs();
      const db = Engine.open(smallOptions(kind, vfs, { checkpointWalBytes: 1 << 30, walFileBytes: 1 << 24 }));
      const t = db.createTable('t', ROW_COLUMNS, undefined, PK);
      const start = recordTypes(vfs);
      const txn = db.begin();
      const tids: number[] = [];
      // Descending: ascending keys from a transaction's second row on wait in the tree's append run instead (engine-append-run.test.ts).
      for (let k = 600; k >= 1; k--) tids[k - 1] = db.insert(txn, t.id, [BigInt(k), 1, `row ${k}`]);
      db.commit(txn);
      const after = recordTypes(vfs);
      const entries = (after.get(RecordType.tupleInsertEntry) ?? 0) - (start.get(RecordType.tupleInsertEntry) ?? 0);
      const inserts = (after.get(RecordType.tupleInsert) ?? 0) - (start.get(RecordType.tupleInsert) ?? 0);
      const indexInserts = (after.get(RecordType.indexInsert) ?? 0) - (start.get(RecordType.indexInsert) ?? 0);
      // Every row but those whose leaf was full (they split it: INDEX_PAGES) shares its record.
      expect(entries).toBeGreaterThan(550);
      expect(entries + inserts).toBe(600);
      expect(indexInserts).toBe(0);
      // An update keeps its key: its own record, TUPLE_UPDATE (engine-tuple-update.test.ts).
      const u = db.begin();
      db.update(u, t.id, tids[0]!, [1n, 2, 'updated']);
      db.commit(u);
      // A key whose row was deleted (its chain still there until vacuum) links to it: no staged entry either.
      const d = db.begin();
      db.delete(d, t.id, tids[1]!);
      db.commit(d);
      const before = recordTypes(vfs);
      const r = db.begin();
      db.insert(r, t.id, [2n, 3, 'again']);
      db.commit(r);
      const last = recordTypes(vfs);
      expect((last.get(RecordType.tupleInsertEntry) ?? 0) - (before.get(RecordType.tupleInsertEntry) ?? 0)).toBe(0);
      expect((last.get(RecordType.tupleInsert) ?? 0) - (before.get(RecordType.tupleInsert) ?? 0)).toBe(1);
      expectAllFound(db, [1n, 2n, 3n, 600n], (k) => (k === 1n ? { txn: 2, v: 'updated' } : k === 2n ? { txn: 3, v: 'again' } : { txn: 1, v: `row ${k}` }));
      db.close();
      // Recovery from the whole log (no checkpoint since the table was created) replays them.
      const reopened = Engine.open(smallOptions(kind, vfs));
      expectAllFound(reopened, [1n, 2n, 3n, 300n, 600n], (k) => (k === 1n ? { txn: 2, v: 'updated' } : k === 2n ? { txn: 3, v: 'again' } : { txn: 1, v: `row ${k}` }));
      reopened.close();
    }, LONG_MS);

    it('a table without a primary key logs its hidden row id entry the same way', () => {
      const vfs = createMemoryVfs();
      const db = Engine.open(smallOptions(kind, vfs, { checkpointWalBytes: 1 << 30, walFileBytes: 1 << 24 }));
      const t = db.createTable('h', ROW_COLUMNS);
      const start = recordTypes(vfs).get(RecordType.tupleInsertEntry) ?? 0;
      // A transaction each: row ids ascend, and from a transaction's second row on they would wait in the append run.
      for (let k = 1; k <= 100; k++) {
        const txn = db.begin();
        db.insert(txn, t.id, [BigInt(k), 1, 'x']);
        db.commit(txn);
      }
      expect((recordTypes(vfs).get(RecordType.tupleInsertEntry) ?? 0) - start).toBeGreaterThan(90);
      db.close();
      const reopened = Engine.open(smallOptions(kind, vfs));
      const r = reopened.begin();
      let n = 0;
      reopened.scan(r, reopened.table('h')!.id, () => void n++);
      reopened.commit(r);
      expect(n).toBe(100);
      reopened.verifyIndexes(reopened.table('h')!.id);
      reopened.close();
    });

    it('recovers every acknowledged row through its primary key after a power loss at any sync, torn or clean', async () => {
      // Rows big enough that heap pages and leaves fill, memtables freeze and checkpoints run (torn-page guards of both pages).
      const rounds = 12;
      const perRound = 60;
      const write = (vfs: Vfs, acked: Set<bigint>): void => {
        const prng = new Prng(3);
        const db = Engine.open(smallOptions(kind, vfs));
        const t = db.createTable('t', ROW_COLUMNS, undefined, PK);
        for (let n = 1; n <= rounds; n++) {
          const txn = db.begin();
          const keys: bigint[] = [];
          for (let i = 0; i < perRound; i++) {
            const k = BigInt(prng.int(1_000_000) * 100 + n);
            keys.push(k);
            db.insert(txn, t.id, rowValues({ k, txn: n, v: payload(prng, 20 + prng.int(300)) }));
          }
          db.commit(txn);
          for (const k of keys) acked.add(k);
        }
        db.close();
      };
      const probe = createFaultVfs({ seed: 9 });
      write(probe, new Set());
      const syncs = probe.counters.sync;
      expect(syncs).toBeGreaterThan(rounds);
      for (let at = 1; at <= syncs; at += Math.max(1, Math.floor(syncs / 16))) {
        for (const tear of [false, true]) {
          const vfs = createFaultVfs({ seed: at * 7 + (tear ? 1 : 0) });
          vfs.crashAtSync(at);
          const acked = new Set<bigint>();
          try {
            write(vfs, acked);
          } catch (error) {
            if (!vfs.crashed) throw error;
          }
          if (!vfs.crashed) continue;
          const db = Engine.open(smallOptions(kind, vfs.crash({ tear, entries: 'all' })));
          const t = db.table('t');
          if (t !== undefined) {
            db.verifyIndexes(t.id);
            const pk = db.indexes(t.id).find((d) => d.primary)!;
            const txn = db.begin();
            for (const k of acked) {
              const bound = { values: [k], inclusive: true };
              let found = 0;
              db.indexScan(txn, t.id, pk.id, { lower: bound, upper: bound }, (_tid, row) => {
                expect(row[0]).toBe(k);
                found++;
              });
              expect(found, `sync ${at}${tear ? ' torn' : ''}: key ${k}`).toBe(1);
            }
            db.commit(txn);
          } else expect(acked.size).toBe(0);
          db.close();
        }
      }
    }, LONG_MS);

    it('a follower replaying the log finds every row through its primary key, as the primary does', () => {
      const pvfs = createMemoryVfs();
      const primary = Engine.open(smallOptions(kind, pvfs, { checkpointWalBytes: 1 << 30 }));
      const t = primary.createTable('t', ROW_COLUMNS, undefined, PK);
      const prng = new Prng(8);
      const keys: bigint[] = [];
      for (let n = 1; n <= 8; n++) {
        const txn = primary.begin();
        for (let i = 0; i < 50; i++) {
          const k = BigInt(n * 1000 + prng.int(900));
          if (keys.includes(k)) continue;
          keys.push(k);
          primary.insert(txn, t.id, [k, n, `v${k}`]);
        }
        primary.commit(txn);
      }
      const follower = Engine.follower(smallOptions(kind, createMemoryVfs(), { dir: '/replica' }));
      const reader = WalReader.open(pvfs, `${DIR}/wal`, 0);
      let shipped = 0;
      for (let r = reader.next(); r !== null; r = reader.next()) {
        follower.applyRecord(r.type, r.payload, r.lsn);
        if (r.type === RecordType.tupleInsertEntry) shipped++;
      }
      expect(shipped).toBeGreaterThan(keys.length / 2);
      const byKey = new Map(keys.map((k) => [k, k]));
      expectAllFound(follower, byKey.keys(), (k) => ({ txn: Math.floor(Number(k) / 1000), v: `v${k}` }));
      primary.close();
      follower.close();
    });
  });
}
