import { describe, it, expect } from 'vitest';
import { FlintError, SqlState } from '../../../src/errors.ts';
import { createFaultVfs, createMemoryVfs } from '../../../src/storage/vfs/index.ts';
import { WalWriter } from '../../../src/storage/wal/index.ts';
import { DIR, GatedVfs, SMALL_FILE, expectRecords, flintErrorOf, payload, readAll, rejectionOf, settle, type Rec } from './wal-helpers.ts';

describe('WAL group commit', () => {
  it('covers 64 commits issued in the same tick with one fdatasync', async () => {
    const vfs = createMemoryVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    const commits: Promise<void>[] = [];
    const recs: Rec[] = [];
    for (let i = 0; i < 64; i++) {
      const p = payload(i, 100 + i);
      const lsn = w.append(1, p);
      recs.push({ lsn, type: 1, payload: p });
      commits.push(w.waitDurable(lsn));
    }
    await Promise.all(commits);
    expect(w.stats.syncs).toBeLessThanOrEqual(2);
    expect(w.stats.syncs).toBeGreaterThanOrEqual(1);
    expect(w.durableLsn).toBe(w.nextLsn);
    w.close();
    expectRecords(readAll(vfs.crash(), 0).records, recs);
  });

  it('makes commits arriving during a sync wait for the next one, which covers them all', async () => {
    const vfs = new GatedVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    const done: number[] = [];
    const first = w.append(1, payload(0, 10));
    const firstWait = w.waitDurable(first).then(() => done.push(first));
    await settle();
    expect(vfs.pending.length).toBe(1); // round 1 is in flight, for the first commit alone
    const later: Promise<number>[] = [];
    for (let i = 1; i <= 40; i++) {
      const lsn = w.append(1, payload(i, 10));
      later.push(w.waitDurable(lsn).then(() => done.push(lsn)));
    }
    await settle();
    expect(vfs.pending.length).toBe(1); // nobody starts a second fdatasync while one runs
    expect(done).toEqual([]);
    await vfs.release();
    await firstWait;
    expect(done).toEqual([first]);
    expect(vfs.pending.length).toBe(1); // round 2, for all 40 at once
    await vfs.release();
    await Promise.all(later);
    expect(done.length).toBe(41);
    expect(w.stats.syncs).toBe(2);
    expect(vfs.syncAsyncCalls).toBe(2);
    expect(w.durableLsn).toBe(w.nextLsn);
    w.close();
  });

  it('resolves at once for a record already durable, without a sync', async () => {
    const vfs = createMemoryVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    const lsn = w.append(1, payload(1, 10));
    w.sync();
    const syncs = w.stats.syncs;
    await w.waitDurable(lsn);
    expect(w.stats.syncs).toBe(syncs);
    w.close();
  });

  it('lets a synchronous sync() run while a group sync is in flight', async () => {
    const vfs = new GatedVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    const a = w.append(1, payload(1, 10));
    let resolved = false;
    const wait = w.waitDurable(a).then(() => (resolved = true));
    await settle();
    const b = w.append(1, payload(2, 10));
    w.sync(); // covers a and b
    expect(w.durableLsn).toBeGreaterThan(b);
    await settle();
    expect(resolved).toBe(true);
    await vfs.release();
    await wait;
    expect(vfs.pending.length).toBe(0);
    w.close();
  });

  it('syncs the previous file too when a group of commits spans a file switch', async () => {
    const vfs = createFaultVfs({ seed: 11 });
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    const recs: Rec[] = [];
    const commits: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) {
      const p = payload(i, 1500);
      const lsn = w.append(2, p);
      recs.push({ lsn, type: 2, payload: p });
      commits.push(w.waitDurable(lsn));
    }
    await Promise.all(commits);
    expect(w.stats.syncs).toBeLessThanOrEqual(4); // one per file written
    // Power loss: everything acknowledged survives, in both files.
    expectRecords(readAll(vfs.crash(), 0).records, recs);
    w.close();
  });

  it('covers the end record of a file switched during an in-flight sync', async () => {
    const vfs = new GatedVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    const recs: Rec[] = [];
    const add = (i: number, n: number) => {
      const p = payload(i, n);
      recs.push({ lsn: w.append(1, p), type: 1, payload: p });
      return recs[recs.length - 1]!.lsn;
    };
    const first = w.waitDurable(add(0, 30000));
    await settle(); // round 1 in flight on file 0
    const second = w.waitDurable(add(1, 30000));
    const third = w.waitDurable(add(2, 30000)); // switches to file 1: file 0's end record is written after round 1 started
    await vfs.release();
    await first;
    while (vfs.pending.length > 0) await vfs.release();
    await Promise.all([second, third]);
    // Only what completed fdatasyncs covered survives a power loss: all three records must.
    expectRecords(readAll(vfs.base.crash(), 0).records, recs);
    w.close();
  });

  it('rejects the waiting commits and refuses appends when the group sync fails', async () => {
    const vfs = new GatedVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    const waits = [1, 2, 3].map((i) => rejectionOf(w.waitDurable(w.append(1, payload(i, 10)))));
    await settle();
    const eio = new FlintError(SqlState.ioError, 'could not fsync: EIO');
    await vfs.release(eio);
    for (const err of await Promise.all(waits)) expect(err).toBe(eio);
    const refused = flintErrorOf(() => w.append(1, payload(9, 1)));
    expect(refused.code).toBe(SqlState.ioError);
    expect(refused.message).toContain('could not fsync: EIO');
    w.close();
  });

  it('finishes a sync in flight at close, resolving the commits it covers', async () => {
    const vfs = new GatedVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    const covered = w.waitDurable(w.append(1, payload(1, 10)));
    await settle();
    const notCovered = rejectionOf(w.waitDurable(w.append(1, payload(2, 10))));
    w.close();
    await vfs.release();
    await covered;
    expect(((await notCovered) as FlintError).code).toBe(SqlState.objectNotInPrerequisiteState);
  });
});
