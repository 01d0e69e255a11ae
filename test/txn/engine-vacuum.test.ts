// Vacuum: it reclaims exactly the versions no live snapshot can see
// (replaced or deleted by a transaction every snapshot sees as committed,
// or created by a transaction that aborted), keeps whatever a long-lived
// snapshot can still see, changes nothing any reader sees, is durable
// (replayed after a crash and on a follower), and gives its space back:
// later inserts fill the freed slots of older segments (the vacuum queue)
// instead of growing the heap file.
import { describe, expect, it } from 'vitest';
import { createFaultVfs, createMemoryVfs, type Vfs } from '../../src/storage/vfs/index.ts';
import { Engine } from '../../src/txn/engine.ts';
import { DIR, KINDS, LONG_MS, Prng, ROW_COLUMNS, committedRows, payload, readTable, smallOptions } from './engine-helpers.ts';

function heapBytes(vfs: Vfs): number {
  const file = vfs.open(`${DIR}/heap.flint`);
  try {
    return file.size();
  } finally {
    file.close();
  }
}

/** A table of n committed rows; returns their tids in key order. */
function fill(db: Engine, name: string, n: number, txnNo = 1, len = 20): number[] {
  const t = db.table(name) ?? db.createTable(name, ROW_COLUMNS);
  const txn = db.begin();
  const tids: number[] = [];
  for (let i = 0; i < n; i++) tids.push(db.insert(txn, t.id, [BigInt(i), txnNo, 'v'.repeat(len)]));
  db.commit(txn);
  return tids;
}

for (const kind of KINDS) {
  describe(`engine vacuum (${kind} kernels)`, () => {
    it('reclaims replaced, deleted and aborted versions, and nothing else', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const tids = fill(db, 't', 100);
      const id = db.table('t')!.id;
      expect(db.vacuum()).toBe(0);

      const u = db.begin(); // replace 30 rows: 30 old versions die
      const newTids = tids.slice(0, 30).map((tid, i) => db.update(u, id, tid, [BigInt(i), 2, 'updated']));
      db.commit(u);
      const d = db.begin(); // delete 20 rows: 20 versions die
      for (const tid of tids.slice(50, 70)) db.delete(d, id, tid);
      db.commit(d);
      const a = db.begin(); // an aborted transaction's 15 inserts and 10 updates: 25 new versions die
      for (let i = 0; i < 15; i++) db.insert(a, id, [BigInt(1000 + i), 3, 'aborted']);
      for (const tid of tids.slice(80, 90)) db.update(a, id, tid, [0n, 3, 'aborted']);
      db.rollback(a);
      const open = db.begin(); // in progress: its delete and insert must stay
      db.delete(open, id, tids[95]!);
      db.insert(open, id, [2000n, 4, 'open']);

      const before = committedRows(db, 't');
      expect(db.vacuum()).toBe(30 + 20 + 25);
      expect(db.stats.vacuumReclaimed).toBe(75);
      expect(committedRows(db, 't')).toEqual(before);
      expect(readTable(db, open, 't').has(2000n)).toBe(true);
      expect(db.vacuum()).toBe(0);
      // The updated rows are still reachable from their new versions; the rows the open transaction touched are intact.
      const r = db.begin();
      expect(db.get(r, id, newTids[0]!)).toEqual([0n, 2, 'updated']);
      expect(db.get(r, id, tids[95]!)).toEqual([95n, 1, 'v'.repeat(20)]);
      db.commit(r);
      db.commit(open);
      expect(db.vacuum()).toBe(1); // the open transaction's delete committed
      db.close();
    });

    it('a long-lived snapshot keeps every version it can see until it ends', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const tids = fill(db, 't', 200);
      const id = db.table('t')!.id;
      const reader = db.begin();
      const seen = readTable(db, reader, 't');

      const w = db.begin();
      for (const tid of tids.slice(0, 100)) db.delete(w, id, tid);
      tids.slice(100, 150).forEach((tid, i) => db.update(w, id, tid, [BigInt(100 + i), 2, 'new']));
      db.commit(w);
      // A snapshot begun after the writer does not matter: the reader still pins the old versions.
      const later = db.begin();
      expect(db.vacuum()).toBe(0);
      expect(readTable(db, reader, 't')).toEqual(seen);
      // Walking from the newest version still finds what the reader sees.
      const newest = readTable(db, later, 't').get(120n)!.tid;
      expect(db.get(reader, id, newest)).toEqual([120n, 1, 'v'.repeat(20)]);
      db.commit(later);

      db.commit(reader);
      expect(db.vacuum()).toBe(150);
      expect(committedRows(db, 't').size).toBe(100);
      db.close();
    });

    it('a snapshot that has not written yet also holds the horizon back', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const tids = fill(db, 't', 10);
      const id = db.table('t')!.id;
      const idle = db.begin(); // no txid yet
      const w = db.begin();
      db.delete(w, id, tids[0]!);
      db.commit(w);
      expect(db.vacuum()).toBe(0);
      expect(readTable(db, idle, 't').size).toBe(10);
      db.insert(idle, id, [99n, 5, 'late writer']); // takes a txid now, newer than w's
      expect(db.vacuum()).toBe(0);
      expect(readTable(db, idle, 't').size).toBe(11);
      db.commit(idle);
      expect(db.vacuum()).toBe(1);
      db.close();
    });

    it('freed slots are filled again: steady delete, vacuum and reinsert does not grow the heap file', () => {
      const vfs = createMemoryVfs();
      const db = Engine.open(smallOptions(kind, vfs, { memtableBytes: 32 << 10 }));
      const prng = new Prng(9);
      const t = db.createTable('t', ROW_COLUMNS);
      const live: number[] = [];
      const round = (no: number): void => {
        const txn = db.begin();
        for (let i = 0; i < 1500; i++) {
          live.push(db.insert(txn, t.id, [BigInt(no * 10_000 + i), no, payload(prng, 300)]));
          // A background flusher that keeps up: new blocks come from the vacuum queue only while no flush waits.
          db.flushStep();
        }
        db.commit(txn);
        db.checkpoint();
      };
      round(1);
      round(2);
      const sizes: number[] = [];
      const reusedBefore = db.heapStats.blocksReused;
      // Each round deletes the oldest 1500 rows, vacuums and inserts 1500 new ones: the live data stays the same size.
      for (let no = 3; no <= 7; no++) {
        const txn = db.begin();
        for (const tid of live.splice(0, 1500)) db.delete(txn, t.id, tid);
        db.commit(txn);
        expect(db.vacuum()).toBe(1500);
        round(no);
        sizes.push(heapBytes(vfs));
      }
      expect(db.heapStats.blocksReused).toBeGreaterThan(reusedBefore);
      // 7500 rows (about 2.4 MB, 38 blocks) went into freed slots; the file grew by at most one block a round at first, then not at all.
      expect(sizes[sizes.length - 1]! - sizes[0]!).toBeLessThanOrEqual(2 * 65536);
      expect(committedRows(db, 't').size).toBe(3000);
      db.close();
    }, LONG_MS);

    it('is durable: reclaimed slots stay reclaimed after a crash, and rows stay exact', () => {
      const vfs = createFaultVfs({ seed: 4 });
      const db = Engine.open(smallOptions(kind, vfs));
      const tids = fill(db, 't', 300, 1, 200);
      db.checkpoint();
      const id = db.table('t')!.id;
      const w = db.begin();
      for (const tid of tids.filter((_, i) => i % 3 === 0)) db.delete(w, id, tid);
      db.commit(w);
      expect(db.vacuum()).toBe(100);
      // Make the reclaims durable with a commit, then lose power.
      const c = db.begin();
      db.insert(c, id, [5000n, 2, 'after vacuum']);
      db.commit(c);
      const want = committedRows(db, 't');
      const db2 = Engine.open(smallOptions(kind, vfs.crash({ tear: true })));
      expect(committedRows(db2, 't')).toEqual(want);
      expect(db2.vacuum()).toBe(0);
      // Inserts after recovery reuse the same freed slots without colliding with what replay rebuilt.
      const txn = db2.begin();
      for (let i = 0; i < 100; i++) db2.insert(txn, id, [BigInt(6000 + i), 3, 'refill']);
      db2.commit(txn);
      expect(committedRows(db2, 't').size).toBe(want.size + 100);
      db2.close();
    });
  });
}
