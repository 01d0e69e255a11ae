// Snapshot isolation: what each snapshot sees while other transactions
// write, first-updater-wins conflicts (40001 for the later transaction),
// and readers never seeing part of a transaction, including while its
// group commit is still waiting for fdatasync.
import { describe, expect, it } from 'vitest';
import { createMemoryVfs } from '../../src/storage/vfs/index.ts';
import { Engine } from '../../src/txn/engine.ts';
import { KINDS, ROW_COLUMNS, committedRows, flintError, readTable, smallOptions } from './engine-helpers.ts';

function setup(kind: (typeof KINDS)[number]) {
  const db = Engine.open(smallOptions(kind, createMemoryVfs()));
  const t = db.createTable('t', ROW_COLUMNS);
  const w = db.begin();
  const tids = [0, 1, 2, 3].map((k) => db.insert(w, t.id, [BigInt(k), 1, `base ${k}`]));
  db.commit(w);
  return { db, table: t.id, tids };
}

function sortKeys(keys: Iterable<bigint>): bigint[] {
  return [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function txnsOf(db: Engine, txn: ReturnType<Engine['begin']>): number[] {
  return [...readTable(db, txn, 't').values()].map((e) => e.row.txn).sort((a, b) => a - b);
}

for (const kind of KINDS) {
  describe(`engine isolation (${kind} kernels)`, () => {
    it('a snapshot sees what committed before it began, never later commits', () => {
      const { db, table } = setup(kind);
      const early = db.begin();
      const w = db.begin();
      db.insert(w, table, [10n, 2, 'new']);
      const duringWrite = db.begin();
      db.commit(w);
      const late = db.begin();
      expect(readTable(db, early, 't').size).toBe(4);
      expect(readTable(db, duringWrite, 't').size).toBe(4);
      expect(readTable(db, late, 't').size).toBe(5);
      // Repeated reads in the same snapshot stay the same.
      expect(readTable(db, early, 't').size).toBe(4);
      for (const txn of [early, duringWrite, late]) db.commit(txn);
      db.close();
    });

    it('a transaction that begins before a writer takes its txid does not see it either', () => {
      const { db, table } = setup(kind);
      const reader = db.begin();
      const w = db.begin(); // begun after reader, first write later
      db.insert(w, table, [10n, 2, 'x']);
      db.commit(w);
      expect(readTable(db, reader, 't').size).toBe(4);
      db.commit(reader);
      db.close();
    });

    it('a transaction sees its own inserts, updates and deletes; nobody else does until commit', () => {
      const { db, table, tids } = setup(kind);
      const w = db.begin();
      const other = db.begin();
      db.insert(w, table, [10n, 2, 'mine']);
      db.update(w, table, tids[0]!, [0n, 2, 'changed']);
      db.delete(w, table, tids[1]!);
      const mine = readTable(db, w, 't');
      expect(sortKeys(mine.keys())).toEqual([0n, 2n, 3n, 10n]);
      expect(mine.get(0n)!.row.v).toBe('changed');
      expect(txnsOf(db, other)).toEqual([1, 1, 1, 1]);
      const newcomer = db.begin();
      expect(txnsOf(db, newcomer)).toEqual([1, 1, 1, 1]);
      db.commit(w);
      expect(txnsOf(db, other)).toEqual([1, 1, 1, 1]);
      expect(txnsOf(db, newcomer)).toEqual([1, 1, 1, 1]);
      expect(sortKeys(committedRows(db, 't').keys())).toEqual([0n, 2n, 3n, 10n]);
      db.commit(other);
      db.commit(newcomer);
      db.close();
    });

    it('the later of two updaters of one row fails with 40001 while the first is in progress', () => {
      const { db, table, tids } = setup(kind);
      const a = db.begin();
      const b = db.begin();
      db.update(a, table, tids[0]!, [0n, 2, 'a']);
      const conflicts = db.stats.conflicts;
      expect(flintError(() => db.update(b, table, tids[0]!, [0n, 3, 'b'])).code).toBe('40001');
      expect(flintError(() => db.delete(b, table, tids[0]!)).code).toBe('40001');
      expect(db.stats.conflicts).toBe(conflicts + 2);
      // Other rows are still free for b.
      db.update(b, table, tids[1]!, [1n, 3, 'b']);
      db.rollback(b);
      db.commit(a);
      expect(committedRows(db, 't').get(0n)?.v).toBe('a');
      expect(committedRows(db, 't').get(1n)?.v).toBe('base 1');
      db.close();
    });

    it('an updater whose snapshot predates a committed update of the row fails with 40001', () => {
      const { db, table, tids } = setup(kind);
      const late = db.begin();
      db.get(late, table, tids[0]!); // the snapshot is taken at begin; reading does not matter
      const a = db.begin();
      const newTid = db.update(a, table, tids[0]!, [0n, 2, 'a']);
      db.commit(a);
      expect(flintError(() => db.update(late, table, tids[0]!, [0n, 3, 'late'])).code).toBe('40001');
      // Even addressed at the new version, which its snapshot cannot see.
      expect(flintError(() => db.update(late, table, newTid, [0n, 3, 'late'])).code).toBe('40001');
      expect(flintError(() => db.delete(late, table, tids[0]!)).code).toBe('40001');
      db.rollback(late);
      // A transaction that starts now updates the new version without conflict.
      const now = db.begin();
      db.update(now, table, newTid, [0n, 4, 'now']);
      db.commit(now);
      expect(committedRows(db, 't').get(0n)?.txn).toBe(4);
      db.close();
    });

    it('a delete and an update of one row conflict either way round', () => {
      const { db, table, tids } = setup(kind);
      const a = db.begin();
      const b = db.begin();
      db.delete(a, table, tids[2]!);
      expect(flintError(() => db.update(b, table, tids[2]!, [2n, 3, 'b'])).code).toBe('40001');
      db.commit(a);
      db.rollback(b);
      const c = db.begin();
      const d = db.begin();
      db.update(c, table, tids[3]!, [3n, 5, 'c']);
      expect(flintError(() => db.delete(d, table, tids[3]!)).code).toBe('40001');
      db.commit(c);
      db.rollback(d);
      expect(sortKeys(committedRows(db, 't').keys())).toEqual([0n, 1n, 3n]);
      db.close();
    });

    it('a row whose updater rolled back can be updated by a transaction that was waiting on it', () => {
      const { db, table, tids } = setup(kind);
      const a = db.begin();
      const b = db.begin();
      db.update(a, table, tids[0]!, [0n, 2, 'a']);
      expect(flintError(() => db.update(b, table, tids[0]!, [0n, 3, 'b'])).code).toBe('40001');
      db.rollback(a);
      // b's snapshot still sees the original version, now free again: b may retry the statement.
      db.update(b, table, tids[0]!, [0n, 3, 'b']);
      db.commit(b);
      expect(committedRows(db, 't').get(0n)?.v).toBe('b');
      db.close();
    });

    it('disjoint concurrent writers both commit', () => {
      const { db, table, tids } = setup(kind);
      const a = db.begin();
      const b = db.begin();
      db.update(a, table, tids[0]!, [0n, 2, 'a']);
      db.update(b, table, tids[1]!, [1n, 3, 'b']);
      db.insert(a, table, [20n, 2, 'a']);
      db.insert(b, table, [21n, 3, 'b']);
      db.commit(b);
      db.commit(a);
      const rows = committedRows(db, 't');
      expect(rows.get(0n)?.txn).toBe(2);
      expect(rows.get(1n)?.txn).toBe(3);
      expect(rows.size).toBe(6);
      db.close();
    });

    it('a reader never sees part of a transaction, statement by statement and during group commit', async () => {
      const { db, table, tids } = setup(kind);
      const w = db.begin();
      const snapshots: { txn: ReturnType<Engine['begin']>; want: number[] }[] = [];
      for (let i = 0; i < 200; i++) {
        db.insert(w, table, [BigInt(100 + i), 2, 'w']);
        if (i % 50 === 0) snapshots.push({ txn: db.begin(), want: [1, 1, 1, 1] });
      }
      db.update(w, table, tids[0]!, [0n, 2, 'w']);
      db.delete(w, table, tids[1]!);
      snapshots.push({ txn: db.begin(), want: [1, 1, 1, 1] });
      const committing = db.commitAsync(w);
      // Between the commit record and its fdatasync, the transaction is not visible yet.
      const inFlight = db.begin();
      expect(w.state).toBe('committing');
      expect(txnsOf(db, inFlight)).toEqual([1, 1, 1, 1]);
      await committing;
      expect(w.state).toBe('committed');
      expect(txnsOf(db, inFlight)).toEqual([1, 1, 1, 1]);
      for (const s of snapshots) expect(txnsOf(db, s.txn)).toEqual(s.want);
      const after = db.begin();
      const seen = txnsOf(db, after);
      expect(seen.length).toBe(203);
      expect(seen.filter((n) => n === 1)).toHaveLength(2);
      for (const s of snapshots) db.commit(s.txn);
      db.commit(inFlight);
      db.commit(after);
      db.close();
    });

    it('many interleaved transactions: every reader sees exactly the commits before its begin', () => {
      const { db, table } = setup(kind);
      // Each writer inserts 20 rows tagged with its number; readers record the writers they must see.
      const committed: number[] = [];
      const readers: { txn: ReturnType<Engine['begin']>; sees: number[] }[] = [];
      const writers = Array.from({ length: 12 }, (_, i) => ({ no: i + 2, txn: db.begin(), written: 0 }));
      let step = 0;
      while (writers.some((w) => w.written < 20)) {
        for (const w of writers) {
          if (w.written >= 20) continue;
          if ((step + w.no) % 3 === 0) {
            db.insert(w.txn, table, [BigInt(w.no * 1000 + w.written), w.no, null]);
            w.written++;
            if (w.written === 20) {
              if (w.no % 4 === 0) db.rollback(w.txn);
              else {
                db.commit(w.txn);
                committed.push(w.no);
              }
            }
          }
        }
        if (step % 5 === 0) readers.push({ txn: db.begin(), sees: [...committed] });
        step++;
      }
      for (const r of readers) {
        const byWriter = new Map<number, number>();
        for (const { row } of readTable(db, r.txn, 't').values()) byWriter.set(row.txn, (byWriter.get(row.txn) ?? 0) + 1);
        byWriter.delete(1);
        expect([...byWriter.keys()].sort((a, b) => a - b)).toEqual([...r.sees].sort((a, b) => a - b));
        for (const n of byWriter.values()) expect(n).toBe(20);
        db.commit(r.txn);
      }
      db.close();
    });

    it('transactions begun while none ended share one snapshot, and it sees what a fresh one would', async () => {
      const { db, table } = setup(kind);
      const a = db.begin();
      const w = db.begin();
      // w takes its txid after a's snapshot: a later begin may share that snapshot, since w is past its xmax.
      db.insert(w, table, [10n, 2, 'w']);
      const b = db.begin();
      expect(b.snapshot).toBe(a.snapshot);
      expect(readTable(db, b, 't').size).toBe(4);
      // b's own write is visible to b alone (it gets a snapshot of its own with its txid).
      db.insert(b, table, [11n, 3, 'b']);
      expect(b.snapshot).not.toBe(a.snapshot);
      expect(readTable(db, b, 't').size).toBe(5);
      expect(readTable(db, a, 't').size).toBe(4);
      // A commit ends the sharing: the next snapshot sees it.
      db.commit(w);
      const c = db.begin();
      expect(c.snapshot).not.toBe(a.snapshot);
      expect([...readTable(db, c, 't').keys()].length).toBe(5);
      expect(readTable(db, a, 't').size).toBe(4);
      // So does an abort (b's row never becomes visible).
      const d = db.begin();
      expect(d.snapshot).toBe(c.snapshot);
      db.rollback(b);
      const e = db.begin();
      expect(e.snapshot).not.toBe(c.snapshot);
      expect(readTable(db, e, 't').size).toBe(5);
      // A group commit in flight: still in progress for every snapshot until it is durable.
      const g = db.begin();
      db.insert(g, table, [12n, 4, 'g']);
      const committing = db.commitAsync(g);
      const during = db.begin();
      expect(readTable(db, during, 't').size).toBe(5);
      await committing;
      const after = db.begin();
      expect(after.snapshot).not.toBe(during.snapshot);
      expect(readTable(db, after, 't').size).toBe(6);
      expect(readTable(db, during, 't').size).toBe(5);
      for (const txn of [a, c, d, e, during, after]) db.commit(txn);
      db.close();
    });
  });
}
