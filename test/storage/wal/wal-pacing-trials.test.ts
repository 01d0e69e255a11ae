// Group commit's two pacings and the trials that choose between them
// (wal-writer.ts, "Pacing"; docs/wal.md). Closed-loop sessions are simulated
// on a clock the test moves: each statement takes stmtMs; a round's write
// takes writeMs, and the thread sees its end either after the burst of
// statements it was running (when the write ended during it), or, idle,
// wakeMs after the write ended (the wake-up of an idle thread that inflated
// the round time the time conditions compare against).
import { describe, expect, it } from 'vitest';
import { PACING_FIRST_TRIAL_ROUNDS, PACING_TRIAL_ROUNDS, WalWriter, pacingRetryRounds } from '../../../src/storage/wal/wal-writer.ts';
import { DIR, GatedVfs, SMALL_FILE, payload, settle } from './wal-helpers.ts';

interface Disk {
  stmtMs: number;
  writeMs: number;
  wakeMs: number;
}

/** Lets promise callbacks run, but no macrotask. */
const microtasks = async () => {
  for (let i = 0; i < 200; i++) await Promise.resolve();
};

/** A writer on a gated VFS, its clock moved by simulate(), and when each pending write started. */
function simulated() {
  const vfs = new GatedVfs();
  const clock = { t: 1000 };
  const w = WalWriter.open(vfs, DIR, 0, { fileBytes: 64 * SMALL_FILE, now: () => clock.t });
  const startedAt: number[] = [];
  const push = vfs.pending.push.bind(vfs.pending);
  vfs.pending.push = (...items) => {
    for (const _ of items) startedAt.push(clock.t);
    return push(...items);
  };
  return { vfs, clock, w, startedAt };
}

/**
 * Runs `sessions` closed-loop sessions until `rounds` rounds completed (on
 * a new writer, or on `sim`'s, left open), the disk's figures given by
 * `disk(round)`; returns each round's commits, the clock's time from the
 * last round's end to its end (ms), and whether it was paced split.
 */
async function simulate(sessions: number, rounds: number, disk: (round: number) => Disk, sim?: ReturnType<typeof simulated>) {
  const { vfs, clock, w, startedAt } = sim ?? simulated();
  const log: { commits: number; ms: number; split: boolean }[] = [];
  let stop = false;
  let i = 0;
  const session = async () => {
    while (!stop) {
      clock.t += disk(log.length).stmtMs;
      await w.waitDurable(w.append(1, payload(i++ % 250, 20)));
    }
  };
  const running = Array.from({ length: sessions }, () => session());
  let lastEnd = clock.t;
  let splitBefore = w.stats.splitRounds;
  while (log.length < rounds) {
    // The burst: every session the last round woke runs its statement; a round may start early meanwhile.
    await microtasks();
    if (vfs.pending.length === 0) {
      // A round held for the woken sessions' burst starts in a macrotask.
      await settle();
      await microtasks();
    }
    expect(vfs.pending.length).toBe(1);
    const d = disk(log.length);
    const doneAt = startedAt.shift()! + d.writeMs;
    // Busy past the write's end: seen after the burst; idle before it: seen a wake-up after it.
    clock.t = clock.t >= doneAt ? clock.t : doneAt + d.wakeMs;
    const commitsBefore = w.stats.roundCommits;
    vfs.pending.shift()!.resolve();
    await Promise.resolve();
    await Promise.resolve();
    log.push({ commits: w.stats.roundCommits - commitsBefore, ms: clock.t - lastEnd, split: w.stats.splitRounds > splitBefore });
    splitBefore = w.stats.splitRounds;
    lastEnd = clock.t;
  }
  stop = true;
  // Let the sessions finish: their last commits' rounds end at once.
  while (vfs.pending.length > 0 || w.durableLsn < w.nextLsn) {
    await microtasks();
    await settle();
    while (vfs.pending.length > 0) {
      startedAt.shift();
      vfs.pending.shift()!.resolve();
    }
  }
  await Promise.all(running);
  if (sim === undefined) w.close();
  return log;
}

/** Cost per commit (ms) over rounds [from, to) of a log. */
function cost(log: { commits: number; ms: number }[], from: number, to = log.length): number {
  const part = log.slice(from, to);
  return part.reduce((s, r) => s + r.ms, 0) / part.reduce((s, r) => s + r.commits, 0);
}

/** Share of rounds [from, to) of a log that covered at most `most` commits. */
const share = (log: { commits: number }[], most: number, from: number, to = log.length) => log.slice(from, to).filter((r) => r.commits <= most).length / (to - from);

// The development VM at session 11: an O_DSYNC write of ~0.15 ms, but an idle thread sees its end ~0.7 ms later.
const idleWake: Disk = { stmtMs: 0.008, writeMs: 0.15, wakeMs: 0.7 };

describe('WAL group commit: choosing the pacing by its cost per commit', () => {
  it('leaves one round a burst for two alternating groups when those cost less per commit, and keeps them', async () => {
    const log = await simulate(64, 80, () => idleWake);
    // At first one round covers the whole burst: a group's half of it (0.26 ms) waits less than half the round time the
    // thread saw (0.85 ms, with the wake-up), so the time conditions never split it.
    const first = log.slice(1, 1 + PACING_FIRST_TRIAL_ROUNDS);
    for (const r of first) expect(r.commits).toBeGreaterThan(48);
    expect(first.every((r) => !r.split)).toBe(true);
    // The trial of the split pacing won: the rest of the run alternates groups of 32, ~2.5x cheaper a commit (the usual
    // pacing's trials, now and then, keep alternating too: the thread, busy, sees short rounds).
    const after = 1 + PACING_FIRST_TRIAL_ROUNDS + PACING_TRIAL_ROUNDS;
    expect(share(log, 32, after)).toBe(1);
    expect(log.slice(after).filter((r) => r.split).length).toBeGreaterThan((log.length - after) / 2);
    expect(cost(log, after)).toBeLessThan(cost(log, 1, 1 + PACING_FIRST_TRIAL_ROUNDS) / 2);
  });

  it('goes back to one round a burst when the disk slows down and alternating groups cost more', async () => {
    // A disk 20x slower from round 40: two rounds of 32 wait for two writes where one round of 64 waits for one.
    const slowFrom = 40;
    const log = await simulate(64, 40 + pacingRetryRounds(0) + 2 * PACING_TRIAL_ROUNDS + 20, (round) => (round < slowFrom ? idleWake : { ...idleWake, writeMs: 3 }));
    expect(share(log, 32, 20, slowFrom)).toBe(1);
    const tail = log.slice(-15);
    expect(tail.every((r) => !r.split && r.commits > 48)).toBe(true);
  });

  it('keeps one round a burst where splitting it costs more (a burst shorter than the write), trying it ever more rarely', async () => {
    // No wake-up to win back: one round of 64 (0.13 + 0.3 ms) costs less than two of 32 (0.3 ms each).
    const T = PACING_TRIAL_ROUNDS;
    const log = await simulate(64, 1 + PACING_FIRST_TRIAL_ROUNDS + T + pacingRetryRounds(1) + T + pacingRetryRounds(2) + T, () => ({ stmtMs: 0.002, writeMs: 0.3, wakeMs: 0 }));
    // After the first round (the sessions starting): the usual pacing, a trial of splitting, lost; 32 rounds (a trial
    // lost), a second one, lost; 64 rounds, a third.
    const paced = log.map((r) => (r.split ? 's' : 'u')).join('');
    expect(paced).toBe(`u${'u'.repeat(PACING_FIRST_TRIAL_ROUNDS)}${'s'.repeat(T)}${'u'.repeat(pacingRetryRounds(1))}${'s'.repeat(T)}${'u'.repeat(pacingRetryRounds(2))}${'s'.repeat(T)}`);
    expect(log.filter((r) => !r.split).every((r, i) => i === 0 || r.commits > 56)).toBe(true);
    expect(log.filter((r) => r.split).slice(1).every((r) => r.commits === 32)).toBe(true);
  });

  it('never tries splitting a burst far shorter than the rounds (a slow disk), nor small groups', async () => {
    const slow = await simulate(64, 60, () => ({ stmtMs: 0.008, writeMs: 5, wakeMs: 0.05 }));
    expect(slow.some((r) => r.split)).toBe(false);
    const eight = await simulate(8, 60, () => idleWake);
    expect(eight.slice(2).some((r) => r.split)).toBe(false);
  });

  it('keeps what it measured through rounds of small groups, and starts over when the group size changes', async () => {
    const sim = simulated();
    await simulate(64, 40, () => idleWake, sim);
    // 8 sessions (groups of 4) in between: the usual pacing, as before.
    const eight = await simulate(8, 30, () => idleWake, sim);
    expect(eight.slice(2).some((r) => r.split)).toBe(false);
    // 64 sessions again: split from their first full round, no trial needed.
    const again = await simulate(64, 12, () => idleWake, sim);
    expect(again.slice(2).every((r) => r.split && r.commits === 32)).toBe(true);
    // 24 sessions (groups of 12, off by more than 2x): measured afresh once the group size's average moved, the usual
    // pacing first, then a trial of splitting, which loses here (a group's burst of 0.1 ms is shorter than the write,
    // and the thread idles through every round either way).
    const other = await simulate(24, 30, () => idleWake, sim);
    const paced = other.map((r) => (r.split ? 's' : 'u')).join('');
    expect(paced).toMatch(new RegExp(`^s{1,8}u{${PACING_FIRST_TRIAL_ROUNDS}}s{${PACING_TRIAL_ROUNDS}}u+$`));
    sim.w.close();
  });

  it('tries splitting again soon while the usual pacing alternates the groups by itself, and keeps it once that merges them', async () => {
    // No wake-up at first: the usual pacing alternates the groups by itself (trials of splitting gain nothing, and do
    // not count as lost), until one slow write (5 ms) merges them while the thread idles, and the wake-up (0.7 ms)
    // keeps them merged.
    const T = PACING_TRIAL_ROUNDS;
    const R = pacingRetryRounds(0);
    const fall = 1 + PACING_FIRST_TRIAL_ROUNDS + T + R + T + 4;
    const log = await simulate(64, fall + 40, (round) => (round < fall ? { ...idleWake, wakeMs: 0 } : round === fall ? { ...idleWake, writeMs: 5 } : idleWake));
    const paced = log.map((r) => (r.split ? 's' : 'u')).join('');
    expect(paced.slice(0, fall)).toBe(`u${'u'.repeat(PACING_FIRST_TRIAL_ROUNDS)}${'s'.repeat(T)}${'u'.repeat(R)}${'s'.repeat(T)}uuuu`);
    expect(log.slice(1, fall).every((r) => r.commits === 32)).toBe(true);
    // Merged after the slow write: the next trial, as scheduled, finds splitting 2x cheaper and keeps it.
    expect(paced.slice(fall)).toMatch(new RegExp(`^u{${R - 4}}s{${R}}`));
    expect(log.slice(-10).every((r) => r.commits === 32)).toBe(true);
    expect(cost(log, fall + 30)).toBeLessThan(cost(log, fall + 1, fall + 6) / 2);
  });
});
