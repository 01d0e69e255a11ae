// Fill factor of sequential inserts: a split of the rightmost node of a level
// when the new entry goes past its last entry keeps every entry but the last
// on the left (as PostgreSQL and SQLite do), so ascending keys leave full
// nodes; random inserts still split in the middle. Entries, order and the
// structural check are the same either way; descending and interleaved
// sequences, deletes and recovery go on working.
import { describe, expect, it } from 'vitest';
import { BTree } from '../../../src/storage/index/index.ts';
import { createMemoryVfs } from '../../../src/storage/vfs/index.ts';
import { KINDS, MiniDb, diffEntries, numberedKey, treeEntries, value8 } from './harness.ts';

const N = 20_000;

function build(kind: (typeof KINDS)[number], order: number[]): { db: MiniDb; tree: BTree; vfs: ReturnType<typeof createMemoryVfs> } {
  const vfs = createMemoryVfs();
  const db = MiniDb.create({ kind, vfs, walFileBytes: 1 << 20 });
  const tree = BTree.create(db.heap, 2);
  for (const n of order) expect(tree.insert(numberedKey(n, 8), value8(n))).toBe(true);
  return { db, tree, vfs };
}

function shuffled(n: number, seed: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  let x = seed;
  for (let i = n - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) >>> 0;
    const j = x % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

for (const kind of KINDS) {
  describe(`B+-tree fill factor (${kind} kernels)`, () => {
    it('ascending keys fill nodes; random keys about two thirds', () => {
      const ascending = build(kind, Array.from({ length: N }, (_, i) => i));
      const random = build(kind, shuffled(N, 7));
      const a = ascending.tree.check();
      const r = random.tree.check();
      expect(a.entries).toBe(N);
      expect(r.entries).toBe(N);
      // An entry: 2 + 8 key + 8 value bytes + a 4-byte slot; a leaf page holds about 4040 / 22 = 183.
      const perLeaf = Math.floor((4096 - 48) / 22);
      expect(a.pages).toBeLessThan(Math.ceil(N / perLeaf) * 1.05 + 3);
      expect(r.pages).toBeGreaterThan(a.pages * 1.3);
      const want = Array.from({ length: N }, (_, i) => ({ key: numberedKey(i, 8), value: value8(i) }));
      expect(diffEntries(treeEntries(ascending.tree), want)).toBe('');
      expect(diffEntries(treeEntries(random.tree), want)).toBe('');
    });

    it('descending and interleaved runs, deletes and reopen after rightmost splits', () => {
      const order = [...Array.from({ length: 3000 }, (_, i) => 10_000 + i), ...Array.from({ length: 3000 }, (_, i) => 9_999 - i), ...Array.from({ length: 3000 }, (_, i) => 20_000 + 2 * i)];
      const { db, tree, vfs } = build(kind, order);
      for (let i = 0; i < 3000; i += 2) expect(tree.delete(numberedKey(10_000 + i, 8))).toBe(true);
      tree.check();
      const want = order.filter((n) => !(n >= 10_000 && n < 13_000 && (n - 10_000) % 2 === 0)).sort((x, y) => x - y).map((n) => ({ key: numberedKey(n, 8), value: value8(n) }));
      expect(diffEntries(treeEntries(tree), want)).toBe('');
      db.close();
      const again = MiniDb.open({ kind, vfs, walFileBytes: 1 << 20 });
      const reopened = again.openTree(2);
      reopened.check();
      expect(diffEntries(treeEntries(reopened), want)).toBe('');
    });
  });
}
