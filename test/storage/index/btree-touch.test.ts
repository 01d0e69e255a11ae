// BTree lookups (find, findAt, collect) touch a leaf's slot directory and
// entries a cache line at a time before searching it, so that a leaf not
// in the processor's caches arrives with its misses in flight together.
// The touch only reads: whatever a leaf's free-space pointers say (right,
// past the page, crossed), lookups answer as before, throw nothing new, and
// leave no byte of the pool changed and nothing pinned. Both kernels.
import { describe, expect, it } from 'vitest';
import { PAGE_KIND_BTREE_LEAF, PAGE_OFF_FREE_LOWER, PAGE_OFF_FREE_UPPER, PAGE_OFF_KIND } from '../../../src/kernels/layout.ts';
import { BLOCKS_PER_SEGMENT, PAGE_SIZE, PAGES_PER_BLOCK } from '../../../src/limits.ts';
import { BTree } from '../../../src/storage/index/index.ts';
import { createMemoryVfs } from '../../../src/storage/vfs/index.ts';
import { KINDS, MiniDb, numberedKey, value8 } from './harness.ts';

const readValue = (u8: Uint8Array, _view: DataView, at: number) => Array.from(u8.subarray(at, at + 8)).join();

for (const kind of KINDS) {
  describe(`BTree lookups touching leaves (${kind} kernels)`, () => {
    it('answer the same whatever the leaves\' free-space pointers say, change nothing and leave no pin', () => {
      const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 24, poolBytes: 4 << 20 });
      const owner = 3;
      const tree = BTree.create(db.heap, owner);
      const n = 3000;
      for (let i = 0; i < n; i++) tree.insert(numberedKey(i * 10, 12), value8(i));
      const lookups = () => {
        const out: unknown[] = [];
        for (let i = 0; i < n; i += 7) {
          const key = numberedKey(i * 10, 12);
          out.push(tree.find(key, readValue));
          const buffer = new Uint8Array(40);
          buffer.set(numberedKey(i * 10 + 5, 12), 11);
          out.push(tree.findAt(buffer, 11, 12, readValue) ?? 'none');
          const found: string[] = [];
          tree.collect({ lower: key, upper: numberedKey(i * 10 + 35, 12) }, (u8, keyAt, keyLen) => void found.push(Array.from(u8.subarray(keyAt, keyAt + keyLen)).join()));
          out.push(found);
        }
        return out;
      };
      const before = lookups();
      // Every leaf's pointers made to say something else: past the page, crossed, zero.
      const memory = new Uint8Array(db.kernels.buffer);
      const segment = db.heap.space.segmentsOf(owner)[0]!;
      const pinned = db.pool.pinnedFrames();
      for (const [lower, upper] of [[0xffff, 0xffff], [PAGE_SIZE - 8, 64], [0, 0], [100, 0xfff0]] as const) {
        const frames: number[] = [];
        let leaves = 0;
        for (let b = 0; b < BLOCKS_PER_SEGMENT; b++) {
          if (db.pool.cachedFrame(0, segment * BLOCKS_PER_SEGMENT + b) < 0) continue;
          const frame = db.pool.pin(0, segment * BLOCKS_PER_SEGMENT + b);
          frames.push(frame);
          for (let p = 0; p < PAGES_PER_BLOCK; p++) {
            const page = db.pool.frameOffset(frame) + p * PAGE_SIZE;
            if (memory[page + PAGE_OFF_KIND] !== PAGE_KIND_BTREE_LEAF) continue;
            leaves++;
            new DataView(memory.buffer).setUint16(page + PAGE_OFF_FREE_LOWER, lower, true);
            new DataView(memory.buffer).setUint16(page + PAGE_OFF_FREE_UPPER, upper, true);
          }
        }
        expect(leaves).toBeGreaterThan(10);
        const arena = memory.slice(db.kernels.arenaOffset, db.kernels.arenaOffset + (4 << 20));
        expect(lookups()).toEqual(before);
        expect(Buffer.from(memory.subarray(db.kernels.arenaOffset, db.kernels.arenaOffset + (4 << 20))).equals(Buffer.from(arena))).toBe(true);
        for (const f of frames) db.pool.unpin(f);
        expect(db.pool.pinnedFrames()).toBe(pinned);
      }
    });
  });
}
