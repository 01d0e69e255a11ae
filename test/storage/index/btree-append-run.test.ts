// BTree's append run: canAppend() after a probe() that missed past the
// tree's last key, append() holding the entry back from the leaves, every
// other use of the tree putting the run in first, and insertPacked building
// past the last key of a non-empty tree (the run's flush) from its rightmost
// leaf. With both kernel implementations, trees of one and of several
// levels: the tree then holds what one-by-one inserts leave and passes check().
import { describe, expect, it } from 'vitest';
import { BTree } from '../../../src/storage/index/index.ts';
import { RecordType } from '../../../src/storage/record-types.ts';
import { createMemoryVfs } from '../../../src/storage/vfs/index.ts';
import { KINDS, MiniDb, diffEntries, numberedKey, packEntries, treeEntries, value8 } from './harness.ts';

const VALUE_BYTES = 8;
const writeValue = (tid: number, view: DataView, at: number): void => {
  view.setUint32(at, tid, true);
  view.setUint32(at + 4, 0, true);
};
const valueOf = (n: number): Uint8Array => {
  const v = new Uint8Array(VALUE_BYTES);
  new DataView(v.buffer).setUint32(0, n, true);
  return v;
};
const readNumber = (_u8: Uint8Array, view: DataView, at: number): number => view.getUint32(at, true);

for (const kind of KINDS) {
  describe(`BTree append run (${kind} kernels)`, () => {
    it('holds ascending keys past the last one, and gives them to every reader and writer as if in the leaves', () => {
      for (const before of [0, 1, 5000]) {
        const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 24, poolBytes: 4 << 20 });
        const tree = BTree.create(db.heap, 3);
        for (let n = 0; n < before; n++) tree.insert(numberedKey(n, 9), valueOf(n));
        const types = db.record();
        // Appended: n from `before` on.
        let appended = 0;
        for (let n = before; n < before + 3000; n++) {
          const key = numberedKey(n, 9);
          expect(tree.probe(key, readNumber)).toBeUndefined();
          const can = tree.canAppend(key);
          // An empty tree's probe finds the key past the end too: every key can wait.
          expect(can).toBe(true);
          expect(tree.append(key, VALUE_BYTES, writeValue, n)).toBe(true);
          appended++;
        }
        expect(tree.appending).toBe(true);
        // Nothing of the run is logged until it goes into the leaves.
        expect(types.filter((r) => r.type !== RecordType.blockInit).length).toBe(0);
        // A key at or below the run's last cannot wait; the probe that says so puts the run in first.
        const inside = numberedKey(before + 1500, 9);
        expect(tree.probe(inside, readNumber)).toBe(before + 1500);
        expect(tree.appending).toBe(false);
        expect(tree.canAppend(inside)).toBe(false);
        expect(appended).toBe(3000);
        const want = Array.from({ length: before + 3000 }, (_, n) => ({ key: numberedKey(n, 9), value: valueOf(n) }));
        expect(diffEntries(treeEntries(tree), want)).toBe('');
        tree.check();
        // The flush built leaves past the last key: no leaf-by-leaf INDEX_INSERTS.
        expect(types.filter((r) => r.type === RecordType.indexInserts).length).toBe(0);
        db.close();
      }
    });

    it('append() without canAppend(), or after another use of the tree, holds nothing', () => {
      const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 24, poolBytes: 4 << 20 });
      const tree = BTree.create(db.heap, 3);
      tree.insert(numberedKey(1, 9), valueOf(1));
      expect(tree.append(numberedKey(2, 9), VALUE_BYTES, writeValue, 2)).toBe(false);
      expect(tree.probe(numberedKey(2, 9), readNumber)).toBeUndefined();
      expect(tree.canAppend(numberedKey(2, 9))).toBe(true);
      expect(tree.append(numberedKey(2, 9), VALUE_BYTES, writeValue, 2)).toBe(true);
      // A key below the last: the probe misses inside the tree, not past it.
      expect(tree.probe(numberedKey(0, 9), readNumber)).toBeUndefined();
      expect(tree.appending).toBe(false);
      expect(tree.canAppend(numberedKey(0, 9))).toBe(false);
      tree.releaseProbe();
      expect(tree.probe(numberedKey(3, 9), readNumber)).toBeUndefined();
      expect(tree.canAppend(numberedKey(3, 9))).toBe(true);
      tree.find(numberedKey(1, 9), readNumber);
      expect(tree.append(numberedKey(3, 9), VALUE_BYTES, writeValue, 3)).toBe(false);
      // A discarded run never reaches the leaves.
      expect(tree.probe(numberedKey(4, 9), readNumber)).toBeUndefined();
      expect(tree.canAppend(numberedKey(4, 9))).toBe(true);
      expect(tree.append(numberedKey(4, 9), VALUE_BYTES, writeValue, 4)).toBe(true);
      tree.discardRun();
      expect(diffEntries(treeEntries(tree), [1, 2].map((n) => ({ key: numberedKey(n, 9), value: valueOf(n) })))).toBe('');
      tree.check();
      db.close();
    });

    it('takes exactly the keys above the run’s last, whatever their lengths and where they differ (words and bytes)', () => {
      const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 24, poolBytes: 4 << 20 });
      const tree = BTree.create(db.heap, 3);
      const compare = (a: Uint8Array, b: Uint8Array): number => {
        for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
        return a.length - b.length;
      };
      let seed = 7;
      const rand = (n: number): number => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return (seed >>> 8) % n;
      };
      const keys: Uint8Array[] = [];
      let last = Uint8Array.of(1);
      // One scratch array for every key of a length (as the engine passes its primary key scratch), and fresh ones.
      const scratch = new Map<number, Uint8Array>();
      for (let step = 0; step < 4000; step++) {
        // A key near the last: the same prefix, then one byte up or down at any position (in a word or the tail) and any
        // bytes after it, or longer or shorter.
        const base = last;
        const length = Math.max(1, Math.min(13, base.length + rand(5) - 2));
        let key: Uint8Array = new Uint8Array(length);
        const at = rand(length);
        for (let i = 0; i < length; i++) key[i] = i < at && i < base.length ? base[i]! : rand(256);
        if (at < base.length) key[at] = (base[at]! + (rand(3) === 0 ? -1 : 1) + 256) & 0xff;
        if (rand(2) === 0) {
          const s = scratch.get(length) ?? new Uint8Array(length);
          scratch.set(length, s);
          s.set(key);
          key = s;
        }
        const above = compare(key, last) > 0;
        const found = tree.probe(key, readNumber);
        if (found !== undefined) {
          expect(above).toBe(false);
          tree.releaseProbe();
          continue;
        }
        // Above the last key: it can wait in the run; below it, not (the probe put the run into the leaves first).
        const can = tree.canAppend(key);
        expect(can).toBe(above);
        if (!can) {
          tree.releaseProbe();
          tree.insert(key.slice(), valueOf(keys.length));
        } else {
          expect(tree.append(key, VALUE_BYTES, writeValue, keys.length)).toBe(true);
          last = key.slice();
        }
        keys.push(key.slice());
      }
      const want = keys.map((key, n) => ({ key, value: valueOf(n) })).sort((a, b) => compare(a.key, b.key));
      expect(diffEntries(treeEntries(tree), want)).toBe('');
      tree.check();
      db.close();
    });

    it('insertPacked builds past the last key of a tree of several levels from its rightmost leaf', () => {
      const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 24, poolBytes: 4 << 20 });
      const tree = BTree.create(db.heap, 3);
      for (let n = 0; n < 20000; n += 2) tree.insert(numberedKey(n, 12), value8(n));
      expect(tree.height).toBeGreaterThan(1);
      const keys = Array.from({ length: 30000 }, (_, i) => numberedKey(20000 + i, 12));
      const values = keys.map((_, i) => value8(20000 + i));
      const types = db.record();
      const { src, from, to } = packEntries({ keys, values }, 3);
      expect(tree.insertPacked(src, from, to)).toBe(30000);
      expect(types.filter((r) => r.type === RecordType.indexInserts).length).toBe(0);
      const want = [
        ...Array.from({ length: 10000 }, (_, i) => ({ key: numberedKey(2 * i, 12), value: value8(2 * i) })),
        ...keys.map((key, i) => ({ key, value: values[i]! })),
      ];
      expect(diffEntries(treeEntries(tree), want)).toBe('');
      tree.check();
      db.close();
    });
  });
}
