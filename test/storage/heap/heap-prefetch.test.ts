// Heap.prefetch: a hint that touches the page header, slot and tuple bytes
// of tuple ids whose blocks are cached, so a secondary-index lookup's cache
// misses overlap. It must change nothing and pin nothing, whatever the ids
// (none, out of range, of uncached blocks, of a page made corrupt), with
// both kernels; visit() still reads every tuple after it.
import { describe, expect, it } from 'vitest';
import { createKernels, type KernelKind } from '../../../src/kernels/index.ts';
import { PAGE_OFF_SLOT_DIR } from '../../../src/kernels/layout.ts';
import { BufferPool } from '../../../src/storage/buffer-pool/index.ts';
import { Heap } from '../../../src/storage/heap/heap.ts';
import { makeTid } from '../../../src/storage/tuple-id.ts';
import { createMemoryVfs } from '../../../src/storage/vfs/index.ts';
import { WalWriter } from '../../../src/storage/wal/index.ts';

const KINDS: readonly KernelKind[] = ['wasm', 'ts'];
const POOL_BYTES = 1 << 20;

for (const kind of KINDS) {
  describe(`Heap.prefetch (${kind} kernels)`, () => {
    it('changes no byte and pins nothing, for any ids; visit() reads the same tuples after it', () => {
      const vfs = createMemoryVfs();
      vfs.mkdir('/db');
      const kernels = createKernels({ kind, arenaBytes: POOL_BYTES });
      let heap: Heap | undefined;
      const pool = new BufferPool(kernels, { bytes: POOL_BYTES, beforeWriteBack: (_f, _b, at) => heap?.beforeWriteBack(at) });
      heap = Heap.create(vfs, '/db', kernels, pool, { memtableBytes: 256 << 10, maxFrozenMemtables: 2 });
      const wal = WalWriter.open(vfs, '/db/wal', 0, { fileBytes: 1 << 20 });
      heap.attachWal(wal);
      heap.redoLsn = wal.nextLsn;
      const tids: number[] = [];
      for (let i = 0; i < 3000; i++) tids.push(heap.insert(1, Uint8Array.from({ length: 20 + (i % 90) }, (_, b) => (i + b) & 0xff)));
      const read = (tid: number) => heap!.visit(tid, (u8, _v, at, len) => Array.from(u8.subarray(at, at + len)).join());
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
  });
}
