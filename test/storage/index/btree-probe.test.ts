// BTree.probe (a uniqueness probe that keeps a missed key's leaf pinned for
// the insert of that key) and the sorted inserts' sibling hint (a key past
// the hinted leaf is tried in its right sibling before a descent). What
// must hold: a probe that misses holds exactly one pin, which the insert or
// stageInsert of the key takes over and any other call on the tree (or
// releaseProbe) gives back; the tree always ends up as a model says, whatever
// runs between the probe and the insert; sorted batches through the sibling
// hint put every entry where a descent would. Both kernel implementations.
import { describe, expect, it } from 'vitest';
import { BTree } from '../../../src/storage/index/index.ts';
import { createMemoryVfs, Prng } from '../../../src/storage/vfs/index.ts';
import { KINDS, MiniDb, Model, compareBytes, diffEntries, numberedKey, treeEntries, value8 } from './harness.ts';

const readFirst = (u8: Uint8Array, _view: DataView, at: number) => u8[at]!;

function setup(kind: 'wasm' | 'ts', keys: number) {
  const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 24, poolBytes: 4 << 20 });
  const tree = BTree.create(db.heap, 3);
  const model = new Model();
  for (let i = 0; i < keys; i++) {
    const key = numberedKey(i * 10, 12);
    tree.insert(key, value8(i));
    model.insert(key, value8(i));
  }
  return { db, tree, model };
}

for (const kind of KINDS) {
  describe(`BTree.probe (${kind} kernels)`, () => {
    it('a miss holds its leaf until the insert of the key, which logs what find + insert logs', () => {
      const a = setup(kind, 2000);
      const b = setup(kind, 2000);
      const pinned = a.db.pool.pinnedFrames();
      const streamA = a.db.record();
      const streamB = b.db.record();
      for (let i = 0; i < 300; i++) {
        const key = numberedKey(i * 67 * 10 + 5, 12);
        expect(a.tree.probe(key, readFirst)).toBeUndefined();
        expect(a.db.pool.pinnedFrames()).toBe(pinned + 1);
        expect(a.tree.insert(key, value8(i))).toBe(true);
        expect(a.db.pool.pinnedFrames()).toBe(pinned);
        expect(b.tree.find(key, readFirst)).toBeUndefined();
        expect(b.tree.insert(key, value8(i))).toBe(true);
      }
      expect(streamA.map((r) => r.type)).toEqual(streamB.map((r) => r.type));
      for (let i = 0; i < streamA.length; i++) expect(compareBytes(streamA[i]!.payload, streamB[i]!.payload), `record ${i}`).toBe(0);
      expect(diffEntries(treeEntries(a.tree), treeEntries(b.tree))).toBe('');
      a.tree.check();
    });

    it('a hit holds nothing; releaseProbe and any other call give a held leaf back', () => {
      const { db, tree } = setup(kind, 500);
      const pinned = db.pool.pinnedFrames();
      expect(tree.probe(numberedKey(100, 12), readFirst)).toBe(value8(10)[0]);
      expect(db.pool.pinnedFrames()).toBe(pinned);
      const miss = numberedKey(101, 12);
      const others: (() => unknown)[] = [
        () => tree.releaseProbe(),
        () => tree.find(numberedKey(50, 12), readFirst),
        () => tree.findAt(miss, 0, miss.length, readFirst),
        () => tree.scan({}, () => false),
        () => tree.scanRaw({}, () => false),
        () => tree.collect({ lower: miss }, () => {}),
        () => tree.cursor({}).next(),
        () => tree.check(),
        () => tree.update(numberedKey(200, 12), value8(1)),
        () => tree.delete(numberedKey(999_999, 12)),
        () => tree.insertMany({ count: 0, key: () => miss, value: () => miss }),
        () => tree.insertPacked(new Uint8Array(0), 0, 0),
        () => tree.probe(numberedKey(103, 12), readFirst),
      ];
      for (const other of others) {
        expect(tree.probe(miss, readFirst)).toBeUndefined();
        expect(db.pool.pinnedFrames()).toBe(pinned + 1);
        other();
        // The last one probes again (and misses): it holds its own leaf.
        expect(db.pool.pinnedFrames()).toBe(other === others.at(-1) ? pinned + 1 : pinned);
      }
      tree.releaseProbe();
      expect(db.pool.pinnedFrames()).toBe(pinned);
      // An insert of another key gives the held leaf back, then inserts its own.
      expect(tree.probe(miss, readFirst)).toBeUndefined();
      expect(tree.insert(numberedKey(102, 12), value8(7))).toBe(true);
      expect(db.pool.pinnedFrames()).toBe(pinned);
      expect(tree.get(numberedKey(102, 12))).toEqual(value8(7));
    });

    it('stageInsert takes the held leaf over; a staged insert released unpins it', () => {
      const { db, tree } = setup(kind, 500);
      const pinned = db.pool.pinnedFrames();
      const key = numberedKey(1234, 12);
      expect(tree.probe(key, readFirst)).toBeUndefined();
      const staged = tree.stageInsert(key, 8, () => {});
      expect(staged).not.toBeNull();
      expect(db.pool.pinnedFrames()).toBe(pinned + 1);
      staged!.release();
      expect(db.pool.pinnedFrames()).toBe(pinned);
      expect(tree.get(key)).toBeUndefined();
    });

    it('random probes, inserts and deletes in between: the tree stays the model and no pin leaks', () => {
      const { db, tree, model } = setup(kind, 3000);
      const pinned = db.pool.pinnedFrames();
      const prng = new Prng(17);
      let held = false;
      for (let step = 0; step < 4000; step++) {
        const key = numberedKey(prng.int(40_000), 12);
        const op = prng.int(10);
        if (op < 4) {
          const got = tree.probe(key, readFirst);
          const want = model.get(key);
          expect(got).toBe(want === undefined ? undefined : want[0]);
          held = want === undefined;
        } else if (op < 7) {
          const value = value8(step);
          expect(tree.insert(key, value)).toBe(model.insert(key, value));
          held = false;
        } else if (op < 9) {
          expect(tree.delete(key)).toBe(model.delete(key));
          held = false;
        } else {
          expect(tree.get(key)).toEqual(model.get(key));
          held = false;
        }
        expect(db.pool.pinnedFrames()).toBe(pinned + (held ? 1 : 0));
      }
      tree.releaseProbe();
      expect(db.pool.pinnedFrames()).toBe(pinned);
      expect(diffEntries(treeEntries(tree), model.entries)).toBe('');
      tree.check();
    });
  });

  describe(`ascending keys past the rightmost leaf (${kind} kernels)`, () => {
    it('are placed without a binary search, where find + insert puts them; a key not past the last entry still searches', () => {
      const a = setup(kind, 0);
      const b = setup(kind, 0);
      const k = a.db.kernels;
      const nodeSearch = k.nodeSearch;
      let searches = 0;
      k.nodeSearch = (node, keyPtr, keyLen) => {
        searches++;
        return nodeSearch(node, keyPtr, keyLen);
      };
      const streamA = a.db.record();
      const streamB = b.db.record();
      // Keys of growing and shrinking length: a key that extends the last one sorts after it, a prefix of it before.
      const keyOf = (i: number) => numberedKey(i, 8 + (i % 5));
      let last = 0;
      for (let i = 1; i <= 3000; i++) {
        const key = keyOf(i * 3);
        const before = searches;
        expect(a.tree.probe(key, readFirst)).toBeUndefined();
        if (i > 2) expect(searches - before, `probe ${i}`).toBe(0);
        expect(a.tree.insert(key, value8(i))).toBe(true);
        expect(b.tree.find(key, readFirst)).toBeUndefined();
        expect(b.tree.insert(key, value8(i))).toBe(true);
        last = i * 3;
      }
      expect(a.tree.height).toBeGreaterThanOrEqual(2);
      // The last key (a hit), and keys before it, in the rightmost leaf: the search decides.
      for (const n of [last, last - 1, last - 3]) {
        const before = searches;
        const want = b.tree.find(keyOf(n), readFirst);
        expect(a.tree.probe(keyOf(n), readFirst)).toBe(want);
        expect(searches).toBeGreaterThan(before);
        a.tree.releaseProbe();
      }
      expect(streamA.map((r) => r.type)).toEqual(streamB.map((r) => r.type));
      for (let i = 0; i < streamA.length; i++) expect(compareBytes(streamA[i]!.payload, streamB[i]!.payload), `record ${i}`).toBe(0);
      expect(diffEntries(treeEntries(a.tree), treeEntries(b.tree))).toBe('');
      a.tree.check();
    });
  });

  describe(`sorted inserts through the right sibling (${kind} kernels)`, () => {
    it('sorted batches spread over every leaf land where a descent puts them', () => {
      const { db, tree, model } = setup(kind, 6000);
      expect(tree.height).toBeGreaterThanOrEqual(2);
      const prng = new Prng(3);
      const pinned = db.pool.pinnedFrames();
      for (let batch = 0; batch < 6; batch++) {
        const keys = new Map<string, Uint8Array>();
        for (let i = 0; i < 1500; i++) {
          // Keys between the existing ones, and some already there (skipped).
          const key = numberedKey(prng.int(60_000) * 10 + (prng.int(4) === 0 ? 0 : 1 + prng.int(9)), 12);
          keys.set(String(key), key);
        }
        const sorted = [...keys.values()].sort(compareBytes);
        const size = sorted.reduce((sum, k) => sum + 4 + k.length + 8, 0);
        const src = new Uint8Array(size);
        let at = 0;
        let want = 0;
        for (const key of sorted) {
          const value = value8(batch);
          src[at] = key.length;
          src[at + 2] = 8;
          src.set(key, at + 4);
          src.set(value, at + 4 + key.length);
          at += 4 + key.length + 8;
          if (model.insert(key, value)) want++;
        }
        expect(tree.insertPacked(src, 0, at)).toBe(want);
        expect(db.pool.pinnedFrames()).toBe(pinned);
      }
      expect(diffEntries(treeEntries(tree), model.entries)).toBe('');
      tree.check();
    });
  });
}
