// Crash recovery with compressed heap blocks: the seeded crash workload
// (crash-workload.ts: inserts, updates, deletes, rollbacks, vacuum,
// checkpoints, WAL recycling, eviction in a small pool) on a database whose
// tables are compressed (the engine's `compression` default), with power
// loss (torn and clean) at a sample of its syncs and at a sample of writes.
// Every acknowledged commit must be there whole after recovery, nothing but
// in-flight commits may be added, and the database must go on taking writes
// and reopen. Torn compressed blocks are rebuilt from their WAL image
// (BLOCK_IMAGE, the torn-block guard).
import { describe, expect, it } from 'vitest';
import type { CodecId } from '../../src/storage/compression/codec.ts';
import { createFaultVfs, type FaultCrashOptions } from '../../src/storage/vfs/index.ts';
import { Engine } from '../../src/txn/engine.ts';
import { KINDS, LONG_MS, Prng, ROW_COLUMNS, check, committedRows, diffRows, smallOptions, type Row } from './engine-helpers.ts';
import { Journal, recoverAndContinue, runWorkload, type WorkloadOptions } from './crash-workload.ts';

function workload(kind: (typeof KINDS)[number], seed: number, compression: CodecId): WorkloadOptions {
  // A pool of 1 MiB: compressed blocks pin their sub-blocks one at a time, but index splits pin several.
  return { kind, seed, transactions: 30, engine: { compression, poolBytes: 1 << 20 } };
}

async function crashAt(o: WorkloadOptions, at: { sync?: number; write?: number }, crash: FaultCrashOptions): Promise<Journal> {
  const what = `seed ${o.seed}, crash at ${JSON.stringify(at)}, ${JSON.stringify(crash)}`;
  const vfs = createFaultVfs({ seed: o.seed * 100_003 + (at.sync ?? at.write ?? 0) });
  if (at.sync !== undefined) vfs.crashAtSync(at.sync);
  else vfs.inject({ op: 'write', nth: at.write!, effect: 'crash' });
  const journal = new Journal();
  try {
    (await runWorkload(vfs, o, journal)).close();
  } catch (error) {
    if (!vfs.crashed) throw error;
  }
  check(vfs.crashed, () => `${what}: the workload ended without reaching the crash`);
  recoverAndContinue(o, vfs.crash(crash), journal, what);
  return journal;
}

function sample(prng: Prng, from: number, to: number, count: number): number[] {
  const picked = new Set<number>();
  while (picked.size < Math.min(count, to - from + 1)) picked.add(from + prng.int(to - from + 1));
  return [...picked].sort((a, b) => a - b);
}

for (const kind of KINDS) {
  describe(`crash recovery with compressed blocks (${kind} kernels)`, () => {
    it('the workload compresses blocks', async () => {
      const vfs = createFaultVfs({ seed: 1 });
      const db = await runWorkload(vfs, workload(kind, 21, 'lz4'), new Journal());
      expect(db.heapStats.blocksCompressed).toBeGreaterThan(0);
      expect(db.heapStats.subBlocksAdded).toBeGreaterThan(0);
      expect(db.heapStats.blockImagesLogged).toBeGreaterThan(db.heapStats.blocksCompressed);
      expect(db.compressionStats!.blocksWritten).toBeGreaterThan(5);
      db.close();
    }, LONG_MS);

    for (const codec of ['lz4', 'zstd'] as CodecId[]) {
      it(`${codec}: survives power loss at a sample of syncs, torn and clean`, async () => {
        const o = workload(kind, codec === 'lz4' ? 21 : 22, codec);
        const vfs = createFaultVfs({ seed: o.seed });
        const db = await runWorkload(vfs, o, new Journal());
        db.close();
        const syncs = vfs.counters.sync;
        const prng = new Prng(kind === 'wasm' ? 5 : 6);
        for (const k of sample(prng, 1, syncs, 24)) await crashAt(o, { sync: k }, { tear: k % 2 === 0, entries: k % 3 === 0 ? 'synced' : 'all' });
      }, LONG_MS);
    }

    it('a compressed block torn by a crash is rebuilt from its WAL image', () => {
      for (let nth = 1; nth <= 2; nth++) {
        const vfs = createFaultVfs({ seed: nth });
        const options = smallOptions(kind, vfs, { compression: 'lz4', poolBytes: 2 << 20, checkpointWalBytes: 1 << 30 });
        const db = Engine.open(options);
        const t = db.createTable('t', ROW_COLUMNS).id;
        const want = new Map<bigint, Row>();
        let txn = db.begin();
        const tids: number[] = [];
        for (let i = 0; i < 3000; i++) {
          const v = `row ${i} of a compressed table, ${'text '.repeat(i % 9)}`;
          tids.push(db.insert(txn, t, [BigInt(i), 1, v]));
          want.set(BigInt(i), { k: BigInt(i), txn: 1, v });
        }
        db.commit(txn);
        db.checkpoint();
        // The first change after the checkpoint logs the block's image (BLOCK_IMAGE); the checkpoint then rewrites the block.
        txn = db.begin();
        for (let i = 0; i < 3000; i += 7) {
          db.delete(txn, t, tids[i]!);
          want.delete(BigInt(i));
        }
        db.commit(txn);
        vfs.inject({ op: 'write', nth, effect: 'crash', path: /heap\.flint$/ });
        // The checkpoint writes the two compressed blocks (whole, 64 KiB each): crash right after the nth, torn.
        expect(() => db.checkpoint()).toThrow(/simulated crash at write of "\/db\/heap\.flint"/);
        const survivor = vfs.crash({ tear: true });
        const again = Engine.open({ ...options, vfs: survivor });
        expect(diffRows(committedRows(again, 't'), want)).toBe('');
        again.close();
      }
    }, LONG_MS);

    it('lz4: survives a crash right after a sample of writes (torn)', async () => {
      const o = workload(kind, 23, 'lz4');
      const vfs = createFaultVfs({ seed: o.seed });
      const db = await runWorkload(vfs, o, new Journal());
      db.close();
      const writes = vfs.counters.write;
      for (const k of sample(new Prng(kind === 'wasm' ? 7 : 8), 1, writes, 20)) await crashAt(o, { write: k }, { tear: true });
    }, LONG_MS);
  });
}
