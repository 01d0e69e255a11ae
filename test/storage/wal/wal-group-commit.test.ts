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
    // Two rounds, covering 1 and 40 commits; their time is counted from start to end.
    expect(w.stats.rounds).toBe(2);
    expect(w.stats.roundCommits).toBe(41);
    expect(w.stats.roundMs).toBeGreaterThanOrEqual(0);
    expect(w.durableLsn).toBe(w.nextLsn);
    w.close();
  });

  it('counts each round\'s time, from its start to the moment its end is seen, by the writer\'s clock', async () => {
    const vfs = new GatedVfs();
    let clock = 100;
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE, now: () => clock });
    const first = w.waitDurable(w.append(1, payload(0, 10)));
    await settle();
    clock += 3;
    await vfs.release();
    await first;
    const second = w.waitDurable(w.append(1, payload(1, 10)));
    await settle();
    clock += 5;
    await vfs.release();
    await second;
    expect(w.stats.rounds).toBe(2);
    expect(w.stats.roundCommits).toBe(2);
    expect(w.stats.roundMs).toBe(8);
    w.sync(); // a synchronous sync is no round
    expect(w.stats.rounds).toBe(2);
    w.close();
  });

  it('lets a caller that waits, during a round, for a record that round covers finish with it', async () => {
    const vfs = new GatedVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    const a = w.append(1, payload(1, 10));
    const first = w.waitDurable(a);
    await settle();
    expect(vfs.pending.length).toBe(1);
    const b = w.append(1, payload(2, 10));
    const done: string[] = [];
    const again = w.waitDurable(a).then(() => void done.push('a'));
    const later = w.waitDurable(b).then(() => void done.push('b'));
    await vfs.release();
    await first;
    await again;
    expect(done).toEqual(['a']); // the record at a needed no second round
    expect(vfs.pending.length).toBe(1);
    await vfs.release();
    await later;
    expect(done).toEqual(['a', 'b']);
    expect(w.stats.syncs).toBe(2);
    w.close();
  });

  it('hands every commit waiting for the same round one promise', async () => {
    const vfs = createMemoryVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    const p1 = w.waitDurable(w.append(1, payload(1, 10)));
    const p2 = w.waitDurable(w.append(1, payload(2, 10)));
    expect(p2).toBe(p1);
    await p1;
    const p3 = w.waitDurable(w.append(1, payload(3, 10)));
    expect(p3).not.toBe(p1);
    await p3;
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

  describe('pacing (two groups alternate in a burst of commits)', () => {
    /** Lets promise callbacks run, but no macrotask (settle() would also run the writer's setImmediate fallback). */
    const microtasks = async () => {
      for (let i = 0; i < 50; i++) await Promise.resolve();
    };
    /** A writer on a gated VFS with a clock the test moves. */
    function paced() {
      const vfs = new GatedVfs();
      const clock = { t: 1000 };
      const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE, now: () => clock.t });
      const commit = (i: number) => w.waitDurable(w.append(1, payload(i, 20)));
      /** Reports the oldest fdatasync done and runs the promise callbacks only. */
      const finish = async () => {
        vfs.pending.shift()!.resolve();
        await microtasks();
      };
      return { vfs, clock, w, commit, finish };
    }
    /** One round of n commits issued together, taking `ms`: the writer learns a group of n / 2 and rounds of `ms`. */
    async function firstRound(p: ReturnType<typeof paced>, n: number, ms: number): Promise<void> {
      const waits = Array.from({ length: n }, (_, i) => p.commit(i));
      await microtasks();
      expect(p.vfs.pending.length).toBe(1);
      p.clock.t += ms;
      await p.finish();
      await Promise.all(waits);
    }

    it('starts a round from waitDurable once half a burst waits, for half a round, and the rest of the burst waits for the next', async () => {
      const p = paced();
      await firstRound(p, 8, 10);
      const done: number[] = [];
      const waits: Promise<void>[] = [];
      for (let i = 0; i < 8; i++) {
        waits.push(p.commit(100 + i).then(() => void done.push(i)));
        p.clock.t += 2;
        // The 4th commit (half of 8) has waited 6 ms of a 10 ms round: its round starts here, not after the burst.
        expect(p.vfs.pending.length).toBe(i < 3 ? 0 : 1);
      }
      expect(p.w.stats.earlyRounds).toBe(1);
      await microtasks();
      expect(p.vfs.pending.length).toBe(1); // the rest of the burst waits for that round to end
      await p.finish();
      expect(done).toEqual([0, 1, 2, 3]);
      expect(p.vfs.pending.length).toBe(1); // 4 arrived during it, a group: their round starts at once
      await p.finish();
      await Promise.all(waits);
      expect(done).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(p.w.stats.syncs).toBe(3);
      expect(p.w.durableLsn).toBe(p.w.nextLsn);
      p.w.close();
    });

    it('keeps a few concurrent commits in one round, however long they take', async () => {
      const p = paced();
      await firstRound(p, 3, 10);
      for (let batch = 0; batch < 3; batch++) {
        const waits: Promise<void>[] = [];
        for (let i = 0; i < 3; i++) {
          waits.push(p.commit(100 + i));
          p.clock.t += 20;
        }
        expect(p.vfs.pending.length).toBe(0);
        await microtasks();
        expect(p.vfs.pending.length).toBe(1);
        await p.finish();
        await Promise.all(waits);
      }
      expect(p.w.stats.syncs).toBe(4);
      expect(p.w.stats.earlyRounds).toBe(0);
      p.w.close();
    });

    it('does not split a burst shorter than half a round: one round after it covers it, as for commits in one tick', async () => {
      const p = paced();
      await firstRound(p, 8, 10);
      const waits: Promise<void>[] = [];
      for (let i = 0; i < 8; i++) {
        waits.push(p.commit(100 + i));
        p.clock.t += 0.5;
      }
      expect(p.vfs.pending.length).toBe(0);
      await microtasks();
      expect(p.vfs.pending.length).toBe(1);
      await p.finish();
      await Promise.all(waits);
      expect(p.w.stats.syncs).toBe(2);
      expect(p.w.stats.earlyRounds).toBe(0);
      p.w.close();
    });

    it('starts a lone commit\'s round in a microtask, whatever it learnt from earlier bursts', async () => {
      const p = paced();
      await firstRound(p, 8, 10);
      const wait = p.commit(100);
      expect(p.vfs.pending.length).toBe(0);
      await microtasks();
      expect(p.vfs.pending.length).toBe(1);
      await p.finish();
      await wait;
      p.w.close();
    });

    it('holds the next round when fewer than a group arrived during one, until the commits it woke make a group', async () => {
      const p = paced();
      await firstRound(p, 8, 10);
      // A round for 6 commits, and 2 more arriving while it runs: 8 seen, so a group is 4.
      const first = Array.from({ length: 6 }, (_, i) => p.commit(10 + i));
      await microtasks();
      expect(p.vfs.pending.length).toBe(1);
      const late = [p.commit(20), p.commit(21)];
      p.clock.t += 10;
      await p.finish();
      await Promise.all(first);
      expect(p.vfs.pending.length).toBe(0); // 2 are too few: they wait for the sessions the round woke
      // Those sessions run their next statements and commit: the 4th waiting commit (6 ms later) starts the round.
      p.clock.t += 3;
      const next = [p.commit(30)];
      expect(p.vfs.pending.length).toBe(0);
      p.clock.t += 3;
      next.push(p.commit(31));
      expect(p.vfs.pending.length).toBe(1);
      expect(p.w.stats.earlyRounds).toBe(1);
      await p.finish();
      await Promise.all([...late, ...next]);
      expect(p.w.durableLsn).toBe(p.w.nextLsn);
      p.w.close();
    });

    it('merges the groups again when their bursts are shorter than half a round (the fdatasync outlasts the statements)', async () => {
      const p = paced();
      await firstRound(p, 8, 10);
      // An early round for 4, then 4 more in a burst of 1 ms while it runs (a 10 ms round): a group, but a short burst.
      const waits: Promise<void>[] = [];
      for (let i = 0; i < 4; i++) {
        waits.push(p.commit(100 + i));
        p.clock.t += 2;
      }
      expect(p.vfs.pending.length).toBe(1);
      for (let i = 4; i < 8; i++) {
        waits.push(p.commit(100 + i));
        p.clock.t += 0.25;
      }
      p.clock.t += 10;
      await p.finish();
      await Promise.all(waits.slice(0, 4));
      expect(p.vfs.pending.length).toBe(0); // held: the 4 woken sessions' commits join the 4 waiting
      const woken = [0, 1, 2, 3].map((i) => p.commit(200 + i));
      expect(p.vfs.pending.length).toBe(0);
      await microtasks();
      await settle();
      expect(p.vfs.pending.length).toBe(1); // one round for all 8 (after the burst)
      await p.finish();
      await Promise.all([...waits, ...woken]);
      expect(p.w.stats.syncs).toBe(3);
      p.w.close();
    });

    it('starts the next round at once, as before, when only a few commits come at a time', async () => {
      const p = paced();
      await firstRound(p, 2, 10);
      // A round for 2, and 1 arriving while it runs (3 seen): no group worth holding for.
      const first = [p.commit(10), p.commit(11)];
      await microtasks();
      expect(p.vfs.pending.length).toBe(1);
      const late = p.commit(20);
      await p.finish();
      await Promise.all(first);
      expect(p.vfs.pending.length).toBe(1);
      await p.finish();
      await late;
      p.w.close();
    });

    it('starts a held round in a macrotask when no more commits come', async () => {
      const p = paced();
      await firstRound(p, 8, 10);
      const first = Array.from({ length: 6 }, (_, i) => p.commit(10 + i));
      await microtasks();
      const late = [p.commit(20), p.commit(21)];
      await p.finish();
      await Promise.all(first);
      expect(p.vfs.pending.length).toBe(0);
      await settle(); // the setImmediate fallback runs
      expect(p.vfs.pending.length).toBe(1);
      await p.finish();
      await Promise.all(late);
      expect(p.w.durableLsn).toBe(p.w.nextLsn);
      p.w.close();
    });

    it('fails every commit an early round covered, and those waiting behind it, when its fdatasync fails', async () => {
      const p = paced();
      await firstRound(p, 8, 10);
      const waits: Promise<unknown>[] = [];
      for (let i = 0; i < 8; i++) {
        waits.push(rejectionOf(p.commit(100 + i)));
        p.clock.t += 2;
      }
      expect(p.w.stats.earlyRounds).toBe(1);
      const eio = new FlintError(SqlState.ioError, 'could not fsync: EIO');
      p.vfs.pending.shift()!.reject(eio);
      for (const err of await Promise.all(waits)) expect(err).toBe(eio);
      expect(p.vfs.pending.length).toBe(0);
      expect(flintErrorOf(() => p.w.append(1, payload(9, 1))).code).toBe(SqlState.ioError);
      p.w.close();
    });
  });
});
