// Power loss at every fsync boundary of a seeded workload (crash-workload.ts:
// inserts, updates, deletes, rollbacks, vacuum, checkpoints, WAL recycling,
// buffer-pool eviction in a 256 KiB pool, group commits of concurrent
// transactions). The workload runs once to count its syncs; then, for each
// sync k, it runs again on a fault vfs that crashes at the k-th sync, the
// unsynced writes are dropped (the last one of each file torn, or not), and
// the database is reopened on what survived. Each time:
//   - every commit acknowledged before the crash is there, whole;
//   - a commit that was in flight is there whole or not at all, and nothing
//     else is (rows carry their transaction's number, and the content must
//     equal the acknowledged commits plus a subset of the in-flight ones);
//   - the database takes new writes, and reopens again with them (for every
//     third crash point of the full sweep, and every sampled one).
// Also: crashes during the recovery itself, a process crash (unsynced data
// still in the page cache) followed by a power loss during recovery, and
// crashes right after a write (torn) rather than at a sync.
import { describe, expect, it } from 'vitest';
import type { KernelKind } from '../../src/kernels/index.ts';
import { createFaultVfs, type FaultCrashOptions, type FaultVfs } from '../../src/storage/vfs/index.ts';
import { Engine } from '../../src/txn/engine.ts';
import { KINDS, LONG_MS, Prng, VERY_LONG_MS, crashPoints, ROW_COLUMNS, check, committedRows, diffRows, smallOptions } from './engine-helpers.ts';
import { Journal, TABLES, actualContent, checkRecovered, recoverAndContinue, runWorkload, workloadOptions, type WorkloadOptions } from './crash-workload.ts';

interface Totals {
  syncs: number;
  writes: number;
  checkpoints: number;
  evictions: number;
  walFilesRecycled: number;
}

/** Run the workload without faults, close, and count its syncs and writes. */
async function countOps(o: WorkloadOptions): Promise<Totals> {
  const vfs = createFaultVfs({ seed: o.seed });
  const db = await runWorkload(vfs, o, new Journal());
  const { checkpoints } = db.stats;
  const evictions = db.pool.stats.evictions;
  const walFilesRecycled = db.walStats!.filesRecycled;
  db.close();
  return { syncs: vfs.counters.sync, writes: vfs.counters.write, checkpoints, evictions, walFilesRecycled };
}

/** Run the workload on vfs until it crashes; returns the journal. Fails if it ends without crashing. */
async function runUntilCrash(vfs: FaultVfs, o: WorkloadOptions, what: string): Promise<Journal> {
  const journal = new Journal();
  try {
    const db = await runWorkload(vfs, o, journal);
    db.close();
  } catch (error) {
    if (!vfs.crashed) throw error;
  }
  check(vfs.crashed, () => `${what}: the workload ended without reaching the crash`);
  return journal;
}

async function crashAtSync(o: WorkloadOptions, k: number, crash: FaultCrashOptions, quick = false): Promise<Journal> {
  const what = `seed ${o.seed}, crash at sync ${k}, ${JSON.stringify(crash)}`;
  const vfs = createFaultVfs({ seed: o.seed * 100_003 + k });
  vfs.crashAtSync(k);
  const journal = await runUntilCrash(vfs, o, what);
  recoverAndContinue(o, vfs.crash(crash), journal, what, quick);
  return journal;
}

function sample(prng: Prng, from: number, to: number, count: number): number[] {
  const all = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  for (let i = all.length - 1; i > 0; i--) {
    const j = prng.int(i + 1);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, count).sort((a, b) => a - b);
}

function workload(kind: KernelKind, seed: number): WorkloadOptions {
  return { kind, seed, transactions: 30 };
}

for (const kind of KINDS) {
  describe(`engine crash recovery (${kind} kernels)`, () => {
    it('survives a torn power loss at every sync of the workload (a sample of them under Bun and Deno)', async () => {
      const o = workload(kind, 11);
      const { syncs, checkpoints, evictions, walFilesRecycled } = await countOps(o);
      // The crashes strike amid checkpoints, WAL recycling and eviction, not just commits.
      expect(syncs).toBeGreaterThan(80);
      expect(checkpoints).toBeGreaterThan(4);
      expect(evictions).toBeGreaterThan(10);
      expect(walFilesRecycled).toBeGreaterThan(4);
      let withAcked = 0;
      let withInflight = 0;
      const points = crashPoints(syncs, kind === 'wasm' ? 0 : 2);
      for (const k of points) {
        // Directory entries: only those made durable by syncDir (POSIX), or every one (a journaling file system).
        // Every third crash also goes on writing and reopens a second time (the rest only recover and check).
        const journal = await crashAtSync(o, k, { tear: true, entries: k % 2 === 0 ? 'synced' : 'all' }, k % 3 !== 0);
        if (journal.ackedCount > 0) withAcked++;
        if (journal.inflight.length > 0) withInflight++;
      }
      expect(withAcked).toBeGreaterThan(points.length / 2);
      expect(withInflight).toBeGreaterThan((15 * points.length) / syncs);
    }, VERY_LONG_MS);

    it('survives a clean power loss (unsynced writes lost whole) at a sample of syncs of another workload', async () => {
      const o = workload(kind, 12);
      const { syncs } = await countOps(o);
      for (const k of sample(new Prng(kind === 'wasm' ? 1 : 2), 1, syncs, 30)) await crashAtSync(o, k, { tear: false });
    }, LONG_MS);

    it('survives a crash during recovery, and a second recovery completes it', async () => {
      const o = workload(kind, 13);
      const { syncs } = await countOps(o);
      let doubleCrashes = 0;
      for (const k of sample(new Prng(kind === 'wasm' ? 3 : 4), 1, syncs, 5)) {
        const what = `seed ${o.seed}, crash at sync ${k}`;
        const vfs = createFaultVfs({ seed: k });
        vfs.crashAtSync(k);
        const journal = await runUntilCrash(vfs, o, what);
        const survivor = vfs.crash({ tear: true });
        // Crash recovery at each of its own syncs in turn, on a copy of what the first crash left.
        for (let j = 1; j <= 40; j++) {
          const copy = createFaultVfs({ seed: j, base: survivor.base.crash() });
          copy.crashAtSync(j);
          try {
            Engine.open(workloadOptions(o, copy)).close();
            break; // recovery (and close) needed fewer than j syncs
          } catch (error) {
            if (!copy.crashed) throw error;
          }
          recoverAndContinue(o, copy.crash({ tear: true }), journal, `${what}, then at recovery sync ${j}`, j % 3 !== 0);
          doubleCrashes++;
        }
      }
      expect(doubleCrashes).toBeGreaterThan(5);
    }, LONG_MS);

    it('survives a process crash followed by a power loss during the recovery that follows it', () => {
      // After a process crash the WAL's unsynced tail is still in the OS page cache, and recovery replays it.
      // If recovery wrote rebuilt pages back before that tail was durable, a power loss kept pages whose WAL
      // records were gone: torn pages nothing could rebuild, and deletes of a lost transaction that came back
      // when its txid was handed out again.
      let crashes = 0;
      for (let seed = 1; seed <= 5; seed++) {
        for (let j = 1; j <= 8; j++) {
          const vfs = createFaultVfs({ seed });
          const options = smallOptions(kind, vfs, { synchronous: 'normal', poolBytes: 4 << 20, checkpointWalBytes: 1 << 30, walFileBytes: 1 << 20 });
          const db = Engine.open(options);
          const t = db.createTable('t', ROW_COLUMNS);
          const w = db.begin();
          const tids: number[] = [];
          for (let i = 0; i < 300; i++) tids.push(db.insert(w, t.id, [BigInt(i), 1, 'd'.repeat(900)]));
          db.commit(w);
          db.checkpoint();
          const v = db.begin(); // commits under 'normal': written to the OS, never synced
          for (const tid of tids) db.delete(v, t.id, tid);
          for (let i = 0; i < 100; i++) db.insert(v, t.id, [BigInt(1000 + i), 2, 'v'.repeat(900)]);
          db.commit(v);
          // The process dies: nothing more reaches the files (close fails at once, releasing the lock).
          vfs.failRandomly('write', 1);
          vfs.failRandomly('sync', 1);
          expect(() => db.close()).toThrow();
          vfs.clearFaults();
          // Recovery with a small pool (it evicts rebuilt pages), and power fails at its j-th sync.
          const small = { ...options, poolBytes: 256 << 10 };
          vfs.crashAtSync(j);
          try {
            Engine.open(small).close();
            break; // recovery needed fewer than j syncs
          } catch (error) {
            if (!vfs.crashed) throw error;
          }
          crashes++;
          const what = `seed ${seed}, power loss at recovery sync ${j}`;
          const db2 = Engine.open({ ...small, vfs: vfs.crash({ tear: true }) });
          const rows = committedRows(db2, 't');
          const vRows = [...rows.values()].filter((r) => r.txn === 2).length;
          // v whole (its 300 deletes and 100 inserts) or not at all.
          expect(vRows === 0 ? rows.size : vRows === 100 ? rows.size : -1, what).toBe(vRows === 0 ? 300 : 100);
          const n = db2.begin();
          db2.insert(n, t.id, [9999n, 3, 'new']);
          db2.commit(n);
          expect(committedRows(db2, 't').size, `${what}: a new commit changed nothing else`).toBe(rows.size + 1);
          db2.close();
        }
      }
      expect(crashes).toBeGreaterThan(6);
    }, LONG_MS);

    it('survives a crash right after a write (torn) at a sample of writes', async () => {
      const o = workload(kind, 14);
      const { writes } = await countOps(o);
      for (const w of sample(new Prng(kind === 'wasm' ? 5 : 6), 1, writes, 25)) {
        const what = `seed ${o.seed}, crash after write ${w}`;
        const vfs = createFaultVfs({ seed: w });
        vfs.inject({ op: 'write', nth: w, effect: 'crash' });
        const journal = await runUntilCrash(vfs, o, what);
        recoverAndContinue(o, vfs.crash({ tear: true }), journal, what);
      }
    }, LONG_MS);
  });
}
