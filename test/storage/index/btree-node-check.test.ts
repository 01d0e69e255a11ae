// A lookup's descent checks every node it reads before searching it: an
// internal node must be one of the level the descent expects, the leaf a
// leaf of level 0 (the nodeDescend and nodeSeek kernels check and search in
// one call; the caller names the fault with BTreeState.checkNode's
// message). Whatever node's kind or level is wrong, find, findAt and
// collect throw XX002 naming the level expected, and an internal entry
// whose child is NO_PAGE is a bad child page id, as before those kernels;
// nothing is left pinned. Both kernels.
import { describe, expect, it } from 'vitest';
import { FlintError } from '../../../src/errors.ts';
import { NODE_OFF_LEFTMOST, NODE_OFF_LEVEL, NO_PAGE, PAGE_KIND_BTREE_INTERNAL, PAGE_KIND_BTREE_LEAF, PAGE_OFF_KIND, PAGE_OFF_SLOT_COUNT } from '../../../src/kernels/layout.ts';
import { BLOCKS_PER_SEGMENT, PAGE_SIZE, PAGES_PER_BLOCK } from '../../../src/limits.ts';
import { BTree } from '../../../src/storage/index/index.ts';
import { createMemoryVfs } from '../../../src/storage/vfs/index.ts';
import { KINDS, MiniDb, numberedKey, value8 } from './harness.ts';

const readValue = (u8: Uint8Array, _view: DataView, at: number) => Array.from(u8.subarray(at, at + 8)).join();

function thrown(f: () => unknown): FlintError {
  try {
    f();
  } catch (error) {
    if (error instanceof FlintError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

for (const kind of KINDS) {
  describe(`B+-tree lookups check each node of their descent (${kind} kernels)`, () => {
    it('throw XX002 naming the level expected for a node of the wrong kind or level, and leave no pin', () => {
      const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 24, poolBytes: 4 << 20 });
      const owner = 3;
      const tree = BTree.create(db.heap, owner);
      for (let i = 0; i < 3000; i++) tree.insert(numberedKey(i * 10, 12), value8(i));
      expect(tree.height).toBeGreaterThanOrEqual(2);
      const key = numberedKey(12340, 12);
      const buffer = new Uint8Array(30);
      buffer.set(key, 7);
      const lookups: [string, () => unknown][] = [
        ['find', () => tree.find(key, readValue)],
        ['findAt', () => tree.findAt(buffer, 7, 12, readValue)],
        ['collect', () => tree.collect({ lower: key, upper: numberedKey(12400, 12) }, () => {})],
      ];
      for (const [, f] of lookups) expect(f()).not.toBe('none');
      const memory = new Uint8Array(db.kernels.buffer);
      const view = new DataView(memory.buffer);
      const segment = db.heap.space.segmentsOf(owner)[0]!;
      const pinned = db.pool.pinnedFrames();
      // Every cached node of the tree, pinned while the test rewrites them.
      const frames: number[] = [];
      const nodes: { at: number; kind: number }[] = [];
      for (let b = 0; b < BLOCKS_PER_SEGMENT; b++) {
        if (db.pool.cachedFrame(0, segment * BLOCKS_PER_SEGMENT + b) < 0) continue;
        const frame = db.pool.pin(0, segment * BLOCKS_PER_SEGMENT + b);
        frames.push(frame);
        for (let p = 0; p < PAGES_PER_BLOCK; p++) {
          const at = db.pool.frameOffset(frame) + p * PAGE_SIZE;
          const k = memory[at + PAGE_OFF_KIND]!;
          if (k === PAGE_KIND_BTREE_LEAF || k === PAGE_KIND_BTREE_INTERNAL) nodes.push({ at, kind: k });
        }
      }
      const internal = nodes.filter((n) => n.kind === PAGE_KIND_BTREE_INTERNAL);
      const leaves = nodes.filter((n) => n.kind === PAGE_KIND_BTREE_LEAF);
      expect(internal.length).toBeGreaterThan(0);
      expect(leaves.length).toBeGreaterThan(10);
      const saved = nodes.map((n) => memory.slice(n.at, n.at + PAGE_SIZE));
      const restore = () => nodes.forEach((n, i) => memory.set(saved[i]!, n.at));
      const expectFault = (message: RegExp) => {
        for (const [name, f] of lookups) {
          const error = thrown(f);
          expect(error.code, name).toBe('XX002');
          expect(error.message, name).toMatch(message);
          expect(db.pool.pinnedFrames(), name).toBe(pinned + frames.length);
        }
        restore();
      };
      // An internal node's level off by five: the root's check fails.
      for (const n of internal) view.setUint16(n.at + NODE_OFF_LEVEL, view.getUint16(n.at + NODE_OFF_LEVEL, true) + 5, true);
      expectFault(/expected a B\+-tree node of level [1-9]/);
      // Internal nodes marked as leaves.
      for (const n of internal) memory[n.at + PAGE_OFF_KIND] = PAGE_KIND_BTREE_LEAF;
      expectFault(/expected a B\+-tree node of level [1-9]/);
      // Leaves marked as internal nodes (level 0 kept), then leaves whose level is 1.
      for (const n of leaves) memory[n.at + PAGE_OFF_KIND] = PAGE_KIND_BTREE_INTERNAL;
      expectFault(/expected a B\+-tree node of level 0/);
      for (const n of leaves) view.setUint16(n.at + NODE_OFF_LEVEL, 1, true);
      expectFault(/expected a B\+-tree node of level 0/);
      // Every child of every internal node NO_PAGE (the leftmost child and each entry's): a bad child page id.
      for (const n of internal) {
        view.setInt32(n.at + NODE_OFF_LEFTMOST, NO_PAGE, true);
        const count = view.getUint16(n.at + PAGE_OFF_SLOT_COUNT, true);
        for (let i = 0; i < count; i++) {
          const slot = view.getUint32(n.at + 48 + 4 * i, true);
          const entry = n.at + (slot & 0xffff);
          const keyLen = view.getUint16(entry, true);
          view.setInt32(entry + 2 + keyLen, NO_PAGE, true);
        }
      }
      expectFault(/bad child page id -1/);
      for (const [, f] of lookups) expect(f()).not.toBe('none');
      for (const f of frames) db.pool.unpin(f);
      expect(db.pool.pinnedFrames()).toBe(pinned);
    });
  });
}
