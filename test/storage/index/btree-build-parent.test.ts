// BTree's bottom-up build puts each new leaf's separator into the rightmost
// node of level 1, which it remembers (the node the last separator went
// to, while it is still the rightmost), instead of finding that node by a
// descent from the root for every leaf: the descents at level 1 are the
// first separator's and those after a split of that level, not one a leaf.
// The tree is the one the descents would build: the same entries as
// one-by-one inserts, check() passes, a follower replaying the log agrees.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TreeState } from '../../../src/storage/index/btree-state.ts';
import { BTree } from '../../../src/storage/index/index.ts';
import { createMemoryVfs } from '../../../src/storage/vfs/index.ts';
import { Follower, KINDS, MiniDb, diffEntries, numberedKey, packEntries, treeEntries, value8 } from './harness.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

for (const kind of KINDS) {
  describe(`BTree build: separators into the remembered rightmost parent (${kind} kernels)`, () => {
    it('descends to level 1 only for the first separator and after splits of that level; builds the same tree', () => {
      const n = 60000;
      const keys = Array.from({ length: n }, (_, i) => numberedKey(i, 24));
      const values = keys.map((_, i) => value8(i));
      const { src, from, to } = packEntries({ keys, values }, 0);
      const a = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 25, poolBytes: 8 << 20 });
      const stream = a.record();
      const tree = BTree.create(a.heap, 3);
      const descend = vi.spyOn(TreeState.prototype, 'nodeAtLevel');
      expect(tree.insertPacked(src, from, to)).toBe(n);
      const toLevel1 = descend.mock.calls.filter((c) => c[2] === 1).length;
      descend.mockRestore();
      const check = tree.check();
      expect(tree.height).toBe(3);
      // ~1,000 leaves under a handful of level-1 nodes: a few descents, not one a leaf.
      expect(check.pages).toBeGreaterThan(500);
      expect(toLevel1).toBeGreaterThan(0);
      expect(toLevel1).toBeLessThan(20);

      const b = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 25, poolBytes: 8 << 20 });
      const oneByOne = BTree.create(b.heap, 3);
      expect(oneByOne.insertMany({ count: n, key: (i) => keys[i]!, value: (i) => values[i]! })).toBe(n);
      expect(diffEntries(treeEntries(tree), treeEntries(oneByOne))).toBe('');
      const follower = new Follower(kind === 'wasm' ? 'ts' : 'wasm', 8 << 20);
      follower.apply(stream);
      const replayed = BTree.open(follower.heap, 3, tree.metaBlock);
      expect(replayed.check()).toEqual(check);
      expect(diffEntries(treeEntries(replayed), treeEntries(tree))).toBe('');
    });
  });
}

for (const kind of KINDS) {
  describe(`BTree build: entries longer than the bytes the last leaf took (${kind} kernels)`, () => {
    it('a build that goes on past a leaf that took nothing, with entries longer than what is staged first, takes them all', () => {
      for (const [small, big] of [[40, 300], [24, 700], [12, 1000]] as const) {
        const a = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 24, poolBytes: 4 << 20 });
        const b = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 24, poolBytes: 4 << 20 });
        const built = BTree.create(a.heap, 3);
        const oneByOne = BTree.create(b.heap, 3);
        // Small entries first (the last leaf takes a few hundred bytes at most), then long ones past them: the
        // rightmost leaf takes none of those, and the next leaf starts with one longer than what the last leaf took.
        // Six full leaves of small entries (each takes 2 + key + 8 bytes and a 4-byte slot after the 48-byte header).
        const n = 6 * Math.floor((4096 - 48) / (small + 14));
        const keys = [...Array.from({ length: n }, (_, i) => numberedKey(i, small)), ...Array.from({ length: 60 }, (_, i) => numberedKey(1000 + i, big))];
        const values = keys.map((_, i) => value8(i));
        for (const [from, to] of [[0, n], [n, n + 60]] as const) {
          const part = { keys: keys.slice(from, to), values: values.slice(from, to) };
          const packed = packEntries(part, 0);
          expect(built.insertPacked(packed.src, packed.from, packed.to), `${small}/${big}`).toBe(to - from);
          expect(oneByOne.insertMany({ count: to - from, key: (i) => part.keys[i]!, value: (i) => part.values[i]! })).toBe(to - from);
        }
        built.check();
        expect(diffEntries(treeEntries(built), treeEntries(oneByOne))).toBe('');
      }
    });
  });
}
