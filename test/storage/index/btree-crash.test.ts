// Crash safety of the B+-tree, with both kernel implementations. A seeded
// workload of inserts, deletes and updates over two trees (keys of 1..1024
// bytes, so splits, merges, root changes, new blocks and the free list all
// happen), with WAL syncs every few operations, checkpoints, WAL recycling and
// buffer-pool eviction (a 5-frame pool), runs once to count its syncs. Then
// for each sync k (a sample, to keep the suite short) it runs again on a
// fault vfs that loses power at the k-th sync, tearing the last unsynced
// writes, and the database is recovered by replaying the WAL. Each time:
//   - both trees pass check();
//   - their content is the model's after some prefix of the operations, no
//     shorter than what the last completed sync made durable: every
//     operation is there whole or not at all (one record per structural
//     change: never half a split);
//   - the trees take new operations and survive a clean reopen.
// Also: power loss right after a write (torn) rather than at a sync, a crash
// during recovery itself, and a follower fed the primary's WAL stream that
// reaches the same trees, byte for byte in every page.
//
// Some inserts come in batches through BTree.insertMany (sorted, or in any
// order, with keys repeated or already there), as deferred secondary
// entries do: a batch is many records (one INDEX_INSERTS per leaf run, one
// INDEX_PAGES per split), written in the order of its entries, so after a
// crash a prefix of its entries is there: each entry counts as an operation.
import { describe, expect, it } from 'vitest';
import type { KernelKind } from '../../../src/kernels/index.ts';
import { PAGE_SIZE } from '../../../src/limits.ts';
import { BTree } from '../../../src/storage/index/index.ts';
import { RecordType } from '../../../src/storage/record-types.ts';
import { createFaultVfs, Prng, type FaultCrashOptions, type FaultVfs } from '../../../src/storage/vfs/index.ts';
import { Follower, KINDS, LONG_MS, MiniDb, Model, diffEntries, treeEntries, type MiniDbOptions } from './harness.ts';

const OWNERS = [500, 501] as const;

interface Op {
  /** insertMany: one entry of a batch, ops [batchStart, batchEnd) of the list, inserted by one insertMany call. */
  readonly kind: 'insert' | 'delete' | 'update' | 'insertMany';
  readonly tree: 0 | 1;
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  /** What the call must return (for a batch entry: whether insertMany inserts it). */
  readonly result: boolean;
  readonly batchStart?: number;
  readonly batchEnd?: number;
}

/** Plain Errors with short messages (the loops report them with the crash point). */
function check(ok: boolean, message: () => string): asserts ok {
  if (!ok) throw new Error(message());
}

function keyFor(prng: Prng): Uint8Array {
  const lengths = [1, 8, 120, 300, 600, 700, 1000, 1024];
  const n = prng.int(3000);
  const key = new Uint8Array(lengths[prng.int(lengths.length)]!);
  for (let i = 0; i < key.length; i++) key[i] = i === 0 ? n >> 4 : i === 1 ? n & 15 : (n * 131 + i) & 0xff;
  return key;
}

/** A key of 1..16 bytes from a few thousand. */
function shortKey(prng: Prng): Uint8Array {
  const n = prng.int(5000);
  const key = new Uint8Array(1 + prng.int(16));
  for (let i = 0; i < key.length; i++) key[i] = i === 0 ? n >> 5 : i === 1 ? n & 31 : (n * 17 + i) & 0xff;
  return key;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** A deterministic list of operations with their expected results. */
function makeOps(seed: number, count: number): Op[] {
  const prng = new Prng(seed);
  const models = [new Model(), new Model()];
  const ops: Op[] = [];
  for (let i = 0; i < count; i++) {
    const tree = prng.int(2) as 0 | 1;
    const model = models[tree]!;
    const dice = prng.int(10);
    const value = new Uint8Array(prng.int(17)).fill(i & 0xff);
    // Grow for the first half, then shrink: merges and root collapses too.
    const growing = i < count * 0.55;
    if (dice === 9 && growing && prng.chance(0.4)) {
      // A batch of short keys (long runs in one leaf) and long ones (splits); some repeated, some there already.
      const size = 2 + prng.int(30);
      const keys: Uint8Array[] = [];
      for (let j = 0; j < size; j++) {
        if (model.size > 0 && prng.chance(0.05)) keys.push(model.entries[prng.int(model.size)]!.key);
        else if (j > 0 && prng.chance(0.05)) keys.push(keys[j - 1]!);
        else if (prng.chance(0.5)) keys.push(shortKey(prng));
        else keys.push(keyFor(prng));
      }
      if (prng.chance(0.7)) keys.sort(compareBytes);
      const batchStart = ops.length;
      for (const key of keys) ops.push({ kind: 'insertMany', tree, key, value, result: model.insert(key, value), batchStart, batchEnd: batchStart + size });
      i += size - 1;
    } else if (dice < (growing ? 7 : 2) || model.size === 0) {
      const key = keyFor(prng);
      ops.push({ kind: 'insert', tree, key, value, result: model.insert(key, value) });
    } else if (dice < (growing ? 8 : 8)) {
      const key = prng.chance(0.9) ? model.entries[prng.int(model.size)]!.key : keyFor(prng);
      ops.push({ kind: 'delete', tree, key, value, result: model.delete(key) });
    } else {
      const key = model.entries[prng.int(model.size)]!.key;
      ops.push({ kind: 'update', tree, key, value, result: model.update(key, value) });
    }
  }
  return ops;
}

/** One operation on its own (a batch entry as a plain insert: after recovery, a batch may have been cut anywhere). */
function apply(trees: readonly BTree[], op: Op): boolean {
  const tree = trees[op.tree]!;
  if (op.kind === 'insert' || op.kind === 'insertMany') return tree.insert(op.key, op.value);
  if (op.kind === 'delete') return tree.delete(op.key);
  return tree.update(op.key, op.value);
}

/**
 * Operation i as the workload does it: a batch entry starts its whole batch
 * (one insertMany call). Checks the result; returns the index of the next
 * operation.
 */
function applyAt(trees: readonly BTree[], ops: readonly Op[], i: number): number {
  const op = ops[i]!;
  if (op.kind !== 'insertMany') {
    check(apply(trees, op) === op.result, () => `operation ${i} (${op.kind}) returned ${!op.result}`);
    return i + 1;
  }
  const batch = ops.slice(i, op.batchEnd);
  const n = trees[op.tree]!.insertMany({ count: batch.length, key: (j) => batch[j]!.key, value: (j) => batch[j]!.value });
  const want = batch.filter((b) => b.result).length;
  check(n === want, () => `batch at ${i} (${batch.length} entries) inserted ${n}, expected ${want}`);
  return op.batchEnd!;
}

function applyModel(models: readonly Model[], op: Op): void {
  const model = models[op.tree]!;
  if (op.kind === 'insert' || op.kind === 'insertMany') model.insert(op.key, op.value);
  else if (op.kind === 'delete') model.delete(op.key);
  else model.update(op.key, op.value);
}

interface Workload {
  readonly kind: KernelKind;
  readonly ops: readonly Op[];
  /** Sync the WAL after every this many operations. */
  readonly syncEvery: number;
  readonly checkpointEvery: number;
}

interface Journal {
  /** Operations started (the last may not have finished). */
  started: number;
  /** Operations made durable by a completed sync. */
  durable: number;
}

function dbOptions(w: Workload, vfs: FaultVfs): MiniDbOptions {
  return { kind: w.kind, vfs, poolBytes: 5 * 65536, walFileBytes: 64 * 1024 };
}

/** Create the database and the trees, durably, before any fault is armed. */
function setUp(w: Workload, vfs: FaultVfs): void {
  const db = MiniDb.create(dbOptions(w, vfs));
  for (const owner of OWNERS) BTree.create(db.heap, owner);
  db.close();
}

/** Run the workload on an existing database; returns it open. Any error (a SimulatedCrash too) propagates. */
function runWorkload(w: Workload, vfs: FaultVfs, journal: Journal, from = 0, to = w.ops.length): MiniDb {
  const db = MiniDb.open(dbOptions(w, vfs));
  const trees = OWNERS.map((owner) => db.openTree(owner));
  for (let i = from; i < to; ) {
    journal.started = w.ops[i]!.batchEnd ?? i + 1;
    const next = applyAt(trees, w.ops, i);
    // Sync (and checkpoint) where the cadence falls inside what just ran.
    if (Math.floor(next / w.syncEvery) > Math.floor(i / w.syncEvery)) {
      db.wal.sync();
      journal.durable = next;
    }
    if (Math.floor(next / w.checkpointEvery) > Math.floor(i / w.checkpointEvery)) db.checkpoint();
    i = next;
  }
  return db;
}

/**
 * The recovered trees pass check() and hold the models' content after some
 * prefix of the operations in [journal.durable, journal.started]. Returns that prefix.
 */
function checkRecovered(w: Workload, db: MiniDb, journal: Journal, what: string): number {
  const trees = OWNERS.map((owner) => db.openTree(owner));
  for (const tree of trees) tree.check();
  const got = trees.map(treeEntries);
  const models = [new Model(), new Model()];
  for (let i = 0; i < journal.durable; i++) applyModel(models, w.ops[i]!);
  const diffs: string[] = [];
  for (let j = journal.durable; j <= journal.started; j++) {
    if (j > journal.durable) applyModel(models, w.ops[j - 1]!);
    const diff = got.map((entries, t) => diffEntries(entries, models[t]!.entries)).filter((d) => d !== '');
    if (diff.length === 0) return j;
    diffs.push(`after ${j} operations: ${diff[0]}`);
  }
  throw new Error(`${what}: the trees match no prefix in [${journal.durable}, ${journal.started}]: ${diffs.slice(-2).join('; ')}`);
}

/** Recover, check, then go on with the rest of the workload, reopen and check again. */
function recoverAndContinue(w: Workload, vfs: FaultVfs, journal: Journal, what: string, full: boolean): void {
  let db: MiniDb;
  try {
    db = MiniDb.open(dbOptions(w, vfs));
  } catch (error) {
    throw new Error(`${what}: recovery failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const prefix = checkRecovered(w, db, journal, what);
  db.close();
  if (!full) return;
  // The rest of the operations from where recovery left off: their results depend on the lost ones, so check content only.
  const again = MiniDb.open(dbOptions(w, vfs));
  const trees = OWNERS.map((owner) => again.openTree(owner));
  const models = [new Model(), new Model()];
  for (let i = 0; i < prefix; i++) applyModel(models, w.ops[i]!);
  for (let i = prefix; i < Math.min(w.ops.length, prefix + 60); i++) {
    const op = w.ops[i]!;
    const model = models[op.tree]!;
    const want = op.kind === 'insert' || op.kind === 'insertMany' ? model.insert(op.key, op.value) : op.kind === 'delete' ? model.delete(op.key) : model.update(op.key, op.value);
    check(apply(trees, op) === want, () => `${what}: after recovery, operation ${i} returned ${!want}`);
  }
  again.close();
  const reopened = MiniDb.open(dbOptions(w, vfs));
  for (let t = 0; t < OWNERS.length; t++) {
    const tree = reopened.openTree(OWNERS[t]!);
    tree.check();
    const diff = diffEntries(treeEntries(tree), models[t]!.entries);
    check(diff === '', () => `${what}: after going on and reopening, tree ${t}: ${diff}`);
  }
  reopened.close();
}

/** Run to completion without faults; count syncs and writes after set-up. */
function countOps(w: Workload): { syncs: number; writes: number; evictions: number; height: number } {
  const vfs = createFaultVfs({ seed: 1 });
  setUp(w, vfs);
  const before = vfs.counters;
  const journal: Journal = { started: 0, durable: 0 };
  const db = runWorkload(w, vfs, journal);
  const heights = OWNERS.map((owner) => db.openTree(owner).height);
  const evictions = db.pool.stats.evictions;
  db.close();
  const after = vfs.counters;
  return { syncs: after.sync - before.sync, writes: after.write - before.write, evictions, height: Math.max(...heights) };
}

function crashAt(w: Workload, arm: (vfs: FaultVfs) => void, seed: number, crash: FaultCrashOptions): { vfs: FaultVfs; journal: Journal } {
  const vfs = createFaultVfs({ seed });
  setUp(w, vfs);
  arm(vfs);
  const journal: Journal = { started: 0, durable: 0 };
  try {
    runWorkload(w, vfs, journal).close();
  } catch (error) {
    if (!vfs.crashed) throw error;
  }
  check(vfs.crashed, () => `seed ${seed}: the workload ended without reaching the crash`);
  return { vfs: vfs.crash(crash), journal };
}

function sample(prng: Prng, from: number, to: number, count: number): number[] {
  const all = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  for (let i = all.length - 1; i > 0; i--) {
    const j = prng.int(i + 1);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, count).sort((a, b) => a - b);
}

function workload(kind: KernelKind, seed: number): Workload {
  return { kind, ops: makeOps(seed, 1200), syncEvery: 5, checkpointEvery: 150 };
}

for (const kind of KINDS) {
  describe(`B+-tree crash safety (${kind} kernels)`, () => {
    it('recovers whole operations after a torn power loss at a sample of syncs', () => {
      const w = workload(kind, kind === 'wasm' ? 31 : 32);
      const { syncs, evictions, height } = countOps(w);
      expect(syncs).toBeGreaterThan(100);
      expect(evictions).toBeGreaterThan(100);
      expect(height).toBeGreaterThanOrEqual(3);
      let behindDurable = 0;
      const points = sample(new Prng(kind === 'wasm' ? 7 : 8), 1, syncs, 40);
      for (const [i, k] of points.entries()) {
        const what = `crash at sync ${k} of ${syncs}`;
        const { vfs, journal } = crashAt(w, (v) => v.crashAtSync(k), k, { tear: true, entries: i % 2 === 0 ? 'synced' : 'all' });
        if (journal.started > journal.durable) behindDurable++;
        recoverAndContinue(w, vfs, journal, what, i % 4 === 0);
      }
      expect(behindDurable).toBeGreaterThan(10);
    }, LONG_MS);

    it('recovers after a crash right after a write (torn) at a sample of writes', () => {
      const w = workload(kind, kind === 'wasm' ? 33 : 34);
      const { writes } = countOps(w);
      for (const n of sample(new Prng(kind === 'wasm' ? 9 : 10), 1, writes, 15)) {
        const { vfs, journal } = crashAt(w, (v) => v.inject({ op: 'write', nth: n, effect: 'crash' }), n, { tear: true });
        recoverAndContinue(w, vfs, journal, `crash after write ${n} of ${writes}`, false);
      }
    }, LONG_MS);

    it('survives a crash during recovery, and a second recovery completes it', () => {
      const w = workload(kind, kind === 'wasm' ? 35 : 36);
      const { syncs } = countOps(w);
      let doubleCrashes = 0;
      for (const k of sample(new Prng(kind === 'wasm' ? 11 : 12), 1, syncs, 3)) {
        const { vfs: survivor, journal } = crashAt(w, (v) => v.crashAtSync(k), k, { tear: true });
        for (let j = 1; j <= 12; j++) {
          const copy = createFaultVfs({ seed: j, base: survivor.base.crash() });
          copy.crashAtSync(j);
          try {
            MiniDb.open(dbOptions(w, copy)).close();
            break; // recovery (and close) needed fewer than j syncs
          } catch (error) {
            if (!copy.crashed) throw error;
          }
          recoverAndContinue(w, copy.crash({ tear: true }), journal, `crash at sync ${k}, then at recovery sync ${j}`, false);
          doubleCrashes++;
        }
      }
      expect(doubleCrashes).toBeGreaterThan(3);
    }, LONG_MS);
  });
}

describe('B+-tree insertMany when the WAL refuses its record', () => {
  for (const kind of KINDS) {
    it(`undoes the leaf run and changes nothing (${kind} kernels)`, () => {
      const vfs = createFaultVfs({ seed: 3 });
      const db = MiniDb.create({ kind, vfs, poolBytes: 1 << 20, walFileBytes: 64 * 1024 });
      const tree = BTree.create(db.heap, 500);
      const prng = new Prng(4);
      const keys = Array.from({ length: 300 }, () => shortKey(prng)).sort(compareBytes);
      const model = new Model();
      for (const key of keys.filter((_, i) => i % 3 === 0)) {
        tree.insert(key, Uint8Array.of(1));
        model.insert(key, Uint8Array.of(1));
      }
      db.wal.sync();
      // The next WAL write fails: the writer stops, and every later append is refused.
      vfs.failAt('write', 1);
      db.wal.append(RecordType.txnAbort, new Uint8Array(8));
      expect(() => db.wal.sync()).toThrow();
      const rest = keys.filter((_, i) => i % 3 !== 0);
      expect(() => tree.insertMany({ count: rest.length, key: (i) => rest[i]!, value: () => Uint8Array.of(2) })).toThrow();
      tree.check();
      expect(diffEntries(treeEntries(tree), model.entries)).toBe('');
    });
  }
});

describe('B+-tree on a follower', () => {
  for (const [primaryKind, followerKind] of [['wasm', 'wasm'], ['ts', 'ts'], ['wasm', 'ts']] as const) {
    it(`a follower (${followerKind}) replaying a primary's (${primaryKind}) WAL stream has the same trees, page for page`, () => {
      const w = workload(primaryKind, 40);
      const vfs = createFaultVfs({ seed: 1 });
      const primary = MiniDb.create(dbOptions(w, vfs));
      const stream = primary.record();
      const trees = OWNERS.map((owner) => BTree.create(primary.heap, owner));
      const follower = new Follower(followerKind);
      let followerTrees: BTree[] | undefined;
      for (let i = 0, next = 0; i < w.ops.length; i++) {
        if (i === next) next = applyAt(trees, w.ops, i);
        if ((i + 1) % 150 === 0) primary.checkpoint(); // page images after each checkpoint
        if ((i + 1) % 50 !== 0) continue;
        follower.apply(stream);
        // Trees opened once on the follower follow the replay (they re-read their meta).
        followerTrees ??= OWNERS.map((owner, t) => BTree.open(follower.heap, owner, trees[t]!.metaBlock));
        for (let t = 0; t < OWNERS.length; t++) {
          const fc = followerTrees[t]!.check();
          expect(fc).toEqual(trees[t]!.check());
          expect(diffEntries(treeEntries(followerTrees[t]!), treeEntries(trees[t]!))).toBe('');
          expect(samePages(primary, follower, OWNERS[t]!)).toBe('');
        }
      }
      expect(Math.max(...trees.map((t) => t.height))).toBeGreaterThanOrEqual(3);
      // Batches went in as INDEX_INSERTS records, many of them with more than one entry.
      const runs = stream.filter((r) => r.type === RecordType.indexInserts).map((r) => r.payload[4]! | (r.payload[5]! << 8));
      expect(runs.filter((n) => n > 1).length).toBeGreaterThan(3);
      // The follower refuses writes: it has no WAL.
      expect(() => followerTrees![0]!.insert(Uint8Array.of(1, 2, 3), new Uint8Array(0))).toThrow(/no WAL/);
      expect(followerTrees![0]!.check()).toEqual(trees[0]!.check());
      primary.close();
    }, LONG_MS);
  }
});

/** '' if every page of the owner's blocks is the same on both (bytes 4.. of each: the CRC is sealed at write-back). */
function samePages(primary: MiniDb, follower: Follower, owner: number): string {
  const blocks = primary.heap.blocksOf(owner);
  const theirs = follower.heap.blocksOf(owner);
  if (blocks.join() !== theirs.join()) return `blocks ${blocks.join()} vs ${theirs.join()}`;
  const a = new Uint8Array(primary.kernels.buffer);
  const b = new Uint8Array(follower.kernels.buffer);
  for (const blockNo of blocks) {
    const fa = primary.heap.pinBlock(blockNo);
    const fb = follower.heap.pinBlock(blockNo);
    try {
      const oa = primary.heap.frameOffset(fa);
      const ob = follower.heap.frameOffset(fb);
      for (let page = 0; page < 16; page++) {
        for (let i = 4; i < PAGE_SIZE; i++) {
          if (a[oa + page * PAGE_SIZE + i] !== b[ob + page * PAGE_SIZE + i]) return `block ${blockNo} page ${page} differs at byte ${i}`;
        }
      }
    } finally {
      primary.heap.unpinBlock(fa);
      follower.heap.unpinBlock(fb);
    }
  }
  return '';
}
