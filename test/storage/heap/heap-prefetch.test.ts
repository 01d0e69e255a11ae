// Heap.prefetch: a hint that touches the page header, slot and tuple bytes
// of tuple ids whose blocks are cached, so a secondary-index lookup's cache
// misses overlap. It must change nothing and pin nothing, whatever the ids
// (none, out of range, of uncached blocks, of a page made corrupt), with
// both kernels; visit() still reads every tuple after it. Heap.visitOwned,
// which a lookup calls with the frames prefetch found: the tuple visit()
// reads, of the owner's blocks only, whatever the frame hint (right, stale,
// another block's, out of range), and no pin left behind.
import { describe, expect, it } from 'vitest';
import { createKernels, type KernelKind } from '../../../src/kernels/index.ts';
import { PAGE_OFF_SLOT_DIR } from '../../../src/kernels/layout.ts';
import { BufferPool } from '../../../src/storage/buffer-pool/index.ts';
import { Heap } from '../../../src/storage/heap/heap.ts';
import { columnExtractDescriptor, encodeTuple } from '../../../src/storage/tuple.ts';
import { TUPLES_OK, TUPLES_OUT_FLAGS, TUPLES_STRIDE } from '../../../src/kernels/layout.ts';
import { makeTid } from '../../../src/storage/tuple-id.ts';
import { createMemoryVfs } from '../../../src/storage/vfs/index.ts';
import { WalWriter } from '../../../src/storage/wal/index.ts';

const KINDS: readonly KernelKind[] = ['wasm', 'ts'];
const POOL_BYTES = 1 << 20;

function openHeap(kind: KernelKind, poolBytes = POOL_BYTES) {
  const vfs = createMemoryVfs();
  vfs.mkdir('/db');
  const kernels = createKernels({ kind, arenaBytes: poolBytes });
  let heap: Heap | undefined;
  const pool = new BufferPool(kernels, { bytes: poolBytes, beforeWriteBack: (_f, _b, at) => heap?.beforeWriteBack(at) });
  heap = Heap.create(vfs, '/db', kernels, pool, { memtableBytes: 256 << 10, maxFrozenMemtables: 2 });
  const wal = WalWriter.open(vfs, '/db/wal', 0, { fileBytes: 1 << 20 });
  heap.attachWal(wal);
  heap.redoLsn = wal.nextLsn;
  return { heap, pool, kernels };
}

for (const kind of KINDS) {
  describe(`Heap.prefetch (${kind} kernels)`, () => {
    it('changes no byte and pins nothing, for any ids; visit() reads the same tuples after it', () => {
      const { heap, pool, kernels } = openHeap(kind);
      const tids: number[] = [];
      for (let i = 0; i < 3000; i++) tids.push(heap.insert(1, Uint8Array.from({ length: 20 + (i % 90) }, (_, b) => (i + b) & 0xff)));
      const read = (tid: number) => heap.visit(tid, (u8, _v, at, len) => Array.from(u8.subarray(at, at + len)).join());
      const before = tids.map(read);
      const ids = [...tids, 0, -5, 1.5, Number.MAX_SAFE_INTEGER, makeTid(999, 3, 7), makeTid(tids.length, 15, 1023), makeTid(0, 0, 0)];
      // A page whose slot directory and tuple offsets point anywhere.
      const frame = pool.pin(0, Math.floor(tids[0]! / 2 ** 18));
      const memory = new Uint8Array(kernels.buffer);
      const page = pool.frameOffset(frame) + ((tids[0]! >>> 10) & 15) * 4096;
      const saved = memory.slice(page, page + 4096);
      memory[page + PAGE_OFF_SLOT_DIR] = 0xff;
      memory[page + PAGE_OFF_SLOT_DIR + 1] = 0xff;
      for (let at = page + 48; at < page + 300; at++) memory[at] = 0xfe;
      const arena = memory.slice(kernels.arenaOffset, kernels.arenaOffset + POOL_BYTES);
      const stats = { ...pool.stats };
      expect(Number.isNaN(heap.prefetch(ids, 0, ids.length)) || Number.isFinite(heap.prefetch(ids, 0, ids.length))).toBe(true);
      heap.prefetch(ids, 5, 17);
      heap.prefetch(ids, 3, 3);
      expect(Buffer.from(memory.subarray(kernels.arenaOffset, kernels.arenaOffset + POOL_BYTES)).equals(Buffer.from(arena))).toBe(true);
      expect(pool.stats).toEqual(stats);
      memory.set(saved, page);
      pool.unpin(frame);
      expect(tids.map(read)).toEqual(before);
    });

    it('touches each cached tuple’s page header, slot, and first, second (or last) and last cache lines', () => {
      const { heap, pool, kernels } = openHeap(kind);
      const tids: number[] = [];
      // Tuples of 20 to 200 bytes: one, two, three or four cache lines.
      for (let i = 0; i < 2000; i++) tids.push(heap.insert(1, Uint8Array.from({ length: 20 + ((i * 37) % 181) }, (_, b) => (i * 7 + b) & 0xff)));
      const memory = new Uint8Array(kernels.buffer);
      const view = new DataView(kernels.buffer);
      const ids = tids.filter((_, i) => i % 13 === 0);
      // What it reads, summed: it returns that sum (so that the reads are kept).
      let expected = 0;
      for (const tid of ids) {
        const frame = pool.cachedFrame(0, Math.floor(tid / 2 ** 18));
        if (frame < 0) continue;
        const page = pool.frameOffset(frame) + ((tid >>> 10) & 15) * 4096;
        const slot = page + ((32 + (tid & 1023) * 4) & 4095);
        const start = view.getUint16(slot, true) & 4095;
        const last = (start + view.getUint16(slot + 2, true) - 1) & 4095;
        expected += memory[page]! + memory[slot]! + memory[page + start]! + memory[page + Math.min(start + 64, last)]! + memory[page + last]!;
      }
      expect(expected).toBeGreaterThan(0);
      expect(heap.prefetch(ids, 0, ids.length)).toBe(expected);
    });

    it('gives each id of [from, to) the frame caching its block (or -1), at its own index, and leaves the rest of frames alone', () => {
      const { heap, pool } = openHeap(kind);
      const tids: number[] = [];
      for (let i = 0; i < 3000; i++) tids.push(heap.insert(1, Uint8Array.from({ length: 20 + (i % 90) }, (_, b) => (i + b) & 0xff)));
      const ids = [0, ...tids.filter((_, i) => i % 97 === 0), -1, makeTid(999, 3, 7), tids[5]!];
      const blockOf = (tid: number) => Math.floor(tid / 2 ** 18);
      for (const [from, to] of [[0, ids.length], [3, 17], [ids.length - 4, ids.length], [7, 7]] as const) {
        const frames: number[] = ids.map(() => -7);
        heap.prefetch(ids, from, to, frames);
        for (let i = 0; i < ids.length; i++) {
          const tid = ids[i]!;
          const expected = i < from || i >= to ? -7 : tid > 0 ? pool.cachedFrame(0, blockOf(tid)) : -1;
          expect(frames[i]).toBe(expected);
        }
      }
      expect(pool.pinnedFrames()).toBe(0);
    });
  });

  describe(`Heap.visitOwned (${kind} kernels)`, () => {
    it("reads what visit() reads, only for the owner's tuples, whatever the frame hint, and leaves no pin", () => {
      const { heap, pool } = openHeap(kind);
      const tids: number[] = [];
      for (let i = 0; i < 3000; i++) tids.push(heap.insert(i % 3 === 0 ? 2 : 1, Uint8Array.from({ length: 20 + (i % 90) }, (_, b) => (i + b) & 0xff)));
      const bytes = (u8: Uint8Array, _v: DataView, at: number, len: number) => Array.from(u8.subarray(at, at + len)).join();
      const frames: number[] = [];
      heap.prefetch(tids, 0, tids.length, frames);
      expect(frames.length).toBe(tids.length);
      const framesInUse = new Set(frames.filter((f) => f >= 0));
      expect(framesInUse.size).toBeGreaterThan(1);
      const hits = pool.stats.hits;
      for (let i = 0; i < tids.length; i++) {
        const tid = tids[i]!;
        const owner = i % 3 === 0 ? 2 : 1;
        const expected = heap.visit(tid, bytes);
        expect(expected).toBeDefined();
        // The frame prefetch found, another block's frame, one out of range, none.
        for (const hint of [frames[i]!, frames[(i + 500) % frames.length]!, pool.frameCount + 3, -1]) {
          expect(heap.visitOwned(owner, tid, bytes, hint)).toBe(expected);
          expect(heap.visitOwned(owner === 1 ? 2 : 1, tid, bytes, hint)).toBeUndefined();
        }
      }
      expect(pool.stats.hits).toBeGreaterThan(hits);
      for (const id of [0, -5, 1.5, Number.MAX_SAFE_INTEGER, makeTid(999, 3, 7), makeTid(0, 0, 0)]) expect(heap.visitOwned(1, id, bytes, 0)).toBeUndefined();
      // An unformatted block of the owner's segment, and a slot past the page's last.
      const [blockNo] = heap.blocksOf(1);
      expect(heap.visitOwned(1, makeTid(blockNo! + 31, 0, 0), bytes)).toBeUndefined();
      expect(heap.visitOwned(1, makeTid(blockNo!, 1, 1000), bytes)).toBeUndefined();
      // No pin is left: every frame can be taken for another block.
      for (const f of framesInUse) expect(pool.pinCount(f)).toBe(0);
      heap.releaseOwner(1);
      expect(heap.visitOwned(1, tids[1]!, bytes, frames[1]!)).toBeUndefined();
    });

    it('takes a stale hint for what it is: after eviction the frame caches another block, and the tuple is read from its own', () => {
      // A pool of 4 frames for a heap of many blocks: reading them all evicts every earlier one.
      const { heap, pool } = openHeap(kind, 4 * 65536);
      const tids: number[] = [];
      for (let i = 0; i < 12000; i++) tids.push(heap.insert(1, Uint8Array.from({ length: 60 }, (_, b) => (i * 7 + b) & 0xff)));
      heap.flushAll();
      const bytes = (u8: Uint8Array, _v: DataView, at: number, len: number) => Array.from(u8.subarray(at, at + len)).join();
      const firstFrames: number[] = [];
      heap.prefetch(tids, 0, tids.length, firstFrames);
      const expected = tids.map((tid) => heap.visit(tid, bytes));
      let stale = 0;
      for (let i = 0; i < tids.length; i += 97) {
        const hint = firstFrames[i]!;
        if (hint >= 0 && pool.frameBlock(hint) !== Math.floor(tids[i]! / 2 ** 18)) stale++;
        expect(heap.visitOwned(1, tids[i]!, bytes, hint)).toBe(expected[i]);
      }
      expect(stale).toBeGreaterThan(0);
    });

    it('extractTuples lists only cached plain blocks of the owner, marks each frame read as a pin would, and pins nothing', () => {
      // A pool of 4 frames: after many blocks are written, only the last few are cached.
      const { heap, pool } = openHeap(kind, 4 * 65536);
      const tids: number[] = [];
      // Raw bytes, not tuples: the kernel skips what is not a valid tuple, which is all this test needs.
      for (let i = 0; i < 12000; i++) tids.push(heap.insert(1, Uint8Array.from({ length: 60 }, (_, b) => (i * 7 + b) & 0xff)));
      heap.flushAll();
      const desc = columnExtractDescriptor(['int32'], [0], [])!;
      const into = new Uint8Array(8192);
      const pick = [tids[0]!, tids[11999]!, tids[11998]!, 0, tids[6000]!, tids[11990]!];
      const cached = pick.filter((tid) => tid > 0 && pool.cachedFrame(0, Math.floor(tid / 2 ** 18)) >= 0).length;
      expect(cached).toBeGreaterThan(0);
      expect(cached).toBeLessThan(pick.length - 1);
      const hits = pool.stats.hits;
      const misses = pool.stats.misses;
      heap.extractTuples(1, pick, 0, pick.length, desc, into);
      // Each cached block is counted as a hit (and marked referenced); nothing is read, nothing pinned.
      expect(pool.stats.hits - hits).toBe(cached);
      expect(pool.stats.misses).toBe(misses);
      for (let f = 0; f < 4; f++) expect(pool.pinCount(f)).toBe(0);
      // Another owner's tids are not listed.
      heap.extractTuples(2, pick, 0, pick.length, desc, into);
      expect(pool.stats.hits - hits).toBe(cached);
    });

    it('extractTuples resolves a run of hints in one block once: each hint read as when listed alone, a bad page or another block in between skipped, one hit a listed hint', () => {
      const { heap, pool } = openHeap(kind);
      const tids: number[] = [];
      const tuple = new Uint8Array(64);
      for (let i = 0; i < 3000; i++) {
        const n = encodeTuple(['int32'], [i], 1, tuple, 0);
        tids.push(heap.insert(1, tuple.subarray(0, n)));
      }
      const desc = columnExtractDescriptor(['int32'], [0], [])!;
      const blockOf = (tid: number) => Math.floor(tid / 2 ** 18);
      const a = tids.filter((t) => blockOf(t) === blockOf(tids[0]!));
      const b = tids.filter((t) => blockOf(t) !== blockOf(tids[0]!));
      expect(a.length).toBeGreaterThan(10);
      expect(b.length).toBeGreaterThan(10);
      // Page 20 of a's block: past its 16 pages (the same block number, a corrupt hint).
      const badPage = blockOf(a[3]!) * 2 ** 18 + 20 * 2 ** 14 + 1;
      const pick = [a[0]!, a[1]!, a[2]!, badPage, a[3]!, a[4]!, b[0]!, b[1]!, a[5]!, 0, a[6]!, -5, a[7]!, a[a.length - 1]!, b[b.length - 1]!];
      const values = (into: Uint8Array, i: number) => new Float64Array(into.buffer, 0)[(TUPLES_OUT_FLAGS + TUPLES_STRIDE) / 8 + i]!;
      const one = new Uint8Array(8192);
      const expected = pick.map((tid) => {
        heap.extractTuples(1, [tid], 0, 1, desc, one);
        return one[0] === TUPLES_OK ? values(one, 0) : null;
      });
      expect(expected.filter((v) => v !== null).length).toBe(pick.length - 3);
      expect(expected[3]).toBeNull();
      const into = new Uint8Array(8192);
      const hits = pool.stats.hits;
      const ok = heap.extractTuples(1, pick, 0, pick.length, desc, into);
      expect(ok).toBe(pick.length - 3);
      expect(pool.stats.hits - hits).toBe(pick.length - 3);
      for (let i = 0; i < pick.length; i++) {
        expect(into[i] === TUPLES_OK ? values(into, i) : null).toBe(expected[i]);
        if (expected[i] !== null) expect(values(into, i)).toBe(tids.indexOf(pick[i]!));
      }
      // Another owner: nothing listed, nothing counted, even for a run in one block.
      const before = pool.stats.hits;
      expect(heap.extractTuples(2, pick, 0, pick.length, desc, into)).toBe(0);
      expect(pool.stats.hits).toBe(before);
    });
  });
}
