// Commit durability and the WAL's life cycle as the engine drives it:
// synchronous full | normal | off (what a commit writes and syncs before it
// returns, and what a power loss then keeps), group commit (one fdatasync
// covers every commit waiting at that moment; commits arriving during a
// round wait for the next), automatic checkpoints, WAL files recycled so
// the log stays bounded, recovery that replays only from the last
// checkpoint, and recovery that stops cleanly at a torn or corrupt tail.
import { describe, expect, it } from 'vitest';
import { FlintError } from '../../src/errors.ts';
import type { KernelKind } from '../../src/kernels/index.ts';
import { createFaultVfs, createMemoryVfs, type FaultVfs, type MemoryVfs } from '../../src/storage/vfs/index.ts';
import { Engine, type Synchronous } from '../../src/txn/engine.ts';
import {
  DIR, GatedVfs, KINDS, LONG_MS, Prng, ROW_COLUMNS, committedRows, flintError, flintErrorAsync, payload, settle, smallOptions,
} from './engine-helpers.ts';

/** Commit one transaction inserting `rows` rows tagged `no`. */
function commitRows(db: Engine, no: number, rows = 3): void {
  const t = db.table('t')!;
  const txn = db.begin();
  for (let i = 0; i < rows; i++) db.insert(txn, t.id, [BigInt(no * 1000 + i), no, `row ${i} of ${no}`]);
  db.commit(txn);
}

/** The transaction numbers present, each checked to be whole (all `rows` rows). */
function presentTxns(db: Engine, rows = 3): number[] {
  const count = new Map<number, number>();
  for (const row of committedRows(db, 't').values()) count.set(row.txn, (count.get(row.txn) ?? 0) + 1);
  for (const [no, n] of count) expect(n, `rows of transaction ${no}`).toBe(rows);
  return [...count.keys()].sort((a, b) => a - b);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function open(kind: KernelKind, vfs: FaultVfs | MemoryVfs | GatedVfs, synchronous: Synchronous = 'full', extra = {}): Engine {
  // A 1 MiB WAL file: no file switch in these small tests, so sync counts are exact.
  return Engine.open(smallOptions(kind, vfs, { synchronous, walFileBytes: 1 << 20, checkpointWalBytes: 1 << 30, ...extra }));
}

/** WAL file (path) and offset in it of an LSN. */
function walPosition(vfs: MemoryVfs, lsn: number): { path: string; offset: number } {
  const starts = vfs.list(`${DIR}/wal`).filter((n) => n.endsWith('.wal')).map((n) => parseInt(n.slice(0, 16), 16)).sort((a, b) => a - b);
  const start = starts.filter((s) => s <= lsn).pop();
  if (start === undefined) throw new Error(`no WAL file holds LSN ${lsn}`);
  return { path: `${DIR}/wal/${start.toString(16).padStart(16, '0')}.wal`, offset: lsn - start };
}

for (const kind of KINDS) {
  describe(`engine durability (${kind} kernels)`, () => {
    it('synchronous full: each commit is fdatasync\'ed before it returns and survives a power loss', () => {
      const vfs = createFaultVfs({ seed: 1 });
      const db = open(kind, vfs, 'full');
      db.createTable('t', ROW_COLUMNS);
      for (let no = 1; no <= 10; no++) {
        const syncs = db.walStats!.syncs;
        commitRows(db, no);
        expect(db.walStats!.syncs).toBe(syncs + 1);
      }
      const after = open(kind, vfs.crash({ tear: true }));
      expect(presentTxns(after)).toEqual(range(1, 10));
      after.close();
    });

    it('synchronous normal: a commit is written but not synced; a power loss keeps what the last sync covered', () => {
      const vfs = createFaultVfs({ seed: 2 });
      const db = open(kind, vfs, 'normal');
      db.createTable('t', ROW_COLUMNS);
      for (let no = 1; no <= 5; no++) commitRows(db, no);
      db.checkpoint(); // the next sync: 1..5 are durable now
      const writes = vfs.counters.write;
      const syncs = vfs.counters.sync;
      for (let no = 6; no <= 9; no++) commitRows(db, no);
      expect(vfs.counters.write).toBeGreaterThan(writes); // handed to the OS at each commit
      expect(vfs.counters.sync).toBe(syncs); // never fdatasync'ed
      expect(presentTxns(db)).toEqual(range(1, 9));
      const after = open(kind, vfs.crash({ tear: false }), 'normal');
      expect(presentTxns(after)).toEqual(range(1, 5));
      after.close();
    });

    it('synchronous off: a commit does no I/O at all; a power loss keeps a whole prefix', () => {
      const vfs = createFaultVfs({ seed: 3 });
      const db = open(kind, vfs, 'off');
      db.createTable('t', ROW_COLUMNS);
      commitRows(db, 1);
      db.checkpoint();
      const ops = { ...vfs.counters };
      for (let no = 2; no <= 6; no++) commitRows(db, no);
      expect(vfs.counters.write).toBe(ops.write);
      expect(vfs.counters.sync).toBe(ops.sync);
      expect(presentTxns(db)).toEqual(range(1, 6));
      const after = open(kind, vfs.crash({ tear: true }), 'off');
      expect(presentTxns(after)).toEqual([1]);
      after.close();
    });

    it('under normal and off, a torn power loss keeps a prefix of whole transactions', () => {
      for (const synchronous of ['normal', 'off'] as const) {
        for (let seed = 1; seed <= 12; seed++) {
          const vfs = createFaultVfs({ seed });
          const db = open(kind, vfs, synchronous, { walFileBytes: 64 << 10 });
          db.createTable('t', ROW_COLUMNS);
          for (let no = 1; no <= 40; no++) commitRows(db, no, 1 + (no % 4) * 10);
          db.checkpoint();
          for (let no = 41; no <= 80; no++) commitRows(db, no, 1 + (no % 4) * 10);
          const after = open(kind, vfs.crash({ tear: true }), synchronous, { walFileBytes: 64 << 10 });
          const present = new Map<number, number>();
          for (const row of committedRows(after, 't').values()) present.set(row.txn, (present.get(row.txn) ?? 0) + 1);
          const nos = [...present.keys()].sort((a, b) => a - b);
          expect(nos).toEqual(range(1, nos.length));
          expect(nos.length).toBeGreaterThanOrEqual(40);
          for (const [no, n] of present) expect(n).toBe(1 + (no % 4) * 10);
          after.close();
        }
      }
    });

    it('rejects an unknown synchronous level', () => {
      expect(flintError(() => open(kind, createMemoryVfs(), 'sometimes' as Synchronous)).code).toBe('22023');
    });

    it('group commit: twenty sessions committing at once share one fdatasync', async () => {
      const vfs = createMemoryVfs();
      const db = open(kind, vfs, 'full');
      const t = db.createTable('t', ROW_COLUMNS);
      commitRows(db, 1); // everything before is durable
      const txns = range(2, 21).map((no) => {
        const txn = db.begin();
        db.insert(txn, t.id, [BigInt(no), no, 'x']);
        return txn;
      });
      const syncs = db.walStats!.syncs;
      await Promise.all(txns.map((txn) => db.commitAsync(txn)));
      expect(db.walStats!.syncs).toBe(syncs + 1);
      expect(txns.every((txn) => txn.state === 'committed')).toBe(true);
      expect(committedRows(db, 't').size).toBe(23);
      db.close();
    });

    it('group commit: commits arriving during a round wait for the next one, which covers them all', async () => {
      const vfs = new GatedVfs();
      const db = open(kind, vfs, 'full');
      const t = db.createTable('t', ROW_COLUMNS);
      const start = (no: number) => {
        const txn = db.begin();
        db.insert(txn, t.id, [BigInt(no), no, 'x']);
        const done = db.commitAsync(txn).then(() => no);
        return { txn, done };
      };
      const syncs = db.walStats!.syncs;
      const first = [1, 2, 3].map(start);
      await settle();
      expect(vfs.pending.length).toBe(1); // round 1 is in flight
      const second = [4, 5, 6, 7, 8].map(start);
      await settle();
      expect(vfs.pending.length).toBe(1); // nobody starts another fdatasync meanwhile
      // Nothing is visible while its fdatasync is in flight.
      expect(committedRows(db, 't').size).toBe(0);
      await vfs.release();
      expect(await Promise.all(first.map((c) => c.done))).toEqual([1, 2, 3]);
      expect(second.every((c) => c.txn.state === 'committing')).toBe(true);
      expect([...committedRows(db, 't').keys()].sort()).toEqual([1n, 2n, 3n]);
      expect(vfs.pending.length).toBe(1); // round 2, for the five that waited
      await vfs.release();
      expect(await Promise.all(second.map((c) => c.done))).toEqual([4, 5, 6, 7, 8]);
      expect(db.walStats!.syncs).toBe(syncs + 2);
      expect(committedRows(db, 't').size).toBe(8);
      db.close();
    });

    it('group commit: the commits one round covers share one promise, settled once every one of them is committed or aborted', async () => {
      const vfs = new GatedVfs();
      const db = open(kind, vfs, 'full');
      const t = db.createTable('t', ROW_COLUMNS);
      const begin = (no: number) => {
        const txn = db.begin();
        db.insert(txn, t.id, [BigInt(no), no, 'x']);
        return txn;
      };
      const first = [1, 2, 3].map(begin);
      const firstDone = first.map((txn) => db.commitAsync(txn));
      expect(new Set(firstDone).size).toBe(1);
      await settle();
      expect(vfs.pending.length).toBe(1); // round 1 is in flight
      const second = [4, 5].map(begin);
      const secondDone = second.map((txn) => db.commitAsync(txn));
      expect(new Set(secondDone).size).toBe(1);
      expect(secondDone[0]).not.toBe(firstDone[0]); // the next round's
      // A transaction with DDL finishes on its own promise.
      const ddl = db.begin();
      db.catalogTxn = ddl;
      db.createTable('u', ROW_COLUMNS);
      db.catalogTxn = null;
      const ddlDone = db.commitAsync(ddl);
      expect(ddlDone).not.toBe(secondDone[0]);
      const ddlOutcome = ddlDone.then(() => 'resolved', (e: unknown) => String(e));
      const seen = firstDone[0]!.then(() => first.map((txn) => txn.state));
      await vfs.release();
      expect(await seen).toEqual(['committed', 'committed', 'committed']);
      expect(second.every((txn) => txn.state === 'committing')).toBe(true);
      // Round 2 fails: every commit it covers is aborted before the shared promise rejects.
      const failed = secondDone[0]!.then(() => 'resolved', (e: unknown) => [String(e), ...second.map((txn) => txn.state)]);
      await vfs.release(new Error('EIO'));
      expect(await failed).toEqual(['Error: EIO', 'aborted', 'aborted']);
      expect(await ddlOutcome).toBe('Error: EIO');
      expect(ddl.state).toBe('aborted');
      expect([...committedRows(db, 't').keys()].sort()).toEqual([1n, 2n, 3n]);
      // The WAL stopped at the failure: close() reports it (a restart recovers from the disk).
      expect(() => db.close()).toThrow('EIO');
    });

    it('close() while a group commit is in flight lets it finish rather than rolling it back', async () => {
      const vfs = new GatedVfs();
      const db = open(kind, vfs, 'full');
      const t = db.createTable('t', ROW_COLUMNS);
      const txn = db.begin();
      db.insert(txn, t.id, [1n, 1, 'in flight']);
      const outcome = db.commitAsync(txn).then(() => 'committed', (e: unknown) => `failed: ${String(e)}`);
      await settle();
      expect(txn.state).toBe('committing');
      db.rollback(txn); // its commit record is written: too late to roll back, nothing happens
      expect(txn.state).toBe('committing');
      db.close(); // the checkpoint's fdatasync covers the commit record
      while (vfs.pending.length > 0) await vfs.release();
      expect(await outcome).toBe('committed');
      expect(txn.state).toBe('committed');
      const again = open(kind, vfs);
      expect(committedRows(again, 't').size).toBe(1);
      again.close();
    });

    it('commitAsync under normal and off resolves without an fdatasync', async () => {
      for (const synchronous of ['normal', 'off'] as const) {
        const db = open(kind, createMemoryVfs(), synchronous);
        const t = db.createTable('t', ROW_COLUMNS);
        const syncs = db.walStats!.syncs;
        const txns = [1, 2, 3].map((no) => {
          const txn = db.begin();
          db.insert(txn, t.id, [BigInt(no), no, null]);
          return txn;
        });
        await Promise.all(txns.map((txn) => db.commitAsync(txn)));
        expect(db.walStats!.syncs).toBe(syncs);
        expect(committedRows(db, 't').size).toBe(3);
        db.close();
      }
    });

    it('a failed fdatasync fails the commit with 58030 and stops writes; after a restart nothing is half there', async () => {
      for (const useAsync of [false, true]) {
        const vfs = createFaultVfs({ seed: 7 });
        const db = open(kind, vfs, 'full');
        db.createTable('t', ROW_COLUMNS);
        commitRows(db, 1);
        const t = db.table('t')!;
        const txn = db.begin();
        for (let i = 0; i < 3; i++) db.insert(txn, t.id, [BigInt(2000 + i), 2, 'doomed?']);
        vfs.failAt('sync', 1);
        const error = useAsync ? await flintErrorAsync(() => db.commitAsync(txn)) : flintError(() => db.commit(txn));
        expect(error.code).toBe('58030');
        // The WAL stopped: nothing more is accepted until a restart recovers from the disk.
        const next = db.begin();
        expect(() => {
          db.insert(next, t.id, [3000n, 3, 'x']);
          db.commit(next);
        }).toThrow(FlintError);
        const after = open(kind, vfs.crash({ tear: true }));
        const present = presentTxns(after);
        expect(present[0]).toBe(1);
        expect(present.length).toBeLessThanOrEqual(2); // transaction 2 whole or not at all
        commitRows(after, 4);
        after.close();
      }
    });

    it('checkpoints automatically and recycles WAL files: the log stays bounded', () => {
      const vfs = createMemoryVfs();
      const db = open(kind, vfs, 'full', { walFileBytes: 64 << 10, checkpointWalBytes: 128 << 10 });
      const t = db.createTable('t', ROW_COLUMNS);
      const prng = new Prng(11);
      let most = 0;
      for (let no = 1; no <= 300; no++) {
        const txn = db.begin();
        for (let i = 0; i < 8; i++) db.insert(txn, t.id, [BigInt(no * 100 + i), no, payload(prng, 400)]);
        db.commit(txn);
        most = Math.max(most, vfs.list(`${DIR}/wal`).length);
      }
      const walBytes = db.walStats!.bytes;
      expect(walBytes).toBeGreaterThan(16 * (64 << 10)); // the log wrote many times the files it keeps
      expect(db.stats.checkpoints).toBeGreaterThan(5);
      expect(db.walStats!.filesRecycled).toBeGreaterThan(3);
      // About checkpointWalBytes of live log plus up to four spares.
      expect(most).toBeLessThanOrEqual(10);
      db.close();
      const again = open(kind, vfs, 'full', { walFileBytes: 64 << 10 });
      expect(again.stats.recoveredRecords).toBe(0); // close checkpointed: nothing to replay
      expect(committedRows(again, 't').size).toBe(2400);
      again.close();
    }, LONG_MS);

    it('recovery replays from the last checkpoint only', () => {
      const vfs = createFaultVfs({ seed: 5 });
      const db = open(kind, vfs, 'full');
      db.createTable('t', ROW_COLUMNS);
      for (let no = 1; no <= 50; no++) commitRows(db, no, 10);
      db.checkpoint();
      const appendsAtCheckpoint = db.walStats!.appends;
      for (let no = 51; no <= 53; no++) commitRows(db, no, 10);
      const since = db.walStats!.appends - appendsAtCheckpoint;
      const after = open(kind, vfs.crash({ tear: true }));
      expect(after.stats.recoveredRecords).toBe(since);
      expect(since).toBeLessThan(appendsAtCheckpoint / 5);
      expect(presentTxns(after, 10)).toEqual(range(1, 53));
      after.close();
    });

    it('recovery stops cleanly at a torn or corrupt tail, and the database goes on', () => {
      // Damage each byte position class of the last transaction's records: the commit record's payload,
      // its header, and an insert record before it. The transaction disappears whole; the rest stays.
      for (const target of ['commit payload', 'commit header', 'insert record'] as const) {
        const vfs = createFaultVfs({ seed: 6 });
        const db = open(kind, vfs, 'full');
        db.createTable('t', ROW_COLUMNS);
        for (let no = 1; no <= 5; no++) commitRows(db, no);
        const t = db.table('t')!;
        const txn = db.begin();
        const firstLsn = db.walLsn;
        for (let i = 0; i < 3; i++) db.insert(txn, t.id, [BigInt(6000 + i), 6, `row ${i} of 6`]);
        const commitLsn = db.walLsn;
        db.commit(txn);
        const survivor = vfs.crash({ tear: false });
        const lsn = target === 'insert record' ? firstLsn + 25 : target === 'commit header' ? commitLsn + 9 : commitLsn + 21;
        const at = walPosition(survivor.base, lsn);
        survivor.base.corrupt(at.path, at.offset, 0x10);
        const after = open(kind, survivor);
        expect(presentTxns(after), target).toEqual(range(1, 5));
        commitRows(after, 7);
        after.close();
        const again = open(kind, survivor);
        expect(presentTxns(again), target).toEqual([...range(1, 5), 7]);
        again.close();
      }
    });
  });
}
