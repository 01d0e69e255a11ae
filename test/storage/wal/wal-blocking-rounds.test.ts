// Group-commit rounds that block the thread once it idled through an
// asynchronous one (wal-writer.ts, "Blocking rounds"; docs/wal.md).
import { describe, expect, it } from 'vitest';
import { FlintError, SqlState } from '../../../src/errors.ts';
import type { OpenOptions, VfsFile } from '../../../src/storage/vfs/index.ts';
import { BLOCKING_JUDGED_ROUNDS, BLOCKING_ROUNDS_RUN, BLOCKING_TRIAL_BACKOFF_MAX, WalWriter, blockingRetryRounds } from '../../../src/storage/wal/wal-writer.ts';
import { DIR, GatedVfs, SMALL_FILE, expectRecords, payload, readAll, rejectionOf, settle, type Rec } from './wal-helpers.ts';

/** Lets promise callbacks run, but no macrotask. */
const microtasks = async () => {
  for (let i = 0; i < 50; i++) await Promise.resolve();
};

/** A GatedVfs whose blocking durable writes and fdatasyncs are counted, and can be made to fail. */
class CountingVfs extends GatedVfs {
  blockingWrites = 0;
  blockingSyncs = 0;
  failBlocking: unknown = undefined;
  /** Runs inside each blocking durable write or fdatasync (a test moves its clock there). */
  onBlocking: () => void = () => {};

  override open(path: string, opts?: OpenOptions): VfsFile {
    const f = super.open(path, opts);
    const vfs = this;
    return {
      ...f,
      writeDurable(from: Uint8Array, position: number): void {
        if (vfs.failBlocking !== undefined) throw vfs.failBlocking;
        vfs.blockingWrites++;
        vfs.onBlocking();
        f.writeDurable(from, position);
      },
      sync(): void {
        if (vfs.failBlocking !== undefined) throw vfs.failBlocking;
        vfs.blockingSyncs++;
        vfs.onBlocking();
        f.sync();
      },
    };
  }
}

/** A writer whose clock and idle time the test moves. */
function writer(blockingRounds?: 'auto' | 'never' | 'always') {
  const vfs = new CountingVfs();
  const clock = { t: 1000, idle: 0 };
  const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE, now: () => clock.t, idleMs: () => clock.idle, ...(blockingRounds === undefined ? {} : { blockingRounds }) });
  // Opening synced the new file: count from here.
  vfs.blockingSyncs = 0;
  const recs: Rec[] = [];
  const commit = (i: number) => {
    const p = payload(i, 30);
    const lsn = w.append(1, p);
    recs.push({ lsn, type: 1, payload: p });
    return w.waitDurable(lsn);
  };
  /** An asynchronous round of one commit that takes 1 ms, `idleMs` of it idle. */
  const asyncRound = async (i: number, idleMs: number) => {
    const wait = commit(i);
    await microtasks();
    expect(vfs.pending.length).toBe(1);
    clock.t += 1;
    clock.idle += idleMs;
    vfs.pending.shift()!.resolve();
    await wait;
  };
  let next = 1000;
  /** A blocking round of one commit, `ms` long (3: a busy machine's scheduler, 0: as fast as can be); checks that it blocked. */
  const blockingRound = async (ms: number) => {
    vfs.onBlocking = () => void (clock.t += ms);
    const wait = commit(next++);
    await microtasks();
    expect(vfs.pending.length).toBe(0);
    await settle();
    await wait;
  };
  return { vfs, clock, w, recs, commit, asyncRound, blockingRound };
}

describe('WAL blocking rounds', () => {
  it('blocks the next rounds once the thread idled through half an asynchronous round, each after the whole burst of commits', async () => {
    const { vfs, w, recs, commit, asyncRound } = writer('auto');
    await asyncRound(0, 0.6);
    expect(w.stats.blockingRounds).toBe(0);
    // A burst over several microtask turns, as sessions resuming one after another: no round starts within it.
    const done: number[] = [];
    const waits: Promise<unknown>[] = [];
    for (let i = 1; i <= 6; i++) {
      waits.push(commit(i).then(() => done.push(i)));
      await Promise.resolve();
    }
    await microtasks();
    expect(vfs.pending.length).toBe(0);
    expect(w.stats.rounds).toBe(1);
    expect(done).toEqual([]);
    // Then one blocking round, in a macrotask: one durable write for all six, nothing left to the thread pool.
    await settle();
    await Promise.all(waits);
    expect(done).toEqual([1, 2, 3, 4, 5, 6]);
    expect(w.stats.rounds).toBe(2);
    expect(w.stats.blockingRounds).toBe(1);
    expect(w.stats.roundCommits).toBe(7);
    expect(w.stats.earlyRounds).toBe(0);
    expect(vfs.blockingWrites).toBe(1);
    expect(vfs.syncAsyncCalls).toBe(1);
    expect(w.durableLsn).toBe(w.nextLsn);
    // What a blocking round acknowledged survives a power loss.
    expectRecords(readAll(vfs.base.crash(), 0).records, recs);
    w.close();
  });

  it('runs BLOCKING_ROUNDS_RUN blocking rounds, then an asynchronous one looks again: a busy thread keeps them asynchronous', async () => {
    const { vfs, w, commit, asyncRound } = writer('auto');
    await asyncRound(0, 0.9);
    for (let i = 0; i < BLOCKING_ROUNDS_RUN; i++) {
      const wait = commit(100 + i);
      await microtasks();
      expect(vfs.pending.length).toBe(0);
      await settle();
      await wait;
    }
    expect(w.stats.blockingRounds).toBe(BLOCKING_ROUNDS_RUN);
    // The next round is asynchronous again; the thread was busy for most of it (0.3 ms idle of 1 ms).
    await asyncRound(200, 0.3);
    expect(w.stats.blockingRounds).toBe(BLOCKING_ROUNDS_RUN);
    // So the one after it is asynchronous too, and idle through it, the rounds block again.
    await asyncRound(201, 0.5);
    const wait = commit(202);
    await settle();
    await wait;
    expect(w.stats.blockingRounds).toBe(BLOCKING_ROUNDS_RUN + 1);
    expect(vfs.syncAsyncCalls).toBe(3);
    w.close();
  });

  it('goes back to asynchronous rounds when blocking ones cost more per commit, and tries blocking again after a run of them', async () => {
    const { vfs, clock, w, commit, asyncRound } = writer('auto');
    // Asynchronous rounds of one commit, 1 ms each from the commit to the end, the thread idle through them.
    await asyncRound(0, 0.9);
    // Blocking rounds that take 3 ms each (a busy machine's scheduler): 3 ms per commit against 1. The run is judged by
    // the median of its rounds once it has BLOCKING_JUDGED_ROUNDS, and ends there.
    vfs.onBlocking = () => void (clock.t += 3);
    for (let i = 0; i < BLOCKING_JUDGED_ROUNDS; i++) {
      const slow = commit(1 + i);
      await settle();
      await slow;
    }
    expect(w.stats.blockingRounds).toBe(BLOCKING_JUDGED_ROUNDS);
    // So the next rounds are asynchronous, though the thread idles through them, for a run of them.
    for (let i = 0; i < BLOCKING_ROUNDS_RUN; i++) await asyncRound(10 + i, 0.9);
    expect(w.stats.blockingRounds).toBe(BLOCKING_JUDGED_ROUNDS);
    // Then blocking is tried again (and, as fast now, kept).
    vfs.onBlocking = () => {};
    for (let i = 0; i < 3; i++) {
      const wait = commit(100 + i);
      await microtasks();
      expect(vfs.pending.length).toBe(0);
      await settle();
      await wait;
    }
    expect(w.stats.blockingRounds).toBe(BLOCKING_JUDGED_ROUNDS + 3);
    w.close();
  });

  it('waits twice as many asynchronous rounds before trying blocking again after each further blocking run that cost more, and half as many after one that ran whole', async () => {
    expect([0, 1, 2, 3, 5, 9].map(blockingRetryRounds)).toEqual([16, 16, 32, 64, 256, 256].map((n) => (n / 16) * BLOCKING_ROUNDS_RUN));
    expect(blockingRetryRounds(BLOCKING_TRIAL_BACKOFF_MAX)).toBe(BLOCKING_ROUNDS_RUN << (BLOCKING_TRIAL_BACKOFF_MAX - 1));
    const { w, asyncRound, blockingRound } = writer('auto');
    let i = 0;
    /** `n` asynchronous rounds the thread idles through (asyncRound checks that each is asynchronous). */
    const asyncRounds = async (n: number) => {
      for (let k = 0; k < n; k++) await asyncRound(i++, 0.9);
    };
    /** A blocking run whose rounds all cost 3 ms a commit: it ends once judged, after BLOCKING_JUDGED_ROUNDS. */
    const costlyRun = async () => {
      for (let k = 0; k < BLOCKING_JUDGED_ROUNDS; k++) await blockingRound(3);
    };
    const J = BLOCKING_JUDGED_ROUNDS;
    await asyncRound(i++, 0.9); // rounds of 1 ms: blocking is tried
    await costlyRun(); // costlier: the first such run, blocking is tried again after BLOCKING_ROUNDS_RUN
    await asyncRounds(BLOCKING_ROUNDS_RUN);
    await costlyRun(); // the second in a row: twice as many asynchronous rounds before the next try
    expect(w.stats.blockingRounds).toBe(2 * J);
    await asyncRounds(2 * BLOCKING_ROUNDS_RUN);
    expect(w.stats.blockingRounds).toBe(2 * J);
    // Blocking is fast again: a whole run, which halves the wait after the next costly one.
    for (let k = 0; k < BLOCKING_ROUNDS_RUN; k++) await blockingRound(0);
    expect(w.stats.blockingRounds).toBe(2 * J + BLOCKING_ROUNDS_RUN);
    await asyncRound(i++, 0.9); // looks again: blocking was cheaper, tried at once
    await costlyRun(); // costlier: two in a row again (the whole run took one back), not three
    await asyncRounds(2 * BLOCKING_ROUNDS_RUN);
    await blockingRound(0);
    expect(w.stats.blockingRounds).toBe(3 * J + 1 + BLOCKING_ROUNDS_RUN);
    w.close();
  });

  it('keeps a blocking run through one dearer round (a slow write), and ends one whose rounds cost more by their median', async () => {
    const { w, asyncRound, blockingRound } = writer('auto');
    let i = 0;
    await asyncRound(i++, 0.9); // rounds of 1 ms a commit: blocking is tried
    // A first round at 10 ms a commit (one stalled write) and one more later, among rounds at 0.5: the run goes on to
    // its end (one round used to end it, and double the wait before the next try).
    await blockingRound(10);
    for (let k = 1; k < BLOCKING_ROUNDS_RUN; k++) await blockingRound(k === 7 ? 10 : 0.5);
    expect(w.stats.blockingRounds).toBe(BLOCKING_ROUNDS_RUN);
    // The asynchronous round after it looks again, and blocking was cheaper: a new run, whose rounds cost 1.5 ms a
    // commit. It is judged by their median once it has BLOCKING_JUDGED_ROUNDS, and ends there.
    await asyncRound(i++, 0.9);
    for (let k = 0; k < BLOCKING_JUDGED_ROUNDS; k++) await blockingRound(1.5);
    expect(w.stats.blockingRounds).toBe(BLOCKING_ROUNDS_RUN + BLOCKING_JUDGED_ROUNDS);
    await asyncRound(i++, 0.9);
    expect(w.stats.blockingRounds).toBe(BLOCKING_ROUNDS_RUN + BLOCKING_JUDGED_ROUNDS);
    w.close();
  });

  it('ends a blocking run at a burst of commits as long as half an asynchronous round (pacing overlaps those), and retries after a run of asynchronous rounds', async () => {
    const { vfs, clock, w, commit, asyncRound } = writer('auto');
    await asyncRound(0, 0.9); // rounds of 1 ms
    // Bursts that run 0.6 ms from their first commit to their last: a long burst counts as an endless cost, so the run
    // ends once judged (BLOCKING_JUDGED_ROUNDS blocking rounds), then asynchronous ones.
    for (let k = 0; k < BLOCKING_JUDGED_ROUNDS; k++) {
      const first = commit(1 + 2 * k);
      clock.t += 0.6;
      const last = commit(2 + 2 * k);
      await settle();
      await Promise.all([first, last]);
    }
    expect(w.stats.blockingRounds).toBe(BLOCKING_JUDGED_ROUNDS);
    for (let i = 0; i < BLOCKING_ROUNDS_RUN; i++) await asyncRound(10 + i, 0.9);
    expect(w.stats.blockingRounds).toBe(BLOCKING_JUDGED_ROUNDS);
    // Short bursts again: blocking is tried again and kept.
    for (let i = 0; i < 2; i++) {
      const wait = commit(100 + i);
      await settle();
      await wait;
    }
    expect(w.stats.blockingRounds).toBe(BLOCKING_JUDGED_ROUNDS + 2);
    w.close();
  });

  it('never blocks by default, with \'never\', or without an idle clock on the writer\'s clock', async () => {
    for (const mode of [undefined, 'never'] as const) {
      const { vfs, w, asyncRound } = writer(mode);
      for (let i = 0; i < 3; i++) await asyncRound(i, 1);
      expect(w.stats.blockingRounds).toBe(0);
      expect(vfs.syncAsyncCalls).toBe(3);
      expect(vfs.blockingWrites + vfs.blockingSyncs).toBe(0);
      w.close();
    }
    // 'auto' with a clock of the test's but no idle time: the thread's idle time is on another clock.
    const vfs = new CountingVfs();
    const clock = { t: 0 };
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE, now: () => clock.t, blockingRounds: 'auto' });
    for (let i = 0; i < 3; i++) {
      const wait = w.waitDurable(w.append(1, payload(i, 10)));
      await microtasks();
      clock.t += 1;
      await vfs.release();
      await wait;
    }
    expect(w.stats.blockingRounds).toBe(0);
    w.close();
  });

  it('with \'always\', makes every round a blocking one, falling back to write + fdatasync when an earlier write is unsynced', async () => {
    const { vfs, w, commit } = writer('always');
    // The first records of a new file: zeros ahead of them, a write and an fdatasync.
    const first = commit(1);
    await settle();
    await first;
    expect([vfs.blockingSyncs, vfs.blockingWrites]).toEqual([1, 0]);
    const second = commit(2);
    await settle();
    await second;
    expect([vfs.blockingSyncs, vfs.blockingWrites]).toEqual([1, 1]);
    w.append(1, payload(3, 10));
    w.flush(); // unsynced in the OS: the next round cannot be a lone durable write
    const third = commit(4);
    await settle();
    await third;
    expect([vfs.blockingSyncs, vfs.blockingWrites]).toEqual([2, 1]);
    expect(vfs.syncAsyncCalls).toBe(0);
    expect(w.stats.blockingRounds).toBe(3);
    expect(w.durableLsn).toBe(w.nextLsn);
    expect(readAll(vfs.base.crash(), 0).records.length).toBe(4);
    w.close();
  });

  it('rejects every commit of a failed blocking round and stops the writer', async () => {
    const { vfs, w, commit } = writer('always');
    const eio = new FlintError(SqlState.ioError, 'could not write: EIO');
    vfs.failBlocking = eio;
    const waits = [1, 2, 3].map((i) => rejectionOf(commit(i)));
    await settle();
    for (const err of await Promise.all(waits)) expect(err).toBe(eio);
    expect(w.stats.rounds).toBe(0);
    expect(() => w.append(1, payload(9, 1))).toThrow(/could not write: EIO/);
    // Nothing the round was to make durable was acknowledged, and nothing of it survives a power loss.
    expect(readAll(vfs.base.crash(), 0).records.length).toBe(0);
    w.close();
  });
});
